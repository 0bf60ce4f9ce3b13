//! A stub's request pattern and how it is matched against one request.
//!
//! The rule: a request is looked at once. Method, URL and headers are compared first (cheap,
//! and most stubs differ there); the body is decoded and parsed only when a body matcher
//! asks, and then once for every stub that asks ([`Body`]).

use std::borrow::Cow;
use std::cell::OnceCell;

use http::{HeaderName, Method};
use regex::Regex;
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
    Contains(String),
    Matches(Regex),
    EqualToXml(CanonicalElement),
    XPath {
        xpath: XPathExpr,
        value: Option<StringMatcher>,
    },
}

/// A request body as the body matchers see it, each view made on first use and kept for
/// the other stubs: the text (lossy UTF-8), its canonical XML, the fast path's tree, its
/// sxd document (only for expressions outside the fast path).
pub(crate) struct Body<'r> {
    raw: &'r [u8],
    text: OnceCell<Cow<'r, str>>,
    canonical: OnceCell<Option<CanonicalElement>>,
    tree: OnceCell<Option<Tree>>,
    document: OnceCell<Option<Package>>,
}

impl<'r> Body<'r> {
    pub(crate) fn new(raw: &'r [u8]) -> Body<'r> {
        Body {
            raw,
            text: OnceCell::new(),
            canonical: OnceCell::new(),
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
        self.headers.iter().all(header_matches) && self.body.iter().all(|m| m.matches(body))
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
    fn matches(&self, url: &reqwest::Url) -> bool {
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
    /// A body that is not XML matches neither `equalToXml` nor `matchesXPath`.
    fn matches(&self, body: &Body<'_>) -> bool {
        match self {
            BodyMatcher::Contains(part) => body.text().contains(part.as_str()),
            BodyMatcher::Matches(regex) => regex.is_match(body.text()),
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
