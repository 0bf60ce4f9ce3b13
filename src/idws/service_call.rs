//! A service call with the OIO IDWS token: the Liberty `Framework` header (version 2.0,
//! namespaced `profile`) when the service wants it, the wsa headers, the service's own
//! (unsigned) headers, then `wsse:Security` with a Timestamp, the STS's assertion embedded
//! byte for byte, a SecurityTokenReference (SAMLID) and a signature with the holder-of-key
//! certificate's key whose references include the STR through the STR-Transform
//! (serviceplatform.md "OIO IDWS token model", step 2). SOAP 1.1 or 1.2 as the service says.

use super::parts::{envelope_start, Request};
use super::signature::{Reference, Transform};
use super::{ns, Assertion, IdwsError, Signed, SoapVersion};
use crate::targets::pki::Identity;
use time::OffsetDateTime;

/// One call to make.
#[derive(Debug, Clone, Copy)]
pub struct ServiceCall<'a> {
    pub soap: SoapVersion,
    /// The operation's soapAction (`wsa:Action`).
    pub action: &'a str,
    /// The endpoint (`wsa:To`).
    pub to: &'a str,
    /// The service's own headers as XML (SF1470: `RequestHeader`), not signed.
    pub service_headers: &'a str,
    /// The Body's content (the payload element) as XML.
    pub body: &'a str,
    /// Send the Liberty `Framework` header (SF1470: yes; Organisation v6: no).
    pub framework: bool,
}

/// The signed call. The assertion goes in unchanged; `identity` must be the certificate the
/// assertion binds (holder-of-key).
pub fn build(
    call: &ServiceCall<'_>,
    assertion: &Assertion,
    identity: &Identity,
    now: OffsetDateTime,
) -> Result<Signed, IdwsError> {
    let mut r = Request::new(call.action, call.to, now);
    let str_id = super::new_id("STR");
    r.refs.push(Reference::new(&str_id, Transform::Str));
    let framework = if call.framework {
        let id = super::new_id("SBF");
        r.refs.push(Reference::new(&id, Transform::Exclusive));
        format!(
            "<sbf:Framework wsu:Id=\"{id}\" version=\"2.0\" sbfprofile:profile=\"{}\"/>",
            ns::LIBERTY_BASIC
        )
    } else {
        String::new()
    };
    let must_understand = match call.soap {
        SoapVersion::Soap11 => "1",
        SoapVersion::Soap12 => "true",
    };
    let extra = format!(
        " xmlns:sbf=\"{}\" xmlns:sbfprofile=\"{}\"",
        ns::SBF,
        ns::SBF_PROFILE
    );
    let before = format!(
        "{}<s:Header>{framework}{}{}<wsse:Security s:mustUnderstand=\"{must_understand}\">{}{}{}",
        envelope_start(super::soap_namespace(call.soap), &extra),
        r.wsa,
        call.service_headers,
        r.timestamp,
        assertion.expose(),
        saml_reference(assertion.id(), Some(&str_id)),
    );
    let key_info = saml_reference(assertion.id(), None);
    r.sign(before, call.body, &key_info, &identity.key)
}

/// A SecurityTokenReference to the assertion by its ID (SAMLID), with an optional `wsu:Id`.
fn saml_reference(assertion_id: &str, id: Option<&str>) -> String {
    let id = id.map(|i| format!(" wsu:Id=\"{i}\"")).unwrap_or_default();
    format!(
        "<wsse:SecurityTokenReference{id} xmlns:wsse11=\"{}\" wsse11:TokenType=\"{}\">\
         <wsse:KeyIdentifier ValueType=\"{}\">{}</wsse:KeyIdentifier></wsse:SecurityTokenReference>",
        ns::WSSE11,
        ns::SAML2_TOKEN,
        ns::SAMLID,
        super::xml::escape(assertion_id)
    )
}
