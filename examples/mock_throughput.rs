//! Benchmark: the embedded mock over mutual TLS, on one keep-alive connection or several.
//!
//!     cargo run --release --example mock_throughput -- [REQUESTS] [--stub]
//!         [--connections C] [--threads N] [--no-validate] [--against URL] [--certs DIR]
//!         [--sf1470-importer]
//!
//! Starts the mock in-process on loopback, sends REQUESTS (default 20000) SF1520 lookups with
//! the registered client certificate over C HTTP/1.1 keep-alive connections (default 1), each
//! connection sending its share one request after another, and prints requests per second,
//! latency percentiles and peak memory. Bounded in count; loopback only.
//!
//! The mock runs as `mock serve` runs it, on N worker threads of its own (default: one per
//! core, as `sp-contract --threads` and its default), polling for the next request after an
//! answer as `mock serve` does by default; the client on a runtime with [`CLIENT_THREADS`]
//! (fewer with fewer connections: one connection gets a single-threaded runtime, as a load
//! generator such as wrk gives it, so no second client thread is woken per answer), so
//! changing N changes only the mock.
//!
//! `--embedded` runs the mock as `sp-contract run` runs its embedded mock instead: the
//! connections are dealt to N lanes (`run --threads N`), each a thread with a single-threaded
//! runtime that sends its connections' requests and serves them on a listener of its own,
//! as a lane of `run` does with its scenarios. A request and its answer then stay on one
//! thread.
//!
//! `--stub` measures the WireMock-format stubs instead of the built-in service: the mock
//! also loads the example mappings of `tests/data/mappings` (a priority-1 stub on SF1520's
//! path matching method, path, two headers and two `matchesXPath` patterns, above a
//! catch-all fault stub), so every lookup is answered by the stub from `__files/`.
//!
//! `--no-validate` switches the mock's XSD validation of requests off, to measure what it
//! costs (a mock that serves users always validates).
//! `--against URL` sends the same requests to a server already running there instead (the
//! in-process mock only lends its target settings): `https://` for `sp-contract mock serve
//! --certs DIR` or for WireMock standalone serving `tests/data/mappings` with DIR's server
//! certificate and CA (give the bench the same `--certs DIR`; with `--stub`: the same mapping
//! files, the same client, the same client certificate), `http://` for WireMock over plain
//! HTTP.
//! `--sf1470-importer` sends SF1470 v6 `importer` calls instead, each a new case, through the
//! OIO IDWS flow (one token from the mock's STS, then signed calls), to see how the mock's
//! state grows.
//! `scripts/bench` runs them all and prints the README's performance table.

use sp_contract::client::transport::{Clients, HttpReply};
use sp_contract::core::soap::{self, InvocationContext};
use sp_contract::services::{sf1470, sf1520};
use sp_contract::targets::config::DEFAULT_IDENTITY;
use sp_contract::targets::target::Target;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The citizen the example stub answers for.
const STUB_PNR: &str = "0101011234";

/// The client's worker threads (at most one per connection), the same whatever the mock
/// gets.
const CLIENT_THREADS: usize = 2;

#[path = "../tests/it/support/sf1470_case.rs"]
mod sf1470_case;

/// `importer` calls the mock answered with a refusal (a StatusKode other than 20), not a
/// new case.
static REFUSED: AtomicUsize = AtomicUsize::new(0);

/// What the command line asks for.
struct Opts {
    requests: usize,
    stub: bool,
    connections: usize,
    threads: usize,
    validate: bool,
    against: Option<String>,
    certs: Option<String>,
    importer: bool,
    embedded: bool,
}

impl Opts {
    fn parse() -> Opts {
        let mut o = Opts {
            requests: 20_000,
            stub: false,
            connections: 1,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            validate: true,
            against: None,
            certs: None,
            importer: false,
            embedded: false,
        };
        let mut args = std::env::args().skip(1);
        let number = |flag: &str, v: Option<String>, max: usize| -> usize {
            v.and_then(|v| v.parse().ok())
                .filter(|n| (1..=max).contains(n))
                .unwrap_or_else(|| panic!("{flag} takes a whole number from 1 to {max}"))
        };
        while let Some(a) = args.next() {
            match a.as_str() {
                "--stub" => o.stub = true,
                "--no-validate" => o.validate = false,
                "--connections" => o.connections = number(&a, args.next(), 256),
                "--threads" => o.threads = number(&a, args.next(), 1024),
                "--against" => o.against = Some(args.next().expect("--against takes a URL")),
                "--certs" => o.certs = Some(args.next().expect("--certs takes a folder")),
                "--sf1470-importer" => o.importer = true,
                "--embedded" => o.embedded = true,
                _ => o.requests = number("REQUESTS", Some(a), 1_000_000),
            }
        }
        o.requests = o.requests.max(o.connections);
        o
    }
}

/// A runtime whose threads are named `name`, so a profile tells the client from the mock's
/// (`sp-contract-mock-N`); single-threaded for one worker.
fn runtime(workers: usize, name: &str) -> tokio::runtime::Runtime {
    let mut b = if workers == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(workers);
        b
    };
    b.thread_name(name).enable_all().build().expect("a runtime")
}

fn main() {
    let o = Opts::parse();
    let certs = o.certs.as_ref().map_or_else(
        || std::env::temp_dir().join("sp-contract-bench-certs"),
        std::path::PathBuf::from,
    );
    let pki = sp_contract::targets::pki::ensure(&certs).expect("test PKI");
    // With --stub: the built-in mocks plus the example mappings, in a folder of their own.
    let merged = tempfile::tempdir().expect("a temporary folder");
    let mocks_dir = if o.stub {
        copy_tree(Path::new("mocks"), merged.path());
        copy_tree(Path::new("tests/data/mappings"), merged.path());
        merged.path().to_path_buf()
    } else {
        Path::new("mocks").to_path_buf()
    };
    // The mock serves as `mock serve` does: on worker threads of its own, one
    // single-threaded runtime each, started from a runtime that does nothing else. With
    // `--embedded` it serves as `run`'s embedded mock does: on the client's runtime.
    let client_threads = if o.embedded {
        o.threads.min(o.connections)
    } else {
        CLIENT_THREADS.min(o.connections)
    };
    let client_rt = runtime(client_threads, "sp-contract-bench-client");
    let start_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let workers = if o.embedded {
        sp_contract::platform::front::Workers::Shared
    } else {
        sp_contract::platform::front::Workers::Own {
            threads: std::num::NonZeroUsize::new(o.threads).expect("--threads is at least 1"),
            busy_poll: sp_contract::platform::front::busy_poll::DEFAULT_WINDOW,
        }
    };
    let options = sp_contract::platform::MockOptions {
        workers,
        ..Default::default()
    };
    let starting = sp_contract::platform::start_with_options(
        &mocks_dir,
        &pki,
        "127.0.0.1:0".parse().unwrap(),
        sp_contract::engine::catalog(),
        options,
    );
    let mock = start_rt
        .block_on(starting)
        .expect("mock starts (run from the repository root)");
    mock.platform.set_validation(o.validate);
    let url = o.against.as_deref().unwrap_or(&mock.url);
    let target = Arc::new(mock.platform.target(&pki, url));
    let (first, wall, mut lat) = if o.embedded && o.against.is_none() {
        on_lanes(&o, &mock.doors(), &target)
    } else {
        client_rt.block_on(drive(&o, target, o.connections, o.requests, None))
    };

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
    let n = o.requests;
    println!(
        "first request incl. TLS handshake: {:.1} ms",
        first.as_secs_f64() * 1e3
    );
    let what = match (o.importer, o.stub) {
        (true, _) => "SF1470 importer calls",
        (false, true) => "stub answers",
        (false, false) => "requests",
    };
    let tls = if url.starts_with("https:") {
        "mTLS "
    } else {
        ""
    };
    let over = match o.connections {
        1 => format!("sequential {what} on one keep-alive {tls}connection to {url}"),
        c => format!("{what} over {c} keep-alive {tls}connections at once to {url}"),
    };
    let validation = if o.validate { "on" } else { "off" };
    let threads = match (&o.against, o.embedded) {
        (Some(_), _) => format!("client on {client_threads}"),
        (None, true) => format!(
            "mock embedded as `run` serves it: {client_threads} lane(s) of one thread, each serving its own connections, schema validation {validation}"
        ),
        (None, false) => format!(
            "mock on {} worker thread(s), schema validation {validation}, client on {client_threads}",
            o.threads
        ),
    };
    println!(
        "{n} {over}: {:.2} s, {:.0} req/s ({threads})",
        wall.as_secs_f64(),
        n as f64 / wall.as_secs_f64(),
    );
    println!(
        "latency p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        pct(0.50).as_secs_f64() * 1e6,
        pct(0.99).as_secs_f64() * 1e6,
        lat[lat.len() - 1].as_secs_f64() * 1e6
    );
    if o.importer {
        println!(
            "importer calls refused (no new case): {}",
            REFUSED.load(Ordering::Relaxed)
        );
    }
    let whose = if o.against.is_some() {
        "client"
    } else {
        "client + mock in one process"
    };
    println!("peak RSS ({whose}): {peak_kb} kB");
    mock.shutdown();
}

/// `--embedded`: the connections dealt to lanes as `run` deals its scenarios, each lane a
/// thread with a single-threaded runtime that opens a listener of its own on the mock and
/// drives its connections against it. The mean first request, the longest lane's wall time,
/// every latency.
fn on_lanes(
    o: &Opts,
    doors: &sp_contract::platform::Doors,
    target: &Arc<Target>,
) -> (Duration, Duration, Vec<Duration>) {
    let lanes = o.threads.min(o.connections);
    // The lanes start their timed part together, after every lane's warm-up.
    let barrier = std::sync::Barrier::new(lanes);
    let measured: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..lanes)
            .map(|l| {
                let share = |n: usize| n / lanes + usize::from(l < n % lanes);
                let (connections, requests) = (share(o.connections), share(o.requests));
                let barrier = &barrier;
                s.spawn(move || {
                    let rt = runtime(1, "sp-contract-bench-lane");
                    rt.block_on(async {
                        let url = doors.open_here().await.expect("a lane's listener");
                        let target = Arc::new(Target {
                            base_url: url,
                            ..(**target).clone()
                        });
                        drive(o, target, connections, requests, Some(barrier)).await
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a lane"))
            .collect()
    });
    let first = measured.iter().map(|m| m.0).sum::<Duration>() / lanes as u32;
    let wall = measured.iter().map(|m| m.1).max().unwrap_or_default();
    let lat = measured.into_iter().flat_map(|m| m.2).collect();
    (first, wall, lat)
}

/// `requests` of `o`'s work over `connections`, each a client of its own (so one keep-alive
/// connection each) sending its share in turn: the first request (with the TLS handshakes),
/// the wall time of the rest, and each one's latency. With `barrier`, waits there between
/// the warm-up and the timed part.
async fn drive(
    o: &Opts,
    target: Arc<Target>,
    connections: usize,
    requests: usize,
    barrier: Option<&std::sync::Barrier>,
) -> (Duration, Duration, Vec<Duration>) {
    let cpr = if o.stub {
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
    let work = Arc::new(match o.importer {
        true => Work::Importer,
        false => Work::Lookup(body),
    });
    let conns: Vec<Conn> = (0..connections).map(|_| Conn::new(&target)).collect();

    // Warm-up: the TLS handshakes and the first request on each connection.
    let first = Instant::now();
    for c in &conns {
        let r = work.send(c, usize::MAX).await;
        if o.stub {
            let text = String::from_utf8_lossy(&r.body);
            assert!(text.contains("Testperson Eksempel"), "not the stub: {text}");
        }
    }
    let first = first.elapsed() / connections as u32;
    if let Some(b) = barrier {
        b.wait();
    }

    let t0 = Instant::now();
    let tasks: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let work = work.clone();
            // The first connections take one more when the count does not divide evenly.
            let share = requests / connections + usize::from(i < requests % connections);
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(share);
                for n in 0..share {
                    let t = Instant::now();
                    work.send(&c, i * share + n).await;
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    let mut lat = Vec::with_capacity(requests);
    for t in tasks {
        lat.extend(t.await.expect("a connection's task"));
    }
    (first, t0.elapsed(), lat)
}

/// One keep-alive connection: the tool's own mutual-TLS client, or (WireMock standalone
/// over `http://`, which the tool's transport refuses to speak) a plain HTTP/1.1 client.
enum Conn {
    Mtls(Clients),
    Plain(reqwest::Client, String),
}

impl Conn {
    fn new(target: &Arc<Target>) -> Conn {
        if target.base_url.starts_with("http://") {
            let plain = reqwest::Client::builder()
                .http1_only()
                .pool_max_idle_per_host(1)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a plain HTTP client");
            Conn::Plain(plain, target.base_url.clone())
        } else {
            Conn::Mtls(Clients::new(target.clone()))
        }
    }

    async fn post(&self, path: &str, headers: &[(&str, String)], body: String) -> HttpReply {
        const XML: &str = "text/xml; charset=utf-8";
        match self {
            Conn::Mtls(clients) => clients
                .post(DEFAULT_IDENTITY, path, headers, XML, body)
                .await
                .expect("request"),
            Conn::Plain(client, base) => {
                let t = Instant::now();
                let mut req = client
                    .post(format!("{base}{path}"))
                    .header("content-type", XML)
                    .body(body);
                for (k, v) in headers {
                    req = req.header(*k, v);
                }
                let resp = req.send().await.expect("request");
                let status = resp.status().as_u16();
                let content_type = resp
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                let body = resp.bytes().await.expect("an answer's body").to_vec();
                HttpReply {
                    status,
                    content_type,
                    body,
                    elapsed: t.elapsed(),
                }
            }
        }
    }
}

/// What each request is.
enum Work {
    /// This SF1520 lookup.
    Lookup(String),
    /// An SF1470 `importer` call for a new case.
    Importer,
}

impl Work {
    /// Request number `n` over `clients`, which must answer 200.
    async fn send(&self, conn: &Conn, n: usize) -> HttpReply {
        let body = match self {
            Work::Lookup(body) => body.clone(),
            Work::Importer => return importer(conn, n).await,
        };
        let headers = [("SOAPAction", format!("\"{}\"", sf1520::SOAP_ACTION))];
        let r = conn.post(sf1520::INFO.path, &headers, body).await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        r
    }
}

/// An SF1470 `importer` of one new case (number `n` makes its party), the way the tool sends
/// it: through the OIO IDWS flow, the token taken once and reused.
async fn importer(conn: &Conn, n: usize) -> HttpReply {
    let Conn::Mtls(clients) = conn else {
        panic!("--sf1470-importer needs the mock over https")
    };
    let party = format!("{:010}", 101_800_000 + n % 1_000_000);
    let sag = sf1470_case::sag(&uuid::Uuid::new_v4().to_string(), &party);
    let header = sf1470::request_header(&uuid::Uuid::new_v4().to_string());
    let t = Instant::now();
    let out = sp_contract::client::call::soap(
        clients,
        DEFAULT_IDENTITY,
        &sf1470::INFO,
        sf1470::model::IMPORTER.action,
        Some(&header),
        &sf1470::importer_request(std::slice::from_ref(&sag)),
        &[],
    )
    .await
    .expect("the OIO IDWS flow reaches SF1470");
    let body = String::from_utf8_lossy(&out.raw);
    assert_eq!(out.http_status, 200, "{body}");
    if !body.contains(">20</") {
        REFUSED.fetch_add(1, Ordering::Relaxed);
    }
    HttpReply {
        status: out.http_status,
        content_type: out.content_type,
        body: out.raw,
        elapsed: t.elapsed(),
    }
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
