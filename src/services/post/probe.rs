//! The doctor's read calls for Post, one per service, neither of which sends a letter:
//! SF1600's `spoergTilmelding` with the InvocationContext, and SF1601's `PostForespoerg`
//! through the REST token flow (is a test citizen enrolled in Digital Post?).
//!
//! Every hop of SF1601 can refuse: the STS (certificate not registered, no approved serviceaftale for
//! the authority), AccessTokenService, or PostForespoerg itself. A refusal is classified by
//! its `errorCode` and text like a SOAP fault (see [`crate::doctor::classify_fault`]), and the finding
//! names the hop.

use crate::core::service::ServiceInfo;
use crate::doctor::{Answer, Probe, ProbeCx, ProbeFuture};
use crate::services::post::{sf1600, sf1601};
use crate::services::sf1520::probe::{describe_citizen, sendable_test_citizen};
use crate::targets::target::Target;

/// Post's probes, in the catalog's order of its services.
pub fn probes() -> Vec<Box<dyn Probe>> {
    vec![Box::new(Sf1600Probe), Box::new(Sf1601Probe)]
}

/// spoergTilmelding of the target's test citizen `far`, or else its first citizen alias, as
/// for SF1520.
pub struct Sf1600Probe;

impl Probe for Sf1600Probe {
    fn service(&self) -> &'static ServiceInfo {
        &sf1600::INFO
    }

    fn describe(&self, target: &Target) -> String {
        describe_citizen(target, "spoergTilmelding")
    }

    fn call<'a>(&'a self, cx: &'a ProbeCx) -> ProbeFuture<'a> {
        Box::pin(async move {
            let cpr = sendable_test_citizen(&cx.target)?;
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

/// PostForespoerg (Digital Post) of the target's test citizen `far`, or else its first
/// citizen alias, as for SF1520.
pub struct Sf1601Probe;

impl Probe for Sf1601Probe {
    fn service(&self) -> &'static ServiceInfo {
        &sf1601::INFO
    }

    fn describe(&self, target: &Target) -> String {
        describe_citizen(target, "PostForespoerg (Digital Post)")
    }

    fn call<'a>(&'a self, cx: &'a ProbeCx) -> ProbeFuture<'a> {
        Box::pin(async move {
            let cpr = sendable_test_citizen(&cx.target)?;
            let path = sf1601::forespoerg_path(sf1601::Register::DigitalPost, cpr);
            cx.rest(
                &sf1601::INFO,
                sf1601::FORESPOERG_ENTITY_ID,
                http::Method::GET,
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

#[cfg(test)]
mod tests {
    use crate::doctor::{judge, rest_answer, Answer, Finding, Level, ProbeError, Stage};
    use crate::error::ExitCode;
    use crate::targets::target::Target;
    use std::time::Duration;

    fn target() -> Target {
        let p = crate::platform::data::Platform::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks"),
            crate::services::catalog::Catalog::built_in().known(),
        )
        .unwrap();
        let pki = crate::targets::pki::TestPki::at(std::path::Path::new("/nonexistent"));
        p.target(&pki, "https://127.0.0.1:4443")
    }

    fn judged(answer: Result<Answer, ProbeError>) -> Vec<Finding> {
        let t = target();
        judge(
            &t,
            &super::Sf1601Probe,
            "e5b2e780-375b-400a-a075-748be37455fe",
            answer,
            Duration::from_millis(1),
        )
    }

    #[test]
    fn rest_answers_that_are_not_the_contracts_are_told_from_refusals() {
        // A gateway's page from a hop or the service: not the platform judging the call.
        let a = rest_answer(
            "SF1601",
            502,
            Some("text/html"),
            b"<html><body>Bad Gateway</body></html>",
            |_| unreachable!("not data"),
        );
        assert!(matches!(a, Answer::Unexpected { status: 502, .. }), "{a:?}");
        let f = judged(Ok(a));
        assert_eq!(
            (f.len(), f[0].level, f[0].exit),
            (1, Level::Fail, ExitCode::Unreachable)
        );
        assert!(
            f[0].what.contains("not the contract's JSON or XML"),
            "{}",
            f[0].what
        );

        // The service's own refusal (a token presented wrongly): shown as the platform's text.
        let a = rest_answer(
            "SF1601",
            401,
            Some("application/json"),
            br#"{"errorCode":"HolderOfKeyMismatch","errorMessage":"another certificate","TransaktionsId":"t-1"}"#,
            |_| unreachable!("not data"),
        );
        let f = judged(Ok(a));
        assert_eq!(
            (f[0].stage, f[0].exit),
            (Stage::CallsGoThrough, ExitCode::ContractFailed)
        );
        assert!(
            f[0].what.contains("SF1601: the platform refused"),
            "{}",
            f[0].what
        );
        assert!(f[0]
            .details
            .contains(&"refused by SF1601 (HTTP 401)".to_string()));
        assert!(f[0].details.contains(&"TransaktionsId: t-1".to_string()));

        // A token hop's malformed 200 breaks the contract.
        let f = judged(Err(ProbeError::Contract(
            "STS answered HTTP 200, but the reply has no Lifetime".into(),
        )));
        assert_eq!(
            (f[0].level, f[0].exit),
            (Level::Fail, ExitCode::ContractFailed)
        );
        assert!(f[0].details[0].contains("no Lifetime"));
    }
}
