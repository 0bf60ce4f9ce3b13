//! Goldens: whole outputs of the tool compared with approved files, after [`redact`]. The
//! approved file of golden `NAME` is `tests/it/goldens/NAME.txt`, the output as it is. A
//! difference fails the test with a diff, and the actual output is written to
//! `target/tmp/goldens/NAME.txt`. To approve a change, run the test again with
//! `UPDATE_GOLDENS=1` (e.g. `UPDATE_GOLDENS=1 cargo test --test it doctor::`) and read
//! `git diff` before committing. An own helper rather than insta's macro: insta reads its
//! configuration once per process, and `snapshot.rs` sets that configuration for its own
//! check of insta, in this same binary.

use super::redact::redact;
use super::run::Reports;
use std::path::{Path, PathBuf};

/// Compare `text`, redacted, with the approved golden `name`.
pub fn golden(name: &str, text: &str) {
    golden_exact(name, &redact(text));
}

/// Compare `text` as it is with the approved golden `name`: for outputs of a run model built
/// by hand, where every duration and date is the test's own.
pub fn golden_exact(name: &str, text: &str) {
    let approved_file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/goldens")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDENS").is_some_and(|v| v == "1") {
        std::fs::write(&approved_file, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", approved_file.display()));
        return;
    }
    let approved = std::fs::read_to_string(&approved_file).unwrap_or_else(|e| {
        panic!(
            "golden {name}: cannot read {} ({e}); to approve this output run the test with \
             UPDATE_GOLDENS=1:\n{text}",
            approved_file.display()
        )
    });
    if approved == text {
        return;
    }
    let actual_file = actual_dir().join(format!("{name}.txt"));
    let _ = std::fs::write(&actual_file, text);
    let diff = similar::TextDiff::from_lines(approved.as_str(), text)
        .unified_diff()
        .context_radius(3)
        .header("approved", "actual")
        .to_string();
    panic!(
        "golden {name} differs from {}:\n{diff}\nThe actual output is in {}. If the change \
         is intended, approve it: run the test again with UPDATE_GOLDENS=1.",
        approved_file.display(),
        actual_file.display()
    );
}

/// Where the actual output of a golden that differs is left for reading.
fn actual_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("goldens");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A run's console output and its JUnit, Markdown and HTML (as text) reports, as the goldens
/// `PREFIX_console`, `PREFIX_junit`, `PREFIX_md` and `PREFIX_html_text`.
pub fn golden_run(prefix: &str, console: &str, reports: &Reports) {
    golden(&format!("{prefix}_console"), console);
    golden(&format!("{prefix}_junit"), &reports.junit());
    golden(&format!("{prefix}_md"), &reports.md());
    golden(&format!("{prefix}_html_text"), &html_text(&reports.html()));
}

/// The text of an HTML page as a reader sees it: no head but the title, no style, no tags;
/// one line per block (heading, paragraph, table row, list item), table cells joined by
/// ` | `, whitespace collapsed as a browser does except inside `<pre>`, entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut space = Gap::None;
    let mut pre = 0usize;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &mut space, pre > 0, &rest[..lt]);
        let gt = lt + rest[lt..].find('>').expect("a closed tag");
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            // Not shown: skip to the end tag.
            "style" | "script" if !closing => {
                let end = format!("</{name}>");
                rest = &rest[rest.find(&end).map_or(rest.len(), |i| i + end.len())..];
            }
            "pre" => {
                newline(&mut out, &mut space);
                pre = if closing {
                    pre.saturating_sub(1)
                } else {
                    pre + 1
                };
            }
            "td" | "th" if !closing => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push_str(" | ");
                }
                space = Gap::None;
            }
            // The report's diff lines are `display: block` spans inside `<pre>`.
            "span" if pre > 0 => newline(&mut out, &mut space),
            // Between inline elements (a badge and a name) a reader sees a gap.
            "span" | "code" | "strong" | "em" | "b" | "i" | "a" if closing => {
                space = space.max(Gap::Soft)
            }
            "br" | "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "li" | "ol"
            | "ul" | "table" | "thead" | "tbody" | "section" | "article" | "header" | "main"
            | "footer" | "title" | "body" | "html" | "head" | "details" | "summary" => {
                newline(&mut out, &mut space)
            }
            _ => {}
        }
    }
    push_text(&mut out, &mut space, pre > 0, rest);
    let mut lines: Vec<&str> = Vec::new();
    for line in out.lines().map(str::trim_end) {
        if !(line.is_empty() && lines.last().is_some_and(|l| l.is_empty())) {
            lines.push(line);
        }
    }
    let text = lines.join("\n");
    format!("{}\n", text.trim_matches('\n'))
}

/// What separates the next visible character from the last: nothing, the gap after an inline
/// element (not before punctuation), or whitespace in the source.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Soft,
    Space,
}

fn newline(out: &mut String, space: &mut Gap) {
    if !out.ends_with('\n') {
        out.push('\n');
    }
    *space = Gap::None;
}

fn push_text(out: &mut String, space: &mut Gap, pre: bool, raw: &str) {
    let text = decode(raw);
    if pre {
        out.push_str(&text);
        return;
    }
    for c in text.chars() {
        if c.is_whitespace() {
            *space = Gap::Space;
            continue;
        }
        let gap = match *space {
            Gap::None => false,
            Gap::Soft => !".,:;)!?".contains(c),
            Gap::Space => true,
        };
        if gap && !out.is_empty() && !out.ends_with('\n') && !out.ends_with(' ') {
            out.push(' ');
        }
        *space = Gap::None;
        out.push(c);
    }
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#39;` and other numeric references.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::html_text;

    #[test]
    fn html_text_keeps_what_a_reader_sees() {
        let html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>PASSED — x</title>\
            <style>h1 { color: red; }</style></head><body>\n<h1 id=\"v\">PASSED</h1>\n\
            <p>One   <strong>1</strong>\n scenario &amp; &quot;more&quot; &#39;x&#39;</p>\
            <table><tr><th>Target</th><td>mock</td></tr></table>\
            <li><span class=\"mark\">✔</span><span class=\"kw\">Givet</span> en &lt;borger&gt;</li>\
            <p><span class=\"mono\">features</span>: <code>x</code>.</p>\
            <pre>@@ -1 +1 @@\n<span class=\"del\">-  &lt;a&gt;</span><span class=\"ins\">+  b</span>   kept  spaces\n</pre></body></html>";
        assert_eq!(
            html_text(html),
            "PASSED — x\nPASSED\nOne 1 scenario & \"more\" 'x'\nTarget | mock\n✔ Givet en <borger>\nfeatures: x.\n@@ -1 +1 @@\n-  <a>\n+  b\n   kept  spaces\n"
        );
    }
}
