//! The evidence report: one self-contained HTML file an FOI consultant can read, print and
//! archive as the record of what a system showed before its serviceaftale was approved.
//!
//! Self-contained means: inline CSS, no scripts, no fonts, images or style sheets from
//! anywhere, no links that load anything. It opens the same in ten years, offline.
//!
//! Contents, top to bottom: the verdict; what was tested (target, date, duration, tool
//! version, selection, contract fingerprint); the certificate presented; the authority and
//! the serviceaftaler; a services × results matrix; every scenario with its steps, and for a
//! scenario that did not pass, the failure message and diff (or the platform's fault).
//!
//! Every text passes through [`crate::evidence::redact::text`] (CPR numbers masked, tokens removed)
//! and is HTML-escaped. Certificate passwords never reach this writer.
//!
//! The page is `page.html` with `{{name}}` placeholders, its style `report.css`: both are
//! edited as files and built in with `include_str!`. The placeholders: `version`, `verdict`,
//! `verdict_class` (`v-pass`, `v-fail`, `v-warn`), `sentence`, `target`, `date`, `css`, the
//! counts (`total`, `passed`, `failed`, `skipped`, `flaky`, `exit_code`), the sections
//! (`facts`, `matrix`, `scenarios`: HTML made in [`facts`] and [`results`]) and `mock_note`.

mod facts;
mod results;

use std::io::Write;

use crate::error::ExitCode;
use crate::report::{strip_ansi, utc, verdict, Evidence};
use crate::runner::model::Status;

/// The page, with `{{name}}` placeholders.
const PAGE: &str = include_str!("page.html");
/// The page's style, inlined into it.
const CSS: &str = include_str!("report.css");
/// The footer's note on a run against the embedded mock.
const MOCK_NOTE: &str = "<p>This run was against the embedded mock. What the platform's faults say about access (missing or unapproved serviceaftale, unregistered certificate) is modelled there where the real wording is not public; a run against exttest shows the real answers.</p>\n";

/// Writes the evidence report as one self-contained HTML document.
pub fn write_html(ev: &Evidence<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let run = ev.run;
    let ctx = ev.context;
    let total = run.scenarios().count();
    let (word, sentence) = verdict(ev.exit, total);
    let class = match (ev.exit, total) {
        (_, 0) => "v-warn",
        (ExitCode::Passed, _) => "v-pass",
        (ExitCode::Unreachable, _) => "v-warn",
        _ => "v-fail",
    };
    let flaky = run.flaky();
    let flaky = if flaky > 0 {
        format!(", {flaky} flaky (passed after a retry)")
    } else {
        String::new()
    };
    let page = fill(
        PAGE,
        &[
            ("version", &esc(ev.tool_version)),
            ("verdict", &esc(word)),
            ("verdict_class", class),
            ("sentence", &esc(sentence)),
            ("target", &esc(&ctx.target.name)),
            ("date", &esc(&utc(run.started_at))),
            ("css", CSS),
            ("total", &total.to_string()),
            ("passed", &run.count(Status::Passed).to_string()),
            (
                "failed",
                &(run.count(Status::Failed) + run.count(Status::Undefined)).to_string(),
            ),
            ("skipped", &run.count(Status::Skipped).to_string()),
            ("flaky", &flaky),
            ("exit_code", &ev.exit.code().to_string()),
            ("facts", &facts::section(ev)),
            ("matrix", &results::matrix(run, ctx)),
            ("scenarios", &results::scenarios(run)),
            (
                "mock_note",
                if ctx.target.kind() == crate::targets::target::TargetKind::EmbeddedMock {
                    MOCK_NOTE
                } else {
                    ""
                },
            ),
        ],
    );
    out.write_all(crate::evidence::redact::text(&page).as_bytes())?;
    out.flush()
}

/// `template` with each `{{name}}` replaced by its value, in one pass: a value is never
/// read for placeholders (a scenario may be named `{{x}}`). A name without a value is a
/// slip in `page.html` or here: debug builds (the tests) stop on it, others keep it as
/// written.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + len];
        out.push_str(&rest[..start]);
        let value = values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        debug_assert!(value.is_some(), "no value for {{{{{name}}}}} in page.html");
        out.push_str(value.unwrap_or(&rest[start..start + len + 2]));
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// One row of a facts table; `html_value` is HTML already.
fn fact(h: &mut String, name: &str, html_value: &str) {
    h.push_str(&format!(
        "<tr><th>{}</th><td>{html_value}</td></tr>\n",
        esc(name)
    ));
}

/// A count's cell, greyed when zero.
fn num(n: usize) -> String {
    if n == 0 {
        "<td class=\"n zero\">0</td>".to_string()
    } else {
        format!("<td class=\"n\">{n}</td>")
    }
}

/// Redact, drop control characters and escape for HTML text and attribute values.
fn esc(s: &str) -> String {
    let s = crate::evidence::redact::text(&strip_ansi(s));
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_each_placeholder_once() {
        assert_eq!(
            fill("<{{a}}|{{b}}>{{", &[("a", "{{b}}"), ("b", "2")]),
            "<{{b}}|2>{{"
        );
    }

    #[test]
    fn escapes_and_masks() {
        assert_eq!(
            esc("<b>\"x\" & 'y'</b> 0101801234\u{1b}[31m\u{7}"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt; 010180-xxxx"
        );
    }
}
