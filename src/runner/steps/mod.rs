//! The step vocabulary. Every definition carries an example and a line of documentation, so
//! `sp-contract steps` (and the README section made from it) cannot drift from the code.

mod cpr;
pub(crate) mod generic;
mod oir;
mod platform;
pub(crate) mod post;
mod sdi;
mod sf2900;

use super::model::StepFailure;
use super::world::World;
use crate::config::Target;
use regex::Regex;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StepFailure>> + Send + 'a>>;
pub type StepFn = for<'a> fn(&'a mut World, Args) -> StepFuture<'a>;
/// Checks made by `--dry-run` without sending anything: aliases resolve for the target, etc.
pub type CheckFn = fn(&Target, &Args) -> Result<(), String>;

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
            regex: OnceLock::new(),
        }
    }

    pub const fn with_check(mut self, check: CheckFn) -> StepDef {
        self.check = Some(check);
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
        all.extend(cpr::steps());
        all.extend(post::steps());
        all.extend(sdi::steps());
        all.extend(oir::steps());
        all.extend(sf2900::steps());
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
    fn undefined_text_gets_suggestions() {
        assert!(matches!(find("jeg danser"), Match::Undefined));
        assert!(!suggest("jeg slår borgeren op").is_empty());
    }
}
