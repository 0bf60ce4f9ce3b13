//! SF2900 Fordelingskomponenten (DistributionService v3): journal notes and forms routed to
//! a receiving system by the municipality's fordelingsregler (KLE emne + handlingsfacet).
//!
//! Contract: `shared/contracts/SF2900-Fordelingskomponent-v3` (context variant): SOAP 1.1,
//! document/literal, soapAction `<port ns>/<operation>`. The request element lives in the v3
//! types namespace and starts with `CallContext?`, `AuthorityContext?`; everything below
//! `anmodning`/`Routing`/`RoutingListe` is in the v2 types namespace. SF2900 accepts the
//! AuthorityContext model (MunicipalityCVR) or a token; its XSD has no InvocationContext.
//!
//! Objects: JournalPost (a journalnotat) and Formular. **Dokument is left out**: its file
//! must first be uploaded to the platform's SFTP server and is referenced by
//! `DokumentFilNavn`, which this tool does not do.

pub mod mock;
pub mod probe;
pub mod steps;

/// SF2900 in the catalog.
pub const ENTRY: super::entry::Entry = super::entry::Entry {
    folder: "sf2900",
    services: &[&INFO],
    steps: steps::steps,
    probes: probe::probes,
    mock: mock::responders,
};

use crate::core::ids::{Cvr, Uuid};
use crate::core::kle::{Emne, Facet, KleError};
use crate::core::service::ServiceInfo;
use crate::core::soap::{AUTCTX_NS, CALLCTX_NS};
use crate::core::xml::{self, Element};
use crate::schema::Operation;
use base64::Engine as _;

pub const INFO: ServiceInfo = ServiceInfo {
    id: "SF2900",
    name: "Fordelingskomponenten (DistributionService v3)",
    path: "/service/SP/Distribution/3",
    entity_id: "http://sp.serviceplatformen.dk/service/fordeling/3",
    service_uuid: Some("74d3c5f5-1b3c-4c6d-8366-1241f055d332"),
    security: crate::core::service::SecurityModel::Authority,
    fidelity: crate::core::service::Fidelity::Official,
};

/// The WSDL's target namespace; soapActions are `<PORT_NS>/<operation>`.
pub const PORT_NS: &str = "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/port";
/// Request/response elements and the TransportKvittering fault.
pub const TYPES_NS: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/types";
/// The v2 types the v3 messages wrap (DistributionContext, objects, receipts, routing).
pub const V2_NS: &str = "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/2/types";

pub const ACTION_AFSEND: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/port/FordelingsobjektAfsend";
pub const ACTION_KVITTERING: &str = "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/port/FordelingskvitteringModtag";
pub const ACTION_LIST: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/port/FordelingsmodtagerList";
pub const ACTION_VALIDER: &str = "http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/port/FordelingsmodtagerValider";
/// The message schema in `schemas/` (KOMBIT's package as published).
pub const SCHEMA: &str = "SF2900-Fordelingskomponent-v3/DistributionServiceMsg.xsd";

const fn operation(action: &'static str, names: (&'static str, &'static str)) -> Operation {
    Operation::new(action, SCHEMA, TYPES_NS, names)
}

/// What the mock validates each operation's request against (and tests its answers).
pub const OPERATIONS: &[Operation] = &[
    operation(
        ACTION_AFSEND,
        (
            "FordelingsobjektAfsendRequest",
            "FordelingsobjektAfsendResponse",
        ),
    ),
    operation(
        ACTION_KVITTERING,
        (
            "FordelingskvitteringModtagRequest",
            "FordelingskvitteringModtagResponse",
        ),
    ),
    operation(
        ACTION_LIST,
        (
            "FordelingsmodtagerListRequest",
            "FordelingsmodtagerListResponse",
        ),
    ),
    operation(
        ACTION_VALIDER,
        (
            "FordelingsmodtagerValiderRequest",
            "FordelingsmodtagerValiderResponse",
        ),
    ),
];

/// What our own checks refuse before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Sf2900Error {
    #[error(transparent)]
    Kle(#[from] KleError),
    #[error("CVR '{0}' is not valid: a CVR number is 8 digits, e.g. 29189846")]
    Cvr(String),
    #[error("'{0}' is not a UUID (write it as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")]
    Uuid(String),
    #[error("the journal note is empty: a journalnotat needs a text (Notat)")]
    EmptyNote,
    #[error("the form's XML (FormularXML) is not one well-formed XML element: {0}")]
    FormularXml(String),
    #[error("the {field} contains a character XML cannot carry ({code} at character {position})")]
    IllegalChar {
        field: &'static str,
        code: String,
        position: usize,
    },
}

/// XML 1.0 cannot carry most control characters, not even escaped: refuse them rather than
/// send a request no platform can parse.
fn check_xml_text(field: &'static str, s: &str) -> Result<(), Sf2900Error> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    match s.chars().enumerate().find(|(_, c)| bad(*c)) {
        Some((i, c)) => Err(Sf2900Error::IllegalChar {
            field,
            code: format!("U+{:04X}", c as u32),
            position: i + 1,
        }),
        None => Ok(()),
    }
}

/// A CVR number as the contexts and routing carry it: exactly 8 ASCII digits.
pub fn check_cvr(s: &str) -> Result<String, Sf2900Error> {
    Cvr::parse(s)
        .map(|c| c.as_str().to_string())
        .map_err(|_| Sf2900Error::Cvr(s.to_string()))
}

/// A UUID in either case, lower-cased (as the schemas write it).
fn check_uuid(s: &str) -> Result<String, Sf2900Error> {
    Uuid::parse_lenient(s.trim())
        .map(|u| u.as_str().to_string())
        .map_err(|_| Sf2900Error::Uuid(s.to_string()))
}

/// How the object finds its receiver: by KLE through the fordelingsregler, or directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingValg {
    Kle {
        emne: Emne,
        facet: Option<Facet>,
    },
    /// `RoutingModtagerAktoer`: the receiving system's UUID, bypassing the rules.
    Modtager(String),
}

impl RoutingValg {
    pub fn kle(emne: &str, facet: Option<&str>) -> Result<RoutingValg, Sf2900Error> {
        Ok(RoutingValg::Kle {
            emne: Emne::parse(emne)?,
            facet: facet.map(Facet::parse).transpose()?,
        })
    }

    pub fn modtager(uuid: &str) -> Result<RoutingValg, Sf2900Error> {
        Ok(RoutingValg::Modtager(check_uuid(uuid)?))
    }
}

/// Who sends on behalf of whom, and where the object is routed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// The sending authority (AfsendendeMyndighed) and the AuthorityContext's MunicipalityCVR.
    pub afsendende: String,
    /// The authority whose fordelingsregler apply (RoutingMyndighed).
    pub routing_myndighed: String,
    pub valg: RoutingValg,
}

impl Routing {
    pub fn new(
        afsendende: &str,
        routing_myndighed: &str,
        valg: RoutingValg,
    ) -> Result<Self, Sf2900Error> {
        Ok(Routing {
            afsendende: check_cvr(afsendende)?,
            routing_myndighed: check_cvr(routing_myndighed)?,
            valg,
        })
    }
}

/// The object to distribute. Dokument is not offered (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fordelingsobjekt {
    Journalnotat(Journalnotat),
    Formular(Formular),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journalnotat {
    pub id: String,
    pub emne: Emne,
    pub facet: Option<Facet>,
    pub titel: Option<String>,
    pub notat: String,
    /// The registering it-system (our user system) and the time of registration.
    pub it_system: String,
    pub tidspunkt: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formular {
    pub id: String,
    pub emne: Emne,
    pub facet: Option<Facet>,
    pub formular_type: String,
    pub titel: String,
    pub format_navn: String,
    /// The rendered form (FormularIndhold, sent base64).
    pub indhold: Vec<u8>,
    /// The form's data as one XML element (FormularXML).
    pub xml: String,
}

impl Journalnotat {
    /// A journal note, checked: valid KLE, a non-empty text.
    pub fn new(
        emne: &str,
        facet: Option<&str>,
        titel: Option<&str>,
        notat: &str,
        it_system: &str,
    ) -> Result<Journalnotat, Sf2900Error> {
        let emne = Emne::parse(emne)?;
        let facet = facet.map(Facet::parse).transpose()?;
        if notat.trim().is_empty() {
            return Err(Sf2900Error::EmptyNote);
        }
        check_xml_text("journal note", notat)?;
        if let Some(t) = titel {
            check_xml_text("journal note's title", t)?;
        }
        Ok(Journalnotat {
            id: uuid::Uuid::new_v4().to_string(),
            emne,
            facet,
            titel: titel.map(str::to_string),
            notat: notat.to_string(),
            it_system: check_uuid(it_system)?,
            // An xsd:dateTime in UTC without fractions.
            tidspunkt: crate::platform::data::now_iso(),
        })
    }
}

impl Formular {
    pub fn new(
        emne: &str,
        facet: Option<&str>,
        titel: &str,
        formular_xml: &str,
    ) -> Result<Formular, Sf2900Error> {
        let emne = Emne::parse(emne)?;
        let facet = facet.map(Facet::parse).transpose()?;
        check_xml_text("form's title", titel)?;
        // FormularXML holds exactly one element (xsd:any): refuse anything else here rather
        // than let the platform do it.
        xml::parse(formular_xml.as_bytes()).map_err(|e| Sf2900Error::FormularXml(e.to_string()))?;
        let xml = formular_xml
            .trim()
            .strip_prefix("<?xml")
            .and_then(|r| r.find("?>").map(|i| r[i + 2..].trim().to_string()))
            .unwrap_or_else(|| formular_xml.trim().to_string());
        Ok(Formular {
            id: uuid::Uuid::new_v4().to_string(),
            emne,
            facet,
            formular_type: "sp-contract testformular".into(),
            titel: titel.to_string(),
            format_navn: "text/plain".into(),
            // A plain-text rendering of the form; the data travels in FormularXML.
            indhold: format!("Formular: {titel}").into_bytes(),
            xml,
        })
    }
}

impl Fordelingsobjekt {
    pub fn objekt_type(&self) -> &'static str {
        match self {
            Fordelingsobjekt::Journalnotat(_) => "JOURNALPOST",
            Fordelingsobjekt::Formular(_) => "FORMULAR",
        }
    }
}

/// `<authctx:AuthorityContext>`: the municipality the call is made on behalf of.
pub fn authority_context(cvr: &str) -> String {
    format!(
        "<authctx:AuthorityContext xmlns:authctx=\"{AUTCTX_NS}\"><authctx:MunicipalityCVR>{}</authctx:MunicipalityCVR></authctx:AuthorityContext>",
        xml::escape(cvr)
    )
}

/// `<callctx:CallContext>` with CallersServiceCallIdentifier, so a vendor can find the call
/// in the platform's logs (the AuthorityContext model's companion to InvocationContext's).
fn call_context(call_id: &str) -> String {
    format!(
        "<callctx:CallContext xmlns:callctx=\"{CALLCTX_NS}\"><callctx:CallersServiceCallIdentifier>{}</callctx:CallersServiceCallIdentifier></callctx:CallContext>",
        xml::escape(call_id)
    )
}

/// The security part of every request: CallContext + AuthorityContext, or nothing (for
/// scenarios that check the platform refuses calls without a security model).
fn contexts(authority: Option<&str>) -> String {
    match authority {
        Some(cvr) => format!(
            "{}{}",
            call_context(&uuid::Uuid::new_v4().to_string()),
            authority_context(cvr)
        ),
        None => String::new(),
    }
}

/// `<v2:name>text</v2:name>`: the v2 types' elements, in requests and the mock's answers.
pub(crate) fn v2(name: &str, text: &str) -> String {
    format!("<v2:{name}>{}</v2:{name}>", xml::escape(text))
}

fn kle_info(emne: &Emne, facet: Option<&Facet>, emne_el: &str, facet_el: &str) -> String {
    let mut s = v2(emne_el, emne.as_str());
    if let Some(f) = facet {
        s.push_str(&v2(facet_el, f.as_str()));
    }
    s
}

/// The content of `RoutingValg`: by KLE, or to one receiving system. The mock's answer
/// repeats it.
pub(crate) fn routing_valg(valg: &RoutingValg) -> String {
    match valg {
        RoutingValg::Kle { emne, facet } => format!(
            "<v2:RoutingKLEEmneHandling>{}</v2:RoutingKLEEmneHandling>",
            kle_info(
                emne,
                facet.as_ref(),
                "RoutingKLEEmne",
                "RoutingHandlingFacet"
            )
        ),
        RoutingValg::Modtager(uuid) => v2("RoutingModtagerAktoer", uuid),
    }
}

/// `FordelingsobjektAfsendRequest`. `authority = None` leaves out the security contexts.
pub fn afsend_request(
    authority: Option<&str>,
    routing: &Routing,
    objekt: &Fordelingsobjekt,
) -> String {
    let valg = routing_valg(&routing.valg);
    let context = format!(
        "<v2:DistributionContext>{}{}{}<v2:RoutingValg>{valg}</v2:RoutingValg></v2:DistributionContext>",
        v2("AnvenderTransaktionsID", &uuid::Uuid::new_v4().to_string()),
        v2("AfsendendeMyndighed", &routing.afsendende),
        v2("RoutingMyndighed", &routing.routing_myndighed),
    );
    let indhold = match objekt {
        Fordelingsobjekt::Journalnotat(j) => journalpost(j),
        Fordelingsobjekt::Formular(f) => formular(f),
    };
    format!(
        "<tns:FordelingsobjektAfsendRequest xmlns:tns=\"{TYPES_NS}\" xmlns:v2=\"{V2_NS}\">{}<tns:anmodning>{context}<v2:DistributionObject>{}<v2:ObjektIndhold>{indhold}</v2:ObjektIndhold></v2:DistributionObject></tns:anmodning></tns:FordelingsobjektAfsendRequest>",
        contexts(authority),
        v2("ObjektType", objekt.objekt_type()),
    )
}

fn journalpost(j: &Journalnotat) -> String {
    let titel = j
        .titel
        .as_deref()
        .map(|t| v2("Titel", t))
        .unwrap_or_default();
    format!(
        "<v2:DistributionJournalPost>{}{}<v2:Registrering>{}{}<v2:RegistreringItSystem>{}</v2:RegistreringItSystem><v2:RelationListe><v2:JournalPost><v2:Virkning>{}<v2:Aktoer>{}</v2:Aktoer>{}</v2:Virkning>{}{}<v2:JournalnotatAttributter>{titel}{}</v2:JournalnotatAttributter></v2:JournalPost></v2:RelationListe></v2:Registrering></v2:DistributionJournalPost>",
        v2("ID", &j.id),
        kle_info(&j.emne, j.facet.as_ref(), "KLEEmneForslag", "HandlingFacetForslag"),
        v2("FraTidsPunkt", &j.tidspunkt),
        v2("LivscyklusKode", "Oprettet"),
        v2("UUID", &j.it_system),
        v2("FraTidspunkt", &j.tidspunkt),
        v2("UUID", &j.it_system),
        v2("AktoerType", "ItSystem"),
        v2("Rolle", "Journalpost"),
        v2("Indeks", "1"),
        v2("Notat", &j.notat),
    )
}

fn formular(f: &Formular) -> String {
    format!(
        "<v2:DistributionFormular>{}{}<v2:Meddelelse>{}<v2:Formular>{}{}{}<v2:FormularXML>{}</v2:FormularXML></v2:Formular></v2:Meddelelse></v2:DistributionFormular>",
        v2("ID", &f.id),
        kle_info(&f.emne, f.facet.as_ref(), "KLEEmneForslag", "HandlingFacetForslag"),
        v2("FormularType", &f.formular_type),
        v2("TitelTekst", &f.titel),
        v2("FormatNavn", &f.format_navn),
        v2(
            "FormularIndhold",
            &base64::engine::general_purpose::STANDARD.encode(&f.indhold)
        ),
        f.xml,
    )
}

/// `FordelingsmodtagerListRequest`: which system receives this KLE for this authority.
pub fn list_request(
    authority: Option<&str>,
    afsendende: &str,
    routing_myndighed: &str,
    emne: &Emne,
    facet: Option<&Facet>,
) -> String {
    format!(
        "<tns:FordelingsmodtagerListRequest xmlns:tns=\"{TYPES_NS}\" xmlns:v2=\"{V2_NS}\">{}<tns:Routing>{}{}{}</tns:Routing></tns:FordelingsmodtagerListRequest>",
        contexts(authority),
        v2("AfsendendeMyndighed", afsendende),
        v2("RoutingMyndighed", routing_myndighed),
        kle_info(emne, facet, "RoutingKLEEmne", "RoutingHandlingFacet"),
    )
}

/// `FordelingsmodtagerValiderRequest`: can these systems receive for these authorities.
pub fn valider_request(
    authority: Option<&str>,
    afsendende: &str,
    routes: &[(String, String)],
) -> String {
    let list: String = routes
        .iter()
        .map(|(cvr, system)| {
            format!(
                "<v2:Routing>{}{}</v2:Routing>",
                v2("RoutingMyndighed", cvr),
                v2("RoutingModtagerAktoer", system)
            )
        })
        .collect();
    format!(
        "<tns:FordelingsmodtagerValiderRequest xmlns:tns=\"{TYPES_NS}\" xmlns:v2=\"{V2_NS}\">{}<tns:AfsendendeMyndighed>{}</tns:AfsendendeMyndighed><tns:RoutingListe>{list}</tns:RoutingListe></tns:FordelingsmodtagerValiderRequest>",
        contexts(authority),
        xml::escape(afsendende),
    )
}

// ---------------------------------------------------------------------------------------
// Reading answers. Tolerant on purpose: the one public real answer breaks the XSD (no
// SystemMyndighed, an emne `01.01.*`), so readers take what is there by local name.

/// A business receipt (`ForretningsKvittering`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kvittering {
    pub kode: String,
    pub kvitteringstype: String,
    pub begrundelse: Option<String>,
    pub fejl: Vec<(String, String)>,
}

/// A transport receipt (`TransportKvittering`, the operations' fault detail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportKvittering {
    pub kode: String,
    pub begrundelse: Option<String>,
    pub fejl: Vec<(String, String)>,
}

/// One system in a `FordelingsmodtagerList` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modtager {
    pub myndighed: Option<String>,
    pub uuid: String,
    pub navn: String,
    pub emne: String,
    pub facet: Option<String>,
}

impl Modtager {
    /// Does a name a scenario uses denote this system: its UUID, or its name (equal, or
    /// contained, ignoring case: real names are longer than the short names scenarios use).
    pub fn is(&self, name: &str) -> bool {
        let n = name.trim().to_lowercase();
        !n.is_empty()
            && (self.uuid.eq_ignore_ascii_case(&n)
                || self.navn.to_lowercase() == n
                || self.navn.to_lowercase().contains(&n))
    }

    pub fn label(&self) -> String {
        format!("{} ({})", self.navn, self.uuid)
    }
}

/// `name (uuid), …`: the systems of a list, for messages.
pub fn labels(list: &[Modtager]) -> String {
    list.iter()
        .map(Modtager::label)
        .collect::<Vec<_>>()
        .join(", ")
}

fn fejl_liste(el: &Element) -> Vec<(String, String)> {
    el.child("FejlListe")
        .map(|l| {
            l.elements()
                .filter(|f| f.local == "Fejl")
                .map(|f| {
                    (
                        f.child("FejlKode").map(|e| e.text()).unwrap_or_default(),
                        f.child("FejlTekst").map(|e| e.text()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The ForretningsKvittering of a `FordelingsobjektAfsendResponse`.
pub fn read_kvittering(payload: &Element) -> Option<Kvittering> {
    let k = payload.child("ForretningsKvittering")?;
    Some(Kvittering {
        kode: k.child("ForretningsValideringsKode")?.text(),
        kvitteringstype: k
            .child("Kvitteringstype")
            .map(|e| e.text())
            .unwrap_or_default(),
        begrundelse: k.child("Begrundelse").map(|e| e.text()),
        fejl: fejl_liste(k),
    })
}

/// The TransportKvittering in a fault's detail (or None when the detail has none).
pub fn read_transport(detail: &Element) -> Option<TransportKvittering> {
    let t = detail.descendant("TransportKvittering")?;
    Some(TransportKvittering {
        kode: t.child("TransportValideringsKode")?.text(),
        begrundelse: t.child("Begrundelse").map(|e| e.text()),
        fejl: fejl_liste(t),
    })
}

/// The systems of a `FordelingsmodtagerListResponse`.
pub fn read_modtagere(payload: &Element) -> Option<Vec<Modtager>> {
    let systemer = payload.child("Systemer")?;
    Some(
        systemer
            .elements()
            .filter(|s| s.local == "System")
            .map(|s| Modtager {
                myndighed: s.child("SystemMyndighed").map(|e| e.text()),
                uuid: s.child("SystemUUID").map(|e| e.text()).unwrap_or_default(),
                navn: s.child("SystemNavn").map(|e| e.text()).unwrap_or_default(),
                emne: s
                    .child("RoutingKLEEmne")
                    .map(|e| e.text())
                    .unwrap_or_default(),
                facet: s.child("RoutingHandlingFacet").map(|e| e.text()),
            })
            .collect(),
    )
}

/// `(RoutingMyndighed, RoutingModtagerAktoer, KanModtage)` of a `FordelingsmodtagerValiderResponse`.
pub fn read_valider(payload: &Element) -> Option<Vec<(String, String, bool)>> {
    let liste = payload.child("RoutingListe")?;
    Some(
        liste
            .elements()
            .filter(|r| r.local == "RoutingModtager")
            .map(|r| {
                (
                    r.child("RoutingMyndighed")
                        .map(|e| e.text())
                        .unwrap_or_default(),
                    r.child("RoutingModtagerAktoer")
                        .map(|e| e.text())
                        .unwrap_or_default(),
                    r.child("KanModtage").map(|e| e.text()).as_deref() == Some("true")
                        || r.child("KanModtage").map(|e| e.text()).as_deref() == Some("1"),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSTEM: &str = "903c9e8b-9112-4e92-9860-3c82eae5d61e";

    #[test]
    fn checks_before_building() {
        assert_eq!(check_cvr(" 29189846").unwrap(), "29189846");
        for bad in ["2918984", "291898460", "2918984x", ""] {
            assert!(check_cvr(bad)
                .unwrap_err()
                .to_string()
                .contains(&format!("'{bad}'")));
        }
        assert_eq!(
            Journalnotat::new("32.30.04", Some("G01"), None, "  \n", SYSTEM).unwrap_err(),
            Sf2900Error::EmptyNote
        );
        let e = Journalnotat::new("32.30.4", None, None, "x", SYSTEM).unwrap_err();
        assert!(e.to_string().contains("'32.30.4'"), "{e}");
        let e = Journalnotat::new("32.30.04", Some("g01"), None, "x", SYSTEM).unwrap_err();
        assert!(e.to_string().contains("'g01'"), "{e}");
        assert!(Formular::new("32.30.04", None, "t", "<a><b></a>").is_err());
        let e = Journalnotat::new("32.30.04", None, None, "ok\u{1}", SYSTEM).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the journal note contains a character XML cannot carry (U+0001 at character 3)"
        );
        assert!(Journalnotat::new("32.30.04", None, None, "tab\tand\nlines æøå", SYSTEM).is_ok());
        assert!(RoutingValg::modtager("KSD").is_err());
    }

    #[test]
    fn afsend_request_is_shaped_like_the_contract() {
        let j = Journalnotat::new(
            "32.30.04",
            Some("G01"),
            Some("Titel & co"),
            "Notat <1>",
            SYSTEM,
        )
        .unwrap();
        let r = Routing::new(
            "29189846",
            "29189846",
            RoutingValg::kle("32.30.04", Some("G01")).unwrap(),
        )
        .unwrap();
        let x = afsend_request(Some("29189846"), &r, &Fordelingsobjekt::Journalnotat(j));
        let el = xml::parse(x.as_bytes()).unwrap();
        assert_eq!(el.ns.as_deref(), Some(TYPES_NS));
        let names: Vec<&str> = el.elements().map(|e| e.local.as_str()).collect();
        assert_eq!(names, ["CallContext", "AuthorityContext", "anmodning"]);
        let notat: crate::core::xml::Path = "//Notat".parse().unwrap();
        assert_eq!(el.select(&notat)[0].text(), "Notat <1>");
        assert_eq!(el.select(&notat)[0].ns.as_deref(), Some(V2_NS));
        let none = afsend_request(
            None,
            &r,
            &Fordelingsobjekt::Formular(
                Formular::new(
                    "32.30.04",
                    None,
                    "t",
                    "<?xml version=\"1.0\"?><f xmlns=\"urn:f\"/>",
                )
                .unwrap(),
            ),
        );
        let el = xml::parse(none.as_bytes()).unwrap();
        assert_eq!(el.elements().next().unwrap().local, "anmodning");
        assert!(!none.contains("<?xml"));
    }
}
