//! The doctor's TLS check: resolve the target's host, connect, and make the mutual-TLS
//! handshake with the target's own certificate, and when that fails say why in terms a
//! vendor can act on (unknown CA, wrong host name, certificate refused, not TLS at all).
//!
//! It talks to OpenSSL directly rather than through the HTTP client, because only here the
//! verification result and the server's alert are still apart; `transport::classify` has to
//! guess them back from an error text. After the handshake it sends one `HEAD /` and reads
//! the first bytes: with TLS 1.3 a server refuses a client certificate only after the
//! client thinks the handshake is done, so only reading shows the refusal.

use crate::targets::pki::Identity;
use crate::targets::target::Target;
use openssl::ssl::{HandshakeError, Ssl, SslContextBuilder, SslMethod, SslVerifyMode};
use openssl::x509::X509VerifyResult;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// What a successful check saw.
#[derive(Debug, Clone)]
pub struct HandshakeInfo {
    pub host: String,
    pub addresses: Vec<String>,
    pub peer: String,
    /// `TLSv1.3`.
    pub protocol: String,
    pub server_subject: String,
    pub server_issuer: String,
}

/// Why the connection could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsProblemKind {
    BadUrl,
    Resolve,
    Connect,
    Timeout,
    /// We do not trust the server's certificate.
    UnknownCa,
    /// The server's certificate names another host.
    WrongHost,
    /// The server's certificate has expired or is not yet valid.
    ServerCertInvalid,
    /// The server refused our client certificate (a TLS alert).
    CertificateRefused,
    /// The server hung up during the handshake without saying why.
    Closed,
    /// The port does not speak TLS.
    NotTls,
    Other,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{detail}")]
pub struct TlsProblem {
    pub kind: TlsProblemKind,
    pub host: String,
    /// The addresses the host resolved to, when it got that far.
    pub resolved: Option<String>,
    pub detail: String,
}

impl TlsProblem {
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn resolved(&self) -> Option<&str> {
        self.resolved.as_deref()
    }

    /// One line for the doctor's list.
    pub fn headline(&self) -> String {
        use TlsProblemKind::*;
        match self.kind {
            BadUrl => "the target's base_url cannot be used".into(),
            Resolve => format!("{} does not resolve", self.host),
            Connect => format!("no connection to {}", self.host),
            Timeout => format!("{} does not answer in time", self.host),
            UnknownCa => {
                "the TLS handshake failed: we do not trust the server's certificate (unknown CA)"
                    .into()
            }
            WrongHost => format!(
                "the TLS handshake failed: the server's certificate is not for {}",
                self.host
            ),
            ServerCertInvalid => {
                "the TLS handshake failed: the server's certificate is not valid now".into()
            }
            CertificateRefused => {
                "the TLS handshake failed: the server refused our client certificate".into()
            }
            Closed => "the TLS handshake failed: the server closed the connection".into(),
            NotTls => format!("{} does not speak TLS on this port", self.host),
            Other => "the TLS handshake failed".into(),
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        use TlsProblemKind::*;
        match self.kind {
            BadUrl => "write base_url as https://host[:port]".into(),
            Resolve => "check the host name in base_url and that DNS works from this machine".into(),
            Connect => "check base_url's host and port, and that this machine may reach it (firewall, proxy, VPN)".into(),
            Timeout => "check the port and any firewall in between; raise [targets.<name>.timeouts] connect_ms or request_ms if the line is slow".into(),
            UnknownCa => "for exttest and production keep the system's trust roots (only_ca = false, Debian package ca-certificates); for a mock or a private CA give its certificate as ca = \"ca.pem\"".into(),
            WrongHost => "use the host name the server's certificate was issued for in base_url".into(),
            ServerCertInvalid => "the server's own certificate is out of date: if this is Serviceplatformen, tell its Helpdesk; check this machine's clock".into(),
            CertificateRefused => "use the function certificate (OCES3/FOCES) that is registered on the it-system, within its validity, with its private key, issued by a CA the platform trusts".into(),
            Closed => "the server hung up without saying why: most often it did not accept the client certificate (see the certificate above), or something in between cut the connection".into(),
            NotTls => "base_url must point at the HTTPS port of the platform".into(),
            Other => "check the certificate, the CA and that the target speaks HTTPS on this port".into(),
        }
    }
}

/// Resolve, connect and make the handshake with `id` (the target's own certificate).
/// Blocking, bounded by the target's timeouts.
pub fn check(target: &Target, id: &Identity) -> Result<HandshakeInfo, TlsProblem> {
    let problem = |kind, host: &str, resolved: Option<String>, detail: String| TlsProblem {
        kind,
        host: host.to_string(),
        resolved,
        detail: crate::evidence::redact::text(&detail),
    };
    let url = url::Url::parse(&target.base_url).map_err(|e| {
        problem(
            TlsProblemKind::BadUrl,
            &target.base_url,
            None,
            format!("base_url '{}': {e}", target.base_url),
        )
    })?;
    let Some(host_text) = url.host_str().filter(|h| !h.is_empty()).map(str::to_string) else {
        return Err(problem(
            TlsProblemKind::BadUrl,
            &target.base_url,
            None,
            format!("base_url '{}' names no host", target.base_url),
        ));
    };
    // `[::1]` in a URL is the address ::1.
    let ip: Option<std::net::IpAddr> = host_text
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok();
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = match ip {
        Some(ip) => vec![SocketAddr::new(ip, port)],
        None => (host_text.as_str(), port)
            .to_socket_addrs()
            .map_err(|e| {
                problem(
                    TlsProblemKind::Resolve,
                    &host_text,
                    None,
                    format!("cannot resolve {host_text}: {e}"),
                )
            })?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(problem(
            TlsProblemKind::Resolve,
            &host_text,
            None,
            format!("{host_text} resolves to no address"),
        ));
    }
    let resolved = addrs.iter().map(|a| a.ip().to_string()).collect::<Vec<_>>();
    let resolved_text = resolved.join(", ");
    let fail =
        |kind, detail: String| problem(kind, &host_text, Some(resolved_text.clone()), detail);

    // Connect to the first address that answers.
    let connect_timeout = target.timeouts.connect();
    let mut last_err = None;
    let mut tcp = None;
    for a in &addrs {
        match TcpStream::connect_timeout(a, connect_timeout) {
            Ok(s) => {
                tcp = Some((s, *a));
                break;
            }
            Err(e) => last_err = Some((*a, e)),
        }
    }
    let (tcp, peer) = match tcp {
        Some(t) => t,
        None => {
            let (a, e) = last_err.expect("at least one address was tried");
            let kind = if e.kind() == std::io::ErrorKind::TimedOut {
                TlsProblemKind::Timeout
            } else {
                TlsProblemKind::Connect
            };
            return Err(fail(kind, format!("could not connect to {a}: {e}")));
        }
    };
    // Bounded: a server that accepts and never speaks must not hang the doctor.
    let io_timeout = target.timeouts.request().min(Duration::from_secs(30));
    let _ = tcp.set_read_timeout(Some(io_timeout));
    let _ = tcp.set_write_timeout(Some(io_timeout));
    let _ = tcp.set_nodelay(true);

    let setup = |e: openssl::error::ErrorStack| {
        fail(TlsProblemKind::Other, format!("cannot set up TLS: {e}"))
    };
    let mut b = SslContextBuilder::new(SslMethod::tls_client()).map_err(setup)?;
    b.set_verify(SslVerifyMode::PEER);
    if target.trust.system_roots {
        b.set_default_verify_paths().map_err(setup)?;
    }
    if let Some(ca) = &target.trust.ca_pem {
        let roots = crate::targets::pki::load_ca_pem(ca)
            .map_err(|e| fail(TlsProblemKind::Other, crate::error::chain(&e)))?;
        for r in roots {
            b.cert_store_mut().add_cert(r).map_err(setup)?;
        }
    }
    b.set_certificate(&id.cert).map_err(setup)?;
    b.set_private_key(&id.key).map_err(setup)?;
    for c in &id.chain {
        b.add_extra_chain_cert(c.clone()).map_err(setup)?;
    }
    let ctx = b.build();
    let mut ssl = Ssl::new(&ctx).map_err(setup)?;
    match ip {
        Some(ip) => ssl.param_mut().set_ip(ip).map_err(setup)?,
        None => {
            ssl.set_hostname(&host_text).map_err(setup)?;
            ssl.param_mut().set_host(&host_text).map_err(setup)?;
        }
    }

    let mut stream = match ssl.connect(tcp) {
        Ok(s) => s,
        Err(HandshakeError::WouldBlock(_)) => {
            return Err(fail(
                TlsProblemKind::Timeout,
                format!("{peer} accepted the connection but the TLS handshake did not finish within {io_timeout:?}"),
            ))
        }
        Err(HandshakeError::SetupFailure(e)) => return Err(setup(e)),
        Err(HandshakeError::Failure(mid)) => {
            let vr = mid.ssl().verify_result();
            let text = format!("{}", mid.error());
            return Err(classify(vr, &text, &peer, &fail));
        }
    };
    let protocol = stream.ssl().version_str().to_string();
    let (server_subject, server_issuer) = stream
        .ssl()
        .peer_certificate()
        .and_then(|c| crate::targets::pki::CertInfo::from_x509(&c).ok())
        .map(|i| (i.subject, i.issuer))
        .unwrap_or_else(|| ("(none)".into(), "(none)".into()));

    // With TLS 1.3 the server judges our certificate after our side has finished: only a
    // read shows whether it was accepted. Listen first, briefly: a request sent now would
    // still sit unread when a refusing server closes, and the kernel would then answer
    // with a reset that swallows the server's alert.
    if protocol == "TLSv1.3" {
        let _ = stream
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(700)));
        let mut one = [0u8; 1];
        match stream.ssl_read(&mut one) {
            Ok(_) => {}
            Err(e) if e.code() == openssl::ssl::ErrorCode::ZERO_RETURN => {
                return Err(fail(
                    TlsProblemKind::Closed,
                    format!("{peer} completed the handshake and then closed the connection"),
                ))
            }
            Err(e) => {
                let timed_out = e.io_error().is_some_and(|io| {
                    matches!(
                        io.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    )
                });
                if !timed_out {
                    return Err(classify(X509VerifyResult::OK, &e.to_string(), &peer, &fail));
                }
            }
        }
        let _ = stream.get_ref().set_read_timeout(Some(io_timeout));
    }
    let request = format!(
        "HEAD / HTTP/1.1\r\nHost: {host_text}\r\nUser-Agent: sp-contract-doctor/{}\r\nConnection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    let mut buf = [0u8; 64];
    let read = stream
        .write_all(request.as_bytes())
        .and_then(|_| stream.read(&mut buf));
    match read {
        Ok(n) if n > 0 => {}
        Ok(_) => {
            return Err(fail(
                TlsProblemKind::Closed,
                format!(
                "{peer} completed the handshake and then closed the connection without an answer"
            ),
            ))
        }
        Err(e) => {
            let text = match e
                .get_ref()
                .and_then(|i| i.downcast_ref::<openssl::ssl::Error>())
            {
                Some(s) => s.to_string(),
                None => e.to_string(),
            };
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) {
                // Handshake done and no refusal: a quiet server is not a TLS problem.
            } else {
                return Err(classify(X509VerifyResult::OK, &text, &peer, &fail));
            }
        }
    }
    let _ = stream.shutdown();
    Ok(HandshakeInfo {
        host: host_text,
        addresses: resolved,
        peer: peer.to_string(),
        protocol,
        server_subject,
        server_issuer,
    })
}

fn classify(
    vr: X509VerifyResult,
    error_text: &str,
    peer: &SocketAddr,
    fail: &dyn Fn(TlsProblemKind, String) -> TlsProblem,
) -> TlsProblem {
    if vr != X509VerifyResult::OK {
        // X509_V_ERR_HOSTNAME_MISMATCH (62), _IP_ADDRESS_MISMATCH (64); CERT_NOT_YET_VALID (9),
        // CERT_HAS_EXPIRED (10); the rest are trust problems.
        let kind = match vr.as_raw() {
            62 | 64 => TlsProblemKind::WrongHost,
            9 | 10 => TlsProblemKind::ServerCertInvalid,
            _ => TlsProblemKind::UnknownCa,
        };
        return fail(
            kind,
            format!(
                "verifying the server certificate of {peer}: {}",
                vr.error_string()
            ),
        );
    }
    let lower = error_text.to_ascii_lowercase();
    let alert = regex::Regex::new(r"(?i)(?:sslv3|tlsv1|tlsv13) alert ([a-z ]+)")
        .expect("static regex")
        .captures(error_text)
        .map(|c| c[1].trim().to_string());
    if let Some(alert) = alert {
        return fail(
            TlsProblemKind::CertificateRefused,
            format!("{peer} ended the handshake with the TLS alert \"{alert}\""),
        );
    }
    // The words OpenSSL uses when the other side speaks something else, or hangs up.
    const NOT_TLS: [&str; 4] = [
        "wrong version number",
        "packet length too long",
        "http request",
        "record layer failure",
    ];
    const CLOSED: [&str; 3] = ["unexpected eof", "reset by peer", "broken pipe"];
    let says = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    let reason = first_reason(error_text);
    if says(&NOT_TLS) {
        fail(
            TlsProblemKind::NotTls,
            format!("{peer} answered with something that is not TLS ({reason})"),
        )
    } else if says(&CLOSED) {
        fail(
            TlsProblemKind::Closed,
            format!("{peer} closed the connection during the handshake ({reason})"),
        )
    } else {
        fail(TlsProblemKind::Other, format!("{peer}: {reason}"))
    }
}

/// OpenSSL's stack strings are long; keep the reason part.
fn first_reason(text: &str) -> String {
    let re = regex::Regex::new(r"(?i)SSL routines:[^:]*:([^:\]]+)").expect("static regex");
    match re.captures(text) {
        Some(c) => c[1].trim().to_string(),
        None => text.trim().to_string(),
    }
}
