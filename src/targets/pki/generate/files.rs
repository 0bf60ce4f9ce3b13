//! The generated PKI in memory, one entry per file of a [`TestPki`], and how it reaches the
//! disk: every file written under a temporary name, then all renamed into place, so a
//! reader never sees a half-written file or a mix of two generations. Keys and PKCS#12
//! files are private (mode 0600 on unix) from the moment they exist.

use super::gen;
use crate::targets::pki::{PkiError, TestPki};
use openssl::error::ErrorStack;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The generated PKI, in memory.
#[derive(Default)]
pub(super) struct Files {
    entries: Vec<(PathSel, Vec<u8>)>,
}

impl Files {
    /// Add one file, made by `bytes`; a failure names the file.
    pub(super) fn add(
        &mut self,
        sel: PathSel,
        bytes: Result<Vec<u8>, ErrorStack>,
    ) -> Result<(), PkiError> {
        self.entries.push((sel, gen(sel.what(), bytes)?));
        Ok(())
    }
}

/// Which path of a [`TestPki`] an entry goes to.
#[derive(Clone, Copy)]
pub(super) enum PathSel {
    CaPem,
    CaKey,
    ServerPem,
    ServerKey,
    Client(Leaf, Part),
}

/// The client identities.
#[derive(Clone, Copy)]
pub(super) enum Leaf {
    Client,
    Unregistered,
    Expired,
    Foreign,
    /// The mock STS's signing certificate (RSA: OIO IDWS signs with rsa-sha256).
    Sts,
}

/// The files of a client identity.
#[derive(Clone, Copy)]
pub(super) enum Part {
    Pem,
    Key,
    P12,
}

impl PathSel {
    /// The file in words, for an error while making it.
    fn what(self) -> &'static str {
        match self {
            PathSel::CaPem => "CA PEM",
            PathSel::CaKey => "CA key PEM",
            PathSel::ServerPem => "server PEM",
            PathSel::ServerKey => "server key PEM",
            PathSel::Client(_, Part::Pem) => "client PEM",
            PathSel::Client(_, Part::Key) => "client key PEM",
            PathSel::Client(_, Part::P12) => "client PKCS#12",
        }
    }

    /// Whether the file holds a private key.
    fn private(self) -> bool {
        !matches!(
            self,
            PathSel::CaPem | PathSel::ServerPem | PathSel::Client(_, Part::Pem)
        )
    }
}

/// Where an entry goes.
fn target(pki: &TestPki, sel: PathSel) -> &Path {
    match sel {
        PathSel::CaPem => &pki.ca_pem,
        PathSel::CaKey => &pki.ca_key_pem,
        PathSel::ServerPem => &pki.server_pem,
        PathSel::ServerKey => &pki.server_key_pem,
        PathSel::Client(leaf, part) => {
            let (pem, key, p12) = match leaf {
                Leaf::Client => (&pki.client_pem, &pki.client_key_pem, &pki.client_p12),
                Leaf::Unregistered => (
                    &pki.unregistered_pem,
                    &pki.unregistered_key_pem,
                    &pki.unregistered_p12,
                ),
                Leaf::Expired => (&pki.expired_pem, &pki.expired_key_pem, &pki.expired_p12),
                Leaf::Foreign => (&pki.foreign_pem, &pki.foreign_key_pem, &pki.foreign_p12),
                Leaf::Sts => (&pki.sts_pem, &pki.sts_key_pem, &pki.sts_p12),
            };
            match part {
                Part::Pem => pem,
                Part::Key => key,
                Part::P12 => p12,
            }
        }
    }
}

/// Write every file to a temporary name first, then rename them all into
/// place, so each file is always whole and the set is swapped in one quick
/// burst. Callers hold the folder lock.
pub(super) fn write_all(pki: &TestPki, files: &Files) -> Result<(), PkiError> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::with_capacity(files.entries.len());
    let result = (|| {
        for (sel, bytes) in &files.entries {
            let dest = target(pki, *sel);
            let tmp = temp_name(dest);
            write_new(&tmp, bytes, sel.private()).map_err(|source| PkiError::Write {
                path: dest.to_path_buf(),
                source,
            })?;
            staged.push((tmp, dest));
        }
        for (tmp, dest) in &staged {
            fs::rename(tmp, dest).map_err(|source| PkiError::Write {
                path: dest.to_path_buf(),
                source,
            })?;
        }
        Ok(())
    })();
    if result.is_err() {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
    }
    result
}

fn temp_name(dest: &Path) -> PathBuf {
    let mut rnd = [0u8; 6];
    let _ = openssl::rand::rand_bytes(&mut rnd);
    let suffix: String = rnd.iter().map(|b| format!("{b:02x}")).collect();
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}.{suffix}.tmp", std::process::id()))
}

/// Create `path` (which must not exist) with `bytes`; private files get mode
/// 0600 on unix from the start.
fn write_new(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
