//! The OIO IDWS token flow in the doctor: a failed flow as a probe's answer (the STS's
//! refusal is the platform judging the call, like a fault), and what each refusal of the
//! service's token check means along KOMBIT's steps: the STS issues a token only for a
//! registered certificate and an approved serviceaftale (steps 1-3); the service then checks
//! the call's signature, the assertion and its timestamps (step 4, our side of the call).

use super::{Answer, ProbeError};
use crate::client::idws::{IdwsCallError, STS_HOP};
use crate::core::soap::{Fault, Reply};
use crate::error::{Classified, ExitCode};

/// A token flow that stopped before the service answered, as the probe's answer or error.
pub(super) fn answer(e: IdwsCallError) -> Result<Answer, ProbeError> {
    match e {
        // Refused, or something in front of the STS answered: judged as the services' answers.
        IdwsCallError::StsRefused { hop, .. } | IdwsCallError::StsNotSoap { hop, .. } => {
            let (status, raw) = (hop.reply.status, &hop.reply.body);
            Ok(match crate::core::soap::parse_reply(raw) {
                Ok(Reply::Fault(fault)) => Answer::Refused {
                    by: STS_HOP.to_string(),
                    status,
                    fault,
                },
                _ => Answer::unexpected(status, raw, "the STS's SOAP answer"),
            })
        }
        IdwsCallError::Transport { hop, source } if hop == STS_HOP => {
            Err(ProbeError::Hop { hop, source })
        }
        IdwsCallError::Transport { source, .. } => Err(ProbeError::Transport(source)),
        e if e.exit_code() == ExitCode::ContractFailed => Err(ProbeError::Contract(e.to_string())),
        e => Err(ProbeError::Setup(e.to_string())),
    }
}

/// What a service's token refusal means and what to do, by its error code (the mock's
/// `Idws…` codes in `mocks/faults.json`); `None` when the fault is not about the token.
pub fn explain(f: &Fault) -> Option<(&'static str, &'static str)> {
    let codes = f.codes();
    let code = codes.iter().find(|c| c.starts_with("Idws"))?;
    Some(match code.as_str() {
        "IdwsTokenMissing" => (
            "the call carried no OIO IDWS token (wsse:Security with the STS's assertion)",
            "the service is called directly with a token from the STS: check that the service is configured with the OIO IDWS model (SF1470 is) and that nothing between you and the service strips the SOAP header",
        ),
        "IdwsTimestampInvalid" => (
            "the call's wsu:Timestamp is expired or not yet valid",
            "check this machine's clock (NTP): the timestamp is valid for 5 minutes from its Created",
        ),
        "IdwsSignatureInvalid" => (
            "the call's signature does not verify: a signed part (Body, wsa headers, Timestamp, the assertion) was changed after signing",
            "something between you and the service rewrites the message (a proxy re-serialising XML, or a tool that reformats the assertion): send the signed bytes unchanged",
        ),
        "IdwsAudience" => (
            "the assertion is for another service (its Audience is not this service's entityID)",
            "ask the STS for a token with AppliesTo = this service's entityID",
        ),
        "IdwsAssertionNotTrusted" => (
            "the assertion is not signed by the STS the service trusts, or was altered",
            "use the assertion exactly as the STS issued it (byte for byte) from the STS of the same environment (idws_sts_url)",
        ),
        "IdwsAssertionExpired" => (
            "the assertion is expired or not yet valid",
            "get a new token from the STS (tokens live 8 hours); check this machine's clock",
        ),
        "IdwsNotHolderOfKey" => (
            "the call is signed with another key than the certificate the assertion was issued to (holder-of-key)",
            "sign the call with the same certificate that asked the STS for the token",
        ),
        _ => (
            "the service refused the call's OIO IDWS token",
            "read the service's text above",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::soap::FaultError;
    use crate::doctor::{classify_fault, Access};

    fn fault(code: &str) -> Fault {
        Fault {
            code: "soapenv:Client".into(),
            string: "refused".into(),
            errors: vec![FaultError {
                code: code.into(),
                text: "x".into(),
            }],
            detail: None,
        }
    }

    #[test]
    fn each_token_refusal_is_explained_on_step_four_and_others_are_not() {
        for code in [
            "IdwsTokenMissing",
            "IdwsTimestampInvalid",
            "IdwsSignatureInvalid",
            "IdwsAudience",
            "IdwsAssertionNotTrusted",
            "IdwsAssertionExpired",
            "IdwsNotHolderOfKey",
        ] {
            let (what, next) = explain(&fault(code)).expect(code);
            assert!(!what.is_empty() && !next.is_empty());
            assert!(
                matches!(classify_fault(&fault(code)), Access::Token(..)),
                "{code}"
            );
        }
        assert_eq!(explain(&fault("ServiceAgreementNotFound")), None);
        // The STS's refusals are the onboarding steps 1-3, as the platform's faults are.
        assert_eq!(
            classify_fault(&fault("NoServiceAgreement")),
            Access::AgreementNotFound
        );
        assert_eq!(
            classify_fault(&fault("CertificateNotRegistered")),
            Access::CertificateNotRegistered
        );
    }

    #[test]
    fn an_sts_refusal_is_the_sts_answering_and_setup_errors_are_ours() {
        let raw = br#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text>no agreement</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>"#;
        let hop = crate::client::exchange::HopExchange {
            name: STS_HOP,
            wire: crate::client::exchange::Wire::absolute("POST", "https://sts", &[], None),
            sent: String::new(),
            reply: crate::client::transport::HttpReply {
                status: 500,
                content_type: None,
                body: raw.to_vec(),
                elapsed: std::time::Duration::ZERO,
            },
        };
        let refused = IdwsCallError::StsRefused {
            reason: "no agreement".into(),
            hop: Box::new(hop),
        };
        assert!(matches!(
            answer(refused),
            Ok(Answer::Refused { ref by, status: 500, .. }) if by == STS_HOP
        ));
        assert!(matches!(
            answer(IdwsCallError::Setup("no authority_cvr".into())),
            Err(ProbeError::Setup(_))
        ));
    }
}
