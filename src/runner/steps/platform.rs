//! Steps about the platform set-up a call is made under: serviceaftale, security context,
//! certificate, and the refusal of a certificate at the TLS handshake.

use crate::core::service::ServiceInfo;
use crate::runner::steps::{Args, CheckCtx, Kind, StepDef, StepFuture};
use crate::runner::world::{contract, input, AgreementChoice, Last, World};

const G: &str = "platform";

/// A well-formed serviceaftale UUID that no platform has issued.
pub const UNKNOWN_AGREEMENT: &str = "ffffffff-ffff-4fff-bfff-ffffffffffff";

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Given,
            G,
            r"en godkendt serviceaftale for (SF\d+[A-Z]?)",
            "en godkendt serviceaftale for SF1520",
            "Calls to the service use the target's approved serviceaftale (the default; this step makes it explicit).",
            approved,
        )
        .with_check(check_approved),
        StepDef::new(
            Kind::Given,
            G,
            r#"serviceaftalen "([^"]+)" for (SF\d+[A-Z]?)"#,
            r#"serviceaftalen "afventende" for SF1520"#,
            "Calls to the service use a named serviceaftale from the target's data (e.g. one pending approval).",
            named,
        )
        .with_check(check_named),
        StepDef::new(
            Kind::Given,
            G,
            r"en ukendt serviceaftale for (SF\d+[A-Z]?)",
            "en ukendt serviceaftale for SF1520",
            "Calls to the service name a serviceaftale UUID that does not exist on any platform.",
            unknown,
        )
        .with_check(check_service_only),
        StepDef::new(
            Kind::Given,
            G,
            r"kaldet sendes uden sikkerhedskontekst",
            "kaldet sendes uden sikkerhedskontekst",
            "Calls leave out the security context (InvocationContext / AuthorityContext).",
            no_context,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"systemet bruger certifikatet "([^"]+)""#,
            r#"systemet bruger certifikatet "uregistreret""#,
            "Calls present another client certificate, named in the target's data (mock: uregistreret, udløbet, fremmed).",
            certificate,
        )
        .with_check(check_certificate),
        StepDef::new(
            Kind::Then,
            G,
            r"platformen afviser certifikatet ved TLS-handshaket",
            "platformen afviser certifikatet ved TLS-handshaket",
            "The target (or the token flow's first hop) ended the TLS handshake over the client certificate (expired, from a CA it does not trust): nothing was sent. The call before it keeps that refusal as its answer; any other failure to reach the target still fails the step (exit 3), and an answer breaks the contract.",
            handshake_refused,
        )
        .asserting_handshake_refusal(),
    ]
}

fn handshake_refused(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        match &w.last {
            Some(Last::HandshakeRefused { .. }) => Ok(()),
            Some(Last::Reply {
                service,
                http_status,
                ..
            }) => Err(contract(format!(
                "expected the target to refuse the TLS handshake over certificate '{}', but the handshake succeeded and {service} answered (HTTP {http_status})",
                w.identity
            ))),
            Some(Last::RefusedLocally { reason }) => Err(input(format!(
                "not sent: input error: the call was refused before sending ({reason}), so no handshake was made"
            ))),
            None => Err(input(
                "no call has been made yet in this scenario: put a Når-step before this Så-step",
            )),
        }
    })
}

fn service(w: &World, id: &str) -> Result<&'static ServiceInfo, crate::runner::model::StepFailure> {
    w.ctx.known.parse(id).map_err(input)
}

fn approved(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let s = service(w, a.get(0))?;
        w.agreements.insert(s.id, AgreementChoice::Approved);
        Ok(())
    })
}

fn named(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let s = service(w, a.get(1))?;
        w.agreements
            .insert(s.id, AgreementChoice::Named(a.get(0).to_string()));
        Ok(())
    })
}

fn unknown(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let s = service(w, a.get(0))?;
        // Fixed, so that the platform's answer (which may quote it) snapshots stably.
        w.agreements.insert(
            s.id,
            AgreementChoice::Unknown(UNKNOWN_AGREEMENT.to_string()),
        );
        Ok(())
    })
}

fn no_context(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        w.send_context = false;
        Ok(())
    })
}

fn certificate(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let name = a.get(0);
        w.target().identity(name).map_err(input)?;
        w.identity = name.to_string();
        Ok(())
    })
}

fn check_service_only(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    cx.known.parse(a.get(0)).map(|_| ())
}

fn check_approved(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    let s = cx.known.parse(a.get(0))?;
    t.agreement_for(s.id).map(|_| ()).map_err(String::from)
}

fn check_named(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    let s = cx.known.parse(a.get(1))?;
    t.agreement_alias(s.id, a.get(0))
        .map(|_| ())
        .map_err(String::from)
}

fn check_certificate(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    t.identity(a.get(0)).map(|_| ()).map_err(String::from)
}
