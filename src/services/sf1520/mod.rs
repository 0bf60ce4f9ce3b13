//! SF1520 CPR replika opslag, PersonBaseDataExtended v4, operation `PersonLookup`.
//!
//! Contract: `shared/contracts/SF1520-PersonBaseDataExtended-v4` (context variant): SOAP 1.1,
//! document/literal, InvocationContext inside the request element, then `PNR`.

pub mod mock;
pub mod probe;
pub mod steps;

/// SF1520 in the catalog.
pub const ENTRY: super::entry::Entry = super::entry::Entry {
    folder: "sf1520",
    services: &[&INFO],
    steps: steps::steps,
    probes: probe::probes,
    mock: mock::responders,
};

use crate::core::service::ServiceInfo;
use crate::core::soap::{self, InvocationContext};
use crate::core::xml;

pub const INFO: ServiceInfo = ServiceInfo {
    id: "SF1520",
    name: "CPR replika opslag (PersonBaseDataExtended v4)",
    path: "/service/CPR/PersonBaseDataExtended/4",
    entity_id: "http://cpr.serviceplatformen.dk/service/personbasedataextended/4",
    service_uuid: Some("e6be2436-bf35-4df2-83fe-925142825dc2"),
    security: crate::core::service::SecurityModel::Invocation,
    fidelity: crate::core::service::Fidelity::Official,
};

pub const NS: &str = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/";
pub const PNR_NS: &str = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/";
pub const SOAP_ACTION: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/PersonLookup";
/// The message schema in `schemas/` (KOMBIT's package, with the PNR import libxml2 needs).
pub const SCHEMA: &str = "SF1520-PersonBaseDataExtended-v4/PersonBaseDataExtendedServiceMsg.xsd";

/// What the mock validates each operation's request against (and tests its answers).
pub const OPERATIONS: &[crate::schema::Operation] = &[crate::schema::Operation::new(
    SOAP_ACTION,
    SCHEMA,
    NS,
    ("PersonLookupRequest", "PersonLookupResponse"),
)];

/// The `PersonLookupRequest` payload. `ctx = None` leaves out the security context (used by
/// scenarios that check the platform refuses such calls).
pub fn lookup_request(ctx: Option<&InvocationContext>, pnr: &str) -> String {
    let ctx_xml = ctx.map(soap::invocation_context).unwrap_or_default();
    format!(
        "<tns:PersonLookupRequest xmlns:tns=\"{NS}\">{ctx_xml}<pnr:PNR xmlns:pnr=\"{PNR_NS}\">{}</pnr:PNR></tns:PersonLookupRequest>",
        xml::escape(pnr)
    )
}
