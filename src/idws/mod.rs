//! The OIO IDWS token model (SF1470 v6, later SF1500/SF1510): the WS-Trust token from the
//! STS, and service calls signed with it; and the checks the mock makes on both.
//!
//! serviceplatform.md "OIO IDWS token model" is the source. The rule this module keeps: the
//! STS's assertion is a byte string, never re-serialised (its own signature covers its
//! whitespace), and it is a secret: [`Assertion`] prints only its length and is registered
//! for masking by value when it enters the process.
//!
//! One idea per file: [`c14n`] (exclusive c14n through libxml2, finding elements by id),
//! [`signature`] (XML-DSig over ids, rsa-sha256 / sha256), [`sts_request`] (the signed
//! `RequestSecurityToken`), [`sts_answer`] (reading the RSTR), [`sts_issue`] (what an STS
//! answers: the signed holder-of-key assertion, for the mock and tests), [`cache`] (tokens
//! per audience, CVR and certificate), [`service_call`] (the signed service call),
//! [`verify`] (the checks), [`error`] (typed errors with their exit class); inside, `parts`
//! (the wsa headers, Timestamp and token elements every signed request shares), `xml` and
//! `time_fmt`.
//!
//! Used by the client's flow (`client/idws.rs`) and the mock's STS and token check
//! (`platform/idws/`); it imports `targets` for the certificate and nothing above.

pub mod c14n;
pub mod cache;
pub mod error;
mod parts;
pub mod service_call;
pub mod signature;
pub mod sts_answer;
pub mod sts_issue;
pub mod sts_request;
mod time_fmt;
pub mod verify;
mod xml;

pub use error::{IdwsError, VerifyError};

use std::fmt;
use time::OffsetDateTime;

/// Namespaces and algorithm URIs of the token model.
pub mod ns {
    pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
    pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
    pub const WSA: &str = "http://www.w3.org/2005/08/addressing";
    pub const WSSE: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    pub const WSSE11: &str = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
    pub const WSU: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
    pub const WST: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
    pub const WSP: &str = "http://schemas.xmlsoap.org/ws/2004/09/policy";
    pub const AUTH: &str = "http://docs.oasis-open.org/wsfed/authorization/200706";
    pub const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
    pub const SBF: &str = "urn:liberty:sb:2006-08";
    pub const SBF_PROFILE: &str = "urn:liberty:sb:profile";

    pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
    pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
    pub const STR_TRANSFORM: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#STR-Transform";
    pub const X509V3: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
    pub const BASE64: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
    pub const SAMLID: &str =
        "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLID";
    pub const SAML2_TOKEN: &str =
        "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0";
    pub const HOLDER_OF_KEY: &str = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";
    pub const CVR_CLAIM: &str = "dk:gov:saml:attribute:CvrNumberIdentifier";
    pub const ISSUE_ACTION: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue";
    pub const ISSUE_FINAL_ACTION: &str =
        "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal";
    pub const REQUEST_TYPE_ISSUE: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue";
    pub const KEY_TYPE_PUBLIC_KEY: &str =
        "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey";
    pub const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";
    pub const LIBERTY_BASIC: &str = "urn:liberty:sb:profile:basic";
}

/// How long the STS's assertions live (serviceplatform.md: 8 h).
pub const ASSERTION_LIFETIME: time::Duration = time::Duration::hours(8);
/// How long a message's `wsu:Timestamp` is valid (Created + 5 min).
pub const TIMESTAMP_LIFETIME: time::Duration = time::Duration::minutes(5);

pub use crate::core::service::SoapVersion;

/// The envelope namespace of a SOAP version.
pub fn soap_namespace(v: SoapVersion) -> &'static str {
    match v {
        SoapVersion::Soap11 => ns::SOAP11,
        SoapVersion::Soap12 => ns::SOAP12,
    }
}

/// A SAML assertion exactly as the STS issued it (byte for byte), with what the client needs
/// to know about it. A secret: `Debug` prints `<assertion, N bytes>`, nothing else.
#[derive(Clone, PartialEq, Eq)]
pub struct Assertion {
    xml: String,
    id: String,
    not_on_or_after: OffsetDateTime,
}

impl Assertion {
    /// Keep `xml` as it is; registers it (and its encodings) for masking by value.
    pub(crate) fn new(xml: String, id: String, not_on_or_after: OffsetDateTime) -> Assertion {
        crate::evidence::redact::register_assertion(&xml);
        Assertion {
            xml,
            id,
            not_on_or_after,
        }
    }

    /// The assertion's bytes, to embed unchanged. Never log or format them.
    pub fn expose(&self) -> &str {
        &self.xml
    }

    /// The assertion's `ID`, which a SecurityTokenReference names (SAMLID).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// When the assertion stops being valid (`Conditions/@NotOnOrAfter`).
    pub fn not_on_or_after(&self) -> OffsetDateTime {
        self.not_on_or_after
    }
}

impl fmt::Debug for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<assertion, {} bytes>", self.xml.len())
    }
}

/// A message built and signed here, and the `wsa:MessageID` an answer must relate to. A
/// service call embeds the assertion: `Debug` prints the message id and the length only.
#[derive(Clone)]
pub struct Signed {
    pub xml: String,
    pub message_id: String,
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<signed message {}, {} bytes>",
            self.message_id,
            self.xml.len()
        )
    }
}

/// A fresh `urn:uuid:` message id.
pub(crate) fn message_id() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// A fresh id for a `wsu:Id`/`ID` attribute (an NCName: starts with a letter).
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}

/// An RSA key and its self-signed certificate, made once per test process.
#[cfg(test)]
pub(crate) fn test_key() -> &'static (
    openssl::pkey::PKey<openssl::pkey::Private>,
    openssl::x509::X509,
) {
    use openssl::{asn1::Asn1Time, hash::MessageDigest, pkey::PKey, rsa::Rsa, x509};
    static KEY: std::sync::OnceLock<(PKey<openssl::pkey::Private>, x509::X509)> =
        std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let mut name = x509::X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "idws unit test").unwrap();
        let name = name.build();
        let mut b = x509::X509Builder::new().unwrap();
        b.set_version(2).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(1).unwrap())
            .unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        (key, b.build())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assertion_prints_only_its_length_and_is_masked_by_value() {
        let xml = "<saml:Assertion ID=\"a\">secret holder-of-key material</saml:Assertion>";
        let a = Assertion::new(xml.into(), "a".into(), OffsetDateTime::UNIX_EPOCH);
        assert_eq!(
            format!("{a:?}"),
            format!("<assertion, {} bytes>", xml.len())
        );
        let signed = Signed {
            xml: format!("<x>{xml}</x>"),
            message_id: "urn:uuid:1".into(),
        };
        assert!(!format!("{signed:?}").contains("secret"));
        let shown = crate::evidence::redact::text(&format!("got {xml} back"));
        assert!(!shown.contains("secret holder-of-key"), "{shown}");
    }
}
