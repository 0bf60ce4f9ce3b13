//! KOMBIT's anvisninger for Sag in the index that the XSD cannot say, as ONE rule set: the
//! client checks a request with it before sending (a breach is the sender's input error,
//! nothing is sent) and the mock checks what it receives with it (a breach is a StatusKode
//! other than 20 naming the rule). It reads the request's XML, so both sides judge exactly
//! what travels. Source: `shared/contracts/SF1470-anvisninger` (anvisninger for
//! forretningsobjekt sag, and generelle anvendelsesmønstre AM-01).

use super::model::{self, Operation};
use crate::core::klassifikation::Catalogue;
use crate::core::xml::Element;
use crate::services::sagdok::{child_ns, children_ns};

/// The state order: Opstaaet first, then forward only, and an import carries every earlier
/// state from Opstaaet on (Tilstand/FremdriftStatusKode; AM-01).
pub const RULE_TILSTAND: &str = "tilstandsforløb";
/// Every virkning names who made the change, as `Bruger` or `ItSystem` only (Virkning/AktoerRef
/// and AktoerTypeKode, \[OB5\]).
pub const RULE_AKTOER: &str = "AktoerTypeKode";
/// BrugervendtNoegle, Sagsnummer and Titel are given at import (\[OB1\]), on one line, and the
/// BrugervendtNoegle is the Sagsnummer; Registrering/Tidspunkt is given (\[OB2\]).
pub const RULE_EGENSKABER: &str = "sagsegenskaber";
/// The relations a case must have exactly once, those it may have at most once, the object
/// types each role takes, and no `Indeks` on them, since there is one of each (Relation:
/// Sagsaktør, Sagspart, Sagsklasse, IT-system: "MÅ IKKE UDFYLDES").
pub const RULE_RELATION: &str = "relationer";
/// Every rule, for documentation and tests.
pub const RULES: [&str; 4] = [RULE_TILSTAND, RULE_AKTOER, RULE_EGENSKABER, RULE_RELATION];

/// A role's occurrences and object types (names in `mocks/klassifikation/sdi-relationer.json`).
struct RoleRule {
    role: &'static str,
    required: bool,
    types: &'static [&'static str],
}

/// The anvisning's roles with "Forekomster: 1" (required) or "0..1".
const ROLES: [RoleRule; 8] = [
    RoleRule {
        role: "Ejer",
        required: true,
        types: &["Organisation"],
    },
    RoleRule {
        role: "Ansvarlig",
        required: true,
        types: &["OrganisationsEnhed"],
    },
    RoleRule {
        role: "Primær behandler",
        required: false,
        types: &["OrganisationsEnhed", "Bruger"],
    },
    RoleRule {
        role: "Primær part",
        required: false,
        types: &["Person", "Virksomhed"],
    },
    RoleRule {
        role: "Primær klasse",
        required: true,
        types: &["Klasse"],
    },
    RoleRule {
        role: "Handlingsklasse",
        required: true,
        types: &["Klasse"],
    },
    RoleRule {
        role: "IT-system master",
        required: true,
        types: &["IT-system"],
    },
    RoleRule {
        role: "Afsender",
        required: true,
        types: &["IT-system"],
    },
];

/// The roles a case must have, by the catalogue's names.
pub fn required_roles() -> impl Iterator<Item = &'static str> {
    ROLES.iter().filter(|r| r.required).map(|r| r.role)
}

/// One breach of a rule, about one case (its UUID) or the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub rule: &'static str,
    pub sag: Option<String>,
    pub text: String,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.sag {
            Some(s) => write!(f, "Sag {s}: anvisning '{}': {}", self.rule, self.text),
            None => write!(f, "anvisning '{}': {}", self.rule, self.text),
        }
    }
}

/// Every breach of the anvisninger in the Body's input element of `op`.
pub fn check(op: &Operation, input: &Element, cat: &Catalogue) -> Vec<Breach> {
    let mut out = Vec::new();
    match op.name {
        "importer" => {
            for s in children_ns(input, model::SDI_NS, model::SAG_INDEKS) {
                let uuid =
                    child_ns(s, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR).map(|e| e.text());
                let mut add = |rule, text| {
                    out.push(Breach {
                        rule,
                        sag: uuid.clone(),
                        text,
                    })
                };
                let Some(reg) = child_ns(s, model::SAG_NS, model::REGISTRERING) else {
                    continue;
                };
                tilstande(reg, &mut add);
                aktoerer(reg, &mut add);
                egenskaber(reg, &mut add);
                relationer(reg, cat, &mut add);
            }
        }
        "opdater" => {
            for o in children_ns(input, model::SDI_NS, model::OPDATER_SAG_INDEKS) {
                let uuid =
                    child_ns(o, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR).map(|e| e.text());
                aktoerer(o, &mut |rule, text| {
                    out.push(Breach {
                        rule,
                        sag: uuid.clone(),
                        text,
                    })
                });
            }
        }
        _ => {}
    }
    out
}

/// The time a virkning's `FraTidspunkt` gives (None: none, or infinity).
fn fra(virkning: Option<&Element>) -> Option<String> {
    virkning
        .and_then(|v| child_ns(v, model::SAGDOK_NS, model::FRA_TIDSPUNKT))
        .and_then(|f| child_ns(f, model::SAGDOK_NS, model::TIDSSTEMPEL))
        .map(|t| t.text().trim().to_string())
}

/// Times compare as instants when both are RFC 3339, else as text.
fn before(a: &str, b: &str) -> bool {
    use time::format_description::well_known::Rfc3339;
    match (
        time::OffsetDateTime::parse(a, &Rfc3339),
        time::OffsetDateTime::parse(b, &Rfc3339),
    ) {
        (Ok(x), Ok(y)) => x < y,
        _ => a < b,
    }
}

fn tilstande(reg: &Element, add: &mut impl FnMut(&'static str, String)) {
    let order = |s: &str| model::FREMDRIFT_STATUS.iter().position(|v| *v == s);
    let list: Vec<(String, Option<String>)> = child_ns(reg, model::SAG_NS, model::TILSTAND_LISTE)
        .map(|tl| {
            children_ns(tl, model::SAG_NS, model::FREMDRIFT)
                .map(|f| {
                    let code = child_ns(f, model::SAG_NS, model::FREMDRIFT_STATUS_KODE)
                        .map(|e| e.text())
                        .unwrap_or_default();
                    (code, fra(child_ns(f, model::SAG_NS, model::VIRKNING)))
                })
                .collect()
        })
        .unwrap_or_default();
    match list.first() {
        None => return add(RULE_TILSTAND, "an import must give the case's FremdriftStatusKode".into()),
        Some((first, _)) if first != model::FREMDRIFT_STATUS[0] => add(
            RULE_TILSTAND,
            format!(
                "an import carries every earlier state, so the first Fremdrift is {}, not '{first}'",
                model::FREMDRIFT_STATUS[0]
            ),
        ),
        _ => {}
    }
    for (code, from) in &list {
        if from.is_none() {
            add(
                RULE_TILSTAND,
                format!(
                    "the Fremdrift '{code}' needs Virkning/FraTidspunkt with a time (not infinity)"
                ),
            );
        }
    }
    for pair in list.windows(2) {
        let ((a, af), (b, bf)) = (&pair[0], &pair[1]);
        if order(b) <= order(a) {
            add(
                RULE_TILSTAND,
                format!(
                    "'{b}' follows '{a}'; states go forward in the order {}",
                    model::FREMDRIFT_STATUS.join(" → ")
                ),
            );
        }
        if let (Some(x), Some(y)) = (af, bf) {
            if !before(x, y) {
                add(
                    RULE_TILSTAND,
                    format!("'{b}' begins {y}, not after '{a}' ({x})"),
                );
            }
        }
    }
}

/// Every Virkning below `el` names its actor, of an allowed type.
fn aktoerer(el: &Element, add: &mut impl FnMut(&'static str, String)) {
    let mut stack = vec![el];
    while let Some(e) = stack.pop() {
        for c in e.elements() {
            if c.local == model::VIRKNING {
                let typ = child_ns(c, model::SAGDOK_NS, model::AKTOER_TYPE_KODE).map(|t| t.text());
                let has_ref = child_ns(c, model::SAGDOK_NS, model::AKTOER_REF).is_some();
                match typ {
                    Some(t) if !model::AKTOER_TYPER.contains(&t.as_str()) => add(
                        RULE_AKTOER,
                        format!(
                            "AktoerTypeKode '{t}' in the Virkning of {}: only {} may be used",
                            e.local,
                            model::AKTOER_TYPER.join(" or ")
                        ),
                    ),
                    None => add(
                        RULE_AKTOER,
                        format!("the Virkning of {} has no AktoerTypeKode", e.local),
                    ),
                    _ if !has_ref => add(
                        RULE_AKTOER,
                        format!("the Virkning of {} has no AktoerRef", e.local),
                    ),
                    _ => {}
                }
            } else {
                stack.push(c);
            }
        }
    }
}

fn egenskaber(reg: &Element, add: &mut impl FnMut(&'static str, String)) {
    if child_ns(reg, model::SAGDOK_NS, model::TIDSPUNKT).is_none() {
        add(
            RULE_EGENSKABER,
            "Registrering/Tidspunkt is required at import".into(),
        );
    }
    let eg = child_ns(reg, model::SAG_NS, model::ATTRIBUT_LISTE)
        .and_then(|al| child_ns(al, model::SAG_NS, model::EGENSKABER));
    let value = |name: &str| {
        eg.and_then(|e| child_ns(e, model::SAG_NS, name))
            .map(|e| e.text())
    };
    for name in [model::BRUGERVENDT_NOEGLE, model::SAGSNUMMER, model::TITEL] {
        match value(name) {
            None => add(
                RULE_EGENSKABER,
                format!("Egenskaber/{name} is required at import"),
            ),
            Some(v) if v.contains(['\r', '\n', '\t']) => add(
                RULE_EGENSKABER,
                format!("{name} is written on one line, without line breaks or tabs"),
            ),
            Some(_) => {}
        }
    }
    if let (Some(n), Some(s)) = (value(model::BRUGERVENDT_NOEGLE), value(model::SAGSNUMMER)) {
        if n != s {
            add(
                RULE_EGENSKABER,
                format!("the BrugervendtNoegle '{n}' must be the Sagsnummer '{s}'"),
            );
        }
    }
}

fn relationer(reg: &Element, cat: &Catalogue, add: &mut impl FnMut(&'static str, String)) {
    let Some(rl) = child_ns(reg, model::SAG_NS, model::RELATION_LISTE) else {
        return add(
            RULE_RELATION,
            "an import must give the case's RelationListe".into(),
        );
    };
    let rels = super::sag::read_relationer(rl);
    let single: Vec<&str> = ROLES
        .iter()
        .filter_map(|r| cat.role(r.role).ok())
        .map(|r| r.uuid.as_str())
        .collect();
    for (_, r) in super::sag::relation_elements(rl) {
        let indeks = child_ns(r, model::GD_NS, model::INDEKS).map(|e| e.text());
        let rolle = child_ns(r, model::GD_NS, model::ROLLE)
            .and_then(super::sag::read_unik_id)
            .map(|u| u.value().to_ascii_lowercase());
        if let (Some(i), Some(rolle)) = (indeks, rolle) {
            if single.contains(&rolle.as_str()) {
                let navn = cat
                    .role_by_uuid(&rolle)
                    .map_or(rolle.as_str(), |r| r.navn.as_str());
                add(
                    RULE_RELATION,
                    format!(
                        "the relation '{navn}' has Indeks '{i}'; a role a case has once takes none"
                    ),
                );
            }
        }
    }
    for rule in &ROLES {
        let Ok(role) = cat.role(rule.role) else {
            add(
                RULE_RELATION,
                format!("the role '{}' is not in {}", rule.role, cat.source),
            );
            continue;
        };
        let with_role: Vec<_> = rels
            .iter()
            .filter(|r| r.rolle.eq_ignore_ascii_case(&role.uuid))
            .collect();
        match with_role.len() {
            0 if rule.required => add(
                RULE_RELATION,
                format!(
                    "the required relation '{}' (Rolle {}) is missing",
                    role.navn, role.uuid
                ),
            ),
            0 | 1 => {}
            n => add(
                RULE_RELATION,
                format!(
                    "the relation '{}' appears {n} times; a case has at most one",
                    role.navn
                ),
            ),
        }
        let allowed: Vec<&str> = rule.types.iter().filter_map(|t| cat.type_uuid(t)).collect();
        for r in with_role {
            if !allowed.iter().any(|t| t.eq_ignore_ascii_case(&r.type_uuid)) {
                add(
                    RULE_RELATION,
                    format!(
                        "the relation '{}' has Type {}; it takes {}",
                        role.navn,
                        r.type_uuid,
                        rule.types.join(" or ")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::xml;
    use crate::services::sf1470::{
        importer_request, opdater_request, party_urn_cpr, party_urn_cvr, Aktoer, Opdatering,
        Reference, Relation, Sag, Tilstand,
    };

    fn sag() -> Sag {
        let c = Catalogue::builtin();
        let rel = |role: &str, typ: &str, reference: Reference| {
            Relation::of_role(&c, role, typ, reference).unwrap()
        };
        let it = || Reference::Uuid("903c9e8b-9112-4e92-9860-3c82eae5d61e".into());
        let klasse = || Reference::Uuid("a2f31e8c-5d4f-4b1a-9c7e-1d2b3c4d5e6f".into());
        Sag {
            uuid: "0e0b9a8f-2b55-4a4f-9f77-0b7c1c7e2d11".into(),
            brugervendt_noegle: "S-1".into(),
            sagsnummer: "S-1".into(),
            titel: "Testsag".into(),
            tidspunkt: Some("2024-02-01T10:00:00Z".into()),
            tilstande: vec![Tilstand {
                status: "Opstaaet".into(),
                fra: "2024-01-02T08:00:00Z".into(),
            }],
            aktoer: Some(Aktoer {
                reference: Reference::Uuid("e086c3cd-c29b-4283-abcb-5c18dd1e2bb7".into()),
                type_kode: "Bruger".into(),
            }),
            relationer: vec![
                rel(
                    "Ejer",
                    "Organisation",
                    Reference::Urn(party_urn_cvr("29189846")),
                ),
                rel("Ansvarlig", "OrganisationsEnhed", it()),
                rel(
                    "Primær part",
                    "Person",
                    Reference::Urn(party_urn_cpr("1503801015")),
                ),
                rel("Primær klasse", "Klasse", klasse()),
                rel("Handlingsklasse", "Klasse", klasse()),
                rel("IT-system master", "IT-system", it()),
                rel("Afsender", "IT-system", it()),
            ],
        }
    }

    fn breaches(s: &Sag) -> Vec<Breach> {
        let el = xml::parse(importer_request(std::slice::from_ref(s)).as_bytes()).unwrap();
        check(&model::IMPORTER, &el, &Catalogue::builtin())
    }

    /// The one breach of `s`, which must be of `rule` and say `says`.
    fn only(s: &Sag, rule: &str, says: &str) {
        let b = breaches(s);
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].rule, rule);
        assert!(b[0].to_string().contains(says), "{}", b[0]);
        assert!(
            b[0].to_string().contains(&s.uuid),
            "names the case: {}",
            b[0]
        );
    }

    fn states(list: &[(&str, &str)]) -> Vec<Tilstand> {
        list.iter()
            .map(|(s, f)| Tilstand {
                status: s.to_string(),
                fra: f.to_string(),
            })
            .collect()
    }

    #[test]
    fn a_case_by_the_anvisninger_has_no_breach() {
        assert_eq!(breaches(&sag()), vec![]);
        let mut s = sag();
        // Opstaaet and Afsluttet alone: the anvisning's own example.
        s.tilstande = states(&[
            ("Opstaaet", "2024-01-02T08:00:00Z"),
            ("Afsluttet", "2024-01-09T08:00:00+01:00"),
        ]);
        assert_eq!(breaches(&s), vec![]);
        // Primær behandler and Primær part may be left out.
        s.relationer.retain(|r| r.liste.name() != "Sagspart");
        assert_eq!(breaches(&s), vec![]);
    }

    #[test]
    fn the_states_begin_with_opstaaet_and_go_forward() {
        let mut s = sag();
        s.tilstande = states(&[("Afsluttet", "2024-01-02T08:00:00Z")]);
        only(
            &s,
            RULE_TILSTAND,
            "the first Fremdrift is Opstaaet, not 'Afsluttet'",
        );
        s.tilstande = states(&[
            ("Opstaaet", "2024-01-02T08:00:00Z"),
            ("Afgjort", "2024-01-03T08:00:00Z"),
            ("Oplyst", "2024-01-04T08:00:00Z"),
        ]);
        only(&s, RULE_TILSTAND, "'Oplyst' follows 'Afgjort'");
        s.tilstande = states(&[
            ("Opstaaet", "2024-01-05T08:00:00Z"),
            ("Oplyst", "2024-01-04T08:00:00Z"),
        ]);
        only(&s, RULE_TILSTAND, "not after 'Opstaaet'");
        s.tilstande.clear();
        only(
            &s,
            RULE_TILSTAND,
            "must give the case's FremdriftStatusKode",
        );
    }

    #[test]
    fn only_bruger_and_itsystem_are_actor_types() {
        let mut s = sag();
        s.aktoer.as_mut().unwrap().type_kode = "Organisation".into();
        let b = breaches(&s);
        assert!(
            !b.is_empty() && b.iter().all(|b| b.rule == RULE_AKTOER),
            "{b:?}"
        );
        assert!(b[0].text.contains("only Bruger or ItSystem"), "{}", b[0]);
        s.aktoer = None;
        let b = breaches(&s);
        assert!(
            b.iter().any(|b| b.text.contains("has no AktoerTypeKode")),
            "{b:?}"
        );

        let o = Opdatering {
            uuid: s.uuid.clone(),
            tilstand: states(&[("Afsluttet", "2024-03-01T08:00:00Z")]).remove(0),
            aktoer: Aktoer {
                reference: Reference::Uuid(s.uuid.clone()),
                type_kode: "OrganisationEnhed".into(),
            },
            tidspunkt: "2024-03-01T08:00:00Z".into(),
        };
        let el = xml::parse(opdater_request(&[o]).as_bytes()).unwrap();
        let b = check(&model::OPDATER, &el, &Catalogue::builtin());
        assert_eq!(b.len(), 1, "{b:?}");
        assert_eq!(b[0].rule, RULE_AKTOER);
    }

    #[test]
    fn the_properties_are_given_on_one_line_and_the_key_is_the_number() {
        let mut s = sag();
        s.titel = "to\r\nlinjer".into();
        only(&s, RULE_EGENSKABER, "Titel is written on one line");
        let mut s = sag();
        s.brugervendt_noegle = "S-2".into();
        only(&s, RULE_EGENSKABER, "must be the Sagsnummer");
        let mut s = sag();
        s.tidspunkt = None;
        only(&s, RULE_EGENSKABER, "Registrering/Tidspunkt is required");
    }

    #[test]
    fn required_relations_once_each_with_their_types() {
        let c = Catalogue::builtin();
        for role in required_roles() {
            let uuid = c.role(role).unwrap().uuid.clone();
            let mut s = sag();
            s.relationer.retain(|r| r.rolle != uuid);
            only(&s, RULE_RELATION, &format!("'{role}'"));
        }
        let mut s = sag();
        let ejer = s.relationer[0].clone();
        s.relationer.push(ejer);
        only(&s, RULE_RELATION, "'Ejer' appears 2 times");
        let mut s = sag();
        s.relationer[0].type_uuid = c.type_uuid("Person").unwrap().into();
        only(&s, RULE_RELATION, "it takes Organisation");
        // An Indeks on a relation of which a case has one.
        let s = sag();
        let text = importer_request(std::slice::from_ref(&s)).replacen(
            "</gd:Type><gd:ReferenceID>",
            "</gd:Type><gd:Indeks>1</gd:Indeks><gd:ReferenceID>",
            1,
        );
        let b = check(&model::IMPORTER, &xml::parse(text.as_bytes()).unwrap(), &c);
        assert_eq!(b.len(), 1, "{b:?}");
        assert!(b[0].text.contains("'Ejer' has Indeks '1'"), "{}", b[0]);
    }
}
