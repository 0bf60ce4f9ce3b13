//! REST answers of the token-model services (SF1601) and of the token hops, read one way for
//! the runner's steps and the doctor's probes: XML or JSON data on 2xx, the platform's JSON
//! error (`errorCode`, `errorMessage`) as a [`Fault`] otherwise, and anything else (a
//! gateway's page, a body that is neither) as [`Unreadable`].

use crate::core::soap::{Fault, FaultError, Reply};
use crate::core::xml::{Element, Node};

/// A REST answer that is not the contract's XML or JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Why not: `not JSON (...)`, `an HTML page`, `an unexpected status`.
    pub reason: String,
    /// The first bytes of the body, redacted.
    pub snippet: String,
}

/// Sort a REST answer: data on 2xx (an empty body is [`Reply::Empty`]), the JSON or XML error
/// on 4xx/5xx as a fault whose code and text come from `errorCode`/`errorMessage` (or the
/// OAuth and SF1600 names for them).
pub fn reply(status: u16, content_type: Option<&str>, raw: &[u8]) -> Result<Reply, Unreadable> {
    // A gateway's or proxy's HTML page is not the service's answer, even when it parses.
    let html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"));
    let parsed = parse_body(raw).and_then(|el| {
        if html || el.local.eq_ignore_ascii_case("html") {
            Err("an HTML page".to_string())
        } else {
            Ok(el)
        }
    });
    match (status, parsed) {
        (200..=299, _) if raw.iter().all(u8::is_ascii_whitespace) => Ok(Reply::Empty),
        (200..=299, Ok(el)) => Ok(Reply::Payload(el)),
        (_, Ok(el)) if status >= 400 => {
            let pick = |names: &[&str]| {
                names
                    .iter()
                    .find_map(|n| el.child(n).map(|e| e.text()))
                    .unwrap_or_default()
            };
            let code = pick(&["errorCode", "error", "code", "FejlKode"]);
            let text = pick(&["errorMessage", "error_description", "message", "FejlTekst"]);
            Ok(Reply::Fault(Fault {
                code: if code.is_empty() {
                    format!("HTTP {status}")
                } else {
                    code.clone()
                },
                string: text.clone(),
                errors: vec![FaultError { code, text }],
                detail: Some(el),
            }))
        }
        (_, parsed) => Err(Unreadable {
            reason: parsed
                .err()
                .unwrap_or_else(|| "an unexpected status".into()),
            snippet: crate::evidence::redact::snippet(raw, 300),
        }),
    }
}

/// XML, or JSON turned into an element tree (`<json>` root, one element per key, arrays as
/// repeated elements), so field paths and snapshots work the same for both.
pub fn parse_body(raw: &[u8]) -> Result<Element, String> {
    let trimmed = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| raw[i]);
    if matches!(trimmed, Some(b'{') | Some(b'[')) {
        let v: serde_json::Value =
            serde_json::from_slice(raw).map_err(|e| format!("not JSON ({e})"))?;
        return Ok(json_element("json", &v));
    }
    crate::core::xml::parse(raw).map_err(|e| e.to_string())
}

pub fn json_element(name: &str, v: &serde_json::Value) -> Element {
    let mut el = Element::new(None, name);
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                match v {
                    serde_json::Value::Array(items) => {
                        for i in items {
                            el.children.push(Node::Element(json_element(k, i)));
                        }
                    }
                    other => el.children.push(Node::Element(json_element(k, other))),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for i in items {
                el.children.push(Node::Element(json_element("item", i)));
            }
        }
        serde_json::Value::String(s) => el.children.push(Node::Text(s.clone())),
        serde_json::Value::Null => {}
        other => el.children.push(Node::Text(other.to_string())),
    }
    el
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_sorted_into_data_faults_and_unreadable_bodies() {
        let ok = reply(200, Some("application/json"), br#"{"result":true}"#).unwrap();
        assert!(matches!(ok, Reply::Payload(ref p) if p.child("result").unwrap().text() == "true"));
        assert_eq!(reply(200, None, b" \n").unwrap(), Reply::Empty);
        let Reply::Fault(f) = reply(
            403,
            Some("application/json"),
            br#"{"errorCode":"NoServiceAgreement","errorMessage":"no"}"#,
        )
        .unwrap() else {
            panic!("a JSON error is a fault")
        };
        assert_eq!(f.codes()[0], "NoServiceAgreement");
        assert_eq!(f.string, "no");
        let Reply::Fault(f) = reply(401, None, b"{}").unwrap() else {
            panic!("an error without a code is a fault too")
        };
        assert_eq!(f.code, "HTTP 401");
        let e = reply(
            502,
            Some("text/html"),
            b"<html><body>Bad gateway</body></html>",
        )
        .unwrap_err();
        assert_eq!(e.reason, "an HTML page");
        assert!(e.snippet.contains("Bad gateway"));
        assert!(reply(200, None, b"{not json")
            .unwrap_err()
            .reason
            .starts_with("not JSON"));
        assert_eq!(
            reply(302, None, b"{}").unwrap_err().reason,
            "an unexpected status"
        );
    }
}
