//! Post steps: building a letter, sending it with SF1601 (REST, token model) or SF1600
//! (SOAP), enrollment lookups, the token flow, and the PKO_PostStatus messages the platform
//! sends afterwards through the Beskedfordeler.
//!
//! Letters are checked before sending (MeMo rules, ForsendelseI field limits); a letter that
//! fails is refused locally with the field named, and nothing is sent.

mod given;
mod then;
mod when;

use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Kind, StepDef};
use crate::runner::world::{input, World};
use crate::services::post::memo;
use crate::services::post::sf1600::{self, PrintLetter};
use crate::services::post::sf1601::KombiValg;

const G: &str = "Post (SF1601, SF1600)";

/// The letter a scenario builds, and what became of it.
#[derive(Debug, Clone, Default)]
struct PostScenario {
    draft: Option<Draft>,
    /// The last letter the platform accepted: its TransmissionID (SF1601) or
    /// AfsendelseIdentifikator (SF1600), the key of its status messages.
    accepted: Option<String>,
}

/// The letter as the Givet-steps build it: a MeMo message and (for print) a ForsendelseI.
#[derive(Debug, Clone)]
struct Draft {
    memo: memo::Letter,
    print: Option<PrintLetter>,
    /// Send without our own MeMo check (to see what the platform does with it).
    skip_check: bool,
}

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Given,
            G,
            r#"et brev til "([^"]+)" med titlen "([^"]+)""#,
            r#"et brev til "far" med titlen "Afgørelse om boligstøtte""#,
            "A letter to a citizen named in the target's data: a MeMo message (one PDF, brev.pdf) and print data (ForsendelseI) for Fjernprint. Sender is the target's authority.",
            given::new_letter,
        )
        .with_check(check_citizen),
        StepDef::new(
            Kind::Given,
            G,
            r#"en NemSMS til "([^"]+)" med teksten "([^"]+)""#,
            r#"en NemSMS til "mor" med teksten "Husk tandlægetid i morgen kl. 9.00""#,
            "A NemSMS to a citizen named in the target's data: a MeMo of messageType NEMSMS with the text as its notification, no documents and no print data. Send it with SF1601 as \"NemSMS\".",
            given::new_sms,
        )
        .with_check(check_citizen),
        StepDef::new(
            Kind::Given,
            G,
            r"brevet er (obligatorisk|en juridisk meddelelse)",
            "brevet er obligatorisk",
            "Sets the MeMo header's flag: mandatory (obligatorisk: the citizen cannot opt out) or legalNotification (juridisk meddelelse).",
            given::flag,
        )
        .with_variants(&["brevet er en juridisk meddelelse"]),
        StepDef::new(
            Kind::Given,
            G,
            r#"brevet printes til "([^"]+)"(?: c/o "([^"]+)")? på adressen "([^"]+)""#,
            r#"brevet printes til "Mette Testesen" på adressen "Prinsens Allé 5, 8800 Viborg""#,
            "The print data's recipient (ForsendelseI ModtagerAdresse): PersonName, optionally CoNavn ('c/o'), and the address as street, house number, comma, postcode (the town is optional and not sent). Without this step a letter prints to a fixed synthetic address.",
            given::print_to,
        )
        .with_check(|_, a| a.get(2).parse::<sf1600::Address>().map(|_| ()))
        .with_variants(&[
            r#"brevet printes til "Barn Testesen" c/o "Mette Testesen" på adressen "Prinsens Allé 5, 8800 Viborg""#,
        ]),
        StepDef::new(
            Kind::Given,
            G,
            r"brevet har ingen printdata",
            "brevet har ingen printdata",
            "The letter carries no ForsendelseI, so it cannot fall back to physical print.",
            given::no_print,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"hoveddokumentet hedder "([^"]*)""#,
            r#"hoveddokumentet hedder "svar:1.pdf""#,
            "The file name of the letter's main document (file name rules: none of < > : \" / \\ | ? *, no line breaks).",
            given::main_filename,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"brevet har vedhæftningen "([^"]+)"(?: på (\d+) MB| med indholdet "([^"]*)")?"#,
            r#"brevet har vedhæftningen "bilag.pdf""#,
            "Adds an attachment (AdditionalDocument) with a small PDF; 'på N MB' makes it N MB, 'med indholdet \"…\"' gives its base64 content as written.",
            given::attachment,
        )
        .with_variants(&[
            r#"brevet har vedhæftningen "bilag.pdf" på 2 MB"#,
            r#"brevet har vedhæftningen "bilag.pdf" med indholdet "JVBERi0xLjQK""#,
        ]),
        StepDef::new(
            Kind::Given,
            G,
            r#"brevet har en handling "([^"]+)" med linket "([^"]*)""#,
            r#"brevet har en handling "Svar kommunen" med linket "https://www.viborg.dk/svar""#,
            "Adds an action (SELVBETJENING) with this link to the main document; links must be absolute https URLs.",
            given::action,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r"brevet sendes uden lokal MeMo-kontrol",
            "brevet sendes uden lokal MeMo-kontrol",
            "Skips this tool's MeMo check, to see what the platform does with the letter.",
            given::skip_check,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"kaldet sker på vegne af myndigheden med CVR "([^"]*)""#,
            r#"kaldet sker på vegne af myndigheden med CVR "11111111""#,
            "Tokens are requested for this authority (AnvenderKontekst.Cvr) instead of the target's authority_cvr.",
            given::authority,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r"der er gået (\d+) timer?",
            "der er gået 9 timer",
            "Moves this scenario's clock forward: cached tokens expire (assertion 8 h, access token expires_in). On the embedded mock the platform's clock moves too.",
            given::time_passes,
        )
        .with_variants(&[
            "der er gået 1 time",
        ]),
        StepDef::new(
            Kind::Given,
            G,
            r#"adgangstokenet hentes med certifikatet "([^"]+)", men kaldet sendes med certifikatet "([^"]+)""#,
            r#"adgangstokenet hentes med certifikatet "standard", men kaldet sendes med certifikatet "uregistreret""#,
            "The token flow runs with the first certificate; the service call presents that token over the second (a holder-of-key token must be refused).",
            given::token_other_cert,
        )
        .with_check(check_two_certs),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender brevet med SF1601 som "([^"]+)""#,
            r#"jeg sender brevet med SF1601 som "Automatisk Valg""#,
            "KombiPostAfsend with this KombiValgKode (Automatisk Valg, Digital Post, Fysisk Post, NemSMS), through the token flow. The MeMo is checked first and refused before sending if invalid.",
            when::send_sf1601,
        )
        .with_check(check_sf1601),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender denne MeMo med SF1601 som "([^"]+)":"#,
            r#"jeg sender denne MeMo med SF1601 som "Digital Post":"#,
            "KombiPostAfsend of the MeMo Message in the docstring (checked first). {{cpr:alias}} in it becomes the citizen's CPR number, {{uuid}} a fresh UUID.",
            when::send_raw_memo,
        )
        .with_check(check_sf1601)
        .with_precheck(when::precheck_raw_memo),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender brevet med SF1600 med kanalvalg "([^"]*)""#,
            r#"jeg sender brevet med SF1600 med kanalvalg "A""#,
            "afsendBrev with this Kanalvalg (A automatic on SP, D Digital Post, S NemSMS, F physical, P automatic at Fjernprint) and the letter's ForsendelseI.",
            when::send_sf1600,
        )
        .with_check(check_sf1600),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg spørger SF1601, om "([^"]+)" er tilmeldt (Digital Post|NemSMS)"#,
            r#"jeg spørger SF1601, om "far" er tilmeldt Digital Post"#,
            "PostForespoerg (digitalpost or nemsms) for a citizen named in the target's data, through the token flow.",
            when::ask_sf1601,
        )
        .with_variants(&[
            r#"jeg spørger SF1601, om "mor" er tilmeldt NemSMS"#,
        ])
        .with_check(check_citizen_sf1601),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg spørger SF1600, om "([^"]+)" er tilmeldt Digital Post"#,
            r#"jeg spørger SF1600, om "far" er tilmeldt Digital Post"#,
            "spoergTilmelding for a citizen named in the target's data.",
            when::ask_sf1600,
        )
        .with_check(check_citizen_sf1600),
        StepDef::new(
            Kind::Then,
            G,
            r"platformen har modtaget brevet",
            "platformen har modtaget brevet",
            "The send was accepted: kombi_response Result true with a TransmissionID (SF1601), or resultat true (SF1600).",
            then::accepted,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"platformen afviser kaldet med fejlkoden "([^"]+)""#,
            r#"platformen afviser kaldet med fejlkoden "RecipientNotEnrolled""#,
            "The platform refused: a REST error (errorCode), a SOAP fault (ServiceplatformFault ErrorCode, dkal:Fejl FejlKode, faultcode) or a token hop's refusal with this code. The mock's codes are modelled (mocks/post/faults.json).",
            then::refused_with,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"afvisningen kommer fra (STS|AccessTokenService|SF1601|SF1600)",
            "afvisningen kommer fra STS",
            "The refusal came from this hop: the STS, AccessTokenService or the service itself.",
            then::refused_by,
        )
        .with_variants(&[
            "afvisningen kommer fra AccessTokenService",
            "afvisningen kommer fra SF1601",
            "afvisningen kommer fra SF1600",
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r"svaret siger, at borgeren (ikke )?er tilmeldt",
            "svaret siger, at borgeren er tilmeldt",
            "PostForespoerg's result (JSON) or spoergTilmelding's tilmeldt is true (or, with 'ikke', false).",
            then::says_enrolled,
        )
        .with_variants(&[
            "svaret siger, at borgeren ikke er tilmeldt",
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r"adgangstokenet blev (fornyet|genbrugt)",
            "adgangstokenet blev fornyet",
            "The last call used a new access token (fornyet) or the same as the call before (genbrugt).",
            then::token_renewed,
        )
        .with_variants(&[
            "adgangstokenet blev genbrugt",
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r"brevet går til (Digital Post|Fysisk Post|NemSMS)",
            "brevet går til Digital Post",
            "The accepted letter's PKO_PostStatus messages name this KanalKode. Status messages come through the Beskedfordeler: the sp-contract mock exposes them; on exttest exclude @beskedfordeler.",
            then::goes_to,
        )
        .with_variants(&[
            "brevet går til Fysisk Post",
            "brevet går til NemSMS",
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r#"platformen sender statusbeskeden "([^"]+)" for brevet"#,
            r#"platformen sender statusbeskeden "Afleveret Digital Post" for brevet"#,
            "A PKO_PostStatus message with this TransaktionsStatusKode exists for the accepted letter.",
            then::has_status,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"statusbeskeden "([^"]+)" har fejlkoden "([^"]+)""#,
            r#"statusbeskeden "Fejlet" har fejlkoden "memo.invalid""#,
            "The letter's status message with this TransaktionsStatusKode carries FejlDetaljer/FejlKode.",
            then::status_error,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"printdataene har modtageren "([^"]+)"(?: c/o "([^"]+)")?"#,
            r#"printdataene har modtageren "Mette Testesen""#,
            "The accepted letter went to print with this PersonName (and, with 'c/o', this CoNavn; without it, none). Mock only: the sp-contract mock shows what reached print beside the status messages (exclude @beskedfordeler on exttest).",
            then::printed_to,
        )
        .with_variants(&[r#"printdataene har modtageren "Barn Testesen" c/o "Mette Testesen""#]),
        StepDef::new(
            Kind::Then,
            G,
            r#"printdataene har modtageradressen "([^"]+)""#,
            r#"printdataene har modtageradressen "Prinsens Allé 5, 8800 Viborg""#,
            "The accepted letter went to print with this address: street, house number and postcode are compared (the town is not sent). Mock only, as above.",
            then::printed_at,
        )
        .with_check(|_, a| a.get(0).parse::<sf1600::Address>().map(|_| ())),
    ]
}

fn check_citizen(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    t.citizen(a.get(0)).map(|_| ()).map_err(String::from)
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
    sf1600::check_kanalvalg(a.get(0)).map_err(|e| e.to_string())?;
    t.agreement_for(sf1600::INFO.id)
        .map(|_| ())
        .map_err(String::from)
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
    t.agreement_for(sf1600::INFO.id)
        .map(|_| ())
        .map_err(String::from)
}

fn check_two_certs(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    t.identity(a.get(0))?;
    t.identity(a.get(1)).map(|_| ()).map_err(String::from)
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
