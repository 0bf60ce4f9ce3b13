//! SF2900's Når-steps: sending a journal note or a form (routed by KLE, or straight to one
//! system), looking up the receiver and asking whether a system can receive. Each sending
//! step builds its call with the same builder its `--dry-run` precheck uses, so what the run
//! would refuse before sending, the dry run finds.

use super::{context_cvr, mock_system, opt, resolve_system, system_uuid, State};
use crate::core::kle::{Emne, Facet};
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Finding, StepFuture};
use crate::runner::world::{input, World};
use crate::services::sf2900::{self as svc, Fordelingsobjekt, Routing, RoutingValg, Sf2900Error};

/// The longest note `journalnotat på N tegn` makes: enough to exceed any plausible limit,
/// small enough never to exhaust memory.
const MAX_GENERATED_NOTE: usize = 5_000_000;

const DEFAULT_NOTE: &str =
    "Journalnotat fra sp-contract: syntetiske testdata, ingen personoplysninger.";
const DEFAULT_TITLE: &str = "sp-contract testnotat";

/// An object to send and its routing, as a builder made them.
type Built = (Fordelingsobjekt, Routing);

/// Send what a builder made, or refuse it before sending with our own check's reason.
async fn send_object(
    w: &mut World,
    built: Result<Built, Sf2900Error>,
    authority: &str,
) -> Result<(), StepFailure> {
    let (objekt, routing) = match built {
        Ok(b) => b,
        Err(e) => return w.refuse(e.to_string()),
    };
    let id = match &objekt {
        Fordelingsobjekt::Journalnotat(j) => j.id.clone(),
        Fordelingsobjekt::Formular(f) => f.id.clone(),
    };
    let payload = svc::afsend_request(context_cvr(w, authority).as_deref(), &routing, &objekt);
    w.ext.get_mut::<State>().sent = Some((id, routing));
    w.call_soap(&svc::INFO, svc::ACTION_AFSEND, &payload).await
}

fn generated_note(n: usize) -> String {
    const SENTENCE: &str = "Syntetisk journalnotat fra sp-contract om udbetaling af sygedagpenge. ";
    SENTENCE.chars().cycle().take(n).collect()
}

pub(super) fn send_note(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        let note = note_text(&a, usize::MAX).map_err(input)?;
        let it_system = w.target().user_system_uuid.clone();
        let built = build_note(&a, &note, &authority, &it_system);
        send_object(w, built, &authority).await
    })
}

/// The note `send_note` sends: generated ('på N tegn', at most `cap` characters of it, for
/// a check), the docstring, or the default line.
fn note_text(a: &Args, cap: usize) -> Result<String, String> {
    Ok(match opt(a.get(0)) {
        Some(n) => {
            let n: usize = n
                .parse()
                .ok()
                .filter(|n| *n <= MAX_GENERATED_NOTE)
                .ok_or_else(|| {
                    format!(
                        "'på {n} tegn': at most {MAX_GENERATED_NOTE} characters can be generated"
                    )
                })?;
            generated_note(n.min(cap))
        }
        None => a
            .docstring
            .clone()
            .unwrap_or_else(|| DEFAULT_NOTE.to_string()),
    })
}

/// The journal note and its routing, or why our own checks refuse them (KLE, facet, CVR,
/// an empty note). The run and `--dry-run` share it.
fn build_note(
    a: &Args,
    note: &str,
    authority: &str,
    it_system: &str,
) -> Result<Built, Sf2900Error> {
    let (kle, facet) = (a.get(1), opt(a.get(2)));
    let routing_cvr = opt(a.get(3)).unwrap_or(authority);
    let j = svc::Journalnotat::new(kle, facet, Some(DEFAULT_TITLE), note, it_system)?;
    let valg = RoutingValg::kle(kle, facet)?;
    Ok((
        Fordelingsobjekt::Journalnotat(j),
        Routing::new(authority, routing_cvr, valg)?,
    ))
}

/// The form and its routing, or why our own checks refuse them.
fn build_form(a: &Args, authority: &str) -> Result<Built, Sf2900Error> {
    let (kle, facet) = (a.get(0), opt(a.get(1)));
    let routing_cvr = opt(a.get(2)).unwrap_or(authority);
    let form_xml = a.docstring.clone().unwrap_or_else(|| {
        format!(
            "<Ansoegning xmlns=\"urn:sp-contract:testformular\"><Emne>{}</Emne><Tekst>Syntetisk testformular</Tekst></Ansoegning>",
            crate::core::xml::escape(kle)
        )
    });
    let f = svc::Formular::new(kle, facet, "sp-contract testformular", &form_xml)?;
    let valg = RoutingValg::kle(kle, facet)?;
    Ok((
        Fordelingsobjekt::Formular(f),
        Routing::new(authority, routing_cvr, valg)?,
    ))
}

/// A note sent straight to a system (by UUID), or why our own checks refuse it.
fn build_direct(
    a: &Args,
    system: &str,
    authority: &str,
    it_system: &str,
) -> Result<Built, Sf2900Error> {
    let note = a
        .docstring
        .clone()
        .unwrap_or_else(|| DEFAULT_NOTE.to_string());
    let j = svc::Journalnotat::new(a.get(0), None, Some(DEFAULT_TITLE), &note, it_system)?;
    let valg = RoutingValg::modtager(system)?;
    Ok((
        Fordelingsobjekt::Journalnotat(j),
        Routing::new(authority, authority, valg)?,
    ))
}

/// What `lookup` sends, or why our own checks refuse it.
fn lookup_args(a: &Args, authority: &str) -> Result<(Emne, Option<Facet>, String), Sf2900Error> {
    let routing_cvr = opt(a.get(2)).unwrap_or(authority);
    Ok((
        Emne::parse(a.get(0))?,
        opt(a.get(1)).map(Facet::parse).transpose()?,
        svc::check_cvr(routing_cvr)?,
    ))
}

// Checks without sending (--dry-run): the same builders the steps use.

/// The authority the calls are made for; a placeholder when the target has none (the
/// `check_authority` check reports that).
fn check_authority_cvr(cx: &CheckCtx<'_>) -> String {
    cx.target
        .authority_cvr
        .clone()
        .unwrap_or_else(|| "29189846".to_string())
}

/// A receiving system's UUID as far as it can be known without sending: a UUID, a name on
/// the mock, or (real targets, learnt during the run) a stand-in.
fn check_system(cx: &CheckCtx<'_>, name: &str) -> Result<String, Finding> {
    if let Some(u) = system_uuid(name) {
        return Ok(u);
    }
    match cx.mock {
        Some(p) => mock_system(p, name).map_err(|e| Finding::Input(e.to_string())),
        None => Ok(uuid::Uuid::nil().to_string()),
    }
}

/// What the sending step's own checks would refuse, as a precheck finding.
fn refusal<T, E: ToString>(built: Result<T, E>) -> Result<(), Finding> {
    built
        .map(|_| ())
        .map_err(|e| Finding::Refusal(e.to_string()))
}

pub(super) fn precheck_note(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    let note = note_text(a, 64)?;
    let user_system = &cx.target.user_system_uuid;
    refusal(build_note(a, &note, &check_authority_cvr(cx), user_system))
}

pub(super) fn precheck_form(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    refusal(build_form(a, &check_authority_cvr(cx)))
}

pub(super) fn precheck_direct(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    let system = check_system(cx, a.get(1))?;
    let user_system = &cx.target.user_system_uuid;
    refusal(build_direct(
        a,
        &system,
        &check_authority_cvr(cx),
        user_system,
    ))
}

pub(super) fn precheck_lookup(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    refusal(lookup_args(a, &check_authority_cvr(cx)))
}

pub(super) fn precheck_validate(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    check_system(cx, a.get(0))?;
    refusal(svc::check_cvr(a.get(1)))
}

pub(super) fn send_form(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        send_object(w, build_form(&a, &authority), &authority).await
    })
}

pub(super) fn send_direct(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        let system = resolve_system(w, a.get(1))?;
        let it_system = w.target().user_system_uuid.clone();
        let built = build_direct(&a, &system, &authority, &it_system);
        send_object(w, built, &authority).await
    })
}

pub(super) fn lookup(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        let (emne, facet, cvr) = match lookup_args(&a, &authority) {
            Ok(p) => p,
            Err(e) => return w.refuse(e.to_string()),
        };
        let payload = svc::list_request(
            context_cvr(w, &authority).as_deref(),
            &authority,
            &cvr,
            &emne,
            facet.as_ref(),
        );
        w.call_soap(&svc::INFO, svc::ACTION_LIST, &payload).await
    })
}

pub(super) fn validate(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let authority = w.authority_cvr()?;
        let system = resolve_system(w, a.get(0))?;
        let cvr = match svc::check_cvr(a.get(1)) {
            Ok(c) => c,
            Err(e) => return w.refuse(e.to_string()),
        };
        let payload = svc::valider_request(
            context_cvr(w, &authority).as_deref(),
            &authority,
            &[(cvr, system)],
        );
        w.call_soap(&svc::INFO, svc::ACTION_VALIDER, &payload).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_notes_have_the_asked_length_in_characters() {
        assert_eq!(generated_note(0), "");
        assert_eq!(generated_note(150).chars().count(), 150);
    }
}
