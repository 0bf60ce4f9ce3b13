//! A hostile remote target for the bad-input corpus: a TLS (or plain) HTTP/1.1 server that
//! answers what a case tells it (redirects, gateway pages, echoes of the request, truncated,
//! oversized or stalled answers), and a witness that must never be contacted.
//! Include with `#[path = "support/hostile.rs"] mod hostile;`.
#![allow(dead_code)]

use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod, SslVerifyMode};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One canned answer. Text fields may hold `{echo}` (the request body), `{echo_headers}`
/// (the request head) and `{witness}` (the witness's host:port).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    #[serde(default = "ok")]
    pub status: u16,
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub body: String,
    /// Repeat the body this many times (oversized answers).
    #[serde(default)]
    pub body_repeat: Option<usize>,
    /// Declare this Content-Length, send the body, then close (a truncated answer).
    #[serde(default)]
    pub content_length: Option<u64>,
    /// Wait this long after reading the request before answering.
    #[serde(default)]
    pub stall_ms: Option<u64>,
}

fn ok() -> u16 {
    200
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub path_prefix: String,
    #[serde(flatten)]
    pub answer: Answer,
}

/// What the server does: `[server]` of a case.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default = "yes")]
    pub tls: bool,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(flatten)]
    pub answer: Answer,
}

fn yes() -> bool {
    true
}

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub head: String,
    pub body: Vec<u8>,
}

/// A listener that counts connections and closes each at once.
pub struct Witness {
    pub addr: String,
    pub hits: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Witness {
    pub fn start() -> Witness {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind witness");
        let addr = l.local_addr().unwrap().to_string();
        let hits = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        std::thread::spawn(move || {
            for c in l.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                if c.is_ok() {
                    h.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        Witness { addr, hits, stop }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Witness {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop; this connection is not counted (stop is set first).
        let _ = TcpStream::connect(&self.addr);
    }
}

/// The hostile server, served until dropped.
pub struct Hostile {
    pub url: String,
    pub addr: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
    }
}

/// Serve `spec` on a free loopback port with the test PKI's server certificate (`certs`).
pub fn start(spec: Spec, certs: &Path, witness: &str) -> Hostile {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind hostile server");
    let addr = l.local_addr().unwrap().to_string();
    let scheme = if spec.tls { "https" } else { "http" };
    let url = format!("{scheme}://{addr}");
    let acceptor = spec.tls.then(|| {
        let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
        b.set_private_key_file(certs.join("server-key.pem"), SslFiletype::PEM)
            .unwrap();
        b.set_certificate_chain_file(certs.join("server.pem"))
            .unwrap();
        // Ask for the client certificate (as the platform does) but take any.
        b.set_verify_callback(SslVerifyMode::PEER, |_, _| true);
        Arc::new(b.build())
    });
    let seen = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (seen2, stop2, witness) = (seen.clone(), stop.clone(), witness.to_string());
    let spec = Arc::new(spec);
    std::thread::spawn(move || {
        for c in l.incoming() {
            if stop2.load(Ordering::SeqCst) {
                break;
            }
            let Ok(tcp) = c else { continue };
            let (spec, seen, stop, witness, acceptor) = (
                spec.clone(),
                seen2.clone(),
                stop2.clone(),
                witness.clone(),
                acceptor.clone(),
            );
            std::thread::spawn(move || {
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(30)));
                match acceptor {
                    Some(a) => {
                        if let Ok(tls) = a.accept(tcp) {
                            serve(tls, &spec, &seen, &stop, &witness);
                        }
                    }
                    None => serve(tcp, &spec, &seen, &stop, &witness),
                }
            });
        }
    });
    Hostile {
        url,
        addr,
        seen,
        stop,
    }
}

fn serve<S: Read + Write>(
    mut s: S,
    spec: &Spec,
    seen: &Mutex<Vec<Seen>>,
    stop: &AtomicBool,
    witness: &str,
) {
    loop {
        let Some((head, body)) = read_request(&mut s) else {
            return;
        };
        seen.lock().unwrap().push(Seen {
            head: head.clone(),
            body: body.clone(),
        });
        let path = head
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("/")
            .to_string();
        let a = spec
            .routes
            .iter()
            .find(|r| path.starts_with(&r.path_prefix))
            .map(|r| &r.answer)
            .unwrap_or(&spec.answer);
        if let Some(ms) = a.stall_ms {
            let until = Instant::now() + Duration::from_millis(ms);
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let fill = |t: &str| {
            t.replace("{echo}", &String::from_utf8_lossy(&body))
                .replace("{echo_headers}", &head)
                .replace("{witness}", witness)
        };
        let one = fill(&a.body);
        let payload = one.repeat(a.body_repeat.unwrap_or(1));
        let mut out = format!("HTTP/1.1 {} Hostile\r\n", a.status);
        for (k, v) in &a.headers {
            out.push_str(&format!("{k}: {}\r\n", fill(v)));
        }
        let len = a.content_length.unwrap_or(payload.len() as u64);
        out.push_str(&format!("Content-Length: {len}\r\n"));
        let close = a.content_length.is_some();
        if close {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        if s.write_all(out.as_bytes()).is_err() || s.write_all(payload.as_bytes()).is_err() {
            return;
        }
        let _ = s.flush();
        if close {
            return;
        }
    }
}

/// Head and body of one request (Content-Length bodies; chunked bodies are read to the
/// terminating chunk). None at end of stream or on anything unreadable.
fn read_request<S: Read>(s: &mut S) -> Option<(String, Vec<u8>)> {
    const CAP: usize = 64 * 1024 * 1024;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 || buf.len() > CAP {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let lower = head.to_ascii_lowercase();
    let mut body = buf[head_end..].to_vec();
    if let Some(len) = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        while body.len() < len.min(CAP) {
            let n = s.read(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if lower.contains("transfer-encoding: chunked") {
        while find(&body, b"0\r\n\r\n").is_none() && body.len() < CAP {
            let n = s.read(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    Some((head, body))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
