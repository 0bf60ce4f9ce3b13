//! WireMock parity, proven: the mapping files of `tests/data/parity/` served by WireMock
//! standalone (3.13.2, `tests/tools`, over plain HTTP on loopback) and by the embedded mock
//! (as its `mappings/` and `__files/`, over its mutual TLS), the same requests sent to both,
//! and the answers compared: status, every header any mapping sets, and body.
//!
//! The two documented differences are asserted as such (README, "The mock and its data"):
//! - stubs of equal priority: here the first loaded wins, in WireMock the most recently added;
//! - a request no stub matches, on the path of a built-in service: here the built-in service
//!   answers, WireMock says 404.
//!
//! A request no stub matches anywhere else is 404 on both; the text of that 404 is each
//! server's own diagnostic and is not compared. Anything else that differs is a bug in
//! `src/platform/stubs/`.
//!
//! WireMock's JVM takes a second or two to start: it starts first, and the embedded mock
//! starts and answers meanwhile.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sp_contract::core::soap::{self, InvocationContext};
use sp_contract::services::sf1520;

use crate::support::run::{copy_dir, embedded_mock_of, mtls_http, pki, repo};

const WIREMOCK_JAR: &str = "tests/tools/node_modules/wiremock/build/wiremock-standalone-3.13.2.jar";
const INSTALL: &str = "run `scripts/install-deps --test` (installs Java 17 and the pinned \
                       WireMock standalone into tests/tools)";
const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const C_NS: &str = "urn:parity:cpr";
const ORDER_NS: &str = "urn:parity:order";
const ADDR_NS: &str = "urn:parity:addr";
/// The stub's `fixedDelayMilliseconds` for `/parity/slow`.
const DELAY: Duration = Duration::from_millis(60);

/// What the two servers are expected to do with a request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// The same answer.
    Same,
    /// Two stubs of equal priority match: ours answers the first loaded's body, WireMock the
    /// most recently added's.
    Tie {
        ours: &'static str,
        wiremock: &'static str,
    },
    /// No stub matches, on a built-in service's path: ours answers from the built-in
    /// service, WireMock says 404.
    BuiltIn,
}

struct Case {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: String,
    expect: Expect,
}

fn case(method: &'static str, path: &str, headers: &[(&'static str, &str)], body: &str) -> Case {
    Case {
        method,
        path: path.to_owned(),
        headers: headers.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        body: body.to_owned(),
        expect: Expect::Same,
    }
}

fn get(path: &str) -> Case {
    case("GET", path, &[], "")
}

fn post(path: &str, body: &str) -> Case {
    case(
        "POST",
        path,
        &[("Content-Type", "text/xml; charset=utf-8")],
        body,
    )
}

fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="{SOAP_NS}"><soapenv:Header/><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"#
    )
}

/// An SF1520 lookup as the client sends it, with a made-up InvocationContext.
fn sf1520_lookup(pnr: &str, action: Option<&str>) -> Case {
    let ctx = InvocationContext {
        service_agreement_uuid: "42f5d3a1-0000-4000-8000-000000000001".into(),
        user_system_uuid: "42f5d3a1-0000-4000-8000-000000000002".into(),
        user_uuid: "42f5d3a1-0000-4000-8000-000000000003".into(),
        service_uuid: sf1520::INFO.service_uuid.unwrap().to_string(),
        call_id: "parity".into(),
    };
    let mut c = post(
        sf1520::INFO.path,
        &soap::envelope(&sf1520::lookup_request(Some(&ctx), pnr)),
    );
    if let Some(action) = action {
        c.headers.push(("SOAPAction", format!("\"{action}\"")));
    }
    c
}

/// The requests, grouped by what they exercise; each mapping is hit by at least one.
fn cases() -> Vec<Case> {
    let order = |attrs: &str, children: &str| {
        format!("<o:order xmlns:o='{ORDER_NS}' {attrs}>{children}</o:order>")
    };
    let items = "<o:id>1</o:id><o:item>a</o:item><o:item>b</o:item>";
    let lookup = |prefix: &str, ns: &str, inner: &str| {
        envelope(&format!(
            "<{prefix}:Lookup xmlns:{prefix}='{ns}'>{inner}</{prefix}:Lookup>"
        ))
    };
    let mut cases = vec![
        // URLs.
        get("/parity/exact?x=1"),
        get("/parity/exact"),
        get("/parity/exact?x=2"),
        get("/parity/path"),
        get("/parity/path?a=b&c=d"),
        get("/parity/path/more"),
        get("/parity/items/42"),
        get("/parity/items/42?full=1"),
        get("/parity/items/abc"),
        get("/parity/items/"),
        get("/parity/search?q=abc"),
        get("/parity/search?q=ABC"),
        get("/parity/search"),
        post("/parity/items/1", "x"),
        get("/nothing/here"),
        // Methods.
        case("PUT", "/parity/method", &[], "put"),
        case("DELETE", "/parity/method", &[], ""),
        get("/parity/method"),
        post("/parity/method", "<any/>"),
        case("PATCH", "/parity/method", &[], "patch"),
    ];
    // Headers.
    let headers = |h: &[(&'static str, &str)]| case("POST", "/parity/headers", h, "");
    cases.extend([
        headers(&[("X-Mode", "strict")]),
        headers(&[("x-mode", "strict")]),
        headers(&[("X-Mode", "Strict")]),
        headers(&[("X-Mode", "very loose")]),
        headers(&[("X-Mode", "v2")]),
        headers(&[("X-Mode", "v2.1")]),
        headers(&[("X-Mode", "xv2")]),
        headers(&[("X-Mode", "mixed")]),
        headers(&[("X-Mode", "MIXED")]),
        headers(&[("Accept", "application/xml"), ("X-Tenant", "a")]),
        headers(&[("Accept", "application/json"), ("X-Tenant", "a")]),
        headers(&[("Accept", "text/xml"), ("X-Tenant", "b")]),
        headers(&[]),
    ]);
    // Bodies as text.
    cases.extend(
        [
            "a needle in a haystack",
            "needle and thread",
            "<r><id>1234</id></r>",
            "<r>\n  <id>1234</id>\n</r>",
            "<r><id>12345</id></r>",
            "<r><id>1234</id> needle</r>",
            "",
        ]
        .map(|b| post("/parity/body", b)),
    );
    // equalToXml.
    cases.extend(
        [
            order("status='new' channel='web'", items),
            format!(
                "<?xml version='1.0'?>\n<x:order channel='web' status='new' xmlns:x='{ORDER_NS}'>\n  \
                 <x:id>1</x:id>\n  <x:item>a</x:item>\n  <x:item>b</x:item>\n</x:order>"
            ),
            format!("<order xmlns='{ORDER_NS}' status='new' channel='web'><id>1</id><item>a</item><item>b</item></order>"),
            order("status='new' channel='web'", "<o:id>1</o:id><o:item>b</o:item><o:item>a</o:item>"),
            order("status='new' channel='web'", "<o:item>a</o:item><o:item>b</o:item><o:id>1</o:id>"),
            items.replace("o:", "p:").replace("<p:id>", "<p:id xmlns:p='urn:other'>"),
            order("status='new' channel='web' extra='1'", items),
            order("status='new' channel='web'", &format!("<!-- a comment -->{items}")),
            order("status='old' channel='web'", items),
            "order 1: a, b".to_owned(),
        ]
        .map(|b| post("/parity/xml", &b)),
    );
    // equalTo and equalToJson; a request without a body matches no body pattern.
    let text = |b: &str| case("POST", "/parity/text", &[("Content-Type", "text/plain")], b);
    let json =
        |path: &str, body: &str| case("POST", path, &[("Content-Type", "application/json")], body);
    cases.extend([
        text("exactly this"),
        text("exactly this "),
        text("EXACTLY THIS"),
        text("any case"),
        text("ANY CASE"),
        json(
            "/parity/json-equal",
            r#"{"meta":{"urgent":false},"weight":20.0,"to":["far","mor"],"kind":"letter"}"#,
        ),
        json(
            "/parity/json-equal",
            r#"{"kind": "letter", "to": ["mor", "far"], "weight": 20, "meta": {"urgent": false}}"#,
        ),
        json(
            "/parity/json-equal",
            r#"{"kind": "letter", "to": ["far", "mor"], "weight": 20, "meta": {"urgent": false}, "x": null}"#,
        ),
        json("/parity/json-equal", r#"{"weight": 1.50, "kind": "parcel"}"#),
        json("/parity/json-equal", r#"{"kind": "parcel", "weight": "1.5"}"#),
        json("/parity/json-equal", "kind=parcel"),
        post("/parity/any-body", "x"),
        post("/parity/any-body", ""),
    ]);
    // matchesXPath.
    let pnr = "<c:PNR>0101011234</c:PNR>";
    cases.extend(
        [
            envelope("<Request><Code>A1</Code></Request>"),
            lookup("c", C_NS, pnr),
            format!(
                "<S:Envelope xmlns:S='{SOAP_NS}'><S:Body><k:Lookup xmlns:k='{C_NS}'><k:PNR>1</k:PNR></k:Lookup></S:Body></S:Envelope>"
            ),
            lookup("c", "urn:other", pnr),
            envelope("<Request><Note>this is urgent!</Note></Request>"),
            lookup("c", C_NS, "<c:Amount>12.50</c:Amount>"),
            lookup("c", C_NS, "<c:Amount>12.5</c:Amount>"),
            envelope("<Request><Flag/></Request>"),
            envelope("<Request><Code>A2</Code><Flag>yes</Flag></Request>"),
            envelope("<Request><Code> A1 </Code></Request>"),
            envelope("<Request><Code>B7</Code><Code>A1</Code></Request>"),
            envelope("<Request><Note>routine</Note></Request>"),
            "Code A1, not XML".to_owned(),
        ]
        .map(|b| post("/parity/xpath", &b)),
    );
    // An element selected for a nested matcher is compared as WireMock prints it.
    let address = |decl_on_address: bool, sep: &str, zip: &str| {
        let (outer, inner) = match decl_on_address {
            true => (String::new(), format!(" xmlns:a='{ADDR_NS}'")),
            false => (format!(" xmlns:a='{ADDR_NS}'"), String::new()),
        };
        format!(
            "<Request{outer}><a:Address{inner} type='home'>{sep}<a:Street>Vej 1 &amp; 3</a:Street>\
             {sep}<a:Zip>{zip}</a:Zip>{sep}</a:Address></Request>"
        )
    };
    cases.extend(
        [
            address(true, "", "8000"),
            address(false, "", "8000"),
            address(true, "\n    ", "8000"),
            address(true, "", "80000"),
        ]
        .map(|b| post("/parity/element", &b)),
    );
    // Responses: body file, base64, delay, fault, no response, jsonBody.
    let fault = |action: &str| case("POST", "/parity/fault", &[("SOAPAction", action)], "<x/>");
    cases.extend([
        get("/parity/file"),
        get("/parity/base64"),
        get("/parity/slow"),
        fault("\"urn:parity:fail\""),
        fault("urn:parity:fail"),
        get("/parity/no-response"),
        json("/parity/json/letters", r#"{"kind": "letter", "to": "far"}"#),
        json("/parity/json/x", r#"{"kind":"parcel"}"#),
    ]);
    // Equal priority: the documented difference.
    let mut tie = get("/parity/tie");
    tie.expect = Expect::Tie {
        ours: "first",
        wiremock: "second",
    };
    cases.push(tie);
    // On SF1520's path: the stub for one citizen on both; anything else is the built-in
    // service's here and WireMock's 404.
    let action = Some(sf1520::SOAP_ACTION);
    cases.push(sf1520_lookup("0101011234", action));
    for mut c in [
        sf1520_lookup("0101011235", action),
        sf1520_lookup("0101011234", None),
    ] {
        c.expect = Expect::BuiltIn;
        cases.push(c);
    }
    cases
}

/// An answer as compared: status, the headers any mapping sets, body; the stub WireMock
/// says it matched, and how long it took.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, Vec<String>)>,
    body: Vec<u8>,
    matched: Option<String>,
    elapsed: Duration,
}

async fn send(client: &reqwest::Client, base: &str, c: &Case, compared: &[String]) -> Answer {
    let method = reqwest::Method::from_bytes(c.method.as_bytes()).unwrap();
    let mut req = client.request(method, format!("{base}{}", c.path));
    for (k, v) in &c.headers {
        req = req.header(*k, v);
    }
    if !c.body.is_empty() {
        req = req.body(c.body.clone());
    }
    let started = Instant::now();
    let resp = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{} {}: {e}", c.method, c.path));
    let status = resp.status().as_u16();
    let values = |name: &str| -> Vec<String> {
        resp.headers()
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    };
    let headers = compared.iter().map(|n| (n.clone(), values(n))).collect();
    let matched = values("matched-stub-name").pop();
    let body = resp.bytes().await.unwrap().to_vec();
    Answer {
        status,
        headers,
        body,
        matched,
        elapsed: started.elapsed(),
    }
}

/// Every mapping object of the files in `dir` (one per file, or an export's list).
fn mappings_in(dir: &Path) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        match value.get("mappings") {
            Some(list) => all.extend(list.as_array().unwrap().iter().cloned()),
            None => all.push(value),
        }
    }
    all
}

/// Every response header name the mappings set, lower-cased, and Content-Type.
fn compared_headers(mappings: &[serde_json::Value]) -> Vec<String> {
    let mut names = BTreeSet::from(["content-type".to_owned()]);
    for m in mappings {
        if let Some(h) = m.pointer("/response/headers").and_then(|h| h.as_object()) {
            names.extend(h.keys().map(|k| k.to_ascii_lowercase()));
        }
    }
    names.into_iter().collect()
}

/// WireMock standalone, killed when dropped.
struct WireMock {
    child: Child,
    /// Its port, once it has started and said so.
    port: mpsc::Receiver<Option<u16>>,
}

/// How long WireMock may take to start (about 2 s here).
const WIREMOCK_START: Duration = Duration::from_secs(120);

impl Drop for WireMock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts WireMock on loopback with `root` as its root directory (its `mappings/` and
/// `__files/`), without waiting for it ([`WireMock::port`] does); panics naming the install
/// command when Java or WireMock is missing.
fn start_wiremock(root: &Path) -> WireMock {
    let jar = repo().join(WIREMOCK_JAR);
    assert!(
        jar.is_file(),
        "WireMock standalone is missing ({}): {INSTALL}",
        jar.display()
    );
    let java_works = Command::new("java")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(java_works, "`java` is not on PATH: {INSTALL}");
    let mut child = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--port", "0", "--bind-address", "127.0.0.1", "--root-dir"])
        .arg(root)
        .args(["--disable-banner", "--disable-request-logging"])
        .args(["--no-request-journal", "--disable-response-templating"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start java: {e}; {INSTALL}"));
    let stdout = child.stdout.take().unwrap();
    let (tx, port) = mpsc::channel();
    // It prints its settings once started, `port:` among them; the rest is read and dropped
    // so that it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
        let found = lines.find_map(|l| l.strip_prefix("port:").and_then(|p| p.trim().parse().ok()));
        let _ = tx.send(found);
        lines.for_each(drop);
    });
    WireMock { child, port }
}

impl WireMock {
    fn port(&self) -> u16 {
        match self.port.recv_timeout(WIREMOCK_START) {
            Ok(Some(port)) => port,
            Ok(None) => panic!("WireMock standalone exited without starting: {INSTALL}"),
            Err(_) => panic!("WireMock standalone did not start within {WIREMOCK_START:?}"),
        }
    }
}

/// The embedded mock's folder: the repository's `mocks/` with the parity mappings and files.
fn our_mocks(parity: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("mocks"), dir.path());
    copy_dir(&parity.join("mappings"), &dir.path().join("mappings"));
    copy_dir(&parity.join("__files"), &dir.path().join("__files"));
    dir
}

fn describe(c: &Case) -> String {
    let body: String = c.body.chars().take(90).collect();
    format!("{} {} {:?} {body:?}", c.method, c.path, c.headers)
}

#[test]
fn mappings_answer_as_in_wiremock() {
    let parity = repo().join("tests/data/parity");
    let wiremock = start_wiremock(&parity);
    let cases = cases();
    let mappings = mappings_in(&parity.join("mappings"));
    let compared = compared_headers(&mappings);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mocks = our_mocks(&parity);
    let (ours, theirs) = rt.block_on(async {
        let (mock, _) = embedded_mock_of(mocks.path()).await;
        let client = mtls_http(&pki());
        let mut ours = Vec::new();
        for c in &cases {
            ours.push(send(&client, &mock.url, c, &compared).await);
        }
        mock.shutdown();

        let port = tokio::task::block_in_place(|| wiremock.port());
        let plain = reqwest::Client::builder().http1_only().build().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let mut theirs = Vec::new();
        for c in &cases {
            theirs.push(send(&plain, &base, c, &compared).await);
        }
        (ours, theirs)
    });

    let mut differences = Vec::new();
    let mut matched = BTreeSet::new();
    for ((c, ours), theirs) in cases.iter().zip(&ours).zip(&theirs) {
        matched.extend(theirs.matched.clone());
        let what = describe(c);
        let mut differ = |why: String| differences.push(format!("{what}: {why}"));
        match c.expect {
            Expect::Same if theirs.matched.is_none() => {
                // No stub matches: both 404, each with its own diagnostic.
                if (ours.status, theirs.status) != (404, 404) {
                    differ(format!(
                        "unmatched: WireMock {}, ours {} {:?}",
                        theirs.status,
                        ours.status,
                        String::from_utf8_lossy(&ours.body)
                    ));
                }
            }
            Expect::Same => {
                let (a, b) = (
                    (
                        ours.status,
                        &ours.headers,
                        String::from_utf8_lossy(&ours.body),
                    ),
                    (
                        theirs.status,
                        &theirs.headers,
                        String::from_utf8_lossy(&theirs.body),
                    ),
                );
                if a != b {
                    differ(format!("\n  ours:     {a:?}\n  WireMock: {b:?}"));
                }
            }
            Expect::Tie {
                ours: o,
                wiremock: w,
            } => {
                if ours.body != o.as_bytes() || theirs.body != w.as_bytes() {
                    differ(format!(
                        "equal priority: expected ours {o:?} and WireMock {w:?}, got {:?} and {:?}",
                        String::from_utf8_lossy(&ours.body),
                        String::from_utf8_lossy(&theirs.body)
                    ));
                }
            }
            Expect::BuiltIn => {
                let text = String::from_utf8_lossy(&ours.body);
                if theirs.status != 404 || theirs.matched.is_some() || !text.contains("Envelope") {
                    differ(format!(
                        "built-in path: expected WireMock's 404 and a SOAP answer of ours, got \
                         WireMock {} and ours {} {text:?}",
                        theirs.status, ours.status
                    ));
                }
            }
        }
        if c.path == "/parity/slow" && (ours.elapsed < DELAY || theirs.elapsed < DELAY) {
            differ(format!(
                "fixedDelayMilliseconds: ours took {:?}, WireMock {:?}",
                ours.elapsed, theirs.elapsed
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} requests answered differently from WireMock:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );

    // Every mapping of the corpus answered at least one request.
    let mut names: BTreeSet<String> = mappings
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect();
    // The first of the tie is shadowed in WireMock: ours answers with it.
    names.remove("tie: loaded first");
    let unused: Vec<_> = names.difference(&matched).collect();
    assert!(unused.is_empty(), "mappings no request reached: {unused:?}");
    assert!(names.len() >= 25 && cases.len() >= 60);
}
