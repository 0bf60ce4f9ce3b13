//! The mock's OIO IDWS STS: SOAP 1.2 WS-Trust 1.3 at `/runtime/services/kombittrust/14/
//! certificatemixed`. It verifies the request's signature and timestamp (`idws::verify`),
//! that the message is signed with the TLS client certificate, finds that certificate's
//! it-system in `mocks/platform.json`, and requires an approved serviceaftale for the
//! it-system, the CVR claim and the service the audience (AppliesTo) names. Then it issues a
//! holder-of-key assertion for 8 hours, signed with the test PKI's `sts` certificate, in a
//! signed answer relating to the request. Each refusal is an `idws_sts_*` fault (SOAP 1.2).

use super::{Idws, STS_PATH};
use crate::core::service::SoapVersion;
use crate::idws::sts_issue::{self, Issue};
use crate::idws::verify;
use crate::platform::data::AgreementStatus;
use crate::platform::endpoint::{caller, DirectResponder, DirectResponse};
use crate::platform::request::{Answer, Request};
use crate::targets::pki::{fingerprint_sha256, CertInfo};
use base64::Engine as _;
use std::sync::Arc;
use time::OffsetDateTime;

/// The STS as the backend answers it.
pub struct StsEndpoint(pub Arc<Idws>);

impl DirectResponder for StsEndpoint {
    fn path(&self) -> &'static str {
        STS_PATH
    }

    fn respond_direct(&self, req: &Request) -> DirectResponse {
        let answer = self.0.issue(req, OffsetDateTime::now_utc());
        DirectResponse {
            status: answer.status.as_u16(),
            content_type: super::SOAP12_CONTENT_TYPE,
            body: String::from_utf8_lossy(&answer.body).into_owned(),
        }
    }
}

/// Hex digits only, upper case: fingerprints are written with and without colons.
fn hex(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_ascii_uppercase()
}

impl Idws {
    /// The STS's answer to `req` at `now`: a signed RSTR with the assertion, or a fault.
    pub fn issue(&self, req: &Request, now: OffsetDateTime) -> Answer {
        let p = &self.platform;
        let fault = |name: &str, vars: &[(&str, &str)]| self.fault(SoapVersion::Soap12, name, vars);
        let text = String::from_utf8_lossy(&req.body);
        let facts = match verify::sts_request(&text, now) {
            Ok(f) => f,
            Err(e) => return fault("idws_sts_request_invalid", &[("reason", &e.to_string())]),
        };
        let der = facts.certificate.to_der().unwrap_or_default();
        let who = caller(req);
        if who.sha256.as_deref().map(hex) != Some(hex(&fingerprint_sha256(&der))) {
            return fault("idws_sts_not_tls_certificate", &[]);
        }
        let Some(service) = p.known.by_entity_id(&facts.audience) else {
            return fault(
                "idws_sts_unknown_audience",
                &[("audience", &facts.audience)],
            );
        };
        let Some(system) = p.user_system_for(&who) else {
            let subject = who.subject_cn.as_deref().unwrap_or("(none)");
            return fault(
                "idws_sts_certificate_not_registered",
                &[("subject", subject)],
            );
        };
        let cvr = facts.cvr.as_str();
        let covering = p.platform.agreements.iter().filter(|a| {
            a.service.eq_ignore_ascii_case(service.id)
                && a.user_system == system.uuid
                && a.authority_cvr == cvr
        });
        let (mut approved, mut other) = (false, None);
        for a in covering {
            match a.status {
                AgreementStatus::Approved => approved = true,
                _ => other = other.or(Some(a)),
            }
        }
        if !approved {
            let vars = [
                ("user_system", system.uuid.as_str()),
                ("service", service.id),
                ("cvr", cvr),
            ];
            return match other {
                Some(a) => {
                    let status = match a.status {
                        AgreementStatus::Rejected => "rejected",
                        _ => "pending",
                    };
                    let mut v = vars.to_vec();
                    v.extend([("agreement", a.uuid.as_str()), ("status", status)]);
                    fault("idws_sts_agreement_not_approved", &v)
                }
                None => fault("idws_sts_no_agreement", &vars),
            };
        }
        let subject = CertInfo::from_x509(&facts.certificate)
            .map(|i| i.subject)
            .unwrap_or_default();
        let holder = base64::engine::general_purpose::STANDARD.encode(&der);
        let issue = Issue {
            issuer: super::ISSUER,
            audience: &facts.audience,
            cvr,
            holder_der_b64: &holder,
            holder_subject: &subject,
        };
        let signed = sts_issue::assertion(&issue, &self.sts, now).and_then(|assertion| {
            // What it hands out is a secret in this process too (`mock serve` prints).
            crate::evidence::redact::register_assertion(&assertion);
            sts_issue::answer(
                &assertion,
                &facts.audience,
                &facts.message_id,
                &self.sts,
                now,
            )
        });
        match signed {
            Ok(body) => Answer::new(http::StatusCode::OK, super::SOAP12_CONTENT_TYPE, body),
            Err(e) => fault("idws_sts_request_invalid", &[("reason", &e.to_string())]),
        }
    }
}
