//! SF1470's answers: `MultipleOutputType` for `importer`, `opdater` and `fjern` (one
//! `UnikRetur` per case, or `StandardRetur`s when the call as a whole is answered: the schema
//! allows one kind or the other) and the hits of `fremsoeg`; written by the mock, read by the
//! steps.

use super::model::{self, Operation};
use super::sag::{parse_sag, write_hit, Sag, Vis};
use super::{message, w_name, Sf1470Error};
use crate::core::xml::Element;
use crate::services::sagdok::{
    self, child_ns, children_ns, invalid, required, ShapeError, StandardRetur, Writer,
};

/// The result for one case of a multi-case operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnikRetur {
    pub uuid: String,
    pub retur: StandardRetur,
}

/// `MultipleOutputType`: a `UnikRetur` per case, or `StandardRetur`s for the whole call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultipleOutput {
    Unik(Vec<UnikRetur>),
    Standard(Vec<StandardRetur>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FremsoegOutput {
    pub standard: StandardRetur,
    pub sager: Vec<Sag>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Importer(MultipleOutput),
    Opdater(MultipleOutput),
    Fjern(MultipleOutput),
    Fremsoeg(FremsoegOutput),
}

impl Response {
    /// Every StatusKode the answer holds, with the case it is for (if one).
    pub fn returs(&self) -> Vec<(Option<&str>, &StandardRetur)> {
        match self {
            Response::Importer(m) | Response::Opdater(m) | Response::Fjern(m) => match m {
                MultipleOutput::Unik(u) => u
                    .iter()
                    .map(|u| (Some(u.uuid.as_str()), &u.retur))
                    .collect(),
                MultipleOutput::Standard(s) => s.iter().map(|s| (None, s)).collect(),
            },
            Response::Fremsoeg(f) => vec![(None, &f.standard)],
        }
    }

    pub fn operation(&self) -> &'static str {
        match self {
            Response::Importer(_) => model::IMPORTER.name,
            Response::Opdater(_) => model::OPDATER.name,
            Response::Fjern(_) => model::FJERN.name,
            Response::Fremsoeg(_) => model::FREMSOEG.name,
        }
    }
}

/// `sd:StandardRetur` or the elements of a `UnikRetur`, which extends it.
fn write_retur(w: &mut Writer, r: &StandardRetur) {
    w.leaf("sd:StatusKode", &r.status_kode.to_string());
    if let Some(t) = &r.fejlbesked {
        w.leaf("sd:FejlbeskedTekst", t);
    }
}

/// The answer of `importer`, `opdater` or `fjern`.
pub fn multiple_output_xml(op: &Operation, m: &MultipleOutput) -> String {
    message(op.output, |w| match m {
        MultipleOutput::Unik(list) => {
            for u in list {
                let el = w_name("sd", model::UNIK_RETUR);
                w.open(&el);
                write_retur(w, &u.retur);
                w.leaf(&w_name("sd", model::RETUR_TYPE), model::RETUR_TYPE_SAG);
                w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), &u.uuid);
                w.close(&el);
            }
        }
        MultipleOutput::Standard(list) => {
            for s in list {
                s.write(w);
            }
        }
    })
}

/// The answer of `fremsoeg`, showing what `vis` asks for of each hit.
pub fn fremsoeg_output_xml(f: &FremsoegOutput, vis: Vis<'_>) -> String {
    message(model::FREMSOEG.output, |w| {
        f.standard.write(w);
        if f.standard.is_ok() {
            let a = w_name("sdi", model::ANTAL);
            w.open(&a);
            w.leaf(&w_name("sdi", model::ELEMENT), model::ANTAL_SAGER);
            w.leaf(&a, &f.sager.len().to_string());
            w.close(&a);
        }
        for s in &f.sager {
            write_hit(w, s, vis);
        }
    })
}

fn parse_multiple(output: &Element) -> Result<MultipleOutput, Sf1470Error> {
    let unik: Vec<&Element> = children_ns(output, model::SAGDOK_NS, model::UNIK_RETUR).collect();
    if unik.is_empty() {
        let standard: Vec<StandardRetur> =
            children_ns(output, model::SAGDOK_NS, model::STANDARD_RETUR)
                .map(sagdok::parse_standard_retur)
                .collect::<Result<_, _>>()?;
        if standard.is_empty() {
            return Err(ShapeError::Missing {
                parent: output.local.clone(),
                element: format!("{} or {}", model::UNIK_RETUR, model::STANDARD_RETUR),
            });
        }
        return Ok(MultipleOutput::Standard(standard));
    }
    let mut out = Vec::new();
    for u in unik {
        let uuid = required(u, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR)?.text();
        if !crate::core::ids::Uuid::is_valid(&uuid.to_ascii_lowercase()) {
            return Err(invalid(
                &format!("{}/{}", model::UNIK_RETUR, model::UUID_IDENTIFIKATOR),
                &uuid,
                "not a UUID (hex, 8-4-4-4-12)",
            ));
        }
        out.push(UnikRetur {
            uuid,
            retur: sagdok::parse_standard_retur(u)?,
        });
    }
    Ok(MultipleOutput::Unik(out))
}

/// The number of cases an answer's `Antal` says, if it says one.
fn antal_sager(output: &Element) -> Option<String> {
    children_ns(output, model::SDI_NS, model::ANTAL)
        .find(|a| {
            child_ns(a, model::SDI_NS, model::ELEMENT)
                .is_some_and(|e| e.text() == model::ANTAL_SAGER)
        })
        .and_then(|a| child_ns(a, model::SDI_NS, model::ANTAL))
        .map(|n| n.text())
}

/// Read an SF1470 answer's Body element (`ImporterSagDokumentIndeksOutput`, ...).
pub fn parse_response(output: &Element) -> Result<Response, Sf1470Error> {
    let op = model::OPERATIONS
        .iter()
        .find(|op| output.local == op.output && output.ns.as_deref() == Some(model::SDI_NS))
        .ok_or_else(|| ShapeError::Unexpected {
            expected: model::OPERATIONS
                .iter()
                .map(|o| o.output)
                .collect::<Vec<_>>()
                .join(" | "),
            ns: model::SDI_NS,
            found: output.local.clone(),
            found_ns: output.ns.clone().unwrap_or_else(|| "(none)".into()),
        })?;
    Ok(match op.name {
        "importer" => Response::Importer(parse_multiple(output)?),
        "opdater" => Response::Opdater(parse_multiple(output)?),
        "fjern" => Response::Fjern(parse_multiple(output)?),
        _ => {
            let standard = sagdok::standard_retur_of(output)?;
            let sager: Vec<Sag> = children_ns(output, model::SDI_NS, model::SAG_RESULTAT)
                .map(parse_sag)
                .collect();
            if let Some(t) = antal_sager(output) {
                if t.trim().parse::<usize>().ok() != Some(sager.len()) {
                    return Err(invalid(
                        model::ANTAL,
                        &t,
                        format!("the answer holds {} cases", sager.len()),
                    ));
                }
            }
            Response::Fremsoeg(FremsoegOutput { standard, sager })
        }
    })
}
