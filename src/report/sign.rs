//! Tamper-evident evidence: a detached CMS signature (DER, `report.html.p7s`) over the
//! report's exact bytes, made with the function certificate that ran the suite, and its
//! check. One changed byte in the report fails the check; `openssl cms -verify -binary
//! -inform DER -content report.html -in report.html.p7s` checks the same signature
//! independently.
//!
//! The signer's certificate travels inside the signature. Without a trusted CA the check
//! proves the report is unchanged since that certificate signed it, and shows the
//! certificate for the reader to judge; with `--ca` the certificate's chain is checked too.

use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::stack::Stack;
use openssl::x509::store::X509Store;
use openssl::x509::X509;

use crate::error::{Classified, ExitCode};
use crate::targets::pki::{CertInfo, Identity};

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("cannot sign the report with the certificate {subject}: {detail}")]
    Sign { subject: String, detail: String },
    #[error("{0} is not a CMS signature (DER) that sp-contract can read: {1}")]
    NotCms(String, String),
    #[error("the signature does not verify against the report: the report or its signature was changed after signing, or they do not belong together ({0})")]
    Mismatch(String),
    #[error("the report is unchanged since it was signed, but the signer's certificate does not chain to a CA given with --ca ({0})")]
    Untrusted(String),
    #[error("the signature holds no signer's certificate")]
    NoSigner,
}

impl Classified for SignError {
    fn exit_code(&self) -> ExitCode {
        match self {
            SignError::Mismatch(_) | SignError::Untrusted(_) => ExitCode::ContractFailed,
            SignError::Sign { .. } | SignError::NotCms(..) | SignError::NoSigner => ExitCode::Usage,
        }
    }
}

/// A detached CMS signature (DER) over `content`, made with `identity`; the signer's
/// certificate and chain are included, so the signature names its signer.
pub fn sign(content: &[u8], identity: &Identity) -> Result<Vec<u8>, SignError> {
    let failed = |e: openssl::error::ErrorStack| SignError::Sign {
        subject: identity.info.subject.clone(),
        detail: e.to_string(),
    };
    let mut chain = Stack::new().map_err(failed)?;
    for c in &identity.chain {
        chain.push(c.clone()).map_err(failed)?;
    }
    let cms = CmsContentInfo::sign(
        Some(&identity.cert),
        Some(&identity.key),
        Some(&chain),
        Some(content),
        CMSOptions::DETACHED | CMSOptions::BINARY,
    )
    .map_err(failed)?;
    cms.to_der().map_err(failed)
}

/// What a good signature says.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The certificate that signed.
    pub signer: CertInfo,
    /// Whether the signer's chain was checked against a trusted CA (`--ca`).
    pub chain_checked: bool,
}

/// Checks the detached signature `p7s` (DER; `name` for messages) over `content`; with
/// `trusted`, the signer's certificate chain too.
pub fn verify(
    content: &[u8],
    p7s: &[u8],
    name: &str,
    trusted: Option<&X509Store>,
) -> Result<Verified, SignError> {
    let not_cms =
        |e: openssl::error::ErrorStack| SignError::NotCms(name.to_string(), e.to_string());
    let mut cms = CmsContentInfo::from_der(p7s).map_err(not_cms)?;
    let signer = signer_of(p7s)
        .map_err(not_cms)?
        .ok_or(SignError::NoSigner)?;
    // First the content alone, so a changed report is told apart from an untrusted signer.
    cms.verify(
        None,
        None,
        Some(content),
        None,
        CMSOptions::BINARY | CMSOptions::NO_SIGNER_CERT_VERIFY,
    )
    .map_err(|e| SignError::Mismatch(e.to_string()))?;
    if let Some(store) = trusted {
        cms.verify(None, Some(store), Some(content), None, CMSOptions::BINARY)
            .map_err(|e| SignError::Untrusted(e.to_string()))?;
    }
    let signer = CertInfo::from_x509(&signer).map_err(|e| SignError::Mismatch(e.to_string()))?;
    Ok(Verified {
        signer,
        chain_checked: trusted.is_some(),
    })
}

/// The signer's certificate, from the certificates the signature carries.
fn signer_of(p7s: &[u8]) -> Result<Option<X509>, openssl::error::ErrorStack> {
    let p7 = Pkcs7::from_der(p7s)?;
    let none = Stack::<X509>::new()?;
    let signers = p7.signers(&none, Pkcs7Flags::empty())?;
    Ok(signers.iter().next().map(|c| c.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_byte_fails_and_garbage_is_not_a_signature() {
        let dir = tempfile::tempdir().unwrap();
        let pki = crate::targets::pki::init(dir.path(), false).unwrap();
        let id = crate::targets::pki::load_identity(&crate::targets::pki::IdentitySource::Pem {
            cert: pki.client_pem.clone(),
            key: Some(pki.client_key_pem.clone()),
            key_password: None,
        })
        .unwrap();
        let report = b"<html>BEST\xc3\x85ET</html>".to_vec();
        let p7s = sign(&report, &id).unwrap();
        let ok = verify(&report, &p7s, "r.p7s", None).unwrap();
        assert_eq!(ok.signer.subject, id.info.subject);
        assert!(!ok.chain_checked);

        let mut changed = report.clone();
        changed[6] ^= 1;
        let e = verify(&changed, &p7s, "r.p7s", None).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::ContractFailed, "{e}");

        let e = verify(&report, b"not DER", "r.p7s", None).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::Usage, "{e}");
        assert!(
            e.to_string().starts_with("r.p7s is not a CMS signature"),
            "{e}"
        );
    }
}
