//! Post's Når-steps: sending the letter with SF1601 (built, or a MeMo written in the
//! scenario) or SF1600, and asking either service whether a citizen is enrolled. A letter our
//! own checks refuse is not sent.

use super::{draft, PostScenario};
use crate::core::soap::Reply;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Finding, StepFuture};
use crate::runner::world::{input, Last, World};
use crate::services::post::memo;
use crate::services::post::sf1600::{self, PrintLetter};
use crate::services::post::sf1601::{self, KombiValg, Register};
use crate::targets::target::Target;

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
        http::Method::POST,
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

pub(super) fn send_sf1601(w: &mut World, a: Args) -> StepFuture<'_> {
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

pub(super) fn send_raw_memo(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let valg = KombiValg::parse(a.get(0)).map_err(input)?;
        let filled = docstring_memo(w.target(), &a)?;
        let doc = without_declaration(filled.clone());
        // The MeMo rules first (their messages name the field), then the XSD.
        let checked = memo::validate(doc.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|_| check_memo_schema(&filled, &a));
        if let Err(e) = checked {
            return w.refuse(e);
        }
        kombi(w, valg, doc, None, false).await
    })
}

/// The docstring with its placeholders filled, line for line as written.
fn docstring_memo(t: &Target, a: &Args) -> Result<String, StepFailure> {
    let doc = a
        .docstring
        .clone()
        .ok_or_else(|| input("this step needs the MeMo Message as a docstring (\"\"\")"))?;
    fill_placeholders(t, &doc)
}

/// The docstring's MeMo against the MeMo XSD of its memoVersion (what the platform checks
/// first), each problem at its line in the feature file.
fn check_memo_schema(filled: &str, a: &Args) -> Result<(), String> {
    let version = crate::core::xml::parse(filled.as_bytes())
        .ok()
        .and_then(|m| m.attr("memoVersion").map(str::to_string));
    let target = crate::schema::Target::ROOT;
    // The docstring's first line is two lines below the step.
    memo::check_schema(filled.as_bytes(), target, version.as_deref(), a.line + 1).map_err(|e| {
        format!(
            "the MeMo in the docstring does not validate against {}: {e}",
            memo::schema_root(version.as_deref()).schema
        )
    })
}

/// An XML declaration cannot stand inside kombi_request.
fn without_declaration(doc: String) -> String {
    let doc = match doc.trim_start().strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map(|(_, r)| r.to_string())
            .unwrap_or_default(),
        None => doc,
    };
    doc.trim().to_string()
}

/// The docstring's MeMo passes the same check `kombi` makes before sending.
pub(super) fn precheck_raw_memo(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    let filled = docstring_memo(cx.target, a).map_err(|f| Finding::Input(f.message))?;
    let doc = without_declaration(filled.clone());
    memo::validate(doc.as_bytes()).map_err(|e| Finding::Refusal(e.to_string()))?;
    check_memo_schema(&filled, a).map_err(Finding::Refusal)
}

/// `{{cpr:alias}}` → the citizen's CPR number on this target; `{{uuid}}` → a fresh UUID.
fn fill_placeholders(t: &Target, doc: &str) -> Result<String, StepFailure> {
    let doc = crate::runner::world::fill_cpr_aliases(t, doc).map_err(input)?;
    // Each {{uuid}} gets its own.
    let mut parts = doc.split("{{uuid}}");
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        out.push_str(&uuid::Uuid::new_v4().to_string());
        out.push_str(part);
    }
    Ok(out)
}

pub(super) fn send_sf1600(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let kanal = a.get(0).to_string();
        sf1600::check_kanalvalg(&kanal).map_err(|e| input(e.to_string()))?;
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

pub(super) fn ask_sf1601(w: &mut World, a: Args) -> StepFuture<'_> {
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
            http::Method::GET,
            &path,
            None,
        )
        .await
    })
}

pub(super) fn ask_sf1600(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cpr = w.citizen(a.get(0))?;
        let ctx = w.invocation_context(&sf1600::INFO)?;
        let payload = sf1600::spoerg_tilmelding_request(ctx.as_ref(), &cpr);
        w.call_soap(&sf1600::INFO, sf1600::ACTION_TILMELDING, &payload)
            .await
    })
}
