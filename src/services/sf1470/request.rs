//! SF1470's requests: the builders the steps send (`importer`, `opdater`, `fjern`,
//! `fremsoeg`: the Body's input element and the `RequestHeader` beside it) and the reader the
//! mock takes them in with, so both sides share one model.

use super::model::{self, Operation};
use super::sag::{
    parse_sag, read_tilstande, write_sag, write_tilstande, write_unik_id, Aktoer, Reference, Sag,
    Tilstand,
};
use super::soeg::{read_fremsoeg, write_fremsoeg, Fremsoeg};
use super::{message, w_name, Sf1470Error};
use crate::core::xml::Element;
use crate::services::sagdok::{child_ns, children_ns, expect, Writer};

/// An `opdater` of one case's state: from `tilstand.fra` on, the case is in `tilstand.status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opdatering {
    pub uuid: String,
    pub tilstand: Tilstand,
    pub aktoer: Aktoer,
    /// `Tidspunkt`: when the sending system registered the change.
    pub tidspunkt: String,
}

/// A parsed request, as the mock sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Importer(Vec<Sag>),
    Opdater(Vec<Opdatering>),
    Fjern(Vec<String>),
    Fremsoeg(Fremsoeg),
}

/// `RequestHeader` with this `TransactionUUID`: the SOAP header of every SF1470 request.
pub fn request_header(transaction_uuid: &str) -> String {
    let mut w = Writer::new();
    let h = w_name("rh", model::REQUEST_HEADER);
    w.open_with(&h, &[("rh", model::HEADER_NS)]);
    w.leaf(&w_name("rh", model::TRANSACTION_UUID), transaction_uuid);
    w.close(&h);
    w.finish()
}

/// The `TransactionUUID` of a SOAP Header, if it has a `RequestHeader`.
pub fn transaction_uuid(header: &Element) -> Option<String> {
    let rh = child_ns(header, model::HEADER_NS, model::REQUEST_HEADER)?;
    child_ns(rh, model::HEADER_NS, model::TRANSACTION_UUID).map(|e| e.text())
}

/// `importer`: index (create or replace) the cases.
pub fn importer_request(sager: &[Sag]) -> String {
    message(model::IMPORTER.input, |w| {
        for s in sager {
            write_sag(w, s);
        }
    })
}

/// `opdater`: a new state of indexed cases.
pub fn opdater_request(opdateringer: &[Opdatering]) -> String {
    message(model::OPDATER.input, |w| {
        for o in opdateringer {
            let el = w_name("sdi", model::OPDATER_SAG_INDEKS);
            w.open(&el);
            w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), &o.uuid);
            let tl = w_name("sag", model::TILSTAND_LISTE);
            w.open(&tl);
            write_tilstande(w, std::slice::from_ref(&o.tilstand), Some(&o.aktoer));
            w.close(&tl);
            w.leaf(&w_name("sdi", model::TIDSPUNKT), &o.tidspunkt);
            w.close(&el);
        }
    })
}

/// `fjern`: remove cases from the index.
pub fn fjern_request(uuids: &[String]) -> String {
    message(model::FJERN.input, |w| {
        for u in uuids {
            write_unik_id(
                w,
                &w_name("sdi", model::SAG_UUID),
                &Reference::Uuid(u.clone()),
            );
        }
    })
}

/// `fremsoeg`: search the index.
pub fn fremsoeg_request(q: &Fremsoeg) -> String {
    message(model::FREMSOEG.input, |w| write_fremsoeg(w, q))
}

pub fn operation_by_action(action: &str) -> Option<&'static Operation> {
    model::OPERATIONS.iter().find(|op| op.action == action)
}

/// Read the Body's input element of `op`. The XSD has judged its shape; this takes out what
/// the index works with.
pub fn parse_request(op: &Operation, input: &Element) -> Result<Request, Sf1470Error> {
    expect(input, model::SDI_NS, op.input)?;
    Ok(match op.name {
        "importer" => Request::Importer(
            children_ns(input, model::SDI_NS, model::SAG_INDEKS)
                .map(parse_sag)
                .collect(),
        ),
        "opdater" => Request::Opdater(
            children_ns(input, model::SDI_NS, model::OPDATER_SAG_INDEKS)
                .flat_map(parse_opdatering)
                .collect(),
        ),
        "fjern" => Request::Fjern(
            children_ns(input, model::SDI_NS, model::SAG_UUID)
                .filter_map(|e| child_ns(e, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR))
                .map(|e| e.text())
                .collect(),
        ),
        _ => Request::Fremsoeg(read_fremsoeg(input)),
    })
}

/// One `OpdaterSagIndeks`, a change per state it gives (none: nothing the mock changes).
fn parse_opdatering(o: &Element) -> Vec<Opdatering> {
    let text = |ns: &str, name: &str| child_ns(o, ns, name).map(|e| e.text()).unwrap_or_default();
    let uuid = text(model::SAGDOK_NS, model::UUID_IDENTIFIKATOR);
    let tidspunkt = text(model::SDI_NS, model::TIDSPUNKT);
    let Some(tl) = child_ns(o, model::SAG_NS, model::TILSTAND_LISTE) else {
        return Vec::new();
    };
    let (tilstande, aktoer) = read_tilstande(tl);
    let aktoer = aktoer.unwrap_or(Aktoer {
        reference: Reference::Urn(String::new()),
        type_kode: String::new(),
    });
    tilstande
        .into_iter()
        .map(|tilstand| Opdatering {
            uuid: uuid.clone(),
            tilstand,
            aktoer: aktoer.clone(),
            tidspunkt: tidspunkt.clone(),
        })
        .collect()
}
