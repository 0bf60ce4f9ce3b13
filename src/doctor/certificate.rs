//! Step 1 from our side: the target's certificate is configured, loads (PKCS#12 or PEM)
//! and is within its validity, and the TLS handshake succeeds with it ([`super::tls`] says
//! why not). A certificate out of its dates is a finding, not a stop: the handshake still
//! shows what the server makes of it.

use super::findings::{Finding, Stage};
use super::tls;
use crate::error::ExitCode;
use crate::targets::config::DEFAULT_IDENTITY;
use crate::targets::pki::{CertInfo, IdentitySource};
use crate::targets::target::Target;
use std::sync::Arc;
use time::OffsetDateTime;

/// Certificates closer than this to their end get a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Facts about the certificate, and whether it is valid `now`.
pub fn certificate_findings(
    source: &IdentitySource,
    info: &CertInfo,
    chain: &[CertInfo],
    now: OffsetDateTime,
) -> Vec<Finding> {
    let format = match source {
        IdentitySource::Pkcs12 { path, .. } => format!("PKCS#12 {}", path.display()),
        IdentitySource::Pem { cert, .. } => format!("PEM {}", cert.display()),
    };
    let mut chain_text = format!("issued by  {}", info.issuer);
    for c in chain {
        chain_text.push_str(&format!("\n         ← {} (in the file)", c.subject));
    }
    if chain.is_empty() {
        chain_text.push_str("\n           (the file holds no issuer certificates; the platform must know the issuer)");
    }
    let loaded = Finding::ok(
        Stage::Connected,
        format!("the certificate loads ({format})"),
    )
    .detail(format!("subject    {}", info.subject))
    .detail(format!("SHA-256    {}", info.sha256_fingerprint))
    .detail(chain_text);
    let days = (info.not_after - now).whole_days();
    let validity = format!(
        "valid {} to {}",
        crate::report::utc(info.not_before),
        crate::report::utc(info.not_after)
    );
    let renew = "renew the function certificate (MitID Erhverv), register the new one on the it-system in the Administrationsmodul, and point the target's certificate at it";
    let expiry = if now < info.not_before {
        Finding::fail(
            Stage::Connected,
            ExitCode::Usage,
            "the certificate is not valid yet",
        )
        .detail(validity)
        .next("wait until it becomes valid, or use the certificate that is valid now")
    } else if now > info.not_after {
        Finding::fail(
            Stage::Connected,
            ExitCode::Usage,
            format!(
                "the certificate has expired ({} day(s) ago)",
                (now - info.not_after).whole_days()
            ),
        )
        .detail(validity)
        .next(renew)
    } else if days < EXPIRY_WARNING_DAYS {
        Finding::warn(
            Stage::Connected,
            format!("the certificate expires in {days} day(s)"),
        )
        .detail(validity)
        .next(format!("{renew}, before it runs out"))
    } else {
        Finding::ok(
            Stage::Connected,
            format!("the certificate is valid for {days} more days"),
        )
        .detail(validity)
    };
    vec![loaded, expiry]
}

/// Step 1 from our side, as findings; the bool says whether calls can be made (the
/// certificate loads and the handshake succeeds).
pub(super) async fn connection(target: &Arc<Target>) -> (Vec<Finding>, bool) {
    let source = match target.identity(DEFAULT_IDENTITY) {
        Ok(source) => source,
        Err(e) => {
            let f = Finding::fail(
                Stage::Connected,
                ExitCode::Usage,
                "no certificate configured",
            );
            return (vec![f.detail(e)], false);
        }
    };
    let id = match crate::targets::pki::load_identity(source) {
        Ok(id) => id,
        Err(e) => {
            let f = Finding::fail(
                Stage::Connected,
                ExitCode::Usage,
                "the certificate cannot be loaded",
            )
            .detail(crate::error::chain(&e))
            .next(format!(
                "check certificate = {{ ... }} under [targets.{}]: the file, its format (PKCS#12, or PEM certificate + key) and the environment variable named by password_env",
                target.name
            ));
            return (vec![f], false);
        }
    };
    let chain: Vec<CertInfo> = id
        .chain
        .iter()
        .filter_map(|c| CertInfo::from_x509(c).ok())
        .collect();
    let mut findings = certificate_findings(source, &id.info, &chain, OffsetDateTime::now_utc());
    let t = target.clone();
    match tokio::task::spawn_blocking(move || tls::check(&t, &id)).await {
        Ok(Ok(info)) => {
            findings.push(
                Finding::ok(Stage::Connected, format!("{} resolves", info.host))
                    .detail(format!("to {}", info.addresses.join(", "))),
            );
            findings.push(
                Finding::ok(
                    Stage::Connected,
                    format!(
                        "the TLS handshake with {} succeeds with this certificate ({})",
                        info.peer, info.protocol
                    ),
                )
                .detail(format!("server certificate {}", info.server_subject))
                .detail(format!("issued by          {}", info.server_issuer)),
            );
            (findings, true)
        }
        Ok(Err(problem)) => {
            if let Some(addrs) = problem.resolved() {
                findings.push(
                    Finding::ok(Stage::Connected, format!("{} resolves", problem.host()))
                        .detail(format!("to {addrs}")),
                );
            }
            findings.push(
                Finding::fail(Stage::Connected, ExitCode::Unreachable, problem.headline())
                    .detail(problem.to_string())
                    .next(problem.hint()),
            );
            (findings, false)
        }
        Err(e) => {
            findings.push(Finding::fail(
                Stage::Connected,
                ExitCode::Unreachable,
                format!("the TLS check stopped unexpectedly: {e}"),
            ));
            (findings, false)
        }
    }
}
