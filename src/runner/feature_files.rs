//! Which `.feature` files a run reads, and the name each one goes by.
//!
//! One walk serves the runner and the contract fingerprint, so the fingerprint covers
//! exactly the files that ran.
//!
//! * Symbolic links to folders are followed, but every folder and every file is taken once
//!   (by its real path): a link loop ends, and a file reachable by two paths runs once,
//!   under the first path in sorted order.
//! * A file's name (`rel`) is its path below the **features root**: the nearest folder named
//!   `features` at or above the folder given with `--features` (as written, else after
//!   resolving links), or that folder itself when none is named `features`. So
//!   `--features features/cpr` names `features/cpr/opslag.feature` `cpr/opslag.feature`,
//!   exactly as `--features features` does, and snapshot names (built from `rel`) do not
//!   depend on the folder given.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Folders deeper than this below `--features` are refused rather than walked.
const MAX_DEPTH: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum FeatureError {
    #[error(
        "features folder {0} does not exist; give --features DIR or run from the suite's folder"
    )]
    NoDir(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: the feature file cannot be parsed: {detail}.{hint}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        detail: String,
        hint: &'static str,
    },
    #[error("no .feature files under {0}")]
    Empty(PathBuf),
    #[error("{path}: folders nest more than {max} deep below --features; is there a link loop?")]
    TooDeep { path: PathBuf, max: usize },
    #[error("{0}")]
    Bounded(String),
    /// Problems of the suite itself, each `file:line: what and what to do`.
    #[error("the suite has {} problem(s):\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<String>),
    #[error("--tags '{expr}' is not a tag expression: {reason}. Example: --tags \"@SF1520 and not @writes\"")]
    Tags { expr: String, reason: String },
    #[error("--name '{expr}' is not a regular expression: {reason}")]
    Name { expr: String, reason: String },
}

crate::input_error!(FeatureError);

/// One feature file of the suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureFile {
    /// Where it was found (through `--features`).
    pub path: PathBuf,
    /// Its path below the features root, `/`-separated (see the module docs). Not masked:
    /// use `rel_masked` for anything shown.
    pub rel: String,
}

impl FeatureFile {
    /// `rel` with CPR numbers masked, for names, reports and snapshot names.
    pub fn rel_masked(&self) -> String {
        crate::evidence::redact::mask_cpr(&self.rel)
    }
}

/// Every `*.feature` file below `dir`, sorted by `rel`, each real file once.
pub fn feature_files(dir: &Path) -> Result<Vec<FeatureFile>, FeatureError> {
    if !dir.is_dir() {
        return Err(FeatureError::NoDir(dir.to_path_buf()));
    }
    let mut walk = Walk::default();
    walk.dir(dir, &root_prefix(dir), 0)?;
    // Linked folders after the real tree, so a file inside the tree keeps its real path.
    while let Some((path, rel, depth)) = walk.linked.pop_front() {
        walk.dir(&path, &rel, depth)?;
    }
    // The same file twice (a linked file, or a file below a linked folder that was walked
    // first): keep the unlinked path, else the first in order.
    let mut found = walk.found;
    found.sort_by(|a, b| (a.linked, &a.file.rel).cmp(&(b.linked, &b.file.rel)));
    let mut seen = HashSet::new();
    let mut files: Vec<FeatureFile> = found
        .into_iter()
        .filter(|f| seen.insert(f.real.clone()))
        .map(|f| f.file)
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(files)
}

/// `cpr/` when `dir` is `…/features/cpr`; empty when `dir` is the features root. The path
/// as given is asked first (a `features` folder may be a link to a folder of another
/// name), then the path with links resolved.
fn root_prefix(dir: &Path) -> String {
    let given = std::path::absolute(dir)
        .ok()
        .filter(|p| !p.components().any(|c| c == std::path::Component::ParentDir));
    for path in given.into_iter().chain(dir.canonicalize().ok()) {
        for root in path.ancestors() {
            if root.file_name().is_some_and(|n| n == "features") {
                let below = path.strip_prefix(root).unwrap_or(Path::new(""));
                return below
                    .components()
                    .filter(|c| matches!(c, std::path::Component::Normal(_)))
                    .map(|c| format!("{}/", c.as_os_str().to_string_lossy()))
                    .collect();
            }
        }
    }
    String::new()
}

struct Found {
    file: FeatureFile,
    real: PathBuf,
    /// Reached through a link (to the file, or to a folder above it).
    linked: bool,
}

#[derive(Default)]
struct Walk {
    seen_dirs: HashSet<PathBuf>,
    /// Linked folders still to walk: (path, rel prefix, depth).
    linked: std::collections::VecDeque<(PathBuf, String, usize)>,
    found: Vec<Found>,
    /// Inside a linked folder.
    in_link: bool,
}

impl Walk {
    fn dir(&mut self, dir: &Path, rel: &str, depth: usize) -> Result<(), FeatureError> {
        let read_err = |source| FeatureError::Read {
            path: dir.to_path_buf(),
            source,
        };
        let real = dir.canonicalize().map_err(read_err)?;
        if !self.seen_dirs.insert(real) {
            // A link loop, or a second way into a folder already walked.
            return Ok(());
        }
        if depth > MAX_DEPTH {
            return Err(FeatureError::TooDeep {
                path: dir.to_path_buf(),
                max: MAX_DEPTH,
            });
        }
        let in_link = self.in_link || std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_symlink());
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read_err)?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let is_link = std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_symlink());
            // `is_dir` follows links.
            if p.is_dir() {
                let rel = format!("{rel}{name}/");
                if is_link {
                    self.linked.push_back((p, rel, depth + 1));
                } else {
                    let outer = std::mem::replace(&mut self.in_link, in_link);
                    self.dir(&p, &rel, depth + 1)?;
                    self.in_link = outer;
                }
            } else if p.extension().is_some_and(|e| e == "feature") {
                // A dangling link or a FIFO named *.feature is kept: reading it says why
                // it cannot be used, instead of it being skipped in silence.
                let real = p.canonicalize().unwrap_or_else(|_| p.clone());
                self.found.push(Found {
                    file: FeatureFile {
                        path: p,
                        rel: format!("{rel}{name}"),
                    },
                    real,
                    linked: in_link || is_link,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }

    #[test]
    fn names_are_relative_to_the_features_root() {
        let d = tempfile::tempdir().unwrap();
        touch(&d.path().join("features/cpr/opslag.feature"));
        touch(&d.path().join("features/b.feature"));
        let all = feature_files(&d.path().join("features")).unwrap();
        let rels: Vec<_> = all.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["b.feature", "cpr/opslag.feature"]);
        let sub = feature_files(&d.path().join("features/cpr")).unwrap();
        assert_eq!(sub[0].rel, "cpr/opslag.feature");
        // No folder named `features`: the given folder is the root.
        touch(&d.path().join("suite/x/y.feature"));
        assert_eq!(
            feature_files(&d.path().join("suite")).unwrap()[0].rel,
            "x/y.feature"
        );
    }

    /// A `features` folder that is a link (to a shared checkout, say) still roots the
    /// names: `--features features/cpr` names a file as `--features features` does.
    #[cfg(unix)]
    #[test]
    fn a_linked_features_folder_still_roots_the_names() {
        let d = tempfile::tempdir().unwrap();
        touch(&d.path().join("suite/cpr/opslag.feature"));
        std::os::unix::fs::symlink(d.path().join("suite"), d.path().join("features")).unwrap();
        let whole = feature_files(&d.path().join("features")).unwrap();
        assert_eq!(whole[0].rel, "cpr/opslag.feature");
        let sub = feature_files(&d.path().join("features/cpr")).unwrap();
        assert_eq!(sub[0].rel, "cpr/opslag.feature");
    }

    #[cfg(unix)]
    #[test]
    fn link_loops_end_and_each_file_counts_once() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("features");
        touch(&f.join("cpr/a.feature"));
        std::os::unix::fs::symlink("..", f.join("cpr/loop")).unwrap();
        std::os::unix::fs::symlink("cpr", f.join("alias")).unwrap();
        let all = feature_files(&f).unwrap();
        let rels: Vec<_> = all.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["cpr/a.feature"], "the real path wins over a link");
        // A folder only reachable through a link is walked.
        let shared = d.path().join("shared");
        touch(&shared.join("s.feature"));
        std::os::unix::fs::symlink(&shared, f.join("zz")).unwrap();
        let rels: Vec<_> = feature_files(&f)
            .unwrap()
            .into_iter()
            .map(|f| f.rel)
            .collect();
        assert_eq!(rels, ["cpr/a.feature", "zz/s.feature"]);
    }
}
