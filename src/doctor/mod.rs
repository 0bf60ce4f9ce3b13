//! `sp-contract doctor`: "why can't I get through?", answered along KOMBIT's four
//! onboarding steps:
//!
//! 1. the it-system is connected with its certificate in the Administrationsmodul,
//! 2. a serviceaftale is requested for each service,
//! 3. the municipality has approved it,
//! 4. calls go through.
//!
//! Each [`Finding`] says where a step stands and what to do next. The checks, in order: the
//! certificate loads (PKCS#12 or PEM) and is within its validity; the target's host resolves
//! and the TLS handshake succeeds with that certificate ([`tls`] says why not); and for each
//! serviceaftale one harmless read call through the service's [`Probe`], whose answer
//! (data, or the platform's `ServiceplatformFault`) tells which step is missing.
//!
//! ## Adding a service
//!
//! Implement [`Probe`] for it (see [`sf1520::Sf1520Probe`], a dozen lines for a SOAP
//! service: build the request, hand it to [`ProbeCx::soap`]; [`sf1601::Sf1601Probe`] for a
//! REST service of the token model, through [`ProbeCx::rest`]) and add it to [`probes`]. The
//! service's [`SecurityModel`] (`ServiceInfo::security`) decides how the findings name the
//! serviceaftale. The call must only read: the doctor runs against production targets too.

pub mod tls;

use crate::client::token::{TokenError, TokenSession};
use crate::client::transport::{Clients, TransportError};
pub use crate::core::service::SecurityModel;
use crate::core::service::ServiceInfo;
use crate::core::soap::{self, Fault, InvocationContext, Reply};
use crate::error::ExitCode;
use crate::targets::config::{Target, DEFAULT_IDENTITY};
use crate::targets::pki::{CertInfo, IdentitySource};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Certificates closer than this to their end get a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// KOMBIT's onboarding steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Connected = 1,
    Requested = 2,
    Approved = 3,
    CallsGoThrough = 4,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Connected,
        Stage::Requested,
        Stage::Approved,
        Stage::CallsGoThrough,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Stage::Connected => {
                "The it-system is connected with its certificate (Administrationsmodul)"
            }
            Stage::Requested => "A serviceaftale is requested for each service",
            Stage::Approved => "The municipality has approved each serviceaftale",
            Stage::CallsGoThrough => "Calls go through",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    /// The step is not done; `Finding::exit` says which exit code it means.
    Fail,
    /// Not checked (an earlier check failed), or nothing to check.
    Info,
}

/// One line of the doctor's report.
#[derive(Debug, Clone)]
pub struct Finding {
    pub stage: Stage,
    pub level: Level,
    pub what: String,
    /// Facts under the line (subject, fingerprint, the platform's fault text, ...).
    pub details: Vec<String>,
    /// What to do next, in plain words.
    pub next: Option<String>,
    /// For `Level::Fail`: the exit code this finding means (see [`DoctorReport::exit_code`]).
    pub exit: ExitCode,
}

impl Finding {
    fn new(stage: Stage, level: Level, what: impl Into<String>) -> Finding {
        Finding {
            stage,
            level,
            what: crate::evidence::redact::text(&what.into()),
            details: Vec::new(),
            next: None,
            exit: ExitCode::Passed,
        }
    }
    fn ok(stage: Stage, what: impl Into<String>) -> Finding {
        Finding::new(stage, Level::Ok, what)
    }
    fn warn(stage: Stage, what: impl Into<String>) -> Finding {
        Finding::new(stage, Level::Warn, what)
    }
    fn info(stage: Stage, what: impl Into<String>) -> Finding {
        Finding::new(stage, Level::Info, what)
    }
    fn fail(stage: Stage, exit: ExitCode, what: impl Into<String>) -> Finding {
        let mut f = Finding::new(stage, Level::Fail, what);
        f.exit = exit;
        f
    }
    fn detail(mut self, d: impl Into<String>) -> Finding {
        self.details.push(crate::evidence::redact::text(&d.into()));
        self
    }
    fn next(mut self, n: impl Into<String>) -> Finding {
        self.next = Some(crate::evidence::redact::text(&n.into()));
        self
    }
}

#[derive(Debug, Clone)]
pub struct DoctorReport {
    pub target: String,
    pub base_url: String,
    pub production: bool,
    pub findings: Vec<Finding>,
}

impl DoctorReport {
    /// As for `run`: 2 (our side is wrong) wins over 1 (the platform answered no), which
    /// wins over 3 (could not get through); 0 when nothing failed.
    pub fn exit_code(&self) -> ExitCode {
        let codes: Vec<ExitCode> = self
            .findings
            .iter()
            .filter(|f| f.level == Level::Fail)
            .map(|f| f.exit)
            .collect();
        if codes.contains(&ExitCode::Usage) {
            ExitCode::Usage
        } else if codes.contains(&ExitCode::ContractFailed) {
            ExitCode::ContractFailed
        } else if codes.contains(&ExitCode::Unreachable) {
            ExitCode::Unreachable
        } else {
            ExitCode::Passed
        }
    }

    /// The report as text; `color` adds terminal colours to the marks.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, s: &str| {
            if color {
                format!("\u{1b}[{code}m{s}\u{1b}[0m")
            } else {
                s.to_string()
            }
        };
        let mut out = format!(
            "sp-contract doctor — target '{}' ({})\n",
            self.target, self.base_url
        );
        if self.production {
            out.push_str("Production target: the doctor only makes read calls.\n");
        }
        for stage in Stage::ALL {
            out.push_str(&format!(
                "\nStep {} of 4: {}\n",
                stage as u8,
                paint("1", stage.title())
            ));
            let here: Vec<&Finding> = self.findings.iter().filter(|f| f.stage == stage).collect();
            if here.is_empty() {
                out.push_str(&format!("  {} nothing to check\n", paint("2", "·")));
            }
            for f in here {
                let mark = match f.level {
                    Level::Ok => paint("32", "✔"),
                    Level::Warn => paint("33", "⚠"),
                    Level::Fail => paint("31", "✘"),
                    Level::Info => paint("2", "·"),
                };
                out.push_str(&format!("  {mark} {}\n", f.what));
                for d in &f.details {
                    for line in d.lines() {
                        out.push_str(&format!("      {line}\n"));
                    }
                }
                if let Some(n) = &f.next {
                    out.push_str(&format!("      → {n}\n"));
                }
            }
        }
        let code = self.exit_code();
        let summary = match code {
            ExitCode::Passed => {
                if self.findings.iter().any(|f| f.level == Level::Warn) {
                    "All steps are done, with warnings above.".to_string()
                } else {
                    "All steps are done: calls go through.".to_string()
                }
            }
            ExitCode::ContractFailed => {
                "The platform answered, and refused: an onboarding step is not done yet (see → above).".into()
            }
            ExitCode::Usage => "Something on our side must be fixed first (see → above).".into(),
            ExitCode::Unreachable => {
                "The target could not be reached, or refused the connection (see → above).".into()
            }
        };
        out.push_str(&format!("\n{summary} (exit code {})\n", code.code()));
        // The one exit of everything the doctor prints: findings quote what servers said.
        crate::evidence::redact::text(&out)
    }
}

// ---------------------------------------------------------------------------------------
// Probes

pub type ProbeFuture<'a> = Pin<Box<dyn Future<Output = Result<Answer, ProbeError>> + Send + 'a>>;

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
    }
}

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

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error(transparent)]
    Transport(#[from] TransportError),
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
        let mut headers = vec![("SOAPAction", format!("\"{action}\""))];
        headers.extend(self.mock_headers.iter().cloned());
        let http = self
            .clients
            .post(
                DEFAULT_IDENTITY,
                service.path,
                &headers,
                "text/xml; charset=utf-8",
                soap::envelope(payload),
            )
            .await?;
        Ok(match soap::parse_reply(&http.body) {
            Ok(Reply::Fault(f)) => Answer::Fault(f),
            Ok(Reply::Payload(p)) => Answer::Data {
                summary: summarise(&p),
                warning: None,
            },
            Ok(Reply::Empty) => Answer::Data {
                summary: format!("HTTP {} with an empty SOAP Body", http.status),
                warning: None,
            },
            Err(_) => unexpected(http.status, &http.body, "a SOAP answer"),
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
        method: reqwest::Method,
        path: &str,
        summarise: impl FnOnce(&crate::core::xml::Element) -> Answer,
    ) -> Result<Answer, ProbeError> {
        let mut session = TokenSession::default();
        let token = match session
            .token(
                &self.clients,
                DEFAULT_IDENTITY,
                entity_id,
                &self.mock_headers,
            )
            .await
        {
            Ok(t) => t,
            Err(TokenError::Refused {
                hop,
                status,
                content_type,
                body,
            }) => {
                // A refusal is the hop's JSON error; anything else from it is not its answer.
                return Ok(
                    match crate::client::rest::reply(status, content_type.as_deref(), &body) {
                        Ok(Reply::Fault(fault)) => Answer::Refused {
                            by: hop.name().to_string(),
                            status,
                            fault,
                        },
                        _ => unexpected(status, &body, "a token or the platform's JSON error"),
                    },
                );
            }
            Err(TokenError::Transport { source, .. }) => return Err(ProbeError::Transport(source)),
            Err(e @ TokenError::Malformed { .. }) => {
                return Err(ProbeError::Contract(e.to_string()))
            }
            Err(TokenError::Setup(m)) => return Err(ProbeError::Setup(m)),
        };
        let mut headers = crate::client::token::call_headers(&token, session.now());
        headers.extend(self.mock_headers.iter().cloned());
        let http = self
            .clients
            .request(DEFAULT_IDENTITY, method, path, &headers, None)
            .await?;
        Ok(rest_answer(
            service.id,
            http.status,
            http.content_type.as_deref(),
            &http.body,
            summarise,
        ))
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
        Err(_) => unexpected(status, body, "the contract's JSON or XML"),
    }
}

/// An answer that is not what the contract promises (`expected`), with its first bytes.
fn unexpected(status: u16, body: &[u8], expected: &'static str) -> Answer {
    Answer::Unexpected {
        status,
        snippet: crate::evidence::redact::snippet(body, 200)
            .trim()
            .to_string(),
        expected,
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

// ---------------------------------------------------------------------------------------
// The checks

/// Facts about the certificate, and whether it is valid `now`.
pub fn certificate_findings(
    source: &IdentitySource,
    info: &CertInfo,
    chain: &[CertInfo],
    now: OffsetDateTime,
) -> Vec<Finding> {
    let format = match source {
        IdentitySource::Pkcs12 { path, .. } => format!("PKCS#12 {}", path.display()),
        IdentitySource::Pem { cert, .. } => format!("PEM {}", cert.display()),
    };
    let mut chain_text = format!("issued by  {}", info.issuer);
    for c in chain {
        chain_text.push_str(&format!("\n         ← {} (in the file)", c.subject));
    }
    if chain.is_empty() {
        chain_text.push_str("\n           (the file holds no issuer certificates; the platform must know the issuer)");
    }
    let loaded = Finding::ok(
        Stage::Connected,
        format!("the certificate loads ({format})"),
    )
    .detail(format!("subject    {}", info.subject))
    .detail(format!("SHA-256    {}", info.sha256_fingerprint))
    .detail(chain_text);
    let days = (info.not_after - now).whole_days();
    let validity = format!(
        "valid {} to {}",
        crate::report::utc(info.not_before),
        crate::report::utc(info.not_after)
    );
    let renew = "renew the function certificate (MitID Erhverv), register the new one on the it-system in the Administrationsmodul, and point the target's certificate at it";
    let expiry = if now < info.not_before {
        Finding::fail(
            Stage::Connected,
            ExitCode::Usage,
            "the certificate is not valid yet",
        )
        .detail(validity)
        .next("wait until it becomes valid, or use the certificate that is valid now")
    } else if now > info.not_after {
        Finding::fail(
            Stage::Connected,
            ExitCode::Usage,
            format!(
                "the certificate has expired ({} day(s) ago)",
                (now - info.not_after).whole_days()
            ),
        )
        .detail(validity)
        .next(renew)
    } else if days < EXPIRY_WARNING_DAYS {
        Finding::warn(
            Stage::Connected,
            format!("the certificate expires in {days} day(s)"),
        )
        .detail(validity)
        .next(format!("{renew}, before it runs out"))
    } else {
        Finding::ok(
            Stage::Connected,
            format!("the certificate is valid for {days} more days"),
        )
        .detail(validity)
    };
    vec![loaded, expiry]
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
    let mut findings = Vec::new();

    // The certificate.
    let mut identity_ok = false;
    match target.identity(DEFAULT_IDENTITY) {
        Err(e) => findings.push(
            Finding::fail(Stage::Connected, ExitCode::Usage, "no certificate configured").detail(e),
        ),
        Ok(source) => match crate::targets::pki::load_identity(source) {
            Err(e) => findings.push(
                Finding::fail(
                    Stage::Connected,
                    ExitCode::Usage,
                    "the certificate cannot be loaded",
                )
                .detail(crate::error::chain(&e))
                .next(format!(
                    "check certificate = {{ ... }} under [targets.{}]: the file, its format (PKCS#12, or PEM certificate + key) and the environment variable named by password_env",
                    target.name
                )),
            ),
            Ok(id) => {
                identity_ok = true;
                let chain: Vec<CertInfo> = id
                    .chain
                    .iter()
                    .filter_map(|c| CertInfo::from_x509(c).ok())
                    .collect();
                findings.extend(certificate_findings(
                    source,
                    &id.info,
                    &chain,
                    OffsetDateTime::now_utc(),
                ));
                let t = target.clone();
                let hs = tokio::task::spawn_blocking(move || tls::check(&t, &id)).await;
                match hs {
                    Ok(Ok(info)) => {
                        findings.push(
                            Finding::ok(Stage::Connected, format!("{} resolves", info.host))
                                .detail(format!("to {}", info.addresses.join(", "))),
                        );
                        findings.push(
                            Finding::ok(
                                Stage::Connected,
                                format!(
                                    "the TLS handshake with {} succeeds with this certificate ({})",
                                    info.peer, info.protocol
                                ),
                            )
                            .detail(format!("server certificate {}", info.server_subject))
                            .detail(format!("issued by          {}", info.server_issuer)),
                        );
                    }
                    Ok(Err(problem)) => {
                        identity_ok = false;
                        if let Some(addrs) = problem.resolved() {
                            findings.push(
                                Finding::ok(Stage::Connected, format!("{} resolves", problem.host()))
                                    .detail(format!("to {addrs}")),
                            );
                        }
                        findings.push(
                            Finding::fail(Stage::Connected, ExitCode::Unreachable, problem.headline())
                                .detail(problem.to_string())
                                .next(problem.hint()),
                        );
                    }
                    Err(e) => {
                        identity_ok = false;
                        findings.push(Finding::fail(
                            Stage::Connected,
                            ExitCode::Unreachable,
                            format!("the TLS check stopped unexpectedly: {e}"),
                        ))
                    }
                }
            }
        },
    }

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
            mock_headers: if target.is_mock {
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
            let exit = if status == 200 || status == 500 {
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
            let exit = if e.is_unreachable() {
                ExitCode::Unreachable
            } else {
                ExitCode::Usage
            };
            return vec![Finding::fail(
                Stage::CallsGoThrough,
                exit,
                format!("{svc}: {call} got no answer from the service"),
            )
            .detail(e.to_string())];
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
        Access::AgreementPending => {
            out.push(known());
            out.push(explain(with(Finding::fail(
                Stage::Approved,
                ExitCode::ContractFailed,
                format!("{svc}: {the_agreement} is waiting for the municipality's approval"),
            )))
            .next(format!(
                "ask the municipality (CVR {cvr}) to approve it in the Administrationsmodul; nothing needs changing on your side"
            )));
        }
        Access::AgreementRejected => {
            out.push(known());
            out.push(explain(with(Finding::fail(
                Stage::Approved,
                ExitCode::ContractFailed,
                format!("{svc}: the municipality has rejected {the_agreement}"),
            )))
            .next(format!(
                "ask the municipality (CVR {cvr}) why, and request a new serviceaftale in the Administrationsmodul"
            )));
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
