//! Steps that make a deliberately bad OIO IDWS call, to see the service's token check refuse
//! it: each builds the bad call explicitly and says so in its words (no hidden switch). The
//! call is a *testkald*: a correctly addressed envelope whose Body holds a probe element of
//! this tool's own (`urn:sp-contract:testkald`), so nothing is imported or changed whatever
//! the service does; the token check runs before the service reads the Body. And a step that
//! asks the STS for a token on behalf of another authority, to see the STS refuse.

use crate::client::call::SoapCallError;
use crate::client::exchange::HopExchange;
use crate::client::idws::{self, CallParts, IdwsCallError};
use crate::core::service::{Idws, SecurityModel, ServiceInfo};
use crate::core::soap::Reply;
use crate::idws::Assertion;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Kind, StepDef, StepFuture};
use crate::runner::world::{input, soap_failure, Last, World};
use crate::targets::idws::Route;
use time::OffsetDateTime;

const G: &str = "OIO IDWS";

/// The testkald's SOAPAction and Body.
const ACTION: &str = "urn:sp-contract:testkald";
const BODY: &str = "<tk:Testkald xmlns:tk=\"urn:sp-contract:testkald\">original</tk:Testkald>";

/// How the testkald is bad.
#[derive(Debug, Clone, Copy)]
enum Bad<'a> {
    /// Not bad: the control that the check lets a good call through.
    None,
    NoToken,
    ExpiredTimestamp,
    AlteredBody,
    /// A token for another service's audience.
    Audience(&'a str),
    /// An assertion issued (signed) by this certificate, not by the STS.
    ForgedBy(&'a str),
    /// The call signed by this certificate, not the holder-of-key one.
    SignedBy(&'a str),
}

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::When,
            G,
            r"jeg sender (SF\d+[A-Z]?) et korrekt signeret testkald",
            "jeg sender SF1470 et korrekt signeret testkald",
            "Sends an OIO IDWS service a testkald (a probe Body of sp-contract's own) with a proper token: the token check lets it through, and the service then judges the probe.",
            good,
        )
        .with_check(check_service),
        StepDef::new(
            Kind::When,
            G,
            r"jeg sender (SF\d+[A-Z]?) et testkald uden token",
            "jeg sender SF1470 et testkald uden token",
            "Sends an OIO IDWS service a testkald without wsse:Security (no assertion, no signature).",
            no_token,
        )
        .with_check(check_service),
        StepDef::new(
            Kind::When,
            G,
            r"jeg sender (SF\d+[A-Z]?) et testkald med et udløbet tidsstempel",
            "jeg sender SF1470 et testkald med et udløbet tidsstempel",
            "Sends a testkald with a proper token, signed with a wsu:Timestamp that expired 5 minutes ago.",
            expired,
        )
        .with_check(check_service),
        StepDef::new(
            Kind::When,
            G,
            r"jeg sender (SF\d+[A-Z]?) et testkald, hvis krop ændres efter signeringen",
            "jeg sender SF1470 et testkald, hvis krop ændres efter signeringen",
            "Sends a testkald whose signed Body is changed after signing.",
            altered,
        )
        .with_check(check_service),
        StepDef::new(
            Kind::When,
            G,
            r"jeg sender (SF\d+[A-Z]?) et testkald med et token til (SF\d+[A-Z]?)",
            "jeg sender SF1470 et testkald med et token til SF1520",
            "Sends a testkald with a token the STS issued for another service's audience.",
            other_audience,
        )
        .with_check(check_two_services),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender (SF\d+[A-Z]?) et testkald med et token, som certifikatet "([^"]+)" har udstedt"#,
            r#"jeg sender SF1470 et testkald med et token, som certifikatet "uregistreret" har udstedt"#,
            "Sends a testkald with an assertion signed by the named certificate instead of the STS.",
            forged,
        )
        .with_check(check_identity),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender (SF\d+[A-Z]?) et testkald, signeret med certifikatet "([^"]+)""#,
            r#"jeg sender SF1470 et testkald, signeret med certifikatet "uregistreret""#,
            "Sends a testkald with a proper token, but signed with the named certificate's key instead of the holder-of-key certificate's.",
            signed_by,
        )
        .with_check(check_identity),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg beder STS om et token til (SF\d+[A-Z]?) på vegne af myndigheden med CVR "(\d{8})""#,
            r#"jeg beder STS om et token til SF1470 på vegne af myndigheden med CVR "11111111""#,
            "Asks the OIO IDWS STS for a token for the service and this CVR; the STS's answer (a token or a refusal) becomes the answer Så-steps read.",
            ask_sts,
        )
        .with_check(check_service),
    ]
}

fn good(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { testkald(w, a.get(0), Bad::None).await })
}

fn no_token(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { testkald(w, a.get(0), Bad::NoToken).await })
}

fn expired(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { testkald(w, a.get(0), Bad::ExpiredTimestamp).await })
}

fn altered(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { testkald(w, a.get(0), Bad::AlteredBody).await })
}

fn other_audience(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { testkald(w, a.get(0), Bad::Audience(a.get(1))).await })
}

fn forged(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { testkald(w, a.get(0), Bad::ForgedBy(a.get(1))).await })
}

fn signed_by(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { testkald(w, a.get(0), Bad::SignedBy(a.get(1))).await })
}

/// The service a step names, and its OIO IDWS model.
fn idws_service(w: &World, id: &str) -> Result<(&'static ServiceInfo, Idws), StepFailure> {
    let s = w.ctx.known.parse(id).map_err(input)?;
    match s.security {
        SecurityModel::Idws(m) => Ok((s, m)),
        _ => Err(input(format!(
            "{} is not a service of the OIO IDWS token model; these steps test that model's token check",
            s.id
        ))),
    }
}

fn failed(e: IdwsCallError) -> StepFailure {
    soap_failure(&SoapCallError::Idws(e))
}

/// Send `service` a testkald made bad as `bad` says, and keep the answer.
async fn testkald(w: &mut World, service: &str, bad: Bad<'_>) -> Result<(), StepFailure> {
    let (service, model) = idws_service(w, service)?;
    let route = w.target().idws_route(service, &model);
    let extra: Vec<(&'static str, String)> = w.mock_headers().into_iter().collect();
    let (xml, hops) = build(w, service, &model, &route, bad, &extra)
        .await
        .map_err(failed)?;
    let clients = &w.ctx.clients;
    let out = idws::send(clients, &w.identity, &route, ACTION, xml, &extra, hops)
        .await
        .map_err(failed)?;
    // Not shown to the observer: the testkald is no contract message.
    let ex = w.received(service, ACTION, out, false)?;
    w.last = Some(Last::Reply {
        service: service.id,
        http_status: ex.http_status,
        reply: ex.reply,
        raw: ex.raw,
    });
    Ok(())
}

/// The bad call's envelope, and the STS hops made for it.
async fn build(
    w: &World,
    service: &ServiceInfo,
    model: &Idws,
    route: &Route,
    bad: Bad<'_>,
    extra: &[(&'static str, String)],
) -> Result<(String, Vec<HopExchange>), IdwsCallError> {
    let clients = &w.ctx.clients;
    let now = OffsetDateTime::now_utc();
    if let Bad::NoToken = bad {
        let ns = crate::idws::soap_namespace(route.soap);
        let xml =
            format!("<s:Envelope xmlns:s=\"{ns}\"><s:Header/><s:Body>{BODY}</s:Body></s:Envelope>");
        return Ok((xml, Vec::new()));
    }
    let cvr = idws::authority(clients)?;
    let audience = match bad {
        Bad::Audience(other) => {
            let s = w.ctx.known.parse(other).map_err(IdwsCallError::Setup)?;
            s.entity_id
        }
        _ => service.entity_id,
    };
    let (assertion, hops) = match bad {
        Bad::ForgedBy(issuer) => (forge(w, issuer, audience, &cvr, now).await?, Vec::new()),
        _ => {
            let (a, hop) =
                idws::token(clients, &w.identity, &route.sts_url, audience, &cvr, extra).await?;
            (a, hop.into_iter().collect())
        }
    };
    let signer = match bad {
        Bad::SignedBy(other) => idws::identity(clients, other).await?,
        _ => idws::identity(clients, &w.identity).await?,
    };
    let when = match bad {
        Bad::ExpiredTimestamp => now - time::Duration::minutes(10),
        _ => now,
    };
    let parts = CallParts {
        action: ACTION,
        payload: BODY,
        header: None,
    };
    let signed = idws::sign(route, model, &parts, &assertion, &signer, when)?;
    let xml = match bad {
        Bad::AlteredBody => signed.xml.replace(">original<", ">altered<"),
        _ => signed.xml,
    };
    Ok((xml, hops))
}

/// An assertion for our certificate as an STS would issue it, but signed by `issuer`'s
/// certificate: read back through the client's own reader, as a real answer would be.
async fn forge(
    w: &World,
    issuer: &str,
    audience: &str,
    cvr: &str,
    now: OffsetDateTime,
) -> Result<Assertion, IdwsCallError> {
    use crate::idws::sts_issue;
    let clients = &w.ctx.clients;
    let forger = idws::identity(clients, issuer).await?;
    let holder = idws::identity(clients, &w.identity).await?;
    let bad = |source| IdwsCallError::Sts {
        url: format!("(an assertion forged with certificate '{issuer}')"),
        source,
    };
    let der = crate::idws::sts_request::certificate_b64(&holder).map_err(bad)?;
    let issue = sts_issue::Issue {
        issuer: "https://sts.sp-contract.forged/idws",
        audience,
        cvr,
        holder_der_b64: &der,
        holder_subject: &holder.info.subject,
    };
    let assertion = sts_issue::assertion(&issue, &forger, now).map_err(bad)?;
    let relates = "urn:uuid:00000000-0000-4000-8000-000000000000";
    let answer = sts_issue::answer(&assertion, audience, relates, &forger, now).map_err(bad)?;
    crate::idws::sts_answer::read(&answer, relates, None, now).map_err(bad)
}

fn ask_sts(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (service, model) = idws_service(w, a.get(0))?;
        let route = w.target().idws_route(service, &model);
        let extra: Vec<(&'static str, String)> = w.mock_headers().into_iter().collect();
        let asked = idws::token(
            &w.ctx.clients,
            &w.identity,
            &route.sts_url,
            service.entity_id,
            a.get(1),
            &extra,
        )
        .await;
        let hop = match asked {
            Ok((_, hop)) => hop,
            Err(IdwsCallError::StsRefused { hop, .. }) => Some(*hop),
            Err(e) => return Err(failed(e)),
        };
        if let Some(hop) = &hop {
            w.trace_hop(hop);
        }
        // No hop: served from the run's cache, the STS issued it earlier.
        let (status, raw) = hop.map_or((200, Vec::new()), |h| (h.reply.status, h.reply.body));
        let reply = crate::core::soap::parse_reply(&raw).unwrap_or(Reply::Empty);
        w.last = Some(Last::Reply {
            service: idws::STS_HOP,
            http_status: status,
            reply,
            raw,
        });
        Ok(())
    })
}

fn check_service(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let s = cx.known.parse(a.get(0))?;
    match s.security {
        SecurityModel::Idws(_) => Ok(()),
        _ => Err(format!(
            "{} is not a service of the OIO IDWS token model",
            s.id
        )),
    }
}

fn check_two_services(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    check_service(cx, a)?;
    cx.known.parse(a.get(1)).map(|_| ())
}

fn check_identity(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    check_service(cx, a)?;
    cx.target
        .identity(a.get(1))
        .map(|_| ())
        .map_err(String::from)
}
