//! One run from start to end, as a library call: resolve the target (starting the embedded
//! mock if that is the target), guard production, run, and decide the exit code. The CLI is
//! a thin layer over this; tests call it directly.

use crate::config::{self, Target, MOCK_TARGET};
use crate::error::{ExitCode, Fatal};
use crate::mock::{self, platform::Platform, RunningMock};
use crate::pki::{self, TestPki};
use crate::runner::exec::{self, PlanProblem};
use crate::runner::features::{self, Filter, PlannedScenario};
use crate::runner::model::{FailureKind, FeatureResult, RunResult, ScenarioResult, Status};
use crate::runner::world::{Observer, RunCtx};
use crate::snapshot::SnapshotStore;
use crate::transport::Clients;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Where a suite's data lives. Defaults are the folders in the current directory, so a
/// vendor can keep its own suite in its own repository.
#[derive(Debug, Clone)]
pub struct SuitePaths {
    pub features: PathBuf,
    pub mocks: PathBuf,
    pub snapshots: PathBuf,
    pub certs: PathBuf,
    pub config: PathBuf,
    /// `--config` was given explicitly: a missing file is then an error.
    pub config_required: bool,
}

impl Default for SuitePaths {
    fn default() -> Self {
        SuitePaths {
            features: "features".into(),
            mocks: "mocks".into(),
            snapshots: "snapshots".into(),
            certs: "certs".into(),
            config: "sp-contract.toml".into(),
            config_required: false,
        }
    }
}

pub struct RunRequest {
    pub paths: SuitePaths,
    pub target: String,
    pub tags: Option<String>,
    pub name: Option<String>,
    pub concurrency: usize,
    pub update_snapshots: bool,
    pub allow_production_writes: bool,
    pub observer: Option<Arc<Observer>>,
}

impl RunRequest {
    pub fn new(paths: SuitePaths, target: &str) -> RunRequest {
        RunRequest {
            paths,
            target: target.to_string(),
            tags: None,
            name: None,
            concurrency: 8,
            update_snapshots: false,
            allow_production_writes: false,
            observer: None,
        }
    }
}

/// Load and filter the scenarios.
pub fn plan(
    paths: &SuitePaths,
    tags: Option<&str>,
    name: Option<&str>,
) -> Result<(Vec<features::LoadedFeature>, Vec<PlannedScenario>), Fatal> {
    let filter = Filter::new(tags, name).map_err(|e| Fatal::usage(e.to_string()))?;
    let loaded = features::load(&paths.features).map_err(|e| Fatal::usage(e.to_string()))?;
    let planned = features::plan(&loaded, &filter);
    if planned.is_empty() {
        return Err(Fatal::usage(format!(
            "no scenario matches the selection (--tags {}, --name {}); `sp-contract list` shows the scenarios and their tags",
            tags.unwrap_or("-"),
            name.unwrap_or("-")
        )));
    }
    Ok((loaded, planned))
}

/// The target without starting anything (for dry runs and listing).
pub fn resolve_target_offline(paths: &SuitePaths, name: &str) -> Result<Target, Fatal> {
    if name == MOCK_TARGET {
        let platform = Platform::load(&paths.mocks).map_err(|e| Fatal::usage(e.to_string()))?;
        return Ok(platform.target(&TestPki::at(&paths.certs), ""));
    }
    remote_target(paths, name)
}

fn remote_target(paths: &SuitePaths, name: &str) -> Result<Target, Fatal> {
    let cfg = config::load(&paths.config, paths.config_required)
        .map_err(|e| Fatal::usage(e.to_string()))?;
    let base = paths
        .config
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                p.to_path_buf()
            }
        })
        .unwrap_or_else(|| PathBuf::from("."));
    cfg.remote_target(name, &base, &paths.config)
        .map_err(|e| Fatal::usage(e.to_string()))
}

/// The test PKI for the mock, created on first use.
pub fn ensure_pki(paths: &SuitePaths) -> Result<TestPki, Fatal> {
    pki::ensure(&paths.certs).map_err(|e| {
        Fatal::usage(format!(
            "cannot create the local test PKI in {}: {}",
            paths.certs.display(),
            crate::error::chain(&e)
        ))
    })
}

/// Scenarios that would change state on a production target without permission.
pub fn production_guard(
    target: &Target,
    scenarios: &[PlannedScenario],
    allow: bool,
) -> Result<(), Fatal> {
    if !target.production || allow {
        return Ok(());
    }
    let writes: Vec<String> = scenarios
        .iter()
        .filter(|s| s.has_tag("@writes"))
        .map(|s| format!("  {}:{}  {}", s.feature_rel, s.line, s.name))
        .collect();
    if writes.is_empty() {
        return Ok(());
    }
    Err(Fatal::usage(format!(
        "target '{}' is marked production = true, and {} selected scenario(s) are tagged @writes (they send, route or import):\n{}\nNothing was sent. Exclude them with --tags \"not @writes\", or give --allow-production-writes if writing to production is really intended.",
        target.name,
        writes.len(),
        writes.join("\n")
    )))
}

pub struct RunOutcome {
    pub result: RunResult,
    pub exit: ExitCode,
}

/// A running target: the mock (kept alive for the run) or a remote one.
pub struct LiveTarget {
    pub target: Arc<Target>,
    pub mock: Option<RunningMock>,
}

pub async fn start_target(paths: &SuitePaths, name: &str) -> Result<LiveTarget, Fatal> {
    if name == MOCK_TARGET {
        let pki = ensure_pki(paths)?;
        let running = mock::start(
            &paths.mocks,
            &pki,
            "127.0.0.1:0".parse().expect("static addr"),
        )
        .await
        .map_err(|e| Fatal::usage(crate::error::chain(&e)))?;
        let target = running.platform.target(&pki, &running.url);
        return Ok(LiveTarget {
            target: Arc::new(target),
            mock: Some(running),
        });
    }
    Ok(LiveTarget {
        target: Arc::new(remote_target(paths, name)?),
        mock: None,
    })
}

/// Run the selected scenarios against the target. `on_finished` is called as each scenario
/// ends (in completion order).
pub async fn run(
    req: RunRequest,
    on_finished: impl FnMut(&PlannedScenario, &ScenarioResult),
) -> Result<RunOutcome, Fatal> {
    let (loaded, planned) = plan(&req.paths, req.tags.as_deref(), req.name.as_deref())?;
    // Guard before anything is started or connected.
    let offline = resolve_target_offline(&req.paths, &req.target)?;
    production_guard(&offline, &planned, req.allow_production_writes)?;

    let started_at = time::OffsetDateTime::now_utc();
    let t0 = Instant::now();
    let live = start_target(&req.paths, &req.target).await?;
    let ctx = Arc::new(RunCtx {
        target: live.target.clone(),
        mock: live.mock.as_ref().map(|m| m.platform.clone()),
        clients: Clients::new(live.target.clone()),
        snapshots: SnapshotStore::new(req.paths.snapshots.join(&req.target), req.update_snapshots),
        observer: req.observer.clone(),
    });
    // A certificate that does not load fails every scenario the same way: say it once.
    if let Err(e) = ctx.clients.get(config::DEFAULT_IDENTITY) {
        return Err(Fatal::usage(e.to_string()));
    }
    let results = exec::execute(&planned, ctx, req.concurrency, on_finished).await;
    if let Some(m) = &live.mock {
        m.shutdown();
    }
    let mut features: Vec<FeatureResult> = loaded
        .iter()
        .map(|lf| FeatureResult {
            name: lf.feature.name.clone(),
            path: PathBuf::from(&lf.rel),
            line: lf.feature.position.line,
            tags: lf
                .feature
                .tags
                .iter()
                .map(|t| format!("@{}", t.trim_start_matches('@')))
                .collect(),
            scenarios: Vec::new(),
        })
        .collect();
    for (sc, r) in planned.iter().zip(results) {
        features[sc.feature_index].scenarios.push(r);
    }
    features.retain(|f| !f.scenarios.is_empty());
    let result = RunResult {
        target: req.target.clone(),
        started_at,
        duration: t0.elapsed(),
        features,
    };
    let exit = exit_code(&result);
    Ok(RunOutcome { result, exit })
}

/// Exit code of a finished run: a broken suite (2) outranks a broken contract (1), which
/// outranks an unreachable target (3); all passed is 0.
pub fn exit_code(run: &RunResult) -> ExitCode {
    let mut kinds = Vec::new();
    for (_, s) in run.scenarios() {
        if s.status() == Status::Undefined {
            kinds.push(FailureKind::Input);
        }
        if let Some(f) = s.failure() {
            kinds.push(f.kind);
        }
    }
    if kinds.contains(&FailureKind::Input) {
        ExitCode::Usage
    } else if kinds.contains(&FailureKind::Contract) {
        ExitCode::ContractFailed
    } else if kinds.contains(&FailureKind::Transport) {
        ExitCode::Unreachable
    } else {
        ExitCode::Passed
    }
}

/// A dry run: parse, match, resolve; send nothing.
pub fn dry_run(
    paths: &SuitePaths,
    target: &str,
    tags: Option<&str>,
    name: Option<&str>,
) -> Result<(Vec<PlannedScenario>, Vec<PlanProblem>), Fatal> {
    let (_, planned) = plan(paths, tags, name)?;
    let t = resolve_target_offline(paths, target)?;
    let problems = exec::check_plan(&planned, &t);
    Ok((planned, problems))
}
