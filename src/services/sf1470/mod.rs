//! SF1470 Sags- og Dokumentindeks (SagDokumentIndeks v6): `importer`, `opdater`, `fjern`,
//! `fremsoeg` of case (Sag) index entries.
//!
//! **Modelled.** KOMBIT's contract package for SF1470 is not at hand; the wire format here is
//! built from what is public (serviceplatform.md §4 SF1470; KOMBIT's Java and .NET samples: the
//! operation and wrapper names, `MultipleOutputType` with `StandardRetur`/`UnikRetur`,
//! `SagFiltreretOejebliksbillede`, the relation lists and roles) and from the OIO sagdok
//! conventions. It is a simplified subset: no `Virkning`, no `LokalUdvidelse`, no documents.
//! Every element name, namespace, path and SOAPAction is in [`model`], so it can be corrected in
//! one place when the real package is at hand.
//!
//! Security: the real SF1470 wants an IDWS (Liberty) token and a signed request. This tool
//! sends the context model (InvocationContext), which only its own mock accepts; calls to any
//! other target are refused before sending (see `runner::steps::sdi`).

pub mod mock;
pub mod steps;

/// SF1470 in the catalog. No doctor probe: the modelled contract has no real target.
pub const ENTRY: super::entry::Entry = super::entry::Entry {
    folder: "sf1470",
    services: &[&INFO],
    steps: steps::steps,
    probes: super::entry::no_probes,
    mock: mock::responders,
};

use crate::core::service::ServiceInfo;
use crate::core::soap::{self, InvocationContext, AUTCTX_NS, CALLCTX_NS, INVCTX_NS};
use crate::core::xml::Element;
use crate::services::sagdok::{
    self, child_ns, children_ns, expect, invalid, is_uuid, missing, StandardRetur, Writer,
};

/// Every modelled name of SF1470 in one place. Where a name is public it says so.
pub mod model {
    /// SP path: unknown (serviceplatform.md §7.2). Modelled on the v5 context-model client's
    /// package `dk.serviceplatformen.xml.wsdl.soap11.sagdokument.sagdokumentindeks._5`.
    pub const PATH: &str = "/service/SagDokument/SagDokumentIndeks/6";
    /// Public (serviceplatform.md §1, H).
    pub const ENTITY_ID: &str = "http://entityid.kombit.dk/service/sdi/sagdokumentindeks/6";
    /// Not public: generated for this project.
    pub const SERVICE_UUID: &str = "d2540850-008f-484a-83a3-ed8109e767b5";
    /// The SP WSDL namespace of the request/response wrappers (v5's, with /6/). Modelled.
    pub const WSDL_NS: &str =
        "http://serviceplatformen.dk/xml/wsdl/soap11/SagDokument/SagDokumentIndeks/6/";
    /// The index's own types. v1.2.4 used `urn:oio:sts:sagdok:sagdokumentindeks:1.2.4.0`
    /// (public); the v6 Java package is `oio.sts.sagdok.sagdokumentindeks._6`. Modelled.
    pub const SDI_NS: &str = "urn:oio:sts:sagdok:sagdokumentindeks:6";
    /// The Sag object (v6 Java package `oio.sts.sagdok.sag._6`). Modelled.
    pub const SAG_NS: &str = "urn:oio:sts:sagdok:sag:6";
    /// OIO sagdok generics (public).
    pub const SAGDOK_NS: &str = crate::services::sagdok::NS;

    /// One operation: the SOAPAction and the four element names around it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Operation {
        pub name: &'static str,
        /// `WSDL_NS` + name, the SP convention (`<tns><operation>`).
        pub action: &'static str,
        /// In `WSDL_NS`: contexts, then the input.
        pub request: &'static str,
        /// In `SDI_NS`. The names are public (KOMBIT's samples).
        pub input: &'static str,
        pub response: &'static str,
        pub output: &'static str,
    }

    pub const IMPORTER: Operation = Operation {
        name: "importer",
        action:
            "http://serviceplatformen.dk/xml/wsdl/soap11/SagDokument/SagDokumentIndeks/6/importer",
        request: "ImporterRequest",
        input: "ImporterSagDokumentIndeksInput",
        response: "ImporterResponse",
        output: "ImporterSagDokumentIndeksOutput",
    };
    pub const OPDATER: Operation = Operation {
        name: "opdater",
        action:
            "http://serviceplatformen.dk/xml/wsdl/soap11/SagDokument/SagDokumentIndeks/6/opdater",
        request: "OpdaterRequest",
        input: "OpdaterSagDokumentIndeksInput",
        response: "OpdaterResponse",
        output: "OpdaterSagDokumentIndeksOutput",
    };
    pub const FJERN: Operation = Operation {
        name: "fjern",
        action: "http://serviceplatformen.dk/xml/wsdl/soap11/SagDokument/SagDokumentIndeks/6/fjern",
        request: "FjernRequest",
        input: "FjernSagDokumentIndeksInput",
        response: "FjernResponse",
        output: "FjernSagDokumentIndeksOutput",
    };
    pub const FREMSOEG: Operation = Operation {
        name: "fremsoeg",
        action:
            "http://serviceplatformen.dk/xml/wsdl/soap11/SagDokument/SagDokumentIndeks/6/fremsoeg",
        request: "FremsoegRequest",
        input: "FremsoegSagDokumentIndeksInput",
        response: "FremsoegResponse",
        output: "FremsoegSagDokumentIndeksOutput",
    };
    pub const OPERATIONS: [Operation; 4] = [IMPORTER, OPDATER, FJERN, FREMSOEG];
    pub const ACTIONS: &[&str] = &[
        IMPORTER.action,
        OPDATER.action,
        FJERN.action,
        FREMSOEG.action,
    ];

    // In SDI_NS.
    /// A case in an import (Java: `withDokumentIndeksOrSagIndeks`).
    pub const SAG_INDEKS: &str = "SagIndeks";
    /// A case in a search result (public: `getSagFiltreretOejebliksbillede`).
    pub const SAG_RESULTAT: &str = "SagFiltreretOejebliksbillede";
    /// A case named by UUID (public: `withSagUuid`).
    pub const SAG_UUID: &str = "SagUuid";
    pub const OPDATER_SAG_INDEKS: &str = "OpdaterSagIndeks";
    /// Search criteria (public name `SoegUdtryk`; its content is modelled).
    pub const SOEG_UDTRYK: &str = "SoegUdtryk";
    pub const SOEG_PART: &str = "PartReference";
    pub const SOEG_PRIMAER_KLASSE: &str = "PrimaerKlasseReference";
    /// Number of hits (public: `getAntal`).
    pub const ANTAL: &str = "Antal";

    // In SAG_NS (public names from the v6 Java sample).
    pub const REGISTRERING: &str = "Registrering";
    pub const ATTRIBUT_LISTE: &str = "AttributListe";
    pub const EGENSKABER: &str = "Egenskaber";
    pub const BRUGERVENDT_NOEGLE: &str = "BrugervendtNoegle";
    pub const SAGSNUMMER: &str = "Sagsnummer";
    pub const TITEL: &str = "Titel";
    pub const TILSTAND_LISTE: &str = "TilstandListe";
    pub const FREMDRIFT: &str = "Fremdrift";
    pub const FREMDRIFT_STATUS_KODE: &str = "FremdriftStatusKode";
    pub const RELATION_LISTE: &str = "RelationListe";
    /// The relation lists, in their XSD order. Each relation: Rolle, Type, ReferenceID.
    pub use crate::core::klassifikation::RELATION_LISTS;
    pub const ROLLE: &str = "Rolle";
    pub const TYPE: &str = "Type";
    pub const REFERENCE_ID: &str = "ReferenceID";

    // In SAGDOK_NS (public OIO sagdok 3.0.0 names).
    pub const UUID_IDENTIFIKATOR: &str = "UUIDIdentifikator";
    pub const URN_IDENTIFIKATOR: &str = "URNIdentifikator";
    pub const LIVSCYKLUS_KODE: &str = "LivscyklusKode";
    pub const UNIK_RETUR: &str = "UnikRetur";
    pub const STANDARD_RETUR: &str = "StandardRetur";

    /// The sample imports with LivscyklusKode IMPORTERET.
    pub const LIVSCYKLUS_IMPORTERET: &str = "Importeret";
    /// FremdriftStatusKode values (the sample uses OPSTAAET and AFSLUTTET; the rest are the
    /// OIO Sag progress states).
    pub const FREMDRIFT_STATUS: &[&str] = &[
        "Opstaaet",
        "Oplyst",
        "Afgjort",
        "Bestilt",
        "Udfoert",
        "Afsluttet",
    ];

    /// Party references (public: `urn:oio:cpr-nr:<cpr>` in KOMBIT's sample).
    pub const URN_CPR: &str = "urn:oio:cpr-nr:";
    pub const URN_CVR: &str = "urn:oio:cvr-nr:";
}

use model::Operation;

pub const INFO: ServiceInfo = ServiceInfo {
    id: "SF1470",
    name: "Sags- og Dokumentindeks (SagDokumentIndeks v6, modelled)",
    path: model::PATH,
    entity_id: model::ENTITY_ID,
    service_uuid: Some(model::SERVICE_UUID),
    // What sp-contract sends to its own mock; a real SF1470 takes an IDWS token (not yet).
    security: crate::core::service::SecurityModel::Invocation,
};

/// Shape errors of this service's messages.
pub type Sf1470Error = crate::services::sagdok::ShapeError;

fn req<'a>(el: &'a Element, ns: &str, local: &str) -> Result<&'a Element, Sf1470Error> {
    child_ns(el, ns, local).ok_or_else(|| missing(el, local))
}

// ------------------------------------------------------------------------------------------
// The Sag object.

/// Which relation list a relation sits in; the index of `model::RELATION_LISTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Liste(usize);

impl Liste {
    pub fn named(name: &str) -> Option<Liste> {
        model::RELATION_LISTS
            .iter()
            .position(|n| *n == name)
            .map(Liste)
    }
    pub fn name(self) -> &'static str {
        model::RELATION_LISTS[self.0]
    }
}

/// A relation's target: a UUID (organisation unit, user, Klasse, it-system) or a URN (party).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Uuid(String),
    Urn(String),
}

impl Reference {
    pub fn value(&self) -> &str {
        match self {
            Reference::Uuid(v) | Reference::Urn(v) => v,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub liste: Liste,
    /// The role's Klasse UUID (Ejer, Primær part, ...).
    pub rolle: String,
    /// The type's Klasse UUID (Organisation, Person, Klasse, ...).
    pub type_uuid: String,
    pub reference: Reference,
}

/// One case as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sag {
    pub uuid: String,
    pub brugervendt_noegle: String,
    pub sagsnummer: String,
    pub titel: String,
    /// `FremdriftStatusKode`, one of `model::FREMDRIFT_STATUS`.
    pub status: String,
    pub relationer: Vec<Relation>,
}

impl Sag {
    pub fn relations_with_role<'a>(&'a self, rolle: &'a str) -> impl Iterator<Item = &'a Relation> {
        self.relationer.iter().filter(move |r| r.rolle == rolle)
    }
}

/// A party reference for a CPR or CVR number.
pub fn party_urn_cpr(cpr: &str) -> String {
    format!("{}{cpr}", model::URN_CPR)
}

pub fn party_urn_cvr(cvr: &str) -> String {
    format!("{}{cvr}", model::URN_CVR)
}

/// Check a party URN: `urn:oio:cpr-nr:` + 10 digits or `urn:oio:cvr-nr:` + 8 digits.
pub fn check_party_urn(urn: &str) -> Result<(), String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(cpr) = urn.strip_prefix(model::URN_CPR) {
        return if digits(cpr, 10) {
            Ok(())
        } else {
            Err(format!("{} must be followed by 10 digits", model::URN_CPR))
        };
    }
    if let Some(cvr) = urn.strip_prefix(model::URN_CVR) {
        return if digits(cvr, 8) {
            Ok(())
        } else {
            Err(format!("{} must be followed by 8 digits", model::URN_CVR))
        };
    }
    Err(format!(
        "a party is written {}<cpr> or {}<cvr>",
        model::URN_CPR,
        model::URN_CVR
    ))
}

/// The namespace declarations every SF1470 message carries.
fn decls() -> [(&'static str, &'static str); 4] {
    [
        ("sdi6", model::WSDL_NS),
        ("sdi", model::SDI_NS),
        ("sag", model::SAG_NS),
        ("sd", model::SAGDOK_NS),
    ]
}

fn w_name(prefix: &str, local: &str) -> String {
    format!("{prefix}:{local}")
}

fn write_unik_id(w: &mut Writer, wrapper: &str, r: &Reference) {
    w.open(wrapper);
    match r {
        Reference::Uuid(v) => w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), v),
        Reference::Urn(v) => w.leaf(&w_name("sd", model::URN_IDENTIFIKATOR), v),
    }
    w.close(wrapper);
}

fn write_egenskaber(
    w: &mut Writer,
    noegle: Option<&str>,
    nummer: Option<&str>,
    titel: Option<&str>,
) {
    let al = w_name("sag", model::ATTRIBUT_LISTE);
    let eg = w_name("sag", model::EGENSKABER);
    w.open(&al);
    w.open(&eg);
    if let Some(v) = noegle {
        w.leaf(&w_name("sag", model::BRUGERVENDT_NOEGLE), v);
    }
    if let Some(v) = nummer {
        w.leaf(&w_name("sag", model::SAGSNUMMER), v);
    }
    if let Some(v) = titel {
        w.leaf(&w_name("sag", model::TITEL), v);
    }
    w.close(&eg);
    w.close(&al);
}

fn write_fremdrift(w: &mut Writer, status: &str) {
    let tl = w_name("sag", model::TILSTAND_LISTE);
    let fd = w_name("sag", model::FREMDRIFT);
    w.open(&tl);
    w.open(&fd);
    w.leaf(&w_name("sag", model::FREMDRIFT_STATUS_KODE), status);
    w.close(&fd);
    w.close(&tl);
}

/// Write a case as `element` (`sdi:SagIndeks` in imports, `sdi:SagFiltreretOejebliksbillede`
/// in search results).
pub fn write_sag(w: &mut Writer, element: &str, s: &Sag) {
    w.open(element);
    w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), &s.uuid);
    let reg = w_name("sag", model::REGISTRERING);
    w.open(&reg);
    w.leaf(
        &w_name("sd", model::LIVSCYKLUS_KODE),
        model::LIVSCYKLUS_IMPORTERET,
    );
    write_egenskaber(
        w,
        Some(&s.brugervendt_noegle),
        Some(&s.sagsnummer),
        Some(&s.titel),
    );
    write_fremdrift(w, &s.status);
    let rl = w_name("sag", model::RELATION_LISTE);
    w.open(&rl);
    let mut rels: Vec<&Relation> = s.relationer.iter().collect();
    // The lists are a sequence in the schema: keep their order, and the order within each.
    rels.sort_by_key(|r| r.liste);
    for r in rels {
        let name = w_name("sag", r.liste.name());
        w.open(&name);
        write_unik_id(
            w,
            &w_name("sag", model::ROLLE),
            &Reference::Uuid(r.rolle.clone()),
        );
        write_unik_id(
            w,
            &w_name("sag", model::TYPE),
            &Reference::Uuid(r.type_uuid.clone()),
        );
        write_unik_id(w, &w_name("sag", model::REFERENCE_ID), &r.reference);
        w.close(&name);
    }
    w.close(&rl);
    w.close(&reg);
    w.close(element);
}

fn read_uuid(el: &Element, parent_name: &str) -> Result<String, Sf1470Error> {
    let v = req(el, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR)?.text();
    if is_uuid(&v) {
        Ok(v)
    } else {
        Err(invalid(
            &format!("{parent_name}/{}", model::UUID_IDENTIFIKATOR),
            &v,
            "not a UUID (lower-case hex, 8-4-4-4-12)",
        ))
    }
}

fn read_unik_id(el: &Element) -> Result<Reference, Sf1470Error> {
    let uuid = child_ns(el, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR);
    let urn = child_ns(el, model::SAGDOK_NS, model::URN_IDENTIFIKATOR);
    match (uuid, urn) {
        (Some(u), None) => {
            let v = u.text();
            if is_uuid(&v) {
                Ok(Reference::Uuid(v))
            } else {
                Err(invalid(
                    &format!("{}/{}", el.local, model::UUID_IDENTIFIKATOR),
                    &v,
                    "not a UUID (lower-case hex, 8-4-4-4-12)",
                ))
            }
        }
        (None, Some(u)) => {
            let v = u.text();
            if v.starts_with("urn:") {
                Ok(Reference::Urn(v))
            } else {
                Err(invalid(
                    &format!("{}/{}", el.local, model::URN_IDENTIFIKATOR),
                    &v,
                    "a URN starts with urn:",
                ))
            }
        }
        _ => Err(invalid(
            &el.local,
            "",
            format!(
                "needs exactly one of {} and {}",
                model::UUID_IDENTIFIKATOR,
                model::URN_IDENTIFIKATOR
            ),
        )),
    }
}

fn read_status(el: &Element) -> Result<String, Sf1470Error> {
    let fd = req(el, model::SAG_NS, model::FREMDRIFT)?;
    let v = req(fd, model::SAG_NS, model::FREMDRIFT_STATUS_KODE)?.text();
    if model::FREMDRIFT_STATUS.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(invalid(
            model::FREMDRIFT_STATUS_KODE,
            &v,
            format!("one of {}", model::FREMDRIFT_STATUS.join(", ")),
        ))
    }
}

/// Read a case (`SagIndeks` or `SagFiltreretOejebliksbillede`).
pub fn parse_sag(el: &Element) -> Result<Sag, Sf1470Error> {
    let uuid = read_uuid(el, &el.local)?;
    let reg = req(el, model::SAG_NS, model::REGISTRERING)?;
    let eg = req(
        req(reg, model::SAG_NS, model::ATTRIBUT_LISTE)?,
        model::SAG_NS,
        model::EGENSKABER,
    )?;
    let text = |name: &str| req(eg, model::SAG_NS, name).map(|e| e.text());
    let brugervendt_noegle = text(model::BRUGERVENDT_NOEGLE)?;
    let sagsnummer = text(model::SAGSNUMMER)?;
    let titel = text(model::TITEL)?;
    if titel.is_empty() {
        return Err(invalid(model::TITEL, "", "a case needs a title"));
    }
    let status = read_status(req(reg, model::SAG_NS, model::TILSTAND_LISTE)?)?;
    let mut relationer = Vec::new();
    if let Some(rl) = child_ns(reg, model::SAG_NS, model::RELATION_LISTE) {
        let mut last = Liste(0);
        for r in rl.elements() {
            let liste = match (r.ns.as_deref(), Liste::named(&r.local)) {
                (Some(model::SAG_NS), Some(l)) => l,
                _ => {
                    return Err(crate::services::sagdok::ShapeError::Extra {
                        parent: model::RELATION_LISTE.into(),
                        element: r.local.clone(),
                    })
                }
            };
            if liste < last {
                return Err(invalid(
                    &r.local,
                    "",
                    format!(
                        "out of order; the lists come in the order {}",
                        model::RELATION_LISTS.join(", ")
                    ),
                ));
            }
            last = liste;
            let uuid_of = |name: &str| -> Result<String, Sf1470Error> {
                match read_unik_id(req(r, model::SAG_NS, name)?)? {
                    Reference::Uuid(u) => Ok(u),
                    Reference::Urn(u) => Err(invalid(name, &u, "must be a Klasse UUID")),
                }
            };
            relationer.push(Relation {
                liste,
                rolle: uuid_of(model::ROLLE)?,
                type_uuid: uuid_of(model::TYPE)?,
                reference: read_unik_id(req(r, model::SAG_NS, model::REFERENCE_ID)?)?,
            });
        }
    }
    Ok(Sag {
        uuid,
        brugervendt_noegle,
        sagsnummer,
        titel,
        status,
        relationer,
    })
}

// ------------------------------------------------------------------------------------------
// Requests.

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
    let mut w = Writer::new();
    let wrapper = w_name("sdi6", op.request);
    w.open_with(&wrapper, &decls());
    if let Some(c) = ctx {
        w.raw(&soap::invocation_context(c));
    }
    let inp = w_name("sdi", op.input);
    w.open(&inp);
    input(&mut w);
    w.close(&inp);
    w.close(&wrapper);
    w.finish()
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

/// The operation a request wrapper element belongs to.
pub fn operation_of_request(payload: &Element) -> Option<&'static Operation> {
    model::OPERATIONS
        .iter()
        .find(|op| payload.local == op.request && payload.ns.as_deref() == Some(model::WSDL_NS))
}

pub fn operation_by_action(action: &str) -> Option<&'static Operation> {
    model::OPERATIONS.iter().find(|op| op.action == action)
}

/// The children a request wrapper may have, in schema order.
pub fn request_order(op: &Operation) -> [&'static str; 4] {
    [
        "CallContext",
        "AuthorityContext",
        "InvocationContext",
        op.input,
    ]
}

/// Read a request wrapper (`ImporterRequest`, ...) of `op`. The contexts are the pipeline's
/// business; this reads the input.
pub fn parse_request(op: &Operation, payload: &Element) -> Result<Request, Sf1470Error> {
    expect(payload, model::WSDL_NS, op.request)?;
    for c in payload.elements() {
        let known = matches!(
            (c.local.as_str(), c.ns.as_deref()),
            ("CallContext", Some(CALLCTX_NS))
                | ("AuthorityContext", Some(AUTCTX_NS))
                | ("InvocationContext", Some(INVCTX_NS))
        ) || (c.local == op.input && c.ns.as_deref() == Some(model::SDI_NS));
        if !known {
            return Err(crate::services::sagdok::ShapeError::Extra {
                parent: payload.local.clone(),
                element: c.local.clone(),
            });
        }
    }
    let input = req(payload, model::SDI_NS, op.input)?;
    let only = |allowed: &[(&str, &str)]| -> Result<(), Sf1470Error> {
        for c in input.elements() {
            if !allowed
                .iter()
                .any(|(ns, l)| c.local == *l && c.ns.as_deref() == Some(*ns))
            {
                return Err(crate::services::sagdok::ShapeError::Extra {
                    parent: input.local.clone(),
                    element: c.local.clone(),
                });
            }
        }
        Ok(())
    };
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
            only(&[(model::SDI_NS, model::SAG_INDEKS)])?;
            let sager: Vec<Sag> = children_ns(input, model::SDI_NS, model::SAG_INDEKS)
                .map(parse_sag)
                .collect::<Result<_, _>>()?;
            non_empty(sager.len(), model::SAG_INDEKS)?;
            Ok(Request::Importer(sager))
        }
        "opdater" => {
            only(&[(model::SDI_NS, model::OPDATER_SAG_INDEKS)])?;
            let mut out = Vec::new();
            for o in children_ns(input, model::SDI_NS, model::OPDATER_SAG_INDEKS) {
                let uuid = read_uuid(o, model::OPDATER_SAG_INDEKS)?;
                let titel = match child_ns(o, model::SAG_NS, model::ATTRIBUT_LISTE) {
                    Some(al) => {
                        let eg = req(al, model::SAG_NS, model::EGENSKABER)?;
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
            only(&[(model::SDI_NS, model::SAG_UUID)])?;
            let uuids = sag_uuids()?;
            non_empty(uuids.len(), model::SAG_UUID)?;
            Ok(Request::Fjern(uuids))
        }
        _ => {
            only(&[
                (model::SDI_NS, model::SAG_UUID),
                (model::SDI_NS, model::SOEG_UDTRYK),
            ])?;
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

// ------------------------------------------------------------------------------------------
// Responses.

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
    let mut w = Writer::new();
    let wrapper = w_name("sdi6", op.response);
    w.open_with(&wrapper, &decls());
    let out = w_name("sdi", op.output);
    w.open(&out);
    output(&mut w);
    w.close(&out);
    w.close(&wrapper);
    w.finish()
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
        return Err(crate::services::sagdok::ShapeError::Unexpected {
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
    let output = req(payload, model::SDI_NS, op.output)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::xml;

    fn sag() -> Sag {
        Sag {
            uuid: "0e0b9a8f-2b55-4a4f-9f77-0b7c1c7e2d11".into(),
            brugervendt_noegle: "SPC-1".into(),
            sagsnummer: "SPC-1".into(),
            titel: "Ansøgning & <svar>".into(),
            status: "Opstaaet".into(),
            relationer: vec![
                Relation {
                    liste: Liste::named("Sagspart").unwrap(),
                    rolle: "d839f26a-d4d1-4441-b2d6-3dbbb12a9404".into(),
                    type_uuid: "c189ba35-de4b-4363-a8b7-67f1456cf56f".into(),
                    reference: Reference::Urn(party_urn_cpr("1503801015")),
                },
                Relation {
                    liste: Liste::named("Sagsaktoer").unwrap(),
                    rolle: "9e979b84-b846-4472-8622-58007dc63c7e".into(),
                    type_uuid: "bc6972cd-8f2b-4b9d-8d37-62916d6a71aa".into(),
                    reference: Reference::Urn(party_urn_cvr("29189846")),
                },
            ],
        }
    }

    fn parse(s: &str) -> Element {
        xml::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn actions_are_the_wsdl_namespace_plus_the_operation() {
        for op in model::OPERATIONS {
            assert_eq!(op.action, format!("{}{}", model::WSDL_NS, op.name));
        }
    }

    #[test]
    fn requests_round_trip_through_the_mock_side_parser() {
        let s = sag();
        let req = parse(&importer_request(None, std::slice::from_ref(&s)));
        let Request::Importer(got) = parse_request(&model::IMPORTER, &req).unwrap() else {
            panic!()
        };
        // Written in list order: Sagsaktoer before Sagspart.
        assert_eq!(got[0].relationer[0].liste.name(), "Sagsaktoer");
        assert_eq!(got[0].titel, s.titel);
        assert_eq!(got[0].relationer.len(), 2);

        let o = Opdatering {
            uuid: s.uuid.clone(),
            titel: None,
            status: Some("Afsluttet".into()),
        };
        let req = parse(&opdater_request(None, std::slice::from_ref(&o)));
        assert_eq!(
            parse_request(&model::OPDATER, &req).unwrap(),
            Request::Opdater(vec![o])
        );
        let req = parse(&fjern_request(None, std::slice::from_ref(&s.uuid)));
        assert_eq!(
            parse_request(&model::FJERN, &req).unwrap(),
            Request::Fjern(vec![s.uuid.clone()])
        );
        let q = Fremsoeg::Udtryk {
            part: Some(party_urn_cpr("1503801015")),
            primaer_klasse: None,
        };
        let req = parse(&fremsoeg_request(None, &q));
        assert_eq!(
            parse_request(&model::FREMSOEG, &req).unwrap(),
            Request::Fremsoeg(q)
        );
        assert!(
            parse_request(&model::FJERN, &req).is_err(),
            "the wrapper must match the operation"
        );
    }

    #[test]
    fn responses_round_trip_and_bad_answers_are_errors() {
        let m = MultipleOutput {
            standard: StandardRetur::error(40, "Sag mangler Primær part"),
            unik: vec![UnikRetur {
                uuid: sag().uuid,
                retur: StandardRetur::error(40, "Sag mangler Primær part"),
            }],
        };
        let r = parse_response(&parse(&multiple_output_xml(&model::IMPORTER, &m))).unwrap();
        assert_eq!(r, Response::Importer(m));
        assert_eq!(r.returs().len(), 2);

        let f = FremsoegOutput {
            standard: StandardRetur::ok(),
            sager: vec![sag()],
        };
        let r = parse_response(&parse(&fremsoeg_output_xml(&f))).unwrap();
        let Response::Fremsoeg(got) = r else { panic!() };
        assert_eq!(got.sager[0].titel, "Ansøgning & <svar>");

        // Antal that disagrees with the hits.
        let text = fremsoeg_output_xml(&f).replace(">1</sdi:Antal>", ">2</sdi:Antal>");
        assert!(parse_response(&parse(&text)).is_err());
        // No StandardRetur.
        let text = format!(
            "<sdi6:ImporterResponse xmlns:sdi6=\"{}\" xmlns:sdi=\"{}\"><sdi:ImporterSagDokumentIndeksOutput/></sdi6:ImporterResponse>",
            model::WSDL_NS,
            model::SDI_NS
        );
        let e = parse_response(&parse(&text)).unwrap_err().to_string();
        assert!(e.contains("StandardRetur"), "{e}");
        // Some other answer altogether.
        let e = parse_response(&parse("<PersonLookupResponse/>"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ImporterResponse"), "{e}");
    }

    #[test]
    fn invalid_values_are_named_and_cpr_numbers_masked() {
        let mut s = sag();
        s.status = "Lukket".into();
        let req = parse(&importer_request(None, &[s]));
        let e = parse_request(&model::IMPORTER, &req)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Lukket") && e.contains("Afsluttet"), "{e}");

        let mut s = sag();
        s.relationer[0].reference = Reference::Uuid("1503801015".into());
        let req = parse(&importer_request(None, &[s]));
        let e = parse_request(&model::IMPORTER, &req)
            .unwrap_err()
            .to_string();
        assert!(e.contains("150380-xxxx") && !e.contains("1015"), "{e}");
        assert!(check_party_urn("urn:oio:cpr-nr:123").is_err());
        assert!(check_party_urn("urn:oio:cvr-nr:29189846").is_ok());
        assert!(check_party_urn("cpr:1503801015").is_err());
    }
}
