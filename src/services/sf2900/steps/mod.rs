//! SF2900 Fordelingskomponenten steps: fordelingsregler as preconditions, sending journal
//! notes and forms, looking up and validating receivers, and the receipts.
//!
//! Receiving systems are named as the scenario likes ("KSD"): on the mock the name is looked
//! up in `mocks/sf2900/modtagere.json`; on a real target a name matches a system the target
//! itself reported (a Givet-step about a fordelingsregel learns it from
//! FordelingsmodtagerList: equal name, or a name containing it, ignoring case), or the step
//! gives the system's UUID.

mod given;
mod then;
mod when;

use crate::core::ids::Uuid;
use crate::platform::data::Platform;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Kind, StepDef};
use crate::runner::world::{input, World};
use crate::services::sf2900::mock::{self, FordelingError};
use crate::services::sf2900::Routing;
use std::collections::HashMap;

const G: &str = "Fordeling (SF2900)";

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Given,
            G,
            r#"en fordelingsregel sender KLE "([^"]*)"(?: med handlingsfacet "([^"]+)")? for CVR "([^"]*)" til "([^"]+)""#,
            r#"en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD""#,
            "Precondition. The municipality's fordelingsregel routes the KLE emne (or wildcard NN.NN.*; 'med handlingsfacet' is optional) to the receiving system. Mock: set up for this scenario only. Real target: checked with FordelingsmodtagerList; fails if the target's rules say otherwise (the municipality configures them in the Fordelingskomponent's administration).",
            given::rule_exists,
        )
        .with_variants(&[
            r#"en fordelingsregel sender KLE "32.30.*" for CVR "29189846" til "KSD""#,
        ])
        .with_check(given::check_rule),
        StepDef::new(
            Kind::Given,
            G,
            r#"ingen fordelingsregel sender KLE "([^"]*)" for CVR "([^"]*)""#,
            r#"ingen fordelingsregel sender KLE "27.24.00" for CVR "29189846""#,
            "Precondition. No fordelingsregel routes the emne (without handlingsfacet) for the authority. Mock: set up for this scenario only. Real target: checked with FordelingsmodtagerList.",
            given::no_rule,
        )
        .with_check(given::check_no_rule),
        StepDef::new(
            Kind::Given,
            "platform",
            r#"kaldet sendes på vegne af myndigheden med CVR "([^"]*)""#,
            r#"kaldet sendes på vegne af myndigheden med CVR "11111111""#,
            "Calls with the AuthorityContext model (SF2900) name this authority (MunicipalityCVR, AfsendendeMyndighed) instead of the target's authority_cvr.",
            given::on_behalf_of,
        )
        .with_check(given::check_cvr_arg),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender et journalnotat(?: på (\d+) tegn)? med KLE "([^"]*)"(?: og handlingsfacet "([^"]+)")?(?: for CVR "([^"]*)")?"#,
            r#"jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "G01""#,
            "FordelingsobjektAfsend of a JournalPost (journalnotat) routed by KLE; the docstring below is the note (default: a synthetic line), 'på N tegn' makes one of N characters; 'for CVR' routes with another authority's rules. KLE, facet, CVR and an empty note are checked before sending.",
            when::send_note,
        )
        .with_variants(&[
            r#"jeg sender et journalnotat på 100001 tegn med KLE "32.30.04""#,
            r#"jeg sender et journalnotat med KLE "32.30.04" for CVR "11111111""#,
        ])
        .with_check(check_authority)
        .with_precheck(when::precheck_note),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender en formular med KLE "([^"]*)"(?: og handlingsfacet "([^"]+)")?(?: for CVR "([^"]*)")?"#,
            r#"jeg sender en formular med KLE "32.30.04""#,
            "FordelingsobjektAfsend of a Formular routed by KLE; the docstring is the form's XML (FormularXML, one element; default: a synthetic form).",
            when::send_form,
        )
        .with_variants(&[
            r#"jeg sender en formular med KLE "32.30.04" og handlingsfacet "G01" for CVR "29189846""#,
        ])
        .with_check(check_authority)
        .with_precheck(when::precheck_form),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender et journalnotat med KLE "([^"]*)" direkte til "([^"]+)""#,
            r#"jeg sender et journalnotat med KLE "32.30.04" direkte til "KSD""#,
            "FordelingsobjektAfsend of a journalnotat to one receiving system (RoutingModtagerAktoer), bypassing the fordelingsregler. The system is a UUID or a name: mock, from mocks/sf2900/modtagere.json; real target, one the target reported earlier in the scenario (a fordelingsregel precondition or a modtagerliste).",
            when::send_direct,
        )
        .with_check(check_authority)
        .with_precheck(when::precheck_direct),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg slår modtageren op for KLE "([^"]*)"(?: og handlingsfacet "([^"]+)")?(?: for CVR "([^"]*)")?"#,
            r#"jeg slår modtageren op for KLE "32.30.04" og handlingsfacet "G01""#,
            "FordelingsmodtagerList: which receiving system the authority's fordelingsregler name for the KLE (default authority: the target's).",
            when::lookup,
        )
        .with_variants(&[
            r#"jeg slår modtageren op for KLE "32.30.04" for CVR "29189846""#,
        ])
        .with_check(check_authority)
        .with_precheck(when::precheck_lookup),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg spørger, om "([^"]+)" kan modtage for CVR "([^"]*)""#,
            r#"jeg spørger, om "KSD" kan modtage for CVR "29189846""#,
            "FordelingsmodtagerValider for one receiving system (a UUID or a name, as for 'direkte til') and routing authority.",
            when::validate,
        )
        .with_check(check_authority)
        .with_precheck(when::precheck_validate),
        StepDef::new(
            Kind::Then,
            G,
            r#"kvitteringen er "([^"]+)""#,
            r#"kvitteringen er "ACCEPTERET""#,
            "The business receipt's ForretningsValideringsKode is this (MODTAGET, AFLEVERET, ACCEPTERET, AFVIST, FEJLET). The mock answers with the receiving system's verdict; a real platform may answer MODTAGET and send the verdict later.",
            then::receipt_is,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"kvitteringens begrundelse indeholder "([^"]+)""#,
            r#"kvitteringens begrundelse indeholder "ingen fordelingsregel""#,
            "The business receipt's Begrundelse (or a FejlTekst in it) contains the text.",
            then::receipt_reason,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"kvitteringstypen er "([^"]+)""#,
            r#"kvitteringstypen er "Forretning""#,
            "The business receipt's Kvitteringstype: Forretning (the receiving system's verdict) or Teknisk (the Fordelingskomponent's own, e.g. no fordelingsregel).",
            then::receipt_type,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#""([^"]+)" har modtaget teksten "([^"]*)""#,
            r#""KSD" har modtaget teksten "Borgeren har ringet""#,
            "The receiving system got the object sent last and its text contains this: a journalnotat's Notat, a formular's TitelTekst. sp-contract's mock only (its simulated systems' inbox, also under mock serve): a real target's receiving systems are the municipality's, so the step fails as input there.",
            then::received_text,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"objektet er leveret til "([^"]+)""#,
            r#"objektet er leveret til "KSD""#,
            "The object sent last reached this receiving system. Mock: what the simulated system received. Real target: the target's routing for the object (FordelingsmodtagerList, or FordelingsmodtagerValider when sent directly) names the system.",
            then::delivered_to,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"objektet er ikke leveret til noget system",
            "objektet er ikke leveret til noget system",
            "The object sent last reached no receiving system. Mock: no simulated system received it. Real target: the target's routing for the object names no system.",
            then::not_delivered,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"modtagerlisten indeholder "([^"]+)""#,
            r#"modtagerlisten indeholder "KSD""#,
            "The FordelingsmodtagerList answer names this receiving system (name, a name containing it, or UUID).",
            then::list_contains,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"modtagerlisten er tom",
            "modtagerlisten er tom",
            "The FordelingsmodtagerList answer names no receiving system.",
            then::list_empty,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#""([^"]+)" kan( ikke)? modtage"#,
            r#""KSD" kan modtage"#,
            "The FordelingsmodtagerValider answer says KanModtage true for the system (or, with 'ikke', false).",
            then::can_receive,
        )
        .with_variants(&[
            r#""KSD" kan ikke modtage"#,
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r#"transportkvitteringen er "([^"]+)""#,
            r#"transportkvitteringen er "FEJL""#,
            "The call was refused with the TransportKvittering fault and its TransportValideringsKode is this (OK, ADVARSEL, FEJL).",
            then::transport_is,
        ),
    ]
}

/// What the steps remember within a scenario.
#[derive(Default)]
struct State {
    /// Receiving systems a real target reported: lower-case name as the scenario wrote it →
    /// UUID.
    systems: HashMap<String, String>,
    /// The object sent last and how it was routed.
    sent: Option<(String, Routing)>,
}

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// The security contexts to send: none when the scenario leaves them out.
fn context_cvr(w: &World, authority: &str) -> Option<String> {
    w.send_context.then(|| authority.to_string())
}

/// A receiving system the step names by UUID (either case), as the schemas write it.
fn system_uuid(name: &str) -> Option<String> {
    Uuid::parse_lenient(name.trim())
        .ok()
        .map(|u| u.as_str().to_string())
}

/// A receiving system's UUID from a name the scenario uses (or a UUID).
fn resolve_system(w: &mut World, name: &str) -> Result<String, StepFailure> {
    if let Some(u) = system_uuid(name) {
        return Ok(u);
    }
    if let Some(p) = &w.ctx.mock {
        return mock_system(p, name).map_err(|e| input(e.to_string()));
    }
    let target = w.target().name.clone();
    w.ext.get_mut::<State>()
        .systems
        .get(&name.trim().to_lowercase())
        .cloned()
        .ok_or_else(|| {
            input(format!(
                "target '{target}' has not told sp-contract which UUID the receiving system '{name}' has: write the system's UUID in the step, or put a Givet-step about a fordelingsregel routing to \"{name}\" earlier in the scenario (it learns the UUID from FordelingsmodtagerList)"
            ))
        })
}

/// A receiving system on the mock, by name.
fn mock_system(p: &Platform, name: &str) -> Result<String, FordelingError> {
    let data = mock::fordeling(p)?;
    Ok(data.find_modtager(name)?.uuid.clone())
}

/// SF2900 calls are made on behalf of the target's authority (unless a step names one).
fn check_authority(cx: &CheckCtx<'_>, _a: &Args) -> Result<(), String> {
    let t = cx.target;
    match &t.authority_cvr {
        Some(_) => Ok(()),
        None => Err(format!(
            "target '{}' has no authority_cvr; SF2900 calls are made on behalf of a municipality (AuthorityContext): add authority_cvr = \"<8-digit CVR>\" under [targets.{}]",
            t.name, t.name
        )),
    }
}
