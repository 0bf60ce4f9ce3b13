//! WireMock's admin API on the mock (`/__admin/…`), driven over mutual TLS by our own client
//! and by WireMock's npm client `wiremock-rest-client` (tests/tools/admin-client.js): the
//! journal, unmatched requests and near misses, stubs added and removed at run time, reset.

use crate::support::run::{copy_dir, embedded_mock_of, pki, repo};
use serde_json::{json, Value};
use sp_contract::client::transport::Clients;
use sp_contract::targets::config::DEFAULT_IDENTITY;
use std::path::Path;

/// A stub loaded from a file, there again after a reset.
const FILE_STUB: &str = r#"{"name": "file-stub", "request": {"method": "GET", "urlPath": "/file/stub"},
  "response": {"status": 200, "body": "from the file"}}"#;

struct Env {
    mock: sp_contract::platform::RunningMock,
    clients: Clients,
    _dir: tempfile::TempDir,
}

async fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("mocks"), dir.path());
    std::fs::create_dir_all(dir.path().join("mappings")).unwrap();
    std::fs::write(dir.path().join("mappings/file.json"), FILE_STUB).unwrap();
    let (mock, target) = embedded_mock_of(dir.path()).await;
    Env {
        clients: Clients::new(target),
        mock,
        _dir: dir,
    }
}

impl Env {
    async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> (u16, String) {
        let body = (!body.is_empty()).then(|| ("application/json", body.to_string()));
        let r = self
            .clients
            .request(
                DEFAULT_IDENTITY,
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                path,
                headers,
                body,
            )
            .await
            .unwrap();
        (r.status, String::from_utf8_lossy(&r.body).into_owned())
    }

    async fn json(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let (status, text) = self.call(method, path, &[], body).await;
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
        };
        (status, v)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_drives_the_admin_api() {
    let env = env().await;
    let (status, all) = env.json("GET", "/__admin/mappings", "").await;
    assert_eq!((status, &all["meta"]["total"]), (200, &json!(1)), "{all}");
    let file_id = all["mappings"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(all["mappings"][0]["uuid"], json!(file_id));
    assert_eq!(all["mappings"][0]["name"], json!("file-stub"));

    let stub = json!({
        "name": "rt",
        "request": {"method": "POST", "urlPath": "/rt",
                    "headers": {"SOAPAction": {"contains": "Op"}},
                    "bodyPatterns": [{"contains": "yes"}]},
        "response": {"status": 202, "body": "rt"}
    });
    let (status, created) = env
        .json("POST", "/__admin/mappings", &stub.to_string())
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["request"], stub["request"]);

    let op = |a: &str| vec![("SOAPAction", a.to_string())];
    let mut with_token = op("Op");
    with_token.push((
        "Authorization",
        "Holder-of-key c2VjcmV0LXRva2VuLXZhbHVl".into(),
    ));
    let hit = env.call("POST", "/rt", &with_token, "yes 0101801234").await;
    assert_eq!(hit, (202, "rt".to_string()));
    let miss = env.call("POST", "/rt", &op("Other"), "no").await;
    assert_eq!(miss.0, 404, "{}", miss.1);

    let (_, requests) = env.json("GET", "/__admin/requests", "").await;
    assert_eq!(
        requests["meta"]["total"],
        json!(2),
        "admin calls are not journalled: {requests}"
    );
    let [newest, oldest] = [&requests["requests"][0], &requests["requests"][1]];
    assert_eq!(newest["wasMatched"], json!(false));
    assert_eq!(newest["request"]["url"], json!("/rt"));
    assert_eq!(newest["request"]["method"], json!("POST"));
    assert_eq!(newest["response"]["status"], json!(404));
    assert_eq!(oldest["wasMatched"], json!(true));
    assert_eq!(oldest["stubMapping"]["name"], json!("rt"));
    assert_eq!(oldest["responseDefinition"]["status"], json!(202));
    assert_eq!(
        oldest["request"]["body"],
        json!("yes 010180-xxxx"),
        "masked"
    );
    assert!(!requests.to_string().contains("0101801234"));
    assert_eq!(
        oldest["request"]["headers"]["authorization"],
        json!("Holder-of-key [redacted]")
    );
    assert!(!requests.to_string().contains("c2VjcmV0LXRva2VuLXZhbHVl"));
    assert_eq!(oldest["spContract"]["verdict"], json!("matched stub rt"));

    let (_, unmatched) = env.json("GET", "/__admin/requests/unmatched", "").await;
    assert_eq!(
        unmatched["requests"].as_array().unwrap().len(),
        1,
        "{unmatched}"
    );
    assert_eq!(unmatched["requests"][0]["body"], json!("no"));

    let (_, near) = env
        .json("GET", "/__admin/requests/unmatched/near-misses", "")
        .await;
    let first = &near["nearMisses"][0];
    assert_eq!(
        first["stubMapping"]["name"],
        json!("rt"),
        "closest first: {near}"
    );
    // Two of its four matchers (method, URL, header, body) failed.
    assert_eq!(first["matchResult"]["distance"], json!(0.5), "{near}");
    let why = first["matchResult"]["diffDescriptions"].to_string();
    assert!(
        why.contains("SOAPAction") && why.contains("\\\"Other\\\""),
        "{why}"
    );
    assert!(why.contains("bodyPatterns[0]"), "{why}");
    assert!(!why.contains("urlPath"), "the URL matched: {why}");

    let (status, one) = env
        .json("GET", &format!("/__admin/mappings/{id}"), "")
        .await;
    assert_eq!((status, &one["name"]), (200, &json!("rt")));
    let (status, _) = env
        .json("DELETE", &format!("/__admin/mappings/{id}"), "")
        .await;
    assert_eq!(status, 200);
    let (status, _) = env
        .json("GET", &format!("/__admin/mappings/{id}"), "")
        .await;
    assert_eq!(status, 404);
    let (status, _) = env
        .json("DELETE", &format!("/__admin/mappings/{id}"), "")
        .await;
    assert_eq!(status, 404);
    let gone = env.call("POST", "/rt", &op("Op"), "yes").await;
    assert_eq!(gone.0, 404, "a deleted stub no longer answers");

    // A run-time stub of the same priority wins over the file's, until it is deleted.
    let over = json!({"id": "0d4c1a54-3f2e-4b8e-9c61-7a0b5e2f9d10",
                      "request": {"method": "GET", "urlPath": "/file/stub"},
                      "response": {"status": 200, "body": "from the admin API"}});
    let (status, _) = env
        .json("POST", "/__admin/mappings", &over.to_string())
        .await;
    assert_eq!(status, 201);
    let file = env.call("GET", "/file/stub", &[], "").await;
    assert_eq!(file, (200, "from the admin API".to_string()));
    let over_id = "/__admin/mappings/0d4c1a54-3f2e-4b8e-9c61-7a0b5e2f9d10";
    assert_eq!(env.json("DELETE", over_id, "").await.0, 200);
    let file = env.call("GET", "/file/stub", &[], "").await;
    assert_eq!(file, (200, "from the file".to_string()));

    let (status, err) = env
        .json(
            "POST",
            "/__admin/mappings",
            r#"{"request": {"urlPth": "/x"}}"#,
        )
        .await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        err["errors"][0]["source"]["pointer"],
        json!("/request/urlPth")
    );
    assert!(err["errors"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("urlPth"));

    let (status, _) = env.json("DELETE", "/__admin/requests", "").await;
    assert_eq!(status, 200);
    let (_, requests) = env.json("GET", "/__admin/requests", "").await;
    assert_eq!(requests["meta"]["total"], json!(0));
    let (status, _) = env.call("GET", "/__admin/recordings/status", &[], "").await;
    assert_eq!(status, 404, "what is not served says so");

    // Reset: run-time stubs gone, deleted file stubs back, journal empty.
    env.json("POST", "/__admin/mappings", &stub.to_string())
        .await;
    env.json("DELETE", &format!("/__admin/mappings/{file_id}"), "")
        .await;
    env.call("POST", "/rt", &op("Op"), "yes").await;
    let (status, _) = env.json("POST", "/__admin/reset", "").await;
    assert_eq!(status, 200);
    let (_, all) = env.json("GET", "/__admin/mappings", "").await;
    assert_eq!(all["meta"]["total"], json!(1), "{all}");
    assert_eq!(all["mappings"][0]["id"], json!(file_id));
    let (_, requests) = env.json("GET", "/__admin/requests", "").await;
    assert_eq!(requests["meta"]["total"], json!(0));
    let file = env.call("GET", "/file/stub", &[], "").await;
    assert_eq!(file, (200, "from the file".to_string()));
    env.mock.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_needs_a_certificate_the_mock_trusts() {
    let env = env().await;
    let pki = pki();
    let ca = std::fs::read(&pki.ca_pem).unwrap();
    let anonymous = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    let refused = anonymous
        .get(format!("{}/__admin/requests", env.mock.url))
        .send()
        .await;
    assert!(refused.is_err(), "no client certificate, no admin API");
}

/// `node` and the pinned npm tools, or a failure naming how to install them.
fn require_node_tools() -> std::path::PathBuf {
    let tools = repo().join("tests/tools");
    let node = std::process::Command::new("node").arg("--version").output();
    let installed = tools.join("node_modules/wiremock-rest-client/package.json");
    if !node.is_ok_and(|o| o.status.success()) || !installed.is_file() {
        panic!(
            "this test drives the mock with WireMock's npm client and needs Node.js and \
             {}: run `scripts/install-deps --test`",
            installed.display()
        );
    }
    tools
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wiremocks_own_npm_client_drives_the_admin_api() {
    let tools = require_node_tools();
    let env = env().await;
    let pki = pki();
    let arg = |p: &Path| p.display().to_string();
    let args = [
        env.mock.url.clone(),
        arg(&pki.ca_pem),
        arg(&pki.client_pem),
        arg(&pki.client_key_pem),
    ];
    // Blocking, off the runtime's workers: the mock answers on them meanwhile.
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .current_dir(&tools)
            .arg("admin-client.js")
            .args(args)
            .output()
            .expect("run node")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "admin-client.js failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let id = r["created"]["id"].as_str().expect("the stub's id");
    assert_eq!(r["created"]["name"], json!("node-greeting"));
    assert_eq!(
        r["matched"],
        json!({"status": 200, "body": "hi from the stub"})
    );
    assert_eq!(r["unmatched"]["status"], json!(404));
    // The file stub and the one added.
    assert_eq!(
        r["allMappings"]["meta"]["total"],
        json!(2),
        "{}",
        r["allMappings"]
    );
    assert_eq!(r["oneMapping"]["id"], json!(id));
    assert_eq!(r["requests"]["meta"]["total"], json!(2));
    assert_eq!(r["requests"]["requests"][1]["stubMapping"]["id"], json!(id));
    assert_eq!(
        r["requests"]["requests"][1]["request"]["headers"]["x-sp-mock-client-cert-cn"],
        json!("sp-contract testsystem (FOCES)")
    );
    assert_eq!(
        r["unmatchedRequests"]["requests"][0]["body"],
        json!("goodbye")
    );
    let near = &r["nearMisses"]["nearMisses"][0];
    assert_eq!(near["stubMapping"]["id"], json!(id), "{}", r["nearMisses"]);
    assert!(near["matchResult"]["distance"].as_f64().unwrap() > 0.0);
    assert_eq!(r["afterDelete"]["meta"]["total"], json!(1));
    assert_eq!(r["afterReset"]["mappings"]["meta"]["total"], json!(1));
    assert_eq!(r["afterReset"]["requests"]["meta"]["total"], json!(0));
}
