//! SF1470 Sags- og Dokumentindeks steps: build a case, index it, update, remove and find it.
//!
//! A case is built by Givet-steps with everything the anvisninger ask for (Ejer = the target's
//! authority, Ansvarlig, Primær behandler = the target's user, Primær part, Primær klasse and
//! Handlingsklasse from KLE codes, IT-system master and Afsender = the target's it-system,
//! states from Opstaaet on, registered by the target's user as Bruger); a scenario can then
//! take a relation away or point at another Klasse to see the refusal: the client's, before
//! sending, for what the anvisninger rule out, or the index's. KLE codes are resolved to Klasse
//! UUIDs through the catalogue in `mocks/klassifikation/`.
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
            "Builds a case (nothing is sent) by KOMBIT's anvisninger: Ejer (the authority), Ansvarlig, Primær behandler (the target's user), Primær part (a citizen alias, or a CVR number with 'virksomheden'), Primær klasse and Handlingsklasse (KLE codes, resolved to Klasse UUIDs through mocks/klassifikation/kle.json), IT-system master and Afsender (the target's it-system); state Opstaaet; every virkning registered by the target's user as Bruger.",
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
            r#"sagen "boligstøtte" har status "Afsluttet""#,
            "The case's FremdriftStatusKode before it is indexed: Opstaaet, Oplyst, Afgjort or Afsluttet (æøå spellings accepted). The import carries Opstaaet first and then this state (anvisning AM-01).",
            given::set_status,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" har tilstandene "([^"]+)""#,
            r#"sagen "boligstøtte" har tilstandene "Opstaaet, Oplyst, Afgjort""#,
            "The case's states exactly as listed, oldest first (to send a history the anvisninger rule out, e.g. without Opstaaet).",
            given::set_tilstande,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" registreres af aktørtypen "([^"]+)""#,
            r#"sagen "boligstøtte" registreres af aktørtypen "Organisation""#,
            "The AktoerTypeKode of every virkning of the case (the anvisning allows Bruger and ItSystem; default Bruger).",
            given::set_aktoer_type,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r"anvisningerne kontrolleres ikke før afsendelse",
            "anvisningerne kontrolleres ikke før afsendelse",
            "Sends SF1470 calls without the client's check of KOMBIT's anvisninger, to see the index's own verdict on a case that breaks them.",
            given::unchecked,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"søgningen viser kun "([^"]*)""#,
            r#"søgningen viser kun "egenskaber, fremdrift""#,
            "The next searches send a Filter with these SagVis values (comma-separated; \"\" for none: the hits' UUIDs only).",
            given::set_filter,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"søgningen sorteres efter "([^"]+)" (stigende|faldende)"#,
            r#"søgningen sorteres efter "Titel" faldende"#,
            "The next searches send a SagSortering by this element (the schema's SagSorteringFilterType; the mock sorts by BrugervendtNoegle, Titel and Fremdrift), each step next in priority.",
            given::add_sortering,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" mangler relationen "([^"]+)""#,
            r#"sagen "boligstøtte" mangler relationen "Primær part""#,
            "Leaves a relation out of the case (a role from mocks/klassifikation/sdi-relationer.json: Ejer, Ansvarlig, Primær behandler, Primær part, Primær klasse, Handlingsklasse, IT-system master, Afsender).",
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
            "SF1470 importer of the case, with a fresh TransactionUUID. A KLE code or handlingsfacet that is malformed or not in the catalogue, or a case that breaks KOMBIT's anvisninger (states, AktoerTypeKode, properties, required relations), is refused before sending, naming the rule.",
            when::importer,
        )
        .with_check(check_send),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg opdaterer sagen "([^"]+)" til status "([^"]+)""#,
            r#"jeg opdaterer sagen "boligstøtte" til status "Afsluttet""#,
            "SF1470 opdater: the indexed case is in this FremdriftStatusKode from now on.",
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
            r#"jeg søger i indekset efter sager for (borgeren|virksomheden) "([^"]+)"(?: som ikke har status "([^"]+)")?"#,
            r#"jeg søger i indekset efter sager for borgeren "far""#,
            "SF1470 fremsoeg (SoegUdtryk/SoegSag) of the cases where the party (urn:oio:cpr-nr:… of a citizen alias, or urn:oio:cvr-nr:… of a CVR number) is a Sagspart; with 'som ikke har status', AND NOT those in that state.",
            when::search_party,
        )
        .with_check(check_search_party),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg søger i indekset efter sager for borgerne "([^"]+)" eller "([^"]+)""#,
            r#"jeg søger i indekset efter sager for borgerne "far" eller "mor""#,
            "SF1470 fremsoeg of the cases where either citizen is a Sagspart (SoegUdtryk with operation OR).",
            when::search_either,
        )
        .with_check(check_send),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg søger i indekset efter sager med KLE "([^"]+)""#,
            r#"jeg søger i indekset efter sager med KLE "27.35.04""#,
            "SF1470 fremsoeg of the cases with a Sagsklasse of role Primær klasse to the KLE emne's Klasse (the code is resolved through the catalogue first).",
            when::search_kle,
        )
        .with_check(check_send)
        .with_precheck(when::precheck_search_kle),
        StepDef::new(
            Kind::Then,
            G,
            r"indekset svarer OK",
            "indekset svarer OK",
            "Every StatusKode in the answer (UnikRetur per case, or StandardRetur) is 20.",
            then::answers_ok,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"indekset svarer med kaldets TransactionUUID",
            "indekset svarer med kaldets TransactionUUID",
            "The answer's SOAP header RequestHeader/TransactionUUID is the one the call was sent with.",
            then::echoes_transaction,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"indekset svarer med statuskoden (\d+)",
            "indekset svarer med statuskoden 44",
            "Every StatusKode in the answer is this one (20 OK; the mock's refusals, modelled: 40 refused input, 44 not found).",
            then::answers_code,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"indekset afviser kaldet med begrundelsen "([^"]+)""#,
            r#"indekset afviser kaldet med begrundelsen "Primær part""#,
            "A UnikRetur or StandardRetur has a StatusKode other than 20 and a FejlbeskedTekst containing the text.",
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
        StepDef::new(
            Kind::Then,
            G,
            r#"i søgeresultatet har sagen "([^"]+)" titlen "([^"]*)""#,
            r#"i søgeresultatet har sagen "boligstøtte" titlen "Ansøgning om boligstøtte""#,
            "The case is among the hits with this Titel.",
            then::hit_title,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"i søgeresultatet har sagen "([^"]+)" parten (borgeren|virksomheden) "([^"]+)""#,
            r#"i søgeresultatet har sagen "boligstøtte" parten borgeren "far""#,
            "The case is among the hits with this party (a citizen alias, or a CVR number with 'virksomheden') in Sagspart.",
            then::hit_party,
        )
        .with_check(check_hit_party),
        StepDef::new(
            Kind::Then,
            G,
            r#"søgningen finder sagerne "(.+)" i den rækkefølge"#,
            r#"søgningen finder sagerne "a", "b" i den rækkefølge"#,
            "The hits are exactly these cases (names, comma-separated), in this order.",
            then::hits_in_order,
        ),
    ]
}

/// The time now, as an xsd:dateTime (RFC 3339, UTC).
fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
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

fn check_hit_party(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    party(cx.target, a.get(1), a.get(2)).map(|_| ())
}

fn check_search_party(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    check_send(cx, a)?;
    if !a.get(2).is_empty() && status_code(a.get(2)).is_none() {
        return Err(format!("'{}' is not a FremdriftStatusKode", a.get(2)));
    }
    party(t, a.get(0), a.get(1)).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_spellings() {
        assert_eq!(status_code("Opstået"), Some("Opstaaet"));
        assert_eq!(status_code("udført"), None, "not a v6 state");
        assert_eq!(status_code("AFSLUTTET"), Some("Afsluttet"));
        assert_eq!(status_code("Lukket"), None);
    }
}
