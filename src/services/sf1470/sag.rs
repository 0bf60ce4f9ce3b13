//! The Sag object of SF1470: a case as the index holds it (its properties, its state and its
//! relations in the relation lists' order), written into requests and answers and read back,
//! every value checked (UUIDs, party URNs, FremdriftStatusKode).

use super::{model, w_name, Sf1470Error};
use crate::core::ids::Uuid;
use crate::core::xml::Element;
use crate::services::sagdok::{child_ns, invalid, required, ShapeError, Writer};

/// Which relation list a relation sits in; the index of `model::RELATION_LISTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Liste(usize);

impl Liste {
    pub fn named(name: &str) -> Option<Liste> {
        model::RELATION_LISTS
            .iter()
            .position(|n| *n == name)
            .map(Liste)
    }
    pub fn name(self) -> &'static str {
        model::RELATION_LISTS[self.0]
    }
}

/// A relation's target: a UUID (organisation unit, user, Klasse, it-system) or a URN (party).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Uuid(String),
    Urn(String),
}

impl Reference {
    pub fn value(&self) -> &str {
        match self {
            Reference::Uuid(v) | Reference::Urn(v) => v,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub liste: Liste,
    /// The role's Klasse UUID (Ejer, Primær part, ...).
    pub rolle: String,
    /// The type's Klasse UUID (Organisation, Person, Klasse, ...).
    pub type_uuid: String,
    pub reference: Reference,
}

/// One case as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sag {
    pub uuid: String,
    pub brugervendt_noegle: String,
    pub sagsnummer: String,
    pub titel: String,
    /// `FremdriftStatusKode`, one of `model::FREMDRIFT_STATUS`.
    pub status: String,
    pub relationer: Vec<Relation>,
}

impl Sag {
    pub fn relations_with_role<'a>(&'a self, rolle: &'a str) -> impl Iterator<Item = &'a Relation> {
        self.relationer.iter().filter(move |r| r.rolle == rolle)
    }
}

/// A party reference for a CPR or CVR number.
pub fn party_urn_cpr(cpr: &str) -> String {
    format!("{}{cpr}", model::URN_CPR)
}

pub fn party_urn_cvr(cvr: &str) -> String {
    format!("{}{cvr}", model::URN_CVR)
}

/// Check a party URN: `urn:oio:cpr-nr:` + 10 digits or `urn:oio:cvr-nr:` + 8 digits.
pub fn check_party_urn(urn: &str) -> Result<(), String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(cpr) = urn.strip_prefix(model::URN_CPR) {
        return if digits(cpr, 10) {
            Ok(())
        } else {
            Err(format!("{} must be followed by 10 digits", model::URN_CPR))
        };
    }
    if let Some(cvr) = urn.strip_prefix(model::URN_CVR) {
        return if digits(cvr, 8) {
            Ok(())
        } else {
            Err(format!("{} must be followed by 8 digits", model::URN_CVR))
        };
    }
    Err(format!(
        "a party is written {}<cpr> or {}<cvr>",
        model::URN_CPR,
        model::URN_CVR
    ))
}

pub(super) fn write_unik_id(w: &mut Writer, wrapper: &str, r: &Reference) {
    w.open(wrapper);
    match r {
        Reference::Uuid(v) => w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), v),
        Reference::Urn(v) => w.leaf(&w_name("sd", model::URN_IDENTIFIKATOR), v),
    }
    w.close(wrapper);
}

pub(super) fn write_egenskaber(
    w: &mut Writer,
    noegle: Option<&str>,
    nummer: Option<&str>,
    titel: Option<&str>,
) {
    let al = w_name("sag", model::ATTRIBUT_LISTE);
    let eg = w_name("sag", model::EGENSKABER);
    w.open(&al);
    w.open(&eg);
    if let Some(v) = noegle {
        w.leaf(&w_name("sag", model::BRUGERVENDT_NOEGLE), v);
    }
    if let Some(v) = nummer {
        w.leaf(&w_name("sag", model::SAGSNUMMER), v);
    }
    if let Some(v) = titel {
        w.leaf(&w_name("sag", model::TITEL), v);
    }
    w.close(&eg);
    w.close(&al);
}

pub(super) fn write_fremdrift(w: &mut Writer, status: &str) {
    let tl = w_name("sag", model::TILSTAND_LISTE);
    let fd = w_name("sag", model::FREMDRIFT);
    w.open(&tl);
    w.open(&fd);
    w.leaf(&w_name("sag", model::FREMDRIFT_STATUS_KODE), status);
    w.close(&fd);
    w.close(&tl);
}

/// Write a case as `element` (`sdi:SagIndeks` in imports, `sdi:SagFiltreretOejebliksbillede`
/// in search results).
pub fn write_sag(w: &mut Writer, element: &str, s: &Sag) {
    w.open(element);
    w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), &s.uuid);
    let reg = w_name("sag", model::REGISTRERING);
    w.open(&reg);
    w.leaf(
        &w_name("sd", model::LIVSCYKLUS_KODE),
        model::LIVSCYKLUS_IMPORTERET,
    );
    write_egenskaber(
        w,
        Some(&s.brugervendt_noegle),
        Some(&s.sagsnummer),
        Some(&s.titel),
    );
    write_fremdrift(w, &s.status);
    let rl = w_name("sag", model::RELATION_LISTE);
    w.open(&rl);
    let mut rels: Vec<&Relation> = s.relationer.iter().collect();
    // The lists are a sequence in the schema: keep their order, and the order within each.
    rels.sort_by_key(|r| r.liste);
    for r in rels {
        let name = w_name("sag", r.liste.name());
        w.open(&name);
        write_unik_id(
            w,
            &w_name("sag", model::ROLLE),
            &Reference::Uuid(r.rolle.clone()),
        );
        write_unik_id(
            w,
            &w_name("sag", model::TYPE),
            &Reference::Uuid(r.type_uuid.clone()),
        );
        write_unik_id(w, &w_name("sag", model::REFERENCE_ID), &r.reference);
        w.close(&name);
    }
    w.close(&rl);
    w.close(&reg);
    w.close(element);
}

pub(super) fn read_uuid(el: &Element, parent_name: &str) -> Result<String, Sf1470Error> {
    let v = required(el, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR)?.text();
    checked_uuid(v, parent_name)
}

/// A `UUIDIdentifikator` under `parent_name`, as the schemas allow it.
fn checked_uuid(v: String, parent_name: &str) -> Result<String, Sf1470Error> {
    if Uuid::is_valid(&v) {
        Ok(v)
    } else {
        Err(invalid(
            &format!("{parent_name}/{}", model::UUID_IDENTIFIKATOR),
            &v,
            "not a UUID (lower-case hex, 8-4-4-4-12)",
        ))
    }
}

pub(super) fn read_unik_id(el: &Element) -> Result<Reference, Sf1470Error> {
    let uuid = child_ns(el, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR);
    let urn = child_ns(el, model::SAGDOK_NS, model::URN_IDENTIFIKATOR);
    match (uuid, urn) {
        (Some(u), None) => checked_uuid(u.text(), &el.local).map(Reference::Uuid),
        (None, Some(u)) => {
            let v = u.text();
            if v.starts_with("urn:") {
                Ok(Reference::Urn(v))
            } else {
                Err(invalid(
                    &format!("{}/{}", el.local, model::URN_IDENTIFIKATOR),
                    &v,
                    "a URN starts with urn:",
                ))
            }
        }
        _ => Err(invalid(
            &el.local,
            "",
            format!(
                "needs exactly one of {} and {}",
                model::UUID_IDENTIFIKATOR,
                model::URN_IDENTIFIKATOR
            ),
        )),
    }
}

pub(super) fn read_status(el: &Element) -> Result<String, Sf1470Error> {
    let fd = required(el, model::SAG_NS, model::FREMDRIFT)?;
    let v = required(fd, model::SAG_NS, model::FREMDRIFT_STATUS_KODE)?.text();
    if model::FREMDRIFT_STATUS.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(invalid(
            model::FREMDRIFT_STATUS_KODE,
            &v,
            format!("one of {}", model::FREMDRIFT_STATUS.join(", ")),
        ))
    }
}

/// Read a case (`SagIndeks` or `SagFiltreretOejebliksbillede`).
pub fn parse_sag(el: &Element) -> Result<Sag, Sf1470Error> {
    let uuid = read_uuid(el, &el.local)?;
    let reg = required(el, model::SAG_NS, model::REGISTRERING)?;
    let eg = required(
        required(reg, model::SAG_NS, model::ATTRIBUT_LISTE)?,
        model::SAG_NS,
        model::EGENSKABER,
    )?;
    let text = |name: &str| required(eg, model::SAG_NS, name).map(|e| e.text());
    let brugervendt_noegle = text(model::BRUGERVENDT_NOEGLE)?;
    let sagsnummer = text(model::SAGSNUMMER)?;
    let titel = text(model::TITEL)?;
    if titel.is_empty() {
        return Err(invalid(model::TITEL, "", "a case needs a title"));
    }
    let status = read_status(required(reg, model::SAG_NS, model::TILSTAND_LISTE)?)?;
    let mut relationer = Vec::new();
    if let Some(rl) = child_ns(reg, model::SAG_NS, model::RELATION_LISTE) {
        let mut last = Liste(0);
        for r in rl.elements() {
            let liste = match (r.ns.as_deref(), Liste::named(&r.local)) {
                (Some(model::SAG_NS), Some(l)) => l,
                _ => {
                    return Err(ShapeError::Extra {
                        parent: model::RELATION_LISTE.into(),
                        element: r.local.clone(),
                    })
                }
            };
            if liste < last {
                return Err(invalid(
                    &r.local,
                    "",
                    format!(
                        "out of order; the lists come in the order {}",
                        model::RELATION_LISTS.join(", ")
                    ),
                ));
            }
            last = liste;
            let uuid_of = |name: &str| -> Result<String, Sf1470Error> {
                match read_unik_id(required(r, model::SAG_NS, name)?)? {
                    Reference::Uuid(u) => Ok(u),
                    Reference::Urn(u) => Err(invalid(name, &u, "must be a Klasse UUID")),
                }
            };
            relationer.push(Relation {
                liste,
                rolle: uuid_of(model::ROLLE)?,
                type_uuid: uuid_of(model::TYPE)?,
                reference: read_unik_id(required(r, model::SAG_NS, model::REFERENCE_ID)?)?,
            });
        }
    }
    Ok(Sag {
        uuid,
        brugervendt_noegle,
        sagsnummer,
        titel,
        status,
        relationer,
    })
}
