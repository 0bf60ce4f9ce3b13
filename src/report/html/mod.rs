//! The evidence report: one self-contained HTML file an FOI consultant can read, print and
//! archive as the record of what a system showed before its serviceaftale was approved.
//!
//! Self-contained means: inline CSS, no scripts, no fonts, images or style sheets from
//! anywhere, no links that load anything. It opens the same in ten years, offline, and
//! prints to PDF from a browser (print CSS, each feature's scenarios from a new page).
//!
//! Contents, top to bottom: the verdict and what a run against this kind of target proves;
//! what was tested (target, date, duration, tool, host, vendor, operator, selection); the
//! suite that ran (features, mocks and snapshots folders, each built-in or not, the git
//! commit, the contract fingerprint); the certificate presented; the authority and the
//! serviceaftaler of the selected services; a services × results matrix; every scenario
//! with its steps, their tables and docstrings (collapsed when long), and for a scenario
//! that did not pass, the failure message and diff (or the platform's fault).
//!
//! Danish by default, English with `--lang en`: every word comes from
//! [`crate::report::words`]. Every text passes through [`crate::evidence::redact::text`]
//! (CPR numbers masked, tokens removed) and is HTML-escaped. Certificate passwords never
//! reach this writer.
//!
//! The page is `page.html` with `{{name}}` placeholders, its style `report.css`: both are
//! edited as files and built in with `include_str!`. The contract fingerprint and the
//! target's name are also in `<meta>` tags, where `report verify` reads them.

mod facts;
mod results;

use std::io::Write;

use crate::error::ExitCode;
use crate::report::words::fill;
use crate::report::{proves, strip_ansi, utc, verdict, Evidence};

/// The page, with `{{name}}` placeholders.
const PAGE: &str = include_str!("page.html");
/// The page's style, inlined into it.
const CSS: &str = include_str!("report.css");

/// The `<meta>` tag that records the contract fingerprint (`sha256:HEX`).
pub const FINGERPRINT_META: &str = "sp-contract-fingerprint";
/// The `<meta>` tag that records the target's name.
pub const TARGET_META: &str = "sp-contract-target";

/// Writes the evidence report as one self-contained HTML document.
pub fn write_html(ev: &Evidence<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let run = ev.run;
    let ctx = ev.context;
    let w = ev.words();
    let total = run.scenarios().count();
    let (word, sentence) = verdict(ev.exit, total, w);
    let class = match (ev.exit, total) {
        (_, 0) => "v-warn",
        (ExitCode::Passed, _) => "v-pass",
        (ExitCode::Unreachable, _) => "v-warn",
        _ => "v-fail",
    };
    let counts = ev.counts(|k| format!("<strong>{k}</strong>"));
    let kind = match ctx.target.kind() {
        crate::targets::target::TargetKind::EmbeddedMock => "mock",
        crate::targets::target::TargetKind::LocalMock => "served",
        crate::targets::target::TargetKind::Remote => "remote",
    };
    let date = utc(run.started_at);
    let footer = fill(w.footer, &[("version", ev.tool_version), ("date", &date)]);
    let page = fill(
        PAGE,
        &[
            ("lang", ev.about.lang.code()),
            ("version", &esc(ev.tool_version)),
            ("fingerprint", &esc(&ctx.fingerprint.sha256)),
            ("verdict", &esc(word)),
            ("verdict_class", class),
            ("kicker", &esc(w.kicker)),
            ("sentence", &esc(sentence)),
            ("kind", kind),
            ("proves", &esc(&proves(ev))),
            ("counts", &counts),
            ("target", &esc(&ctx.target.name)),
            ("date", &esc(&date)),
            ("css", CSS),
            ("facts", &facts::section(ev)),
            ("matrix", &results::matrix(ev)),
            ("scenarios", &results::scenarios(ev)),
            ("footer", &esc(&footer)),
        ],
    );
    out.write_all(crate::evidence::redact::text(&page).as_bytes())?;
    out.flush()
}

/// The value of `<meta name="NAME" content="…">` in a report this writer made.
pub fn meta(html: &str, name: &str) -> Option<String> {
    let needle = format!("<meta name=\"{name}\" content=\"");
    let start = html.find(&needle)? + needle.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_string())
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
    fn escapes_and_masks() {
        assert_eq!(
            esc("<b>\"x\" & 'y'</b> 0101801234\u{1b}[31m\u{7}"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt; 010180-xxxx"
        );
    }
}
