//! The doctor's read call for SF1601: a `PostForespoerg` (is a test citizen enrolled in
//! Digital Post?) through the REST token flow. It sends no letter.
//!
//! Every hop can refuse: the STS (certificate not registered, no approved serviceaftale for
//! the authority), AccessTokenService, or PostForespoerg itself. A refusal is classified by
//! its `errorCode` and text like a SOAP fault (see [`crate::doctor::classify_fault`]), and the finding
//! names the hop.

use crate::doctor::{Answer, Probe, ProbeCx, ProbeError, ProbeFuture};
use crate::services::{post::sf1601, ServiceInfo};
use crate::target::config::Target;

/// PostForespoerg (Digital Post) of the target's test citizen `far`, or else its first
/// citizen alias, as for SF1520.
pub struct Sf1601Probe;

fn citizen(target: &Target) -> Option<(&str, &str)> {
    crate::services::sf1520::probe::citizen(target)
}

impl Probe for Sf1601Probe {
    fn service(&self) -> &'static ServiceInfo {
        &sf1601::INFO
    }

    fn describe(&self, target: &Target) -> String {
        match citizen(target) {
            Some((alias, _)) => {
                format!("PostForespoerg (Digital Post) of the test citizen \"{alias}\"")
            }
            None => "PostForespoerg (Digital Post) of a test citizen".to_string(),
        }
    }

    fn call<'a>(&'a self, cx: &'a ProbeCx) -> ProbeFuture<'a> {
        Box::pin(async move {
            let Some((alias, _)) = citizen(&cx.target) else {
                return Err(ProbeError::Setup(format!(
                    "name a test citizen of this environment under [targets.{}.aliases.citizens], e.g. far = \"<cpr>\"",
                    cx.target.name
                )));
            };
            // A placeholder (the example config's 0000000000) is never sent.
            let cpr = cx.target.citizen(alias).map_err(ProbeError::Setup)?;
            let path = sf1601::forespoerg_path(sf1601::Register::DigitalPost, cpr);
            cx.rest(
                &sf1601::INFO,
                sf1601::FORESPOERG_ENTITY_ID,
                reqwest::Method::GET,
                &path,
                |p| match p.child("result").map(|e| e.text()).as_deref() {
                    Some("true") => Answer::Data {
                        summary: "PostForespoerg says the test citizen is enrolled in Digital Post"
                            .into(),
                        warning: None,
                    },
                    Some("false") => Answer::Data {
                        summary:
                            "PostForespoerg says the test citizen is not enrolled in Digital Post"
                                .into(),
                        warning: None,
                    },
                    _ => Answer::Data {
                        summary: format!("the answer is <{}>", p.local),
                        warning: Some(
                            "the answer has no result true/false: run the Post scenarios"
                                .to_string(),
                        ),
                    },
                },
            )
            .await
        })
    }
}
