//! Report files: where `run` writes its reports, checked before anything is sent, and
//! written whole or not at all; and `report merge`.

use super::say;
use crate::error::{ExitCode, Fatal};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The reports a run writes (`--junit`, `--cucumber-json`, `--report-html`, `--report-md`).
#[derive(Debug, Clone, Default)]
pub struct ReportFiles {
    pub junit: Option<PathBuf>,
    pub cucumber_json: Option<PathBuf>,
    pub html: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
}

impl ReportFiles {
    /// Each report can be written: a report that cannot fails before anything is sent, not
    /// after the run.
    pub(super) fn check(&self) -> Result<(), Fatal> {
        for (flag, path) in [
            ("--junit", &self.junit),
            ("--cucumber-json", &self.cucumber_json),
            ("--report-html", &self.html),
            ("--report-md", &self.markdown),
        ] {
            if let Some(p) = path {
                check_report_path(flag, p)?;
            }
        }
        Ok(())
    }
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
