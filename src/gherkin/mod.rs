//! sp-contract's own Gherkin parser: one pass over the lines, linear in the size of the file.
//!
//! Reads the subset of Gherkin 6 that feature files use (Feature, Rule, Background,
//! Scenario/Scenario Outline, Examples, steps with a docstring or a data table, tags,
//! comments, descriptions) in Danish (`# language: da`) and English (the Gherkin default).
//! Errors name the line, what was found and what is allowed there.

mod keywords;
mod parser;
pub mod tagexpr;
mod text;

#[cfg(test)]
mod difftest;
#[cfg(test)]
mod sample;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::PathBuf;

/// Parse a whole feature file. The text may start with a UTF-8 BOM and use CRLF line ends.
pub fn parse(text: &str) -> Result<Feature, ParseError> {
    parser::parse(text)
}

/// Whether `# language: <lang>` is one sp-contract reads.
pub fn is_language_supported(lang: &str) -> bool {
    keywords::lang(lang).is_some()
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The keyword as written (`Egenskab`, `Feature`, ...), without ':'.
    pub keyword: String,
    pub name: String,
    pub description: Option<String>,
    /// Without '@'.
    pub tags: Vec<String>,
    pub background: Option<Background>,
    /// The scenarios before the first Rule.
    pub scenarios: Vec<Scenario>,
    pub rules: Vec<Rule>,
    pub position: LineCol,
    /// The language the file names with `# language: …`; None when it names none (and is
    /// read as English, the Gherkin default).
    pub language: Option<&'static str>,
    /// Set by the caller that read the file; `parse` leaves it empty.
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub keyword: String,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub background: Option<Background>,
    pub scenarios: Vec<Scenario>,
    pub position: LineCol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Background {
    pub keyword: String,
    pub name: String,
    pub description: Option<String>,
    pub steps: Vec<Step>,
    pub position: LineCol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// As written: `Scenarie`, `Abstrakt Scenario`, `Scenario Outline`, `Eksempel`...
    pub keyword: String,
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub steps: Vec<Step>,
    pub examples: Vec<Examples>,
    pub position: LineCol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Examples {
    pub keyword: String,
    /// Empty when the line has no name after the ':'.
    pub name: String,
    pub description: Option<String>,
    pub tags: Vec<String>,
    /// The first row is the header.
    pub table: Option<Table>,
    pub position: LineCol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// As written, with its trailing space: `Givet `, `Og `, `* `.
    pub keyword: String,
    pub ty: StepType,
    /// The text after the keyword, trimmed.
    pub value: String,
    pub docstring: Option<String>,
    pub table: Option<Table>,
    pub position: LineCol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepType {
    Given,
    When,
    Then,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Every row has as many cells as the first; cells are trimmed, `\|`, `\\`, `\n` decoded.
    pub rows: Vec<Vec<String>>,
    /// The 1-based line of each row (comments and blank lines may stand between rows).
    pub row_lines: Vec<usize>,
    /// Where the first row starts.
    pub position: LineCol,
}

impl Table {
    pub fn row_width(&self) -> usize {
        self.rows.first().map_or(0, Vec::len)
    }
}

/// Why a feature file cannot be read: where, and a message naming what was found and what
/// is allowed there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.col, self.message
        )
    }
}

impl std::error::Error for ParseError {}
