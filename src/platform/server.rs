//! Assembling the embedded mock: data, static WireMock mappings, the Rust responders of each
//! service, and the TLS front.

use crate::platform::data::{DataError, Platform};
use crate::platform::endpoint::DirectResponder;
use crate::platform::front::{self, Front, FrontError};
use crate::platform::stubs::{self, MappingError};
use crate::target::pki::TestPki;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const FALLBACK_PRIORITY: u8 = 255;

#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Mappings(#[from] MappingError),
    #[error(transparent)]
    Front(#[from] FrontError),
    #[error("cannot listen on {addr}: {source}. Choose another --addr or stop what uses the port")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct RunningMock {
    /// `https://127.0.0.1:PORT`
    pub url: String,
    pub addr: SocketAddr,
    pub platform: Arc<Platform>,
    front: Front,
    _backend: Arc<Backend>,
}

impl RunningMock {
    pub fn shutdown(&self) {
        self.front.shutdown();
    }
}

/// Start the mock on `addr` (port 0 picks a free port). Must be called inside a Tokio runtime.
pub async fn start(
    mocks_dir: &Path,
    pki: &TestPki,
    addr: SocketAddr,
    services: &dyn super::Services,
) -> Result<RunningMock, MockError> {
    start_with(mocks_dir, pki, addr, services, front::Limits::default()).await
}

/// [`start`] with other connection timeouts and size limits (tests use short ones).
pub async fn start_with(
    mocks_dir: &Path,
    pki: &TestPki,
    addr: SocketAddr,
    services: &dyn super::Services,
    limits: front::Limits,
) -> Result<RunningMock, MockError> {
    let platform = Arc::new(Platform::load(mocks_dir, &services.known())?);
    let static_mappings = stubs::load_mappings(mocks_dir)?;
    let acceptor = front::acceptor(&pki.server_pem, &pki.server_key_pem, &pki.ca_pem)?;

    let backend_listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|source| MockError::Bind {
            addr: "127.0.0.1:0".parse().expect("static addr"),
            source,
        })?;
    // Recording every request would grow without bound under `mock serve`.
    let server = MockServer::builder()
        .listener(backend_listener)
        .disable_request_recording()
        .start()
        .await;
    // Built-in services, answered in the front: what the catalog's services answer.
    let direct = services.responders(&platform)?;
    let backend = Arc::new(Backend {
        server,
        mappings: static_mappings,
        direct,
        known: platform.known.clone(),
        gate: tokio::sync::RwLock::new(()),
        forwarded: AtomicU64::new(0),
    });
    backend.mount().await;

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| MockError::Bind { addr, source })?;
    let front = front::start(listener, acceptor, backend.clone(), limits);
    let addr = front.addr;
    Ok(RunningMock {
        url: format!("https://{addr}"),
        addr,
        platform,
        front,
        _backend: backend,
    })
}

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
        if n % RECYCLE_EVERY == 0 {
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
