//! The OIO IDWS token model on the mock, which plays both parts: the STS that issues
//! holder-of-key assertions ([`sts`], SOAP 1.2 WS-Trust at [`STS_PATH`]), and the check every
//! service of that model makes before its responder runs ([`gate`]). Both are platform
//! behaviour (SF1470 now, SF1500/SF1510 later), not a service's.
//!
//! The rule: the STS signs with the test PKI's RSA `sts` certificate, and the gate trusts
//! assertions signed by that certificate only; a refusal is a SOAP fault from a named
//! template in `mocks/faults.json` (`idws_*`), naming what is wrong. The verified CVR reaches
//! the responder in [`IDWS_CVR_HEADER`], which the front alone sets.

pub mod gate;
pub mod sts;

pub use crate::targets::idws::STS_PATH;

use crate::core::service::SoapVersion;
use crate::core::xml::escape;
use crate::platform::data::{MockFault, Platform};
use crate::platform::request::Answer;
use crate::targets::pki::{self, Identity, TestPki};
use http::StatusCode;
use std::sync::Arc;

/// The CVR of the verified assertion, for the responder (the front drops it from requests).
pub const IDWS_CVR_HEADER: &str = "x-sp-mock-idws-cvr";

/// The mock STS's entity (`saml:Issuer` of what it issues).
pub const ISSUER: &str = "https://sts.sp-contract.mock/idws";

/// What the mock's IDWS parts share: the platform's data and the STS's signing identity.
pub struct Idws {
    pub platform: Arc<Platform>,
    pub sts: Identity,
}

impl Idws {
    /// With the STS certificate of the test PKI (an error names the file).
    pub fn load(platform: Arc<Platform>, pki: &TestPki) -> Result<Idws, String> {
        let sts = pki::load_identity(&pki.sts_identity()).map_err(|e| {
            format!(
                "the mock STS's certificate ({}) cannot be loaded: {}",
                pki.sts_p12.display(),
                crate::error::chain(&e)
            )
        })?;
        Ok(Idws { platform, sts })
    }

    /// A named fault template as a SOAP fault of `soap`'s version.
    fn fault(&self, soap: SoapVersion, name: &str, vars: &[(&str, &str)]) -> Answer {
        render(soap, &self.platform.fault(name, vars))
    }
}

/// A fault as an envelope of the version asked for (SOAP 1.2: Code/Reason/Detail, the code
/// mapped Client → Sender, Server → Receiver).
pub fn render(soap: SoapVersion, f: &MockFault) -> Answer {
    let status = StatusCode::from_u16(f.http_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match soap {
        SoapVersion::Soap11 => {
            let body = crate::core::soap::fault_envelope(&f.code, &f.string, &f.errors);
            Answer::new(status, crate::platform::endpoint::SOAP_CONTENT_TYPE, body)
        }
        SoapVersion::Soap12 => {
            let code = if f.code.ends_with("Server") {
                "s:Receiver"
            } else {
                "s:Sender"
            };
            let errors: String = f
                .errors
                .iter()
                .map(|e| {
                    format!(
                        "<spf:Error><spf:ErrorCode>{}</spf:ErrorCode><spf:ErrorText>{}</spf:ErrorText></spf:Error>",
                        escape(&e.code),
                        escape(&e.text)
                    )
                })
                .collect();
            let detail = if errors.is_empty() {
                String::new()
            } else {
                format!(
                    "<s:Detail><spf:ServiceplatformFault xmlns:spf=\"{}\"><spf:ErrorList>{errors}</spf:ErrorList></spf:ServiceplatformFault></s:Detail>",
                    crate::core::soap::SPF_NS
                )
            };
            let body = format!(
                "<s:Envelope xmlns:s=\"{}\"><s:Body><s:Fault><s:Code><s:Value>{code}</s:Value></s:Code>\
                 <s:Reason><s:Text xml:lang=\"en\">{}</s:Text></s:Reason>{detail}</s:Fault></s:Body></s:Envelope>",
                crate::idws::ns::SOAP12,
                escape(&f.string)
            );
            Answer::new(status, SOAP12_CONTENT_TYPE, body)
        }
    }
}

pub const SOAP12_CONTENT_TYPE: &str = "application/soap+xml; charset=utf-8";
