//! Tests of the test PKI and of certificate / identity loading.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier, OnceLock};

use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslAcceptor, SslConnector, SslFiletype, SslMethod, SslVerifyMode};
use openssl::stack::Stack;
use openssl::symm::Cipher;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509Name, X509StoreContext, X509VerifyResult, X509};
use sp_contract::targets::pki::{self, CertInfo, IdentitySource, PkiError, Secret, TestPki};

const SECRET_PW: &str = "Sup3r-Hemmelig-Kode!";

/// One generated PKI shared by the read-only tests of this binary.
fn shared() -> &'static (tempfile::TempDir, TestPki) {
    static PKI: OnceLock<(tempfile::TempDir, TestPki)> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let pki = pki::init(dir.path(), false).unwrap();
        (dir, pki)
    })
}

fn read_cert(path: &Path) -> X509 {
    X509::from_pem(&fs::read(path).unwrap()).unwrap()
}

fn read_key(path: &Path) -> PKey<Private> {
    PKey::private_key_from_pem(&fs::read(path).unwrap()).unwrap()
}

/// Verify `cert` against `ca` only; the OpenSSL verify result.
fn verify(ca: &X509, cert: &X509) -> X509VerifyResult {
    let mut store = X509StoreBuilder::new().unwrap();
    store.add_cert(ca.clone()).unwrap();
    let store = store.build();
    let mut ctx = X509StoreContext::new().unwrap();
    let chain = Stack::new().unwrap();
    ctx.init(&store, cert, &chain, |c| {
        c.verify_cert()?;
        Ok(c.error())
    })
    .unwrap()
}

fn p12_source(path: &Path, pw: &str) -> IdentitySource {
    IdentitySource::Pkcs12 {
        path: path.to_path_buf(),
        password: Secret::new(pw.to_string()),
    }
}

fn pem_source(cert: &Path, key: Option<&Path>, pw: Option<&str>) -> IdentitySource {
    IdentitySource::Pem {
        cert: cert.to_path_buf(),
        key: key.map(Path::to_path_buf),
        key_password: pw.map(|p| Secret::new(p.to_string())),
    }
}

/// The tests that compare with, or build inputs by, the `openssl` CLI need it; without it they
/// fail loudly rather than pass having checked less.
fn require_openssl_cli() {
    let ok = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "this test needs the `openssl` command: run `scripts/install-deps --test` \
         (Debian package openssl)"
    );
}

/// The value of a variable the parent test sets for its child process. A child half run on its
/// own (`--ignored` without the parent) fails instead of passing having done nothing.
fn child_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: this is the child half of another test, which runs it")
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// DER encodings of the algorithm OIDs a PKCS#12 may use.
const OID_PBE_SHA1_RC2_40: &[u8] = &[
    0x06, 0x0A, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x06,
];

/// A loaded identity is what a TLS connection presents: its key belongs to its certificate,
/// and OpenSSL takes both for a connection.
fn assert_usable(id: &pki::Identity) {
    assert!(id.cert.public_key().unwrap().public_eq(&id.key));
    let ctx = openssl::ssl::SslContext::builder(openssl::ssl::SslMethod::tls_client())
        .unwrap()
        .build();
    let mut ssl = openssl::ssl::Ssl::new(&ctx).unwrap();
    ssl.set_certificate(&id.cert).unwrap();
    ssl.set_private_key(&id.key).unwrap();
    for c in &id.chain {
        ssl.add_chain_cert(c.clone()).unwrap();
    }
}

// ---------------------------------------------------------------- generation

#[test]
fn init_creates_every_file() {
    let (_dir, pki) = shared();
    assert!(pki.is_complete());
    for f in pki.files() {
        assert!(f.is_file(), "{} missing", f.display());
    }
    for cert in [
        &pki.ca_pem,
        &pki.server_pem,
        &pki.client_pem,
        &pki.unregistered_pem,
        &pki.expired_pem,
        &pki.foreign_pem,
    ] {
        read_cert(cert);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &PathBuf| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for key in [
            &pki.ca_key_pem,
            &pki.server_key_pem,
            &pki.client_key_pem,
            &pki.client_p12,
            &pki.unregistered_key_pem,
            &pki.unregistered_p12,
            &pki.expired_key_pem,
            &pki.expired_p12,
            &pki.foreign_key_pem,
            &pki.foreign_p12,
        ] {
            assert_eq!(mode(key), 0o600, "{}", key.display());
        }
        assert_eq!(mode(&pki.ca_pem) & 0o077, 0o044 & mode(&pki.ca_pem));
    }
    // Each key belongs to its certificate.
    for (cert, key) in [
        (&pki.ca_pem, &pki.ca_key_pem),
        (&pki.server_pem, &pki.server_key_pem),
        (&pki.client_pem, &pki.client_key_pem),
        (&pki.unregistered_pem, &pki.unregistered_key_pem),
        (&pki.expired_pem, &pki.expired_key_pem),
        (&pki.foreign_pem, &pki.foreign_key_pem),
    ] {
        let pk = read_cert(cert).public_key().unwrap();
        assert!(pk.public_eq(&read_key(key)), "{}", key.display());
    }
}

#[test]
fn certificates_chain_as_intended() {
    let (_dir, pki) = shared();
    let ca = read_cert(&pki.ca_pem);
    assert_eq!(
        verify(&ca, &read_cert(&pki.client_pem)),
        X509VerifyResult::OK
    );
    assert_eq!(
        verify(&ca, &read_cert(&pki.server_pem)),
        X509VerifyResult::OK
    );
    assert_eq!(
        verify(&ca, &read_cert(&pki.unregistered_pem)),
        X509VerifyResult::OK
    );
    // X509_V_ERR_CERT_HAS_EXPIRED
    assert_eq!(verify(&ca, &read_cert(&pki.expired_pem)).as_raw(), 10);
    // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    assert_eq!(verify(&ca, &read_cert(&pki.foreign_pem)).as_raw(), 20);
    // The foreign certificate's own chain (in its .p12) is a different CA.
    let foreign = pki::load_identity(&pki.foreign_identity()).unwrap();
    assert_eq!(foreign.chain.len(), 1);
    assert_ne!(
        foreign.chain[0].to_der().unwrap(),
        ca.to_der().unwrap(),
        "foreign must not come from the test CA"
    );
}

#[test]
fn ca_and_server_extensions() {
    let (_dir, pki) = shared();
    let ca_text = String::from_utf8(read_cert(&pki.ca_pem).to_text().unwrap()).unwrap();
    assert!(ca_text.contains("CA:TRUE"), "{ca_text}");
    assert!(ca_text.contains("Certificate Sign"), "{ca_text}");

    let server = read_cert(&pki.server_pem);
    let sans = server.subject_alt_names().expect("server has SANs");
    let dns: Vec<&str> = sans.iter().filter_map(|n| n.dnsname()).collect();
    let ips: Vec<&[u8]> = sans.iter().filter_map(|n| n.ipaddress()).collect();
    assert_eq!(dns, ["localhost"]);
    assert!(ips.contains(&&[127u8, 0, 0, 1][..]), "{ips:?}");
    let mut v6 = [0u8; 16];
    v6[15] = 1;
    assert!(ips.contains(&&v6[..]), "{ips:?}");
    let text = String::from_utf8(server.to_text().unwrap()).unwrap();
    assert!(text.contains("TLS Web Server Authentication"), "{text}");
    assert!(text.contains("CA:FALSE"), "{text}");

    let client = String::from_utf8(read_cert(&pki.client_pem).to_text().unwrap()).unwrap();
    assert!(client.contains("TLS Web Client Authentication"), "{client}");
}

#[test]
fn serials_are_unique_and_random() {
    let (_dir, pki) = shared();
    let other = tempfile::tempdir().unwrap();
    let other = pki::init(other.path(), false).unwrap();
    let mut serials = Vec::new();
    for p in [pki, &other] {
        for c in [
            &p.ca_pem,
            &p.server_pem,
            &p.client_pem,
            &p.unregistered_pem,
            &p.expired_pem,
            &p.foreign_pem,
        ] {
            serials.push(pki::inspect(c, None).unwrap().serial_hex);
        }
    }
    let mut dedup = serials.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), serials.len(), "{serials:?}");
    assert!(serials.iter().all(|s| s.len() >= 32), "{serials:?}");
}

#[test]
fn cert_info_of_generated_certificates() {
    let (_dir, pki) = shared();
    let client = pki::inspect(&pki.client_pem, None).unwrap();
    assert_eq!(
        client.subject,
        "CN=sp-contract testsystem (FOCES), O=sp-contract test, serialNumber=CVR:29189846-FID:12345678, C=DK"
    );
    assert_eq!(client.subject_cn.as_deref(), Some(pki::CLIENT_CN));
    assert_eq!(
        client.issuer,
        "CN=sp-contract test CA, O=sp-contract test, C=DK"
    );
    assert!(
        (728..=730).contains(&client.days_left),
        "{}",
        client.days_left
    );
    assert!(!client.is_expired() && !client.is_not_yet_valid());
    let shown = client.to_string();
    for needle in [
        client.subject.as_str(),
        client.issuer.as_str(),
        client.serial_hex.as_str(),
        client.sha256_fingerprint.as_str(),
        "valid from",
        "valid to",
        "days left:",
    ] {
        assert!(shown.contains(needle), "{needle:?} not in\n{shown}");
    }

    let expired = pki::inspect(&pki.expired_pem, None).unwrap();
    assert_eq!(expired.subject_cn.as_deref(), Some(pki::EXPIRED_CN));
    assert!(expired.is_expired());
    assert_eq!(expired.days_left, -30);
    assert!(
        expired.to_string().contains("EXPIRED 30 days ago"),
        "{expired}"
    );

    let unreg = pki::inspect(&pki.unregistered_pem, None).unwrap();
    assert_eq!(unreg.subject_cn.as_deref(), Some(pki::UNREGISTERED_CN));
    let foreign = pki::inspect(&pki.foreign_pem, None).unwrap();
    assert_eq!(foreign.subject_cn.as_deref(), Some(pki::FOREIGN_CN));
    assert_ne!(foreign.issuer, client.issuer);
    let ca = pki::inspect(&pki.ca_pem, None).unwrap();
    assert!(ca.days_left > 9 * 365, "{}", ca.days_left);
}

#[test]
fn fingerprint_matches_openssl_cli() {
    let (_dir, pki) = shared();
    let info = pki::inspect(&pki.client_pem, None).unwrap();
    let der = read_cert(&pki.client_pem).to_der().unwrap();
    assert_eq!(info.sha256_fingerprint, pki::fingerprint_sha256(&der));
    let groups: Vec<&str> = info.sha256_fingerprint.split(':').collect();
    assert_eq!(groups.len(), 32);
    assert!(groups.iter().all(|g| g.len() == 2
        && g.chars()
            .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c))));
    require_openssl_cli();
    let out = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(&pki.client_pem)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let cli = text.trim().split_once('=').unwrap().1;
    assert_eq!(info.sha256_fingerprint, cli);
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let first = pki::init(dir.path(), false).unwrap();
    let before = pki::inspect(&first.ca_pem, None)
        .unwrap()
        .sha256_fingerprint;
    let err = pki::init(dir.path(), false).unwrap_err();
    assert!(matches!(err, PkiError::AlreadyExists { .. }), "{err:?}");
    assert!(err.to_string().contains(&dir.path().display().to_string()));
    assert_eq!(
        pki::inspect(&first.ca_pem, None)
            .unwrap()
            .sha256_fingerprint,
        before
    );
    let again = pki::init(dir.path(), true).unwrap();
    assert_ne!(
        pki::inspect(&again.ca_pem, None)
            .unwrap()
            .sha256_fingerprint,
        before
    );
    assert_eq!(
        verify(&read_cert(&again.ca_pem), &read_cert(&again.client_pem)),
        X509VerifyResult::OK
    );
}

#[test]
fn ensure_does_not_regenerate() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("nested/certs");
    let a = pki::ensure(&target).unwrap();
    assert!(a.is_complete());
    let fp = |p: &TestPki| {
        (
            pki::inspect(&p.ca_pem, None).unwrap().sha256_fingerprint,
            pki::inspect(&p.client_pem, None)
                .unwrap()
                .sha256_fingerprint,
            pki::inspect(&p.server_pem, None)
                .unwrap()
                .sha256_fingerprint,
        )
    };
    let first = fp(&a);
    let b = pki::ensure(&target).unwrap();
    assert_eq!(a, b);
    assert_eq!(first, fp(&b));
    // A missing file makes ensure generate a complete, consistent set again.
    fs::remove_file(&a.client_p12).unwrap();
    assert!(!a.is_complete());
    let c = pki::ensure(&target).unwrap();
    assert!(c.is_complete());
    assert_ne!(first.0, fp(&c).0);
    assert_eq!(
        verify(&read_cert(&c.ca_pem), &read_cert(&c.client_pem)),
        X509VerifyResult::OK
    );
}

#[test]
fn concurrent_ensure_yields_one_pki() {
    let dir = tempfile::tempdir().unwrap();
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let dir = dir.path().to_path_buf();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let pki = pki::ensure(&dir).unwrap();
                assert!(pki.is_complete());
                let ca = read_cert(&pki.ca_pem);
                assert_eq!(
                    verify(&ca, &read_cert(&pki.client_pem)),
                    X509VerifyResult::OK
                );
                pki::fingerprint_sha256(&ca.to_der().unwrap())
            })
        })
        .collect();
    let fps: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(fps.iter().all(|f| f == &fps[0]), "{fps:?}");
    let pki = TestPki::at(dir.path());
    assert_eq!(
        pki::inspect(&pki.ca_pem, None).unwrap().sha256_fingerprint,
        fps[0]
    );
}

/// Child half of `concurrent_ensure_across_processes`, which runs it with `--ignored`; ignored
/// in a normal run so that it is not counted as a test that passed.
#[test]
#[ignore = "child half of concurrent_ensure_across_processes"]
fn ensure_child_process() {
    let dir = child_env("SP_CONTRACT_PKI_CHILD_DIR");
    let pki = pki::ensure(Path::new(&dir)).unwrap();
    let ca = read_cert(&pki.ca_pem);
    assert_eq!(
        verify(&ca, &read_cert(&pki.client_pem)),
        X509VerifyResult::OK
    );
    println!("CA-FP={}", pki::fingerprint_sha256(&ca.to_der().unwrap()));
}

#[test]
fn concurrent_ensure_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "pki::ensure_child_process",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("SP_CONTRACT_PKI_CHILD_DIR", dir.path())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut fps = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let fp = text
            .lines()
            .find_map(|l| l.split_once("CA-FP=").map(|(_, fp)| fp.trim()))
            .unwrap_or_else(|| panic!("no fingerprint in {text}"))
            .to_string();
        fps.push(fp);
    }
    assert!(fps.iter().all(|f| f == &fps[0]), "{fps:?}");
}

// ---------------------------------------------------------- identity loading

#[test]
fn generated_p12_loads_with_its_chain() {
    let (_dir, pki) = shared();
    let id = pki::load_identity(&p12_source(&pki.client_p12, pki::TEST_P12_PASSWORD)).unwrap();
    assert_eq!(id.info.subject_cn.as_deref(), Some(pki::CLIENT_CN));
    assert_eq!(
        id.cert.to_der().unwrap(),
        read_cert(&pki.client_pem).to_der().unwrap()
    );
    assert!(id.cert.public_key().unwrap().public_eq(&id.key));
    assert_eq!(id.chain.len(), 1);
    assert_eq!(
        id.chain[0].to_der().unwrap(),
        read_cert(&pki.ca_pem).to_der().unwrap()
    );
    assert_usable(&id);

    let debug = format!("{id:?}");
    assert!(!debug.contains(pki::TEST_P12_PASSWORD), "{debug}");
}

#[test]
fn wrong_p12_password_is_named_and_not_leaked() {
    let (_dir, pki) = shared();
    let err = pki::load_identity(&p12_source(&pki.client_p12, SECRET_PW)).unwrap_err();
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("wrong password for"), "{msg}");
    assert!(msg.contains(&pki.client_p12.display().to_string()), "{msg}");
    assert!(msg.contains("environment variable"), "{msg}");
    assert!(!msg.contains(SECRET_PW), "{msg}");
    assert!(!format!("{err:?}").contains(SECRET_PW));

    let err = pki::inspect(&pki.client_p12, None).unwrap_err();
    assert!(matches!(err, PkiError::PasswordRequired { .. }), "{err:?}");
    let err = pki::inspect(&pki.client_p12, Some(&Secret::from(SECRET_PW))).unwrap_err();
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err:?}");
    let info = pki::inspect(&pki.client_p12, Some(&Secret::from(pki::TEST_P12_PASSWORD))).unwrap();
    assert_eq!(info.subject_cn.as_deref(), Some(pki::CLIENT_CN));
}

/// A legacy export (RC2-40 certificates, 3DES key, SHA-1 MAC), the way
/// Windows and OpenSSL 1.x made them. Made with the CLI, so that this process
/// has not loaded the legacy provider by itself (the tool must do that).
fn make_legacy_p12(pki: &TestPki, out: &Path, pw: &str) {
    require_openssl_cli();
    let status = Command::new("openssl")
        .args(["pkcs12", "-export", "-legacy", "-in"])
        .arg(&pki.client_pem)
        .arg("-inkey")
        .arg(&pki.client_key_pem)
        .arg("-certfile")
        .arg(&pki.ca_pem)
        .arg("-out")
        .arg(out)
        .arg("-passout")
        .arg(format!("pass:{pw}"))
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn legacy_rc2_p12_loads() {
    let (_dir, pki) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("windows-export.pfx");
    make_legacy_p12(pki, &path, SECRET_PW);
    assert!(contains(&fs::read(&path).unwrap(), OID_PBE_SHA1_RC2_40));

    let err = pki::load_identity(&p12_source(&path, "wrong")).unwrap_err();
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err:?}");

    let id = pki::load_identity(&p12_source(&path, SECRET_PW)).unwrap();
    assert_eq!(id.info.subject_cn.as_deref(), Some(pki::CLIENT_CN));
    assert_eq!(id.chain.len(), 1);
    assert_usable(&id);
    let info = pki::inspect(&path, Some(&Secret::from(SECRET_PW))).unwrap();
    assert_eq!(info.sha256_fingerprint, id.info.sha256_fingerprint);
}

#[test]
fn triple_des_p12_loads() {
    let (_dir, pki) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("3des.p12");
    let mut ca = Stack::new().unwrap();
    ca.push(read_cert(&pki.ca_pem)).unwrap();
    let der = Pkcs12::builder()
        .name("3des")
        .pkey(&read_key(&pki.client_key_pem))
        .cert(&read_cert(&pki.client_pem))
        .ca(ca)
        .key_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
        .cert_algorithm(Nid::PBE_WITHSHA1AND3_KEY_TRIPLEDES_CBC)
        .mac_md(MessageDigest::sha1())
        .build2(SECRET_PW)
        .unwrap()
        .to_der()
        .unwrap();
    fs::write(&path, der).unwrap();
    let id = pki::load_identity(&p12_source(&path, SECRET_PW)).unwrap();
    assert_eq!(id.info.subject_cn.as_deref(), Some(pki::CLIENT_CN));
    assert_usable(&id);
}

#[test]
fn p12_without_key_or_certificate() {
    let (_dir, pki) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let cert_only = tmp.path().join("cert-only.p12");
    let der = Pkcs12::builder()
        .cert(&read_cert(&pki.client_pem))
        .build2(SECRET_PW)
        .unwrap()
        .to_der()
        .unwrap();
    fs::write(&cert_only, der).unwrap();
    let err = pki::load_identity(&p12_source(&cert_only, SECRET_PW)).unwrap_err();
    assert!(matches!(err, PkiError::NoPrivateKey { .. }), "{err:?}");
    assert!(err.to_string().contains("cert-only.p12"));

    let key_only = tmp.path().join("key-only.p12");
    let der = Pkcs12::builder()
        .pkey(&read_key(&pki.client_key_pem))
        .build2(SECRET_PW)
        .unwrap()
        .to_der()
        .unwrap();
    fs::write(&key_only, der).unwrap();
    let err = pki::load_identity(&p12_source(&key_only, SECRET_PW)).unwrap_err();
    assert!(matches!(err, PkiError::NoCertificate { .. }), "{err:?}");

    // Key of one certificate, certificate of another.
    let mixed = tmp.path().join("mixed.p12");
    let der = Pkcs12::builder()
        .pkey(&read_key(&pki.unregistered_key_pem))
        .cert(&read_cert(&pki.client_pem))
        .build2(SECRET_PW);
    if let Ok(p12) = der {
        fs::write(&mixed, p12.to_der().unwrap()).unwrap();
        let err = pki::load_identity(&p12_source(&mixed, SECRET_PW)).unwrap_err();
        assert!(matches!(err, PkiError::KeyMismatch { .. }), "{err:?}");
    }
}

#[test]
fn pem_pkcs8_and_chain_in_cert_file() {
    let (_dir, pki) = shared();
    let id = pki::load_identity(&pem_source(
        &pki.client_pem,
        Some(&pki.client_key_pem),
        None,
    ))
    .unwrap();
    assert_eq!(id.info.subject_cn.as_deref(), Some(pki::CLIENT_CN));
    assert!(id.chain.is_empty());
    assert_usable(&id);

    // CA first, then the leaf, then the key, all in one file.
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle.pem");
    let mut text = fs::read(&pki.ca_pem).unwrap();
    text.extend(fs::read(&pki.client_pem).unwrap());
    text.extend(fs::read(&pki.client_key_pem).unwrap());
    fs::write(&bundle, text).unwrap();
    let id = pki::load_identity(&pem_source(&bundle, None, None)).unwrap();
    assert_eq!(id.info.subject_cn.as_deref(), Some(pki::CLIENT_CN));
    assert_eq!(id.chain.len(), 1);
    assert_eq!(
        id.chain[0].subject_name().to_der().unwrap(),
        read_cert(&pki.ca_pem).subject_name().to_der().unwrap()
    );
    assert_usable(&id);

    // A certificate file without a key and no key file.
    let err = pki::load_identity(&pem_source(&pki.client_pem, None, None)).unwrap_err();
    assert!(matches!(err, PkiError::NoPrivateKey { .. }), "{err:?}");
    assert!(err.to_string().contains("client.pem"));
}

#[test]
fn encrypted_pkcs8_key() {
    let (_dir, pki) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let key_path = tmp.path().join("key.enc.pem");
    let pem = read_key(&pki.client_key_pem)
        .private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), SECRET_PW.as_bytes())
        .unwrap();
    assert!(contains(&pem, b"BEGIN ENCRYPTED PRIVATE KEY"));
    fs::write(&key_path, pem).unwrap();

    let id = pki::load_identity(&pem_source(
        &pki.client_pem,
        Some(&key_path),
        Some(SECRET_PW),
    ))
    .unwrap();
    assert_eq!(id.info.subject_cn.as_deref(), Some(pki::CLIENT_CN));

    let err = pki::load_identity(&pem_source(&pki.client_pem, Some(&key_path), None)).unwrap_err();
    assert!(matches!(err, PkiError::PasswordRequired { .. }), "{err:?}");
    assert!(err.to_string().contains("key.enc.pem"));

    let err = pki::load_identity(&pem_source(&pki.client_pem, Some(&key_path), Some("nope")))
        .unwrap_err();
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err:?}");
    assert!(err.to_string().contains("key.enc.pem"));
    assert!(!err.to_string().contains("nope"));
}

#[test]
fn traditional_rsa_keys_plain_and_des_ede3_encrypted() {
    let (_dir, pki) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let rsa = read_key(&pki.client_key_pem)
        .rsa()
        .expect("client keys are RSA");

    let plain = tmp.path().join("rsa.pem");
    let pem = rsa.private_key_to_pem().unwrap();
    assert!(contains(&pem, b"BEGIN RSA PRIVATE KEY"));
    fs::write(&plain, pem).unwrap();
    pki::load_identity(&pem_source(&pki.client_pem, Some(&plain), None)).unwrap();

    let enc = tmp.path().join("rsa-des3.pem");
    let pem = rsa
        .private_key_to_pem_passphrase(Cipher::des_ede3_cbc(), SECRET_PW.as_bytes())
        .unwrap();
    assert!(contains(&pem, b"Proc-Type: 4,ENCRYPTED"));
    assert!(contains(&pem, b"DEK-Info: DES-EDE3-CBC"));
    fs::write(&enc, pem).unwrap();
    let id = pki::load_identity(&pem_source(&pki.client_pem, Some(&enc), Some(SECRET_PW))).unwrap();
    assert!(id.cert.public_key().unwrap().public_eq(&id.key));

    let err = pki::load_identity(&pem_source(&pki.client_pem, Some(&enc), None)).unwrap_err();
    assert!(matches!(err, PkiError::PasswordRequired { .. }), "{err:?}");
    let err =
        pki::load_identity(&pem_source(&pki.client_pem, Some(&enc), Some("forkert"))).unwrap_err();
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err:?}");
}

#[test]
fn ec_key_in_the_certificate_file() {
    let (_dir, pki) = shared();
    let ca = read_cert(&pki.ca_pem);
    let ca_key = read_key(&pki.ca_key_pem);
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    let ec = EcKey::generate(&group).unwrap();
    let key = PKey::from_ec_key(ec.clone()).unwrap();
    let mut name = X509Name::builder().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, "ec system")
        .unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(ca.subject_name()).unwrap();
    b.set_pubkey(&key).unwrap();
    b.set_not_before(&openssl::asn1::Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&openssl::asn1::Asn1Time::days_from_now(5).unwrap())
        .unwrap();
    b.sign(&ca_key, MessageDigest::sha256()).unwrap();
    let cert = b.build();

    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ec.pem");
    let pem = ec.private_key_to_pem().unwrap();
    assert!(contains(&pem, b"BEGIN EC PRIVATE KEY"));
    let mut text = cert.to_pem().unwrap();
    text.extend(pem);
    fs::write(&path, text).unwrap();
    let id = pki::load_identity(&pem_source(&path, None, None)).unwrap();
    assert_eq!(id.info.subject_cn.as_deref(), Some("ec system"));
    assert!(id.key.ec_key().is_ok());
    assert!((4..=5).contains(&id.info.days_left));
    assert_usable(&id);
}

#[test]
fn key_that_does_not_match() {
    let (_dir, pki) = shared();
    let err = pki::load_identity(&pem_source(
        &pki.client_pem,
        Some(&pki.unregistered_key_pem),
        None,
    ))
    .unwrap_err();
    assert!(matches!(err, PkiError::KeyMismatch { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("client.pem") && msg.contains("unregistered-key.pem"),
        "{msg}"
    );
}

#[test]
fn missing_unreadable_and_foreign_files() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("does-not-exist.p12");
    let err = pki::load_identity(&p12_source(&missing, "x")).unwrap_err();
    assert!(matches!(err, PkiError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains(&missing.display().to_string()));

    let err = pki::load_identity(&pem_source(&missing, None, None)).unwrap_err();
    assert!(matches!(err, PkiError::NotFound { .. }), "{err:?}");
    let err = pki::inspect(&missing, None).unwrap_err();
    assert!(matches!(err, PkiError::NotFound { .. }), "{err:?}");
    let err = pki::load_ca_pem(&missing).unwrap_err();
    assert!(matches!(err, PkiError::NotFound { .. }), "{err:?}");

    // A folder where a file should be: refused before reading, naming it.
    let err = pki::load_identity(&p12_source(tmp.path(), "x")).unwrap_err();
    assert!(matches!(err, PkiError::File(_)), "{err:?}");
    assert!(err.to_string().contains("not a regular file"), "{err}");
    // A device that never ends (`certs inspect /dev/zero` grew to 16 GB).
    let err = pki::inspect(std::path::Path::new("/dev/zero"), None).unwrap_err();
    assert!(
        err.to_string().contains("/dev/zero is not a regular file"),
        "{err}"
    );

    let junk = tmp.path().join("notes.txt");
    fs::write(&junk, "this is not a certificate").unwrap();
    for err in [
        pki::load_identity(&p12_source(&junk, "x")).unwrap_err(),
        pki::load_identity(&pem_source(&junk, None, None)).unwrap_err(),
        pki::inspect(&junk, None).unwrap_err(),
        pki::load_ca_pem(&junk).unwrap_err(),
    ] {
        assert!(matches!(err, PkiError::UnknownFormat { .. }), "{err:?}");
        assert!(err.to_string().contains("notes.txt"), "{err}");
    }

    // PEM given as PKCS#12 and the other way round: say so.
    let (_dir, pki) = shared();
    let err = pki::load_identity(&p12_source(&pki.client_pem, "x")).unwrap_err();
    assert!(err.to_string().contains("PEM"), "{err}");
    let err = pki::load_identity(&pem_source(&pki.client_p12, None, None)).unwrap_err();
    assert!(err.to_string().contains("PKCS#12"), "{err}");
    // A key file is not a certificate.
    let err = pki::inspect(&pki.client_key_pem, None).unwrap_err();
    assert!(matches!(err, PkiError::NoCertificate { .. }), "{err:?}");
}

#[test]
fn inspect_der_and_load_ca_bundle() {
    let (_dir, pki) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let der = tmp.path().join("client.cer");
    fs::write(&der, read_cert(&pki.client_pem).to_der().unwrap()).unwrap();
    let a = pki::inspect(&der, None).unwrap();
    let b = pki::inspect(&pki.client_pem, None).unwrap();
    assert_eq!(a.sha256_fingerprint, b.sha256_fingerprint);

    let cas = pki::load_ca_pem(&pki.ca_pem).unwrap();
    assert_eq!(cas.len(), 1);
    let bundle = tmp.path().join("bundle.pem");
    let mut text = fs::read(&pki.ca_pem).unwrap();
    text.extend(fs::read(&pki.server_pem).unwrap());
    fs::write(&bundle, text).unwrap();
    assert_eq!(pki::load_ca_pem(&bundle).unwrap().len(), 2);
    let err = pki::load_ca_pem(&pki.client_key_pem).unwrap_err();
    assert!(matches!(err, PkiError::NoCertificate { .. }), "{err:?}");
}

#[test]
fn cert_info_from_x509_matches_inspect() {
    let (_dir, pki) = shared();
    let cert = read_cert(&pki.server_pem);
    let info = CertInfo::from_x509(&cert).unwrap();
    assert_eq!(info.subject_cn.as_deref(), Some("localhost"));
    assert_eq!(info, pki::inspect(&pki.server_pem, None).unwrap());
}

// ----------------------------------------------------- mutual TLS handshakes

/// One TLS handshake against an OpenSSL server that requires a client
/// certificate from the test CA, the way the mock's front does.
fn handshake(pki: &TestPki, client: &pki::Identity) -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut acc = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).unwrap();
    acc.set_certificate_chain_file(&pki.server_pem).unwrap();
    acc.set_private_key_file(&pki.server_key_pem, SslFiletype::PEM)
        .unwrap();
    acc.set_ca_file(&pki.ca_pem).unwrap();
    acc.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    let acc = acc.build();
    let server = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        match acc.accept(tcp) {
            Ok(mut s) => {
                use std::io::Write;
                s.write_all(b"ok").map_err(|e| e.to_string())
            }
            Err(e) => Err(e.to_string()),
        }
    });
    let mut conn = SslConnector::builder(SslMethod::tls_client()).unwrap();
    conn.set_ca_file(&pki.ca_pem).unwrap();
    conn.set_certificate(&client.cert).unwrap();
    for c in &client.chain {
        conn.add_extra_chain_cert(c.clone()).unwrap();
    }
    conn.set_private_key(&client.key).unwrap();
    let conn = conn.build();
    let tcp = std::net::TcpStream::connect(addr).unwrap();
    let client_result = conn.connect("localhost", tcp).map(|mut s| {
        use std::io::Read;
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        buf
    });
    let server_result = server.join().unwrap();
    match (client_result, server_result) {
        (Ok(buf), Ok(())) if buf == b"ok" => Ok(()),
        (c, s) => Err(format!(
            "client: {:?}, server: {s:?}",
            c.map(|b| String::from_utf8_lossy(&b).into_owned())
        )),
    }
}

#[test]
fn mutual_tls_accepts_registered_and_refuses_foreign_and_expired() {
    let (_dir, pki) = shared();
    let load = |p: &IdentitySource| pki::load_identity(p).unwrap();
    handshake(pki, &load(&pki.client_identity())).expect("client accepted");
    handshake(pki, &load(&pki.unregistered_identity()))
        .expect("unregistered is a valid certificate; refusing it is the platform's job");
    let err = handshake(pki, &load(&pki.foreign_identity())).unwrap_err();
    assert!(
        err.contains("certificate verify failed") || err.contains("unknown ca"),
        "{err}"
    );
    let err = handshake(pki, &load(&pki.expired_identity())).unwrap_err();
    assert!(err.contains("expired"), "{err}");
}

/// Child half of `legacy_des_pem_key_in_fresh_process` (which runs it with `--ignored`): a
/// process in which nothing has loaded OpenSSL's legacy provider yet.
#[test]
#[ignore = "child half of legacy_des_pem_key_in_fresh_process"]
fn legacy_child_process() {
    let cert = child_env("SP_CONTRACT_PKI_CHILD_CERT");
    let key = child_env("SP_CONTRACT_PKI_CHILD_KEY");
    // Wrong password first, while the legacy provider is not loaded yet.
    let err = pki::load_identity(&pem_source(
        Path::new(&cert),
        Some(Path::new(&key)),
        Some("forkert"),
    ))
    .unwrap_err();
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err:?}");
    let id = pki::load_identity(&pem_source(
        Path::new(&cert),
        Some(Path::new(&key)),
        Some(SECRET_PW),
    ))
    .unwrap();
    assert_usable(&id);
    println!("LOADED={}", id.info.subject_cn.unwrap_or_default());
}

/// A traditional key encrypted with single DES (`openssl genrsa -des`),
/// which OpenSSL 3 can only decrypt with the legacy provider.
#[test]
fn legacy_des_pem_key_in_fresh_process() {
    require_openssl_cli();
    let (_dir, pki) = shared();
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("des-key.pem");
    let status = Command::new("openssl")
        .args([
            "rsa",
            "-traditional",
            "-des",
            "-provider",
            "legacy",
            "-provider",
            "default",
        ])
        .arg("-in")
        .arg(&pki.client_key_pem)
        .arg("-out")
        .arg(&key)
        .arg("-passout")
        .arg(format!("pass:{SECRET_PW}"))
        .status()
        .unwrap();
    assert!(status.success());
    assert!(contains(&fs::read(&key).unwrap(), b"DEK-Info: DES-CBC,"));
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "pki::legacy_child_process",
            "--ignored",
            "--nocapture",
        ])
        .env("SP_CONTRACT_PKI_CHILD_CERT", &pki.client_pem)
        .env("SP_CONTRACT_PKI_CHILD_KEY", &key)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("LOADED={}", pki::CLIENT_CN)),
        "{text}"
    );
}
