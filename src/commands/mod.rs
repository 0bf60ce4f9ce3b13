//! What each command prints: one function per command, over the non-printing
//! [`crate::engine`]. The clap types stay in [`crate::cli`], which turns them into the plain
//! values these functions take, so this module never sees a flag.
//!
//! Everything goes out through `say!`, `say_raw!` and `tell!`, which never panic on a
//! closed stdout or stderr.

mod mock;
mod reports;
mod run;
mod steps;

pub use mock::serve;
pub use reports::{merge_junit, verify_report, ReportFiles};
pub use run::run;
pub use steps::{steps, steps_cucumber_js, steps_json, steps_text, StepsFormat};

use crate::engine::{self, SuitePaths};
use crate::error::{ExitCode, Fatal};
use crate::runner::selection::Selection;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

/// `println!` that never panics: when stdout is closed (`sp-contract list | head -1`), the
/// rest of the output is dropped and the command ends with its own exit code, instead of
/// a panic (exit 101) on the broken pipe.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `print!` that never panics (see [`say!`]).
macro_rules! say_raw {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

/// `eprintln!` that never panics (see [`say!`]).
macro_rules! tell {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

pub(crate) use {say, say_raw, tell};

/// How many worker threads: the ones asked for, else one per core the machine offers (two,
/// as before, when it cannot say).
fn worker_threads(chosen: Option<NonZeroUsize>) -> usize {
    chosen
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(2, NonZeroUsize::get)
}

/// The async runtime a command that talks to a target runs on, with [`worker_threads`].
fn runtime(threads: Option<NonZeroUsize>) -> Result<tokio::runtime::Runtime, Fatal> {
    build_runtime(worker_threads(threads))
}

/// The lanes a run of `scenarios` scenarios gets ([`crate::runner::lanes`]):
/// [`worker_threads`], but no more than scenarios. One runs them on the command's thread.
fn lanes_for(threads: Option<NonZeroUsize>, scenarios: usize) -> usize {
    worker_threads(threads).min(scenarios.max(1))
}

fn build_runtime(workers: usize) -> Result<tokio::runtime::Runtime, Fatal> {
    let mut b = if workers == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(workers);
        b
    };
    b.enable_all()
        .build()
        .map_err(|e| Fatal::usage(format!("cannot start the async runtime: {e}")))
}

/// One scenario of a plan on one line: `file:line`, name (CPR masked) and tags, apart by `sep`.
fn scenario_line(sc: &crate::runner::features::PlannedScenario, sep: &str) -> String {
    format!(
        "{}:{}{sep}{}{sep}{}",
        sc.feature_rel,
        sc.line,
        crate::evidence::redact::text(&sc.name),
        sc.tags.join(" ")
    )
}

/// `list`: prints one line per selected scenario (`file:line`, name, tags, tab-separated);
/// on stderr a note for each named service no scenario covers.
pub fn list(features: PathBuf, selection: &Selection) -> Result<ExitCode, Fatal> {
    let paths = SuitePaths {
        features,
        ..SuitePaths::default()
    };
    let plan = engine::plan(&paths, selection)?;
    for sc in &plan.scenarios {
        say!("{}", scenario_line(sc, "\t"));
    }
    for svc in &plan.uncovered {
        tell!("note: no scenario covers {svc}");
    }
    Ok(ExitCode::Passed)
}

/// `fingerprint`: prints the contract fingerprint, then one line per part (features, mocks,
/// snapshots) with its file count, hash and folder.
pub fn fingerprint(paths: &SuitePaths, target: &str) -> Result<ExitCode, Fatal> {
    let fp = engine::fingerprint(paths, target)?;
    say!("{}", fp.sha256);
    for p in &fp.parts {
        say!(
            "  {:10} {:4} file(s)  {}  {}",
            p.name,
            p.files,
            p.sha256,
            p.folder.display()
        );
    }
    Ok(ExitCode::Passed)
}

/// `certs init`: makes the test PKI and prints where each of its files is.
pub fn certs_init(dir: &Path, force: bool) -> Result<ExitCode, Fatal> {
    let pki = crate::targets::pki::init(dir, force)?;
    say!("Test PKI in {}:", pki.dir.display());
    for (what, p) in [
        ("CA", &pki.ca_pem),
        ("server certificate (localhost, 127.0.0.1)", &pki.server_pem),
        ("client certificate (registered)", &pki.client_pem),
        ("client key", &pki.client_key_pem),
        ("client PKCS#12", &pki.client_p12),
        ("unregistered client PKCS#12", &pki.unregistered_p12),
        ("expired client PKCS#12", &pki.expired_p12),
        ("client PKCS#12 from another CA", &pki.foreign_p12),
    ] {
        say!("  {what:45} {}", p.display());
    }
    say!("The .p12 files use the documented test password (README, \"Test PKI\").");
    Ok(ExitCode::Passed)
}

/// `certs inspect`: prints the file's name, then the certificate's subject, issuer, serial,
/// SHA-256 and validity. The password (from `password_env`) is registered for redaction
/// first, so no message can show it.
pub fn certs_inspect(file: &Path, password_env: Option<&str>) -> Result<ExitCode, Fatal> {
    let password = match password_env {
        Some(var) => {
            let pw = std::env::var(var).map_err(|_| {
                Fatal::usage(format!(
                    "the environment variable {var} (--password-env) is not set; export it with the certificate password"
                ))
            })?;
            crate::evidence::redact::register_password(&pw);
            Some(crate::targets::pki::Secret::new(pw))
        }
        None => None,
    };
    let info = crate::targets::pki::inspect(file, password.as_ref())?;
    say!("{}", file.display());
    say!("{info}");
    Ok(ExitCode::Passed)
}

/// `doctor`: prints the doctor's report (the onboarding steps and their findings, coloured
/// on a terminal) and ends with its exit code.
pub fn doctor(
    paths: &SuitePaths,
    target: &str,
    services: Option<Vec<String>>,
    threads: Option<NonZeroUsize>,
) -> Result<ExitCode, Fatal> {
    use std::io::IsTerminal;
    let color = crate::report::color_wanted(std::io::stdout().is_terminal());
    let rt = runtime(threads)?;
    let report = rt.block_on(async {
        let live = engine::start_target(paths, target).await?;
        let probes = engine::catalog().probes();
        let report = crate::doctor::diagnose(live.target.clone(), services, &probes).await;
        if let Some(m) = &live.mock {
            m.shutdown();
        }
        Ok::<_, Fatal>(report)
    })?;
    say_raw!("{}", report.render(color));
    Ok(report.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_threads_are_the_ones_asked_for_else_the_cores() {
        assert_eq!(worker_threads(NonZeroUsize::new(5)), 5);
        let cores = std::thread::available_parallelism().map_or(2, NonZeroUsize::get);
        assert_eq!(worker_threads(None), cores);
    }

    #[test]
    fn a_run_gets_no_more_lanes_than_scenarios() {
        assert_eq!(lanes_for(NonZeroUsize::new(4), 1), 1);
        assert_eq!(lanes_for(NonZeroUsize::new(4), 0), 1);
        assert_eq!(lanes_for(NonZeroUsize::new(4), 2), 2);
        assert_eq!(lanes_for(NonZeroUsize::new(3), 100), 3);
        assert_eq!(lanes_for(NonZeroUsize::new(1), 100), 1);
    }
}
