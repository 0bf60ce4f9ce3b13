//! The report's facts: what was tested (target, date, duration, tool, host, vendor, operator,
//! selection), the suite that ran (its folders, each built-in or not, its git commit and the
//! contract fingerprint), the certificate presented, and the authority with the
//! serviceaftaler of the selected services.

use super::{esc, fact};
use crate::report::about::SuiteCommit;
use crate::report::words::{fill, n, Words};
use crate::report::{utc, Evidence};
use crate::targets::target::TargetKind;

/// The "What was tested" section, with the suite, the certificate and the serviceaftaler.
pub(super) fn section(ev: &Evidence<'_>) -> String {
    let w = ev.words();
    let mut h = String::new();
    h.push_str(&format!(
        "<section id=\"facts\">\n<h2>{}</h2>\n<table class=\"facts\">\n",
        esc(w.h_tested)
    ));
    tested(&mut h, ev, w);
    h.push_str("</table>\n");
    suite(&mut h, ev, w);
    certificate(&mut h, ev, w);
    agreements(&mut h, ev, w);
    h.push_str("</section>\n");
    h
}

fn tested(h: &mut String, ev: &Evidence<'_>, w: &Words) {
    let ctx = ev.context;
    let target = &ctx.target;
    let label = match target.kind() {
        TargetKind::EmbeddedMock => {
            format!("{} — {} ({})", target.name, w.kind_mock, target.base_url)
        }
        TargetKind::LocalMock => {
            format!("{} — {} ({})", target.name, w.kind_served, target.base_url)
        }
        TargetKind::Remote => format!("{} — {}", target.name, target.base_url),
    };
    fact(h, w.target, &esc(&label));
    if target.production {
        fact(h, w.environment, &esc(w.production));
    }
    fact(h, w.date, &esc(&utc(ev.run.started_at)));
    fact(
        h,
        w.duration,
        &esc(&format!("{:.2} s", ev.run.duration.as_secs_f64())),
    );
    fact(h, w.tool, &esc(&format!("sp-contract {}", ev.tool_version)));
    fact(h, w.host, &esc(&ev.about.host));
    let given = |v: &Option<String>| esc(v.as_deref().unwrap_or(w.not_given));
    fact(h, w.vendor, &given(&ev.about.vendor));
    fact(h, w.operator, &given(&ev.about.operator));
    fact(h, w.selection, &esc(&ev.selection()));
    if ctx.retries > 0 {
        fact(h, w.retries, &esc(&n(w.retries_text, ctx.retries)));
    }
}

/// The suite that ran: each part's folder, whether it is the built-in one, its files and
/// digest; the git commit; the fingerprint over all of it.
fn suite(h: &mut String, ev: &Evidence<'_>, w: &Words) {
    let fp = &ev.context.fingerprint;
    h.push_str(&format!(
        "<h3>{}</h3>\n<table class=\"facts\" id=\"suite\">\n",
        esc(w.h_suite)
    ));
    for (name, label) in [
        ("features", w.features),
        ("mocks", w.mocks),
        ("snapshots", w.snapshots),
    ] {
        let Some(p) = fp.parts.iter().find(|p| p.name == name) else {
            fact(h, label, &esc(w.mocks_unused));
            continue;
        };
        let origin = if p.is_built_in() {
            w.built_in
        } else {
            w.differs
        };
        fact(
            h,
            label,
            &format!(
                "<span class=\"mono\">{}</span> — {} · {} · <code>{}</code>",
                esc(&p.folder.display().to_string()),
                esc(origin),
                esc(&n(w.files, p.files)),
                esc(&p.sha256[..16.min(p.sha256.len())])
            ),
        );
    }
    let commit = match &ev.about.commit {
        SuiteCommit::Commit { id, uncommitted: 0 } => format!("<code>{}</code>", esc(id)),
        SuiteCommit::Commit { id, uncommitted } => format!(
            "<code>{}</code> {}",
            esc(id),
            esc(&n(w.dirty, *uncommitted))
        ),
        SuiteCommit::NotInGit => esc(w.no_git),
        SuiteCommit::NotAsked => "—".to_string(),
    };
    fact(h, w.commit, &commit);
    fact(
        h,
        w.fingerprint,
        &format!(
            "<code id=\"fingerprint\">sha256:{}</code> {}<br><span class=\"dur\">{}</span>",
            esc(&fp.sha256),
            esc(&n(w.over_files, fp.files())),
            esc(&fill(
                w.fingerprint_note,
                &[("target", &ev.context.target.name)]
            ))
        ),
    );
    h.push_str("</table>\n");
}

/// The certificate the run presented, or why it could not be read.
fn certificate(h: &mut String, ev: &Evidence<'_>, w: &Words) {
    h.push_str(&format!(
        "<h3>{}</h3>\n<table class=\"facts\" id=\"certificate\">\n",
        esc(w.h_certificate)
    ));
    match &ev.context.certificate {
        Ok(c) => {
            fact(h, w.subject, &esc(&c.subject));
            fact(h, w.issuer, &esc(&c.issuer));
            fact(
                h,
                w.sha256,
                &format!("<code>{}</code>", esc(&c.sha256_fingerprint)),
            );
            fact(h, w.serial, &format!("<code>{}</code>", esc(&c.serial_hex)));
            let left = if c.days_left < 0 {
                n(w.expired_ago, c.days_left.unsigned_abs() as usize)
            } else {
                n(w.days_left, c.days_left as usize)
            };
            let valid = fill(
                w.valid_text,
                &[
                    ("from", &utc(c.not_before)),
                    ("to", &utc(c.not_after)),
                    ("left", &left),
                ],
            );
            fact(h, w.valid, &esc(&valid));
        }
        Err(e) => fact(
            h,
            w.h_certificate,
            &esc(&fill(w.cert_unread, &[("error", e)])),
        ),
    }
    h.push_str("</table>\n");
}

/// The authority, the it-system, and the serviceaftaler of the selected services.
fn agreements(h: &mut String, ev: &Evidence<'_>, w: &Words) {
    let target = &ev.context.target;
    h.push_str(&format!(
        "<h3>{}</h3>\n<table class=\"facts\" id=\"agreements\">\n",
        esc(w.h_authority)
    ));
    fact(
        h,
        w.authority,
        &esc(&ev
            .authority()
            .unwrap_or_else(|| w.not_configured.to_string())),
    );
    if let Some(name) = &ev.about.it_system {
        fact(h, w.it_system, &esc(name));
    }
    fact(
        h,
        w.it_system_uuid,
        &format!("<code>{}</code>", esc(&target.user_system_uuid)),
    );
    fact(
        h,
        w.user_uuid,
        &format!("<code>{}</code>", esc(&target.user_uuid)),
    );
    let agreements = ev.agreements();
    if agreements.is_empty() {
        fact(h, w.agreements, &esc(w.none_for_selected));
    }
    for (svc, uuid) in agreements {
        fact(
            h,
            &format!("{} {svc}", w.agreement),
            &format!("<code>{}</code>", esc(uuid)),
        );
    }
    h.push_str("</table>\n");
}
