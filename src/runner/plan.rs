//! The plan: the scenarios a run will execute, each with its steps, as the features
//! described them (outlines expanded, backgrounds prepended, tags inherited).

use crate::gherkin::StepType;
use crate::runner::selection::Tag;

/// One runnable scenario (an outline expands to one per example row).
///
/// Names, paths and tags are the run model's: CPR numbers in them are masked here, once,
/// so no report or snapshot name can show one. Step texts keep theirs (steps need them).
#[derive(Debug, Clone)]
pub struct PlannedScenario {
    pub feature_index: usize,
    pub feature_rel: String,
    pub feature_name: String,
    pub name: String,
    pub line: usize,
    /// With `@`, feature + rule + scenario + examples tags.
    pub tags: Vec<String>,
    pub steps: Vec<PlannedStep>,
    /// Said in the console and the reports, without failing the scenario (e.g. no Så-step).
    pub warnings: Vec<String>,
}

impl PlannedScenario {
    /// Whether the scenario carries `tag` (compared as [`Tag`]s: without case).
    pub fn has_tag(&self, tag: &str) -> bool {
        let want = Tag::new(tag);
        self.tags.iter().any(|x| Tag::new(x) == want)
    }

    /// The snapshot files the scenario's snapshot steps would use.
    pub fn snapshot_names(&self) -> Vec<String> {
        let texts: Vec<&str> = self.steps.iter().map(|s| s.text.as_str()).collect();
        crate::runner::steps::generic::planned_snapshot_names(
            &self.feature_stem(),
            &self.name,
            &texts,
        )
    }

    /// `cpr/opslag` for `cpr/opslag.feature`.
    pub fn feature_stem(&self) -> String {
        self.feature_rel
            .strip_suffix(".feature")
            .unwrap_or(&self.feature_rel)
            .to_string()
    }
}

#[derive(Debug, Clone)]
pub struct PlannedStep {
    pub keyword: String,
    pub ty: StepType,
    pub text: String,
    pub line: usize,
    pub docstring: Option<String>,
    pub table: Option<Vec<Vec<String>>>,
}
