//! Reading the STS's answer (RSTR): a SOAP fault is a refusal; otherwise `wsa:RelatesTo` must
//! be our MessageID, and the `saml:Assertion` is cut out of the answer's text byte for byte
//! (re-serialising would break its signature) and must stand alone, signed, with an expiry.
//! Given the STS's certificate, the answer's and the assertion's signatures are checked too.

use super::c14n::{parse, MAX_XML};
use super::xml::{child, envelope, is, need};
use super::{ns, time_fmt, verify, Assertion, IdwsError, VerifyError};
use openssl::x509::X509Ref;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::NsReader;
use std::ops::Range;
use time::OffsetDateTime;

/// The assertion in `answer`, an RSTR relating to `message_id`. With `sts`, the answer's
/// signature and the assertion's (for `audience`) are verified with that certificate.
pub fn read(
    answer: &str,
    message_id: &str,
    sts: Option<(&X509Ref, &str)>,
    now: OffsetDateTime,
) -> Result<Assertion, IdwsError> {
    let malformed = |e: VerifyError| IdwsError::Malformed {
        detail: e.to_string(),
    };
    let doc = parse(answer).map_err(malformed)?;
    let root = doc
        .get_root_element()
        .ok_or_else(|| malformed(VerifyError::NotXml("empty".into())))?;
    // A fault is a refusal even in an envelope without a Header.
    if let Some(fault) = root
        .get_child_elements()
        .into_iter()
        .filter(|c| c.get_name() == "Body")
        .flat_map(|b| b.get_child_elements())
        .find(|c| c.get_name() == "Fault")
    {
        return Err(IdwsError::Refused {
            reason: fault_reason(&fault),
        });
    }
    let (header, body) = envelope(&root).map_err(malformed)?;
    let relates = child(&header, ns::WSA, "RelatesTo")
        .map(|r| r.get_content().trim().to_string())
        .unwrap_or_default();
    if relates != message_id {
        return Err(IdwsError::RelatesTo {
            expected: message_id.to_string(),
            got: relates,
        });
    }
    let span = assertion_span(answer).map_err(|detail| IdwsError::Malformed { detail })?;
    let xml = answer[span].to_string();
    let alone = parse(&xml).map_err(|e| IdwsError::Malformed {
        detail: format!(
            "the assertion does not stand alone (a namespace declared outside it?): {e}"
        ),
    })?;
    let node = alone
        .get_root_element()
        .filter(|n| is(n, ns::SAML, "Assertion"))
        .ok_or_else(|| malformed(VerifyError::Missing("saml:Assertion".into())))?;
    if child(&node, ns::DS, "Signature").is_none() {
        return Err(IdwsError::Unverified(VerifyError::Missing(
            "Assertion/Signature".into(),
        )));
    }
    let id = node
        .get_attribute_no_ns("ID")
        .ok_or_else(|| malformed(VerifyError::Missing("Assertion/@ID".into())))?;
    let expiry = need(&node, ns::SAML, "Conditions", "Assertion")
        .ok()
        .and_then(|c| c.get_attribute_no_ns("NotOnOrAfter"))
        .or_else(|| lifetime_expires(&body))
        .and_then(|t| time_fmt::parse(&t))
        .ok_or_else(|| {
            malformed(VerifyError::Missing(
                "Assertion/Conditions/@NotOnOrAfter or RSTR Lifetime/Expires".into(),
            ))
        })?;
    if let Some((cert, audience)) = sts {
        verify::sts_answer(answer, cert, now).map_err(IdwsError::Unverified)?;
        verify::assertion(&xml, cert, audience, now).map_err(IdwsError::Unverified)?;
    }
    Ok(Assertion::new(xml, id, expiry))
}

/// The RSTR's `Lifetime/Expires`, where the assertion does not say when it ends.
fn lifetime_expires(body: &libxml::tree::Node) -> Option<String> {
    let mut rstr = body.get_first_element_child()?;
    if is(&rstr, ns::WST, "RequestSecurityTokenResponseCollection") {
        rstr = child(&rstr, ns::WST, "RequestSecurityTokenResponse")?;
    }
    let lifetime = child(&rstr, ns::WST, "Lifetime")?;
    Some(child(&lifetime, ns::WSU, "Expires")?.get_content())
}

/// How many characters of a fault's reason are kept.
const MAX_REASON: usize = 300;

/// The fault's reason (SOAP 1.1 `faultstring`, SOAP 1.2 `Reason/Text`), on one line.
fn fault_reason(fault: &libxml::tree::Node) -> String {
    let text = fault
        .get_child_elements()
        .into_iter()
        .find(|c| c.get_name() == "faultstring" || c.get_name() == "Reason")
        .map(|c| c.get_content())
        .unwrap_or_default();
    let mut one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // A reason is a sentence, not a page.
    if let Some((cut, _)) = one_line.char_indices().nth(MAX_REASON) {
        one_line.truncate(cut);
        one_line.push('…');
    }
    if one_line.is_empty() {
        "a SOAP fault without a reason".into()
    } else {
        one_line
    }
}

/// Where the `saml:Assertion` that is the child of `wst:RequestedSecurityToken` stands in
/// `text`, start tag to end tag (an assertion anywhere else is not the token).
fn assertion_span(text: &str) -> Result<Range<usize>, String> {
    if text.len() > MAX_XML {
        return Err(format!("more than {MAX_XML} bytes"));
    }
    let mut reader = NsReader::from_str(text);
    // Per open element: is it RequestedSecurityToken?
    let mut open: Vec<bool> = Vec::new();
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (resolved, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("not well-formed XML: {e}"))?;
        let in_ns =
            |n: &str| matches!(resolved, ResolveResult::Bound(Namespace(b)) if b == n.as_bytes());
        match event {
            Event::Start(e)
                if in_ns(ns::SAML)
                    && e.local_name().as_ref() == b"Assertion"
                    && open.last() == Some(&true) =>
            {
                reader
                    .read_to_end(e.name())
                    .map_err(|e| format!("the assertion does not end: {e}"))?;
                let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
                return text
                    .get(start..end)
                    .map(|_| start..end)
                    .ok_or_else(|| "the assertion's place is not on a character boundary".into());
            }
            Event::Start(e) => {
                open.push(in_ns(ns::WST) && e.local_name().as_ref() == b"RequestedSecurityToken")
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Eof => {
                return Err("it holds no saml:Assertion in wst:RequestedSecurityToken".into())
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_span_is_the_element_with_its_bytes() {
        let text = "<r xmlns:s='urn:oasis:names:tc:SAML:2.0:assertion' xmlns:t='http://docs.oasis-open.org/ws-sx/ws-trust/200512'>\
                    <s:Assertion ID='elsewhere'><s:Issuer>not this</s:Issuer></s:Assertion><t:RequestedSecurityToken>\n  \
                    <s:Assertion  ID='x' >\n\t<s:Issuer>i</s:Issuer>  </s:Assertion ></t:RequestedSecurityToken>\n</r>";
        let span = assertion_span(text).unwrap();
        assert_eq!(
            &text[span],
            "<s:Assertion  ID='x' >\n\t<s:Issuer>i</s:Issuer>  </s:Assertion >"
        );
        assert!(assertion_span("<r/>").is_err());
        assert!(assertion_span("<r><a>").is_err());
    }

    #[test]
    fn a_fault_is_a_refusal_with_its_reason() {
        let answer = "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body><s:Fault>\
                      <s:Code><s:Value>s:Sender</s:Value></s:Code><s:Reason><s:Text>No serviceaftale\n for CVR</s:Text></s:Reason>\
                      </s:Fault></s:Body></s:Envelope>";
        let e = read(answer, "urn:uuid:1", None, OffsetDateTime::now_utc()).unwrap_err();
        assert!(
            matches!(&e, IdwsError::Refused { reason } if reason == "No serviceaftale for CVR")
        );
        assert_eq!(
            crate::error::Classified::exit_code(&e),
            crate::error::ExitCode::Unreachable
        );
    }

    #[test]
    fn an_unsigned_assertion_breaks_the_contract() {
        let answer = "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope' xmlns:a='http://www.w3.org/2005/08/addressing'>\
                      <s:Header><a:RelatesTo>urn:uuid:1</a:RelatesTo></s:Header><s:Body>\
                      <t:RequestSecurityTokenResponse xmlns:t='http://docs.oasis-open.org/ws-sx/ws-trust/200512'><t:RequestedSecurityToken>\
                      <saml:Assertion xmlns:saml='urn:oasis:names:tc:SAML:2.0:assertion' ID='x'>\
                      <saml:Conditions NotOnOrAfter='2099-01-01T00:00:00Z'/></saml:Assertion></t:RequestedSecurityToken>\
                      </t:RequestSecurityTokenResponse></s:Body></s:Envelope>";
        let e = read(answer, "urn:uuid:1", None, OffsetDateTime::now_utc()).unwrap_err();
        assert!(matches!(e, IdwsError::Unverified(_)), "{e:?}");
        assert_eq!(
            crate::error::Classified::exit_code(&e),
            crate::error::ExitCode::ContractFailed
        );
        let e = read(answer, "urn:uuid:2", None, OffsetDateTime::now_utc()).unwrap_err();
        assert!(matches!(e, IdwsError::RelatesTo { .. }), "{e:?}");
        // Signed (as far as this reading goes), without NotOnOrAfter: the RSTR's Lifetime.
        let lifetime = answer
            .replace(
                "<saml:Conditions NotOnOrAfter='2099-01-01T00:00:00Z'/>",
                "<ds:Signature xmlns:ds='http://www.w3.org/2000/09/xmldsig#'/>",
            )
            .replace(
                "</t:RequestedSecurityToken>",
                "</t:RequestedSecurityToken><t:Lifetime><u:Expires xmlns:u='http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd'>\
                 2099-02-01T00:00:00Z</u:Expires></t:Lifetime>",
            );
        let a = read(&lifetime, "urn:uuid:1", None, OffsetDateTime::now_utc()).unwrap();
        assert_eq!(
            a.not_on_or_after(),
            time::macros::datetime!(2099-02-01 00:00 UTC)
        );
        let e = read("<nope", "urn:uuid:2", None, OffsetDateTime::now_utc()).unwrap_err();
        assert!(matches!(e, IdwsError::Malformed { .. }), "{e:?}");
    }
}
