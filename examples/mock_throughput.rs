//! Benchmark: the embedded mock over mutual TLS on ONE keep-alive connection.
//!
//!     cargo run --release --example mock_throughput -- [REQUESTS]
//!
//! Starts the mock in-process on loopback, sends REQUESTS (default 20000) SF1520 lookups one
//! after another over a single HTTP/1.1 connection with the registered client certificate,
//! and prints requests per second, latency percentiles and peak memory. Bounded in count;
//! loopback only.

use sp_contract::client::transport::Clients;
use sp_contract::core::soap::{self, InvocationContext};
use sp_contract::services::sf1520;
use sp_contract::targets::config::DEFAULT_IDENTITY;
use std::sync::Arc;
use std::time::Instant;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000)
        .min(1_000_000);
    let certs = std::env::temp_dir().join("sp-contract-bench-certs");
    let pki = sp_contract::targets::pki::ensure(&certs).expect("test PKI");
    let mock = sp_contract::platform::start(
        std::path::Path::new("mocks"),
        &pki,
        "127.0.0.1:0".parse().unwrap(),
        sp_contract::engine::catalog(),
    )
    .await
    .expect("mock starts (run from the repository root)");
    let target = Arc::new(mock.platform.target(&pki, &mock.url));
    let clients = Clients::new(target.clone());
    let cpr = target.citizen("far").unwrap().to_string();
    let ctx = InvocationContext {
        service_agreement_uuid: target.agreement_for("SF1520").unwrap().to_string(),
        user_system_uuid: target.user_system_uuid.clone(),
        user_uuid: target.user_uuid.clone(),
        service_uuid: sf1520::INFO.service_uuid.unwrap().to_string(),
        call_id: "bench".into(),
    };
    let body = soap::envelope(&sf1520::lookup_request(Some(&ctx), &cpr));
    let headers = [("SOAPAction", format!("\"{}\"", sf1520::SOAP_ACTION))];

    // Warm-up: the TLS handshake and the first request.
    let first = Instant::now();
    let r = clients
        .post(
            DEFAULT_IDENTITY,
            sf1520::INFO.path,
            &headers,
            "text/xml; charset=utf-8",
            body.clone(),
        )
        .await
        .expect("first request");
    assert_eq!(r.status, 200);
    let first = first.elapsed();

    let mut lat = Vec::with_capacity(n);
    let t0 = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        let r = clients
            .post(
                DEFAULT_IDENTITY,
                sf1520::INFO.path,
                &headers,
                "text/xml; charset=utf-8",
                body.clone(),
            )
            .await
            .expect("request");
        assert_eq!(r.status, 200);
        lat.push(t.elapsed());
    }
    let wall = t0.elapsed();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    let peak_kb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .unwrap_or_else(|| "?".into());
    println!(
        "first request incl. TLS handshake: {:.1} ms",
        first.as_secs_f64() * 1e3
    );
    println!(
        "{n} sequential requests on one keep-alive mTLS connection: {:.2} s, {:.0} req/s",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64()
    );
    println!(
        "latency p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        pct(0.50).as_secs_f64() * 1e6,
        pct(0.99).as_secs_f64() * 1e6,
        lat[lat.len() - 1].as_secs_f64() * 1e6
    );
    println!("peak RSS (client + mock in one process): {peak_kb} kB");
    mock.shutdown();
}
