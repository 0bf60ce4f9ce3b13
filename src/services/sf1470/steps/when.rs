//! SF1470's Når-steps: `importer` of a case built earlier, `opdater`, `fjern` and the
//! searches (`fremsoeg` by party, by KLE emne, with OR and NOT). Every call carries a fresh
//! `TransactionUUID` in its `RequestHeader`; an import or update that breaks the anvisninger is
//! refused before sending, naming the rule (unless the scenario turned that check off).

use super::given::{build, draft, uuid_of, SdiState};
use super::{catalogue, check_catalogue, party, status_or_input};
use crate::core::xml;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Finding, StepFuture};
use crate::runner::world::{input, World};
use crate::services::sf1470::{
    self, model, rules, Aktoer, Fremsoeg, Led, Opdatering, Reference, SoegSag, SoegUdtryk, Tilstand,
};

/// Check `body` against the anvisninger (imports and updates), then send it with a fresh
/// `TransactionUUID`.
async fn send(
    w: &mut World,
    op: &'static model::Operation,
    body: String,
) -> Result<(), StepFailure> {
    if !w.ext.get_mut::<SdiState>().unchecked {
        let cat = catalogue(w)?;
        let el = xml::parse(body.as_bytes()).map_err(|e| input(e.to_string()))?;
        let breaches = rules::check(op, &el, &cat);
        if !breaches.is_empty() {
            let list: Vec<String> = breaches.iter().map(|b| b.to_string()).collect();
            return w.refuse(format!(
                "the {} breaks KOMBIT's anvisninger for SF1470: {}",
                op.name,
                list.join("; ")
            ));
        }
    }
    let transaction = uuid::Uuid::new_v4().to_string();
    let header = sf1470::request_header(&transaction);
    w.ext.get_mut::<SdiState>().transaction = Some(transaction);
    w.call_soap_with_header(&sf1470::INFO, op.action, Some(&header), &body)
        .await
}

/// A search with the scenario's Filter and Sortering.
async fn search(w: &mut World, mut q: Fremsoeg) -> Result<(), StepFailure> {
    let st = w.ext.get_mut::<SdiState>();
    q.filter = st.filter.clone();
    q.sortering = st.sortering.clone();
    send(w, &model::FREMSOEG, sf1470::fremsoeg_request(&q)).await
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
        let body = sf1470::importer_request(std::slice::from_ref(&sag));
        send(w, &model::IMPORTER, body).await
    })
}

pub(super) fn opdater(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let uuid = uuid_of(w, a.get(0))?;
        let status = status_or_input(a.get(1))?;
        let now = super::now();
        let o = Opdatering {
            uuid,
            tilstand: Tilstand {
                status: status.to_string(),
                fra: now.clone(),
            },
            aktoer: Aktoer {
                reference: Reference::Uuid(w.target().user_uuid.to_ascii_lowercase()),
                type_kode: "Bruger".into(),
            },
            tidspunkt: now,
        };
        let body = sf1470::opdater_request(std::slice::from_ref(&o));
        send(w, &model::OPDATER, body).await
    })
}

pub(super) fn fjern(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let uuid = uuid_of(w, a.get(0))?;
        send(w, &model::FJERN, sf1470::fjern_request(&[uuid])).await
    })
}

pub(super) fn search_party(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (part, _) = party(w.target(), a.get(0), a.get(1)).map_err(input)?;
        let mut q = Fremsoeg::sag(SoegSag::part(part));
        // "… som ikke har status S": AND NOT.
        if !a.get(2).is_empty() {
            let status = status_or_input(a.get(2))?;
            if let Some(u) = q.udtryk.as_mut() {
                u.led.push(Led::Ikke(SoegUdtryk {
                    eller: false,
                    led: vec![Led::Sag(SoegSag::status(status))],
                }));
            }
        }
        search(w, q).await
    })
}

/// Cases of either citizen: OR.
pub(super) fn search_either(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let mut led = Vec::new();
        for who in [a.get(0), a.get(1)] {
            let (part, _) = party(w.target(), "borgeren", who).map_err(input)?;
            led.push(Led::Sag(SoegSag::part(part)));
        }
        let q = Fremsoeg {
            udtryk: Some(SoegUdtryk { eller: true, led }),
            ..Fremsoeg::default()
        };
        search(w, q).await
    })
}

pub(super) fn search_kle(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cat = catalogue(w)?;
        let klasse = match cat.emne(a.get(0)) {
            Ok(k) => k.uuid.clone(),
            Err(e) => return w.refuse(e.to_string()),
        };
        let rolle = cat
            .role("Primær klasse")
            .map_err(|e| input(e.to_string()))?
            .uuid
            .clone();
        search(w, Fremsoeg::sag(SoegSag::klasse(rolle, klasse))).await
    })
}
