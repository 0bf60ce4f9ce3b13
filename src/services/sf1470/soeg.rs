//! What `fremsoeg` asks: cases by UUID, or a `SoegUdtryk` (its parts joined by AND, the
//! default, or OR; `NOT` and nested expressions), with a `Filter` of what to show and a
//! `Sortering`, as KOMBIT's schema and usage patterns have them. Written by the steps, read by
//! the mock; the search itself is the mock's.

use super::model;
use super::sag::{read_unik_id, write_unik_id, Liste, Reference};
use super::w_name;
use crate::core::xml::Element;
use crate::services::sagdok::{child_ns, children_ns, Writer};

/// A `fremsoeg` request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fremsoeg {
    pub sag_uuids: Vec<String>,
    pub udtryk: Option<SoegUdtryk>,
    /// The `SagVis` values of a Filter; `None`: no Filter (everything is shown).
    pub filter: Option<Vec<String>>,
    /// The `SagSortering`s, in the order given (their `Prioritet` says which counts first).
    pub sortering: Vec<Sortering>,
}

impl Fremsoeg {
    pub fn uuids(uuids: Vec<String>) -> Fremsoeg {
        Fremsoeg {
            sag_uuids: uuids,
            ..Fremsoeg::default()
        }
    }

    /// One criterion alone.
    pub fn sag(s: SoegSag) -> Fremsoeg {
        Fremsoeg {
            udtryk: Some(SoegUdtryk {
                eller: false,
                led: vec![Led::Sag(s)],
            }),
            ..Fremsoeg::default()
        }
    }
}

/// `SoegUdtryk`: its parts joined by AND (`eller = false`, the schema's default) or OR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoegUdtryk {
    pub eller: bool,
    pub led: Vec<Led>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Led {
    Sag(SoegSag),
    /// `NOT`: the cases the expression does not find.
    Ikke(SoegUdtryk),
    Udtryk(SoegUdtryk),
}

/// `SoegSag`: a case that has every criterion given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SoegSag {
    /// A `FremdriftStatusKode` the case has now.
    pub status: Option<String>,
    pub relationer: Vec<SoegRelation>,
}

impl SoegSag {
    /// Cases where `urn` is a Sagspart.
    pub fn part(urn: String) -> SoegSag {
        SoegSag {
            status: None,
            relationer: vec![SoegRelation {
                liste: "Sagspart",
                rolle: None,
                reference: Reference::Urn(urn),
            }],
        }
    }

    /// Cases with a Sagsklasse relation of role `rolle` to the Klasse `klasse`.
    pub fn klasse(rolle: String, klasse: String) -> SoegSag {
        SoegSag {
            status: None,
            relationer: vec![SoegRelation {
                liste: "Sagsklasse",
                rolle: Some(rolle),
                reference: Reference::Uuid(klasse),
            }],
        }
    }

    pub fn status(status: &str) -> SoegSag {
        SoegSag {
            status: Some(status.to_string()),
            relationer: Vec::new(),
        }
    }
}

/// A relation the case must have: in `liste` (one of `model::SAG_LISTS`), with `rolle` if
/// given, pointing at `reference`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoegRelation {
    pub liste: &'static str,
    pub rolle: Option<String>,
    pub reference: Reference,
}

impl SoegRelation {
    pub fn liste(&self) -> Option<Liste> {
        Liste::named(self.liste)
    }
}

/// `SagSortering`: by `element` (the schema's `SagSorteringFilterType`), rising or falling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sortering {
    pub element: String,
    pub faldende: bool,
    pub prioritet: i64,
}

fn write_soeg_sag(w: &mut Writer, s: &SoegSag) {
    let el = w_name("sdi", model::SOEG_SAG);
    w.open(&el);
    w.leaf(&w_name("sag", model::ATTRIBUT_LISTE), "");
    let tl = w_name("sag", model::TILSTAND_LISTE);
    w.open(&tl);
    if let Some(st) = &s.status {
        let fd = w_name("sag", model::FREMDRIFT);
        w.open(&fd);
        w.leaf(&w_name("sag", model::FREMDRIFT_STATUS_KODE), st);
        w.close(&fd);
    }
    w.close(&tl);
    let rl = w_name("sag", model::RELATION_LISTE);
    w.open(&rl);
    let mut rels: Vec<&SoegRelation> = s.relationer.iter().collect();
    rels.sort_by_key(|r| model::SAG_LISTS.iter().position(|l| *l == r.liste));
    for r in rels {
        let name = w_name("sag", r.liste);
        w.open(&name);
        if let Some(rolle) = &r.rolle {
            write_unik_id(
                w,
                &w_name("gd", model::ROLLE),
                &Reference::Uuid(rolle.clone()),
            );
        }
        write_unik_id(w, &w_name("gd", model::REFERENCE_ID), &r.reference);
        w.close(&name);
    }
    w.close(&rl);
    w.close(&el);
}

fn write_udtryk(w: &mut Writer, element: &str, u: &SoegUdtryk) {
    w.open(element);
    if u.eller {
        w.leaf(&w_name("sdi", model::SOEG_OPERATION), "OR");
    }
    for l in &u.led {
        match l {
            Led::Sag(s) => write_soeg_sag(w, s),
            Led::Ikke(u) => write_udtryk(w, &w_name("sdi", model::NOT), u),
            Led::Udtryk(u) => write_udtryk(w, &w_name("sdi", model::SOEG_UDTRYK), u),
        }
    }
    w.close(element);
}

/// The content of `FremsoegSagDokumentIndeksInput`.
pub(super) fn write_fremsoeg(w: &mut Writer, q: &Fremsoeg) {
    for u in &q.sag_uuids {
        w.leaf(&w_name("sdi", model::SAG_UUID), u);
    }
    if let Some(u) = &q.udtryk {
        write_udtryk(w, &w_name("sdi", model::SOEG_UDTRYK), u);
    }
    if let Some(vis) = &q.filter {
        let f = w_name("sdi", model::FILTER);
        w.open(&f);
        for v in vis {
            let sv = w_name("sdi", model::SAG_VIS);
            w.open(&sv);
            w.leaf(&w_name("sdi", model::VIS), v);
            w.close(&sv);
        }
        w.close(&f);
    }
    if !q.sortering.is_empty() {
        let so = w_name("sdi", model::SORTERING);
        w.open(&so);
        for s in &q.sortering {
            let ss = w_name("sdi", model::SAG_SORTERING);
            w.open(&ss);
            w.leaf(&w_name("sdi", model::ELEMENT), &s.element);
            let retning = if s.faldende { "Faldende" } else { "Stigende" };
            w.leaf(&w_name("sdi", model::RETNING), retning);
            w.leaf(&w_name("sdi", model::PRIORITET), &s.prioritet.to_string());
            w.close(&ss);
        }
        w.close(&so);
    }
}

fn read_soeg_sag(el: &Element) -> SoegSag {
    let status = child_ns(el, model::SAG_NS, model::TILSTAND_LISTE)
        .and_then(|tl| child_ns(tl, model::SAG_NS, model::FREMDRIFT))
        .and_then(|f| child_ns(f, model::SAG_NS, model::FREMDRIFT_STATUS_KODE))
        .map(|e| e.text());
    let mut relationer = Vec::new();
    if let Some(rl) = child_ns(el, model::SAG_NS, model::RELATION_LISTE) {
        for r in rl.elements() {
            let Some(liste) = model::SAG_LISTS.iter().find(|l| **l == r.local) else {
                continue;
            };
            let Some(reference) =
                child_ns(r, model::GD_NS, model::REFERENCE_ID).and_then(read_unik_id)
            else {
                continue;
            };
            relationer.push(SoegRelation {
                liste,
                rolle: child_ns(r, model::GD_NS, model::ROLLE)
                    .and_then(read_unik_id)
                    .map(|u| u.value().to_string()),
                reference,
            });
        }
    }
    SoegSag { status, relationer }
}

/// A `SoegUdtryk` (or `NOT`); parts the mock does not search by (documents) are left out.
/// The XML parser bounds the nesting.
pub(super) fn read_udtryk(el: &Element) -> SoegUdtryk {
    let eller =
        child_ns(el, model::SDI_NS, model::SOEG_OPERATION).is_some_and(|o| o.text() == "OR");
    let led = el
        .elements()
        .filter(|c| c.ns.as_deref() == Some(model::SDI_NS))
        .filter_map(|c| match c.local.as_str() {
            model::SOEG_SAG => Some(Led::Sag(read_soeg_sag(c))),
            model::NOT => Some(Led::Ikke(read_udtryk(c))),
            model::SOEG_UDTRYK => Some(Led::Udtryk(read_udtryk(c))),
            _ => None,
        })
        .collect();
    SoegUdtryk { eller, led }
}

/// Read `FremsoegSagDokumentIndeksInput`.
pub(super) fn read_fremsoeg(input: &Element) -> Fremsoeg {
    let sdi = |el: &'_ Element, name: &'static str| {
        children_ns(el, model::SDI_NS, name)
            .map(|e| e.text())
            .collect::<Vec<String>>()
    };
    let filter = child_ns(input, model::SDI_NS, model::FILTER).map(|f| {
        children_ns(f, model::SDI_NS, model::SAG_VIS)
            .flat_map(|v| sdi(v, model::VIS))
            .collect()
    });
    let sortering = child_ns(input, model::SDI_NS, model::SORTERING)
        .map(|s| {
            children_ns(s, model::SDI_NS, model::SAG_SORTERING)
                .map(|ss| {
                    let text = |n| {
                        child_ns(ss, model::SDI_NS, n)
                            .map(|e| e.text())
                            .unwrap_or_default()
                    };
                    Sortering {
                        element: text(model::ELEMENT),
                        faldende: text(model::RETNING) == "Faldende",
                        prioritet: text(model::PRIORITET).trim().parse().unwrap_or(0),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Fremsoeg {
        sag_uuids: sdi(input, model::SAG_UUID),
        udtryk: child_ns(input, model::SDI_NS, model::SOEG_UDTRYK).map(read_udtryk),
        filter,
        sortering,
    }
}
