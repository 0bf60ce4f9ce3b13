//! SF1470's Så-steps: the index's StandardRetur (OK, a StatusKode, a refusal naming its
//! reason) and the search's hits (a case found or not, its status).

use super::given::uuid_of;
use super::status_or_input;
use crate::core::soap::Reply;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, StepFuture};
use crate::runner::world::{contract, input, Last, World};
use crate::services::sf1470::{self, Response, Sag};

/// The last answer read as SF1470's (modelled) contract says.
fn response(w: &World) -> Result<Response, StepFailure> {
    let p = w.payload()?;
    sf1470::parse_response(p).map_err(|e| {
        contract(format!(
            "the SF1470 answer does not follow the (modelled) contract: {e}"
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
        .map(|s| format!("{} {} ({})", s.sagsnummer, s.uuid, s.status))
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
        let (_, overall) = r.returs()[0];
        if overall.status_kode == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected StatusKode {want} from {}, got {}",
                r.operation(),
                overall.summary()
            )))
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
            Some(s) if s.status == want => Ok(()),
            Some(s) => Err(contract(format!(
                "the case \"{alias}\" has status {} in the index, expected {want}",
                s.status
            ))),
            None => Err(contract(format!(
                "the search did not find the case \"{alias}\" ({uuid}); it found: {}",
                describe(&hits)
            ))),
        }
    })
}
