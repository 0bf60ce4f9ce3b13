//! Every modelled name of SF1470 in one place: path, entityID, namespaces, operations and
//! element names. Where a name is public it says so; the rest is corrected here, and only
//! here, when KOMBIT's contract package is at hand.

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
    action: "http://serviceplatformen.dk/xml/wsdl/soap11/SagDokument/SagDokumentIndeks/6/importer",
    request: "ImporterRequest",
    input: "ImporterSagDokumentIndeksInput",
    response: "ImporterResponse",
    output: "ImporterSagDokumentIndeksOutput",
};
pub const OPDATER: Operation = Operation {
    name: "opdater",
    action: "http://serviceplatformen.dk/xml/wsdl/soap11/SagDokument/SagDokumentIndeks/6/opdater",
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
    action: "http://serviceplatformen.dk/xml/wsdl/soap11/SagDokument/SagDokumentIndeks/6/fremsoeg",
    request: "FremsoegRequest",
    input: "FremsoegSagDokumentIndeksInput",
    response: "FremsoegResponse",
    output: "FremsoegSagDokumentIndeksOutput",
};
pub const OPERATIONS: [Operation; 4] = [IMPORTER, OPDATER, FJERN, FREMSOEG];

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
