//! Report files: where `run` writes its reports, checked before anything is sent, and
//! written whole or not at all; the evidence report's signature; `report merge` and
//! `report verify`.

use super::say;
use crate::engine::SuitePaths;
use crate::error::{ExitCode, Fatal};
use crate::report::words::Lang;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The reports a run writes (`--junit`, `--cucumber-json`, `--report-html`, `--report-md`),
/// and what the evidence reports say besides the run.
#[derive(Debug, Clone, Default)]
pub struct ReportFiles {
    pub junit: Option<PathBuf>,
    pub cucumber_json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    /// `--sign`: a detached CMS signature of the HTML report beside it (`FILE.p7s`).
    pub sign: bool,
    pub lang: Lang,
    pub vendor: Option<String>,
    pub operator: Option<String>,
    pub it_system: Option<String>,
}

impl ReportFiles {
    /// Each report can be written: a report that cannot fails before anything is sent, not
    /// after the run.
    pub(super) fn check(&self) -> Result<(), Fatal> {
        let signature = self.signature();
        for (flag, path) in [
            ("--junit", &self.junit),
            ("--cucumber-json", &self.cucumber_json),
            ("--report-html", &self.html),
            ("--report-md", &self.markdown),
            ("--sign", &signature),
        ] {
            if let Some(p) = path {
                check_report_path(flag, p)?;
            }
        }
        if self.sign && self.html.is_none() {
            return Err(Fatal::usage(
                "--sign signs the evidence report: give --report-html FILE too (the signature is written to FILE.p7s)",
            ));
        }
        Ok(())
    }

    /// Where `--sign` writes the signature: the HTML report's path with `.p7s` added.
    pub fn signature(&self) -> Option<PathBuf> {
        let html = self.html.as_ref().filter(|_| self.sign)?;
        Some(signature_of(html))
    }
}

/// `report.html` → `report.html.p7s`.
fn signature_of(html: &Path) -> PathBuf {
    let mut p = html.as_os_str().to_owned();
    p.push(".p7s");
    PathBuf::from(p)
}

/// Whether a report can be written at `path`: not a folder or special file, and its folder
/// exists (it is made, as the write would) and takes a new file.
fn check_report_path(flag: &str, path: &Path) -> Result<(), Fatal> {
    let bad = |why: String| Fatal::usage(format!("{flag} {}: {why}", path.display()));
    if path.as_os_str().is_empty() {
        return Err(bad("give the path of the file to write".into()));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        if meta.is_dir() {
            return Err(bad(
                "is a folder; give the path of a file in it, e.g. report.xml".into(),
            ));
        }
        if !meta.is_file() {
            return Err(bad(
                "is not a regular file (a FIFO, socket or device)".into()
            ));
        }
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| {
        bad(format!(
            "cannot create its folder {}: {e}",
            parent.display()
        ))
    })?;
    // Writable: make (and remove) a file beside it; permission bits alone do not tell
    // (ACLs, read-only mounts).
    let probe = parent.join(format!(".sp-contract-write-check-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| {
            bad(format!(
                "its folder {} is not writable: {e}",
                parent.display()
            ))
        })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Signs `html` (the report's bytes as written) with the target's function certificate and
/// writes the signature to `path`.
pub(super) fn write_signature(
    path: &Path,
    html: &[u8],
    target: &crate::targets::target::Target,
) -> Result<(), Fatal> {
    let source = target
        .identity(crate::targets::config::DEFAULT_IDENTITY)
        .map_err(|e| Fatal::usage(format!("--sign: {e}")))?;
    let identity = crate::targets::pki::load_identity(source)
        .map_err(|e| Fatal::usage(format!("--sign: {}", crate::error::chain(&e))))?;
    let p7s = crate::report::sign::sign(html, &identity)?;
    write_report(Some(&path.to_path_buf()), |w| w.write_all(&p7s))
}

/// Write one report, when its path is given, making its folder first.
pub(super) fn write_report(
    path: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Fatal> {
    let Some(path) = path else { return Ok(()) };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Fatal::usage(format!("cannot create {}: {e}", parent.display())))?;
    }
    let file = std::fs::File::create(path)
        .map_err(|e| Fatal::usage(format!("cannot write {}: {e}", path.display())))?;
    let mut w = std::io::BufWriter::new(file);
    write(&mut w)
        .and_then(|_| w.flush())
        .map_err(|e| Fatal::usage(format!("cannot write {}: {e}", path.display())))
}

/// `report merge`: merges the shards' JUnit files into `output` and prints how many it took.
pub fn merge_junit(output: &PathBuf, inputs: &[PathBuf]) -> Result<ExitCode, Fatal> {
    // Merged in memory first, so a bad input never leaves a half-written output.
    let mut merged = Vec::new();
    crate::report::merge_junit(inputs, &mut merged)?;
    write_report(Some(output), |w| w.write_all(&merged))?;
    say!(
        "Merged {} JUnit file(s) into {}",
        inputs.len(),
        output.display()
    );
    Ok(ExitCode::Passed)
}

/// `report verify`: checks the signature beside `report` (or `signature`), shows the signer's
/// certificate, and compares the contract fingerprint the report records with the one of the
/// checkout `paths` (for the target the report names). 0: both hold; 1: the signature does
/// not verify or the fingerprints differ; 2: bad input.
pub fn verify_report(
    report: &Path,
    signature: Option<&Path>,
    ca: Option<&Path>,
    paths: &SuitePaths,
) -> Result<ExitCode, Fatal> {
    use crate::report::html::{meta, FINGERPRINT_META, TARGET_META};
    let signature = signature.map_or_else(|| signature_of(report), Path::to_path_buf);
    let read = |p: &Path, what: &'static str| {
        crate::fsio::read(p, crate::fsio::limit::REPORT, what).map_err(|e| {
            let hint = if p == signature && e.io_kind() == Some(std::io::ErrorKind::NotFound) {
                " (run with --sign to write it, or give --signature FILE)"
            } else {
                ""
            };
            Fatal::usage(format!("{e}{hint}"))
        })
    };
    let html = read(report, "an evidence report")?;
    let p7s = read(&signature, "a report signature")?;
    let trusted = ca.map(trust_store).transpose()?;
    let checked = crate::report::sign::verify(
        &html,
        &p7s,
        &signature.display().to_string(),
        trusted.as_ref(),
    );
    let text = String::from_utf8_lossy(&html);
    let recorded = meta(&text, FINGERPRINT_META);
    let target = meta(&text, TARGET_META);
    let verified = match checked {
        Ok(v) => v,
        Err(e) => {
            say!("Signature: DOES NOT VERIFY. {e}");
            return Ok(crate::error::Classified::exit_code(&e));
        }
    };
    let c = &verified.signer;
    say!(
        "Signature: verified: {} is unchanged since it was signed.",
        report.display()
    );
    say!("Signed by:\n  Subject:  {}\n  Issuer:   {}\n  Serial:   {}\n  SHA-256:  {}\n  Valid:    {} to {}",
        c.subject,
        c.issuer,
        c.serial_hex,
        c.sha256_fingerprint,
        crate::report::utc(c.not_before),
        crate::report::utc(c.not_after)
    );
    match ca {
        Some(ca) => say!("Certificate chain: checked against {}.", ca.display()),
        None => say!("Certificate chain: not checked; give --ca FILE (PEM) to check the signer against a CA you trust."),
    }
    let (Some(recorded), Some(target)) = (recorded, target) else {
        return Err(Fatal::usage(format!(
            "{} records no contract fingerprint: it is not an evidence report of this tool's version",
            report.display()
        )));
    };
    let target = target.replace("&amp;", "&").replace("&quot;", "\"");
    let fp = crate::engine::fingerprint(paths, &target)?;
    say!("Contract fingerprint in the report: {recorded} (target '{target}')");
    let folders: Vec<String> = fp
        .parts
        .iter()
        .map(|p| format!("{} {}", p.name, p.folder.display()))
        .collect();
    say!(
        "Contract fingerprint of the checkout: sha256:{} ({})",
        fp.sha256,
        folders.join(", ")
    );
    if recorded == format!("sha256:{}", fp.sha256) {
        say!("The checkout is the contract the report was made with.");
        Ok(ExitCode::Passed)
    } else {
        say!("The fingerprints DIFFER: the checkout is not the contract the report was made with (give the --features, --mocks and --snapshots of that run).");
        Ok(ExitCode::ContractFailed)
    }
}

/// A store trusting the PEM certificates in `ca`.
fn trust_store(ca: &Path) -> Result<openssl::x509::store::X509Store, Fatal> {
    let pem = crate::fsio::read(ca, crate::fsio::limit::CERTIFICATE, "a CA certificate")
        .map_err(|e| Fatal::usage(format!("--ca: {e}")))?;
    let bad = |e: openssl::error::ErrorStack| {
        Fatal::usage(format!("--ca {}: not PEM certificates: {e}", ca.display()))
    };
    let certs = openssl::x509::X509::stack_from_pem(&pem).map_err(bad)?;
    let mut store = openssl::x509::store::X509StoreBuilder::new().map_err(bad)?;
    // A function certificate is made for TLS clients, not e-mail: the chain is what counts.
    store
        .set_purpose(openssl::x509::X509PurposeId::ANY)
        .map_err(bad)?;
    for c in certs {
        store.add_cert(c).map_err(bad)?;
    }
    Ok(store.build())
}
