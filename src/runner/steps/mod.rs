//! The step vocabulary. Every definition carries an example and a line of documentation, so
//! `sp-contract steps` (and the README section made from it) cannot drift from the code.

pub(crate) mod generic;
pub(crate) mod idws;
pub(crate) mod platform;

use crate::core::service::Known;
use crate::runner::model::StepFailure;
use crate::runner::world::World;
use crate::targets::target::Target;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), StepFailure>> + Send + 'a>>;
pub type StepFn = for<'a> fn(&'a mut World, Args) -> StepFuture<'a>;
/// Checks made by `--dry-run` without sending anything: aliases resolve for the target, etc.
pub type CheckFn = fn(&CheckCtx<'_>, &Args) -> Result<(), String>;
/// The "check without sending" hook: what the step's own checks would refuse before sending,
/// found by `--dry-run` (see [`Finding`]).
pub type PrecheckFn = fn(&CheckCtx<'_>, &Args) -> Result<(), Finding>;

/// What a precheck may look at: the target, and the embedded mock's data when the target is
/// the mock (its receiving systems, sortiments, KLE catalogue).
pub struct CheckCtx<'a> {
    pub target: &'a Target,
    /// The services steps may name.
    pub known: &'a Known,
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

impl From<crate::targets::target::TargetError> for Finding {
    fn from(e: crate::targets::target::TargetError) -> Finding {
        Finding::Input(e.to_string())
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
    /// The step's line in its feature file: a problem in the docstring (its first line is two
    /// lines below) can name the file's line.
    pub line: usize,
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
    /// Runnable examples of the step's optional parts (`ikke`, `på N tegn`, plural forms),
    /// one each, shown by `steps` under the example.
    pub variants: &'static [&'static str],
    pub doc: &'static str,
    pub run: StepFn,
    pub check: Option<CheckFn>,
    pub precheck: Option<PrecheckFn>,
    /// The step asserts that our own checks refused the call before sending
    /// (`kaldet blev afvist før afsendelse …`): a scenario with such a step after a sending
    /// step expects the refusal, so the sending step records it instead of failing.
    pub asserts_refusal: bool,
    /// The step asserts that the target refused the TLS handshake over our client
    /// certificate: a sending step before it keeps that refusal as its answer.
    pub asserts_handshake_refusal: bool,
    regex: OnceLock<regex::bytes::Regex>,
    /// [`literal_prefix`] of the pattern, worked out once.
    prefix: OnceLock<&'static str>,
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
            variants: &[],
            doc,
            run,
            check: None,
            precheck: None,
            asserts_refusal: false,
            asserts_handshake_refusal: false,
            regex: OnceLock::new(),
            prefix: OnceLock::new(),
        }
    }

    pub const fn with_variants(mut self, variants: &'static [&'static str]) -> StepDef {
        self.variants = variants;
        self
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

    pub const fn asserting_handshake_refusal(mut self) -> StepDef {
        self.asserts_handshake_refusal = true;
        self
    }

    /// The pattern, anchored, as an ASCII-class regex: step patterns are Danish literals,
    /// `"([^"]+)"` and `\d` (see [`crate::core::text::ascii_regex`]).
    pub fn regex(&self) -> &regex::bytes::Regex {
        self.regex.get_or_init(|| {
            crate::core::text::ascii_regex(&format!("^{}$", self.pattern))
                .expect("step patterns are static and tested")
        })
    }
}

/// The literal text every match of `pattern` starts with: the pattern up to its first regex
/// syntax, less a last character that a quantifier makes optional. Empty when the pattern
/// has an alternative at its top level (`a|b` can start either way).
fn literal_prefix(pattern: &str) -> &str {
    let (mut depth, mut escaped, mut in_class) = (0usize, false, false);
    for c in pattern.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => return "",
            _ => {}
        }
    }
    let end = pattern
        .find(|c: char| "\\.+*?()|[]{}^$".contains(c))
        .unwrap_or(pattern.len());
    let literal = &pattern[..end];
    if pattern[end..].starts_with(['?', '*', '{']) {
        // The last character may be absent (`borgerens?`).
        let last = literal.chars().next_back().map_or(0, char::len_utf8);
        &literal[..literal.len() - last]
    } else {
        literal
    }
}

/// The step vocabulary of a run: the platform's steps, every service's from the catalog,
/// and the generic ones. Built by the catalog (`src/services/catalog.rs`) and handed down.
pub struct Steps {
    defs: Vec<StepDef>,
    known: Known,
}

impl Steps {
    pub fn new(known: Known, service_steps: Vec<StepDef>) -> Steps {
        let mut defs = platform::steps();
        defs.extend(service_steps);
        defs.extend(idws::steps());
        defs.extend(generic::steps());
        Steps { defs, known }
    }

    pub fn defs(&self) -> &[StepDef] {
        &self.defs
    }

    /// The services the steps may name.
    pub fn known(&self) -> &Known {
        &self.known
    }

    /// Find the definition for a step's text. Keywords don't take part (as in Cucumber).
    pub fn find(&self, text: &str) -> Match<'_> {
        let mut hits: Vec<(&StepDef, Vec<String>)> = Vec::new();
        // The literal start of a pattern rules out most definitions without compiling their
        // regex: a run that uses few steps compiles few of the ~90 patterns.
        for def in self
            .defs
            .iter()
            .filter(|d| text.starts_with(*d.prefix.get_or_init(|| literal_prefix(d.pattern))))
        {
            if let Some(c) = def.regex().captures(text.as_bytes()) {
                let caps = c
                    .iter()
                    .skip(1)
                    .map(|m| m.map(crate::core::text::group_text).unwrap_or_default())
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

    /// For each step of a scenario: whether a later step asserts a local refusal, i.e. a
    /// refusal before sending at this step is what the scenario expects.
    pub fn refusal_expected(&self, texts: &[&str]) -> Vec<bool> {
        self.asserted_later(texts, |d| d.asserts_refusal)
    }

    /// For each step of a scenario: whether a later step asserts that the target refused
    /// the TLS handshake (so such a refusal at this step is the answer, not a failure).
    pub fn handshake_refusal_expected(&self, texts: &[&str]) -> Vec<bool> {
        self.asserted_later(texts, |d| d.asserts_handshake_refusal)
    }

    fn asserted_later(&self, texts: &[&str], asserts: fn(&StepDef) -> bool) -> Vec<bool> {
        let last = texts
            .iter()
            .rposition(|t| matches!(self.find(t), Match::Found(d, _) if asserts(d)));
        (0..texts.len())
            .map(|i| last.is_some_and(|j| j > i))
            .collect()
    }

    /// The closest definitions to an undefined text, for "did you mean".
    pub fn suggest(&self, text: &str) -> Vec<&str> {
        let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
        let mut scored: Vec<(usize, &str)> = self
            .defs
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
}

pub enum Match<'r> {
    Found(&'r StepDef, Vec<String>),
    Undefined,
    Ambiguous(Vec<&'r StepDef>),
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

    fn steps() -> Steps {
        Steps::new(Known::new(Vec::new()), Vec::new())
    }

    #[test]
    fn undefined_text_gets_suggestions() {
        let steps = steps();
        assert!(matches!(steps.find("jeg danser"), Match::Undefined));
        assert!(!steps.suggest("svaret har status 200").is_empty());
    }

    #[test]
    fn a_patterns_literal_prefix_never_excludes_a_match() {
        for (pattern, prefix) in [
            (r#"borgeren "([^"]+)" findes"#, "borgeren \""),
            ("borgerens? navn", "borgeren"),
            ("svar(et)* er", "svar"),
            (r"feltet \d{8}", "feltet "),
            ("(?i)Svaret", ""),
            ("a|b", ""),
            ("a(b|c)", "a"),
            ("kaldet [|] er", "kaldet "),
            ("ø{2}", ""),
            ("plain", "plain"),
        ] {
            assert_eq!(literal_prefix(pattern), prefix, "{pattern}");
        }
    }
}
