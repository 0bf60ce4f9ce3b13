//! Running planned scenarios: concurrently, each in its own World, steps in order.

use crate::runner::features::PlannedScenario;
use crate::runner::model::{
    FailureKind, ScenarioResult, Status, StepArgument, StepFailure, StepResult,
};
use crate::runner::steps::{self, Args, Match, Steps};
use crate::runner::world::{RunCtx, World};
use crate::targets::target::Target;
use futures::stream::{self, StreamExt};
use std::sync::Arc;
use std::time::Instant;

/// Run every scenario, at most `concurrency` at a time. `on_finished` sees each result as it
/// completes (for live console output); the returned results are in plan order.
///
/// `retries`: how often a scenario may run again after a transient network failure (see
/// [`retryable`]); only the last attempt's result counts, the earlier failures are kept in
/// [`ScenarioResult::earlier_attempts`] so reports can call the scenario flaky.
pub async fn execute(
    scenarios: &[PlannedScenario],
    steps: &Steps,
    ctx: Arc<RunCtx>,
    concurrency: usize,
    retries: usize,
    mut on_finished: impl FnMut(&PlannedScenario, &ScenarioResult),
) -> Vec<ScenarioResult> {
    build_clients_ahead(scenarios, &ctx);
    let mut results: Vec<Option<ScenarioResult>> = vec![None; scenarios.len()];
    let mut running = stream::iter(scenarios.iter().enumerate())
        .map(|(i, sc)| {
            let ctx = ctx.clone();
            async move { (i, run_with_retries(sc, steps, ctx, retries).await) }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((i, r)) = running.next().await {
        on_finished(&scenarios[i], &r);
        results[i] = Some(r);
    }
    results.into_iter().flatten().collect()
}

/// Start building, on the blocking pool, the client of every other certificate a step names
/// (`med certifikatet "uregistreret"`), so the scenario that switches to it finds it ready
/// instead of waiting for a certificate to load. Any quoted value of a step that is one of
/// the target's certificate aliases counts (cheaper than matching every step definition;
/// at worst a client is built that no step uses). A build that fails is left for the step
/// itself to report.
pub(crate) fn build_clients_ahead(scenarios: &[PlannedScenario], ctx: &Arc<RunCtx>) {
    let mut named = std::collections::BTreeSet::new();
    for st in scenarios.iter().flat_map(|sc| &sc.steps) {
        // Between the 1st and 2nd quote, the 3rd and 4th, ...
        for quoted in st.text.split('"').skip(1).step_by(2) {
            if quoted != crate::targets::config::DEFAULT_IDENTITY
                && ctx.target.identities.contains_key(quoted)
            {
                named.insert(quoted.to_string());
            }
        }
    }
    for identity in named {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let _ = ctx.clients.get(&identity).await;
        });
    }
}

/// Whether a failed scenario may run again: its first failure is a transport failure (no
/// answer: connection, TLS, time-out, a gateway's error page), the target is a real one (a
/// failure of the embedded mock is a bug to see, not noise to smooth over), and it is not
/// tagged `@writes` (a timed-out send may have arrived; sending it again could post a
/// letter twice). A contract failure is never retried.
pub fn retryable(sc: &PlannedScenario, target: &Target, result: &ScenarioResult) -> bool {
    result.status() == Status::Failed
        && result.failure().map(|f| f.kind) == Some(FailureKind::Transport)
        && target.kind() != crate::targets::target::TargetKind::EmbeddedMock
        && !sc.has_tag("@writes")
}

/// Pause before attempt `n + 1` (n = failures so far): 0.5 s, 1 s, 2 s, ... at most 8 s.
fn backoff(n: usize) -> std::time::Duration {
    let ms = 500u64.saturating_mul(1 << (n.saturating_sub(1)).min(4));
    std::time::Duration::from_millis(ms.min(8_000))
}

pub(crate) async fn run_with_retries(
    sc: &PlannedScenario,
    steps: &Steps,
    ctx: Arc<RunCtx>,
    retries: usize,
) -> ScenarioResult {
    let mut earlier = Vec::new();
    loop {
        let mut r = run_scenario(sc, steps, ctx.clone()).await;
        if earlier.len() < retries && retryable(sc, &ctx.target, &r) {
            if let Some(f) = r.failure() {
                earlier.push(f.clone());
            }
            tokio::time::sleep(backoff(earlier.len())).await;
            continue;
        }
        r.earlier_attempts = earlier;
        return r;
    }
}

async fn run_scenario(sc: &PlannedScenario, ctx_steps: &Steps, ctx: Arc<RunCtx>) -> ScenarioResult {
    let started = Instant::now();
    let mut world = World::new(ctx, &sc.feature_rel, &sc.feature_stem(), &sc.name);
    let mut results = Vec::with_capacity(sc.steps.len());
    let mut stopped = false;
    let texts: Vec<&str> = sc.steps.iter().map(|s| s.text.as_str()).collect();
    let expected = ctx_steps.refusal_expected(&texts);
    let handshake = ctx_steps.handshake_refusal_expected(&texts);
    for ((st, refusal_expected), handshake) in sc.steps.iter().zip(expected).zip(handshake) {
        world.refusal_expected = refusal_expected;
        world.handshake_refusal_expected = handshake;
        let t0 = Instant::now();
        let mut result = StepResult {
            keyword: st.keyword.clone(),
            text: crate::evidence::redact::text(&st.text),
            line: st.line,
            status: Status::Skipped,
            duration: std::time::Duration::ZERO,
            failure: None,
            argument: StepArgument::of(st.docstring.as_deref(), st.table.as_deref()),
        };
        if stopped {
            results.push(result);
            continue;
        }
        match ctx_steps.find(&st.text) {
            Match::Found(def, caps) => {
                let args = Args {
                    caps,
                    docstring: st.docstring.clone(),
                    table: st.table.clone(),
                    line: st.line,
                };
                match (def.run)(&mut world, args).await {
                    Ok(()) => result.status = Status::Passed,
                    Err(f) => {
                        result.status = Status::Failed;
                        result.failure = Some(f);
                        stopped = true;
                    }
                }
            }
            Match::Undefined => {
                result.status = Status::Undefined;
                result.failure = Some(undefined_failure(ctx_steps, &st.text));
                stopped = true;
            }
            Match::Ambiguous(defs) => {
                result.status = Status::Failed;
                result.failure = Some(StepFailure {
                    kind: FailureKind::Input,
                    message: format!(
                        "the step matches {} definitions: {}",
                        defs.len(),
                        defs.iter()
                            .map(|d| d.example)
                            .collect::<Vec<_>>()
                            .join(" / ")
                    ),
                    diff: None,
                });
                stopped = true;
            }
        }
        result.duration = t0.elapsed();
        results.push(result);
    }
    if let Some(mock) = &world.ctx.mock {
        mock.state.clear(&world.scenario_id);
    }
    ScenarioResult {
        name: sc.name.clone(),
        line: sc.line,
        tags: sc.tags.clone(),
        steps: results,
        duration: started.elapsed(),
        earlier_attempts: Vec::new(),
        warnings: sc.warnings.clone(),
    }
}

fn undefined_failure(steps: &Steps, text: &str) -> StepFailure {
    let sugg = steps.suggest(text);
    let hint = if sugg.is_empty() {
        "Run `sp-contract steps` for the vocabulary.".to_string()
    } else {
        format!(
            "Did you mean: {}? Run `sp-contract steps` for the vocabulary.",
            sugg.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    };
    StepFailure {
        kind: FailureKind::Input,
        message: crate::evidence::redact::text(&format!(
            "no step definition matches \"{text}\". {hint}"
        )),
        diff: None,
    }
}

/// One problem found by a dry run.
#[derive(Debug, Clone)]
pub struct PlanProblem {
    pub feature_rel: String,
    pub line: usize,
    pub step: String,
    pub message: String,
}

/// Check every step of every scenario without sending anything: a definition matches, the
/// data the step names resolves for the target, and the step's own checks would not refuse
/// the call before sending (unless a later step of the scenario asserts that refusal).
/// `mock`: the embedded mock's data, when the target is the mock.
pub fn check_plan(
    scenarios: &[PlannedScenario],
    steps: &Steps,
    target: &Target,
    mock: Option<&crate::platform::data::Platform>,
) -> Vec<PlanProblem> {
    let cx = steps::CheckCtx {
        target,
        known: steps.known(),
        mock,
    };
    let mut problems = Vec::new();
    for sc in scenarios {
        let texts: Vec<&str> = sc.steps.iter().map(|s| s.text.as_str()).collect();
        let expected = steps.refusal_expected(&texts);
        for (st, refusal_expected) in sc.steps.iter().zip(expected) {
            let problem = match steps.find(&st.text) {
                Match::Found(def, caps) => {
                    let args = Args {
                        caps,
                        docstring: st.docstring.clone(),
                        table: st.table.clone(),
                        line: st.line,
                    };
                    let setup = def.check.and_then(|check| check(&cx, &args).err());
                    setup.or_else(|| match def.precheck.map(|p| p(&cx, &args)) {
                        Some(Err(steps::Finding::Input(m))) => Some(m),
                        Some(Err(steps::Finding::Refusal(m))) if !refusal_expected => {
                            Some(format!(
                                "not sent: input error: {}. Fix the value; to test this refusal on purpose, follow the step with 'Så kaldet blev afvist før afsendelse med beskeden \"…\"'",
                                m.trim_end_matches('.')
                            ))
                        }
                        _ => None,
                    })
                }
                Match::Undefined => Some(undefined_failure(steps, &st.text).message),
                Match::Ambiguous(defs) => Some(format!("matches {} step definitions", defs.len())),
            };
            if let Some(message) = problem {
                problems.push(PlanProblem {
                    feature_rel: sc.feature_rel.clone(),
                    line: st.line,
                    step: crate::evidence::redact::text(&format!("{}{}", st.keyword, st.text)),
                    message: crate::evidence::redact::text(&message),
                });
            }
        }
    }
    // Outlines and backgrounds repeat steps: report each place once.
    problems.sort_by(|a, b| {
        (&a.feature_rel, a.line, &a.message).cmp(&(&b.feature_rel, b.line, &b.message))
    });
    problems.dedup_by(|a, b| {
        a.feature_rel == b.feature_rel && a.line == b.line && a.message == b.message
    });
    problems
}
