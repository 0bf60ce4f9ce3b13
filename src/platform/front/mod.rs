//! The mock's TLS front: mutual TLS exactly as the platform requires it, reading each request
//! (within the limits below) and handing it to the backend, which answers it in this task.
//!
//! It tells the stubs and services which certificate called, in headers of its own; headers
//! of those names coming from the client are dropped, so a caller cannot claim another
//! identity.

use crate::platform::backend::Backend;
use crate::platform::endpoint::{CLIENT_CN_HEADER, CLIENT_SHA256_HEADER};
use crate::platform::request::Answer;
use busy_poll::BusyPoll;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use openssl::ssl::{Ssl, SslContext};
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::pin::Pin;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

pub mod busy_poll;
mod limits;
mod slow_clients;
mod tls;
pub use limits::Limits;
use slow_clients::{watchdog, Activity, Watched};
pub use tls::acceptor;

#[derive(Debug, thiserror::Error)]
pub enum FrontError {
    #[error("cannot set up TLS for the mock from {dir}: {message}")]
    Tls { dir: String, message: String },
    #[error("cannot start the mock's worker threads: {0}")]
    Workers(String),
}

pub struct Front {
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    /// What another listener of the same front serves with (see [`Front::door`]).
    serve: Serve,
}

impl Front {
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }

    /// Waits, at most `within`, until no request is being answered: after
    /// [`Front::shutdown`], the last requests get their answers and journal lines. Whether
    /// it got there.
    pub async fn drained(&self, within: Duration) -> bool {
        let until = Instant::now() + within;
        while !self.serve.answering.none() {
            if Instant::now() >= until {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        true
    }

    /// A way into this front on other listeners, served where they are opened.
    pub fn door(&self) -> Door {
        Door {
            serve: self.serve.clone(),
        }
    }
}

/// Serves further listeners of a front: the same backend, TLS and limits, stopped with it.
/// `run`'s lanes each open one on their own runtime, so their scenarios' connections are
/// served on the thread that makes the requests.
#[derive(Clone)]
pub struct Door {
    serve: Serve,
}

impl Door {
    /// Serve `listener` on the runtime this is called on, until the front shuts down or that
    /// runtime ends.
    pub fn serve_here(&self, listener: TcpListener) {
        tokio::spawn(accept_loop(listener, self.serve.clone(), Deal::Here));
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Where the front serves its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Workers {
    /// On the runtime that starts the mock, beside what else runs there: `run`'s embedded
    /// mock shares the run's workers with its scenarios.
    #[default]
    Shared,
    /// On threads of the front's own, each a single-threaded runtime that keeps every
    /// connection it is dealt (in turn); the first also accepts. `mock serve` runs one per
    /// core. On a multi-threaded runtime hyper's waking of its own connection task made
    /// Tokio wake a second worker about once a request (measured on `mock serve`: 2.7
    /// context switches and ~80 µs of CPU a stub request; on its own workers 1.0 and ~70 µs).
    /// Workers poll for `busy_poll` after an answer, within limits ([`busy_poll`]).
    Own {
        threads: NonZeroUsize,
        busy_poll: Duration,
    },
}

/// Serve TLS on `listener`, answering each request with `backend`, on `workers`.
pub fn start(
    listener: TcpListener,
    acceptor: SslContext,
    backend: Arc<Backend>,
    limits: Limits,
    workers: Workers,
) -> Result<Front, FrontError> {
    let addr = listener
        .local_addr()
        .expect("bound listener has an address");
    let (tx, rx) = watch::channel(false);
    let acceptor = Arc::new(acceptor);
    let serve = Serve {
        acceptor,
        backend,
        limits,
        shutdown: rx,
        busy_poll: None,
        answering: Answering::default(),
    };
    let door = serve.clone();
    match workers {
        Workers::Shared => {
            tokio::spawn(accept_loop(listener, serve, Deal::Here));
        }
        Workers::Own { threads, busy_poll } => {
            let cannot = |e: std::io::Error| FrontError::Workers(e.to_string());
            let mut lanes = Vec::with_capacity(threads.get());
            let mut first = None;
            let open = busy_poll::Connections::for_this_machine();
            for i in 0..threads.get() {
                let (lane, incoming) = mpsc::unbounded_channel();
                let serve = Serve {
                    busy_poll: BusyPoll::new(busy_poll, &open),
                    ..serve.clone()
                };
                let handle = worker_thread(i, serve, incoming).map_err(cannot)?;
                first.get_or_insert(handle);
                lanes.push(lane);
            }
            // The listener moves to the first worker's reactor.
            let listener = listener.into_std().map_err(cannot)?;
            let first = first.expect("at least one worker");
            first.spawn(async move {
                if let Ok(listener) = TcpListener::from_std(listener) {
                    accept_loop(listener, serve, Deal::Lanes { lanes, next: 0 }).await;
                }
            });
        }
    }
    Ok(Front {
        addr,
        shutdown: tx,
        serve: door,
    })
}

/// What serving a connection needs, shared by every worker.
#[derive(Clone)]
struct Serve {
    acceptor: Arc<SslContext>,
    backend: Arc<Backend>,
    limits: Limits,
    shutdown: watch::Receiver<bool>,
    /// The worker's, on a worker of its own that polls.
    busy_poll: Option<Arc<BusyPoll>>,
    /// The requests being answered, on every worker and door.
    answering: Answering,
}

/// How many requests the front is answering: stopping waits for them ([`Front::drained`]), so
/// each gets its answer and its journal line.
#[derive(Clone, Default)]
struct Answering(Arc<AtomicUsize>);

impl Answering {
    /// Counts one request until the guard is dropped (also when its answer is abandoned).
    fn start(&self) -> AnsweringOne {
        self.0.fetch_add(1, Ordering::SeqCst);
        AnsweringOne(self.0.clone())
    }

    fn none(&self) -> bool {
        self.0.load(Ordering::SeqCst) == 0
    }
}

struct AnsweringOne(Arc<AtomicUsize>);

impl Drop for AnsweringOne {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Where the accept loop puts a new connection.
enum Deal {
    /// A task on the runtime the loop runs on.
    Here,
    /// The next of the workers' lanes, in turn.
    Lanes {
        lanes: Vec<mpsc::UnboundedSender<std::net::TcpStream>>,
        next: usize,
    },
}

/// Starts worker `i`: a thread with a single-threaded runtime serving the connections that
/// arrive on `incoming` until shutdown, then waiting for them to close (each has its own
/// grace period). Returns its runtime's handle.
fn worker_thread(
    i: usize,
    serve: Serve,
    mut incoming: mpsc::UnboundedReceiver<std::net::TcpStream>,
) -> std::io::Result<tokio::runtime::Handle> {
    let (ready, handle) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name(format!("sp-contract-mock-{i}"))
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            };
            let _ = ready.send(Ok(rt.handle().clone()));
            rt.block_on(async move {
                let mut stop = serve.shutdown.clone();
                let stopped = async move {
                    let _ = stop.wait_for(|s| *s).await;
                };
                tokio::pin!(stopped);
                let poller = serve.busy_poll.clone().map(|p| {
                    let backend = serve.backend.clone();
                    tokio::spawn(p.run(move || {
                        backend.journal().keep_idle();
                    }))
                });
                let mut conns = tokio::task::JoinSet::new();
                loop {
                    tokio::select! {
                        biased;
                        _ = &mut stopped => break,
                        got = incoming.recv() => match got {
                            Some(tcp) => {
                                if let Ok(tcp) = tokio::net::TcpStream::from_std(tcp) {
                                    conns.spawn(serve_connection(tcp, serve.clone()));
                                }
                            }
                            None => break,
                        },
                        Some(_) = conns.join_next(), if !conns.is_empty() => {}
                    }
                }
                while conns.join_next().await.is_some() {}
                if let Some(p) = poller {
                    p.abort();
                }
            });
        })?;
    handle
        .recv()
        .map_err(|_| std::io::Error::other("the worker thread ended before it started"))?
}

async fn accept_loop(listener: TcpListener, serve: Serve, mut deal: Deal) {
    let mut shutdown = serve.shutdown.clone();
    loop {
        let (tcp, _) = tokio::select! {
            biased;
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: keep serving the others.
                Err(_) => { tokio::time::sleep(std::time::Duration::from_millis(10)).await; continue }
            },
        };
        // Without TCP_NODELAY the first request on a new TLS connection stalls ~40 ms.
        let _ = tcp.set_nodelay(true);
        match &mut deal {
            Deal::Here => {
                tokio::spawn(serve_connection(tcp, serve.clone()));
            }
            Deal::Lanes { lanes, next } => {
                let lane = &lanes[*next % lanes.len()];
                *next = next.wrapping_add(1);
                if let Ok(tcp) = tcp.into_std() {
                    let _ = lane.send(tcp);
                }
            }
        }
    }
}

/// One connection: the TLS handshake, then its requests until it closes, idles out or the
/// mock shuts down.
async fn serve_connection(tcp: tokio::net::TcpStream, serve: Serve) {
    let Serve {
        acceptor,
        backend,
        limits,
        shutdown: mut conn_shutdown,
        busy_poll,
        answering,
    } = serve;
    let Ok(ssl) = Ssl::new(&acceptor) else {
        return;
    };
    let Ok(mut tls) = tokio_openssl::SslStream::new(ssl, tcp) else {
        return;
    };
    let handshake = Pin::new(&mut tls).accept();
    // A client that never finishes its handshake must not hold a task forever.
    match tokio::time::timeout(limits.handshake, handshake).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            backend
                .journal()
                .refused_connection(&format!("TLS handshake failed: {}", tls_cause(&e)));
            linger(tls.get_mut()).await;
            return;
        }
        Err(_) => {
            backend.journal().refused_connection(&format!(
                "TLS handshake not finished within {} s",
                limits.handshake.as_secs()
            ));
            return;
        }
    }
    let (cn, sha) = match tls.ssl().peer_certificate() {
        Some(cert) => {
            let cn = cert
                .subject_name()
                .entries_by_nid(openssl::nid::Nid::COMMONNAME)
                .next()
                .and_then(|e| e.data().to_string().ok());
            let sha = cert
                .to_der()
                .map(|der| crate::targets::pki::fingerprint_sha256(&der))
                .ok();
            (cn, sha)
        }
        None => (None, None),
    };
    let _open = busy_poll.as_ref().map(|p| p.connection());
    let activity = Arc::new(Activity::new());
    let watched = Watched {
        inner: tls,
        activity: activity.clone(),
    };
    let in_service = activity.clone();
    let service = service_fn(move |req: Request<Incoming>| {
        let (backend, cn, sha) = (backend.clone(), cn.clone(), sha.clone());
        let (activity, busy_poll) = (in_service.clone(), busy_poll.clone());
        let answering = answering.start();
        async move {
            let _answering = answering;
            activity.request_started();
            let answer = forward(req, backend, cn, sha, limits).await;
            activity.request_done();
            if let Some(p) = busy_poll {
                p.answered();
            }
            answer
        }
    });
    // hyper's own header timeout also runs while a kept-alive connection waits,
    // which would make it the idle timeout too: the watchdog owns both.
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(watched), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        // Dropping the connection closes the socket.
        _ = watchdog(&activity, limits) => {}
        _ = conn_shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), conn).await;
        }
    }
}

/// How long, and for how many bytes, a refused connection is read before it is closed.
const LINGER: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 64 * 1024;

/// Close a connection whose handshake was refused the way a careful server does: the alert
/// has gone out; shut our side, then read and drop what the client still sends (in TLS 1.3
/// its first request, sent before it learns of the refusal), bounded by [`LINGER`] and
/// [`LINGER_BYTES`]. Closing with that request unread makes the kernel send a reset, which
/// can overtake the alert: the client would see "connection reset", not the refusal.
async fn linger(tcp: &mut tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = tcp.shutdown().await;
    let mut buf = [0u8; 4096];
    let mut read = 0;
    let _ = tokio::time::timeout(LINGER, async {
        while read < LINGER_BYTES {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n,
            }
        }
    })
    .await;
}

async fn forward(
    req: Request<Incoming>,
    backend: Arc<Backend>,
    cn: Option<String>,
    sha: Option<String>,
    limits: Limits,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    // The caller's identity comes from the TLS session only: drop any claim in the headers.
    let mut headers = parts.headers;
    headers.remove(CLIENT_CN_HEADER);
    headers.remove(CLIENT_SHA256_HEADER);
    headers.remove(crate::platform::idws::IDWS_CVR_HEADER);
    headers.remove(hyper::header::HOST);
    if let Some(cn) = cn.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert(CLIENT_CN_HEADER, cn);
    }
    if let Some(sha) = sha.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert(CLIENT_SHA256_HEADER, sha);
    }
    let Ok(url) = url::Url::parse(&format!("http://localhost{path}")) else {
        return Ok(plain(StatusCode::BAD_REQUEST, "bad request path".into()).into_response());
    };
    let mut request = crate::platform::request::Request {
        url,
        method: parts.method,
        headers,
        body: Bytes::new(),
    };
    let refusal = match collect(body, &limits).await {
        Ok(b) => {
            request.body = b;
            too_deep(&request.body)
        }
        Err(Collect::Failed(e)) if e.is::<http_body_util::LengthLimitError>() => Some(plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "sp-contract mock: the request body is larger than {} (the mock's limit)\n",
                human(limits.max_body)
            ),
        )),
        Err(Collect::Failed(_)) => Some(plain(
            StatusCode::BAD_REQUEST,
            "request body broken off".into(),
        )),
        Err(Collect::Stalled) => Some(plain(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "sp-contract mock: the request body stopped arriving for {} s (the mock's body timeout)\n",
                limits.body.as_secs()
            ),
        )),
        Err(Collect::TooSlow) => Some(plain(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "sp-contract mock: the request body arrives slower than {}/s (the mock's body timeout)\n",
                human(limits.min_body_rate)
            ),
        )),
    };
    match refusal {
        Some(answer) => {
            if !crate::platform::admin::is_admin(&request) {
                backend.record(request, &answer, None, None);
            }
            Ok(answer.into_response())
        }
        None => Ok(backend.answer(request).await),
    }
}

/// Why a handshake failed, in OpenSSL's words (e.g. `peer did not return a certificate`), or
/// that the client went away.
fn tls_cause(e: &openssl::ssl::Error) -> String {
    let reason = e.ssl_error().and_then(|stack| {
        stack
            .errors()
            .iter()
            .find_map(|err| err.reason().map(str::to_string))
    });
    reason.unwrap_or_else(|| "the client closed the connection".to_string())
}

enum Collect {
    Failed(Box<dyn std::error::Error + Send + Sync>),
    /// No byte for [`Limits::body`].
    Stalled,
    /// Below [`Limits::min_body_rate`] on average after [`Limits::body`].
    TooSlow,
}

/// The whole body, as long as it keeps arriving (see [`Limits::body`]).
async fn collect(body: Incoming, limits: &Limits) -> Result<Bytes, Collect> {
    let started = Instant::now();
    let mut body = Limited::new(body, limits.max_body);
    let mut out = bytes::BytesMut::new();
    loop {
        let frame = match tokio::time::timeout(limits.body, body.frame()).await {
            Err(_) => return Err(Collect::Stalled),
            Ok(None) => return Ok(out.freeze()),
            Ok(Some(Err(e))) => return Err(Collect::Failed(e)),
            Ok(Some(Ok(f))) => f,
        };
        if let Ok(data) = frame.into_data() {
            out.extend_from_slice(&data);
        }
        let late = started.elapsed().saturating_sub(limits.body);
        if (out.len() as f64) < late.as_secs_f64() * limits.min_body_rate as f64 {
            return Err(Collect::TooSlow);
        }
    }
}

fn human(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// The front's own refusals are plain text (no content type, as before).
fn plain(status: StatusCode, text: String) -> Answer {
    Answer {
        status,
        headers: http::HeaderMap::new(),
        body: Bytes::from(text),
    }
}

/// A body that looks like XML and nests deeper than every XML walk of sp-contract allows
/// is refused here, once, with a SOAP fault naming the limit: no mapping matcher or
/// service gets to recurse into it.
fn too_deep(body: &[u8]) -> Option<Answer> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    if body[start] != b'<' {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?;
    match crate::core::xml::check_depth(text) {
        Err(crate::core::xml::XmlError::TooDeep) => {
            let reason = format!(
                "the request nests XML elements deeper than {} levels, the limit of the sp-contract mock; no SOAP message needs that",
                crate::core::xml::MAX_DEPTH
            );
            Some(Answer::new(
                StatusCode::BAD_REQUEST,
                crate::platform::endpoint::SOAP_CONTENT_TYPE,
                crate::core::soap::fault_envelope("soapenv:Client", &reason, &[]),
            ))
        }
        _ => None,
    }
}
