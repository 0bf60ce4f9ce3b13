//! Preconditions: Givet-steps that describe how the platform is configured ("a fordelingsregel
//! routes KLE 32.30.04 for CVR 29189846 to KSD", later "the citizen is enrolled in Digital
//! Post", "the case exists in the index").
//!
//! The same scenario runs against two kinds of target, and the step means something
//! different on each:
//! - **the embedded mock**: the step *sets the configuration up*, for the calling scenario
//!   only (the mock's per-scenario state, keyed by the scenario id the runner sends), so
//!   scenarios that run at the same time never see each other's set-up;
//! - **a real target**: the configuration belongs to someone else (a municipality, KOMBIT),
//!   so the step only *reads* it, with the service's own lookup operation, and fails with a
//!   message saying the precondition does not hold on that target and who configures it.
//!   Nothing is ever changed on a real target.
//!
//! A service implements [`Precondition`] for each kind of configuration it has and calls
//! [`require`] from its Givet-step:
//!
//! ```text
//! struct RuleExists { /* parsed from the step */ }
//! impl Precondition for RuleExists {
//!     fn describe(&self) -> String { "a fordelingsregel routes KLE … to …".into() }
//!     fn configured_by(&self) -> String { "the municipality, in the …'s administration".into() }
//!     fn establish(&self, mock: &Platform, scenario: &str) -> Result<(), String> { … }
//!     fn verify<'a>(&'a self, w: &'a mut World) -> VerifyFuture<'a> {
//!         Box::pin(async move { /* a read call with w.exchange_soap(..) */ Ok(Verdict::Holds) })
//!     }
//! }
//! fn step(w: &mut World, a: Args) -> StepFuture<'_> {
//!     Box::pin(async move { preconditions::require(w, &RuleExists { … }).await })
//! }
//! ```
//!
//! A precondition that does not hold on a real target fails the scenario as a contract
//! failure (exit 1): the target answered, and it is not set up the way the scenario needs.
//! A precondition the mock cannot set up (e.g. a receiving system its data does not have) is
//! a mistake in the suite (exit 2).

use crate::platform::data::Platform;
use crate::runner::model::{FailureKind, StepFailure};
use crate::runner::world::{input, World};
use std::future::Future;
use std::pin::Pin;

pub type VerifyFuture<'a> = Pin<Box<dyn Future<Output = Result<Verdict, StepFailure>> + Send + 'a>>;

/// What a real target showed when asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Holds,
    /// The target answered, and the configuration is not there. `observed` says what it
    /// showed instead (one line, for the failure message).
    DoesNotHold {
        observed: String,
    },
}

/// One piece of platform configuration a scenario relies on.
pub trait Precondition: Send + Sync {
    /// What must hold, as a clause: "a fordelingsregel routes KLE 32.30.04 for CVR 29189846
    /// to \"KSD\"".
    fn describe(&self) -> String;

    /// Who configures this on a real platform, and where: "the municipality (CVR 29189846),
    /// in the Fordelingskomponent's administration".
    fn configured_by(&self) -> String;

    /// Embedded mock: make the precondition hold for this scenario only. An error is a
    /// mistake in the suite or the mock data (exit 2).
    fn establish(&self, mock: &Platform, scenario: &str) -> Result<(), String>;

    /// Real target: read the configuration (never change it). Transport problems and
    /// faults from the read call are returned as step failures (see [`unverifiable`]).
    fn verify<'a>(&'a self, w: &'a mut World) -> VerifyFuture<'a>;
}

/// Make `p` hold (embedded mock) or check that it holds (real target).
pub async fn require(w: &mut World, p: &dyn Precondition) -> Result<(), StepFailure> {
    if let Some(mock) = w.ctx.mock.clone() {
        let scenario = w.scenario_id.clone();
        return p.establish(&mock, &scenario).map_err(|e| {
            input(format!(
                "cannot set up the precondition on the mock ({}): {e}",
                p.describe()
            ))
        });
    }
    match p.verify(w).await? {
        Verdict::Holds => Ok(()),
        Verdict::DoesNotHold { observed } => Err(does_not_hold(w, p, &observed)),
    }
}

/// The failure for a precondition a real target does not meet.
pub fn does_not_hold(w: &World, p: &dyn Precondition, observed: &str) -> StepFailure {
    StepFailure {
        kind: FailureKind::Contract,
        message: crate::evidence::redact::text(&format!(
            "precondition does not hold on target '{}': {}. The target shows: {observed}. This is configured by {}; sp-contract only reads it on a real target and never changes it.",
            w.target().name,
            p.describe(),
            p.configured_by()
        )),
        diff: None,
    }
}

/// The failure for a precondition whose read call did not give an answer to judge by
/// (a fault, an unreadable answer). The kind of `cause` is kept (a transport problem stays
/// exit 3).
pub fn unverifiable(w: &World, p: &dyn Precondition, cause: StepFailure) -> StepFailure {
    StepFailure {
        kind: cause.kind,
        message: crate::evidence::redact::text(&format!(
            "cannot verify the precondition on target '{}' ({}): {}",
            w.target().name,
            p.describe(),
            cause.message
        )),
        diff: cause.diff,
    }
}
