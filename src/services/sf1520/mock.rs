//! SF1520 PersonLookup on the mock: answers from `mocks/citizens.json` and the per-citizen
//! response files. The answer for an unknown CPR number is modelled (a fault named
//! `cpr_not_found` in `mocks/faults.json`); the public record does not show what the real
//! service returns.

use crate::core::service::ServiceInfo;
use crate::platform::data::Platform;
use crate::platform::endpoint::soap;
use crate::platform::endpoint::{
    check_order, require_invocation, SoapAnswer, SoapCall, SoapService,
};
use crate::services::sf1520;
use std::sync::Arc;

pub struct Sf1520;

impl SoapService for Sf1520 {
    fn info(&self) -> &'static ServiceInfo {
        &sf1520::INFO
    }

    fn actions(&self) -> &'static [&'static str] {
        &[sf1520::SOAP_ACTION]
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        let schema = |reason: String| {
            SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)]))
        };
        let payload = call.payload;
        if payload.local != "PersonLookupRequest" || payload.ns.as_deref() != Some(sf1520::NS) {
            return schema(format!(
                "expected PersonLookupRequest in namespace {}, got <{}>",
                sf1520::NS,
                payload.local
            ));
        }
        if let Err(e) = check_order(
            payload,
            &[
                "CallContext",
                "AuthorityContext",
                "InvocationContext",
                "PNR",
            ],
        ) {
            return schema(e);
        }
        if let Err(refusal) = require_invocation(p, &sf1520::INFO, payload, &call.caller) {
            return refusal;
        }
        let Some(pnr) = payload
            .elements()
            .find(|e| e.local == "PNR" && e.ns.as_deref() == Some(sf1520::PNR_NS))
        else {
            return schema("PersonLookupRequest lacks PNR".into());
        };
        let pnr = pnr.text();
        if pnr.chars().count() > 10 {
            return schema("PNR is longer than 10 characters".into());
        }
        match p.citizen_by_cpr(&pnr).and_then(|c| c.sf1520_xml.clone()) {
            Some(xml) => SoapAnswer::Payload(xml),
            None => SoapAnswer::Fault(
                p.fault("cpr_not_found", &[("pnr", &crate::core::cpr::mask(&pnr))]),
            ),
        }
    }
}

pub fn responders(p: &Arc<Platform>) -> crate::platform::Responders {
    Ok(vec![soap(p, Sf1520)])
}
