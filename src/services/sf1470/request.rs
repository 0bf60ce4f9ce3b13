//! SF1470's requests: the builders the steps send (`importer`, `opdater`, `fjern`,
//! `fremsoeg`) and the reader the mock parses them with, so both sides share one model.

use super::model::{self, Operation};
use super::sag::{
    parse_sag, read_status, read_unik_id, read_uuid, write_egenskaber, write_fremdrift, write_sag,
    write_unik_id, Reference, Sag,
};
use super::{message, w_name, Sf1470Error};
use crate::core::soap::InvocationContext;
use crate::core::xml::Element;
use crate::services::sagdok::{
    child_ns, children_ns, expect, invalid, missing, only_children, only_contexts_and, required,
    Writer,
};

/// What `fremsoeg` looks for: cases by UUID, or by criteria (all given must hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fremsoeg {
    SagUuid(Vec<String>),
    Udtryk {
        /// A party URN (`urn:oio:cpr-nr:…`): cases where it is a Sagspart.
        part: Option<String>,
        /// A KLE emne Klasse UUID: cases with it as Primær klasse.
        primaer_klasse: Option<String>,
    },
}

/// An `opdater` of one case: only what is given changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opdatering {
    pub uuid: String,
    pub titel: Option<String>,
    pub status: Option<String>,
}

/// A parsed request, as the mock sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Importer(Vec<Sag>),
    Opdater(Vec<Opdatering>),
    Fjern(Vec<String>),
    Fremsoeg(Fremsoeg),
}

fn request(
    op: &Operation,
    ctx: Option<&InvocationContext>,
    input: impl FnOnce(&mut Writer),
) -> String {
    message(op.request, ctx, op.input, input)
}

fn write_sag_uuid(w: &mut Writer, uuid: &str) {
    let el = w_name("sdi", model::SAG_UUID);
    w.open(&el);
    w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), uuid);
    w.close(&el);
}

/// `importer`: index (create or replace) the cases. `ctx = None` leaves out the context.
pub fn importer_request(ctx: Option<&InvocationContext>, sager: &[Sag]) -> String {
    request(&model::IMPORTER, ctx, |w| {
        for s in sager {
            write_sag(w, &w_name("sdi", model::SAG_INDEKS), s);
        }
    })
}

/// `opdater`: change title and/or status of indexed cases.
pub fn opdater_request(ctx: Option<&InvocationContext>, opdateringer: &[Opdatering]) -> String {
    request(&model::OPDATER, ctx, |w| {
        for o in opdateringer {
            let el = w_name("sdi", model::OPDATER_SAG_INDEKS);
            w.open(&el);
            w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), &o.uuid);
            if o.titel.is_some() {
                write_egenskaber(w, None, None, o.titel.as_deref());
            }
            if let Some(s) = &o.status {
                write_fremdrift(w, s);
            }
            w.close(&el);
        }
    })
}

/// `fjern`: remove cases from the index.
pub fn fjern_request(ctx: Option<&InvocationContext>, uuids: &[String]) -> String {
    request(&model::FJERN, ctx, |w| {
        for u in uuids {
            write_sag_uuid(w, u);
        }
    })
}

/// `fremsoeg`: search the index.
pub fn fremsoeg_request(ctx: Option<&InvocationContext>, soeg: &Fremsoeg) -> String {
    request(&model::FREMSOEG, ctx, |w| match soeg {
        Fremsoeg::SagUuid(uuids) => {
            for u in uuids {
                write_sag_uuid(w, u);
            }
        }
        Fremsoeg::Udtryk {
            part,
            primaer_klasse,
        } => {
            let su = w_name("sdi", model::SOEG_UDTRYK);
            w.open(&su);
            if let Some(p) = part {
                write_unik_id(
                    w,
                    &w_name("sdi", model::SOEG_PART),
                    &Reference::Urn(p.clone()),
                );
            }
            if let Some(k) = primaer_klasse {
                write_unik_id(
                    w,
                    &w_name("sdi", model::SOEG_PRIMAER_KLASSE),
                    &Reference::Uuid(k.clone()),
                );
            }
            w.close(&su);
        }
    })
}

pub fn operation_by_action(action: &str) -> Option<&'static Operation> {
    model::OPERATIONS.iter().find(|op| op.action == action)
}

/// Read a request wrapper (`ImporterRequest`, ...) of `op`. The contexts are the pipeline's
/// business; this reads the input.
pub fn parse_request(op: &Operation, payload: &Element) -> Result<Request, Sf1470Error> {
    expect(payload, model::WSDL_NS, op.request)?;
    only_contexts_and(payload, model::SDI_NS, &[op.input])?;
    let input = required(payload, model::SDI_NS, op.input)?;
    let only = |allowed: &[&str]| only_children(input, model::SDI_NS, allowed);
    let sag_uuids = || -> Result<Vec<String>, Sf1470Error> {
        children_ns(input, model::SDI_NS, model::SAG_UUID)
            .map(|e| read_uuid(e, model::SAG_UUID))
            .collect()
    };
    let non_empty = |n: usize, what: &str| {
        if n == 0 {
            Err(missing(input, what))
        } else {
            Ok(())
        }
    };
    match op.name {
        "importer" => {
            only(&[model::SAG_INDEKS])?;
            let sager: Vec<Sag> = children_ns(input, model::SDI_NS, model::SAG_INDEKS)
                .map(parse_sag)
                .collect::<Result<_, _>>()?;
            non_empty(sager.len(), model::SAG_INDEKS)?;
            Ok(Request::Importer(sager))
        }
        "opdater" => {
            only(&[model::OPDATER_SAG_INDEKS])?;
            let mut out = Vec::new();
            for o in children_ns(input, model::SDI_NS, model::OPDATER_SAG_INDEKS) {
                let uuid = read_uuid(o, model::OPDATER_SAG_INDEKS)?;
                let titel = match child_ns(o, model::SAG_NS, model::ATTRIBUT_LISTE) {
                    Some(al) => {
                        let eg = required(al, model::SAG_NS, model::EGENSKABER)?;
                        child_ns(eg, model::SAG_NS, model::TITEL).map(|e| e.text())
                    }
                    None => None,
                };
                let status = match child_ns(o, model::SAG_NS, model::TILSTAND_LISTE) {
                    Some(tl) => Some(read_status(tl)?),
                    None => None,
                };
                out.push(Opdatering {
                    uuid,
                    titel,
                    status,
                });
            }
            non_empty(out.len(), model::OPDATER_SAG_INDEKS)?;
            Ok(Request::Opdater(out))
        }
        "fjern" => {
            only(&[model::SAG_UUID])?;
            let uuids = sag_uuids()?;
            non_empty(uuids.len(), model::SAG_UUID)?;
            Ok(Request::Fjern(uuids))
        }
        _ => {
            only(&[model::SAG_UUID, model::SOEG_UDTRYK])?;
            if let Some(su) = child_ns(input, model::SDI_NS, model::SOEG_UDTRYK) {
                if child_ns(input, model::SDI_NS, model::SAG_UUID).is_some() {
                    return Err(invalid(
                        op.input,
                        "",
                        format!(
                            "give {} or {}, not both",
                            model::SAG_UUID,
                            model::SOEG_UDTRYK
                        ),
                    ));
                }
                let part = match child_ns(su, model::SDI_NS, model::SOEG_PART) {
                    Some(p) => match read_unik_id(p)? {
                        Reference::Urn(u) => Some(u),
                        Reference::Uuid(u) => {
                            return Err(invalid(model::SOEG_PART, &u, "a party is a URN"))
                        }
                    },
                    None => None,
                };
                let primaer_klasse = match child_ns(su, model::SDI_NS, model::SOEG_PRIMAER_KLASSE) {
                    Some(k) => match read_unik_id(k)? {
                        Reference::Uuid(u) => Some(u),
                        Reference::Urn(u) => {
                            return Err(invalid(
                                model::SOEG_PRIMAER_KLASSE,
                                &u,
                                "a Klasse is named by UUID",
                            ))
                        }
                    },
                    None => None,
                };
                Ok(Request::Fremsoeg(Fremsoeg::Udtryk {
                    part,
                    primaer_klasse,
                }))
            } else {
                let uuids = sag_uuids()?;
                non_empty(
                    uuids.len(),
                    &format!("{} or {}", model::SAG_UUID, model::SOEG_UDTRYK),
                )?;
                Ok(Request::Fremsoeg(Fremsoeg::SagUuid(uuids)))
            }
        }
    }
}
