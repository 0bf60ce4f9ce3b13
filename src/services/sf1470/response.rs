//! SF1470's answers: `MultipleOutputType` (the overall StandardRetur, then one UnikRetur per
//! case) for `importer`, `opdater` and `fjern`, and the hits of `fremsoeg`; written by the
//! mock, read by the steps.

use super::model::{self, Operation};
use super::sag::{parse_sag, read_uuid, write_sag, Sag};
use super::{message, w_name, Sf1470Error};
use crate::core::xml::Element;
use crate::services::sagdok::{
    self, child_ns, children_ns, expect, invalid, required, ShapeError, StandardRetur, Writer,
};

/// The result for one case of a multi-case operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnikRetur {
    pub uuid: String,
    pub retur: StandardRetur,
}

/// `MultipleOutputType`: the overall `StandardRetur`, then one `UnikRetur` per case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipleOutput {
    pub standard: StandardRetur,
    pub unik: Vec<UnikRetur>,
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
    /// Every StandardRetur in the answer: the overall one first, then per case.
    pub fn returs(&self) -> Vec<(Option<&str>, &StandardRetur)> {
        match self {
            Response::Importer(m) | Response::Opdater(m) | Response::Fjern(m) => {
                let mut v = vec![(None, &m.standard)];
                v.extend(m.unik.iter().map(|u| (Some(u.uuid.as_str()), &u.retur)));
                v
            }
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

fn response(op: &Operation, output: impl FnOnce(&mut Writer)) -> String {
    message(op.response, None, op.output, output)
}

/// The answer of `importer`, `opdater` or `fjern`.
pub fn multiple_output_xml(op: &Operation, m: &MultipleOutput) -> String {
    response(op, |w| {
        m.standard.write(w);
        for u in &m.unik {
            let el = w_name("sd", model::UNIK_RETUR);
            w.open(&el);
            w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), &u.uuid);
            u.retur.write(w);
            w.close(&el);
        }
    })
}

/// The answer of `fremsoeg`.
pub fn fremsoeg_output_xml(f: &FremsoegOutput) -> String {
    response(&model::FREMSOEG, |w| {
        f.standard.write(w);
        w.leaf(&w_name("sdi", model::ANTAL), &f.sager.len().to_string());
        for s in &f.sager {
            write_sag(w, &w_name("sdi", model::SAG_RESULTAT), s);
        }
    })
}

fn parse_multiple(output: &Element) -> Result<MultipleOutput, Sf1470Error> {
    let standard = sagdok::standard_retur_of(output)?;
    let mut unik = Vec::new();
    for u in children_ns(output, model::SAGDOK_NS, model::UNIK_RETUR) {
        unik.push(UnikRetur {
            uuid: read_uuid(u, model::UNIK_RETUR)?,
            retur: sagdok::standard_retur_of(u)?,
        });
    }
    Ok(MultipleOutput { standard, unik })
}

/// Read an SF1470 answer payload (`ImporterResponse`, ...).
pub fn parse_response(payload: &Element) -> Result<Response, Sf1470Error> {
    let Some(op) = model::OPERATIONS
        .iter()
        .find(|op| payload.local == op.response)
    else {
        return Err(ShapeError::Unexpected {
            expected: model::OPERATIONS
                .iter()
                .map(|o| o.response)
                .collect::<Vec<_>>()
                .join(" | "),
            ns: model::WSDL_NS,
            found: payload.local.clone(),
            found_ns: payload.ns.clone().unwrap_or_else(|| "(none)".into()),
        });
    };
    expect(payload, model::WSDL_NS, op.response)?;
    let output = required(payload, model::SDI_NS, op.output)?;
    Ok(match op.name {
        "importer" => Response::Importer(parse_multiple(output)?),
        "opdater" => Response::Opdater(parse_multiple(output)?),
        "fjern" => Response::Fjern(parse_multiple(output)?),
        _ => {
            let standard = sagdok::standard_retur_of(output)?;
            let sager: Vec<Sag> = children_ns(output, model::SDI_NS, model::SAG_RESULTAT)
                .map(parse_sag)
                .collect::<Result<_, _>>()?;
            if let Some(a) = child_ns(output, model::SDI_NS, model::ANTAL) {
                let t = a.text();
                if t.parse::<usize>().ok() != Some(sager.len()) {
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
