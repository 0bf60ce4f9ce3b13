//! Near misses, WireMock users' favourite feature: for a request no stub matched, the stubs
//! that came closest, and which of their matchers failed.
//!
//! The rule: every matcher is judged by the matcher code itself, never by a copy of its
//! logic. Each stub's pattern is cut once, when the stub is made, into patterns of one
//! matcher each ([`Parts`]); a near miss runs each of them on the request. The distance is
//! the share of a stub's matchers that failed (0 would be a match, 1 nothing matched), a
//! simpler measure than WireMock's weighted string distances, with the same order.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::matcher::{Body, RequestPattern, UrlMatcher};
use super::Stub;
use crate::platform::request::Request;

/// How much of a matcher's JSON a reason quotes.
const QUOTE: usize = 160;

/// A stub's matchers, one pattern each, with the words that name it.
#[derive(Debug)]
pub(crate) struct Parts(Vec<Part>);

#[derive(Debug)]
struct Part {
    /// E.g. `header SOAPAction {"contains":"PersonLookup"}`.
    names: String,
    what: Judged,
    pattern: RequestPattern,
}

/// What the reason quotes from the request when the part fails.
#[derive(Debug)]
enum Judged {
    Method,
    Url,
    Header(http::HeaderName),
    Body,
}

/// One stub that came close to a request.
#[derive(Debug, Clone)]
pub struct NearMiss {
    pub stub: Arc<Stub>,
    /// 0..1: the share of the stub's matchers the request failed.
    pub distance: f64,
    /// Why, one line per failed matcher (masked: they quote the request).
    pub reasons: Vec<String>,
}

fn empty() -> RequestPattern {
    RequestPattern {
        method: None,
        url: UrlMatcher::Any,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

fn quote(v: Option<&Value>) -> String {
    let mut s = v.map(Value::to_string).unwrap_or_default();
    if s.len() > QUOTE {
        let mut cut = QUOTE;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

impl Parts {
    /// `json`: the mapping's JSON object (its `request` names the matchers as written).
    pub(crate) fn of(p: &RequestPattern, json: &Map<String, Value>) -> Parts {
        let request = json.get("request").and_then(Value::as_object);
        let key = |k: &str| request.and_then(|r| r.get(k));
        let mut parts = Vec::new();
        if let Some(m) = &p.method {
            parts.push(Part {
                names: format!("method {m}"),
                what: Judged::Method,
                pattern: RequestPattern {
                    method: Some(m.clone()),
                    ..empty()
                },
            });
        }
        if !matches!(p.url, UrlMatcher::Any) {
            let written = ["url", "urlPath", "urlPathPattern", "urlPattern"]
                .into_iter()
                .find_map(|k| key(k).map(|v| format!("{k} {}", quote(Some(v)))))
                .unwrap_or_else(|| "the URL".into());
            parts.push(Part {
                names: written,
                what: Judged::Url,
                pattern: RequestPattern {
                    url: p.url.clone(),
                    ..empty()
                },
            });
        }
        let headers = key("headers").and_then(Value::as_object);
        for (name, matcher) in &p.headers {
            let written = headers.and_then(|h| {
                h.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name.as_str()))
                    .map(|(k, v)| format!("{k} {}", quote(Some(v))))
            });
            parts.push(Part {
                names: format!("header {}", written.unwrap_or_else(|| name.to_string())),
                what: Judged::Header(name.clone()),
                pattern: RequestPattern {
                    headers: vec![(name.clone(), matcher.clone())],
                    ..empty()
                },
            });
        }
        let bodies = key("bodyPatterns").and_then(Value::as_array);
        for (i, matcher) in p.body.iter().enumerate() {
            parts.push(Part {
                names: format!("bodyPatterns[{i}] {}", quote(bodies.and_then(|b| b.get(i)))),
                what: Judged::Body,
                pattern: RequestPattern {
                    body: vec![matcher.clone()],
                    ..empty()
                },
            });
        }
        Parts(parts)
    }
}

/// Why `part` failed on `request`, masked.
fn reason(part: &Part, request: &Request) -> String {
    let had = match &part.what {
        Judged::Method => format!("the request is {}", request.method),
        Judged::Url => format!("the request is {}", request.url.path()),
        Judged::Header(name) => {
            let values: Vec<String> = request
                .headers
                .get_all(name)
                .iter()
                .map(|v| format!("{:?}", String::from_utf8_lossy(v.as_bytes())))
                .collect();
            if values.is_empty() {
                "the request has no such header".into()
            } else {
                format!("the request has {}", values.join(", "))
            }
        }
        Judged::Body => "the body does not match".into(),
    };
    crate::evidence::redact::text(&format!("{} does not match: {had}", part.names))
}

/// The `limit` stubs closest to matching `request`, closest first (ties in the order tried).
pub(crate) fn closest(
    stubs: &[Arc<Stub>],
    request: &Request,
    body: &Body<'_>,
    limit: usize,
) -> Vec<NearMiss> {
    let mut near: Vec<NearMiss> = stubs
        .iter()
        .filter(|s| !s.parts.0.is_empty())
        .map(|stub| {
            let failed: Vec<&Part> = stub
                .parts
                .0
                .iter()
                .filter(|p| !p.pattern.matches(request, body))
                .collect();
            NearMiss {
                stub: stub.clone(),
                distance: failed.len() as f64 / stub.parts.0.len() as f64,
                reasons: failed.iter().map(|p| reason(p, request)).collect(),
            }
        })
        .collect();
    near.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    near.truncate(limit);
    near
}
