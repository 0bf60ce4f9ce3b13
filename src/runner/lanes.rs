//! Running a plan on lanes: a thread each, with a single-threaded runtime that runs scenarios
//! as it takes them from the plan, with clients of its own, and (on the embedded mock) serves
//! their connections on a listener of its own. A request and its answer then stay on one
//! thread. On one runtime of several workers, the scenario, hyper's connection task and the
//! mock's connection task woke one another across threads about twice a request: a stub call
//! on one connection ran at less than half the rate it runs at on one thread.

use crate::error::Fatal;
use crate::platform::Doors;
use crate::runner::exec::{build_clients_ahead, run_with_retries};
use crate::runner::features::PlannedScenario;
use crate::runner::model::ScenarioResult;
use crate::runner::steps::Steps;
use crate::runner::world::RunCtx;
use crate::targets::target::Target;
use futures::stream::{self, StreamExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

/// What a lane sends back: a finished scenario (by its place in the plan), or why the lane
/// could not start.
enum Sent {
    Finished(usize, Box<ScenarioResult>),
    NotStarted(String),
}

/// Run every scenario on `lanes` lanes, at most `concurrency` at a time in all. `ctx` is the
/// run's; each lane works with clients of its own (`lane_ctx`), and on a listener of its
/// own through `doors` when the target is the embedded mock. `on_finished` is called here,
/// on the caller's thread, as each scenario ends; the results are in plan order.
///
/// A lane that cannot start leaves its share to the others; only when scenarios were left
/// unrun is that an error.
#[allow(clippy::too_many_arguments)]
pub async fn execute(
    scenarios: Arc<Vec<PlannedScenario>>,
    steps: Arc<Steps>,
    ctx: Arc<RunCtx>,
    doors: Option<Doors>,
    lanes: usize,
    concurrency: usize,
    retries: usize,
    mut on_finished: impl FnMut(&PlannedScenario, &ScenarioResult),
) -> Result<Vec<ScenarioResult>, Fatal> {
    let places = shares(concurrency, count(lanes, concurrency, scenarios.len()));
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = mpsc::unbounded_channel();
    for (lane, each) in places.into_iter().enumerate() {
        let work = Lane {
            scenarios: scenarios.clone(),
            steps: steps.clone(),
            ctx: ctx.clone(),
            doors: doors.clone(),
            next: next.clone(),
            each,
            retries,
            tx: tx.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name(format!("sp-contract-lane-{lane}"))
            .spawn(move || work.run());
        if let Err(e) = spawned {
            let _ = tx.send(Sent::NotStarted(format!("cannot start a thread: {e}")));
        }
    }
    drop(tx);
    let mut results: Vec<Option<ScenarioResult>> = vec![None; scenarios.len()];
    let mut problems = Vec::new();
    // Ends when every lane has ended (and dropped its sender), also one that panicked.
    while let Some(sent) = rx.recv().await {
        match sent {
            Sent::Finished(i, r) => {
                on_finished(&scenarios[i], &r);
                results[i] = Some(*r);
            }
            Sent::NotStarted(why) => problems.push(why),
        }
    }
    let unrun = results.iter().filter(|r| r.is_none()).count();
    if unrun > 0 {
        if problems.is_empty() {
            // Only a panic ends a lane early; its message is on stderr already.
            problems.push(
                "a lane stopped before its scenarios ended (a bug in sp-contract: please report it with the message above)"
                    .into(),
            );
        }
        return Err(Fatal::usage(format!(
            "{unrun} scenario(s) did not run: {}",
            problems.join("; ")
        )));
    }
    Ok(results.into_iter().flatten().collect())
}

/// What a lane of the run works with: the same run, its own clients, calling the mock on
/// `base_url` when the lane has a listener of its own.
fn lane_ctx(run: &RunCtx, base_url: Option<String>) -> RunCtx {
    let target = match base_url {
        Some(base_url) => Arc::new(Target {
            base_url,
            ..(*run.target).clone()
        }),
        None => run.target.clone(),
    };
    RunCtx {
        clients: run.clients.lane(target.clone()),
        target,
        known: run.known.clone(),
        mock: run.mock.clone(),
        snapshots: run.snapshots.clone(),
        observer: run.observer.clone(),
        trace: run.trace.clone(),
    }
}

/// How many lanes a run gets: the ones asked for, but no more than scenarios, nor than
/// scenarios at a time (`--concurrency`). One runs on the caller's runtime, without lanes.
pub fn count(lanes: usize, concurrency: usize, scenarios: usize) -> usize {
    lanes.min(concurrency).min(scenarios).max(1)
}

/// How many scenarios each lane runs at a time: `concurrency` shared out, so the run never
/// has more at once than asked for (`--concurrency 1` runs one at a time, on one lane), and
/// no more lanes than that.
fn shares(concurrency: usize, lanes: usize) -> Vec<usize> {
    let concurrency = concurrency.max(1);
    let lanes = lanes.clamp(1, concurrency);
    (0..lanes)
        .map(|l| concurrency / lanes + usize::from(l < concurrency % lanes))
        .collect()
}

/// One lane's work and what it shares with the others.
struct Lane {
    scenarios: Arc<Vec<PlannedScenario>>,
    steps: Arc<Steps>,
    ctx: Arc<RunCtx>,
    doors: Option<Doors>,
    /// The plan's next scenario not yet taken by a lane.
    next: Arc<AtomicUsize>,
    /// Scenarios this lane runs at a time.
    each: usize,
    retries: usize,
    tx: mpsc::UnboundedSender<Sent>,
}

impl Lane {
    fn run(self) {
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                let _ = self
                    .tx
                    .send(Sent::NotStarted(format!("cannot start a runtime: {e}")));
                return;
            }
        };
        rt.block_on(self.work());
    }

    async fn work(self) {
        let base_url = match &self.doors {
            Some(doors) => match doors.open_here().await {
                Ok(url) => Some(url),
                Err(e) => {
                    let _ = self.tx.send(Sent::NotStarted(e.to_string()));
                    return;
                }
            },
            None => None,
        };
        let ctx = Arc::new(lane_ctx(&self.ctx, base_url));
        build_clients_ahead(&self.scenarios, &ctx);
        // Taken one at a time as a place frees up, so a lane with quick scenarios takes more.
        let taken = std::iter::from_fn(|| {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            (i < self.scenarios.len()).then_some(i)
        });
        let (scenarios, steps, retries) = (&self.scenarios, &self.steps, self.retries);
        let mut running = stream::iter(taken)
            .map(|i| {
                let ctx = ctx.clone();
                async move {
                    (
                        i,
                        run_with_retries(&scenarios[i], steps, ctx, retries).await,
                    )
                }
            })
            .buffer_unordered(self.each);
        while let Some((i, r)) = running.next().await {
            let _ = self.tx.send(Sent::Finished(i, Box::new(r)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shares;

    #[test]
    fn the_run_never_has_more_scenarios_at_once_than_asked_for() {
        assert_eq!(shares(8, 2), [4, 4]);
        assert_eq!(shares(3, 2), [2, 1]);
        assert_eq!(shares(1, 4), [1], "one at a time is one lane");
        assert_eq!(shares(2, 16), [1, 1]);
        assert_eq!(shares(0, 0), [1]);
        for c in 1..40 {
            for l in 1..10 {
                let s = shares(c, l);
                assert_eq!(s.iter().sum::<usize>(), c, "{c} on {l}");
                assert!(s.len() <= l && s.iter().all(|&n| n >= 1));
            }
        }
    }
}
