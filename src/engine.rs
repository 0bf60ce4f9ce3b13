//! One run from start to end, as a library call: resolve the target (starting the embedded
//! mock if that is the target), guard production, run, and decide the exit code. The CLI is
//! a thin layer over this; tests call it directly.

use crate::client::transport::Clients;
use crate::error::{ExitCode, Fatal};
use crate::evidence::fingerprint::Fingerprint;
use crate::evidence::snapshot::SnapshotStore;
use crate::platform::{self, data::Platform, RunningMock};
use crate::runner::exec::{self, PlanProblem};
use crate::runner::features::{self, Filter, PlannedScenario};
use crate::runner::model::RunContext;
use crate::runner::model::{FailureKind, FeatureResult, RunResult, ScenarioResult, Status};
use crate::runner::selection::{self, Selection, Shard};
use crate::runner::world::{Observer, RunCtx};
use crate::services::catalog::Catalog;
use crate::targets::config::{self, MOCK_TARGET};
use crate::targets::pki::{self, TestPki};
use crate::targets::target::Target;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// The services this build knows. The engine is where the catalog enters: it hands the
/// steps to the runner, the probes to the doctor and the responders to the mock.
pub fn catalog() -> &'static Catalog {
    static C: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    C.get_or_init(Catalog::built_in)
}

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
    /// Only scenarios tagged with one of these SF numbers (`--service`, `--agreement`).
    pub services: Option<Vec<String>>,
    /// Only this part of the selection (`--shard I/N`).
    pub shard: Option<Shard>,
    /// Runs again after a transient network failure on a real target (`--retries`).
    pub retries: usize,
    pub concurrency: usize,
    /// Threads the scenarios run on, each a lane of its own ([`crate::runner::lanes`]); 1 runs
    /// them on the caller's runtime.
    pub lanes: usize,
    pub update_snapshots: bool,
    pub allow_production_writes: bool,
    pub observer: Option<Arc<Observer>>,
    /// `--trace DIR`: write every exchanged message there, masked.
    pub trace: Option<PathBuf>,
}

impl RunRequest {
    pub fn new(paths: SuitePaths, target: &str) -> RunRequest {
        RunRequest {
            paths,
            target: target.to_string(),
            tags: None,
            name: None,
            services: None,
            shard: None,
            retries: 0,
            concurrency: 8,
            lanes: 1,
            update_snapshots: false,
            allow_production_writes: false,
            observer: None,
            trace: None,
        }
    }

    pub fn selection(&self) -> Selection {
        Selection {
            tags: self.tags.clone(),
            name: self.name.clone(),
            services: self.services.clone(),
            shard: self.shard,
        }
    }
}

/// The scenarios a command works on.
pub struct Plan {
    pub loaded: Vec<features::LoadedFeature>,
    /// Everything the selection picks, across all shards.
    pub selected: Vec<PlannedScenario>,
    /// This shard's part of `selected` (all of it without `--shard`).
    pub scenarios: Vec<PlannedScenario>,
    /// Services named by `--service`/`--agreement` that no scenario covers.
    pub uncovered: Vec<String>,
}

/// Load and filter the scenarios.
pub fn plan(paths: &SuitePaths, sel: &Selection) -> Result<Plan, Fatal> {
    let filter = Filter::new(sel.tags.as_deref(), sel.name.as_deref())?;
    let loaded = features::load(&paths.features)?;
    let mut selected = features::plan(&loaded, &filter)?;
    if let Some(op) = &filter.tags {
        let carried = |tag: &str| {
            let only = features::Filter {
                tags: Some(crate::gherkin::tagexpr::TagOperation::Tag(tag.to_string())),
                name: None,
            };
            features::plan(&loaded, &only).is_ok_and(|s| !s.is_empty())
        };
        if let Some(refusal) = selection::renamed_tag_refusal(&op.names(), carried) {
            return Err(Fatal::usage(refusal));
        }
    }
    let mut uncovered = Vec::new();
    if let Some(services) = &sel.services {
        selected.retain(|s| selection::covers(&s.tags, services));
        for svc in services {
            if !selected
                .iter()
                .any(|s| selection::covers(&s.tags, std::slice::from_ref(svc)))
            {
                uncovered.push(svc.clone());
            }
        }
    }
    if selected.is_empty() {
        return Err(Fatal::usage(format!(
            "no scenario matches the selection ({}); `sp-contract list` shows the scenarios and their tags",
            sel.describe()
        )));
    }
    // An empty shard is fine: a CI matrix may have more shards than scenarios.
    let scenarios = match sel.shard {
        Some(shard) => shard.take(selected.clone()),
        None => selected.clone(),
    };
    Ok(Plan {
        loaded,
        selected,
        scenarios,
        uncovered,
    })
}

/// The target without starting anything (for dry runs and listing).
pub fn resolve_target_offline(paths: &SuitePaths, name: &str) -> Result<Target, Fatal> {
    if name == MOCK_TARGET {
        let platform = Platform::load(&paths.mocks, catalog().known())?;
        return Ok(platform.target(&TestPki::at(&paths.certs), ""));
    }
    remote_target(paths, name)
}

fn remote_target(paths: &SuitePaths, name: &str) -> Result<Target, Fatal> {
    let cfg = config::load(&paths.config, paths.config_required)?;
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
    Ok(cfg.remote_target(name, &base, &paths.config)?)
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
    /// What the evidence report says besides the results.
    pub context: RunContext,
}

/// A running target: the mock (kept alive for the run) or a remote one.
pub struct LiveTarget {
    pub target: Arc<Target>,
    pub mock: Option<RunningMock>,
}

pub async fn start_target(paths: &SuitePaths, name: &str) -> Result<LiveTarget, Fatal> {
    if name == MOCK_TARGET {
        let pki = ensure_pki(paths)?;
        // Nobody reads the journal of a run's own mock: keep none, mask nothing.
        let options = platform::MockOptions {
            journal: 0,
            ..Default::default()
        };
        let running = platform::start_with_options(
            &paths.mocks,
            &pki,
            "127.0.0.1:0".parse().expect("static addr"),
            catalog(),
            options,
        )
        .await?;
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

/// The contract fingerprint of a run against `target` (see [`crate::evidence::fingerprint`]).
pub fn fingerprint(paths: &SuitePaths, target: &str) -> Result<Fingerprint, Fatal> {
    let files = features::feature_files(&paths.features)?;
    fingerprint_of(paths, target, &files)
}

/// The fingerprint over exactly these feature files (the ones a run loaded).
fn fingerprint_of(
    paths: &SuitePaths,
    target: &str,
    files: &[features::FeatureFile],
) -> Result<Fingerprint, Fatal> {
    let files: Vec<(&std::path::Path, &str)> = files
        .iter()
        .map(|f| (f.path.as_path(), f.rel.as_str()))
        .collect();
    Ok(crate::evidence::fingerprint::of_suite(
        &paths.features,
        &files,
        (target == MOCK_TARGET).then_some(paths.mocks.as_path()),
        &paths.snapshots.join(target),
    )?)
}

/// Run the planned scenarios against the target: `plan` is [`plan`] of the request's paths
/// and selection, made by the caller (who sizes the runtime by it). `on_finished` is called
/// as each scenario ends (in completion order).
pub async fn run(
    req: RunRequest,
    plan: Plan,
    on_finished: impl FnMut(&PlannedScenario, &ScenarioResult),
) -> Result<RunOutcome, Fatal> {
    // An unwritable trace folder is refused before anything runs.
    let trace = match &req.trace {
        Some(dir) => Some(Arc::new(crate::evidence::trace::Trace::create(dir)?)),
        None => None,
    };
    // Guard before anything is started or connected, over the whole selection rather than
    // this shard, so every shard of a CI matrix refuses alike.
    // The embedded mock is never production; a remote target is resolved once, here.
    let mut own = None;
    let remote = if req.target == MOCK_TARGET {
        None
    } else {
        let t = remote_target(&req.paths, &req.target)?;
        production_guard(&t, &plan.selected, req.allow_production_writes)?;
        let id = own_identity(&t);
        certificate_dates(&t, &id)?;
        sts_certificate(&t, &plan.selected)?;
        own = Some(id);
        Some(t)
    };
    let files: Vec<_> = plan.loaded.iter().map(|lf| lf.file.clone()).collect();
    let fingerprint = fingerprint_of(&req.paths, &req.target, &files)?;

    let started_at = time::OffsetDateTime::now_utc();
    let t0 = Instant::now();
    let live = match remote {
        Some(t) => LiveTarget {
            target: Arc::new(t),
            mock: None,
        },
        None => start_target(&req.paths, MOCK_TARGET).await?,
    };
    let own = own.unwrap_or_else(|| own_identity(&live.target));
    let certificate = own
        .as_ref()
        .map(|id| id.info.clone())
        .map_err(String::clone);
    let mut clients = Clients::new(live.target.clone());
    if let Ok(id) = own {
        clients = clients.with_loaded(config::DEFAULT_IDENTITY, id);
    }
    let ctx = Arc::new(RunCtx {
        target: live.target.clone(),
        known: catalog().known().clone(),
        mock: live.mock.as_ref().map(|m| m.platform.clone()),
        clients,
        snapshots: SnapshotStore::new(req.paths.snapshots.join(&req.target), req.update_snapshots),
        observer: req.observer.clone(),
        trace: trace.clone(),
    });
    // A certificate that does not load fails every scenario the same way: say it once.
    if let Err(e) = ctx.clients.get(config::DEFAULT_IDENTITY).await {
        return Err(e.into());
    }
    let steps = catalog().steps();
    let scenarios = Arc::new(plan.scenarios);
    let results = if crate::runner::lanes::count(req.lanes, req.concurrency, scenarios.len()) > 1 {
        let doors = live.mock.as_ref().map(RunningMock::doors);
        crate::runner::lanes::execute(
            scenarios.clone(),
            Arc::new(steps),
            ctx,
            doors,
            req.lanes,
            req.concurrency,
            req.retries,
            on_finished,
        )
        .await
    } else {
        let results = exec::execute(
            &scenarios,
            &steps,
            ctx,
            req.concurrency,
            req.retries,
            on_finished,
        )
        .await;
        Ok(results)
    };
    if let Some(m) = &live.mock {
        m.shutdown();
    }
    let results = results?;
    // A trace that could not be written in full is not the evidence it claims to be.
    if let Some(e) = trace.as_ref().and_then(|t| t.failure()) {
        return Err(e.into());
    }
    let mut features: Vec<FeatureResult> = plan
        .loaded
        .iter()
        .map(|lf| FeatureResult {
            // Masked like the plan's names (`lf.rel` already is).
            name: crate::evidence::redact::mask_cpr(&lf.feature.name),
            path: PathBuf::from(&lf.rel),
            line: lf.feature.position.line,
            tags: lf
                .feature
                .tags
                .iter()
                .map(|t| {
                    crate::evidence::redact::mask_cpr(&format!("@{}", t.trim_start_matches('@')))
                })
                .collect(),
            scenarios: Vec::new(),
        })
        .collect();
    for (sc, r) in scenarios.iter().zip(results) {
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
    Ok(RunOutcome {
        result,
        exit,
        context: RunContext {
            known: catalog().known().clone(),
            target: (*live.target).clone(),
            certificate,
            fingerprint,
            selection: req.selection(),
            uncovered: plan.uncovered,
            retries: req.retries,
        },
    })
}

/// Refuse, before connecting, to present a client certificate outside its validity: the
/// server's refusal would read as "not reached" (exit 3), which CI lets pass as a warning.
/// Only the target's own certificate: an alias identity may be expired on purpose, to see
/// the platform refuse it. A certificate that does not load is reported when the client is
/// built.
fn certificate_dates(
    target: &Target,
    own: &Result<Arc<pki::Identity>, String>,
) -> Result<(), Fatal> {
    let Ok(source) = target.identity(crate::targets::config::DEFAULT_IDENTITY) else {
        return Ok(());
    };
    let Ok(id) = own else {
        return Ok(());
    };
    let file = match source {
        pki::IdentitySource::Pkcs12 { path, .. } => path,
        pki::IdentitySource::Pem { cert, .. } => cert,
    };
    match id.info.validity_problem(time::OffsetDateTime::now_utc()) {
        Some(problem) => Err(Fatal::usage(format!(
            "the client certificate {} ([targets.{}] certificate) {problem}",
            file.display(),
            target.name
        ))),
        None => Ok(()),
    }
}

/// The services of the OIO IDWS model the scenarios call (by their SF tag), with the model.
pub fn idws_services(
    scenarios: &[PlannedScenario],
) -> Vec<(
    &'static crate::core::service::ServiceInfo,
    crate::core::service::Idws,
)> {
    use crate::core::service::SecurityModel;
    catalog()
        .known()
        .iter()
        .filter_map(|s| match s.security {
            SecurityModel::Idws(model) => Some((s, model)),
            _ => None,
        })
        .filter(|(s, _)| scenarios.iter().any(|sc| sc.has_tag(s.id)))
        .collect()
}

/// An STS certificate (`idws_sts_certificate`) that cannot be read would fail every OIO
/// IDWS scenario alike: said once, before anything is sent (and by a dry run), when the
/// selection calls such a service.
pub fn sts_certificate(target: &Target, scenarios: &[PlannedScenario]) -> Result<(), Fatal> {
    if idws_services(scenarios).is_empty() {
        return Ok(());
    }
    crate::client::idws::sts_certificates(target)
        .map(drop)
        .map_err(|e| Fatal::usage(e.to_string()))
}

/// The target's own certificate and key, read once a run: its dates are checked before
/// connecting, its facts go in the report, and the run's client presents it (reading a key
/// wakes OpenSSL's decoders, the costliest step before a one-call run connects). The error
/// is for the report; the client, reading it again, says what failed.
fn own_identity(target: &Target) -> Result<Arc<pki::Identity>, String> {
    let source = target.identity(crate::targets::config::DEFAULT_IDENTITY)?;
    pki::load_identity(source)
        .map(Arc::new)
        .map_err(|e| crate::evidence::redact::text(&crate::error::chain(&e)))
}

/// Exit code of a finished run: a broken suite (2) outranks a broken contract (1), which
/// outranks an unreachable target (3); all passed is 0.
pub fn exit_code(run: &RunResult) -> ExitCode {
    let mut codes = Vec::new();
    for (_, s) in run.scenarios() {
        if s.status() == Status::Undefined {
            codes.push(ExitCode::Usage);
        }
        if let Some(f) = s.failure() {
            codes.push(match f.kind {
                FailureKind::Input => ExitCode::Usage,
                FailureKind::Contract => ExitCode::ContractFailed,
                FailureKind::Transport => ExitCode::Unreachable,
            });
        }
    }
    ExitCode::worst(codes)
}

/// A dry run: parse, match, resolve; send nothing.
pub fn dry_run(
    paths: &SuitePaths,
    target: &str,
    sel: &Selection,
) -> Result<(Plan, Vec<PlanProblem>), Fatal> {
    let plan = plan(paths, sel)?;
    // The mock's data lets steps check names against it (receiving systems, sortiments).
    let (t, mock) = if target == MOCK_TARGET {
        let platform = Platform::load(&paths.mocks, catalog().known())?;
        let t = platform.target(&TestPki::at(&paths.certs), "");
        (t, Some(platform))
    } else {
        (remote_target(paths, target)?, None)
    };
    let problems = exec::check_plan(&plan.scenarios, &catalog().steps(), &t, mock.as_ref());
    Ok((plan, problems))
}
