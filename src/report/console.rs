//! The console report: one line per scenario while the run goes on, details for the
//! scenarios that did not pass, and a summary.
//!
//! ```text
//! ✔ cpr/opslag.feature:4  Kendt borger: fulde stamdata  (0.12 s)
//! ✘ cpr/opslag.feature:11  Ukendt borger  (0.30 s)
//!     ✔ Givet et CPR-nummer der ikke findes (line 12)
//!     ✘ Så svarer servicen med fejlkode 404 (line 13)
//!         The answer broke the contract.
//!         Expected status 404, got 200.
//!
//!         --- approved
//!         +++ actual
//!         ...
//!     - Og fejlteksten er på dansk (line 14)  (not run)
//!
//! 2 scenarios: 1 passed, 1 failed, 0 skipped, 0 undefined (0.42 s)
//! 1 passed, 1 failed
//! ```
//!
//! The last line has exactly the form `N passed, N failed` (then `, N undefined` and
//! `, N skipped` when there are any) and never carries colour codes: CI jobs read it. It
//! counts as the line above does: a scenario with an undefined step is `undefined` in both.

use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use crate::runner::model::{FailureKind, FeatureResult, RunResult, ScenarioResult, Status};

use crate::report::{path_str, step_label, strip_ansi, Outcome};

/// Whether to colour the console: only on a terminal, and not when `NO_COLOR` is set to
/// anything non-empty (<https://no-color.org>).
pub fn color_wanted(is_tty: bool) -> bool {
    color_wanted_with(is_tty, std::env::var_os("NO_COLOR").as_deref())
}

fn color_wanted_with(is_tty: bool, no_color: Option<&OsStr>) -> bool {
    is_tty && no_color.is_none_or(|v| v.is_empty())
}

/// What the console needs to know about the feature a scenario belongs to; build it from
/// a [`FeatureResult`] or from the feature's name and path while the feature is running.
#[derive(Debug, Clone, Copy)]
pub struct FeatureRef<'a> {
    pub name: &'a str,
    /// Relative to the features folder (`cpr/opslag.feature`).
    pub path: &'a Path,
}

impl<'a> From<&'a FeatureResult> for FeatureRef<'a> {
    fn from(f: &'a FeatureResult) -> Self {
        FeatureRef {
            name: &f.name,
            path: &f.path,
        }
    }
}

/// Writes the console report to the writer given at construction.
pub struct ConsoleReporter<'w> {
    out: Box<dyn Write + Send + 'w>,
    color: bool,
}

const GREEN: &str = "\u{1b}[32m";
const RED: &str = "\u{1b}[31m";
const YELLOW: &str = "\u{1b}[33m";
const CYAN: &str = "\u{1b}[36m";
const BOLD: &str = "\u{1b}[1m";
const DIM: &str = "\u{1b}[2m";
const RESET: &str = "\u{1b}[0m";

impl<'w> ConsoleReporter<'w> {
    /// `color`: use [`color_wanted`] unless the user chose.
    pub fn new(out: impl Write + Send + 'w, color: bool) -> Self {
        ConsoleReporter {
            out: Box::new(out),
            color,
        }
    }

    fn paint(&self, style: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    /// One line for the scenario; for a scenario that failed or has an undefined step,
    /// every step, with the message and the diff under the step that went wrong.
    pub fn scenario_finished<'f>(
        &mut self,
        feature: impl Into<FeatureRef<'f>>,
        scenario: &ScenarioResult,
    ) -> io::Result<()> {
        let feature = feature.into();
        let outcome = Outcome::of(scenario);
        let (symbol, style) = mark(scenario.status());
        let mut text = format!(
            "{} {}  {}  {}{}\n",
            self.paint(style, symbol),
            self.paint(
                DIM,
                &plain(&format!("{}:{}", path_str(feature.path), scenario.line))
            ),
            self.paint(BOLD, &one_line(&scenario.name)),
            self.paint(DIM, &format!("({})", secs(scenario.duration))),
            self.retry_note(scenario),
        );
        if scenario.is_flaky() {
            for (i, f) in scenario.earlier_attempts.iter().enumerate() {
                text.push_str(&self.indented(
                    &format!(
                        "attempt {} failed: {}",
                        i + 1,
                        plain(crate::report::first_line(&f.message))
                    ),
                    4,
                ));
            }
        }

        for w in &scenario.warnings {
            text.push_str(&self.indented(&format!("warning: {}", plain(w)), 4));
        }

        if matches!(outcome, Outcome::Failed { .. } | Outcome::Undefined { .. }) {
            let (culprit, failure, kind) = match outcome {
                Outcome::Failed {
                    step,
                    failure,
                    kind,
                } => (step, failure, Some(kind)),
                Outcome::Undefined { step, failure } => (step, failure, None),
                _ => unreachable!(),
            };
            for step in &scenario.steps {
                let (symbol, style) = mark(step.status);
                let mut line = format!(
                    "    {} {}",
                    self.paint(style, symbol),
                    plain(&step_label(step))
                );
                match step.status {
                    Status::Skipped => line.push_str(&self.paint(DIM, "  (not run)")),
                    Status::Undefined => {
                        line.push_str(&self.paint(YELLOW, "  (unknown step)"));
                    }
                    _ => {}
                }
                text.push_str(&line);
                text.push('\n');

                let is_culprit = culprit.is_some_and(|c| std::ptr::eq(c, step));
                if !is_culprit {
                    continue;
                }
                let why = match kind {
                    Some(FailureKind::Contract) => "The answer broke the contract.",
                    Some(FailureKind::Transport) => {
                        "No answer from the service: it could not be reached or refused the call (connection, certificate, time-out, redirect or gateway page)."
                    }
                    Some(FailureKind::Input) => "The test suite or its configuration needs to be fixed.",
                    None => "This step is not known: check the wording, or add a step definition.",
                };
                text.push_str(&self.indented(&self.paint(style, why), 8));
                if let Some(failure) = failure {
                    let message = plain(&failure.message);
                    let message = message.trim_end();
                    if !message.is_empty() {
                        text.push_str(&self.indented(message, 8));
                    }
                    if let Some(diff) = failure.diff.as_deref().map(plain) {
                        let diff = diff.trim_end();
                        if !diff.is_empty() {
                            text.push('\n');
                            text.push_str(&self.diff(diff, 8));
                        }
                    }
                }
            }
        }
        self.out
            .write_all(crate::evidence::redact::text(&text).as_bytes())?;
        self.out.flush()
    }

    /// Totals, the scenarios that need attention, and the final `N passed, N failed` line.
    pub fn summary(&mut self, run: &RunResult) -> io::Result<()> {
        let total = run.scenarios().count();
        let passed = run.count(Status::Passed);
        let failed = run.count(Status::Failed);
        let skipped = run.count(Status::Skipped);
        let undefined = run.count(Status::Undefined);

        let mut text = String::from("\n");

        let attention: Vec<_> = run
            .scenarios()
            .filter(|(_, s)| matches!(s.status(), Status::Failed | Status::Undefined))
            .collect();
        if !attention.is_empty() {
            text.push_str(&self.paint(BOLD, "Scenarios that did not pass:"));
            text.push('\n');
            for (f, s) in &attention {
                let (symbol, style) = mark(s.status());
                text.push_str(&format!(
                    "  {} {}:{}  {}\n",
                    self.paint(style, symbol),
                    plain(&path_str(&f.path)),
                    s.line,
                    one_line(&s.name)
                ));
            }
            text.push('\n');
        }

        let counts = format!(
            "{total} {}: {}, {}, {}, {} ({})",
            if total == 1 { "scenario" } else { "scenarios" },
            self.paint(
                if passed > 0 { GREEN } else { "" },
                &format!("{passed} passed")
            ),
            self.paint(
                if failed > 0 { RED } else { "" },
                &format!("{failed} failed")
            ),
            self.paint(
                if skipped > 0 { YELLOW } else { "" },
                &format!("{skipped} skipped")
            ),
            self.paint(
                if undefined > 0 { YELLOW } else { "" },
                &format!("{undefined} undefined")
            ),
            secs(run.duration),
        );
        text.push_str(&counts);
        text.push('\n');
        let flaky = run.flaky();
        if flaky > 0 {
            text.push_str(&format!(
                "{} passed only after a retry for a transient network failure (flaky).\n",
                self.paint(YELLOW, &format!("{flaky} flaky"))
            ));
        }

        if failed > 0 {
            let (mut contract, mut transport, mut input) = (0usize, 0usize, 0usize);
            for (_, s) in run.scenarios() {
                match Outcome::of(s) {
                    Outcome::Failed {
                        kind: FailureKind::Contract,
                        ..
                    } => contract += 1,
                    Outcome::Failed {
                        kind: FailureKind::Transport,
                        ..
                    } => transport += 1,
                    Outcome::Failed {
                        kind: FailureKind::Input,
                        ..
                    } => input += 1,
                    _ => {}
                }
            }
            let parts: Vec<String> = [
                (contract, "broke the contract"),
                (transport, "could not reach the service"),
                (input, "stopped on a problem in the test suite"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            text.push_str(&format!("Of the {failed} failed: {}.\n", parts.join(", ")));
        }

        // The machine-readable last line: plain, always, and counting as the line above.
        text.push_str(&format!("{passed} passed, {failed} failed"));
        if undefined > 0 {
            text.push_str(&format!(", {undefined} undefined"));
        }
        if skipped > 0 {
            text.push_str(&format!(", {skipped} skipped"));
        }
        text.push('\n');

        self.out
            .write_all(crate::evidence::redact::text(&text).as_bytes())?;
        self.out.flush()
    }

    /// `  flaky: passed on attempt 2 of 2` / `  (after 3 attempts)` for retried scenarios.
    fn retry_note(&self, scenario: &ScenarioResult) -> String {
        if scenario.earlier_attempts.is_empty() {
            String::new()
        } else if scenario.is_flaky() {
            format!(
                "  {}",
                self.paint(
                    YELLOW,
                    &format!(
                        "flaky: passed on attempt {} of {}",
                        scenario.attempts(),
                        scenario.attempts()
                    )
                )
            )
        } else {
            self.paint(DIM, &format!("  (after {} attempts)", scenario.attempts()))
        }
    }

    fn indented(&self, text: &str, by: usize) -> String {
        let pad = " ".repeat(by);
        let mut out = String::new();
        for line in text.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(&pad);
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    fn diff(&self, diff: &str, by: usize) -> String {
        let pad = " ".repeat(by);
        let mut out = String::new();
        for line in diff.lines() {
            let style = if line.starts_with("---") || line.starts_with("+++") {
                BOLD
            } else if line.starts_with("@@") {
                CYAN
            } else if line.starts_with('-') {
                RED
            } else if line.starts_with('+') {
                GREEN
            } else {
                ""
            };
            out.push_str(&pad);
            out.push_str(&self.paint(style, line));
            out.push('\n');
        }
        out
    }
}

fn mark(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Passed => ("✔", GREEN),
        Status::Failed => ("✘", RED),
        Status::Skipped => ("-", YELLOW),
        Status::Undefined => ("?", YELLOW),
    }
}

/// Seconds with two decimals: `0.42 s`.
fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// A name on one line, whatever it contains.
fn one_line(s: &str) -> String {
    plain(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text from the run (which may quote what a service answered) without terminal control
/// sequences or control characters other than newline and tab, so it cannot move the
/// cursor, change colours or clear the screen.
fn plain(s: &str) -> String {
    strip_ansi(s)
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_over_a_terminal() {
        assert!(color_wanted_with(true, None));
        assert!(color_wanted_with(true, Some(OsStr::new(""))));
        assert!(!color_wanted_with(true, Some(OsStr::new("1"))));
        assert!(!color_wanted_with(false, None));
    }
}
