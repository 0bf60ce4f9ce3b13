//! The doctor's read call for SF2900: a `FordelingsmodtagerList` (which receiving system do
//! the municipality's fordelingsregler name for a KLE emne), under the AuthorityContext
//! model. It routes nothing and changes nothing.

use crate::core::kle::Emne;
use crate::core::service::ServiceInfo;
use crate::doctor::{Answer, Probe, ProbeCx, ProbeError, ProbeFuture};
use crate::services::sf2900;
use crate::targets::target::Target;

/// The emne asked about: sygedagpenge, generelle sager, which the built-in suite routes.
/// Whether the municipality has a rule for it does not matter here: an empty list is an
/// answer too, and access is what the doctor checks.
pub const EMNE: &str = "32.30.04";

/// `FordelingsmodtagerList` for the target's authority (sender and routing authority alike)
/// and KLE [`EMNE`].
pub struct Sf2900Probe;

impl Probe for Sf2900Probe {
    fn service(&self) -> &'static ServiceInfo {
        &sf2900::INFO
    }

    fn describe(&self, target: &Target) -> String {
        match &target.authority_cvr {
            Some(cvr) => format!("FordelingsmodtagerList of KLE {EMNE} for CVR {cvr}"),
            None => format!("FordelingsmodtagerList of KLE {EMNE}"),
        }
    }

    fn call<'a>(&'a self, cx: &'a ProbeCx) -> ProbeFuture<'a> {
        Box::pin(async move {
            let setup = || {
                ProbeError::Setup(format!(
                    "SF2900 calls on behalf of a municipality (AuthorityContext): set authority_cvr = \"<8-digit CVR>\" under [targets.{}]",
                    cx.target.name
                ))
            };
            let cvr = cx.target.authority_cvr.as_deref().ok_or_else(setup)?;
            let cvr = sf2900::check_cvr(cvr).map_err(|e| {
                ProbeError::Setup(format!(
                    "authority_cvr under [targets.{}]: {e}",
                    cx.target.name
                ))
            })?;
            let emne = Emne::parse(EMNE).map_err(|e| ProbeError::Setup(e.to_string()))?;
            let payload = sf2900::list_request(Some(&cvr), &cvr, &cvr, &emne, None);
            let mut no_list = false;
            let answer = cx
                .soap(&sf2900::INFO, sf2900::ACTION_LIST, &payload, |p| {
                match sf2900::read_modtagere(p) {
                    Some(list) if list.is_empty() => format!(
                        "no fordelingsregel of CVR {cvr} names a receiving system for KLE {EMNE} (routing is the municipality's configuration, not access)"
                    ),
                    Some(list) => format!(
                        "the fordelingsregler of CVR {cvr} name {} for KLE {EMNE}",
                        sf2900::labels(&list)
                    ),
                    None => {
                        no_list = true;
                        format!("the answer is <{}>", p.local)
                    }
                }
                })
                .await?;
            // Access was granted; the answer's shape is for the SF2900 scenarios to judge.
            Ok(match answer {
                Answer::Data { summary, .. } if no_list => Answer::Data {
                    summary,
                    warning: Some(
                        "the answer has no Systemer list: run the SF2900 scenarios".to_string(),
                    ),
                },
                other => other,
            })
        })
    }
}

pub fn probes() -> Vec<Box<dyn crate::doctor::Probe>> {
    vec![Box::new(Sf2900Probe)]
}
