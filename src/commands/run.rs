//! `run`: the run's console output (progress, each scenario, the summary) and its report
//! files; with `--dry-run` the plan and its problems instead, nothing sent.

use super::reports::write_report;
use super::{runtime_for, say, scenario_line, ReportFiles};
use crate::engine::{self, RunRequest};
use crate::error::{ExitCode, Fatal};

/// `run`: prints the tool's version and the target, the shard's size, each scenario as it
/// ends (over a progress line on a terminal), a note per named service no scenario covers,
/// and the summary; then writes the reports asked for. The reports' paths are checked
/// first. With `dry_run`, [`dry_run`]'s output instead.
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
    let rt = runtime_for(threads, total)?;
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
    };
    write_report(reports.html.as_ref(), |w| {
        crate::report::write_html(&evidence, w)
    })?;
    write_report(reports.markdown.as_ref(), |w| {
        crate::report::write_markdown(&evidence, w)
    })?;
    Ok(outcome.exit)
}

/// `run --dry-run`: prints the plan (each scenario with its warnings), a note per named
/// service no scenario covers, and either that every step resolves (exit 0) or each problem
/// with its place (exit 2). The production guard refuses as a real run would.
fn dry_run(req: &RunRequest) -> Result<ExitCode, Fatal> {
    let (plan, problems) = engine::dry_run(&req.paths, &req.target, &req.selection())?;
    // A dry run shows what a real run would do, the production guard included.
    let target = engine::resolve_target_offline(&req.paths, &req.target)?;
    engine::production_guard(&target, &plan.selected, req.allow_production_writes)?;
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
