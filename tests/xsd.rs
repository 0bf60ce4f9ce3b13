//! Every message the built-in suite exchanges with the mock validates against KOMBIT's
//! official XSDs: the requests our client builds and the answers the mock gives, faults
//! included.

#[path = "support/modelled.rs"]
mod modelled;
mod support;

use sp_contract::engine::{self, RunRequest, SuitePaths};
use sp_contract::xml;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use support::xsd;

type Exchange = (String, String, Vec<u8>);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
    let outcome = engine::run(req, |_, _| {}).await.expect("run");
    assert_eq!(outcome.exit.code(), 0);

    let seen = seen.lock().unwrap();
    assert!(seen.len() >= 10, "the suite made {} calls", seen.len());
    let mut faults = 0;
    for (svc, request, response) in seen.iter() {
        let schema = match svc.as_str() {
            "SF1520" => xsd::sf1520_schema(),
            other => modelled::schema_for(other)
                .unwrap_or_else(|| panic!("no schema mapped for {other}")),
        };
        let payload = xsd::body_payload(request);
        xsd::validate(&payload, &schema)
            .unwrap_or_else(|e| panic!("{svc} request does not validate: {e}\n{payload}"));

        let root = xml::parse(response).expect("response is XML");
        let body = root.child("Body").expect("Body");
        let first = body.elements().next().expect("Body has an element");
        if first.local == "Fault" {
            faults += 1;
            let detail = first
                .child("detail")
                .and_then(|d| d.elements().next())
                .expect("every mock fault carries a ServiceplatformFault detail");
            let doc = xml::to_xml(detail);
            xsd::validate(&doc, &xsd::fault_schema())
                .unwrap_or_else(|e| panic!("fault detail does not validate: {e}\n{doc}"));
        } else {
            let doc = xml::to_xml(first);
            xsd::validate(&doc, &schema)
                .unwrap_or_else(|e| panic!("{svc} response does not validate: {e}\n{doc}"));
        }
    }
    assert!(
        faults >= 4,
        "the access scenarios produce faults ({faults})"
    );
}
