//! Generation of the local test PKI: what it holds (a CA, the mock's server certificate,
//! four client identities: registered, unregistered, expired, and one from a foreign CA, and
//! the mock STS's signing certificate), and when it is made again: only when a file is missing or unreadable, or something
//! expires within a day or no longer chains to the CA. Issuing is in [`issue`], writing in
//! [`files`], the folder's lock in [`lock`].

mod files;
// The PKI's tests elsewhere issue certificates with it too.
pub(in crate::targets::pki) mod issue;
mod lock;

use std::fs;
use std::path::Path;

use openssl::asn1::Asn1Time;
use openssl::error::ErrorStack;
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509Ref, X509StoreContext, X509};
use time::OffsetDateTime;

use crate::targets::pki::{
    PkiError, TestPki, CA_CN, CLIENT_CN, EXPIRED_CN, FOREIGN_CN, STS_CN, TEST_CVR, UNREGISTERED_CN,
};
use files::{write_all, Files, Leaf, Part, PathSel};
use issue::{new_key, p12, CertSpec, KeyKind, Profile};
use lock::DirLock;

const DAY: i64 = 86_400;
const ORG: &str = "sp-contract test";

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
    for path in [
        &pki.server_pem,
        &pki.client_pem,
        &pki.unregistered_pem,
        &pki.sts_pem,
    ] {
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

/// Shorthand for mapping an OpenSSL failure during generation.
fn gen<T>(what: &'static str, r: Result<T, ErrorStack>) -> Result<T, PkiError> {
    r.map_err(|source| PkiError::Generation { what, source })
}

/// Generate the whole PKI in memory.
fn generate() -> Result<Files, PkiError> {
    generate_with(INFRA_KEY, CLIENT_KEY)
}

/// Generate the whole PKI in memory with the given key algorithms.
fn generate_with(infra: KeyKind, client: KeyKind) -> Result<Files, PkiError> {
    // Key generation is nearly all of the time (RSA above all): run it on
    // all cores. The order: CA, server, foreign CA, the four clients, then the STS (RSA like
    // the clients: it signs assertions with rsa-sha256).
    let kinds = [infra, infra, infra, client, client, client, client, client];
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
    let mut files = Files::default();

    // The CA reaches back far enough to have issued the expired certificate.
    let ca_key = next_key();
    let ca = CertSpec::new("CA certificate", Profile::Ca, None, ORG, CA_CN)
        .valid(-401 * DAY, 10 * 365 * DAY)
        .issue(&ca_key, None, now)?;
    files.add(PathSel::CaPem, ca.to_pem())?;
    files.add(PathSel::CaKey, ca_key.private_key_to_pem_pkcs8())?;

    let server_key = next_key();
    let server_profile = Profile::Server {
        dns: &["localhost"],
        ips: &["127.0.0.1", "::1"],
    };
    let server = CertSpec::new("server certificate", server_profile, None, ORG, "localhost")
        .valid(-hour, 730 * DAY)
        .issue(&server_key, Some((&ca, &ca_key)), now)?;
    files.add(PathSel::ServerPem, server.to_pem())?;
    files.add(PathSel::ServerKey, server_key.private_key_to_pem_pkcs8())?;

    // A throwaway CA for the foreign certificate; its key is dropped below.
    let foreign_ca_key = next_key();
    let (foreign_org, foreign_cn) = (
        "sp-contract fremmed CA",
        "sp-contract fremmed test-CA (kasseret)",
    );
    let foreign_ca = CertSpec::new(
        "foreign CA certificate",
        Profile::Ca,
        None,
        foreign_org,
        foreign_cn,
    )
    .valid(-hour, 10 * 365 * DAY)
    .issue(&foreign_ca_key, None, now)?;

    // (identity, CN, FID, valid from, valid to, issued by the foreign CA)
    let clients: [(Leaf, &str, &str, i64, i64, bool); 5] = [
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
        (Leaf::Sts, STS_CN, "55667788", -hour, 730 * DAY, false),
    ];
    for (leaf, cn, fid, not_before, not_after, foreign) in clients {
        let serial_number = format!("CVR:{TEST_CVR}-FID:{fid}");
        let key = next_key();
        let (issuer_cert, issuer_key) = if foreign {
            (&foreign_ca, &foreign_ca_key)
        } else {
            (&ca, &ca_key)
        };
        let spec = CertSpec::new(
            "client certificate",
            Profile::Client,
            Some(&serial_number),
            ORG,
            cn,
        );
        let cert =
            spec.valid(not_before, not_after)
                .issue(&key, Some((issuer_cert, issuer_key)), now)?;
        files.add(PathSel::Client(leaf, Part::Pem), cert.to_pem())?;
        files.add(
            PathSel::Client(leaf, Part::Key),
            key.private_key_to_pem_pkcs8(),
        )?;
        files.add(
            PathSel::Client(leaf, Part::P12),
            p12(cn, &key, &cert, issuer_cert),
        )?;
    }
    drop(foreign_ca_key);
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn no_temp_files_left() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), false).unwrap();
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        assert_eq!(names.len(), 20, "19 files + lock file: {names:?}");
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
