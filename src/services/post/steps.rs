//! Post steps: building a letter, sending it with SF1601 (REST, token model) or SF1600
//! (SOAP), enrollment lookups, the token flow, and the PKO_PostStatus messages the platform
//! sends afterwards through the Beskedfordeler.
//!
//! Letters are checked before sending (MeMo rules, ForsendelseI field limits); a letter that
//! fails is refused locally with the field named, and nothing is sent.

use crate::core::soap::Reply;
use crate::core::xml::Element;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Finding, Kind, StepDef, StepFuture};
use crate::runner::world::{contract, input, Last, World};
use crate::services::post::memo::{self, MemoAction, MemoFile};
use crate::services::post::sf1600::{self, PrintLetter};
use crate::services::post::sf1601::{self, KombiValg, Register};
use crate::targets::config::Target;
use base64::Engine as _;

const G: &str = "Post (SF1601, SF1600)";

/// The letter a scenario builds, and what became of it.
#[derive(Debug, Clone, Default)]
pub struct PostScenario {
    pub draft: Option<Draft>,
    /// The last letter the platform accepted: its TransmissionID (SF1601) or
    /// AfsendelseIdentifikator (SF1600), the key of its status messages.
    pub accepted: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Draft {
    pub memo: memo::Letter,
    pub print: Option<PrintLetter>,
    /// Send without our own MeMo check (to see what the platform does with it).
    pub skip_check: bool,
}

/// A small document that is a PDF by its header; the content of every test letter.
fn test_pdf(label: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!(
        "%PDF-1.4\n% sp-contract test letter: {label}\n%%EOF\n"
    ))
}

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Given,
            G,
            r#"et brev til "([^"]+)" med titlen "([^"]+)""#,
            r#"et brev til "far" med titlen "Afgørelse om boligstøtte""#,
            "A letter to a citizen named in the target's data: a MeMo message (one PDF, brev.pdf) and print data (ForsendelseI) for Fjernprint. Sender is the target's authority.",
            new_letter,
        )
        .with_check(check_citizen),
        StepDef::new(
            Kind::Given,
            G,
            r"brevet har ingen printdata",
            "brevet har ingen printdata",
            "The letter carries no ForsendelseI, so it cannot fall back to physical print.",
            no_print,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"hoveddokumentet hedder "([^"]*)""#,
            r#"hoveddokumentet hedder "svar:1.pdf""#,
            "The file name of the letter's main document (file name rules: none of < > : \" / \\ | ? *, no line breaks).",
            main_filename,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"brevet har vedhæftningen "([^"]+)"(?: på (\d+) MB| med indholdet "([^"]*)")?"#,
            r#"brevet har vedhæftningen "bilag.pdf""#,
            "Adds an attachment (AdditionalDocument) with a small PDF; 'på N MB' makes it N MB, 'med indholdet \"…\"' gives its base64 content as written.",
            attachment,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"brevet har en handling "([^"]+)" med linket "([^"]*)""#,
            r#"brevet har en handling "Svar kommunen" med linket "https://www.viborg.dk/svar""#,
            "Adds an action (SELVBETJENING) with this link to the main document; links must be absolute https URLs.",
            action,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r"brevet sendes uden lokal MeMo-kontrol",
            "brevet sendes uden lokal MeMo-kontrol",
            "Skips this tool's MeMo check, to see what the platform does with the letter.",
            skip_check,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"kaldet sker på vegne af myndigheden med CVR "([^"]*)""#,
            r#"kaldet sker på vegne af myndigheden med CVR "11111111""#,
            "Tokens are requested for this authority (AnvenderKontekst.Cvr) instead of the target's authority_cvr.",
            authority,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r"der er gået (\d+) timer?",
            "der er gået 9 timer",
            "Moves this scenario's clock forward: cached tokens expire (assertion 8 h, access token expires_in). On the embedded mock the platform's clock moves too.",
            time_passes,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"adgangstokenet hentes med certifikatet "([^"]+)", men kaldet sendes med certifikatet "([^"]+)""#,
            r#"adgangstokenet hentes med certifikatet "standard", men kaldet sendes med certifikatet "uregistreret""#,
            "The token flow runs with the first certificate; the service call presents that token over the second (a holder-of-key token must be refused).",
            token_other_cert,
        )
        .with_check(check_two_certs),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender brevet med SF1601 som "([^"]+)""#,
            r#"jeg sender brevet med SF1601 som "Automatisk Valg""#,
            "KombiPostAfsend with this KombiValgKode (Automatisk Valg, Digital Post, Fysisk Post, NemSMS), through the token flow. The MeMo is checked first and refused before sending if invalid.",
            send_sf1601,
        )
        .with_check(check_sf1601),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender denne MeMo med SF1601 som "([^"]+)":"#,
            r#"jeg sender denne MeMo med SF1601 som "Digital Post":"#,
            "KombiPostAfsend of the MeMo Message in the docstring (checked first). {{cpr:alias}} in it becomes the citizen's CPR number, {{uuid}} a fresh UUID.",
            send_raw_memo,
        )
        .with_check(check_sf1601)
        .with_precheck(precheck_raw_memo),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender brevet med SF1600 med kanalvalg "([^"]*)""#,
            r#"jeg sender brevet med SF1600 med kanalvalg "A""#,
            "afsendBrev with this Kanalvalg (A automatic on SP, D Digital Post, S NemSMS, F physical, P automatic at Fjernprint) and the letter's ForsendelseI.",
            send_sf1600,
        )
        .with_check(check_sf1600),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg spørger SF1601, om "([^"]+)" er tilmeldt (Digital Post|NemSMS)"#,
            r#"jeg spørger SF1601, om "far" er tilmeldt Digital Post"#,
            "PostForespoerg (digitalpost or nemsms) for a citizen named in the target's data, through the token flow.",
            ask_sf1601,
        )
        .with_check(check_citizen_sf1601),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg spørger SF1600, om "([^"]+)" er tilmeldt Digital Post"#,
            r#"jeg spørger SF1600, om "far" er tilmeldt Digital Post"#,
            "spoergTilmelding for a citizen named in the target's data.",
            ask_sf1600,
        )
        .with_check(check_citizen_sf1600),
        StepDef::new(
            Kind::Then,
            G,
            r"platformen har modtaget brevet",
            "platformen har modtaget brevet",
            "The send was accepted: kombi_response Result true with a TransmissionID (SF1601), or resultat true (SF1600).",
            accepted,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"platformen afviser kaldet med fejlkoden "([^"]+)""#,
            r#"platformen afviser kaldet med fejlkoden "RecipientNotEnrolled""#,
            "The platform refused: a REST error (errorCode), a SOAP fault (ServiceplatformFault ErrorCode, dkal:Fejl FejlKode, faultcode) or a token hop's refusal with this code. The mock's codes are modelled (mocks/post/faults.json).",
            refused_with,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"afvisningen kommer fra (STS|AccessTokenService|SF1601|SF1600)",
            "afvisningen kommer fra STS",
            "The refusal came from this hop: the STS, AccessTokenService or the service itself.",
            refused_by,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"svaret siger, at borgeren (ikke )?er tilmeldt",
            "svaret siger, at borgeren er tilmeldt",
            "PostForespoerg's result (JSON) or spoergTilmelding's tilmeldt is true (or, with 'ikke', false).",
            says_enrolled,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"adgangstokenet blev (fornyet|genbrugt)",
            "adgangstokenet blev fornyet",
            "The last call used a new access token (fornyet) or the same as the call before (genbrugt).",
            token_renewed,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"brevet går til (Digital Post|Fysisk Post|NemSMS)",
            "brevet går til Digital Post",
            "The accepted letter's PKO_PostStatus messages name this KanalKode. Status messages come through the Beskedfordeler: the sp-contract mock exposes them; on exttest exclude @beskedfordeler.",
            goes_to,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"platformen sender statusbeskeden "([^"]+)" for brevet"#,
            r#"platformen sender statusbeskeden "Afleveret Digital Post" for brevet"#,
            "A PKO_PostStatus message with this TransaktionsStatusKode exists for the accepted letter.",
            has_status,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"statusbeskeden "([^"]+)" har fejlkoden "([^"]+)""#,
            r#"statusbeskeden "Fejlet" har fejlkoden "memo.invalid""#,
            "The letter's status message with this TransaktionsStatusKode carries FejlDetaljer/FejlKode.",
            status_error,
        ),
    ]
}

fn check_citizen(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    t.citizen(a.get(0)).map(|_| ())
}

fn check_sf1601(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    KombiValg::parse(a.get(0)).map(|_| ())?;
    t.authority_cvr.as_ref().map(|_| ()).ok_or_else(|| {
        format!(
            "target '{}' has no authority_cvr, which the token model needs",
            t.name
        )
    })
}

fn check_sf1600(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    if !sf1600::KANALVALG.contains(&a.get(0)) {
        return Err(format!(
            "Kanalvalg '{}' is not one of {}",
            a.get(0),
            sf1600::KANALVALG.join(", ")
        ));
    }
    t.agreement_for(sf1600::INFO.id).map(|_| ())
}

fn check_citizen_sf1601(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    check_citizen(cx, a)?;
    check_sf1601(
        cx,
        &Args {
            caps: vec!["Automatisk Valg".into()],
            ..Args::default()
        },
    )
}

fn check_citizen_sf1600(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    check_citizen(cx, a)?;
    t.agreement_for(sf1600::INFO.id).map(|_| ())
}

fn check_two_certs(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    t.identity(a.get(0))?;
    t.identity(a.get(1)).map(|_| ())
}

fn draft(w: &mut World) -> Result<&mut Draft, StepFailure> {
    w.ext
        .get_mut::<PostScenario>()
        .draft
        .as_mut()
        .ok_or_else(|| {
            input("no letter yet: start with 'Givet et brev til \"<borger>\" med titlen \"…\"'")
        })
}

fn new_letter(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cpr = w.citizen(a.get(0))?;
        let sender = w
            .tokens
            .authority(w.target())
            .map_err(|e| input(e.to_string()))?;
        let title = a.get(1).to_string();
        let created = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        let content = test_pdf(&title);
        w.ext.get_mut::<PostScenario>().draft = Some(Draft {
            memo: memo::Letter {
                message_uuid: uuid::Uuid::new_v4().to_string(),
                label: title.clone(),
                sender_cvr: sender,
                sender_label: "Kommunen".into(),
                recipient_cpr: cpr.clone(),
                created,
                main: MemoFile {
                    filename: "brev.pdf".into(),
                    encoding_format: "application/pdf".into(),
                    language: "da".into(),
                    content_b64: content.clone(),
                },
                attachments: vec![],
                actions: vec![],
            },
            // The Fjernprint address is the sender's to give; the scenarios print to a fixed
            // synthetic address.
            print: Some(PrintLetter {
                afsendelse_id: uuid::Uuid::new_v4().to_string(),
                cpr,
                name: "Modtager Testesen".into(),
                street: "Prinsens Allé".into(),
                building: "5".into(),
                postcode: "8800".into(),
                content_b64: content,
                title,
                bruger_navn: "sp-contract".into(),
            }),
            skip_check: false,
        });
        Ok(())
    })
}

fn no_print(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w)?.print = None;
        Ok(())
    })
}

fn main_filename(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w)?.memo.main.filename = a.get(0).to_string();
        Ok(())
    })
}

fn attachment(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let name = a.get(0).to_string();
        let content = match (a.get(1), a.get(2)) {
            ("", "") => test_pdf(&name),
            (mb, "") => {
                let n: usize = mb
                    .parse()
                    .ok()
                    .filter(|n| *n <= 100)
                    .ok_or_else(|| input("the attachment size must be 1–100 MB"))?;
                // "JSUl" is base64 of "%%%": repeating it is far cheaper than encoding
                // megabytes, and the result is the same.
                let bytes = n * 1024 * 1024;
                let mut b64 = "JSUl".repeat(bytes / 3);
                b64.push_str(
                    &base64::engine::general_purpose::STANDARD.encode(vec![b'%'; bytes % 3]),
                );
                b64
            }
            (_, raw) => raw.to_string(),
        };
        draft(w)?.memo.attachments.push(MemoFile {
            filename: name,
            encoding_format: "application/pdf".into(),
            language: "da".into(),
            content_b64: content,
        });
        Ok(())
    })
}

fn action(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w)?.memo.actions.push(MemoAction {
            label: a.get(0).to_string(),
            code: "SELVBETJENING".into(),
            url: a.get(1).to_string(),
        });
        Ok(())
    })
}

fn skip_check(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w)?.skip_check = true;
        Ok(())
    })
}

fn authority(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cvr = a.get(0);
        if cvr.len() != 8 || !cvr.bytes().all(|b| b.is_ascii_digit()) {
            return Err(input(format!("CVR '{cvr}' must be 8 digits")));
        }
        w.tokens.authority_override = Some(cvr.to_string());
        Ok(())
    })
}

fn time_passes(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let h: i64 = a
            .get(0)
            .parse()
            .ok()
            .filter(|h| *h <= 24 * 365)
            .ok_or_else(|| input("hours must be a number up to a year"))?;
        let d = time::Duration::hours(h);
        w.tokens.clock_offset += d;
        if let Some(mock) = &w.ctx.mock {
            let clock = mock
                .state
                .get::<crate::services::post::mock::sts::MockClock>(&w.scenario_id);
            clock.lock().unwrap_or_else(|p| p.into_inner()).offset += d;
        }
        Ok(())
    })
}

fn token_other_cert(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        for name in [a.get(0), a.get(1)] {
            w.target().identity(name).map_err(input)?;
        }
        w.identity = a.get(0).to_string();
        w.tokens.present_with = Some(a.get(1).to_string());
        Ok(())
    })
}

/// Send a kombi_request built from a MeMo (already serialised) and the print data.
async fn kombi(
    w: &mut World,
    valg: KombiValg,
    memo_xml: String,
    print: Option<PrintLetter>,
    check: bool,
) -> Result<(), StepFailure> {
    if check {
        if let Err(e) = memo::validate(memo_xml.as_bytes()) {
            return w.refuse(e.to_string());
        }
    }
    let print_xml = match &print {
        Some(p) => {
            if let Err(e) = sf1600::check_print(p) {
                return w.refuse(e);
            }
            Some(sf1600::forsendelse_i(p))
        }
        None => None,
    };
    let body = sf1601::kombi_request(valg, Some(&memo_xml), print_xml.as_deref());
    w.ext.get_mut::<PostScenario>().accepted = None;
    w.call_rest(
        &sf1601::INFO,
        sf1601::INFO.entity_id,
        reqwest::Method::POST,
        sf1601::INFO.path,
        Some((sf1601::CONTENT_TYPE, body)),
    )
    .await?;
    if let Some(Last::Reply {
        reply: Reply::Payload(p),
        ..
    }) = &w.last
    {
        if p.child("Result").map(|r| r.text()).as_deref() == Some("true") {
            w.ext.get_mut::<PostScenario>().accepted = sf1601::transmission_id(p);
        }
    }
    Ok(())
}

fn send_sf1601(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let valg = KombiValg::parse(a.get(0)).map_err(input)?;
        let d = draft(w)?;
        if !d.skip_check {
            if let Err(e) = memo::size_check(&d.memo) {
                return w.refuse(e.to_string());
            }
        }
        let d = d.clone();
        kombi(w, valg, memo::to_xml(&d.memo), d.print, !d.skip_check).await
    })
}

fn send_raw_memo(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let valg = KombiValg::parse(a.get(0)).map_err(input)?;
        let doc = raw_memo(w.target(), &a)?;
        kombi(w, valg, doc, None, true).await
    })
}

/// The MeMo of the docstring as it is sent: placeholders filled, no XML declaration.
fn raw_memo(t: &Target, a: &Args) -> Result<String, StepFailure> {
    let doc = a
        .docstring
        .clone()
        .ok_or_else(|| input("this step needs the MeMo Message as a docstring (\"\"\")"))?;
    let doc = fill_placeholders(t, &doc)?;
    // An XML declaration cannot stand inside kombi_request.
    let doc = match doc.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map(|(_, r)| r.to_string())
            .unwrap_or_default(),
        None => doc,
    };
    Ok(doc.trim().to_string())
}

/// The docstring's MeMo passes the same check `kombi` makes before sending.
fn precheck_raw_memo(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    let doc = raw_memo(cx.target, a).map_err(|f| Finding::Input(f.message))?;
    memo::validate(doc.as_bytes())
        .map(|_| ())
        .map_err(|e| Finding::Refusal(e.to_string()))
}

/// `{{cpr:alias}}` → the citizen's CPR number on this target; `{{uuid}}` → a fresh UUID.
fn fill_placeholders(t: &Target, doc: &str) -> Result<String, StepFailure> {
    let re = regex::Regex::new(r"\{\{(cpr:([^}]+)|uuid)\}\}").expect("static regex");
    let mut err = None;
    let out = re.replace_all(doc, |c: &regex::Captures<'_>| match c.get(2) {
        Some(alias) => t
            .citizen(alias.as_str())
            .map(str::to_string)
            .unwrap_or_else(|e| {
                err = Some(e);
                String::new()
            }),
        None => uuid::Uuid::new_v4().to_string(),
    });
    match err {
        Some(e) => Err(input(e)),
        None => Ok(out.into_owned()),
    }
}

fn send_sf1600(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let kanal = a.get(0).to_string();
        if !sf1600::KANALVALG.contains(&kanal.as_str()) {
            return Err(input(format!(
                "Kanalvalg '{kanal}' is not one of {}",
                sf1600::KANALVALG.join(", ")
            )));
        }
        let print = draft(w)?.print.clone().ok_or_else(|| {
            input("SF1600 sends the letter as a ForsendelseI, but this letter has no print data")
        })?;
        if let Err(e) = sf1600::check_print(&print) {
            return w.refuse(e);
        }
        let ctx = w.invocation_context(&sf1600::INFO)?;
        let payload = sf1600::afsend_brev_request(ctx.as_ref(), &kanal, "D", &print);
        w.ext.get_mut::<PostScenario>().accepted = None;
        w.call_soap(&sf1600::INFO, sf1600::ACTION_AFSEND, &payload)
            .await?;
        if let Some(Last::Reply {
            reply: Reply::Payload(p),
            ..
        }) = &w.last
        {
            if p.child("resultat").map(|r| r.text()).as_deref() == Some("true") {
                w.ext.get_mut::<PostScenario>().accepted = Some(print.afsendelse_id.clone());
            }
        }
        Ok(())
    })
}

fn ask_sf1601(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cpr = w.citizen(a.get(0))?;
        let register = if a.get(1) == "NemSMS" {
            Register::NemSms
        } else {
            Register::DigitalPost
        };
        let path = sf1601::forespoerg_path(register, &cpr);
        w.call_rest(
            &sf1601::INFO,
            sf1601::FORESPOERG_ENTITY_ID,
            reqwest::Method::GET,
            &path,
            None,
        )
        .await
    })
}

fn ask_sf1600(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cpr = w.citizen(a.get(0))?;
        let ctx = w.invocation_context(&sf1600::INFO)?;
        let payload = sf1600::spoerg_tilmelding_request(ctx.as_ref(), &cpr);
        w.call_soap(&sf1600::INFO, sf1600::ACTION_TILMELDING, &payload)
            .await
    })
}

fn accepted(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let accepted = w
            .ext
            .get::<PostScenario>()
            .is_some_and(|s| s.accepted.is_some());
        let p = w.payload()?;
        if accepted {
            return Ok(());
        }
        Err(contract(format!(
            "the platform answered, but did not accept the letter: <{}> has no Result/resultat true{}",
            p.local,
            if p.local == "kombi_response" {
                " with a TransmissionID"
            } else {
                ""
            }
        )))
    })
}

fn refused_with(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        crate::runner::steps::generic::expect_fault_code(w, a.get(0), "the refusal code")
    })
}

fn refused_by(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        w.fault()?;
        match &w.last {
            Some(Last::Reply { service, .. }) if *service == a.get(0) => Ok(()),
            Some(Last::Reply { service, .. }) => Err(contract(format!(
                "the refusal came from {service}, not from {}",
                a.get(0)
            ))),
            _ => Err(input("no answer to look at")),
        }
    })
}

fn says_enrolled(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(0).is_empty();
        let p = w.payload()?;
        let got = p
            .child("result")
            .or_else(|| p.child("tilmeldt"))
            .map(|e| e.text())
            .ok_or_else(|| {
                contract(format!(
                    "the answer <{}> has neither result (PostForespoerg) nor tilmeldt (spoergTilmelding)",
                    p.local
                ))
            })?;
        match got.as_str() {
            "true" | "false" if (got == "true") == want => Ok(()),
            "true" | "false" => Err(contract(format!(
                "expected the citizen to be {}enrolled, the answer says {got}",
                if want { "" } else { "not " }
            ))),
            other => Err(contract(format!(
                "the enrollment answer '{other}' is not true/false"
            ))),
        }
    })
}

fn token_renewed(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let used = &w.tokens.used;
        if used.len() < 2 {
            return Err(input(
                "this step compares the last two calls' tokens: make two token-model calls first",
            ));
        }
        let (prev, last) = (&used[used.len() - 2], &used[used.len() - 1]);
        let renewed = prev != last;
        match (a.get(0), renewed) {
            ("fornyet", true) | ("genbrugt", false) => Ok(()),
            ("fornyet", false) => Err(contract(
                "the last call reused the previous access token; it should have been renewed",
            )),
            _ => Err(contract(
                "the last call used a new access token; the cached one should have been reused",
            )),
        }
    })
}

/// The PKO_PostStatus messages of the accepted letter: from the embedded mock's state, or
/// over HTTP from a served mock.
async fn statuses(w: &World) -> Result<Vec<Element>, StepFailure> {
    let id = w
        .ext
        .get::<PostScenario>()
        .and_then(|s| s.accepted.clone())
        .ok_or_else(|| {
            contract(
                "no letter has been accepted in this scenario, so there are no status messages",
            )
        })?;
    let xml = match &w.ctx.mock {
        Some(mock) => crate::services::post::mock::status_list(mock, &w.scenario_id, &id),
        None => {
            let path = format!("{}?id={id}", crate::services::post::mock::STATUS_PATH);
            let http = w
                .ctx
                .clients
                .request(&w.identity, reqwest::Method::GET, &path, &[], None)
                .await
                .map_err(|e| crate::runner::world::transport(&e))?;
            if http.status != 200 {
                return Err(input(format!(
                    "target '{}' does not expose PKO_PostStatus messages (HTTP {} from {path}). On a real platform they arrive through the Beskedfordeler (SF1461), which this tool does not read: exclude these scenarios with --tags \"not @beskedfordeler\"",
                    w.target().name, http.status
                )));
            }
            String::from_utf8_lossy(&http.body).into_owned()
        }
    };
    let list = crate::core::xml::parse(xml.as_bytes()).map_err(|e| contract(e.to_string()))?;
    Ok(list.elements().cloned().collect())
}

fn field(e: &Element, local: &str) -> String {
    e.descendant(local).map(|x| x.text()).unwrap_or_default()
}

fn summary(list: &[Element]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter()
        .map(|s| {
            format!(
                "{} ({})",
                field(s, "TransaktionsStatusKode"),
                field(s, "KanalKode")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn goes_to(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = statuses(w).await?;
        if !list.is_empty() && list.iter().all(|s| field(s, "KanalKode") == a.get(0)) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the letter to go by {}; its status messages: {}",
                a.get(0),
                summary(&list)
            )))
        }
    })
}

fn has_status(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = statuses(w).await?;
        if list
            .iter()
            .any(|s| field(s, "TransaktionsStatusKode") == a.get(0))
        {
            Ok(())
        } else {
            Err(contract(format!(
                "no status message \"{}\" for the letter; it has: {}",
                a.get(0),
                summary(&list)
            )))
        }
    })
}

fn status_error(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = statuses(w).await?;
        let Some(s) = list
            .iter()
            .find(|s| field(s, "TransaktionsStatusKode") == a.get(0))
        else {
            return Err(contract(format!(
                "no status message \"{}\" for the letter; it has: {}",
                a.get(0),
                summary(&list)
            )));
        };
        let code = s
            .descendant("FejlDetaljer")
            .map(|f| field(f, "FejlKode"))
            .unwrap_or_default();
        if code == a.get(1) {
            Ok(())
        } else {
            Err(contract(format!(
                "status \"{}\" has FejlKode \"{code}\" ({}), expected \"{}\"",
                a.get(0),
                field(s, "FejlTekst"),
                a.get(1)
            )))
        }
    })
}
