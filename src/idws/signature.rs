//! XML-DSig as the token model uses it: exclusive c14n, rsa-sha256, sha256 digests, each
//! reference an id in the same document, with one of three transform chains: exc-c14n, the
//! enveloped signature (an assertion's own signature), or the STR-Transform (a reference to a
//! SecurityTokenReference digests the assertion it names). Signing and checking share the
//! digest computation; the tests check both against xmlsec1 and xmllint.

use super::c14n::{by_id, exclusive, exclusive_without, id_of, parse};
use super::xml::{child, is, need};
use super::{ns, IdwsError, VerifyError};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use libxml::tree::{Document, Node};
use openssl::hash::MessageDigest;
use openssl::pkey::{HasPublic, Id, PKey, PKeyRef, Private};
use openssl::sign::{Signer, Verifier};

/// The transforms of one reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// exc-c14n of the referenced element.
    Exclusive,
    /// The enveloped signature removed, then exc-c14n (the element holds the signature).
    Enveloped,
    /// The STR-Transform: the assertion the referenced SecurityTokenReference names, exc-c14n.
    Str,
}

/// One reference to sign: the id of the element and its transforms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub id: String,
    pub transform: Transform,
}

impl Reference {
    pub fn new(id: &str, transform: Transform) -> Reference {
        Reference {
            id: id.to_string(),
            transform,
        }
    }
}

/// What one checked reference covered: the element whose content the digest proves (for the
/// STR-Transform: the assertion), by its id and local name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    pub id: String,
    pub local: String,
}

/// A document with the place of its `ds:Signature`: the text before it and after it.
#[derive(Debug, Clone)]
pub struct Template {
    pub before: String,
    pub after: String,
}

/// Sign `refs` of the document with `key`; `key_info` is the content of `ds:KeyInfo` (empty:
/// no KeyInfo).
/// Returns the whole document with the signature in its place.
pub fn sign(
    doc: &Template,
    refs: &[Reference],
    key_info: &str,
    key: &PKey<Private>,
) -> Result<String, IdwsError> {
    let build = |e: VerifyError| IdwsError::Build {
        what: "signature",
        detail: e.to_string(),
    };
    let unsigned = format!("{}{}", doc.before, doc.after);
    let parsed = parse(&unsigned).map_err(build)?;
    let mut references = String::new();
    for r in refs {
        let (value, _) = digest(&parsed, &unsigned, &r.id, r.transform, &[]).map_err(build)?;
        references.push_str(&reference_xml(r, &value));
    }
    let signed_info = format!(
        "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{}\"/>\
         <ds:SignatureMethod Algorithm=\"{}\"/>{references}</ds:SignedInfo>",
        ns::EXC_C14N,
        ns::RSA_SHA256
    );
    let sig_id = super::new_id("SIG");
    // KeyInfo must not be empty when present: none when the verifier knows the key.
    let key_info = if key_info.is_empty() {
        String::new()
    } else {
        format!("<ds:KeyInfo>{key_info}</ds:KeyInfo>")
    };
    let render = |value: &str| {
        format!(
            "<ds:Signature xmlns:ds=\"{}\" Id=\"{sig_id}\">{signed_info}\
             <ds:SignatureValue>{value}</ds:SignatureValue>{key_info}</ds:Signature>",
            ns::DS
        )
    };
    // SignedInfo is canonicalised where it stands, as a verifier will.
    let draft = format!("{}{}{}", doc.before, render(""), doc.after);
    let parsed = parse(&draft).map_err(build)?;
    let signature = by_id(&parsed, &sig_id).map_err(build)?;
    let mut si = need(&signature, ns::DS, "SignedInfo", "Signature").map_err(build)?;
    let canonical = exclusive(&mut si, &[]).map_err(build)?;
    let value = rsa_sha256(key, canonical.as_bytes())?;
    Ok(format!(
        "{}{}{}",
        doc.before,
        render(&B64.encode(value)),
        doc.after
    ))
}

fn rsa_sha256(key: &PKey<Private>, data: &[u8]) -> Result<Vec<u8>, IdwsError> {
    if key.id() != Id::RSA {
        return Err(IdwsError::Certificate {
            detail: format!(
                "its key is {:?}, not RSA, and OIO IDWS signs with rsa-sha256",
                key.id()
            ),
        });
    }
    let fail = |e: openssl::error::ErrorStack| IdwsError::Certificate {
        detail: format!("signing with its key failed: {e}"),
    };
    let mut signer = Signer::new(MessageDigest::sha256(), key).map_err(fail)?;
    signer.update(data).map_err(fail)?;
    signer.sign_to_vec().map_err(fail)
}

fn reference_xml(r: &Reference, digest: &str) -> String {
    let exc = format!("<ds:Transform Algorithm=\"{}\"/>", ns::EXC_C14N);
    let transforms = match r.transform {
        Transform::Exclusive => exc,
        Transform::Enveloped => format!("<ds:Transform Algorithm=\"{}\"/>{exc}", ns::ENVELOPED),
        Transform::Str => format!(
            "<ds:Transform Algorithm=\"{}\"><wsse:TransformationParameters xmlns:wsse=\"{}\">\
             <ds:CanonicalizationMethod Algorithm=\"{}\"/></wsse:TransformationParameters></ds:Transform>",
            ns::STR_TRANSFORM,
            ns::WSSE,
            ns::EXC_C14N
        ),
    };
    format!(
        "<ds:Reference URI=\"#{}\"><ds:Transforms>{transforms}</ds:Transforms>\
         <ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference>",
        r.id,
        ns::SHA256
    )
}

/// The base64 sha256 digest of the element with `id` after `transform`, and the element it
/// covers (for the STR-Transform: the assertion). `doc` is `text` parsed once for all the
/// references of a signature (parsing the message again for each of them was most of what
/// signing and checking cost); it is not changed: the enveloped transform drops the
/// signature from a copy.
fn digest(
    doc: &Document,
    text: &str,
    id: &str,
    transform: Transform,
    prefixes: &[String],
) -> Result<(String, Covered), VerifyError> {
    let mut node = by_id(doc, id)?;
    let covered = |node: &Node| Covered {
        id: id_of(node).unwrap_or_default(),
        local: node.get_name(),
    };
    let canonical = match transform {
        Transform::Exclusive => exclusive(&mut node, prefixes)?,
        Transform::Enveloped if prefixes.is_empty() => {
            exclusive_without(&node, ns::DS, "Signature")?
        }
        Transform::Enveloped => {
            // Inclusive prefixes are canonicalised in place (see `exclusive`): in a fresh
            // parse, then, whose signature may be taken out.
            let own = parse(text)?;
            let mut node = by_id(&own, id)?;
            if let Some(sig) = child(&node, ns::DS, "Signature") {
                sig.free_subtree();
            }
            let canonical = exclusive(&mut node, prefixes)?;
            return Ok((
                B64.encode(openssl::sha::sha256(canonical.as_bytes())),
                covered(&node),
            ));
        }
        Transform::Str => {
            let key_id = child(&node, ns::WSSE, "KeyIdentifier")
                .filter(|k| k.get_attribute_no_ns("ValueType").as_deref() == Some(ns::SAMLID))
                .ok_or_else(|| {
                    VerifyError::Missing(
                        "SecurityTokenReference/KeyIdentifier (ValueType SAMLID)".into(),
                    )
                })?;
            node = by_id(doc, key_id.get_content().trim())?;
            if !is(&node, ns::SAML, "Assertion") {
                return Err(VerifyError::Unsupported {
                    what: "the STR-Transform's token",
                    detail: format!("<{}> is not a SAML 2.0 assertion", node.get_name()),
                });
            }
            exclusive(&mut node, prefixes)?
        }
    };
    let hash = openssl::sha::sha256(canonical.as_bytes());
    Ok((B64.encode(hash), covered(&node)))
}

/// Check the signature `signature` (an element of `text`'s parse) with `key`: its algorithms,
/// every reference's digest, then its value. Returns what the references cover.
pub fn check<K: HasPublic>(
    text: &str,
    signature: &Node,
    key: &PKeyRef<K>,
    key_name: &'static str,
) -> Result<Vec<Covered>, VerifyError> {
    if key.id() != Id::RSA {
        return Err(VerifyError::Certificate {
            what: key_name,
            detail: "its key is not RSA (the token model signs with rsa-sha256)".into(),
        });
    }
    let mut si = need(signature, ns::DS, "SignedInfo", "Signature")?;
    algorithm(&si, "CanonicalizationMethod", ns::EXC_C14N)?;
    algorithm(&si, "SignatureMethod", ns::RSA_SHA256)?;
    let doc = parse(text)?;
    let mut covered = Vec::new();
    for r in si.get_child_elements() {
        if !is(&r, ns::DS, "Reference") {
            continue;
        }
        let uri = r.get_attribute_no_ns("URI").unwrap_or_default();
        let id = uri
            .strip_prefix('#')
            .ok_or_else(|| VerifyError::Unsupported {
                what: "a reference",
                detail: format!("URI {uri:?} is not a same-document id"),
            })?;
        let (transform, prefixes) = transforms(&r)?;
        algorithm(&r, "DigestMethod", ns::SHA256)?;
        let stated = need(&r, ns::DS, "DigestValue", "Reference")?.get_content();
        let (actual, what) = digest(&doc, text, id, transform, &prefixes)?;
        if stated.trim() != actual {
            return Err(VerifyError::Digest {
                id: id.to_string(),
                element: what.local,
            });
        }
        covered.push(what);
    }
    if covered.is_empty() {
        return Err(VerifyError::Missing(
            "Signature/SignedInfo/Reference".into(),
        ));
    }
    let value = need(signature, ns::DS, "SignatureValue", "Signature")?.get_content();
    let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let value = B64
        .decode(value)
        .map_err(|_| VerifyError::SignatureValue { key: key_name })?;
    let canonical = exclusive(&mut si, &[])?;
    let ok = Verifier::new(MessageDigest::sha256(), key)
        .and_then(|mut v| {
            v.update(canonical.as_bytes())?;
            v.verify(&value)
        })
        .unwrap_or(false);
    if ok {
        Ok(covered)
    } else {
        Err(VerifyError::SignatureValue { key: key_name })
    }
}

fn algorithm(parent: &Node, local: &'static str, expected: &str) -> Result<(), VerifyError> {
    let got = need(parent, ns::DS, local, &parent.get_name())?
        .get_attribute_no_ns("Algorithm")
        .unwrap_or_default();
    if got == expected {
        Ok(())
    } else {
        Err(VerifyError::Unsupported {
            what: local,
            detail: format!("{got:?}, expected {expected:?}"),
        })
    }
}

/// The transform chain of a reference, and exc-c14n's InclusiveNamespaces prefixes.
fn transforms(reference: &Node) -> Result<(Transform, Vec<String>), VerifyError> {
    let list = need(reference, ns::DS, "Transforms", "Reference")?;
    let mut algorithms = Vec::new();
    let mut prefixes = Vec::new();
    for t in list.get_child_elements() {
        if !is(&t, ns::DS, "Transform") {
            continue;
        }
        algorithms.push(t.get_attribute_no_ns("Algorithm").unwrap_or_default());
        if let Some(inc) = child(&t, ns::EXC_C14N, "InclusiveNamespaces") {
            let list = inc.get_attribute_no_ns("PrefixList").unwrap_or_default();
            prefixes.extend(list.split_whitespace().map(str::to_string));
        }
    }
    let names: Vec<&str> = algorithms.iter().map(String::as_str).collect();
    let transform = match names.as_slice() {
        [a] if *a == ns::EXC_C14N => Transform::Exclusive,
        [a, b] if *a == ns::ENVELOPED && *b == ns::EXC_C14N => Transform::Enveloped,
        [a] if *a == ns::STR_TRANSFORM => Transform::Str,
        _ => {
            return Err(VerifyError::Unsupported {
                what: "a reference's transforms",
                detail: names.join(", "),
            })
        }
    };
    Ok((transform, prefixes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WSU: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

    fn signed() -> String {
        let (key, _) = super::super::test_key();
        let before =
            format!("<r xmlns:wsu=\"{WSU}\"><a wsu:Id=\"a1\">  one\n</a><b ID=\"b1\">two</b>");
        let doc = Template {
            before,
            after: "</r>".into(),
        };
        let refs = [
            Reference::new("a1", Transform::Exclusive),
            Reference::new("b1", Transform::Exclusive),
        ];
        sign(&doc, &refs, "", key).unwrap()
    }

    fn check_text(text: &str) -> Result<Vec<Covered>, VerifyError> {
        let (_, cert) = super::super::test_key();
        let doc = parse(text).unwrap();
        let root = doc.get_root_element().unwrap();
        let sig = child(&root, ns::DS, "Signature").unwrap();
        check(text, &sig, &cert.public_key().unwrap(), "test key")
    }

    #[test]
    fn what_is_signed_checks_and_names_what_it_covers() {
        let covered = check_text(&signed()).unwrap();
        let ids: Vec<&str> = covered.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["a1", "b1"]);
    }

    #[test]
    fn an_altered_element_a_duplicated_id_and_a_weaker_algorithm_are_refused() {
        let text = signed();
        assert_eq!(
            check_text(&text.replace("two", "twO")),
            Err(VerifyError::Digest {
                id: "b1".into(),
                element: "b".into()
            })
        );
        // Wrapping: a second element with the signed id.
        let wrapped = text.replace("</r>", "<b ID=\"b1\">two</b></r>");
        assert_eq!(
            check_text(&wrapped),
            Err(VerifyError::DuplicateId("b1".into()))
        );
        let sha1 = text.replace(ns::RSA_SHA256, "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
        assert!(matches!(
            check_text(&sha1),
            Err(VerifyError::Unsupported {
                what: "SignatureMethod",
                ..
            })
        ));
        // The signed text is fine, the value is not.
        let start = text.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
        let mut bytes = text.into_bytes();
        bytes[start] = if bytes[start] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            check_text(&String::from_utf8(bytes).unwrap()),
            Err(VerifyError::SignatureValue { key: "test key" })
        );
    }

    #[test]
    fn a_key_that_is_not_rsa_signs_nothing() {
        let ec = openssl::ec::EcKey::generate(
            &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap(),
        )
        .unwrap();
        let key = PKey::from_ec_key(ec).unwrap();
        let doc = Template {
            before: "<r ID=\"x\">".into(),
            after: "</r>".into(),
        };
        let e = sign(&doc, &[Reference::new("x", Transform::Enveloped)], "", &key).unwrap_err();
        assert!(matches!(e, IdwsError::Certificate { .. }), "{e}");
    }
}
