//! The XML of the body matchers: semantic equality (`equalToXml`) on the project's own
//! namespace-aware tree (`core::xml`), and XPath 1.0 selection (`matchesXPath`) on
//! `sxd-document`/`sxd-xpath`, the one place that needs an XPath engine.
//!
//! The rule: no XML reaches sxd unless the depth scan of `core::xml` accepted it (sxd's
//! parser and evaluator recurse per element and per bracket), and every sxd evaluation runs
//! under `catch_unwind` (the crates were last released in 2018/2019). `sxd_xpath::XPath` and
//! `sxd_document::Package` are neither `Send` nor `Sync`, so matchers keep the expression
//! text (validated at load time) and each worker thread compiles it once, with its context,
//! into a bounded cache of its own ([`COMPILED`]); a request's body is parsed once for all
//! the matchers that look at it (`matcher::Body`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

use sxd_document::{parser, Package};
use sxd_xpath::nodeset::Node as Selected;
use sxd_xpath::{Context, Factory, Value, XPath};

use crate::core::xml::{self, Element, Node, XmlError};

mod fast;
mod print;
pub(crate) use fast::{FastPath, Selected as FastSelected, Tree};
use print::wiremock_print;

/// The `xml` prefix is bound in every XPath context, as in Java's XPath API.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// A byte-order mark and leading whitespace are not part of the document.
fn document(text: &str) -> &str {
    text.trim_start_matches('\u{feff}').trim_start()
}

/// `text` as the fast path's tree, or `None` when it is not XML or nests too deep (the
/// tree's parser keeps the depth limit in its one pass).
pub(crate) fn light_tree(text: &str) -> Option<Tree> {
    Tree::parse(document(text))
}

/// `text` as an sxd document, or `None` when it is not XML or nests deeper than every XML
/// walk of sp-contract allows (measured first: sxd's parser would overflow the stack).
pub(crate) fn sxd_document(text: &str) -> Option<Package> {
    let text = document(text);
    xml::check_depth(text).ok()?;
    parser::parse(text).ok()
}

/// Longest and most deeply bracketed XPath expression accepted: sxd-xpath's expression
/// parser recurses per bracket, and a mapping file is user input.
const MAX_XPATH_LEN: usize = 4096;
const MAX_XPATH_NESTING: usize = 32;

/// A document element reduced to what `equalToXml` compares: namespace URIs and local names
/// (not prefixes), attributes as a set (not in order, without `xmlns` declarations), trimmed
/// non-empty text. Comments and processing instructions are not compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CanonicalElement {
    namespace: Option<String>,
    local: String,
    attributes: BTreeMap<(Option<String>, String), String>,
    children: Vec<CanonicalNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CanonicalNode {
    Element(CanonicalElement),
    Text(String),
}

impl CanonicalElement {
    /// Parses `text` (depth-limited by `core::xml`) and canonicalises its document element.
    pub(crate) fn parse(text: &str) -> Result<Self, XmlError> {
        xml::parse(document(text).as_bytes()).map(|root| Self::from_tree(&root))
    }

    fn from_tree(element: &Element) -> Self {
        let attributes = element
            .attrs
            .iter()
            .map(|a| ((a.ns.clone(), a.local.clone()), a.value.clone()))
            .collect();
        // Adjacent text (and CDATA) is already one node; trim like XMLUnit's
        // ignoreWhitespace().
        let mut children: Vec<CanonicalNode> = element
            .children
            .iter()
            .filter_map(|child| match child {
                Node::Element(e) => Some(CanonicalNode::Element(Self::from_tree(e))),
                Node::Text(t) => {
                    let trimmed = t.trim();
                    (!trimmed.is_empty()).then(|| CanonicalNode::Text(trimmed.to_owned()))
                }
            })
            .collect();

        // WireMock matches sibling elements independently of their order (stable sort by
        // name, so same-named siblings keep their relative order). Mixed content keeps
        // document order.
        if children
            .iter()
            .all(|c| matches!(c, CanonicalNode::Element(_)))
        {
            children.sort_by(|a, b| match (a, b) {
                (CanonicalNode::Element(a), CanonicalNode::Element(b)) => {
                    (&a.local, &a.namespace).cmp(&(&b.local, &b.namespace))
                }
                _ => std::cmp::Ordering::Equal,
            });
        }

        CanonicalElement {
            namespace: element.ns.clone(),
            local: element.local.clone(),
            attributes,
            children,
        }
    }
}

/// A validated `matchesXPath` expression with its namespace bindings.
#[derive(Debug, Clone)]
pub(crate) struct XPathExpr {
    /// Names this expression in the worker threads' caches; clones share it.
    id: u64,
    expression: String,
    namespaces: Vec<(String, String)>,
    /// The same selection without sxd, when the expression is in its subset.
    fast: Option<FastPath>,
}

/// Hands out [`XPathExpr::id`]s.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// Expressions a worker thread keeps compiled; beyond this the cache starts over, so stubs
/// replaced at run time cannot grow it without bound.
const MAX_COMPILED: usize = 1024;

/// An expression compiled, with the context it is evaluated in (the core functions and the
/// namespaces, which sxd builds into hash maps: too dear to build per request).
struct Compiled {
    xpath: XPath,
    context: Context<'static>,
}

thread_local! {
    /// This thread's compiled expressions, by [`XPathExpr::id`].
    static COMPILED: RefCell<HashMap<u64, Compiled>> = RefCell::new(HashMap::new());
}

impl XPathExpr {
    /// Validates the expression: it must parse, every prefix must be bound in
    /// `namespaces` (an unbound prefix makes `sxd-xpath` panic at match time),
    /// and it must select nodes (WireMock evaluates it as a node-set, so a
    /// boolean, number or string expression would never match there).
    pub(crate) fn new(expression: &str, namespaces: Vec<(String, String)>) -> Result<Self, String> {
        check_xpath_size(expression)?;
        match Factory::new().build(expression) {
            Ok(Some(_)) => {}
            Ok(None) => return Err("the XPath expression is empty".into()),
            Err(e) => return Err(format!("invalid XPath 1.0 expression: {e}")),
        }
        for prefix in prefixes(expression) {
            if prefix != "xml" && !namespaces.iter().any(|(p, _)| *p == prefix) {
                return Err(format!(
                    "namespace prefix `{prefix}` is not declared; add it to `xPathNamespaces` \
                     (e.g. \"xPathNamespaces\": {{\"{prefix}\": \"<namespace URI>\"}}) or match \
                     with local-name(), e.g. //*[local-name()='Name']"
                ));
            }
        }
        let xpath = XPathExpr {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            expression: expression.to_owned(),
            fast: FastPath::compile(expression, &namespaces),
            namespaces,
        };
        // The result type of an XPath 1.0 expression does not depend on the
        // document, so a probe document tells whether it selects nodes.
        let package = sxd_document("<sp-contract-probe/>").expect("probe document parses");
        let document = package.as_document();
        match xpath.evaluate(document.root()) {
            Ok(Value::Nodeset(_)) => Ok(xpath),
            Ok(other) => Err(format!(
                "the expression evaluates to a {}, not to a set of nodes; WireMock evaluates \
                 matchesXPath as a node-set, so this would never match. Select nodes instead, \
                 e.g. //*[local-name()='Name'][text()='value']",
                match other {
                    Value::Boolean(_) => "boolean",
                    Value::Number(_) => "number",
                    _ => "string",
                }
            )),
            Err(e) => Err(format!("the XPath expression cannot be evaluated: {e}")),
        }
    }

    /// The fast path, when the expression is in its subset.
    pub(crate) fn fast(&self) -> Option<&FastPath> {
        self.fast.as_ref()
    }

    /// The expression compiled with its context; validated at load time, so it builds.
    fn compile(&self) -> Result<Compiled, String> {
        let xpath = Factory::new()
            .build(&self.expression)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "empty XPath".to_string())?;
        let mut context = Context::new();
        context.set_namespace("xml", XML_NS);
        for (prefix, uri) in &self.namespaces {
            context.set_namespace(prefix, uri);
        }
        Ok(Compiled { xpath, context })
    }

    fn evaluate<'d>(&self, node: sxd_document::dom::Root<'d>) -> Result<Value<'d>, String> {
        COMPILED.with(|cache| {
            let mut cache = cache.borrow_mut();
            if !cache.contains_key(&self.id) {
                if cache.len() >= MAX_COMPILED {
                    cache.clear();
                }
                cache.insert(self.id, self.compile()?);
            }
            let Compiled { xpath, context } = &cache[&self.id];
            // Unbound prefixes are rejected at load time; the guard keeps any
            // other panic inside sxd-xpath from taking the mock server down.
            catch_unwind(AssertUnwindSafe(|| xpath.evaluate(context, node)))
                .map_err(|_| "XPath evaluation panicked".to_string())?
                .map_err(|e| e.to_string())
        })
    }

    /// The values of the selected nodes as WireMock compares them, in document order, or
    /// `None` when the expression fails on this document: an element's XML as
    /// [`wiremock_print`] writes it, any other node's string value (a text node's text, an
    /// attribute's value).
    pub(crate) fn select(&self, package: &Package) -> Option<Vec<String>> {
        let document = package.as_document();
        match self.evaluate(document.root()).ok()? {
            Value::Nodeset(nodes) => Some(
                nodes
                    .document_order()
                    .into_iter()
                    .map(|n| match n {
                        Selected::Element(e) => wiremock_print(e, !self.namespaces.is_empty()),
                        other => other.string_value(),
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// Refuse an expression sxd-xpath might not survive parsing: too long, or brackets nested
/// deeper than [`MAX_XPATH_NESTING`] (string literals are skipped).
fn check_xpath_size(expression: &str) -> Result<(), String> {
    if expression.len() > MAX_XPATH_LEN {
        return Err(format!(
            "the XPath expression is {} characters long; the limit is {MAX_XPATH_LEN}",
            expression.len()
        ));
    }
    let (mut depth, mut quote) = (0usize, None);
    for c in expression.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => {
                depth += 1;
                if depth > MAX_XPATH_NESTING {
                    return Err(format!(
                        "the XPath expression nests brackets deeper than {MAX_XPATH_NESTING}; \
                         simplify it"
                    ));
                }
            }
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Namespace prefixes used in an XPath expression (`p:name`, `p:*`, `$p:v`,
/// `p:fn(`), skipping string literals and axis separators (`child::x`).
pub(crate) fn prefixes(expression: &str) -> Vec<String> {
    fn is_name_start(c: char) -> bool {
        c.is_alphabetic() || c == '_'
    }
    fn is_name_char(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{b7}')
    }
    let chars: Vec<char> = expression.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' || c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i += 1;
        } else if is_name_start(c) {
            let start = i;
            while i < chars.len() && is_name_char(chars[i]) {
                i += 1;
            }
            let followed_by_single_colon =
                chars.get(i) == Some(&':') && chars.get(i + 1).is_some_and(|&n| n != ':');
            if followed_by_single_colon {
                let prefix: String = chars[start..i].iter().collect();
                if !found.contains(&prefix) {
                    found.push(prefix);
                }
                i += 1;
            }
        } else if c.is_ascii_digit() {
            // Numbers like 1.5 must not be read as names.
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";

    /// What the `equalToXml` matcher decides for `body`.
    fn equal(expected: &CanonicalElement, body: &str) -> bool {
        CanonicalElement::parse(body).is_ok_and(|actual| actual == *expected)
    }

    /// What the `matchesXPath` matcher selects in `body`; `None` when it is not XML.
    fn select(xpath: &XPathExpr, body: &str) -> Option<Vec<String>> {
        xpath.select(&sxd_document(body)?)
    }

    fn xpath(expr: &str, ns: &[(&str, &str)]) -> Result<XPathExpr, String> {
        XPathExpr::new(
            expr,
            ns.iter()
                .map(|(p, u)| (p.to_string(), u.to_string()))
                .collect(),
        )
    }

    #[test]
    fn prefixes_are_found_outside_literals_and_axes() {
        assert_eq!(
            prefixes("/soap:Envelope/child::soap:Body//x:*[@y:a='p:q'][local-name()=\"z:w\"]"),
            vec!["soap", "x", "y"]
        );
        assert_eq!(
            prefixes("//*[local-name()='PNR']/text()"),
            Vec::<String>::new()
        );
        assert_eq!(prefixes("count(//a) > 1.5"), Vec::<String>::new());
        assert_eq!(prefixes("$v:x = 1"), vec!["v"]);
    }

    #[test]
    fn unbound_prefix_is_rejected_instead_of_panicking_later() {
        let err = xpath("//soap:Body", &[]).unwrap_err();
        assert!(err.contains("`soap`"), "{err}");
        let ok = xpath("//soap:Body", &[("soap", SOAP)]).unwrap();
        assert_eq!(
            select(
                &ok,
                &format!("<e:Envelope xmlns:e='{SOAP}'><e:Body/></e:Envelope>")
            )
            .map(|v| v.len()),
            Some(1)
        );
        // Prefix found in the request but not bound: no match, no panic.
        assert_eq!(
            select(
                &ok,
                "<soap:Envelope xmlns:soap='urn:other'><soap:Body/></soap:Envelope>"
            )
            .map(|v| v.len()),
            Some(0)
        );
    }

    #[test]
    fn non_nodeset_expressions_are_rejected() {
        for expr in ["count(//a)", "boolean(//a)", "string(//a)", "//a = 'x'"] {
            let err = xpath(expr, &[]).unwrap_err();
            assert!(err.contains("not to a set of nodes"), "{expr}: {err}");
        }
        assert!(xpath("//a[", &[]).unwrap_err().contains("invalid XPath"));
        assert!(xpath("", &[]).is_err());
    }

    #[test]
    fn local_name_and_text_select_string_values() {
        let x = xpath("//*[local-name()='PNR']/text()", &[]).unwrap();
        let body = "<s:Envelope xmlns:s='urn:s'><s:Body><p:PNR xmlns:p='urn:p'>0101011234</p:PNR></s:Body></s:Envelope>";
        assert_eq!(select(&x, body), Some(vec!["0101011234".to_string()]));
        assert_eq!(select(&x, "not xml at all"), None);
        assert_eq!(select(&x, ""), None);
        assert_eq!(select(&x, "{\"json\": true}"), None);
    }

    #[test]
    fn equal_to_xml_ignores_prefixes_attribute_order_whitespace_comments() {
        let expected = CanonicalElement::parse(
            "<a:root xmlns:a='urn:a' x='1' y='2'><a:child>v</a:child><!-- c --><a:other/></a:root>",
        )
        .unwrap();
        assert!(equal(&expected, "<?xml version='1.0'?>\n<b:root y='2' x='1' xmlns:b='urn:a'>\n  <b:child> v </b:child>\n  <b:other></b:other>\n</b:root>"
        ));
        // Default namespace instead of a prefix.
        assert!(equal(
            &expected,
            "<root xmlns='urn:a' x='1' y='2'><child>v</child><other/></root>"
        ));
        // Sibling order does not matter (WireMock's order-invariant node matcher).
        assert!(equal(
            &expected,
            "<root xmlns='urn:a' x='1' y='2'><other/><child>v</child></root>"
        ));
        // CDATA is text.
        assert!(equal(
            &expected,
            "<root xmlns='urn:a' x='1' y='2'><child><![CDATA[v]]></child><other/></root>"
        ));
        for different in [
            "<root xmlns='urn:b' x='1' y='2'><child>v</child><other/></root>",
            "<root xmlns='urn:a' x='1' y='3'><child>v</child><other/></root>",
            "<root xmlns='urn:a' x='1'><child>v</child><other/></root>",
            "<root xmlns='urn:a' x='1' y='2' z='3'><child>v</child><other/></root>",
            "<root xmlns='urn:a' x='1' y='2'><child>w</child><other/></root>",
            "<root xmlns='urn:a' x='1' y='2'><child>v</child></root>",
            "<root xmlns='urn:a' x='1' y='2'><child>v</child><other/><other/></root>",
            "<root xmlns='urn:a' x='1' y='2'><child>v</child><Other/></root>",
            "not xml",
            "",
        ] {
            assert!(!equal(&expected, different), "{different}");
        }
    }

    #[test]
    fn same_named_siblings_keep_their_order() {
        let expected = CanonicalElement::parse("<r><i>1</i><i>2</i></r>").unwrap();
        assert!(equal(&expected, "<r><i>1</i><i>2</i></r>"));
        assert!(!equal(&expected, "<r><i>2</i><i>1</i></r>"));
    }

    /// 20,000 nested elements overflowed the stack in sxd-document's parser and aborted the
    /// mock; now the body is refused (no match) and the limit is named.
    #[test]
    fn deep_documents_are_refused_before_sxd_parses_them() {
        let depth = 20_000;
        let deep = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let expected = CanonicalElement::parse("<a/>").unwrap();
        assert!(!equal(&expected, &deep));
        let err = CanonicalElement::parse(&deep).unwrap_err();
        assert!(err.to_string().contains("deeper than 256"), "{err}");
        let x = xpath("//*[local-name()='a']", &[]).unwrap();
        assert_eq!(select(&x, &deep), None);
        // Unclosed tags are measured too (sxd would recurse before finding the error).
        assert!(!equal(&expected, &"<a>".repeat(depth)));
        // At the limit, still XML.
        let ok = format!("{}{}", "<a>".repeat(256), "</a>".repeat(256));
        assert!(CanonicalElement::parse(&ok).is_ok());
        assert_eq!(select(&x, &ok).map(|v| v.len()), Some(256));
    }

    #[test]
    fn deeply_bracketed_xpath_is_refused_at_load() {
        let deep = format!("{}//a{}", "(".repeat(20_000), ")".repeat(20_000));
        let err = xpath(&deep, &[]).unwrap_err();
        assert!(err.contains("limit is 4096"), "{err}");
        let nested = format!("{}//a{}", "(".repeat(40), ")".repeat(40));
        let err = xpath(&nested, &[]).unwrap_err();
        assert!(err.contains("deeper than 32"), "{err}");
        assert!(xpath("//a[b[c[d='(((((((((((((((((((((((((((((((((((']]]", &[]).is_ok());
    }

    #[test]
    fn namespaced_attributes_compare_by_uri() {
        let expected = CanonicalElement::parse("<r xmlns:p='urn:p' p:a='1'/>").unwrap();
        assert!(equal(&expected, "<r xmlns:q='urn:p' q:a='1'/>"));
        assert!(!equal(&expected, "<r xmlns:p='urn:other' p:a='1'/>"));
        assert!(!equal(&expected, "<r a='1'/>"));
        // `xml:` needs no declaration; processing instructions are not compared.
        let lang = CanonicalElement::parse("<r xml:lang='da'><?pi x?></r>").unwrap();
        assert!(equal(&lang, "<r xml:lang='da'/>") && !equal(&lang, "<r xml:lang='en'/>"));
    }
}
