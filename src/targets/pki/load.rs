//! Loading certificates and client identities from files.

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use openssl::error::ErrorStack;
use openssl::pkcs12::{ParsedPkcs12_2, Pkcs12};
use openssl::pkey::{PKey, Private};
use openssl::provider::Provider;
use openssl::x509::{X509VerifyResult, X509};

use crate::targets::pki::{read_file, CertInfo, Identity, IdentitySource, PkiError, Secret};

/// OpenSSL 3's `legacy` provider (RC2, single DES, ...), loaded at most once
/// and kept for the life of the process. `retain_fallbacks` keeps the
/// default provider available next to it.
static LEGACY: OnceLock<Result<Provider, String>> = OnceLock::new();

fn load_legacy_provider() -> Result<(), String> {
    LEGACY
        .get_or_init(|| Provider::try_load(None, "legacy", true).map_err(|e| e.to_string()))
        .as_ref()
        .map(|_| ())
        .map_err(Clone::clone)
}

/// Facts about the certificate in `path`: PEM (first certificate of the
/// file), DER, or PKCS#12 (the certificate that goes with the key; the
/// password is needed for it unless the file has an empty password).
pub fn inspect(path: &Path, password: Option<&Secret>) -> Result<CertInfo, PkiError> {
    let bytes = read_file(path)?;
    if is_pem(&bytes) {
        let certs = pem_certs(path, &bytes)?;
        return CertInfo::from_x509(&certs[0]);
    }
    if let Ok(cert) = X509::from_der(&bytes) {
        return CertInfo::from_x509(&cert);
    }
    if let Ok(p12) = Pkcs12::from_der(&bytes) {
        let parsed = match password {
            Some(p) => parse_p12(path, &p12, p.expose())?,
            None => parse_p12(path, &p12, "").map_err(|e| match e {
                PkiError::WrongPassword { path } => PkiError::PasswordRequired { path },
                other => other,
            })?,
        };
        let cert = parsed
            .cert
            .or_else(|| parsed.ca.and_then(|mut s| s.pop()))
            .ok_or_else(|| PkiError::NoCertificate {
                path: path.to_path_buf(),
            })?;
        return CertInfo::from_x509(&cert);
    }
    Err(PkiError::UnknownFormat {
        path: path.to_path_buf(),
        detail: "it is neither a PEM file, a DER certificate nor a PKCS#12 file — give a .pem/.crt/.cer certificate or a .p12/.pfx file".into(),
    })
}

/// Certificates for a trust store: every certificate in a PEM file (or the
/// one certificate of a DER file).
pub fn load_ca_pem(path: &Path) -> Result<Vec<X509>, PkiError> {
    let bytes = read_file(path)?;
    if is_pem(&bytes) {
        return pem_certs(path, &bytes);
    }
    X509::from_der(&bytes)
        .map(|c| vec![c])
        .map_err(|_| PkiError::UnknownFormat {
            path: path.to_path_buf(),
            detail: "it holds no certificates — expected PEM (-----BEGIN CERTIFICATE-----) or DER"
                .into(),
        })
}

/// Load a client identity: its certificate, key and chain, as the TLS connector presents them.
///
/// A run looks at its certificate several times (its dates, the report, the client), and
/// opening a PKCS#12 costs thousands of key-derivation rounds, so what was loaded is kept
/// for the process, by a digest of the files' contents and the password: a changed file is
/// loaded afresh.
pub fn load_identity(src: &IdentitySource) -> Result<Identity, PkiError> {
    let digest = source_digest(src)?;
    let loaded = || LOADED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, id)) = loaded().iter().find(|(d, _)| *d == digest) {
        return Ok(id.clone());
    }
    let id = match src {
        IdentitySource::Pkcs12 { path, password } => from_pkcs12(path, password),
        IdentitySource::Pem {
            cert,
            key,
            key_password,
        } => from_pem(cert, key.as_deref(), key_password.as_ref()),
    }?;
    let mut loaded = loaded();
    if loaded.len() >= MAX_LOADED {
        loaded.remove(0);
    }
    loaded.push((digest, id.clone()));
    Ok(id)
}

/// A certificate from its DER bytes, parsed once per distinct bytes: OpenSSL 3 decodes a
/// certificate (its public key through the provider decoders) in tens of µs, and a signed
/// call carries the same few certificates every time (in the suite, parsing them was 5 % of
/// a run's CPU). Equal bytes are the same certificate, so nothing is trusted that a fresh
/// parse would not give.
pub fn certificate_from_der(der: &[u8]) -> Result<X509, ErrorStack> {
    static PARSED: Mutex<Vec<(Vec<u8>, X509)>> = Mutex::new(Vec::new());
    let parsed = || PARSED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, cert)) = parsed().iter().find(|(d, _)| d.as_slice() == der) {
        return Ok(cert.clone());
    }
    let cert = X509::from_der(der)?;
    let mut parsed = parsed();
    if parsed.len() >= MAX_LOADED {
        parsed.remove(0);
    }
    parsed.push((der.to_vec(), cert.clone()));
    Ok(cert)
}

/// Identities kept by [`load_identity`]; a run has a handful.
const MAX_LOADED: usize = 16;
static LOADED: Mutex<Vec<([u8; 32], Identity)>> = Mutex::new(Vec::new());

/// What an identity is loaded from, as one digest: the files' contents and the password.
fn source_digest(src: &IdentitySource) -> Result<[u8; 32], PkiError> {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    let mut part = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    match src {
        IdentitySource::Pkcs12 { path, password } => {
            part(b"pkcs12");
            part(&read_file(path)?);
            part(password.expose().as_bytes());
        }
        IdentitySource::Pem {
            cert,
            key,
            key_password,
        } => {
            part(b"pem");
            part(&read_file(cert)?);
            if let Some(k) = key {
                part(&read_file(k)?);
            }
            match key_password {
                Some(p) => {
                    part(b"password");
                    part(p.expose().as_bytes());
                }
                None => part(b"no password"),
            }
        }
    }
    Ok(h.finalize().into())
}

fn from_pkcs12(path: &Path, password: &Secret) -> Result<Identity, PkiError> {
    let bytes = read_file(path)?;
    let p12 = Pkcs12::from_der(&bytes).map_err(|_| PkiError::UnknownFormat {
        path: path.to_path_buf(),
        detail: if is_pem(&bytes) {
            "it is a PEM file, not PKCS#12 — configure it as PEM certificate + key instead".into()
        } else {
            "it is not a PKCS#12 (.p12/.pfx) file — check that the path points at the exported certificate".into()
        },
    })?;
    let parsed = parse_p12(path, &p12, password.expose())?;
    let key = parsed.pkey.ok_or_else(|| PkiError::NoPrivateKey {
        path: path.to_path_buf(),
    })?;
    // PKCS12_parse leaves `cert` empty when no certificate matches the key;
    // `assemble` then reports the mismatch.
    let certs: Vec<X509> = parsed
        .cert
        .into_iter()
        .chain(parsed.ca.into_iter().flatten())
        .collect();
    if certs.is_empty() {
        return Err(PkiError::NoCertificate {
            path: path.to_path_buf(),
        });
    }
    assemble(path, path, key, certs)
}

fn from_pem(
    cert_path: &Path,
    key_path: Option<&Path>,
    password: Option<&Secret>,
) -> Result<Identity, PkiError> {
    let cert_bytes = read_file(cert_path)?;
    let certs = if is_pem(&cert_bytes) {
        pem_certs(cert_path, &cert_bytes)?
    } else {
        match X509::from_der(&cert_bytes) {
            Ok(c) => vec![c],
            Err(_) => {
                let detail = if Pkcs12::from_der(&cert_bytes).is_ok() {
                    "it is a PKCS#12 file, not PEM — configure it as PKCS#12 with its password instead"
                } else {
                    "it is neither a PEM nor a DER certificate"
                };
                return Err(PkiError::UnknownFormat {
                    path: cert_path.to_path_buf(),
                    detail: detail.into(),
                });
            }
        }
    };
    let (key_path, key) = match key_path {
        Some(p) => (p, parse_private_key(p, &read_file(p)?, password)?),
        None => (
            cert_path,
            parse_private_key(cert_path, &cert_bytes, password)?,
        ),
    };
    assemble(cert_path, key_path, key, certs)
}

/// Pick the certificate that belongs to `key`, order the rest as its chain,
/// and re-pack everything.
fn assemble(
    cert_path: &Path,
    key_path: &Path,
    key: PKey<Private>,
    mut certs: Vec<X509>,
) -> Result<Identity, PkiError> {
    let leaf_at = certs
        .iter()
        .position(|c| c.public_key().is_ok_and(|pk| pk.public_eq(&key)))
        .ok_or_else(|| PkiError::KeyMismatch {
            cert: cert_path.to_path_buf(),
            key: key_path.to_path_buf(),
        })?;
    let leaf = certs.remove(leaf_at);
    let chain = order_chain(&leaf, certs);
    let info = CertInfo::from_x509(&leaf)?;
    Ok(Identity {
        cert: leaf,
        key,
        chain,
        info,
    })
}

/// Issuer of the leaf first, then its issuer, and so on; certificates that
/// fit nowhere follow in their original order. Duplicates are dropped.
fn order_chain(leaf: &X509, certs: Vec<X509>) -> Vec<X509> {
    let der = |c: &X509| c.to_der().unwrap_or_default();
    let mut seen = vec![der(leaf)];
    let mut rest = Vec::with_capacity(certs.len());
    for c in certs {
        let d = der(&c);
        if !seen.contains(&d) {
            seen.push(d);
            rest.push(c);
        }
    }
    let mut ordered = Vec::with_capacity(rest.len());
    let mut current = leaf.clone();
    while let Some(i) = rest
        .iter()
        .position(|ca| ca.issued(&current) == X509VerifyResult::OK)
    {
        current = rest.remove(i);
        ordered.push(current.clone());
    }
    ordered.extend(rest);
    ordered
}

/// Open a PKCS#12, telling a wrong password from other failures and loading
/// the legacy provider when the file needs it (RC2-40 and friends).
fn parse_p12(path: &Path, p12: &Pkcs12, password: &str) -> Result<ParsedPkcs12_2, PkiError> {
    if password.contains('\0') {
        return Err(PkiError::InvalidPassword {
            path: path.to_path_buf(),
        });
    }
    let wrong = || PkiError::WrongPassword {
        path: path.to_path_buf(),
    };
    // The MAC is checked before anything is decrypted, with digests the
    // default provider has, so a MAC failure means the password is wrong.
    let first = match p12.parse2(password) {
        Ok(parsed) => return Ok(parsed),
        Err(e) if is_mac_failure(&e) => return Err(wrong()),
        Err(e) => e,
    };
    if let Err(detail) = load_legacy_provider() {
        return Err(if mentions(&first, "unsupported") {
            PkiError::LegacyUnavailable {
                path: path.to_path_buf(),
                detail,
            }
        } else {
            crypto(path, "reading PKCS#12", first)
        });
    }
    match p12.parse2(password) {
        Ok(parsed) => Ok(parsed),
        Err(e) if is_mac_failure(&e) || is_decrypt_failure(&e) => Err(wrong()),
        Err(e) => Err(crypto(path, "reading PKCS#12", e)),
    }
}

/// Read the first private key of a PEM (or DER) file in any common form.
fn parse_private_key(
    path: &Path,
    bytes: &[u8],
    password: Option<&Secret>,
) -> Result<PKey<Private>, PkiError> {
    if password.is_some_and(|p| p.expose().contains('\0')) {
        return Err(PkiError::InvalidPassword {
            path: path.to_path_buf(),
        });
    }
    let pw: &[u8] = password.map(|p| p.expose().as_bytes()).unwrap_or(b"");
    if !is_pem(bytes) {
        return parse_der_key(path, bytes, password);
    }
    if !has_private_key_block(bytes) {
        return Err(PkiError::NoPrivateKey {
            path: path.to_path_buf(),
        });
    }
    let encrypted = pem_key_is_encrypted(bytes);
    if encrypted && password.is_none() {
        return Err(PkiError::PasswordRequired {
            path: path.to_path_buf(),
        });
    }
    // Always go through the callback: with no password OpenSSL's default
    // callback would prompt on the terminal.
    let attempt = || {
        PKey::private_key_from_pem_callback(bytes, |buf| {
            if pw.len() > buf.len() {
                return Ok(0);
            }
            buf[..pw.len()].copy_from_slice(pw);
            Ok(pw.len())
        })
    };
    let first = match attempt() {
        Ok(key) => return Ok(key),
        Err(e) => e,
    };
    // Old PEM encryption (DES-CBC, RC2) needs the legacy provider.
    if mentions(&first, "unsupported") {
        if let Err(detail) = load_legacy_provider() {
            return Err(PkiError::LegacyUnavailable {
                path: path.to_path_buf(),
                detail,
            });
        }
        match attempt() {
            Ok(key) => return Ok(key),
            Err(_) if encrypted => {
                return Err(PkiError::WrongPassword {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(crypto(path, "reading the private key", e)),
        }
    }
    if encrypted {
        // A decryption that fails or yields garbage: the password is wrong.
        return Err(PkiError::WrongPassword {
            path: path.to_path_buf(),
        });
    }
    Err(crypto(path, "reading the private key", first))
}

fn parse_der_key(
    path: &Path,
    bytes: &[u8],
    password: Option<&Secret>,
) -> Result<PKey<Private>, PkiError> {
    if let Ok(key) = PKey::private_key_from_der(bytes) {
        return Ok(key);
    }
    match password {
        Some(p) => PKey::private_key_from_pkcs8_passphrase(bytes, p.expose().as_bytes()).map_err(
            |_| PkiError::UnknownFormat {
                path: path.to_path_buf(),
                detail: "it is not a private key, or the password is wrong (tried DER PKCS#8 and traditional forms)".into(),
            },
        ),
        None => Err(PkiError::UnknownFormat {
            path: path.to_path_buf(),
            detail: "it is neither a PEM nor a DER private key (if it is an encrypted DER key, give its password)".into(),
        }),
    }
}

fn pem_certs(path: &Path, bytes: &[u8]) -> Result<Vec<X509>, PkiError> {
    let certs =
        X509::stack_from_pem(bytes).map_err(|e| crypto(path, "reading PEM certificates", e))?;
    if certs.is_empty() {
        return Err(if has_private_key_block(bytes) {
            PkiError::NoCertificate {
                path: path.to_path_buf(),
            }
        } else {
            PkiError::UnknownFormat {
                path: path.to_path_buf(),
                detail: "it is a PEM file without -----BEGIN CERTIFICATE-----".into(),
            }
        });
    }
    Ok(certs)
}

fn crypto(path: &Path, context: &'static str, source: ErrorStack) -> PkiError {
    PkiError::Crypto {
        path: path.to_path_buf(),
        context,
        source,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn is_pem(bytes: &[u8]) -> bool {
    contains(bytes, b"-----BEGIN ")
}

/// `BEGIN PRIVATE KEY`, `BEGIN ENCRYPTED PRIVATE KEY`, `BEGIN RSA PRIVATE KEY`, ...
fn has_private_key_block(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes)
        .lines()
        .any(|l| l.starts_with("-----BEGIN ") && l.trim_end().ends_with("PRIVATE KEY-----"))
}

/// Encrypted PKCS#8, or a traditional key with `Proc-Type: 4,ENCRYPTED`.
fn pem_key_is_encrypted(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let mut in_key = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN ") && line.ends_with("PRIVATE KEY-----") {
            if line.contains("ENCRYPTED PRIVATE KEY") {
                return true;
            }
            in_key = true;
        } else if line.starts_with("-----END ") {
            if in_key {
                // Only the first key counts: that is the one OpenSSL reads.
                return false;
            }
        } else if in_key && line.starts_with("Proc-Type:") && line.contains("ENCRYPTED") {
            return true;
        }
    }
    false
}

fn mentions(e: &ErrorStack, needle: &str) -> bool {
    e.errors().iter().any(|err| {
        err.reason().is_some_and(|r| r.contains(needle))
            || err.data().is_some_and(|d| d.contains(needle))
    })
}

fn is_mac_failure(e: &ErrorStack) -> bool {
    // ERR_LIB_PKCS12 (35), PKCS12_R_MAC_VERIFY_FAILURE (113).
    e.errors()
        .iter()
        .any(|err| err.library_code() == 35 && err.reason_code() == 113)
        || mentions(e, "mac verify failure")
}

fn is_decrypt_failure(e: &ErrorStack) -> bool {
    [
        "bad decrypt",
        "decrypt error",
        "pkcs12 cipherfinal error",
        "pkcs12 pbe crypt error",
    ]
    .iter()
    .any(|n| mentions(e, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed certificate for `cn`, issued as the test PKI issues its CA.
    fn self_signed(cn: &str) -> Vec<u8> {
        use super::super::generate::issue::{new_key, CertSpec, KeyKind, Profile};
        let key = new_key(KeyKind::EcP256).unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        CertSpec::new("a test certificate", Profile::Ca, None, "sp-contract", cn)
            .valid(0, 86_400)
            .issue(&key, None, now)
            .unwrap()
            .to_der()
            .unwrap()
    }

    /// Parsed once per distinct bytes, and always the certificate those bytes are.
    #[test]
    fn certificates_from_der_are_the_ones_the_bytes_say() {
        let certs: Vec<_> = (0..MAX_LOADED + 3)
            .map(|i| self_signed(&format!("c{i}")))
            .collect();
        for _ in 0..2 {
            for der in &certs {
                let cert = certificate_from_der(der).unwrap();
                assert_eq!(&cert.to_der().unwrap(), der);
            }
        }
        assert!(certificate_from_der(b"not a certificate").is_err());
        let mut cut = certs[0].clone();
        cut.truncate(cut.len() - 1);
        assert!(
            certificate_from_der(&cut).is_err(),
            "a prefix of a kept one"
        );
    }

    #[test]
    fn encrypted_pem_detection() {
        assert!(pem_key_is_encrypted(
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
        ));
        assert!(pem_key_is_encrypted(
            b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: DES-EDE3-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"
        ));
        assert!(!pem_key_is_encrypted(
            b"-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        ));
        assert!(has_private_key_block(
            b"-----BEGIN EC PRIVATE KEY-----\nAA\n-----END EC PRIVATE KEY-----\n"
        ));
        assert!(!has_private_key_block(
            b"-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n"
        ));
    }
}
