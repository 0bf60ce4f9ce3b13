//! A hostile target: a TLS proxy in front of a mock that records every request and answer,
//! and for chosen requests answers itself with an echo of what it was sent (a server that
//! repeats secrets back). Include with `#[path = "support/echo_proxy.rs"] mod echo_proxy;`
//! after `run_support`.
#![allow(dead_code)]

use openssl::ssl::{SslAcceptor, SslConnector, SslFiletype, SslMethod, SslStream, SslVerifyMode};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as received, and what went back.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub head: String,
    pub body: Vec<u8>,
    /// The answer's body (de-chunked), forwarded or made up.
    pub answer: Vec<u8>,
    pub echoed: bool,
}

/// What the proxy answers itself instead of forwarding: `Some((status, content type,
/// body))`. `n` counts the requests to the same path, from 0.
pub type Decide =
    dyn Fn(&str, &str, &[u8], usize) -> Option<(u16, &'static str, Vec<u8>)> + Send + Sync;

pub struct EchoProxy {
    pub url: String,
    pub log: Arc<Mutex<Vec<Exchange>>>,
}

pub fn start(
    pki: &sp_contract::targets::pki::TestPki,
    upstream: SocketAddr,
    decide: Arc<Decide>,
) -> EchoProxy {
    let mut acc = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    acc.set_certificate_chain_file(&pki.server_pem).unwrap();
    acc.set_private_key_file(&pki.server_key_pem, SslFiletype::PEM)
        .unwrap();
    let acceptor = Arc::new(acc.build());
    let mut con = SslConnector::builder(SslMethod::tls()).unwrap();
    con.set_verify(SslVerifyMode::NONE);
    con.set_certificate_chain_file(&pki.client_pem).unwrap();
    con.set_private_key_file(&pki.client_key_pem, SslFiletype::PEM)
        .unwrap();
    let connector = Arc::new(con.build());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let log: Arc<Mutex<Vec<Exchange>>> = Arc::default();
    let counts: Arc<Mutex<std::collections::HashMap<String, usize>>> = Arc::default();
    let log2 = log.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(tcp) = conn else { continue };
            let (acceptor, connector, log, counts, decide) = (
                acceptor.clone(),
                connector.clone(),
                log2.clone(),
                counts.clone(),
                decide.clone(),
            );
            std::thread::spawn(move || {
                let _ = tcp.set_read_timeout(Some(Duration::from_secs(20)));
                let Ok(mut client) = acceptor.accept(tcp) else {
                    return;
                };
                // One request per connection: every answer says `Connection: close`.
                let Some((head, body)) = read_message(&mut client, true) else {
                    return;
                };
                let path = head
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .split('?')
                    .next()
                    .unwrap_or("")
                    .to_string();
                let n = {
                    let mut c = counts.lock().unwrap();
                    let e = c.entry(path.clone()).or_insert(0);
                    *e += 1;
                    *e - 1
                };
                let (bytes, answer, echoed) = match decide(&path, &head, &body, n) {
                    Some((status, ctype, answer)) => {
                        let mut out = format!(
                            "HTTP/1.1 {status} Echo\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            answer.len()
                        )
                        .into_bytes();
                        out.extend_from_slice(&answer);
                        (out, answer, true)
                    }
                    None => match forward(&connector, upstream, &head, &body) {
                        Some((out, answer)) => (out, answer, false),
                        None => return,
                    },
                };
                log.lock().unwrap().push(Exchange {
                    head,
                    body,
                    answer,
                    echoed,
                });
                let _ = client.write_all(&bytes);
                let _ = client.shutdown();
            });
        }
    });
    EchoProxy { url, log }
}

/// Send the request to the mock over mutual TLS; the answer as it goes back to the client
/// (with `Connection: close`), and its de-chunked body.
fn forward(
    connector: &SslConnector,
    upstream: SocketAddr,
    head: &str,
    body: &[u8],
) -> Option<(Vec<u8>, Vec<u8>)> {
    let tcp = TcpStream::connect(upstream).ok()?;
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(20)));
    let mut cfg = connector.configure().ok()?;
    cfg.set_verify_hostname(false);
    let mut up = cfg.connect("localhost", tcp).ok()?;
    up.write_all(close_head(head).as_bytes()).ok()?;
    up.write_all(body).ok()?;
    let mut raw = Vec::new();
    let _ = up.read_to_end(&mut raw);
    let split = find(&raw, b"\r\n\r\n")?;
    let rhead = String::from_utf8_lossy(&raw[..split]).to_string();
    let rbody = raw[split + 4..].to_vec();
    let answer = if header(&rhead, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        dechunk(&rbody)
    } else {
        rbody.clone()
    };
    let mut out = close_head(&rhead).into_bytes();
    out.extend_from_slice(&rbody);
    Some((out, answer))
}

/// The head with `Connection: close` instead of whatever it said, ending in a blank line.
fn close_head(head: &str) -> String {
    let mut out: String = head
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str("Connection: close\r\n\r\n");
    out
}

pub fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Read a request head and its body (Content-Length or chunked).
fn read_message(s: &mut SslStream<TcpStream>, _request: bool) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let split = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let mut body = buf[split + 4..].to_vec();
    if header(&head, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        while find(&body, b"0\r\n\r\n").is_none() {
            let n = s.read(&mut chunk).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
        return Some((head, dechunk(&body)));
    }
    let len: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while body.len() < len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((head, body))
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = find(b, b"\r\n") {
        let size = std::str::from_utf8(&b[..i])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || b.len() < i + 2 + size {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + size]);
        b = &b[(i + 4 + size).min(b.len())..];
    }
    out
}
