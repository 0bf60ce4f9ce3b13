//! Generation of the local test PKI.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::stack::Stack;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509Name, X509Ref, X509StoreContext, X509};
use time::OffsetDateTime;

use crate::targets::pki::{
    PkiError, TestPki, CA_CN, CLIENT_CN, EXPIRED_CN, FOREIGN_CN, TEST_CVR, TEST_P12_PASSWORD,
    UNREGISTERED_CN,
};

/// Name of the lock file kept in the PKI folder.
const LOCK_FILE: &str = ".sp-contract-pki.lock";

const DAY: i64 = 86_400;
const ORG: &str = "sp-contract test";

/// Key algorithm of a generated certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Rsa2048,
    EcP256,
}

/// Client identities (registered, unregistered, expired, foreign) get RSA
/// 2048 keys like real OCES3/FOCES function certificates, so anything that
/// signs with them (WS-Security / IDWS use rsa-sha256) behaves as against the
/// real platform. The CAs and the server use EC P-256: about a hundred times
/// faster to generate (a full RSA-only PKI takes about a second), and the
/// only peers that see them are OpenSSL.
const CLIENT_KEY: KeyKind = KeyKind::Rsa2048;
const INFRA_KEY: KeyKind = KeyKind::EcP256;

/// Create the test PKI in `dir` (the folder is created if needed).
///
/// Without `force`, refuses when any file of the PKI already exists; with
/// `force`, overwrites them. Each file is replaced atomically, and the whole
/// set is written under the folder's lock, so a concurrent [`ensure`] never
/// sees a mix of old and new files.
pub fn init(dir: &Path, force: bool) -> Result<TestPki, PkiError> {
    let pki = TestPki::at(dir);
    create_dir(dir)?;
    let _lock = DirLock::acquire(dir)?;
    if !force && pki.files().iter().any(|p| p.exists()) {
        return Err(PkiError::AlreadyExists {
            dir: dir.to_path_buf(),
        });
    }
    let files = generate()?;
    write_all(&pki, &files)?;
    Ok(pki)
}

/// Make sure a usable test PKI exists in `dir`, generating it only when a
/// file is missing or unreadable, or when the CA, server or client
/// certificates have expired or no longer belong to the CA.
///
/// Safe to call from many threads and processes at once: the check and the
/// generation run under an advisory lock on `dir/.sp-contract-pki.lock`.
pub fn ensure(dir: &Path) -> Result<TestPki, PkiError> {
    let pki = TestPki::at(dir);
    let lock = match create_dir(dir).and_then(|()| DirLock::acquire(dir)) {
        Ok(lock) => Some(lock),
        // A read-only folder that already holds a usable PKI is fine.
        Err(_) if pki.is_complete() && stale_reason(&pki).is_none() => None,
        Err(e) => return Err(e),
    };
    if stale_reason(&pki).is_some() {
        let files = generate()?;
        write_all(&pki, &files)?;
    }
    drop(lock);
    Ok(pki)
}

/// Why the PKI in a folder must be (re)generated, or `None` when it is usable.
fn stale_reason(pki: &TestPki) -> Option<String> {
    if let Some(missing) = pki.files().iter().find(|p| {
        !fs::metadata(p)
            .map(|m| m.is_file() && m.len() > 0)
            .unwrap_or(false)
    }) {
        return Some(format!("{} is missing", missing.display()));
    }
    let read = |p: &Path| -> Option<X509> {
        let bytes = crate::fsio::read(p, crate::fsio::limit::CERTIFICATE, "a certificate").ok()?;
        X509::from_pem(&bytes).ok()
    };
    let Some(ca) = read(&pki.ca_pem) else {
        return Some("ca.pem is unreadable".into());
    };
    // Regenerate a day before anything runs out, so a run never starts on the edge.
    let soon = Asn1Time::from_unix(OffsetDateTime::now_utc().unix_timestamp() + DAY).ok()?;
    let valid_tomorrow = |c: &X509Ref| c.not_after() > soon;
    if !valid_tomorrow(&ca) {
        return Some("the CA expires".into());
    }
    for path in [&pki.server_pem, &pki.client_pem, &pki.unregistered_pem] {
        let Some(cert) = read(path) else {
            return Some(format!("{} is unreadable", path.display()));
        };
        if !valid_tomorrow(&cert) {
            return Some(format!("{} expires", path.display()));
        }
        if !verifies(&ca, &cert) {
            return Some(format!("{} is not issued by ca.pem", path.display()));
        }
    }
    None
}

/// True when `cert` chains to `ca` (validity is checked too).
fn verifies(ca: &X509, cert: &X509) -> bool {
    let check = || -> Result<bool, ErrorStack> {
        let mut store = X509StoreBuilder::new()?;
        store.add_cert(ca.clone())?;
        let store = store.build();
        let mut ctx = X509StoreContext::new()?;
        let chain = Stack::new()?;
        ctx.init(&store, cert, &chain, |c| c.verify_cert())
    };
    check().unwrap_or(false)
}

fn create_dir(dir: &Path) -> Result<(), PkiError> {
    fs::create_dir_all(dir).map_err(|source| PkiError::Write {
        path: dir.to_path_buf(),
        source,
    })
}

/// The generated PKI, in memory.
struct Files {
    entries: Vec<(PathSel, Vec<u8>, bool)>,
}

/// Which path of a [`TestPki`] an entry goes to.
#[derive(Clone, Copy)]
enum PathSel {
    CaPem,
    CaKey,
    ServerPem,
    ServerKey,
    Client(Leaf, Part),
}

#[derive(Clone, Copy)]
enum Leaf {
    Client,
    Unregistered,
    Expired,
    Foreign,
}

#[derive(Clone, Copy)]
enum Part {
    Pem,
    Key,
    P12,
}

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
            };
            match part {
                Part::Pem => pem,
                Part::Key => key,
                Part::P12 => p12,
            }
        }
    }
}

/// Shorthand for mapping an OpenSSL failure during generation.
fn gen<T>(what: &'static str, r: Result<T, ErrorStack>) -> Result<T, PkiError> {
    r.map_err(|source| PkiError::Generation { what, source })
}

pub(crate) fn new_key(kind: KeyKind) -> Result<PKey<Private>, ErrorStack> {
    match kind {
        KeyKind::Rsa2048 => PKey::from_rsa(Rsa::generate(2048)?),
        KeyKind::EcP256 => {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
            PKey::from_ec_key(EcKey::generate(&group)?)
        }
    }
}

/// What kind of certificate to issue.
enum Profile<'a> {
    Ca,
    Server {
        dns: &'a [&'a str],
        ips: &'a [&'a str],
    },
    Client,
}

struct CertSpec<'a> {
    /// Name entries, most significant first (C, ..., CN).
    name: &'a [(Nid, &'a str)],
    profile: Profile<'a>,
    /// Validity as seconds relative to now.
    not_before: i64,
    not_after: i64,
}

/// Issue a certificate for `key`; `issuer` is `None` for a self-signed CA.
fn issue(
    spec: &CertSpec<'_>,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
    now: i64,
) -> Result<X509, ErrorStack> {
    let mut name = X509Name::builder()?;
    for (nid, value) in spec.name {
        name.append_entry_by_nid(*nid, value)?;
    }
    let name = name.build();

    let mut b = X509::builder()?;
    b.set_version(2)?;
    let serial = {
        // 159 random bits with the top one set: 20 positive DER bytes, unique in practice.
        let mut bn = BigNum::new()?;
        bn.rand(159, MsbOption::ONE, false)?;
        bn.to_asn1_integer()?
    };
    b.set_serial_number(&serial)?;
    b.set_subject_name(&name)?;
    match issuer {
        Some((ca, _)) => b.set_issuer_name(ca.subject_name())?,
        None => b.set_issuer_name(&name)?,
    }
    b.set_pubkey(key)?;
    let not_before = Asn1Time::from_unix(now + spec.not_before)?;
    let not_after = Asn1Time::from_unix(now + spec.not_after)?;
    b.set_not_before(&not_before)?;
    b.set_not_after(&not_after)?;

    let rsa = key.rsa().is_ok();
    match &spec.profile {
        Profile::Ca => {
            b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
            b.append_extension(
                KeyUsage::new()
                    .critical()
                    .key_cert_sign()
                    .crl_sign()
                    .digital_signature()
                    .build()?,
            )?;
        }
        Profile::Server { dns, ips } => {
            b.append_extension(BasicConstraints::new().critical().build()?)?;
            b.append_extension(leaf_key_usage(rsa)?)?;
            b.append_extension(ExtendedKeyUsage::new().server_auth().build()?)?;
            let mut san = SubjectAlternativeName::new();
            for d in *dns {
                san.dns(d);
            }
            for ip in *ips {
                san.ip(ip);
            }
            let ctx = b.x509v3_context(issuer.map(|(ca, _)| ca.as_ref()), None);
            let san = san.build(&ctx)?;
            b.append_extension(san)?;
        }
        Profile::Client => {
            b.append_extension(BasicConstraints::new().critical().build()?)?;
            b.append_extension(leaf_key_usage(rsa)?)?;
            b.append_extension(ExtendedKeyUsage::new().client_auth().build()?)?;
        }
    }
    let ski = {
        let ctx = b.x509v3_context(issuer.map(|(ca, _)| ca.as_ref()), None);
        SubjectKeyIdentifier::new().build(&ctx)?
    };
    b.append_extension(ski)?;
    if let Some((ca, _)) = issuer {
        let aki = {
            let ctx = b.x509v3_context(Some(ca), None);
            AuthorityKeyIdentifier::new().keyid(true).build(&ctx)?
        };
        b.append_extension(aki)?;
    }
    let signer = issuer.map(|(_, k)| k).unwrap_or(key);
    b.sign(signer, MessageDigest::sha256())?;
    Ok(b.build())
}

fn leaf_key_usage(rsa: bool) -> Result<openssl::x509::X509Extension, ErrorStack> {
    let mut ku = KeyUsage::new();
    ku.critical().digital_signature();
    if rsa {
        ku.key_encipherment();
    }
    ku.build()
}

fn p12(
    friendly_name: &str,
    key: &PKey<Private>,
    cert: &X509,
    ca: &X509,
) -> Result<Vec<u8>, ErrorStack> {
    let mut chain = Stack::new()?;
    chain.push(ca.clone())?;
    Pkcs12::builder()
        .name(friendly_name)
        .pkey(key)
        .cert(cert)
        .ca(chain)
        .key_algorithm(Nid::AES_256_CBC)
        .cert_algorithm(Nid::AES_256_CBC)
        .mac_md(MessageDigest::sha256())
        .build2(TEST_P12_PASSWORD)?
        .to_der()
}

/// Generate the whole PKI in memory.
fn generate() -> Result<Files, PkiError> {
    generate_with(INFRA_KEY, CLIENT_KEY)
}

/// Generate the whole PKI in memory with the given key algorithms.
fn generate_with(infra: KeyKind, client: KeyKind) -> Result<Files, PkiError> {
    // Key generation is nearly all of the time (RSA above all): run it on
    // all cores. The order: CA, server, foreign CA, then the four clients.
    let kinds = [infra, infra, infra, client, client, client, client];
    let keys: Vec<PKey<Private>> = std::thread::scope(|s| {
        let handles: Vec<_> = kinds
            .iter()
            .map(|&kind| s.spawn(move || new_key(kind)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect::<Result<_, _>>()
    })
    .map_err(|source| PkiError::Generation {
        what: "keys",
        source,
    })?;
    let mut keys = keys.into_iter();
    let mut next_key = || keys.next().expect("one key per certificate");

    let now = OffsetDateTime::now_utc().unix_timestamp();
    let hour = 3600;
    let mut entries = Vec::new();

    // The CA reaches back far enough to have issued the expired certificate.
    let ca_key = next_key();
    let ca = gen(
        "CA certificate",
        issue(
            &CertSpec {
                name: &[
                    (Nid::COUNTRYNAME, "DK"),
                    (Nid::ORGANIZATIONNAME, ORG),
                    (Nid::COMMONNAME, CA_CN),
                ],
                profile: Profile::Ca,
                not_before: -401 * DAY,
                not_after: 10 * 365 * DAY,
            },
            &ca_key,
            None,
            now,
        ),
    )?;
    entries.push((PathSel::CaPem, gen("CA PEM", ca.to_pem())?, false));
    entries.push((
        PathSel::CaKey,
        gen("CA key PEM", ca_key.private_key_to_pem_pkcs8())?,
        true,
    ));

    let server_key = next_key();
    let server = gen(
        "server certificate",
        issue(
            &CertSpec {
                name: &[
                    (Nid::COUNTRYNAME, "DK"),
                    (Nid::ORGANIZATIONNAME, ORG),
                    (Nid::COMMONNAME, "localhost"),
                ],
                profile: Profile::Server {
                    dns: &["localhost"],
                    ips: &["127.0.0.1", "::1"],
                },
                not_before: -hour,
                not_after: 730 * DAY,
            },
            &server_key,
            Some((&ca, &ca_key)),
            now,
        ),
    )?;
    entries.push((
        PathSel::ServerPem,
        gen("server PEM", server.to_pem())?,
        false,
    ));
    entries.push((
        PathSel::ServerKey,
        gen("server key PEM", server_key.private_key_to_pem_pkcs8())?,
        true,
    ));

    // A throwaway CA for the foreign certificate; its key is dropped below.
    let foreign_ca_key = next_key();
    let foreign_ca = gen(
        "foreign CA certificate",
        issue(
            &CertSpec {
                name: &[
                    (Nid::COUNTRYNAME, "DK"),
                    (Nid::ORGANIZATIONNAME, "sp-contract fremmed CA"),
                    (Nid::COMMONNAME, "sp-contract fremmed test-CA (kasseret)"),
                ],
                profile: Profile::Ca,
                not_before: -hour,
                not_after: 10 * 365 * DAY,
            },
            &foreign_ca_key,
            None,
            now,
        ),
    )?;

    let clients: [(Leaf, &str, &str, i64, i64, bool); 4] = [
        (Leaf::Client, CLIENT_CN, "12345678", -hour, 730 * DAY, false),
        (
            Leaf::Unregistered,
            UNREGISTERED_CN,
            "87654321",
            -hour,
            730 * DAY,
            false,
        ),
        (
            Leaf::Expired,
            EXPIRED_CN,
            "11223344",
            -400 * DAY,
            -30 * DAY,
            false,
        ),
        (
            Leaf::Foreign,
            FOREIGN_CN,
            "99887766",
            -hour,
            730 * DAY,
            true,
        ),
    ];
    for (leaf, cn, fid, not_before, not_after, foreign) in clients {
        let serial_number = format!("CVR:{TEST_CVR}-FID:{fid}");
        let key = next_key();
        let (issuer_cert, issuer_key) = if foreign {
            (&foreign_ca, &foreign_ca_key)
        } else {
            (&ca, &ca_key)
        };
        let cert = gen(
            "client certificate",
            issue(
                &CertSpec {
                    name: &[
                        (Nid::COUNTRYNAME, "DK"),
                        (Nid::SERIALNUMBER, &serial_number),
                        (Nid::ORGANIZATIONNAME, ORG),
                        (Nid::COMMONNAME, cn),
                    ],
                    profile: Profile::Client,
                    not_before,
                    not_after,
                },
                &key,
                Some((issuer_cert, issuer_key)),
                now,
            ),
        )?;
        entries.push((
            PathSel::Client(leaf, Part::Pem),
            gen("client PEM", cert.to_pem())?,
            false,
        ));
        entries.push((
            PathSel::Client(leaf, Part::Key),
            gen("client key PEM", key.private_key_to_pem_pkcs8())?,
            true,
        ));
        entries.push((
            PathSel::Client(leaf, Part::P12),
            gen("client PKCS#12", p12(cn, &key, &cert, issuer_cert))?,
            true,
        ));
    }
    drop(foreign_ca_key);
    Ok(Files { entries })
}

/// Write every file to a temporary name first, then rename them all into
/// place, so each file is always whole and the set is swapped in one quick
/// burst. Callers hold the folder lock.
fn write_all(pki: &TestPki, files: &Files) -> Result<(), PkiError> {
    let mut staged: Vec<(PathBuf, &Path)> = Vec::with_capacity(files.entries.len());
    let result = (|| {
        for (sel, bytes, private) in &files.entries {
            let dest = target(pki, *sel);
            let tmp = temp_name(dest);
            write_new(&tmp, bytes, *private).map_err(|source| PkiError::Write {
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

/// An exclusive advisory lock on a PKI folder, held until dropped.
///
/// On unix this is `flock(2)` on `dir/.sp-contract-pki.lock`: it works
/// between processes and between threads (each acquisition opens the file
/// anew), and the kernel releases it if the holder dies. The lock file itself
/// is left in place on purpose: deleting a flock file races with waiters.
struct DirLock {
    _file: File,
    #[cfg(not(unix))]
    _marker: MarkerLock,
}

impl DirLock {
    fn acquire(dir: &Path) -> Result<DirLock, PkiError> {
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

/// Portable fallback lock for platforms without `flock`: a marker file made
/// with `create_new`, waited on with retries, and broken when it is older
/// than [`MarkerLock::STALE`] (its holder is then assumed dead).
#[cfg_attr(unix, allow(dead_code))]
struct MarkerLock {
    path: PathBuf,
}

#[cfg_attr(unix, allow(dead_code))]
impl MarkerLock {
    const STALE: std::time::Duration = std::time::Duration::from_secs(120);

    fn acquire(path: &Path) -> io::Result<MarkerLock> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn marker_lock_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.held");
        let inside = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                let inside = inside.clone();
                std::thread::spawn(move || {
                    for _ in 0..5 {
                        let _l = MarkerLock::acquire(&path).unwrap();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert!(!path.exists());
    }

    #[test]
    fn dir_lock_excludes_threads() {
        let dir = tempfile::tempdir().unwrap();
        let inside = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let dir = dir.path().to_path_buf();
                let inside = inside.clone();
                std::thread::spawn(move || {
                    for _ in 0..5 {
                        let _l = DirLock::acquire(&dir).unwrap();
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    }

    #[test]
    fn no_temp_files_left() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), false).unwrap();
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        assert_eq!(names.len(), 17, "16 files + lock file: {names:?}");
    }

    #[test]
    fn ensure_repairs_partial_and_foreign_ca() {
        let dir = tempfile::tempdir().unwrap();
        let pki = init(dir.path(), false).unwrap();
        assert!(stale_reason(&pki).is_none());
        fs::remove_file(&pki.expired_p12).unwrap();
        assert!(stale_reason(&pki).unwrap().contains("expired.p12"));
        ensure(dir.path()).unwrap();
        assert!(pki.is_complete());
        assert!(stale_reason(&pki).is_none());
        // A CA that did not issue the client certificate forces regeneration.
        let other = tempfile::tempdir().unwrap();
        let other = init(other.path(), false).unwrap();
        fs::copy(&other.ca_pem, &pki.ca_pem).unwrap();
        assert!(stale_reason(&pki).unwrap().contains("not issued by"));
    }

    /// Not a correctness test: prints what the key algorithms cost.
    /// Run with `cargo test --lib pki::generate::tests::timing -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn timing() {
        use KeyKind::*;
        for (infra, client) in [
            (EcP256, EcP256),
            (Rsa2048, Rsa2048),
            (INFRA_KEY, CLIENT_KEY),
        ] {
            for _ in 0..3 {
                let t = Instant::now();
                generate_with(infra, client).unwrap();
                eprintln!("generate({infra:?}, {client:?}): {:?}", t.elapsed());
            }
        }
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let t = Instant::now();
            init(dir.path(), false).unwrap();
            eprintln!("init incl. writing: {:?}", t.elapsed());
        }
    }
}
