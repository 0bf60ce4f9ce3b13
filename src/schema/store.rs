//! The XSDs shipped in the binary (the repository's `schemas/` folder, listed by `build.rs`),
//! written once to a content-addressed cache directory so libxml2 can resolve the schemas'
//! relative `schemaLocation`s. The rule: the validator only ever reads this copy, never a
//! contract package elsewhere on the machine, and concurrent processes never see a
//! half-written directory (each writes a private temporary one and renames it into place).

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Every embedded schema file: its path below `schemas/` and its bytes, sorted by path.
pub static FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// The embedded bytes of one schema file, by its path below `schemas/`.
pub fn file(path: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

/// The directory holding the written copy, written on first use. Err: why it could not be
/// written (the mock then cannot validate, and says so).
pub fn directory() -> Result<&'static Path, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| write_once(&cache_base()))
        .as_ref()
        .map(PathBuf::as_path)
        .map_err(Clone::clone)
}

/// Where the copy goes: `$XDG_CACHE_HOME`, else `~/.cache`, else the temp dir.
fn cache_base() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("XDG_CACHE_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("sp-contract")
        .join("schemas")
}

/// The hash naming this set of files: a changed schema gets a directory of its own.
pub fn content_hash() -> String {
    let mut h = Sha256::new();
    for (path, bytes) in FILES {
        h.update((path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Write the files below `base/<hash>` unless that directory is already there; falls back to
/// the temp dir when `base` is not writable.
fn write_once(base: &Path) -> Result<PathBuf, String> {
    let hash = content_hash();
    match write_into(base, &hash) {
        Ok(dir) => Ok(dir),
        Err(first) => {
            let fallback = std::env::temp_dir().join("sp-contract-schemas");
            write_into(&fallback, &hash).map_err(|second| format!("{first}; {second}"))
        }
    }
}

fn write_into(base: &Path, hash: &str) -> Result<PathBuf, String> {
    let mut dir = base.join(hash);
    if complete(&dir) {
        if intact(&dir) {
            return Ok(dir);
        }
        // Someone changed the copy (an edited schema would change verdicts): write a fresh
        // one beside it rather than trust or delete what another process may be reading.
        dir = base.join(format!("{hash}-{}", std::process::id()));
        if intact(&dir) {
            return Ok(dir);
        }
    }
    let fail = |what: &str, p: &Path, e: std::io::Error| {
        format!("cannot {what} {} for the shipped XSDs: {e}", p.display())
    };
    std::fs::create_dir_all(base).map_err(|e| fail("create", base, e))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let tmp = base.join(format!(".{hash}.{}-{nanos}", std::process::id()));
    for (rel, bytes) in FILES {
        let path = tmp.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail("create", parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| fail("write", &path, e))?;
    }
    std::fs::write(tmp.join(COMPLETE), hash).map_err(|e| fail("write", &tmp, e))?;
    // Another process may have won the race: its copy is the same bytes, so use it.
    if std::fs::rename(&tmp, &dir).is_err() && intact(&dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Ok(dir);
    }
    if intact(&dir) {
        Ok(dir)
    } else {
        let _ = std::fs::remove_dir_all(&tmp);
        Err(format!(
            "cannot move the shipped XSDs into {}",
            dir.display()
        ))
    }
}

/// Written last: a directory without it was left half-written by a crash and is not used.
const COMPLETE: &str = ".complete";

fn complete(dir: &Path) -> bool {
    dir.join(COMPLETE).is_file()
}

/// Complete, and every file is the embedded bytes (under 1 MB in all: read once per process).
fn intact(dir: &Path) -> bool {
    complete(dir)
        && FILES
            .iter()
            .all(|(rel, bytes)| std::fs::read(dir.join(rel)).is_ok_and(|on_disk| on_disk == *bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_files_are_the_schemas_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        for (rel, bytes) in FILES {
            let on_disk = std::fs::read(root.join(rel)).unwrap();
            assert_eq!(&on_disk[..], *bytes, "{rel}");
        }
        assert!(file("SF1600-Print-v2/PrintServiceMsg.xsd").is_some());
        assert!(FILES.len() > 100, "{}", FILES.len());
    }

    #[test]
    fn a_second_writer_reuses_the_first_copy() {
        let base = std::env::temp_dir().join(format!("sp-schemas-{}", uuid::Uuid::new_v4()));
        let a = write_into(&base, "h").unwrap();
        let b = write_into(&base, "h").unwrap();
        assert_eq!(a, b);
        assert!(a.join("sp/InvocationContext_1.xsd").is_file());
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn an_edited_copy_is_not_used() {
        let base = std::env::temp_dir().join(format!("sp-schemas-{}", uuid::Uuid::new_v4()));
        let a = write_into(&base, "h").unwrap();
        let edited = a.join("sp/InvocationContext_1.xsd");
        std::fs::write(&edited, "<xsd:schema/>").unwrap();
        let b = write_into(&base, "h").unwrap();
        assert_ne!(a, b, "the edited copy was used");
        assert!(intact(&b));
        let _ = std::fs::remove_dir_all(&base);
    }
}
