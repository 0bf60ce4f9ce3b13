//! Normalising responses for snapshots: canonical XML (prefixes, whitespace and attribute
//! order do not matter), then redaction of what changes from call to call and of personal
//! data, so an approved snapshot stays stable and safe to commit.

use crate::core::xml::{self, Element, Node};
use regex::Regex;
use std::sync::OnceLock;

/// Elements whose value is generated per call (ids, timestamps) or computed at the time of
/// asking (`alder`). Their value becomes `[redacted]`; their presence still counts.
pub const VOLATILE_ELEMENTS: &[&str] = &[
    "alder",
    "CallersServiceCallIdentifier",
    "TransmissionID",
    "TransmissionId",
    "TransaktionsId",
    "TransaktionsTid",
    "TransaktionsDatoTid",
    "AnvenderTransaktionsID",
    "DistributionTransktionsID",
    "DistributionTransaktionsID",
    "createdDateTime",
    "Dannelsestidspunkt",
    "Registreringstidspunkt",
    "PosteringIdentifikator",
];

fn fault_line_patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        vec![
            // The platform's fault strings end with a per-call id and receive time.
            (
                Regex::new(r"CallUUID: *[0-9a-fA-F-]{36}").expect("static regex"),
                "CallUUID: [redacted]",
            ),
            (
                Regex::new(r"Received: *\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?")
                    .expect("static regex"),
                "Received: [redacted]",
            ),
        ]
    })
}

/// The snapshot text of a payload or fault element.
pub fn snapshot_text(el: &Element) -> String {
    let mut el = el.clone();
    redact_volatile(&mut el);
    let mut text = xml::canonical(&el);
    for (re, with) in fault_line_patterns() {
        text = re.replace_all(&text, *with).into_owned();
    }
    crate::evidence::redact::mask_cpr(&text)
}

fn redact_volatile(el: &mut Element) {
    let volatile = VOLATILE_ELEMENTS.contains(&el.local.as_str());
    if volatile && el.elements().next().is_none() && !el.text().is_empty() {
        el.children = vec![Node::Text("[redacted]".into())];
        return;
    }
    for n in &mut el.children {
        if let Node::Element(c) = n {
            redact_volatile(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_across_prefixes_and_volatile_values() {
        let a = xml::parse(br#"<p:R xmlns:p="urn:x"><p:personnummer>0101801234</p:personnummer><p:alder>44</p:alder><p:f>CallUUID: 0b0e7b5e-1111-4222-8333-944444444444
Received: 2026-11-23T03:33:21Z</p:f></p:R>"#)
        .unwrap();
        let b = xml::parse(br#"<R xmlns="urn:x"><personnummer>0101801234</personnummer><alder>45</alder><f>CallUUID: 9b0e7b5e-1111-4222-8333-944444444444
Received: 2026-11-24T01:00:00Z</f></R>"#)
        .unwrap();
        let ta = snapshot_text(&a);
        assert_eq!(ta, snapshot_text(&b));
        assert!(ta.contains("010180-xxxx") && !ta.contains("1234"), "{ta}");
        assert!(ta.contains("<alder>[redacted]</alder>"), "{ta}");
    }
}
