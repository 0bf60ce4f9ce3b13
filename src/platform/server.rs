//! Assembling the embedded mock: data, static WireMock mappings, the Rust responders of each
//! service, and the TLS front that answers with them.

use crate::platform::backend::Backend;
use crate::platform::data::{DataError, Platform};
use crate::platform::front::{self, Front, FrontError};
use crate::platform::idws::{sts::StsEndpoint, Idws};
use crate::platform::journal::{self, Journal, Printer};
use crate::platform::stubs::{self, MappingError};
use crate::targets::pki::TestPki;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Mappings(#[from] MappingError),
    #[error(transparent)]
    Front(#[from] FrontError),
    /// The mock STS's signing certificate is missing or unreadable.
    #[error("{0}. Run `sp-contract certs init --force` to make the test PKI again")]
    Sts(String),
    #[error("cannot listen on {addr}: {source}. Choose another --addr or stop what uses the port")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

crate::input_error!(MockError);

pub struct RunningMock {
    /// `https://127.0.0.1:PORT`
    pub url: String,
    pub addr: SocketAddr,
    pub platform: Arc<Platform>,
    /// The requests it answered (the last [`MockOptions::journal`]).
    pub journal: Arc<Journal>,
    front: Front,
}

/// How a mock is started besides its data and address.
pub struct MockOptions {
    pub limits: front::Limits,
    /// Journal entries kept ([`journal::DEFAULT_CAPACITY`] by default).
    pub journal: usize,
    /// Where each journal line goes (`mock serve` prints them).
    pub printer: Option<Printer>,
    /// Which threads serve the connections: the starting runtime's (the default) or the
    /// front's own.
    pub workers: front::Workers,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            limits: front::Limits::default(),
            journal: journal::DEFAULT_CAPACITY,
            printer: None,
            workers: front::Workers::default(),
        }
    }
}

impl RunningMock {
    pub fn shutdown(&self) {
        self.front.shutdown();
    }

    /// Stop, and wait at most `within` for the requests being answered to get their answers
    /// (and journal lines). Whether they all did.
    pub async fn stop(&self, within: std::time::Duration) -> bool {
        self.front.shutdown();
        self.front.drained(within).await
    }

    /// A way to open more listeners on this mock (see [`Doors`]).
    pub fn doors(&self) -> Doors {
        Doors {
            ip: self.addr.ip(),
            door: self.front.door(),
        }
    }
}

/// Opens more listeners on a running mock, on its address with a port of their own, each
/// served on the runtime that opens it: a thread running scenarios serves their requests
/// itself, so a request and its answer never wait for another thread to wake.
#[derive(Clone)]
pub struct Doors {
    ip: std::net::IpAddr,
    door: front::Door,
}

impl Doors {
    /// A new listener served here, until the mock stops or this runtime ends; its URL.
    pub async fn open_here(&self) -> Result<String, MockError> {
        let addr = SocketAddr::new(self.ip, 0);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| MockError::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| MockError::Bind { addr, source })?;
        self.door.serve_here(listener);
        Ok(format!("https://{addr}"))
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
    let options = MockOptions {
        limits,
        ..MockOptions::default()
    };
    start_with_options(mocks_dir, pki, addr, services, options).await
}

/// [`start`] with every option.
pub async fn start_with_options(
    mocks_dir: &Path,
    pki: &TestPki,
    addr: SocketAddr,
    services: &dyn super::Services,
    options: MockOptions,
) -> Result<RunningMock, MockError> {
    let platform = Arc::new(Platform::load(mocks_dir, &services.known())?);
    let stubs = stubs::load_stubs(mocks_dir)?;
    let acceptor = front::acceptor(&pki.server_pem, &pki.server_key_pem, &pki.ca_pem)?;
    // Built-in services: what the catalog's services answer.
    let mut direct = services.responders(&platform)?;
    // The OIO IDWS STS and the token check in front of that model's services.
    let idws = Arc::new(Idws::load(platform.clone(), pki).map_err(MockError::Sts)?);
    direct.push(Arc::new(StsEndpoint(idws.clone())));
    let journal = Arc::new(Journal::new(options.journal, options.printer));
    let backend = Backend::new(stubs, direct, platform.known.clone())
        .with_idws(idws)
        .with_journal(journal.clone())
        .with_files_dir(mocks_dir.join("__files"));

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| MockError::Bind { addr, source })?;
    let front = front::start(
        listener,
        acceptor,
        Arc::new(backend),
        options.limits,
        options.workers,
    )?;
    let addr = front.addr;
    Ok(RunningMock {
        url: format!("https://{addr}"),
        addr,
        platform,
        journal,
        front,
    })
}
