//! The report's results: the services × results matrix, and every scenario with its steps;
//! for a scenario that did not pass, the failure message and diff (or the platform's fault).

use super::{esc, num};
use crate::report::{kind_str, path_str, secs3, service_matrix, strip_ansi, Outcome};
use crate::runner::model::{
    FailureKind, RunContext, RunResult, ScenarioResult, Status, StepFailure,
};

/// The "Results by service" section.
pub(super) fn matrix(run: &RunResult, ctx: &RunContext) -> String {
    let mut h = String::new();
    let named = ctx.selection.services.clone().unwrap_or_default();
    let rows = service_matrix(run, &named);
    h.push_str("<section id=\"matrix\">\n<h2>Results by service</h2>\n<table class=\"matrix\">\n<thead><tr><th>Service</th><th>Result</th><th>Scenarios</th><th>Passed</th><th>Contract broken</th><th>Not reached</th><th>Suite error</th><th>Skipped</th><th>Flaky</th></tr></thead>\n<tbody>\n");
    for r in &rows {
        let badge = match r.verdict() {
            "passed" if r.flaky > 0 => "b-warn",
            "passed" => "b-pass",
            "not reached" | "not tested" => "b-warn",
            "skipped" => "b-skip",
            _ => "b-fail",
        };
        let name = ctx
            .known
            .by_id(&r.service)
            .map(|i| format!(" <span class=\"dur\">{}</span>", esc(i.name)))
            .unwrap_or_default();
        h.push_str(&format!(
            "<tr><td><strong>{}</strong>{name}</td><td><span class=\"badge {badge}\">{}</span></td>{}{}{}{}{}{}{}</tr>\n",
            esc(&r.service),
            esc(&r.verdict().to_uppercase()),
            num(r.total),
            num(r.passed),
            num(r.contract),
            num(r.transport),
            num(r.input),
            num(r.skipped),
            num(r.flaky),
        ));
    }
    h.push_str("</tbody>\n</table>\n");
    if !ctx.uncovered.is_empty() {
        h.push_str(&format!(
            "<p class=\"note\">Named in the selection but covered by no scenario, so <strong>not tested</strong>: {}.</p>\n",
            esc(&ctx.uncovered.join(", "))
        ));
    }
    h.push_str("</section>\n");
    h
}

/// The "Scenarios" section: every feature that ran, with its scenarios.
pub(super) fn scenarios(run: &RunResult) -> String {
    let total = run.scenarios().count();
    let mut h = String::new();
    h.push_str("<section id=\"scenarios\">\n<h2>Scenarios</h2>\n");
    if total == 0 {
        h.push_str("<p>No scenario ran in this part of the run.</p>\n");
    }
    for f in &run.features {
        h.push_str(&format!(
            "<div class=\"feature\">\n<h3>{} <span class=\"path\">{}</span></h3>\n",
            esc(&f.name),
            esc(&path_str(&f.path))
        ));
        for s in &f.scenarios {
            scenario(&mut h, &path_str(&f.path), s);
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
    h
}

fn scenario(h: &mut String, path: &str, s: &ScenarioResult) {
    let outcome = Outcome::of(s);
    let (class, badge, label) = match outcome {
        Outcome::Passed if s.is_flaky() => ("s-warn", "b-warn", "FLAKY".to_string()),
        Outcome::Passed => ("s-pass", "b-pass", "PASSED".to_string()),
        Outcome::Skipped => ("s-skip", "b-skip", "SKIPPED".to_string()),
        Outcome::Failed { kind, .. } => (
            if kind == FailureKind::Transport {
                "s-warn"
            } else {
                "s-fail"
            },
            if kind == FailureKind::Transport {
                "b-warn"
            } else {
                "b-fail"
            },
            match kind {
                FailureKind::Contract => "BROKEN".to_string(),
                FailureKind::Transport => "NOT REACHED".to_string(),
                FailureKind::Input => "SUITE ERROR".to_string(),
            },
        ),
        Outcome::Undefined { .. } => ("s-fail", "b-fail", "UNDEFINED".to_string()),
    };
    h.push_str(&format!(
        "<article class=\"scenario {class}\">\n<h4><span class=\"badge {badge}\">{}</span>{} <span class=\"loc\">{}:{} · {}</span></h4>\n",
        esc(&label),
        esc(&s.name),
        esc(path),
        s.line,
        esc(&format!("{} s", secs3(s.duration)))
    ));
    if !s.tags.is_empty() {
        h.push_str(&format!(
            "<div class=\"tags\">{}</div>\n",
            esc(&s.tags.join(" "))
        ));
    }
    if !s.earlier_attempts.is_empty() {
        let verdict = if s.is_flaky() {
            format!("Passed on attempt {} of {}", s.attempts(), s.attempts())
        } else {
            format!("Failed on all {} attempts", s.attempts())
        };
        h.push_str(&format!(
            "<div class=\"note\"><strong>{}.</strong> Earlier attempts failed on a transient network problem (not the contract):<ol>",
            esc(&verdict)
        ));
        for f in &s.earlier_attempts {
            h.push_str(&format!(
                "<li>{}</li>",
                esc(crate::report::first_line(&f.message))
            ));
        }
        h.push_str("</ol></div>\n");
    }
    for w in &s.warnings {
        h.push_str(&format!(
            "<div class=\"note\"><strong>Warning:</strong> {}</div>\n",
            esc(w)
        ));
    }
    h.push_str("<ol class=\"steps\">\n");
    for st in &s.steps {
        let (mark, cls) = match st.status {
            Status::Passed => ("✔", "st-passed"),
            Status::Failed => ("✘", "st-failed"),
            Status::Skipped => ("–", "st-skipped"),
            Status::Undefined => ("?", "st-undefined"),
        };
        let keyword = st.keyword.trim_end();
        let dur = match st.status {
            Status::Passed | Status::Failed => {
                format!(" <span class=\"dur\">{} s</span>", secs3(st.duration))
            }
            Status::Skipped => " <span class=\"dur\">(not run)</span>".to_string(),
            Status::Undefined => " <span class=\"dur\">(no step definition)</span>".to_string(),
        };
        h.push_str(&format!(
            "<li class=\"{cls}\"><span class=\"mark\">{mark}</span><span class=\"kw\">{}</span> {}{dur}",
            esc(keyword),
            esc(&st.text)
        ));
        if let Some(f) = &st.failure {
            failure(h, f);
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n</article>\n");
}

fn failure(h: &mut String, f: &StepFailure) {
    let why = match f.kind {
        FailureKind::Contract => "The answer broke the contract.",
        FailureKind::Transport => {
            "No answer from the service: it could not be reached or refused the call (connection, certificate, time-out, redirect or gateway page)."
        }
        FailureKind::Input => "The test suite or its configuration needs to be fixed.",
    };
    h.push_str(&format!(
        "<div class=\"failure\" data-kind=\"{}\"><p><strong>{}</strong></p><p>{}</p>",
        kind_str(f.kind),
        esc(why),
        esc(f.message.trim_end())
    ));
    if let Some(diff) = f.diff.as_deref().filter(|d| !d.trim().is_empty()) {
        h.push_str("<pre class=\"diff\">");
        for line in strip_ansi(diff).lines() {
            let cls = if line.starts_with("---") || line.starts_with("+++") {
                ""
            } else if line.starts_with("@@") {
                "hunk"
            } else if line.starts_with('-') {
                "del"
            } else if line.starts_with('+') {
                "ins"
            } else {
                ""
            };
            if cls.is_empty() {
                h.push_str(&esc(line));
                h.push('\n');
            } else {
                h.push_str(&format!("<span class=\"{cls}\">{}</span>", esc(line)));
            }
        }
        h.push_str("</pre>");
    }
    h.push_str("</div>");
}
