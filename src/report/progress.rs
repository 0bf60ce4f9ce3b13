//! A one-line progress display for long runs on a terminal:
//!
//! ```text
//! [12/40] 11 passed, 1 failed, 1 flaky · 34.2 s
//! ```
//!
//! It is redrawn in place (carriage return + erase line) after each scenario, cleared before
//! anything else is printed, and never shown when stdout is not a terminal (CI logs, pipes,
//! files), so logs only ever hold the scenario lines. Colour follows the console's choice,
//! which honours `NO_COLOR`.

use std::io::Write;
use std::time::Instant;

use crate::runner::model::{ScenarioResult, Status};

pub struct Progress {
    enabled: bool,
    color: bool,
    total: usize,
    done: usize,
    failed: usize,
    flaky: usize,
    started: Instant,
    shown: bool,
}

const ERASE_LINE: &str = "\r\u{1b}[2K";

impl Progress {
    /// `is_tty`: whether stdout is a terminal; `color`: [`crate::report::color_wanted`]. A run of one
    /// scenario needs no progress.
    pub fn new(total: usize, is_tty: bool, color: bool) -> Progress {
        Progress {
            enabled: is_tty && total > 1,
            color,
            total,
            done: 0,
            failed: 0,
            flaky: 0,
            started: Instant::now(),
            shown: false,
        }
    }

    /// Remove the progress line, if one is shown, so the next output starts on a clean line.
    pub fn clear(&mut self, out: &mut dyn Write) {
        if self.shown {
            let _ = out.write_all(ERASE_LINE.as_bytes());
            let _ = out.flush();
            self.shown = false;
        }
    }

    /// Count a finished scenario and draw the line.
    pub fn finished(&mut self, out: &mut dyn Write, r: &ScenarioResult) {
        self.done += 1;
        if matches!(r.status(), Status::Failed | Status::Undefined) {
            self.failed += 1;
        }
        if r.is_flaky() {
            self.flaky += 1;
        }
        if !self.enabled || self.done >= self.total {
            return;
        }
        let line = crate::evidence::redact::text(&self.line());
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
        self.shown = true;
    }

    fn line(&self) -> String {
        let passed = self.done - self.failed;
        let failed = if self.failed > 0 && self.color {
            format!("\u{1b}[31m{} failed\u{1b}[0m", self.failed)
        } else {
            format!("{} failed", self.failed)
        };
        let flaky = if self.flaky > 0 {
            format!(", {} flaky", self.flaky)
        } else {
            String::new()
        };
        format!(
            "{ERASE_LINE}[{}/{}] {passed} passed, {failed}{flaky} · {:.1} s",
            self.done,
            self.total,
            self.started.elapsed().as_secs_f64()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::model::StepResult;
    use std::time::Duration;

    fn result(status: Status) -> ScenarioResult {
        ScenarioResult {
            name: "x".into(),
            line: 1,
            tags: vec![],
            steps: vec![StepResult {
                keyword: "Så ".into(),
                text: "x".into(),
                line: 1,
                status,
                duration: Duration::ZERO,
                failure: None,
                argument: None,
            }],
            duration: Duration::ZERO,
            earlier_attempts: vec![],
            warnings: vec![],
        }
    }

    #[test]
    fn silent_when_not_a_terminal() {
        let mut out = Vec::new();
        let mut p = Progress::new(5, false, false);
        p.finished(&mut out, &result(Status::Passed));
        p.clear(&mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn draws_and_clears_on_a_terminal_without_colour_when_asked() {
        let mut out = Vec::new();
        let mut p = Progress::new(3, true, false);
        p.finished(&mut out, &result(Status::Passed));
        p.finished(&mut out, &result(Status::Failed));
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("[2/3] 1 passed, 1 failed"), "{text:?}");
        assert!(!text.contains("\u{1b}[31m"), "NO_COLOR: no colour codes");
        out.clear();
        p.clear(&mut out);
        assert_eq!(String::from_utf8(out).unwrap(), ERASE_LINE);

        let mut out = Vec::new();
        let mut p = Progress::new(3, true, true);
        p.finished(&mut out, &result(Status::Failed));
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("\u{1b}[31m1 failed"));
    }
}
