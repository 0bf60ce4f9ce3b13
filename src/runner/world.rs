//! Per-run and per-scenario state the steps work on.

use super::model::{FailureKind, StepFailure};
use crate::config::{Target, DEFAULT_IDENTITY};
use crate::services::ServiceInfo;
use crate::snapshot::SnapshotStore;
use crate::soap::{self, Fault, InvocationContext, Reply};
use crate::transport::{Clients, TransportError};
use crate::xml::Element;
use std::collections::HashMap;
use std::sync::Arc;

/// Sees every exchange in full (unredacted). For tests that validate messages against the
/// official XSDs; never used by the CLI, so nothing here reaches disk or screen.
pub type Observer = dyn Fn(&str, &str, &[u8]) + Send + Sync;

/// What all scenarios of one run share.
pub struct RunCtx {
    pub target: Arc<Target>,
    /// The embedded mock's data and state, when the target is the embedded mock: lets
    /// Givet-steps set up platform configuration for their scenario.
    pub mock: Option<Arc<crate::mock::platform::Platform>>,
    pub clients: Clients,
    pub snapshots: SnapshotStore,
    pub observer: Option<Arc<Observer>>,
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
    /// The call was refused by our own checks before anything was sent.
    RefusedLocally { reason: String },
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
    /// Per-scenario data of the service step modules, see [`Extensions`].
    pub ext: Extensions,
}

/// Per-scenario data a step module keeps for itself (cases being built, the sortiment a system
/// posts under), keyed by type, so each module owns its own without fields here.
#[derive(Default)]
pub struct Extensions(HashMap<std::any::TypeId, Box<dyn std::any::Any + Send>>);

impl Extensions {
    /// The module's data, created empty on first use.
    pub fn get_mut<T: Default + Send + 'static>(&mut self) -> &mut T {
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
        message: crate::redact::text(&message.into()),
        diff: None,
    }
}

pub fn input(message: impl Into<String>) -> StepFailure {
    StepFailure {
        kind: FailureKind::Input,
        message: crate::redact::text(&message.into()),
        diff: None,
    }
}

pub fn transport(e: &TransportError) -> StepFailure {
    StepFailure {
        kind: if e.is_unreachable() {
            FailureKind::Transport
        } else {
            FailureKind::Input
        },
        message: crate::redact::text(&e.to_string()),
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
            ext: Extensions::default(),
        }
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
        let body = soap::envelope(payload);
        let mut headers = vec![("SOAPAction", format!("\"{action}\""))];
        headers.extend(self.mock_headers());
        let http = self
            .ctx
            .clients
            .post(
                &self.identity,
                service.path,
                &headers,
                "text/xml; charset=utf-8",
                body.clone(),
            )
            .await
            .map_err(|e| transport(&e))?;
        if let Some(obs) = &self.ctx.observer {
            obs(service.id, &body, &http.body);
        }
        let parsed = soap::parse_reply(&http.body);
        let reply = match parsed {
            Ok(r) => r,
            Err(e) => {
                let snippet = crate::redact::text(&String::from_utf8_lossy(
                    &http.body[..http.body.len().min(300)],
                ));
                let msg = format!(
                    "{} answered HTTP {} with a body that is not a SOAP response: {e}. First bytes: {snippet:?}",
                    service.id, http.status
                );
                // A proxy or gateway error page is not the service judging our call.
                return Err(if http.status == 200 || http.status == 500 {
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
        self.last = Some(Last::Reply {
            service: service.id,
            http_status: http.status,
            reply,
            raw: http.body,
        });
        Ok(())
    }

    /// Headers only the embedded mock gets: the scenario id for its per-scenario state.
    pub fn mock_headers(&self) -> Option<(&'static str, String)> {
        self.ctx
            .mock
            .as_ref()
            .map(|_| (crate::mock::SCENARIO_HEADER, self.scenario_id.clone()))
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
                "{service} answered with a SOAP fault, not data: {}",
                f.summary()
            ))),
            Last::Reply {
                reply: Reply::Empty,
                service,
                ..
            } => Err(contract(format!(
                "{service} answered with an empty SOAP Body"
            ))),
            Last::RefusedLocally { reason } => Err(contract(format!(
                "nothing was sent: the call was refused before sending ({reason})"
            ))),
        }
    }

    pub fn fault(&self) -> Result<&Fault, StepFailure> {
        match self.last()? {
            Last::Reply { reply: Reply::Fault(f), .. } => Ok(f),
            Last::Reply { service, http_status, .. } => Err(contract(format!(
                "expected a SOAP fault, but {service} answered successfully (HTTP {http_status})"
            ))),
            Last::RefusedLocally { reason } => Err(contract(format!(
                "expected a SOAP fault from the platform, but the call was refused before sending ({reason})"
            ))),
        }
    }

    /// The element a snapshot is taken of: the Body's payload or its Fault.
    pub fn snapshot_element(&self) -> Result<Element, StepFailure> {
        match self.last()? {
            Last::Reply { raw, .. } => {
                let root = crate::xml::parse(raw).map_err(|e| contract(e.to_string()))?;
                root.child("Body")
                    .and_then(|b| b.elements().next().cloned())
                    .ok_or_else(|| contract("the SOAP Body is empty; nothing to snapshot"))
            }
            Last::RefusedLocally { reason } => Err(contract(format!(
                "nothing was sent, so there is no answer to compare ({reason})"
            ))),
        }
    }
}
