//! A small namespace-aware XML tree: parsing responses, finding fields by local-name paths,
//! and the canonical form used by snapshots.
//!
//! Why not serde: users address fields by path from Gherkin (`persondata/navn/fornavn`), and
//! SOAP peers choose their own prefixes, so everything here matches on local names and
//! namespace URIs, never on prefixes (pain #1 in lessons-from-peers).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::fmt::Write as _;

/// Deeper documents are refused rather than risking the stack in recursive walks.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the body is not valid UTF-8 (first bad byte at offset {offset})")]
    Utf8 { offset: usize },
    #[error("the body is empty")]
    Empty,
    #[error("malformed XML at line {line}, column {column}: {reason}")]
    Malformed {
        line: usize,
        column: usize,
        reason: String,
    },
    #[error("XML nests deeper than {MAX_DEPTH} elements")]
    TooDeep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub ns: Option<String>,
    pub local: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub ns: Option<String>,
    pub local: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn new(ns: Option<&str>, local: &str) -> Element {
        Element {
            ns: ns.map(str::to_string),
            local: local.to_string(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// First child element with this local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.elements().find(|e| e.local == local)
    }

    /// The text content of this element and its descendants, trimmed.
    pub fn text(&self) -> String {
        let mut s = String::new();
        collect_text(self, &mut s);
        s.trim().to_string()
    }

    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.local == local)
            .map(|a| a.value.as_str())
    }

    /// Set (or add) an attribute without namespace.
    pub fn set_attr(&mut self, local: &str, value: String) {
        match self
            .attrs
            .iter_mut()
            .find(|a| a.local == local && a.ns.is_none())
        {
            Some(a) => a.value = value,
            None => self.attrs.push(Attr {
                ns: None,
                local: local.to_string(),
                value,
            }),
        }
    }

    /// Depth-first search for the first descendant (or self) with this local name.
    pub fn descendant(&self, local: &str) -> Option<&Element> {
        if self.local == local {
            return Some(self);
        }
        self.elements().find_map(|e| e.descendant(local))
    }

    /// Elements selected by a path of local names, see [`Path`].
    pub fn select(&self, path: &Path) -> Vec<&Element> {
        let mut current: Vec<&Element> = vec![self];
        for (i, step) in path.steps.iter().enumerate() {
            let mut next = Vec::new();
            for el in &current {
                let candidates: Vec<&Element> = if i == 0 && path.anywhere {
                    let mut all = Vec::new();
                    descendants(el, &mut all);
                    all
                } else {
                    el.elements().collect()
                };
                let matching: Vec<&Element> = candidates
                    .into_iter()
                    .filter(|c| step.name == "*" || c.local == step.name)
                    .collect();
                match step.index {
                    Some(n) => {
                        if let Some(e) = matching.get(n - 1) {
                            next.push(*e)
                        }
                    }
                    None => next.extend(matching),
                }
            }
            current = next;
        }
        current
    }
}

fn descendants<'a>(el: &'a Element, out: &mut Vec<&'a Element>) {
    for c in el.elements() {
        out.push(c);
        descendants(c, out);
    }
}

fn collect_text(el: &Element, out: &mut String) {
    for n in &el.children {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => collect_text(e, out),
        }
    }
}

/// A field path as written in feature files: `persondata/navn/fornavn`, `barn[2]/personnummer`,
/// `//PNR`. Steps are local names; any `prefix:` is ignored, so paths never depend on prefixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub anywhere: bool,
    pub steps: Vec<PathStep>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathStep {
    pub name: String,
    /// 1-based, as in XPath.
    pub index: Option<usize>,
}

impl std::str::FromStr for Path {
    type Err = String;

    fn from_str(s: &str) -> Result<Path, String> {
        let s = s.trim();
        let (anywhere, rest) = match s.strip_prefix("//") {
            Some(r) => (true, r),
            None => (false, s.strip_prefix('/').unwrap_or(s)),
        };
        if rest.is_empty() {
            return Err(format!("empty field path '{s}'"));
        }
        let mut steps = Vec::new();
        for raw in rest.split('/') {
            let raw = raw.trim();
            let (name, index) = match raw.find('[') {
                Some(open) => {
                    let idx = raw[open + 1..]
                        .strip_suffix(']')
                        .and_then(|n| n.trim().parse::<usize>().ok())
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| {
                            format!(
                                "bad index in '{raw}' of path '{s}': write name[1], name[2], ..."
                            )
                        })?;
                    (&raw[..open], Some(idx))
                }
                None => (raw, None),
            };
            let local = name.rsplit(':').next().unwrap_or(name);
            if local.is_empty()
                || !(local == "*"
                    || local
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            {
                return Err(format!("'{raw}' is not an element name in path '{s}'"));
            }
            steps.push(PathStep {
                name: local.to_string(),
                index,
            });
        }
        Ok(Path { anywhere, steps })
    }
}

/// Parse a whole document and return its root element. Comments, processing instructions and
/// whitespace-only text between elements are dropped.
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let text = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(XmlError::Empty);
    }
    let mut reader = NsReader::from_str(&text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = reader.buffer_position() as usize;
        let malformed = |reason: String| {
            let (line, column) = line_col(&text, pos);
            XmlError::Malformed {
                line,
                column,
                reason,
            }
        };
        let (res, event) = reader
            .read_resolved_event()
            .map_err(|e| malformed(e.to_string()))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                let ns = namespace(&res).map_err(&malformed)?;
                let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let mut el = Element {
                    ns,
                    local,
                    attrs: Vec::new(),
                    children: Vec::new(),
                };
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| malformed(e.to_string()))?;
                    let key = attr.key;
                    if key.as_ref() == b"xmlns" || key.as_ref().starts_with(b"xmlns:") {
                        continue;
                    }
                    let (ares, alocal) = reader.resolve_attribute(key);
                    let ans = namespace(&ares).map_err(&malformed)?;
                    let value = attr
                        .unescape_value()
                        .map_err(|e| malformed(e.to_string()))?
                        .into_owned();
                    el.attrs.push(Attr {
                        ns: ans,
                        local: String::from_utf8_lossy(alocal.as_ref()).into_owned(),
                        value,
                    });
                }
                if matches!(event, Event::Empty(_)) {
                    attach(&mut stack, &mut root, el).map_err(malformed)?;
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| malformed("unexpected end tag".into()))?;
                attach(&mut stack, &mut root, el).map_err(malformed)?;
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| malformed(e.to_string()))?;
                push_text(&mut stack, &s).map_err(malformed)?;
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| malformed(e.to_string()))?;
                let resolved = quick_xml::escape::unescape(&format!("&{name};"))
                    .map_err(|e| malformed(e.to_string()))?
                    .into_owned();
                push_text(&mut stack, &resolved).map_err(malformed)?;
            }
            Event::CData(c) => {
                let s = String::from_utf8_lossy(&c).into_owned();
                push_text(&mut stack, &s).map_err(malformed)?;
            }
            Event::DocType(_) => {
                return Err(malformed(
                    "DOCTYPE is not allowed in SOAP messages".to_string(),
                ))
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        let (line, column) = line_col(&text, text.len());
        return Err(XmlError::Malformed {
            line,
            column,
            reason: format!(
                "the document ends inside <{}> (truncated?)",
                stack.last().map(|e| e.local.as_str()).unwrap_or("?")
            ),
        });
    }
    let mut root = root.ok_or(XmlError::Empty)?;
    drop_blank_text(&mut root);
    Ok(root)
}

/// Refuse a document nesting deeper than [`MAX_DEPTH`] without building it: the guard in
/// front of parsers that recurse per element (sxd-document in the mock's mapping matchers).
/// Text that is not well-formed to quick-xml is refused too (`Malformed`), so nothing this
/// scan could not measure reaches a recursive parser.
pub fn check_depth(text: &str) -> Result<(), XmlError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut depth = 0usize;
    loop {
        let pos = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
            }
            Ok(Event::Empty(_)) if depth + 1 > MAX_DEPTH => return Err(XmlError::TooDeep),
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => {
                let (line, column) = line_col(text, pos);
                return Err(XmlError::Malformed {
                    line,
                    column,
                    reason: e.to_string(),
                });
            }
        }
    }
}

fn namespace(res: &ResolveResult) -> Result<Option<String>, String> {
    match res {
        ResolveResult::Bound(ns) => Ok(Some(String::from_utf8_lossy(ns.as_ref()).into_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(p) => Err(format!(
            "namespace prefix '{}' is not declared",
            String::from_utf8_lossy(p)
        )),
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(Node::Element(el));
            Ok(())
        }
        None if root.is_none() => {
            *root = Some(el);
            Ok(())
        }
        None => Err("more than one root element".into()),
    }
}

fn push_text(stack: &mut [Element], s: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => {
            if let Some(Node::Text(prev)) = parent.children.last_mut() {
                prev.push_str(s);
            } else {
                parent.children.push(Node::Text(s.to_string()));
            }
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err("text outside the root element".into()),
    }
}

fn drop_blank_text(el: &mut Element) {
    let has_elements = el.elements().next().is_some();
    if has_elements {
        el.children
            .retain(|n| !matches!(n, Node::Text(t) if t.trim().is_empty()));
    }
    for n in &mut el.children {
        if let Node::Element(e) = n {
            drop_blank_text(e);
        }
    }
}

/// UTF-8, or ISO-8859-1 when the declaration says so (an old claim about SP's SOAP, L).
fn decode(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, XmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        // Borrowed: large documents (a MeMo with 30 MB attachments) are not copied.
        Ok(s) => Ok(std::borrow::Cow::Borrowed(s)),
        Err(e) => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(100)]).to_lowercase();
            if head.starts_with("<?xml") && (head.contains("iso-8859-1") || head.contains("latin1"))
            {
                Ok(std::borrow::Cow::Owned(
                    bytes.iter().map(|&b| b as char).collect(),
                ))
            } else {
                Err(XmlError::Utf8 {
                    offset: e.valid_up_to(),
                })
            }
        }
    }
}

fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(text.len());
    let before = &text.as_bytes()[..pos];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

/// Escape text for element content and attribute values.
pub fn escape(s: &str) -> String {
    // Most values need nothing; base64 content can be tens of megabytes.
    if !s
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match entity(c) {
            Some(e) => out.push_str(e),
            None => out.push(c),
        }
    }
    out
}

/// The predefined entity for a character that XML text or attributes must escape.
pub fn entity(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        _ => None,
    }
}

/// Escape element text: only what XML requires, so snapshots stay readable.
fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The canonical text form of an element: one element per line, two-space indent, local
/// names, a namespace shown as `xmlns="…"` only where it differs from the parent's,
/// attributes sorted, text trimmed. Prefixes, whitespace and attribute order therefore
/// never show up as differences; namespace URIs, names, order of elements and values do.
pub fn canonical(el: &Element) -> String {
    let mut out = String::new();
    write_canonical(el, None, 0, &mut out);
    out
}

fn write_canonical(el: &Element, parent_ns: Option<&str>, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    let _ = write!(out, "{indent}<{}", el.local);
    if el.ns.as_deref() != parent_ns {
        let _ = write!(out, " xmlns=\"{}\"", escape(el.ns.as_deref().unwrap_or("")));
    }
    let mut attrs: Vec<&Attr> = el.attrs.iter().collect();
    attrs.sort_by(|a, b| (&a.ns, &a.local).cmp(&(&b.ns, &b.local)));
    for a in attrs {
        let _ = write!(out, " {}=\"{}\"", a.local, escape(&a.value));
    }
    let has_elements = el.elements().next().is_some();
    if !has_elements {
        let t = el.text();
        if t.is_empty() {
            out.push_str("/>\n");
        } else {
            let _ = writeln!(out, ">{}</{}>", escape_text(&t), el.local);
        }
        return;
    }
    out.push_str(">\n");
    for n in &el.children {
        match n {
            Node::Element(c) => write_canonical(c, el.ns.as_deref(), depth + 1, out),
            Node::Text(t) if !t.trim().is_empty() => {
                let _ = writeln!(out, "{indent}  {}", escape_text(t.trim()));
            }
            Node::Text(_) => {}
        }
    }
    let _ = writeln!(out, "{indent}</{}>", el.local);
}

/// Serialise an element back to XML with generated prefixes (`ns1`, `ns2`, ...), used by the
/// mock to echo or build payloads from parsed trees.
pub fn to_xml(el: &Element) -> String {
    let mut out = String::new();
    let mut scope: Vec<(String, String)> = Vec::new();
    let mut counter = 0usize;
    write_xml(el, &mut scope, &mut counter, &mut out);
    out
}

fn write_xml(
    el: &Element,
    scope: &mut Vec<(String, String)>,
    counter: &mut usize,
    out: &mut String,
) {
    let depth = scope.len();
    let mut decls = String::new();
    let mut prefix_for = |ns: &str, scope: &mut Vec<(String, String)>, decls: &mut String| {
        if let Some((p, _)) = scope.iter().rev().find(|(_, u)| u == ns) {
            return p.clone();
        }
        *counter += 1;
        let p = format!("ns{counter}");
        let _ = write!(decls, " xmlns:{p}=\"{}\"", escape(ns));
        scope.push((p.clone(), ns.to_string()));
        p
    };
    let name = match &el.ns {
        Some(ns) => format!("{}:{}", prefix_for(ns, scope, &mut decls), el.local),
        None => el.local.clone(),
    };
    let mut attrs = String::new();
    for a in &el.attrs {
        let an = match &a.ns {
            Some(ns) => format!("{}:{}", prefix_for(ns, scope, &mut decls), a.local),
            None => a.local.clone(),
        };
        let _ = write!(attrs, " {an}=\"{}\"", escape(&a.value));
    }
    let _ = write!(out, "<{name}{decls}{attrs}");
    if el.children.is_empty() {
        out.push_str("/>");
    } else {
        out.push('>');
        for n in &el.children {
            match n {
                Node::Element(c) => write_xml(c, scope, counter, out),
                Node::Text(t) => out.push_str(&escape(t)),
            }
        }
        let _ = write!(out, "</{name}>");
    }
    scope.truncate(depth);
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body>
    <a:R xmlns:a="urn:a" b="2" a:x="1">
      <a:navn><a:fornavn>Åse &amp; Ø</a:fornavn></a:navn>
      <a:barn><a:nr>1</a:nr></a:barn>
      <a:barn><a:nr>2</a:nr></a:barn>
    </a:R>
  </s:Body>
</s:Envelope>"#;

    #[test]
    fn paths_use_local_names_and_ignore_prefixes() {
        let root = parse(DOC.as_bytes()).unwrap();
        let body = root.child("Body").unwrap();
        let r = body.child("R").unwrap();
        let p: Path = "x:navn/fornavn".parse().unwrap();
        assert_eq!(r.select(&p)[0].text(), "Åse & Ø");
        let p: Path = "barn[2]/nr".parse().unwrap();
        assert_eq!(r.select(&p)[0].text(), "2");
        let p: Path = "//nr".parse().unwrap();
        assert_eq!(root.select(&p).len(), 2);
        assert!("barn[0]".parse::<Path>().is_err());
        assert!("a b".parse::<Path>().is_err());
    }

    #[test]
    fn canonical_form_ignores_prefixes_and_attribute_order() {
        let a = parse(br#"<p:R xmlns:p="urn:a" y="1" x="2"><p:v> 1 </p:v></p:R>"#).unwrap();
        let b = parse(
            br#"<R xmlns="urn:a" x="2" y="1">
            <v>1</v>
        </R>"#,
        )
        .unwrap();
        assert_eq!(canonical(&a), canonical(&b));
        let c = parse(br#"<R xmlns="urn:b" x="2" y="1"><v>1</v></R>"#).unwrap();
        assert_ne!(canonical(&a), canonical(&c), "namespace URIs matter");
    }

    #[test]
    fn malformed_and_truncated_input_is_an_error_with_position() {
        let e = parse(b"<a><b></a>").unwrap_err();
        assert!(matches!(e, XmlError::Malformed { .. }), "{e}");
        let e = parse(&DOC.as_bytes()[..120]).unwrap_err();
        assert!(e.to_string().contains("truncated") || matches!(e, XmlError::Malformed { .. }));
        assert_eq!(parse(b"  ").unwrap_err(), XmlError::Empty);
        assert!(matches!(
            parse(b"<a>\xff</a>"),
            Err(XmlError::Utf8 { offset: 3 })
        ));
        assert!(parse(b"<p:a/>").is_err(), "undeclared prefix");
        assert!(parse(b"<a/><b/>").is_err());
        let deep = "<a>".repeat(1000) + &"</a>".repeat(1000);
        assert_eq!(parse(deep.as_bytes()).unwrap_err(), XmlError::TooDeep);
    }

    #[test]
    fn latin1_declared_documents_decode() {
        let doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe6\xf8\xe5</a>";
        assert_eq!(parse(doc).unwrap().text(), "æøå");
    }

    #[test]
    fn to_xml_round_trips() {
        let root = parse(DOC.as_bytes()).unwrap();
        let again = parse(to_xml(&root).as_bytes()).unwrap();
        assert_eq!(canonical(&root), canonical(&again));
    }
}
