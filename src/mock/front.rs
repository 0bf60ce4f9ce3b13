//! The mock's TLS front: mutual TLS exactly as the platform requires it, in front of the
//! plain-HTTP wiremock server.
//!
//! It is HTTP-aware rather than a byte pipe so that it can tell the stubs which certificate
//! called (a byte-level proxy hides the client identity). Headers of that name coming from
//! the client are dropped, so a caller cannot claim another identity.

use super::server::Backend;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo};
use openssl::ssl::{Ssl, SslAcceptor, SslFiletype, SslMethod, SslVerifyMode};
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub const CLIENT_CN_HEADER: &str = "x-sp-mock-client-cert-cn";
pub const CLIENT_SHA256_HEADER: &str = "x-sp-mock-client-cert-sha256";
/// Requests larger than this are refused with 413.
const MAX_REQUEST: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FrontError {
    #[error("cannot set up TLS for the mock from {dir}: {message}")]
    Tls { dir: String, message: String },
}

/// Server side of mutual TLS: our server certificate, and client certificates must chain to
/// the test CA. Everything else is refused during the handshake.
pub fn acceptor(
    server_pem: &Path,
    server_key: &Path,
    ca_pem: &Path,
) -> Result<SslAcceptor, FrontError> {
    let err = |e: openssl::error::ErrorStack| FrontError::Tls {
        dir: server_pem
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        message: e.to_string(),
    };
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).map_err(err)?;
    b.set_certificate_chain_file(server_pem).map_err(err)?;
    b.set_private_key_file(server_key, SslFiletype::PEM)
        .map_err(err)?;
    b.check_private_key().map_err(err)?;
    b.set_ca_file(ca_pem).map_err(err)?;
    let ca_names = openssl::x509::X509::stack_from_pem(&std::fs::read(ca_pem).unwrap_or_default())
        .map_err(err)?;
    let mut names = openssl::stack::Stack::new().map_err(err)?;
    for ca in ca_names {
        names
            .push(ca.subject_name().to_owned().map_err(err)?)
            .map_err(err)?;
    }
    b.set_client_ca_list(names);
    b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    // Session ids let a client resume instead of a full handshake on reconnect.
    b.set_session_id_context(b"sp-contract-mock").map_err(err)?;
    Ok(b.build())
}

pub struct Front {
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
}

impl Front {
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Serve TLS on `listener`, forwarding each request to `backend` (the wiremock server).
pub fn start(listener: TcpListener, acceptor: SslAcceptor, backend: Arc<Backend>) -> Front {
    let addr = listener
        .local_addr()
        .expect("bound listener has an address");
    let (tx, rx) = watch::channel(false);
    let acceptor = Arc::new(acceptor);
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(64)
        .build(connector);
    tokio::spawn(accept_loop(listener, acceptor, client, backend, rx));
    Front { addr, shutdown: tx }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Arc<SslAcceptor>,
    client: Client<HttpConnector, Full<Bytes>>,
    backend: Arc<Backend>,
    mut shutdown: watch::Receiver<bool>,
) {
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
        let acceptor = acceptor.clone();
        let client = client.clone();
        let backend = backend.clone();
        let mut conn_shutdown = shutdown.clone();
        tokio::spawn(async move {
            let Ok(ssl) = Ssl::new(acceptor.context()) else {
                return;
            };
            let Ok(mut tls) = tokio_openssl::SslStream::new(ssl, tcp) else {
                return;
            };
            let handshake = Pin::new(&mut tls).accept();
            // A client that never finishes its handshake must not hold a task forever.
            match tokio::time::timeout(std::time::Duration::from_secs(10), handshake).await {
                Ok(Ok(())) => {}
                _ => return,
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
                        .map(|der| crate::pki::fingerprint_sha256(&der))
                        .ok();
                    (cn, sha)
                }
                None => (None, None),
            };
            let service = service_fn(move |req: Request<Incoming>| {
                forward(
                    req,
                    client.clone(),
                    backend.clone(),
                    cn.clone(),
                    sha.clone(),
                )
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(tls), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = conn_shutdown.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), conn).await;
                }
            }
        });
    }
}

async fn forward(
    req: Request<Incoming>,
    client: Client<HttpConnector, Full<Bytes>>,
    backend: Arc<Backend>,
    cn: Option<String>,
    sha: Option<String>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_REQUEST).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Ok(plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body too large or broken",
            ))
        }
    };
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/")
        .to_string();
    // The caller's identity comes from the TLS session only: drop any claim in the headers.
    let mut headers = parts.headers;
    headers.remove(CLIENT_CN_HEADER);
    headers.remove(CLIENT_SHA256_HEADER);
    headers.remove(hyper::header::HOST);
    if let Some(cn) = cn.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert(CLIENT_CN_HEADER, cn);
    }
    if let Some(sha) = sha.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
        headers.insert(CLIENT_SHA256_HEADER, sha);
    }
    let Ok(url) = wiremock::http::Url::parse(&format!("http://{}{path}", backend.address())) else {
        return Ok(plain(StatusCode::BAD_REQUEST, "bad request path"));
    };
    let request = wiremock::Request {
        url,
        method: parts.method,
        headers,
        body: body.to_vec(),
    };
    if let Some(direct) = backend.route(&request) {
        let answer = direct.respond_direct(&request);
        let mut r = Response::new(Full::new(Bytes::from(answer.body)));
        *r.status_mut() =
            StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        r.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            HeaderValue::from_static(answer.content_type),
        );
        return Ok(r);
    }
    let Ok(uri) = request.url.as_str().parse::<hyper::Uri>() else {
        return Ok(plain(StatusCode::BAD_REQUEST, "bad request path"));
    };
    let mut out = Request::builder().method(request.method).uri(uri);
    if let Some(h) = out.headers_mut() {
        *h = request.headers;
    }
    let Ok(out) = out.body(Full::new(body)) else {
        return Ok(plain(StatusCode::BAD_REQUEST, "bad request headers"));
    };
    let guard = backend.enter().await;
    let response = match client.request(out).await {
        Ok(resp) => {
            let (parts, body) = resp.into_parts();
            match body.collect().await {
                Ok(b) => Response::from_parts(parts, Full::new(b.to_bytes())),
                Err(_) => plain(StatusCode::BAD_GATEWAY, "mock backend broke off"),
            }
        }
        Err(_) => plain(StatusCode::BAD_GATEWAY, "mock backend unavailable"),
    };
    drop(guard);
    backend.after_request().await;
    Ok(response)
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *r.status_mut() = status;
    r
}
