//! Behind the front: the WireMock-format stubs (served by wiremock-rs) and the built-in
//! services' responders, and the choice between them for each request.

use crate::platform::endpoint::DirectResponder;
use crate::platform::stubs;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const FALLBACK_PRIORITY: u8 = 255;

/// wiremock-rs keeps every request a mock matched, for verification, and has no switch for
/// that (only for the server-wide recording). Under `mock serve` that grows without bound,
/// so every [`RECYCLE_EVERY`] forwarded requests the front pauses forwarding, resets the
/// server and mounts everything again. State lives in [`Platform`], not in the mocks, so
/// nothing a scenario set up is lost.
pub struct Backend {
    server: MockServer,
    mappings: Vec<stubs::Mapping>,
    direct: Vec<Arc<dyn DirectResponder>>,
    known: crate::core::service::Known,
    gate: tokio::sync::RwLock<()>,
    forwarded: AtomicU64,
}

const RECYCLE_EVERY: u64 = 2_000;

impl Backend {
    /// Start wiremock-rs on `listener` with the stubs, and keep the built-in responders.
    pub async fn start(
        listener: std::net::TcpListener,
        mappings: Vec<stubs::Mapping>,
        direct: Vec<Arc<dyn DirectResponder>>,
        known: crate::core::service::Known,
    ) -> Arc<Backend> {
        // Recording every request would grow without bound under `mock serve`.
        let server = MockServer::builder()
            .listener(listener)
            .disable_request_recording()
            .start()
            .await;
        let backend = Arc::new(Backend {
            server,
            mappings,
            direct,
            known,
            gate: tokio::sync::RwLock::new(()),
            forwarded: AtomicU64::new(0),
        });
        backend.mount().await;
        backend
    }

    pub fn address(&self) -> SocketAddr {
        *self.server.address()
    }

    /// What wiremock serves: the static mappings (WireMock's default priority 5 unless they
    /// say otherwise) and the fallback. Built-in services are answered in the front.
    async fn mount(&self) {
        let server = &self.server;
        stubs::mount_all(&self.mappings, server).await;
        Mock::given(wiremock::matchers::any())
            .respond_with(NoSuchService(self.known.clone()))
            .with_priority(FALLBACK_PRIORITY)
            .mount(server)
            .await;
    }

    /// How the front should answer: a static mapping that matches wins (a user's stub
    /// overrides built-in behaviour), then a built-in service by path, then wiremock (which
    /// answers the fallback).
    pub fn route(&self, req: &Request) -> Option<&Arc<dyn DirectResponder>> {
        if self.mappings.iter().any(|m| m.matches(req)) {
            return None;
        }
        self.direct
            .iter()
            .find(|d| d.path() == req.url.path() && req.method.as_str() == d.method())
    }

    /// Held while a request is forwarded, so a recycle never happens mid-request.
    pub async fn enter(&self) -> tokio::sync::RwLockReadGuard<'_, ()> {
        self.gate.read().await
    }

    /// Called after each forwarded request (with the read guard dropped).
    pub async fn after_request(&self) {
        let n = self.forwarded.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(RECYCLE_EVERY) {
            let _exclusive = self.gate.write().await;
            self.server.reset().await;
            self.mount().await;
        }
    }
}

/// What the mock says for a path no service or mapping serves: name the known paths.
struct NoSuchService(crate::core::service::Known);

impl Respond for NoSuchService {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let known: Vec<String> = self
            .0
            .iter()
            .map(|s| format!("  POST {}  ({})", s.path, s.id))
            .collect();
        ResponseTemplate::new(404).set_body_string(format!(
            "sp-contract mock: nothing answers {} {}\nServices on this mock:\n{}\nand the static mappings in mocks/mappings/.\n",
            req.method,
            req.url.path(),
            known.join("\n")
        ))
    }
}
