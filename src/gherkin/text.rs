//! Small text helpers of the parser: quoting a line in a message, columns, table cells.

use crate::gherkin::{LineCol, ParseError};

pub(super) fn err(at: LineCol, message: impl Into<String>) -> ParseError {
    ParseError {
        line: at.line,
        col: at.col,
        message: message.into(),
    }
}

/// A short, CPR-masked quote of a line for messages (lines can be megabytes long).
pub(super) fn excerpt(t: &str) -> String {
    let t = t.trim();
    let head: String = t.chars().take(80).collect();
    let masked = crate::evidence::redact::mask_cpr(&head);
    let mut out: String = masked.chars().take(60).collect();
    if t.chars().nth(60).is_some() {
        out.push('…');
    }
    out
}

/// The column (1-based, in characters) of `part`, a sub-slice of `line`.
pub(super) fn col_of(line: &str, part: &str) -> usize {
    let off = (part.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
    line.get(..off).map_or(0, |s| s.chars().count()) + 1
}

/// The cells of a table row `t` (which starts with '|'), trimmed and with escapes decoded.
pub(super) fn cells(t: &str, pos: LineCol) -> Result<Vec<String>, ParseError> {
    let body = &t[1..];
    let bytes = body.as_bytes();
    let mut cells = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'|' => {
                cells.push(decode(body[start..i].trim()));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    let tail = body.get(start..).unwrap_or("");
    if !tail.trim().is_empty() {
        return Err(err(
            LineCol {
                line: pos.line,
                col: pos.col + col_of(t, tail.trim_start()) - 1,
            },
            format!(
                "a table row must end with '|' (write \\| for a '|' inside a cell); found '{}'",
                excerpt(t)
            ),
        ));
    }
    if cells.is_empty() {
        return Err(err(pos, "a table row needs at least one cell: | a | b |"));
    }
    Ok(cells)
}

/// `\|` → `|`, `\\` → `\`, `\n` → newline; any other backslash stays as written.
fn decode(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('|') => out.push('|'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Append a docstring line: indentation removed up to `indent` characters (the opening
/// delimiter's column) and no more, escaped delimiters (`\"\"\"`, ``\`\`\` ``) decoded.
pub(super) fn push_doc_line(out: &mut String, raw: &str, indent: usize, delim: &str) {
    let mut content = "";
    for (k, (i, c)) in raw.char_indices().enumerate() {
        if k == indent || !c.is_whitespace() {
            content = &raw[i..];
            break;
        }
    }
    let escaped = if delim == "```" {
        "\\`\\`\\`"
    } else {
        "\\\"\\\"\\\""
    };
    if content.contains(escaped) {
        out.push_str(&content.replace(escaped, delim));
    } else {
        out.push_str(content);
    }
}
