//! SF2900's Givet-steps: fordelingsregler as preconditions (set up on the mock, checked with
//! FordelingsmodtagerList on a real target) and the authority the calls are made for.

use super::{check_authority, opt, State};
use crate::core::kle::{Emne, Facet};
use crate::core::soap::Reply;
use crate::platform::data::Platform;
use crate::runner::model::StepFailure;
use crate::runner::preconditions::{self, Precondition, Verdict, VerifyFuture};
use crate::runner::steps::{Args, CheckCtx, StepFuture};
use crate::runner::world::{contract, input, World};
use crate::services::sf2900::mock;
use crate::services::sf2900::{self as svc, Sf2900Error};

/// "a fordelingsregel routes KLE … for CVR … to …".
struct RuleExists(mock::Regel);

impl Precondition for RuleExists {
    fn describe(&self) -> String {
        format!(
            "a fordelingsregel routes {} to \"{}\"",
            self.0.describe(),
            self.0.modtager
        )
    }

    fn configured_by(&self) -> String {
        configured_by(&self.0.myndighed)
    }

    fn establish(&self, p: &Platform, scenario: &str) -> Result<(), String> {
        mock::add_rule(p, scenario, self.0.clone()).map_err(|e| e.to_string())
    }

    fn verify<'a>(&'a self, w: &'a mut World) -> VerifyFuture<'a> {
        Box::pin(async move {
            let r = &self.0;
            let emne = r.kle.representative();
            let list = list_on_target(w, self, &r.myndighed, &emne, r.facet.as_ref()).await?;
            let about = if r.kle.is_wildcard() {
                format!("KLE {emne} (an emne the wildcard {} covers)", r.kle)
            } else {
                format!("KLE {emne}")
            };
            match list.iter().find(|m| m.is(&r.modtager)) {
                Some(m) => {
                    w.ext
                        .get_mut::<State>()
                        .systems
                        .insert(r.modtager.to_lowercase(), m.uuid.to_lowercase());
                    Ok(Verdict::Holds)
                }
                None => Ok(Verdict::DoesNotHold {
                    observed: listed(&list, &about),
                }),
            }
        })
    }
}

/// "no fordelingsregel routes KLE … for CVR …".
struct NoRule {
    myndighed: String,
    emne: Emne,
}

impl NoRule {
    /// From the step's KLE and CVR, checked.
    fn parse(a: &Args) -> Result<NoRule, Sf2900Error> {
        Ok(NoRule {
            emne: Emne::parse(a.get(0))?,
            myndighed: svc::check_cvr(a.get(1))?,
        })
    }
}

impl Precondition for NoRule {
    fn describe(&self) -> String {
        format!(
            "no fordelingsregel routes KLE {} for CVR {}",
            self.emne, self.myndighed
        )
    }

    fn configured_by(&self) -> String {
        configured_by(&self.myndighed)
    }

    fn establish(&self, p: &Platform, scenario: &str) -> Result<(), String> {
        mock::remove_routing(p, scenario, &self.myndighed, &self.emne);
        Ok(())
    }

    fn verify<'a>(&'a self, w: &'a mut World) -> VerifyFuture<'a> {
        Box::pin(async move {
            let list = list_on_target(w, self, &self.myndighed, &self.emne, None).await?;
            if list.is_empty() {
                Ok(Verdict::Holds)
            } else {
                Ok(Verdict::DoesNotHold {
                    observed: listed(&list, &format!("KLE {}", self.emne)),
                })
            }
        })
    }
}

fn configured_by(cvr: &str) -> String {
    format!("the municipality (CVR {cvr}) in the Fordelingskomponent's administration, where its fordelingsregler are kept")
}

fn listed(list: &[svc::Modtager], about: &str) -> String {
    if list.is_empty() {
        format!("FordelingsmodtagerList names no receiving system for {about}")
    } else {
        format!(
            "FordelingsmodtagerList names {} for {about}",
            svc::labels(list)
        )
    }
}

/// FordelingsmodtagerList on a real target, for a precondition: the answer's systems, or
/// why there is no answer to judge by.
async fn list_on_target(
    w: &mut World,
    p: &dyn Precondition,
    myndighed: &str,
    emne: &Emne,
    facet: Option<&Facet>,
) -> Result<Vec<svc::Modtager>, StepFailure> {
    let authority = w.authority_cvr()?;
    // A precondition always sends the security context: it is not the call under test.
    let payload = svc::list_request(Some(&authority), &authority, myndighed, emne, facet);
    let ex = w
        .exchange_soap(&svc::INFO, svc::ACTION_LIST, &payload)
        .await
        .map_err(|e| preconditions::unverifiable(w, p, e))?;
    let why = match &ex.reply {
        Reply::Payload(el) => match svc::read_modtagere(el) {
            Some(list) => return Ok(list),
            None => format!(
                "FordelingsmodtagerList answered <{}> without Systemer",
                el.local
            ),
        },
        Reply::Fault(f) => format!(
            "FordelingsmodtagerList answered with a fault: {}",
            f.summary()
        ),
        Reply::Empty => "FordelingsmodtagerList answered with an empty SOAP Body".to_string(),
    };
    Err(preconditions::unverifiable(w, p, contract(why)))
}

pub(super) fn rule_exists(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let regel = parse_regel(&a).map_err(|e| input(e.to_string()))?;
        preconditions::require(w, &RuleExists(regel)).await
    })
}

pub(super) fn no_rule(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let p = NoRule::parse(&a).map_err(|e| input(e.to_string()))?;
        preconditions::require(w, &p).await
    })
}

pub(super) fn on_behalf_of(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        w.authority_override = Some(svc::check_cvr(a.get(0)).map_err(|e| input(e.to_string()))?);
        Ok(())
    })
}

/// The rule a step describes: KLE, facet, CVR and receiving system.
fn parse_regel(a: &Args) -> Result<mock::Regel, Sf2900Error> {
    mock::parse_regel(a.get(2), a.get(0), opt(a.get(1)), a.get(3))
}

pub(super) fn check_rule(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    parse_regel(a).map_err(|e| e.to_string())?;
    check_authority(cx, a)
}

pub(super) fn check_no_rule(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    NoRule::parse(a).map_err(|e| e.to_string())?;
    check_authority(cx, a)
}

pub(super) fn check_cvr_arg(_cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    svc::check_cvr(a.get(0))
        .map(|_| ())
        .map_err(|e| e.to_string())
}
