//! The doctor's read call for SF1470: a `fremsoeg` of one case UUID (one no vendor's case
//! has), with a fresh `TransactionUUID`. It changes nothing in the index; an answer with
//! StatusKode 20 means the call went through, whether or not the case is there.

use crate::core::service::ServiceInfo;
use crate::doctor::{Answer, Probe, ProbeCx, ProbeFuture};
use crate::services::sf1470::{self, Fremsoeg, Response};
use crate::targets::target::Target;

/// The case asked for: generated for this project, so no real case is read.
pub const SAG_UUID: &str = "5f0c1d47-3c1e-4f55-9a35-8f1b7a6d2c90";

pub struct Sf1470Probe;

impl Probe for Sf1470Probe {
    fn service(&self) -> &'static ServiceInfo {
        &sf1470::INFO
    }

    fn describe(&self, _target: &Target) -> String {
        format!("fremsoeg of case {SAG_UUID}")
    }

    fn call<'a>(&'a self, cx: &'a ProbeCx) -> ProbeFuture<'a> {
        Box::pin(async move {
            let payload = sf1470::fremsoeg_request(&Fremsoeg::uuids(vec![SAG_UUID.into()]));
            let header = sf1470::request_header(&uuid::Uuid::new_v4().to_string());
            let mut refused = None;
            let answer = cx
                .soap_with_header(
                    &sf1470::INFO,
                    sf1470::model::FREMSOEG.action,
                    Some(&header),
                    &payload,
                    |p| match sf1470::parse_response(p) {
                        Ok(Response::Fremsoeg(f)) if f.standard.is_ok() => format!(
                            "the index answered StatusKode 20 with {} case(s)",
                            f.sager.len()
                        ),
                        Ok(r) => {
                            let s = r.returs().first().map(|(_, s)| s.summary());
                            refused = s.clone();
                            format!("the index answered {}", s.unwrap_or_default())
                        }
                        Err(e) => {
                            refused = Some(e.to_string());
                            format!("the answer does not follow the v6 contract: {e}")
                        }
                    },
                )
                .await?;
            // The call went through; what the index said is for the SF1470 scenarios to judge.
            Ok(match answer {
                Answer::Data { summary, .. } if refused.is_some() => Answer::Data {
                    summary,
                    warning: Some("run the SF1470 scenarios to see why".to_string()),
                },
                other => other,
            })
        })
    }
}

pub fn probes() -> Vec<Box<dyn Probe>> {
    vec![Box::new(Sf1470Probe)]
}
