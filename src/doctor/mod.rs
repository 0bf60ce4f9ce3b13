//! `sp-contract doctor`: "why can't I get through?", answered along KOMBIT's four
//! onboarding steps:
//!
//! 1. the it-system is connected with its certificate in the Administrationsmodul,
//! 2. a serviceaftale is requested for each service,
//! 3. the municipality has approved it,
//! 4. calls go through.
//!
//! Each [`Finding`] says where a step stands and what to do next. The checks, in order: the
//! certificate loads (PKCS#12 or PEM) and is within its validity ([`certificate`]); the
//! target's host resolves and the TLS handshake succeeds with that certificate ([`tls`]
//! says why not); and for each serviceaftale one harmless read call through the service's
//! [`Probe`], whose answer (data, or the platform's `ServiceplatformFault`) tells which step
//! is missing ([`classification`]). [`findings`] holds the report they make.
//!
//! ## Adding a service
//!
//! Implement [`Probe`] in the service's folder (`services/sf1520/probe.rs`, a dozen lines
//! for a SOAP service: build the request, hand it to [`ProbeCx::soap`];
//! `services/post/probe.rs` for a REST service of the token model, through
//! [`ProbeCx::rest`]) and return it from the folder's catalog entry (`probes`). The
//! service's [`SecurityModel`] (`ServiceInfo::security`) decides how the findings name the
//! serviceaftale. The call must only read: the doctor runs against production targets too.

pub mod certificate;
pub mod classification;
pub mod findings;
pub mod idws;
pub mod tls;

pub use certificate::{certificate_findings, EXPIRY_WARNING_DAYS};
pub use classification::{classify_fault, Access};
pub(crate) use classification::{judge, rest_answer};
pub use findings::{DoctorReport, Finding, Level, Stage};

use crate::client::call::SoapCallError;
use crate::client::token::{TokenError, TokenSession};
use crate::client::transport::{Clients, TransportError};
pub use crate::core::service::SecurityModel;
use crate::core::service::ServiceInfo;
use crate::core::soap::{Fault, InvocationContext, Reply};
use crate::error::ExitCode;
use crate::targets::config::DEFAULT_IDENTITY;
use crate::targets::target::Target;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

/// A probe's call in flight.
pub type ProbeFuture<'a> = Pin<Box<dyn Future<Output = Result<Answer, ProbeError>> + Send + 'a>>;

/// One harmless read call per service, to see whether its serviceaftale lets calls through.
pub trait Probe: Send + Sync {
    /// The service this probe checks.
    fn service(&self) -> &'static ServiceInfo;
    /// The call in plain words, e.g. `PersonLookup of the test citizen "far"`.
    fn describe(&self, target: &Target) -> String;
    /// Make the call with the target's serviceaftale for the service ([`ProbeCx::agreement`]).
    /// It must not change anything on the platform. A missing piece of configuration (e.g.
    /// no test citizen) is a [`ProbeError::Setup`].
    fn call<'a>(&'a self, cx: &'a ProbeCx) -> ProbeFuture<'a>;
}

/// What a probe's call got back.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The service answered with data: the call went through. `warning`: it went through,
    /// but something is off (e.g. the test citizen is not in the register).
    Data {
        summary: String,
        warning: Option<String>,
    },
    /// A SOAP fault; what it means is decided by [`classify_fault`].
    Fault(Fault),
    /// A REST refusal (the JSON error as a fault) from `by`: the STS, AccessTokenService or
    /// the service itself. Classified like a SOAP fault.
    Refused {
        by: String,
        status: u16,
        fault: Fault,
    },
    /// Not the service's answer: a gateway's error page, an empty or unreadable body.
    /// `expected`: what the contract promises ("a SOAP answer").
    Unexpected {
        status: u16,
        snippet: String,
        expected: &'static str,
    },
}

impl Answer {
    /// An answer that is not what the contract promises (`expected`), with its first bytes.
    pub(crate) fn unexpected(status: u16, body: &[u8], expected: &'static str) -> Answer {
        Answer::Unexpected {
            status,
            snippet: crate::evidence::redact::snippet(body, 200)
                .trim()
                .to_string(),
            expected,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// A token hop before the call (the OIO IDWS STS) gave no answer.
    #[error("{hop}: {source}")]
    Hop {
        hop: &'static str,
        #[source]
        source: TransportError,
    },
    /// The target lacks something the probe needs (exit 2).
    #[error("{0}")]
    Setup(String),
    /// The platform answered HTTP 200 with something the contract does not allow (a token
    /// hop's malformed reply): exit 1.
    #[error("{0}")]
    Contract(String),
}

/// What a probe gets to make its call.
pub struct ProbeCx {
    pub target: Arc<Target>,
    pub clients: Clients,
    /// The serviceaftale UUID under test.
    pub agreement: String,
    /// Headers only the embedded mock gets.
    mock_headers: Vec<(&'static str, String)>,
}

impl ProbeCx {
    /// The InvocationContext for a call to `service` under [`ProbeCx::agreement`].
    pub fn invocation_context(&self, service: &ServiceInfo) -> InvocationContext {
        InvocationContext {
            service_agreement_uuid: self.agreement.clone(),
            user_system_uuid: self.target.user_system_uuid.clone(),
            user_uuid: self.target.user_uuid.clone(),
            service_uuid: service.service_uuid.unwrap_or_default().to_string(),
            call_id: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// POST a SOAP 1.1 request (payload element, already serialised) with the target's own
    /// certificate, and sort the answer into data, fault or something else.
    pub async fn soap(
        &self,
        service: &ServiceInfo,
        action: &str,
        payload: &str,
        summarise: impl FnOnce(&crate::core::xml::Element) -> String,
    ) -> Result<Answer, ProbeError> {
        self.soap_with_header(service, action, None, payload, summarise)
            .await
    }

    /// [`ProbeCx::soap`] with a SOAP Header (a contract's own header element, serialised).
    pub async fn soap_with_header(
        &self,
        service: &ServiceInfo,
        action: &str,
        header: Option<&str>,
        payload: &str,
        summarise: impl FnOnce(&crate::core::xml::Element) -> String,
    ) -> Result<Answer, ProbeError> {
        let out = crate::client::call::soap(
            &self.clients,
            DEFAULT_IDENTITY,
            service,
            action,
            header,
            payload,
            &self.mock_headers,
        )
        .await;
        let out = match out {
            Ok(out) => out,
            Err(SoapCallError::Transport(e)) => return Err(ProbeError::Transport(e)),
            Err(SoapCallError::Idws(e)) => return idws::answer(e),
        };
        Ok(match out.reply {
            Ok(Reply::Fault(f)) => Answer::Fault(f),
            Ok(Reply::Payload(p)) => Answer::Data {
                summary: summarise(&p),
                warning: None,
            },
            Ok(Reply::Empty) => Answer::Data {
                summary: format!("HTTP {} with an empty SOAP Body", out.http_status),
                warning: None,
            },
            Err(_) => Answer::unexpected(out.http_status, &out.raw, "a SOAP answer"),
        })
    }

    /// Call a REST service of the token model with the target's own certificate: an access
    /// token for `entity_id` through the STS and AccessTokenService (a fresh one: the doctor
    /// keeps no cache), then `method path` with it. A hop that refuses is the answer
    /// ([`Answer::Refused`] naming the hop), as is the service's own refusal; `summarise`
    /// reads the service's data.
    pub async fn rest(
        &self,
        service: &ServiceInfo,
        entity_id: &str,
        method: http::Method,
        path: &str,
        summarise: impl FnOnce(&crate::core::xml::Element) -> Answer,
    ) -> Result<Answer, ProbeError> {
        use crate::client::call::{CallError, RestOutcome};
        // A fresh session: the doctor keeps no token cache.
        let mut session = TokenSession::default();
        let outcome = crate::client::call::rest(
            &self.clients,
            &mut session,
            DEFAULT_IDENTITY,
            entity_id,
            method,
            path,
            None,
            &self.mock_headers,
        )
        .await;
        Ok(match outcome {
            Ok(RestOutcome::Refused {
                hop,
                status,
                content_type,
                body,
            }) => {
                // A refusal is the hop's JSON error; anything else from it is not its answer.
                match crate::client::rest::reply(status, content_type.as_deref(), &body) {
                    Ok(Reply::Fault(fault)) => Answer::Refused {
                        by: hop.name().to_string(),
                        status,
                        fault,
                    },
                    _ => Answer::unexpected(status, &body, "a token or the platform's JSON error"),
                }
            }
            Ok(RestOutcome::Answered { http, .. }) => rest_answer(
                service.id,
                http.status,
                http.content_type.as_deref(),
                &http.body,
                summarise,
            ),
            Err(CallError::Token(TokenError::Transport { source, .. }))
            | Err(CallError::Transport(source)) => return Err(ProbeError::Transport(source)),
            Err(CallError::Token(e @ TokenError::Malformed { .. })) => {
                return Err(ProbeError::Contract(e.to_string()))
            }
            Err(CallError::Token(TokenError::Setup(m))) => return Err(ProbeError::Setup(m)),
            Err(CallError::Token(e)) => return Err(ProbeError::Setup(e.to_string())),
        })
    }
}

/// Run the doctor against a target that is already up (the embedded mock, started by the
/// caller, or a remote one). `services`: the services to check; None means every
/// serviceaftale the target configures.
/// `probes`: the services' read calls, from the catalog.
pub async fn diagnose(
    target: Arc<Target>,
    services: Option<Vec<String>>,
    probes: &[Box<dyn Probe>],
) -> DoctorReport {
    let (mut findings, identity_ok) = certificate::connection(&target).await;

    // The serviceaftaler.
    let wanted: Vec<String> = match services {
        Some(s) => s,
        None => target.agreements.keys().cloned().collect(),
    };
    if wanted.is_empty() {
        findings.push(
            Finding::fail(Stage::Requested, ExitCode::Usage, "no serviceaftale is configured")
                .next(format!(
                    "request a serviceaftale per service in the Administrationsmodul, then add its UUID under [targets.{}.agreements], e.g. SF1520 = \"<uuid>\"",
                    target.name
                )),
        );
    }
    for svc in &wanted {
        let Some(agreement) = target.agreements.get(&svc.to_ascii_uppercase()).cloned() else {
            findings.push(
                Finding::fail(
                    Stage::Requested,
                    ExitCode::Usage,
                    format!("{svc}: no serviceaftale configured"),
                )
                .next(format!(
                    "request the serviceaftale for {svc} in the Administrationsmodul, then add `{svc} = \"<uuid>\"` under [targets.{}.agreements]",
                    target.name
                )),
            );
            continue;
        };
        let Some(probe) = probes
            .iter()
            .find(|p| p.service().id.eq_ignore_ascii_case(svc))
        else {
            findings.push(
                Finding::info(
                    Stage::CallsGoThrough,
                    format!("{svc}: the doctor has no read call for this service yet"),
                )
                .detail(format!("serviceaftale {agreement}"))
                .next(format!(
                    "run its scenarios: sp-contract run --target {} --service {svc}",
                    target.name
                )),
            );
            continue;
        };
        if !identity_ok {
            findings.push(
                Finding::info(
                    Stage::CallsGoThrough,
                    format!("{svc}: not called, since the connection cannot be made (step 1)"),
                )
                .detail(format!("serviceaftale {agreement}")),
            );
            continue;
        }
        let cx = ProbeCx {
            target: target.clone(),
            clients: Clients::new(target.clone()),
            agreement: agreement.clone(),
            mock_headers: if target.kind() == crate::targets::target::TargetKind::EmbeddedMock {
                vec![(
                    crate::platform::SCENARIO_HEADER,
                    uuid::Uuid::new_v4().to_string(),
                )]
            } else {
                Vec::new()
            },
        };
        let t0 = Instant::now();
        let answer = probe.call(&cx).await;
        findings.extend(judge(
            &target,
            probe.as_ref(),
            &agreement,
            answer,
            t0.elapsed(),
        ));
    }
    DoctorReport {
        target: target.name.clone(),
        base_url: target.base_url.clone(),
        production: target.production,
        findings,
    }
}
