//! The fast path of `matchesXPath`: the expressions SOAP stubs are made of (`/` and `//`
//! steps of element names, `*` or `p:*`, `[local-name()='x']` and `[text()='x']`
//! predicates, a final `/text()`), evaluated on a light tree of the body instead of an sxd
//! document and an sxd evaluation, which cost several times more per request.
//!
//! The rule: the same nodes as sxd-xpath selects, or no fast path. An expression outside the
//! subset compiles to `None` and goes to sxd; the tree keeps XPath's text nodes (whitespace
//! between elements included, split by comments). `tests` compares the two. One deliberate
//! difference: text is one node across entity references, as in XPath's data model and in
//! WireMock, where sxd splits it (`x&amp;y` is "x&y" here, "x", "&", "y" there).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::core::xml::MAX_DEPTH;

/// An expression of the subset.
#[derive(Debug, Clone)]
pub(crate) struct FastPath {
    steps: Vec<Step>,
    /// Ends in `/text()`: selects the text nodes of the last step's elements.
    text: bool,
}

#[derive(Debug, Clone)]
struct Step {
    /// `//` before the step (descendants), else `/` (children).
    descendant: bool,
    test: NameTest,
    predicates: Vec<Predicate>,
}

#[derive(Debug, Clone)]
enum NameTest {
    Any,
    AnyIn(String),
    /// Namespace URI (`None`: no namespace, as an unprefixed name means in XPath 1.0).
    Name(Option<String>, String),
}

#[derive(Debug, Clone)]
enum Predicate {
    LocalName(String),
    Text(String),
}

/// A body as the fast path sees it: elements and text nodes, in one flat arena (a node
/// each, names and texts in one buffer) so that a parse makes a handful of allocations
/// whatever the body's size; a tree of owned strings made three or more an element, and
/// matching a SOAP stub cost more than answering it.
#[derive(Debug)]
pub(crate) struct Tree {
    /// Node 0 is the document node: its one element child is the document element.
    nodes: Vec<Node>,
    /// Every element's local name and every text node's text, each a range of this.
    chars: String,
    /// The namespace URIs the elements are in, each once.
    namespaces: Vec<String>,
}

/// No node, or no namespace.
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Node {
    text: bool,
    /// An element's namespace (an index into `namespaces`), or [`NONE`].
    ns: u32,
    /// The local name of an element, the text of a text node, in `chars`.
    start: u32,
    end: u32,
    /// An element's first and last child.
    first: u32,
    last: u32,
    next_sibling: u32,
}

impl Node {
    fn new(text: bool, ns: u32, start: usize, end: usize) -> Option<Node> {
        Some(Node {
            text,
            ns,
            start: u32::try_from(start).ok()?,
            end: u32::try_from(end).ok()?,
            first: NONE,
            last: NONE,
            next_sibling: NONE,
        })
    }
}

/// What the fast path selects (the matchers ask whether any node matches, so document
/// order is not kept).
pub(crate) enum Selected<'t> {
    /// Elements: their number (the fast path answers existence only).
    Elements(usize),
    Texts(Vec<&'t str>),
}

impl FastPath {
    /// `expression` if it is in the subset, its prefixes bound in `namespaces`.
    pub(crate) fn compile(expression: &str, namespaces: &[(String, String)]) -> Option<FastPath> {
        let mut rest = expression;
        let mut steps = Vec::new();
        let mut text = false;
        while !rest.is_empty() {
            let descendant = if let Some(r) = rest.strip_prefix("//") {
                rest = r;
                true
            } else {
                rest = rest.strip_prefix('/')?;
                false
            };
            if let Some(r) = rest.strip_prefix("text()") {
                if descendant || !r.is_empty() || steps.is_empty() {
                    return None;
                }
                text = true;
                break;
            }
            let (test, r) = name_test(rest, namespaces)?;
            rest = r;
            let mut predicates = Vec::new();
            while let Some(r) = rest.strip_prefix('[') {
                let (predicate, r) = predicate(r)?;
                predicates.push(predicate);
                rest = r;
            }
            steps.push(Step {
                descendant,
                test,
                predicates,
            });
        }
        (!steps.is_empty()).then_some(FastPath { steps, text })
    }

    /// Whether it selects text nodes (else elements).
    pub(crate) fn selects_text(&self) -> bool {
        self.text
    }

    pub(crate) fn select<'t>(&self, tree: &'t Tree) -> Selected<'t> {
        let mut context: Vec<u32> = vec![0];
        for step in &self.steps {
            let Some(test) = tree.resolve(&step.test) else {
                // A namespace no element of the body is in.
                context.clear();
                break;
            };
            let mut next: Vec<u32> = Vec::new();
            let mut accept = |i| {
                if tree.accepts(i, test, &step.predicates) {
                    next.push(i)
                }
            };
            if step.descendant {
                // One walk, however many context nodes: each node is looked at once.
                match context.as_slice() {
                    [one] => tree.descendants(*one, true, &[], &mut accept),
                    many => {
                        let mut under = vec![false; tree.nodes.len()];
                        for &c in many {
                            under[c as usize] = true;
                        }
                        tree.descendants(0, false, &under, &mut accept)
                    }
                }
            } else {
                for &node in &context {
                    tree.children(node).for_each(&mut accept);
                }
            }
            context = next;
        }
        match self.text {
            false => Selected::Elements(context.len()),
            true => Selected::Texts(context.iter().flat_map(|&e| tree.texts(e)).collect()),
        }
    }
}

/// A name test with its namespace looked up among the tree's.
#[derive(Clone, Copy)]
enum Resolved<'p> {
    Any,
    AnyIn(u32),
    Name(u32, &'p str),
}

impl Tree {
    /// `None`: the test names a namespace no element is in, so it matches nothing.
    fn resolve<'p>(&self, test: &'p NameTest) -> Option<Resolved<'p>> {
        let index = |uri: &str| {
            self.namespaces
                .iter()
                .position(|n| n == uri)
                .and_then(|i| u32::try_from(i).ok())
        };
        Some(match test {
            NameTest::Any => Resolved::Any,
            NameTest::AnyIn(uri) => Resolved::AnyIn(index(uri)?),
            NameTest::Name(None, local) => Resolved::Name(NONE, local),
            NameTest::Name(Some(uri), local) => Resolved::Name(index(uri)?, local),
        })
    }

    fn node(&self, i: u32) -> &Node {
        &self.nodes[i as usize]
    }

    fn chars(&self, n: &Node) -> &str {
        &self.chars[n.start as usize..n.end as usize]
    }

    fn accepts(&self, i: u32, test: Resolved<'_>, predicates: &[Predicate]) -> bool {
        let e = self.node(i);
        let name = match test {
            Resolved::Any => true,
            Resolved::AnyIn(ns) => e.ns == ns,
            Resolved::Name(ns, local) => e.ns == ns && self.chars(e) == local,
        };
        name && predicates.iter().all(|p| match p {
            Predicate::LocalName(l) => self.chars(e) == l,
            Predicate::Text(t) => self.texts(i).any(|x| x == t),
        })
    }

    fn child_nodes(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        let some = |c: u32| (c != NONE).then_some(c);
        std::iter::successors(some(self.node(i).first), move |&c| {
            some(self.node(c).next_sibling)
        })
    }

    fn children(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        self.child_nodes(i).filter(|&c| !self.node(c).text)
    }

    fn texts(&self, i: u32) -> impl Iterator<Item = &str> + '_ {
        self.child_nodes(i)
            .map(|c| self.node(c))
            .filter(|n| n.text)
            .map(|n| self.chars(n))
    }

    /// Every element below `i` that has an ancestor marked in `under` (`inside`: `i` or one
    /// of its ancestors is), in document order. The depth is the tree's, at most
    /// [`MAX_DEPTH`].
    fn descendants(&self, i: u32, inside: bool, under: &[bool], found: &mut impl FnMut(u32)) {
        let inside = inside || under.get(i as usize).copied().unwrap_or(false);
        for child in self.children(i) {
            if inside {
                found(child);
            }
            self.descendants(child, inside, under, found);
        }
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// An NCName at the start of `s`, and what follows.
fn ncname(s: &str) -> Option<(&str, &str)> {
    let end = s.find(|c: char| !is_name_char(c)).unwrap_or(s.len());
    let starts_well = s
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    starts_well.then(|| s.split_at(end))
}

fn name_test<'e>(s: &'e str, namespaces: &[(String, String)]) -> Option<(NameTest, &'e str)> {
    if let Some(rest) = s.strip_prefix('*') {
        return Some((NameTest::Any, rest));
    }
    let (first, rest) = ncname(s)?;
    let Some(after_colon) = rest.strip_prefix(':') else {
        // A function call or an axis is not a name test.
        if rest.starts_with('(') {
            return None;
        }
        return Some((NameTest::Name(None, first.to_owned()), rest));
    };
    if after_colon.starts_with(':') {
        return None;
    }
    let uri = namespaces.iter().find(|(p, _)| p == first)?.1.clone();
    if let Some(rest) = after_colon.strip_prefix('*') {
        return Some((NameTest::AnyIn(uri), rest));
    }
    let (local, rest) = ncname(after_colon)?;
    if rest.starts_with('(') {
        return None;
    }
    Some((NameTest::Name(Some(uri), local.to_owned()), rest))
}

/// `local-name()='x'` or `text()='x'` and the closing `]`, after the `[`.
fn predicate(s: &str) -> Option<(Predicate, &str)> {
    let s = s.trim_start();
    let (make, s): (fn(String) -> Predicate, &str) = if let Some(r) = s.strip_prefix("local-name()")
    {
        (Predicate::LocalName, r)
    } else {
        (Predicate::Text, s.strip_prefix("text()")?)
    };
    let s = s.trim_start().strip_prefix('=')?.trim_start();
    let quote = s.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
    let (literal, s) = s[1..].split_once(quote)?;
    let s = s.trim_start().strip_prefix(']')?;
    Some((make(literal.to_owned()), s))
}

impl Tree {
    /// `text` as a tree, or `None` when it is not one namespace-well-formed document,
    /// declares a DTD, or nests deeper than [`MAX_DEPTH`]: the limit is kept here, in the one
    /// pass, so the tree's walks never recurse deeper than that.
    pub(crate) fn parse(text: &str) -> Option<Tree> {
        let mut reader = NsReader::from_str(text);
        let mut tree = Tree {
            nodes: Vec::with_capacity(text.len() / 32 + 2),
            chars: String::with_capacity(text.len() / 2),
            namespaces: Vec::new(),
        };
        tree.nodes.push(Node::new(false, NONE, 0, 0)?);
        // The document node and the open elements.
        let mut stack: Vec<u32> = vec![0];
        // Where the text since the last element, comment or processing instruction starts
        // in `chars`.
        let mut pending: Option<usize> = None;
        loop {
            let (resolved, event) = reader.read_resolved_event().ok()?;
            let is_text = matches!(
                event,
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_)
            );
            if !is_text {
                if let Some(start) = pending.take() {
                    if stack.len() == 1 {
                        // Outside the document element only whitespace is allowed.
                        if !tree.chars[start..].trim().is_empty() {
                            return None;
                        }
                        tree.chars.truncate(start);
                    } else {
                        let node = Node::new(true, NONE, start, tree.chars.len())?;
                        tree.attach(&stack, node)?;
                    }
                }
            }
            match event {
                Event::Start(ref start) | Event::Empty(ref start) => {
                    // The stack holds the document node and the open elements above this one.
                    if stack.len() > MAX_DEPTH {
                        return None;
                    }
                    let ns = match resolved {
                        ResolveResult::Bound(ns) => tree.namespace(ns.as_ref())?,
                        ResolveResult::Unbound => NONE,
                        ResolveResult::Unknown(_) => return None,
                    };
                    let name = start.local_name();
                    let local = std::str::from_utf8(name.as_ref()).ok()?;
                    let from = tree.chars.len();
                    tree.chars.push_str(local);
                    for attr in start.attributes() {
                        attr.ok()?;
                    }
                    let node = Node::new(false, ns, from, tree.chars.len())?;
                    let i = tree.attach(&stack, node)?;
                    if matches!(event, Event::Start(_)) {
                        stack.push(i);
                    }
                }
                Event::End(_) => {
                    if stack.len() <= 1 {
                        return None;
                    }
                    stack.pop();
                }
                Event::Text(t) => {
                    pending.get_or_insert(tree.chars.len());
                    tree.chars.push_str(&t.decode().ok()?);
                }
                Event::CData(c) => {
                    pending.get_or_insert(tree.chars.len());
                    tree.chars.push_str(std::str::from_utf8(&c).ok()?);
                }
                Event::GeneralRef(r) => {
                    let name = r.decode().ok()?;
                    let reference = format!("&{name};");
                    let resolved = quick_xml::escape::unescape(&reference).ok()?;
                    pending.get_or_insert(tree.chars.len());
                    tree.chars.push_str(&resolved);
                }
                Event::DocType(_) => return None,
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
        (stack.len() == 1 && tree.children(0).count() == 1).then_some(tree)
    }

    /// The index of namespace `uri`, added the first time.
    fn namespace(&mut self, uri: &[u8]) -> Option<u32> {
        let uri = std::str::from_utf8(uri).ok()?;
        let i = match self.namespaces.iter().position(|n| n == uri) {
            Some(i) => i,
            None => {
                self.namespaces.push(uri.to_owned());
                self.namespaces.len() - 1
            }
        };
        u32::try_from(i).ok()
    }

    /// `node` as the last child of the innermost open element (or of the document node,
    /// which takes one element only); its index.
    fn attach(&mut self, stack: &[u32], node: Node) -> Option<u32> {
        let parent = *stack.last()?;
        if stack.len() == 1 && !node.text && self.children(0).next().is_some() {
            return None;
        }
        let i = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&i| i != NONE)?;
        self.nodes.push(node);
        let last = self.node(parent).last;
        if last == NONE {
            self.nodes[parent as usize].first = i;
        } else {
            self.nodes[last as usize].next_sibling = i;
        }
        self.nodes[parent as usize].last = i;
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{sxd_document, XPathExpr};
    use super::*;

    #[test]
    fn the_tree_keeps_the_depth_limit_itself() {
        let nested = |depth: usize, innermost: &str| {
            format!(
                "{}{innermost}{}",
                "<a>".repeat(depth - 1),
                "</a>".repeat(depth - 1)
            )
        };
        assert!(Tree::parse(&nested(MAX_DEPTH, "<b>x</b>")).is_some());
        assert!(Tree::parse(&nested(MAX_DEPTH, "<b/>")).is_some());
        assert!(Tree::parse(&nested(MAX_DEPTH + 1, "<b>x</b>")).is_none());
        assert!(Tree::parse(&nested(MAX_DEPTH + 1, "<b/>")).is_none());
        assert!(Tree::parse(&nested(100_000, "<b/>")).is_none());
        // The same verdicts as the depth scan in front of every other parser.
        for (depth, ok) in [(MAX_DEPTH, true), (MAX_DEPTH + 1, false)] {
            assert_eq!(
                crate::core::xml::check_depth(&nested(depth, "<b/>")).is_ok(),
                ok
            );
        }
    }

    const DOCS: &[&str] = &[
        "<s:Envelope xmlns:s='urn:s'><s:Header/><s:Body><c:Lookup xmlns:c='urn:c'>\
         <ctx:InvocationContext xmlns:ctx='urn:ctx'><ctx:ServiceAgreementUUID>u</ctx:ServiceAgreementUUID>\
         </ctx:InvocationContext><c:PNR>0101011234</c:PNR><Code>A1</Code></c:Lookup></s:Body></s:Envelope>",
        "<?xml version='1.0'?>\n<s:Envelope xmlns:s='urn:s'>\n  <s:Body>\n    <Request xmlns='urn:c'>\n      \
         <PNR> 0101011234 </PNR>\n      <Code>A<!-- c -->1</Code>\n      <Code>B7</Code>\n    \
         </Request>\n  </s:Body>\n</s:Envelope>\n",
        "<a><a><b>1</b><a><b>2</b></a></a><b>3</b><c/></a>",
        "<r><Flag/><Note>this is urgent</Note><x:Flag xmlns:x='urn:x'>y</x:Flag></r>",
    ];

    const EXPRESSIONS: &[&str] = &[
        "//*[local-name()='PNR']/text()",
        "//*[local-name()='PNR']",
        "//*[local-name()='InvocationContext']/*[local-name()='ServiceAgreementUUID']",
        "/s:Envelope/s:Body/c:Lookup/c:PNR",
        "/s:Envelope/s:Body/*/text()",
        "//c:PNR/text()",
        "//c:*",
        "//PNR",
        "//Code/text()",
        "//*[local-name()='Code']/text()",
        "//*[local-name() = \"Code\"][text()='A1']",
        "//a//b/text()",
        "//a/a/b",
        "/a/b/text()",
        "//*",
        "//*/text()",
        "//Flag",
        "//x:Flag/text()",
        "//*[text()='this is urgent']",
    ];

    fn namespaces() -> Vec<(String, String)> {
        [("s", "urn:s"), ("c", "urn:c"), ("x", "urn:x")]
            .iter()
            .map(|(p, u)| (p.to_string(), u.to_string()))
            .collect()
    }

    /// The fast path selects what sxd-xpath selects: the same texts, as many elements (in
    /// any order: the matchers ask whether any node matches).
    #[test]
    fn selects_what_sxd_selects() {
        for expression in EXPRESSIONS {
            let fast = FastPath::compile(expression, &namespaces())
                .unwrap_or_else(|| panic!("not in the subset: {expression}"));
            let slow = XPathExpr::new(expression, namespaces()).unwrap();
            for doc in DOCS {
                let tree = Tree::parse(doc).unwrap();
                let mut sxd = slow.select(&sxd_document(doc).unwrap()).unwrap();
                sxd.sort();
                match fast.select(&tree) {
                    Selected::Texts(mut t) => {
                        t.sort();
                        assert_eq!(t, sxd, "{expression} on {doc}")
                    }
                    Selected::Elements(n) => assert_eq!(n, sxd.len(), "{expression} on {doc}"),
                }
            }
        }
    }

    #[test]
    fn nested_descendant_steps_select_each_node_once() {
        let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
        let fast = FastPath::compile("//a//a//a//a//a//a//a//a", &[]).unwrap();
        match fast.select(&Tree::parse(&deep).unwrap()) {
            Selected::Elements(n) => assert_eq!(n, 193),
            Selected::Texts(_) => panic!("selects elements"),
        }
    }

    #[test]
    fn text_is_one_node_across_entity_references() {
        let fast = FastPath::compile("//D/text()", &[]).unwrap();
        let tree = Tree::parse("<r><D>x&amp;y&#65;</D></r>").unwrap();
        match fast.select(&tree) {
            Selected::Texts(t) => assert_eq!(t, ["x&yA"]),
            Selected::Elements(_) => panic!("selects text"),
        }
    }

    #[test]
    fn outside_the_subset_goes_to_sxd() {
        for expression in [
            "//a[1]",
            "//@a",
            "//a[@b='c']",
            "count(//a)",
            "//a | //b",
            "//text()",
            "child::a",
            "//a[contains(., 'x')]",
            "//u:a",
            "/a/text()/b",
            "//a[local-name()='b'",
        ] {
            assert!(
                FastPath::compile(expression, &namespaces()).is_none(),
                "{expression}"
            );
        }
    }

    #[test]
    fn malformed_bodies_are_not_xml() {
        for body in [
            "",
            "not xml",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "<u:a/>",
            "x<a/>",
            "<!DOCTYPE a><a/>",
            "<a>&nope;</a>",
        ] {
            assert!(Tree::parse(body).is_none(), "{body}");
            assert!(sxd_document(body).is_none(), "sxd too: {body}");
        }
    }
}
