//! The contract fingerprint: one SHA-256 over the files that define what a run tested, so
//! an evidence report names exactly which contract was tested.
//!
//! ## Definition
//!
//! The parts:
//!
//! | part        | files                                     |
//! |-------------|-------------------------------------------|
//! | `features`  | exactly the `.feature` files the run reads from `--features` (default `features/`): the same list, by the same walk (`runner::feature_files`: linked folders followed, every file once), each named by its path below the features root |
//! | `mocks`     | `--mocks` (default `mocks/`), **only when the target is the embedded mock** |
//! | `snapshots` | `--snapshots`/`<target>` (the approved answers this target is compared with) |
//!
//! `mocks` and `snapshots` are folders walked recursively (regular files only; symbolic
//! links are followed for files and not for folders; `*.snap.new` files, which are
//! unapproved answers left by a failed run, are left out).
//!
//! Every file is named `<part>/<path below the folder>` with `/` between folders. The
//! entries are sorted by that name (byte order), and the digest is SHA-256 over, for each
//! entry in turn: the name's UTF-8 bytes, one `0x00` byte, the content's length as an
//! 8-byte big-endian number, and the content's bytes. It is written as 64 lower-case hex
//! digits. A missing folder contributes no entries (a target without snapshots yet).
//!
//! The build script computes each part's digest for the built-in suite (`features/`, `mocks/`,
//! `snapshots/mock/` of the source tree), so a report can say whether a part is the built-in
//! one ([`Part::is_built_in`]).
//!
//! The same files give the same fingerprint on any machine and in any folder; changing,
//! adding, removing or renaming one file changes it. Contents are hashed as they are on
//! disk: a checkout that rewrites line endings (Git's `autocrlf` on Windows) differs.

mod digest;

use digest::digest;
use std::path::{Path, PathBuf};

/// Each part's digest in the built-in suite (`features/`, `mocks/`, `snapshots/mock/` of the
/// source tree the tool was built from), computed by the build script by the same rule.
const BUILT_IN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_fingerprint.rs"));

#[derive(Debug, thiserror::Error)]
pub enum FingerprintError {
    #[error("cannot read {path} for the contract fingerprint: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

crate::input_error!(FingerprintError);

/// One part's summary, shown in the report next to the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: &'static str,
    pub folder: PathBuf,
    pub files: usize,
    /// SHA-256 of this part alone, by the same rule.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// SHA-256 over every part's entries (see the module docs).
    pub sha256: String,
    pub parts: Vec<Part>,
}

impl Part {
    /// Whether this part holds exactly the built-in suite's files (the same names and
    /// contents as the tool's own `features/`, `mocks/` or `snapshots/mock/`).
    pub fn is_built_in(&self) -> bool {
        BUILT_IN
            .iter()
            .any(|(name, sha)| *name == self.name && *sha == self.sha256)
    }
}

impl Fingerprint {
    pub fn files(&self) -> usize {
        self.parts.iter().map(|p| p.files).sum()
    }
}

/// Where a part's files come from.
pub enum Source<'a> {
    /// Every file below a folder (see the module docs).
    Folder(&'a Path),
    /// These files, named by their `rel`, found below `folder`.
    Files {
        folder: &'a Path,
        files: &'a [(&'a Path, &'a str)],
    },
}

/// Fingerprint the given parts (`(name, source)`), in any order.
pub fn compute(parts: &[(&'static str, Source<'_>)]) -> Result<Fingerprint, FingerprintError> {
    let mut all: Vec<(String, Vec<u8>)> = Vec::new();
    let mut out_parts = Vec::new();
    for (name, source) in parts {
        let mut entries = Vec::new();
        let folder = match source {
            Source::Folder(folder) => {
                if folder.is_dir() {
                    walk(folder, folder, name, &mut entries)?;
                }
                folder
            }
            Source::Files { folder, files } => {
                for (path, rel) in *files {
                    let content = read(path, crate::fsio::limit::FEATURE)?;
                    entries.push((format!("{name}/{rel}"), content));
                }
                folder
            }
        };
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        out_parts.push(Part {
            name,
            folder: folder.to_path_buf(),
            files: entries.len(),
            sha256: digest(&entries),
        });
        all.extend(entries);
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Fingerprint {
        sha256: digest(&all),
        parts: out_parts,
    })
}

/// The fingerprint of a run's inputs by the rule above: `features` are the files the run
/// reads (path, and the name below the features root), as the runner's walk found them.
pub fn of_suite(
    features_folder: &Path,
    features: &[(&Path, &str)],
    mocks: Option<&Path>,
    snapshots_of_target: &Path,
) -> Result<Fingerprint, FingerprintError> {
    let mut parts: Vec<(&'static str, Source<'_>)> = vec![(
        "features",
        Source::Files {
            folder: features_folder,
            files: features,
        },
    )];
    if let Some(m) = mocks {
        parts.push(("mocks", Source::Folder(m)));
    }
    parts.push(("snapshots", Source::Folder(snapshots_of_target)));
    compute(&parts)
}

/// A bounded read (a FIFO or an oversized file is an error, not a hang).
fn read(path: &Path, limit: u64) -> Result<Vec<u8>, FingerprintError> {
    crate::fsio::read(path, limit, "a file of the contract fingerprint").map_err(|e| {
        FingerprintError::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        }
    })
}

fn walk(
    root: &Path,
    dir: &Path,
    part: &str,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), FingerprintError> {
    let err = |path: &Path, source| FingerprintError::Read {
        path: path.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(|e| err(dir, e))? {
        let entry = entry.map_err(|e| err(dir, e))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| err(&path, e))?;
        if ft.is_dir() {
            walk(root, &path, part, out)?;
            continue;
        }
        // A link to a folder is not followed (no loops); a link to a file counts as the file.
        if ft.is_symlink() && path.is_dir() {
            continue;
        }
        if !path.is_file() || path.to_string_lossy().ends_with(".snap.new") {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let content = read(&path, crate::fsio::limit::BODY_FILE)?;
        out.push((format!("{part}/{rel}"), content));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// The feature files below `root`, as the runner's walk names them (sorted, `/`).
    fn feature_files(root: &Path) -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "feature") {
                    let rel = p
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.push((p, rel));
                }
            }
        }
        out.sort();
        out
    }

    fn refs(files: &[(PathBuf, String)]) -> Vec<(&Path, &str)> {
        files
            .iter()
            .map(|(p, r)| (p.as_path(), r.as_str()))
            .collect()
    }

    fn write(p: &Path, text: &str) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn deterministic_and_sensitive_to_every_change() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for d in [a.path(), b.path()] {
            write(&d.join("f/cpr/x.feature"), "Egenskab: x\n");
            write(&d.join("f/y.feature"), "Egenskab: y\n");
            write(&d.join("s/mock/x.snap"), "snap\n");
        }
        let fp = |d: &Path| {
            let files = feature_files(&d.join("f"));
            of_suite(&d.join("f"), &refs(&files), None, &d.join("s/mock")).unwrap()
        };
        let base = fp(a.path());
        assert_eq!(base, {
            let mut other = fp(b.path());
            // Folders differ, digests must not.
            other
                .parts
                .iter_mut()
                .zip(&base.parts)
                .for_each(|(o, b)| o.folder = b.folder.clone());
            other
        });
        assert_eq!(base.files(), 3);
        assert_eq!(base.sha256.len(), 64);

        // An unapproved answer does not count.
        write(&a.path().join("s/mock/x.snap.new"), "new\n");
        assert_eq!(fp(a.path()).sha256, base.sha256);
        // Content, name and an added file each change it.
        write(&a.path().join("f/y.feature"), "Egenskab: y!\n");
        let changed = fp(a.path()).sha256;
        assert_ne!(changed, base.sha256);
        write(&a.path().join("f/y.feature"), "Egenskab: y\n");
        assert_eq!(fp(a.path()).sha256, base.sha256);
        std::fs::rename(a.path().join("f/y.feature"), a.path().join("f/z.feature")).unwrap();
        assert_ne!(fp(a.path()).sha256, base.sha256);
        std::fs::rename(a.path().join("f/z.feature"), a.path().join("f/y.feature")).unwrap();
        write(&a.path().join("s/mock/extra.snap"), "");
        assert_ne!(fp(a.path()).sha256, base.sha256);
    }

    #[test]
    fn the_digest_follows_the_documented_rule() {
        let d = tempfile::tempdir().unwrap();
        write(&d.path().join("f/a.feature"), "A");
        let files = feature_files(&d.path().join("f"));
        let fp = of_suite(
            &d.path().join("f"),
            &refs(&files),
            None,
            &d.path().join("none"),
        )
        .unwrap();
        let mut h = Sha256::new();
        h.update(b"features/a.feature\0");
        h.update(1u64.to_be_bytes());
        h.update(b"A");
        let want: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(fp.sha256, want);
        assert_eq!(fp.parts[1].files, 0, "a missing folder adds nothing");
    }
}
