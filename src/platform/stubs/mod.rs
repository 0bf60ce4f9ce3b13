//! Static stubs for the embedded Serviceplatformen mock, read from
//! `<mocks>/mappings/**/*.json` in WireMock's JSON mapping format, and the engine that
//! finds the stub answering a request: in priority order, the first that matches, matched
//! once per request (`Stubs::find`).
//!
//! Only a documented subset of WireMock is accepted. Anything outside it is a
//! load error naming the file and the JSON path: a matcher that was silently
//! ignored would make a stub match more than its author meant.
//!
//! # File layout
//! - A file holds one mapping object, or WireMock's export format
//!   `{"mappings": [ ... ], "meta": { ... }}` (`meta` is ignored).
//! - Files are read recursively, sorted by `Path` (component by component,
//!   so `a/z.json` comes before `a.json`). Among mappings of equal
//!   priority the first loaded wins (in WireMock the most recently added: one of the two
//!   documented differences, README "The mock and its data").
//! - `bodyFileName` is relative to `<mocks>/__files/` and read at load time.
//!
//! # Supported subset
//! Top level: `request` (required), `response` (optional: without it the
//! stub answers 200 with an empty body), `priority` (1..=255, 1 = highest,
//! default 5), `name`, `id` / `uuid` (kept), `metadata` and `persistent`
//! (accepted, ignored).
//!
//! `request`:
//! - `method`: `ANY` (the default) or an upper-case HTTP method.
//! - At most one of `url` (path and query, exact), `urlPath` (path, exact),
//!   `urlPathPattern` (regex, full match of the path), `urlPattern` (regex,
//!   full match of path and query). None matches any URL, as in WireMock.
//! - `headers`: `{"Name": {"equalTo" | "contains" | "matches": "..."}}`, names
//!   case-insensitive, `"caseInsensitive": true` allowed with `equalTo`. A
//!   header sent several times matches if any value does.
//! - `bodyPatterns` (all must match; a request without a body matches none, as in
//!   WireMock):
//!   - `{"equalTo": "..."}` (with `"caseInsensitive": true` allowed), `{"contains": "..."}`,
//!     `{"matches": "regex"}`;
//!   - `{"equalToJson": ...}` (the JSON, or a string holding it): equal as JSON, objects in
//!     any key order, arrays in order, numbers by value; no JsonUnit placeholders;
//!   - `{"equalToXml": "<...>"}`: semantic equality; prefixes, attribute
//!     order, whitespace between elements, comments, processing instructions
//!     and the order of differently named siblings do not matter; namespace URIs, local names,
//!     attribute values, trimmed text and the order of same-named siblings do;
//!   - `{"matchesXPath": "expr"}` (matches when it selects at least one node)
//!     or `{"matchesXPath": {"expression": "expr", "equalTo" | "contains" |
//!     "matches": "..."}}` (matches when the value of any selected node satisfies
//!     the sub-matcher: a text node's text, an attribute's value, an element's XML
//!     as WireMock prints it, so select `/text()` to compare text), both with optional `"xPathNamespaces":
//!     {"prefix": "uri"}`. XPath 1.0 via `sxd-xpath`: `local-name()`,
//!     predicates, `text()`, `//`, prefixed steps. Every prefix must be
//!     declared in `xPathNamespaces`, and the expression must select nodes.
//!
//!   A body that is not XML matches neither `equalToXml` nor `matchesXPath`, one that is
//!   not JSON no `equalToJson`.
//!
//! `response`: `status` (default 200), `headers` (string or list of strings),
//! one of `body`, `jsonBody`, `base64Body`, `bodyFileName`, and
//! `fixedDelayMilliseconds`. No `Content-Type` is added: set it in `headers`.
//!
//! Regexes (`matches`, `urlPattern`, `urlPathPattern`) must match the whole
//! value, with `.` matching newlines (Java's `matches()` with `DOTALL`), in
//! Rust `regex` syntax: no look-around or back-references.

mod compile;
mod de;
mod error;
mod format;
mod matcher;
mod xml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue};

pub use self::error::MappingError;
use self::matcher::{Body, RequestPattern};
use crate::platform::request::Request;

/// WireMock's priority for a mapping that names none.
const DEFAULT_PRIORITY: u8 = 5;

/// A parsed and validated stub mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The file it came from.
    pub source: PathBuf,
    /// Its position in the file's `mappings` array, when the file uses
    /// WireMock's export format.
    pub index: Option<usize>,
    pub name: Option<String>,
    /// `id`, or else `uuid`.
    pub id: Option<String>,
    /// As written; `None` means WireMock's default, 5.
    pub priority: Option<u8>,
    request: RequestPattern,
    response: StubResponse,
}

/// What a stub answers. No `Content-Type` is added: the mapping's headers say it.
#[derive(Debug, Clone)]
pub struct StubResponse {
    pub status: u16,
    /// In the mapping's order; a name listed with several values is sent several times.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
    /// `fixedDelayMilliseconds`: how long to wait before answering.
    pub delay: Option<Duration>,
}

impl Default for StubResponse {
    fn default() -> Self {
        StubResponse {
            status: 200,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: None,
        }
    }
}

impl Mapping {
    pub fn response(&self) -> &StubResponse {
        &self.response
    }

    /// `name` if set, else the file (and index within it).
    pub fn label(&self) -> String {
        match (&self.name, self.index) {
            (Some(name), _) => name.clone(),
            (None, Some(i)) => format!("{}#mappings[{i}]", self.source.display()),
            (None, None) => self.source.display().to_string(),
        }
    }
}

/// The stubs a mock serves, in the order they are tried: by priority (1 first), then in
/// load order.
#[derive(Debug)]
pub struct Stubs {
    ordered: Vec<Mapping>,
}

impl Stubs {
    pub fn new(mut mappings: Vec<Mapping>) -> Stubs {
        // A stable sort keeps load order among equal priorities.
        mappings.sort_by_key(|m| m.priority.unwrap_or(DEFAULT_PRIORITY));
        Stubs { ordered: mappings }
    }

    /// The stub that answers `request`: the first that matches, each looked at once.
    pub fn find(&self, request: &Request) -> Option<&Mapping> {
        let body = Body::new(&request.body);
        self.ordered
            .iter()
            .find(|m| m.request.matches(request, &body))
    }
}

/// Reads every `*.json` under `<mocks_dir>/mappings/` (recursively, sorted by
/// path). A missing `mappings/` folder yields no mappings.
pub fn load_mappings(mocks_dir: &Path) -> Result<Vec<Mapping>, MappingError> {
    let root = mocks_dir.join("mappings");
    let files_dir = mocks_dir.join("__files");
    match std::fs::metadata(&root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(MappingError::Io { path: root, source }),
        Ok(m) if !m.is_dir() => {
            return Err(MappingError::Io {
                path: root,
                source: std::io::Error::other("not a directory"),
            })
        }
        Ok(_) => {}
    }
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    collect_json_files(&root, &mut files, &mut visited)?;
    files.sort();

    let mut mappings = Vec::new();
    for file in files {
        let text = crate::fsio::read_text(&file, crate::fsio::limit::MOCK_DATA, "a mapping file")
            .map_err(|e| match e {
            crate::fsio::ReadError::Io { path, source } => MappingError::Io { path, source },
            other => MappingError::File(other),
        })?;
        mappings.extend(compile::parse_file(&file, &text, &files_dir)?);
    }
    Ok(mappings)
}

fn collect_json_files(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
) -> Result<(), MappingError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| MappingError::Io { path, source }
    };
    // Symlinked directories are followed once each.
    if !visited.insert(std::fs::canonicalize(dir).map_err(io(dir))?) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let meta = std::fs::metadata(&path).map_err(io(&path))?;
        if meta.is_dir() {
            collect_json_files(&path, out, visited)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            out.push(path);
        }
    }
    Ok(())
}
