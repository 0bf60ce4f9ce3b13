//! WireMock's admin API on the mock, the parts its users reach for, in WireMock's JSON shapes
//! so its existing clients work: the journal (`/__admin/requests`, unmatched requests and
//! their near misses), stubs at run time (`/__admin/mappings`), and `/__admin/reset`.
//!
//! The rule: it is reached over the same mutual TLS as the services (the front lets only
//! certificates the mock trusts in), its requests are not journalled as service traffic,
//! and what it shows of a request is what the journal kept: masked and bounded.

use crate::platform::journal::{Entry, Journal};
use crate::platform::request::{Answer, Request};
use crate::platform::stubs::{self, MappingError, NearMiss, Stub, StubStore};
use base64::Engine as _;
use http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use std::path::Path;

const PREFIX: &str = "/__admin";

/// Whether the request is for the admin API.
pub fn is_admin(req: &Request) -> bool {
    let path = req.url.path();
    path == PREFIX || path.starts_with("/__admin/")
}

/// What the admin API reads and changes: the backend's journal and stubs.
pub struct Admin<'a> {
    pub journal: &'a Journal,
    pub stubs: &'a StubStore,
    /// `<mocks>/__files/`, where a run-time stub's `bodyFileName` is read.
    pub files_dir: Option<&'a Path>,
}

impl Admin<'_> {
    /// The admin API's answer to `req`.
    pub fn answer(&self, req: &Request) -> Answer {
        answer(self, req)
    }
}

fn answer(backend: &Admin<'_>, req: &Request) -> Answer {
    let path = req.url.path()[PREFIX.len()..].trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let journal = backend.journal;
    let store = backend.stubs;
    match (&req.method, segments.as_slice()) {
        (&Method::GET, ["requests"]) => {
            let entries = journal.entries();
            let events: Vec<Value> = entries.iter().map(|e| serve_event(e)).collect();
            ok(json!({
                "requests": events,
                "meta": {"total": entries.len()},
                "requestJournalDisabled": journal.capacity() == 0,
            }))
        }
        (&Method::GET, ["requests", "unmatched"]) => {
            let unmatched: Vec<Value> = journal
                .entries()
                .iter()
                .filter(|e| e.stub.is_none())
                .map(|e| logged_request(e))
                .collect();
            ok(json!({ "requests": unmatched }))
        }
        (&Method::GET, ["requests", "unmatched", "near-misses"]) => {
            let near: Vec<Value> = journal
                .entries()
                .iter()
                .filter(|e| e.stub.is_none())
                .flat_map(|e| e.detail().near_misses.iter().map(|n| near_miss(e, n)))
                .collect();
            ok(json!({ "nearMisses": near }))
        }
        (&Method::GET, ["requests", id]) => match journal.entries().iter().find(|e| e.id == *id)
        {
            Some(e) => ok(serve_event(e)),
            None => not_found(),
        },
        (&Method::DELETE, ["requests"]) | (&Method::POST, ["requests", "reset"]) => {
            journal.clear();
            ok(json!({}))
        }
        (&Method::GET, ["mappings"]) => {
            let stubs = store.current();
            let list: Vec<Value> = stubs.iter().map(|s| s.json.clone()).collect();
            ok(json!({"mappings": list, "meta": {"total": list.len()}}))
        }
        (&Method::POST, ["mappings"]) => add_mapping(backend, req),
        (&Method::DELETE, ["mappings"]) => {
            store.clear();
            ok(json!({}))
        }
        (&Method::POST, ["mappings", "reset"]) => {
            store.reset();
            ok(json!({}))
        }
        (&Method::GET, ["mappings", id]) => match store.current().iter().find(|s| s.id == *id) {
            Some(stub) => ok(stub.json.clone()),
            None => not_found(),
        },
        (&Method::DELETE, ["mappings", id]) => {
            if store.remove(id) {
                ok(json!({}))
            } else {
                not_found()
            }
        }
        (&Method::POST, ["reset"]) => {
            journal.clear();
            store.reset();
            ok(json!({}))
        }
        _ => Answer::new(
            StatusCode::NOT_FOUND,
            "text/plain",
            format!(
                "sp-contract mock: the admin API has no {} {}\nIt serves: GET /__admin/requests, GET /__admin/requests/unmatched, GET /__admin/requests/unmatched/near-misses, DELETE /__admin/requests, GET|POST|DELETE /__admin/mappings, GET|DELETE /__admin/mappings/{{id}}, POST /__admin/mappings/reset, POST /__admin/reset\n",
                req.method,
                req.url.path()
            ),
        ),
    }
}

fn ok(v: Value) -> Answer {
    json_answer(StatusCode::OK, &v)
}

fn json_answer(status: StatusCode, v: &Value) -> Answer {
    let body = serde_json::to_string_pretty(v).unwrap_or_default();
    Answer::new(status, "application/json", body)
}

/// WireMock answers an unknown id with an empty 404.
fn not_found() -> Answer {
    Answer::new(StatusCode::NOT_FOUND, "application/json", "")
}

/// `POST /__admin/mappings`: 201 and the stub with its id, or 422 with WireMock's `errors`.
fn add_mapping(backend: &Admin<'_>, req: &Request) -> Answer {
    let text = String::from_utf8_lossy(&req.body);
    let files = backend
        .files_dir
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| std::path::PathBuf::from("__files"));
    match stubs::parse_runtime(&text, &files) {
        Ok(stub) => {
            let stub = backend.stubs.add(stub);
            json_answer(StatusCode::CREATED, &stub.json)
        }
        Err(e) => json_answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({"errors": [{
                "code": 10,
                "source": {"pointer": pointer(&e)},
                "title": "Error parsing JSON",
                "detail": crate::evidence::redact::text(&e.to_string()),
            }]}),
        ),
    }
}

/// The JSON pointer of the field a mapping error names (`request.headers.A` → `/request/headers/A`).
fn pointer(e: &MappingError) -> String {
    let field = match e {
        MappingError::Invalid { field, .. }
        | MappingError::Unsupported { field, .. }
        | MappingError::BodyFile { field, .. }
        | MappingError::BodyFileRefused { field, .. } => field.as_str(),
        _ => "",
    };
    let mut out = String::new();
    for part in field.split('.').filter(|p| !p.is_empty()) {
        for piece in part.split('[') {
            out.push('/');
            out.push_str(piece.trim_end_matches(']'));
        }
    }
    if out.is_empty() {
        "/".into()
    } else {
        out
    }
}

/// WireMock's ServeEvent: the request, the answer and the stub that gave it.
fn serve_event(e: &Entry) -> Value {
    let mut v = json!({
        "id": e.id,
        "request": logged_request(e),
        "responseDefinition": response_definition(e),
        "response": {
            "status": e.status,
            "headers": headers(&e.detail().response.headers),
            "body": e.detail().response.body,
            "bodyAsBase64": base64(&e.detail().response.body),
        },
        "wasMatched": e.stub.is_some(),
        "spContract": {
            "clientCertificateCn": e.cn,
            "service": e.service,
            "operation": e.operation,
            "verdict": e.verdict.to_string(),
        },
    });
    if let Some(stub) = &e.stub {
        v["stubMapping"] = stub.json.clone();
    }
    v
}

fn response_definition(e: &Entry) -> Value {
    match e.stub.as_deref().and_then(|s| s.json.get("response")) {
        Some(Value::Object(r)) => {
            let mut r = r.clone();
            r.entry("status").or_insert(json!(200));
            Value::Object(r)
        }
        _ => json!({"status": e.status, "fromConfiguredStub": e.stub.is_some()}),
    }
}

/// WireMock's LoggedRequest, with what the journal kept (masked, bounded).
fn logged_request(e: &Entry) -> Value {
    let logged_ms = (e.at.unix_timestamp_nanos() / 1_000_000) as i64;
    let date =
        e.at.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
    json!({
        "url": e.url,
        "method": e.method,
        "headers": headers(&e.detail().request.headers),
        "cookies": {},
        "browserProxyRequest": false,
        "loggedDate": logged_ms,
        "loggedDateString": date,
        "body": e.detail().request.body,
        "bodyAsBase64": base64(&e.detail().request.body),
        "protocol": "HTTP/1.1",
        "scheme": "https",
        "queryParams": query_params(&e.url),
    })
}

fn base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

/// WireMock's header object: a name's value, or its values when it came several times.
fn headers(list: &[(String, String)]) -> Value {
    let mut out: Map<String, Value> = Map::new();
    for (name, value) in list {
        match out.get_mut(name) {
            None => {
                out.insert(name.clone(), Value::String(value.clone()));
            }
            Some(Value::Array(values)) => values.push(Value::String(value.clone())),
            Some(first) => *first = json!([first.clone(), value]),
        }
    }
    Value::Object(out)
}

/// `{"key": {"key": "key", "values": [...]}}` from the (masked) URL's query.
fn query_params(url: &str) -> Value {
    let mut out: Map<String, Value> = Map::new();
    let Ok(parsed) = url::Url::parse(&format!("http://localhost{url}")) else {
        return Value::Object(out);
    };
    for (k, v) in parsed.query_pairs() {
        let entry = out
            .entry(k.to_string())
            .or_insert_with(|| json!({"key": k, "values": []}));
        if let Some(values) = entry["values"].as_array_mut() {
            values.push(Value::String(v.into_owned()));
        }
    }
    Value::Object(out)
}

/// WireMock's NearMiss, with WireMock's `matchResult.distance` and one `diffDescriptions`
/// entry per failed matcher.
fn near_miss(e: &Entry, n: &NearMiss) -> Value {
    let stub: &Stub = &n.stub;
    let diffs: Vec<Value> = n
        .reasons
        .iter()
        .map(|r| json!({"errorMessage": r}))
        .collect();
    json!({
        "request": logged_request(e),
        "stubMapping": stub.json,
        "matchResult": {"distance": n.distance, "subEvents": [], "diffDescriptions": diffs},
    })
}
