//! Every ØiR (FK-ØKO) name in one place: ids, paths, entityIDs, namespaces, operations and
//! element names of SF7002 (sortiment) and SF1590_A (postings). What KOMBIT has made public
//! is used as published (serviceplatform.md "ØiR, now FK-ØKO", with its confidence H/M/L);
//! every other value is marked `MODELLED` with why, and is corrected here, and only here,
//! against KOMBIT's contract package. A target cannot override these values: ØiR goes only to
//! sp-contract's own mock until [`CHECKED_AGAINST_CONTRACT`] is set.

/// Set to true once the names below are checked against KOMBIT's contract package; until
/// then the steps refuse to send ØiR calls to anything but sp-contract's own mock.
pub const CHECKED_AGAINST_CONTRACT: bool = false;

// --- SF7002 Overfør Sortiment til Abonnent --------------------------------------------
/// Public (M): SF7002 delivers a system's sortiment; SF7001 is not confirmed (it was this
/// project's earlier guess: scenarios, steps and mock data now say SF7002).
pub const SORTIMENT_SERVICE_ID: &str = "SF7002";
pub const SORTIMENT_TITLE: &str = "SF7002 Overfør Sortiment til Abonnent (FK-ØKO sortiment)";
/// MODELLED (L): not public, nor whether SF7002 goes through SP at all; the SP path form
/// with the Klassifikation area.
pub const SORTIMENT_PATH: &str = "/service/Klassifikation/Sortiment/1";
/// MODELLED (L): not public; KOMBIT's entityid.kombit.dk form.
pub const SORTIMENT_ENTITY_ID: &str = "http://entityid.kombit.dk/service/sortiment/1";
/// MODELLED: not public; generated for this project.
pub const SORTIMENT_SERVICE_UUID: &str = "c3b5391a-fd0d-4ecc-982f-5d01a76eff9f";
/// MODELLED (L): SP's namespace convention (`soap11` + the path below `/service/`, as in
/// SF1520's and SF2900's WSDLs) on the modelled path.
pub const SORTIMENT_NS: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/Klassifikation/Sortiment/1/";
/// MODELLED (L): the public name says the sortiment is transferred to the subscriber; the
/// model lets the subscriber fetch it (SortimentHent), with the same content.
pub const SORTIMENT_HENT_ACTION: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/Klassifikation/Sortiment/1/SortimentHent";
/// MODELLED (payload elements below): no XSD of the sortiment format is public.
pub const SORTIMENT_HENT_REQUEST: &str = "SortimentHentRequest";
pub const SORTIMENT_HENT_RESPONSE: &str = "SortimentHentResponse";
pub const SORTIMENT_NAVN: &str = "SortimentNavn";
/// The day the sortiment must be in force on; today when left out.
pub const GAELDENDE_DATO: &str = "GaeldendeDato";
pub const SORTIMENT: &str = "Sortiment";
pub const VERSION_NUMMER: &str = "VersionNummer";
pub const GYLDIG_FRA: &str = "GyldigFra";
/// Left out while the version is in force until further notice.
pub const GYLDIG_TIL: &str = "GyldigTil";
pub const IT_SYSTEM_UUID: &str = "ItSystemUUID";
pub const ELEMENT_LISTE: &str = "ElementListe";
pub const ELEMENT: &str = "Element";
pub const ELEMENT_TYPE: &str = "Type";
pub const BRUGERVENDT_NOEGLE: &str = "BrugervendtNoegle";
pub const TITEL: &str = "Titel";

// --- SF1590_A Afsend økonomipostering, SP service "ØiR ModtagFinansbilag v2" -------------
/// The tool's form of the catalogue's `SF1590_A` (ids are SF, digits and one letter).
pub const POSTERING_SERVICE_ID: &str = "SF1590A";
pub const POSTERING_TITLE: &str = "SF1590_A Afsend økonomipostering (SP: ØiR ModtagFinansbilag v2)";
/// Public (H): the SP service "ØiR ModtagFinansbilag v2" on the OIR path form
/// `/service/OIR/<ServiceName>/<major>` (H from two FK-ØKO services).
pub const POSTERING_PATH: &str = "/service/OIR/ModtagFinansbilag/2";
/// Public pattern (H from two FK-ØKO services), applied to ModtagFinansbilag (M).
pub const POSTERING_ENTITY_ID: &str = "http://oir.serviceplatformen.dk/service/modtagfinansbilag/2";
/// MODELLED: not public; generated for this project.
pub const POSTERING_SERVICE_UUID: &str = "cdbdffe4-66a5-414a-86a5-ddc620e3ff8c";
/// MODELLED (L): SP's namespace convention on the public path; the real one is not public.
pub const POSTERING_NS: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/";
/// MODELLED (L): the operation name is not public (after the catalogue's "Afsend
/// økonomipostering"); the SOAPAction is the namespace plus the operation.
pub const AFSEND_ACTION: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/OekonomiposteringAfsend";
/// MODELLED (payload elements below): no ØiR XSD is public.
pub const AFSEND_REQUEST: &str = "OekonomiposteringAfsendRequest";
pub const AFSEND_RESPONSE: &str = "OekonomiposteringAfsendResponse";
pub const POSTERING_LISTE: &str = "PosteringListe";
pub const POSTERING: &str = "Postering";
pub const POSTERING_ID: &str = "PosteringIdentifikator";
pub const POSTERINGSDATO: &str = "Posteringsdato";
/// xs:decimal, at most two decimals; the direction is DebetKreditKode.
pub const BELOEB: &str = "Beloeb";
pub const DEBET_KREDIT: &str = "DebetKreditKode";
pub const DEBET: &str = "D";
pub const KREDIT: &str = "K";
pub const KONTO: &str = "Konto";
pub const DIMENSION_LISTE: &str = "DimensionListe";
pub const DIMENSION: &str = "Dimension";
pub const DIMENSION_TYPE: &str = "Type";
pub const POSTERING_TEKST: &str = "PosteringTekst";
pub const KVITTERING: &str = "PosteringKvittering";
/// The sortiment version a posting was checked against.
pub const KVITTERING_SORTIMENT_VERSION: &str = "SortimentVersion";

/// Item types of a sortiment: the posting account, and the dimensions a posting may carry.
pub const KONTO_TYPE: &str = "Konto";
pub const DIMENSION_TYPES: &[&str] = &["Art", "Omkostningssted"];

pub const SAGDOK_NS: &str = crate::services::sagdok::NS;
pub const UUID_IDENTIFIKATOR: &str = "UUIDIdentifikator";
