//! Report writers: JUnit XML, Cucumber JSON, the console, and the evidence reports (HTML,
//! Markdown) with their words in Danish or English ([`words`]), the facts the command adds
//! ([`about`]) and the signature ([`sign`]).
//!
//! All writers read the same [`crate::runner::model::RunResult`] and agree on
//! how a scenario is classified (see `Outcome`):
//!
//! | scenario status | first failure kind | JUnit            | console |
//! |-----------------|--------------------|------------------|---------|
//! | passed          | -                  | (nothing)        | `✔`     |
//! | failed          | contract           | `<failure type="contract">` | `✘` |
//! | failed          | transport          | `<error type="transport">`  | `✘` |
//! | failed          | input              | `<error type="input">`      | `✘` |
//! | undefined       | -                  | `<error type="undefined">`  | `?` |
//! | skipped         | -                  | `<skipped/>`     | `-`     |
//!
//! Only a contract breach (the target answered, and the answer was wrong) is a JUnit
//! *failure*; everything that kept us from judging the contract (the target could not be
//! reached, the suite itself is wrong, a step has no definition) is a JUnit *error*.

use std::path::{Path, PathBuf};

use crate::runner::model::{FailureKind, ScenarioResult, Status, StepFailure, StepResult};

pub mod about;
pub mod argument;
pub mod console;
pub mod cucumber_json;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod progress;
pub mod sign;
pub mod words;

pub use console::{color_wanted, ConsoleReporter, FeatureRef};
pub use cucumber_json::write_cucumber_json;
pub use html::write_html;
pub use junit::{merge_junit, write_junit};
pub use markdown::write_markdown;
pub use progress::Progress;

use crate::error::ExitCode;
use crate::runner::model::RunContext;
use crate::runner::model::RunResult;

/// Everything the evidence reports (HTML, Markdown) show: the results and the facts around
/// the run.
pub struct Evidence<'a> {
    pub run: &'a RunResult,
    pub context: &'a RunContext,
    pub exit: ExitCode,
    pub tool_version: &'a str,
    /// What the command knows besides the run: language, vendor, operator, host, commit.
    pub about: &'a about::About,
}

impl Evidence<'_> {
    pub fn words(&self) -> &'static words::Words {
        self.about.lang.words()
    }

    /// The services the report is about: those of the scenarios that ran and those the
    /// selection named (no row for scenarios without a service tag).
    pub fn services(&self) -> Vec<String> {
        let named = self.context.selection.services.clone().unwrap_or_default();
        service_matrix(self.run, &named)
            .into_iter()
            .map(|r| r.service)
            .filter(|s| s != NO_SERVICE)
            .collect()
    }

    /// The configured serviceaftaler of [`Self::services`], as `(service, uuid)`.
    pub fn agreements(&self) -> Vec<(&str, &str)> {
        let services = self.services();
        self.context
            .target
            .agreements
            .iter()
            .filter(|(svc, _)| services.iter().any(|s| s.eq_ignore_ascii_case(svc)))
            .map(|(s, u)| (s.as_str(), u.as_str()))
            .collect()
    }

    /// The authority: its CVR, with the municipality's name where the table knows it.
    pub fn authority(&self) -> Option<String> {
        let cvr = self.context.target.authority_cvr.as_deref()?;
        Some(match about::municipality(cvr) {
            Some(name) => format!("{name} (CVR {cvr})"),
            None => format!("CVR {cvr}"),
        })
    }

    /// The counts line: scenarios, passed, failed (undefined too), skipped, flaky, exit
    /// code; `strong` marks the main numbers up in the writer's format.
    pub fn counts(&self, strong: impl Fn(usize) -> String) -> String {
        let (run, w) = (self.run, self.words());
        let flaky = match run.flaky() {
            0 => String::new(),
            k => words::n(w.flaky_count, k),
        };
        words::fill(
            w.counts,
            &[
                ("total", &strong(run.scenarios().count())),
                ("passed", &strong(run.count(Status::Passed))),
                (
                    "failed",
                    &strong(run.count(Status::Failed) + run.count(Status::Undefined)),
                ),
                ("skipped", &run.count(Status::Skipped).to_string()),
                ("flaky", &flaky),
                ("exit", &self.exit.code().to_string()),
            ],
        )
    }

    /// The selection as given: the command line's, else "all scenarios".
    pub fn selection(&self) -> String {
        if self.about.given.trim().is_empty() {
            self.words().all_scenarios.to_string()
        } else {
            self.about.given.clone()
        }
    }
}

/// One row of the services × results matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceRow {
    /// `SF1520`, or [`NO_SERVICE`] for scenarios without an SF tag.
    pub service: String,
    pub total: usize,
    pub passed: usize,
    /// The target answered and broke the contract.
    pub contract: usize,
    /// No answer: connection, TLS, time-out.
    pub transport: usize,
    /// The suite is wrong: undefined step, unresolved alias.
    pub input: usize,
    pub skipped: usize,
    /// Passed only after a retry.
    pub flaky: usize,
}

/// The row label of scenarios without a service tag.
pub const NO_SERVICE: &str = "(no service tag)";

/// A service's result; the worst outcome wins, as for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowVerdict {
    Passed,
    Broken,
    NotReached,
    SuiteError,
    Skipped,
    NotTested,
}

impl RowVerdict {
    /// The word in the report's language, upper case.
    pub fn word(self, w: &words::Words) -> &'static str {
        match self {
            RowVerdict::Passed => w.r_passed,
            RowVerdict::Broken => w.r_broken,
            RowVerdict::NotReached => w.r_unreached,
            RowVerdict::SuiteError => w.r_suite,
            RowVerdict::Skipped => w.r_skipped,
            RowVerdict::NotTested => w.r_untested,
        }
    }
}

impl ServiceRow {
    pub fn verdict(&self) -> RowVerdict {
        if self.total == 0 {
            RowVerdict::NotTested
        } else if self.input > 0 {
            RowVerdict::SuiteError
        } else if self.contract > 0 {
            RowVerdict::Broken
        } else if self.transport > 0 {
            RowVerdict::NotReached
        } else if self.passed == 0 {
            RowVerdict::Skipped
        } else {
            RowVerdict::Passed
        }
    }
}

/// Services × results. A scenario tagged with two services counts for both. Services the
/// selection named but no scenario covers get an empty row (`not tested`).
pub fn service_matrix(run: &RunResult, named: &[String]) -> Vec<ServiceRow> {
    let mut rows: Vec<ServiceRow> = Vec::new();
    let mut row = |svc: &str| -> usize {
        match rows.iter().position(|r| r.service == svc) {
            Some(i) => i,
            None => {
                rows.push(ServiceRow {
                    service: svc.to_string(),
                    ..Default::default()
                });
                rows.len() - 1
            }
        }
    };
    let mut indices = Vec::new();
    for (_, s) in run.scenarios() {
        let mut services = crate::runner::selection::services_of(&s.tags);
        if services.is_empty() {
            services.push(NO_SERVICE.to_string());
        }
        for svc in services {
            indices.push((row(&svc), s));
        }
    }
    for svc in named {
        row(svc);
    }
    for (i, s) in indices {
        let r = &mut rows[i];
        r.total += 1;
        if s.is_flaky() {
            r.flaky += 1;
        }
        match Outcome::of(s) {
            Outcome::Passed => r.passed += 1,
            Outcome::Skipped => r.skipped += 1,
            Outcome::Failed { kind, .. } => match kind {
                FailureKind::Contract => r.contract += 1,
                FailureKind::Transport => r.transport += 1,
                FailureKind::Input => r.input += 1,
            },
            Outcome::Undefined { .. } => r.input += 1,
        }
    }
    rows.sort_by(|a, b| {
        (a.service == NO_SERVICE, &a.service).cmp(&(b.service == NO_SERVICE, &b.service))
    });
    rows
}

/// The run's verdict in words (the word and a sentence), from its exit code, for the
/// evidence reports' headline.
pub fn verdict(exit: ExitCode, scenarios: usize, w: &words::Words) -> (&'static str, &'static str) {
    if scenarios == 0 {
        return w.v_none;
    }
    match exit {
        ExitCode::Passed => w.v_passed,
        ExitCode::ContractFailed => w.v_broken,
        ExitCode::Usage => w.v_suite,
        ExitCode::Unreachable => w.v_unreached,
    }
}

/// What a run against this kind of target proves, in the report's words (the banner).
pub fn proves(ev: &Evidence<'_>) -> String {
    use crate::targets::target::TargetKind;
    let w = ev.words();
    let t = &ev.context.target;
    match t.kind() {
        TargetKind::EmbeddedMock => w.proves_mock.to_string(),
        TargetKind::LocalMock => words::fill(w.proves_served, &[("url", &t.base_url)]),
        TargetKind::Remote => {
            let agreements: Vec<&str> = ev.agreements().iter().map(|(s, _)| *s).collect();
            if agreements.is_empty() {
                words::fill(
                    w.proves_remote_none,
                    &[("target", &t.name), ("url", &t.base_url)],
                )
            } else {
                words::fill(
                    w.proves_remote,
                    &[
                        ("target", &t.name),
                        ("url", &t.base_url),
                        ("agreements", &agreements.join(", ")),
                    ],
                )
            }
        }
    }
}

/// `2025-06-01 12:34:56 UTC`.
pub fn utc(t: time::OffsetDateTime) -> String {
    format!("{} UTC", iso_utc(t).replacen('T', " ", 1))
}

/// `2025-06-01T12:34:56`, in UTC (JUnit's timestamp).
pub fn iso_utc(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Errors from reading existing reports (merging shard results).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("could not read the report {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a JUnit XML report that can be merged: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error("could not write the merged report: {0}")]
    Write(#[from] std::io::Error),
}

crate::input_error!(ReportError);

/// How a scenario ended, as every report shows it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    Passed,
    Skipped,
    /// At least one step failed. `step` is the first failed step.
    Failed {
        step: Option<&'a StepResult>,
        failure: Option<&'a StepFailure>,
        kind: FailureKind,
    },
    /// No step failed, but a step has no definition. `step` is the first such step.
    Undefined {
        step: Option<&'a StepResult>,
        failure: Option<&'a StepFailure>,
    },
}

impl<'a> Outcome<'a> {
    pub(crate) fn of(scenario: &'a ScenarioResult) -> Self {
        match scenario.status() {
            Status::Passed => Outcome::Passed,
            Status::Skipped => Outcome::Skipped,
            Status::Failed => {
                let step = scenario.steps.iter().find(|s| s.status == Status::Failed);
                let failure = step
                    .and_then(|s| s.failure.as_ref())
                    .or_else(|| scenario.failure());
                Outcome::Failed {
                    step,
                    failure,
                    // A failed step without a recorded cause is treated as a contract breach:
                    // it is the only kind that does not claim to know better.
                    kind: failure.map_or(FailureKind::Contract, |f| f.kind),
                }
            }
            Status::Undefined => {
                let step = scenario
                    .steps
                    .iter()
                    .find(|s| s.status == Status::Undefined);
                let failure = step
                    .and_then(|s| s.failure.as_ref())
                    .or_else(|| scenario.failure());
                Outcome::Undefined { step, failure }
            }
        }
    }
}

/// `contract`, `transport` or `input`: the `type` used in reports.
pub(crate) fn kind_str(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::Contract => "contract",
        FailureKind::Transport => "transport",
        FailureKind::Input => "input",
    }
}

/// The feature path with `/` separators, whatever the platform.
pub(crate) fn path_str(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `Givet en kendt borger (line 12)`.
pub(crate) fn step_label(step: &StepResult) -> String {
    let keyword = step.keyword.trim_end();
    if keyword.is_empty() {
        format!("{} (line {})", step.text, step.line)
    } else {
        format!("{keyword} {} (line {})", step.text, step.line)
    }
}

/// The first non-blank line of a message, trimmed.
pub(crate) fn first_line(message: &str) -> &str {
    message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// The headline of a non-passing scenario: the first line of the failure message, or a
/// sentence built from the step when the model has no message.
pub(crate) fn headline(outcome: &Outcome<'_>) -> String {
    let (step, failure, undefined) = match *outcome {
        Outcome::Failed { step, failure, .. } => (step, failure, false),
        Outcome::Undefined { step, failure } => (step, failure, true),
        Outcome::Passed | Outcome::Skipped => return String::new(),
    };
    let line = failure.map(|f| first_line(&f.message)).unwrap_or("");
    if !line.is_empty() {
        return line.to_string();
    }
    match (step, undefined) {
        (Some(s), true) => format!("No step definition matches: {}", step_label(s)),
        (Some(s), false) => format!("Step failed: {}", step_label(s)),
        (None, true) => "A step has no definition".to_string(),
        (None, false) => "A step failed".to_string(),
    }
}

/// The full text of a failure: the step, the message and the diff.
pub(crate) fn failure_text(outcome: &Outcome<'_>) -> String {
    let (step, failure) = match *outcome {
        Outcome::Failed { step, failure, .. } | Outcome::Undefined { step, failure } => {
            (step, failure)
        }
        Outcome::Passed | Outcome::Skipped => return String::new(),
    };
    let mut text = String::new();
    if let Some(step) = step {
        text.push_str("Step: ");
        text.push_str(&step_label(step));
        text.push('\n');
    }
    match failure {
        Some(f) => {
            let message = f.message.trim_end();
            if message.is_empty() {
                text.push_str(&headline(outcome));
            } else {
                text.push_str(message);
            }
            text.push('\n');
            if let Some(diff) = f.diff.as_deref().map(str::trim_end) {
                if !diff.is_empty() {
                    text.push('\n');
                    text.push_str(diff);
                    text.push('\n');
                }
            }
        }
        None => {
            text.push_str(&headline(outcome));
            text.push('\n');
        }
    }
    text
}

/// Removes ANSI terminal escape sequences (`ESC [ ... letter`), which mean nothing in a
/// file report.
pub(crate) fn strip_ansi(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\u{1b}') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Seconds with three decimals, as JUnit wants them.
pub(crate) fn secs3(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_ansi_removes_colour_codes() {
        assert_eq!(strip_ansi("\u{1b}[31mrød\u{1b}[0m tekst"), "rød tekst");
        assert_eq!(strip_ansi("uden"), "uden");
    }

    #[test]
    fn first_line_skips_blank_lines() {
        assert_eq!(first_line("\n  første linje  \nanden"), "første linje");
        assert_eq!(first_line(""), "");
    }
}
