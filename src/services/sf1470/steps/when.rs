//! SF1470's Når-steps: `importer` of a case built earlier, `opdater`, `fjern` and the two
//! searches (`fremsoeg` by party or by KLE emne). Only to sp-contract's own mock: the real
//! SF1470 needs the IDWS token model, which this tool does not implement yet.

use super::given::{build, draft, uuid_of};
use super::{catalogue, check_catalogue, party, status_or_input};
use crate::core::soap::InvocationContext;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Finding, StepFuture};
use crate::runner::world::{input, World};
use crate::services::sf1470::{self, model, Fremsoeg, Opdatering};

async fn send(
    w: &mut World,
    op: &'static model::Operation,
    payload: impl FnOnce(Option<&InvocationContext>) -> String,
) -> Result<(), StepFailure> {
    let ctx = w.invocation_context(&sf1470::INFO)?;
    let body = payload(ctx.as_ref());
    w.call_soap(&sf1470::INFO, op.action, &body).await
}

pub(super) fn precheck_search_kle(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    check_catalogue(cx)?
        .emne(a.get(0))
        .map(|_| ())
        .map_err(|e| Finding::Refusal(e.to_string()))
}

pub(super) fn importer(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let d = draft(w, a.get(0))?.clone();
        let cat = catalogue(w)?;
        let sag = match build(w, &d, &cat)? {
            Ok(s) => s,
            Err(reason) => return w.refuse(reason),
        };
        send(w, &model::IMPORTER, |ctx| {
            sf1470::importer_request(ctx, std::slice::from_ref(&sag))
        })
        .await
    })
}

pub(super) fn opdater(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let uuid = uuid_of(w, a.get(0))?;
        let status = status_or_input(a.get(1))?;
        let o = Opdatering {
            uuid,
            titel: None,
            status: Some(status.to_string()),
        };
        send(w, &model::OPDATER, |ctx| {
            sf1470::opdater_request(ctx, std::slice::from_ref(&o))
        })
        .await
    })
}

pub(super) fn fjern(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let uuid = uuid_of(w, a.get(0))?;
        send(w, &model::FJERN, |ctx| {
            sf1470::fjern_request(ctx, std::slice::from_ref(&uuid))
        })
        .await
    })
}

pub(super) fn search_party(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (part, _) = party(w.target(), a.get(0), a.get(1)).map_err(input)?;
        let q = Fremsoeg::Udtryk {
            part: Some(part),
            primaer_klasse: None,
        };
        send(w, &model::FREMSOEG, |ctx| sf1470::fremsoeg_request(ctx, &q)).await
    })
}

pub(super) fn search_kle(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cat = catalogue(w)?;
        let klasse = match cat.emne(a.get(0)) {
            Ok(k) => k.uuid.clone(),
            Err(e) => return w.refuse(e.to_string()),
        };
        let q = Fremsoeg::Udtryk {
            part: None,
            primaer_klasse: Some(klasse),
        };
        send(w, &model::FREMSOEG, |ctx| sf1470::fremsoeg_request(ctx, &q)).await
    })
}
