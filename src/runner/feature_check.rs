//! Checks on a feature file that the Gherkin parser does not make, so that a suite that
//! would lose coverage in silence (or fail with a parser's internals) is refused with the
//! file and line instead.
//!
//! (The parser itself, `crate::gherkin`, refuses an unknown language and table rows of the
//! wrong width.)
//!
//! * after parsing ([`structure`]): a scenario without steps, an outline without an
//!   `Eksempler` table or whose table has no rows;
//! * after planning ([`snapshot_collisions`]): two scenarios whose snapshots would share
//!   one file.

use crate::gherkin::Feature;
use crate::runner::plan::PlannedScenario;
use std::collections::HashMap;

/// Keywords of an outline, in the languages a suite is likely to use.
const OUTLINE_KEYWORDS: &[&str] = &["Abstrakt Scenario", "Scenario Outline", "Scenario Template"];

/// Problems of a parsed feature, as `(line, message)`.
pub fn structure(f: &Feature) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let scenarios = f
        .scenarios
        .iter()
        .chain(f.rules.iter().flat_map(|r| r.scenarios.iter()));
    for sc in scenarios {
        let line = sc.position.line;
        let name = &sc.name;
        if sc.steps.is_empty() {
            out.push((
                line,
                format!(
                    "the scenario \"{name}\" has no steps, so it would pass without testing anything; give it Givet/Når/Så steps (text under the name is only a description)"
                ),
            ));
        }
        let outline = OUTLINE_KEYWORDS.contains(&sc.keyword.trim());
        if outline && sc.examples.is_empty() {
            out.push((
                line,
                format!(
                    "the outline \"{name}\" has no Eksempler, so none of it would run; add an `Eksempler:` table with a column for each <placeholder>, or make it a plain `Scenarie:`"
                ),
            ));
        }
        for ex in &sc.examples {
            let ex_line = ex.position.line;
            match ex.table.as_ref().map(|t| t.rows.len()) {
                None | Some(0) => out.push((
                    ex_line,
                    format!(
                        "the Eksempler of \"{name}\" has no table, so the outline would not run; add a header row and one row per example"
                    ),
                )),
                Some(1) => out.push((
                    ex_line,
                    format!(
                        "the Eksempler of \"{name}\" has a header but no rows, so the outline would not run; add one row per example"
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    out
}

/// Scenarios whose snapshot files would be the same: `(rel, line)` of both, and the name.
/// `file_of` gives the path of a feature by its index, for the message.
pub fn snapshot_collisions(
    scenarios: &[PlannedScenario],
    file_of: impl Fn(usize) -> String,
) -> Vec<String> {
    let mut first: HashMap<String, &PlannedScenario> = HashMap::new();
    let mut out = Vec::new();
    for sc in scenarios {
        for name in sc.snapshot_names() {
            match first.get(&name) {
                Some(other)
                    if !(other.feature_rel == sc.feature_rel
                        && other.line == sc.line
                        && other.name == sc.name) =>
                {
                    out.push(format!(
                        "{}:{} \"{}\" and {}:{} \"{}\" would share the snapshot {name}.snap; give one of them another name (names are compared without case and punctuation)",
                        file_of(other.feature_index),
                        other.line,
                        other.name,
                        file_of(sc.feature_index),
                        sc.line,
                        sc.name
                    ));
                }
                Some(_) => {}
                None => {
                    first.insert(name, sc);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(usize, String)> {
        structure(&crate::gherkin::parse(text).expect("parses"))
    }

    #[test]
    fn scenarios_that_would_test_nothing_are_named_with_their_line() {
        let p = problems(
            "# language: da\nEgenskab: x\n  Scenarie: tom\n    bare en beskrivelse\n  Scenarie: fin\n    Så svaret er en succes\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, 3);
        assert!(p[0].1.contains("\"tom\" has no steps"), "{}", p[0].1);
    }

    #[test]
    fn outlines_need_examples_with_rows() {
        let p = problems(
            "# language: da\nEgenskab: x\n  Abstrakt Scenario: a\n    Så feltet \"<f>\" findes\n",
        );
        assert!(p[0].1.contains("has no Eksempler"), "{p:?}");
        let p = problems(
            "# language: da\nEgenskab: x\n  Abstrakt Scenario: a\n    Så feltet \"<f>\" findes\n    Eksempler:\n      | f |\n",
        );
        assert_eq!(p[0].0, 5, "{p:?}");
        assert!(p[0].1.contains("header but no rows"), "{p:?}");
    }
}
