//! `run` on several lanes (`--threads N`): each lane a thread of its own that runs scenarios
//! and serves their connections on a listener of its own. The verdict must be the one a run
//! on one thread gives, scenario for scenario, in plan order.

use sp_contract::engine::{self, RunRequest, SuitePaths};
use sp_contract::runner::model::Status;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

fn paths() -> SuitePaths {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    SuitePaths {
        features: repo.join("features"),
        mocks: repo.join("mocks"),
        snapshots: repo.join("snapshots"),
        certs: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-certs"),
        ..SuitePaths::default()
    }
}

/// What a run of the built-in suite on `lanes` lanes says: each scenario's place, name and
/// status in the report's order; the scenarios `on_finished` saw; the names of the threads
/// that made calls.
struct Seen {
    verdicts: Vec<(String, String, Status)>,
    finished: Vec<String>,
    threads: BTreeSet<String>,
    exit: i32,
}

async fn suite_on(lanes: usize, concurrency: usize) -> Seen {
    let threads: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let sink = threads.clone();
    let mut req = RunRequest::new(paths(), "mock");
    req.lanes = lanes;
    req.concurrency = concurrency;
    req.observer = Some(Arc::new(move |_: &str, _: &str, _: &[u8]| {
        let name = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        sink.lock().unwrap().insert(name);
    }));
    let plan = engine::plan(&req.paths, &req.selection()).expect("plan");
    let mut finished = Vec::new();
    let outcome = engine::run(req, plan, |sc, _| {
        finished.push(format!("{}:{}", sc.feature_rel, sc.line))
    })
    .await
    .expect("run");
    let verdicts = outcome
        .result
        .scenarios()
        .map(|(f, s)| (f.path.display().to_string(), s.name.clone(), s.status()))
        .collect();
    let threads = threads.lock().unwrap().clone();
    Seen {
        verdicts,
        finished,
        threads,
        exit: outcome.exit.code(),
    }
}

#[tokio::test]
async fn a_run_on_three_lanes_gives_the_verdict_of_a_run_on_one_thread() {
    let one = suite_on(1, 8).await;
    let three = suite_on(3, 8).await;
    assert_eq!(one.exit, 0, "the built-in suite passes on one thread");
    assert_eq!(three.exit, one.exit);
    assert_eq!(
        three.verdicts, one.verdicts,
        "same scenarios, same order, same verdicts"
    );
    // Every scenario reported once as it ended, whichever lane ran it.
    let mut finished = three.finished.clone();
    finished.sort();
    finished.dedup();
    assert_eq!(
        finished.len(),
        three.finished.len(),
        "a scenario reported twice"
    );
    assert_eq!(three.finished.len(), one.verdicts.len());
    // The calls were made on the lanes' threads, not the caller's.
    let lanes: BTreeSet<String> = (0..3).map(|i| format!("sp-contract-lane-{i}")).collect();
    assert!(
        three.threads.is_subset(&lanes) && three.threads.len() > 1,
        "calls made on {:?}",
        three.threads
    );
    assert!(
        !one.threads
            .iter()
            .any(|t| t.starts_with("sp-contract-lane")),
        "one lane runs on the caller's thread: {:?}",
        one.threads
    );
}

/// `--concurrency 1` is one scenario at a time, whatever `--threads` says: one lane, the
/// caller's thread.
#[tokio::test]
async fn one_at_a_time_runs_on_one_lane() {
    let serial = suite_on(3, 1).await;
    assert_eq!(serial.exit, 0);
    assert!(
        !serial
            .threads
            .iter()
            .any(|t| t.starts_with("sp-contract-lane")),
        "calls made on {:?}",
        serial.threads
    );
}
