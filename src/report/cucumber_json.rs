//! Cucumber JSON: the format the Jenkins Cucumber plugin and `cucumber-reporting` read.
//!
//! An array of features; every scenario is an element of `type` `scenario`; step results
//! carry `status` (`passed`, `failed`, `skipped`, `undefined`) and `duration` in
//! nanoseconds. `id`s are slugs (`kendt-borger` / `kendt-borger;fulde-stamdata`), made
//! unique within the file by appending `-2`, `-3`...
//!
//! The run model records no keyword for features and scenarios, so the Danish ones are
//! used (`Egenskab`, `Scenarie`), and no line for tags: a tag is reported on the line just
//! above the feature or scenario it belongs to (where Gherkin tags usually stand; tags the
//! scenario inherits from its feature get the feature's).

use std::collections::{HashMap, HashSet};
use std::io::Write;

use serde::Serialize;

use crate::runner::model::{
    FeatureResult, RunResult, ScenarioResult, Status, StepArgument, StepResult,
};

use crate::core::text::slug;
use crate::report::path_str;

#[derive(Serialize)]
struct Feature<'a> {
    uri: String,
    id: String,
    keyword: &'static str,
    name: &'a str,
    description: &'static str,
    line: usize,
    tags: Vec<Tag<'a>>,
    elements: Vec<Element<'a>>,
}

#[derive(Serialize)]
struct Tag<'a> {
    name: &'a str,
    line: usize,
}

#[derive(Serialize)]
struct Element<'a> {
    id: String,
    keyword: &'static str,
    name: &'a str,
    /// The scenario's warnings (e.g. no Så-step): the format has no field for them, and
    /// the description is what report plugins show under the name.
    description: String,
    line: usize,
    #[serde(rename = "type")]
    kind: &'static str,
    tags: Vec<Tag<'a>>,
    steps: Vec<Step<'a>>,
}

#[derive(Serialize)]
struct Step<'a> {
    keyword: &'a str,
    name: &'a str,
    line: usize,
    /// Cucumber's `doc_string` and `rows`: what the step asserted below its line.
    #[serde(skip_serializing_if = "Option::is_none")]
    doc_string: Option<DocString<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<Vec<Row<'a>>>,
    result: StepOutcome,
}

#[derive(Serialize)]
struct DocString<'a> {
    value: &'a str,
}

#[derive(Serialize)]
struct Row<'a> {
    cells: &'a [String],
}

#[derive(Serialize)]
struct StepOutcome {
    status: &'static str,
    duration: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

/// The writer's one choke point: every string in the report through [`crate::evidence::redact::text`].
fn mask_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = crate::evidence::redact::text(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(mask_strings),
        serde_json::Value::Object(o) => o.values_mut().for_each(mask_strings),
        _ => {}
    }
}

/// Writes the run as Cucumber JSON.
pub fn write_cucumber_json(run: &RunResult, out: &mut dyn Write) -> std::io::Result<()> {
    let mut ids = Ids::default();
    let features: Vec<Feature<'_>> = run.features.iter().map(|f| feature(f, &mut ids)).collect();
    // Every string is masked, not the finished text: a duration in nanoseconds can look
    // like a CPR number, and masking it would break the JSON.
    let mut value = serde_json::to_value(&features).map_err(std::io::Error::other)?;
    mask_strings(&mut value);
    serde_json::to_writer_pretty(&mut *out, &value).map_err(std::io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn feature<'a>(f: &'a FeatureResult, ids: &mut Ids) -> Feature<'a> {
    let base = non_empty(slug(&f.name, '-'), || {
        non_empty(slug(&path_str(&f.path), '-'), || "feature".to_string())
    });
    let id = unique(ids, base);
    let tag_line = f.line.saturating_sub(1).max(1);
    Feature {
        uri: path_str(&f.path),
        keyword: "Egenskab",
        name: &f.name,
        description: "",
        line: f.line,
        tags: f
            .tags
            .iter()
            .map(|t| Tag {
                name: t,
                line: tag_line,
            })
            .collect(),
        elements: f
            .scenarios
            .iter()
            .map(|s| element(f, s, &id, ids))
            .collect(),
        id,
    }
}

fn element<'a>(
    f: &'a FeatureResult,
    s: &'a ScenarioResult,
    feature_id: &str,
    ids: &mut Ids,
) -> Element<'a> {
    let base = format!(
        "{feature_id};{}",
        non_empty(slug(&s.name, '-'), || format!("line-{}", s.line))
    );
    let feature_tag_line = f.line.saturating_sub(1).max(1);
    let own_tag_line = s.line.saturating_sub(1).max(1);
    Element {
        id: unique(ids, base),
        keyword: "Scenarie",
        name: &s.name,
        description: s
            .warnings
            .iter()
            .map(|w| format!("Warning: {w}"))
            .collect::<Vec<_>>()
            .join("\n"),
        line: s.line,
        kind: "scenario",
        tags: s
            .tags
            .iter()
            .map(|t| Tag {
                name: t,
                line: if f.tags.contains(t) {
                    feature_tag_line
                } else {
                    own_tag_line
                },
            })
            .collect(),
        steps: s.steps.iter().map(step).collect(),
    }
}

fn step(s: &StepResult) -> Step<'_> {
    let error_message = match (&s.failure, s.status) {
        (Some(f), _) => {
            let mut m = f.message.trim_end().to_string();
            if let Some(diff) = f.diff.as_deref().map(str::trim_end) {
                if !diff.is_empty() {
                    m.push_str("\n\n");
                    m.push_str(diff);
                }
            }
            Some(m)
        }
        (None, Status::Undefined) => Some(format!("No step definition matches: {}", s.text)),
        (None, _) => None,
    };
    let (doc_string, rows) = match &s.argument {
        Some(StepArgument::DocString(value)) => (Some(DocString { value }), None),
        Some(StepArgument::Table(rows)) => {
            (None, Some(rows.iter().map(|r| Row { cells: r }).collect()))
        }
        None => (None, None),
    };
    Step {
        keyword: &s.keyword,
        name: &s.text,
        line: s.line,
        doc_string,
        rows,
        result: StepOutcome {
            status: s.status.as_str(),
            duration: u64::try_from(s.duration.as_nanos()).unwrap_or(u64::MAX),
            error_message,
        },
    }
}

fn non_empty(s: String, otherwise: impl FnOnce() -> String) -> String {
    if s.is_empty() {
        otherwise()
    } else {
        s
    }
}

/// Ids in use, and per base the next number to try: numbering stays linear when many
/// scenarios share a name.
#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

fn unique(ids: &mut Ids, base: String) -> String {
    if ids.used.insert(base.clone()) {
        return base;
    }
    let n = ids.next.entry(base.clone()).or_insert(2);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if ids.used.insert(id.clone()) {
            return id;
        }
    }
}
