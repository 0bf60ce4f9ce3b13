//! Post's Så-steps: the platform accepted or refused (by which hop, with which code), the
//! enrollment answer, whether the access token was renewed, and the PKO_PostStatus messages
//! of the accepted letter.

use super::PostScenario;
use crate::core::xml::Element;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, StepFuture};
use crate::runner::world::{contract, input, Last, World};
use crate::services::post::sf1600::Address;

pub(super) fn accepted(w: &mut World, _a: Args) -> StepFuture<'_> {
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

pub(super) fn refused_with(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        crate::runner::steps::generic::expect_fault_code(w, a.get(0), "the refusal code")
    })
}

pub(super) fn refused_by(w: &mut World, a: Args) -> StepFuture<'_> {
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

pub(super) fn says_enrolled(w: &mut World, a: Args) -> StepFuture<'_> {
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

pub(super) fn token_renewed(w: &mut World, a: Args) -> StepFuture<'_> {
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

/// What the mock lists for the accepted letter: its PKO_PostStatus messages and what reached
/// print, from the embedded mock's state, or over HTTP from a served mock.
async fn beskeder(w: &World) -> Result<Vec<Element>, StepFailure> {
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
            w.mock_only_get(&path).await?.map_err(|status| {
                input(format!(
                    "target '{}' does not expose PKO_PostStatus messages (HTTP {status} from {path}). On a real platform they arrive through the Beskedfordeler (SF1461), which this tool does not read: exclude these scenarios with --tags \"not @beskedfordeler\"",
                    w.target().name
                ))
            })?
        }
    };
    let list = crate::core::xml::parse(xml.as_bytes()).map_err(|e| contract(e.to_string()))?;
    Ok(list.elements().cloned().collect())
}

/// The PKO_PostStatus messages of the accepted letter.
async fn statuses(w: &World) -> Result<Vec<Element>, StepFailure> {
    let mut list = beskeder(w).await?;
    list.retain(|e| e.local == "PKO_PostStatus");
    Ok(list)
}

/// What reached print for the accepted letter (the mock's `Printdata` beside its statuses).
async fn printdata(w: &World) -> Result<Element, StepFailure> {
    beskeder(w)
        .await?
        .into_iter()
        .find(|e| e.local == "Printdata")
        .ok_or_else(|| {
            contract("nothing of the accepted letter reached print (it went by another channel)")
        })
}

pub(super) fn printed_to(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let p = printdata(w).await?;
        let got = (field(&p, "Navn"), p.child("CoNavn").map(|c| c.text()));
        let want = (
            a.get(0).to_string(),
            Some(a.get(1)).filter(|c| !c.is_empty()).map(str::to_string),
        );
        if got == want {
            return Ok(());
        }
        let show = |(n, co): &(String, Option<String>)| match co {
            Some(c) => format!("\"{n}\" c/o \"{c}\""),
            None => format!("\"{n}\" (no c/o)"),
        };
        Err(contract(format!(
            "expected the print data's recipient {}, got {}",
            show(&want),
            show(&got)
        )))
    })
}

pub(super) fn printed_at(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want: Address = a.get(0).parse().map_err(input)?;
        let p = printdata(w).await?;
        let got = field(&p, "Adresse");
        if got == want.to_string() {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the print data's address \"{want}\", got \"{got}\""
            )))
        }
    })
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

pub(super) fn goes_to(w: &mut World, a: Args) -> StepFuture<'_> {
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

/// The letter's status message with this TransaktionsStatusKode.
fn status<'l>(list: &'l [Element], kode: &str) -> Result<&'l Element, StepFailure> {
    list.iter()
        .find(|s| field(s, "TransaktionsStatusKode") == kode)
        .ok_or_else(|| {
            contract(format!(
                "no status message \"{kode}\" for the letter; it has: {}",
                summary(list)
            ))
        })
}

pub(super) fn has_status(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = statuses(w).await?;
        status(&list, a.get(0)).map(|_| ())
    })
}

pub(super) fn status_error(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = statuses(w).await?;
        let s = status(&list, a.get(0))?;
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
