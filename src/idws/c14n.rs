//! Exclusive XML canonicalisation (exc-c14n 1.0) through libxml2, and finding what a
//! signature references by its id. No canonicalisation is written here: libxml2 does it, and
//! the tests compare its output with `xmllint --exc-c14n`.
//!
//! Ids are `wsu:Id`, or `ID`/`Id` without a namespace (SAML, XML-DSig). An id that two elements
//! carry is refused, never resolved to the first (signature wrapping).

use super::VerifyError;
use libxml::parser::{Parser, ParserOptions};
use libxml::tree::c14n::{CanonicalizationMode, CanonicalizationOptions};
use libxml::tree::{Document, Node};

/// The largest message or assertion this module reads.
pub const MAX_XML: usize = 4 * 1024 * 1024;
/// How deep a walk for ids goes; deeper documents are refused.
pub const MAX_DEPTH: usize = 64;

/// Parse strictly: no recovery, no network, no entity loading; bounded in size.
pub fn parse(xml: &str) -> Result<Document, VerifyError> {
    if xml.len() > MAX_XML {
        return Err(VerifyError::NotXml(format!(
            "{} bytes, more than the {MAX_XML} this reads",
            xml.len()
        )));
    }
    let options = ParserOptions {
        recover: false,
        no_net: true,
        no_error: true,
        no_warning: true,
        ..ParserOptions::default()
    };
    Parser::default()
        .parse_string_with_options(xml, options)
        .map_err(|e| VerifyError::NotXml(format!("{e:?}")))
}

/// The exclusive canonical form of `node` (without comments), in its document's context.
///
/// Without inclusive prefixes, the subtree is copied into a document of its own first:
/// exclusive c14n renders only the namespaces the subtree uses (libxml2's copy declares
/// those on the copy's root) and inherits no `xml:` attributes, so the result is the same,
/// and it costs the subtree instead of the document. (Canonicalising in place asks, for
/// every node of the whole document, whether it is in the subtree, and the binding answers
/// by collecting the node's ancestors: one signed call cost milliseconds.) With inclusive
/// prefixes, a namespace the subtree does not use may still be rendered, so that case stays
/// in place. Both are compared with `xmllint --exc-c14n` in the tests.
pub fn exclusive(node: &mut Node, inclusive_prefixes: &[String]) -> Result<String, VerifyError> {
    if inclusive_prefixes.is_empty() {
        return of_copy(node, None);
    }
    node.canonicalize(exclusive_options(inclusive_prefixes))
        .map_err(failed)
}

/// [`exclusive`] of `node` without its child `{ns}local` (the enveloped-signature transform),
/// on a copy: the document keeps the child for whatever else reads it.
pub fn exclusive_without(node: &Node, ns: &str, local: &str) -> Result<String, VerifyError> {
    of_copy(node, Some((ns, local)))
}

/// Exclusive c14n (no inclusive prefixes) of a copy of `node`'s subtree in a document of its
/// own, without the copy's child `drop` if given.
fn of_copy(node: &Node, drop: Option<(&str, &str)>) -> Result<String, VerifyError> {
    let alone = Document::dup_node_into_new_doc(node).map_err(failed)?;
    if let Some((ns, local)) = drop {
        let root = alone
            .get_root_element()
            .ok_or_else(|| VerifyError::NotXml("the copy has no root element".into()))?;
        if let Some(own) = super::xml::child(&root, ns, local) {
            own.free_subtree();
        }
    }
    alone
        .canonicalize(exclusive_options(&[]), None)
        .map_err(failed)
}

fn failed((): ()) -> VerifyError {
    VerifyError::NotXml("libxml2 could not canonicalise it".into())
}

fn exclusive_options(inclusive_prefixes: &[String]) -> CanonicalizationOptions {
    CanonicalizationOptions {
        mode: CanonicalizationMode::ExclusiveCanonical1_0,
        with_comments: false,
        inclusive_ns_prefixes: inclusive_prefixes.to_vec(),
    }
}

/// The one element whose id is `id`.
pub fn by_id(doc: &Document, id: &str) -> Result<Node, VerifyError> {
    let root = doc
        .get_root_element()
        .ok_or_else(|| VerifyError::NotXml("no root element".into()))?;
    let mut found = Vec::new();
    collect_ids(&root, id, 0, &mut found)?;
    match found.len() {
        0 => Err(VerifyError::UnknownReference(id.to_string())),
        1 => Ok(found.remove(0)),
        _ => Err(VerifyError::DuplicateId(id.to_string())),
    }
}

/// The id an element carries, if any.
pub fn id_of(node: &Node) -> Option<String> {
    node.get_attribute_ns("Id", super::ns::WSU)
        .or_else(|| node.get_attribute_no_ns("ID"))
        .or_else(|| node.get_attribute_no_ns("Id"))
}

fn collect_ids(
    node: &Node,
    id: &str,
    depth: usize,
    found: &mut Vec<Node>,
) -> Result<(), VerifyError> {
    if depth > MAX_DEPTH {
        return Err(VerifyError::NotXml(format!(
            "nested deeper than {MAX_DEPTH} elements"
        )));
    }
    if id_of(node).as_deref() == Some(id) {
        found.push(node.clone());
    }
    for child in node.get_child_elements() {
        collect_ids(&child, id, depth + 1, found)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusive_c14n_renders_only_used_namespaces_and_keeps_whitespace() {
        let doc = parse(
            "<a:r xmlns:a='urn:a' xmlns:b='urn:b' xmlns:c='urn:c'><b:x wsu:Id='x1' \
             xmlns:wsu='http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd' \
             z='1'  a='2'>  t <c:y/></b:x></a:r>",
        )
        .unwrap();
        let mut x = by_id(&doc, "x1").unwrap();
        assert_eq!(
            exclusive(&mut x, &[]).unwrap(),
            "<b:x xmlns:b=\"urn:b\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\" \
             a=\"2\" z=\"1\" wsu:Id=\"x1\">  t <c:y xmlns:c=\"urn:c\"></c:y></b:x>"
        );
    }

    #[test]
    fn a_subtree_copied_out_canonicalises_as_it_does_in_place() {
        // Namespaces from ancestors (used by an element, only by an attribute, unused, a
        // default one, one redeclared inside), an ancestor's xml:lang, text and comments.
        let doc = parse(
            "<e:Envelope xmlns:e='urn:e' xmlns:u='urn:u' xmlns:n='urn:unused' xmlns='urn:d'              xml:lang='da'><e:Body Id='b1' u:x='1' zz='1'><P xmlns:q='urn:q'>x<!-- c -->\n              <q:v e:a='1' xmlns:u='urn:u2' u:b='2'>&amp;&lt;</q:v><w/></P></e:Body></e:Envelope>",
        )
        .unwrap();
        let mut body = by_id(&doc, "b1").unwrap();
        let in_place = body
            .canonicalize(CanonicalizationOptions {
                mode: CanonicalizationMode::ExclusiveCanonical1_0,
                with_comments: false,
                inclusive_ns_prefixes: vec![],
            })
            .unwrap();
        assert_eq!(exclusive(&mut body, &[]).unwrap(), in_place);
        assert!(
            in_place.starts_with("<e:Body xmlns:e=\"urn:e\" xmlns:u=\"urn:u\""),
            "{in_place}"
        );
    }

    #[test]
    fn a_duplicate_id_is_refused_and_an_unknown_one_named() {
        let doc = parse("<r><a ID='i'/><b ID='i'/></r>").unwrap();
        assert_eq!(
            by_id(&doc, "i").unwrap_err(),
            VerifyError::DuplicateId("i".into())
        );
        assert_eq!(
            by_id(&doc, "j").unwrap_err(),
            VerifyError::UnknownReference("j".into())
        );
    }

    #[test]
    fn entities_and_oversized_input_are_refused() {
        assert!(
            parse("<!DOCTYPE r [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><r>&e;</r>")
                .map(|d| d.get_root_element().unwrap().get_content())
                .map(|c| c.is_empty())
                .unwrap_or(true)
        );
        assert!(matches!(
            parse(&"x".repeat(MAX_XML + 1)),
            Err(VerifyError::NotXml(_))
        ));
    }
}
