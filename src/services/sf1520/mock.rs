//! SF1520 PersonLookup on the mock: answers from `mocks/citizens.json` and the per-citizen
//! response files. The answer for an unknown CPR number is modelled (a fault named
//! `cpr_not_found` in `mocks/faults.json`); the public record does not show what the real
//! service returns.

use crate::core::service::ServiceInfo;
use crate::platform::data::Platform;
use crate::platform::endpoint::soap;
use crate::platform::endpoint::{require_invocation, SoapAnswer, SoapCall, SoapService};
use crate::services::sf1520;
use std::sync::Arc;

pub struct Sf1520;

impl SoapService for Sf1520 {
    fn info(&self) -> &'static ServiceInfo {
        &sf1520::INFO
    }

    fn operations(&self) -> &'static [crate::schema::Operation] {
        sf1520::OPERATIONS
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        let schema = |reason: String| {
            SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)]))
        };
        // The pipeline validated the payload against the schema: only the access check and
        // the answer are left.
        let payload = call.payload;
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
