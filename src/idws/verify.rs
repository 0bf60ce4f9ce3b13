//! The checks the mock makes (and a client may make on an answer): a signed message's
//! references and signature value, the STR-Transform digest of the embedded assertion, the
//! assertion's own signature against the issuer's certificate, timestamps, the audience, and
//! that the message is signed with the holder-of-key certificate. Each failure is a
//! [`VerifyError`] naming what is wrong; the first failure found is the one reported.

use super::c14n::{by_id, id_of, parse};
use super::signature::{check, Covered};
use super::xml::{child, envelope, is, need, need_text};
use super::{ns, time_fmt, VerifyError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use libxml::tree::{Document, Node};
use openssl::x509::{X509Ref, X509};
use time::{Duration, OffsetDateTime};

/// How far a sender's clock may run ahead of ours (Created, NotBefore).
pub const CLOCK_SKEW: Duration = Duration::minutes(5);

/// What a verified STS request asks for.
#[derive(Debug, Clone)]
pub struct StsRequestFacts {
    pub message_id: String,
    pub to: String,
    /// `AppliesTo` (the service's entityID).
    pub audience: String,
    /// The CVR claim.
    pub cvr: String,
    /// The certificate that signed it (and is `UseKey`): the key the assertion will bind.
    pub certificate: X509,
}

/// What a verified assertion says.
#[derive(Debug, Clone)]
pub struct AssertionFacts {
    pub id: String,
    pub audience: String,
    pub cvr: Option<String>,
    pub not_on_or_after: OffsetDateTime,
    /// The holder-of-key certificate.
    pub holder: X509,
}

/// What a verified service call is.
#[derive(Debug, Clone)]
pub struct ServiceCallFacts {
    pub action: String,
    pub message_id: String,
    /// `wsa:To`: the endpoint the caller meant (the mock compares it with its own).
    pub to: String,
    pub assertion: AssertionFacts,
}

/// Check an STS issue request: the signature by the BinarySecurityToken's certificate over
/// Action, MessageID, To, Timestamp, the token and the Body; the timestamp; `UseKey` is that
/// same certificate.
pub fn sts_request(xml: &str, now: OffsetDateTime) -> Result<StsRequestFacts, VerifyError> {
    let m = secured(xml)?;
    let (header, body, security) = (&m.header, &m.body, &m.security);
    timestamp(security, now)?;
    let signature = need(security, ns::DS, "Signature", "Security")?;
    let bst = key_info_token(&m.doc, &signature)?;
    let signer = certificate(&bst.get_content(), "BinarySecurityToken")?;
    let key = public_key(&signer, "BinarySecurityToken")?;
    let covered = check(
        xml,
        &signature,
        &key,
        "certificate in the BinarySecurityToken",
    )?;
    for (local, part) in [
        ("Action", need(header, ns::WSA, "Action", "Header")?),
        ("MessageID", need(header, ns::WSA, "MessageID", "Header")?),
        ("To", need(header, ns::WSA, "To", "Header")?),
        (
            "Timestamp",
            need(security, ns::WSU, "Timestamp", "Security")?,
        ),
        ("BinarySecurityToken", bst.clone()),
        ("Body", body.clone()),
    ] {
        require(&covered, &part, local)?;
    }
    let action = need_text(header, ns::WSA, "Action", "Header")?;
    if action != ns::ISSUE_ACTION {
        return Err(VerifyError::Unsupported {
            what: "wsa:Action",
            detail: format!("{action:?}, expected {:?}", ns::ISSUE_ACTION),
        });
    }
    let rst = need(body, ns::WST, "RequestSecurityToken", "Body")?;
    let applies = need(&rst, ns::WSP, "AppliesTo", "RequestSecurityToken")?;
    let epr = need(&applies, ns::WSA, "EndpointReference", "AppliesTo")?;
    let claim = need(&rst, ns::WST, "Claims", "RequestSecurityToken")?
        .get_child_elements()
        .into_iter()
        .find(|c| {
            is(c, ns::AUTH, "ClaimType")
                && c.get_attribute_no_ns("Uri").as_deref() == Some(ns::CVR_CLAIM)
        })
        .ok_or_else(|| VerifyError::Missing(format!("Claims/ClaimType {}", ns::CVR_CLAIM)))?;
    let use_key = need(&rst, ns::WST, "UseKey", "RequestSecurityToken")?;
    let use_key = need(&use_key, ns::WSSE, "BinarySecurityToken", "UseKey")?;
    if certificate(&use_key.get_content(), "UseKey")?.to_der().ok() != signer.to_der().ok() {
        return Err(VerifyError::NotHolderOfKey);
    }
    Ok(StsRequestFacts {
        message_id: need_text(header, ns::WSA, "MessageID", "Header")?,
        to: need_text(header, ns::WSA, "To", "Header")?,
        audience: need_text(&epr, ns::WSA, "Address", "EndpointReference")?,
        cvr: need_text(&claim, ns::AUTH, "Value", "ClaimType")?,
        certificate: signer,
    })
}

/// Check a standalone assertion (as an STS issued it): its signature by `issuer`, its
/// validity at `now`, its audience.
pub fn assertion(
    xml: &str,
    issuer: &X509Ref,
    audience: &str,
    now: OffsetDateTime,
) -> Result<AssertionFacts, VerifyError> {
    let doc = parse(xml)?;
    let root = root(&doc)?;
    if !is(&root, ns::SAML, "Assertion") {
        return Err(VerifyError::Missing("saml:Assertion".into()));
    }
    assertion_node(xml, &root, issuer, audience, now)
}

/// Check a service call: the embedded assertion (signed by `issuer`, valid, for `audience`),
/// then the message's signature with the assertion's holder-of-key certificate over
/// Timestamp, the assertion (STR-Transform), Body, Action, MessageID, To, ReplyTo and the
/// Framework header when there is one; then the timestamp.
pub fn service_call(
    xml: &str,
    issuer: &X509Ref,
    audience: &str,
    now: OffsetDateTime,
) -> Result<ServiceCallFacts, VerifyError> {
    let m = secured(xml)?;
    let (header, body, security) = (&m.header, &m.body, &m.security);
    let embedded = need(security, ns::SAML, "Assertion", "Security")?;
    let facts = assertion_node(xml, &embedded, issuer, audience, now)?;
    let signature = need(security, ns::DS, "Signature", "Security")?;
    // The key must be the assertion's: KeyInfo names it by SAMLID.
    let named = need(&signature, ns::DS, "KeyInfo", "Signature")
        .and_then(|k| need(&k, ns::WSSE, "SecurityTokenReference", "KeyInfo"))
        .and_then(|s| need_text(&s, ns::WSSE, "KeyIdentifier", "SecurityTokenReference"))?;
    if named != facts.id {
        return Err(VerifyError::NotHolderOfKey);
    }
    let key = public_key(&facts.holder, "assertion")?;
    let covered = check(
        xml,
        &signature,
        &key,
        "holder-of-key certificate in the assertion",
    )?;
    let mut parts = vec![
        (
            "Timestamp",
            need(security, ns::WSU, "Timestamp", "Security")?,
        ),
        ("Assertion (through the STR-Transform)", embedded),
        ("Body", body.clone()),
    ];
    for local in ["Action", "MessageID", "To", "ReplyTo"] {
        parts.push((local, need(header, ns::WSA, local, "Header")?));
    }
    if let Some(framework) = child(header, ns::SBF, "Framework") {
        parts.push(("Framework", framework));
    }
    for (what, part) in &parts {
        require(&covered, part, what)?;
    }
    timestamp(security, now)?;
    Ok(ServiceCallFacts {
        action: need_text(header, ns::WSA, "Action", "Header")?,
        message_id: need_text(header, ns::WSA, "MessageID", "Header")?,
        to: need_text(header, ns::WSA, "To", "Header")?,
        assertion: facts,
    })
}

/// Check the signed answer of an STS with its certificate: Action, RelatesTo and Body signed.
pub fn sts_answer(xml: &str, sts: &X509Ref, now: OffsetDateTime) -> Result<(), VerifyError> {
    let m = secured(xml)?;
    let (header, body, security) = (&m.header, &m.body, &m.security);
    let signature = need(security, ns::DS, "Signature", "Security")?;
    let key = public_key(sts, "STS")?;
    let covered = check(xml, &signature, &key, "STS's certificate")?;
    require(
        &covered,
        &need(header, ns::WSA, "RelatesTo", "Header")?,
        "RelatesTo",
    )?;
    require(&covered, body, "Body")?;
    timestamp(security, now)
}

/// A parsed SOAP message with its Header, Body and `wsse:Security` header.
struct Secured {
    doc: Document,
    header: Node,
    body: Node,
    security: Node,
}

fn secured(xml: &str) -> Result<Secured, VerifyError> {
    let doc = parse(xml)?;
    let (header, body) = envelope(&root(&doc)?)?;
    let security = need(&header, ns::WSSE, "Security", "Header")?;
    Ok(Secured {
        doc,
        header,
        body,
        security,
    })
}

fn root(doc: &Document) -> Result<Node, VerifyError> {
    doc.get_root_element()
        .ok_or_else(|| VerifyError::NotXml("no root element".into()))
}

/// The assertion at `node` of the document `xml`.
fn assertion_node(
    xml: &str,
    node: &Node,
    issuer: &X509Ref,
    audience: &str,
    now: OffsetDateTime,
) -> Result<AssertionFacts, VerifyError> {
    let id = node
        .get_attribute_no_ns("ID")
        .ok_or_else(|| VerifyError::Missing("Assertion/@ID".into()))?;
    let signature = need(node, ns::DS, "Signature", "Assertion")?;
    let key = public_key(issuer, "issuer")?;
    let covered = check(xml, &signature, &key, "issuer's (STS's) certificate")?;
    require(&covered, node, "Assertion")?;
    let conditions = need(node, ns::SAML, "Conditions", "Assertion")?;
    let not_on_or_after = instant(&conditions, "NotOnOrAfter", "Conditions")?;
    let not_before = match conditions.get_attribute_no_ns("NotBefore") {
        Some(_) => Some(instant(&conditions, "NotBefore", "Conditions")?),
        None => None,
    };
    window("assertion", not_before, not_on_or_after, now)?;
    let got = need(&conditions, ns::SAML, "AudienceRestriction", "Conditions")
        .and_then(|r| need_text(&r, ns::SAML, "Audience", "AudienceRestriction"))?;
    if got != audience {
        return Err(VerifyError::Audience {
            expected: audience.to_string(),
            got,
        });
    }
    Ok(AssertionFacts {
        id,
        audience: got,
        cvr: cvr(node),
        not_on_or_after,
        holder: holder(node)?,
    })
}

/// The holder-of-key certificate of an assertion's subject confirmation.
fn holder(assertion: &Node) -> Result<X509, VerifyError> {
    let subject = need(assertion, ns::SAML, "Subject", "Assertion")?;
    let confirmation = subject
        .get_child_elements()
        .into_iter()
        .find(|c| {
            is(c, ns::SAML, "SubjectConfirmation")
                && c.get_attribute_no_ns("Method").as_deref() == Some(ns::HOLDER_OF_KEY)
        })
        .ok_or_else(|| VerifyError::Missing("a holder-of-key SubjectConfirmation".into()))?;
    let der = need(
        &confirmation,
        ns::SAML,
        "SubjectConfirmationData",
        "SubjectConfirmation",
    )
    .and_then(|d| need(&d, ns::DS, "KeyInfo", "SubjectConfirmationData"))
    .and_then(|k| need(&k, ns::DS, "X509Data", "KeyInfo"))
    .and_then(|x| need_text(&x, ns::DS, "X509Certificate", "X509Data"))?;
    certificate(&der, "assertion's SubjectConfirmation")
}

fn cvr(assertion: &Node) -> Option<String> {
    child(assertion, ns::SAML, "AttributeStatement")?
        .get_child_elements()
        .into_iter()
        .find(|a| a.get_attribute_no_ns("Name").as_deref() == Some(ns::CVR_CLAIM))
        .and_then(|a| child(&a, ns::SAML, "AttributeValue"))
        .map(|v| v.get_content().trim().to_string())
}

/// The `wsu:Timestamp` of a Security header is valid at `now`.
pub fn timestamp(security: &Node, now: OffsetDateTime) -> Result<(), VerifyError> {
    let ts = need(security, ns::WSU, "Timestamp", "Security")?;
    let created = instant_text(&ts, "Created")?;
    let expires = instant_text(&ts, "Expires")?;
    window("message's Timestamp", Some(created), expires, now)
}

/// `now` lies between `from` (less the sender's clock skew) and `until`.
fn window(
    what: &'static str,
    from: Option<OffsetDateTime>,
    until: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), VerifyError> {
    if let Some(from) = from.filter(|f| *f > now + CLOCK_SKEW) {
        return Err(VerifyError::NotYetValid {
            what,
            at: time_fmt::format(from),
        });
    }
    if until <= now {
        return Err(VerifyError::Expired {
            what,
            at: time_fmt::format(until),
        });
    }
    Ok(())
}

fn instant_text(ts: &Node, local: &str) -> Result<OffsetDateTime, VerifyError> {
    let text = need_text(ts, ns::WSU, local, "Timestamp")?;
    time_fmt::parse(&text).ok_or_else(|| VerifyError::Missing(format!("a valid Timestamp/{local}")))
}

fn instant(node: &Node, attribute: &str, what: &str) -> Result<OffsetDateTime, VerifyError> {
    node.get_attribute_no_ns(attribute)
        .and_then(|v| time_fmt::parse(&v))
        .ok_or_else(|| VerifyError::Missing(format!("a valid {what}/@{attribute}")))
}

/// `part` must be among what the signature covered (by its id, so a copy elsewhere in the
/// message cannot stand in for it).
fn require(covered: &[Covered], part: &Node, what: &str) -> Result<(), VerifyError> {
    match id_of(part) {
        Some(id) if covered.iter().any(|c| c.id == id) => Ok(()),
        _ => Err(VerifyError::NotCovered(what.to_string())),
    }
}

/// The BinarySecurityToken the signature's KeyInfo names by reference.
fn key_info_token(doc: &Document, signature: &Node) -> Result<Node, VerifyError> {
    let uri = need(signature, ns::DS, "KeyInfo", "Signature")
        .and_then(|k| need(&k, ns::WSSE, "SecurityTokenReference", "KeyInfo"))
        .and_then(|s| need(&s, ns::WSSE, "Reference", "SecurityTokenReference"))?
        .get_attribute_no_ns("URI")
        .unwrap_or_default();
    let token = by_id(doc, uri.trim_start_matches('#'))?;
    if is(&token, ns::WSSE, "BinarySecurityToken") {
        Ok(token)
    } else {
        Err(VerifyError::Missing(
            "the BinarySecurityToken the KeyInfo names".into(),
        ))
    }
}

fn certificate(b64: &str, what: &'static str) -> Result<X509, VerifyError> {
    let clean: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
    let der = B64.decode(clean).map_err(|e| VerifyError::Certificate {
        what,
        detail: e.to_string(),
    })?;
    crate::targets::pki::certificate_from_der(&der).map_err(|e| VerifyError::Certificate {
        what,
        detail: e.to_string(),
    })
}

fn public_key(
    cert: &X509Ref,
    what: &'static str,
) -> Result<openssl::pkey::PKey<openssl::pkey::Public>, VerifyError> {
    cert.public_key().map_err(|e| VerifyError::Certificate {
        what,
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idws::parts::{binary_security_token, bst_key_info, envelope_start, Request};
    use crate::idws::signature::{Reference, Transform};
    use crate::idws::{sts_issue, sts_request};
    use crate::targets::pki::{CertInfo, Identity};

    fn identity() -> Identity {
        let (key, cert) = crate::idws::test_key();
        Identity {
            cert: cert.clone(),
            key: key.clone(),
            chain: Vec::new(),
            info: CertInfo::from_x509(cert).unwrap(),
        }
    }

    fn der() -> String {
        B64.encode(identity().cert.to_der().unwrap())
    }

    #[test]
    fn a_request_whose_signature_leaves_out_the_body_is_refused() {
        let now = OffsetDateTime::now_utc();
        let mut r = Request::new(ns::ISSUE_ACTION, "https://sts.test/", now);
        let body_id = r.body_id.clone();
        r.refs.retain(|x| x.id != body_id);
        let before = format!(
            "{}<s:Header>{}<wsse:Security>{}{}",
            envelope_start(ns::SOAP12, ""),
            r.wsa,
            r.timestamp,
            binary_security_token(&der(), Some("X1"))
        );
        let id = identity();
        r.refs.push(Reference::new("X1", Transform::Exclusive));
        let signed = r
            .sign(before, "<x/>", &bst_key_info("X1"), &id.key)
            .unwrap();
        assert_eq!(
            sts_request(&signed.xml, now).unwrap_err(),
            VerifyError::NotCovered("Body".into())
        );
    }

    #[test]
    fn a_request_for_another_action_and_one_too_old_are_refused() {
        let now = OffsetDateTime::now_utc();
        let req = sts_request::StsRequest {
            sts_url: "https://sts.test/",
            audience: "urn:service",
            cvr: "29189846",
        };
        let signed = sts_request::build(&req, &identity(), now).unwrap();
        let late = sts_request(&signed.xml, now + Duration::minutes(6)).unwrap_err();
        assert!(matches!(late, VerifyError::Expired { .. }), "{late}");
        let early = sts_request(&signed.xml, now - Duration::minutes(6)).unwrap_err();
        assert!(matches!(early, VerifyError::NotYetValid { .. }), "{early}");
        // A changed Action breaks its digest first: the signature covers it.
        let other = signed.xml.replace("RST/Issue", "RST/Cancel");
        assert!(matches!(
            sts_request(&other, now),
            Err(VerifyError::Digest { element, .. }) if element == "Action"
        ));
    }

    #[test]
    fn an_assertion_past_its_8_hours_is_expired() {
        // To the millisecond, as the assertion writes it.
        let now = time_fmt::parse(&time_fmt::format(OffsetDateTime::now_utc())).unwrap();
        let id = identity();
        let issue = sts_issue::Issue {
            issuer: "https://sts.test/",
            audience: "urn:service",
            cvr: "29189846",
            holder_der_b64: &der(),
            holder_subject: "CN=x",
        };
        let xml = sts_issue::assertion(&issue, &id, now).unwrap();
        let facts = assertion(&xml, &id.cert, "urn:service", now).unwrap();
        assert_eq!(facts.not_on_or_after, now + crate::idws::ASSERTION_LIFETIME);
        let e = assertion(&xml, &id.cert, "urn:service", now + Duration::hours(8)).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "the assertion expired at {}",
                time_fmt::format(facts.not_on_or_after)
            )
        );
        let e = assertion(&xml, &id.cert, "urn:other", now).unwrap_err();
        assert!(matches!(e, VerifyError::Audience { .. }), "{e}");
    }
}
