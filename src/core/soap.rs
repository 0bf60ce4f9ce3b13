//! SOAP 1.1 envelopes: building requests and reading responses and faults.
//!
//! The context security models put InvocationContext / AuthorityContext inside the request
//! payload, not in SOAP headers; a Header carries only what a contract declares there
//! (SF1470's `RequestHeader`).

use crate::core::xml::{self, Element, XmlError};

pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
pub const SPF_NS: &str = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/";
pub const INVCTX_NS: &str = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/";
pub const AUTCTX_NS: &str = "http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/";
pub const CALLCTX_NS: &str = "http://serviceplatformen.dk/xml/schemas/CallContext/1/";

/// Wrap a payload (one element, already serialised) in a SOAP 1.1 envelope.
pub fn envelope(payload: &str) -> String {
    envelope_with_header(None, payload)
}

/// A SOAP 1.1 envelope whose Header holds `header` (serialised elements), if given.
pub fn envelope_with_header(header: Option<&str>, payload: &str) -> String {
    let header = header
        .map(|h| format!("<soapenv:Header>{h}</soapenv:Header>"))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope xmlns:soapenv=\"{SOAP11_NS}\">{header}<soapenv:Body>{payload}</soapenv:Body></soapenv:Envelope>"
    )
}

/// A SOAP fault with the Serviceplatform error list (`ServiceplatformFault/ErrorList/Error`)
/// when the detail carries one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub code: String,
    pub string: String,
    pub errors: Vec<FaultError>,
    /// The first element inside `detail`, for service-specific faults (e.g. SF2900's
    /// TransportKvittering, SF1600's dkal:Fejl).
    pub detail: Option<Element>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultError {
    pub code: String,
    pub text: String,
}

impl Fault {
    /// All codes a user may name in a feature: the ServiceplatformFault error codes, any
    /// `FejlKode` in the detail, and the SOAP faultcode (without prefix).
    pub fn codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self.errors.iter().map(|e| e.code.clone()).collect();
        if let Some(d) = &self.detail {
            let path: xml::Path = "//FejlKode".parse().expect("static path");
            codes.extend(d.select(&path).iter().map(|e| e.text()));
        }
        codes.push(
            self.code
                .rsplit(':')
                .next()
                .unwrap_or(&self.code)
                .to_string(),
        );
        codes
    }

    /// Every human text in the fault, for "the fault text contains ..." checks.
    pub fn texts(&self) -> Vec<String> {
        let mut t = vec![self.string.clone()];
        t.extend(self.errors.iter().map(|e| e.text.clone()));
        if let Some(d) = &self.detail {
            let path: xml::Path = "//FejlTekst".parse().expect("static path");
            t.extend(d.select(&path).iter().map(|e| e.text()));
        }
        t
    }

    /// One line for messages: `soap:Client: text [CODE: text; ...]`.
    pub fn summary(&self) -> String {
        let first_line = self.string.lines().next().unwrap_or("").trim();
        let mut s = format!("{}: {first_line}", self.code);
        if !self.errors.is_empty() {
            let list: Vec<String> = self
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.code, e.text))
                .collect();
            s.push_str(&format!(" [{}]", list.join("; ")));
        }
        s
    }
}

/// What a SOAP endpoint answered: the Body's payload element, or a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Payload(Element),
    /// A Body with no element (one-way style operations).
    Empty,
    Fault(Fault),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SoapError {
    #[error("the response is not XML: {0}")]
    Xml(#[from] XmlError),
    #[error("the response is XML but not a SOAP envelope (root element is <{0}>)")]
    NotEnvelope(String),
    #[error("the SOAP envelope has no Body")]
    NoBody,
    #[error("the SOAP fault has no faultstring/faultcode")]
    FaultWithoutCode,
}

/// Whether `status` is one a SOAP service answers with (200, or 500 with a fault). An answer
/// that is not SOAP under another status came from something in front of the service (a
/// gateway, a proxy, a login page): not the service judging the call.
pub fn is_service_status(status: u16) -> bool {
    status == 200 || status == 500
}

/// Parse a SOAP 1.1 (or 1.2) response body.
pub fn parse_reply(body: &[u8]) -> Result<Reply, SoapError> {
    let root = xml::parse(body)?;
    let is_env =
        root.local == "Envelope" && matches!(root.ns.as_deref(), Some(SOAP11_NS) | Some(SOAP12_NS));
    if !is_env {
        return Err(SoapError::NotEnvelope(root.local));
    }
    let body = root.child("Body").ok_or(SoapError::NoBody)?;
    let Some(first) = body.elements().next() else {
        return Ok(Reply::Empty);
    };
    if first.local == "Fault" && first.ns == root.ns {
        return parse_fault(first).map(Reply::Fault);
    }
    Ok(Reply::Payload(first.clone()))
}

fn parse_fault(f: &Element) -> Result<Fault, SoapError> {
    // SOAP 1.1: faultcode/faultstring/detail. SOAP 1.2: Code/Value, Reason/Text, Detail.
    let code = f.child("faultcode").map(|e| e.text()).or_else(|| {
        f.child("Code")
            .and_then(|c| c.child("Value"))
            .map(|e| e.text())
    });
    let string = f.child("faultstring").map(|e| e.text()).or_else(|| {
        f.child("Reason")
            .and_then(|c| c.child("Text"))
            .map(|e| e.text())
    });
    if code.is_none() && string.is_none() {
        return Err(SoapError::FaultWithoutCode);
    }
    let detail = f
        .child("detail")
        .or_else(|| f.child("Detail"))
        .and_then(|d| d.elements().next().cloned());
    let mut errors = Vec::new();
    if let Some(d) = &detail {
        let path: xml::Path = "//Error".parse().expect("static path");
        for e in d.select(&path) {
            if e.ns.as_deref() == Some(SPF_NS) {
                errors.push(FaultError {
                    code: e.child("ErrorCode").map(|c| c.text()).unwrap_or_default(),
                    text: e.child("ErrorText").map(|c| c.text()).unwrap_or_default(),
                });
            }
        }
    }
    Ok(Fault {
        code: code.unwrap_or_default(),
        string: string.unwrap_or_default(),
        errors,
        detail,
    })
}

/// Build a SOAP 1.1 fault envelope with a ServiceplatformFault detail (used by the mock).
pub fn fault_envelope(code: &str, string: &str, errors: &[FaultError]) -> String {
    let mut detail = String::new();
    if !errors.is_empty() {
        detail.push_str(&format!(
            "<detail><spf:ServiceplatformFault xmlns:spf=\"{SPF_NS}\"><spf:ErrorList>"
        ));
        for e in errors {
            detail.push_str(&format!(
                "<spf:Error><spf:ErrorCode>{}</spf:ErrorCode><spf:ErrorText>{}</spf:ErrorText></spf:Error>",
                xml::escape(&e.code),
                xml::escape(&e.text)
            ));
        }
        detail.push_str("</spf:ErrorList></spf:ServiceplatformFault></detail>");
    }
    envelope(&format!(
        "<soapenv:Fault><faultcode>{}</faultcode><faultstring>{}</faultstring>{detail}</soapenv:Fault>",
        xml::escape(code),
        xml::escape(string)
    ))
}

/// Build a SOAP 1.1 fault whose detail is a service-specific element (already serialised).
pub fn fault_envelope_with_detail(code: &str, string: &str, detail_xml: &str) -> String {
    envelope(&format!(
        "<soapenv:Fault><faultcode>{}</faultcode><faultstring>{}</faultstring><detail>{detail_xml}</detail></soapenv:Fault>",
        xml::escape(code),
        xml::escape(string)
    ))
}

/// The InvocationContext element (context security model). UUIDs are lower-cased: the
/// schema's UUID pattern allows lowercase only.
pub fn invocation_context(ctx: &InvocationContext) -> String {
    format!(
        "<invctx:InvocationContext xmlns:invctx=\"{INVCTX_NS}\">\
<invctx:ServiceAgreementUUID>{}</invctx:ServiceAgreementUUID>\
<invctx:UserSystemUUID>{}</invctx:UserSystemUUID>\
<invctx:UserUUID>{}</invctx:UserUUID>\
<invctx:ServiceUUID>{}</invctx:ServiceUUID>\
<invctx:CallersServiceCallIdentifier>{}</invctx:CallersServiceCallIdentifier>\
</invctx:InvocationContext>",
        ctx.service_agreement_uuid.to_ascii_lowercase(),
        ctx.user_system_uuid.to_ascii_lowercase(),
        ctx.user_uuid.to_ascii_lowercase(),
        ctx.service_uuid.to_ascii_lowercase(),
        xml::escape(&ctx.call_id),
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvocationContext {
    pub service_agreement_uuid: String,
    pub user_system_uuid: String,
    pub user_uuid: String,
    pub service_uuid: String,
    /// CallersServiceCallIdentifier: lets a vendor find the call in the platform's logs.
    pub call_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_payload_and_faults() {
        let ok = envelope("<a:X xmlns:a=\"urn:x\"><a:y>1</a:y></a:X>");
        match parse_reply(ok.as_bytes()).unwrap() {
            Reply::Payload(e) => assert_eq!(e.local, "X"),
            other => panic!("{other:?}"),
        }
        let f = fault_envelope(
            "soapenv:Client",
            "Adgang nægtet",
            &[FaultError {
                code: "SP-1".into(),
                text: "t & <u>".into(),
            }],
        );
        match parse_reply(f.as_bytes()).unwrap() {
            Reply::Fault(f) => {
                assert_eq!(f.string, "Adgang nægtet");
                assert_eq!(f.errors[0].text, "t & <u>");
                assert!(f.codes().contains(&"SP-1".to_string()));
                assert!(f.codes().contains(&"Client".to_string()));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fault_without_detail_is_read() {
        let f = envelope("<soapenv:Fault><faultcode>s:Server</faultcode><faultstring>boom</faultstring></soapenv:Fault>");
        let Reply::Fault(f) = parse_reply(f.as_bytes()).unwrap() else {
            panic!()
        };
        assert!(f.errors.is_empty() && f.detail.is_none());
        assert_eq!(f.summary(), "s:Server: boom");
    }

    #[test]
    fn non_soap_is_an_error() {
        assert!(matches!(
            parse_reply(b"<html><body>502</body></html>"),
            Err(SoapError::NotEnvelope(_))
        ));
        assert!(matches!(parse_reply(b"{\"a\":1}"), Err(SoapError::Xml(_))));
        assert!(matches!(
            parse_reply(
                b"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"/>"
            ),
            Err(SoapError::NoBody)
        ));
    }
}
