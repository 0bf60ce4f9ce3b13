//! A stub's request pattern and how it is matched against one request.
//!
//! The rule: a request is looked at once. Method, URL and headers are compared first (cheap,
//! and most stubs differ there); the body is decoded and parsed only when a body matcher
//! asks, and then once for every stub that asks ([`Body`]).

use std::borrow::Cow;
use std::cell::OnceCell;

use http::{HeaderName, Method};
use regex::Regex;
use serde_json::Value;
use sxd_document::Package;

use super::xml::{self, CanonicalElement, FastSelected, Tree, XPathExpr};
use crate::platform::request::Request;

#[derive(Debug, Clone)]
pub(crate) struct RequestPattern {
    /// `None` matches any method.
    pub method: Option<Method>,
    pub url: UrlMatcher,
    pub headers: Vec<(HeaderName, StringMatcher)>,
    pub body: Vec<BodyMatcher>,
}

#[derive(Debug, Clone)]
pub(crate) enum UrlMatcher {
    Any,
    Exact(String),
    Path(String),
    PathRegex(Regex),
    UrlRegex(Regex),
}

#[derive(Debug, Clone)]
pub(crate) enum StringMatcher {
    EqualTo {
        value: String,
        case_insensitive: bool,
    },
    Contains(String),
    /// Anchored at both ends, dot-all.
    Matches(Regex),
}

#[derive(Debug, Clone)]
pub(crate) enum BodyMatcher {
    /// `equalTo`, `contains`, `matches` on the body's text.
    Text(StringMatcher),
    /// Equal as JSON: objects in any key order, numbers by value.
    EqualToJson(Value),
    EqualToXml(CanonicalElement),
    XPath {
        xpath: XPathExpr,
        value: Option<StringMatcher>,
    },
}

/// A request body as the body matchers see it, each view made on first use and kept for
/// the other stubs: the text (lossy UTF-8), its JSON, its canonical XML, the fast path's
/// tree, its sxd document (only for expressions outside the fast path).
pub(crate) struct Body<'r> {
    raw: &'r [u8],
    text: OnceCell<Cow<'r, str>>,
    canonical: OnceCell<Option<CanonicalElement>>,
    json: OnceCell<Option<Value>>,
    tree: OnceCell<Option<Tree>>,
    document: OnceCell<Option<Package>>,
}

impl<'r> Body<'r> {
    pub(crate) fn new(raw: &'r [u8]) -> Body<'r> {
        Body {
            raw,
            text: OnceCell::new(),
            canonical: OnceCell::new(),
            json: OnceCell::new(),
            tree: OnceCell::new(),
            document: OnceCell::new(),
        }
    }

    fn text(&self) -> &str {
        self.text.get_or_init(|| String::from_utf8_lossy(self.raw))
    }

    /// `None`: the body is not XML.
    fn canonical(&self) -> Option<&CanonicalElement> {
        self.canonical
            .get_or_init(|| CanonicalElement::parse(self.text()).ok())
            .as_ref()
    }

    /// `None`: the body is not JSON.
    fn json(&self) -> Option<&Value> {
        self.json
            .get_or_init(|| serde_json::from_str(self.text()).ok())
            .as_ref()
    }

    /// `None`: the body is not XML.
    fn tree(&self) -> Option<&Tree> {
        self.tree
            .get_or_init(|| xml::light_tree(self.text()))
            .as_ref()
    }

    /// `None`: the body is not XML.
    fn document(&self) -> Option<&Package> {
        self.document
            .get_or_init(|| xml::sxd_document(self.text()))
            .as_ref()
    }
}

impl RequestPattern {
    pub(crate) fn matches(&self, request: &Request, body: &Body<'_>) -> bool {
        if self.method.as_ref().is_some_and(|m| *m != request.method) {
            return false;
        }
        if !self.url.matches(&request.url) {
            return false;
        }
        let header_matches = |(name, matcher): &(HeaderName, StringMatcher)| {
            request
                .headers
                .get_all(name)
                .iter()
                .any(|v| matcher.matches(&String::from_utf8_lossy(v.as_bytes())))
        };
        // As in WireMock, a request without a body matches no body pattern, not even
        // `contains: ""`.
        let body_matches = match self.body.is_empty() {
            true => true,
            false => !request.body.is_empty() && self.body.iter().all(|m| m.matches(body)),
        };
        self.headers.iter().all(header_matches) && body_matches
    }
}

impl StringMatcher {
    pub(crate) fn matches(&self, actual: &str) -> bool {
        match self {
            StringMatcher::EqualTo {
                value,
                case_insensitive: false,
            } => actual == value,
            StringMatcher::EqualTo {
                value,
                case_insensitive: true,
            } => actual.to_lowercase() == value.to_lowercase(),
            StringMatcher::Contains(part) => actual.contains(part.as_str()),
            StringMatcher::Matches(regex) => regex.is_match(actual),
        }
    }
}

impl UrlMatcher {
    fn matches(&self, url: &url::Url) -> bool {
        let path = url.path();
        let path_and_query = || match url.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        };
        match self {
            UrlMatcher::Any => true,
            UrlMatcher::Exact(expected) => *expected == path_and_query(),
            UrlMatcher::Path(expected) => expected == path,
            UrlMatcher::PathRegex(regex) => regex.is_match(path),
            UrlMatcher::UrlRegex(regex) => regex.is_match(&path_and_query()),
        }
    }
}

impl BodyMatcher {
    /// A body that is not XML matches neither `equalToXml` nor `matchesXPath`, one that is
    /// not JSON no `equalToJson`.
    fn matches(&self, body: &Body<'_>) -> bool {
        match self {
            BodyMatcher::Text(m) => m.matches(body.text()),
            BodyMatcher::EqualToJson(expected) => {
                body.json().is_some_and(|j| json_equal(expected, j))
            }
            BodyMatcher::EqualToXml(expected) => body.canonical() == Some(expected),
            BodyMatcher::XPath { xpath, value } => {
                // The fast path answers existence, and the values of text nodes.
                let fast = xpath.fast().filter(|f| value.is_none() || f.selects_text());
                if let Some(fast) = fast {
                    let Some(tree) = body.tree() else {
                        return false;
                    };
                    return match (fast.select(tree), value) {
                        (FastSelected::Elements(n), _) => n > 0,
                        (FastSelected::Texts(t), None) => !t.is_empty(),
                        (FastSelected::Texts(t), Some(m)) => t.iter().any(|x| m.matches(x)),
                    };
                }
                let Some(nodes) = body.document().and_then(|d| xpath.select(d)) else {
                    return false;
                };
                match value {
                    None => !nodes.is_empty(),
                    Some(m) => nodes.iter().any(|n| m.matches(n)),
                }
            }
        }
    }
}

/// JSON equality as WireMock's `equalToJson` decides it: objects equal whatever their key
/// order, arrays in order, numbers by value (`1` = `1.0` = `1e0`; integers exactly).
fn json_equal(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Number(a), Value::Number(b)) => {
            match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(x), Some(y), ..) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, x)| b.get(k).is_some_and(|y| json_equal(x, y)))
        }
        (a, b) => a == b,
    }
}
