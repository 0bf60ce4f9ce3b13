//! SF1470's Så-steps: the index's StatusKoder (OK, a StatusKode, a refusal naming its reason),
//! the answer's `TransactionUUID`, and the search's hits (a case found or not, its status and
//! title, their order).

use super::given::{uuid_of, SdiState};
use super::status_or_input;
use crate::core::soap::Reply;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, StepFuture};
use crate::runner::world::{contract, input, Last, World};
use crate::services::sf1470::{self, Response, Sag};

/// The last answer read as SF1470's v6 contract says.
fn response(w: &World) -> Result<Response, StepFailure> {
    let p = w.payload()?;
    sf1470::parse_response(p).map_err(|e| {
        contract(format!(
            "the SF1470 answer does not follow the v6 contract: {e}"
        ))
    })
}

fn search_hits(w: &World) -> Result<Vec<Sag>, StepFailure> {
    match response(w)? {
        Response::Fremsoeg(f) if f.standard.is_ok() => Ok(f.sager),
        Response::Fremsoeg(f) => Err(contract(format!(
            "the search was refused: {}",
            f.standard.summary()
        ))),
        other => Err(input(format!(
            "the last call was {}, not a search: put a 'Når jeg søger i indekset …' step before this one",
            other.operation()
        ))),
    }
}

fn describe(hits: &[Sag]) -> String {
    if hits.is_empty() {
        return "no hits".into();
    }
    hits.iter()
        .map(|s| format!("{} {} ({})", s.sagsnummer, s.uuid, s.status()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn answers_ok(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let r = response(w)?;
        let bad: Vec<String> = r
            .returs()
            .iter()
            .filter(|(_, sr)| !sr.is_ok())
            .map(|(u, sr)| match u {
                Some(u) => format!("case {u}: {}", sr.summary()),
                None => sr.summary(),
            })
            .collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "the index did not answer OK to {}: {}",
                r.operation(),
                bad.join("; ")
            )))
        }
    })
}

pub(super) fn answers_code(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want: i64 = a
            .get(0)
            .parse()
            .map_err(|_| input("the StatusKode must be a number"))?;
        let r = response(w)?;
        let other: Vec<String> = r
            .returs()
            .iter()
            .filter(|(_, sr)| sr.status_kode != want)
            .map(|(_, sr)| sr.summary())
            .collect();
        if other.is_empty() && !r.returs().is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "expected StatusKode {want} from {}, got {}",
                r.operation(),
                other.join(" | ")
            )))
        }
    })
}

/// The answer's SOAP header has the `TransactionUUID` the call was sent with.
pub(super) fn echoes_transaction(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let sent = w
            .ext
            .get::<SdiState>()
            .and_then(|s| s.transaction.clone())
            .ok_or_else(|| input("no SF1470 call was made before this step"))?;
        let Some(Last::Reply { raw, .. }) = &w.last else {
            return Err(input("no SF1470 answer to look at"));
        };
        let got = crate::core::xml::parse(raw)
            .ok()
            .and_then(|env| env.child("Header").and_then(sf1470::transaction_uuid));
        match got {
            Some(t) if t.trim() == sent => Ok(()),
            Some(t) => Err(contract(format!(
                "the answer's RequestHeader has TransactionUUID {t}, the call sent {sent}"
            ))),
            None => Err(contract(
                "the answer has no RequestHeader/TransactionUUID in its SOAP header (the v6 WSDL declares it on every answer)",
            )),
        }
    })
}

pub(super) fn refused(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        if let Some(Last::Reply {
            reply: Reply::Fault(f),
            ..
        }) = &w.last
        {
            return Err(contract(format!(
                "expected the index to refuse with a StandardRetur, but SF1470 answered with a SOAP fault: {}",
                f.summary()
            )));
        }
        let r = response(w)?;
        let want = a.get(0);
        let returs = r.returs();
        let refusals: Vec<_> = returs.iter().filter(|(_, sr)| !sr.is_ok()).collect();
        if refusals.is_empty() {
            return Err(contract(format!(
                "expected the index to refuse the {}, but it answered StatusKode 20",
                r.operation()
            )));
        }
        if refusals
            .iter()
            .any(|(_, sr)| sr.fejlbesked.as_deref().is_some_and(|t| t.contains(want)))
        {
            Ok(())
        } else {
            Err(contract(format!(
                "the index refused, but no FejlbeskedTekst contains \"{want}\": {}",
                refusals
                    .iter()
                    .map(|(_, sr)| sr.summary())
                    .collect::<Vec<_>>()
                    .join(" | ")
            )))
        }
    })
}

pub(super) fn finds_case(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let negate = !a.get(0).is_empty();
        let alias = a.get(1);
        let uuid = uuid_of(w, alias)?;
        let hits = search_hits(w)?;
        let found = hits.iter().any(|s| s.uuid == uuid);
        match (found, negate) {
            (true, false) | (false, true) => Ok(()),
            (false, false) => Err(contract(format!(
                "the search did not find the case \"{alias}\" ({uuid}); it found: {}",
                describe(&hits)
            ))),
            (true, true) => Err(contract(format!(
                "the search still finds the case \"{alias}\" ({uuid})"
            ))),
        }
    })
}

pub(super) fn finds_nothing(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let hits = search_hits(w)?;
        if hits.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "expected no hits, the search found {}: {}",
                hits.len(),
                describe(&hits)
            )))
        }
    })
}

pub(super) fn hit_status(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let alias = a.get(0);
        let want = status_or_input(a.get(1))?;
        let uuid = uuid_of(w, alias)?;
        let hits = search_hits(w)?;
        match hits.iter().find(|s| s.uuid == uuid) {
            Some(s) if s.status() == want => Ok(()),
            Some(s) => Err(contract(format!(
                "the case \"{alias}\" has status {} in the index, expected {want}",
                s.status()
            ))),
            None => Err(contract(format!(
                "the search did not find the case \"{alias}\" ({uuid}); it found: {}",
                describe(&hits)
            ))),
        }
    })
}

pub(super) fn hit_title(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let alias = a.get(0);
        let want = a.get(1);
        let uuid = uuid_of(w, alias)?;
        let hits = search_hits(w)?;
        match hits.iter().find(|s| s.uuid == uuid) {
            Some(s) if s.titel == want => Ok(()),
            Some(s) => Err(contract(format!(
                "the case \"{alias}\" has the title \"{}\" in the search's answer, expected \"{want}\"",
                s.titel
            ))),
            None => Err(contract(format!(
                "the search did not find the case \"{alias}\" ({uuid}); it found: {}",
                describe(&hits)
            ))),
        }
    })
}

/// The hits are exactly these cases, in this order.
pub(super) fn hits_in_order(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let aliases: Vec<&str> = a
            .get(0)
            .split(',')
            .map(|s| s.trim().trim_matches('"'))
            .filter(|s| !s.is_empty())
            .collect();
        let want = aliases
            .iter()
            .map(|al| uuid_of(w, al))
            .collect::<Result<Vec<_>, _>>()?;
        let hits = search_hits(w)?;
        let got: Vec<&str> = hits.iter().map(|s| s.uuid.as_str()).collect();
        if got == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the hits {} in that order; the search found: {}",
                aliases.join(", "),
                describe(&hits)
            )))
        }
    })
}

/// The case is among the hits with this party (borgeren or virksomheden) as a Sagspart.
pub(super) fn hit_party(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let alias = a.get(0);
        let (urn, _) = super::party(w.target(), a.get(1), a.get(2)).map_err(input)?;
        let uuid = uuid_of(w, alias)?;
        let hits = search_hits(w)?;
        let Some(s) = hits.iter().find(|s| s.uuid == uuid) else {
            return Err(contract(format!(
                "the search did not find the case \"{alias}\" ({uuid}); it found: {}",
                describe(&hits)
            )));
        };
        let parts: Vec<&str> = s
            .relationer
            .iter()
            .filter(|r| r.liste.name() == "Sagspart")
            .map(|r| r.reference.value())
            .collect();
        if parts.contains(&urn.as_str()) {
            Ok(())
        } else {
            Err(contract(crate::evidence::redact::mask_cpr(&format!(
                "the case \"{alias}\" in the search's answer has the parties [{}], not {urn}",
                parts.join(", ")
            ))))
        }
    })
}
