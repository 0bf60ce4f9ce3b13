//! SF1470 Sags- og Dokumentindeks steps: build a case, index it, update, remove and find it.
//!
//! A case is built by Givet-steps with everything the index requires (Ejer = the target's
//! authority, Ansvarlig, Primær behandler = the target's user, Primær part, Primær klasse and
//! Handlingsklasse from KLE codes, IT-system master = the target's it-system); a scenario can
//! then take a relation away or point at another Klasse to see the index refuse it. KLE codes
//! are resolved to Klasse UUIDs through the catalogue in `mocks/klassifikation/`.
//!
//! Case UUIDs are derived from the it-system, feature, scenario and case name, so snapshots
//! are stable and a re-run replaces the same case instead of piling up new ones.

mod given;
mod then;
mod when;

use crate::core::ids::Cvr;
use crate::core::klassifikation::{Catalogue, KlassifikationError};
use crate::platform::data::Platform;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Finding, Kind, StepDef};
use crate::runner::world::{input, World};
use crate::services::sf1470::{self, model};
use crate::targets::target::Target;
use std::sync::Arc;

const G: &str = "Sags- og Dokumentindeks (SF1470)";
pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Given,
            G,
            r#"en sag "([^"]+)" for (borgeren|virksomheden) "([^"]+)" med KLE "([^"]*)" og handlingsfacet "([^"]*)""#,
            r#"en sag "boligstøtte" for borgeren "far" med KLE "27.35.04" og handlingsfacet "G01""#,
            "Builds a case (nothing is sent) with every relation the index requires: Ejer (the authority), Ansvarlig, Primær behandler (the target's user), Primær part (a citizen alias, or a CVR number with 'virksomheden'), Primær klasse and Handlingsklasse (KLE codes, resolved to Klasse UUIDs through mocks/klassifikation/kle.json), IT-system master (the target's it-system). Status Opstaaet.",
            given::new_case,
        )
        .with_check(given::check_new_case)
        .with_precheck(given::precheck_case_kle),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" har titlen "([^"]*)""#,
            r#"sagen "boligstøtte" har titlen "Ansøgning om boligstøtte""#,
            "Sets the case's title (Egenskaber/Titel).",
            given::set_title,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" har status "([^"]+)""#,
            r#"sagen "boligstøtte" har status "Oplyst""#,
            "Sets the case's FremdriftStatusKode before it is indexed: Opstaaet, Oplyst, Afgjort, Bestilt, Udfoert or Afsluttet (æøå spellings accepted).",
            given::set_status,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" mangler relationen "([^"]+)""#,
            r#"sagen "boligstøtte" mangler relationen "Primær part""#,
            "Leaves a relation out of the case (a role from mocks/klassifikation/sdi-relationer.json: Ejer, Ansvarlig, Primær behandler, Primær part, Primær klasse, Handlingsklasse, IT-system master).",
            given::drop_relation,
        )
        .with_check(given::check_role),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" har den primære klasse "([^"]+)""#,
            r#"sagen "boligstøtte" har den primære klasse "daabc515-703d-4077-921a-3688daf6b79f""#,
            "Sends this Klasse UUID as Primær klasse instead of the KLE code's (to see the index refuse a Klasse it does not know).",
            given::set_klasse,
        ),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg indekserer sagen "([^"]+)""#,
            r#"jeg indekserer sagen "boligstøtte""#,
            "SF1470 importer of the case. A KLE code or handlingsfacet that is malformed or not in the catalogue is refused before sending.",
            when::importer,
        )
        .with_check(check_send),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg opdaterer sagen "([^"]+)" til status "([^"]+)""#,
            r#"jeg opdaterer sagen "boligstøtte" til status "Afsluttet""#,
            "SF1470 opdater: sets the indexed case's FremdriftStatusKode.",
            when::opdater,
        )
        .with_check(check_send),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg fjerner sagen "([^"]+)" fra indekset"#,
            r#"jeg fjerner sagen "boligstøtte" fra indekset"#,
            "SF1470 fjern of the case.",
            when::fjern,
        )
        .with_check(check_send),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg søger i indekset efter sager for (borgeren|virksomheden) "([^"]+)""#,
            r#"jeg søger i indekset efter sager for borgeren "far""#,
            "SF1470 fremsoeg of the cases where the party (urn:oio:cpr-nr:… of a citizen alias, or urn:oio:cvr-nr:… of a CVR number) is a Sagspart.",
            when::search_party,
        )
        .with_check(check_search_party),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg søger i indekset efter sager med KLE "([^"]+)""#,
            r#"jeg søger i indekset efter sager med KLE "27.35.04""#,
            "SF1470 fremsoeg of the cases whose Primær klasse is the KLE emne's Klasse (the code is resolved through the catalogue first).",
            when::search_kle,
        )
        .with_check(check_send)
        .with_precheck(when::precheck_search_kle),
        StepDef::new(
            Kind::Then,
            G,
            r"indekset svarer OK",
            "indekset svarer OK",
            "Every StandardRetur in the answer (overall and per case) has StatusKode 20.",
            then::answers_ok,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"indekset svarer med statuskoden (\d+)",
            "indekset svarer med statuskoden 44",
            "The answer's overall StandardRetur has this StatusKode (20 OK; modelled: 40 refused input, 44 not found).",
            then::answers_code,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"indekset afviser kaldet med begrundelsen "([^"]+)""#,
            r#"indekset afviser kaldet med begrundelsen "Primær part""#,
            "A StandardRetur has a StatusKode other than 20 and a FejlbeskedTekst containing the text.",
            then::refused,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"søgningen finder (ikke )?sagen "([^"]+)""#,
            r#"søgningen finder sagen "boligstøtte""#,
            "The search answered OK and the case (by its UUID) is among the hits (or, with 'ikke', is not).",
            then::finds_case,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"søgningen finder ingen sager",
            "søgningen finder ingen sager",
            "The search answered OK with no hits.",
            then::finds_nothing,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"i søgeresultatet har sagen "([^"]+)" status "([^"]+)""#,
            r#"i søgeresultatet har sagen "boligstøtte" status "Afsluttet""#,
            "The case is among the hits with this FremdriftStatusKode.",
            then::hit_status,
        ),
    ]
}

/// The catalogue KLE codes resolve through: the mock's, else the built-in one.
fn catalogue_of(mock: Option<&Platform>) -> Result<Arc<Catalogue>, KlassifikationError> {
    match mock {
        Some(p) => Catalogue::load(&p.dir),
        None => Ok(Catalogue::builtin()),
    }
}

fn catalogue(w: &World) -> Result<Arc<Catalogue>, StepFailure> {
    catalogue_of(w.ctx.mock.as_deref()).map_err(|e| input(e.to_string()))
}

fn check_catalogue(cx: &CheckCtx<'_>) -> Result<Arc<Catalogue>, Finding> {
    catalogue_of(cx.mock).map_err(|e| Finding::Input(e.to_string()))
}

/// `Opstået` → `Opstaaet`; None if not a FremdriftStatusKode.
fn status_code(s: &str) -> Option<&'static str> {
    let norm = |x: &str| {
        x.trim()
            .to_lowercase()
            .replace('å', "aa")
            .replace('ø', "oe")
            .replace('æ', "ae")
    };
    let want = norm(s);
    model::FREMDRIFT_STATUS
        .iter()
        .copied()
        .find(|v| norm(v) == want)
}

fn status_or_input(s: &str) -> Result<&'static str, StepFailure> {
    status_code(s).ok_or_else(|| {
        input(format!(
            "'{s}' is not a FremdriftStatusKode; write one of {}",
            model::FREMDRIFT_STATUS.join(", ")
        ))
    })
}

/// The party URN of a citizen alias (`borgeren`) or a CVR number (`virksomheden`); true
/// for a company.
fn party(t: &Target, kind: &str, who: &str) -> Result<(String, bool), String> {
    if kind == "virksomheden" {
        if Cvr::is_valid(who) {
            Ok((sf1470::party_urn_cvr(who), true))
        } else {
            Err(format!("'{who}' is not a CVR number (8 digits)"))
        }
    } else {
        Ok((sf1470::party_urn_cpr(t.citizen(who)?), false))
    }
}

// Checks for --dry-run the sending steps share.

fn check_send(cx: &CheckCtx<'_>, _a: &Args) -> Result<(), String> {
    let t = cx.target;
    t.agreement_for(sf1470::INFO.id)
        .map(|_| ())
        .map_err(String::from)
}

fn check_search_party(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    check_send(cx, a)?;
    party(t, a.get(0), a.get(1)).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_spellings() {
        assert_eq!(status_code("Opstået"), Some("Opstaaet"));
        assert_eq!(status_code("udført"), Some("Udfoert"));
        assert_eq!(status_code("AFSLUTTET"), Some("Afsluttet"));
        assert_eq!(status_code("Lukket"), None);
    }
}
