//! libxml2's validation messages in plain words: `line L:C: /Payload/Child/Element: rule`.
//! The rule is kept (`'88000' does not match [0-9]{4}`); libxml2's `{namespace}name` Clark
//! names and boilerplate go. libxml2 names only the element and its line, so the path comes
//! from a scan of the document's start tags: on a line with several elements of that name,
//! errors are matched in document order (libxml2 reports them in that order).

use quick_xml::events::Event;
use quick_xml::Reader;
use regex::Regex;
use std::sync::OnceLock;

/// One thing wrong with a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column of the element's start tag (0: not known).
    pub line: usize,
    pub column: usize,
    /// `/Payload/Child/Element`, or `/…/Element/@attribute`; empty when not known.
    pub path: String,
    pub rule: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}:{}: ", self.line, self.column)?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.rule)
    }
}

/// A start tag: the lines its text spans, where it starts, its local name and path.
struct Tag {
    first_line: usize,
    last_line: usize,
    column: usize,
    local: String,
    path: Vec<String>,
}

/// Turn libxml2's (line, message) pairs into problems. `skip`: how many leading path steps
/// to leave out (the Envelope and Body above a SOAP payload); `line_offset` is added to every
/// line (a payload that starts inside a larger file, e.g. a docstring).
pub fn problems(
    text: &str,
    errors: &[(Option<usize>, String)],
    skip: usize,
    line_offset: usize,
) -> Vec<Problem> {
    let tags = scan(text);
    let mut cursor = 0;
    let mut out: Vec<Problem> = Vec::new();
    for (line, message) in errors {
        let (element, attribute, rest) = split_subject(message.trim());
        let local = element.as_deref().map(local_name).unwrap_or_default();
        let found = line.and_then(|l| find(&tags, l, local, &mut cursor));
        let mut path = match found {
            Some(t) => format!("/{}", t.path[skip.min(t.path.len())..].join("/")),
            None if !local.is_empty() => local.to_string(),
            None => String::new(),
        };
        if let Some(a) = attribute {
            path.push_str(&format!("/@{a}"));
        }
        let problem = Problem {
            line: found.map(|t| t.first_line).or(*line).unwrap_or(0) + line_offset,
            column: found.map(|t| t.column).unwrap_or(0),
            path,
            rule: rule(rest),
        };
        // libxml2 follows a facet failure with the same value's type failure: one is enough.
        let echo = out.last().is_some_and(|p: &Problem| {
            p.path == problem.path && p.line == problem.line && is_type_echo(rest)
        });
        if !echo {
            out.push(problem);
        }
    }
    out
}

/// A problem of the element `local` at depth `depth` (0: the root), found by a scan: for when
/// the checked element itself is the wrong one.
pub fn at_element(text: &str, depth: usize, local: &str, rule: String) -> Problem {
    let tags = scan(text);
    let tag = tags
        .iter()
        .find(|t| t.path.len() == depth + 1 && t.local == local);
    Problem {
        line: tag.map_or(0, |t| t.first_line),
        column: tag.map_or(0, |t| t.column),
        path: format!("/{local}"),
        rule,
    }
}

fn find<'t>(tags: &'t [Tag], line: usize, local: &str, cursor: &mut usize) -> Option<&'t Tag> {
    let hit = |t: &Tag| t.local == local && (t.first_line..=t.last_line).contains(&line);
    let i = tags[*cursor..]
        .iter()
        .position(hit)
        .map(|i| i + *cursor)
        .or_else(|| tags.iter().position(hit))?;
    *cursor = i;
    Some(&tags[i])
}

fn scan(text: &str) -> Vec<Tag> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut tags = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let (start, empty) = match reader.read_event() {
            Ok(Event::Start(s)) => (s, false),
            Ok(Event::Empty(s)) => (s, true),
            Ok(Event::End(_)) => {
                stack.pop();
                continue;
            }
            Ok(Event::Eof) | Err(_) => return tags,
            Ok(_) => continue,
        };
        let after = (reader.buffer_position() as usize).min(text.len());
        let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
        let lt = text[before..after].find('<').map_or(before, |i| before + i);
        let (first_line, column) = line_col(text, lt);
        let (last_line, _) = line_col(text, after);
        let mut path = stack.clone();
        path.push(local.clone());
        tags.push(Tag {
            first_line,
            last_line,
            column,
            local: local.clone(),
            path,
        });
        if !empty {
            stack.push(local);
        }
    }
}

fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let pos = (0..=pos.min(text.len()))
        .rev()
        .find(|&p| text.is_char_boundary(p))
        .unwrap_or(0);
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// `Element '{ns}Name', attribute 'a': rest` → (Name, a, rest).
fn split_subject(message: &str) -> (Option<String>, Option<String>, &str) {
    static SUBJECT: OnceLock<Regex> = OnceLock::new();
    let re = SUBJECT.get_or_init(|| {
        Regex::new(r"^Element '([^']+)'(?:, attribute '([^']+)')?: ").expect("static")
    });
    match re.captures(message) {
        Some(c) => (
            Some(c[1].to_string()),
            c.get(2).map(|a| local_name(a.as_str()).to_string()),
            &message[c[0].len()..],
        ),
        None => (None, None, message),
    }
}

fn local_name(clark: &str) -> &str {
    clark.rsplit('}').next().unwrap_or(clark)
}

fn is_type_echo(rest: &str) -> bool {
    rest.contains("is not a valid value of the")
}

/// The rule in plain words.
fn rule(rest: &str) -> String {
    static RULES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    static CLARK: OnceLock<Regex> = OnceLock::new();
    let rules = RULES.get_or_init(|| {
        [
            (
                r"^\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern '(.*)'\.$",
                "'$1' does not match $2",
            ),
            (
                r"^\[facet 'enumeration'\] The value '(.*)' is not an element of the set (\{.*\})\.$",
                "'$1' is not one of $2",
            ),
            (
                r"^'(.*)' is not a valid value of the (?:local )?(?:atomic|union|list) type '(.*)'\.$",
                "'$1' is not a valid $2",
            ),
            (
                r"^'(.*)' is not a valid value of the local (?:atomic|union|list) type\.$",
                "'$1' is not a valid value here",
            ),
            (
                r"^This element is not expected\. Expected is one of \( (.*) \)\.$",
                "not expected here, expected one of: $1",
            ),
            (
                r"^This element is not expected\. Expected is \( (.*) \)\.$",
                "not expected here, expected $1",
            ),
            (r"^This element is not expected\.$", "not expected here"),
            (
                r"^Missing child element\(s\)\. Expected is one of \( (.*) \)\.$",
                "a child element is missing, expected one of: $1",
            ),
            (
                r"^Missing child element\(s\)\. Expected is \( (.*) \)\.$",
                "a child element is missing, expected $1",
            ),
            (
                r"^The attribute '(.*)' is not allowed\.$",
                "attribute '$1' is not allowed",
            ),
            (
                r"^The attribute '(.*)' is required but missing\.$",
                "the required attribute '$1' is missing",
            ),
            (
                r"^No matching global declaration available for the validation root\.$",
                "is not an element this schema declares",
            ),
            (
                r"^\[facet '\w+'\] The value has a length of '(.*)'; this exceeds the allowed maximum length of '(.*)'\.$",
                "length $1 exceeds the maximum length $2",
            ),
            (
                r"^\[facet '\w+'\] The value has a length of '(.*)'; this underruns the allowed minimum length of '(.*)'\.$",
                "length $1 is below the minimum length $2",
            ),
            (
                r"^\[facet '\w+'\] The value has a length of '(.*)'; this differs from the allowed length of '(.*)'\.$",
                "length $1, must be $2",
            ),
            (r"^\[facet '\w+'\] (.*)$", "$1"),
        ]
        .into_iter()
        .map(|(re, to)| (Regex::new(re).expect("static"), to))
        .collect()
    });
    // `{urn:x}Name` → `Name`; a namespace URI has a ':', a pattern's `{4}` does not.
    let clark = CLARK.get_or_init(|| Regex::new(r"\{[^{}\s':]*:[^{}\s']*\}").expect("static"));
    let rest = rest.trim();
    let plain = rules
        .iter()
        .find(|(re, _)| re.is_match(rest))
        .map_or(rest.into(), |(re, to)| re.replace(rest, *to));
    clark
        .replace_all(plain.trim_end_matches('.'), "")
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "<E><B>\n<P><Q>1</Q><A><Q>x</Q></A></P>\n</B></E>";

    fn one(line: usize, msg: &str) -> String {
        problems(DOC, &[(Some(line), msg.to_string())], 2, 0)[0].to_string()
    }

    #[test]
    fn a_pattern_failure_names_the_path_and_the_rule() {
        assert_eq!(
            one(2, "Element '{urn:oio:dkal:1.0.0}Q': [facet 'pattern'] The value '88000' is not accepted by the pattern '[0-9]{4}'.\n"),
            "line 2:4: /P/Q: '88000' does not match [0-9]{4}"
        );
    }

    #[test]
    fn errors_on_one_line_are_matched_in_document_order() {
        let errors = vec![
            (Some(2), "Element 'Q': This element is not expected.".to_string()),
            (
                Some(2),
                "Element '{urn:a}Q': This element is not expected. Expected is one of ( {urn:a}X, {http://b/}Y ).".to_string(),
            ),
        ];
        let p = problems(DOC, &errors, 2, 10);
        assert_eq!(p[0].path, "/P/Q");
        assert_eq!(
            p[1].to_string(),
            "line 12:4: /P/Q: not expected here, expected one of: X, Y"
        );
        let p = problems(DOC, &errors[1..], 2, 0);
        assert_eq!(
            p[0].path, "/P/Q",
            "the first on the line when nothing came before"
        );
    }

    #[test]
    fn attributes_enumerations_and_type_echoes() {
        assert_eq!(
            one(
                2,
                "Element 'A', attribute 'foo': The attribute 'foo' is not allowed."
            ),
            "line 2:12: /P/A/@foo: attribute 'foo' is not allowed"
        );
        let errors = vec![
            (Some(2), "Element 'A': [facet 'enumeration'] The value 'Z' is not an element of the set {'a', 'b'}.".to_string()),
            (Some(2), "Element 'A': 'Z' is not a valid value of the atomic type '{urn:x}T'.".to_string()),
        ];
        let p = problems(DOC, &errors, 2, 0);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].rule, "'Z' is not one of {'a', 'b'}");
        assert_eq!(
            one(9, "Element '{urn:x}Nowhere': 'a' is not a valid value of the atomic type 'xs:integer'."),
            "line 9:0: Nowhere: 'a' is not a valid xs:integer"
        );
    }
}
