//! Benchmark: the embedded mock over mutual TLS on ONE keep-alive connection.
//!
//!     cargo run --release --example mock_throughput -- [REQUESTS] [--stub]
//!
//! Starts the mock in-process on loopback, sends REQUESTS (default 20000) SF1520 lookups one
//! after another over a single HTTP/1.1 connection with the registered client certificate,
//! and prints requests per second, latency percentiles and peak memory. Bounded in count;
//! loopback only.
//!
//! `--stub` measures the WireMock-format stubs instead of the built-in service: the mock
//! also loads the example mappings of `tests/data/mappings` (a priority-1 stub on SF1520's
//! path matching method, path, two headers and two `matchesXPath` patterns, above a
//! catch-all fault stub), so every lookup is answered by the stub from `__files/`.

use sp_contract::client::transport::Clients;
use sp_contract::core::soap::{self, InvocationContext};
use sp_contract::services::sf1520;
use sp_contract::targets::config::DEFAULT_IDENTITY;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The citizen the example stub answers for.
const STUB_PNR: &str = "0101011234";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stub = args.iter().any(|a| a == "--stub");
    let n: usize = args
        .iter()
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000)
        .min(1_000_000);
    let certs = std::env::temp_dir().join("sp-contract-bench-certs");
    let pki = sp_contract::targets::pki::ensure(&certs).expect("test PKI");
    // With --stub: the built-in mocks plus the example mappings, in a folder of their own.
    let merged = tempfile::tempdir().expect("a temporary folder");
    let mocks_dir = if stub {
        copy_tree(Path::new("mocks"), merged.path());
        copy_tree(Path::new("tests/data/mappings"), merged.path());
        merged.path().to_path_buf()
    } else {
        Path::new("mocks").to_path_buf()
    };
    let mock = sp_contract::platform::start(
        &mocks_dir,
        &pki,
        "127.0.0.1:0".parse().unwrap(),
        sp_contract::engine::catalog(),
    )
    .await
    .expect("mock starts (run from the repository root)");
    let target = Arc::new(mock.platform.target(&pki, &mock.url));
    let clients = Clients::new(target.clone());
    let cpr = if stub {
        STUB_PNR.to_string()
    } else {
        target.citizen("far").unwrap().to_string()
    };
    let ctx = InvocationContext {
        service_agreement_uuid: target.agreement_for("SF1520").unwrap().to_string(),
        user_system_uuid: target.user_system_uuid.clone(),
        user_uuid: target.user_uuid.clone(),
        service_uuid: sf1520::INFO.service_uuid.unwrap().to_string(),
        call_id: "bench".into(),
    };
    let body = soap::envelope(&sf1520::lookup_request(Some(&ctx), &cpr));
    let headers = [("SOAPAction", format!("\"{}\"", sf1520::SOAP_ACTION))];
    let lookup = || async {
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
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        r
    };

    // Warm-up: the TLS handshake and the first request.
    let first = Instant::now();
    let r = lookup().await;
    if stub {
        let text = String::from_utf8_lossy(&r.body);
        assert!(text.contains("Testperson Eksempel"), "not the stub: {text}");
    }
    let first = first.elapsed();

    let mut lat = Vec::with_capacity(n);
    let t0 = Instant::now();
    for _ in 0..n {
        let t = Instant::now();
        lookup().await;
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
        "{n} sequential {} on one keep-alive mTLS connection: {:.2} s, {:.0} req/s",
        if stub { "stub answers" } else { "requests" },
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

/// Copy the files under `from` into `to`, keeping the layout (small trees only).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the bench mocks folder");
    for entry in
        std::fs::read_dir(from).expect("read a mocks folder (run from the repository root)")
    {
        let path = entry.expect("list a mocks folder").path();
        let target = to.join(path.file_name().expect("a named entry"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy a mocks file");
        }
    }
}
