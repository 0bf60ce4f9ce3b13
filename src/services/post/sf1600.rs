//! SF1600 Print / Fjernprint (SOAP), operations `afsendBrev` and `spoergTilmelding`.
//!
//! Contract: `shared/contracts/SF1600-Print-v2` (context variant). Unlike SF1520, the request
//! sequence starts with the InvocationContext (then AuthorityContext, CallContext). The
//! `ForsendelseI` built here is also the print part of SF1601's `kombi_request`.

use crate::core::service::ServiceInfo;
use crate::core::soap::{self, InvocationContext};
use crate::core::xml;

pub const INFO: ServiceInfo = ServiceInfo {
    id: "SF1600",
    name: "Print / Fjernprint (Print v2)",
    path: "/service/Print/Print/2",
    entity_id: "http://print.serviceplatformen.dk/service/forsendelse/2",
    service_uuid: Some("fd885b8b-4a3f-46cb-b367-6c9dda1c78f6"),
    security: crate::core::service::SecurityModel::Invocation,
    fidelity: crate::core::service::Fidelity::Official,
};

pub const NS: &str = "http://serviceplatformen.dk/xml/wsdl/soap11/Print/Print/2/";
pub const ACTION_AFSEND: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/Print/Print/2/afsendBrev";
pub const ACTION_TILMELDING: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/Print/Print/2/spoergTilmelding";

/// The message schema in `schemas/` (KOMBIT's package, its OIO imports through one hub per
/// namespace for libxml2).
pub const SCHEMA: &str = "SF1600-Print-v2/PrintServiceMsg.xsd";

/// What the mock validates each operation's request against (and tests its answers).
pub const OPERATIONS: &[crate::schema::Operation] = &[
    crate::schema::Operation::new(
        ACTION_AFSEND,
        SCHEMA,
        NS,
        ("PrintAfsendBrevRequest", "PrintAfsendBrevResponse"),
    ),
    crate::schema::Operation::new(
        ACTION_TILMELDING,
        SCHEMA,
        NS,
        (
            "PrintSpoergTilmeldingRequest",
            "PrintSpoergTilmeldingResponse",
        ),
    ),
];

pub const FJERNPRINT_NS: &str = "urn:oio:fjernprint:1.0.0";
pub const DKAL_NS: &str = "urn:oio:dkal:1.0.0";
pub const ADIR_NS: &str = "urn:oio:adir:dagpenge:2009.07.01";
const ITST_NS: &str = "http://rep.oio.dk/itst.dk/xml/schemas/2006/01/17/";
const DKCC2005_NS: &str = "http://rep.oio.dk/ebxml/xml/schemas/dkcc/2005/03/15/";
const DKCC2003_NS: &str = "http://rep.oio.dk/ebxml/xml/schemas/dkcc/2003/02/13/";
const SAGDOK_NS: &str = "urn:oio:sagdok:3.0.0";

/// `Kanalvalg` of `BrevSPBody` (the XSD's own comments): A automatic on SP, D Digital Post,
/// S NemSMS, F physical post, P automatic at Fjernprint.
pub const KANALVALG: &[&str] = &["A", "D", "S", "F", "P"];

/// A Kanalvalg that is not one of [`KANALVALG`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Kanalvalg '{0}' is not one of {list}", list = KANALVALG.join(", "))]
pub struct BadKanalvalg(pub String);

pub fn check_kanalvalg(k: &str) -> Result<(), BadKanalvalg> {
    if KANALVALG.contains(&k) {
        Ok(())
    } else {
        Err(BadKanalvalg(k.to_string()))
    }
}

/// A letter for print (and for Digital Post via SF1600): the `ForsendelseI` fields we fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintLetter {
    /// AfsendelseIdentifikator, 1–38 characters; the sender's id of this dispatch.
    pub afsendelse_id: String,
    pub cpr: String,
    pub name: String,
    /// CoNavn: the person the letter goes care of.
    pub co: Option<String>,
    pub street: String,
    /// House number as DKCC wants it (`5`, `12A`).
    pub building: String,
    pub postcode: String,
    /// Base64 of the document (PDF).
    pub content_b64: String,
    pub title: String,
    /// KanalUafhaengigeParametreI/BrugerNavn (required there): who in the authority sends.
    pub bruger_navn: String,
}

/// A Danish address as a scenario writes it, `Prinsens Allé 5, 8800 Viborg`: street, house
/// number (1–999 and an optional capital letter) and postcode; the town after the postcode
/// is optional and not sent (the postcode names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub street: String,
    pub building: String,
    pub postcode: String,
}

impl std::str::FromStr for Address {
    type Err = String;

    fn from_str(s: &str) -> Result<Address, String> {
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let re = RE.get_or_init(|| {
            regex::Regex::new(
                r"^\s*(\S.*?)\s+([1-9][0-9]{0,2}[A-Z]?)\s*,\s*([0-9]{4})(?:\s+\S.*)?$",
            )
            .expect("static regex")
        });
        let c = re.captures(s).ok_or_else(|| {
            format!("'{s}' is not an address as 'Prinsens Allé 5, 8800 Viborg' (street, house number, comma, postcode, town optional)")
        })?;
        Ok(Address {
            street: c[1].to_string(),
            building: c[2].to_string(),
            postcode: c[3].to_string(),
        })
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}, {}", self.street, self.building, self.postcode)
    }
}

/// Problems with a letter found before sending (field named).
pub fn check_print(l: &PrintLetter) -> Result<(), String> {
    let n = l.afsendelse_id.chars().count();
    if n == 0 || n > 38 {
        return Err(format!(
            "ForsendelseI/AfsendelseIdentifikator must be 1–38 characters, is {n}"
        ));
    }
    if !(1..=130).contains(&l.name.chars().count()) {
        return Err(
            "ForsendelseModtager/ModtagerAdresse/PersonName must be 1–130 characters".into(),
        );
    }
    if l.co
        .as_ref()
        .is_some_and(|c| !(1..=130).contains(&c.chars().count()))
    {
        return Err("ModtagerAdresse/CoNavn must be 1–130 characters".into());
    }
    if !(1..=40).contains(&l.street.chars().count()) {
        return Err("ModtagerAdresse/StreetName must be 1–40 characters".into());
    }
    let b = regex::Regex::new(r"^[1-9][0-9]{0,2}[A-Z]?$").expect("static regex");
    if !b.is_match(&l.building) {
        return Err(format!(
            "ModtagerAdresse/StreetBuildingIdentifier '{}' is not a house number (1–999, optionally one capital letter)",
            l.building
        ));
    }
    if l.postcode.len() != 4 || !l.postcode.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "ModtagerAdresse/PostCodeIdentifier '{}' must be 4 digits",
            l.postcode
        ));
    }
    crate::services::post::memo::decode_base64(&l.content_b64)
        .map_err(|e| format!("ForsendelseI/MeddelelseIndholdData: {e}"))?;
    Ok(())
}

/// The `ForsendelseI` element (namespace `urn:oio:fjernprint:1.0.0`), in the XSD's order: the
/// print part of SF1601's `kombi_request`.
pub fn forsendelse_i(l: &PrintLetter) -> String {
    forsendelse_element("fjernprint:ForsendelseI", l)
}

/// The `ForsendelseIType` content under the element name `qname` (its prefix declared in the
/// namespace declarations written here or by the caller's ancestors). SF1600's `BrevSPBody`
/// declares `ForsendelseI` as a local element, so there it is in the Print namespace.
fn forsendelse_element(qname: &str, l: &PrintLetter) -> String {
    let e = xml::escape;
    format!(
        "<{qname} xmlns:fjernprint=\"{FJERNPRINT_NS}\" xmlns:dkal=\"{DKAL_NS}\" xmlns:adir=\"{ADIR_NS}\" xmlns:itst=\"{ITST_NS}\" xmlns:dkcc1=\"{DKCC2005_NS}\" xmlns:dkcc2=\"{DKCC2003_NS}\" xmlns:sd=\"{SAGDOK_NS}\">\
<fjernprint:AfsendelseIdentifikator>{}</fjernprint:AfsendelseIdentifikator>\
<fjernprint:ForsendelseModtager>\
<dkal:AfsendelseModtager><adir:CPRnummerIdentifikator>{}</adir:CPRnummerIdentifikator></dkal:AfsendelseModtager>\
<fjernprint:ModtagerAdresse>\
<itst:PersonName>{}</itst:PersonName>\
{}<dkcc1:StreetName>{}</dkcc1:StreetName>\
<dkcc2:StreetBuildingIdentifier>{}</dkcc2:StreetBuildingIdentifier>\
<dkcc1:PostCodeIdentifier>{}</dkcc1:PostCodeIdentifier>\
<dkcc2:CountryIdentificationCode scheme=\"iso3166-alpha2\">DK</dkcc2:CountryIdentificationCode>\
</fjernprint:ModtagerAdresse>\
</fjernprint:ForsendelseModtager>\
<dkal:FilformatNavn>pdf</dkal:FilformatNavn>\
<dkal:MeddelelseIndholdData>{}</dkal:MeddelelseIndholdData>\
<fjernprint:DokumentParametre><sd:TitelTekst>{}</sd:TitelTekst></fjernprint:DokumentParametre>\
<fjernprint:KanalUafhaengigeParametreI><fjernprint:BrugerNavn>{}</fjernprint:BrugerNavn></fjernprint:KanalUafhaengigeParametreI>\
</{qname}>",
        e(&l.afsendelse_id),
        e(&l.cpr),
        e(&l.name),
        l.co.as_ref()
            .map(|c| format!("<fjernprint:CoNavn>{}</fjernprint:CoNavn>", e(c)))
            .unwrap_or_default(),
        e(&l.street),
        e(&l.building),
        e(&l.postcode),
        e(&l.content_b64),
        e(&l.title),
        e(&l.bruger_navn),
    )
}

/// `PrintAfsendBrevRequest`. `ctx = None` leaves out the security context.
pub fn afsend_brev_request(
    ctx: Option<&InvocationContext>,
    kanalvalg: &str,
    prioritet: &str,
    letter: &PrintLetter,
) -> String {
    let ctx_xml = ctx.map(soap::invocation_context).unwrap_or_default();
    format!(
        "<tns:PrintAfsendBrevRequest xmlns:tns=\"{NS}\">{ctx_xml}<tns:BrevSPBody><tns:Kanalvalg>{}</tns:Kanalvalg><tns:Prioritet>{}</tns:Prioritet>{}</tns:BrevSPBody></tns:PrintAfsendBrevRequest>",
        xml::escape(kanalvalg),
        xml::escape(prioritet),
        forsendelse_element("tns:ForsendelseI", letter)
    )
}

/// `PrintSpoergTilmeldingRequest` for a CPR (10 digits) or CVR (8 digits) number.
pub fn spoerg_tilmelding_request(ctx: Option<&InvocationContext>, id: &str) -> String {
    let ctx_xml = ctx.map(soap::invocation_context).unwrap_or_default();
    let element = if id.len() == 8 {
        "CVRnummerIdentifikator"
    } else {
        "CPRnummerIdentifikator"
    };
    format!(
        "<tns:PrintSpoergTilmeldingRequest xmlns:tns=\"{NS}\">{ctx_xml}<tns:TilmeldingRequest><dkal:SlutbrugerIdentitet xmlns:dkal=\"{DKAL_NS}\"><adir:{element} xmlns:adir=\"{ADIR_NS}\">{}</adir:{element}></dkal:SlutbrugerIdentitet></tns:TilmeldingRequest></tns:PrintSpoergTilmeldingRequest>",
        xml::escape(id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> PrintLetter {
        PrintLetter {
            afsendelse_id: "a".repeat(38),
            cpr: "1503801015".into(),
            name: "Peter Testesen".into(),
            co: Some("Mette Testesen".into()),
            street: "Prinsens Allé".into(),
            building: "5".into(),
            postcode: "8800".into(),
            content_b64: "JVBERi0xLjQK".into(),
            title: "Afgørelse & svar".into(),
            bruger_navn: "Sagsbehandler".into(),
        }
    }

    #[test]
    fn brev_sp_body_holds_forsendelse_i_in_the_print_namespace() {
        let r = afsend_brev_request(None, "A", "D", &letter());
        let el = xml::parse(r.as_bytes()).unwrap();
        let f = el
            .child("BrevSPBody")
            .unwrap()
            .child("ForsendelseI")
            .unwrap();
        assert_eq!(f.ns.as_deref(), Some(NS));
        assert_eq!(
            f.child("AfsendelseIdentifikator").unwrap().ns.as_deref(),
            Some(FJERNPRINT_NS)
        );
    }

    #[test]
    fn forsendelse_is_wellformed_and_checked() {
        let l = letter();
        assert!(check_print(&l).is_ok());
        let el = xml::parse(forsendelse_i(&l).as_bytes()).unwrap();
        assert_eq!(el.ns.as_deref(), Some(FJERNPRINT_NS));
        let order: Vec<&str> = el.elements().map(|e| e.local.as_str()).collect();
        assert_eq!(
            order,
            [
                "AfsendelseIdentifikator",
                "ForsendelseModtager",
                "FilformatNavn",
                "MeddelelseIndholdData",
                "DokumentParametre",
                "KanalUafhaengigeParametreI"
            ]
        );
        let mut bad = l.clone();
        bad.afsendelse_id = "a".repeat(39);
        assert!(check_print(&bad)
            .unwrap_err()
            .contains("AfsendelseIdentifikator"));
        let mut bad = l.clone();
        bad.building = "5b".into();
        assert!(check_print(&bad)
            .unwrap_err()
            .contains("StreetBuildingIdentifier"));
        let mut bad = l.clone();
        bad.co = Some(String::new());
        assert!(check_print(&bad).unwrap_err().contains("CoNavn"));
        let mut bad = l;
        bad.content_b64 = "not base64!".into();
        assert!(check_print(&bad)
            .unwrap_err()
            .contains("MeddelelseIndholdData"));
    }

    #[test]
    fn addresses_read_as_a_scenario_writes_them() {
        let a: Address = "Prinsens Allé 5, 8800 Viborg".parse().unwrap();
        assert_eq!(
            (a.street.as_str(), a.building.as_str(), a.postcode.as_str()),
            ("Prinsens Allé", "5", "8800")
        );
        assert_eq!(a.to_string(), "Prinsens Allé 5, 8800");
        assert_eq!(
            "Store Torv 12A,8000".parse::<Address>().unwrap().building,
            "12A"
        );
        for bad in [
            "Prinsens Allé, 8800",
            "Prinsens Allé 5 8800",
            "5, 8800",
            "Vej 5, 880",
        ] {
            assert!(bad.parse::<Address>().is_err(), "{bad}");
        }
    }
}
