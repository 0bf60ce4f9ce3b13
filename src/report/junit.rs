//! JUnit XML, in the dialect GitLab and Jenkins both read.
//!
//! ```xml
//! <testsuites name="sp-contract" tests failures errors skipped time>
//!   <testsuite name="<feature name>" tests failures errors skipped time timestamp>
//!     <properties>
//!       <property name="target" value="..."/>
//!       <property name="feature" value="cpr/opslag.feature"/>
//!     </properties>
//!     <testcase classname="cpr.opslag" name="<scenario name>" time="0.123">
//!       <failure message="first line" type="contract">step, message, diff</failure>
//!       <system-out>every step with its status, table and docstring</system-out>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! * One `<testsuite>` per feature, one `<testcase>` per scenario.
//! * `classname` is the feature path without `.feature`, with `.` between folders
//!   (`cpr/opslag.feature` → `cpr.opslag`); characters other than letters, digits, `-`
//!   and `_` become `_`.
//! * `classname` + `name` is unique in the file: GitLab keys tests on it. A repeated name
//!   gets ` (2)`, ` (3)`, ... appended.
//! * Only a contract breach is a `<failure>`; transport problems, suite problems and
//!   undefined steps are `<error>`s with `type` `transport`, `input` or `undefined`
//!   (see [`crate::report`]). A skipped scenario has `<skipped/>`.
//! * A scenario run again after a transient network failure (`--retries`) keeps each
//!   earlier attempt as `<flakyError>` (it passed in the end) or `<rerunError>` (it did
//!   not), as Maven Surefire and nextest write them, plus a line in `<system-out>`. GitLab
//!   and Jenkins count only `<failure>`/`<error>`, so a flaky pass stays a pass.
//! * `time` is in seconds with three decimals. `timestamp` is the run's start, in UTC,
//!   as `YYYY-MM-DDTHH:MM:SS` without offset (the form the Ant JUnit schema requires;
//!   the run model has no per-feature start time, so every suite carries the run's).
//! * Text is escaped (`& < > " '`), characters XML 1.0 forbids (control characters other
//!   than tab, CR, LF) and ANSI colour codes are removed; everything else, including
//!   `æøå`, is written as UTF-8.

use crate::core::xml::{Element, Node};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use crate::runner::model::{FailureKind, FeatureResult, RunResult, Status};

use crate::report::{
    failure_text, headline, kind_str, path_str, secs3, step_label, strip_ansi, Outcome, ReportError,
};

/// Writes the run as JUnit XML.
pub fn write_junit(run: &RunResult, out: &mut dyn Write) -> std::io::Result<()> {
    let timestamp = crate::report::iso_utc(run.started_at);
    let mut used = Names::default();
    let mut suites = String::new();
    let mut totals = Counts::default();

    for feature in &run.features {
        let (xml, counts) = feature_suite(run, feature, &timestamp, &mut used);
        suites.push_str(&xml);
        totals.add(&counts);
    }

    let mut doc = String::with_capacity(suites.len() + 256);
    doc.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    doc.push_str("<testsuites name=\"sp-contract\"");
    totals.push_attrs(&mut doc);
    push_attr(&mut doc, "time", &secs3(run.duration));
    doc.push_str(">\n");
    doc.push_str(&suites);
    doc.push_str("</testsuites>\n");
    out.write_all(crate::evidence::redact::text(&doc).as_bytes())?;
    out.flush()
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.tests += o.tests;
        self.failures += o.failures;
        self.errors += o.errors;
        self.skipped += o.skipped;
    }

    fn push_attrs(&self, doc: &mut String) {
        push_attr(doc, "tests", &self.tests.to_string());
        push_attr(doc, "failures", &self.failures.to_string());
        push_attr(doc, "errors", &self.errors.to_string());
        push_attr(doc, "skipped", &self.skipped.to_string());
    }
}

fn feature_suite(
    run: &RunResult,
    feature: &FeatureResult,
    timestamp: &str,
    used: &mut Names,
) -> (String, Counts) {
    let classname = classname(&feature.path);
    let mut counts = Counts::default();
    let mut time = std::time::Duration::ZERO;
    let mut cases = String::new();

    for scenario in &feature.scenarios {
        counts.tests += 1;
        time += scenario.duration;
        let name = unique_name(used, &classname, &clean(&scenario.name));
        let outcome = Outcome::of(scenario);

        cases.push_str("    <testcase");
        push_attr(&mut cases, "classname", &classname);
        push_attr(&mut cases, "name", &name);
        push_attr(&mut cases, "time", &secs3(scenario.duration));
        cases.push_str(">\n");

        match outcome {
            Outcome::Passed => {}
            Outcome::Skipped => {
                counts.skipped += 1;
                cases.push_str("      <skipped");
                push_attr(
                    &mut cases,
                    "message",
                    "not run (an earlier problem, a dry run or a filter)",
                );
                cases.push_str("/>\n");
            }
            Outcome::Failed { kind, .. } => {
                let element = if kind == FailureKind::Contract {
                    counts.failures += 1;
                    "failure"
                } else {
                    counts.errors += 1;
                    "error"
                };
                push_problem(&mut cases, element, kind_str(kind), &outcome);
            }
            Outcome::Undefined { .. } => {
                counts.errors += 1;
                push_problem(&mut cases, "error", "undefined", &outcome);
            }
        }

        // Surefire's and nextest's way of recording reruns: GitLab and Jenkins ignore what
        // they do not know, the flaky-test tools read it.
        let rerun = if scenario.is_flaky() {
            "flakyError"
        } else {
            "rerunError"
        };
        for f in &scenario.earlier_attempts {
            cases.push_str("      <");
            cases.push_str(rerun);
            push_attr(&mut cases, "message", crate::report::first_line(&f.message));
            push_attr(&mut cases, "type", kind_str(f.kind));
            cases.push('>');
            push_text(&mut cases, &f.message);
            cases.push_str("</");
            cases.push_str(rerun);
            cases.push_str(">\n");
        }

        let mut steps = format!(
            "Scenario: {} ({}:{})\n",
            scenario.name,
            path_str(&feature.path),
            scenario.line
        );
        if scenario.is_flaky() {
            steps.push_str(&format!(
                "Flaky: passed on attempt {} of {}; the earlier attempts failed on a transient network problem.\n",
                scenario.attempts(),
                scenario.attempts()
            ));
        } else if !scenario.earlier_attempts.is_empty() {
            steps.push_str(&format!(
                "Failed on all {} attempts.\n",
                scenario.attempts()
            ));
        }
        if !scenario.tags.is_empty() {
            steps.push_str("Tags: ");
            steps.push_str(&scenario.tags.join(" "));
            steps.push('\n');
        }
        for step in &scenario.steps {
            steps.push_str(&format!(
                "  {:<9} {}",
                step.status.as_str(),
                step_label(step)
            ));
            if matches!(step.status, Status::Passed | Status::Failed) {
                steps.push_str(&format!(" {} s", secs3(step.duration)));
            }
            steps.push('\n');
            // What the step asserted, as written (masked like everything else).
            for line in step
                .argument
                .iter()
                .flat_map(crate::report::argument::lines)
            {
                steps.push_str(&format!("              {line}\n"));
            }
        }
        for w in &scenario.warnings {
            steps.push_str(&format!("  warning: {w}\n"));
        }
        cases.push_str("      <system-out>");
        push_text(&mut cases, &steps);
        cases.push_str("</system-out>\n");
        cases.push_str("    </testcase>\n");
    }

    let mut xml = String::with_capacity(cases.len() + 512);
    xml.push_str("  <testsuite");
    push_attr(&mut xml, "name", &clean(&feature.name));
    counts.push_attrs(&mut xml);
    push_attr(&mut xml, "time", &secs3(time));
    push_attr(&mut xml, "timestamp", timestamp);
    xml.push_str(">\n    <properties>\n");
    for (name, value) in [
        ("target", run.target.as_str()),
        ("feature", &path_str(&feature.path)),
    ] {
        xml.push_str("      <property");
        push_attr(&mut xml, "name", name);
        push_attr(&mut xml, "value", value);
        xml.push_str("/>\n");
    }
    xml.push_str("    </properties>\n");
    xml.push_str(&cases);
    xml.push_str("  </testsuite>\n");
    (xml, counts)
}

fn push_problem(out: &mut String, element: &str, kind: &str, outcome: &Outcome<'_>) {
    out.push_str("      <");
    out.push_str(element);
    push_attr(out, "message", &headline(outcome));
    push_attr(out, "type", kind);
    out.push('>');
    push_text(out, &failure_text(outcome));
    out.push_str("</");
    out.push_str(element);
    out.push_str(">\n");
}

/// `cpr/opslag.feature` → `cpr.opslag`.
pub(crate) fn classname(path: &Path) -> String {
    let path = path_str(path);
    let path = path.strip_suffix(".feature").unwrap_or(&path);
    let parts: Vec<String> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(|p| {
            p.chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
                .trim_matches('.')
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        "features".to_string()
    } else {
        parts.join(".")
    }
}

/// The (classname, name) pairs in use, and per pair the next number to try: numbering
/// stays linear when many scenarios share a name.
#[derive(Default)]
struct Names {
    used: HashSet<(String, String)>,
    next: HashMap<(String, String), usize>,
}

/// Returns `name`, or `name (2)`, `name (3)`... whichever is not yet used with `classname`,
/// and records it.
fn unique_name(names: &mut Names, classname: &str, name: &str) -> String {
    let key = (classname.to_string(), name.to_string());
    if names.used.insert(key.clone()) {
        return name.to_string();
    }
    let n = names.next.entry(key).or_insert(2);
    loop {
        let candidate = format!("{name} ({n})");
        *n += 1;
        if names
            .used
            .insert((classname.to_string(), candidate.clone()))
        {
            return candidate;
        }
    }
}

/// The text as it will read back from the XML: ANSI codes and illegal characters removed.
fn clean(s: &str) -> String {
    strip_ansi(s).chars().filter(|&c| is_xml_char(c)).collect()
}

/// Characters XML 1.0 allows.
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

fn push_escaped(out: &mut String, s: &str, in_attr: bool) {
    for c in strip_ansi(s).chars() {
        if let Some(e) = crate::core::xml::entity(c) {
            out.push_str(e);
            continue;
        }
        match c {
            // Kept as references so parsers do not normalise them away.
            '\r' => out.push_str("&#13;"),
            '\n' if in_attr => out.push_str("&#10;"),
            '\t' if in_attr => out.push_str("&#9;"),
            c if !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
}

fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_escaped(out, value, true);
    out.push('"');
}

fn push_text(out: &mut String, text: &str) {
    push_escaped(out, text, false);
}

// ---------------------------------------------------------------------------------------
// Merging

/// Merges JUnit files written by [`write_junit`] (one per shard) into one report.
///
/// Every `<testsuite>` is kept as it was, with its counts recomputed from its test cases;
/// the `<testsuites>` totals are recomputed from all of them. `time` on `<testsuites>` is
/// the sum of the inputs' times (the machine time spent, not the wall-clock time of
/// parallel shards). Names are made unique again across the inputs (`name (2)`), because
/// GitLab keys tests on classname + name. A file whose root is a single `<testsuite>` is
/// accepted too.
pub fn merge_junit(inputs: &[impl AsRef<Path>], out: &mut dyn Write) -> Result<(), ReportError> {
    let mut suites: Vec<Element> = Vec::new();
    let mut time = 0.0f64;

    for input in inputs {
        let path = input.as_ref();
        // Bounded: a FIFO or a runaway file among the inputs is refused, not waited on.
        let bytes =
            crate::fsio::read(path, crate::fsio::limit::REPORT, "a JUnit report").map_err(|e| {
                ReportError::Read {
                    path: path.to_path_buf(),
                    source: std::io::Error::other(e.to_string()),
                }
            })?;
        let malformed = |reason: String| ReportError::Malformed {
            path: path.to_path_buf(),
            reason,
        };
        let root = crate::core::xml::parse(&bytes).map_err(|e| malformed(e.to_string()))?;
        let time_of = |e: &Element| -> Result<f64, ReportError> {
            match e.attr("time") {
                None => Ok(0.0),
                Some(t) => t.trim().parse::<f64>().map_err(|_| {
                    malformed(format!("<{}> has time=\"{t}\", not a number", e.local))
                }),
            }
        };
        match root.local.as_str() {
            "testsuites" => {
                if root.attr("time").is_some() {
                    time += time_of(&root)?;
                } else {
                    for suite in root.elements().filter(|e| e.local == "testsuite") {
                        time += time_of(suite)?;
                    }
                }
                suites.extend(root.elements().filter(|e| e.local == "testsuite").cloned());
            }
            "testsuite" => {
                time += time_of(&root)?;
                suites.push(root);
            }
            other => {
                return Err(malformed(format!(
                    "the root element is <{other}>, expected <testsuites> or <testsuite>"
                )))
            }
        }
    }

    let mut used = Names::default();
    let mut totals = Counts::default();
    for suite in &mut suites {
        let mut counts = Counts::default();
        for node in &mut suite.children {
            let Node::Element(case) = node else { continue };
            if case.local != "testcase" {
                continue;
            }
            counts.tests += 1;
            if case.child("failure").is_some() {
                counts.failures += 1;
            } else if case.child("error").is_some() {
                counts.errors += 1;
            } else if case.child("skipped").is_some() {
                counts.skipped += 1;
            }
            let classname = case.attr("classname").unwrap_or("").to_string();
            let name = case.attr("name").unwrap_or("").to_string();
            let unique = unique_name(&mut used, &classname, &name);
            if unique != name {
                case.set_attr("name", unique);
            }
        }
        suite.set_attr("tests", counts.tests.to_string());
        suite.set_attr("failures", counts.failures.to_string());
        suite.set_attr("errors", counts.errors.to_string());
        suite.set_attr("skipped", counts.skipped.to_string());
        totals.add(&counts);
    }

    let mut doc = String::new();
    doc.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    doc.push_str("<testsuites name=\"sp-contract\"");
    totals.push_attrs(&mut doc);
    push_attr(&mut doc, "time", &format!("{time:.3}"));
    doc.push_str(">\n");
    for suite in &suites {
        write_element(&mut doc, suite, 1);
    }
    doc.push_str("</testsuites>\n");
    out.write_all(crate::evidence::redact::text(&doc).as_bytes())?;
    out.flush()?;
    Ok(())
}

fn write_element(out: &mut String, e: &Element, depth: usize) {
    let indent = "  ".repeat(depth);
    out.push_str(&indent);
    out.push('<');
    out.push_str(&e.local);
    for a in &e.attrs {
        push_attr(out, &a.local, &a.value);
    }
    let has_elements = e.elements().next().is_some();
    let text: String = e
        .children
        .iter()
        .filter_map(|n| match n {
            Node::Text(t) => Some(t.as_str()),
            Node::Element(_) => None,
        })
        .collect();
    if has_elements {
        out.push_str(">\n");
        for child in &e.children {
            match child {
                Node::Element(c) => write_element(out, c, depth + 1),
                // Whitespace between elements is layout; other text is kept.
                Node::Text(t) if t.trim().is_empty() => {}
                Node::Text(t) => {
                    out.push_str(&indent);
                    out.push_str("  ");
                    push_text(out, t);
                    out.push('\n');
                }
            }
        }
        out.push_str(&indent);
    } else if text.is_empty() {
        out.push_str("/>\n");
        return;
    } else {
        out.push('>');
        push_text(out, &text);
    }
    out.push_str("</");
    out.push_str(&e.local);
    out.push_str(">\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classname_from_path() {
        assert_eq!(classname(Path::new("cpr/opslag.feature")), "cpr.opslag");
        assert_eq!(classname(Path::new("opslag.feature")), "opslag");
        assert_eq!(
            classname(Path::new("./ydelse/børn og unge/søg.feature")),
            "ydelse.børn_og_unge.søg"
        );
        assert_eq!(classname(Path::new("")), "features");
    }

    #[test]
    fn escaping_keeps_text_and_drops_illegal_chars() {
        let mut s = String::new();
        push_attr(&mut s, "a", "<&>\"' æøå\u{1}\u{7}\n");
        assert_eq!(s, " a=\"&lt;&amp;&gt;&quot;&apos; æøå&#10;\"");
    }

    #[test]
    fn unique_names_get_a_number() {
        let mut used = Names::default();
        assert_eq!(unique_name(&mut used, "c", "n"), "n");
        assert_eq!(unique_name(&mut used, "c", "n"), "n (2)");
        assert_eq!(unique_name(&mut used, "d", "n"), "n");
        assert_eq!(unique_name(&mut used, "c", "n"), "n (3)");
    }
}
