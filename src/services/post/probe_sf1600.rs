//! The doctor's read call for SF1600: `spoergTilmelding` (is a test citizen enrolled in
//! Digital Post?) with the InvocationContext. It prints nothing.

use crate::core::service::ServiceInfo;
use crate::doctor::{Probe, ProbeCx, ProbeError, ProbeFuture};
use crate::services::post::sf1600;
use crate::targets::config::Target;

/// spoergTilmelding of the target's test citizen `far`, or else its first citizen alias, as
/// for SF1520.
pub struct Sf1600Probe;

impl Probe for Sf1600Probe {
    fn service(&self) -> &'static ServiceInfo {
        &sf1600::INFO
    }

    fn describe(&self, target: &Target) -> String {
        match crate::services::sf1520::probe::citizen(target) {
            Some((alias, _)) => format!("spoergTilmelding of the test citizen \"{alias}\""),
            None => "spoergTilmelding of a test citizen".to_string(),
        }
    }

    fn call<'a>(&'a self, cx: &'a ProbeCx) -> ProbeFuture<'a> {
        Box::pin(async move {
            let Some((_, cpr)) = crate::services::sf1520::probe::citizen(&cx.target) else {
                return Err(ProbeError::Setup(format!(
                    "name a test citizen of this environment under [targets.{}.aliases.citizens], e.g. far = \"<cpr>\"",
                    cx.target.name
                )));
            };
            let ctx = cx.invocation_context(&sf1600::INFO);
            let payload = sf1600::spoerg_tilmelding_request(Some(&ctx), cpr);
            cx.soap(
                &sf1600::INFO,
                sf1600::ACTION_TILMELDING,
                &payload,
                |p| match p.child("tilmeldt").map(|e| e.text()).as_deref() {
                    Some("true") => "the test citizen is enrolled in Digital Post".to_string(),
                    Some("false") => "the test citizen is not enrolled in Digital Post".to_string(),
                    _ => format!("the answer is <{}> without tilmeldt", p.local),
                },
            )
            .await
        })
    }
}
