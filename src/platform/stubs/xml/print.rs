//! How WireMock sees an element that a nested `matchesXPath` selects: not its text but its
//! XML, as Java's DOM serializer prints it.
//!
//! The rule: byte for byte what WireMock 3.13.2 compares, as found by probing it; the parity
//! test (`tests/it/parity.rs`) holds us to it.

use sxd_document::dom::{self, ChildOfElement};

/// A selected element as WireMock hands it to a nested `matchesXPath` matcher: printed by
/// Java's DOM serializer with two-space indentation, which the parity test
/// (`tests/it/parity.rs`) holds us to. Prefixes as written; text alone inside an element
/// stays on the element's line, any other child goes on a line of its own (text without the
/// line break it starts with); a line break at the end. Attributes sorted by name; how
/// namespace declarations print depends on whether the matcher declares `xPathNamespaces`
/// (WireMock then reads the body namespace-aware): without, those written on the element are
/// attributes like the others; with, they come first, and a prefix the element or an
/// attribute uses that no printed element declares is declared where it is used.
pub(super) fn wiremock_print(element: dom::Element<'_>, aware: bool) -> String {
    let mut out = String::new();
    print_element(element, 0, aware.then(Vec::new), &mut out);
    out.push('\n');
    out
}

/// Namespace bindings (prefix, `""` for the default, and URI) the printed ancestors declare.
type Scope<'d> = Vec<(String, &'d str)>;

/// An attribute as printed, with the namespace binding (prefix, URI) its name needs.
type Attribute<'d> = (String, &'d str, Option<(String, &'d str)>);

fn print_element<'d>(
    element: dom::Element<'d>,
    depth: usize,
    mut scope: Option<Scope<'d>>,
    out: &mut String,
) {
    let name = qualified(element.preferred_prefix(), element.name().local_part());
    out.push('<');
    out.push_str(&name);
    let mut attributes: Vec<Attribute<'d>> = element
        .attributes()
        .iter()
        .map(|a| {
            let ns = a.preferred_prefix().zip(a.name().namespace_uri());
            let qname = qualified(a.preferred_prefix(), a.name().local_part());
            (qname, a.value(), ns.map(|(p, uri)| (p.to_owned(), uri)))
        })
        .collect();
    let mut declared = declared_here(element);
    declared.sort();
    let attribute = |out: &mut String, name: &str, value: &str| {
        out.push_str(&format!(" {name}=\"{}\"", escape(value, true)));
    };
    match scope.as_mut() {
        None => {
            attributes.extend(declared.into_iter().map(|(p, uri)| (xmlns(&p), uri, None)));
            attributes.sort();
            for (name, value, _) in &attributes {
                attribute(out, name, value);
            }
        }
        Some(scope) => {
            attributes.sort();
            for (prefix, uri) in declared {
                attribute(out, &xmlns(&prefix), uri);
                scope.push((prefix, uri));
            }
            let mut bind = |out: &mut String, prefix: String, uri: &'d str| {
                if scope
                    .iter()
                    .rev()
                    .find(|(p, _)| *p == prefix)
                    .map(|(_, u)| *u)
                    != Some(uri)
                {
                    attribute(out, &xmlns(&prefix), uri);
                    scope.push((prefix, uri));
                }
            };
            for (name, value, ns) in attributes {
                if let Some((prefix, uri)) = ns {
                    bind(out, prefix, uri);
                }
                attribute(out, &name, value);
            }
            if let Some(uri) = element.name().namespace_uri() {
                bind(
                    out,
                    element.preferred_prefix().unwrap_or("").to_owned(),
                    uri,
                );
            }
        }
    }
    let children = element.children();
    if children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    if children
        .iter()
        .all(|c| matches!(c, ChildOfElement::Text(_)))
    {
        for child in children.iter().filter_map(|c| c.text()) {
            out.push_str(&escape(child.text(), false));
        }
    } else {
        let indent = |out: &mut String, depth: usize| {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        };
        for child in children {
            indent(out, depth + 1);
            match child {
                ChildOfElement::Element(e) => print_element(e, depth + 1, scope.clone(), out),
                ChildOfElement::Text(t) => {
                    out.push_str(&escape(t.text().trim_start_matches(['\r', '\n']), false))
                }
                ChildOfElement::Comment(c) => out.push_str(&format!("<!--{}-->", c.text())),
                ChildOfElement::ProcessingInstruction(pi) => match pi.value() {
                    Some(v) => out.push_str(&format!("<?{} {v}?>", pi.target())),
                    None => out.push_str(&format!("<?{}?>", pi.target())),
                },
            }
        }
        indent(out, depth);
    }
    out.push_str(&format!("</{name}>"));
}

/// The attribute that declares `prefix` (`""`: the default namespace).
fn xmlns(prefix: &str) -> String {
    match prefix {
        "" => "xmlns".to_owned(),
        p => format!("xmlns:{p}"),
    }
}

fn qualified(prefix: Option<&str>, local: &str) -> String {
    match prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_owned(),
    }
}

/// The namespace declarations written on `element` (those its parent does not already
/// make): prefix (`""` for the default namespace) and URI.
fn declared_here<'d>(element: dom::Element<'d>) -> Vec<(String, &'d str)> {
    let parent = element.parent().and_then(|p| p.element());
    let mut declared: Vec<(String, &str)> = element
        .namespaces_in_scope()
        .into_iter()
        .filter(|ns| ns.prefix() != "xml")
        .filter(|ns| parent.and_then(|p| p.namespace_uri_for_prefix(ns.prefix())) != Some(ns.uri()))
        .map(|ns| (ns.prefix().to_owned(), ns.uri()))
        .collect();
    if let Some(uri) = element.default_namespace_uri() {
        declared.push((String::new(), uri));
    }
    declared
}

/// Text or attribute value escaped as Java's serializer does.
fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{sxd_document, XPathExpr};

    fn printed(body: &str, expr: &str, ns: &[(&str, &str)]) -> String {
        let ns = ns
            .iter()
            .map(|(p, u)| (p.to_string(), u.to_string()))
            .collect();
        let xpath = XPathExpr::new(expr, ns).unwrap();
        xpath
            .select(&sxd_document(body).unwrap())
            .unwrap()
            .join("|")
    }

    /// What WireMock 3.13.2 compared, found by probing it with `matches` patterns.
    #[test]
    fn selected_elements_print_as_wiremock_prints_them() {
        for (body, expr, expected) in [
            (
                r#"<r><a z="1" b="2">x &amp; &lt;y&gt; " </a></r>"#,
                "//a",
                "<a b=\"2\" z=\"1\">x &amp; &lt;y&gt; \" </a>\n",
            ),
            (
                r#"<r xmlns:c="urn:c"><c:L xmlns:d="urn:d"><c:P>1</c:P><d:Q/></c:L></r>"#,
                "//*[local-name()='L']",
                "<c:L xmlns:d=\"urn:d\">\n  <c:P>1</c:P>\n  <d:Q/>\n</c:L>\n",
            ),
            (
                "<r><Plain>p <b>q</b> s<c/></Plain></r>",
                "//Plain",
                "<Plain>\n  p \n  <b>q</b>\n   s\n  <c/>\n</Plain>\n",
            ),
            (
                "<r><N><i> <k/> </i><j>  </j><!-- c --><?pi x?></N></r>",
                "//N",
                "<N>\n  <i>\n     \n    <k/>\n     \n  </i>\n  <j>  </j>\n  <!-- c -->\n  <?pi x?>\n</N>\n",
            ),
            ("<r xmlns='urn:d'><A z='1'/></r>", "//*[local-name()='A']", "<A z=\"1\"/>\n"),
        ] {
            assert_eq!(printed(body, expr, &[]), expected, "{body}");
        }
        let a = [("a", "urn:a")];
        for (body, expected) in [
            (
                "<r><a:A xmlns:a='urn:a' z='1' b='2'><a:S>1</a:S></a:A></r>",
                "<a:A xmlns:a=\"urn:a\" b=\"2\" z=\"1\">\n  <a:S>1</a:S>\n</a:A>\n",
            ),
            (
                "<r xmlns:a='urn:a'><a:A z='1' b='2'><a:S>1</a:S></a:A></r>",
                "<a:A b=\"2\" z=\"1\" xmlns:a=\"urn:a\">\n  <a:S>1</a:S>\n</a:A>\n",
            ),
            (
                "<r xmlns:a='urn:a' xmlns:q='urn:q'><a:A q:z='1' b='2'><S>1</S></a:A></r>",
                "<a:A b=\"2\" xmlns:q=\"urn:q\" q:z=\"1\" xmlns:a=\"urn:a\">\n  <S>1</S>\n</a:A>\n",
            ),
        ] {
            assert_eq!(printed(body, "//a:A", &a), expected, "{body}");
        }
        assert_eq!(
            printed(
                "<r xmlns='urn:d'><A z='1'><S>1</S></A></r>",
                "//d:A",
                &[("d", "urn:d")]
            ),
            "<A z=\"1\" xmlns=\"urn:d\">\n  <S>1</S>\n</A>\n"
        );
    }
}
