//! The mock is strict: every request in `tests/data/strict/invalid/` breaks KOMBIT's XSDs in
//! one way (the file name says how), which xmllint confirms against the contract packages in
//! `../shared/contracts` (the independent check: the mock's libxml2 verdict must agree). Sent
//! to the embedded mock over mutual TLS, each is refused with the platform's schema fault
//! (SOAP) or KOMBIT's `SvarReaktion/Fejl` (SF1601), naming line:column, the element and the
//! rule. The refusals together are a golden, `goldens/strict_mock_refusals.txt`. The valid
//! requests in `tests/data/strict/valid/`, and the legal variations a WSDL-built client such as
//! zeep sends, are still answered.

use crate::support::golden::golden_exact;
use crate::support::xsd;
use crate::xsd::sf1600;
use sp_contract::client::token::{call_headers, TokenSession};
use sp_contract::client::transport::Clients;
use sp_contract::core::soap::{self, Reply};
use sp_contract::core::xml;
use sp_contract::schema::Operation;
use sp_contract::services::post::{memo, sf1600 as print, sf1601};
use sp_contract::services::{sf1470, sf1520, sf2900};
use sp_contract::targets::config::DEFAULT_IDENTITY;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/strict/invalid")
}

fn valid(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/strict/valid")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every corpus file: (`service/name`, text), sorted.
fn cases() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(corpus()).unwrap().flatten() {
        let service = dir.file_name().to_string_lossy().into_owned();
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".xml") {
                let text = std::fs::read_to_string(f.path()).unwrap();
                out.push((format!("{service}/{stem}"), text));
            }
        }
    }
    out.sort();
    out
}

/// A SOAP service of the corpus: its path and operations, and its contract schema.
fn soap_service(folder: &str) -> (&'static str, &'static [Operation], PathBuf) {
    match folder {
        "sf1520" => (sf1520::INFO.path, sf1520::OPERATIONS, xsd::sf1520_schema()),
        "sf1600" => (
            print::INFO.path,
            print::OPERATIONS,
            sf1600::schemas().msg.clone(),
        ),
        "sf2900" => (
            sf2900::INFO.path,
            sf2900::OPERATIONS,
            xsd::package_copy("SF2900-Fordelingskomponent-v3").join("DistributionServiceMsg.xsd"),
        ),
        "sf1470" => (
            sf1470::INFO.path,
            sf1470::mock::OPERATIONS,
            xsd::sf1470_schema(),
        ),
        other => panic!("no service for the corpus folder {other}"),
    }
}

/// The SF1601 parts xmllint checks: the MeMo against the contract MeMo XSD of its version,
/// the ForsendelseI against SF1600's fjernprint schema.
fn sf1601_parts(text: &str) -> Vec<(String, PathBuf)> {
    let root = xml::parse(text.as_bytes()).expect("kombi_request is XML");
    let mut parts = Vec::new();
    for c in root.elements() {
        match c.local.as_str() {
            "Message" => {
                let package = if c.attr("memoVersion") == Some("1.1") {
                    "MeMo-1.1"
                } else {
                    "MeMo-1.2"
                };
                let schema = xsd::package_copy(package).join("MeMo_core.xsd");
                parts.push((xml::to_xml(c), schema));
            }
            "ForsendelseISamling" => {
                let f = c.child("ForsendelseI").expect("ForsendelseI");
                parts.push((xml::to_xml(f), sf1600::schemas().hub(sf1600::FJERNPRINT_NS)));
            }
            _ => {}
        }
    }
    parts
}

/// xmllint's verdict: the case is invalid against the official schemas.
fn confirm_invalid(name: &str, text: &str) {
    let folder = name.split('/').next().unwrap();
    let parts = if folder == "sf1601" {
        sf1601_parts(text)
    } else {
        vec![(text.to_string(), soap_service(folder).2)]
    };
    let invalid = parts
        .iter()
        .any(|(doc, schema)| xsd::validate(doc, schema).is_err());
    assert!(
        invalid,
        "{name}: xmllint finds it valid, so it belongs elsewhere"
    );
}

struct Env {
    _mock: sp_contract::platform::RunningMock,
    clients: Clients,
    tokens: TokenSession,
}

async fn env() -> Env {
    let (mock, target) = crate::support::run::embedded_mock().await;
    Env {
        clients: Clients::new(target),
        tokens: TokenSession::default(),
        _mock: mock,
    }
}

impl Env {
    /// Send one case; the refusal's text (the platform's reason), or a panic if it was not
    /// refused as a schema breach.
    async fn refusal(&mut self, name: &str, text: &str) -> String {
        let folder = name.split('/').next().unwrap();
        if folder == "sf1601" {
            return self.rest_refusal(name, text).await;
        }
        let (status, reply) = if folder == "sf1470" {
            self.idws(text, None).await
        } else {
            self.soap(folder, text, soap::envelope(text), true).await
        };
        match reply {
            Reply::Fault(f)
                if f.errors
                    .first()
                    .is_some_and(|e| e.code == "SchemaValidationFailed") =>
            {
                assert_eq!(status, 500, "{name}");
                f.errors[0].text.clone()
            }
            other => panic!("{name}: not refused as a schema breach: {other:?}"),
        }
    }

    /// Send `envelope` to the service of `folder`, with the SOAPAction of the operation whose
    /// request `payload` is (quoted as the WSDL's, or bare as some clients send it).
    async fn soap(
        &self,
        folder: &str,
        payload: &str,
        envelope: String,
        quoted: bool,
    ) -> (u16, Reply) {
        let (path, operations, _) = soap_service(folder);
        let root = xml::parse(payload.as_bytes()).unwrap();
        let action = operations
            .iter()
            .find(|o| o.request.element == root.local)
            .unwrap_or(&operations[0])
            .action;
        let action = if quoted {
            format!("\"{action}\"")
        } else {
            action.to_string()
        };
        let r = self
            .clients
            .post(
                DEFAULT_IDENTITY,
                path,
                &[("SOAPAction", action)],
                "text/xml; charset=utf-8",
                envelope,
            )
            .await
            .unwrap();
        (r.status, soap::parse_reply(&r.body).unwrap())
    }

    /// Send `payload` to SF1470 the only way it is accepted: through the OIO IDWS flow (a
    /// token from the mock's STS, the call signed with it), with `header` in the SOAP Header.
    async fn idws(&self, payload: &str, header: Option<&str>) -> (u16, Reply) {
        let root = xml::parse(payload.as_bytes()).unwrap();
        let action = sf1470::mock::OPERATIONS
            .iter()
            .find(|o| o.request.element == root.local)
            .unwrap_or(&sf1470::mock::OPERATIONS[0])
            .action;
        let out = sp_contract::client::call::soap(
            &self.clients,
            DEFAULT_IDENTITY,
            &sf1470::INFO,
            action,
            header,
            payload,
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("the OIO IDWS flow did not reach SF1470: {e}"));
        (out.http_status, out.reply.unwrap())
    }

    async fn kombi(&mut self, text: &str) -> (u16, serde_json::Value, Vec<u8>) {
        let token = self
            .tokens
            .token(&self.clients, DEFAULT_IDENTITY, sf1601::INFO.entity_id, &[])
            .await
            .unwrap();
        let headers = call_headers(&token, time::OffsetDateTime::now_utc());
        let r = self
            .clients
            .post(
                DEFAULT_IDENTITY,
                sf1601::INFO.path,
                &headers,
                "application/xml; charset=utf-8",
                text.to_string(),
            )
            .await
            .unwrap();
        let json = serde_json::from_slice(&r.body).unwrap_or_default();
        (r.status, json, r.body)
    }

    async fn rest_refusal(&mut self, name: &str, text: &str) -> String {
        let (status, body, raw) = self.kombi(text).await;
        let raw = String::from_utf8_lossy(&raw);
        assert_eq!(status, 400, "{name}: {raw}");
        let fejl = &body["HovedoplysningerSvarREST"][0]["SvarReaktion"]["Fejl"];
        assert_eq!(fejl["FejlId"], "SchemaValidationFailed", "{name}: {body}");
        let text = fejl["FejlTekst"].as_str().unwrap_or_default();
        text.strip_prefix("The request does not validate against the service contract: ")
            .unwrap_or(text)
            .to_string()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_schema_breach_is_refused_naming_the_element() {
    xsd::require_xmllint();
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    for service in ["sf1520", "sf1600", "sf2900", "sf1601", "sf1470"] {
        let n = cases.iter().filter(|(n, _)| n.starts_with(service)).count();
        assert!(n >= 5, "{service} has {n} cases");
    }
    let mut e = env().await;
    let mut golden = String::new();
    for (name, text) in &cases {
        confirm_invalid(name, text);
        let reason = e.refusal(name, text).await;
        // Every problem names where: a line and the element's path.
        for problem in reason.split("; ") {
            assert!(
                problem.starts_with("line ") && problem.contains(": /"),
                "{name}: {problem}"
            );
        }
        assert!(
            !reason.contains("{http"),
            "{name}: Clark names left in: {reason}"
        );
        golden.push_str(&format!("{name}\n  {reason}\n"));
    }
    golden_exact("strict_mock_refusals", &golden);
}

/// The MeMo check the client and the mock share picks the XSD by memoVersion.
#[test]
fn memo_versions_choose_their_schema() {
    assert_eq!(
        memo::schema_root(Some("1.1")).schema,
        "MeMo-1.1/MeMo_core.xsd"
    );
    assert_eq!(
        memo::schema_root(Some("1.2")).schema,
        "MeMo-1.2/MeMo_core.xsd"
    );
    assert_eq!(memo::schema_root(None).schema, "MeMo-1.2/MeMo_core.xsd");
}

fn answered(what: &str, (status, reply): (u16, Reply)) {
    match reply {
        Reply::Payload(_) if status == 200 => {}
        other => panic!("{what}: not answered ({status}): {other:?}"),
    }
}

/// What a client built from the WSDLs (zeep, .NET, CXF) may legally send is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_valid_corpus_and_legal_variations_are_answered() {
    let mut e = env().await;
    let lookup = valid("sf1520-lookup.xml");
    let afsend = valid("sf1600-afsend.xml");
    let journal = valid("sf2900-journalnotat.xml");
    let importer = valid("sf1470-importer.xml");
    let fremsoeg = valid("sf1470-fremsoeg.xml");
    for (folder, payload) in [
        ("sf1520", &lookup),
        ("sf1600", &afsend),
        ("sf2900", &journal),
    ] {
        answered(
            folder,
            e.soap(folder, payload, soap::envelope(payload), true).await,
        );
    }
    // SF1470 through its token flow, without and with its RequestHeader (the WSDL declares it).
    answered("sf1470 importer", e.idws(&importer, None).await);
    answered("sf1470 fremsoeg", e.idws(&fremsoeg, None).await);
    let header = sf1470::request_header("4f7a0c5e-1111-4222-8333-444455556666");
    answered(
        "sf1470 with RequestHeader",
        e.idws(&fremsoeg, Some(&header)).await,
    );
    let (status, body, raw) = e.kombi(&valid("sf1601-memo.xml")).await;
    assert_eq!(status, 200, "{body}: {}", String::from_utf8_lossy(&raw));

    // The InvocationContext's children in any order (the XSD's xsd:all).
    let ic = regex::Regex::new(
        r"(?s)(<invctx:InvocationContext[^>]*>)(.*?)(</invctx:InvocationContext>)",
    )
    .unwrap();
    let reordered = ic
        .replace(&lookup, |c: &regex::Captures<'_>| {
            let mut children: Vec<&str> = c[2].lines().filter(|l| !l.trim().is_empty()).collect();
            children.reverse();
            format!("{}\n{}\n{}", &c[1], children.join("\n"), &c[3])
        })
        .into_owned();
    assert_ne!(reordered, lookup);
    answered(
        "reordered context",
        e.soap("sf1520", &reordered, soap::envelope(&reordered), true)
            .await,
    );
    // SOAP headers, a BOM, a bare SOAPAction.
    let with_header = soap::envelope(&lookup).replace(
        "<soapenv:Body>",
        "<soapenv:Header><wsa:Action xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">x</wsa:Action></soapenv:Header><soapenv:Body>",
    );
    assert!(with_header.contains("wsa:Action"), "{with_header}");
    answered(
        "a SOAP header",
        e.soap("sf1520", &lookup, with_header, true).await,
    );
    let bom = format!("\u{feff}{}", soap::envelope(&lookup));
    answered("a BOM", e.soap("sf1520", &lookup, bom, true).await);
    answered(
        "a bare SOAPAction",
        e.soap("sf1520", &lookup, soap::envelope(&lookup), false)
            .await,
    );
    // The payload in a default namespace instead of a prefix.
    let default_ns = lookup
        .replace(
            "<tns:PersonLookupRequest xmlns:tns=",
            "<PersonLookupRequest xmlns=",
        )
        .replace("</tns:PersonLookupRequest>", "</PersonLookupRequest>");
    assert_ne!(default_ns, lookup);
    answered(
        "a default namespace",
        e.soap("sf1520", &default_ns, soap::envelope(&default_ns), true)
            .await,
    );
    // base64 wrapped at 76 characters, as MIME encoders write it.
    let data = regex::Regex::new(r"<dkal:MeddelelseIndholdData>([^<]*)<").unwrap();
    let wrapped = data
        .replace(&afsend, |c: &regex::Captures<'_>| {
            let lines: Vec<String> = c[1]
                .as_bytes()
                .chunks(76)
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect();
            format!("<dkal:MeddelelseIndholdData>{}\n<", lines.join("\n"))
        })
        .into_owned();
    assert_ne!(wrapped, afsend);
    answered(
        "wrapped base64",
        e.soap("sf1600", &wrapped, soap::envelope(&wrapped), true)
            .await,
    );
}

/// The validator reads the schemas the binary carries: a run with an empty cache folder and no
/// contract packages writes them there, byte for byte the repository's `schemas/`, and still
/// refuses a MeMo that breaks the XSD.
#[test]
fn the_schemas_come_from_the_binary() {
    use crate::support::run::{certs, pki, repo, run_with, tmp};
    pki();
    let cache = tmp();
    let features = repo().join("tests/data/bad/feature/refused-memo-breaks-xsd-dry/features");
    let (f, c) = (
        features.display().to_string(),
        certs().display().to_string(),
    );
    let cache_dir = cache.path().display().to_string();
    let (code, out) = run_with(
        &["run", "--dry-run", "--features", &f, "--certs", &c],
        &[
            ("XDG_CACHE_HOME", &cache_dir),
            ("SP_CONTRACTS_DIR", "/nonexistent"),
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("/Message/MessageHeader/Prioritet: not expected here"),
        "{out}"
    );
    let written: Vec<PathBuf> = std::fs::read_dir(cache.path().join("sp-contract/schemas"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(written.len(), 1, "one content-addressed copy: {written:?}");
    let shipped = repo().join("schemas");
    let mut compared = 0;
    let mut stack = vec![shipped.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "xsd") {
                let rel = path.strip_prefix(&shipped).unwrap();
                let copy = std::fs::read(written[0].join(rel))
                    .unwrap_or_else(|e| panic!("{} not written: {e}", rel.display()));
                assert_eq!(copy, std::fs::read(&path).unwrap(), "{}", rel.display());
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "{compared} schema files");
}
