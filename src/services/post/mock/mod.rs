//! SF1601 on the mock: `KombiPostAfsend` and `PostForespoerg` behind the token check, the
//! letters each scenario sent, and the `PKO_PostStatus` messages the platform would later
//! deliver through the Beskedfordeler.
//!
//! Enrollment comes from the SF1520 data (`Citizen::digital_post`, `tilmeldtNemsms`), so CPR
//! and Post agree. How "Automatisk Valg" chooses is not public (serviceplatform.md §7.3); the
//! rule here is **modelled**: Digital Post when the recipient is enrolled and a MeMo is
//! present, else physical post when print data is present, else an error. "Digital Post" to
//! a recipient who is not enrolled (or exempt) is an error; "Fysisk Post" always prints.
//! Companies (CVR) are taken as enrolled in Digital Post, as they are obliged to be.
//! A request that is well-formed is accepted synchronously; a MeMo the platform finds
//! invalid is reported afterwards as a "Fejlet" status with FejlKode `memo.invalid`
//! (modelled: the public record shows the code, not when it is raised).

pub mod data;
pub mod sf1600;
pub mod sts;

use crate::core::ids::Cvr;
use crate::core::xml::{self, Element};
use crate::platform::data::Platform;
use crate::platform::endpoint::{header, query, scenario};
use crate::platform::endpoint::{DirectResponder, DirectResponse};
use crate::platform::request::Request;
use crate::services::post::memo;
use crate::services::post::sf1600::FJERNPRINT_NS;
use crate::services::post::sf1601;
use data::{PostCtx, PostData};
use std::sync::Arc;

/// The mock-only path where the status messages of a letter can be read (`?id=` the
/// TransmissionID or AfsendelseIdentifikator). Real platforms deliver them through the
/// Beskedfordeler (SF1461) instead.
pub const STATUS_PATH: &str = "/sp-contract-mock/beskedfordeler/PKO_PostStatus";
pub const PKO_NS: &str = "http://serviceplatformen.dk/xml/print/PKO_PostStatus/1/types";
pub const STATUS_LIST_NS: &str = "urn:sp-contract:mock:beskedfordeler";
/// A scenario keeps at most this many letters (bounded memory under `mock serve`).
const MAX_LETTERS: usize = 1_000;

/// Everything Post on the mock, answered in the front: STS, AccessTokenService, SF1601
/// (KombiPostAfsend, PostForespoerg), SF1600 and the status endpoint.
pub fn responders(platform: &Arc<Platform>) -> crate::platform::Responders {
    let data = Arc::new(PostData::load(&platform.dir)?);
    let ctx = PostCtx {
        platform: platform.clone(),
        data: data.clone(),
    };
    Ok(vec![
        Arc::new(sts::StsEndpoint(ctx.clone())),
        Arc::new(sts::AccessTokenEndpoint(ctx.clone())),
        Arc::new(KombiPostAfsend(ctx.clone())),
        Arc::new(PostForespoerg(ctx.clone(), sf1601::Register::DigitalPost)),
        Arc::new(PostForespoerg(ctx.clone(), sf1601::Register::NemSms)),
        Arc::new(StatusEndpoint(ctx)),
        Arc::new(crate::platform::endpoint::SoapEndpoint {
            platform: platform.clone(),
            service: sf1600::Sf1600 { data },
        }),
    ])
}

/// The channel a letter went by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    DigitalPost,
    NemSms,
    FysiskPost,
}

impl Channel {
    pub fn kanal_kode(self) -> &'static str {
        match self {
            Channel::DigitalPost => "Digital Post",
            Channel::NemSms => "NemSMS",
            Channel::FysiskPost => "Fysisk Post",
        }
    }
}

/// One status message as the Beskedfordeler would deliver it.
#[derive(Debug, Clone)]
pub struct StatusMessage {
    pub status: String,
    pub time: String,
    pub fejl: Option<(String, String)>,
}

/// A letter the mock accepted.
#[derive(Debug, Clone)]
pub struct LetterRecord {
    pub transmission_id: String,
    pub afsendelse_id: Option<String>,
    pub message_uuid: Option<String>,
    pub channel: Channel,
    pub statuses: Vec<StatusMessage>,
    /// What went to print (physical post only).
    pub printed: Option<Printed>,
}

/// The recipient as a printed letter addresses it: from the ForsendelseI the platform
/// passed to Fjernprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub name: String,
    pub co: Option<String>,
    /// `Street 5, 8800`.
    pub address: String,
}

impl Printed {
    /// The recipient part of a physical letter's ForsendelseI, when it has one.
    pub fn of(channel: Channel, forsendelse: Option<&Element>) -> Option<Printed> {
        let a = forsendelse?.descendant("ModtagerAdresse")?;
        if channel != Channel::FysiskPost {
            return None;
        }
        let text = |local: &str| a.child(local).map(|e| e.text());
        Some(Printed {
            name: text("PersonName").unwrap_or_default(),
            co: text("CoNavn"),
            address: format!(
                "{} {}, {}",
                text("StreetName").unwrap_or_default(),
                text("StreetBuildingIdentifier").unwrap_or_default(),
                text("PostCodeIdentifier").unwrap_or_default()
            ),
        })
    }
}

/// Physical post to a recipient who cannot receive it (modelled, the fault in
/// `mocks/post/faults.json`): a CPR number not in CPR, or a dead citizen. Print data carries
/// an address, but the platform checks the recipient against CPR before printing.
pub fn print_refusal(p: &Platform, recipient: &str) -> Option<&'static str> {
    if recipient.len() != 10 {
        return None;
    }
    match p.citizen_by_cpr(recipient).filter(|c| c.sf1520.is_some()) {
        None => Some("recipient_not_in_cpr"),
        Some(c) if c.field("persondata/status/status").as_deref() == Some("90") => {
            Some("recipient_deceased")
        }
        Some(_) => None,
    }
}

/// Per-scenario log of letters (see `platform::state`).
#[derive(Default)]
pub struct PostLog {
    pub letters: crate::platform::state::Ring<LetterRecord, MAX_LETTERS>,
}

/// Record an accepted letter and the statuses it will produce. `failure`: the FejlKode and
/// FejlTekst of a letter that fails after acceptance.
pub fn record_letter(
    platform: &Platform,
    data: &PostData,
    scenario: &str,
    mut letter: LetterRecord,
    failure: Option<(String, String)>,
) {
    let now = crate::platform::data::now_iso();
    let s = &data.statuses;
    let names = match letter.channel {
        Channel::DigitalPost => &s.digital_post,
        Channel::NemSms => &s.nemsms,
        Channel::FysiskPost => &s.fysisk_post,
    };
    let msg = |status: &str, fejl| StatusMessage {
        status: status.to_string(),
        time: now.clone(),
        fejl,
    };
    letter.statuses = match failure {
        None => names.iter().map(|n| msg(n, None)).collect(),
        Some(f) => names
            .iter()
            .take(1)
            .map(|n| msg(n, None))
            .chain(std::iter::once(msg(&s.failed, Some(f))))
            .collect(),
    };
    let log = platform.state.get::<PostLog>(scenario);
    let dropped = log
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .letters
        .push(letter);
    if let Some(d) = dropped {
        platform
            .state
            .dropped_from_log(sf1601::INFO.id, scenario, "letters", d);
    }
}

/// The `PKO_PostStatus` messages for the letter with this TransmissionID or
/// AfsendelseIdentifikator, as a list element (what [`STATUS_PATH`] serves).
pub fn status_list(platform: &Platform, scenario: &str, id: &str) -> String {
    let log = platform.state.get::<PostLog>(scenario);
    let log = log.lock().unwrap_or_else(|p| p.into_inner());
    let mut out = format!("<PostStatusBeskeder xmlns=\"{STATUS_LIST_NS}\">");
    for l in log
        .letters
        .iter()
        .filter(|l| l.transmission_id == id || l.afsendelse_id.as_deref() == Some(id))
    {
        for s in &l.statuses {
            out.push_str(&pko_post_status(l, s));
        }
        // Not a Beskedfordeler message: the mock's view of what reached print.
        if let Some(p) = &l.printed {
            let e = xml::escape;
            out.push_str(&format!(
                "<Printdata><Navn>{}</Navn>{}<Adresse>{}</Adresse></Printdata>",
                e(&p.name),
                p.co.as_ref()
                    .map(|c| format!("<CoNavn>{}</CoNavn>", e(c)))
                    .unwrap_or_default(),
                e(&p.address)
            ));
        }
    }
    out.push_str("</PostStatusBeskeder>");
    out
}

fn pko_post_status(l: &LetterRecord, s: &StatusMessage) -> String {
    let e = xml::escape;
    let mut x = format!(
        "<pko:PKO_PostStatus xmlns:pko=\"{PKO_NS}\"><pko:TransmissionId>{}</pko:TransmissionId>",
        e(&l.transmission_id)
    );
    if let Some(u) = &l.message_uuid {
        x.push_str(&format!("<pko:MessageUUID>{}</pko:MessageUUID>", e(u)));
    }
    if let Some(a) = &l.afsendelse_id {
        x.push_str(&format!(
            "<pko:AfsendelseIdentifikator>{}</pko:AfsendelseIdentifikator>",
            e(a)
        ));
    }
    x.push_str(&format!(
        "<pko:KanalKode>{}</pko:KanalKode><pko:TransaktionsDatoTid>{}</pko:TransaktionsDatoTid><pko:TransaktionsStatusKode>{}</pko:TransaktionsStatusKode>",
        l.channel.kanal_kode(),
        e(&s.time),
        e(&s.status)
    ));
    if let Some((code, text)) = &s.fejl {
        x.push_str(&format!(
            "<pko:FejlDetaljer><pko:FejlKode>{}</pko:FejlKode><pko:FejlTekst>{}</pko:FejlTekst></pko:FejlDetaljer>",
            e(code),
            e(text)
        ));
    }
    x.push_str("</pko:PKO_PostStatus>");
    x
}

/// Whether a CPR (10 digits) or CVR (8 digits) number is enrolled, from the SF1520 data.
pub fn enrolled(p: &Platform, id: &str, register: sf1601::Register) -> bool {
    if id.len() == 8 {
        return register == sf1601::Register::DigitalPost;
    }
    match (p.citizen_by_cpr(id), register) {
        (Some(c), sf1601::Register::DigitalPost) => c.digital_post(),
        (Some(c), sf1601::Register::NemSms) => {
            c.field("persondata/tilmeldtNemsms").as_deref() == Some("true")
        }
        (None, _) => false,
    }
}

struct KombiPostAfsend(PostCtx);

impl DirectResponder for KombiPostAfsend {
    fn path(&self) -> &'static str {
        sf1601::INFO.path
    }

    fn respond_direct(&self, req: &Request) -> DirectResponse {
        self.answer(req)
    }
}

impl KombiPostAfsend {
    fn answer(&self, req: &Request) -> DirectResponse {
        let ctx = &self.0;
        let tx = match sts::authorize_service_call(ctx, req, sf1601::INFO.entity_id) {
            Ok(tx) => tx,
            Err(a) => return a,
        };
        let invalid = |reason: String| {
            ctx.data
                .rest_fault("request_invalid", &[("reason", &reason)], &tx)
        };
        let ct = header(req, "content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !ct.starts_with("application/xml") && !ct.starts_with("text/xml") {
            return invalid(format!(
                "Content-Type must be application/xml (UTF-8), got '{ct}'"
            ));
        }
        let root = match xml::parse(&req.body) {
            Ok(r) => r,
            Err(e) => return invalid(format!("the body is not XML in UTF-8: {e}")),
        };
        if root.local != "kombi_request" || root.ns.is_some() {
            return invalid(format!(
                "expected <kombi_request> without a namespace, got <{}>",
                root.local
            ));
        }
        let mut children = root.elements();
        let valg = match children.next() {
            Some(k) if k.local == "KombiValgKode" && k.ns.is_none() => {
                match sf1601::KombiValg::parse(&k.text()) {
                    Ok(v) => v,
                    Err(e) => return invalid(format!("KombiValgKode: {e}")),
                }
            }
            _ => return invalid("kombi_request must start with KombiValgKode".into()),
        };
        let mut memo_el: Option<&Element> = None;
        let mut print: Option<&Element> = None;
        for c in children {
            match (c.local.as_str(), c.ns.as_deref()) {
                ("Message", Some(memo::MEMO_NS)) if memo_el.is_none() && print.is_none() => {
                    memo_el = Some(c)
                }
                ("ForsendelseISamling", Some(FJERNPRINT_NS)) if print.is_none() => {
                    let fs: Vec<&Element> = c.elements().collect();
                    match fs.as_slice() {
                        [f] if f.local == "ForsendelseI"
                            && f.ns.as_deref() == Some(FJERNPRINT_NS) =>
                        {
                            print = Some(f)
                        }
                        _ => {
                            return invalid(
                                "ForsendelseISamling must hold exactly one ForsendelseI".into(),
                            )
                        }
                    }
                }
                (other, _) => {
                    return invalid(format!(
                        "<{other}> is unexpected in kombi_request; expected KombiValgKode, then a MeMo Message and/or ForsendelseISamling"
                    ))
                }
            }
        }
        if memo_el.is_none() && print.is_none() {
            return invalid(
                "kombi_request has neither a MeMo Message nor a ForsendelseISamling".into(),
            );
        }
        if ctx.platform.validates() {
            if let Err(refusal) = check_schemas(ctx, req, memo_el, print.is_some(), &tx) {
                return refusal;
            }
        }
        let memo_recipient = memo_el.and_then(|m| {
            m.descendant("Recipient")
                .and_then(|r| r.child("recipientID"))
                .map(|e| e.text())
        });
        let print_recipient = print.and_then(|f| {
            f.descendant("CPRnummerIdentifikator")
                .or_else(|| f.descendant("CVRnummerIdentifikator"))
                .map(|e| e.text())
        });
        if let (Some(a), Some(b)) = (&memo_recipient, &print_recipient) {
            if a != b {
                return invalid(
                    "the MeMo Recipient and the ForsendelseI's AfsendelseModtager name different recipients".into(),
                );
            }
        }
        let recipient = memo_recipient.or(print_recipient).unwrap_or_default();
        let is_nemsms = memo_el
            .and_then(|m| m.descendant("messageType"))
            .is_some_and(|t| t.text() == "NEMSMS");
        let dp = enrolled(&ctx.platform, &recipient, sf1601::Register::DigitalPost);
        use sf1601::KombiValg as K;
        let channel = match valg {
            K::DigitalPost => {
                if memo_el.is_none() {
                    return invalid("'Digital Post' needs a MeMo Message".into());
                }
                if !dp {
                    return ctx.data.rest_fault("not_enrolled_digital_post", &[], &tx);
                }
                Channel::DigitalPost
            }
            K::NemSms => {
                if !is_nemsms {
                    return invalid("'NemSMS' needs a MeMo Message with messageType NEMSMS".into());
                }
                if !enrolled(&ctx.platform, &recipient, sf1601::Register::NemSms) {
                    return ctx.data.rest_fault("not_enrolled_nemsms", &[], &tx);
                }
                Channel::NemSms
            }
            K::FysiskPost => {
                if print.is_none() {
                    return ctx.data.rest_fault("print_data_missing", &[], &tx);
                }
                Channel::FysiskPost
            }
            K::Automatisk => {
                if memo_el.is_some() && dp && !is_nemsms {
                    Channel::DigitalPost
                } else if print.is_some() {
                    Channel::FysiskPost
                } else {
                    return ctx.data.rest_fault("no_channel", &[], &tx);
                }
            }
        };
        if channel == Channel::FysiskPost {
            if let Some(refusal) = print_refusal(&ctx.platform, &recipient) {
                return ctx.data.rest_fault(refusal, &[], &tx);
            }
        }
        // The platform checks the content after accepting it (modelled): problems come back
        // as a "Fejlet" status.
        let failure = match channel {
            Channel::DigitalPost | Channel::NemSms => memo_el.and_then(|m| {
                memo::validate_element(m).err().map(|p| {
                    let text: Vec<String> = p.iter().map(|p| p.to_string()).collect();
                    ("memo.invalid".to_string(), text.join("; "))
                })
            }),
            Channel::FysiskPost => print.and_then(|f| {
                let content = f
                    .child("MeddelelseIndholdData")
                    .map(|e| e.text())
                    .unwrap_or_default();
                memo::decode_base64(&content).err().map(|e| {
                    (
                        "print.invalid".to_string(),
                        format!("MeddelelseIndholdData: {e}"),
                    )
                })
            }),
        };
        let transmission_id = uuid::Uuid::new_v4().to_string();
        record_letter(
            &ctx.platform,
            &ctx.data,
            &scenario(req),
            LetterRecord {
                transmission_id: transmission_id.clone(),
                afsendelse_id: print
                    .and_then(|f| f.child("AfsendelseIdentifikator"))
                    .map(|e| e.text()),
                message_uuid: memo_el
                    .and_then(|m| m.descendant("messageUUID"))
                    .map(|e| e.text()),
                channel,
                statuses: vec![],
                printed: Printed::of(channel, print),
            },
            failure,
        );
        DirectResponse::xml(
            200,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kombi_response><Result>true</Result><TransmissionID>{transmission_id}</TransmissionID><HovedoplysningerSvarREST><SvarReaktion><Advis><AdvisId>{}</AdvisId><AdvisTekst>received</AdvisTekst></Advis></SvarReaktion></HovedoplysningerSvarREST></kombi_response>",
                uuid::Uuid::new_v4()
            ),
        )
    }
}

/// The MeMo against the XSD of its `memoVersion` and the print part against SF1600's
/// ForsendelseI: what breaks them is refused now, in KOMBIT's `SvarReaktion/Fejl` shape
/// (content rules the XSDs do not cover come later, as a "Fejlet" status).
fn check_schemas(
    ctx: &PostCtx,
    req: &Request,
    memo_el: Option<&Element>,
    print: bool,
    tx: &str,
) -> Result<(), DirectResponse> {
    use crate::schema::{Invalid, Target};
    let mut verdicts = Vec::new();
    if let Some(m) = memo_el {
        let at = Target(&["kombi_request", "Message"]);
        verdicts.push(memo::check_schema(&req.body, at, m.attr("memoVersion"), 0));
    }
    if print {
        let at = Target(&["kombi_request", "ForsendelseISamling", "ForsendelseI"]);
        verdicts.push(crate::schema::check(&req.body, at, FORSENDELSE_I, 0));
    }
    let mut reasons = Vec::new();
    for verdict in verdicts {
        match verdict {
            Ok(()) => {}
            Err(Invalid::Problems(p)) => reasons.extend(p.iter().map(|p| p.to_string())),
            Err(e @ Invalid::Unavailable { .. }) => {
                return Err(DirectResponse::json(
                    500,
                    serde_json::json!({ "errorCode": "MockError", "errorMessage": e.to_string(), "TransaktionsId": tx }),
                ))
            }
        }
    }
    if reasons.is_empty() {
        return Ok(());
    }
    Err(ctx.data.schema_fault(&reasons.join("; "), tx))
}

/// SF1601's print part: SF1600's ForsendelseI, through the shipped package's fjernprint hub.
const FORSENDELSE_I: crate::schema::Root = crate::schema::Root {
    schema: "SF1600-Print-v2/SF1600_EP_SP1-2/xsd/oio/_hub-urn-oio-fjernprint-1-0-0.xsd",
    ns: FJERNPRINT_NS,
    element: "ForsendelseI",
};

struct PostForespoerg(PostCtx, sf1601::Register);

impl DirectResponder for PostForespoerg {
    fn path(&self) -> &'static str {
        self.1.path()
    }

    fn method(&self) -> &'static str {
        "GET"
    }

    fn respond_direct(&self, req: &Request) -> DirectResponse {
        self.answer(req)
    }
}

impl PostForespoerg {
    fn answer(&self, req: &Request) -> DirectResponse {
        let ctx = &self.0;
        let tx = match sts::authorize_service_call(ctx, req, sf1601::FORESPOERG_ENTITY_ID) {
            Ok(tx) => tx,
            Err(a) => return a,
        };
        let params: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let id = match (get("cprNumber"), get("cvrNumber")) {
            (Some(c), None) if c.len() == 10 && c.bytes().all(|b| b.is_ascii_digit()) => c,
            (None, Some(c)) if Cvr::is_valid(&c) => c,
            _ => {
                return ctx.data.rest_fault(
                    "request_invalid",
                    &[(
                        "reason",
                        "give exactly one of cprNumber (10 digits) or cvrNumber (8 digits)",
                    )],
                    &tx,
                )
            }
        };
        let result = enrolled(&ctx.platform, &id, self.1);
        DirectResponse::json(200, serde_json::json!({ "result": result }))
    }
}

struct StatusEndpoint(PostCtx);

impl DirectResponder for StatusEndpoint {
    fn path(&self) -> &'static str {
        STATUS_PATH
    }

    fn method(&self) -> &'static str {
        "GET"
    }

    fn respond_direct(&self, req: &Request) -> DirectResponse {
        let id = query(req, "id");
        DirectResponse::xml(200, status_list(&self.0.platform, &scenario(req), &id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_data_loads_from_the_folder_or_the_built_in_copy() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks");
        let d = PostData::load(&here).unwrap();
        assert_eq!(d.statuses.failed, "Fejlet");
        let dir = std::env::temp_dir().join(format!("sp-post-{}", uuid::Uuid::new_v4()));
        assert!(
            PostData::load(&dir).is_ok(),
            "no post/ folder: built-in copy"
        );
        std::fs::create_dir_all(dir.join("post")).unwrap();
        std::fs::write(dir.join("post/faults.json"), r#"{"rest": {}, "sf1600": {}, "statuses": {"digital_post": [], "nemsms": [], "fysisk_post": [], "failed": "x", "source": "x"}}"#).unwrap();
        let e = PostData::load(&dir).unwrap_err().to_string();
        assert!(e.contains("missing rest fault 'sts_bad_request'"), "{e}");
        // An older copy without the print refusals gets the built-in wording.
        let mut old: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(here.join("post/faults.json")).unwrap())
                .unwrap();
        for part in ["rest", "sf1600"] {
            let m = old[part].as_object_mut().unwrap();
            m.remove("recipient_deceased");
            m.remove("recipient_not_in_cpr");
        }
        std::fs::write(dir.join("post/faults.json"), old.to_string()).unwrap();
        let d = PostData::load(&dir).unwrap();
        assert_eq!(d.rest["recipient_deceased"].code, "RecipientDeceased");
        assert_eq!(d.sf1600["recipient_not_in_cpr"].fejl_kode, 4004);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
