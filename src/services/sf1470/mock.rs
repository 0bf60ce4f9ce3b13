//! SF1470 Sags- og Dokumentindeks on the mock: an index of cases per scenario (scenarios never
//! see each other's cases, also when they run concurrently), filled by `importer`, changed by
//! `opdater`, emptied by `fjern`, searched by `fremsoeg`.
//!
//! Imports are checked the way the real index is said to check them: the required relations
//! (from `mocks/klassifikation/sdi-relationer.json`) are present once each, roles and types are
//! Klasser the index knows, Primær klasse is a KLE emne and Handlingsklasse a handlingsfacet in
//! Klassifikation (`mocks/klassifikation/kle.json`), parties are `urn:oio:cpr-nr:`/`cvr-nr:`
//! URNs. A refusal is a `StandardRetur` with StatusKode 40 naming the reason (modelled); a
//! request that breaks the schema is the platform's `schema_validation` fault.
//!
//! The real SF1470 takes an IDWS token; the mock takes the context model (InvocationContext).

use crate::core::klassifikation::{Catalogue, Facet, KlassifikationError, ReferenceKind};
use crate::core::service::ServiceInfo;
use crate::platform::data::{DataError, Platform};
use crate::platform::endpoint::{
    absent, missing_data_fault, require_invocation, soap, SoapAnswer, SoapCall, SoapService,
};
use crate::services::sagdok::{StandardRetur, STATUS_INPUT_ERROR, STATUS_NOT_FOUND};
use crate::services::sf1470::index::{Budget, Criterion, Index, Place};
use crate::services::sf1470::{
    self, check_party_urn, model, Fremsoeg, FremsoegOutput, MultipleOutput, Reference, Request,
    Sag, UnikRetur,
};
use std::collections::BTreeMap;
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

    /// The reasons the index refuses a case; empty when it takes it.
    pub fn check_sag(&self, s: &Sag) -> Vec<String> {
        match &self.checker {
            Ok(c) => c.check_sag(s),
            Err(m) => vec![m.clone()],
        }
    }
}

impl Checker {
    fn check_sag(&self, s: &Sag) -> Vec<String> {
        let c = &self.catalogue;
        let mut reasons = Vec::new();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &s.relationer {
            let Some(role) = c.role_by_uuid(&r.rolle) else {
                reasons.push(format!(
                    "a relation in {} has Rolle {}, which is not a relation role in Klassifikation",
                    r.liste.name(),
                    r.rolle
                ));
                continue;
            };
            *counts.entry(role.navn.as_str()).or_default() += 1;
            if role.liste != r.liste.name() {
                reasons.push(format!(
                    "the relation '{}' belongs in {}, not in {}",
                    role.navn,
                    role.liste,
                    r.liste.name()
                ));
            }
            if c.type_by_uuid(&r.type_uuid).is_none() {
                reasons.push(format!(
                    "the relation '{}' has Type {}, which is not a relation type in Klassifikation",
                    role.navn, r.type_uuid
                ));
            }
            if let Err(why) = self.check_reference(role.referencer, &r.reference) {
                reasons.push(format!("the relation '{}' {why}", role.navn));
            }
        }
        for role in c.required_roles() {
            match counts.get(role.navn.as_str()).copied().unwrap_or(0) {
                0 => reasons.push(format!(
                    "the required relation '{}' (Rolle {}) is missing",
                    role.navn, role.uuid
                )),
                1 => {}
                n => reasons.push(format!(
                    "the relation '{}' appears {n} times; the index takes exactly one",
                    role.navn
                )),
            }
        }
        reasons
    }

    fn check_reference(&self, kind: ReferenceKind, r: &Reference) -> Result<(), String> {
        let klasse = |facet: Facet, what: &str| match r {
            Reference::Uuid(u) => match self.catalogue.klasse_by_uuid(u) {
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

    fn importer(&self, index: &mut Index, sager: Vec<Sag>) -> MultipleOutput {
        let total = sager.len();
        let mut unik = Vec::new();
        let mut refused = Vec::new();
        for s in sager {
            let mut reasons = self.check_sag(&s);
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
            let text = crate::evidence::redact::mask_cpr(&format!(
                "Sag {} ({}): {}",
                s.uuid,
                s.sagsnummer,
                reasons.join("; ")
            ));
            refused.push((STATUS_INPUT_ERROR, text.clone()));
            unik.push(UnikRetur {
                uuid: s.uuid,
                retur: StandardRetur::error(STATUS_INPUT_ERROR, text),
            });
        }
        MultipleOutput {
            standard: overall(total, &refused, "indexed"),
            unik,
        }
    }

    fn opdater(&self, index: &mut Index, list: Vec<sf1470::Opdatering>) -> MultipleOutput {
        let total = list.len();
        let mut unik = Vec::new();
        let mut refused = Vec::new();
        for o in list {
            let retur = if o.titel.as_deref() == Some("") && index.get(&o.uuid).is_some() {
                StandardRetur::error(
                    STATUS_INPUT_ERROR,
                    format!("Sag {}: the title must not be empty", o.uuid),
                )
            } else if index.update(&o.uuid, o.titel, o.status.as_deref()) {
                StandardRetur::ok()
            } else {
                StandardRetur::error(
                    STATUS_NOT_FOUND,
                    format!("Sag {} is not in the index", o.uuid),
                )
            };
            if let Some(t) = &retur.fejlbesked {
                refused.push((retur.status_kode, t.clone()));
            }
            unik.push(UnikRetur {
                uuid: o.uuid,
                retur,
            });
        }
        MultipleOutput {
            standard: overall(total, &refused, "updated"),
            unik,
        }
    }

    fn fjern(&self, index: &mut Index, uuids: Vec<String>) -> MultipleOutput {
        let total = uuids.len();
        let mut unik = Vec::new();
        let mut refused = Vec::new();
        for u in uuids {
            let retur = if index.remove(&u) {
                StandardRetur::ok()
            } else {
                let t = format!("Sag {u} is not in the index");
                refused.push((STATUS_NOT_FOUND, t.clone()));
                StandardRetur::error(STATUS_NOT_FOUND, t)
            };
            unik.push(UnikRetur { uuid: u, retur });
        }
        MultipleOutput {
            standard: overall(total, &refused, "removed"),
            unik,
        }
    }

    fn fremsoeg(&self, index: &Index, q: Fremsoeg) -> FremsoegOutput {
        let refuse = |t: String| FremsoegOutput {
            standard: StandardRetur::error(STATUS_INPUT_ERROR, t),
            sager: vec![],
        };
        let mut hits: Vec<Sag> = match q {
            Fremsoeg::SagUuid(uuids) => uuids.iter().filter_map(|u| index.get(u)).collect(),
            Fremsoeg::Udtryk {
                part,
                primaer_klasse,
            } => {
                if part.is_none() && primaer_klasse.is_none() {
                    return refuse(format!(
                        "{} needs at least one criterion ({} or {})",
                        model::SOEG_UDTRYK,
                        model::SOEG_PART,
                        model::SOEG_PRIMAER_KLASSE
                    ));
                }
                if let Some(p) = &part {
                    if let Err(e) = check_party_urn(p) {
                        return refuse(format!(
                            "{} '{}': {e}",
                            model::SOEG_PART,
                            crate::evidence::redact::mask_cpr(p)
                        ));
                    }
                }
                if let Some(k) = &primaer_klasse {
                    if let Err(e) =
                        self.check_reference(ReferenceKind::KleEmne, &Reference::Uuid(k.clone()))
                    {
                        return refuse(format!("{} {e}", model::SOEG_PRIMAER_KLASSE));
                    }
                }
                let kle_roles: Vec<&str> = self
                    .catalogue
                    .roller
                    .iter()
                    .filter(|r| r.referencer == ReferenceKind::KleEmne)
                    .map(|r| r.uuid.as_str())
                    .collect();
                let Some(sagspart) = sf1470::Liste::named("Sagspart") else {
                    return refuse("the relation list Sagspart is not modelled".into());
                };
                let part = part.map(Reference::Urn);
                let klasse = primaer_klasse.map(Reference::Uuid);
                let mut criteria = Vec::new();
                if let Some(p) = &part {
                    criteria.push(Criterion {
                        reference: p,
                        place: Place::List(sagspart),
                    });
                }
                if let Some(k) = &klasse {
                    criteria.push(Criterion {
                        reference: k,
                        place: Place::Role(&kle_roles),
                    });
                }
                index.search(&criteria)
            }
        };
        hits.sort_by(|a, b| (&a.sagsnummer, &a.uuid).cmp(&(&b.sagsnummer, &b.uuid)));
        FremsoegOutput {
            standard: StandardRetur::ok(),
            sager: hits,
        }
    }
}

/// The overall StandardRetur of a multi-case call: the cases' own StatusKode when they all
/// agree (44 when every case was missing), else 40.
fn overall(total: usize, refused: &[(i64, String)], done: &str) -> StandardRetur {
    let Some((first, _)) = refused.first() else {
        return StandardRetur::ok();
    };
    let code = if refused.iter().all(|(c, _)| c == first) {
        *first
    } else {
        STATUS_INPUT_ERROR
    };
    let texts: Vec<&str> = refused.iter().map(|(_, t)| t.as_str()).collect();
    let rest = if refused.len() < total {
        format!("; the other(s) {done}")
    } else {
        String::new()
    };
    let text = format!(
        "{} of {total} case(s) refused{rest}: {}",
        refused.len(),
        texts.join(" | ")
    );
    StandardRetur::error(code, crate::evidence::redact::mask_cpr(&text))
}

/// The project's modelled XSD in `schemas/` (KOMBIT publishes none for the wrappers).
const SCHEMA: &str = "sf1470/SagDokumentIndeksServiceMsg.xsd";

const fn operation(op: model::Operation) -> crate::schema::Operation {
    crate::schema::Operation::new(op.action, SCHEMA, model::WSDL_NS, (op.request, op.response))
}

/// What the mock validates each operation's request against (and tests its answers).
pub const OPERATIONS: &[crate::schema::Operation] = &[
    operation(model::IMPORTER),
    operation(model::OPDATER),
    operation(model::FJERN),
    operation(model::FREMSOEG),
];

impl SoapService for Sf1470 {
    fn info(&self) -> &'static ServiceInfo {
        &sf1470::INFO
    }

    fn operations(&self) -> &'static [crate::schema::Operation] {
        OPERATIONS
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
        // The pipeline validated the payload against the project's SF1470 XSD.
        let payload = call.payload;
        if let Err(refusal) = require_invocation(p, &sf1470::INFO, payload, &call.caller) {
            return refusal;
        }
        let request = match sf1470::parse_request(op, payload) {
            Ok(r) => r,
            Err(e) => return schema(e.to_string()),
        };
        let c = match &self.checker {
            Ok(c) => c,
            Err(m) => return missing_data_fault(sf1470::INFO.id, m),
        };
        let state = p
            .state
            .get_or(&call.scenario, || Index::new(self.budget.clone()));
        let mut index = state.lock().unwrap_or_else(|e| e.into_inner());
        let xml = match request {
            Request::Importer(sager) => {
                sf1470::multiple_output_xml(op, &c.importer(&mut index, sager))
            }
            Request::Opdater(list) => sf1470::multiple_output_xml(op, &c.opdater(&mut index, list)),
            Request::Fjern(uuids) => sf1470::multiple_output_xml(op, &c.fjern(&mut index, uuids)),
            Request::Fremsoeg(q) => sf1470::fremsoeg_output_xml(&c.fremsoeg(&index, q)),
        };
        SoapAnswer::Payload(xml)
    }
}

pub fn responders(p: &Arc<Platform>) -> crate::platform::Responders {
    Ok(vec![soap(p, Sf1470::load(&p.dir)?)])
}
