//! Judging an answer: a probe's call placed on the onboarding steps. Data means every step
//! is done; a platform fault ([`classify_fault`]) says which step is missing; anything else
//! (a gateway's page, no answer) is not the platform judging the call, and says so.

use super::findings::{Finding, Stage};
use super::{Answer, Probe, ProbeError};
use crate::core::service::SecurityModel;
use crate::core::soap::{Fault, Reply};
use crate::error::ExitCode;
use crate::targets::target::Target;
use std::time::Duration;

/// How the platform finds the serviceaftale, for the findings; None when the call names it.
fn finds_agreement(model: SecurityModel) -> Option<&'static str> {
    match model {
        SecurityModel::Invocation => None,
        SecurityModel::Authority => Some(
            "AuthorityContext: the platform finds the serviceaftale from the certificate's it-system and the authority's CVR",
        ),
        SecurityModel::Token => Some(
            "token model: the STS finds the serviceaftale from the certificate's it-system and the authority's CVR",
        ),
        SecurityModel::Idws(_) => Some(
            "OIO IDWS: the STS finds the serviceaftale from the certificate's it-system and the authority's CVR, and the service checks the token it issued",
        ),
    }
}

/// A REST answer from `by` (a token hop or the service) as a probe's answer.
pub(crate) fn rest_answer(
    by: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    summarise: impl FnOnce(&crate::core::xml::Element) -> Answer,
) -> Answer {
    match crate::client::rest::reply(status, content_type, body) {
        Ok(Reply::Payload(p)) => summarise(&p),
        Ok(Reply::Empty) => Answer::Data {
            summary: format!("{by} answered HTTP {status} with an empty body"),
            warning: None,
        },
        Ok(Reply::Fault(fault)) => Answer::Refused {
            by: by.to_string(),
            status,
            fault,
        },
        Err(_) => Answer::unexpected(status, body, "the contract's JSON or XML"),
    }
}

/// What a platform fault says about onboarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The certificate is not registered on the it-system (step 1).
    CertificateNotRegistered,
    /// The platform knows no such serviceaftale, or it is not for this service and system
    /// (step 2).
    AgreementNotFound,
    /// The serviceaftale exists and awaits the municipality's approval (step 3).
    AgreementPending,
    /// The municipality rejected it (step 3).
    AgreementRejected,
    /// The service refused the call's OIO IDWS token (step 4): what is wrong, and what to do.
    Token(&'static str, &'static str),
    /// Some other refusal; its text is shown as it is.
    Other,
}

/// Sort a fault by its `ServiceplatformFault` ErrorCode, or a REST error by its `errorCode`
/// (the mock's codes are in `mocks/faults.json` and `mocks/post/faults.json`), and failing
/// that by its text in English or Danish, since the real platform's codes for these cases
/// are not public.
pub fn classify_fault(f: &Fault) -> Access {
    let codes = f.codes();
    let has = |c: &str| codes.iter().any(|x| x.eq_ignore_ascii_case(c));
    let text = f.texts().join(" ").to_lowercase();
    let rejected = text.contains("rejected") || text.contains("afvist");
    if has("CertificateNotRegistered") {
        return Access::CertificateNotRegistered;
    }
    if let Some((what, next)) = super::idws::explain(f) {
        return Access::Token(what, next);
    }
    // NoServiceAgreement: the mock's STS, when no serviceaftale covers the token request.
    if has("ServiceAgreementNotFound")
        || has("ServiceAgreementMismatch")
        || has("NoServiceAgreement")
    {
        return Access::AgreementNotFound;
    }
    if has("ServiceAgreementNotApproved") {
        return if rejected {
            Access::AgreementRejected
        } else {
            Access::AgreementPending
        };
    }
    let cert = text.contains("certificate") || text.contains("certifikat");
    let agreement = text.contains("agreement") || text.contains("serviceaftale");
    if cert && (text.contains("not registered") || text.contains("ikke registreret")) {
        Access::CertificateNotRegistered
    } else if agreement
        && (text.contains("not approved")
            || text.contains("ikke godkendt")
            || text.contains("pending")
            || text.contains("afventer"))
    {
        if rejected {
            Access::AgreementRejected
        } else {
            Access::AgreementPending
        }
    } else if agreement
        && (text.contains("not found")
            || text.contains("does not exist")
            || text.contains("unknown")
            || text.contains("findes ikke")
            || text.contains("ukendt"))
        || text.contains("no service agreement")
        || text.contains("no serviceaftale")
        || text.contains("ingen serviceaftale")
    {
        Access::AgreementNotFound
    } else {
        Access::Other
    }
}

/// A call that got no answer: 3 when the other side was not reached, 2 when ours is wrong
/// (a certificate that does not load).
fn no_answer(e: &crate::client::transport::TransportError, what: String) -> Finding {
    let exit = if e.is_unreachable() {
        ExitCode::Unreachable
    } else {
        ExitCode::Usage
    };
    Finding::fail(Stage::CallsGoThrough, exit, what).detail(e.to_string())
}

/// Place one probe's answer on the steps.
pub(crate) fn judge(
    target: &Target,
    probe: &dyn Probe,
    agreement: &str,
    answer: Result<Answer, ProbeError>,
    took: Duration,
) -> Vec<Finding> {
    let svc = probe.service().id;
    let call = probe.describe(target);
    let cvr = target
        .authority_cvr
        .as_deref()
        .unwrap_or("(authority_cvr not configured)");
    // The serviceaftale by the UUID the call names, or, where the platform finds it from the
    // certificate and the CVR, by it-system and authority (the configured UUID is not sent).
    let how = finds_agreement(probe.service().security)
        .map(|how| format!("{how}; the configured {agreement} is not sent"));
    let the_agreement = match how {
        None => format!("serviceaftale {agreement}"),
        Some(_) => format!("the serviceaftale for the it-system with CVR {cvr}"),
    };
    let explain = |f: Finding| match &how {
        Some(h) => f.detail(h.clone()),
        None => f,
    };
    let known = || {
        Finding::ok(
            Stage::Requested,
            format!("{svc}: the platform knows {the_agreement}"),
        )
    };
    let fault_details = |f: &Fault| -> Vec<String> {
        let mut d = Vec::new();
        for e in &f.errors {
            d.push(format!("{}: {}", e.code, e.text));
        }
        if d.is_empty() {
            d.push(f.summary());
        }
        if let Some(call) = f
            .string
            .lines()
            .find(|l| l.trim_start().starts_with("CallUUID"))
        {
            d.push(call.trim().to_string());
        }
        // A REST error names the transaction instead (x-TransaktionsId).
        if let Some(tx) = f
            .detail
            .as_ref()
            .and_then(|d| d.child("TransaktionsId"))
            .map(|e| e.text())
            .filter(|t| !t.is_empty())
        {
            d.push(format!("TransaktionsId: {tx}"));
        }
        d
    };
    let refusal = match answer {
        Ok(Answer::Data { summary, warning }) => {
            let mut go = match &warning {
                None => Finding::ok(Stage::CallsGoThrough, format!("{svc}: {call} went through")),
                Some(w) => Finding::warn(
                    Stage::CallsGoThrough,
                    format!("{svc}: {call} went through, but {w}"),
                ),
            };
            go = go.detail(format!("{summary} ({} ms)", took.as_millis()));
            return vec![
                Finding::ok(
                    Stage::Connected,
                    format!("{svc}: the platform accepts the certificate for the it-system"),
                ),
                known(),
                explain(Finding::ok(
                    Stage::Approved,
                    format!("{svc}: {the_agreement} is approved"),
                )),
                go,
            ];
        }
        Ok(Answer::Fault(f)) => (None, f),
        Ok(Answer::Refused { by, status, fault }) => (Some((by, status)), fault),
        Ok(Answer::Unexpected {
            status,
            snippet,
            expected,
        }) => {
            // A gateway's page is not the service judging the call (as for `run`).
            let exit = if crate::core::soap::is_service_status(status) {
                ExitCode::ContractFailed
            } else {
                ExitCode::Unreachable
            };
            return vec![Finding::fail(
                Stage::CallsGoThrough,
                exit,
                format!("{svc}: {call} got HTTP {status}, not {expected}"),
            )
            .detail(format!("first bytes: {snippet:?}"))
            .next("check base_url (the service path is appended to it) and whether a proxy or gateway stands between you and the platform")];
        }
        Err(ProbeError::Transport(e)) => {
            return vec![no_answer(
                &e,
                format!("{svc}: {call} got no answer from the service"),
            )]
        }
        Err(ProbeError::Hop { hop, source: e }) => {
            let what = format!(
                "{svc}: {call} got no token: the {hop} (the hop before the service) gave no answer"
            );
            return vec![no_answer(&e, what).next(format!(
                "check idws_sts_url under [targets.{}] (or its default for this base_url, see `run --dry-run`) and that the {hop} is reachable from here",
                target.name
            ))];
        }
        Err(ProbeError::Setup(m)) => {
            return vec![Finding::fail(
                Stage::CallsGoThrough,
                ExitCode::Usage,
                format!("{svc}: the read call cannot be made"),
            )
            .next(m)]
        }
        Err(ProbeError::Contract(m)) => {
            return vec![Finding::fail(
                Stage::CallsGoThrough,
                ExitCode::ContractFailed,
                format!("{svc}: {call} got an answer that breaks the contract"),
            )
            .detail(m)
            .next("read the reason above; if the platform's answer is really so, contact Serviceplatformen Helpdesk")];
        }
    };

    // The platform answered and refused: which step is missing.
    let (by, f) = refusal;
    let mut details = Vec::new();
    if let Some((by, status)) = &by {
        details.push(format!("refused by {by} (HTTP {status})"));
    }
    details.extend(fault_details(&f));
    let with = |mut finding: Finding| {
        for d in &details {
            finding = finding.detail(d.clone());
        }
        finding
    };
    let mut out = Vec::new();
    match classify_fault(&f) {
        Access::CertificateNotRegistered => {
            out.push(with(Finding::fail(
                Stage::Connected,
                ExitCode::ContractFailed,
                format!("{svc}: the platform says the certificate is not registered on the it-system"),
            ))
            .next(format!(
                "register the certificate (its SHA-256 is shown above) on the it-system {} in the Administrationsmodul",
                target.user_system_uuid
            )));
        }
        Access::AgreementNotFound => {
            let finding = match &how {
                None => with(Finding::fail(
                    Stage::Requested,
                    ExitCode::ContractFailed,
                    format!("{svc}: the platform has no serviceaftale {agreement} for this service and it-system"),
                ))
                .next(format!(
                    "check the UUID under [targets.{}.agreements] against the Administrationsmodul, or request a serviceaftale for {svc} there",
                    target.name
                )),
                Some(_) => explain(with(Finding::fail(
                    Stage::Requested,
                    ExitCode::ContractFailed,
                    format!("{svc}: the platform has no serviceaftale for {svc} between the it-system and the authority with CVR {cvr}"),
                )))
                .next(format!(
                    "request a serviceaftale for {svc} for the it-system {} in the Administrationsmodul, for the municipality with CVR {cvr} (authority_cvr under [targets.{}]), and have the municipality approve it",
                    target.user_system_uuid, target.name
                )),
            };
            out.push(finding);
        }
        access @ (Access::AgreementPending | Access::AgreementRejected) => {
            let (what, next) = if access == Access::AgreementPending {
                (
                    format!("{svc}: {the_agreement} is waiting for the municipality's approval"),
                    format!("ask the municipality (CVR {cvr}) to approve it in the Administrationsmodul; nothing needs changing on your side"),
                )
            } else {
                (
                    format!("{svc}: the municipality has rejected {the_agreement}"),
                    format!("ask the municipality (CVR {cvr}) why, and request a new serviceaftale in the Administrationsmodul"),
                )
            };
            out.push(known());
            out.push(
                explain(with(Finding::fail(
                    Stage::Approved,
                    ExitCode::ContractFailed,
                    what,
                )))
                .next(next),
            );
        }
        Access::Token(what, next) => {
            out.push(known());
            out.push(explain(Finding::ok(
                Stage::Approved,
                format!("{svc}: the STS issued a token, so {the_agreement} is approved"),
            )));
            out.push(
                with(Finding::fail(
                    Stage::CallsGoThrough,
                    ExitCode::ContractFailed,
                    format!("{svc}: the service refused {call}: {what}"),
                ))
                .next(next),
            );
        }
        Access::Other => {
            let who = match &by {
                Some((by, _)) if by != svc => format!("the {by}"),
                _ => "the platform".to_string(),
            };
            out.push(with(Finding::fail(
                Stage::CallsGoThrough,
                ExitCode::ContractFailed,
                format!("{svc}: {who} refused {call}"),
            ))
            .next("read the platform's text above; if it is unclear, contact Serviceplatformen Helpdesk with its CallUUID or TransaktionsId"));
        }
    }
    out
}
