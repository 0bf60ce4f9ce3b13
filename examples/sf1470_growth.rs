//! SF1470 state growth: import N cases into one scenario of the mock's SF1470 responder
//! (in process, the way the TLS front hands it a parsed request), then time `fremsoeg` by
//! party, and print the p50/p99 of a search and how much the process's RSS grew per case, for
//! N = 100, 10,000 and 100,000 (each in its own scenario, held at once). A search's time should
//! not grow with N (the index keeps a posting list per reference), and memory should grow by
//! a few hundred bytes a case (the RSS growth of the smallest sizes is mostly the heap warming
//! up; the largest size's is the index's).
//!
//! `cargo run --release --example sf1470_growth [N ...]`.

#[path = "../tests/it/support/sf1470_calls.rs"]
mod sf1470_calls;
#[path = "../tests/it/support/sf1470_case.rs"]
mod sf1470_case;

use sf1470_calls::{call, platform};
use sf1470_case::{mocks, sag};
use sp_contract::platform::endpoint::SoapAnswer;
use sp_contract::services::sf1470::mock::Sf1470;
use sp_contract::services::sf1470::{self, model, Fremsoeg, Sag, SoegSag};
use std::time::{Duration, Instant};

/// Cases per party: a search by party finds this many.
const PER_PARTY: usize = 4;
const SEARCHES: usize = 2_000;
/// Searches of one size before the next size takes its turn.
const TURN: usize = 50;
/// Cases per `importer` call.
const BATCH: usize = 500;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number of cases"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 10_000, 100_000]
    } else {
        sizes
    };
    let p = platform();
    let svc = Sf1470::load(&mocks()).expect("SF1470 loads");
    // Every size in its own scenario, all held at once; then the searches take turns over
    // the sizes, batch by batch, so a busy machine slows them all alike.
    let mut imports = Vec::new();
    for &n in &sizes {
        let scenario = format!("growth-{n}");
        let before = rss_kib();
        let t = Instant::now();
        for start in (0..n).step_by(BATCH) {
            let sager: Vec<Sag> = (start..n.min(start + BATCH))
                .map(|i| sag(&uuid::Uuid::new_v4().to_string(), &cpr(i / PER_PARTY)))
                .collect();
            let req = sf1470::importer_request(&sager);
            expect_payload(call(&svc, &p, &scenario, &model::IMPORTER, &req));
        }
        let growth = rss_kib().saturating_sub(before) * 1024 / n.max(1) as u64;
        imports.push((t.elapsed(), growth));
    }
    assert_eq!(
        svc.cases(),
        sizes.iter().sum::<usize>(),
        "every case was taken in"
    );
    let mut wall = vec![Vec::with_capacity(SEARCHES); sizes.len()];
    for b in 0..SEARCHES / TURN {
        for (i, &n) in sizes.iter().enumerate() {
            let scenario = format!("growth-{n}");
            let parties = n.div_ceil(PER_PARTY);
            for k in b * TURN..(b + 1) * TURN {
                // Spread over the parties, the same ones each run.
                let party = (k * 7919) % parties;
                let q = Fremsoeg::sag(SoegSag::part(sf1470::party_urn_cpr(&cpr(party))));
                let req = sf1470::fremsoeg_request(&q);
                let t = Instant::now();
                let answer = expect_payload(call(&svc, &p, &scenario, &model::FREMSOEG, &req));
                wall[i].push(t.elapsed());
                assert!(
                    answer.contains(&cpr(party)),
                    "the search finds the party's cases"
                );
            }
        }
    }
    println!(
        "fremsoeg by party (finds {PER_PARTY} cases), {SEARCHES} per size, the sizes taking turns every {TURN}"
    );
    println!("  cases    import        p50        p99  RSS growth");
    for (i, &n) in sizes.iter().enumerate() {
        println!(
            "{n:>7}  {:>6.2} s  {:>9}  {:>9}  {:>5} B/case",
            imports[i].0.as_secs_f64(),
            micros(percentile(&mut wall[i], 0.50)),
            micros(percentile(&mut wall[i], 0.99)),
            imports[i].1,
        );
    }
    println!("RSS at the end: {} MiB", rss_kib() / 1024);
    for &n in &sizes {
        p.state.clear(&format!("growth-{n}"));
    }
    assert_eq!(svc.cases(), 0, "cleared scenarios give their cases back");
}

fn percentile(v: &mut [Duration], q: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 * q) as usize).min(v.len() - 1)]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// A synthetic CPR number per party (the index checks only that it is 10 digits).
fn cpr(party: usize) -> String {
    format!("01{:08}", party)
}

fn expect_payload(a: SoapAnswer) -> String {
    match a {
        SoapAnswer::Payload(x) => {
            assert!(!x.contains("FejlbeskedTekst"), "refused: {x}");
            x
        }
        _ => panic!("the mock answered with a fault"),
    }
}

/// The process's resident memory, from /proc (0 where there is none).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
