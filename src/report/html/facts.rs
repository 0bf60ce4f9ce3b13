//! The report's facts: what was tested (target, date, duration, tool, selection, contract
//! fingerprint), the certificate presented, and the authority with its serviceaftaler.

use super::{esc, fact};
use crate::report::{utc, Evidence};
use crate::runner::model::RunContext;

/// The "What was tested" section, with the certificate and the serviceaftaler.
pub(super) fn section(ev: &Evidence<'_>) -> String {
    let run = ev.run;
    let ctx = ev.context;
    let target_label = if ctx.target.kind() == crate::targets::target::TargetKind::EmbeddedMock {
        format!(
            "{} — the embedded mock of Serviceplatformen ({})",
            ctx.target.name, ctx.target.base_url
        )
    } else {
        format!("{} — {}", ctx.target.name, ctx.target.base_url)
    };
    let mut h = String::new();
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
    certificate(&mut h, ctx);
    agreements(&mut h, ctx);
    h
}

/// The certificate the run presented, or why it could not be read.
fn certificate(h: &mut String, ctx: &RunContext) {
    h.push_str("<h3>Certificate presented</h3>\n<table class=\"facts\" id=\"certificate\">\n");
    match &ctx.certificate {
        Ok(c) => {
            fact(h, "Subject", &esc(&c.subject));
            fact(h, "Issuer", &esc(&c.issuer));
            fact(
                h,
                "SHA-256 fingerprint",
                &format!("<code>{}</code>", esc(&c.sha256_fingerprint)),
            );
            fact(h, "Serial", &format!("<code>{}</code>", esc(&c.serial_hex)));
            let left = if c.days_left < 0 {
                format!("expired {} day(s) ago", -c.days_left)
            } else {
                format!("{} day(s) left at the time of the run", c.days_left)
            };
            fact(
                h,
                "Valid",
                &esc(&format!(
                    "{} to {} ({left})",
                    utc(c.not_before),
                    utc(c.not_after)
                )),
            );
        }
        Err(e) => fact(
            h,
            "Certificate",
            &esc(&format!("could not be read for this report: {e}")),
        ),
    }
    h.push_str("</table>\n");
}

/// The authority, the it-system and the serviceaftaler the run used.
fn agreements(h: &mut String, ctx: &RunContext) {
    h.push_str(
        "<h3>Authority and serviceaftaler</h3>\n<table class=\"facts\" id=\"agreements\">\n",
    );
    fact(
        h,
        "Authority CVR",
        &esc(ctx
            .target
            .authority_cvr
            .as_deref()
            .unwrap_or("not configured")),
    );
    fact(
        h,
        "User system (it-system) UUID",
        &format!("<code>{}</code>", esc(&ctx.target.user_system_uuid)),
    );
    fact(
        h,
        "User UUID",
        &format!("<code>{}</code>", esc(&ctx.target.user_uuid)),
    );
    if ctx.target.agreements.is_empty() {
        fact(h, "Serviceaftaler", "none configured");
    }
    for (svc, uuid) in &ctx.target.agreements {
        fact(
            h,
            &format!("Serviceaftale {svc}"),
            &format!("<code>{}</code>", esc(uuid)),
        );
    }
    h.push_str("</table>\n</section>\n");
}
