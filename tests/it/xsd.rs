//! Every message the built-in suite exchanges with the mock validates against KOMBIT's
//! official XSDs: the requests our client builds and the answers the mock gives, faults
//! included.

use crate::support::modelled;

use crate::support::xsd;
use sp_contract::core::xml;
use sp_contract::engine::{self, RunRequest, SuitePaths};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

type Exchange = (String, String, Vec<u8>);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// SF2900's message schema; it validates with libxml2 as published (no fixes needed). Its
/// TransportKvittering fault element is in the same schema.
fn sf2900_schema() -> PathBuf {
    xsd::package_copy("SF2900-Fordelingskomponent-v3").join("DistributionServiceMsg.xsd")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_exchanged_message_validates_against_the_official_xsds() {
    xsd::require_xmllint();
    let seen: Arc<Mutex<Vec<Exchange>>> = Arc::default();
    let sink = seen.clone();
    let paths = SuitePaths {
        features: repo().join("features"),
        mocks: repo().join("mocks"),
        snapshots: repo().join("snapshots"),
        certs: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-certs"),
        ..SuitePaths::default()
    };
    let mut req = RunRequest::new(paths, "mock");
    req.observer = Some(Arc::new(
        move |svc: &str, request: &str, response: &[u8]| {
            sink.lock()
                .unwrap()
                .push((svc.to_string(), request.to_string(), response.to_vec()));
        },
    ));
    let plan = engine::plan(&req.paths, &req.selection()).expect("plan");
    let outcome = engine::run(req, plan, |_, _| {}).await.expect("run");
    assert_eq!(outcome.exit.code(), 0);

    let seen = seen.lock().unwrap();
    assert!(seen.len() >= 10, "the suite made {} calls", seen.len());
    let mut faults = 0;
    let mut checked = 0;
    let mut sf1470_headers = 0;
    let mut by_service: std::collections::BTreeMap<&str, usize> = Default::default();
    for (svc, request, response) in seen.iter() {
        *by_service.entry(svc.as_str()).or_default() += 1;
        let schema = match svc.as_str() {
            "SF1520" => xsd::sf1520_schema(),
            "SF1600" => sf1600::schemas().msg.clone(),
            "SF1601" => {
                sf1600::check_sf1601(request, response);
                continue;
            }
            "SF2900" => sf2900_schema(),
            other => modelled::schema_for(other)
                .unwrap_or_else(|| panic!("no schema mapped for {other}")),
        };
        let payload = xsd::body_payload(request);
        xsd::validate(&payload, &schema)
            .unwrap_or_else(|e| panic!("{svc} request does not validate: {e}\n{payload}"));
        if svc == "SF1470" {
            // The v6 WSDL's header part, on the request and (echoed) on the answer.
            let answer = String::from_utf8_lossy(response);
            let mut docs = vec![("request", request.as_str())];
            // A fault (the platform's, or the token check's) echoes nothing.
            if !answer.contains(":Fault>") {
                docs.push(("answer", &*answer));
            }
            for (what, doc) in docs {
                let header = xsd::child_named_at(doc, &["Envelope", "Header"], "RequestHeader")
                    .unwrap_or_else(|| panic!("SF1470 {what} without a RequestHeader:\n{doc}"));
                xsd::assert_valid(&header, &xsd::sf1470_header_schema(), "RequestHeader");
                sf1470_headers += 1;
            }
        }
        let declared = declared_operation(svc, request);
        if let Some(op) = declared {
            // The mock's own verdict (libxml2 in process, the shipped schemas) agrees.
            let at = sp_contract::schema::Target(&["Envelope", "Body", "*"]);
            sp_contract::schema::check(request.as_bytes(), at, op.request, 0)
                .unwrap_or_else(|e| panic!("{svc}: the mock refuses a valid request: {e}"));
        }

        let root = xml::parse(response).expect("response is XML");
        let body = root.child("Body").expect("Body");
        let first = body.elements().next().expect("Body has an element");
        if first.local == "Fault" {
            faults += 1;
            let detail = first
                .child("detail")
                .and_then(|d| d.elements().next())
                .expect("every mock fault carries a detail");
            // The platform's own faults carry a ServiceplatformFault; SF1600's own faults
            // carry dkal:Fejl (the WSDL's SP_FejlFault), and SF2900's operations declare the
            // TransportKvittering fault in their own schema.
            let detail_schema = match (svc.as_str(), detail.local.as_str()) {
                ("SF1600", "Fejl") => sf1600::schemas().hub(sf1600::DKAL_NS),
                ("SF2900", "TransportKvittering") => sf2900_schema(),
                _ => xsd::fault_schema(),
            };
            let doc = xml::to_xml(detail);
            xsd::validate(&doc, &detail_schema)
                .unwrap_or_else(|e| panic!("{svc} fault detail does not validate: {e}\n{doc}"));
        } else {
            let doc = xml::to_xml(first);
            xsd::validate(&doc, &schema)
                .unwrap_or_else(|e| panic!("{svc} response does not validate: {e}\n{doc}"));
            if let Some(op) = declared {
                // The answer is the element the service declares, valid against the shipped schema.
                sp_contract::schema::check_xml(doc.as_bytes(), op.response, 0).unwrap_or_else(
                    |e| panic!("{svc}: the answer is not {}: {e}", op.response.element),
                );
                checked += 1;
            }
        }
    }
    assert!(
        faults >= 4,
        "the access scenarios produce faults ({faults})"
    );
    assert!(
        checked >= 30,
        "answers checked against the declared operations: {checked}"
    );
    assert!(
        by_service.get("SF2900").copied().unwrap_or(0) >= 15,
        "the SF2900 scenarios are exercised: {by_service:?}"
    );
    assert!(
        sf1470_headers >= 20,
        "SF1470's RequestHeader is checked on request and answer: {sf1470_headers}"
    );
}

/// The operation a service declares for this request's SOAPAction-less payload: the one whose
/// request element it is (SF1520, SF1600, SF2900, SF1470 declare theirs as data).
fn declared_operation(svc: &str, request: &str) -> Option<&'static sp_contract::schema::Operation> {
    use sp_contract::services::{post, sf1470, sf1520, sf2900};
    let operations = match svc {
        "SF1520" => sf1520::OPERATIONS,
        "SF1600" => post::sf1600::OPERATIONS,
        "SF2900" => sf2900::OPERATIONS,
        "SF1470" => sf1470::mock::OPERATIONS,
        _ => return None,
    };
    let payload = xml::parse(xsd::body_payload(request).as_bytes()).ok()?;
    let op = operations
        .iter()
        .find(|o| o.request.element == payload.local);
    assert!(
        op.is_some(),
        "{svc}: <{}> is no declared request",
        payload.local
    );
    op
}

/// SF1600's contract for libxml2. The package imports one namespace from many files
/// (`urn:oio:dkal:1.0.0` from 17 places); libxml2 reads only the first import of a namespace,
/// so references into the others do not resolve. The working copy gets one hub schema per
/// OIO namespace that includes all of that namespace's files, and every import points at the
/// hub. `StandardRetur.xsd`, which imports its own namespace and is not used by Print, stays
/// out of the hubs. `shared/contracts` is never written.
pub mod sf1600 {
    use super::{xml, xsd};
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    pub const DKAL_NS: &str = "urn:oio:dkal:1.0.0";
    pub const FJERNPRINT_NS: &str = "urn:oio:fjernprint:1.0.0";
    const PACKAGE: &str = "SF1600-Print-v2";
    const OIO: &str = "SF1600_EP_SP1-2/xsd/oio";
    const TYPES: &str = "xsd/PrintServiceRequestTypes.xsd";

    pub struct Schemas {
        pub msg: PathBuf,
        hubs: BTreeMap<String, PathBuf>,
    }

    impl Schemas {
        pub fn hub(&self, ns: &str) -> PathBuf {
            self.hubs
                .get(ns)
                .unwrap_or_else(|| panic!("no hub schema for {ns}"))
                .clone()
        }
    }

    /// The identity: only here to give this working copy a key of its own.
    fn own_copy(text: &str) -> String {
        text.to_string()
    }

    pub fn schemas() -> &'static Schemas {
        static S: OnceLock<Schemas> = OnceLock::new();
        S.get_or_init(|| {
            let dir = xsd::package_copy_with(PACKAGE, &[(TYPES, own_copy)]);
            let oio = dir.join(OIO);
            let tns = regex::Regex::new(r#"targetNamespace="([^"]+)""#).unwrap();
            let mut by_ns: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut files: Vec<PathBuf> = std::fs::read_dir(&oio)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "xsd"))
                .collect();
            files.sort();
            for f in &files {
                let text = std::fs::read_to_string(f).unwrap();
                let Some(ns) = tns.captures(&text).map(|c| c[1].to_string()) else {
                    continue;
                };
                let oio_ns = ns.starts_with("urn:oio") || ns.starts_with("http://rep.oio.dk");
                let self_import = text.contains(&format!("import namespace=\"{ns}\""));
                if oio_ns && !self_import {
                    let name = f.file_name().unwrap().to_string_lossy().into_owned();
                    by_ns.entry(ns).or_default().push(name);
                }
            }
            let mut hubs = BTreeMap::new();
            for (i, (ns, members)) in by_ns.iter().enumerate() {
                let name = format!("_hub{i}.xsd");
                let includes: String = members
                    .iter()
                    .map(|m| format!("<xsd:include schemaLocation=\"{m}\"/>"))
                    .collect();
                std::fs::write(
                    oio.join(&name),
                    format!("<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"{ns}\" elementFormDefault=\"qualified\">{includes}</xsd:schema>"),
                )
                .unwrap();
                hubs.insert(ns.clone(), name);
            }
            let import =
                regex::Regex::new(r#"(<(?:xsd:)?import\s+namespace="([^"]+)"\s+schemaLocation=")[^"]*""#)
                    .unwrap();
            let rewrite = |path: &Path, prefix: &str| {
                let text = std::fs::read_to_string(path).unwrap();
                let fixed = import.replace_all(&text, |c: &regex::Captures<'_>| match hubs.get(&c[2]) {
                    Some(h) => format!("{}{prefix}{h}\"", &c[1]),
                    None => c[0].to_string(),
                });
                std::fs::write(path, fixed.as_bytes()).unwrap();
            };
            for f in &files {
                rewrite(f, "");
            }
            rewrite(&dir.join(TYPES), &format!("../{OIO}/"));
            Schemas {
                msg: dir.join("PrintServiceMsg.xsd"),
                hubs: hubs.into_iter().map(|(ns, h)| (ns, oio.join(h))).collect(),
            }
        })
    }

    /// SF1601 has no XSD; its print part is SF1600's ForsendelseI, which must validate. The
    /// answer is kombi_response XML or JSON.
    pub fn check_sf1601(request: &str, response: &[u8]) {
        if !request.trim().is_empty() {
            let root = xml::parse(request.as_bytes()).expect("kombi_request is XML");
            assert_eq!(root.local, "kombi_request");
            if let Some(samling) = root.child("ForsendelseISamling") {
                let f = samling.child("ForsendelseI").expect("ForsendelseI");
                let doc = xml::to_xml(f);
                xsd::assert_valid(&doc, &schemas().hub(FJERNPRINT_NS), "SF1601 ForsendelseI");
            }
        }
        let text = String::from_utf8_lossy(response);
        let t = text.trim_start();
        assert!(
            t.starts_with('{') || t.starts_with("<?xml") || t.starts_with("<kombi_response"),
            "SF1601 answered neither JSON nor kombi_response: {text}"
        );
    }
}
