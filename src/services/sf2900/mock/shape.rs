//! A small shape checker for SF2900 requests on the mock: XSD sequences with cardinality,
//! by local name and namespace, and the value types the v2 schema uses (CVR, UUID, KLE,
//! dateTime, enumerations). A problem becomes one FejlKode/FejlTekst of the
//! TransportKvittering, naming the element.

use crate::core::ids::Uuid;
use crate::core::kle::{Emne, Facet};
use crate::core::soap::{AUTCTX_NS, CALLCTX_NS};
use crate::core::xml::Element;
use crate::services::sf2900 as svc;
use std::collections::HashMap;

/// One problem with the request: FejlKode and FejlTekst in the TransportKvittering.
pub(super) type Fejl = (String, String);

pub(super) fn fejl(kode: &str, tekst: impl Into<String>) -> Fejl {
    (kode.to_string(), tekst.into())
}

pub(super) fn schema(tekst: impl Into<String>) -> Fejl {
    fejl("SkemaFejl", tekst)
}

/// Children by name, as [`seq`] found them.
pub(super) type Children<'e> = HashMap<String, Vec<&'e Element>>;

pub(super) const ONE: (usize, usize) = (1, 1);
pub(super) const OPT: (usize, usize) = (0, 1);
pub(super) const MANY: (usize, usize) = (1, usize::MAX);

/// Check that `el`'s children follow `spec` (name, namespace, (min, max)) in order, and
/// return them by name.
pub(super) fn seq<'e>(
    el: &'e Element,
    spec: &[(&str, &str, (usize, usize))],
) -> Result<Children<'e>, Fejl> {
    let children: Vec<&Element> = el.elements().collect();
    let mut i = 0;
    let mut out = Children::new();
    for (name, ns, (min, max)) in spec {
        let mut got = Vec::new();
        while i < children.len() && children[i].local == *name && got.len() < *max {
            if children[i].ns.as_deref() != Some(*ns) {
                return Err(schema(format!(
                    "<{name}> in <{}> must be in namespace {ns}, not {}",
                    el.local,
                    children[i].ns.as_deref().unwrap_or("(none)")
                )));
            }
            got.push(children[i]);
            i += 1;
        }
        if got.len() < *min {
            let names: Vec<&str> = spec.iter().map(|s| s.0).collect();
            return Err(schema(match children.get(i) {
                Some(found) => format!(
                    "<{}> lacks <{name}> (found <{}> in its place; expected in this order: {})",
                    el.local,
                    found.local,
                    names.join(", ")
                ),
                None => format!("<{}> lacks <{name}>", el.local),
            }));
        }
        out.insert(name.to_string(), got);
    }
    if let Some(extra) = children.get(i) {
        let names: Vec<&str> = spec.iter().map(|s| s.0).collect();
        return Err(schema(format!(
            "<{}> is unexpected in <{}>; expected in this order: {}",
            extra.local,
            el.local,
            names.join(", ")
        )));
    }
    Ok(out)
}

pub(super) fn one<'e>(m: &Children<'e>, name: &str) -> &'e Element {
    m[name][0]
}

pub(super) fn opt<'e>(m: &Children<'e>, name: &str) -> Option<&'e Element> {
    m.get(name).and_then(|v| v.first().copied())
}

pub(super) fn leaf(el: &Element) -> Result<String, Fejl> {
    if el.elements().next().is_some() {
        return Err(schema(format!(
            "<{}> must hold text, not elements",
            el.local
        )));
    }
    Ok(el.text())
}

pub(super) fn cvr_of(el: &Element) -> Result<String, Fejl> {
    svc::check_cvr(&leaf(el)?).map_err(|e| schema(format!("<{}>: {e}", el.local)))
}

pub(super) fn uuid_of(el: &Element) -> Result<String, Fejl> {
    // The v2 UUID type allows either case.
    let v = leaf(el)?;
    Uuid::parse_lenient(&v)
        .map(|u| u.as_str().to_string())
        .map_err(|_| schema(format!("<{}> '{v}' is not a UUID", el.local)))
}

pub(super) fn emne_of(el: &Element) -> Result<Emne, Fejl> {
    Emne::parse(&leaf(el)?).map_err(|e| fejl("KLEUgyldig", format!("<{}>: {e}", el.local)))
}

pub(super) fn facet_of(el: Option<&Element>) -> Result<Option<Facet>, Fejl> {
    el.map(|el| {
        Facet::parse(&leaf(el)?).map_err(|e| fejl("KLEUgyldig", format!("<{}>: {e}", el.local)))
    })
    .transpose()
}

pub(super) fn one_of(el: &Element, allowed: &[&str]) -> Result<String, Fejl> {
    let v = leaf(el)?;
    if allowed.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(schema(format!(
            "<{}> '{v}' is not one of {}",
            el.local,
            allowed.join(", ")
        )))
    }
}

pub(super) fn date_time(el: &Element) -> Result<(), Fejl> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
            .expect("static regex")
    });
    let v = leaf(el)?;
    if re.is_match(&v) {
        Ok(())
    } else {
        Err(schema(format!(
            "<{}> '{v}' is not an xsd:dateTime",
            el.local
        )))
    }
}

pub(super) fn top<'e>(
    payload: &'e Element,
    rest: &[(&str, &str, (usize, usize))],
) -> Result<Children<'e>, Fejl> {
    let mut spec = vec![
        ("CallContext", CALLCTX_NS, OPT),
        ("AuthorityContext", AUTCTX_NS, OPT),
    ];
    spec.extend_from_slice(rest);
    seq(payload, &spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::xml;
    use crate::services::sf2900::{TYPES_NS, V2_NS};

    #[test]
    fn shape_checker_names_missing_unexpected_and_misplaced_elements() {
        let el =
            xml::parse(format!("<a xmlns=\"{V2_NS}\"><x>1</x><z>2</z></a>").as_bytes()).unwrap();
        let spec = [("x", V2_NS, ONE), ("y", V2_NS, ONE), ("z", V2_NS, OPT)];
        let e = seq(&el, &spec).unwrap_err().1;
        assert!(e.contains("lacks <y> (found <z> in its place"), "{e}");
        let spec = [("x", V2_NS, ONE)];
        assert!(seq(&el, &spec).unwrap_err().1.contains("<z> is unexpected"));
        let spec = [("x", TYPES_NS, ONE), ("z", V2_NS, OPT)];
        assert!(seq(&el, &spec).unwrap_err().1.contains("namespace"));
        let spec = [("x", V2_NS, ONE), ("z", V2_NS, OPT)];
        assert_eq!(seq(&el, &spec).unwrap()["z"].len(), 1);
    }
}
