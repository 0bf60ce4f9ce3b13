//! The mock's front under hostile clients: deep XML, stalled, idle and slow connections,
//! oversized bodies. Raw HTTP/1.1 over mutual TLS, so the test controls every byte.

use crate::support::run as run_support;

use openssl::ssl::{SslConnector, SslFiletype, SslMethod};
use run_support::{copy_dir, pki, repo, tmp};
use sp_contract::platform::front::Workers;
use sp_contract::platform::{Limits, RunningMock};
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_openssl::SslStream;

const CPR_PATH: &str = "/service/CPR/PersonBaseDataExtended/4";

fn short() -> Limits {
    Limits {
        handshake: Duration::from_millis(500),
        headers: Duration::from_millis(500),
        body: Duration::from_millis(800),
        min_body_rate: 8 * 1024,
        idle: Duration::from_millis(1200),
        max_body: 64 * 1024,
    }
}

/// Each check runs against the mock as `run` embeds it (on the caller's runtime) and as
/// `mock serve` runs it (on worker threads of its own, one runtime each).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use sp_contract::platform::front::Workers;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn shared_runtime() {
                super::$name(Workers::Shared).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn own_workers() {
                super::$name(Workers::Own {
                    threads: std::num::NonZeroUsize::new(2).unwrap(),
                    busy_poll: sp_contract::platform::front::busy_poll::DEFAULT_WINDOW,
                })
                .await
            }
        }
    )*};
}

on_both!(
    a_deeply_nested_request_is_refused_and_the_mock_survives,
    a_connection_that_never_starts_its_handshake_is_closed,
    a_connection_that_sends_nothing_is_closed,
    a_head_sent_slowly_is_cut_off,
    a_body_that_never_completes_gets_408,
    a_body_that_keeps_arriving_slowly_is_not_cut_off,
    a_trickled_body_gets_408,
    an_idle_kept_alive_connection_is_closed,
    an_oversized_body_gets_413_naming_the_limit,
);

/// The repository's mock data plus one `equalToXml` mapping (the matcher that overflowed).
async fn start(limits: Limits, workers: Workers) -> (RunningMock, tempfile::TempDir) {
    let dir = tmp();
    copy_dir(&repo().join("mocks"), dir.path());
    let mapping = serde_json::json!({
        "request": {"method": "POST", "urlPath": "/xml", "bodyPatterns": [{"equalToXml": "<a><b/></a>"}]},
        "response": {"status": 200, "body": "equal"}
    });
    std::fs::create_dir_all(dir.path().join("mappings")).unwrap();
    std::fs::write(dir.path().join("mappings/xml.json"), mapping.to_string()).unwrap();
    let options = sp_contract::platform::MockOptions {
        limits,
        workers,
        ..Default::default()
    };
    let mock = sp_contract::platform::start_with_options(
        dir.path(),
        &pki(),
        "127.0.0.1:0".parse().unwrap(),
        sp_contract::engine::catalog(),
        options,
    )
    .await
    .expect("mock starts");
    (mock, dir)
}

async fn tls(mock: &RunningMock) -> SslStream<TcpStream> {
    let pki = pki();
    let mut b = SslConnector::builder(SslMethod::tls_client()).unwrap();
    b.set_ca_file(&pki.ca_pem).unwrap();
    b.set_certificate_chain_file(&pki.client_pem).unwrap();
    b.set_private_key_file(&pki.client_key_pem, SslFiletype::PEM)
        .unwrap();
    let ssl = b
        .build()
        .configure()
        .unwrap()
        .into_ssl("localhost")
        .unwrap();
    let tcp = TcpStream::connect(mock.addr).await.unwrap();
    let mut s = SslStream::new(ssl, tcp).unwrap();
    Pin::new(&mut s).connect().await.expect("TLS handshake");
    s
}

fn request(path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Read one answer (head and Content-Length body); `None` when the connection closed first.
async fn answer<S: AsyncReadExt + Unpin>(s: &mut S) -> Option<(u16, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status = head.split(' ').nth(1)?.parse().ok()?;
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).to_string();
            return Some((status, body));
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// How long until the peer closes the connection (reads and discards), capped at `max`.
async fn closed_within<S: AsyncReadExt + Unpin>(s: &mut S, max: Duration) -> Option<Duration> {
    let t0 = Instant::now();
    let mut chunk = [0u8; 1024];
    let closed = tokio::time::timeout(max, async {
        loop {
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    closed.ok().map(|_| t0.elapsed())
}

/// 20,000 nested elements overflowed the stack in the equalToXml matcher and aborted
/// `mock serve`. Now: a SOAP fault naming the limit, and the mock answers the next request.
async fn a_deeply_nested_request_is_refused_and_the_mock_survives(workers: Workers) {
    let (mock, _dir) = start(Limits::default(), workers).await;
    let depth = 20_000;
    let deep = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let mut s = tls(&mock).await;
    for path in ["/xml", CPR_PATH] {
        s.write_all(request(path, &deep).as_bytes()).await.unwrap();
        let (status, body) = answer(&mut s).await.expect("an answer, not a dead mock");
        assert_eq!(status, 400, "{body}");
        assert!(
            body.contains("<faultcode>soapenv:Client</faultcode>"),
            "{body}"
        );
        assert!(body.contains("deeper than 256 levels"), "{body}");
    }
    // Unclosed tags too (a parser recurses before it finds the missing end tags).
    s.write_all(request("/xml", &"<a>".repeat(depth)).as_bytes())
        .await
        .unwrap();
    assert_eq!(answer(&mut s).await.map(|a| a.0), Some(400));
    s.write_all(request("/xml", "<a><b/></a>").as_bytes())
        .await
        .unwrap();
    assert_eq!(answer(&mut s).await, Some((200, "equal".to_string())));
    // A new connection too.
    let mut s = tls(&mock).await;
    s.write_all(request("/xml", "<a> <b></b> </a>").as_bytes())
        .await
        .unwrap();
    assert_eq!(answer(&mut s).await, Some((200, "equal".to_string())));
}

async fn a_connection_that_never_starts_its_handshake_is_closed(workers: Workers) {
    let (mock, _dir) = start(short(), workers).await;
    let mut tcp = TcpStream::connect(mock.addr).await.unwrap();
    let took = closed_within(&mut tcp, Duration::from_secs(5)).await;
    assert!(took.is_some(), "still open after 5 s");
    assert!(took.unwrap() >= Duration::from_millis(400), "{took:?}");
}

async fn a_connection_that_sends_nothing_is_closed(workers: Workers) {
    let (mock, _dir) = start(short(), workers).await;
    let mut s = tls(&mock).await;
    let took = closed_within(&mut s, Duration::from_secs(5)).await;
    assert!(took.is_some(), "still open after 5 s");
    assert!(took.unwrap() >= Duration::from_millis(400), "{took:?}");
}

async fn a_head_sent_slowly_is_cut_off(workers: Workers) {
    let (mock, _dir) = start(short(), workers).await;
    let mut s = tls(&mock).await;
    let t0 = Instant::now();
    // One header byte every 100 ms keeps the connection busy but never completes the head.
    let slow = async {
        for b in b"POST /xml HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
            if s.write_all(&[*b]).await.is_err() || s.flush().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), slow).await;
    let took = closed_within(&mut s, Duration::from_secs(1)).await;
    assert!(took.is_some(), "the slow head was not cut off");
    assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());
}

async fn a_body_that_never_completes_gets_408(workers: Workers) {
    let (mock, _dir) = start(short(), workers).await;
    let mut s = tls(&mock).await;
    s.write_all(b"POST /xml HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n<a>")
        .await
        .unwrap();
    let (status, body) = tokio::time::timeout(Duration::from_secs(5), answer(&mut s))
        .await
        .expect("an answer within 5 s")
        .expect("an answer");
    assert_eq!(status, 408, "{body}");
    assert!(body.contains("body timeout"), "{body}");
}

/// A large upload over a slow link takes longer than the body timeout in all, but keeps
/// arriving: it must be answered, not cut with 408 (a 40 MB MeMo at 1 MB/s takes 40 s).
async fn a_body_that_keeps_arriving_slowly_is_not_cut_off(workers: Workers) {
    let (mock, _dir) = start(short(), workers).await;
    let mut s = tls(&mock).await;
    let chunk = " ".repeat(10 * 1024);
    let len = 6 * chunk.len() + "<a><b/></a>".len();
    s.write_all(
        format!(
            "POST /xml HTTP/1.1\r\nHost: localhost\r\nContent-Length: {len}\r\n\r\n<a><b/></a>"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let t0 = Instant::now();
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        s.write_all(chunk.as_bytes()).await.unwrap();
    }
    assert!(
        t0.elapsed() > short().body,
        "the upload was not slower than the timeout"
    );
    let (status, body) = answer(&mut s).await.expect("an answer");
    assert_ne!(status, 408, "{body}");
}

/// A body trickled a byte at a time cannot hold a connection for ever either.
async fn a_trickled_body_gets_408(workers: Workers) {
    let (mock, _dir) = start(short(), workers).await;
    let mut s = tls(&mock).await;
    s.write_all(b"POST /xml HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n")
        .await
        .unwrap();
    let t0 = Instant::now();
    let trickle = async {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if s.write_all(b" ").await.is_err() {
                return;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), trickle).await;
    let (status, body) = tokio::time::timeout(Duration::from_secs(2), answer(&mut s))
        .await
        .expect("an answer within 2 s")
        .expect("an answer");
    assert_eq!(status, 408, "{body}");
    assert!(body.contains("slower than 8 KiB/s"), "{body}");
    assert!(t0.elapsed() < Duration::from_secs(5));
}

async fn an_idle_kept_alive_connection_is_closed(workers: Workers) {
    let (mock, _dir) = start(short(), workers).await;
    let mut s = tls(&mock).await;
    s.write_all(request("/xml", "<a><b/></a>").as_bytes())
        .await
        .unwrap();
    assert_eq!(answer(&mut s).await.map(|a| a.0), Some(200));
    let took = closed_within(&mut s, Duration::from_secs(5)).await;
    assert!(took.is_some(), "still open after 5 s");
    // The idle limit, not the shorter header limit, applies between requests.
    assert!(took.unwrap() >= Duration::from_millis(1000), "{took:?}");
}

/// A large answer read slowly (a client over a slow link) is still being written after the
/// idle limit: the idle limit counts from the last byte written, not from when the answer
/// was ready, so the answer is not cut off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_answer_read_slowly_is_not_cut_off() {
    let dir = tmp();
    copy_dir(&repo().join("mocks"), dir.path());
    let size = 12 * 1024 * 1024;
    std::fs::create_dir_all(dir.path().join("__files")).unwrap();
    std::fs::write(dir.path().join("__files/big.txt"), vec![b'x'; size]).unwrap();
    let mapping = serde_json::json!({
        "request": {"method": "GET", "urlPath": "/big"},
        "response": {"status": 200, "bodyFileName": "big.txt"}
    });
    std::fs::create_dir_all(dir.path().join("mappings")).unwrap();
    std::fs::write(dir.path().join("mappings/big.json"), mapping.to_string()).unwrap();
    let mock = sp_contract::platform::start_with(
        dir.path(),
        &pki(),
        "127.0.0.1:0".parse().unwrap(),
        sp_contract::engine::catalog(),
        short(),
    )
    .await
    .expect("mock starts");
    let mut s = tls(&mock).await;
    s.write_all(b"GET /big HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let t0 = Instant::now();
    let mut got = 0usize;
    let mut chunk = vec![0u8; 64 * 1024];
    // About 3 MB/s (TLS records are 16 KiB): the answer takes several idle limits.
    while got < size {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        t0.elapsed() > short().idle * 2,
        "read too fast: {:?}",
        t0.elapsed()
    );
    assert!(
        got >= size,
        "cut off after {got} bytes and {:?}",
        t0.elapsed()
    );
}

async fn an_oversized_body_gets_413_naming_the_limit(workers: Workers) {
    let (mock, _dir) = start(short(), workers).await;
    let mut s = tls(&mock).await;
    let big = "x".repeat(100 * 1024);
    s.write_all(request("/xml", &big).as_bytes()).await.unwrap();
    let (status, body) = answer(&mut s).await.expect("an answer");
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("larger than 64 KiB"), "{body}");
}

#[test]
fn the_documented_defaults() {
    let d = Limits::default();
    assert_eq!(
        (
            d.handshake,
            d.headers,
            d.body,
            d.min_body_rate,
            d.idle,
            d.max_body
        ),
        (
            Duration::from_secs(10),
            Duration::from_secs(10),
            Duration::from_secs(30),
            64 * 1024,
            Duration::from_secs(60),
            64 * 1024 * 1024
        )
    );
}

/// Every scenario id a client sends used to keep its state for ever (~1.3 KB a request under
/// `mock serve`). 10,000 requests with distinct ids leave at most the cap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_scenario_ids_leave_the_state_bounded() {
    use sp_contract::platform::SCENARIO_HEADER;
    use sp_contract::services::sf2900 as svc;
    let (mock, _dir) = start(Limits::default(), Workers::Shared).await;
    let emne = sp_contract::core::kle::Emne::parse("02.03.04").unwrap();
    let cvr = "29189846";
    let envelope =
        sp_contract::core::soap::envelope(&svc::list_request(Some(cvr), cvr, cvr, &emne, None));
    let mut s = tls(&mock).await;
    for i in 0..10_000 {
        let req = format!(
            "POST {} HTTP/1.1\r\nHost: localhost\r\nSOAPAction: \"{}\"\r\nContent-Type: text/xml; charset=utf-8\r\n{SCENARIO_HEADER}: scenario-{i}\r\nContent-Length: {}\r\n\r\n{envelope}",
            svc::INFO.path,
            svc::ACTION_LIST,
            envelope.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let (status, body) = answer(&mut s).await.expect("an answer");
        assert_eq!(status, 200, "{body}");
    }
    let kept = mock.platform.state.len();
    assert_eq!(kept, sp_contract::platform::state::MAX_SCENARIOS);
}
