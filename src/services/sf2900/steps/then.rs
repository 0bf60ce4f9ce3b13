//! SF2900's Så-steps: the business receipt, where the object went (what the mock's simulated
//! system received, or on a real target where its routing sends the object), the receiver
//! list and validation, and the TransportKvittering fault.

use super::{resolve_system, State};
use crate::core::soap::Reply;
use crate::core::xml::Element;
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, StepFuture};
use crate::runner::world::{contract, input, Last, World};
use crate::services::sf2900::mock;
use crate::services::sf2900::{self as svc, Routing, RoutingValg};

const RECEIPT_CODES: &[&str] = &["MODTAGET", "AFLEVERET", "ACCEPTERET", "AFVIST", "FEJLET"];

fn receipt(w: &World) -> Result<svc::Kvittering, StepFailure> {
    let p = w.payload()?;
    svc::read_kvittering(p).ok_or_else(|| {
        contract(format!(
            "the answer <{}> has no ForretningsKvittering/ForretningsValideringsKode (is this a FordelingsobjektAfsend answer?)",
            p.local
        ))
    })
}

fn describe_receipt(k: &svc::Kvittering) -> String {
    let mut s = format!("{} ({})", k.kode, k.kvitteringstype);
    if let Some(b) = &k.begrundelse {
        s.push_str(&format!(": {b}"));
    }
    s
}

pub(super) fn receipt_is(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(0).trim().to_uppercase();
        if !RECEIPT_CODES.contains(&want.as_str()) {
            return Err(input(format!(
                "'{}' is not a ForretningsValideringsKode; write one of {}",
                a.get(0),
                RECEIPT_CODES.join(", ")
            )));
        }
        let k = receipt(w)?;
        if k.kode == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the receipt {want}, got {}",
                describe_receipt(&k)
            )))
        }
    })
}

pub(super) fn receipt_reason(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let k = receipt(w)?;
        let want = a.get(0).to_lowercase();
        let texts: Vec<&String> = k
            .begrundelse
            .iter()
            .chain(k.fejl.iter().map(|(_, t)| t))
            .collect();
        if texts.iter().any(|t| t.to_lowercase().contains(&want)) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the receipt's reason to contain \"{}\", but the receipt is {}",
                a.get(0),
                describe_receipt(&k)
            )))
        }
    })
}

pub(super) fn receipt_type(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(0).trim();
        if !["Forretning", "Teknisk"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(want))
        {
            return Err(input(format!(
                "'{want}' is not a Kvitteringstype; write Forretning or Teknisk"
            )));
        }
        let k = receipt(w)?;
        if k.kvitteringstype.eq_ignore_ascii_case(want) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected Kvitteringstype {want}, got {}",
                describe_receipt(&k)
            )))
        }
    })
}

/// What the receiving systems got of the object `id`: (system, UUID, text) each, from the
/// embedded mock's state or from a served mock's own path; a real target shows nothing.
async fn received_by(
    w: &World,
    id: &str,
    name: &str,
) -> Result<Vec<(String, String, String)>, StepFailure> {
    let xml = match &w.ctx.mock {
        Some(p) => mock::received_list(p, &w.scenario_id, id),
        None => {
            let path = format!("{}?id={id}", mock::RECEIVED_PATH);
            w.mock_only_get(&path).await?.map_err(|status| {
                input(format!(
                    "target '{}' does not show what a receiving system got (HTTP {status} from {path}): only the sp-contract mock simulates the receiving systems; on a real target check delivery with 'objektet er leveret til \"{name}\"'",
                    w.target().name
                ))
            })?
        }
    };
    let list = crate::core::xml::parse(xml.as_bytes()).map_err(|e| contract(e.to_string()))?;
    let text = |m: &Element, n: &str| m.child(n).map(|e| e.text()).unwrap_or_default();
    Ok(list
        .elements()
        .map(|m| {
            (
                text(m, "Modtager"),
                text(m, "ModtagerUUID"),
                text(m, "Tekst"),
            )
        })
        .collect())
}

pub(super) fn received_text(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (id, _) = last_sent(w)?;
        let name = a.get(0).to_string();
        let got = received_by(w, &id, &name).await?;
        let n = name.trim().to_lowercase();
        let Some((_, _, tekst)) = got
            .iter()
            .find(|(m, u, _)| m.to_lowercase() == n || u.to_lowercase() == n)
        else {
            let names: Vec<&str> = got.iter().map(|(m, _, _)| m.as_str()).collect();
            return Err(contract(format!(
                "expected \"{name}\" to receive the object, but {}; {}",
                if names.is_empty() {
                    "no receiving system received it".to_string()
                } else {
                    format!("it was delivered to {}", names.join(", "))
                },
                answer_summary(w)
            )));
        };
        if tekst.contains(a.get(1)) {
            Ok(())
        } else {
            Err(contract(format!(
                "\"{name}\" received the object, but its text does not contain \"{}\"; it got: {}",
                a.get(1),
                crate::evidence::redact::snippet(tekst.as_bytes(), 200)
            )))
        }
    })
}

fn last_sent(w: &mut World) -> Result<(String, Routing), StepFailure> {
    w.ext.get_mut::<State>().sent.clone().ok_or_else(|| {
        input("no object has been sent in this scenario: put a Når-step that sends one before this Så-step")
    })
}

/// Who received the object `id` on the mock.
fn mock_receptions(w: &World, id: &str) -> Option<Vec<mock::Modtaget>> {
    let p = w.ctx.mock.as_ref()?;
    Some(
        mock::received(p, &w.scenario_id)
            .into_iter()
            .filter(|m| m.objekt_id == id)
            .collect(),
    )
}

/// The systems that received an object, by name.
fn receivers(got: &[mock::Modtaget]) -> String {
    got.iter()
        .map(|m| m.modtager.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn matches_system(m: &mock::Modtaget, name: &str) -> bool {
    let n = name.trim().to_lowercase();
    m.modtager.to_lowercase() == n || m.modtager_uuid == n
}

fn answer_summary(w: &World) -> String {
    match &w.last {
        Some(Last::Reply {
            reply: Reply::Payload(p),
            ..
        }) => svc::read_kvittering(p)
            .map(|k| format!("the receipt is {}", describe_receipt(&k)))
            .unwrap_or_else(|| "the answer has no receipt".into()),
        Some(Last::Reply {
            reply: Reply::Fault(f),
            ..
        }) => format!("the platform answered with a fault: {}", f.summary()),
        Some(Last::Reply { .. }) => "the platform answered with an empty Body".into(),
        Some(Last::RefusedLocally { reason }) => {
            format!("nothing was sent: the call was refused before sending ({reason})")
        }
        Some(Last::HandshakeRefused { reason }) => {
            format!("nothing was sent: the TLS handshake was refused ({reason})")
        }
        None => "nothing was sent".into(),
    }
}

/// On a real target: the systems the target's routing names for the object sent last.
async fn routed_on_target(
    w: &mut World,
    routing: &Routing,
) -> Result<(Vec<String>, String), StepFailure> {
    let payload = match &routing.valg {
        RoutingValg::Kle { emne, facet } => svc::list_request(
            Some(&routing.afsendende),
            &routing.afsendende,
            &routing.routing_myndighed,
            emne,
            facet.as_ref(),
        ),
        RoutingValg::Modtager(uuid) => svc::valider_request(
            Some(&routing.afsendende),
            &routing.afsendende,
            &[(routing.routing_myndighed.clone(), uuid.clone())],
        ),
    };
    let action = match routing.valg {
        RoutingValg::Kle { .. } => svc::ACTION_LIST,
        RoutingValg::Modtager(_) => svc::ACTION_VALIDER,
    };
    let ex = w.exchange_soap(&svc::INFO, action, &payload).await?;
    let p = match &ex.reply {
        Reply::Payload(p) => p.clone(),
        Reply::Fault(f) => {
            return Err(contract(format!(
                "cannot tell where the target routes the object: it answered the routing lookup with a fault: {}",
                f.summary()
            )))
        }
        Reply::Empty => return Err(contract("the routing lookup answered with an empty Body")),
    };
    match &routing.valg {
        RoutingValg::Kle { .. } => {
            let list = svc::read_modtagere(&p).unwrap_or_default();
            let labels = svc::labels(&list);
            let mut names: Vec<String> = list.iter().map(|m| m.navn.clone()).collect();
            names.extend(list.iter().map(|m| m.uuid.to_lowercase()));
            Ok((
                names,
                format!(
                    "FordelingsmodtagerList names: {}",
                    if labels.is_empty() {
                        "none".into()
                    } else {
                        labels
                    }
                ),
            ))
        }
        RoutingValg::Modtager(uuid) => {
            let can = svc::read_valider(&p)
                .unwrap_or_default()
                .into_iter()
                .any(|(_, u, kan)| u.eq_ignore_ascii_case(uuid) && kan);
            Ok((
                if can { vec![uuid.clone()] } else { vec![] },
                format!("FordelingsmodtagerValider says KanModtage {can} for {uuid}"),
            ))
        }
    }
}

pub(super) fn delivered_to(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (id, routing) = last_sent(w)?;
        let name = a.get(0).to_string();
        if let Some(got) = mock_receptions(w, &id) {
            if got.iter().any(|m| matches_system(m, &name)) {
                return Ok(());
            }
            let who = if got.is_empty() {
                "no receiving system received it".to_string()
            } else {
                format!("it was delivered to {}", receivers(&got))
            };
            return Err(contract(format!(
                "expected the object to be delivered to \"{name}\", but {who}; {}",
                answer_summary(w)
            )));
        }
        let system = resolve_system(w, &name).ok();
        let (names, seen) = routed_on_target(w, &routing).await?;
        let hit = names.iter().any(|n| {
            n.to_lowercase().contains(&name.to_lowercase())
                || system.as_deref().is_some_and(|s| n.eq_ignore_ascii_case(s))
        });
        if hit {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the object to be routed to \"{name}\" on target '{}', but {seen}",
                w.target().name
            )))
        }
    })
}

pub(super) fn not_delivered(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (id, routing) = last_sent(w)?;
        if let Some(got) = mock_receptions(w, &id) {
            return if got.is_empty() {
                Ok(())
            } else {
                Err(contract(format!(
                    "expected no receiving system to get the object, but {} did",
                    receivers(&got)
                )))
            };
        }
        let (names, seen) = routed_on_target(w, &routing).await?;
        if names.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the target to route the object nowhere, but {seen}"
            )))
        }
    })
}

fn modtagere(w: &mut World) -> Result<Vec<svc::Modtager>, StepFailure> {
    let list = {
        let p: &Element = w.payload()?;
        svc::read_modtagere(p).ok_or_else(|| {
            contract(format!(
                "the answer <{}> has no Systemer (is this a FordelingsmodtagerList answer?)",
                p.local
            ))
        })?
    };
    // Remember what the target calls its systems, for later steps that name them.
    let st = w.ext.get_mut::<State>();
    for m in &list {
        st.systems
            .insert(m.navn.to_lowercase(), m.uuid.to_lowercase());
    }
    Ok(list)
}

pub(super) fn list_contains(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = modtagere(w)?;
        if list.iter().any(|m| m.is(a.get(0))) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected FordelingsmodtagerList to name \"{}\", but it names {}",
                a.get(0),
                if list.is_empty() {
                    "no system".to_string()
                } else {
                    svc::labels(&list)
                }
            )))
        }
    })
}

pub(super) fn list_empty(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let list = modtagere(w)?;
        if list.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "expected FordelingsmodtagerList to name no system, but it names {}",
                svc::labels(&list)
            )))
        }
    })
}

pub(super) fn can_receive(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(1).is_empty();
        let system = resolve_system(w, a.get(0))?;
        let p = w.payload()?;
        let rows = svc::read_valider(p).ok_or_else(|| {
            contract(format!(
                "the answer <{}> has no RoutingListe (is this a FordelingsmodtagerValider answer?)",
                p.local
            ))
        })?;
        match rows
            .iter()
            .find(|(_, u, _)| u.eq_ignore_ascii_case(&system))
        {
            Some((_, _, kan)) if *kan == want => Ok(()),
            Some((cvr, _, kan)) => Err(contract(format!(
                "expected KanModtage {want} for \"{}\" ({system}) with authority {cvr}, got {kan}",
                a.get(0)
            ))),
            None => Err(contract(format!(
                "the FordelingsmodtagerValider answer does not mention \"{}\" ({system})",
                a.get(0)
            ))),
        }
    })
}

pub(super) fn transport_is(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(0).trim().to_uppercase();
        if !["OK", "ADVARSEL", "FEJL"].contains(&want.as_str()) {
            return Err(input(format!(
                "'{}' is not a TransportValideringsKode; write OK, ADVARSEL or FEJL",
                a.get(0)
            )));
        }
        let f = w.fault()?;
        let Some(t) = f.detail.as_ref().and_then(svc::read_transport) else {
            return Err(contract(format!(
                "the fault carries no TransportKvittering in its detail: {}",
                f.summary()
            )));
        };
        if t.kode == want {
            Ok(())
        } else {
            let errors: Vec<String> = t.fejl.iter().map(|(k, x)| format!("{k}: {x}")).collect();
            Err(contract(format!(
                "expected TransportValideringsKode {want}, got {} ({})",
                t.kode,
                errors.join("; ")
            )))
        }
    })
}
