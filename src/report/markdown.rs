//! A Markdown summary for CI job pages (GitHub's job summary, GitLab and Azure markdown
//! attachments): the verdict and what the kind of target proves, the facts that identify the
//! run and the suite, the services × results matrix, the scenarios that did not pass with
//! their first line of cause, and every scenario's steps with their tables and docstrings
//! (fenced, trimmed past [`SHOWN_LINES`] lines; the HTML report has them whole). Words come
//! from [`crate::report::words`], Danish unless `--lang en`.

use std::io::Write;

use crate::report::about::SuiteCommit;
use crate::report::argument::{lines, SHOWN_LINES};
use crate::report::words::{fill, n, Words};
use crate::report::{
    first_line, headline, path_str, proves, service_matrix, utc, verdict, Evidence, Outcome,
};
use crate::runner::model::{FeatureResult, Status};

/// Writes the summary as GitHub-flavoured Markdown.
pub fn write_markdown(ev: &Evidence<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let run = ev.run;
    let ctx = ev.context;
    let w = ev.words();
    let total = run.scenarios().count();
    let (word, sentence) = verdict(ev.exit, total, w);
    let counts = ev.counts(|k| format!("**{k}**"));

    let mut m = String::new();
    m.push_str(&format!(
        "## sp-contract: {} — {} {}\n\n{}\n\n> {}\n\n{counts}\n\n",
        word,
        w.target,
        cell(&ctx.target.name),
        sentence,
        cell(&proves(ev))
    ));
    m.push_str("| | |\n|---|---|\n");
    for (label, value) in facts(ev, w) {
        m.push_str(&format!("| {} | {} |\n", cell(label), value));
    }
    m.push('\n');

    let named = ctx.selection.services.clone().unwrap_or_default();
    m.push_str(&format!("| {} |\n", w.matrix_head.join(" | ")));
    m.push_str("|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in service_matrix(run, &named) {
        m.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&r.service),
            r.verdict().word(w),
            r.total,
            r.passed,
            r.contract,
            r.transport,
            r.input,
            r.skipped,
            r.flaky
        ));
    }
    attention(&mut m, ev, w);
    for f in &run.features {
        feature(&mut m, f, w);
    }
    out.write_all(crate::evidence::redact::text(&m).as_bytes())?;
    out.flush()
}

/// The facts table's rows: label, and the value as Markdown.
fn facts(ev: &Evidence<'_>, w: &Words) -> Vec<(&'static str, String)> {
    let ctx = ev.context;
    let given = |v: &Option<String>| cell(v.as_deref().unwrap_or(w.not_given));
    let mut rows = vec![
        (w.date, utc(ev.run.started_at)),
        (
            w.duration,
            format!("{:.2} s", ev.run.duration.as_secs_f64()),
        ),
        (w.tool, format!("sp-contract {}", cell(ev.tool_version))),
        (w.host, cell(&ev.about.host)),
        (w.vendor, given(&ev.about.vendor)),
        (w.operator, given(&ev.about.operator)),
        (w.selection, cell(&ev.selection())),
    ];
    for (name, label) in [
        ("features", w.features),
        ("mocks", w.mocks),
        ("snapshots", w.snapshots),
    ] {
        let value = match ctx.fingerprint.parts.iter().find(|p| p.name == name) {
            Some(p) => format!(
                "{} — {} · {} · `{}`",
                cell(&p.folder.display().to_string()),
                if p.is_built_in() {
                    w.built_in
                } else {
                    w.differs
                },
                n(w.files, p.files),
                &p.sha256[..16.min(p.sha256.len())]
            ),
            None => cell(w.mocks_unused),
        };
        rows.push((label, value));
    }
    rows.push((
        w.commit,
        match &ev.about.commit {
            SuiteCommit::Commit { id, uncommitted: 0 } => format!("`{}`", cell(id)),
            SuiteCommit::Commit { id, uncommitted } => {
                format!("`{}` {}", cell(id), n(w.dirty, *uncommitted))
            }
            SuiteCommit::NotInGit => cell(w.no_git),
            SuiteCommit::NotAsked => "—".to_string(),
        },
    ));
    if let Ok(c) = &ctx.certificate {
        rows.push((w.subject, cell(&c.subject)));
        let left = n(w.days_left, c.days_left.max(0) as usize);
        rows.push((
            w.valid,
            fill(
                w.valid_text,
                &[
                    ("from", &utc(c.not_before)),
                    ("to", &utc(c.not_after)),
                    ("left", &left),
                ],
            ),
        ));
    }
    if let Some(authority) = ev.authority() {
        rows.push((w.authority, cell(&authority)));
    }
    if let Some(name) = &ev.about.it_system {
        rows.push((w.it_system, cell(name)));
    }
    let agreements = ev.agreements();
    rows.push((
        w.agreements,
        if agreements.is_empty() {
            cell(w.none_for_selected)
        } else {
            agreements
                .iter()
                .map(|(s, u)| format!("{} `{}`", cell(s), cell(u)))
                .collect::<Vec<_>>()
                .join(", ")
        },
    ));
    rows.push((
        w.fingerprint,
        format!(
            "`sha256:{}` ({})",
            ctx.fingerprint.sha256,
            n(w.over_files, ctx.fingerprint.files())
        ),
    ));
    rows
}

/// The scenarios that did not pass or were flaky, and every warning.
fn attention(m: &mut String, ev: &Evidence<'_>, w: &Words) {
    let attention: Vec<_> = ev
        .run
        .scenarios()
        .filter(|(_, s)| matches!(s.status(), Status::Failed | Status::Undefined) || s.is_flaky())
        .collect();
    if !attention.is_empty() {
        m.push_str(&format!("\n### {}\n\n", w.needs_attention));
        for (f, s) in attention {
            let what = match Outcome::of(s) {
                Outcome::Passed => fill(
                    w.flaky_after,
                    &[
                        ("n", &s.attempts().to_string()),
                        (
                            "reason",
                            s.earlier_attempts
                                .first()
                                .map(|f| first_line(&f.message))
                                .unwrap_or(""),
                        ),
                    ],
                ),
                o => headline(&o),
            };
            m.push_str(&format!(
                "- {}:{} **{}**: {}\n",
                cell(&path_str(&f.path)),
                s.line,
                cell(&s.name),
                cell(&what)
            ));
        }
    }
    let warned: Vec<_> = ev
        .run
        .scenarios()
        .filter(|(_, s)| !s.warnings.is_empty())
        .collect();
    if !warned.is_empty() {
        m.push_str(&format!("\n### {}\n\n", w.warnings));
        for (f, s) in warned {
            for warning in &s.warnings {
                m.push_str(&format!(
                    "- {}:{} **{}**: {}\n",
                    cell(&path_str(&f.path)),
                    s.line,
                    cell(&s.name),
                    cell(warning)
                ));
            }
        }
    }
}

/// One feature, collapsed: each scenario with its steps, tables and docstrings in a fence.
fn feature(m: &mut String, f: &FeatureResult, w: &Words) {
    let mut text = String::new();
    for s in &f.scenarios {
        text.push_str(&format!("{} {}\n", mark(s.status()), s.name));
        for st in &s.steps {
            text.push_str(&format!(
                "  {} {} {}\n",
                mark(st.status),
                st.keyword.trim_end(),
                st.text
            ));
            if let Some(arg) = &st.argument {
                let all = lines(arg);
                for line in all.iter().take(SHOWN_LINES) {
                    text.push_str(&format!("      {line}\n"));
                }
                if all.len() > SHOWN_LINES {
                    text.push_str(&format!(
                        "      {}\n",
                        n(w.more_lines, all.len() - SHOWN_LINES)
                    ));
                }
            }
        }
    }
    let text = crate::report::strip_ansi(&text).into_owned();
    // A fence longer than any run of backticks inside, so no text can close it.
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    m.push_str(&format!(
        "\n<details><summary>{} — {} ({})</summary>\n\n{fence}text\n{text}{fence}\n\n</details>\n",
        cell(&path_str(&f.path)),
        cell(&f.name),
        f.scenarios.len()
    ));
}

/// A status as the console marks it.
fn mark(status: Status) -> &'static str {
    match status {
        Status::Passed => "✔",
        Status::Failed => "✘",
        Status::Skipped => "-",
        Status::Undefined => "?",
    }
}

/// Text for a table cell or a line: redacted, on one line, with Markdown's active characters
/// escaped so a service's answer cannot break the table or inject links.
fn cell(s: &str) -> String {
    let s = crate::evidence::redact::text(&crate::report::strip_ansi(s));
    let mut out = String::with_capacity(s.len());
    for c in s.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        match c {
            '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_on_one_line_and_inert() {
        assert_eq!(
            cell("a|b\n[x](y) 0101801234"),
            "a\\|b \\[x\\](y) 010180-xxxx"
        );
    }
}
