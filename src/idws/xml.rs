//! Small XML helpers for this module: escaping what we write, and walking what libxml2 parsed
//! by namespace and local name (never by prefix).

use super::VerifyError;
use libxml::tree::Node;

/// Text or attribute content, escaped for XML.
pub fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// True when `node` is the element `{ns}local`.
pub fn is(node: &Node, ns: &str, local: &str) -> bool {
    node.is_element_node()
        && node.get_name() == local
        && node.get_namespace().map(|n| n.get_href()).as_deref() == Some(ns)
}

/// The first child element `{ns}local`.
pub fn child(node: &Node, ns: &str, local: &str) -> Option<Node> {
    node.get_child_elements()
        .into_iter()
        .find(|c| is(c, ns, local))
}

/// The first child element `{ns}local`, or an error naming it (`what` says where).
pub fn need(node: &Node, ns: &str, local: &str, what: &str) -> Result<Node, VerifyError> {
    child(node, ns, local).ok_or_else(|| VerifyError::Missing(format!("{what}/{local}")))
}

/// The trimmed text of a child element, or an error naming it.
pub fn need_text(node: &Node, ns: &str, local: &str, what: &str) -> Result<String, VerifyError> {
    Ok(need(node, ns, local, what)?
        .get_content()
        .trim()
        .to_string())
}

/// The SOAP envelope's `Header` and `Body` (either SOAP version).
pub fn envelope(root: &Node) -> Result<(Node, Node), VerifyError> {
    let soap = [super::ns::SOAP11, super::ns::SOAP12]
        .into_iter()
        .find(|ns| is(root, ns, "Envelope"))
        .ok_or_else(|| VerifyError::Missing("soap:Envelope".into()))?;
    Ok((
        need(root, soap, "Header", "Envelope")?,
        need(root, soap, "Body", "Envelope")?,
    ))
}
