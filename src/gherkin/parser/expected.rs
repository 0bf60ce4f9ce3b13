//! What a parse error says: where the parser stands, what is allowed there, and, when the
//! line is a keyword of the other language, how to switch. Every error the state machine
//! raises on an out-of-place line is worded here, so the wording stays one voice.

use super::{At, Parser};
use crate::gherkin::keywords::Line;
use crate::gherkin::text::{err, excerpt};
use crate::gherkin::{LineCol, ParseError};

impl Parser<'_> {
    pub(super) fn unexpected(&self, pos: LineCol, t: &str) -> ParseError {
        let l = self.lang;
        let steps = format!("a step ({})", l.step_names());
        let expected = match self.at {
            At::Start => format!(
                "expected a tag line or '{}: <name>' (the first line may be '# language: da')",
                l.feature[0]
            ),
            At::Feature | At::Rule => format!(
                "expected {}, {}, {}, {} or a tag line",
                l.background[0], l.scenario[0], l.outline[0], l.rule[0]
            ),
            At::Background => format!(
                "expected {steps}, a table row, a docstring, a tag line or a new {}",
                l.scenario[0]
            ),
            At::Scenario => {
                let table_or_doc = match &self.step {
                    Some(s) if s.docstring.is_none() && s.table.is_none() => {
                        "a table row, a docstring, "
                    }
                    Some(s) if s.table.is_some() => "a table row, ",
                    _ => "",
                };
                format!(
                    "expected {steps}, {table_or_doc}{}, a tag line or a new {}",
                    l.examples[0], l.scenario[0]
                )
            }
            At::Examples => format!(
                "expected a table row, another {}, a tag line or a new {}",
                l.examples[0], l.scenario[0]
            ),
        };
        err(
            pos,
            format!("{expected}; found '{}'{}", excerpt(t), self.hint(t)),
        )
    }

    /// When the line is a keyword of the other language, say how to switch.
    fn hint(&self, t: &str) -> String {
        if !matches!(self.lang.classify(t), Line::Other | Line::Row | Line::Empty) {
            return String::new();
        }
        let other = self.lang.other();
        let kw = match other.classify(t) {
            Line::Title { keyword, .. } => keyword,
            Line::Step { keyword, .. } | Line::BareStep(keyword) => keyword,
            _ => return String::new(),
        };
        match other.code {
            "da" => format!(
                " ('{}' is Danish: start the file with '# language: da')",
                kw.trim_end()
            ),
            _ => format!(
                " ('{}' is English, but the file says '# language: da')",
                kw.trim_end()
            ),
        }
    }

    pub(super) fn no_tags_before(&self, pos: LineCol, t: &str) -> Result<(), ParseError> {
        if self.tags.is_empty() {
            return Ok(());
        }
        Err(err(
            pos,
            format!("{}; found '{}'", self.tags_need(), excerpt(t)),
        ))
    }

    pub(super) fn tags_need(&self) -> String {
        let l = self.lang;
        format!(
            "the tags on line {} must be followed by {}, {}, {}, {} or {}",
            self.tags_at.line, l.scenario[0], l.outline[0], l.examples[0], l.rule[0], l.feature[0]
        )
    }
}
