//! Every modelled name of ØiR in one place: paths, entityIDs, namespaces, operations and
//! element names of SF7001 (sortiment) and SF1590A (postings). None is public yet; they are
//! corrected here, and only here, against KOMBIT's contract package.

/// Set to true once the names below are checked against KOMBIT's contract package; until
/// then the steps refuse to send ØiR calls to anything but sp-contract's own mock.
pub const CHECKED_AGAINST_CONTRACT: bool = false;

// --- SF7001 Klassifikation & Sortiment: retrieve a sortiment ---------------------------
pub const SORTIMENT_PATH: &str = "/service/Klassifikation/Sortiment/1";
pub const SORTIMENT_ENTITY_ID: &str = "http://entityid.kombit.dk/service/sortiment/1";
/// Not public: generated for this project.
pub const SORTIMENT_SERVICE_UUID: &str = "c3b5391a-fd0d-4ecc-982f-5d01a76eff9f";
pub const SORTIMENT_NS: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/Klassifikation/Sortiment/1/";
pub const SORTIMENT_HENT_ACTION: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/Klassifikation/Sortiment/1/SortimentHent";
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

// --- SF1590A Afsend økonomiposteringer ---------------------------------------------------
pub const POSTERING_PATH: &str = "/service/OIR/Oekonomipostering/1";
pub const POSTERING_ENTITY_ID: &str = "http://entityid.kombit.dk/service/oekonomipostering/1";
/// Not public: generated for this project.
pub const POSTERING_SERVICE_UUID: &str = "cdbdffe4-66a5-414a-86a5-ddc620e3ff8c";
pub const POSTERING_NS: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/Oekonomipostering/1/";
pub const AFSEND_ACTION: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/Oekonomipostering/1/OekonomiposteringAfsend";
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
