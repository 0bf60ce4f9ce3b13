//! Bounded reads of the files a user hands us (config, features, agreements, mock data,
//! mappings, certificates, snapshots).
//!
//! The rule: never read a file whole without a cap, and never open what is not a regular
//! file (a FIFO blocks forever, `/dev/zero` never ends). Every refusal names the file, the
//! limit and what to do.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Caps per kind of input. Generous for real use, far below what hurts the process.
pub mod limit {
    /// `sp-contract.toml`, agreement lists.
    pub const CONFIG: u64 = 1024 * 1024;
    /// One `.feature` file.
    pub const FEATURE: u64 = 4 * 1024 * 1024;
    /// One data file under `mocks/` (JSON, XML, a mapping).
    pub const MOCK_DATA: u64 = 8 * 1024 * 1024;
    /// A body file a mapping serves (`__files/`).
    pub const BODY_FILE: u64 = 32 * 1024 * 1024;
    /// A certificate or key (PEM, DER, PKCS#12).
    pub const CERTIFICATE: u64 = 1024 * 1024;
    /// One approved snapshot.
    pub const SNAPSHOT: u64 = 16 * 1024 * 1024;
    /// A report read back (`report merge`).
    pub const REPORT: u64 = 64 * 1024 * 1024;
}

/// Why a bounded read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a regular file (a folder, FIFO, socket or device); give the path of a file", path.display())]
    NotAFile { path: PathBuf },
    #[error("{} is larger than {} (the limit for {what}); this is not a file sp-contract expects here", path.display(), human(*limit))]
    TooLarge {
        path: PathBuf,
        limit: u64,
        what: &'static str,
    },
}

crate::input_error!(ReadError);

impl ReadError {
    /// The underlying I/O error kind, for callers that treat "not found" specially.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            ReadError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }
}

/// Read at most `limit` bytes of the regular file at `path`; more is an error.
/// `what` names the kind of file in the message ("a feature file").
pub fn read(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Look before opening (a clear message for the common case), then check what was
    // actually opened: the path may have been swapped in between. O_NONBLOCK keeps the open
    // itself from waiting for a FIFO's writer; regular files ignore it.
    let looked = std::fs::metadata(path).map_err(io)?;
    if !looked.is_file() {
        return Err(ReadError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(too_large(path, limit, what));
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    // The file may grow between metadata and read: read one byte past the cap to tell.
    file.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(too_large(path, limit, what));
    }
    Ok(buf)
}

/// [`read`] as UTF-8 text; a leading byte-order mark is dropped.
pub fn read_text(path: &Path, limit: u64, what: &'static str) -> Result<String, ReadError> {
    let bytes = read(path, limit, what)?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|e| ReadError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        ),
    })
}

/// Open `path` without waiting and make sure what was opened is a regular file.
fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = open_nonblocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    Ok((file, meta))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn too_large(path: &Path, limit: u64, what: &'static str) -> ReadError {
    ReadError::TooLarge {
        path: path.to_path_buf(),
        limit,
        what,
    }
}

fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// Make a FIFO at `path` for a test, with coreutils' `mkfifo` (no unsafe code in the crate).
#[cfg(all(test, unix))]
pub(crate) fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo (coreutils) runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_file_and_drops_a_bom() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, b"\xEF\xBB\xBFhej").unwrap();
        assert_eq!(read_text(&p, 10, "a test file").unwrap(), "hej");
        assert_eq!(read(&p, 10, "a test file").unwrap().len(), 6);
    }

    #[test]
    fn refuses_a_file_over_the_limit_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.feature");
        std::fs::write(&p, vec![b'x'; 2048]).unwrap();
        let e = read(&p, 1024, "a feature file").unwrap_err().to_string();
        assert!(
            e.contains("big.feature") && e.contains("1 KiB") && e.contains("a feature file"),
            "{e}"
        );
    }

    #[test]
    fn refuses_folders_and_devices_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read(dir.path(), 10, "x"),
            Err(ReadError::NotAFile { .. })
        ));
        assert!(matches!(
            read(Path::new("/dev/zero"), 10, "x"),
            Err(ReadError::NotAFile { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_fifo_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        mkfifo(&p);
        assert!(matches!(read(&p, 10, "x"), Err(ReadError::NotAFile { .. })));
        // A path swapped for a FIFO after the first look: the open does not wait, and what
        // was opened is checked again.
        assert!(matches!(open_regular(&p), Err(ReadError::NotAFile { .. })));
    }

    #[test]
    fn not_utf8_names_the_offset() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.toml");
        std::fs::write(&p, b"ab\xFFcd").unwrap();
        let e = read_text(&p, 100, "x").unwrap_err().to_string();
        assert!(e.contains("offset 2"), "{e}");
    }
}
