//! Static stubs for the embedded Serviceplatformen mock, read from
//! `<mocks>/mappings/**/*.json` in WireMock's JSON mapping format and turned
//! into `wiremock` mocks.
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
//!   priority the first loaded wins (wiremock-rs tries mocks in mount order).
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
//! - `bodyPatterns` (all must match):
//!   - `{"contains": "..."}`, `{"matches": "regex"}`;
//!   - `{"equalToXml": "<...>"}`: semantic equality; prefixes, attribute
//!     order, whitespace between elements, comments and the order of
//!     differently named siblings do not matter; namespace URIs, local names,
//!     attribute values, trimmed text and the order of same-named siblings do;
//!   - `{"matchesXPath": "expr"}` (matches when it selects at least one node)
//!     or `{"matchesXPath": {"expression": "expr", "equalTo" | "contains" |
//!     "matches": "..."}}` (matches when the string value of any selected node
//!     satisfies the sub-matcher), both with optional `"xPathNamespaces":
//!     {"prefix": "uri"}`. XPath 1.0 via `sxd-xpath`: `local-name()`,
//!     predicates, `text()`, `//`, prefixed steps. Every prefix must be
//!     declared in `xPathNamespaces`, and the expression must select nodes.
//!
//!   A body that is not XML matches neither `equalToXml` nor `matchesXPath`.
//!
//! `response`: `status` (default 200), `headers` (string or list of strings),
//! one of `body`, `jsonBody`, `base64Body`, `bodyFileName`, and
//! `fixedDelayMilliseconds`. No `Content-Type` is added: set it in `headers`.
//!
//! Regexes (`matches`, `urlPattern`, `urlPathPattern`) must match the whole
//! value, with `.` matching newlines (Java's `matches()` with `DOTALL`), in
//! Rust `regex` syntax: no look-around or back-references.

mod xml;

use std::collections::HashSet;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use regex::Regex;
use serde_json::{Map, Value};
use wiremock::http::{HeaderName, HeaderValue, Method};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use self::xml::{CanonicalElement, XPathExpr};

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
    /// As written; `None` means wiremock-rs's default, 5 (as in WireMock).
    pub priority: Option<u8>,
    request: RequestPattern,
    response: ResponseSpec,
}

/// Why the mappings could not be loaded. Every message names the file, the
/// JSON path where relevant, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("{}: cannot read: {source}; check that it exists and is readable", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}:{line}:{column}: malformed JSON: {message}; fix the syntax (a mapping file holds one \
         WireMock mapping object or {{\"mappings\": [...]}})",
        path.display()
    )]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Duplicate {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: `{field}`: {message}", path.display())]
    Invalid {
        path: PathBuf,
        field: String,
        message: String,
    },
    #[error("{}: `{field}` is not supported by sp-contract's mapping loader: {message}", path.display())]
    Unsupported {
        path: PathBuf,
        field: String,
        message: String,
    },
    #[error(
        "{}: `{field}`: cannot read body file {}: {source}; put the file under the mocks \
         directory's __files/ folder or fix bodyFileName",
        path.display(),
        body_file.display()
    )]
    BodyFile {
        path: PathBuf,
        field: String,
        body_file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: `{field}`: {reason}", path.display())]
    BodyFileRefused {
        path: PathBuf,
        field: String,
        reason: crate::fsio::ReadError,
    },
    /// A mapping file that is not a regular file or is too large.
    #[error("{0}")]
    File(crate::fsio::ReadError),
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
        mappings.extend(parse_file(&file, &text, &files_dir)?);
    }
    Ok(mappings)
}

/// Mounts every mapping on `server`, in order.
pub async fn mount_all(mappings: &[Mapping], server: &MockServer) {
    for mapping in mappings {
        mapping.to_mock().mount(server).await;
    }
}

impl Mapping {
    /// The mock for this mapping, named after it.
    /// Whether this mapping's request pattern matches (the mock's front asks this first, so
    /// a stub overrides the built-in service behaviour as its priority promises).
    pub fn matches(&self, request: &Request) -> bool {
        self.request.matches(request)
    }

    pub fn to_mock(&self) -> Mock {
        let r = &self.response;
        let mut template = ResponseTemplate::new(r.status);
        for (name, value) in &r.headers {
            template = template.append_header(name.clone(), value.clone());
        }
        if let Some(body) = &r.body {
            template = template.set_body_bytes(body.clone());
        }
        if let Some(delay) = r.delay {
            template = template.set_delay(delay);
        }
        let mock = Mock::given(self.request.clone())
            .respond_with(template)
            .named(self.label());
        match self.priority {
            Some(p) => mock.with_priority(p),
            None => mock,
        }
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

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// Where in which file a value sits, for error messages.
#[derive(Clone)]
struct Loc<'a> {
    file: &'a Path,
    path: String,
}

impl<'a> Loc<'a> {
    fn key(&self, key: &str) -> Loc<'a> {
        let path = if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        };
        Loc {
            file: self.file,
            path,
        }
    }

    fn index(&self, i: usize) -> Loc<'a> {
        Loc {
            file: self.file,
            path: format!("{}[{i}]", self.path),
        }
    }

    fn field(&self) -> String {
        if self.path.is_empty() {
            "(top level)".into()
        } else {
            self.path.clone()
        }
    }

    fn invalid(&self, message: impl fmt::Display) -> MappingError {
        MappingError::Invalid {
            path: self.file.to_path_buf(),
            field: self.field(),
            message: message.to_string(),
        }
    }

    fn unsupported(&self, message: impl fmt::Display) -> MappingError {
        MappingError::Unsupported {
            path: self.file.to_path_buf(),
            field: self.field(),
            message: message.to_string(),
        }
    }

    fn object<'v>(&self, value: &'v Value) -> Result<&'v Map<String, Value>, MappingError> {
        value
            .as_object()
            .ok_or_else(|| self.invalid(format!("expected a JSON object, found {}", kind(value))))
    }

    fn string<'v>(&self, value: &'v Value) -> Result<&'v str, MappingError> {
        value
            .as_str()
            .ok_or_else(|| self.invalid(format!("expected a string, found {}", kind(value))))
    }

    /// Rejects keys outside `allowed`, saying whether the key is a WireMock
    /// feature left out of the subset or unknown altogether.
    fn check_keys(
        &self,
        object: &Map<String, Value>,
        allowed: &[&str],
        wiremock_known: &[&str],
    ) -> Result<(), MappingError> {
        for key in object.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            let supported = allowed.join(", ");
            let here = self.key(key);
            return Err(if wiremock_known.contains(&key.as_str()) {
                here.unsupported(format!(
                    "this WireMock feature is outside the supported subset; supported here: \
                     {supported}. Rewrite the stub with those (see src/mock/mappings.rs) or \
                     remove it"
                ))
            } else {
                here.unsupported(format!(
                    "unknown field (a typo?); supported here: {supported}"
                ))
            });
        }
        Ok(())
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `object[key]`, treating JSON `null` as absent.
fn get<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    object.get(key).filter(|v| !v.is_null())
}

const TOP_KEYS: &[&str] = &[
    "request",
    "response",
    "priority",
    "name",
    "id",
    "uuid",
    "metadata",
    "persistent",
];
const TOP_WIREMOCK: &[&str] = &[
    "scenarioName",
    "requiredScenarioState",
    "newScenarioState",
    "postServeActions",
    "serveEventListeners",
    "insertionIndex",
];
const REQUEST_KEYS: &[&str] = &[
    "method",
    "url",
    "urlPath",
    "urlPathPattern",
    "urlPattern",
    "headers",
    "bodyPatterns",
];
const REQUEST_WIREMOCK: &[&str] = &[
    "urlPathTemplate",
    "pathParameters",
    "queryParameters",
    "formParameters",
    "cookies",
    "basicAuthCredentials",
    "multipartPatterns",
    "customMatcher",
    "host",
    "port",
    "scheme",
    "clientIp",
];
const RESPONSE_KEYS: &[&str] = &[
    "status",
    "headers",
    "body",
    "jsonBody",
    "base64Body",
    "bodyFileName",
    "fixedDelayMilliseconds",
];
const RESPONSE_WIREMOCK: &[&str] = &[
    "statusMessage",
    "additionalProxyRequestHeaders",
    "removeProxyRequestHeaders",
    "proxyBaseUrl",
    "proxyUrlPrefixToRemove",
    "fault",
    "transformers",
    "transformerParameters",
    "delayDistribution",
    "chunkedDribbleDelay",
    "fromConfiguredStub",
];
const STRING_MATCHERS: &[&str] = &["equalTo", "contains", "matches"];
const STRING_MATCHERS_WIREMOCK: &[&str] = &[
    "doesNotContain",
    "doesNotMatch",
    "absent",
    "equalToJson",
    "equalToXml",
    "matchesJsonPath",
    "matchesXPath",
    "binaryEqualTo",
    "before",
    "after",
    "equalToDateTime",
    "hasExactly",
    "includes",
    "and",
    "or",
    "not",
];
const BODY_MATCHERS: &[&str] = &["contains", "matches", "equalToXml", "matchesXPath"];
const BODY_WIREMOCK: &[&str] = &[
    "equalTo",
    "caseInsensitive",
    "binaryEqualTo",
    "doesNotContain",
    "doesNotMatch",
    "absent",
    "equalToJson",
    "ignoreArrayOrder",
    "ignoreExtraElements",
    "matchesJsonPath",
    "matchesJsonSchema",
    "enablePlaceholders",
    "placeholderOpeningDelimiterRegex",
    "placeholderClosingDelimiterRegex",
    "exemptedComparisons",
    "before",
    "after",
    "equalToDateTime",
    "and",
    "or",
    "not",
];

fn parse_file(file: &Path, text: &str, files_dir: &Path) -> Result<Vec<Mapping>, MappingError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = crate::core::strict_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
        let (path, line, column) = (file.to_path_buf(), e.line(), e.column());
        // Well-formed JSON that says one thing twice: not a syntax error.
        if e.is_data() {
            MappingError::Duplicate {
                path,
                line,
                column,
                message,
            }
        } else {
            MappingError::Json {
                path,
                line,
                column,
                message,
            }
        }
    })?;
    let root = Loc {
        file,
        path: String::new(),
    };
    let object = root.object(&value)?;
    if object.contains_key("mappings") {
        root.check_keys(object, &["mappings", "meta"], &[])?;
        let list_loc = root.key("mappings");
        let list = object["mappings"].as_array().ok_or_else(|| {
            list_loc.invalid(format!(
                "expected an array of mappings, found {}",
                kind(&object["mappings"])
            ))
        })?;
        list.iter()
            .enumerate()
            .map(|(i, v)| parse_mapping(&list_loc.index(i), Some(i), v, files_dir))
            .collect()
    } else {
        Ok(vec![parse_mapping(&root, None, &value, files_dir)?])
    }
}

fn parse_mapping(
    loc: &Loc<'_>,
    index: Option<usize>,
    value: &Value,
    files_dir: &Path,
) -> Result<Mapping, MappingError> {
    let object = loc.object(value)?;
    loc.check_keys(object, TOP_KEYS, TOP_WIREMOCK)?;

    let optional_string = |key: &str| -> Result<Option<String>, MappingError> {
        get(object, key)
            .map(|v| loc.key(key).string(v).map(str::to_owned))
            .transpose()
    };
    let name = optional_string("name")?;
    let id = optional_string("id")?.or(optional_string("uuid")?);
    let priority = get(object, "priority")
        .map(|v| {
            v.as_u64()
                .and_then(|p| u8::try_from(p).ok())
                .filter(|&p| p >= 1)
                .ok_or_else(|| {
                    loc.key("priority").invalid(format!(
                        "expected an integer from 1 (highest) to 255, found {v}"
                    ))
                })
        })
        .transpose()?;
    if let Some(v) = get(object, "persistent") {
        if !v.is_boolean() {
            return Err(loc
                .key("persistent")
                .invalid(format!("expected a boolean, found {}", kind(v))));
        }
    }

    let request_loc = loc.key("request");
    let request = match get(object, "request") {
        Some(v) => parse_request(&request_loc, v)?,
        None => {
            return Err(request_loc.invalid(
                "missing: every mapping needs a `request` object, e.g. \
                 {\"method\": \"POST\", \"urlPath\": \"/service\"}",
            ))
        }
    };
    let response = match get(object, "response") {
        Some(v) => parse_response(&loc.key("response"), v, files_dir)?,
        None => ResponseSpec::default(),
    };

    Ok(Mapping {
        source: loc.file.to_path_buf(),
        index,
        name,
        id,
        priority,
        request,
        response,
    })
}

/// Compiles a WireMock regex: it must match the whole value, `.` matching
/// newlines (Java's `matches()` with `DOTALL`).
fn compile_regex(loc: &Loc<'_>, pattern: &str) -> Result<Regex, MappingError> {
    let invalid = |e: regex::Error| {
        loc.invalid(format!(
            "invalid regular expression (Rust `regex` syntax: no look-around or \
             back-references): {e}"
        ))
    };
    // Compiled alone first: an unbalanced pattern such as `a)|(b` would
    // otherwise escape the anchoring group below and match far more.
    Regex::new(pattern).map_err(invalid)?;
    Regex::new(&format!(r"(?s)\A(?:{pattern})\z")).map_err(invalid)
}

fn parse_request(loc: &Loc<'_>, value: &Value) -> Result<RequestPattern, MappingError> {
    let object = loc.object(value)?;
    loc.check_keys(object, REQUEST_KEYS, REQUEST_WIREMOCK)?;

    let method = match get(object, "method") {
        None => None,
        Some(v) => {
            let m_loc = loc.key("method");
            let m = m_loc.string(v)?;
            if m == "ANY" {
                None
            } else {
                let valid = !m.is_empty()
                    && !m.chars().any(|c| c.is_ascii_lowercase())
                    && Method::from_bytes(m.as_bytes()).is_ok();
                if !valid {
                    return Err(m_loc.invalid(format!(
                        "`{m}` is not an upper-case HTTP method; use e.g. \"POST\", or \"ANY\""
                    )));
                }
                Some(m.to_owned())
            }
        }
    };

    let url_keys: Vec<&str> = ["url", "urlPath", "urlPathPattern", "urlPattern"]
        .into_iter()
        .filter(|k| get(object, k).is_some())
        .collect();
    let url = match url_keys.as_slice() {
        [] => UrlMatcher::Any,
        [key] => {
            let u_loc = loc.key(key);
            let s = u_loc.string(&object[*key])?;
            match *key {
                "url" | "urlPath" if !s.starts_with('/') => {
                    return Err(u_loc.invalid(format!(
                        "`{s}` must start with `/` (it is compared with the request path)"
                    )))
                }
                "url" => UrlMatcher::Exact(s.to_owned()),
                "urlPath" => UrlMatcher::Path(s.to_owned()),
                "urlPathPattern" => UrlMatcher::PathRegex(compile_regex(&u_loc, s)?),
                _ => UrlMatcher::UrlRegex(compile_regex(&u_loc, s)?),
            }
        }
        several => {
            return Err(loc.invalid(format!(
                "use only one of url, urlPath, urlPathPattern, urlPattern (found {})",
                several.join(", ")
            )))
        }
    };

    let mut headers = Vec::new();
    if let Some(v) = get(object, "headers") {
        let h_loc = loc.key("headers");
        for (name, matcher) in h_loc.object(v)? {
            let m_loc = h_loc.key(name);
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| m_loc.invalid("not a valid HTTP header name"))?;
            headers.push((header, parse_string_matcher(&m_loc, matcher, &[])?));
        }
    }

    let mut body = Vec::new();
    if let Some(v) = get(object, "bodyPatterns") {
        let b_loc = loc.key("bodyPatterns");
        let list = v.as_array().ok_or_else(|| {
            b_loc.invalid(format!(
                "expected an array of body patterns, found {}",
                kind(v)
            ))
        })?;
        for (i, pattern) in list.iter().enumerate() {
            body.push(parse_body_pattern(&b_loc.index(i), pattern)?);
        }
    }

    Ok(RequestPattern {
        method,
        url,
        headers,
        body,
    })
}

/// `{"equalTo" | "contains" | "matches": "...", "caseInsensitive": bool}`,
/// plus any `extra` keys the caller handles itself.
fn parse_string_matcher(
    loc: &Loc<'_>,
    value: &Value,
    extra: &[&str],
) -> Result<StringMatcher, MappingError> {
    let object = loc.object(value)?;
    let mut allowed: Vec<&str> = STRING_MATCHERS.to_vec();
    allowed.push("caseInsensitive");
    allowed.extend_from_slice(extra);
    loc.check_keys(object, &allowed, STRING_MATCHERS_WIREMOCK)?;

    let ops: Vec<&str> = STRING_MATCHERS
        .iter()
        .copied()
        .filter(|k| object.contains_key(*k))
        .collect();
    let op =
        match ops.as_slice() {
            [op] => *op,
            [] => return Err(loc.invalid(
                "needs exactly one of equalTo, contains, matches, e.g. {\"equalTo\": \"text/xml\"}",
            )),
            several => {
                return Err(loc.invalid(format!(
                    "use exactly one of equalTo, contains, matches (found {})",
                    several.join(", ")
                )))
            }
        };
    let case_insensitive = match object.get("caseInsensitive") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) if op == "equalTo" => true,
        Some(Value::Bool(true)) => {
            return Err(loc
                .key("caseInsensitive")
                .unsupported("`caseInsensitive` is supported with `equalTo` only"))
        }
        Some(v) => {
            return Err(loc
                .key("caseInsensitive")
                .invalid(format!("expected a boolean, found {}", kind(v))))
        }
    };
    let op_loc = loc.key(op);
    let operand = op_loc.string(&object[op])?;
    Ok(match op {
        "equalTo" => StringMatcher::EqualTo {
            value: operand.to_owned(),
            case_insensitive,
        },
        "contains" => StringMatcher::Contains(operand.to_owned()),
        _ => StringMatcher::Matches(compile_regex(&op_loc, operand)?),
    })
}

fn parse_body_pattern(loc: &Loc<'_>, value: &Value) -> Result<BodyMatcher, MappingError> {
    let object = loc.object(value)?;
    let ops: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|k| BODY_MATCHERS.contains(k))
        .collect();
    let op = match ops.as_slice() {
        [op] => *op,
        [] => {
            // Name the first WireMock operator found, if any, for a clearer error.
            loc.check_keys(object, BODY_MATCHERS, BODY_WIREMOCK)?;
            return Err(loc.invalid(
                "needs one of contains, matches, equalToXml, matchesXPath, e.g. \
                 {\"contains\": \"PNR\"}",
            ));
        }
        several => {
            return Err(loc.invalid(format!(
                "use one matcher per body pattern (found {}); add another entry to \
                 bodyPatterns instead",
                several.join(", ")
            )))
        }
    };
    let op_loc = loc.key(op);
    match op {
        "matchesXPath" => {
            loc.check_keys(object, &["matchesXPath", "xPathNamespaces"], BODY_WIREMOCK)?;
            let mut namespaces = Vec::new();
            if let Some(v) = get(object, "xPathNamespaces") {
                let ns_loc = loc.key("xPathNamespaces");
                for (prefix, uri) in ns_loc.object(v)? {
                    let uri = ns_loc.key(prefix).string(uri)?;
                    namespaces.push((prefix.clone(), uri.to_owned()));
                }
            }
            let (expression, value) = match &object[op] {
                Value::String(s) => (s.as_str(), None),
                Value::Object(nested) => {
                    let e_loc = op_loc.key("expression");
                    let expression = match nested.get("expression") {
                        Some(v) => e_loc.string(v)?,
                        None => {
                            return Err(e_loc.invalid(
                                "missing: the nested form is {\"expression\": \"//x\", \
                                 \"equalTo\": \"value\"}",
                            ))
                        }
                    };
                    let sub = parse_string_matcher(&op_loc, &object[op], &["expression"])?;
                    (expression, Some(sub))
                }
                other => {
                    return Err(op_loc.invalid(format!(
                        "expected an XPath string or {{\"expression\": ..., \"equalTo\": ...}}, \
                         found {}",
                        kind(other)
                    )))
                }
            };
            let xpath = XPathExpr::new(expression, namespaces).map_err(|m| op_loc.invalid(m))?;
            Ok(BodyMatcher::XPath { xpath, value })
        }
        _ => {
            loc.check_keys(object, &[op], BODY_WIREMOCK)?;
            let operand = op_loc.string(&object[op])?;
            Ok(match op {
                "contains" => BodyMatcher::Contains(operand.to_owned()),
                "matches" => BodyMatcher::Matches(compile_regex(&op_loc, operand)?),
                _ => BodyMatcher::EqualToXml(
                    CanonicalElement::parse(operand)
                        .map_err(|e| op_loc.invalid(format!("expected XML cannot be used: {e}")))?,
                ),
            })
        }
    }
}

fn parse_response(
    loc: &Loc<'_>,
    value: &Value,
    files_dir: &Path,
) -> Result<ResponseSpec, MappingError> {
    let object = loc.object(value)?;
    loc.check_keys(object, RESPONSE_KEYS, RESPONSE_WIREMOCK)?;
    let mut spec = ResponseSpec::default();

    if let Some(v) = get(object, "status") {
        spec.status = v
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| (100..=599).contains(s))
            .ok_or_else(|| {
                loc.key("status").invalid(format!(
                    "expected an HTTP status code (100..=599), found {v}"
                ))
            })?;
    }

    if let Some(v) = get(object, "headers") {
        let h_loc = loc.key("headers");
        for (name, values) in h_loc.object(v)? {
            let v_loc = h_loc.key(name);
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| v_loc.invalid("not a valid HTTP header name"))?;
            let list: Vec<&Value> = match values {
                Value::Array(items) => items.iter().collect(),
                single => vec![single],
            };
            for (i, item) in list.into_iter().enumerate() {
                let item_loc = if values.is_array() {
                    v_loc.index(i)
                } else {
                    v_loc.clone()
                };
                let s = item_loc.string(item)?;
                let value = HeaderValue::from_str(s)
                    .map_err(|_| item_loc.invalid("not a valid HTTP header value"))?;
                spec.headers.push((header.clone(), value));
            }
        }
    }

    let body_keys: Vec<&str> = ["body", "jsonBody", "base64Body", "bodyFileName"]
        .into_iter()
        .filter(|k| get(object, k).is_some())
        .collect();
    spec.body = match body_keys.as_slice() {
        [] => None,
        [key] => {
            let b_loc = loc.key(key);
            let v = &object[*key];
            Some(match *key {
                "body" => b_loc.string(v)?.as_bytes().to_vec(),
                "jsonBody" => serde_json::to_vec(v).expect("a JSON value serializes"),
                "base64Body" => base64::engine::general_purpose::STANDARD
                    .decode(b_loc.string(v)?.trim())
                    .map_err(|e| b_loc.invalid(format!("not valid base64: {e}")))?,
                _ => read_body_file(&b_loc, b_loc.string(v)?, files_dir)?,
            })
        }
        several => {
            return Err(loc.invalid(format!(
                "use only one of body, jsonBody, base64Body, bodyFileName (found {})",
                several.join(", ")
            )))
        }
    };

    if let Some(v) = get(object, "fixedDelayMilliseconds") {
        let ms = v.as_u64().ok_or_else(|| {
            loc.key("fixedDelayMilliseconds")
                .invalid(format!("expected a non-negative integer, found {v}"))
        })?;
        spec.delay = Some(Duration::from_millis(ms));
    }
    Ok(spec)
}

fn read_body_file(loc: &Loc<'_>, name: &str, files_dir: &Path) -> Result<Vec<u8>, MappingError> {
    let relative = Path::new(name);
    let escapes = relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if name.is_empty() || escapes {
        return Err(loc.invalid(format!(
            "`{name}` must be a relative path inside the mocks directory's __files/ folder \
             (no `..`, no absolute path)"
        )));
    }
    let body_file = files_dir.join(relative);
    crate::fsio::read(&body_file, crate::fsio::limit::BODY_FILE, "a body file").map_err(|e| match e
    {
        crate::fsio::ReadError::Io { source, .. } => MappingError::BodyFile {
            path: loc.file.to_path_buf(),
            field: loc.field(),
            body_file,
            source,
        },
        other => MappingError::BodyFileRefused {
            path: loc.file.to_path_buf(),
            field: loc.field(),
            reason: other,
        },
    })
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct RequestPattern {
    /// `None` matches any method.
    method: Option<String>,
    url: UrlMatcher,
    headers: Vec<(HeaderName, StringMatcher)>,
    body: Vec<BodyMatcher>,
}

#[derive(Debug, Clone)]
enum UrlMatcher {
    Any,
    Exact(String),
    Path(String),
    PathRegex(Regex),
    UrlRegex(Regex),
}

#[derive(Debug, Clone)]
enum StringMatcher {
    EqualTo {
        value: String,
        case_insensitive: bool,
    },
    Contains(String),
    /// Anchored at both ends, dot-all.
    Matches(Regex),
}

#[derive(Debug, Clone)]
enum BodyMatcher {
    Contains(String),
    Matches(Regex),
    EqualToXml(CanonicalElement),
    XPath {
        xpath: XPathExpr,
        value: Option<StringMatcher>,
    },
}

#[derive(Debug, Clone)]
struct ResponseSpec {
    status: u16,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
    delay: Option<Duration>,
}

impl Default for ResponseSpec {
    fn default() -> Self {
        ResponseSpec {
            status: 200,
            headers: Vec::new(),
            body: None,
            delay: None,
        }
    }
}

impl StringMatcher {
    fn matches(&self, actual: &str) -> bool {
        match self {
            StringMatcher::EqualTo {
                value,
                case_insensitive: false,
            } => actual == value,
            StringMatcher::EqualTo {
                value,
                case_insensitive: true,
            } => actual.to_lowercase() == value.to_lowercase(),
            StringMatcher::Contains(part) => actual.contains(part.as_str()),
            StringMatcher::Matches(regex) => regex.is_match(actual),
        }
    }
}

impl UrlMatcher {
    fn matches(&self, url: &wiremock::http::Url) -> bool {
        let path = url.path();
        let path_and_query = || match url.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        };
        match self {
            UrlMatcher::Any => true,
            UrlMatcher::Exact(expected) => *expected == path_and_query(),
            UrlMatcher::Path(expected) => expected == path,
            UrlMatcher::PathRegex(regex) => regex.is_match(path),
            UrlMatcher::UrlRegex(regex) => regex.is_match(&path_and_query()),
        }
    }
}

impl BodyMatcher {
    fn matches(&self, body: &str) -> bool {
        match self {
            BodyMatcher::Contains(part) => body.contains(part.as_str()),
            BodyMatcher::Matches(regex) => regex.is_match(body),
            BodyMatcher::EqualToXml(expected) => expected.matches(body),
            BodyMatcher::XPath { xpath, value } => match xpath.select(body) {
                None => false,
                Some(nodes) => match value {
                    None => !nodes.is_empty(),
                    Some(m) => nodes.iter().any(|n| m.matches(n)),
                },
            },
        }
    }
}

impl Match for RequestPattern {
    fn matches(&self, request: &Request) -> bool {
        if let Some(method) = &self.method {
            if request.method.as_str() != method {
                return false;
            }
        }
        if !self.url.matches(&request.url) {
            return false;
        }
        for (name, matcher) in &self.headers {
            let any = request
                .headers
                .get_all(name)
                .iter()
                .any(|v| matcher.matches(&String::from_utf8_lossy(v.as_bytes())));
            if !any {
                return false;
            }
        }
        if self.body.is_empty() {
            return true;
        }
        let body = String::from_utf8_lossy(&request.body);
        self.body.iter().all(|m| m.matches(&body))
    }
}

impl fmt::Display for Mapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Vec<Mapping>, MappingError> {
        parse_file(Path::new("m.json"), json, Path::new("/nonexistent/__files"))
    }

    fn err(json: &str) -> String {
        parse(json).unwrap_err().to_string()
    }

    #[test]
    fn minimal_mapping_parses_with_defaults() {
        let m = parse(r#"{"request": {"urlPath": "/x"}, "response": {}}"#).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].priority, None);
        assert_eq!(m[0].response.status, 200);
        assert!(m[0].request.method.is_none());
        assert_eq!(m[0].label(), "m.json");
    }

    #[test]
    fn errors_name_file_and_json_path() {
        let e = err(
            r#"{"request": {"urlPath": "/x", "bodyPatterns": [{"contains": "a"}, {"equalToJson": "{}"}]}}"#,
        );
        assert!(
            e.starts_with("m.json: `request.bodyPatterns[1].equalToJson`"),
            "{e}"
        );
        assert!(
            e.contains("contains, matches, equalToXml, matchesXPath"),
            "{e}"
        );

        let e = err(r#"{"mappings": [{"request": {}}, {"request": {"queryParameters": {}}}]}"#);
        assert!(e.contains("`mappings[1].request.queryParameters`"), "{e}");

        let e = err(r#"{"request": {"urlPath": "/x"}, "scenarioName": "s"}"#);
        assert!(
            e.contains("`scenarioName`") && e.contains("outside the supported subset"),
            "{e}"
        );

        let e = err(r#"{"request": {"urlPth": "/x"}}"#);
        assert!(
            e.contains("`request.urlPth`") && e.contains("unknown field"),
            "{e}"
        );

        let e = err(r#"{"request": {"headers": {"SOAPAction": {"doesNotMatch": "x"}}}}"#);
        assert!(
            e.contains("`request.headers.SOAPAction.doesNotMatch`"),
            "{e}"
        );

        let e =
            err(r#"{"request": {"headers": {"A": {"contains": "x", "caseInsensitive": true}}}}"#);
        assert!(e.contains("caseInsensitive"), "{e}");
    }

    #[test]
    fn invalid_values_are_rejected() {
        for (json, needle) in [
            (
                r#"{"request": {"url": "/a", "urlPath": "/a"}}"#,
                "only one of",
            ),
            (r#"{"request": {"url": "a"}}"#, "must start with `/`"),
            (r#"{"request": {"method": "post"}}"#, "upper-case"),
            (
                r#"{"request": {"urlPattern": "(?=x)"}}"#,
                "invalid regular expression",
            ),
            (
                r#"{"request": {"urlPattern": "/a)|(/b"}}"#,
                "invalid regular expression",
            ),
            (r#"{"request": {}, "priority": 0}"#, "`priority`"),
            (r#"{"request": {}, "priority": 256}"#, "`priority`"),
            (
                r#"{"request": {}, "response": {"status": 42}}"#,
                "`response.status`",
            ),
            (
                r#"{"request": {}, "response": {"body": "a", "jsonBody": {}}}"#,
                "only one of",
            ),
            (
                r#"{"request": {}, "response": {"base64Body": "!!"}}"#,
                "base64",
            ),
            (
                r#"{"request": {}, "response": {"bodyFileName": "../x"}}"#,
                "no `..`",
            ),
            (
                r#"{"request": {}, "response": {"headers": {"A": 1}}}"#,
                "`response.headers.A`",
            ),
            (
                r#"{"request": {"bodyPatterns": [{"equalToXml": "<a>"}]}}"#,
                "expected XML cannot be used",
            ),
            (
                r#"{"request": {}, "response": {"status": 1000}}"#,
                "(100..=599), found 1000",
            ),
            (
                r#"{"request": {}, "response": {"status": 600}}"#,
                "(100..=599), found 600",
            ),
            (
                r#"{"request": {}, "response": {"status": 200, "status": 500}}"#,
                "the key \"status\" appears twice",
            ),
            (
                r#"{"request": {"bodyPatterns": [{"matchesXPath": "//s:a"}]}}"#,
                "`s` is not declared",
            ),
            (
                r#"{"request": {"bodyPatterns": [{"contains": "a", "matches": "b"}]}}"#,
                "one matcher",
            ),
            (r#"{"request": {"bodyPatterns": [{}]}}"#, "needs one of"),
            (
                r#"{"request": {"bodyPatterns": [{"matchesXPath": {"expression": "//a", "equalToJson": "{}"}}]}}"#,
                "equalToJson",
            ),
            (r#"{"response": {}}"#, "`request`"),
            (r#"[]"#, "expected a JSON object"),
        ] {
            let e = err(json);
            assert!(e.contains(needle), "{json}: {e}");
            assert!(e.starts_with("m.json"), "{json}: {e}");
        }
    }

    #[test]
    fn malformed_json_reports_line_and_column() {
        let e = parse("{\n  \"request\": {\n    \"url\": \"/x\",\n  }\n}").unwrap_err();
        match &e {
            MappingError::Json { line, column, .. } => assert_eq!((*line, *column), (4, 3)),
            other => panic!("{other:?}"),
        }
        assert!(
            e.to_string().starts_with("m.json:4:3: malformed JSON"),
            "{e}"
        );
    }

    #[test]
    fn string_matchers() {
        let eq = StringMatcher::EqualTo {
            value: "Text/XML".into(),
            case_insensitive: true,
        };
        assert!(eq.matches("text/xml"));
        let re = compile_regex(
            &Loc {
                file: Path::new("m"),
                path: String::new(),
            },
            "a.c",
        )
        .unwrap();
        let m = StringMatcher::Matches(re);
        assert!(m.matches("a\nc"));
        assert!(!m.matches("xa\ncx"), "regex must match the whole value");
    }
}
