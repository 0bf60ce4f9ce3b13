//! What an evidence report says that the run itself does not know: the report's language,
//! who made the system and who ran the suite, on which machine, the suite's git commit, the
//! selection as it was given; and the municipality a CVR number names.
//!
//! The git commit is asked of a `git` child process, bounded in time and output; no git, or
//! a folder outside a repository, is a fact to report ("not in a git repository"), never an
//! error. Municipality names come from a cited data file (`data/kommuner.tsv`); a CVR not in
//! it is shown alone, never guessed.

use std::path::Path;
use std::time::Duration;

use super::words::Lang;

/// The facts the command gathers for the evidence reports.
#[derive(Debug, Clone, Default)]
pub struct About {
    pub lang: Lang,
    /// The vendor of the system tested (`--vendor`, `[report] vendor`).
    pub vendor: Option<String>,
    /// Who ran the suite (`--operator`, `[report] operator`).
    pub operator: Option<String>,
    /// The it-system's name (`--it-system`, `[report] it_system`); the config holds only
    /// its UUID.
    pub it_system: Option<String>,
    pub host: String,
    pub commit: SuiteCommit,
    /// The selection as given on the command line (`--features DIR --tags …`), or empty
    /// for all scenarios of the default features folder.
    pub given: String,
}

/// The features folder's git commit, if it is in a repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SuiteCommit {
    Commit {
        id: String,
        /// Files changed, added or removed in the features folder since the commit.
        uncommitted: usize,
    },
    #[default]
    NotInGit,
    /// Not looked up: no report that shows it was asked for (asking `git` costs a child
    /// process, a good part of a one-call run).
    NotAsked,
}

/// How long `git` may take before the report says "not in a git repository".
const GIT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most output read from `git` (a status of a huge working tree is cut here).
const GIT_OUTPUT: u64 = 256 * 1024;

impl SuiteCommit {
    /// The commit of the folder `dir`, and how many of its files differ from it.
    pub fn of(dir: &Path) -> SuiteCommit {
        let Some(id) = git(dir, &["rev-parse", "--verify", "HEAD"]) else {
            return SuiteCommit::NotInGit;
        };
        let id = id.trim().to_string();
        if id.len() < 40 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return SuiteCommit::NotInGit;
        }
        let uncommitted = git(dir, &["status", "--porcelain", "--", "."])
            .map_or(0, |s| s.lines().filter(|l| !l.trim().is_empty()).count());
        SuiteCommit::Commit { id, uncommitted }
    }
}

/// `git -C dir ARGS`'s standard output when it succeeds within [`GIT_TIMEOUT`]; `None` when
/// git is missing, fails, or hangs (then it is killed).
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    use std::io::Read;
    let mut child = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let read = stdout.take(GIT_OUTPUT).read_to_end(&mut out);
        let _ = tx.send(read.map(|_| out));
    });
    let out = match rx.recv_timeout(GIT_TIMEOUT) {
        Ok(Ok(out)) => out,
        _ => {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
    };
    // The pipe is closed (or cut at the limit): git has finished, or is stopped here.
    let waited = wait_bounded(&mut child);
    waited.filter(|s| s.success())?;
    String::from_utf8(out).ok()
}

/// The child's exit status, waiting at most [`GIT_TIMEOUT`]; killed after that.
fn wait_bounded(child: &mut std::process::Child) -> Option<std::process::ExitStatus> {
    let until = std::time::Instant::now() + GIT_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if std::time::Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(10))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// This machine's name: the kernel's host name, else `HOSTNAME`/`COMPUTERNAME`, else
/// `unknown`.
pub fn host_name() -> String {
    let from_kernel =
        crate::fsio::read_text(Path::new("/proc/sys/kernel/hostname"), 256, "the host name")
            .ok()
            .map(|s| s.trim().to_string());
    from_kernel
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|s| s.chars().filter(|c| !c.is_control()).take(100).collect())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The municipalities' CVR numbers and names, with their source (see the file's header).
const MUNICIPALITIES: &str = include_str!("data/kommuner.tsv");

/// The municipality whose CVR number this is, from the cited table; `None` for any other.
pub fn municipality(cvr: &str) -> Option<&'static str> {
    let cvr = cvr.trim();
    MUNICIPALITIES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .find(|(number, _)| *number == cvr)
        .map(|(_, name)| name.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_98_municipalities_once_each() {
        let rows: Vec<(&str, &str)> = MUNICIPALITIES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split_once('\t').expect("CVR, tab, name"))
            .collect();
        assert_eq!(rows.len(), 98);
        let mut cvrs: Vec<&str> = rows.iter().map(|r| r.0).collect();
        cvrs.sort();
        cvrs.dedup();
        assert_eq!(cvrs.len(), 98, "no CVR twice");
        assert!(rows
            .iter()
            .all(|(c, n)| crate::core::ids::Cvr::is_valid(c) && !n.is_empty()));
        assert_eq!(municipality("29189846"), Some("Viborg Kommune"));
        assert_eq!(municipality(" 55133018 "), Some("Aarhus Kommune"));
        assert_eq!(municipality("11111111"), None, "never a guess");
    }

    #[test]
    fn a_folder_outside_git_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        // A temporary folder may sit below a repository on a developer's machine; only the
        // answer's form is certain.
        match SuiteCommit::of(dir.path()) {
            SuiteCommit::NotInGit => {}
            SuiteCommit::Commit { id, .. } => assert_eq!(id.len(), 40),
            SuiteCommit::NotAsked => panic!("of() always asks"),
        }
        assert_eq!(
            SuiteCommit::of(&dir.path().join("missing")),
            SuiteCommit::NotInGit
        );
    }
}
