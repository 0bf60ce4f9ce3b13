//! Checks on a feature file that the Gherkin parser does not make, so that a suite that
//! would lose coverage in silence (or fail with a parser's internals) is refused with the
//! file and line instead.
//!
//! * before parsing ([`prepare`]): a byte-order mark and trailing blanks on the
//!   `# language:` line are accepted, an unknown language is named, and every table row must
//!   have as many cells as the table's first row (the parser would drop extra cells);
//! * after parsing ([`structure`]): a scenario without steps, an outline without an
//!   `Eksempler` table or whose table has no rows;
//! * after planning ([`snapshot_collisions`]): two scenarios whose snapshots would share
//!   one file.

use super::features::PlannedScenario;
use gherkin::Feature;
use std::collections::HashMap;

/// The text the parser gets, and what it needs to know about it.
#[derive(Debug)]
pub struct Prepared {
    pub text: String,
    /// The language named by `# language:`, if any (checked to be supported).
    pub language: Option<String>,
    /// Line numbers (1-based) of table rows, in order: outline rows get their own line.
    pub table_lines: Vec<usize>,
}

/// Keywords of an outline, in the languages a suite is likely to use.
const OUTLINE_KEYWORDS: &[&str] = &["Abstrakt Scenario", "Scenario Outline", "Scenario Template"];

/// Normalise the text for the parser and check its tables. Errors are `(line, message)`.
pub fn prepare(text: &str) -> Result<Prepared, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len() + 1);
    let mut language = None;
    let mut seen_content = false;
    let mut table_lines = Vec::new();
    // (line of the table's first row, its cell count)
    let mut table: Option<(usize, usize)> = None;
    let mut fence: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let no = i + 1;
        let t = line.trim();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            push_line(&mut out, line);
            continue;
        }
        if !seen_content && !t.is_empty() {
            seen_content = true;
            if let Some(lang) = language_of(t) {
                if !gherkin::is_language_supported(&lang) {
                    return Err((
                        no,
                        format!(
                            "the language '{lang}' is not supported (`# language: {lang}`); feature files here are Danish: write `# language: da`"
                        ),
                    ));
                }
                language = Some(lang);
                // The parser would read trailing blanks as part of the name: it gets the
                // language from us instead, and an empty line keeps the numbering.
                out.push('\n');
                continue;
            }
        }
        if t.starts_with("\"\"\"") || t.starts_with("```") {
            fence = Some(if t.starts_with("```") {
                "```"
            } else {
                "\"\"\""
            });
            table = None;
        } else if t.starts_with('|') {
            let cells = cell_count(t).ok_or_else(|| {
                (
                    no,
                    "this table row does not end with `|`: every row starts and ends with `|`"
                        .to_string(),
                )
            })?;
            match table {
                None => table = Some((no, cells)),
                Some((first, want)) if cells != want => {
                    return Err((
                        no,
                        format!(
                            "this table row has {cells} cell(s), but the table's first row (line {first}) has {want}; every row needs the same number of cells"
                        ),
                    ))
                }
                Some(_) => {}
            }
            table_lines.push(no);
        } else if !(t.is_empty() || t.starts_with('#')) {
            // Blank lines and comments do not end a table (as for the parser).
            table = None;
        }
        push_line(&mut out, line);
    }
    Ok(Prepared {
        text: out,
        language,
        table_lines,
    })
}

fn push_line(out: &mut String, line: &str) {
    out.push_str(line);
    out.push('\n');
}

/// `da` for `# language: da  `.
fn language_of(line: &str) -> Option<String> {
    let rest = line.strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("language")?.trim_start();
    let lang = rest.strip_prefix(':')?.trim();
    Some(lang.to_string())
}

/// Cells of a table row (`| a | b |` → 2); None when it does not end with an unescaped `|`.
fn cell_count(row: &str) -> Option<usize> {
    let mut bars = 0;
    let mut escaped = false;
    let mut last_is_bar = false;
    for c in row.chars() {
        last_is_bar = false;
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '|' => {
                bars += 1;
                last_is_bar = true;
            }
            _ => {}
        }
    }
    (last_is_bar && bars >= 2).then(|| bars - 1)
}

/// Step keywords and section keywords (with their `:`), Danish and English.
const STEP_WORDS: &[&str] = &[
    "Givet ", "Når ", "Så ", "Og ", "Men ", "* ", "Given ", "When ", "Then ", "And ", "But ",
];
const SECTION_WORDS: &[&str] = &[
    "Egenskab:",
    "Baggrund:",
    "Regel:",
    "Rule:",
    "Scenarie:",
    "Eksempel:",
    "Abstrakt Scenario:",
    "Eksempler:",
    "Feature:",
    "Background:",
    "Scenario:",
    "Example:",
    "Scenario Outline:",
    "Scenario Template:",
    "Examples:",
    "Scenarios:",
];

/// The first line the parser cannot have accepted, when the file is Danish or English:
/// a line of text after a step, where only steps, tables and docstrings may follow. The
/// parser's own error position can lie lines further on (it looks ahead).
pub fn first_stray_line(text: &str) -> Option<(usize, String)> {
    let mut description_ok = false;
    let mut fence: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("\"\"\"") || t.starts_with("```") {
            fence = Some(if t.starts_with("```") {
                "```"
            } else {
                "\"\"\""
            });
            description_ok = false;
        } else if SECTION_WORDS.iter().any(|k| t.starts_with(k)) {
            description_ok = true;
        } else if STEP_WORDS
            .iter()
            .any(|k| t.starts_with(k) || t == k.trim_end())
        {
            description_ok = false;
        } else if t.is_empty() || t.starts_with('#') {
        } else if t.starts_with('@') || t.starts_with('|') {
            description_ok = false;
        } else if !description_ok {
            return Some((i + 1, t.chars().take(80).collect()));
        }
    }
    None
}

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

    #[test]
    fn language_line_with_bom_and_blanks_is_accepted() {
        let p = prepare("\u{feff}# language: da  \t\nEgenskab: x\n").unwrap();
        assert_eq!(p.language.as_deref(), Some("da"));
        assert_eq!(p.text, "\nEgenskab: x\n", "numbering kept");
        let e = prepare("# language: xx\nEgenskab: x\n").unwrap_err();
        assert_eq!(e.0, 1);
        assert!(e.1.contains("'xx' is not supported"), "{}", e.1);
    }

    #[test]
    fn table_rows_must_match_the_first_row() {
        let t = "Egenskab: x\n  Eksempler:\n    | a |\n\n    # c\n    | b |\n    | c | d |\n";
        let e = prepare(t).unwrap_err();
        assert_eq!(e.0, 7, "{}", e.1);
        assert!(
            e.1.contains("2 cell(s)") && e.1.contains("line 3"),
            "{}",
            e.1
        );
        assert!(prepare("  | a | b\n")
            .unwrap_err()
            .1
            .contains("end with `|`"));
        // Escaped bars are content; docstrings are not tables.
        let ok = prepare("| a \\| b | c |\n| d | e |\n\"\"\"\n| x |\n\"\"\"\n").unwrap();
        assert_eq!(ok.table_lines, [1, 2]);
    }
}
