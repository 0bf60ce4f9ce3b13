//! Assembling the embedded mock: data, static WireMock mappings, the Rust responders of each
//! service, and the TLS front.

use super::endpoint::SoapEndpoint;
use super::front::{self, Front, FrontError};
use super::mappings::{self, MappingError};
use super::platform::{DataError, Platform};
use crate::pki::TestPki;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Static mappings default to WireMock's priority 5; the service responders sit below them so
/// a user's stub for one specific call wins over the built-in behaviour.
const SERVICE_PRIORITY: u8 = 100;
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
    _backend: MockServer,
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
) -> Result<RunningMock, MockError> {
    let platform = Arc::new(Platform::load(mocks_dir)?);
    let static_mappings = mappings::load_mappings(mocks_dir)?;
    let sf1470 = super::sf1470::Sf1470::load(mocks_dir)?;
    let (oir_sortiment, oir_postering) = super::oir::load(mocks_dir)?;
    let acceptor = front::acceptor(&pki.server_pem, &pki.server_key_pem, &pki.ca_pem)?;

    let backend_listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|source| MockError::Bind {
            addr: "127.0.0.1:0".parse().expect("static addr"),
            source,
        })?;
    // Recording every request would grow without bound under `mock serve`.
    let backend = MockServer::builder()
        .listener(backend_listener)
        .disable_request_recording()
        .start()
        .await;
    mappings::mount_all(&static_mappings, &backend).await;
    mount_service(&backend, &platform, super::sf1520::Sf1520).await;
    mount_service(&backend, &platform, sf1470).await;
    mount_service(&backend, &platform, oir_sortiment).await;
    mount_service(&backend, &platform, oir_postering).await;
    Mock::given(wiremock::matchers::any())
        .respond_with(NoSuchService)
        .with_priority(FALLBACK_PRIORITY)
        .mount(&backend)
        .await;

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| MockError::Bind { addr, source })?;
    let front = front::start(listener, acceptor, *backend.address());
    let addr = front.addr;
    Ok(RunningMock {
        url: format!("https://{addr}"),
        addr,
        platform,
        front,
        _backend: backend,
    })
}

async fn mount_service<S: super::endpoint::SoapService>(
    backend: &MockServer,
    platform: &Arc<Platform>,
    service: S,
) {
    let info = service.info();
    Mock::given(method("POST"))
        .and(path(info.path))
        .respond_with(SoapEndpoint {
            platform: platform.clone(),
            service,
        })
        .with_priority(SERVICE_PRIORITY)
        .named(info.id)
        .mount(backend)
        .await;
}

/// What the mock says for a path no service or mapping serves: name the known paths.
struct NoSuchService;

impl Respond for NoSuchService {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let known: Vec<String> = crate::services::SERVICES
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
