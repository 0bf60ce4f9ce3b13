//! Per-run and per-scenario state the steps work on.

use crate::client::transport::{Clients, TransportError};
use crate::core::service::ServiceInfo;
use crate::core::soap::{Fault, InvocationContext, Reply};
use crate::core::xml::Element;
use crate::evidence::snapshot::SnapshotStore;
use crate::runner::model::{FailureKind, StepFailure};
use crate::targets::config::DEFAULT_IDENTITY;
use crate::targets::target::Target;
use std::collections::HashMap;
use std::sync::Arc;

/// Sees every exchange in full (unredacted), except the OIO IDWS testkald (its Body is
/// sp-contract's own, no contract message). For tests that validate messages against the
/// official XSDs; never used by the CLI, so nothing here reaches disk or screen.
pub type Observer = dyn Fn(&str, &str, &[u8]) + Send + Sync;

/// What all scenarios of one run share.
pub struct RunCtx {
    pub target: Arc<Target>,
    /// The services steps may name (from the catalog).
    pub known: crate::core::service::Known,
    /// The embedded mock's data and state, when the target is the embedded mock: lets
    /// Givet-steps set up platform configuration for their scenario.
    pub mock: Option<Arc<crate::platform::data::Platform>>,
    pub clients: Clients,
    pub snapshots: SnapshotStore,
    pub observer: Option<Arc<Observer>>,
    /// `run --trace DIR`: every exchange written there, masked.
    pub trace: Option<Arc<crate::evidence::trace::Trace>>,
}

/// Which serviceaftale a scenario calls with.
#[derive(Debug, Clone)]
pub enum AgreementChoice {
    /// The target's approved agreement for the service (the default).
    Approved,
    /// A named agreement from the target's data (`afventende`).
    Named(String),
    /// A UUID no platform knows.
    Unknown(String),
}

#[derive(Debug, Clone)]
pub enum Last {
    Reply {
        service: &'static str,
        http_status: u16,
        reply: Reply,
        raw: Vec<u8>,
    },
    /// The call was refused by our own checks before anything was sent, and the scenario
    /// asserts that (see [`World::refuse`]).
    RefusedLocally { reason: String },
    /// The target (or a token hop) ended the TLS handshake over our client certificate, and
    /// the scenario asserts that (see [`World::transport_failed`]).
    HandshakeRefused { reason: String },
}

pub struct World {
    pub ctx: Arc<RunCtx>,
    /// Unique per scenario run; sent to the embedded mock so its state is per scenario.
    pub scenario_id: String,
    pub feature_stem: String,
    pub feature_rel: String,
    pub scenario: String,
    pub agreements: HashMap<&'static str, AgreementChoice>,
    pub send_context: bool,
    pub identity: String,
    pub last: Option<Last>,
    pub snapshots_taken: usize,
    /// Token model state (cache, clock, counters) for REST services.
    pub tokens: crate::client::token::TokenSession,
    /// Per-scenario data of the service step modules, see [`Extensions`].
    pub ext: Extensions,
    /// The authority calls are made on behalf of (AuthorityContext), when a step chose one
    /// other than the target's `authority_cvr`.
    pub authority_override: Option<String>,
    /// A later step of the scenario asserts a refusal before sending
    /// (`kaldet blev afvist før afsendelse …`); set by the runner before each step.
    pub refusal_expected: bool,
    /// A later step asserts that the target refused the TLS handshake; set by the runner.
    pub handshake_refusal_expected: bool,
}

/// One SOAP exchange: what [`World::exchange_soap`] returns.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub http_status: u16,
    pub reply: Reply,
    pub raw: Vec<u8>,
}

/// Per-scenario data a step module keeps for itself (cases being built, the sortiment a system
/// posts under), keyed by type, so each module owns its own without fields here.
#[derive(Default)]
pub struct Extensions(HashMap<std::any::TypeId, Box<dyn std::any::Any + Send + Sync>>);

impl Extensions {
    /// The module's data, created empty on first use.
    pub fn get_mut<T: Default + Send + Sync + 'static>(&mut self) -> &mut T {
        self.0
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut::<T>()
            .unwrap_or_else(|| unreachable!("keyed by its own TypeId"))
    }

    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0
            .get(&std::any::TypeId::of::<T>())
            .and_then(|b| b.downcast_ref::<T>())
    }
}

pub fn contract(message: impl Into<String>) -> StepFailure {
    StepFailure {
        kind: FailureKind::Contract,
        message: crate::evidence::redact::text(&message.into()),
        diff: None,
    }
}

pub fn input(message: impl Into<String>) -> StepFailure {
    StepFailure {
        kind: FailureKind::Input,
        message: crate::evidence::redact::text(&message.into()),
        diff: None,
    }
}

/// A SOAP call without an answer from the service: a transport failure, or the OIO IDWS
/// token flow's (its exit class says whose: ours 2, the STS's refusal 3, a broken STS 1).
pub fn soap_failure(e: &crate::client::call::SoapCallError) -> StepFailure {
    use crate::error::{Classified, ExitCode};
    match e {
        crate::client::call::SoapCallError::Transport(t) => transport(t),
        e => StepFailure {
            kind: match e.exit_code() {
                ExitCode::ContractFailed => FailureKind::Contract,
                ExitCode::Unreachable => FailureKind::Transport,
                _ => FailureKind::Input,
            },
            message: crate::evidence::redact::text(&e.to_string()),
            diff: None,
        },
    }
}

pub fn transport(e: &TransportError) -> StepFailure {
    StepFailure {
        kind: if e.is_unreachable() {
            FailureKind::Transport
        } else {
            FailureKind::Input
        },
        message: crate::evidence::redact::text(&e.to_string()),
        diff: None,
    }
}

impl World {
    pub fn new(ctx: Arc<RunCtx>, feature_rel: &str, feature_stem: &str, scenario: &str) -> World {
        World {
            ctx,
            scenario_id: uuid::Uuid::new_v4().to_string(),
            feature_stem: feature_stem.to_string(),
            feature_rel: feature_rel.to_string(),
            scenario: scenario.to_string(),
            agreements: HashMap::new(),
            send_context: true,
            identity: DEFAULT_IDENTITY.to_string(),
            last: None,
            snapshots_taken: 0,
            tokens: Default::default(),
            ext: Extensions::default(),
            authority_override: None,
            refusal_expected: false,
            handshake_refusal_expected: false,
        }
    }

    /// A call failed on the way. A handshake the target ended over our client certificate
    /// becomes the answer when a later step asserts it; anything else fails the step (not
    /// reached: exit 3; our own set-up: exit 2).
    pub fn transport_failed(&mut self, hop: &str, e: &TransportError) -> Result<(), StepFailure> {
        let mut f = transport(e);
        if !hop.is_empty() {
            f.message = format!("{hop}: {}", f.message);
        }
        if self.handshake_refusal_expected && e.refused_client_certificate() {
            self.last = Some(Last::HandshakeRefused { reason: f.message });
            return Ok(());
        }
        Err(f)
    }

    /// Our own checks refused the call before sending. When the scenario asserts that
    /// refusal, it becomes the answer its Så-step checks; otherwise the step fails as an
    /// input error (exit 2): nothing was sent, so there is no contract to judge, and the
    /// feature (or the target's data) has to be fixed.
    pub fn refuse(&mut self, reason: impl Into<String>) -> Result<(), StepFailure> {
        let reason = crate::evidence::redact::text(&reason.into());
        if self.refusal_expected {
            self.last = Some(Last::RefusedLocally { reason });
            return Ok(());
        }
        Err(input(format!(
            "not sent: input error: {}. Fix the value in the step; to test this refusal on purpose, follow the step with 'Så kaldet blev afvist før afsendelse med beskeden \"…\"'",
            reason.trim_end_matches('.')
        )))
    }

    /// A citizen alias's CPR number on this target; an unknown alias or a number that is not
    /// a CPR number (the example config's placeholder) fails as an input error before sending.
    pub fn citizen(&self, alias: &str) -> Result<String, StepFailure> {
        self.target()
            .citizen(alias)
            .map(str::to_string)
            .map_err(|e| input(format!("not sent: input error: {e}")))
    }

    /// The text with every `{{cpr:alias}}` replaced by the citizen's CPR number on this
    /// target, so expected values name citizens the same way on every target.
    pub fn expand_aliases(&self, text: &str) -> Result<String, StepFailure> {
        fill_cpr_aliases(self.target(), text).map_err(|e| input(format!("input error: {e}")))
    }

    /// The authority calls are made on behalf of: a step's choice, else the target's
    /// `authority_cvr`.
    pub fn authority_cvr(&self) -> Result<String, StepFailure> {
        if let Some(cvr) = &self.authority_override {
            return Ok(cvr.clone());
        }
        let t = self.target();
        t.authority_cvr.clone().ok_or_else(|| {
            input(format!(
                "target '{}' has no authority_cvr; calls on behalf of a municipality (AuthorityContext) need it: add authority_cvr = \"<8-digit CVR>\" under [targets.{}]",
                t.name, t.name
            ))
        })
    }

    pub fn target(&self) -> &Target {
        &self.ctx.target
    }

    /// The InvocationContext for a call to `service`, or None when the scenario sends none.
    pub fn invocation_context(
        &self,
        service: &ServiceInfo,
    ) -> Result<Option<InvocationContext>, StepFailure> {
        if !self.send_context {
            return Ok(None);
        }
        let t = self.target();
        let agreement = match self
            .agreements
            .get(service.id)
            .cloned()
            .unwrap_or(AgreementChoice::Approved)
        {
            AgreementChoice::Approved => t.agreement_for(service.id).map_err(input)?.to_string(),
            AgreementChoice::Named(n) => t
                .agreement_alias(service.id, &n)
                .map_err(input)?
                .to_string(),
            AgreementChoice::Unknown(u) => u,
        };
        Ok(Some(InvocationContext {
            service_agreement_uuid: agreement,
            user_system_uuid: t.user_system_uuid.clone(),
            user_uuid: t.user_uuid.clone(),
            service_uuid: service.service_uuid.unwrap_or_default().to_string(),
            call_id: uuid::Uuid::new_v4().to_string(),
        }))
    }

    /// Send a SOAP call and keep the answer for the Så-steps. Transport problems fail the
    /// step as such (exit 3); an answer that is not SOAP fails it as a contract breach.
    pub async fn call_soap(
        &mut self,
        service: &'static ServiceInfo,
        action: &str,
        payload: &str,
    ) -> Result<(), StepFailure> {
        self.call_soap_with_header(service, action, None, payload)
            .await
    }

    /// [`World::call_soap`] with a SOAP Header (a contract's own header element, serialised).
    pub async fn call_soap_with_header(
        &mut self,
        service: &'static ServiceInfo,
        action: &str,
        header: Option<&str>,
        payload: &str,
    ) -> Result<(), StepFailure> {
        let ex = match self.send_soap(service, action, header, payload).await? {
            Ok(ex) => ex,
            Err(e) => return self.transport_failed("", &e),
        };
        self.last = Some(Last::Reply {
            service: service.id,
            http_status: ex.http_status,
            reply: ex.reply,
            raw: ex.raw,
        });
        Ok(())
    }

    /// Send a SOAP call and return the answer without keeping it: for read calls a step
    /// makes on the side (verifying a precondition), which must not become "the answer".
    pub async fn exchange_soap(
        &self,
        service: &'static ServiceInfo,
        action: &str,
        payload: &str,
    ) -> Result<Exchange, StepFailure> {
        self.send_soap(service, action, None, payload)
            .await?
            .map_err(|e| transport(&e))
    }

    /// A SOAP exchange; the outer error is an answer that is not SOAP, the inner one a
    /// call that did not get through.
    async fn send_soap(
        &self,
        service: &'static ServiceInfo,
        action: &str,
        header: Option<&str>,
        payload: &str,
    ) -> Result<Result<Exchange, TransportError>, StepFailure> {
        let extra: Vec<(&str, String)> = self.mock_headers().into_iter().collect();
        let out = match crate::client::call::soap(
            &self.ctx.clients,
            &self.identity,
            service,
            action,
            header,
            payload,
            &extra,
        )
        .await
        {
            Ok(out) => out,
            // A refused handshake may be what the scenario expects: the caller decides.
            Err(crate::client::call::SoapCallError::Transport(e)) => return Ok(Err(e)),
            Err(e) => {
                // A hop that answered (the STS's refusal) is traced all the same.
                if let Some(hop) = e.hop() {
                    self.trace_hop(hop);
                }
                return Err(soap_failure(&e));
            }
        };
        self.received(service, action, out, true).map(Ok)
    }

    /// A SOAP outcome as the steps see it: observed (unless `observe` is false: a message
    /// that is no contract message, the OIO IDWS testkald), traced (its token hops first) and
    /// read.
    pub fn received(
        &self,
        service: &'static ServiceInfo,
        action: &str,
        out: crate::client::exchange::SoapOutcome,
        observe: bool,
    ) -> Result<Exchange, StepFailure> {
        if let Some(obs) = self.ctx.observer.as_ref().filter(|_| observe) {
            obs(service.id, &out.sent, &out.raw);
        }
        for hop in &out.hops {
            self.trace_hop(hop);
        }
        self.trace(&crate::evidence::trace::Exchange {
            service: service.id,
            action,
            method: &out.wire.method,
            url: &out.wire.url,
            headers: &out.wire.headers,
            body: &out.sent,
            status: out.http_status,
            content_type: out.content_type.as_deref(),
            answer: &out.raw,
        });
        let reply = match out.reply {
            Ok(r) => r,
            Err(e) => {
                let snippet = crate::evidence::redact::snippet(&out.raw, 300);
                let msg = format!(
                    "{} answered HTTP {} with a body that is not a SOAP response: {e}. First bytes: {snippet:?}",
                    service.id, out.http_status
                );
                // A proxy or gateway error page is not the service judging our call.
                return Err(if crate::core::soap::is_service_status(out.http_status) {
                    contract(msg)
                } else {
                    StepFailure {
                        kind: FailureKind::Transport,
                        message: msg,
                        diff: None,
                    }
                });
            }
        };
        Ok(Exchange {
            http_status: out.http_status,
            reply,
            raw: out.raw,
        })
    }

    /// Write a token hop (the OIO IDWS STS) to the run's trace folder, if it has one.
    pub fn trace_hop(&self, hop: &crate::client::exchange::HopExchange) {
        self.trace(&crate::evidence::trace::Exchange {
            service: hop.name,
            action: "",
            method: &hop.wire.method,
            url: &hop.wire.url,
            headers: &hop.wire.headers,
            body: &hop.sent,
            status: hop.reply.status,
            content_type: hop.reply.content_type.as_deref(),
            answer: &hop.reply.body,
        });
    }

    /// Write the exchange to the run's trace folder, if it has one.
    fn trace(&self, exchange: &crate::evidence::trace::Exchange<'_>) {
        if let Some(t) = &self.ctx.trace {
            t.record(&self.feature_rel, &self.scenario, exchange);
        }
    }

    /// GET one of the paths only sp-contract's mock serves (what it shows of its simulated
    /// parts: status messages, receiving systems) on the target: the body, or the HTTP status
    /// of a target that does not serve it.
    pub async fn mock_only_get(&self, path: &str) -> Result<Result<String, u16>, StepFailure> {
        let http = self
            .ctx
            .clients
            .request(&self.identity, http::Method::GET, path, &[], None)
            .await
            .map_err(|e| transport(&e))?;
        if http.status != 200 {
            return Ok(Err(http.status));
        }
        Ok(Ok(String::from_utf8_lossy(&http.body).into_owned()))
    }

    /// Headers only the embedded mock gets: the scenario id for its per-scenario state.
    pub fn mock_headers(&self) -> Option<(&'static str, String)> {
        self.ctx
            .mock
            .as_ref()
            .map(|_| (crate::platform::SCENARIO_HEADER, self.scenario_id.clone()))
    }

    fn last(&self) -> Result<&Last, StepFailure> {
        self.last.as_ref().ok_or_else(|| {
            input("no call has been made yet in this scenario: put a Når-step before this Så-step")
        })
    }

    /// The successful answer's payload, or a contract failure naming the fault.
    pub fn payload(&self) -> Result<&Element, StepFailure> {
        match self.last()? {
            Last::Reply {
                reply: Reply::Payload(p),
                ..
            } => Ok(p),
            Last::Reply {
                reply: Reply::Fault(f),
                service,
                ..
            } => Err(contract(format!(
                "{service} answered with {}, not data: {}",
                self.fault_word(service),
                f.summary()
            ))),
            Last::Reply {
                reply: Reply::Empty,
                service,
                ..
            } => Err(contract(format!(
                "{service} answered with an empty SOAP Body"
            ))),
            Last::RefusedLocally { reason } => Err(input(format!(
                "not sent: input error: the call was refused before sending ({reason}), so there is no answer to read; this scenario asserts the refusal, so it cannot also check an answer"
            ))),
            Last::HandshakeRefused { .. } => Err(no_answer_after_handshake()),
        }
    }

    pub fn fault(&self) -> Result<&Fault, StepFailure> {
        match self.last()? {
            Last::Reply { reply: Reply::Fault(f), .. } => Ok(f),
            Last::Reply { service, http_status, .. } => Err(contract(format!(
                "expected {}, but {service} answered successfully (HTTP {http_status})",
                self.fault_word(service)
            ))),
            Last::RefusedLocally { reason } => Err(input(format!(
                "not sent: input error: expected a refusal from the platform, but the call was refused before sending ({reason})"
            ))),
            Last::HandshakeRefused { .. } => Err(no_answer_after_handshake()),
        }
    }

    /// What a refusal of `service` is called: a REST service (the token model, SF1601)
    /// answers with an error object, not a SOAP fault.
    fn fault_word(&self, service: &str) -> &'static str {
        match self.ctx.known.by_id(service).map(|i| i.security) {
            Some(crate::core::service::SecurityModel::Token) => "a REST error answer",
            _ => "a SOAP fault",
        }
    }

    /// The element a snapshot is taken of: the Body's payload or its Fault.
    pub fn snapshot_element(&self) -> Result<Element, StepFailure> {
        match self.last()? {
            Last::Reply { raw, reply, .. } => match crate::core::xml::parse(raw) {
                Ok(root) if root.local == "Envelope" => root
                    .child("Body")
                    .and_then(|b| b.elements().next().cloned())
                    .ok_or_else(|| contract("the SOAP Body is empty; nothing to snapshot")),
                // REST answers (call_rest): the XML or JSON payload, or the error's body.
                _ => match reply {
                    Reply::Payload(p) => Ok(p.clone()),
                    Reply::Fault(f) => f
                        .detail
                        .clone()
                        .ok_or_else(|| contract("the error answer has no body to snapshot")),
                    Reply::Empty => Err(contract("the answer is empty; nothing to snapshot")),
                },
            },
            Last::RefusedLocally { reason } => Err(input(format!(
                "not sent: input error: nothing was sent, so there is no answer to compare ({reason})"
            ))),
            Last::HandshakeRefused { .. } => Err(no_answer_after_handshake()),
        }
    }
}

impl World {
    /// Call a REST service of the token model: get (or reuse) a holder-of-key access token for
    /// `entity_id`, then send with `Authorization`, `x-TransaktionsId` and `x-TransaktionsTid`.
    /// A token hop that refuses becomes the scenario's answer (so steps can assert the
    /// refusal); a malformed token reply fails as a broken contract.
    pub async fn call_rest(
        &mut self,
        service: &'static ServiceInfo,
        entity_id: &str,
        method: http::Method,
        path: &str,
        body: Option<(&str, String)>,
    ) -> Result<(), StepFailure> {
        use crate::client::call::{CallError, RestOutcome};
        use crate::client::token::TokenError;
        let extra: Vec<(&str, String)> = self.mock_headers().into_iter().collect();
        let identity = self.identity.clone();
        let outcome = crate::client::call::rest(
            &self.ctx.clients,
            &mut self.tokens,
            &identity,
            entity_id,
            method,
            path,
            body,
            &extra,
        )
        .await;
        self.last = Some(match outcome {
            Ok(RestOutcome::Refused {
                hop,
                status,
                content_type,
                body,
            }) => rest_last(hop.name(), status, content_type.as_deref(), body)?,
            Ok(RestOutcome::Answered { http, sent, wire }) => {
                if let Some(obs) = &self.ctx.observer {
                    obs(service.id, &sent, &http.body);
                }
                self.trace(&crate::evidence::trace::Exchange {
                    service: service.id,
                    action: "",
                    method: &wire.method,
                    url: &wire.url,
                    headers: &wire.headers,
                    body: &sent,
                    status: http.status,
                    content_type: http.content_type.as_deref(),
                    answer: &http.body,
                });
                rest_last(
                    service.id,
                    http.status,
                    http.content_type.as_deref(),
                    http.body,
                )?
            }
            Err(CallError::Token(TokenError::Transport { hop, source })) => {
                return self.transport_failed(&hop.to_string(), &source);
            }
            Err(CallError::Token(e @ TokenError::Malformed { .. })) => {
                return Err(contract(e.to_string()))
            }
            Err(CallError::Token(e)) => return Err(input(e.to_string())),
            Err(CallError::Transport(e)) => return self.transport_failed("", &e),
        });
        Ok(())
    }
}

/// A step that reads the answer after a handshake the scenario asserts was refused.
pub fn no_answer_after_handshake() -> StepFailure {
    input("the TLS handshake was refused, so there is no answer to read; this scenario asserts that refusal, so it cannot also check an answer")
}

/// `{{cpr:alias}}` → the citizen's CPR number on the target; the first unknown alias is the
/// error.
pub fn fill_cpr_aliases(
    t: &Target,
    text: &str,
) -> Result<String, crate::targets::target::TargetError> {
    if !text.contains("{{cpr:") {
        return Ok(text.to_string());
    }
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"\{\{cpr:([^}]+)\}\}").expect("static regex"));
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in re.captures_iter(text) {
        let (all, alias) = (c.get(0).expect("whole match"), &c[1]);
        out.push_str(&text[last..all.start()]);
        out.push_str(t.citizen(alias)?);
        last = all.end();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// A REST answer as the steps see it ([`crate::client::rest::reply`]): XML or JSON payloads on 2xx, a
/// fault (code and text from the JSON error) otherwise. A gateway's error page is a transport
/// failure.
fn rest_last(
    service: &'static str,
    status: u16,
    content_type: Option<&str>,
    raw: Vec<u8>,
) -> Result<Last, StepFailure> {
    let reply = match crate::client::rest::reply(status, content_type, &raw) {
        Ok(r) => r,
        Err(crate::client::rest::Unreadable { reason, snippet }) => {
            let msg = format!(
                "{service} answered HTTP {status} ({}) with a body that is not the contract's XML or JSON: {reason}. First bytes: {snippet:?}",
                content_type.unwrap_or("no content type")
            );
            return Err(if matches!(status, 502..=504) {
                StepFailure {
                    kind: FailureKind::Transport,
                    message: msg,
                    diff: None,
                }
            } else {
                contract(msg)
            });
        }
    };
    Ok(Last::Reply {
        service,
        http_status: status,
        reply,
        raw,
    })
}
