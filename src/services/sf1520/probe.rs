//! The doctor's read call for SF1520: a PersonLookup of a test citizen.

use crate::core::service::ServiceInfo;
use crate::doctor::{Answer, Probe, ProbeCx, ProbeError, ProbeFuture};
use crate::services::sf1520;
use crate::targets::target::Target;

/// PersonLookup of the target's test citizen `far` (the basis family's father, present on
/// the mock and, by the README's convention, configured for exttest), or else the first
/// citizen alias the target has.
pub struct Sf1520Probe;

fn citizen(target: &Target) -> Option<&str> {
    target
        .citizens
        .get_key_value("far")
        .or_else(|| target.citizens.iter().next())
        .map(|(a, _)| a.as_str())
}

/// The alias of the test citizen a probe asks about, or the setup step that names one.
/// Post's probes ask about the same citizen.
fn test_citizen(target: &Target) -> Result<&str, ProbeError> {
    citizen(target).ok_or_else(|| {
        ProbeError::Setup(format!(
            "name a test citizen of this environment under [targets.{}.aliases.citizens], e.g. far = \"<cpr>\"",
            target.name
        ))
    })
}

/// The test citizen's CPR number to send: a placeholder (the example config's 0000000000)
/// is never sent.
pub(crate) fn sendable_test_citizen(target: &Target) -> Result<&str, ProbeError> {
    let alias = test_citizen(target)?;
    target
        .citizen(alias)
        .map_err(|e| ProbeError::Setup(e.to_string()))
}

/// `<call> of the test citizen "<alias>"`, as a probe describes itself.
pub(crate) fn describe_citizen(target: &Target, call: &str) -> String {
    match citizen(target) {
        Some(alias) => format!("{call} of the test citizen \"{alias}\""),
        None => format!("{call} of a test citizen"),
    }
}

impl Probe for Sf1520Probe {
    fn service(&self) -> &'static ServiceInfo {
        &sf1520::INFO
    }

    fn describe(&self, target: &Target) -> String {
        describe_citizen(target, "PersonLookup")
    }

    fn call<'a>(&'a self, cx: &'a ProbeCx) -> ProbeFuture<'a> {
        Box::pin(async move {
            let cpr = sendable_test_citizen(&cx.target)?;
            let ctx = cx.invocation_context(&sf1520::INFO);
            let payload = sf1520::lookup_request(Some(&ctx), cpr);
            let answer = cx
                .soap(&sf1520::INFO, sf1520::SOAP_ACTION, &payload, |p| {
                    let found = p.child("persondata").is_some();
                    if found {
                        "the answer has the citizen's persondata".to_string()
                    } else {
                        "the answer has no persondata".to_string()
                    }
                })
                .await?;
            // Access was granted when the register merely lacks the citizen.
            Ok(match answer {
                Answer::Fault(f) if f.codes().iter().any(|c| c == "PersonNotFound") => {
                    Answer::Data {
                        summary: f.summary(),
                        warning: Some(
                            "the test citizen is not in the CPR register: check the alias's CPR number"
                                .to_string(),
                        ),
                    }
                }
                other => other,
            })
        })
    }
}

pub fn probes() -> Vec<Box<dyn crate::doctor::Probe>> {
    vec![Box::new(Sf1520Probe)]
}
