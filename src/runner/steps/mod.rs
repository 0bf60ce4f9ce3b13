//! The step vocabulary. Every definition carries an example and a line of documentation, so
//! `sp-contract steps` (and the README section made from it) cannot drift from the code.

pub(crate) mod generic;
pub(crate) mod platform;

use crate::runner::model::StepFailure;
use crate::runner::world::World;
use crate::target::config::Target;
use regex::Regex;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StepFailure>> + Send + 'a>>;
pub type StepFn = for<'a> fn(&'a mut World, Args) -> StepFuture<'a>;
/// Checks made by `--dry-run` without sending anything: aliases resolve for the target, etc.
pub type CheckFn = fn(&Target, &Args) -> Result<(), String>;
/// The "check without sending" hook: what the step's own checks would refuse before sending,
/// found by `--dry-run` (see [`Finding`]).
pub type PrecheckFn = fn(&CheckCtx<'_>, &Args) -> Result<(), Finding>;

/// What a precheck may look at: the target, and the embedded mock's data when the target is
/// the mock (its receiving systems, sortiments, KLE catalogue).
pub struct CheckCtx<'a> {
    pub target: &'a Target,
    pub mock: Option<&'a crate::platform::data::Platform>,
}

/// A problem a precheck found without sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The step cannot run as written (an unknown receiving system, a bad date): always an
    /// error.
    Input(String),
    /// The step's own checks would refuse the call before sending (a KLE typo, an invalid
    /// MeMo): an error unless the scenario asserts that refusal (see
    /// [`StepDef::asserts_refusal`]).
    Refusal(String),
}

impl From<String> for Finding {
    fn from(s: String) -> Finding {
        Finding::Input(s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Given,
    When,
    Then,
}

impl Kind {
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Given => "Givet",
            Kind::When => "Når",
            Kind::Then => "Så",
        }
    }
}

/// What a step receives: the regex captures, and the docstring or table under it.
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub caps: Vec<String>,
    pub docstring: Option<String>,
    pub table: Option<Vec<Vec<String>>>,
}

impl Args {
    pub fn get(&self, i: usize) -> &str {
        self.caps.get(i).map(String::as_str).unwrap_or("")
    }
}

pub struct StepDef {
    pub kind: Kind,
    /// Group in the listing (generic, platform, CPR, ...).
    pub group: &'static str,
    pub pattern: &'static str,
    pub example: &'static str,
    pub doc: &'static str,
    pub run: StepFn,
    pub check: Option<CheckFn>,
    pub precheck: Option<PrecheckFn>,
    /// The step asserts that our own checks refused the call before sending
    /// (`kaldet blev afvist før afsendelse …`): a scenario with such a step after a sending
    /// step expects the refusal, so the sending step records it instead of failing.
    pub asserts_refusal: bool,
    regex: OnceLock<Regex>,
}

impl StepDef {
    pub const fn new(
        kind: Kind,
        group: &'static str,
        pattern: &'static str,
        example: &'static str,
        doc: &'static str,
        run: StepFn,
    ) -> StepDef {
        StepDef {
            kind,
            group,
            pattern,
            example,
            doc,
            run,
            check: None,
            precheck: None,
            asserts_refusal: false,
            regex: OnceLock::new(),
        }
    }

    pub const fn with_check(mut self, check: CheckFn) -> StepDef {
        self.check = Some(check);
        self
    }

    pub const fn with_precheck(mut self, precheck: PrecheckFn) -> StepDef {
        self.precheck = Some(precheck);
        self
    }

    pub const fn asserting_refusal(mut self) -> StepDef {
        self.asserts_refusal = true;
        self
    }

    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            Regex::new(&format!("^{}$", self.pattern)).expect("step patterns are static and tested")
        })
    }
}

pub fn registry() -> &'static [StepDef] {
    static R: OnceLock<Vec<StepDef>> = OnceLock::new();
    R.get_or_init(|| {
        let mut all = Vec::new();
        all.extend(platform::steps());
        all.extend(crate::services::sf1520::steps::steps());
        all.extend(crate::services::post::steps::steps());
        all.extend(crate::services::sf1470::steps::steps());
        all.extend(crate::services::oir::steps::steps());
        all.extend(crate::services::sf2900::steps::steps());
        all.extend(generic::steps());
        all
    })
}

pub enum Match<'r> {
    Found(&'r StepDef, Vec<String>),
    Undefined,
    Ambiguous(Vec<&'r StepDef>),
}

/// Find the definition for a step's text. Keywords don't take part (as in Cucumber).
pub fn find(text: &str) -> Match<'static> {
    let mut hits: Vec<(&StepDef, Vec<String>)> = Vec::new();
    for def in registry() {
        if let Some(c) = def.regex().captures(text) {
            let caps = c
                .iter()
                .skip(1)
                .map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default())
                .collect();
            hits.push((def, caps));
        }
    }
    match hits.len() {
        0 => Match::Undefined,
        1 => {
            let (d, c) = hits.remove(0);
            Match::Found(d, c)
        }
        _ => Match::Ambiguous(hits.into_iter().map(|(d, _)| d).collect()),
    }
}

/// Whether the step's text is a step that asserts a local refusal.
pub fn asserts_refusal(text: &str) -> bool {
    matches!(find(text), Match::Found(d, _) if d.asserts_refusal)
}

/// For each step of a scenario: whether a later step asserts a local refusal, i.e. a refusal
/// before sending at this step is what the scenario expects.
pub fn refusal_expected(texts: &[&str]) -> Vec<bool> {
    let last = texts.iter().rposition(|t| asserts_refusal(t));
    (0..texts.len())
        .map(|i| last.is_some_and(|j| j > i))
        .collect()
}

/// The closest definitions to an undefined text, for "did you mean".
pub fn suggest(text: &str) -> Vec<&'static str> {
    let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
    let mut scored: Vec<(usize, &'static str)> = registry()
        .iter()
        .map(|d| {
            let common = d
                .example
                .split_whitespace()
                .filter(|w| words.contains(w))
                .count();
            (common, d.example)
        })
        .filter(|(c, _)| *c > 0)
        .collect();
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    scored.into_iter().take(3).map(|(_, e)| e).collect()
}

/// Parse a Danish/English boolean cell.
pub fn truthy(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "ja" | "sand" => Some(true),
        "false" | "nej" | "falsk" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_matches_its_own_definition_and_only_it() {
        for def in registry() {
            match find(def.example) {
                Match::Found(d, _) => assert!(
                    std::ptr::eq(d, def),
                    "example '{}' matched '{}' instead",
                    def.example,
                    d.pattern
                ),
                Match::Undefined => panic!("example '{}' matches nothing", def.example),
                Match::Ambiguous(ds) => panic!(
                    "example '{}' is ambiguous: {:?}",
                    def.example,
                    ds.iter().map(|d| d.pattern).collect::<Vec<_>>()
                ),
            }
        }
    }

    #[test]
    fn a_refusal_is_expected_only_before_a_step_that_asserts_it() {
        let send = r#"jeg sender et journalnotat med KLE "3230.04""#;
        let assert = r#"kaldet blev afvist før afsendelse med beskeden "not valid""#;
        let then = r#"kvitteringen er "ACCEPTERET""#;
        assert_eq!(refusal_expected(&[send, assert]), [true, false]);
        assert_eq!(refusal_expected(&[send, then]), [false, false]);
        // An assertion before the sending step does not cover it.
        assert_eq!(refusal_expected(&[assert, send]), [false, false]);
        assert_eq!(refusal_expected(&[send, then, assert]), [true, true, false]);
    }

    #[test]
    fn undefined_text_gets_suggestions() {
        assert!(matches!(find("jeg danser"), Match::Undefined));
        assert!(!suggest("jeg slår borgeren op").is_empty());
    }
}
