//! A short Markdown summary for CI job pages (GitHub's job summary, GitLab and Azure
//! markdown attachments): the verdict, the facts that identify the run, the services ×
//! results matrix and the scenarios that did not pass with their first line of cause. The
//! HTML report has the rest.

use std::io::Write;

use crate::report::{
    first_line, headline, path_str, service_matrix, utc, verdict, Evidence, Outcome,
};
use crate::runner::model::Status;

/// Writes the summary as GitHub-flavoured Markdown.
pub fn write_markdown(ev: &Evidence<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let run = ev.run;
    let ctx = ev.context;
    let total = run.scenarios().count();
    let (word, sentence) = verdict(ev.exit, total);
    let passed = run.count(Status::Passed);
    let failed = run.count(Status::Failed) + run.count(Status::Undefined);
    let skipped = run.count(Status::Skipped);
    let flaky = run.flaky();

    let mut m = String::new();
    m.push_str(&format!(
        "## sp-contract: {} — target {}\n\n{}\n\n",
        word,
        cell(&ctx.target.name),
        sentence
    ));
    m.push_str(&format!(
        "**{total}** scenario(s): **{passed}** passed, **{failed}** failed, {skipped} skipped{} · exit code {}\n\n",
        if flaky > 0 {
            format!(", {flaky} flaky")
        } else {
            String::new()
        },
        ev.exit.code()
    ));
    m.push_str("| | |\n|---|---|\n");
    m.push_str(&format!("| Date | {} |\n", utc(run.started_at)));
    m.push_str(&format!(
        "| Duration | {:.2} s |\n",
        run.duration.as_secs_f64()
    ));
    m.push_str(&format!(
        "| Tool | sp-contract {} |\n",
        cell(ev.tool_version)
    ));
    m.push_str(&format!(
        "| Selection | {} |\n",
        cell(&ctx.selection.describe())
    ));
    if let Ok(c) = &ctx.certificate {
        m.push_str(&format!(
            "| Certificate | {} (expires {}, {} day(s) left) |\n",
            cell(&c.subject),
            utc(c.not_after),
            c.days_left
        ));
    }
    if let Some(cvr) = &ctx.target.authority_cvr {
        m.push_str(&format!("| Authority CVR | {} |\n", cell(cvr)));
    }
    m.push_str(&format!(
        "| Contract fingerprint | `sha256:{}` ({} files) |\n\n",
        ctx.fingerprint.sha256,
        ctx.fingerprint.files()
    ));

    let named = ctx.selection.services.clone().unwrap_or_default();
    m.push_str("| Service | Result | Scenarios | Passed | Broken | Not reached | Suite error | Skipped | Flaky |\n");
    m.push_str("|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in service_matrix(run, &named) {
        m.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            cell(&r.service),
            r.verdict(),
            r.total,
            r.passed,
            r.contract,
            r.transport,
            r.input,
            r.skipped,
            r.flaky
        ));
    }

    let attention: Vec<_> = run
        .scenarios()
        .filter(|(_, s)| matches!(s.status(), Status::Failed | Status::Undefined) || s.is_flaky())
        .collect();
    if !attention.is_empty() {
        m.push_str("\n### Needs attention\n\n");
        for (f, s) in attention {
            let what = match Outcome::of(s) {
                Outcome::Passed => format!(
                    "flaky: passed on attempt {} after: {}",
                    s.attempts(),
                    s.earlier_attempts
                        .first()
                        .map(|f| first_line(&f.message))
                        .unwrap_or("")
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
    let warned: Vec<_> = run
        .scenarios()
        .filter(|(_, s)| !s.warnings.is_empty())
        .collect();
    if !warned.is_empty() {
        m.push_str("\n### Warnings\n\n");
        for (f, s) in warned {
            for w in &s.warnings {
                m.push_str(&format!(
                    "- {}:{} **{}**: {}\n",
                    cell(&path_str(&f.path)),
                    s.line,
                    cell(&s.name),
                    cell(w)
                ));
            }
        }
    }
    out.write_all(crate::evidence::redact::text(&m).as_bytes())?;
    out.flush()
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
