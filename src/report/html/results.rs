//! The report's results: the services × results matrix, and every scenario with its steps,
//! their tables and docstrings (collapsed when long); for a scenario that did not pass, the
//! failure message and diff (or the platform's fault). Each service's features start on a
//! new page when printed.

use super::{esc, num};
use crate::report::argument::{line_count, SHOWN_LINES};
use crate::report::words::{fill, n, Words};
use crate::report::{
    kind_str, path_str, secs3, service_matrix, strip_ansi, Evidence, Outcome, RowVerdict,
    NO_SERVICE,
};
use crate::runner::model::{FailureKind, ScenarioResult, Status, StepArgument, StepFailure};

/// The "Results by service" section.
pub(super) fn matrix(ev: &Evidence<'_>) -> String {
    let (run, ctx, w) = (ev.run, ev.context, ev.words());
    let mut h = String::new();
    let named = ctx.selection.services.clone().unwrap_or_default();
    let rows = service_matrix(run, &named);
    h.push_str(&format!(
        "<section id=\"matrix\">\n<h2>{}</h2>\n<table class=\"matrix\">\n<thead><tr>",
        esc(w.h_matrix)
    ));
    for head in w.matrix_head {
        h.push_str(&format!("<th>{}</th>", esc(head)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in &rows {
        let badge = match r.verdict() {
            RowVerdict::Passed if r.flaky > 0 => "b-warn",
            RowVerdict::Passed => "b-pass",
            RowVerdict::NotReached | RowVerdict::NotTested => "b-warn",
            RowVerdict::Skipped => "b-skip",
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
            esc(r.verdict().word(w)),
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
            "<p class=\"note\">{}</p>\n",
            esc(&fill(
                w.uncovered,
                &[("services", &ctx.uncovered.join(", "))]
            ))
        ));
    }
    h.push_str("</section>\n");
    h
}

/// The "Scenarios" section: every feature that ran, with its scenarios; a heading (and, in
/// print, a new page) where the features' service changes.
pub(super) fn scenarios(ev: &Evidence<'_>) -> String {
    let (run, w) = (ev.run, ev.words());
    let mut h = String::new();
    h.push_str(&format!(
        "<section id=\"scenarios\">\n<h2>{}</h2>\n",
        esc(w.h_scenarios)
    ));
    if run.features.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", esc(w.no_scenarios)));
    }
    let mut current: Option<String> = None;
    for f in &run.features {
        // A feature belongs to the service of its first scenario.
        let service = f
            .scenarios
            .first()
            .and_then(|s| {
                crate::runner::selection::services_of(&s.tags)
                    .into_iter()
                    .next()
            })
            .unwrap_or_else(|| NO_SERVICE.to_string());
        if current.as_deref() != Some(service.as_str()) {
            let name = ev
                .context
                .known
                .by_id(&service)
                .map(|i| format!(" <span class=\"dur\">{}</span>", esc(i.name)))
                .unwrap_or_default();
            h.push_str(&format!(
                "<h3 class=\"service\">{}{name}</h3>\n",
                esc(&service)
            ));
            current = Some(service);
        }
        h.push_str(&format!(
            "<div class=\"feature\">\n<h3>{} <span class=\"path\">{}</span></h3>\n",
            esc(&f.name),
            esc(&path_str(&f.path))
        ));
        for s in &f.scenarios {
            scenario(&mut h, &path_str(&f.path), s, w);
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
    h
}

fn scenario(h: &mut String, path: &str, s: &ScenarioResult, w: &Words) {
    let outcome = Outcome::of(s);
    let (class, badge, label) = match outcome {
        Outcome::Passed if s.is_flaky() => ("s-warn", "b-warn", w.r_flaky),
        Outcome::Passed => ("s-pass", "b-pass", w.r_passed),
        Outcome::Skipped => ("s-skip", "b-skip", w.r_skipped),
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
                FailureKind::Contract => w.r_broken,
                FailureKind::Transport => w.r_unreached,
                FailureKind::Input => w.r_suite,
            },
        ),
        Outcome::Undefined { .. } => ("s-fail", "b-fail", w.r_undefined),
    };
    h.push_str(&format!(
        "<article class=\"scenario {class}\">\n<h4><span class=\"badge {badge}\">{}</span>{} <span class=\"loc\">{}:{} · {}</span></h4>\n",
        esc(label),
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
            n(w.passed_on, s.attempts())
        } else {
            n(w.failed_all, s.attempts())
        };
        h.push_str(&format!(
            "<div class=\"note\"><strong>{}.</strong> {}<ol>",
            esc(&verdict),
            esc(w.earlier)
        ));
        for f in &s.earlier_attempts {
            h.push_str(&format!(
                "<li>{}</li>",
                esc(crate::report::first_line(&f.message))
            ));
        }
        h.push_str("</ol></div>\n");
    }
    for warning in &s.warnings {
        h.push_str(&format!(
            "<div class=\"note\"><strong>{}</strong> {}</div>\n",
            esc(w.warning),
            esc(warning)
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
            Status::Skipped => format!(" <span class=\"dur\">{}</span>", esc(w.not_run)),
            Status::Undefined => format!(" <span class=\"dur\">{}</span>", esc(w.no_definition)),
        };
        h.push_str(&format!(
            "<li class=\"{cls}\"><span class=\"mark\">{mark}</span><span class=\"kw\">{}</span> {}{dur}",
            esc(keyword),
            esc(&st.text)
        ));
        if let Some(arg) = &st.argument {
            argument(h, arg, w);
        }
        if let Some(f) = &st.failure {
            failure(h, f, w);
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n</article>\n");
}

/// A step's table or docstring; past [`SHOWN_LINES`] lines inside a closed `<details>`.
fn argument(h: &mut String, arg: &StepArgument, w: &Words) {
    let body = match arg {
        StepArgument::DocString(text) => format!("<pre class=\"doc\">{}</pre>", esc(text)),
        StepArgument::Table(rows) => {
            let mut t = String::from("<table class=\"arg\">");
            for row in rows {
                t.push_str("<tr>");
                for cell in row {
                    t.push_str(&format!("<td>{}</td>", esc(cell)));
                }
                t.push_str("</tr>");
            }
            t.push_str("</table>");
            t
        }
    };
    let lines = line_count(arg);
    if lines > SHOWN_LINES {
        h.push_str(&format!(
            "<details class=\"arg\"><summary>{}</summary>{body}</details>",
            esc(&n(w.show_lines, lines))
        ));
    } else {
        h.push_str(&body);
    }
}

fn failure(h: &mut String, f: &StepFailure, w: &Words) {
    let why = match f.kind {
        FailureKind::Contract => w.why_contract,
        FailureKind::Transport => w.why_transport,
        FailureKind::Input => w.why_input,
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
