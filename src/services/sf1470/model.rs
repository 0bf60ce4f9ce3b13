//! Every name of SF1470 v6 on the wire in one place: path, entityID, namespaces, SOAPActions
//! and element names, as KOMBIT's official package says them
//! (`schemas/SF1470-SagDokumentIndeks-v6`, the WSDL in `shared/contracts`). The rule: no other
//! file spells a namespace or an element name of this service.

/// The path of the direct endpoint at the støttesystem (exttest
/// `https://sagsogdokumentindeks.eksterntest-stoettesystemerne.dk/sagdokumentindeks/6`).
pub const PATH: &str = "/sagdokumentindeks/6";
/// The token audience (serviceplatform.md §4 SF1470, H).
pub const ENTITY_ID: &str = "http://entityid.kombit.dk/service/sdi/sagdokumentindeks/6";
/// SF1470 v6 is called directly, not via Serviceplatformen, so it has no SP service UUID; the
/// mock's serviceaftaler still name one. Generated for this project.
pub const SERVICE_UUID: &str = "d2540850-008f-484a-83a3-ed8109e767b5";

/// The Body's elements: the inputs and outputs of the operations.
pub const SDI_NS: &str = "urn:oio:sts:sagdok:sagdokumentindeks:6";
/// The Sag object.
pub const SAG_NS: &str = "urn:oio:sts:sagdok:sag:6";
/// Relations, Registrering's StsTidspunkt, LokalUdvidelseListe.
pub const GD_NS: &str = "urn:oio:sts:generelledefinitioner:6";
/// The index's own extensions (SagsitsystemRelation).
pub const SI_NS: &str = "urn:oio:sts:sagdok:sagindeks:6";
/// OIO sagdok generics.
pub const SAGDOK_NS: &str = crate::services::sagdok::NS;
/// The SOAP header on request and answer.
pub const HEADER_NS: &str = "http://kombit.dk/xml/schemas/RequestHeader/1/";
pub const REQUEST_HEADER: &str = "RequestHeader";
pub const TRANSACTION_UUID: &str = "TransactionUUID";

/// The schema file (below `schemas/`) the Body's elements are declared in.
pub const SCHEMA: &str =
    "SF1470-SagDokumentIndeks-v6/xsd/6.0.STS-0/SagDokumentIndeksOperationer.xsd";
/// The schema of the SOAP header.
pub const HEADER_SCHEMA: &str = "SF1470-SagDokumentIndeks-v6/xsd/common/RequestHeader.xsd";

/// One operation: its SOAPAction and the Body's element of request and answer (in `SDI_NS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub name: &'static str,
    pub action: &'static str,
    pub input: &'static str,
    pub output: &'static str,
}

pub const IMPORTER: Operation = Operation {
    name: "importer",
    action: "http://kombit.dk/sts/sagdokumentindeks/importer",
    input: "ImporterSagDokumentIndeksInput",
    output: "ImporterSagDokumentIndeksOutput",
};
pub const OPDATER: Operation = Operation {
    name: "opdater",
    action: "http://kombit.dk/sts/sagdokumentindeks/opdater",
    input: "OpdaterSagDokumentIndeksInput",
    output: "OpdaterSagDokumentIndeksOutput",
};
pub const FJERN: Operation = Operation {
    name: "fjern",
    action: "http://kombit.dk/sts/sagdokumentindeks/fjern",
    input: "FjernSagDokumentIndeksInput",
    output: "FjernSagDokumentIndeksOutput",
};
pub const FREMSOEG: Operation = Operation {
    name: "fremsoeg",
    action: "http://kombit.dk/sts/sagdokumentindeks/fremsoeg",
    input: "FremsoegSagDokumentIndeksInput",
    output: "FremsoegSagDokumentIndeksOutput",
};
pub const OPERATIONS: [Operation; 4] = [IMPORTER, OPDATER, FJERN, FREMSOEG];
/// The SOAPAction's common prefix.
pub const ACTION_PREFIX: &str = "http://kombit.dk/sts/sagdokumentindeks/";

// In SDI_NS.
pub const SAG_INDEKS: &str = "SagIndeks";
pub const OPDATER_SAG_INDEKS: &str = "OpdaterSagIndeks";
pub const SAG_UUID: &str = "SagUuid";
pub const SAG_RESULTAT: &str = "SagFiltreretOejebliksbillede";
/// The Dokument half of the index, which the mock does not hold yet.
pub const DOKUMENT_PARTS: [&str; 5] = [
    "DokumentIndeks",
    "OpdaterDokumentIndeks",
    "DokumentUuid",
    "SoegDokument",
    "SoegSagsloeseDokumenter",
];
pub const SOEG_UDTRYK: &str = "SoegUdtryk";
pub const SOEG_OPERATION: &str = "operation";
pub const SOEG_SAG: &str = "SoegSag";
pub const NOT: &str = "NOT";
pub const FILTER: &str = "Filter";
pub const SAG_VIS: &str = "SagVis";
pub const VIS: &str = "Vis";
pub const SORTERING: &str = "Sortering";
pub const SAG_SORTERING: &str = "SagSortering";
pub const ELEMENT: &str = "Element";
pub const RETNING: &str = "Retning";
pub const PRIORITET: &str = "Prioritet";
pub const ANTAL: &str = "Antal";
/// `Antal/Element` for cases.
pub const ANTAL_SAGER: &str = "sager";
/// `Tidspunkt` of an `OpdaterSagIndeks` (and, in `SAGDOK_NS`, of a Registrering).
pub const TIDSPUNKT: &str = "Tidspunkt";

// In SAG_NS.
pub const REGISTRERING: &str = "Registrering";
pub const OBJEKT_TYPE: &str = "ObjektType";
pub const ATTRIBUT_LISTE: &str = "AttributListe";
pub const EGENSKABER: &str = "Egenskaber";
pub const BRUGERVENDT_NOEGLE: &str = "BrugervendtNoegle";
pub const SAGSNUMMER: &str = "Sagsnummer";
pub const TITEL: &str = "Titel";
pub const TILSTAND_LISTE: &str = "TilstandListe";
pub const FREMDRIFT: &str = "Fremdrift";
pub const FREMDRIFT_STATUS_KODE: &str = "FremdriftStatusKode";
pub const RELATION_LISTE: &str = "RelationListe";
pub const VIRKNING: &str = "Virkning";
/// The relation lists of `RelationListe` in the schema's order; IT-system relations come after
/// them, in `gd:LokalUdvidelseListe` as `si:SagsitsystemRelation`.
pub const SAG_LISTS: [&str; 3] = ["Sagsaktoer", "Sagsklasse", "Sagspart"];
/// The catalogue's name of the IT-system relations (`core::klassifikation::RELATION_LISTS`).
pub const ITSYSTEM_LIST: &str = "Sagsitsystem";

// In GD_NS.
pub const ROLLE: &str = "Rolle";
pub const TYPE: &str = "Type";
pub const REFERENCE_ID: &str = "ReferenceID";
pub const INDEKS: &str = "Indeks";
pub const LOKAL_UDVIDELSE_LISTE: &str = "LokalUdvidelseListe";
// In SI_NS.
pub const SAGSITSYSTEM_RELATION: &str = "SagsitsystemRelation";

// In SAGDOK_NS.
pub const UUID_IDENTIFIKATOR: &str = "UUIDIdentifikator";
pub const URN_IDENTIFIKATOR: &str = "URNIdentifikator";
pub const LIVSCYKLUS_KODE: &str = "LivscyklusKode";
pub const FRA_TIDSPUNKT: &str = "FraTidspunkt";
pub const TIL_TIDSPUNKT: &str = "TilTidspunkt";
pub const TIDSSTEMPEL: &str = "TidsstempelDatoTid";
pub const GRAENSE: &str = "GraenseIndikator";
pub const AKTOER_REF: &str = "AktoerRef";
pub const AKTOER_TYPE_KODE: &str = "AktoerTypeKode";
pub const UNIK_RETUR: &str = "UnikRetur";
pub const STANDARD_RETUR: &str = "StandardRetur";
pub const RETUR_TYPE: &str = "Type";
/// `UnikRetur/Type` of a case.
pub const RETUR_TYPE_SAG: &str = "Sag";

/// KOMBIT's .NET sample imports with LivscyklusKode Importeret.
pub const LIVSCYKLUS_IMPORTERET: &str = "Importeret";
/// FremdriftStatusKode, in the order a case moves through them (the XSD's enumeration; the
/// anvisning's order).
pub const FREMDRIFT_STATUS: &[&str] = &["Opstaaet", "Oplyst", "Afgjort", "Afsluttet"];
/// The AktoerTypeKode values the anvisning allows (the XSD lists six).
pub const AKTOER_TYPER: &[&str] = &["Bruger", "ItSystem"];
/// The `Vis` values of a case in a search's Filter the mock honours (all of the schema's).
pub const SAG_VIS_VALUES: &[&str] = &[
    "egenskaber",
    "fremdrift",
    "sagsklasse",
    "sagsaktoer",
    "sagspart",
    "sagsrelation",
    "sagsgenstand",
    "journalpost",
    "journalpost-journalnote",
    "itsystem",
    "sikkerhedsprofil",
];

/// Party references (KOMBIT's sample and the anvisning: `urn:oio:cpr-nr:<cpr>`).
pub const URN_CPR: &str = "urn:oio:cpr-nr:";
pub const URN_CVR: &str = "urn:oio:cvr-nr:";
/// An it-system as an actor (the anvisning: `urn:oio:it-system-uuid:<uuid>`).
pub const URN_ITSYSTEM: &str = "urn:oio:it-system-uuid:";
