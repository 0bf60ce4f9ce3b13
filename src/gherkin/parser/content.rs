//! What a step carries: a data table's rows (or an Examples table's) and a docstring,
//! opened by its delimiter and read line by line, its indentation removed, until the same
//! delimiter closes it. A step takes one table or one docstring, not both.

use super::{At, Doc, Parser};
use crate::gherkin::text::{cells, col_of, err, excerpt, push_doc_line};
use crate::gherkin::{LineCol, ParseError, Table};

impl<'a> Parser<'a> {
    pub(super) fn row(&mut self, pos: LineCol, t: &'a str) -> Result<(), ParseError> {
        let step_table = match (self.at, &self.step) {
            (At::Background | At::Scenario, Some(s)) => {
                if s.docstring.is_some() {
                    return Err(err(
                        pos,
                        format!(
                            "the step on line {} has a docstring already; a step takes a docstring or a table, not both",
                            s.position.line
                        ),
                    ));
                }
                true
            }
            (At::Examples, _) => false,
            (At::Background | At::Scenario, None) => {
                return Err(err(
                    pos,
                    format!(
                        "a table row must follow a step or {}; found '{}'",
                        self.lang.examples[0],
                        excerpt(t)
                    ),
                ))
            }
            _ => return self.text(pos, t),
        };
        self.end_desc();
        let cells = cells(t, pos)?;
        let (table, header) = if step_table {
            let s = self.step.as_mut().expect("checked above");
            (&mut s.table, "the first row")
        } else {
            let e = self.examples.as_mut().expect("At::Examples has examples");
            (&mut e.table, "the header")
        };
        match table {
            None => {
                *table = Some(Table {
                    rows: vec![cells],
                    row_lines: vec![pos.line],
                    position: pos,
                })
            }
            Some(tb) => {
                let want = tb.row_width();
                if cells.len() != want {
                    return Err(err(
                        pos,
                        format!(
                            "row has {} cell{}, {header} has {want} (line {}); every row needs one cell per column",
                            cells.len(),
                            if cells.len() == 1 { "" } else { "s" },
                            tb.position.line
                        ),
                    ));
                }
                tb.rows.push(cells);
                tb.row_lines.push(pos.line);
            }
        }
        Ok(())
    }

    pub(super) fn open_doc(
        &mut self,
        delim: &'static str,
        pos: LineCol,
        t: &'a str,
    ) -> Result<(), ParseError> {
        match (self.at, &self.step) {
            (At::Background | At::Scenario, Some(s)) => {
                if s.docstring.is_some() || s.table.is_some() {
                    return Err(err(
                        pos,
                        format!(
                            "the step on line {} has a {} already; a step takes one docstring or one table",
                            s.position.line,
                            if s.table.is_some() { "table" } else { "docstring" }
                        ),
                    ));
                }
            }
            (At::Background | At::Scenario | At::Examples, _) => {
                return Err(err(
                    pos,
                    format!(
                        "a docstring ({delim}) must follow a step; found '{}'",
                        excerpt(t)
                    ),
                ))
            }
            _ => return self.text(pos, t),
        }
        // What follows the delimiter is the media type, which sp-contract does not use.
        self.doc = Some(Doc {
            delim,
            indent: pos.col - 1,
            at: pos,
            text: String::new(),
            empty: true,
        });
        Ok(())
    }

    pub(super) fn doc_line(&mut self, n: usize, raw: &str) -> Result<(), ParseError> {
        let doc = self.doc.as_mut().expect("called inside a docstring");
        let t = raw.trim_start();
        if let Some(rest) = t.strip_prefix(doc.delim) {
            if !rest.trim().is_empty() {
                return Err(err(
                    LineCol {
                        line: n,
                        col: col_of(raw, rest.trim_start()),
                    },
                    format!(
                        "text after the {0} that closes the docstring of line {1}; put {0} alone on its line, or escape {0} inside the docstring with backslashes",
                        doc.delim, doc.at.line
                    ),
                ));
            }
            let doc = self.doc.take().expect("checked");
            if let Some(s) = &mut self.step {
                s.docstring = Some(doc.text);
            }
            return Ok(());
        }
        if !doc.empty {
            doc.text.push('\n');
        }
        doc.empty = false;
        push_doc_line(&mut doc.text, raw, doc.indent, doc.delim);
        Ok(())
    }
}
