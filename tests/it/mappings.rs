//! Loads WireMock JSON mappings and sends requests to the mock's backend, which answers them
//! as the TLS front hands them on (with no built-in service, so a request no stub matches
//! gets the 404).

use std::path::Path;
use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use sp_contract::core::service::Known;
use sp_contract::platform::backend::Backend;
use sp_contract::platform::request::Request;
use sp_contract::platform::stubs::{load_mappings, MappingError, Stubs};
use tempfile::TempDir;

const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const CTX_NS: &str = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/";
const CPR_NS: &str = "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/";
const CPR_PATH: &str = "/service/CPR/PersonBaseDataExtended/4";
const SOAP_ACTION: &str =
    "\"http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/PersonLookup\"";

/// A mocks directory holding `files` (paths relative to it).
fn mocks(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (relative, content) in files {
        let path = dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

async fn serve(mocks_dir: &Path) -> Backend {
    let mappings = load_mappings(mocks_dir).unwrap_or_else(|e| panic!("{e}"));
    Backend::new(Stubs::new(mappings), Vec::new(), Known::new(Vec::new()))
}

struct Reply {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(
    server: &Backend,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut request = Request {
        url: reqwest::Url::parse(&format!("http://localhost{path}")).unwrap(),
        method: http::Method::from_bytes(method.as_bytes()).unwrap(),
        headers: http::HeaderMap::new(),
        body: bytes::Bytes::from(body.to_owned()),
    };
    for (name, value) in headers {
        request.headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_str(value).unwrap(),
        );
    }
    let (parts, body) = server.answer(request).await.into_parts();
    Reply {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: body.collect().await.unwrap().to_bytes().to_vec(),
    }
}

/// The request is answered by the stub whose body is `text`.
async fn assert_served(
    server: &Backend,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
    text: &str,
) {
    let r = send(server, method, path, headers, body).await;
    assert_eq!(r.text(), text, "{method} {path} {headers:?} {body:?}");
}

/// No stub matches the request: 404.
async fn assert_unmatched(
    server: &Backend,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) {
    let r = send(server, method, path, headers, body).await;
    assert_eq!(r.status, 404, "{method} {path} {headers:?} {body:?}");
}

async fn get(server: &Backend, path: &str) -> Reply {
    send(server, "GET", path, &[], "").await
}

/// A Serviceplatformen-style SOAP 1.1 request with the usual prefixes.
fn envelope(pnr: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="{SOAP_NS}" xmlns:ctx="{CTX_NS}" xmlns:cpr="{CPR_NS}">
  <soapenv:Header/>
  <soapenv:Body>
    <cpr:PersonLookupRequest>
      <ctx:InvocationContext>
        <ctx:ServiceAgreementUUID>42f5d3a1-0000-4000-8000-000000000001</ctx:ServiceAgreementUUID>
        <ctx:UserSystemUUID>42f5d3a1-0000-4000-8000-000000000002</ctx:UserSystemUUID>
      </ctx:InvocationContext>
      <cpr:PNR kind="cpr" version="1">{pnr}</cpr:PNR>
    </cpr:PersonLookupRequest>
  </soapenv:Body>
</soapenv:Envelope>"#
    )
}

fn soap_headers() -> [(&'static str, &'static str); 2] {
    [
        ("SOAPAction", SOAP_ACTION),
        ("Content-Type", "text/xml; charset=utf-8"),
    ]
}

fn stub(request: &str, body: &str) -> String {
    format!(r#"{{"request": {request}, "response": {{"status": 200, "body": "{body}"}}}}"#)
}

#[tokio::test]
async fn url_matchers_differ_as_in_wiremock() {
    let dir = mocks(&[
        (
            "mappings/url.json",
            &stub(r#"{"method": "GET", "url": "/a?x=1"}"#, "url"),
        ),
        (
            "mappings/path.json",
            &stub(r#"{"method": "GET", "urlPath": "/b"}"#, "urlPath"),
        ),
        (
            "mappings/path-pattern.json",
            &stub(
                r#"{"method": "GET", "urlPathPattern": "/c/[0-9]+"}"#,
                "urlPathPattern",
            ),
        ),
        (
            "mappings/pattern.json",
            &stub(
                r#"{"method": "GET", "urlPattern": "/d\\?id=[0-9]+"}"#,
                "urlPattern",
            ),
        ),
    ]);
    let server = serve(dir.path()).await;

    // url: path and query, exactly.
    assert_eq!(get(&server, "/a?x=1").await.text(), "url");
    assert_eq!(get(&server, "/a?x=2").await.status, 404);
    assert_eq!(get(&server, "/a").await.status, 404);
    // urlPath: the path, whatever the query.
    assert_eq!(get(&server, "/b").await.text(), "urlPath");
    assert_eq!(get(&server, "/b?anything=1").await.text(), "urlPath");
    assert_eq!(get(&server, "/b/c").await.status, 404);
    // urlPathPattern: a full match of the path only.
    assert_eq!(get(&server, "/c/12?q=1").await.text(), "urlPathPattern");
    assert_eq!(get(&server, "/c/12x").await.status, 404);
    assert_eq!(get(&server, "/x/c/12").await.status, 404);
    // urlPattern: a full match of path and query.
    assert_eq!(get(&server, "/d?id=5").await.text(), "urlPattern");
    assert_eq!(get(&server, "/d?id=5&more=1").await.status, 404);
    assert_eq!(get(&server, "/d").await.status, 404);
}

#[tokio::test]
async fn method_is_matched_and_any_matches_all() {
    let dir = mocks(&[
        (
            "mappings/post.json",
            &stub(r#"{"method": "POST", "urlPath": "/p"}"#, "post"),
        ),
        (
            "mappings/any.json",
            &stub(r#"{"method": "ANY", "urlPath": "/any"}"#, "any"),
        ),
    ]);
    let server = serve(dir.path()).await;
    assert_served(&server, "POST", "/p", &[], "", "post").await;
    assert_eq!(get(&server, "/p").await.status, 404);
    assert_served(&server, "DELETE", "/any", &[], "", "any").await;
    assert_eq!(get(&server, "/any").await.text(), "any");
}

#[tokio::test]
async fn header_matchers() {
    let dir = mocks(&[
        (
            "mappings/equal.json",
            &stub(
                r#"{"urlPath": "/eq", "headers": {"soapaction": {"equalTo": "urn:Lookup"}}}"#,
                "eq",
            ),
        ),
        (
            "mappings/equal-ci.json",
            &stub(
                r#"{"urlPath": "/ci", "headers": {"X-Mode": {"equalTo": "Test", "caseInsensitive": true}}}"#,
                "ci",
            ),
        ),
        (
            "mappings/contains.json",
            &stub(
                r#"{"urlPath": "/contains", "headers": {"Content-Type": {"contains": "text/xml"}}}"#,
                "contains",
            ),
        ),
        (
            "mappings/matches.json",
            &stub(
                r#"{"urlPath": "/matches", "headers": {"X-Request-Id": {"matches": "[0-9a-f]{8}"}}}"#,
                "matches",
            ),
        ),
    ]);
    let server = serve(dir.path()).await;

    // Header names are case-insensitive; equalTo values are not, by default.
    assert_served(
        &server,
        "POST",
        "/eq",
        &[("SOAPAction", "urn:Lookup")],
        "",
        "eq",
    )
    .await;
    assert_unmatched(&server, "POST", "/eq", &[("SOAPAction", "urn:lookup")], "").await;
    assert_unmatched(&server, "POST", "/eq", &[("SOAPAction", "urn:Lookup2")], "").await;
    assert_unmatched(&server, "POST", "/eq", &[], "").await;

    assert_served(&server, "GET", "/ci", &[("x-mode", "TEST")], "", "ci").await;
    assert_unmatched(&server, "GET", "/ci", &[("x-mode", "TESTS")], "").await;

    let xml = [("Content-Type", "text/xml; charset=utf-8")];
    assert_served(&server, "GET", "/contains", &xml, "", "contains").await;
    let json = [("Content-Type", "application/json")];
    assert_unmatched(&server, "GET", "/contains", &json, "").await;

    let id = [("X-Request-Id", "deadbeef")];
    assert_served(&server, "GET", "/matches", &id, "", "matches").await;
    // `matches` is a full match, not a search.
    let long = [("X-Request-Id", "deadbeef-1")];
    assert_unmatched(&server, "GET", "/matches", &long, "").await;
}

#[tokio::test]
async fn body_contains_and_matches() {
    let dir = mocks(&[
        (
            "mappings/contains.json",
            &stub(
                r#"{"urlPath": "/c", "bodyPatterns": [{"contains": "PersonLookup"}]}"#,
                "c",
            ),
        ),
        (
            "mappings/all.json",
            &stub(
                r#"{"urlPath": "/all", "bodyPatterns": [{"contains": "PNR"}, {"matches": ".*>[0-9]{10}<.*"}]}"#,
                "all",
            ),
        ),
    ]);
    let server = serve(dir.path()).await;
    assert_served(&server, "POST", "/c", &[], &envelope("0101011234"), "c").await;
    assert_unmatched(&server, "POST", "/c", &[], "<Other/>").await;
    // Every body pattern must match; the regex spans lines (DOTALL).
    assert_served(&server, "POST", "/all", &[], &envelope("0101011234"), "all").await;
    assert_unmatched(&server, "POST", "/all", &[], &envelope("01010112")).await;
    assert_unmatched(&server, "POST", "/all", &[], "PNR only").await;
}

#[tokio::test]
async fn equal_to_xml_is_semantic_for_a_soap_envelope() {
    // Different prefixes (a default namespace for the payload), attributes in
    // another order, no indentation, and a comment.
    let expected = format!(
        "<S:Envelope xmlns:S='{SOAP_NS}'><S:Header/><S:Body>\
         <PersonLookupRequest xmlns='{CPR_NS}'><!-- context -->\
         <c:InvocationContext xmlns:c='{CTX_NS}'>\
         <c:ServiceAgreementUUID>42f5d3a1-0000-4000-8000-000000000001</c:ServiceAgreementUUID>\
         <c:UserSystemUUID>42f5d3a1-0000-4000-8000-000000000002</c:UserSystemUUID>\
         </c:InvocationContext>\
         <PNR version='1' kind='cpr'>0101011234</PNR>\
         </PersonLookupRequest></S:Body></S:Envelope>"
    );
    let mapping = serde_json::json!({
        "request": {"method": "POST", "urlPath": CPR_PATH, "bodyPatterns": [{"equalToXml": expected}]},
        "response": {"status": 200, "body": "equal"}
    });
    let dir = mocks(&[("mappings/xml.json", &mapping.to_string())]);
    let server = serve(dir.path()).await;

    let ok = send(
        &server,
        "POST",
        CPR_PATH,
        &soap_headers(),
        &envelope("0101011234"),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.text(), "equal");

    // A changed value does not match.
    let other_pnr = envelope("0202021234");
    assert_unmatched(&server, "POST", CPR_PATH, &[], &other_pnr).await;
    // A changed namespace URI does not match, even with the same prefix.
    let other_ns = envelope("0101011234").replace(CPR_NS, "http://example.org/cpr/5/");
    assert_unmatched(&server, "POST", CPR_PATH, &[], &other_ns).await;
    // A changed attribute value does not match.
    let other_attr = envelope("0101011234").replace("version=\"1\"", "version=\"2\"");
    assert_unmatched(&server, "POST", CPR_PATH, &[], &other_attr).await;
}

#[tokio::test]
async fn matches_xpath_forms() {
    let local_name = serde_json::json!({
        "request": {"urlPath": "/local-name", "bodyPatterns": [
            {"matchesXPath": "//*[local-name()='PNR'][text()='0101011234']"}
        ]},
        "response": {"body": "local-name"}
    });
    let namespaced = serde_json::json!({
        "request": {"urlPath": "/namespaces", "bodyPatterns": [{
            "matchesXPath": "/soap:Envelope/soap:Body/cpr:PersonLookupRequest/ctx:InvocationContext",
            "xPathNamespaces": {"soap": SOAP_NS, "cpr": CPR_NS, "ctx": CTX_NS}
        }]},
        "response": {"body": "namespaces"}
    });
    let nested = serde_json::json!({
        "request": {"urlPath": "/nested", "bodyPatterns": [
            {"matchesXPath": {"expression": "//*[local-name()='PNR']/text()", "equalTo": "0101011234"}}
        ]},
        "response": {"body": "nested"}
    });
    let nested_ns = serde_json::json!({
        "request": {"urlPath": "/nested-ns", "bodyPatterns": [{
            "matchesXPath": {"expression": "//c:PNR/@version", "matches": "[0-9]+"},
            "xPathNamespaces": {"c": CPR_NS}
        }]},
        "response": {"body": "nested-ns"}
    });
    let dir = mocks(&[
        ("mappings/local-name.json", &local_name.to_string()),
        ("mappings/namespaces.json", &namespaced.to_string()),
        ("mappings/nested.json", &nested.to_string()),
        ("mappings/nested-ns.json", &nested_ns.to_string()),
    ]);
    let server = serve(dir.path()).await;
    let good = envelope("0101011234");
    let bad = envelope("0202021234");
    let other_ns = good.replace(CPR_NS, "http://example.org/cpr/5/");

    assert_served(&server, "POST", "/local-name", &[], &good, "local-name").await;
    assert_unmatched(&server, "POST", "/local-name", &[], &bad).await;

    assert_served(&server, "POST", "/namespaces", &[], &good, "namespaces").await;
    // Same prefixes in the request, other namespace URI: no match.
    assert_unmatched(&server, "POST", "/namespaces", &[], &other_ns).await;

    assert_served(&server, "POST", "/nested", &[], &good, "nested").await;
    assert_unmatched(&server, "POST", "/nested", &[], &bad).await;

    assert_served(&server, "POST", "/nested-ns", &[], &good, "nested-ns").await;
    let no_version = good.replace("version=\"1\"", "version=\"v1\"");
    assert_unmatched(&server, "POST", "/nested-ns", &[], &no_version).await;
    assert_unmatched(&server, "POST", "/nested-ns", &[], &other_ns).await;
}

#[tokio::test]
async fn non_xml_body_does_not_match_xml_matchers_and_does_not_break_the_server() {
    let xpath = serde_json::json!({
        "request": {"urlPath": "/x", "bodyPatterns": [{"matchesXPath": "//*[local-name()='PNR']"}]},
        "response": {"body": "xpath"}
    });
    let equal = serde_json::json!({
        "request": {"urlPath": "/e", "bodyPatterns": [{"equalToXml": "<PNR>1</PNR>"}]},
        "response": {"body": "equal"}
    });
    let dir = mocks(&[
        ("mappings/xpath.json", &xpath.to_string()),
        ("mappings/equal.json", &equal.to_string()),
    ]);
    let server = serve(dir.path()).await;
    for body in [
        "",
        "PNR",
        "{\"PNR\": 1}",
        "<PNR>unclosed",
        "<a></b>",
        "\u{0}\u{1}",
    ] {
        assert_unmatched(&server, "POST", "/x", &[], body).await;
        assert_unmatched(&server, "POST", "/e", &[], body).await;
    }
    // Still serving.
    assert_served(&server, "POST", "/x", &[], "<PNR>1</PNR>", "xpath").await;
    assert_served(&server, "POST", "/e", &[], "<PNR> 1 </PNR>", "equal").await;
}

#[tokio::test]
async fn priority_one_beats_a_catch_all_at_five() {
    // The catch-all sorts first, so it would win if priorities were ignored
    // (equal priorities are tried in load order).
    let catch_all = serde_json::json!({
        "priority": 5,
        "request": {"method": "ANY", "urlPathPattern": "/.*"},
        "response": {"status": 500, "body": "catch-all"}
    });
    let specific = serde_json::json!({
        "priority": 1,
        "request": {"method": "POST", "urlPath": CPR_PATH,
                    "headers": {"SOAPAction": {"equalTo": SOAP_ACTION}}},
        "response": {"status": 200, "body": "specific"}
    });
    let dir = mocks(&[
        ("mappings/a-catch-all.json", &catch_all.to_string()),
        ("mappings/b-specific.json", &specific.to_string()),
    ]);
    let mappings = load_mappings(dir.path()).unwrap();
    assert_eq!(
        mappings.iter().map(|m| m.priority).collect::<Vec<_>>(),
        [Some(5), Some(1)]
    );
    let server = serve(dir.path()).await;
    let hit = send(&server, "POST", CPR_PATH, &soap_headers(), "").await;
    assert_eq!((hit.status, hit.text().as_str()), (200, "specific"));
    let miss = send(&server, "POST", CPR_PATH, &[], "").await;
    assert_eq!((miss.status, miss.text().as_str()), (500, "catch-all"));
}

#[tokio::test]
async fn equal_priority_first_loaded_wins() {
    let dir = mocks(&[
        ("mappings/1.json", &stub(r#"{"urlPath": "/same"}"#, "first")),
        (
            "mappings/sub/2.json",
            &stub(r#"{"urlPath": "/same"}"#, "second"),
        ),
    ]);
    let server = serve(dir.path()).await;
    assert_eq!(get(&server, "/same").await.text(), "first");
}

#[tokio::test]
async fn response_fields() {
    let json = serde_json::json!({
        "request": {"url": "/json"},
        "response": {"status": 201, "jsonBody": {"a": [1, 2]},
                     "headers": {"Content-Type": "application/json", "X-Multi": ["1", "2"]}}
    });
    let b64 = serde_json::json!({
        "request": {"url": "/b64"},
        "response": {"base64Body": "AAEC/w=="}
    });
    let dir = mocks(&[
        ("mappings/json.json", &json.to_string()),
        ("mappings/b64.json", &b64.to_string()),
        (
            "mappings/empty.json",
            r#"{"request": {"url": "/empty"}, "response": {}}"#,
        ),
    ]);
    let server = serve(dir.path()).await;

    let r = get(&server, "/json").await;
    assert_eq!(r.status, 201);
    assert_eq!(r.text(), r#"{"a":[1,2]}"#);
    assert_eq!(r.headers["content-type"], "application/json");
    let multi: Vec<_> = r.headers.get_all("x-multi").iter().collect();
    assert_eq!(multi, ["1", "2"]);

    let r = get(&server, "/b64").await;
    assert_eq!((r.status, r.body.as_slice()), (200, &[0u8, 1, 2, 255][..]));
    assert!(
        r.headers.get("content-type").is_none(),
        "no Content-Type is invented"
    );

    let r = get(&server, "/empty").await;
    assert_eq!((r.status, r.body.len()), (200, 0));
}

#[tokio::test]
async fn body_file_name_is_read_from_files_folder() {
    let dir = mocks(&[
        (
            "mappings/file.json",
            r#"{"request": {"url": "/file"}, "response": {"bodyFileName": "soap/reply.xml"}}"#,
        ),
        ("__files/soap/reply.xml", "<reply>from file</reply>"),
    ]);
    let server = serve(dir.path()).await;
    assert_eq!(
        get(&server, "/file").await.text(),
        "<reply>from file</reply>"
    );

    std::fs::remove_file(dir.path().join("__files/soap/reply.xml")).unwrap();
    let err = load_mappings(dir.path()).unwrap_err();
    assert!(matches!(err, MappingError::BodyFile { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("file.json"), "{message}");
    assert!(message.contains("response.bodyFileName"), "{message}");
    assert!(message.contains("reply.xml"), "{message}");
}

#[tokio::test]
async fn fixed_delay_is_applied() {
    let dir = mocks(&[(
        "mappings/slow.json",
        r#"{"request": {"url": "/slow"}, "response": {"body": "late", "fixedDelayMilliseconds": 400}}"#,
    )]);
    let server = serve(dir.path()).await;
    let start = Instant::now();
    assert_eq!(get(&server, "/slow").await.text(), "late");
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn export_format_file_holds_several_mappings() {
    let export = serde_json::json!({
        "mappings": [
            {"name": "one", "request": {"url": "/one"}, "response": {"body": "1"}},
            {"request": {"url": "/two"}, "response": {"body": "2"}}
        ],
        "meta": {"total": 2}
    });
    let dir = mocks(&[("mappings/export.json", &export.to_string())]);
    let mappings = load_mappings(dir.path()).unwrap();
    assert_eq!(mappings.len(), 2);
    assert_eq!(mappings[0].name.as_deref(), Some("one"));
    assert_eq!(mappings[1].index, Some(1));
    assert!(mappings[1].label().ends_with("export.json#mappings[1]"));
    let server = serve(dir.path()).await;
    assert_eq!(get(&server, "/one").await.text(), "1");
    assert_eq!(get(&server, "/two").await.text(), "2");
}

#[test]
fn loading_is_recursive_sorted_and_ignores_other_files() {
    // Sorted by `Path` order, component by component: `a/` before `a.json`.
    let dir = mocks(&[
        ("mappings/b.json", &stub(r#"{"url": "/b"}"#, "b")),
        ("mappings/a/z.json", &stub(r#"{"url": "/az"}"#, "az")),
        ("mappings/a.json", &stub(r#"{"url": "/a"}"#, "a")),
        ("mappings/notes.txt", "not a mapping"),
        ("mappings/README.md", "# not a mapping"),
    ]);
    let mappings = load_mappings(dir.path()).unwrap();
    let names: Vec<_> = mappings
        .iter()
        .map(|m| m.source.strip_prefix(dir.path()).unwrap().to_path_buf())
        .collect();
    assert_eq!(
        names,
        [
            Path::new("mappings/a/z.json"),
            Path::new("mappings/a.json"),
            Path::new("mappings/b.json")
        ]
    );
}

#[test]
fn missing_mappings_folder_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    assert!(load_mappings(dir.path()).unwrap().is_empty());
    assert!(load_mappings(&dir.path().join("no-such-dir"))
        .unwrap()
        .is_empty());
}

#[test]
fn unsupported_matcher_is_an_error_naming_file_and_field() {
    let dir = mocks(&[(
        "mappings/sub/json-body.json",
        r#"{"request": {"urlPath": "/x", "bodyPatterns": [{"contains": "a"}, {"matchesJsonPath": "$.a"}]}, "response": {}}"#,
    )]);
    let err = load_mappings(dir.path()).unwrap_err();
    assert!(matches!(err, MappingError::Unsupported { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("mappings/sub/json-body.json"), "{message}");
    assert!(
        message.contains("`request.bodyPatterns[1].matchesJsonPath`"),
        "{message}"
    );
    assert!(
        message.contains("equalTo, contains, matches, equalToJson, equalToXml, matchesXPath"),
        "{message}"
    );

    for (field, mapping) in [
        (
            "scenarioName",
            r#"{"scenarioName": "s", "request": {"url": "/"}}"#,
        ),
        (
            "request.queryParameters",
            r#"{"request": {"queryParameters": {"a": {"equalTo": "1"}}}}"#,
        ),
        ("request.cookies", r#"{"request": {"cookies": {}}}"#),
        (
            "request.basicAuthCredentials",
            r#"{"request": {"basicAuthCredentials": {}}}"#,
        ),
        (
            "response.fault",
            r#"{"request": {}, "response": {"fault": "EMPTY_RESPONSE"}}"#,
        ),
        (
            "response.proxyBaseUrl",
            r#"{"request": {}, "response": {"proxyBaseUrl": "http://x"}}"#,
        ),
        (
            "response.transformers",
            r#"{"request": {}, "response": {"transformers": []}}"#,
        ),
        (
            "request.headers.A.absent",
            r#"{"request": {"headers": {"A": {"absent": true}}}}"#,
        ),
    ] {
        let dir = mocks(&[("mappings/m.json", mapping)]);
        let message = load_mappings(dir.path()).unwrap_err().to_string();
        assert!(message.contains("m.json"), "{message}");
        assert!(message.contains(&format!("`{field}`")), "{message}");
        assert!(message.contains("not supported"), "{message}");
    }
}

#[test]
fn malformed_json_is_an_error_with_line_and_column() {
    let dir = mocks(&[(
        "mappings/broken.json",
        "{\n  \"request\": {\n    \"url\": \"/x\"\n    \"method\": \"GET\"\n  }\n}\n",
    )]);
    let err = load_mappings(dir.path()).unwrap_err();
    match &err {
        MappingError::Json {
            path, line, column, ..
        } => {
            assert!(path.ends_with("mappings/broken.json"));
            assert_eq!((*line, *column), (4, 5));
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("broken.json:4:5: malformed JSON"),
        "{message}"
    );
}

/// The checked-in example: Java-WireMock-style SOAP stubs for a CPR lookup.
#[tokio::test]
async fn example_soap_stubs_in_java_wiremock_style() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mappings");
    let mappings = load_mappings(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mappings.len(), 4);
    let server = serve(&dir).await;

    let known = send(
        &server,
        "POST",
        CPR_PATH,
        &soap_headers(),
        &envelope("0101011234"),
    )
    .await;
    assert_eq!(known.status, 200, "{}", known.text());
    assert_eq!(known.headers["content-type"], "text/xml;charset=UTF-8");
    assert!(known
        .text()
        .contains("<ns2:Navn>Testperson Eksempel</ns2:Navn>"));

    // Another PNR, or a wrong SOAPAction, falls through to the fault stub.
    let unknown = send(
        &server,
        "POST",
        CPR_PATH,
        &soap_headers(),
        &envelope("0202021234"),
    )
    .await;
    assert_eq!(unknown.status, 500);
    assert!(unknown.text().contains("PNR not found"));
    let wrong_action = [
        ("SOAPAction", "\"urn:other\""),
        ("Content-Type", "text/xml"),
    ];
    let r = send(
        &server,
        "POST",
        CPR_PATH,
        &wrong_action,
        &envelope("0101011234"),
    )
    .await;
    assert_eq!(r.status, 500);

    let ping = get(&server, "/ping").await;
    assert_eq!(ping.text(), r#"{"status":"UP"}"#);
    assert_eq!(get(&server, CPR_PATH).await.text(), "<definitions/>");
}
