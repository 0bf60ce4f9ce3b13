//! What goes on the wire against a hostile target: redirects are never followed (on the SOAP
//! call, both token hops, PostForespoerg and `doctor`), gateway pages, oversized, truncated
//! and stalled answers are "not reached" (exit 3), and certificate dates are checked before
//! connecting (exit 2).

use crate::support::hostile;
use crate::support::run as run_support;

use hostile::{Hostile, Witness};
use run_support::*;
use std::sync::Arc;
use std::time::Duration;

/// A hostile server answering as `spec` (a `[server]` table of the bad-input corpus) says.
fn hostile(spec: &str, w: &Witness) -> Hostile {
    let spec: hostile::Spec = toml::from_str(spec).expect("spec");
    hostile::start(spec, &certs(), &w.addr)
}

/// The request lines the server saw: `POST /path HTTP/1.1`.
fn seen(server: &Hostile) -> Vec<String> {
    server
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.head.lines().next().unwrap_or("").to_string())
        .collect()
}

fn seen_body(server: &Hostile, i: usize) -> String {
    String::from_utf8_lossy(&server.seen.lock().unwrap()[i].body).into_owned()
}

/// A redirect to `to` (`{witness}` is filled in by the server).
fn redirect(status: u16, to: &str) -> String {
    format!(
        "status = {status}\nheaders = {{ Location = \"{to}\", Content-Type = \"text/html\" }}\nbody = \"<html>moved</html>\"\n"
    )
}

/// A STS reply the client accepts: a SAML 2.0 assertion valid until 2099.
fn sts_ok() -> String {
    use base64::Engine as _;
    let assertion = base64::engine::general_purpose::STANDARD
        .encode(r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="x"/>"#);
    format!(
        "[[routes]]\npath_prefix = \"{STS}\"\nheaders = {{ Content-Type = \"application/json\" }}\nbody = '{{\"RequestedSecurityToken\": {{\"Assertion\": \"{assertion}\"}}, \"Lifetime\": \"12/31/2099 00:00:00\"}}'\n"
    )
}

fn access_token_ok() -> String {
    format!(
        "[[routes]]\npath_prefix = \"{ACCESS_TOKEN}\"\nheaders = {{ Content-Type = \"application/json\" }}\nbody = '{{\"access_token\": \"hostile-token\", \"token_type\": \"Holder-of-key\", \"expires_in\": 3600}}'\n"
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
    run(sp_local(
        "run",
        &cfg,
        &["--snapshots", snaps.to_str().unwrap(), "--name", name],
    ))
}

const LOOKUP: &str = "^Død borger$";
const POST_FORESPOERG: &str = "^Tilmeldt borger er tilmeldt Digital Post ifølge PostForespoerg$";

/// The redirect is refused with exit 3 naming the Location's host, the server saw exactly
/// `requests` requests and the other host nothing.
fn assert_refused(code: i32, out: &str, server: &Hostile, w: &Witness, requests: usize) {
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("never follows redirects") && out.contains(&w.addr),
        "names the redirect and the Location host: {out}"
    );
    assert_eq!(seen(server).len(), requests, "{:?}", seen(server));
    assert_eq!(w.hits(), 0, "the redirect was followed: {out}");
}

#[test]
fn soap_call_does_not_follow_a_307_to_plain_http() {
    let w = Witness::start();
    let server = hostile(&redirect(307, "http://{witness}/x?cpr=0101801234"), &w);
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
    let w = Witness::start();
    let to = "https://{witness}/service/CPR/PersonBaseDataExtended/4";
    let server = hostile(&redirect(302, to), &w);
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_refused(code, &out, &server, &w, 1);
}

#[test]
fn sts_hop_does_not_follow_a_redirect() {
    let w = Witness::start();
    let server = hostile(&redirect(307, &format!("https://{{witness}}{STS}")), &w);
    let (code, out) = run_against(&server, POST_FORESPOERG, "");
    assert_refused(code, &out, &server, &w, 1);
    assert!(seen(&server)[0].contains(STS), "{:?}", seen(&server));
    assert!(out.contains("STS"), "{out}");
}

#[test]
fn access_token_hop_does_not_repost_the_assertion_elsewhere() {
    let w = Witness::start();
    let spec = redirect(307, "http://{witness}/steal") + &sts_ok();
    let server = hostile(&spec, &w);
    let (code, out) = run_against(&server, POST_FORESPOERG, "");
    assert_refused(code, &out, &server, &w, 2);
    assert!(
        seen(&server)[1].contains(ACCESS_TOKEN),
        "{:?}",
        seen(&server)
    );
    assert!(seen_body(&server, 1).starts_with("saml-token="));
    assert!(out.contains("AccessTokenService"), "{out}");
}

#[test]
fn post_forespoerg_does_not_resend_the_cpr_number_elsewhere() {
    let w = Witness::start();
    let spec = redirect(302, "https://{witness}/elsewhere") + &sts_ok() + &access_token_ok();
    let server = hostile(&spec, &w);
    let (code, out) = run_against(&server, POST_FORESPOERG, "");
    assert_refused(code, &out, &server, &w, 3);
    assert!(
        seen(&server)[2].contains("cprNumber="),
        "{:?}",
        seen(&server)
    );
    assert!(
        !out.contains("cprNumber"),
        "the request's query is not shown: {out}"
    );
}

#[test]
fn doctor_does_not_follow_a_redirect() {
    let w = Witness::start();
    let server = hostile(&redirect(308, "https://{witness}/"), &w);
    let dir = tmp();
    let cfg = remote_config(dir.path(), &server.url, Remote::default());
    let (code, out) = run(sp_local("doctor", &cfg, &[]));
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("never follows redirects"), "{out}");
    assert_eq!(w.hits(), 0, "{out}");
}

#[test]
fn gateway_html_on_500_is_not_reached_and_retried() {
    let w = Witness::start();
    let spec = r#"status = 500
headers = { Content-Type = "text/html" }
body = "<!DOCTYPE html><html><body>Bad gateway</body></html>"
"#;
    let server = hostile(spec, &w);
    let dir = tmp();
    let cfg = remote_config(dir.path(), &server.url, Remote::default());
    let (code, out) = run(sp_local("run", &cfg, &["--name", LOOKUP, "--retries", "1"]));
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("HTTP 500") && out.contains("an HTML page"),
        "{out}"
    );
    assert_eq!(seen(&server).len(), 2, "retried once: {out}");
}

#[test]
fn soap_fault_on_500_stays_the_platforms_answer() {
    let w = Witness::start();
    let fault = sp_contract::core::soap::fault_envelope("soap:Server", "Intern fejl", &[]);
    let spec = format!(
        "status = 500\nheaders = {{ Content-Type = \"text/xml; charset=utf-8\" }}\nbody = '''{fault}'''\n"
    );
    let server = hostile(&spec, &w);
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 1, "a fault where data was expected: {out}");
    assert!(out.contains("SOAP fault"), "{out}");
}

#[test]
fn oversized_answer_is_refused_naming_the_limit() {
    let w = Witness::start();
    // 33 MiB declared and sent.
    let spec = format!(
        "headers = {{ Content-Type = \"text/xml\" }}\nbody = \"{}\"\nbody_repeat = 33\n",
        "x".repeat(1 << 20)
    );
    let server = hostile(&spec, &w);
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("32 MiB"), "{out}");
}

#[test]
fn truncated_answer_is_not_reached() {
    let w = Witness::start();
    let spec = r#"headers = { Content-Type = "text/xml" }
body = "<soap:Envelope"
content_length = 100000
"#;
    let server = hostile(spec, &w);
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("broke while reading the answer"), "{out}");
}

#[test]
fn stalled_answer_times_out_naming_the_timeout() {
    let w = Witness::start();
    // The config's request timeout is 5 s.
    let server = hostile("stall_ms = 8000\n", &w);
    let started = std::time::Instant::now();
    let (code, out) = run_against(&server, LOOKUP, "");
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("request_ms") && out.contains("5s"), "{out}");
    assert!(started.elapsed() < Duration::from_secs(8), "{out}");
}

/// `run` with this client certificate against a target that must not be contacted.
fn run_with_certificate(p12: &std::path::Path) -> (i32, String, Witness) {
    let w = Witness::start();
    let dir = tmp();
    let cfg = remote_config(
        dir.path(),
        &format!("https://{}", w.addr),
        Remote {
            p12: Some(p12.to_path_buf()),
            ..Remote::default()
        },
    );
    let (code, out) = run(sp_local("run", &cfg, &["--name", LOOKUP]));
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
    assert_eq!(w.hits(), 0, "{out}");
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
        .build2(sp_contract::targets::pki::TEST_P12_PASSWORD)
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
    assert_eq!(w.hits(), 0, "{out}");
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
        let (code, out) = run(sp_local("run", &cfg, &["--name", LOOKUP]));
        assert_eq!(code, 2, "{url}: {out}");
        assert!(
            out.contains("[targets.local] base_url") && out.contains(why),
            "{url}: {out}"
        );
        assert!(!out.contains("geheim"), "{out}");
    }
}

/// In TLS 1.3 the server refuses our certificate after our side of the handshake is done.
/// When its alert is already on the connection before the first request goes out (a loaded
/// machine), the request must still learn that the certificate was refused, not only that
/// the connection "was not ready": that is what `platformen afviser certifikatet` asserts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_read_before_the_first_request_reaches_that_request() {
    use sp_contract::client::connector::{Connector, TrustContext};
    use sp_contract::targets::target::Trust;
    use tower_service::Service;

    let pki = pki();
    let acceptor =
        sp_contract::platform::front::acceptor(&pki.server_pem, &pki.server_key_pem, &pki.ca_pem)
            .expect("acceptor");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The front's way: refuse in the handshake, then read what the client still sends.
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (tcp, _) = listener.accept().await.unwrap();
        let ssl = openssl::ssl::Ssl::new(&acceptor).unwrap();
        let mut tls = tokio_openssl::SslStream::new(ssl, tcp).unwrap();
        let refused = std::pin::Pin::new(&mut tls).accept().await;
        let tcp = tls.get_mut();
        let _ = tcp.shutdown().await;
        let mut sink = Vec::new();
        let _ = tcp.read_to_end(&mut sink).await;
        refused.map_err(|e| e.to_string())
    });

    let trust = Trust {
        ca_pem: Some(pki.ca_pem.clone()),
        system_roots: false,
    };
    let identity = sp_contract::targets::pki::load_identity(&pki.expired_identity()).unwrap();
    let mut connector = Connector::new(
        Arc::new(TrustContext::new(&trust).unwrap()),
        Arc::new(identity),
        Duration::from_secs(5),
    );
    let uri: http::Uri = format!("https://127.0.0.1:{}/", addr.port())
        .parse()
        .unwrap();
    let io = connector
        .call(uri.clone())
        .await
        .expect("our side of a TLS 1.3 handshake completes");
    // The server's verdict has arrived, and hyper's connection task reads it while idle.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (mut send, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
    let conn = tokio::spawn(conn);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let request = http::Request::post(uri)
        .body(http_body_util::Full::new(bytes::Bytes::from_static(b"x")))
        .unwrap();
    let err = send
        .send_request(request)
        .await
        .expect_err("the server refused the certificate");
    let chain = sp_contract::error::chain(&err);
    let classified = sp_contract::client::transport::classify("https://mock", &chain, false, false);
    assert!(classified.refused_client_certificate(), "{chain}");
    assert!(chain.contains("certificate expired"), "{chain}");
    let _ = conn.await;
    let refused = server.await.unwrap();
    assert!(refused.is_err(), "the server took an expired certificate");
}
