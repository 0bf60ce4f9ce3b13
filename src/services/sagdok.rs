//! OIO sagdok 3.0.0 generics shared by the OIO-style services (SF1470 v6, the modelled ØiR):
//! `StandardRetur`, the shape errors and readers their messages share (a required child, only
//! the children the schema allows), and a small writer for building them.
//!
//! `StandardRetur{StatusKode, FejlbeskedTekst?}` in `urn:oio:sagdok:3.0.0` is public (the SF1600
//! contract package ships it; serviceplatform.md §3): StatusKode is an integer, 20 = OK.

use crate::core::soap::{AUTCTX_NS, CALLCTX_NS, INVCTX_NS};
use crate::core::xml::{self, Element};

pub const NS: &str = "urn:oio:sagdok:3.0.0";

/// 20 = OK is public (serviceplatform.md §3).
pub const STATUS_OK: i64 = 20;
/// An input error. Seen as the error answer of a Beskedfordeler receiver (BFD, M); used by the
/// mock for every refusal of the caller's data. Modelled.
pub const STATUS_INPUT_ERROR: i64 = 40;
/// The object asked for does not exist. Modelled.
pub const STATUS_NOT_FOUND: i64 = 44;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SagdokError {
    #[error("<{parent}> lacks <{element}>")]
    Missing {
        parent: String,
        element: &'static str,
    },
    #[error("StatusKode '{0}' is not an integer")]
    BadStatusKode(String),
}

/// What is wrong with the shape of an OIO message (SF1470, ØiR): one error type for
/// the reading helpers both services share. Values are CPR-masked (a party URN carries one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    #[error("expected <{expected}> in namespace {ns}, got <{found}> in namespace {found_ns}")]
    Unexpected {
        expected: String,
        ns: &'static str,
        found: String,
        found_ns: String,
    },
    #[error("<{parent}> lacks <{element}>")]
    Missing { parent: String, element: String },
    #[error("<{element}> '{value}' is not valid: {reason}")]
    Invalid {
        element: String,
        value: String,
        reason: String,
    },
    #[error("<{element}> is unexpected in <{parent}>")]
    Extra { parent: String, element: String },
    #[error(transparent)]
    Sagdok(#[from] SagdokError),
}

pub fn invalid(element: &str, value: &str, reason: impl Into<String>) -> ShapeError {
    ShapeError::Invalid {
        element: element.to_string(),
        value: crate::evidence::redact::mask_cpr(value),
        reason: reason.into(),
    }
}

pub fn missing(parent: &Element, element: &str) -> ShapeError {
    ShapeError::Missing {
        parent: parent.local.clone(),
        element: element.to_string(),
    }
}

/// The element is `local` in namespace `ns`.
pub fn expect(el: &Element, ns: &'static str, local: &str) -> Result<(), ShapeError> {
    if el.local == local && el.ns.as_deref() == Some(ns) {
        Ok(())
    } else {
        Err(ShapeError::Unexpected {
            expected: local.to_string(),
            ns,
            found: el.local.clone(),
            found_ns: el.ns.clone().unwrap_or_else(|| "(none)".into()),
        })
    }
}

/// The child `local` in `ns`, which the message must have.
pub fn required<'a>(el: &'a Element, ns: &str, local: &str) -> Result<&'a Element, ShapeError> {
    child_ns(el, ns, local).ok_or_else(|| missing(el, local))
}

/// Every child of `el` is one of `allowed`, in namespace `ns`.
pub fn only_children(el: &Element, ns: &str, allowed: &[&str]) -> Result<(), ShapeError> {
    only(el, |c| is_one_of(c, ns, allowed))
}

/// A request wrapper: the security contexts, then only `allowed` in namespace `ns`.
pub fn only_contexts_and(el: &Element, ns: &str, allowed: &[&str]) -> Result<(), ShapeError> {
    only(el, |c| is_context(c) || is_one_of(c, ns, allowed))
}

fn only(el: &Element, ok: impl Fn(&Element) -> bool) -> Result<(), ShapeError> {
    match el.elements().find(|c| !ok(c)) {
        Some(c) => Err(ShapeError::Extra {
            parent: el.local.clone(),
            element: c.local.clone(),
        }),
        None => Ok(()),
    }
}

fn is_one_of(c: &Element, ns: &str, allowed: &[&str]) -> bool {
    c.ns.as_deref() == Some(ns) && allowed.contains(&c.local.as_str())
}

/// CallContext, AuthorityContext or InvocationContext: the security model's part of a
/// request, which the platform reads before the service does.
fn is_context(c: &Element) -> bool {
    matches!(
        (c.local.as_str(), c.ns.as_deref()),
        ("CallContext", Some(CALLCTX_NS))
            | ("AuthorityContext", Some(AUTCTX_NS))
            | ("InvocationContext", Some(INVCTX_NS))
    )
}

/// `StandardRetur`: the outcome of an OIO operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardRetur {
    pub status_kode: i64,
    pub fejlbesked: Option<String>,
}

impl StandardRetur {
    pub fn ok() -> StandardRetur {
        StandardRetur {
            status_kode: STATUS_OK,
            fejlbesked: None,
        }
    }

    pub fn error(status_kode: i64, text: impl Into<String>) -> StandardRetur {
        StandardRetur {
            status_kode,
            fejlbesked: Some(text.into()),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.status_kode == STATUS_OK
    }

    /// `StatusKode 40: text` for messages.
    pub fn summary(&self) -> String {
        match &self.fejlbesked {
            Some(t) if !t.is_empty() => format!("StatusKode {}: {t}", self.status_kode),
            _ => format!("StatusKode {}", self.status_kode),
        }
    }

    /// Write as `sd:StandardRetur` (the writer must have `sd` bound to [`NS`]).
    pub fn write(&self, w: &mut Writer) {
        w.open("sd:StandardRetur");
        w.leaf("sd:StatusKode", &self.status_kode.to_string());
        if let Some(t) = &self.fejlbesked {
            w.leaf("sd:FejlbeskedTekst", t);
        }
        w.close("sd:StandardRetur");
    }
}

/// Read a `StandardRetur` element.
pub fn parse_standard_retur(el: &Element) -> Result<StandardRetur, SagdokError> {
    let code = child_ns(el, NS, "StatusKode").ok_or(SagdokError::Missing {
        parent: el.local.clone(),
        element: "StatusKode",
    })?;
    let text = code.text();
    let status_kode = text
        .parse::<i64>()
        .map_err(|_| SagdokError::BadStatusKode(text.clone()))?;
    Ok(StandardRetur {
        status_kode,
        fejlbesked: child_ns(el, NS, "FejlbeskedTekst").map(|e| e.text()),
    })
}

/// The `StandardRetur` child of an output element.
pub fn standard_retur_of(output: &Element) -> Result<StandardRetur, SagdokError> {
    let sr = child_ns(output, NS, "StandardRetur").ok_or(SagdokError::Missing {
        parent: output.local.clone(),
        element: "StandardRetur",
    })?;
    parse_standard_retur(sr)
}

/// First child with this namespace and local name.
pub fn child_ns<'a>(el: &'a Element, ns: &str, local: &str) -> Option<&'a Element> {
    el.elements()
        .find(|e| e.local == local && e.ns.as_deref() == Some(ns))
}

/// All children with this namespace and local name.
pub fn children_ns<'a>(
    el: &'a Element,
    ns: &'a str,
    local: &'a str,
) -> impl Iterator<Item = &'a Element> + 'a {
    el.elements()
        .filter(move |e| e.local == local && e.ns.as_deref() == Some(ns))
}

/// A minimal XML writer: fixed prefixes, escaped text. The OIO-style services build their
/// messages with it so every element name comes from their `model` block.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    /// `<name xmlns:p="ns" ...>`; `decls` are (prefix, namespace).
    pub fn open_with(&mut self, name: &str, decls: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (p, ns) in decls {
            self.out
                .push_str(&format!(" xmlns:{p}=\"{}\"", xml::escape(ns)));
        }
        self.out.push('>');
    }

    pub fn open(&mut self, name: &str) {
        self.open_with(name, &[]);
    }

    pub fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    pub fn leaf(&mut self, name: &str, text: &str) {
        self.open(name);
        self.out.push_str(&xml::escape(text));
        self.close(name);
    }

    /// Already serialised XML (e.g. the InvocationContext element).
    pub fn raw(&mut self, xml: &str) {
        self.out.push_str(xml);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        xml::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn standard_retur_round_trips_and_bad_codes_are_errors() {
        let mut w = Writer::new();
        w.open_with("x:Out", &[("x", "urn:x"), ("sd", NS)]);
        StandardRetur::error(40, "a < b & c").write(&mut w);
        w.close("x:Out");
        let out = el(&w.finish());
        let sr = standard_retur_of(&out).unwrap();
        assert_eq!(sr.status_kode, 40);
        assert_eq!(sr.fejlbesked.as_deref(), Some("a < b & c"));
        assert!(!sr.is_ok());
        assert_eq!(sr.summary(), "StatusKode 40: a < b & c");

        let bad = el(
            r#"<Out xmlns:sd="urn:oio:sagdok:3.0.0"><sd:StandardRetur><sd:StatusKode>OK</sd:StatusKode></sd:StandardRetur></Out>"#,
        );
        assert_eq!(
            standard_retur_of(&bad).unwrap_err(),
            SagdokError::BadStatusKode("OK".into())
        );
        let none = el(r#"<Out><StandardRetur><StatusKode>20</StatusKode></StandardRetur></Out>"#);
        assert!(
            matches!(standard_retur_of(&none), Err(SagdokError::Missing { .. })),
            "the namespace matters"
        );
    }
}
