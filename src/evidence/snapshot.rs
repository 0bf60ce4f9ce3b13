//! Approved responses ("snapshots"), stored in insta's `.snap` file format.
//!
//! Files live in `snapshots/<target>/<name>.snap` and look like this:
//!
//! ```text
//! ---
//! source: features/cpr/opslag.feature
//! expression: "Kendt borger: fulde stamdata"
//! ---
//! <the approved content>
//! ```
//!
//! This is exactly what insta 1.x writes (header fields and their YAML quoting are
//! produced by a port of insta's emitter rules), so people who have `cargo insta` can use
//! `cargo insta review` to accept or reject the `.snap.new` files we leave next to the
//! `.snap` files (a suite folder is not a cargo project, so they need
//! `--workspace-root .`). We do not use insta at run time: it panics on a mismatch, runs cargo,
//! and changes behaviour according to `CI` and `INSTA_*` variables.
//!
//! Content is compared the way insta compares file snapshots: trailing whitespace at the
//! end of the content is ignored and CRLF line endings count as LF. (Where insta replaces
//! `\r\n` once, we repeat until none is left, so a stored snapshot always reads back
//! exactly as written.)

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Maximum length of a name built by [`snapshot_name`].
const MAX_NAME_LEN: usize = 120;

/// The approved snapshots of one target (`snapshots/<target>`).
#[derive(Debug, Clone)]
pub struct SnapshotStore {
    root: PathBuf,
    update: bool,
}

/// What [`SnapshotStore::check`] did when the content was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotOutcome {
    /// The content equals the approved snapshot.
    Matched,
    /// There was no approved snapshot; one was written (update mode).
    Created(PathBuf),
    /// The approved snapshot differed and was overwritten (update mode).
    Updated(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(
        "There is no approved snapshot {path} yet. The actual response was saved in {new_path}. \
         Look at it; if it is correct, approve it by running again with --update-snapshots \
         (or by renaming the file to .snap, or with `cargo insta review --workspace-root .` in \
         the suite folder), and commit the .snap file."
    )]
    Missing { path: PathBuf, new_path: PathBuf },
    /// `diff` is a unified diff (`-approved` / `+actual`); it is not part of the message.
    #[error(
        "The response differs from the approved snapshot {path}. The actual response was saved \
         in {new_path}. If the change is intended, run again with --update-snapshots \
         (or use `cargo insta review --workspace-root .` in the suite folder) and commit the \
         updated .snap file."
    )]
    Mismatch {
        path: PathBuf,
        new_path: PathBuf,
        diff: String,
    },
    #[error("Could not read or write the snapshot file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Not a regular file, or larger than any snapshot.
    #[error("snapshot: {0}")]
    File(crate::fsio::ReadError),
    #[error(
        "The snapshot file {path} is damaged: {reason}. Repair it, or delete it and run again \
         with --update-snapshots."
    )]
    Malformed { path: PathBuf, reason: String },
    /// The `file_stem` given to [`SnapshotStore::check`] is not a safe relative name.
    #[error(
        "{name:?} cannot be used as a snapshot name: it must be a relative path without \
         `.` or `..` parts (build it with snapshot_name)"
    )]
    InvalidName { name: String },
}

impl SnapshotStore {
    /// `root` is the folder of one target (`snapshots/<target>`); with `update`, snapshots
    /// that are missing or differ are (re)written instead of reported.
    pub fn new(root: PathBuf, update: bool) -> Self {
        SnapshotStore { root, update }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the approved snapshot for `file_stem` is (or would be) stored.
    pub fn path_for(&self, file_stem: &str) -> PathBuf {
        self.root.join(format!("{file_stem}.snap"))
    }

    /// Compares `content` with the approved snapshot `<root>/<file_stem>.snap`.
    ///
    /// `file_stem` is already a safe relative name (use [`snapshot_name`] to build it);
    /// `source` (the feature file) and `expression` (the scenario, or what was
    /// snapshotted) go in the header.
    ///
    /// Without update: a match returns `Matched` (and removes a stale `.snap.new`); a
    /// missing or different snapshot writes `<file_stem>.snap.new` and returns `Missing` or
    /// `Mismatch`. With update: the `.snap` is written when it is missing or its content
    /// differs (`Created`, `Updated`); an unchanged file is not touched, except that a
    /// header whose `source`/`expression` are out of date is refreshed (still `Matched`);
    /// any `.snap.new` is removed. A `.snap` that cannot be parsed is `Malformed`, also
    /// in update mode: it is not overwritten, since it may hold something worth keeping
    /// (an unresolved merge, for example).
    ///
    /// Several threads or processes may check different snapshots at the same time; files
    /// are written to a temporary file and renamed into place, so a reader never sees half
    /// a file.
    pub fn check(
        &self,
        file_stem: &str,
        source: &str,
        expression: &str,
        content: &str,
    ) -> Result<SnapshotOutcome, SnapshotError> {
        if !is_safe_stem(file_stem) {
            return Err(SnapshotError::InvalidName {
                name: file_stem.to_string(),
            });
        }
        let path = self.path_for(file_stem);
        let new_path = self.root.join(format!("{file_stem}.snap.new"));
        // Masked before comparing, so what is compared is what is written and shown.
        let actual = normalize(&crate::evidence::redact::text(content));
        let rendered = render(source, expression, &actual);

        // Bounded: a FIFO or device under snapshots/ would block or never end.
        let existing = match crate::fsio::read(&path, crate::fsio::limit::SNAPSHOT, "a snapshot") {
            Ok(bytes) => Some(bytes),
            Err(e) if e.io_kind() == Some(io::ErrorKind::NotFound) => None,
            Err(crate::fsio::ReadError::Io { source, .. }) => {
                return Err(SnapshotError::Io { path, source })
            }
            Err(other) => return Err(SnapshotError::File(other)),
        };

        let Some(bytes) = existing else {
            return if self.update {
                write_atomic(&path, rendered.as_bytes())?;
                remove_if_exists(&new_path)?;
                Ok(SnapshotOutcome::Created(path))
            } else {
                write_atomic(&new_path, rendered.as_bytes())?;
                Err(SnapshotError::Missing { path, new_path })
            };
        };

        let approved = parse(&bytes).map_err(|reason| SnapshotError::Malformed {
            path: path.clone(),
            reason,
        })?;
        let approved = normalize(&crate::evidence::redact::text(&approved.content));

        if approved == actual {
            if self.update && bytes != rendered.as_bytes() {
                write_atomic(&path, rendered.as_bytes())?;
            }
            remove_if_exists(&new_path)?;
            Ok(SnapshotOutcome::Matched)
        } else if self.update {
            write_atomic(&path, rendered.as_bytes())?;
            remove_if_exists(&new_path)?;
            Ok(SnapshotOutcome::Updated(path))
        } else {
            write_atomic(&new_path, rendered.as_bytes())?;
            Err(SnapshotError::Mismatch {
                diff: unified_diff(&approved, &actual),
                path,
                new_path,
            })
        }
    }
}

/// A file name for a snapshot: `<feature_stem>__<scenario>[__<label>]`, each part
/// lowercased, `æ`→`ae`, `ø`→`oe`, `å`→`aa` (and a few accents dropped), every other run
/// of characters that are not ASCII letters or digits turned into one `_`, and trimmed.
/// Names longer than 120 characters are cut, and end in a short hash of the full name so
/// that two long names that start alike stay apart.
///
/// `snapshot_name("opslag", "Kendt borger: fulde stamdata", None)` is
/// `opslag__kendt_borger_fulde_stamdata`.
pub fn snapshot_name(feature_stem: &str, scenario: &str, label: Option<&str>) -> String {
    let part = |s: &str| {
        let s = crate::core::text::slug(s, '_');
        if s.is_empty() {
            "unnamed".to_string()
        } else {
            s
        }
    };
    let mut name = format!("{}__{}", part(feature_stem), part(scenario));
    if let Some(label) = label.filter(|l| !l.trim().is_empty()) {
        name.push_str("__");
        name.push_str(&part(label));
    }
    if name.len() > MAX_NAME_LEN {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(name.as_bytes());
        let hex: String = hash.iter().take(4).map(|b| format!("{b:02x}")).collect();
        // All ASCII, so any byte index is a char boundary.
        let mut cut = name[..MAX_NAME_LEN - hex.len() - 1].to_string();
        while cut.ends_with('_') {
            cut.pop();
        }
        name = format!("{cut}_{hex}");
    }
    name
}

fn is_safe_stem(stem: &str) -> bool {
    !stem.is_empty()
        && !stem.contains(['\\', '\0', ':'])
        && !stem.starts_with('/')
        && stem
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// insta's normalisation of file snapshot content: trailing whitespace removed, CRLF → LF.
fn normalize(content: &str) -> String {
    let mut s = content.trim_end().to_string();
    while s.contains("\r\n") {
        s = s.replace("\r\n", "\n");
    }
    s
}

/// The whole `.snap` file, byte for byte what insta writes for a text snapshot.
fn render(source: &str, expression: &str, normalized: &str) -> String {
    let mut out = String::with_capacity(normalized.len() + 128);
    out.push_str("---\nsource: ");
    push_yaml_str(&mut out, source);
    out.push_str("\nexpression: ");
    push_yaml_str(&mut out, expression);
    out.push_str("\n---\n");
    out.push_str(normalized);
    out.push('\n');
    out
}

/// A YAML scalar as insta's (vendored yaml-rust) emitter writes it: plain when that reads
/// back as the same string, otherwise double-quoted with JSON-style escapes.
fn push_yaml_str(out: &mut String, s: &str) {
    if !yaml_needs_quotes(s) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\0'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// insta's `need_quotes` (content/yaml/vendored/emitter.rs).
fn yaml_needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.starts_with(['&', '*', '?', '|', '-', '<', '>', '=', '!', '%', '@'])
        || s.contains(|c: char| {
            matches!(c,
                ':' | '{' | '}' | '[' | ']' | ',' | '#' | '`' | '"' | '\'' | '\\'
                | '\0'..='\u{6}' | '\t' | '\n' | '\r' | '\u{e}'..='\u{1a}' | '\u{1c}'..='\u{1f}')
        })
        || [
            "yes", "Yes", "YES", "no", "No", "NO", "True", "TRUE", "true", "False", "FALSE",
            "false", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
        ]
        .contains(&s)
        || s.starts_with('.')
        || s.starts_with("0x")
        || s.parse::<i64>().is_ok()
        || s.parse::<f64>().is_ok()
}

/// A parsed `.snap` file.
#[derive(Debug)]
struct Parsed {
    content: String,
}

/// Reads a `.snap` file the way insta does: a `---` line, YAML header lines, a `---` line,
/// then the content, whose lines are joined with `\n` (a line's `\r\n` or `\n` ending is
/// dropped). The header is checked for shape, not interpreted.
fn parse(bytes: &[u8]) -> Result<Parsed, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("it is not UTF-8 text (byte {})", e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');

    match lines.next() {
        Some(first) if first.trim_end() == "---" => {}
        Some(first) => {
            return Err(format!(
                "the first line should be `---`, but it is `{}`",
                truncate(first.trim_end(), 60)
            ))
        }
        None => return Err("the file is empty".to_string()),
    }

    let mut header_closed = false;
    for (index, line) in lines.by_ref().enumerate() {
        let line_no = index + 2;
        let line = line.trim_end();
        if line == "---" {
            header_closed = true;
            break;
        }
        check_header_line(line).map_err(|why| format!("header line {line_no} {why}"))?;
    }
    if !header_closed {
        return Err("the header has no closing `---` line".to_string());
    }

    let mut content = String::new();
    for (index, line) in lines.enumerate() {
        if index > 0 {
            content.push('\n');
        }
        // Like `BufRead::lines`: drop a `\n` or `\r\n` ending, but not a lone `\r`.
        let line = match line.strip_suffix('\n') {
            Some(l) => l.strip_suffix('\r').unwrap_or(l),
            None => line,
        };
        content.push_str(line);
    }
    Ok(Parsed { content })
}

/// A header line must be blank, a comment, indented (part of the value above), or
/// `key: value` with a well-formed value.
fn check_header_line(line: &str) -> Result<(), String> {
    if line.trim().is_empty() || line.starts_with([' ', '\t', '#']) {
        return Ok(());
    }
    let Some((key, value)) = line.split_once(':') else {
        return Err(format!("is not `key: value`: `{}`", truncate(line, 60)));
    };
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("has a strange key: `{}`", truncate(line, 60)));
    }
    let value = value.trim();
    if let Some(rest) = value.strip_prefix('"') {
        let mut escaped = false;
        let mut closed = false;
        for c in rest.chars() {
            if closed {
                return Err("has text after a quoted value".to_string());
            }
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => closed = true,
                _ => {}
            }
        }
        if !closed {
            return Err("has a quoted value without an end quote".to_string());
        }
    } else if let Some(rest) = value.strip_prefix('\'') {
        // In single quotes, '' is a quote; the value must end with a lone '.
        let inner = rest
            .strip_suffix('\'')
            .ok_or("has a quoted value without an end quote")?;
        if inner.replace("''", "").contains('\'') {
            return Err("has a badly quoted value".to_string());
        }
    }
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// A unified diff, `-approved` / `+actual`, three lines of context.
fn unified_diff(approved: &str, actual: &str) -> String {
    let approved = format!("{approved}\n");
    let actual = format!("{actual}\n");
    similar::TextDiff::from_lines(&approved, &actual)
        .unified_diff()
        .context_radius(3)
        .header("approved", "actual")
        .to_string()
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// concurrent readers and writers never see a partial file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SnapshotError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let io_err = |source: io::Error| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{file_name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let bytes = crate::evidence::redact::bytes(bytes);
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io_err)
}

fn remove_if_exists(path: &Path) -> Result<(), SnapshotError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(SnapshotError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quoting_follows_insta() {
        let q = |s: &str| {
            let mut o = String::new();
            push_yaml_str(&mut o, s);
            o
        };
        assert_eq!(
            q("features/cpr/opslag.feature"),
            "features/cpr/opslag.feature"
        );
        assert_eq!(
            q("Kendt borger: fulde stamdata"),
            "\"Kendt borger: fulde stamdata\""
        );
        assert_eq!(q("æøå"), "æøå");
        assert_eq!(q("sig \"hej\"\n"), "\"sig \\\"hej\\\"\\n\"");
        assert_eq!(q("42"), "\"42\"");
        assert_eq!(q("yes"), "\"yes\"");
        assert_eq!(q(""), "\"\"");
        assert_eq!(q("\u{1}"), "\"\\u0001\"");
    }

    #[test]
    fn names_are_safe_and_capped() {
        assert_eq!(
            snapshot_name("opslag", "Kendt borger: fulde stamdata", None),
            "opslag__kendt_borger_fulde_stamdata"
        );
        assert_eq!(
            snapshot_name("Børn", "Søg på ÆØÅ -- æøå", Some("svar 2")),
            "boern__soeg_paa_aeoeaa_aeoeaa__svar_2"
        );
        assert_eq!(snapshot_name("x", "!!!", Some(" ")), "x__unnamed");
        let long_a = snapshot_name("f", &"a ".repeat(100), Some("1"));
        let long_b = snapshot_name("f", &"a ".repeat(100), Some("2"));
        assert!(long_a.len() <= MAX_NAME_LEN, "{long_a}");
        assert_ne!(long_a, long_b);
        assert!(is_safe_stem(&long_a));
    }

    #[test]
    fn unsafe_stems_are_refused() {
        for bad in ["", "/abs", "../up", "a/../b", "a//b", "a\\b", "./a", "a/"] {
            assert!(!is_safe_stem(bad), "{bad}");
        }
        assert!(is_safe_stem("cpr/opslag__x"));
    }

    #[test]
    fn parse_reads_back_what_render_writes() {
        for content in ["", "a", "  indent\n\n---\nlast", "æøå\ttab"] {
            let r = render("s", "e", &normalize(content));
            assert_eq!(parse(r.as_bytes()).unwrap().content, normalize(content));
        }
        assert_eq!(
            normalize("a\r\r\nb \r\n\n"),
            "a\nb",
            "CRLF removed until none is left"
        );
    }

    /// An approved snapshot that is a FIFO (or a device) is refused, not waited on for ever.
    #[cfg(unix)]
    #[test]
    fn a_snapshot_that_is_a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.snap");
        crate::fsio::mkfifo(&p);
        let store = SnapshotStore::new(dir.path().to_path_buf(), false);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(
                store
                    .check("x", "s", "e", "content")
                    .map_err(|e| e.to_string()),
            );
        });
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("the check blocked on the FIFO");
        let e = got.unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
    }
}
