//! SF1470's Givet-steps: a case built in the scenario (nothing is sent) with every relation
//! the anvisninger require, and what a scenario changes in it before indexing (title, states,
//! the actor type, a relation left out, another Primær klasse); and how the next search is
//! sorted and filtered. Indexing builds the full case from the draft.

use super::{catalogue, check_catalogue, party, status_or_input};
use crate::core::ids::Uuid;
use crate::core::klassifikation::Catalogue;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Finding, StepFuture};
use crate::runner::world::{input, World};
use crate::services::sf1470::{self, model, Aktoer, Reference, Relation, Sag, Sortering, Tilstand};
use std::collections::BTreeMap;

/// The organisational unit the test cases name as Ansvarlig. Modelled: a real system names an
/// OrganisationEnhed from Organisation (SF1500); the mock checks only that it is a UUID.
pub const TEST_ENHED: &str = "ccd2953d-116e-4a2b-a439-eaa221463c3d";

/// The relations a case is built with: role name (from the catalogue) and its type name.
/// The party's type is Person or Virksomhed, chosen per case.
const RELATIONS: [(&str, &str); 8] = [
    ("Ejer", "Organisation"),
    ("Ansvarlig", "OrganisationsEnhed"),
    ("Primær behandler", "Bruger"),
    ("Primær part", "Person"),
    ("Primær klasse", "Klasse"),
    ("Handlingsklasse", "Klasse"),
    ("IT-system master", "IT-system"),
    ("Afsender", "IT-system"),
];

/// When a test case's states began: fixed, so answers are the same on every run, and in the
/// past, as the anvisning wants of a virkning.
const TILSTAND_FRA: [&str; 4] = [
    "2024-01-02T08:00:00Z",
    "2024-01-09T08:00:00Z",
    "2024-01-16T08:00:00Z",
    "2024-01-23T08:00:00Z",
];

/// A case as the Givet-steps describe it, before its codes are resolved.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    uuid: String,
    sagsnummer: String,
    titel: String,
    /// FremdriftStatusKode, oldest first.
    tilstande: Vec<String>,
    /// AktoerTypeKode of every virkning (the target's user registers the case).
    aktoer_type: String,
    /// `urn:oio:cpr-nr:…` or `urn:oio:cvr-nr:…`
    part: String,
    part_is_company: bool,
    kle: String,
    facet: String,
    /// A literal Klasse UUID sent as Primær klasse instead of the KLE code's.
    primaer_klasse: Option<String>,
    /// Role names left out.
    uden: Vec<String>,
}

/// The cases a scenario has built, by the name it gave them, and what it set for its calls.
#[derive(Debug, Default)]
pub(super) struct SdiState {
    sager: BTreeMap<String, Draft>,
    /// The next search's `SagVis` values and `SagSortering`s.
    pub(super) filter: Option<Vec<String>>,
    pub(super) sortering: Vec<Sortering>,
    /// Send without the client's check of the anvisninger (to see the index's own verdict).
    pub(super) unchecked: bool,
    /// The `TransactionUUID` of the last call.
    pub(super) transaction: Option<String>,
}

/// A stable UUID per (it-system, feature, scenario, case name).
fn case_uuid(w: &World, alias: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!(
        "sp-contract SF1470 case\n{}\n{}\n{}\n{alias}",
        w.target().user_system_uuid.to_ascii_lowercase(),
        w.feature_rel,
        w.scenario
    ));
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

pub(super) fn draft<'w>(w: &'w mut World, alias: &str) -> Result<&'w mut Draft, StepFailure> {
    w.ext
        .get_mut::<SdiState>()
        .sager
        .get_mut(alias)
        .ok_or_else(|| no_case(alias))
}

fn no_case(alias: &str) -> StepFailure {
    input(format!(
        "no case named \"{alias}\" in this scenario: build it first with Givet en sag \"{alias}\" for borgeren \"…\" med KLE \"…\" og handlingsfacet \"…\""
    ))
}

pub(super) fn uuid_of(w: &World, alias: &str) -> Result<String, StepFailure> {
    w.ext
        .get::<SdiState>()
        .and_then(|s| s.sager.get(alias))
        .map(|d| d.uuid.clone())
        .ok_or_else(|| no_case(alias))
}

/// The full case, or why it cannot be sent (a code the catalogue does not resolve).
pub(super) fn build(
    w: &World,
    d: &Draft,
    cat: &Catalogue,
) -> Result<Result<Sag, String>, StepFailure> {
    let t = w.target();
    let emne = match &d.primaer_klasse {
        Some(u) => u.clone(),
        None => match cat.emne(&d.kle) {
            Ok(k) => k.uuid.clone(),
            Err(e) => return Ok(Err(e.to_string())),
        },
    };
    let facet = match cat.facet(&d.facet) {
        Ok(k) => k.uuid.clone(),
        Err(e) => return Ok(Err(e.to_string())),
    };
    let cvr = t.authority_cvr.as_deref().ok_or_else(|| {
        input(format!(
            "target '{}' has no authority_cvr; the case's Ejer is the authority (set authority_cvr in [targets.{}])",
            t.name, t.name
        ))
    })?;
    let mut relationer = Vec::new();
    for (navn, type_navn) in RELATIONS {
        if d.uden.iter().any(|u| u == navn) {
            continue;
        }
        let type_navn = if navn == "Primær part" && d.part_is_company {
            "Virksomhed"
        } else {
            type_navn
        };
        let reference = match navn {
            "Ejer" => Reference::Urn(sf1470::party_urn_cvr(cvr)),
            "Ansvarlig" => Reference::Uuid(TEST_ENHED.to_string()),
            "Primær behandler" => Reference::Uuid(t.user_uuid.to_ascii_lowercase()),
            "Primær part" => Reference::Urn(d.part.clone()),
            "Primær klasse" => Reference::Uuid(emne.clone()),
            "Handlingsklasse" => Reference::Uuid(facet.clone()),
            _ => Reference::Uuid(t.user_system_uuid.to_ascii_lowercase()),
        };
        relationer.push(Relation::of_role(cat, navn, type_navn, reference).map_err(input)?);
    }
    let tilstande = d
        .tilstande
        .iter()
        .zip(TILSTAND_FRA)
        .map(|(status, fra)| Tilstand {
            status: status.clone(),
            fra: fra.to_string(),
        })
        .collect();
    Ok(Ok(Sag {
        uuid: d.uuid.clone(),
        brugervendt_noegle: d.sagsnummer.clone(),
        sagsnummer: d.sagsnummer.clone(),
        titel: d.titel.clone(),
        tidspunkt: Some(super::now()),
        tilstande,
        aktoer: Some(Aktoer {
            reference: Reference::Uuid(t.user_uuid.to_ascii_lowercase()),
            type_kode: d.aktoer_type.clone(),
        }),
        relationer,
    }))
}

pub(super) fn check_new_case(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    party(t, a.get(1), a.get(2)).map(|_| ())
}

/// The case's KLE emne and facet resolve (indexing it refuses them before sending if not).
pub(super) fn precheck_case_kle(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    let cat = check_catalogue(cx)?;
    cat.emne(a.get(3))
        .map_err(|e| Finding::Refusal(e.to_string()))?;
    cat.facet(a.get(4))
        .map(|_| ())
        .map_err(|e| Finding::Refusal(e.to_string()))
}

pub(super) fn check_role(_cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    Catalogue::builtin()
        .role(a.get(1))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

pub(super) fn new_case(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let alias = a.get(0).to_string();
        let (part, part_is_company) = party(w.target(), a.get(1), a.get(2)).map_err(input)?;
        let uuid = case_uuid(w, &alias);
        let d = Draft {
            sagsnummer: format!("SPC-{}", &uuid[..8]),
            uuid,
            titel: format!("Testsag {alias}"),
            tilstande: vec![model::FREMDRIFT_STATUS[0].to_string()],
            aktoer_type: "Bruger".into(),
            part,
            part_is_company,
            kle: a.get(3).to_string(),
            facet: a.get(4).to_string(),
            primaer_klasse: None,
            uden: Vec::new(),
        };
        w.ext.get_mut::<SdiState>().sager.insert(alias, d);
        Ok(())
    })
}

pub(super) fn set_title(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w, a.get(0))?.titel = a.get(1).to_string();
        Ok(())
    })
}

/// The case is in this state, having arisen (Opstaaet) before: an import carries the states
/// from Opstaaet on (AM-01).
pub(super) fn set_status(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let s = status_or_input(a.get(1))?;
        let mut list = vec![model::FREMDRIFT_STATUS[0].to_string()];
        if s != model::FREMDRIFT_STATUS[0] {
            list.push(s.to_string());
        }
        draft(w, a.get(0))?.tilstande = list;
        Ok(())
    })
}

/// The states exactly as listed, oldest first (to send a history the anvisning refuses).
pub(super) fn set_tilstande(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = a
            .get(1)
            .split(',')
            .map(|s| status_or_input(s).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?;
        if list.is_empty() || list.len() > TILSTAND_FRA.len() {
            return Err(input(format!(
                "list 1 to {} states, separated by commas",
                TILSTAND_FRA.len()
            )));
        }
        draft(w, a.get(0))?.tilstande = list;
        Ok(())
    })
}

pub(super) fn set_aktoer_type(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w, a.get(0))?.aktoer_type = a.get(1).trim().to_string();
        Ok(())
    })
}

pub(super) fn unchecked(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        w.ext.get_mut::<SdiState>().unchecked = true;
        Ok(())
    })
}

/// The next searches show only these parts of a case (`SagVis`; "" for none).
pub(super) fn set_filter(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let mut vis = Vec::new();
        for v in a.get(0).split(',').map(str::trim).filter(|v| !v.is_empty()) {
            if !model::SAG_VIS_VALUES.contains(&v) {
                return Err(input(format!(
                    "'{v}' is not a SagVis value; write some of {}",
                    model::SAG_VIS_VALUES.join(", ")
                )));
            }
            vis.push(v.to_string());
        }
        w.ext.get_mut::<SdiState>().filter = Some(vis);
        Ok(())
    })
}

/// The next searches sort by this element (one more `SagSortering`, next in priority).
pub(super) fn add_sortering(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let st = w.ext.get_mut::<SdiState>();
        let prioritet = i64::try_from(st.sortering.len()).unwrap_or(i64::MAX) + 1;
        st.sortering.push(Sortering {
            element: a.get(0).to_string(),
            faldende: a.get(1) == "faldende",
            prioritet,
        });
        Ok(())
    })
}

pub(super) fn drop_relation(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cat = catalogue(w)?;
        let role = cat.role(a.get(1)).map_err(|e| input(e.to_string()))?;
        if !RELATIONS.iter().any(|(n, _)| *n == role.navn) {
            return Err(input(format!(
                "the case is not built with the relation '{}', so it cannot leave it out; it has: {}",
                role.navn,
                RELATIONS.map(|r| r.0).join(", ")
            )));
        }
        let navn = role.navn.clone();
        draft(w, a.get(0))?.uden.push(navn);
        Ok(())
    })
}

pub(super) fn set_klasse(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let u = a.get(1).trim().to_string();
        if !Uuid::is_valid(&u) {
            return Err(input(format!(
                "'{u}' is not a Klasse UUID (lower-case hex, 8-4-4-4-12)"
            )));
        }
        draft(w, a.get(0))?.primaer_klasse = Some(u);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_relations_are_roles_of_the_catalogue() {
        let c = Catalogue::builtin();
        for (role, typ) in RELATIONS {
            assert!(c.role(role).is_ok(), "{role}");
            assert!(c.type_uuid(typ).is_some(), "{typ}");
        }
        // The anvisninger's required roles are roles of the catalogue, and the built case has
        // each.
        for r in crate::services::sf1470::rules::required_roles() {
            assert!(
                c.role(r).is_ok(),
                "{r} is required but not in the catalogue"
            );
            assert!(
                RELATIONS.iter().any(|(n, _)| *n == r),
                "{r} is required but not built"
            );
        }
    }
}
