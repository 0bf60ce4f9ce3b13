//! Issuing one certificate of the test PKI: its key, its name, its profile (CA, TLS server
//! or TLS client, with the extensions each needs), its validity relative to now, and the
//! PKCS#12 bundle a client identity is shipped in.

use super::gen;
use crate::targets::pki::{PkiError, TEST_P12_PASSWORD};
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
use openssl::x509::{X509Name, X509};

/// Key algorithm of a generated certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::targets::pki) enum KeyKind {
    Rsa2048,
    EcP256,
}

/// A new private key of that kind.
pub(in crate::targets::pki) fn new_key(kind: KeyKind) -> Result<PKey<Private>, ErrorStack> {
    match kind {
        KeyKind::Rsa2048 => PKey::from_rsa(Rsa::generate(2048)?),
        KeyKind::EcP256 => {
            let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
            PKey::from_ec_key(EcKey::generate(&group)?)
        }
    }
}

/// What kind of certificate to issue.
pub(in crate::targets::pki) enum Profile<'a> {
    Ca,
    Server {
        dns: &'a [&'a str],
        ips: &'a [&'a str],
    },
    Client,
}

/// One certificate to issue: what it is (for errors), its name and profile, its validity.
pub(in crate::targets::pki) struct CertSpec<'a> {
    what: &'static str,
    /// Name entries, most significant first (C, ..., CN).
    name: Vec<(Nid, &'a str)>,
    profile: Profile<'a>,
    /// Validity as seconds relative to now.
    not_before: i64,
    not_after: i64,
}

impl<'a> CertSpec<'a> {
    /// A Danish name: C=DK, the serialNumber when given (a function certificate's
    /// `CVR:…-FID:…`), O and CN. Valid from now, for no time, until [`CertSpec::valid`].
    pub(in crate::targets::pki) fn new(
        what: &'static str,
        profile: Profile<'a>,
        serial: Option<&'a str>,
        org: &'a str,
        cn: &'a str,
    ) -> Self {
        let mut name = vec![(Nid::COUNTRYNAME, "DK")];
        name.extend(serial.map(|s| (Nid::SERIALNUMBER, s)));
        name.extend([(Nid::ORGANIZATIONNAME, org), (Nid::COMMONNAME, cn)]);
        CertSpec {
            what,
            name,
            profile,
            not_before: 0,
            not_after: 0,
        }
    }

    /// Valid from `not_before` to `not_after`, in seconds relative to now.
    pub(in crate::targets::pki) fn valid(mut self, not_before: i64, not_after: i64) -> Self {
        self.not_before = not_before;
        self.not_after = not_after;
        self
    }

    /// Issue the certificate for `key`; `issuer` is `None` for a self-signed CA.
    pub(in crate::targets::pki) fn issue(
        &self,
        key: &PKey<Private>,
        issuer: Option<(&X509, &PKey<Private>)>,
        now: i64,
    ) -> Result<X509, PkiError> {
        gen(self.what, issue(self, key, issuer, now))
    }
}

fn issue(
    spec: &CertSpec<'_>,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
    now: i64,
) -> Result<X509, ErrorStack> {
    let mut name = X509Name::builder()?;
    for (nid, value) in &spec.name {
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

/// A client identity as PKCS#12 (key, certificate and its CA), under the documented test
/// password.
pub(super) fn p12(
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
