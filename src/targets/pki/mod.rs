//! Test PKI and certificate / identity loading.
//!
//! Two jobs live here:
//!
//! * **The local test PKI** ([`init`], [`ensure`], [`TestPki`]): a throwaway CA
//!   plus server and client certificates that the embedded Serviceplatformen
//!   mock and the contract tests use for mutual TLS. Everything is generated
//!   with the `openssl` crate; nothing is downloaded and no CLI is needed.
//! * **Loading a vendor's function certificate** ([`load_identity`],
//!   [`inspect`]): OCES3/FOCES certificates arrive as PKCS#12 (often a legacy
//!   RC2/3DES Windows export) or as PEM certificate + key. Whatever the input,
//!   the result is an [`Identity`]: certificate, key and chain, which the
//!   transport's OpenSSL connector presents as they are.
//!
//! Passwords travel as [`Secret`], which never prints its content, and no
//! [`PkiError`] ever contains a password.

mod generate;
mod load;

use std::fmt;
use std::path::{Path, PathBuf};

use openssl::asn1::{Asn1Time, Asn1TimeRef};
use openssl::error::ErrorStack;
use openssl::pkey::{PKey, Private};
use openssl::x509::{X509NameRef, X509Ref, X509};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

pub use generate::{ensure, init};
pub use load::{certificate_from_der, inspect, load_ca_pem, load_identity};

/// Password of the `.p12` files in the generated test PKI. It protects
/// nothing of value (the PKI is a local throwaway) and is documented so that
/// people can open the files with other tools, e.g.
/// `openssl pkcs12 -info -in certs/client.p12 -passin pass:sp-contract-test`.
pub const TEST_P12_PASSWORD: &str = "sp-contract-test";

/// CVR number used in the subjects of the generated client certificates.
pub const TEST_CVR: &str = "29189846";
/// Common name of the generated test CA.
pub const CA_CN: &str = "sp-contract test CA";
/// Common name of the generated, registered client (function) certificate.
pub const CLIENT_CN: &str = "sp-contract testsystem (FOCES)";
/// Common name of the generated client certificate that is registered nowhere.
pub const UNREGISTERED_CN: &str = "sp-contract uregistreret system";
/// Common name of the generated client certificate whose validity has ended.
pub const EXPIRED_CN: &str = "sp-contract udloebet certifikat";
/// Common name of the generated client certificate issued by a foreign CA.
pub const FOREIGN_CN: &str = "sp-contract fremmed system";
/// The mock STS, which signs the OIO IDWS assertions it issues.
pub const STS_CN: &str = "sp-contract mock STS";

/// A secret string, such as a certificate password.
///
/// `Debug` and `Display` print `***`; use [`Secret::expose`] only where the
/// value is handed to the crypto library.
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The secret value. Never log or format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Everything that can go wrong in this module. Messages name the file and
/// say what to do; they never contain a password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    #[error("file not found: {} — check the configured path (in sp-contract.toml, relative paths are resolved from the config file's folder)", path.display())]
    NotFound { path: PathBuf },

    #[error("cannot read {}: {source} — check that the file is readable by this user", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Not a regular file, or larger than any certificate.
    #[error(transparent)]
    File(crate::fsio::ReadError),

    #[error("cannot use {}: {detail}", path.display())]
    UnknownFormat { path: PathBuf, detail: String },

    #[error("wrong password for {} — check the environment variable that holds it", path.display())]
    WrongPassword { path: PathBuf },

    #[error("{} is password protected but no password was given — set the environment variable that holds its password", path.display())]
    PasswordRequired { path: PathBuf },

    #[error("the password for {} contains a NUL character, which OpenSSL cannot use — check the environment variable that holds it", path.display())]
    InvalidPassword { path: PathBuf },

    #[error("the private key in {} does not belong to the certificate in {} — check that the two files are a pair", key.display(), cert.display())]
    KeyMismatch { cert: PathBuf, key: PathBuf },

    #[error("{} contains no private key — export the certificate together with its private key, or give the key file separately", path.display())]
    NoPrivateKey { path: PathBuf },

    #[error("{} contains no certificate — export the certificate itself, not only the key", path.display())]
    NoCertificate { path: PathBuf },

    #[error("{} uses legacy encryption (RC2 or single DES, typical of old Windows and OpenSSL 1.x exports) and OpenSSL's 'legacy' provider could not be loaded ({detail}) — install it (OpenSSL 3 ships it as ossl-modules/legacy.so; set OPENSSL_MODULES if it lives elsewhere) or re-export the file with AES encryption", path.display())]
    LegacyUnavailable { path: PathBuf, detail: String },

    #[error("cannot read {}: {context}: {source}", path.display())]
    Crypto {
        path: PathBuf,
        context: &'static str,
        #[source]
        source: ErrorStack,
    },

    #[error("invalid certificate: {detail}")]
    InvalidCertificate { detail: String },

    #[error("a test PKI already exists in {} — overwrite it with force (e.g. --force), or use it as it is", dir.display())]
    AlreadyExists { dir: PathBuf },

    #[error("cannot write {}: {source} — check that the folder is writable", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot lock {}: {source}", path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("generating the test PKI failed ({what}): {source}")]
    Generation {
        what: &'static str,
        #[source]
        source: ErrorStack,
    },
}

crate::input_error!(PkiError);

/// SHA-256 fingerprint of DER bytes as upper-case, colon separated hex
/// (`AB:CD:...`), the format of `openssl x509 -fingerprint -sha256`.
pub fn fingerprint_sha256(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    let mut out = String::with_capacity(digest.len() * 3);
    for (i, byte) in digest.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push_str(&format!("{byte:02X}"));
    }
    out
}

/// Human-facing facts about one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// Subject in RFC 4514 order, e.g. `CN=..., O=..., C=DK`.
    pub subject: String,
    pub subject_cn: Option<String>,
    /// Issuer in RFC 4514 order.
    pub issuer: String,
    /// Serial number as upper-case hex without separators.
    pub serial_hex: String,
    /// See [`fingerprint_sha256`].
    pub sha256_fingerprint: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    /// Whole days until `not_after`, counted when this value was made. When
    /// expired it is minus the whole days since expiry, and at least 1 in
    /// size, so it is negative exactly when the certificate has expired.
    pub days_left: i64,
}

impl CertInfo {
    pub fn from_x509(cert: &X509Ref) -> Result<CertInfo, PkiError> {
        let invalid = |what: &str, e: ErrorStack| PkiError::InvalidCertificate {
            detail: format!("{what}: {e}"),
        };
        let der = cert.to_der().map_err(|e| invalid("encoding", e))?;
        let serial_hex = cert
            .serial_number()
            .to_bn()
            .and_then(|bn| bn.to_hex_str().map(|s| s.to_string()))
            .map_err(|e| invalid("serial number", e))?;
        let not_before = asn1_to_datetime(cert.not_before())?;
        let not_after = asn1_to_datetime(cert.not_after())?;
        let now = OffsetDateTime::now_utc();
        Ok(CertInfo {
            subject: name_to_string(cert.subject_name()),
            subject_cn: common_name(cert.subject_name()),
            issuer: name_to_string(cert.issuer_name()),
            serial_hex,
            sha256_fingerprint: fingerprint_sha256(&der),
            not_before,
            not_after,
            days_left: days_left(now, not_after),
        })
    }

    /// True when `not_after` lies in the past.
    pub fn is_expired(&self) -> bool {
        OffsetDateTime::now_utc() > self.not_after
    }

    /// True when `not_before` lies in the future.
    pub fn is_not_yet_valid(&self) -> bool {
        OffsetDateTime::now_utc() < self.not_before
    }

    /// Why the certificate cannot be presented at `now` (not valid yet, or expired), with
    /// its dates; `None` while it is valid. The same judgement as `doctor`'s.
    pub fn validity_problem(&self, now: OffsetDateTime) -> Option<String> {
        let dates = format!(
            "notBefore {}, notAfter {}",
            format_time(self.not_before),
            format_time(self.not_after)
        );
        if now < self.not_before {
            Some(format!("is not valid yet ({dates}): wait until it becomes valid, or use the certificate that is valid now"))
        } else if now > self.not_after {
            Some(format!("has expired ({dates}): renew the function certificate (MitID Erhverv), register the new one on the it-system and point the target's certificate at it"))
        } else {
            None
        }
    }
}

impl fmt::Display for CertInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "subject:     {}", self.subject)?;
        writeln!(f, "issuer:      {}", self.issuer)?;
        writeln!(f, "serial:      {}", self.serial_hex)?;
        writeln!(f, "SHA-256:     {}", self.sha256_fingerprint)?;
        writeln!(f, "valid from:  {}", format_time(self.not_before))?;
        writeln!(f, "valid to:    {}", format_time(self.not_after))?;
        if self.is_not_yet_valid() {
            let days = days_left(OffsetDateTime::now_utc(), self.not_before);
            write!(f, "NOT YET VALID (starts in {days} {})", plural_days(days))
        } else if self.days_left < 0 {
            let ago = -self.days_left;
            write!(f, "EXPIRED {ago} {} ago", plural_days(ago))
        } else {
            write!(f, "days left:   {}", self.days_left)
        }
    }
}

fn plural_days(n: i64) -> &'static str {
    if n == 1 {
        "day"
    } else {
        "days"
    }
}

fn format_time(t: OffsetDateTime) -> String {
    let fmt =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_else(|_| t.to_string())
}

/// Whole days from `now` until `end`; when `end` has passed, minus the whole
/// days since then but at least -1, so the sign tells whether it has passed.
fn days_left(now: OffsetDateTime, end: OffsetDateTime) -> i64 {
    let days = (end - now).whole_days();
    if end < now {
        days.min(-1)
    } else {
        days
    }
}

fn asn1_to_datetime(t: &Asn1TimeRef) -> Result<OffsetDateTime, PkiError> {
    let invalid = |detail: String| PkiError::InvalidCertificate { detail };
    let epoch = Asn1Time::from_unix(0).map_err(|e| invalid(format!("time: {e}")))?;
    let diff = epoch
        .diff(t)
        .map_err(|e| invalid(format!("validity time {t}: {e}")))?;
    let secs = i64::from(diff.days) * 86_400 + i64::from(diff.secs);
    OffsetDateTime::from_unix_timestamp(secs)
        .map_err(|e| invalid(format!("validity time {t}: {e}")))
}

/// A distinguished name in RFC 4514 order (last RDN first): `CN=..., O=..., C=DK`.
fn name_to_string(name: &X509NameRef) -> String {
    let mut parts: Vec<String> = name
        .entries()
        .map(|entry| {
            let obj = entry.object();
            let key = match obj.nid().short_name() {
                Ok(short) if obj.nid().as_raw() != 0 => short.to_string(),
                _ => obj.to_string(),
            };
            let value = match entry.data().to_string() {
                Ok(s) => escape_dn_value(&s),
                Err(_) => format!("#{}", hex_upper(entry.data().as_slice())),
            };
            format!("{key}={value}")
        })
        .collect();
    parts.reverse();
    parts.join(", ")
}

fn common_name(name: &X509NameRef) -> Option<String> {
    name.entries_by_nid(openssl::nid::Nid::COMMONNAME)
        .last()
        .and_then(|e| e.data().to_string().ok())
}

fn escape_dn_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Where a client identity (certificate + private key) comes from.
#[derive(Debug, Clone)]
pub enum IdentitySource {
    /// A PKCS#12 file (`.p12` / `.pfx`), modern (AES) or legacy (RC2/3DES).
    Pkcs12 { path: PathBuf, password: Secret },
    /// PEM certificate (chain allowed) + private key in any common form:
    /// PKCS#8, encrypted PKCS#8, traditional "BEGIN RSA PRIVATE KEY"/"BEGIN EC PRIVATE KEY",
    /// including legacy PEM-encrypted ones (Proc-Type/DEK-Info). Key may also be in the cert file.
    Pem {
        cert: PathBuf,
        key: Option<PathBuf>,
        key_password: Option<Secret>,
    },
}

/// A loaded client identity.
#[derive(Clone)]
pub struct Identity {
    pub cert: X509,
    pub key: PKey<Private>,
    /// The other certificates that came with the leaf, issuer of the leaf first.
    pub chain: Vec<X509>,
    pub info: CertInfo,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("subject", &self.info.subject)
            .field("sha256_fingerprint", &self.info.sha256_fingerprint)
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

/// Paths of the generated local test PKI in a folder (default `certs/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestPki {
    pub dir: PathBuf,
    pub ca_pem: PathBuf,
    pub ca_key_pem: PathBuf,
    pub server_pem: PathBuf,
    pub server_key_pem: PathBuf,
    pub client_pem: PathBuf,
    pub client_key_pem: PathBuf,
    pub client_p12: PathBuf,
    pub unregistered_pem: PathBuf,
    pub unregistered_key_pem: PathBuf,
    pub unregistered_p12: PathBuf,
    pub expired_pem: PathBuf,
    pub expired_key_pem: PathBuf,
    pub expired_p12: PathBuf,
    pub foreign_pem: PathBuf,
    pub foreign_key_pem: PathBuf,
    pub foreign_p12: PathBuf,
    pub sts_pem: PathBuf,
    pub sts_key_pem: PathBuf,
    pub sts_p12: PathBuf,
}

impl TestPki {
    /// The paths of a test PKI in `dir`. Touches no file.
    pub fn at(dir: &Path) -> TestPki {
        let f = |name: &str| dir.join(name);
        TestPki {
            dir: dir.to_path_buf(),
            ca_pem: f("ca.pem"),
            ca_key_pem: f("ca-key.pem"),
            server_pem: f("server.pem"),
            server_key_pem: f("server-key.pem"),
            client_pem: f("client.pem"),
            client_key_pem: f("client-key.pem"),
            client_p12: f("client.p12"),
            unregistered_pem: f("unregistered.pem"),
            unregistered_key_pem: f("unregistered-key.pem"),
            unregistered_p12: f("unregistered.p12"),
            expired_pem: f("expired.pem"),
            expired_key_pem: f("expired-key.pem"),
            expired_p12: f("expired.p12"),
            foreign_pem: f("foreign.pem"),
            foreign_key_pem: f("foreign-key.pem"),
            foreign_p12: f("foreign.p12"),
            sts_pem: f("sts.pem"),
            sts_key_pem: f("sts-key.pem"),
            sts_p12: f("sts.p12"),
        }
    }

    /// Every file of the PKI.
    pub fn files(&self) -> [&Path; 19] {
        [
            &self.ca_pem,
            &self.ca_key_pem,
            &self.server_pem,
            &self.server_key_pem,
            &self.client_pem,
            &self.client_key_pem,
            &self.client_p12,
            &self.unregistered_pem,
            &self.unregistered_key_pem,
            &self.unregistered_p12,
            &self.expired_pem,
            &self.expired_key_pem,
            &self.expired_p12,
            &self.foreign_pem,
            &self.foreign_key_pem,
            &self.foreign_p12,
            &self.sts_pem,
            &self.sts_key_pem,
            &self.sts_p12,
        ]
        .map(PathBuf::as_path)
    }

    /// True when every file of the PKI exists and is not empty.
    pub fn is_complete(&self) -> bool {
        self.files().iter().all(|p| {
            std::fs::metadata(p)
                .map(|m| m.is_file() && m.len() > 0)
                .unwrap_or(false)
        })
    }

    /// The identity of the registered test client, ready for use.
    pub fn client_identity(&self) -> IdentitySource {
        self.p12_source(&self.client_p12)
    }

    /// The identity of the client certificate that is registered nowhere.
    pub fn unregistered_identity(&self) -> IdentitySource {
        self.p12_source(&self.unregistered_p12)
    }

    /// The identity of the expired client certificate.
    pub fn expired_identity(&self) -> IdentitySource {
        self.p12_source(&self.expired_p12)
    }

    /// The identity of the client certificate from a foreign CA.
    pub fn foreign_identity(&self) -> IdentitySource {
        self.p12_source(&self.foreign_p12)
    }

    /// The mock STS's signing identity (it signs the assertions it issues).
    pub fn sts_identity(&self) -> IdentitySource {
        self.p12_source(&self.sts_p12)
    }

    fn p12_source(&self, path: &Path) -> IdentitySource {
        IdentitySource::Pkcs12 {
            path: path.to_path_buf(),
            password: Secret::from(TEST_P12_PASSWORD),
        }
    }
}

/// Read a whole file, turning I/O errors into the file-naming variants.
/// Bounded: `/dev/zero` or a FIFO given as a certificate is refused, not read for ever.
fn read_file(path: &Path) -> Result<Vec<u8>, PkiError> {
    use crate::fsio::{self, ReadError};
    fsio::read(path, fsio::limit::CERTIFICATE, "a certificate or key file").map_err(|e| match e {
        ReadError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PkiError::NotFound {
                path: path.to_path_buf(),
            }
        }
        ReadError::Io { source, .. } => PkiError::Unreadable {
            path: path.to_path_buf(),
            source,
        },
        other => PkiError::File(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("hunter2".into());
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(s.expose(), "hunter2");
        let src = IdentitySource::Pkcs12 {
            path: "x.p12".into(),
            password: s.clone(),
        };
        assert!(!format!("{src:?}").contains("hunter2"));
    }

    #[test]
    fn fingerprint_format() {
        let fp = fingerprint_sha256(b"abc");
        assert_eq!(
            fp,
            "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"
        );
    }

    #[test]
    fn days_left_counts_whole_days() {
        let t = OffsetDateTime::from_unix_timestamp(1_000_000_000).unwrap();
        let h = time::Duration::hours;
        assert_eq!(days_left(t, t + h(47)), 1);
        assert_eq!(days_left(t, t + h(23)), 0);
        assert_eq!(days_left(t, t), 0);
        assert_eq!(days_left(t, t - time::Duration::seconds(1)), -1);
        assert_eq!(days_left(t, t - h(30)), -1);
        assert_eq!(days_left(t, t - h(30 * 24 + 1)), -30);
    }

    #[test]
    fn dn_escaping() {
        assert_eq!(escape_dn_value("a,b"), "a\\,b");
        assert_eq!(escape_dn_value(" x "), "\\ x\\ ");
        assert_eq!(escape_dn_value("#1"), "\\#1");
        assert_eq!(escape_dn_value("plain (FOCES)"), "plain (FOCES)");
    }

    #[test]
    fn display_lists_fields_and_expiry() {
        let now = OffsetDateTime::now_utc();
        let mut info = CertInfo {
            subject: "CN=a, C=DK".into(),
            subject_cn: Some("a".into()),
            issuer: "CN=ca".into(),
            serial_hex: "0A".into(),
            sha256_fingerprint: "AB:CD".into(),
            not_before: now - time::Duration::days(10),
            not_after: now + time::Duration::days(5),
            days_left: 4,
        };
        let text = info.to_string();
        for needle in [
            "CN=a, C=DK",
            "CN=ca",
            "0A",
            "AB:CD",
            "valid from",
            "days left:   4",
        ] {
            assert!(text.contains(needle), "{needle} missing in {text}");
        }
        info.not_after = now - time::Duration::days(3);
        info.days_left = -3;
        assert!(info.is_expired());
        assert!(info.to_string().contains("EXPIRED 3 days ago"));
    }
}
