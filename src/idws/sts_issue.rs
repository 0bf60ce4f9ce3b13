//! What an STS issues, for the mock STS and the tests: a holder-of-key SAML 2.0 assertion for
//! one audience and CVR (8 h, signed by the STS's key with an enveloped signature), and the
//! signed RSTR answer that carries it unchanged and relates to the request's MessageID.

use super::parts::{binary_security_token, bst_key_info, envelope_start, exclusive, timestamp};
use super::signature::{sign, Reference, Template, Transform};
use super::sts_request::certificate_b64;
use super::xml::escape;
use super::{ns, time_fmt, IdwsError, ASSERTION_LIFETIME};
use crate::targets::pki::Identity;
use time::OffsetDateTime;

/// What the assertion says.
#[derive(Debug, Clone, Copy)]
pub struct Issue<'a> {
    /// The STS's entity (`saml:Issuer`).
    pub issuer: &'a str,
    /// The service's entityID (`Audience`).
    pub audience: &'a str,
    /// The authority's CVR (`CvrNumberIdentifier`).
    pub cvr: &'a str,
    /// The client certificate the assertion binds (holder-of-key), base64 DER.
    pub holder_der_b64: &'a str,
    /// The holder's subject (`NameID`, X509SubjectName).
    pub holder_subject: &'a str,
}

/// A signed holder-of-key assertion, valid from `now` for [`ASSERTION_LIFETIME`].
pub fn assertion(
    issue: &Issue<'_>,
    sts: &Identity,
    now: OffsetDateTime,
) -> Result<String, IdwsError> {
    let id = super::new_id("A");
    let (from, until) = (
        time_fmt::format(now),
        time_fmt::format(now + ASSERTION_LIFETIME),
    );
    let attribute = |name: &str, value: &str| {
        format!(
            "<saml:Attribute Name=\"{name}\"><saml:AttributeValue>{}</saml:AttributeValue></saml:Attribute>",
            escape(value)
        )
    };
    let before = format!(
        "<saml:Assertion xmlns:saml=\"{}\" ID=\"{id}\" IssueInstant=\"{from}\" Version=\"2.0\">\
         <saml:Issuer>{}</saml:Issuer>",
        ns::SAML,
        escape(issue.issuer)
    );
    let after = format!(
        "<saml:Subject><saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName\">{}</saml:NameID>\
         <saml:SubjectConfirmation Method=\"{}\"><saml:SubjectConfirmationData \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"saml:KeyInfoConfirmationDataType\">\
         <ds:KeyInfo xmlns:ds=\"{}\"><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\
         </saml:SubjectConfirmationData></saml:SubjectConfirmation></saml:Subject>\
         <saml:Conditions NotBefore=\"{from}\" NotOnOrAfter=\"{until}\"><saml:AudienceRestriction>\
         <saml:Audience>{}</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
         <saml:AttributeStatement>{}{}{}</saml:AttributeStatement></saml:Assertion>",
        escape(issue.holder_subject),
        ns::HOLDER_OF_KEY,
        ns::DS,
        issue.holder_der_b64,
        escape(issue.audience),
        attribute(ns::CVR_CLAIM, issue.cvr),
        attribute("dk:gov:saml:attribute:AssuranceLevel", "3"),
        attribute("dk:gov:saml:attribute:SpecVer", "DK-SAML-2.0"),
    );
    let key_info = format!(
        "<ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data>",
        certificate_b64(sts)?
    );
    sign(
        &Template { before, after },
        &[Reference::new(&id, Transform::Enveloped)],
        &key_info,
        &sts.key,
    )
}

/// The STS's SOAP 1.2 answer: the assertion unchanged in an RSTR, `RelatesTo` the request,
/// signed by the STS over Action, RelatesTo, Timestamp and Body.
pub fn answer(
    assertion: &str,
    audience: &str,
    relates_to: &str,
    sts: &Identity,
    now: OffsetDateTime,
) -> Result<String, IdwsError> {
    let ids: Vec<String> = ["action", "relates", "X509", "BODY"]
        .iter()
        .map(|p| super::new_id(p))
        .collect();
    let (ts, ts_ref) = timestamp(now);
    let mut refs = exclusive(&[ids[0].clone(), ids[1].clone(), ids[3].clone()]);
    refs.push(ts_ref);
    let before = format!(
        "{}<s:Header><wsa:Action wsu:Id=\"{}\">{}</wsa:Action><wsa:RelatesTo wsu:Id=\"{}\">{}</wsa:RelatesTo>\
         <wsse:Security s:mustUnderstand=\"true\">{ts}{}",
        envelope_start(ns::SOAP12, ""),
        ids[0],
        ns::ISSUE_FINAL_ACTION,
        ids[1],
        escape(relates_to),
        binary_security_token(&certificate_b64(sts)?, Some(&ids[2])),
    );
    let after = format!(
        "</wsse:Security></s:Header><s:Body wsu:Id=\"{}\"><wst:RequestSecurityTokenResponseCollection xmlns:wst=\"{}\">\
         <wst:RequestSecurityTokenResponse><wst:TokenType>{}</wst:TokenType>\
         <wst:RequestedSecurityToken>{assertion}</wst:RequestedSecurityToken>\
         <wsp:AppliesTo xmlns:wsp=\"{}\"><wsa:EndpointReference><wsa:Address>{}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>\
         <wst:Lifetime><wsu:Created>{}</wsu:Created><wsu:Expires>{}</wsu:Expires></wst:Lifetime>\
         </wst:RequestSecurityTokenResponse></wst:RequestSecurityTokenResponseCollection></s:Body></s:Envelope>",
        ids[3],
        ns::WST,
        ns::SAML2_TOKEN,
        ns::WSP,
        escape(audience),
        time_fmt::format(now),
        time_fmt::format(now + ASSERTION_LIFETIME),
    );
    let key_info = bst_key_info(&ids[2]);
    sign(&Template { before, after }, &refs, &key_info, &sts.key)
}
