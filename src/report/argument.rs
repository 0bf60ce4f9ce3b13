//! A step's docstring or data table as plain lines, as JUnit's `system-out` and the Markdown
//! summary show it (the HTML report renders a table of its own). A long one is shown
//! collapsed in HTML and trimmed in Markdown past [`SHOWN_LINES`].

use crate::runner::model::StepArgument;

/// Lines an argument may have before HTML collapses it and Markdown trims it.
pub const SHOWN_LINES: usize = 12;

/// The argument as Gherkin writes it: a table's cells between `|`, columns aligned, a `|`
/// in a cell written `\|`; a docstring between `"""` lines.
pub fn lines(arg: &StepArgument) -> Vec<String> {
    match arg {
        StepArgument::DocString(text) => {
            let mut out = vec!["\"\"\"".to_string()];
            out.extend(text.lines().map(str::to_string));
            out.push("\"\"\"".to_string());
            out
        }
        StepArgument::Table(rows) => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|c| c.replace('|', "\\|")).collect())
                .collect();
            let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
            let width = |i: usize| {
                cells
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count())
                    .max()
                    .unwrap_or(0)
            };
            let widths: Vec<usize> = (0..columns).map(width).collect();
            cells
                .iter()
                .map(|r| {
                    let mut line = String::from("|");
                    for (i, w) in widths.iter().enumerate() {
                        let c = r.get(i).map(String::as_str).unwrap_or("");
                        let pad = w - c.chars().count();
                        line.push_str(&format!(" {c}{} |", " ".repeat(pad)));
                    }
                    line
                })
                .collect()
        }
    }
}

/// How many lines [`lines`] gives, without making them.
pub fn line_count(arg: &StepArgument) -> usize {
    match arg {
        StepArgument::DocString(text) => text.lines().count() + 2,
        StepArgument::Table(rows) => rows.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_and_docstrings_are_delimited() {
        let t = StepArgument::Table(vec![
            vec!["felt".into(), "værdi".into()],
            vec!["persondata/navn".into(), "a|b".into()],
        ]);
        assert_eq!(
            lines(&t),
            [
                "| felt            | værdi |",
                "| persondata/navn | a\\|b  |"
            ]
        );
        let d = StepArgument::DocString("<a>\n  <b/>\n</a>".into());
        assert_eq!(lines(&d), ["\"\"\"", "<a>", "  <b/>", "</a>", "\"\"\""]);
        assert_eq!(line_count(&d), 5);
        assert_eq!(line_count(&t), 2);
    }
}
