//! The PKI folder's lock: generation and the check before it run under one exclusive
//! advisory lock, so many threads and processes (a parallel test suite, several CI jobs on
//! one checkout) can ask for the PKI at once and it is made once.

use crate::targets::pki::PkiError;
use std::fs::{File, OpenOptions};
use std::path::Path;

/// Name of the lock file kept in the PKI folder.
const LOCK_FILE: &str = ".sp-contract-pki.lock";

/// An exclusive advisory lock on a PKI folder, held until dropped.
///
/// `File::lock` (flock(2) on unix, LockFileEx on Windows) on `dir/.sp-contract-pki.lock`: it
/// works between processes and between threads (each acquisition opens the file anew), and
/// the system releases it if the holder dies. The lock file itself is left in place on
/// purpose: deleting a lock file races with waiters.
pub(super) struct DirLock {
    _file: File,
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
        file.lock().map_err(lock_err)?;
        Ok(DirLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Four threads take the lock five times each; never two hold it at once.
    #[test]
    fn dir_lock_excludes_threads() {
        let dir = tempfile::tempdir().unwrap();
        let inside = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..5 {
                        let _l = DirLock::acquire(dir.path()).unwrap();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
    }
}
