//! What goes on the wire against a hostile target: redirects are never followed (on the SOAP
//! call, both token hops, PostForespoerg and `doctor`), gateway pages, oversized, truncated
//! and stalled answers are "not reached" (exit 3), and certificate dates are checked before
//! connecting (exit 2).

#[path = "support/run.rs"]
mod run_support;

use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod, SslVerifyMode};
use run_support::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A listener that must receive no connection: counts what connects.
struct Witness {
    addr: String,
    connections: Arc<AtomicUsize>,
}

fn witness() -> Witness {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    std::thread::spawn(move || {
        for c in listener.incoming() {
            count.fetch_add(1, Ordering::SeqCst);
            drop(c);
        }
    });
    Witness { addr, connections }
}

/// One request as the hostile server read it.
#[derive(Debug, Clone)]
struct Seen {
    /// `POST /path HTTP/1.1`
    line: String,
    body: String,
}

/// What the hostile server answers to a request: the raw bytes after the head is read.
type Answer = dyn Fn(&Seen) -> Vec<u8> + Send + Sync;

/// A TLS server with the test PKI's server certificate that answers every request with
/// `answer`, keeping what it saw.
struct Hostile {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Hostile {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn hostile(answer: impl Fn(&Seen) -> Vec<u8> + Send + Sync + 'static) -> Hostile {
    let pki = pki();
    let mut b = SslAcceptor::mozilla_intermediate(SslMethod::tls()).unwrap();
    b.set_certificate_chain_file(&pki.server_pem).unwrap();
    b.set_private_key_file(&pki.server_key_pem, SslFiletype::PEM)
        .unwrap();
    // Ask for the client certificate, as the platform does, but accept any.
    b.set_verify_callback(SslVerifyMode::PEER, |_, _| true);
    let acceptor = Arc::new(b.build());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let answer: Arc<Answer> = Arc::new(answer);
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (acceptor, log, answer) = (acceptor.clone(), log.clone(), answer.clone());
            std::thread::spawn(move || serve_one(conn, &acceptor, &log, &*answer));
        }
    });
    Hostile { url, seen }
}

fn serve_one(conn: TcpStream, acceptor: &SslAcceptor, log: &Mutex<Vec<Seen>>, answer: &Answer) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(tls) = acceptor.accept(conn) else {
        return;
    };
    let mut r = BufReader::new(tls);
    // One request per connection: the answer says `Connection: close`.
    let mut line = String::new();
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0u8; length];
    let _ = r.read_exact(&mut body);
    let seen = Seen {
        line: line.trim().to_string(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    log.lock().unwrap().push(seen.clone());
    let out = answer(&seen);
    let tls = r.get_mut();
    let _ = tls.write_all(&out);
    let _ = tls.flush();
    let _ = tls.shutdown();
}

fn http(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut s = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.into_bytes()
}

fn redirect(status: &str, to: &str) -> Vec<u8> {
    http(
        status,
        &[("Location", to), ("Content-Type", "text/html")],
        "<html>moved</html>",
    )
}

/// A STS reply the client accepts: a SAML 2.0 assertion valid until 2099.
fn sts_ok() -> Vec<u8> {
    use base64::Engine as _;
    let assertion = base64::engine::general_purpose::STANDARD
        .encode(r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="x"/>"#);
    http(
        "200 OK",
        &[("Content-Type", "application/json")],
        &format!(
            r#"{{"RequestedSecurityToken": {{"Assertion": "{assertion}"}}, "Lifetime": "12/31/2099 00:00:00"}}"#
        ),
    )
}

fn access_token_ok() -> Vec<u8> {
    http(
        "200 OK",
        &[("Content-Type", "application/json")],
        r#"{"access_token": "hostile-token", "token_type": "Holder-of-key", "expires_in": 3600}"#,
    )
}

const STS: &str = "/runtime/api/rest/wstrust/v1/issue";
const ACCESS_TOKEN: &str = "/service/AccessTokenService_1/token";

/// `run --name NAME` against the hostile server as target `local`.
fn run_against(server: &Hostile, name: &str, extra: &str) -> (i32, String) {
    let dir = tmp();
    let cfg = remote_config(
        dir.path(),
        &server.url,
        Remote {
            extra,
            ..Remote::default()
        },
    );
    let snaps = snapshots_for_local(dir.path());
    run(sp(&[
        "run",
        "--target",
        "local",
        "--config",
        cfg.to_str().unwrap(),
        "--snapshots",
        snaps.to_str().unwrap(),
        "--name",
        name,
    ]))
}

const LOOKUP: &str = "^Død borger$";
const POST_FORESPOERG: &str = "^Tilmeldt borger er tilmeldt Digital Post ifølge PostForespoerg$";

/// The redirect is refused with exit 3 naming the Location's host, the server saw exactly
/// one request and the other host nothing.
fn assert_refused(code: i32, out: &str, server: &Hostile, w: &Witness, requests: usize) {
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("never follows redirects") && out.contains(&w.addr),
        "names the redirect and the Location host: {out}"
    );
    assert_eq!(server.seen().len(), requests, "{:?}", server.seen());
    assert_eq!(
        w.connections.load(Ordering::SeqCst),
        0,
        "the redirect was followed: {out}"
    );
}

#[test]
fn soap_call_does_not_follow_a_307_to_plain_http() {
    let w = witness();
    let to = format!("http://{}/x?cpr=0101801234", w.addr);
    let server = hostile(move |_| redirect("307 Temporary Redirect", &to));
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_refused(code, &out, &server, &w, 1);
    assert!(out.contains("HTTP 307"), "{out}");
    assert!(
        !out.contains("0101801234") && !out.contains("cpr="),
        "the Location's query is not shown: {out}"
    );
}

#[test]
fn soap_call_does_not_follow_a_302_to_another_tls_host() {
    let w = witness();
    let to = format!("https://{}/service/CPR/PersonBaseDataExtended/4", w.addr);
    let server = hostile(move |_| redirect("302 Found", &to));
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_refused(code, &out, &server, &w, 1);
}

#[test]
fn sts_hop_does_not_follow_a_redirect() {
    let w = witness();
    let to = format!("https://{}{STS}", w.addr);
    let server = hostile(move |_| redirect("307 Temporary Redirect", &to));
    let (code, out) = run_against(&server, POST_FORESPOERG, "");
    assert_refused(code, &out, &server, &w, 1);
    assert!(out.contains("STS"), "{out}");
}

#[test]
fn access_token_hop_does_not_repost_the_assertion_elsewhere() {
    let w = witness();
    let to = format!("http://{}/steal", w.addr);
    let server = hostile(move |s| {
        if s.line.contains(STS) {
            sts_ok()
        } else {
            redirect("307 Temporary Redirect", &to)
        }
    });
    let (code, out) = run_against(&server, POST_FORESPOERG, "");
    assert_refused(code, &out, &server, &w, 2);
    let seen = server.seen();
    assert!(seen[1].line.contains(ACCESS_TOKEN), "{seen:?}");
    assert!(seen[1].body.starts_with("saml-token="), "{seen:?}");
    assert!(out.contains("AccessTokenService"), "{out}");
}

#[test]
fn post_forespoerg_does_not_resend_the_cpr_number_elsewhere() {
    let w = witness();
    let to = format!("https://{}/elsewhere", w.addr);
    let server = hostile(move |s| {
        if s.line.contains(STS) {
            sts_ok()
        } else if s.line.contains(ACCESS_TOKEN) {
            access_token_ok()
        } else {
            redirect("302 Found", &to)
        }
    });
    let (code, out) = run_against(&server, POST_FORESPOERG, "");
    assert_refused(code, &out, &server, &w, 3);
    let seen = server.seen();
    assert!(seen[2].line.contains("cprNumber="), "{seen:?}");
    assert!(
        !out.contains("cprNumber"),
        "the request's query is not shown: {out}"
    );
}

#[test]
fn doctor_does_not_follow_a_redirect() {
    let w = witness();
    let to = format!("https://{}/", w.addr);
    let server = hostile(move |_| redirect("308 Permanent Redirect", &to));
    let dir = tmp();
    let cfg = remote_config(dir.path(), &server.url, Remote::default());
    let (code, out) = run(sp(&[
        "doctor",
        "--target",
        "local",
        "--config",
        cfg.to_str().unwrap(),
    ]));
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("never follows redirects"), "{out}");
    assert_eq!(w.connections.load(Ordering::SeqCst), 0, "{out}");
}

#[test]
fn gateway_html_on_500_is_not_reached_and_retried() {
    let server = hostile(|_| {
        http(
            "500 Internal Server Error",
            &[("Content-Type", "text/html")],
            "<!DOCTYPE html><html><body>Bad gateway</body></html>",
        )
    });
    let dir = tmp();
    let cfg = remote_config(dir.path(), &server.url, Remote::default());
    let (code, out) = run(sp(&[
        "run",
        "--target",
        "local",
        "--config",
        cfg.to_str().unwrap(),
        "--name",
        LOOKUP,
        "--retries",
        "1",
    ]));
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("HTTP 500") && out.contains("an HTML page"),
        "{out}"
    );
    assert_eq!(server.seen().len(), 2, "retried once: {out}");
}

#[test]
fn soap_fault_on_500_stays_the_platforms_answer() {
    let fault = sp_contract::soap::fault_envelope("soap:Server", "Intern fejl", &[]);
    let server = hostile(move |_| {
        http(
            "500 Internal Server Error",
            &[("Content-Type", "text/xml; charset=utf-8")],
            &fault,
        )
    });
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 1, "a fault where data was expected: {out}");
    assert!(out.contains("SOAP fault"), "{out}");
}

#[test]
fn oversized_answer_is_refused_naming_the_limit() {
    let server = hostile(|_| {
        let mut head = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/xml\r\nContent-Length: 40000000\r\n\r\n".to_vec();
        head.extend(std::iter::repeat_n(b'x', 40_000_000));
        head
    });
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("32 MiB"), "{out}");
}

#[test]
fn oversized_chunked_answer_is_refused_naming_the_limit() {
    let server = hostile(|_| {
        let mut out = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..34 {
            out.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend(&chunk);
            out.extend(b"\r\n");
        }
        out.extend(b"0\r\n\r\n");
        out
    });
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("32 MiB"), "{out}");
}

#[test]
fn truncated_answer_is_not_reached() {
    let server = hostile(|_| {
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<soap:Envelope".to_vec()
    });
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("broke while reading the answer"), "{out}");
}

#[test]
fn stalled_answer_times_out_naming_the_timeout() {
    let server = hostile(|_| {
        // The config's request timeout is 5 s.
        std::thread::sleep(Duration::from_secs(7));
        http("200 OK", &[], "")
    });
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("request_ms") && out.contains("5s"), "{out}");
}

/// `run` with this client certificate against a target that must not be contacted.
fn run_with_certificate(p12: &std::path::Path) -> (i32, String, Witness) {
    let w = witness();
    let dir = tmp();
    let cfg = remote_config(
        dir.path(),
        &format!("https://{}", w.addr),
        Remote {
            p12: Some(p12.to_path_buf()),
            ..Remote::default()
        },
    );
    let (code, out) = run(sp(&[
        "run",
        "--target",
        "local",
        "--config",
        cfg.to_str().unwrap(),
        "--name",
        LOOKUP,
    ]));
    (code, out, w)
}

#[test]
fn expired_certificate_is_refused_before_connecting_with_its_dates() {
    let pki = pki();
    let (code, out, w) = run_with_certificate(&pki.expired_p12);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("expired.p12")
            && out.contains("has expired")
            && out.contains("notBefore")
            && out.contains("notAfter"),
        "{out}"
    );
    assert_eq!(w.connections.load(Ordering::SeqCst), 0, "{out}");
}

#[test]
fn not_yet_valid_certificate_is_refused_before_connecting_with_its_dates() {
    use openssl::{asn1::Asn1Time, hash::MessageDigest, pkey::PKey, rsa::Rsa, x509};
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = x509::X509Name::builder().unwrap();
    name.append_entry_by_text("CN", "sp-contract fremtidig")
        .unwrap();
    let name = name.build();
    let mut b = x509::X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(&key).unwrap();
    let day = 86_400;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    b.set_not_before(&Asn1Time::from_unix(now + 30 * day).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::from_unix(now + 400 * day).unwrap())
        .unwrap();
    b.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = b.build();
    let p12 = openssl::pkcs12::Pkcs12::builder()
        .name("fremtidig")
        .pkey(&key)
        .cert(&cert)
        .build2(sp_contract::pki::TEST_P12_PASSWORD)
        .unwrap()
        .to_der()
        .unwrap();
    let dir = tmp();
    let path = dir.path().join("fremtidig.p12");
    std::fs::write(&path, p12).unwrap();
    let (code, out, w) = run_with_certificate(&path);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("fremtidig.p12")
            && out.contains("is not valid yet")
            && out.contains("notBefore")
            && out.contains("notAfter"),
        "{out}"
    );
    assert_eq!(w.connections.load(Ordering::SeqCst), 0, "{out}");
}

/// `run` with this base URL: refused at config load, naming the key.
#[test]
fn invalid_base_urls_are_config_errors_naming_the_key() {
    for (url, why) in [
        ("https://exa mple.com", "not a valid URL"),
        ("https://127.0.0.1:99999", "invalid port number"),
        ("ftp://127.0.0.1/x", "must start with https://"),
        ("https://", "not a valid URL"),
        ("https://user:geheim@127.0.0.1", "user name or password"),
    ] {
        let dir = tmp();
        let cfg = remote_config(dir.path(), url, Remote::default());
        let (code, out) = run(sp(&[
            "run",
            "--target",
            "local",
            "--config",
            cfg.to_str().unwrap(),
            "--name",
            LOOKUP,
        ]));
        assert_eq!(code, 2, "{url}: {out}");
        assert!(
            out.contains("[targets.local] base_url") && out.contains(why),
            "{url}: {out}"
        );
        assert!(!out.contains("geheim"), "{out}");
    }
}
