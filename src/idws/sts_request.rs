//! The STS issue request: a SOAP 1.2 WS-Trust 1.3 `RequestSecurityToken` for one audience
//! (the service's entityID) and CVR, with the client certificate as PublicKey/UseKey,
//! signed with that certificate's key over Action, MessageID, To, ReplyTo, Timestamp, the
//! BinarySecurityToken and the Body (serviceplatform.md "OIO IDWS token model", step 1).

use super::parts::{binary_security_token, bst_key_info, envelope_start, Request};
use super::signature::{Reference, Transform};
use super::xml::escape;
use super::{ns, IdwsError, Signed};
use crate::targets::pki::Identity;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use time::OffsetDateTime;

/// What a token is asked for.
#[derive(Debug, Clone, Copy)]
pub struct StsRequest<'a> {
    /// The STS endpoint (`wsa:To`).
    pub sts_url: &'a str,
    /// The service's entityID (`AppliesTo`).
    pub audience: &'a str,
    /// The authority's CVR (the claim), 8 digits.
    pub cvr: &'a str,
}

/// The signed request; its `message_id` is what the answer's `RelatesTo` must say.
pub fn build(
    req: &StsRequest<'_>,
    identity: &Identity,
    now: OffsetDateTime,
) -> Result<Signed, IdwsError> {
    if !crate::core::ids::Cvr::is_valid(req.cvr) {
        return Err(IdwsError::Build {
            what: "STS request",
            detail: format!("the CVR {:?} is not 8 digits", req.cvr),
        });
    }
    if req.audience.trim().is_empty() {
        return Err(IdwsError::Build {
            what: "STS request",
            detail: "no audience (the service's entityID) was given".into(),
        });
    }
    let der = certificate_b64(identity)?;
    let mut r = Request::new(ns::ISSUE_ACTION, req.sts_url, now);
    let bst_id = super::new_id("X509");
    r.refs.push(Reference::new(&bst_id, Transform::Exclusive));
    let before = format!(
        "{}<s:Header>{}<wsse:Security s:mustUnderstand=\"true\">{}{}",
        envelope_start(ns::SOAP12, ""),
        r.wsa,
        r.timestamp,
        binary_security_token(&der, Some(&bst_id)),
    );
    let key_info = bst_key_info(&bst_id);
    r.sign(before, &rst(req, &der), &key_info, &identity.key)
}

fn rst(req: &StsRequest<'_>, der: &str) -> String {
    format!(
        "<wst:RequestSecurityToken xmlns:wst=\"{}\">\
         <wst:TokenType>{}</wst:TokenType>\
         <wst:RequestType>{}</wst:RequestType>\
         <wsp:AppliesTo xmlns:wsp=\"{}\"><wsa:EndpointReference><wsa:Address>{}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>\
         <wst:Claims Dialect=\"{auth}\"><auth:ClaimType xmlns:auth=\"{auth}\" Uri=\"{}\"><auth:Value>{}</auth:Value></auth:ClaimType></wst:Claims>\
         <wst:KeyType>{}</wst:KeyType>\
         <wst:UseKey>{}</wst:UseKey>\
         </wst:RequestSecurityToken>",
        ns::WST,
        ns::SAML2_TOKEN,
        ns::REQUEST_TYPE_ISSUE,
        ns::WSP,
        escape(req.audience),
        ns::CVR_CLAIM,
        escape(req.cvr),
        ns::KEY_TYPE_PUBLIC_KEY,
        binary_security_token(der, None),
        auth = ns::AUTH,
    )
}

/// The certificate's DER in base64, on one line.
pub(crate) fn certificate_b64(identity: &Identity) -> Result<String, IdwsError> {
    identity
        .cert
        .to_der()
        .map(|d| B64.encode(d))
        .map_err(|e| IdwsError::Certificate {
            detail: format!("cannot encode it as DER: {e}"),
        })
}
