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

use std::io::Write;

use crate::error::ExitCode;
use crate::report::{
    kind_str, path_str, secs3, service_matrix, strip_ansi, utc, verdict, Evidence, Outcome,
};
use crate::runner::model::{FailureKind, ScenarioResult, Status, StepFailure};

const CSS: &str = r#"
:root { --ok:#1b6e3a; --okbg:#e6f4ea; --bad:#a3211b; --badbg:#fbe9e7; --warn:#8a5a00; --warnbg:#fff4dc;
        --mute:#5f6368; --line:#d9dce1; --ink:#1f2328; --code:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color:var(--ink); background:#fff; }
main, header .inner, footer { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header { padding: 22px 0 18px; border-bottom: 4px solid var(--line); }
header.v-pass { background: var(--okbg); border-color: var(--ok); }
header.v-fail { background: var(--badbg); border-color: var(--bad); }
header.v-warn { background: var(--warnbg); border-color: var(--warn); }
.kicker { text-transform: uppercase; letter-spacing: .06em; font-size: 12px; color: var(--mute); }
h1 { margin: 4px 0 6px; font-size: 28px; }
header.v-pass h1 { color: var(--ok); } header.v-fail h1 { color: var(--bad); } header.v-warn h1 { color: var(--warn); }
.counts { margin: 0; }
h2 { margin: 34px 0 10px; font-size: 20px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 22px 0 8px; font-size: 16px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
table.facts th { width: 230px; color: var(--mute); font-weight: 600; }
table.matrix th { background: #f1f3f4; }
table.matrix td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #b0b4b9; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
code { background: var(--code); padding: 1px 4px; border-radius: 3px; word-break: break-all; }
.badge { display:inline-block; min-width: 92px; text-align:center; font-size: 12px; font-weight: 700; letter-spacing: .04em;
         padding: 2px 8px; border-radius: 10px; margin-right: 8px; vertical-align: 1px; }
.b-pass { background: var(--okbg); color: var(--ok); border: 1px solid var(--ok); }
.b-fail { background: var(--badbg); color: var(--bad); border: 1px solid var(--bad); }
.b-warn { background: var(--warnbg); color: var(--warn); border: 1px solid var(--warn); }
.b-skip { background: #f1f3f4; color: var(--mute); border: 1px solid var(--line); }
.feature { margin-top: 26px; }
.feature > h3 { margin-bottom: 2px; }
.path, .loc, .tags, .dur { color: var(--mute); font-size: 13px; font-weight: normal; }
.scenario { border: 1px solid var(--line); border-left: 5px solid var(--ok); border-radius: 4px; padding: 8px 14px; margin: 10px 0;
            break-inside: avoid; }
.scenario.s-fail { border-left-color: var(--bad); }
.scenario.s-warn { border-left-color: var(--warn); }
.scenario.s-skip { border-left-color: var(--line); }
.scenario h4 { margin: 2px 0 2px; font-size: 15px; }
ol.steps { margin: 6px 0 4px; padding-left: 22px; }
ol.steps li { margin: 1px 0; }
ol.steps li .mark { display:inline-block; width: 1.3em; font-weight: 700; }
li.st-passed .mark { color: var(--ok); } li.st-failed .mark, li.st-undefined .mark { color: var(--bad); }
li.st-skipped { color: var(--mute); }
.kw { font-weight: 600; }
.failure { background: var(--badbg); border: 1px solid #f1c6c1; border-radius: 4px; padding: 8px 12px; margin: 6px 0 4px; }
.failure p { margin: 0 0 6px; white-space: pre-wrap; }
.note { background: var(--warnbg); border: 1px solid #f0d9a8; border-radius: 4px; padding: 6px 12px; margin: 6px 0; }
pre { background: var(--code); border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; margin: 6px 0;
      white-space: pre-wrap; word-break: break-word; }
pre .del { color: var(--bad); background: #fde7e4; display: block; }
pre .ins { color: var(--ok); background: #e3f5e8; display: block; }
pre .hunk { color: #0b6bcb; display: block; }
footer { margin-top: 40px; padding-top: 12px; padding-bottom: 30px; border-top: 1px solid var(--line); color: var(--mute); font-size: 13px; }
@media print {
  body { font-size: 11pt; }
  header { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
}
"#;

/// Writes the evidence report as one self-contained HTML document.
pub fn write_html(ev: &Evidence<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut h = String::with_capacity(64 * 1024);
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
    let target_label = if ctx.target.is_mock {
        format!(
            "{} — the embedded mock of Serviceplatformen ({})",
            ctx.target.name, ctx.target.base_url
        )
    } else {
        format!("{} — {}", ctx.target.name, ctx.target.base_url)
    };

    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<meta name=\"generator\" content=\"sp-contract {}\">\n",
        esc(ev.tool_version)
    ));
    h.push_str(&format!(
        "<title>{} — sp-contract evidence — {} — {}</title>\n",
        esc(word),
        esc(&ctx.target.name),
        esc(&utc(run.started_at))
    ));
    h.push_str("<style>");
    h.push_str(CSS);
    h.push_str("</style>\n</head>\n<body>\n");

    // Verdict
    let passed = run.count(Status::Passed);
    let failed = run.count(Status::Failed) + run.count(Status::Undefined);
    let skipped = run.count(Status::Skipped);
    let flaky = run.flaky();
    h.push_str(&format!(
        "<header class=\"{class}\"><div class=\"inner\">\n<div class=\"kicker\">Serviceplatformen contract test · evidence report</div>\n<h1 id=\"verdict\">{}</h1>\n<p>{}</p>\n<p class=\"counts\"><strong>{total}</strong> scenario(s): <strong>{passed}</strong> passed, <strong>{failed}</strong> failed, {skipped} skipped{} · exit code {} · target <strong>{}</strong> · {}</p>\n</div></header>\n<main>\n",
        esc(word),
        esc(sentence),
        if flaky > 0 { format!(", {flaky} flaky (passed after a retry)") } else { String::new() },
        ev.exit.code(),
        esc(&ctx.target.name),
        esc(&utc(run.started_at)),
    ));

    // What was tested
    h.push_str("<section id=\"facts\">\n<h2>What was tested</h2>\n<table class=\"facts\">\n");
    fact(&mut h, "Target", &esc(&target_label));
    if ctx.target.production {
        fact(
            &mut h,
            "Environment",
            "production (scenarios that write were refused unless explicitly allowed)",
        );
    }
    fact(&mut h, "Date", &esc(&utc(run.started_at)));
    fact(
        &mut h,
        "Duration",
        &esc(&format!("{:.2} s", run.duration.as_secs_f64())),
    );
    fact(
        &mut h,
        "Tool",
        &esc(&format!("sp-contract {}", ev.tool_version)),
    );
    fact(&mut h, "Selection", &esc(&ctx.selection.describe()));
    if ctx.retries > 0 {
        fact(
            &mut h,
            "Retries",
            &esc(&format!(
                "up to {} per scenario, for transient network failures on real targets only (never for a broken contract)",
                ctx.retries
            )),
        );
    }
    let fp = &ctx.fingerprint;
    let mut fp_html = format!(
        "<code id=\"fingerprint\">sha256:{}</code> over {} file(s)<br>",
        esc(&fp.sha256),
        fp.files()
    );
    for p in &fp.parts {
        fp_html.push_str(&format!(
            "<span class=\"mono\">{}</span>: {} file(s), <code>{}</code><br>",
            esc(p.name),
            p.files,
            esc(&p.sha256[..16.min(p.sha256.len())])
        ));
    }
    fp_html.push_str(&format!(
        "<span class=\"dur\">SHA-256 over the sorted relative paths and contents of the files used; check a checkout with <code>sp-contract fingerprint --target {}</code>.</span>",
        esc(&ctx.target.name)
    ));
    fact(&mut h, "Contract fingerprint", &fp_html);
    h.push_str("</table>\n");

    // Certificate
    h.push_str("<h3>Certificate presented</h3>\n<table class=\"facts\" id=\"certificate\">\n");
    match &ctx.certificate {
        Ok(c) => {
            fact(&mut h, "Subject", &esc(&c.subject));
            fact(&mut h, "Issuer", &esc(&c.issuer));
            fact(
                &mut h,
                "SHA-256 fingerprint",
                &format!("<code>{}</code>", esc(&c.sha256_fingerprint)),
            );
            fact(
                &mut h,
                "Serial",
                &format!("<code>{}</code>", esc(&c.serial_hex)),
            );
            let left = if c.days_left < 0 {
                format!("expired {} day(s) ago", -c.days_left)
            } else {
                format!("{} day(s) left at the time of the run", c.days_left)
            };
            fact(
                &mut h,
                "Valid",
                &esc(&format!(
                    "{} to {} ({left})",
                    utc(c.not_before),
                    utc(c.not_after)
                )),
            );
        }
        Err(e) => fact(
            &mut h,
            "Certificate",
            &esc(&format!("could not be read for this report: {e}")),
        ),
    }
    h.push_str("</table>\n");

    // Authority and agreements
    h.push_str(
        "<h3>Authority and serviceaftaler</h3>\n<table class=\"facts\" id=\"agreements\">\n",
    );
    fact(
        &mut h,
        "Authority CVR",
        &esc(ctx
            .target
            .authority_cvr
            .as_deref()
            .unwrap_or("not configured")),
    );
    fact(
        &mut h,
        "User system (it-system) UUID",
        &format!("<code>{}</code>", esc(&ctx.target.user_system_uuid)),
    );
    fact(
        &mut h,
        "User UUID",
        &format!("<code>{}</code>", esc(&ctx.target.user_uuid)),
    );
    if ctx.target.agreements.is_empty() {
        fact(&mut h, "Serviceaftaler", "none configured");
    }
    for (svc, uuid) in &ctx.target.agreements {
        fact(
            &mut h,
            &format!("Serviceaftale {svc}"),
            &format!("<code>{}</code>", esc(uuid)),
        );
    }
    h.push_str("</table>\n</section>\n");

    // Matrix
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

    // Scenarios
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
    h.push_str("</section>\n</main>\n");

    h.push_str(&format!(
        "<footer>\n<p>Made by sp-contract {} on {}. CPR numbers are masked (<code>DDMMYY-xxxx</code>); certificate passwords and tokens are never written to reports.</p>\n",
        esc(ev.tool_version),
        esc(&utc(run.started_at))
    ));
    if ctx.target.is_mock {
        h.push_str("<p>This run was against the embedded mock. What the platform's faults say about access (missing or unapproved serviceaftale, unregistered certificate) is modelled there where the real wording is not public; a run against exttest shows the real answers.</p>\n");
    }
    h.push_str("</footer>\n</body>\n</html>\n");
    out.write_all(crate::evidence::redact::text(&h).as_bytes())?;
    out.flush()
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

fn fact(h: &mut String, name: &str, html_value: &str) {
    h.push_str(&format!(
        "<tr><th>{}</th><td>{html_value}</td></tr>\n",
        esc(name)
    ));
}

fn num(n: usize) -> String {
    if n == 0 {
        "<td class=\"n zero\">0</td>".to_string()
    } else {
        format!("<td class=\"n\">{n}</td>")
    }
}

/// Redact, drop control characters and escape for HTML text and attribute values.
pub(crate) fn esc(s: &str) -> String {
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
