//! The results of a run, shared by the runner and every report writer.
//!
//! Every string in here has already been through [`crate::evidence::redact`]: writers may
//! print them as they are.

use std::path::PathBuf;
use std::time::Duration;

/// Outcome of one step or one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Passed,
    Failed,
    /// Not run because an earlier step failed (or a dry run).
    Skipped,
    /// No step definition matches the text.
    Undefined,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Undefined => "undefined",
        }
    }
}

/// Why a step failed. Decides the process exit code (see `crate::error::ExitCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The target answered, and the answer broke the contract (exit 1).
    Contract,
    /// The target could not be reached or refused us before the contract could be judged:
    /// connection, TLS handshake, timeout (exit 3).
    Transport,
    /// The suite itself is wrong: an undefined step, an alias the target cannot resolve,
    /// a malformed table (exit 2).
    Input,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailure {
    pub kind: FailureKind,
    /// One paragraph naming the cause and what to do.
    pub message: String,
    /// A readable diff (snapshot or field mismatch), when there is one.
    pub diff: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StepResult {
    /// The keyword as written in the feature (`Givet `, `Når `, `Så `, `Og `...).
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub status: Status,
    pub duration: Duration,
    pub failure: Option<StepFailure>,
    /// The step's docstring or data table as written (masked), so reports show what was
    /// asserted, not only the step's first line.
    pub argument: Option<StepArgument>,
}

/// What a step carries below its line: a docstring or a data table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepArgument {
    DocString(String),
    Table(Vec<Vec<String>>),
}

impl StepArgument {
    /// The step's argument, masked (CPR numbers, registered secrets) cell by cell.
    pub fn of(docstring: Option<&str>, table: Option<&[Vec<String>]>) -> Option<Self> {
        let mask = crate::evidence::redact::text;
        if let Some(t) = table {
            return Some(StepArgument::Table(
                t.iter()
                    .map(|r| r.iter().map(|c| mask(c)).collect())
                    .collect(),
            ));
        }
        docstring.map(|d| StepArgument::DocString(mask(d)))
    }
}

#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// Scenario name; for an outline row, the name with the row's values appended, so
    /// every scenario name in a feature is unique (GitLab keys tests on classname + name).
    pub name: String,
    pub line: usize,
    /// Effective tags (feature + rule + scenario + examples), with the leading `@`.
    pub tags: Vec<String>,
    pub steps: Vec<StepResult>,
    /// Time of the attempt shown (the last one, when the scenario was retried).
    pub duration: Duration,
    /// Why each earlier attempt failed, when the scenario was run again after a transient
    /// network failure (`--retries`); empty when the first attempt is the result.
    pub earlier_attempts: Vec<StepFailure>,
    /// What the plan found doubtful without failing the scenario (e.g. it has no Så-step);
    /// the console and every report show them.
    pub warnings: Vec<String>,
}

impl ScenarioResult {
    /// How many times the scenario ran.
    pub fn attempts(&self) -> usize {
        self.earlier_attempts.len() + 1
    }

    /// Passed, but only after a retry: the network failed first (reported as flaky).
    pub fn is_flaky(&self) -> bool {
        !self.earlier_attempts.is_empty() && self.status() == Status::Passed
    }

    pub fn status(&self) -> Status {
        if self.steps.iter().any(|s| s.status == Status::Failed) {
            Status::Failed
        } else if self.steps.iter().any(|s| s.status == Status::Undefined) {
            Status::Undefined
        } else if !self.steps.is_empty() && self.steps.iter().all(|s| s.status == Status::Skipped) {
            Status::Skipped
        } else {
            Status::Passed
        }
    }

    /// The first failure, the one reports headline.
    pub fn failure(&self) -> Option<&StepFailure> {
        self.steps.iter().find_map(|s| s.failure.as_ref())
    }
}

#[derive(Debug, Clone)]
pub struct FeatureResult {
    pub name: String,
    /// Path relative to the features folder, with `/` separators (e.g. `cpr/opslag.feature`).
    pub path: PathBuf,
    pub line: usize,
    pub tags: Vec<String>,
    pub scenarios: Vec<ScenarioResult>,
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub target: String,
    pub started_at: time::OffsetDateTime,
    pub duration: Duration,
    pub features: Vec<FeatureResult>,
}

impl RunResult {
    pub fn scenarios(&self) -> impl Iterator<Item = (&FeatureResult, &ScenarioResult)> {
        self.features
            .iter()
            .flat_map(|f| f.scenarios.iter().map(move |s| (f, s)))
    }

    /// Scenarios that passed only after a retry.
    pub fn flaky(&self) -> usize {
        self.scenarios().filter(|(_, s)| s.is_flaky()).count()
    }

    pub fn count(&self, status: Status) -> usize {
        self.scenarios()
            .filter(|(_, s)| s.status() == status)
            .count()
    }
}
/// The facts around a run that make its report evidence: what was tested, against what,
/// with which certificate.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// The services the run knew (from the catalog): reports name them.
    pub known: crate::core::service::Known,
    /// The target as it was run against (for the mock: with its URL of this run).
    pub target: crate::targets::target::Target,
    /// The certificate presented (the target's `standard` identity), or why it could not be
    /// read for the report.
    pub certificate: Result<crate::targets::pki::CertInfo, String>,
    pub fingerprint: crate::evidence::fingerprint::Fingerprint,
    pub selection: crate::runner::selection::Selection,
    /// Services named by the selection that no scenario covers.
    pub uncovered: Vec<String>,
    pub retries: usize,
}
