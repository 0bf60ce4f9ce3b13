//! The check in front of every service of the OIO IDWS model, before its responder runs:
//! the call's signature (each reference, the STR-Transform digest of the assertion), the
//! assertion's own signature by the mock STS, its audience (the service's entityID) and
//! validity, the message's timestamp, and that the signing key is the holder-of-key
//! certificate. A refusal is an `idws_*` fault in the service's SOAP version naming what is
//! wrong; a call that passes reaches the responder with the verified CVR in
//! [`super::IDWS_CVR_HEADER`].

use super::{Idws, IDWS_CVR_HEADER};
use crate::core::service::{ServiceInfo, SoapVersion};
use crate::idws::{verify, VerifyError};
use crate::platform::request::{Answer, Request};
use http::HeaderValue;
use time::OffsetDateTime;

/// Which fault template a failed check is answered with.
pub fn template(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::Missing(what)
            if what.ends_with("/Security")
                || what.ends_with("/Assertion")
                || what.ends_with("/Header") =>
        {
            "idws_token_missing"
        }
        VerifyError::Expired { what, .. } | VerifyError::NotYetValid { what, .. }
            if *what == "assertion" =>
        {
            "idws_assertion_expired"
        }
        VerifyError::Expired { .. } | VerifyError::NotYetValid { .. } => "idws_timestamp",
        VerifyError::Audience { .. } => "idws_audience",
        VerifyError::SignatureValue { key } if key.starts_with("issuer") => {
            "idws_assertion_untrusted"
        }
        VerifyError::Digest { element, .. } if element.ends_with("Assertion") => {
            "idws_assertion_untrusted"
        }
        VerifyError::SignatureValue { .. } | VerifyError::NotHolderOfKey => {
            "idws_not_holder_of_key"
        }
        _ => "idws_signature",
    }
}

impl Idws {
    /// Check the call `req` to `service` (speaking `soap`) at `now`. `Ok`: the request to
    /// hand on, with the verified CVR; `Err`: the fault to answer (boxed: the rare path).
    pub fn check(
        &self,
        req: &Request,
        service: &ServiceInfo,
        soap: SoapVersion,
        now: OffsetDateTime,
    ) -> Result<Request, Box<Answer>> {
        let text = String::from_utf8_lossy(&req.body);
        let facts = verify::service_call(&text, self.sts.cert.as_ref(), service.entity_id, now)
            .map_err(|e| {
                let reason = e.to_string();
                self.fault(
                    soap,
                    template(&e),
                    &[("reason", &reason), ("service", service.id)],
                )
            })?;
        let mut checked = req.clone();
        if let Some(cvr) = facts
            .assertion
            .cvr
            .as_deref()
            .and_then(|c| HeaderValue::from_str(c).ok())
        {
            checked.headers.insert(IDWS_CVR_HEADER, cvr);
        }
        Ok(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_has_its_template() {
        let cases = [
            (
                VerifyError::Missing("Header/Security".into()),
                "idws_token_missing",
            ),
            (
                VerifyError::Missing("Security/Assertion".into()),
                "idws_token_missing",
            ),
            (
                VerifyError::Missing("Security/Signature".into()),
                "idws_signature",
            ),
            (
                VerifyError::Expired {
                    what: "message's Timestamp",
                    at: "x".into(),
                },
                "idws_timestamp",
            ),
            (
                VerifyError::Expired {
                    what: "assertion",
                    at: "x".into(),
                },
                "idws_assertion_expired",
            ),
            (
                VerifyError::SignatureValue {
                    key: "issuer's (STS's) certificate",
                },
                "idws_assertion_untrusted",
            ),
            (
                VerifyError::SignatureValue {
                    key: "holder-of-key certificate in the assertion",
                },
                "idws_not_holder_of_key",
            ),
            (
                VerifyError::Digest {
                    id: "b".into(),
                    element: "Body".into(),
                },
                "idws_signature",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(template(&e), want, "{e}");
        }
    }
}
