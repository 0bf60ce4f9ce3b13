//! SF2900 Fordelingskomponenten on the mock: the service itself (the security check, one
//! answer per operation, the TransportKvittering fault). Its parts: `data.rs` (what
//! `mocks/sf2900/` holds), `rules.rs` (which rule routes an object, and the rules each scenario
//! sets up), `shape.rs` and `request.rs` (reading a request the way the XSD would),
//! `answers.rs` (the answer per operation).
//!
//! What is **modelled** (the public record does not say; see `mocks/README.md`):
//! - Precedence: the most specific matching rule wins: emne + handlingsfacet, then emne,
//!   then wildcard (`01.01.*`) + handlingsfacet, then wildcard. A rule with a facet only
//!   matches objects marked with that facet. A scenario's rule replaces a data rule with the
//!   same key (authority, KLE, facet).
//! - Delivery is synchronous: the answer carries the receiving system's verdict (ACCEPTERET,
//!   or AFVIST with its reason). The real platform may answer MODTAGET/AFLEVERET and send the
//!   business receipt later through FordelingskvitteringModtag.
//! - No matching rule: a receipt AFVIST (Kvitteringstype Teknisk) with the reason.
//! - A malformed object (and a journal note longer than `max_notat_tegn`): the
//!   TransportKvittering fault, FEJL with a FejlListe. Codes and texts are ours.
//! - FordelingsmodtagerList lists the system the winning rule names; RoutingKLEEmne is the
//!   emne asked about, so answers validate (a real answer was seen with `01.01.*`, which
//!   breaks the XSD). KanModtage is true when one of the authority's rules routes to the
//!   system.

mod answers;
mod data;
mod request;
mod rules;
mod shape;

pub use data::{fordeling, FordelingError};
pub use data::{parse_regel, Regel};
pub use rules::{add_rule, received, remove_routing, Modtaget};

use crate::core::service::ServiceInfo;
use crate::core::soap::AUTCTX_NS;
use crate::core::xml;
use crate::platform::data::Platform;
use crate::platform::endpoint::{soap, SoapAnswer, SoapCall, SoapService};
use crate::services::sf2900::{self as svc, TYPES_NS};
use data::{Fordeling, TransportTekst};
use rules::ScenarioFordeling;
use shape::{fejl, Fejl};
use std::sync::Arc;

/// The data for the service's own answers: loaded when the mock started.
fn loaded(p: &Platform) -> Arc<Fordeling> {
    fordeling(p).unwrap_or_else(|_| {
        Arc::new(Fordeling {
            missing: Some(p.dir.join("sf2900")),
            ..Fordeling::default()
        })
    })
}

pub fn responders(p: &Arc<Platform>) -> crate::platform::Responders {
    fordeling(p)?;
    Ok(vec![soap(p, Sf2900), Arc::new(ReceivedEndpoint(p.clone()))])
}

/// The mock-only path where what the simulated receiving systems got can be read (`?id=` the
/// object's ID): sp-contract's own view, which no real platform offers.
pub const RECEIVED_PATH: &str = "/sp-contract-mock/fordeling/modtaget";
pub const RECEIVED_NS: &str = "urn:sp-contract:mock:fordeling";

/// What the receiving systems got of the object `id` in this scenario, as XML: a
/// `Modtagelse` (Modtager, ModtagerUUID, Tekst) per system.
pub fn received_list(p: &Platform, scenario: &str, id: &str) -> String {
    let e = xml::escape;
    let items: String = received(p, scenario)
        .iter()
        .filter(|m| m.objekt_id == id)
        .map(|m| {
            format!(
                "<Modtagelse><Modtager>{}</Modtager><ModtagerUUID>{}</ModtagerUUID><Tekst>{}</Tekst></Modtagelse>",
                e(&m.modtager),
                e(&m.modtager_uuid),
                e(&m.tekst)
            )
        })
        .collect();
    format!("<Modtagelser xmlns=\"{RECEIVED_NS}\">{items}</Modtagelser>")
}

struct ReceivedEndpoint(Arc<Platform>);

impl crate::platform::endpoint::DirectResponder for ReceivedEndpoint {
    fn path(&self) -> &'static str {
        RECEIVED_PATH
    }

    fn method(&self) -> &'static str {
        "GET"
    }

    fn respond_direct(
        &self,
        req: &crate::platform::request::Request,
    ) -> crate::platform::endpoint::DirectResponse {
        use crate::platform::endpoint::{query, scenario, DirectResponse};
        let list = received_list(&self.0, &scenario(req), &query(req, "id"));
        DirectResponse::xml(200, list)
    }
}

/// The SF2900 endpoint on the mock.
pub struct Sf2900;

impl SoapService for Sf2900 {
    fn info(&self) -> &'static ServiceInfo {
        &svc::INFO
    }

    fn operations(&self) -> &'static [crate::schema::Operation] {
        svc::OPERATIONS
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        if let Some(dir) = &loaded(p).missing {
            return SoapAnswer::Fault(crate::platform::data::MockFault {
                http_status: 500,
                code: "soapenv:Server".into(),
                string: FordelingError::Missing(dir.clone()).to_string(),
                errors: Vec::new(),
            });
        }
        let envelope_fault = |reason: String| {
            SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)]))
        };
        // The pipeline validated the payload against the operation's schema.
        let op = call.action.rsplit('/').next().unwrap_or_default();
        let payload = call.payload;
        // The security model first: the platform checks it before the service sees the call.
        let Some(ac) = payload
            .elements()
            .find(|e| e.local == "AuthorityContext" && e.ns.as_deref() == Some(AUTCTX_NS))
        else {
            return SoapAnswer::Fault(p.fault(
                "missing_security_context",
                &[("supported", "KombitToken, AuthorityContext")],
            ));
        };
        let cvr = ac
            .elements()
            .find(|e| e.local == "MunicipalityCVR" && e.ns.as_deref() == Some(AUTCTX_NS))
            .map(|e| e.text());
        let cvr = match cvr.as_deref().map(svc::check_cvr) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                return envelope_fault(format!("AuthorityContext/MunicipalityCVR: {e}"))
            }
            None => return envelope_fault("AuthorityContext lacks MunicipalityCVR".into()),
        };
        if let Err(f) = p.authorize_authority(&svc::INFO, &cvr, &call.caller) {
            return SoapAnswer::Fault(f);
        }
        let state = p.state.get::<ScenarioFordeling>(&call.scenario);
        let result = match op {
            "FordelingsobjektAfsend" => answers::afsend(p, payload, &state, &call.scenario),
            "FordelingsmodtagerList" => answers::list(p, payload, &state),
            "FordelingsmodtagerValider" => answers::valider(p, payload, &state),
            _ => Err(vec![fejl(
                "IkkeUnderstoettet",
                format!("{op} is not modelled by the mock: receiving systems are simulated inside it, and their receipts are part of the FordelingsobjektAfsend answer"),
            )]),
        };
        match result {
            Ok(xml) => SoapAnswer::Payload(xml),
            Err(errors) => transport_fault(&loaded(p).kvitteringer.transport_fejl, &errors),
        }
    }
}

fn transport_fault(t: &TransportTekst, errors: &[Fejl]) -> SoapAnswer {
    let list: String = errors
        .iter()
        .map(|(k, x)| {
            format!(
                "<tns:Fejl><tns:FejlKode>{}</tns:FejlKode><tns:FejlTekst>{}</tns:FejlTekst></tns:Fejl>",
                xml::escape(k),
                xml::escape(x)
            )
        })
        .collect();
    let first = errors.first().map(|(_, x)| x.as_str()).unwrap_or_default();
    SoapAnswer::FaultWithDetail {
        http_status: 500,
        code: "soapenv:Client".into(),
        string: t.faultstring.replace("{begrundelse}", first),
        detail: format!(
            "<tns:TransportKvittering xmlns:tns=\"{TYPES_NS}\"><tns:TransportValideringsKode>FEJL</tns:TransportValideringsKode><tns:Begrundelse>{}</tns:Begrundelse><tns:FejlListe>{list}</tns:FejlListe></tns:TransportKvittering>",
            xml::escape(&t.begrundelse)
        ),
    }
}
