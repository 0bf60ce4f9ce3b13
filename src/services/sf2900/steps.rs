//! SF2900 Fordelingskomponenten steps: fordelingsregler as preconditions, sending journal
//! notes and forms, looking up and validating receivers, and the receipts.
//!
//! Receiving systems are named as the scenario likes ("KSD"): on the mock the name is looked
//! up in `mocks/sf2900/modtagere.json`; on a real target a name matches a system the target
//! itself reported (a Givet-step about a fordelingsregel learns it from
//! FordelingsmodtagerList: equal name, or a name containing it, ignoring case), or the step
//! gives the system's UUID.

use crate::core::kle::{Emne, Facet};
use crate::core::soap::Reply;
use crate::core::xml::Element;
use crate::platform::data::Platform;
use crate::runner::model::StepFailure;
use crate::runner::preconditions::{self, Precondition, Verdict, VerifyFuture};
use crate::runner::steps::{Args, CheckCtx, Finding, Kind, StepDef, StepFuture};
use crate::runner::world::{contract, input, Last, World};
use crate::services::sf2900::mock;
use crate::services::sf2900::{self as svc, Fordelingsobjekt, Routing, RoutingValg};
use std::collections::HashMap;

const G: &str = "Fordeling (SF2900)";

/// The longest note `journalnotat på N tegn` makes: enough to exceed any plausible limit,
/// small enough never to exhaust memory.
pub const MAX_GENERATED_NOTE: usize = 5_000_000;

const DEFAULT_NOTE: &str =
    "Journalnotat fra sp-contract: syntetiske testdata, ingen personoplysninger.";
const DEFAULT_TITLE: &str = "sp-contract testnotat";

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Given,
            G,
            r#"en fordelingsregel sender KLE "([^"]*)"(?: med handlingsfacet "([^"]+)")? for CVR "([^"]*)" til "([^"]+)""#,
            r#"en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD""#,
            "Precondition. The municipality's fordelingsregel routes the KLE emne (or wildcard NN.NN.*; 'med handlingsfacet' is optional) to the receiving system. Mock: set up for this scenario only. Real target: checked with FordelingsmodtagerList; fails if the target's rules say otherwise (the municipality configures them in the Fordelingskomponent's administration).",
            rule_exists,
        )
        .with_check(check_rule),
        StepDef::new(
            Kind::Given,
            G,
            r#"ingen fordelingsregel sender KLE "([^"]*)" for CVR "([^"]*)""#,
            r#"ingen fordelingsregel sender KLE "27.24.00" for CVR "29189846""#,
            "Precondition. No fordelingsregel routes the emne (without handlingsfacet) for the authority. Mock: set up for this scenario only. Real target: checked with FordelingsmodtagerList.",
            no_rule,
        )
        .with_check(check_no_rule),
        StepDef::new(
            Kind::Given,
            "platform",
            r#"kaldet sendes på vegne af myndigheden med CVR "([^"]*)""#,
            r#"kaldet sendes på vegne af myndigheden med CVR "11111111""#,
            "Calls with the AuthorityContext model (SF2900) name this authority (MunicipalityCVR, AfsendendeMyndighed) instead of the target's authority_cvr.",
            on_behalf_of,
        )
        .with_check(check_cvr_arg),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender et journalnotat(?: på (\d+) tegn)? med KLE "([^"]*)"(?: og handlingsfacet "([^"]+)")?(?: for CVR "([^"]*)")?"#,
            r#"jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "G01""#,
            "FordelingsobjektAfsend of a JournalPost (journalnotat) routed by KLE; the docstring below is the note (default: a synthetic line), 'på N tegn' makes one of N characters; 'for CVR' routes with another authority's rules. KLE, facet, CVR and an empty note are checked before sending.",
            send_note,
        )
        .with_check(check_authority)
        .with_precheck(precheck_note),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender en formular med KLE "([^"]*)"(?: og handlingsfacet "([^"]+)")?(?: for CVR "([^"]*)")?"#,
            r#"jeg sender en formular med KLE "32.30.04""#,
            "FordelingsobjektAfsend of a Formular routed by KLE; the docstring is the form's XML (FormularXML, one element; default: a synthetic form).",
            send_form,
        )
        .with_check(check_authority)
        .with_precheck(precheck_form),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender et journalnotat med KLE "([^"]*)" direkte til "([^"]+)""#,
            r#"jeg sender et journalnotat med KLE "32.30.04" direkte til "KSD""#,
            "FordelingsobjektAfsend of a journalnotat to one receiving system (RoutingModtagerAktoer), bypassing the fordelingsregler. The system is a UUID or a name: mock, from mocks/sf2900/modtagere.json; real target, one the target reported earlier in the scenario (a fordelingsregel precondition or a modtagerliste).",
            send_direct,
        )
        .with_check(check_authority)
        .with_precheck(precheck_direct),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg slår modtageren op for KLE "([^"]*)"(?: og handlingsfacet "([^"]+)")?(?: for CVR "([^"]*)")?"#,
            r#"jeg slår modtageren op for KLE "32.30.04" og handlingsfacet "G01""#,
            "FordelingsmodtagerList: which receiving system the authority's fordelingsregler name for the KLE (default authority: the target's).",
            lookup,
        )
        .with_check(check_authority)
        .with_precheck(precheck_lookup),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg spørger, om "([^"]+)" kan modtage for CVR "([^"]*)""#,
            r#"jeg spørger, om "KSD" kan modtage for CVR "29189846""#,
            "FordelingsmodtagerValider for one receiving system (a UUID or a name, as for 'direkte til') and routing authority.",
            validate,
        )
        .with_check(check_authority)
        .with_precheck(precheck_validate),
        StepDef::new(
            Kind::Then,
            G,
            r#"kvitteringen er "([^"]+)""#,
            r#"kvitteringen er "ACCEPTERET""#,
            "The business receipt's ForretningsValideringsKode is this (MODTAGET, AFLEVERET, ACCEPTERET, AFVIST, FEJLET). The mock answers with the receiving system's verdict; a real platform may answer MODTAGET and send the verdict later.",
            receipt_is,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"kvitteringens begrundelse indeholder "([^"]+)""#,
            r#"kvitteringens begrundelse indeholder "ingen fordelingsregel""#,
            "The business receipt's Begrundelse (or a FejlTekst in it) contains the text.",
            receipt_reason,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"objektet er leveret til "([^"]+)""#,
            r#"objektet er leveret til "KSD""#,
            "The object sent last reached this receiving system. Mock: what the simulated system received. Real target: the target's routing for the object (FordelingsmodtagerList, or FordelingsmodtagerValider when sent directly) names the system.",
            delivered_to,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"objektet er ikke leveret til noget system",
            "objektet er ikke leveret til noget system",
            "The object sent last reached no receiving system. Mock: no simulated system received it. Real target: the target's routing for the object names no system.",
            not_delivered,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"modtagerlisten indeholder "([^"]+)""#,
            r#"modtagerlisten indeholder "KSD""#,
            "The FordelingsmodtagerList answer names this receiving system (name, a name containing it, or UUID).",
            list_contains,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"modtagerlisten er tom",
            "modtagerlisten er tom",
            "The FordelingsmodtagerList answer names no receiving system.",
            list_empty,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#""([^"]+)" kan( ikke)? modtage"#,
            r#""KSD" kan modtage"#,
            "The FordelingsmodtagerValider answer says KanModtage true for the system (or, with 'ikke', false).",
            can_receive,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"transportkvitteringen er "([^"]+)""#,
            r#"transportkvitteringen er "FEJL""#,
            "The call was refused with the TransportKvittering fault and its TransportValideringsKode is this (OK, ADVARSEL, FEJL).",
            transport_is,
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// What the steps remember within a scenario.

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

fn refuse(w: &mut World, reason: impl Into<String>) -> Result<(), StepFailure> {
    w.refuse(reason)
}

/// The security contexts to send: none when the scenario leaves them out.
fn context_cvr(w: &World, authority: &str) -> Option<String> {
    w.send_context.then(|| authority.to_string())
}

/// A receiving system's UUID from a name the scenario uses (or a UUID).
fn resolve_system(w: &mut World, name: &str) -> Result<String, StepFailure> {
    if let Ok(u) = uuid::Uuid::parse_str(name.trim()) {
        return Ok(u.to_string());
    }
    if let Some(p) = &w.ctx.mock {
        return mock_system(p, name).map_err(input);
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
fn mock_system(p: &Platform, name: &str) -> Result<String, String> {
    let data = mock::fordeling(p).map_err(|e| e.to_string())?;
    data.modtager(name).map(|m| m.uuid.clone()).ok_or_else(|| {
        format!(
            "the mock has no receiving system '{name}' (known: {}); add it to mocks/sf2900/modtagere.json",
            data.modtager_names()
        )
    })
}

// ---------------------------------------------------------------------------------------
// Preconditions.

/// "a fordelingsregel routes KLE … for CVR … to …".
struct RuleExists(mock::Regel);

impl Precondition for RuleExists {
    fn describe(&self) -> String {
        format!(
            "a fordelingsregel routes {} to \"{}\"",
            self.0.describe(),
            self.0.modtager
        )
    }

    fn configured_by(&self) -> String {
        configured_by(&self.0.myndighed)
    }

    fn establish(&self, p: &Platform, scenario: &str) -> Result<(), String> {
        mock::add_rule(p, scenario, self.0.clone())
    }

    fn verify<'a>(&'a self, w: &'a mut World) -> VerifyFuture<'a> {
        Box::pin(async move {
            let r = &self.0;
            let emne = r.kle.representative();
            let list = list_on_target(w, self, &r.myndighed, &emne, r.facet.as_ref()).await?;
            let about = if r.kle.is_wildcard() {
                format!("KLE {emne} (an emne the wildcard {} covers)", r.kle)
            } else {
                format!("KLE {emne}")
            };
            match list.iter().find(|m| m.is(&r.modtager)) {
                Some(m) => {
                    w.ext
                        .get_mut::<State>()
                        .systems
                        .insert(r.modtager.to_lowercase(), m.uuid.to_lowercase());
                    Ok(Verdict::Holds)
                }
                None => Ok(Verdict::DoesNotHold {
                    observed: listed(&list, &about),
                }),
            }
        })
    }
}

/// "no fordelingsregel routes KLE … for CVR …".
struct NoRule {
    myndighed: String,
    emne: Emne,
}

impl Precondition for NoRule {
    fn describe(&self) -> String {
        format!(
            "no fordelingsregel routes KLE {} for CVR {}",
            self.emne, self.myndighed
        )
    }

    fn configured_by(&self) -> String {
        configured_by(&self.myndighed)
    }

    fn establish(&self, p: &Platform, scenario: &str) -> Result<(), String> {
        mock::remove_routing(p, scenario, &self.myndighed, &self.emne);
        Ok(())
    }

    fn verify<'a>(&'a self, w: &'a mut World) -> VerifyFuture<'a> {
        Box::pin(async move {
            let list = list_on_target(w, self, &self.myndighed, &self.emne, None).await?;
            if list.is_empty() {
                Ok(Verdict::Holds)
            } else {
                Ok(Verdict::DoesNotHold {
                    observed: listed(&list, &format!("KLE {}", self.emne)),
                })
            }
        })
    }
}

fn configured_by(cvr: &str) -> String {
    format!("the municipality (CVR {cvr}) in the Fordelingskomponent's administration, where its fordelingsregler are kept")
}

fn listed(list: &[svc::Modtager], about: &str) -> String {
    if list.is_empty() {
        format!("FordelingsmodtagerList names no receiving system for {about}")
    } else {
        format!(
            "FordelingsmodtagerList names {} for {about}",
            list.iter()
                .map(svc::Modtager::label)
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// FordelingsmodtagerList on a real target, for a precondition: the answer's systems, or
/// why there is no answer to judge by.
async fn list_on_target(
    w: &mut World,
    p: &dyn Precondition,
    myndighed: &str,
    emne: &Emne,
    facet: Option<&Facet>,
) -> Result<Vec<svc::Modtager>, StepFailure> {
    let authority = w.authority_cvr()?;
    // A precondition always sends the security context: it is not the call under test.
    let payload = svc::list_request(Some(&authority), &authority, myndighed, emne, facet);
    let ex = w
        .exchange_soap(&svc::INFO, svc::ACTION_LIST, &payload)
        .await
        .map_err(|e| preconditions::unverifiable(w, p, e))?;
    let why = match &ex.reply {
        Reply::Payload(el) => match svc::read_modtagere(el) {
            Some(list) => return Ok(list),
            None => format!(
                "FordelingsmodtagerList answered <{}> without Systemer",
                el.local
            ),
        },
        Reply::Fault(f) => format!(
            "FordelingsmodtagerList answered with a fault: {}",
            f.summary()
        ),
        Reply::Empty => "FordelingsmodtagerList answered with an empty SOAP Body".to_string(),
    };
    Err(preconditions::unverifiable(w, p, contract(why)))
}

fn rule_exists(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let regel =
            mock::parse_regel(a.get(2), a.get(0), opt(a.get(1)), a.get(3)).map_err(input)?;
        preconditions::require(w, &RuleExists(regel)).await
    })
}

fn no_rule(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let p = NoRule {
            myndighed: svc::check_cvr(a.get(1)).map_err(|e| input(e.to_string()))?,
            emne: Emne::parse(a.get(0)).map_err(|e| input(e.to_string()))?,
        };
        preconditions::require(w, &p).await
    })
}

fn on_behalf_of(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        w.authority_override = Some(svc::check_cvr(a.get(0)).map_err(|e| input(e.to_string()))?);
        Ok(())
    })
}

fn check_rule(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    mock::parse_regel(a.get(2), a.get(0), opt(a.get(1)), a.get(3))?;
    check_authority(cx, a)
}

fn check_no_rule(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    Emne::parse(a.get(0)).map_err(|e| e.to_string())?;
    svc::check_cvr(a.get(1)).map_err(|e| e.to_string())?;
    check_authority(cx, a)
}

fn check_cvr_arg(_cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    svc::check_cvr(a.get(0))
        .map(|_| ())
        .map_err(|e| e.to_string())
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

// ---------------------------------------------------------------------------------------
// Sending.

async fn send_object(
    w: &mut World,
    objekt: Fordelingsobjekt,
    routing: Routing,
    authority: &str,
) -> Result<(), StepFailure> {
    let id = match &objekt {
        Fordelingsobjekt::Journalnotat(j) => j.id.clone(),
        Fordelingsobjekt::Formular(f) => f.id.clone(),
    };
    let payload = svc::afsend_request(context_cvr(w, authority).as_deref(), &routing, &objekt);
    w.ext.get_mut::<State>().sent = Some((id, routing));
    w.call_soap(&svc::INFO, svc::ACTION_AFSEND, &payload).await
}

fn generated_note(n: usize) -> String {
    const SENTENCE: &str = "Syntetisk journalnotat fra sp-contract om udbetaling af sygedagpenge. ";
    SENTENCE.chars().cycle().take(n).collect()
}

fn send_note(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        let note = note_text(&a, usize::MAX).map_err(input)?;
        let it_system = w.target().user_system_uuid.clone();
        match build_note(&a, &note, &authority, &it_system) {
            Ok((j, routing)) => {
                send_object(w, Fordelingsobjekt::Journalnotat(j), routing, &authority).await
            }
            Err(e) => refuse(w, e.to_string()),
        }
    })
}

/// The note `send_note` sends: generated ('på N tegn', at most `cap` characters of it, for
/// a check), the docstring, or the default line.
fn note_text(a: &Args, cap: usize) -> Result<String, String> {
    Ok(match opt(a.get(0)) {
        Some(n) => {
            let n: usize = n
                .parse()
                .ok()
                .filter(|n| *n <= MAX_GENERATED_NOTE)
                .ok_or_else(|| {
                    format!(
                        "'på {n} tegn': at most {MAX_GENERATED_NOTE} characters can be generated"
                    )
                })?;
            generated_note(n.min(cap))
        }
        None => a
            .docstring
            .clone()
            .unwrap_or_else(|| DEFAULT_NOTE.to_string()),
    })
}

/// The journal note and its routing, or why our own checks refuse them (KLE, facet, CVR,
/// an empty note). The run and `--dry-run` share it.
fn build_note(
    a: &Args,
    note: &str,
    authority: &str,
    it_system: &str,
) -> Result<(svc::Journalnotat, Routing), String> {
    let (kle, facet) = (a.get(1), opt(a.get(2)));
    let routing_cvr = opt(a.get(3)).unwrap_or(authority);
    svc::Journalnotat::new(kle, facet, Some(DEFAULT_TITLE), note, it_system)
        .and_then(|j| {
            let valg = RoutingValg::kle(kle, facet)?;
            Ok((j, Routing::new(authority, routing_cvr, valg)?))
        })
        .map_err(|e| e.to_string())
}

/// The form and its routing, or why our own checks refuse them.
fn build_form(a: &Args, authority: &str) -> Result<(svc::Formular, Routing), String> {
    let (kle, facet) = (a.get(0), opt(a.get(1)));
    let routing_cvr = opt(a.get(2)).unwrap_or(authority);
    let form_xml = a.docstring.clone().unwrap_or_else(|| {
        format!(
            "<Ansoegning xmlns=\"urn:sp-contract:testformular\"><Emne>{}</Emne><Tekst>Syntetisk testformular</Tekst></Ansoegning>",
            crate::core::xml::escape(kle)
        )
    });
    svc::Formular::new(kle, facet, "sp-contract testformular", &form_xml)
        .and_then(|f| {
            let valg = RoutingValg::kle(kle, facet)?;
            Ok((f, Routing::new(authority, routing_cvr, valg)?))
        })
        .map_err(|e| e.to_string())
}

/// A note sent straight to a system (by UUID), or why our own checks refuse it.
fn build_direct(
    a: &Args,
    system: &str,
    authority: &str,
    it_system: &str,
) -> Result<(svc::Journalnotat, Routing), String> {
    let note = a
        .docstring
        .clone()
        .unwrap_or_else(|| DEFAULT_NOTE.to_string());
    svc::Journalnotat::new(a.get(0), None, Some(DEFAULT_TITLE), &note, it_system)
        .and_then(|j| {
            Ok((
                j,
                Routing::new(authority, authority, RoutingValg::modtager(system)?)?,
            ))
        })
        .map_err(|e| e.to_string())
}

/// What `lookup` sends, or why our own checks refuse it.
fn lookup_args(a: &Args, authority: &str) -> Result<(Emne, Option<Facet>, String), String> {
    let routing_cvr = opt(a.get(2)).unwrap_or(authority);
    Ok((
        Emne::parse(a.get(0)).map_err(|e| e.to_string())?,
        opt(a.get(1))
            .map(Facet::parse)
            .transpose()
            .map_err(|e| e.to_string())?,
        svc::check_cvr(routing_cvr).map_err(|e| e.to_string())?,
    ))
}

// ---------------------------------------------------------------------------------------
// Checks without sending (--dry-run): the same builders the steps use.

/// The authority the calls are made for; a placeholder when the target has none (the
/// `check_authority` check reports that).
fn check_authority_cvr(cx: &CheckCtx<'_>) -> String {
    cx.target
        .authority_cvr
        .clone()
        .unwrap_or_else(|| "29189846".to_string())
}

/// A receiving system's UUID as far as it can be known without sending: a UUID, a name on
/// the mock, or (real targets, learnt during the run) a stand-in.
fn check_system(cx: &CheckCtx<'_>, name: &str) -> Result<String, Finding> {
    if let Ok(u) = uuid::Uuid::parse_str(name.trim()) {
        return Ok(u.to_string());
    }
    match cx.mock {
        Some(p) => mock_system(p, name).map_err(Finding::Input),
        None => Ok(uuid::Uuid::nil().to_string()),
    }
}

/// What the sending step's own checks would refuse, as a precheck finding.
fn refusal<T, E: ToString>(built: Result<T, E>) -> Result<(), Finding> {
    built
        .map(|_| ())
        .map_err(|e| Finding::Refusal(e.to_string()))
}

fn precheck_note(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    let note = note_text(a, 64)?;
    let user_system = &cx.target.user_system_uuid;
    refusal(build_note(a, &note, &check_authority_cvr(cx), user_system))
}

fn precheck_form(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    refusal(build_form(a, &check_authority_cvr(cx)))
}

fn precheck_direct(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    let system = check_system(cx, a.get(1))?;
    let user_system = &cx.target.user_system_uuid;
    refusal(build_direct(
        a,
        &system,
        &check_authority_cvr(cx),
        user_system,
    ))
}

fn precheck_lookup(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    refusal(lookup_args(a, &check_authority_cvr(cx)))
}

fn precheck_validate(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    check_system(cx, a.get(0))?;
    refusal(svc::check_cvr(a.get(1)))
}

fn send_form(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        match build_form(&a, &authority) {
            Ok((f, routing)) => {
                send_object(w, Fordelingsobjekt::Formular(f), routing, &authority).await
            }
            Err(e) => refuse(w, e.to_string()),
        }
    })
}

fn send_direct(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        let system = resolve_system(w, a.get(1))?;
        let it_system = w.target().user_system_uuid.clone();
        match build_direct(&a, &system, &authority, &it_system) {
            Ok((j, routing)) => {
                send_object(w, Fordelingsobjekt::Journalnotat(j), routing, &authority).await
            }
            Err(e) => refuse(w, e.to_string()),
        }
    })
}

fn lookup(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        let (emne, facet, cvr) = match lookup_args(&a, &authority) {
            Ok(p) => p,
            Err(e) => return refuse(w, e),
        };
        let payload = svc::list_request(
            context_cvr(w, &authority).as_deref(),
            &authority,
            &cvr,
            &emne,
            facet.as_ref(),
        );
        w.call_soap(&svc::INFO, svc::ACTION_LIST, &payload).await
    })
}

fn validate(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        let system = resolve_system(w, a.get(0))?;
        let cvr = match svc::check_cvr(a.get(1)) {
            Ok(c) => c,
            Err(e) => return refuse(w, e.to_string()),
        };
        let payload = svc::valider_request(
            context_cvr(w, &authority).as_deref(),
            &authority,
            &[(cvr, system)],
        );
        w.call_soap(&svc::INFO, svc::ACTION_VALIDER, &payload).await
    })
}

// ---------------------------------------------------------------------------------------
// Checking answers.

const RECEIPT_CODES: &[&str] = &["MODTAGET", "AFLEVERET", "ACCEPTERET", "AFVIST", "FEJLET"];

fn receipt(w: &World) -> Result<svc::Kvittering, StepFailure> {
    let p = w.payload()?;
    svc::read_kvittering(p).ok_or_else(|| {
        contract(format!(
            "the answer <{}> has no ForretningsKvittering/ForretningsValideringsKode (is this a FordelingsobjektAfsend answer?)",
            p.local
        ))
    })
}

fn describe_receipt(k: &svc::Kvittering) -> String {
    let mut s = format!("{} ({})", k.kode, k.kvitteringstype);
    if let Some(b) = &k.begrundelse {
        s.push_str(&format!(": {b}"));
    }
    s
}

fn receipt_is(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(0).trim().to_uppercase();
        if !RECEIPT_CODES.contains(&want.as_str()) {
            return Err(input(format!(
                "'{}' is not a ForretningsValideringsKode; write one of {}",
                a.get(0),
                RECEIPT_CODES.join(", ")
            )));
        }
        let k = receipt(w)?;
        if k.kode == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the receipt {want}, got {}",
                describe_receipt(&k)
            )))
        }
    })
}

fn receipt_reason(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let k = receipt(w)?;
        let want = a.get(0).to_lowercase();
        let texts: Vec<&String> = k
            .begrundelse
            .iter()
            .chain(k.fejl.iter().map(|(_, t)| t))
            .collect();
        if texts.iter().any(|t| t.to_lowercase().contains(&want)) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the receipt's reason to contain \"{}\", but the receipt is {}",
                a.get(0),
                describe_receipt(&k)
            )))
        }
    })
}

fn last_sent(w: &mut World) -> Result<(String, Routing), StepFailure> {
    w.ext.get_mut::<State>().sent.clone().ok_or_else(|| {
        input("no object has been sent in this scenario: put a Når-step that sends one before this Så-step")
    })
}

/// Who received the object `id` on the mock.
fn mock_receptions(w: &World, id: &str) -> Option<Vec<mock::Modtaget>> {
    let p = w.ctx.mock.as_ref()?;
    Some(
        mock::received(p, &w.scenario_id)
            .into_iter()
            .filter(|m| m.objekt_id == id)
            .collect(),
    )
}

fn matches_system(m: &mock::Modtaget, name: &str) -> bool {
    let n = name.trim().to_lowercase();
    m.modtager.to_lowercase() == n || m.modtager_uuid == n
}

fn answer_summary(w: &World) -> String {
    match &w.last {
        Some(Last::Reply {
            reply: Reply::Payload(p),
            ..
        }) => svc::read_kvittering(p)
            .map(|k| format!("the receipt is {}", describe_receipt(&k)))
            .unwrap_or_else(|| "the answer has no receipt".into()),
        Some(Last::Reply {
            reply: Reply::Fault(f),
            ..
        }) => format!("the platform answered with a fault: {}", f.summary()),
        Some(Last::Reply { .. }) => "the platform answered with an empty Body".into(),
        Some(Last::RefusedLocally { reason }) => {
            format!("nothing was sent: the call was refused before sending ({reason})")
        }
        None => "nothing was sent".into(),
    }
}

/// On a real target: the systems the target's routing names for the object sent last.
async fn routed_on_target(
    w: &mut World,
    routing: &Routing,
) -> Result<(Vec<String>, String), StepFailure> {
    let payload = match &routing.valg {
        RoutingValg::Kle { emne, facet } => svc::list_request(
            Some(&routing.afsendende),
            &routing.afsendende,
            &routing.routing_myndighed,
            emne,
            facet.as_ref(),
        ),
        RoutingValg::Modtager(uuid) => svc::valider_request(
            Some(&routing.afsendende),
            &routing.afsendende,
            &[(routing.routing_myndighed.clone(), uuid.clone())],
        ),
    };
    let action = match routing.valg {
        RoutingValg::Kle { .. } => svc::ACTION_LIST,
        RoutingValg::Modtager(_) => svc::ACTION_VALIDER,
    };
    let ex = w.exchange_soap(&svc::INFO, action, &payload).await?;
    let p = match &ex.reply {
        Reply::Payload(p) => p.clone(),
        Reply::Fault(f) => {
            return Err(contract(format!(
                "cannot tell where the target routes the object: it answered the routing lookup with a fault: {}",
                f.summary()
            )))
        }
        Reply::Empty => return Err(contract("the routing lookup answered with an empty Body")),
    };
    match &routing.valg {
        RoutingValg::Kle { .. } => {
            let list = svc::read_modtagere(&p).unwrap_or_default();
            let labels = list
                .iter()
                .map(svc::Modtager::label)
                .collect::<Vec<_>>()
                .join(", ");
            let mut names: Vec<String> = list.iter().map(|m| m.navn.clone()).collect();
            names.extend(list.iter().map(|m| m.uuid.to_lowercase()));
            Ok((
                names,
                format!(
                    "FordelingsmodtagerList names: {}",
                    if labels.is_empty() {
                        "none".into()
                    } else {
                        labels
                    }
                ),
            ))
        }
        RoutingValg::Modtager(uuid) => {
            let can = svc::read_valider(&p)
                .unwrap_or_default()
                .into_iter()
                .any(|(_, u, kan)| u.eq_ignore_ascii_case(uuid) && kan);
            Ok((
                if can { vec![uuid.clone()] } else { vec![] },
                format!("FordelingsmodtagerValider says KanModtage {can} for {uuid}"),
            ))
        }
    }
}

fn delivered_to(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (id, routing) = last_sent(w)?;
        let name = a.get(0).to_string();
        if let Some(got) = mock_receptions(w, &id) {
            if got.iter().any(|m| matches_system(m, &name)) {
                return Ok(());
            }
            let who = if got.is_empty() {
                "no receiving system received it".to_string()
            } else {
                format!(
                    "it was delivered to {}",
                    got.iter()
                        .map(|m| m.modtager.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(contract(format!(
                "expected the object to be delivered to \"{name}\", but {who}; {}",
                answer_summary(w)
            )));
        }
        let system = resolve_system(w, &name).ok();
        let (names, seen) = routed_on_target(w, &routing).await?;
        let hit = names.iter().any(|n| {
            n.to_lowercase().contains(&name.to_lowercase())
                || system.as_deref().is_some_and(|s| n.eq_ignore_ascii_case(s))
        });
        if hit {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the object to be routed to \"{name}\" on target '{}', but {seen}",
                w.target().name
            )))
        }
    })
}

fn not_delivered(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (id, routing) = last_sent(w)?;
        if let Some(got) = mock_receptions(w, &id) {
            return if got.is_empty() {
                Ok(())
            } else {
                Err(contract(format!(
                    "expected no receiving system to get the object, but {} did",
                    got.iter()
                        .map(|m| m.modtager.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )))
            };
        }
        let (names, seen) = routed_on_target(w, &routing).await?;
        if names.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the target to route the object nowhere, but {seen}"
            )))
        }
    })
}

fn modtagere(w: &mut World) -> Result<Vec<svc::Modtager>, StepFailure> {
    let list = {
        let p: &Element = w.payload()?;
        svc::read_modtagere(p).ok_or_else(|| {
            contract(format!(
                "the answer <{}> has no Systemer (is this a FordelingsmodtagerList answer?)",
                p.local
            ))
        })?
    };
    // Remember what the target calls its systems, for later steps that name them.
    let st = w.ext.get_mut::<State>();
    for m in &list {
        st.systems
            .insert(m.navn.to_lowercase(), m.uuid.to_lowercase());
    }
    Ok(list)
}

fn list_contains(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = modtagere(w)?;
        if list.iter().any(|m| m.is(a.get(0))) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected FordelingsmodtagerList to name \"{}\", but it names {}",
                a.get(0),
                if list.is_empty() {
                    "no system".to_string()
                } else {
                    list.iter()
                        .map(svc::Modtager::label)
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )))
        }
    })
}

fn list_empty(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = modtagere(w)?;
        if list.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "expected FordelingsmodtagerList to name no system, but it names {}",
                list.iter()
                    .map(svc::Modtager::label)
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    })
}

fn can_receive(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(1).is_empty();
        let system = resolve_system(w, a.get(0))?;
        let p = w.payload()?;
        let rows = svc::read_valider(p).ok_or_else(|| {
            contract(format!(
                "the answer <{}> has no RoutingListe (is this a FordelingsmodtagerValider answer?)",
                p.local
            ))
        })?;
        match rows
            .iter()
            .find(|(_, u, _)| u.eq_ignore_ascii_case(&system))
        {
            Some((_, _, kan)) if *kan == want => Ok(()),
            Some((cvr, _, kan)) => Err(contract(format!(
                "expected KanModtage {want} for \"{}\" ({system}) with authority {cvr}, got {kan}",
                a.get(0)
            ))),
            None => Err(contract(format!(
                "the FordelingsmodtagerValider answer does not mention \"{}\" ({system})",
                a.get(0)
            ))),
        }
    })
}

fn transport_is(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(0).trim().to_uppercase();
        if !["OK", "ADVARSEL", "FEJL"].contains(&want.as_str()) {
            return Err(input(format!(
                "'{}' is not a TransportValideringsKode; write OK, ADVARSEL or FEJL",
                a.get(0)
            )));
        }
        let f = w.fault()?;
        let Some(t) = f.detail.as_ref().and_then(svc::read_transport) else {
            return Err(contract(format!(
                "the fault carries no TransportKvittering in its detail: {}",
                f.summary()
            )));
        };
        if t.kode == want {
            Ok(())
        } else {
            let errors: Vec<String> = t.fejl.iter().map(|(k, x)| format!("{k}: {x}")).collect();
            Err(contract(format!(
                "expected TransportValideringsKode {want}, got {} ({})",
                t.kode,
                errors.join("; ")
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_notes_have_the_asked_length_in_characters() {
        assert_eq!(generated_note(0), "");
        assert_eq!(generated_note(150).chars().count(), 150);
    }
}
