//! The catalog alone decides which services exist: a service left out of it has no mock
//! route (and, see the unit tests in `src/services/catalog.rs`, no steps and no probe), and
//! mock data that names it is refused.

use crate::support::run::{copy_dir, pki, repo, tmp};
use sp_contract::services::catalog::Catalog;
use sp_contract::services::sf2900;
use sp_contract::targets::config::DEFAULT_IDENTITY;
use std::sync::Arc;

/// The built-in mocks without SF2900's serviceaftaler (data for a catalog without it).
fn mocks_without_sf2900() -> tempfile::TempDir {
    let dir = tmp();
    copy_dir(&repo().join("mocks"), dir.path());
    let path = dir.path().join("platform.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["agreements"]
        .as_array_mut()
        .unwrap()
        .retain(|a| a["service"] != "SF2900");
    std::fs::write(&path, v.to_string()).unwrap();
    dir
}

/// POST an empty SOAP body to SF2900's path; the status and body.
async fn post_sf2900(catalog: &Catalog, mocks: &std::path::Path) -> (u16, String) {
    let pki = pki();
    let mock = sp_contract::platform::start(mocks, &pki, "127.0.0.1:0".parse().unwrap(), catalog)
        .await
        .expect("mock starts");
    let target = Arc::new(mock.platform.target(&pki, &mock.url));
    let clients = sp_contract::client::transport::Clients::new(target);
    let r = clients
        .post(
            DEFAULT_IDENTITY,
            sf2900::INFO.path,
            &[("SOAPAction", "\"x\"".to_string())],
            "text/xml; charset=utf-8",
            sp_contract::core::soap::envelope("<x/>"),
        )
        .await
        .expect("the mock answers");
    mock.shutdown();
    (r.status, String::from_utf8_lossy(&r.body).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_left_out_of_the_catalog_has_no_route() {
    let mocks = mocks_without_sf2900();
    let all = Catalog::built_in();
    let (status, body) = post_sf2900(&all, mocks.path()).await;
    assert_eq!(status, 500, "SF2900 answers a SOAP fault: {body}");
    assert!(body.contains("Fault"), "{body}");

    let without = all.without("sf2900");
    let (status, body) = post_sf2900(&without, mocks.path()).await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body.starts_with(&format!(
            "sp-contract mock: nothing answers POST {}",
            sf2900::INFO.path
        )),
        "{body}"
    );
    assert!(
        !body.contains("SF2900"),
        "the 404 lists only known services: {body}"
    );
    assert!(body.contains("(SF1520)"), "{body}");
}

#[test]
fn mock_data_naming_a_service_the_catalog_lacks_is_refused() {
    let without = Catalog::built_in().without("sf2900");
    let e = sp_contract::platform::data::Platform::load(&repo().join("mocks"), without.known())
        .unwrap_err()
        .to_string();
    assert!(e.contains("names unknown service SF2900"), "{e}");
}

/// A service's own data (SF2900's routing files) is read when the mock starts or a step
/// needs it, not to plan a run of other services.
#[test]
fn service_data_is_loaded_only_where_needed() {
    use crate::support::run::{run, sp};
    let mocks = tmp();
    copy_dir(&repo().join("mocks"), mocks.path());
    std::fs::write(
        mocks.path().join("sf2900/fordelingsregler.json"),
        "{ broken",
    )
    .unwrap();
    let m = mocks.path().to_str().unwrap();
    let (code, out) = run(sp(&["run", "--dry-run", "--mocks", m, "--tags", "@SF1520"]));
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(sp(&["run", "--dry-run", "--mocks", m, "--tags", "@SF2900"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("fordelingsregler.json"), "{out}");
    let (code, out) = run(sp(&["run", "--mocks", m, "--tags", "@SF1520"]));
    assert_eq!(code, 2, "the mock does not start on broken data: {out}");
    assert!(out.contains("fordelingsregler.json"), "{out}");
}

/// A serviceaftale's `modelled` flag must say what the catalog says of its service, so
/// nothing claims an official contract for a modelled one (or the reverse).
#[test]
fn an_agreements_modelled_flag_follows_the_services_fidelity() {
    // A modelled service marked official, and SF1470 (official since v6) marked modelled.
    for (service, flag, says) in [
        (
            "SF7002",
            false,
            "for SF7002: set \"modelled\": true (SF7002's contract is modelled)",
        ),
        (
            "SF1470",
            true,
            "for SF1470: set \"modelled\": false (SF1470's contract is KOMBIT's own)",
        ),
    ] {
        let dir = tmp();
        copy_dir(&repo().join("mocks"), dir.path());
        let path = dir.path().join("platform.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for a in v["agreements"].as_array_mut().unwrap() {
            if a["service"] == service {
                a["modelled"] = serde_json::Value::Bool(flag);
            }
        }
        std::fs::write(&path, v.to_string()).unwrap();
        let e =
            sp_contract::platform::data::Platform::load(dir.path(), Catalog::built_in().known())
                .unwrap_err()
                .to_string();
        assert!(e.contains(says), "{e}");
    }
}
