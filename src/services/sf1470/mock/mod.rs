//! SF1470 Sags- og Dokumentindeks v6 on the mock: an index of cases per scenario (scenarios
//! never see each other's cases, also when they run concurrently), filled by `importer`,
//! changed by `opdater`, emptied by `fjern`, searched by `fremsoeg` (`search`).
//!
//! What it checks, in order: the request against KOMBIT's v6 XSD (the pipeline), the
//! anvisninger ([`crate::services::sf1470::rules`], the same rule set the client applies before
//! sending), then its data: roles and types are Klasser the index knows, Primær klasse is a
//! KLE emne and Handlingsklasse a handlingsfacet in Klassifikation (`mocks/klassifikation/`),
//! parties are `urn:oio:cpr-nr:`/`cvr-nr:` URNs. A refusal is StatusKode 40 naming the rule
//! or reason (the code is modelled: KOMBIT's contract has no list of codes); a case not in the
//! index is 44 (modelled). The answer's SOAP header echoes the request's `TransactionUUID`.
//! The Dokument half of the index (documents to index, change or search for) and a `fjern` by
//! search are not modelled yet: such a request is refused with 40 saying so, never ignored.
//! There is no security context in the payload: the OIO IDWS token is checked in front.

mod search;

use crate::core::klassifikation::{Catalogue, Facet, KlassifikationError, ReferenceKind};
use crate::core::service::ServiceInfo;
use crate::core::xml::Element;
use crate::platform::data::{DataError, Platform};
use crate::platform::endpoint::{
    absent, missing_data_fault, soap, SoapAnswer, SoapCall, SoapService,
};
use crate::services::sagdok::{StandardRetur, STATUS_INPUT_ERROR, STATUS_NOT_FOUND};
use crate::services::sf1470::index::{Budget, Index};
use crate::services::sf1470::rules::{self, Breach};
use crate::services::sf1470::{
    self, check_party_urn, model, FremsoegOutput, MultipleOutput, Opdatering, Reference, Request,
    Sag, UnikRetur, Vis,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

pub struct Sf1470 {
    /// Err: the mocks folder has no catalogue; every call gets a fault saying so.
    checker: Result<Checker, String>,
    /// The cases all scenarios' indexes hold together.
    budget: Budget,
}

/// The index's rules over the Klassifikation catalogue.
struct Checker {
    catalogue: Arc<Catalogue>,
}

pub fn data_error(e: KlassifikationError) -> DataError {
    match e {
        KlassifikationError::Read { path, source } => DataError::Read { path, source },
        KlassifikationError::File(e) => DataError::File(e),
        KlassifikationError::Invalid { path, message } => DataError::Invalid { path, message },
        other => DataError::Invalid {
            path: crate::core::klassifikation::KLE_FILE.into(),
            message: other.to_string(),
        },
    }
}

impl Sf1470 {
    /// The responder over `mocks/klassifikation/`. Absent files leave it answering a fault that
    /// names them; broken ones stop the mock.
    pub fn load(mocks_dir: &Path) -> Result<Sf1470, DataError> {
        let checker = match Catalogue::load(mocks_dir).map_err(data_error) {
            Ok(catalogue) => Ok(Checker { catalogue }),
            Err(e) if absent(&e) => Err(format!(
                "{e}; add {} and {} to the mocks folder",
                crate::core::klassifikation::KLE_FILE,
                crate::core::klassifikation::RELATIONS_FILE
            )),
            Err(e) => return Err(e),
        };
        Ok(Sf1470 {
            checker,
            budget: Budget::default(),
        })
    }

    /// The cases all scenarios' indexes of this mock hold together.
    pub fn cases(&self) -> usize {
        self.budget.used()
    }

    /// The reasons the index refuses a case's data (beyond the anvisninger); empty when it
    /// takes it.
    pub fn check_sag(&self, s: &Sag) -> Vec<String> {
        match &self.checker {
            Ok(c) => c.check_sag(s),
            Err(m) => vec![m.clone()],
        }
    }
}

/// The rules' breaches per case UUID.
fn by_case(breaches: Vec<Breach>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in breaches {
        let text = match &b.sag {
            Some(_) => format!("anvisning '{}': {}", b.rule, b.text),
            None => b.to_string(),
        };
        out.entry(b.sag.unwrap_or_default().to_ascii_lowercase())
            .or_default()
            .push(text);
    }
    out
}

impl Checker {
    fn check_sag(&self, s: &Sag) -> Vec<String> {
        let c = &self.catalogue;
        let mut reasons = Vec::new();
        for r in &s.relationer {
            let Some(role) = c.role_by_uuid(&r.rolle.to_ascii_lowercase()) else {
                reasons.push(format!(
                    "a relation in {} has Rolle {}, which is not a relation role in Klassifikation",
                    r.liste.name(),
                    r.rolle
                ));
                continue;
            };
            if role.liste != r.liste.name() {
                reasons.push(format!(
                    "the relation '{}' belongs in {}, not in {}",
                    role.navn,
                    role.liste,
                    r.liste.name()
                ));
            }
            if c.type_by_uuid(&r.type_uuid.to_ascii_lowercase()).is_none() {
                reasons.push(format!(
                    "the relation '{}' has Type {}, which is not a relation type in Klassifikation",
                    role.navn, r.type_uuid
                ));
            }
            if let Err(why) = self.check_reference(role.referencer, &r.reference) {
                reasons.push(format!("the relation '{}' {why}", role.navn));
            }
        }
        reasons
    }

    fn check_reference(&self, kind: ReferenceKind, r: &Reference) -> Result<(), String> {
        let klasse = |facet: Facet, what: &str| match r {
            Reference::Uuid(u) => match self.catalogue.klasse_by_uuid(&u.to_ascii_lowercase()) {
                Some(k) if k.facet == facet => Ok(()),
                Some(k) => Err(format!(
                    "points at Klasse {u} ({}), which is not a {what}",
                    k.brugervendt_noegle
                )),
                None => Err(format!(
                    "points at Klasse {u}, which is not a {what} in Klassifikation (unknown KLE)"
                )),
            },
            Reference::Urn(u) => Err(format!("must name a {what} Klasse by UUID, not {u}")),
        };
        match kind {
            ReferenceKind::Uuid => match r {
                Reference::Uuid(_) => Ok(()),
                Reference::Urn(u) => Err(format!("must reference a UUID, not {u}")),
            },
            ReferenceKind::Cvr => match r {
                Reference::Urn(u) if u.starts_with(model::URN_CVR) => check_party_urn(u),
                other => Err(format!(
                    "must reference the authority as {}<cvr>, not {}",
                    model::URN_CVR,
                    other.value()
                )),
            },
            ReferenceKind::Part => match r {
                Reference::Urn(u) => check_party_urn(u),
                Reference::Uuid(u) => Err(format!(
                    "must reference a party as {}<cpr> or {}<cvr>, not {u}",
                    model::URN_CPR,
                    model::URN_CVR
                )),
            },
            ReferenceKind::KleEmne => klasse(Facet::Emne, "KLE emne"),
            ReferenceKind::Handlingsfacet => klasse(Facet::Handlingsfacet, "handlingsfacet"),
        }
    }

    fn importer(
        &self,
        index: &mut Index,
        sager: Vec<Sag>,
        mut breaches: BTreeMap<String, Vec<String>>,
    ) -> MultipleOutput {
        let mut unik = Vec::new();
        for s in sager {
            let mut reasons = breaches
                .remove(&s.uuid.to_ascii_lowercase())
                .unwrap_or_default();
            reasons.extend(self.check_sag(&s));
            if reasons.is_empty() {
                // Importing a case that is already there replaces it.
                match index.insert(&s) {
                    Ok(()) => {
                        unik.push(UnikRetur {
                            uuid: s.uuid,
                            retur: StandardRetur::ok(),
                        });
                        continue;
                    }
                    Err(full) => reasons.push(full.to_string()),
                }
            }
            let text = format!("Sag {} ({}): {}", s.uuid, s.sagsnummer, reasons.join("; "));
            unik.push(UnikRetur {
                uuid: s.uuid,
                retur: refusal(STATUS_INPUT_ERROR, &text),
            });
        }
        MultipleOutput::Unik(unik)
    }

    fn opdater(
        &self,
        index: &mut Index,
        list: Vec<Opdatering>,
        mut breaches: BTreeMap<String, Vec<String>>,
    ) -> MultipleOutput {
        let mut unik = Vec::new();
        for o in list {
            let retur = match breaches.remove(&o.uuid.to_ascii_lowercase()) {
                Some(reasons) => refusal(
                    STATUS_INPUT_ERROR,
                    &format!("Sag {}: {}", o.uuid, reasons.join("; ")),
                ),
                None if index.update(&o.uuid, &o.tilstand) => StandardRetur::ok(),
                None => refusal(
                    STATUS_NOT_FOUND,
                    &format!("Sag {} is not in the index", o.uuid),
                ),
            };
            unik.push(UnikRetur {
                uuid: o.uuid,
                retur,
            });
        }
        MultipleOutput::Unik(unik)
    }

    fn fjern(&self, index: &mut Index, uuids: Vec<String>) -> MultipleOutput {
        let unik = uuids
            .into_iter()
            .map(|u| {
                let retur = if index.remove(&u) {
                    StandardRetur::ok()
                } else {
                    refusal(STATUS_NOT_FOUND, &format!("Sag {u} is not in the index"))
                };
                UnikRetur { uuid: u, retur }
            })
            .collect();
        MultipleOutput::Unik(unik)
    }
}

/// A part of a request the mock does not hold or do: its element and the UUID it names.
struct Beyond {
    element: String,
    uuid: Option<String>,
}

/// The Dokument half of the index in `input` (documents to index, change or search for), and
/// a `fjern` by search: what this mock does not do yet, so it is refused, never ignored.
fn beyond_the_mock(op: &model::Operation, input: &Element) -> Vec<Beyond> {
    let mut out = Vec::new();
    let mut stack = vec![input];
    while let Some(e) = stack.pop() {
        for c in e.elements() {
            let sdi = c.ns.as_deref() == Some(model::SDI_NS);
            if sdi && model::DOKUMENT_PARTS.contains(&c.local.as_str()) {
                let uuid = crate::services::sagdok::child_ns(
                    c,
                    model::SAGDOK_NS,
                    model::UUID_IDENTIFIKATOR,
                )
                .map(|u| u.text());
                out.push(Beyond {
                    element: c.local.clone(),
                    uuid,
                });
            } else if sdi && c.local == model::SOEG_UDTRYK && op.name == model::FJERN.name {
                out.push(Beyond {
                    element: c.local.clone(),
                    uuid: None,
                });
            } else if sdi {
                stack.push(c);
            }
        }
    }
    out
}

fn not_held(beyond: &[Beyond]) -> String {
    let names: BTreeSet<&str> = beyond.iter().map(|b| b.element.as_str()).collect();
    format!(
        "the sp-contract mock does not answer {} yet: its index holds cases only, and fjern removes by SagUuid (modelled)",
        names.into_iter().collect::<Vec<_>>().join(", ")
    )
}

/// An answer per case, and a refusal per document the call named.
fn with_documents(out: MultipleOutput, beyond: &[Beyond]) -> MultipleOutput {
    let MultipleOutput::Unik(mut unik) = out else {
        return out;
    };
    for b in beyond {
        if let Some(u) = &b.uuid {
            unik.push(UnikRetur {
                uuid: u.clone(),
                retur: refusal(
                    STATUS_INPUT_ERROR,
                    &format!("Dokument {u}: {}", not_held(beyond)),
                ),
            });
        }
    }
    MultipleOutput::Unik(unik)
}

/// A refusal's StandardRetur, CPR numbers masked.
fn refusal(code: i64, text: &str) -> StandardRetur {
    StandardRetur::error(code, crate::evidence::redact::mask_cpr(text))
}

/// What the mock validates each operation's request against (and tests its answers).
pub const OPERATIONS: &[crate::schema::Operation] = &[
    operation(model::IMPORTER),
    operation(model::OPDATER),
    operation(model::FJERN),
    operation(model::FREMSOEG),
];

const fn operation(op: model::Operation) -> crate::schema::Operation {
    crate::schema::Operation::new(
        op.action,
        model::SCHEMA,
        model::SDI_NS,
        (op.input, op.output),
    )
}

impl SoapService for Sf1470 {
    fn info(&self) -> &'static ServiceInfo {
        &sf1470::INFO
    }

    fn operations(&self) -> &'static [crate::schema::Operation] {
        OPERATIONS
    }

    fn answer_header(&self, request_header: Option<&Element>) -> Option<String> {
        request_header
            .and_then(sf1470::transaction_uuid)
            .map(|t| sf1470::request_header(&t))
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        let schema = |reason: String| {
            SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)]))
        };
        let Some(op) = sf1470::operation_by_action(call.action) else {
            return schema(format!(
                "SOAPAction '{}' is not an SF1470 operation",
                call.action
            ));
        };
        // The pipeline validated the payload against KOMBIT's v6 XSD.
        let request = match sf1470::parse_request(op, call.payload) {
            Ok(r) => r,
            Err(e) => return schema(e.to_string()),
        };
        let c = match &self.checker {
            Ok(c) => c,
            Err(m) => return missing_data_fault(sf1470::INFO.id, m),
        };
        let breaches = by_case(rules::check(op, call.payload, &c.catalogue));
        let beyond = beyond_the_mock(op, call.payload);
        let state = p
            .state
            .get_or(&call.scenario, || Index::new(self.budget.clone()));
        let mut index = state.lock().unwrap_or_else(|e| e.into_inner());
        let out = match request {
            // A search it cannot answer whole is refused, not answered in part.
            _ if op.name == model::FREMSOEG.name && !beyond.is_empty() => {
                return SoapAnswer::Payload(sf1470::fremsoeg_output_xml(
                    &FremsoegOutput {
                        standard: refusal(STATUS_INPUT_ERROR, &not_held(&beyond)),
                        sager: Vec::new(),
                    },
                    Vis::All,
                ))
            }
            _ if op.name == model::FJERN.name && !beyond.is_empty() => {
                MultipleOutput::Standard(vec![refusal(STATUS_INPUT_ERROR, &not_held(&beyond))])
            }
            Request::Importer(sager) => c.importer(&mut index, sager, breaches),
            Request::Opdater(list) => c.opdater(&mut index, list, breaches),
            Request::Fjern(uuids) => c.fjern(&mut index, uuids),
            Request::Fremsoeg(q) => return SoapAnswer::Payload(c.fremsoeg(&index, &q)),
        };
        SoapAnswer::Payload(sf1470::multiple_output_xml(
            op,
            &with_documents(out, &beyond),
        ))
    }
}

pub fn responders(p: &Arc<Platform>) -> crate::platform::Responders {
    Ok(vec![soap(p, Sf1470::load(&p.dir)?)])
}
