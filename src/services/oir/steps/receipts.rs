//! ØiR's Så-steps on SF1590A's answer: the batch accepted or refused, the sortiment version
//! the postings were checked against, and the receipt of one posting of a batch.

use super::{postering_svar, version, OirState};
use crate::core::soap::Reply;
use crate::runner::steps::{Args, StepFuture};
use crate::runner::world::{contract, input, Last, World};

pub(super) fn accepted(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let svar = postering_svar(w)?;
        let mut bad: Vec<String> = Vec::new();
        if !svar.standard.is_ok() {
            bad.push(svar.standard.summary());
        }
        for k in &svar.kvitteringer {
            if !k.retur.is_ok() && !bad.contains(&k.retur.summary()) {
                bad.push(k.retur.summary());
            }
        }
        if svar.kvitteringer.is_empty() && bad.is_empty() {
            bad.push("the answer holds no PosteringKvittering".into());
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "the postings were not accepted: {}",
                bad.join(" | ")
            )))
        }
    })
}

pub(super) fn rejected(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = a.get(0);
        // A posting the schema refuses (an amount with three decimals) comes back as the
        // platform's fault; one outside the sortiment as a StandardRetur.
        let texts: Vec<String> = match &w.last {
            Some(Last::Reply {
                reply: Reply::Fault(f),
                ..
            }) => f.texts(),
            _ => {
                let svar = postering_svar(w)?;
                let mut t: Vec<String> = Vec::new();
                if !svar.standard.is_ok() {
                    t.extend(svar.standard.fejlbesked.clone());
                }
                for k in svar.kvitteringer.iter().filter(|k| !k.retur.is_ok()) {
                    t.extend(k.retur.fejlbesked.clone());
                }
                if t.is_empty() && svar.standard.is_ok() {
                    return Err(contract(
                        "expected the postings to be refused, but they were accepted (StatusKode 20)",
                    ));
                }
                t
            }
        };
        if texts.iter().any(|t| t.contains(want)) {
            Ok(())
        } else {
            Err(contract(format!(
                "the postings were refused, but no reason contains \"{want}\": {}",
                texts.join(" | ")
            )))
        }
    })
}

pub(super) fn checked_version(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = version(&a)?;
        let svar = postering_svar(w)?;
        if svar.kvitteringer.is_empty() {
            return Err(contract("the answer holds no PosteringKvittering"));
        }
        let got: Vec<String> = svar
            .kvitteringer
            .iter()
            .map(|k| {
                k.sortiment_version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "none".into())
            })
            .collect();
        if got.iter().all(|v| *v == want.to_string()) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected every posting checked against sortiment version {want}, the receipts say: {}",
                got.join(", ")
            )))
        }
    })
}

/// `posteringen nr. N accepteres` / `afvises [med begrundelsen "…"]`: the receipt of the Nth
/// posting sent, found by its id.
pub(super) fn one(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let n: usize = a
            .get(0)
            .parse()
            .map_err(|_| input("the posting's number must be a whole number"))?;
        let sent = w
            .ext
            .get::<OirState>()
            .map(|s| s.sent.clone())
            .unwrap_or_default();
        let id = n.checked_sub(1).and_then(|i| sent.get(i)).ok_or_else(|| {
            input(format!(
                "posting nr. {n}: the last batch sent had {} posting(s)",
                sent.len()
            ))
        })?;
        let svar = postering_svar(w)?;
        let k = svar.kvitteringer.iter().find(|k| &k.id == id).ok_or_else(|| {
            contract(format!(
                "the answer has no PosteringKvittering for posting nr. {n} ({} receipt(s) for {} posting(s))",
                svar.kvitteringer.len(),
                sent.len()
            ))
        })?;
        let reason = a.get(2);
        match (a.get(1), k.retur.is_ok()) {
            ("accepteres", true) => Ok(()),
            ("accepteres", false) => Err(contract(format!(
                "expected posting nr. {n} to be accepted, its receipt says {}",
                k.retur.summary()
            ))),
            (_, true) => Err(contract(format!(
                "expected posting nr. {n} to be refused, but its receipt says StatusKode 20"
            ))),
            (_, false) if k.retur.fejlbesked.iter().any(|t| t.contains(reason)) => Ok(()),
            (_, false) => Err(contract(format!(
                "posting nr. {n} was refused, but its reason does not contain \"{reason}\": {}",
                k.retur.summary()
            ))),
        }
    })
}
