//! Calls into the mock's SF1470 responder in process, as the TLS front hands it a parsed
//! request. Shared by the SF1470 tests and `examples/sf1470_growth.rs` (which includes this
//! file and `sf1470_case.rs` by path, as siblings), so it uses nothing else of the test
//! support.

use super::sf1470_case::mocks;
use sp_contract::core::xml;
use sp_contract::platform::data::{Caller, Platform};
use sp_contract::platform::endpoint::{self, SoapAnswer, SoapCall};
use sp_contract::services::sf1470::mock::Sf1470;
use sp_contract::services::sf1470::model;

pub fn platform() -> Platform {
    Platform::load(&mocks(), sp_contract::engine::catalog().known()).expect("mock data loads")
}

/// Send one request to the mock's SF1470 responder as `scenario`; the payload it answers.
pub fn call(
    svc: &Sf1470,
    p: &Platform,
    scenario: &str,
    op: &model::Operation,
    payload: &str,
) -> SoapAnswer {
    let el = xml::parse(payload.as_bytes()).expect("request is XML");
    endpoint::handle_payload(
        svc,
        p,
        &SoapCall {
            action: op.action,
            operation: endpoint::operation(svc, op.action).expect("an operation of the service"),
            payload: &el,
            caller: Caller {
                subject_cn: Some("sp-contract testsystem (FOCES)".into()),
                sha256: None,
            },
            scenario: scenario.into(),
        },
    )
}
