//! Stubs for the embedded Serviceplatformen mock, read from `<mocks>/mappings/**/*.json` in
//! WireMock's JSON mapping format (or added at run time, `store.rs`), and the engine that
//! finds the stub answering a request: in priority order, the first that matches, matched
//! once per request (`Stubs::lookup`); when none does, the journal asks for the near misses
//! (`Stubs::near_misses`, `near.rs`).
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
mod near;
mod store;
mod xml;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue};

pub use self::error::MappingError;
use self::matcher::{Body, RequestPattern};
pub use self::near::NearMiss;
pub use self::store::{parse_runtime, Origin, Stub, StubStore};
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
/// the order given.
#[derive(Debug)]
pub struct Stubs {
    ordered: Vec<Arc<Stub>>,
    /// In the order given (for a store: the file stubs, in load order).
    loaded: Vec<Arc<Stub>>,
}

/// What the stubs make of one request.
pub enum Lookup {
    Matched(Arc<Stub>),
    Unmatched,
}

/// How many near misses are kept per unmatched request, as in WireMock.
pub const NEAR_MISSES: usize = 3;

impl Stubs {
    /// File stubs without their JSON (tests build a backend from mappings alone).
    pub fn new(mappings: Vec<Mapping>) -> Stubs {
        Stubs::from_stubs(
            mappings
                .into_iter()
                .map(|m| Arc::new(Stub::new(m, None, Origin::File)))
                .collect(),
        )
    }

    pub fn from_stubs(stubs: Vec<Arc<Stub>>) -> Stubs {
        let mut ordered = stubs.clone();
        // A stable sort keeps the given order among equal priorities.
        ordered.sort_by_key(|s| s.mapping.priority.unwrap_or(DEFAULT_PRIORITY));
        Stubs {
            ordered,
            loaded: stubs,
        }
    }

    /// In the order they are tried.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Stub>> {
        self.ordered.iter()
    }

    pub fn len(&self) -> usize {
        self.ordered.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ordered.is_empty()
    }

    /// The stub that answers `request`: the first that matches, each looked at once.
    pub fn lookup(&self, request: &Request) -> Lookup {
        let body = Body::new(&request.body);
        match self
            .ordered
            .iter()
            .find(|s| s.mapping.request.matches(request, &body))
        {
            Some(stub) => Lookup::Matched(stub.clone()),
            None => Lookup::Unmatched,
        }
    }

    /// For a request none of them matched, the [`NEAR_MISSES`] closest, closest first (the
    /// journal asks, off the request's path).
    pub fn near_misses(&self, request: &Request) -> Vec<NearMiss> {
        let body = Body::new(&request.body);
        near::closest(&self.ordered, request, &body, NEAR_MISSES)
    }
}

/// Reads every `*.json` under `<mocks_dir>/mappings/` (recursively, sorted by
/// path). A missing `mappings/` folder yields no mappings.
pub fn load_mappings(mocks_dir: &Path) -> Result<Vec<Mapping>, MappingError> {
    Ok(load(mocks_dir)?.into_iter().map(|(m, _)| m).collect())
}

/// [`load_mappings`] as the stubs a mock serves, each with its JSON for the admin API.
pub fn load_stubs(mocks_dir: &Path) -> Result<Stubs, MappingError> {
    let stubs = load(mocks_dir)?
        .into_iter()
        .map(|(m, json)| Arc::new(Stub::new(m, json, Origin::File)))
        .collect();
    Ok(Stubs::from_stubs(stubs))
}

fn load(mocks_dir: &Path) -> Result<Vec<(Mapping, Option<serde_json::Value>)>, MappingError> {
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
        let mut json = store::file_json(&text).into_iter();
        for m in compile::parse_file(&file, &text, &files_dir)? {
            mappings.push((m, json.next()));
        }
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
