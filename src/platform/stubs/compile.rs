//! From a mapping file's text to stubs: JSON (duplicate keys refused), the format's types
//! (`format.rs`), then what the values mean — regexes compile, XML parses, XPath selects
//! nodes, a status is a status, a body file is inside `__files/` — into matchers that
//! cannot fail at request time.
//!
//! The rule: every refusal names the file and the JSON path, as `error::Loc` writes it.

use std::path::{Component, Path};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};
use regex::Regex;
use serde_json::Value;

use super::de::{self, kind};
use super::error::{Loc, MappingError};
use super::format;
use super::matcher::{BodyMatcher, RequestPattern, StringMatcher, UrlMatcher};
use super::xml::{CanonicalElement, XPathExpr};
use super::{Mapping, StubResponse};

/// The mappings of one file: one mapping object, or WireMock's export format.
pub(super) fn parse_file(
    file: &Path,
    text: &str,
    files_dir: &Path,
) -> Result<Vec<Mapping>, MappingError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value =
        crate::core::strict_json::from_str(text).map_err(|e| MappingError::json(file, &e))?;
    let root = Loc::root(file);
    let Some(object) = value.as_object() else {
        return Err(root.invalid(format!("expected a JSON object, found {}", kind(&value))));
    };
    let shape = |e| MappingError::shape(file, &value, e);
    let mut mappings = if object.contains_key("mappings") {
        let export: format::Export = de::read(&value).map_err(shape)?;
        let list = root.key("mappings");
        export
            .mappings
            .0
            .into_iter()
            .enumerate()
            .map(|(i, m)| mapping(&list.index(i), Some(i), m, files_dir))
            .collect::<Result<Vec<_>, _>>()?
    } else {
        let single: format::Mapping = de::read(&value).map_err(shape)?;
        vec![mapping(&root, None, single, files_dir)?]
    };
    // `jsonBody` is sent with its keys in the order written, as WireMock sends it.
    if text.contains("jsonBody") {
        let bodies = format::json_bodies(text).map_err(|e| MappingError::json(file, &e))?;
        for (m, body) in mappings.iter_mut().zip(bodies) {
            if let Some(body) = body {
                m.response.body = Bytes::from(body);
            }
        }
    }
    Ok(mappings)
}

fn mapping(
    loc: &Loc<'_>,
    index: Option<usize>,
    m: format::Mapping,
    files_dir: &Path,
) -> Result<Mapping, MappingError> {
    let priority = m
        .priority
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
    let request_loc = loc.key("request");
    let Some(request) = m.request else {
        return Err(request_loc.invalid(
            "missing: every mapping needs a `request` object, e.g. \
             {\"method\": \"POST\", \"urlPath\": \"/service\"}",
        ));
    };
    let request = request_pattern(&request_loc, request)?;
    let response = match m.response {
        Some(r) => response(&loc.key("response"), r, files_dir)?,
        None => StubResponse::default(),
    };
    Ok(Mapping {
        source: loc.file.to_path_buf(),
        index,
        name: m.name,
        id: m.id.or(m.uuid),
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

/// The key of `present` that is set, if any; more than one is refused with `several`.
fn at_most_one<'k>(
    loc: &Loc<'_>,
    present: &[(&'k str, bool)],
    several: impl Fn(&str) -> String,
) -> Result<Option<&'k str>, MappingError> {
    let set: Vec<&str> = present
        .iter()
        .filter(|(_, s)| *s)
        .map(|(k, _)| *k)
        .collect();
    match set.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(loc.invalid(several(&many.join(", ")))),
    }
}

fn request_pattern(loc: &Loc<'_>, r: format::Request) -> Result<RequestPattern, MappingError> {
    let method = match r.method {
        None => None,
        Some(m) if m == "ANY" => None,
        Some(m) => {
            let valid = !m.is_empty() && !m.chars().any(|c| c.is_ascii_lowercase());
            match Method::from_bytes(m.as_bytes()) {
                Ok(method) if valid => Some(method),
                _ => {
                    return Err(loc.key("method").invalid(format!(
                        "`{m}` is not an upper-case HTTP method; use e.g. \"POST\", or \"ANY\""
                    )))
                }
            }
        }
    };

    let urls = [
        ("url", &r.url),
        ("urlPath", &r.url_path),
        ("urlPathPattern", &r.url_path_pattern),
        ("urlPattern", &r.url_pattern),
    ];
    let set: Vec<(&str, bool)> = urls.iter().map(|(k, v)| (*k, v.is_some())).collect();
    let key = at_most_one(loc, &set, |found| {
        format!("use only one of url, urlPath, urlPathPattern, urlPattern (found {found})")
    })?;
    let url = match key.and_then(|k| urls.iter().find(|(name, _)| *name == k)) {
        Some((key, Some(s))) => {
            let u_loc = loc.key(key);
            match *key {
                "url" | "urlPath" if !s.starts_with('/') => {
                    return Err(u_loc.invalid(format!(
                        "`{s}` must start with `/` (it is compared with the request path)"
                    )))
                }
                "url" => UrlMatcher::Exact(s.clone()),
                "urlPath" => UrlMatcher::Path(s.clone()),
                "urlPathPattern" => UrlMatcher::PathRegex(compile_regex(&u_loc, s)?),
                _ => UrlMatcher::UrlRegex(compile_regex(&u_loc, s)?),
            }
        }
        _ => UrlMatcher::Any,
    };

    let mut headers = Vec::new();
    let h_loc = loc.key("headers");
    for (name, matcher) in r.headers.unwrap_or_default() {
        let m_loc = h_loc.key(&name);
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| m_loc.invalid("not a valid HTTP header name"))?;
        headers.push((header, matcher.compile(&m_loc)?));
    }

    let b_loc = loc.key("bodyPatterns");
    let body = r
        .body_patterns
        .map_or(Vec::new(), |list| list.0)
        .into_iter()
        .enumerate()
        .map(|(i, p)| body_pattern(&b_loc.index(i), p))
        .collect::<Result<_, _>>()?;

    Ok(RequestPattern {
        method,
        url,
        headers,
        body,
    })
}

/// A string matcher, in a header or a nested `matchesXPath`.
impl format::StringMatcher {
    fn compile(self, loc: &Loc<'_>) -> Result<StringMatcher, MappingError> {
        let present = [
            ("equalTo", self.equal_to.0.is_some()),
            ("contains", self.contains.0.is_some()),
            ("matches", self.matches.0.is_some()),
        ];
        at_most_one(loc, &present, |found| {
            format!("use exactly one of equalTo, contains, matches (found {found})")
        })?;
        let case_insensitive = self.case_insensitive.unwrap_or(false);
        if case_insensitive && self.equal_to.0.is_none() {
            return Err(loc
                .key("caseInsensitive")
                .unsupported("`caseInsensitive` is supported with `equalTo` only"));
        }
        match (self.equal_to.0, self.contains.0, self.matches.0) {
            (Some(value), _, _) => Ok(StringMatcher::EqualTo {
                value,
                case_insensitive,
            }),
            (_, Some(part), _) => Ok(StringMatcher::Contains(part)),
            (_, _, Some(pattern)) => Ok(StringMatcher::Matches(compile_regex(
                &loc.key("matches"),
                &pattern,
            )?)),
            (None, None, None) => Err(loc.invalid(
                "needs exactly one of equalTo, contains, matches, e.g. {\"equalTo\": \"text/xml\"}",
            )),
        }
    }
}

fn body_pattern(loc: &Loc<'_>, p: format::BodyPattern) -> Result<BodyMatcher, MappingError> {
    let present = [
        ("equalTo", p.equal_to.0.is_some()),
        ("contains", p.contains.0.is_some()),
        ("matches", p.matches.0.is_some()),
        ("equalToJson", p.equal_to_json.0.is_some()),
        ("equalToXml", p.equal_to_xml.0.is_some()),
        ("matchesXPath", p.matches_xpath.0.is_some()),
    ];
    let operator = at_most_one(loc, &present, |found| {
        format!(
            "use one matcher per body pattern (found {found}); add another entry to \
             bodyPatterns instead"
        )
    })?;
    if p.xpath_namespaces.is_some() && p.matches_xpath.0.is_none() {
        return Err(loc
            .key("xPathNamespaces")
            .invalid("goes with matchesXPath only; remove it or match with matchesXPath"));
    }
    if p.case_insensitive.is_some() && p.equal_to.0.is_none() {
        return Err(loc
            .key("caseInsensitive")
            .unsupported("`caseInsensitive` is supported with `equalTo` only"));
    }
    let xpath = match (
        operator,
        p.equal_to_json.0,
        p.equal_to_xml.0,
        p.matches_xpath.0,
    ) {
        (None, ..) => {
            return Err(loc.invalid(format!(
                "needs one of {}, e.g. {{\"contains\": \"PNR\"}}",
                format::BODY_OPERATORS.join(", ")
            )))
        }
        (_, Some(expected), ..) => {
            let expected = expected_json(&loc.key("equalToJson"), expected)?;
            return Ok(BodyMatcher::EqualToJson(expected));
        }
        (_, _, Some(expected), _) => {
            let expected = CanonicalElement::parse(&expected).map_err(|e| {
                loc.key("equalToXml")
                    .invalid(format!("expected XML cannot be used: {e}"))
            })?;
            return Ok(BodyMatcher::EqualToXml(expected));
        }
        (_, _, _, Some(xpath)) => xpath,
        (Some(_), None, None, None) => {
            let text = format::StringMatcher {
                equal_to: p.equal_to,
                contains: p.contains,
                matches: p.matches,
                case_insensitive: p.case_insensitive,
            };
            return Ok(BodyMatcher::Text(text.compile(loc)?));
        }
    };
    let op_loc = loc.key("matchesXPath");
    let namespaces = p.xpath_namespaces.unwrap_or_default().into_iter().collect();
    let (expression, value) = match xpath {
        format::XPath::Expression(e) => (e, None),
        format::XPath::Nested(nested) => {
            let Some(expression) = nested.expression.0 else {
                return Err(op_loc.key("expression").invalid(
                    "missing: the nested form is {\"expression\": \"//x\", \"equalTo\": \"value\"}",
                ));
            };
            let matcher = format::StringMatcher {
                equal_to: nested.equal_to,
                contains: nested.contains,
                matches: nested.matches,
                case_insensitive: nested.case_insensitive,
            };
            (expression, Some(matcher.compile(&op_loc)?))
        }
    };
    let xpath = XPathExpr::new(&expression, namespaces).map_err(|m| op_loc.invalid(m))?;
    Ok(BodyMatcher::XPath { xpath, value })
}

/// The JSON `equalToJson` expects: a string holding it, or the JSON itself. JsonUnit's
/// placeholders (`${json-unit.any-number}` …), which WireMock honours, are refused rather
/// than compared as text.
fn expected_json(loc: &Loc<'_>, value: Value) -> Result<Value, MappingError> {
    let expected = match value {
        Value::String(text) => crate::core::strict_json::from_str(&text)
            .map_err(|e| loc.invalid(format!("the expected JSON does not parse: {e}")))?,
        Value::Null => {
            return Err(loc.invalid(
                "expected the JSON to compare with, as a string or as JSON, e.g. {\"a\": 1}",
            ))
        }
        other => other,
    };
    fn placeholder(v: &Value) -> bool {
        match v {
            Value::String(s) => s.starts_with("${json-unit."),
            Value::Array(items) => items.iter().any(placeholder),
            Value::Object(map) => map.values().any(placeholder),
            _ => false,
        }
    }
    if placeholder(&expected) {
        return Err(loc.unsupported(
            "JsonUnit placeholders (`${json-unit...}`) are outside the supported subset; \
             compare exact values, or match the body with `matches`",
        ));
    }
    Ok(expected)
}

fn response(
    loc: &Loc<'_>,
    r: format::Response,
    files_dir: &Path,
) -> Result<StubResponse, MappingError> {
    let mut spec = StubResponse::default();
    if let Some(v) = r.status {
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

    let h_loc = loc.key("headers");
    for (name, values) in r.headers.unwrap_or_default() {
        let v_loc = h_loc.key(&name);
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| v_loc.invalid("not a valid HTTP header name"))?;
        for (i, value) in values.values.iter().enumerate() {
            let item_loc = if values.listed {
                v_loc.index(i)
            } else {
                v_loc.clone()
            };
            let value = HeaderValue::from_str(value)
                .map_err(|_| item_loc.invalid("not a valid HTTP header value"))?;
            spec.headers.push((header.clone(), value));
        }
    }

    let bodies = [
        ("body", r.body.is_some()),
        ("jsonBody", r.json_body.is_some()),
        ("base64Body", r.base64_body.is_some()),
        ("bodyFileName", r.body_file_name.is_some()),
    ];
    at_most_one(loc, &bodies, |found| {
        format!("use only one of body, jsonBody, base64Body, bodyFileName (found {found})")
    })?;
    if let Some(text) = r.body {
        spec.body = Bytes::from(text);
    } else if let Some(json) = r.json_body {
        spec.body = Bytes::from(json.to_string());
    } else if let Some(b64) = r.base64_body {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| {
                loc.key("base64Body")
                    .invalid(format!("not valid base64: {e}"))
            })?;
        spec.body = Bytes::from(decoded);
    } else if let Some(name) = r.body_file_name {
        spec.body = Bytes::from(read_body_file(&loc.key("bodyFileName"), &name, files_dir)?);
    }

    if let Some(v) = r.fixed_delay_milliseconds {
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
            r#"{"request": {"urlPath": "/x", "bodyPatterns": [{"contains": "a"}, {"matchesJsonPath": "$.a"}]}}"#,
        );
        assert!(
            e.starts_with("m.json: `request.bodyPatterns[1].matchesJsonPath`"),
            "{e}"
        );
        assert!(
            e.contains("equalTo, contains, matches, equalToJson, equalToXml, matchesXPath"),
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
            (
                r#"{"request": {"bodyPatterns": [{"equalToJson": {"a": "${json-unit.any-number}"}}]}}"#,
                "placeholders",
            ),
            (
                r#"{"request": {"bodyPatterns": [{"equalToJson": "{\"a\":"}]}}"#,
                "does not parse",
            ),
            (
                r#"{"request": {"bodyPatterns": [{"equalToJson": null}]}}"#,
                "the JSON to compare with",
            ),
            (
                r#"{"request": {"bodyPatterns": [{"contains": "a", "caseInsensitive": true}]}}"#,
                "with `equalTo` only",
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
