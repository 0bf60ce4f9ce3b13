//! The doctor's findings and its report: KOMBIT's four onboarding [`Stage`]s, one
//! [`Finding`] per fact (where a step stands and what to do next), and the [`DoctorReport`]
//! that prints them under their steps and decides the exit code. Every text is redacted as
//! it enters a finding, and the rendered report once more as a whole.

use crate::error::ExitCode;

/// KOMBIT's onboarding steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Connected = 1,
    Requested = 2,
    Approved = 3,
    CallsGoThrough = 4,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Connected,
        Stage::Requested,
        Stage::Approved,
        Stage::CallsGoThrough,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Stage::Connected => {
                "The it-system is connected with its certificate (Administrationsmodul)"
            }
            Stage::Requested => "A serviceaftale is requested for each service",
            Stage::Approved => "The municipality has approved each serviceaftale",
            Stage::CallsGoThrough => "Calls go through",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    /// The step is not done; `Finding::exit` says which exit code it means.
    Fail,
    /// Not checked (an earlier check failed), or nothing to check.
    Info,
}

/// One line of the doctor's report.
#[derive(Debug, Clone)]
pub struct Finding {
    pub stage: Stage,
    pub level: Level,
    pub what: String,
    /// Facts under the line (subject, fingerprint, the platform's fault text, ...).
    pub details: Vec<String>,
    /// What to do next, in plain words.
    pub next: Option<String>,
    /// For `Level::Fail`: the exit code this finding means (see [`DoctorReport::exit_code`]).
    pub exit: ExitCode,
}

impl Finding {
    fn new(stage: Stage, level: Level, what: impl Into<String>) -> Finding {
        Finding {
            stage,
            level,
            what: crate::evidence::redact::text(&what.into()),
            details: Vec::new(),
            next: None,
            exit: ExitCode::Passed,
        }
    }
    pub(super) fn ok(stage: Stage, what: impl Into<String>) -> Finding {
        Finding::new(stage, Level::Ok, what)
    }
    pub(super) fn warn(stage: Stage, what: impl Into<String>) -> Finding {
        Finding::new(stage, Level::Warn, what)
    }
    pub(super) fn info(stage: Stage, what: impl Into<String>) -> Finding {
        Finding::new(stage, Level::Info, what)
    }
    pub(super) fn fail(stage: Stage, exit: ExitCode, what: impl Into<String>) -> Finding {
        let mut f = Finding::new(stage, Level::Fail, what);
        f.exit = exit;
        f
    }
    pub(super) fn detail(mut self, d: impl Into<String>) -> Finding {
        self.details.push(crate::evidence::redact::text(&d.into()));
        self
    }
    pub(super) fn next(mut self, n: impl Into<String>) -> Finding {
        self.next = Some(crate::evidence::redact::text(&n.into()));
        self
    }
}

#[derive(Debug, Clone)]
pub struct DoctorReport {
    pub target: String,
    pub base_url: String,
    pub production: bool,
    pub findings: Vec<Finding>,
}

impl DoctorReport {
    /// As for `run`: 2 (our side is wrong) wins over 1 (the platform answered no), which
    /// wins over 3 (could not get through); 0 when nothing failed.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::worst(
            self.findings
                .iter()
                .filter(|f| f.level == Level::Fail)
                .map(|f| f.exit),
        )
    }

    /// The report as text; `color` adds terminal colours to the marks.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, s: &str| {
            if color {
                format!("\u{1b}[{code}m{s}\u{1b}[0m")
            } else {
                s.to_string()
            }
        };
        let mut out = format!(
            "sp-contract doctor — target '{}' ({})\n",
            self.target, self.base_url
        );
        if self.production {
            out.push_str("Production target: the doctor only makes read calls.\n");
        }
        for stage in Stage::ALL {
            out.push_str(&format!(
                "\nStep {} of 4: {}\n",
                stage as u8,
                paint("1", stage.title())
            ));
            let here: Vec<&Finding> = self.findings.iter().filter(|f| f.stage == stage).collect();
            if here.is_empty() {
                out.push_str(&format!("  {} nothing to check\n", paint("2", "·")));
            }
            for f in here {
                let mark = match f.level {
                    Level::Ok => paint("32", "✔"),
                    Level::Warn => paint("33", "⚠"),
                    Level::Fail => paint("31", "✘"),
                    Level::Info => paint("2", "·"),
                };
                out.push_str(&format!("  {mark} {}\n", f.what));
                for d in &f.details {
                    for line in d.lines() {
                        out.push_str(&format!("      {line}\n"));
                    }
                }
                if let Some(n) = &f.next {
                    out.push_str(&format!("      → {n}\n"));
                }
            }
        }
        let code = self.exit_code();
        let summary = match code {
            ExitCode::Passed => {
                if self.findings.iter().any(|f| f.level == Level::Warn) {
                    "All steps are done, with warnings above.".to_string()
                } else {
                    "All steps are done: calls go through.".to_string()
                }
            }
            ExitCode::ContractFailed => {
                "The platform answered, and refused: an onboarding step is not done yet (see → above).".into()
            }
            ExitCode::Usage => "Something on our side must be fixed first (see → above).".into(),
            ExitCode::Unreachable => {
                "The target could not be reached, or refused the connection (see → above).".into()
            }
        };
        out.push_str(&format!("\n{summary} (exit code {})\n", code.code()));
        // The one exit of everything the doctor prints: findings quote what servers said.
        crate::evidence::redact::text(&out)
    }
}
