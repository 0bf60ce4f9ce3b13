//! The PKI folder's lock: generation and the check before it run under one exclusive
//! advisory lock, so many threads and processes (a parallel test suite, several CI jobs on
//! one checkout) can ask for the PKI at once and it is made once.

use crate::targets::pki::PkiError;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Name of the lock file kept in the PKI folder.
const LOCK_FILE: &str = ".sp-contract-pki.lock";

/// An exclusive advisory lock on a PKI folder, held until dropped.
///
/// On unix this is `flock(2)` on `dir/.sp-contract-pki.lock`: it works
/// between processes and between threads (each acquisition opens the file
/// anew), and the kernel releases it if the holder dies. The lock file itself
/// is left in place on purpose: deleting a flock file races with waiters.
pub(super) struct DirLock {
    _file: File,
    #[cfg(not(unix))]
    _marker: MarkerLock,
}

impl DirLock {
    pub(super) fn acquire(dir: &Path) -> Result<DirLock, PkiError> {
        let path = dir.join(LOCK_FILE);
        let lock_err = |source| PkiError::Lock {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(lock_err)?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            loop {
                // SAFETY: flock on a file descriptor we own for the whole call.
                let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
                if rc == 0 {
                    break;
                }
                let err = io::Error::last_os_error();
                if err.kind() != io::ErrorKind::Interrupted {
                    return Err(lock_err(err));
                }
            }
            Ok(DirLock { _file: file })
        }
        #[cfg(not(unix))]
        {
            let marker =
                MarkerLock::acquire(&dir.join(format!("{LOCK_FILE}.held"))).map_err(lock_err)?;
            Ok(DirLock {
                _file: file,
                _marker: marker,
            })
        }
    }
}

// Built where it is used: off unix, and in the tests that check it on every platform.
#[cfg(any(not(unix), test))]
use marker::MarkerLock;

#[cfg(any(not(unix), test))]
mod marker {
    use std::fs::{self, OpenOptions};
    use std::io::{self, Write};
    use std::path::{Path, PathBuf};

    /// Portable fallback lock for platforms without `flock`: a marker file made
    /// with `create_new`, waited on with retries, and broken when it is older
    /// than [`MarkerLock::STALE`] (its holder is then assumed dead).
    pub(super) struct MarkerLock {
        path: PathBuf,
    }

    impl MarkerLock {
        const STALE: std::time::Duration = std::time::Duration::from_secs(120);

        pub(super) fn acquire(path: &Path) -> io::Result<MarkerLock> {
            loop {
                match OpenOptions::new().write(true).create_new(true).open(path) {
                    Ok(mut f) => {
                        let _ = writeln!(f, "{}", std::process::id());
                        return Ok(MarkerLock {
                            path: path.to_path_buf(),
                        });
                    }
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        let age = fs::metadata(path)
                            .and_then(|m| m.modified())
                            .ok()
                            .and_then(|t| t.elapsed().ok());
                        if age.is_some_and(|a| a > Self::STALE) {
                            let _ = fs::remove_file(path);
                            continue;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(25));
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }

    impl Drop for MarkerLock {
        fn drop(&mut self) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Four threads take the lock five times each; never two hold it at once.
    fn assert_excludes<L>(acquire: impl Fn() -> L + Sync) {
        let inside = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..5 {
                        let _l = acquire();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
    }

    #[test]
    fn marker_lock_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.held");
        assert_excludes(|| MarkerLock::acquire(&path).unwrap());
        assert!(!path.exists());
    }

    #[test]
    fn dir_lock_excludes_threads() {
        let dir = tempfile::tempdir().unwrap();
        assert_excludes(|| DirLock::acquire(dir.path()).unwrap());
    }
}
