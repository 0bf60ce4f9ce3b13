//! The connections under every call: TCP, then mutual TLS with OpenSSL configured by us, not
//! by a TLS wrapper library.
//!
//! The rule it keeps: trust roots are loaded only where the target's trust asks for them, once
//! per run. The system's CA bundle (a few hundred certificates, parsed on every load) is read
//! only for a target with `system_roots`, never for the embedded mock or an `only_ca` target;
//! one [`TrustContext`] serves every identity of a run, which presents its own certificate per
//! connection. Host names are checked as in `doctor::tls`: SNI and the certificate's name for
//! a host, the address for an IP.

use crate::targets::pki::Identity;
use crate::targets::target::Trust;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::TokioIo;
use openssl::ssl::{Ssl, SslContext, SslContextBuilder, SslMethod, SslMode, SslVerifyMode};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_openssl::SslStream;

/// Why no connection was made. The texts are what `transport::classify` reads.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("only https:// is spoken, not {0}")]
    NotHttps(String),
    #[error("the URL names no host")]
    NoHost,
    #[error("{0}")]
    Resolve(std::io::Error),
    #[error("{0}")]
    Tcp(std::io::Error),
    #[error("connect timed out")]
    Timeout,
    #[error("cannot set up TLS: {0}")]
    Setup(openssl::error::ErrorStack),
    /// The handshake failed; `verify` is OpenSSL's verdict on the server's certificate when it
    /// is not OK (written after the error, as in `unknown ca (hostname mismatch)`).
    #[error("{error}{verify}")]
    Handshake {
        error: openssl::ssl::Error,
        verify: String,
    },
}

impl ConnectError {
    pub fn is_timeout(&self) -> bool {
        matches!(self, ConnectError::Timeout)
    }
}

/// The run's trust in servers: an OpenSSL client context with the roots the target's trust
/// names and nothing else. Building it is the only place the system roots are read.
pub struct TrustContext(SslContext);

impl TrustContext {
    pub fn new(trust: &Trust) -> Result<TrustContext, String> {
        let setup = |e: openssl::error::ErrorStack| format!("cannot set up TLS: {e}");
        let mut b = SslContextBuilder::new(SslMethod::tls_client()).map_err(setup)?;
        b.set_verify(SslVerifyMode::PEER);
        // What OpenSSL's own connector sets (tokio-openssl may retry a write from another
        // buffer, and partial writes are how an async stream works), except that each
        // connection keeps its record buffers: releasing them after every record made each
        // request allocate and free them again (perf saw the heap grow there). Read-ahead
        // takes a record's header and body in one read.
        b.set_mode(
            SslMode::AUTO_RETRY
                | SslMode::ACCEPT_MOVING_WRITE_BUFFER
                | SslMode::ENABLE_PARTIAL_WRITE,
        );
        b.set_read_ahead(true);
        if trust.system_roots {
            b.set_default_verify_paths().map_err(setup)?;
        }
        if let Some(ca) = &trust.ca_pem {
            let roots =
                crate::targets::pki::load_ca_pem(ca).map_err(|e| crate::error::chain(&e))?;
            for r in roots {
                b.cert_store_mut().add_cert(r).map_err(setup)?;
            }
        }
        Ok(TrustContext(b.build()))
    }
}

/// Makes connections for one identity: hyper's legacy client calls it for every new one.
#[derive(Clone)]
pub struct Connector {
    trust: Arc<TrustContext>,
    identity: Arc<Identity>,
    connect_timeout: Duration,
}

impl Connector {
    pub fn new(
        trust: Arc<TrustContext>,
        identity: Arc<Identity>,
        connect_timeout: Duration,
    ) -> Self {
        Connector {
            trust,
            identity,
            connect_timeout,
        }
    }
}

type Connecting = Pin<Box<dyn Future<Output = Result<TokioIo<TlsStream>, ConnectError>> + Send>>;

impl tower_service::Service<http::Uri> for Connector {
    type Response = TokioIo<TlsStream>;
    type Error = ConnectError;
    type Future = Connecting;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: http::Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            // Bounded as a whole, TCP and handshake, like any connect timeout of an HTTP client.
            tokio::time::timeout(this.connect_timeout, this.connect(uri))
                .await
                .unwrap_or(Err(ConnectError::Timeout))
                .map(TokioIo::new)
        })
    }
}

impl Connector {
    async fn connect(self, uri: http::Uri) -> Result<TlsStream, ConnectError> {
        if uri.scheme_str() != Some("https") {
            return Err(ConnectError::NotHttps(
                uri.scheme_str().unwrap_or("no scheme").to_string(),
            ));
        }
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or(ConnectError::NoHost)?;
        // `[::1]` in a URL is the address ::1.
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let ip: Option<IpAddr> = bare.parse().ok();
        let port = uri.port_u16().unwrap_or(443);
        let tcp = match ip {
            Some(ip) => TcpStream::connect(SocketAddr::new(ip, port))
                .await
                .map_err(ConnectError::Tcp)?,
            None => first_answering(bare, port).await?,
        };
        let _ = tcp.set_nodelay(true);
        let ssl = self.ssl(bare, ip).map_err(ConnectError::Setup)?;
        let mut stream = SslStream::new(ssl, tcp).map_err(ConnectError::Setup)?;
        if let Err(error) = Pin::new(&mut stream).connect().await {
            let vr = stream.ssl().verify_result();
            let verify = if vr == openssl::x509::X509VerifyResult::OK {
                String::new()
            } else {
                format!(" ({})", vr.error_string())
            };
            return Err(ConnectError::Handshake { error, verify });
        }
        Ok(TlsStream::new(stream))
    }

    /// One connection's TLS: the run's trust, this identity's certificate, the server's name.
    fn ssl(&self, host: &str, ip: Option<IpAddr>) -> Result<Ssl, openssl::error::ErrorStack> {
        let id = &self.identity;
        let mut ssl = Ssl::new(&self.trust.0)?;
        ssl.set_certificate(&id.cert)?;
        ssl.set_private_key(&id.key)?;
        for c in &id.chain {
            ssl.add_chain_cert(c.clone())?;
        }
        match ip {
            Some(ip) => ssl.param_mut().set_ip(ip)?,
            None => {
                ssl.set_hostname(host)?;
                ssl.param_mut().set_host(host)?;
            }
        }
        Ok(ssl)
    }
}

/// Resolve `host` and connect to the first of its addresses that answers.
async fn first_answering(host: &str, port: u16) -> Result<TcpStream, ConnectError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(ConnectError::Resolve)?
        .collect();
    let mut last = None;
    for a in addrs {
        match TcpStream::connect(a).await {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => ConnectError::Tcp(e),
        None => ConnectError::Resolve(std::io::Error::other(format!(
            "{host} resolves to no address"
        ))),
    })
}

/// A TLS connection as hyper wants it: tokio's I/O plus [`Connection`].
///
/// In TLS 1.3 the server judges our certificate after our side of the handshake is done, so
/// its refusal (an alert: certificate expired, unknown CA) arrives on a connection we already
/// count as made. hyper reads an idle connection at once; had it met the alert there, the
/// connection would die before the first request went out, and the request would learn only
/// "connection was not ready", not why. So a TLS error read before anything was written is
/// kept and given to the first write, where the request that used the connection sees it.
pub struct TlsStream {
    inner: SslStream<TcpStream>,
    written: bool,
    refused: Option<std::io::Error>,
}

impl TlsStream {
    fn new(inner: SslStream<TcpStream>) -> Self {
        TlsStream {
            inner,
            written: false,
            refused: None,
        }
    }
}

/// Whether a read failed inside TLS (the peer's alert, a broken record), not on the socket.
fn is_tls_error(e: &std::io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<openssl::ssl::Error>())
}

impl Connection for TlsStream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.refused.is_some() {
            // Waits for the first write, which reports it.
            return Poll::Pending;
        }
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Err(e)) if !self.written && is_tls_error(&e) => {
                self.refused = Some(e);
                Poll::Pending
            }
            other => other,
        }
    }
}

impl AsyncWrite for TlsStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        if let Some(e) = self.refused.take() {
            self.written = true;
            return Poll::Ready(Err(e));
        }
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if polled.is_ready() {
            self.written = true;
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
