//! `run`: the run's console output (progress, each scenario, the summary) and its report
//! files; with `--dry-run` the plan and its problems instead, nothing sent.

use super::reports::{write_report, write_signature};
use super::{build_runtime, lanes_for, say, scenario_line, ReportFiles};
use crate::engine::{self, RunRequest};
use crate::error::{ExitCode, Fatal};
use crate::report::about::About;

/// `run`: prints the tool's version and the target, the shard's size, each scenario as it
/// ends (over a progress line on a terminal), a note per named service no scenario covers,
/// and the summary; then writes the reports asked for. The reports' paths are checked
/// first. With `dry_run`, `dry_run`'s output instead.
pub fn run(
    req: RunRequest,
    reports: &ReportFiles,
    dry_run: bool,
    threads: Option<std::num::NonZeroUsize>,
) -> Result<ExitCode, Fatal> {
    reports.check()?;
    if dry_run {
        return self::dry_run(&req);
    }
    // Before anything is sent: a config that cannot be read fails here, not after the run.
    let about = about(&req, reports)?;
    let selection = req.selection();
    use std::io::IsTerminal;
    let tty = std::io::stdout().is_terminal();
    let color = crate::report::color_wanted(tty);
    let mut console = crate::report::ConsoleReporter::new(std::io::stdout(), color);
    say!(
        "sp-contract {} — target '{}'",
        env!("CARGO_PKG_VERSION"),
        crate::evidence::redact::text(&req.target)
    );
    let plan = engine::plan(&req.paths, &selection)?;
    let total = plan.scenarios.len();
    // The scenarios run on lanes, a thread each (see `runner::lanes`); this thread starts
    // the mock and prints. With one lane they run here.
    let mut req = req;
    req.lanes = lanes_for(threads, total);
    let rt = build_runtime(1)?;
    if let Some(shard) = selection.shard {
        say!("shard {shard}: {total} scenario(s)");
    }
    let mut progress = crate::report::Progress::new(total, tty, color);
    let outcome = rt.block_on(engine::run(req, plan, |sc, r| {
        let feature = crate::report::FeatureRef {
            name: &sc.feature_name,
            path: std::path::Path::new(&sc.feature_rel),
        };
        let mut out = std::io::stdout();
        progress.clear(&mut out);
        let _ = console.scenario_finished(feature, r);
        progress.finished(&mut out, r);
    }))?;
    progress.clear(&mut std::io::stdout());
    for svc in &outcome.context.uncovered {
        say!("note: no selected scenario covers {svc}: it was not tested");
    }
    let _ = console.summary(&outcome.result);
    write_report(reports.junit.as_ref(), |w| {
        crate::report::write_junit(&outcome.result, w)
    })?;
    write_report(reports.cucumber_json.as_ref(), |w| {
        crate::report::write_cucumber_json(&outcome.result, w)
    })?;
    let evidence = crate::report::Evidence {
        run: &outcome.result,
        context: &outcome.context,
        exit: outcome.exit,
        tool_version: env!("CARGO_PKG_VERSION"),
        about: &about,
    };
    // Made in memory first: the signature is over exactly the bytes written.
    if let Some(path) = &reports.html {
        let mut html = Vec::new();
        crate::report::write_html(&evidence, &mut html)
            .map_err(|e| Fatal::usage(format!("cannot write {}: {e}", path.display())))?;
        write_report(Some(path), |w| w.write_all(&html))?;
        if let Some(p7s) = reports.signature() {
            write_signature(&p7s, &html, &outcome.context.target)?;
        }
    }
    write_report(reports.markdown.as_ref(), |w| {
        crate::report::write_markdown(&evidence, w)
    })?;
    Ok(outcome.exit)
}

/// What the evidence reports say besides the run: the flags, else the config's `[report]`;
/// the host; the features folder's git commit; the selection as given.
fn about(req: &RunRequest, reports: &ReportFiles) -> Result<About, Fatal> {
    // The embedded mock never needed the default config file: a broken one it did not ask
    // for stays unread for the mock, as before; a config given or needed must load.
    let needed = req.paths.config_required || req.target != crate::targets::config::MOCK_TARGET;
    let cfg = match crate::targets::config::load(&req.paths.config, req.paths.config_required) {
        Ok(cfg) => cfg,
        Err(e) if needed => return Err(e.into()),
        Err(_) => Default::default(),
    };
    let pick = |flag: &Option<String>, key: &Option<String>| flag.clone().or_else(|| key.clone());
    let mut given = Vec::new();
    if req.paths.features != std::path::Path::new("features") {
        given.push(format!("--features {}", req.paths.features.display()));
    }
    let selection = req.selection();
    if selection.tags.is_some()
        || selection.name.is_some()
        || selection.services.is_some()
        || selection.shard.is_some()
    {
        given.push(selection.describe());
    }
    Ok(About {
        lang: reports.lang,
        vendor: pick(&reports.vendor, &cfg.report.vendor),
        operator: pick(&reports.operator, &cfg.report.operator),
        it_system: pick(&reports.it_system, &cfg.report.it_system),
        host: crate::report::about::host_name(),
        commit: if reports.html.is_some() || reports.markdown.is_some() {
            crate::report::about::SuiteCommit::of(&req.paths.features)
        } else {
            crate::report::about::SuiteCommit::NotAsked
        },
        given: given.join(" "),
    })
}

/// `run --dry-run`: prints the plan (each scenario with its warnings), a note per named
/// service no scenario covers, and either that every step resolves (exit 0) or each problem
/// with its place (exit 2). The production guard refuses as a real run would.
fn dry_run(req: &RunRequest) -> Result<ExitCode, Fatal> {
    let (plan, problems) = engine::dry_run(&req.paths, &req.target, &req.selection())?;
    // A dry run shows what a real run would do, the production guard included.
    let target = engine::resolve_target_offline(&req.paths, &req.target)?;
    engine::production_guard(&target, &plan.selected, req.allow_production_writes)?;
    engine::sts_certificate(&target, &plan.selected)?;
    say!(
        "Dry run against target '{}': {} scenario(s), nothing is sent.",
        req.target,
        plan.scenarios.len()
    );
    for sc in &plan.scenarios {
        say!("  {}", scenario_line(sc, "  "));
        for w in &sc.warnings {
            say!("      warning: {w}");
        }
    }
    for svc in &plan.uncovered {
        say!("note: no selected scenario covers {svc}: it would not be tested");
    }
    for line in idws_routes(&target, &plan.scenarios) {
        say!("{line}");
    }
    if problems.is_empty() {
        say!(
            "Every step has a definition, every alias resolves for '{}', and no value would be refused before sending.",
            req.target
        );
        return Ok(ExitCode::Passed);
    }
    say!("\n{} problem(s):", problems.len());
    for p in &problems {
        let line = format!(
            "  {}:{}  {}\n      {}",
            p.feature_rel, p.line, p.step, p.message
        );
        say!("{}", crate::evidence::redact::text(&line));
    }
    Ok(ExitCode::Usage)
}

/// Where the OIO IDWS services the selection calls would go: STS, endpoint and SOAP version,
/// each configured or a default (on the embedded mock, paths on its own address).
fn idws_routes(
    target: &crate::targets::target::Target,
    scenarios: &[crate::runner::plan::PlannedScenario],
) -> Vec<String> {
    let mut out = Vec::new();
    for (s, model) in engine::idws_services(scenarios) {
        let route = target.idws_route(s, &model);
        // The embedded mock's address is known only once it has started.
        let on = if target.base_url.is_empty() {
            " (paths on the embedded mock)"
        } else {
            ""
        };
        out.push(format!("OIO IDWS {}: {}{on}", s.id, route.describe()));
    }
    if !out.is_empty() {
        out.push(match &target.idws.sts_certificate {
            Some(p) => format!(
                "OIO IDWS: the STS's answers and assertions are checked with its certificate {}",
                p.display()
            ),
            None => format!(
                "OIO IDWS: the STS's answers and assertions are used unchecked: target '{}' names no idws_sts_certificate",
                target.name
            ),
        });
    }
    out
}
