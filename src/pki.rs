//! TEMPORARY interface stub; replaced by the real module from branch `pki`.
#![allow(dead_code, unused_variables)]
use std::path::{Path, PathBuf};

#[derive(Clone)]
pub struct Secret(String);
impl Secret {
    pub fn new(s: String) -> Self {
        Secret(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}
pub const TEST_P12_PASSWORD: &str = "sp-contract-test";
#[derive(Debug, Clone)]
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
}
impl TestPki {
    pub fn at(dir: &Path) -> TestPki {
        let f = |n: &str| dir.join(n);
        TestPki {
            dir: dir.to_path_buf(),
            ca_pem: f("ca.pem"),
            ca_key_pem: f("ca-key.pem"),
            server_pem: f("server.pem"),
            server_key_pem: f("server-key.pem"),
            client_pem: f("client.pem"),
            client_key_pem: f("client-key.pem"),
            client_p12: f("client.p12"),
            unregistered_pem: f("u.pem"),
            unregistered_key_pem: f("u.pem"),
            unregistered_p12: f("u.pem"),
            expired_pem: f("u.pem"),
            expired_key_pem: f("u.pem"),
            expired_p12: f("u.pem"),
            foreign_pem: f("u.pem"),
            foreign_key_pem: f("u.pem"),
            foreign_p12: f("u.pem"),
        }
    }
}
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub struct PkiError;
pub fn ensure(dir: &Path) -> Result<TestPki, PkiError> {
    Err(PkiError)
}
pub fn init(dir: &Path, force: bool) -> Result<TestPki, PkiError> {
    Err(PkiError)
}
#[derive(Debug, Clone)]
pub enum IdentitySource {
    Pkcs12 { path: PathBuf, password: Secret },
    Pem { cert: PathBuf, key: Option<PathBuf>, key_password: Option<Secret> },
}
pub struct Identity {
    pub pkcs12_der: Vec<u8>,
    pub pkcs12_password: String,
    pub cert: openssl::x509::X509,
    pub info: CertInfo,
}
#[derive(Debug, Clone)]
pub struct CertInfo {
    pub subject: String,
    pub subject_cn: Option<String>,
    pub issuer: String,
    pub serial_hex: String,
    pub sha256_fingerprint: String,
    pub not_before: time::OffsetDateTime,
    pub not_after: time::OffsetDateTime,
    pub days_left: i64,
}
impl CertInfo {
    pub fn from_x509(x: &openssl::x509::X509) -> Result<CertInfo, PkiError> {
        Err(PkiError)
    }
}
pub fn load_identity(src: &IdentitySource) -> Result<Identity, PkiError> {
    Err(PkiError)
}
pub fn inspect(path: &Path, password: Option<&Secret>) -> Result<CertInfo, PkiError> {
    Err(PkiError)
}
pub fn load_ca_pem(path: &Path) -> Result<Vec<openssl::x509::X509>, PkiError> {
    Err(PkiError)
}
pub fn fingerprint_sha256(der: &[u8]) -> String {
    String::new()
}
impl std::fmt::Display for CertInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.subject)
    }
}
