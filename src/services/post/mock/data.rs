//! The Post mock's data: the wording of the Post services' refusals and statuses
//! (`mocks/post/faults.json`, with a built-in default), and what every Post responder holds.

use crate::platform::data::{DataError, Platform};
use crate::platform::endpoint::DirectResponse;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestFault {
    pub http_status: u16,
    pub code: String,
    pub text: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sf1600Fault {
    pub fejl_kode: u16,
    pub fejl_tekst: String,
    pub faultstring: String,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statuses {
    pub digital_post: Vec<String>,
    pub nemsms: Vec<String>,
    pub fysisk_post: Vec<String>,
    pub failed: String,
    pub source: String,
}

/// `mocks/post/faults.json`: the wording of the Post services' refusals and statuses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostData {
    pub rest: BTreeMap<String, RestFault>,
    pub sf1600: BTreeMap<String, Sf1600Fault>,
    pub statuses: Statuses,
}

const BUILT_IN: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/mocks/post/faults.json"
));

const REQUIRED_REST: &[&str] = &[
    "sts_bad_request",
    "sts_use_key_mismatch",
    "sts_certificate_not_registered",
    "sts_unknown_service",
    "sts_no_agreement",
    "ats_invalid_assertion",
    "ats_expired_assertion",
    "ats_certificate_mismatch",
    "token_missing",
    "token_invalid",
    "token_expired",
    "token_wrong_certificate",
    "token_wrong_service",
    "missing_transaction_headers",
    "request_invalid",
    "not_enrolled_digital_post",
    "not_enrolled_nemsms",
    "no_channel",
    "print_data_missing",
];

impl PostData {
    /// `mocks/post/faults.json`, or the built-in copy when a mocks folder has none (a
    /// vendor's own `--mocks` folder from before Post existed keeps working).
    pub fn load(mocks: &Path) -> Result<PostData, DataError> {
        let p = mocks.join("post/faults.json");
        let text = match crate::platform::data::read_data(&p) {
            Ok(t) => t,
            Err(DataError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                BUILT_IN.to_string()
            }
            Err(e) => return Err(e),
        };
        let invalid = |message: String| DataError::Invalid {
            path: p.clone(),
            message,
        };
        let d: PostData =
            crate::core::strict_json::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        for (name, f) in &d.rest {
            crate::platform::data::check_http_status(f.http_status)
                .map_err(|m| invalid(format!("rest fault '{name}': {m}")))?;
        }
        for r in REQUIRED_REST {
            if !d.rest.contains_key(*r) {
                return Err(invalid(format!("missing rest fault '{r}'")));
            }
        }
        let mut d = d;
        d.add_missing_print_refusals();
        for r in [
            "not_enrolled_digital_post",
            "not_enrolled_nemsms",
            "recipient_deceased",
            "recipient_not_in_cpr",
        ] {
            match d.sf1600.get(r) {
                None => return Err(invalid(format!("missing sf1600 fault '{r}'"))),
                // dkal:FejlKode is an integer 1000–9999 in the contract.
                Some(f) if !(1000..=9999).contains(&f.fejl_kode) => {
                    return Err(invalid(format!("sf1600.{r}.fejl_kode must be 1000–9999")))
                }
                Some(_) => {}
            }
        }
        Ok(d)
    }

    /// The print refusals came after vendors copied this file: a copy without them gets the
    /// built-in wording, so physical post to a dead or unknown citizen is refused alike.
    fn add_missing_print_refusals(&mut self) {
        let Ok(built_in) = crate::core::strict_json::from_str::<PostData>(BUILT_IN) else {
            return;
        };
        for name in ["recipient_deceased", "recipient_not_in_cpr"] {
            if let Some(f) = built_in.rest.get(name) {
                self.rest
                    .entry(name.to_string())
                    .or_insert_with(|| f.clone());
            }
            if let Some(f) = built_in.sf1600.get(name) {
                self.sf1600
                    .entry(name.to_string())
                    .or_insert_with(|| f.clone());
            }
        }
    }

    /// A REST refusal as JSON: `{"errorCode", "errorMessage", "TransaktionsId"}` (modelled).
    pub fn rest_fault(
        &self,
        name: &str,
        vars: &[(&str, &str)],
        transaction: &str,
    ) -> DirectResponse {
        let (status, code, text) = match self.rest.get(name) {
            Some(f) => {
                let mut t = f.text.clone();
                for (k, v) in vars {
                    t = t.replace(&format!("{{{k}}}"), v);
                }
                (f.http_status, f.code.clone(), t)
            }
            None => (
                500,
                "MockDataError".to_string(),
                format!("mock data has no rest fault '{name}' (add it to mocks/post/faults.json)"),
            ),
        };
        DirectResponse::json(
            status,
            serde_json::json!({
                "errorCode": code,
                "errorMessage": text,
                "TransaktionsId": transaction,
            }),
        )
    }

    /// A request that breaks an XSD (the MeMo's, ForsendelseI's): the `schema_validation`
    /// wording, in KOMBIT's REST error shape `HovedoplysningerSvarREST[{SvarReaktion:{Fejl}}]`
    /// beside the fields every REST refusal of the mock carries.
    pub fn schema_fault(&self, reason: &str, transaction: &str) -> DirectResponse {
        let mut answer = self.rest_fault("schema_validation", &[("reason", reason)], transaction);
        if let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&answer.body) {
            let fejl = serde_json::json!([{ "SvarReaktion": { "Fejl": {
                "FejlId": body["errorCode"].clone(),
                "FejlTekst": body["errorMessage"].clone(),
                "KildeId": "sp-contract mock",
            } } }]);
            body["HovedoplysningerSvarREST"] = fejl;
            answer.body = body.to_string();
        }
        answer
    }
}

#[derive(Clone)]
pub struct PostCtx {
    pub platform: Arc<Platform>,
    pub data: Arc<PostData>,
}
