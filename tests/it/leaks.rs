//! Nothing secret or personal leaves the process, even when the target echoes everything.
//!
//! The Post suite (token flow) and the CPR suite (both with `--trace`), `doctor` and `report
//! merge` run against a hostile target: a TLS proxy in front of an in-process mock that
//! records every request and answers some of them with an echo of what it was sent. The service call answers 401 with
//! the bare access token and the request head; AccessTokenService answers 400 with the
//! assertion (as sent and percent-decoded); SOAP calls answer 500 with their envelope (PNR).
//! Then stdout, stderr and every file the runs wrote are searched for the certificate
//! password, every assertion and access token the proxy saw (raw, decoded, base64,
//! percent-encoded, and their first and last 32 characters) and every CPR number of the
//! config's aliases (`DDMMYYSSSS` and `DDMMYY-SSSS`).

use crate::support::run as run_support;

use crate::support::echo_proxy;

use base64::Engine as _;
use echo_proxy::{header, Exchange};
use run_support::*;
use sp_contract::client::token::{ACCESS_TOKEN_PATH, STS_PATH};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    sp_contract::core::form::encode(s)
}

/// The hostile answers. Every other AccessTokenService request and SOAP call is echoed (the
/// rest go through, so that tokens are issued and services are called); every service call
/// with a token is echoed.
fn decide(path: &str, head: &str, body: &[u8], n: usize) -> Option<(u16, &'static str, Vec<u8>)> {
    let body_text = String::from_utf8_lossy(body).into_owned();
    if path == ACCESS_TOKEN_PATH {
        if n % 2 == 1 {
            return None;
        }
        let value = body_text
            .strip_prefix("saml-token=")
            .map(percent_decode)
            .unwrap_or_default();
        return Some(if n.is_multiple_of(4) {
            let v = serde_json::json!({
                "error": "invalid_grant",
                "error_description": format!("the assertion {value} is not accepted; you sent {body_text}"),
            });
            (400, "application/json", v.to_string().into_bytes())
        } else {
            // The assertion straddles the first 300 bytes that a message quotes.
            let text = format!("Bad Request. Assertion: {value}\nForm: {body_text}\n{head}");
            (400, "text/plain", text.into_bytes())
        });
    }
    if let Some(auth) = header(head, "authorization") {
        let token = auth.split_whitespace().nth(1).unwrap_or("").to_string();
        return Some(if n.is_multiple_of(2) {
            let v = serde_json::json!({
                "errorCode": "invalid_token",
                "errorMessage": format!("token {token} is not valid; you sent:\n{head}"),
            });
            (401, "application/json", v.to_string().into_bytes())
        } else {
            let text = format!("Unauthorized. Your token {token} is not valid.\n{head}");
            (401, "text/plain", text.into_bytes())
        });
    }
    let soap = header(head, "soapaction").is_some()
        || header(head, "content-type").is_some_and(|c| c.contains("xml"));
    if soap && path != STS_PATH && n.is_multiple_of(2) {
        let answer = if n.is_multiple_of(4) {
            body.to_vec()
        } else {
            let esc = body_text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            format!(
                "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>cannot process {esc}</faultstring></soap:Fault></soap:Body></soap:Envelope>"
            )
            .into_bytes()
        };
        return Some((500, "text/xml; charset=utf-8", answer));
    }
    None
}

/// Every secret the proxy saw: (what, value).
fn secrets_seen(log: &[Exchange]) -> (Vec<String>, Vec<String>) {
    let assertion_json = regex::Regex::new(r#""Assertion"\s*:\s*"([^"]+)""#).unwrap();
    let token_json = regex::Regex::new(r#""access_token"\s*:\s*"([^"]+)""#).unwrap();
    let mut assertions = Vec::new();
    let mut tokens = Vec::new();
    for x in log {
        let path = x.head.split_whitespace().nth(1).unwrap_or("");
        let answer = String::from_utf8_lossy(&x.answer);
        let body = String::from_utf8_lossy(&x.body);
        if !x.echoed {
            for c in assertion_json.captures_iter(&answer) {
                assertions.push(c[1].replace("\\/", "/"));
            }
            for c in token_json.captures_iter(&answer) {
                tokens.push(c[1].to_string());
            }
        }
        if path.starts_with(ACCESS_TOKEN_PATH) {
            if let Some(v) = body.strip_prefix("saml-token=") {
                assertions.push(percent_decode(v));
            }
        }
        if let Some(auth) = header(&x.head, "authorization") {
            if let Some(t) = auth.split_whitespace().nth(1) {
                tokens.push(t.to_string());
            }
        }
    }
    for v in [&mut assertions, &mut tokens] {
        v.sort();
        v.dedup();
    }
    (assertions, tokens)
}

/// (label, needle) pairs that must be found nowhere.
fn needles(assertions: &[String], tokens: &[String], cprs: &[String]) -> Vec<(String, String)> {
    use base64::engine::general_purpose as g;
    let mut out = Vec::new();
    let add = |out: &mut Vec<(String, String)>, what: &str, s: &str| {
        let mut forms = vec![
            ("raw", s.to_string()),
            ("base64", g::STANDARD.encode(s)),
            ("base64 unpadded", g::STANDARD_NO_PAD.encode(s)),
            ("base64url", g::URL_SAFE.encode(s)),
            ("base64url unpadded", g::URL_SAFE_NO_PAD.encode(s)),
            ("percent-encoded", percent_encode(s)),
            ("percent-encoded, lower hex", {
                let p = percent_encode(s);
                let mut o = String::new();
                let mut k = 0;
                for c in p.chars() {
                    if c == '%' {
                        k = 2;
                        o.push(c);
                    } else if k > 0 {
                        k -= 1;
                        o.push(c.to_ascii_lowercase());
                    } else {
                        o.push(c);
                    }
                }
                o
            }),
        ];
        // A cut-off quote of a long secret leaks it too.
        if s.len() >= 64 && s.is_ascii() {
            forms.push(("first 32 characters", s[..32].to_string()));
            forms.push(("last 32 characters", s[s.len() - 32..].to_string()));
        }
        for (form, v) in forms {
            out.push((format!("{what} ({form})"), v));
        }
    };
    add(
        &mut out,
        "certificate password",
        sp_contract::targets::pki::TEST_P12_PASSWORD,
    );
    for a in assertions {
        add(&mut out, "assertion", a);
        if let Ok(xml) = g::STANDARD.decode(a) {
            let xml = String::from_utf8_lossy(&xml).into_owned();
            out.push(("decoded assertion".into(), xml));
        }
    }
    for t in tokens {
        add(&mut out, "access token", t);
    }
    for c in cprs {
        out.push(("CPR number".into(), c.clone()));
        out.push(("CPR number".into(), format!("{}-{}", &c[..6], &c[6..])));
    }
    out
}

/// The CPR numbers of the config's citizen aliases.
fn alias_cprs(cfg: &Path) -> Vec<String> {
    let v: toml::Value = toml::from_str(&std::fs::read_to_string(cfg).unwrap()).unwrap();
    let list = v["targets"]["local"]["aliases"]["citizens"]
        .as_table()
        .expect("citizen aliases in the config");
    let cprs: Vec<String> = list
        .values()
        .filter_map(|c| c.as_str())
        .map(|c| c.replace('-', ""))
        .filter(|c| c.len() == 10)
        .collect();
    assert!(cprs.len() >= 3, "the config has citizen aliases: {cprs:?}");
    cprs
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn nothing_secret_or_personal_leaves_the_process_when_the_target_echoes_it() {
    let pki = pki();
    let mock = InProcessMock::start(&repo().join("mocks"));
    let proxy = echo_proxy::start(&pki, mock.addr, Arc::new(decide));
    let input = tmp();
    let cfg = remote_config(input.path(), &proxy.url, Remote::default());
    let out = tmp();
    let o = |name: &str| out.path().join(name).display().to_string();
    let snaps = snapshots_for_local(out.path());
    // The update run gets its own copy: it would otherwise accept (and so remove) the
    // .snap.new files the first runs wrote, whose content this test must see.
    let snaps_update = snapshots_for_local(&out.path().join("update"));
    let approved: Vec<PathBuf> = {
        let mut v = Vec::new();
        files_under(&snaps, &mut v);
        files_under(&snaps_update, &mut v);
        v
    };
    let cfg_s = cfg.display().to_string();
    let mut outputs: Vec<(String, String)> = Vec::new();
    for (suite, update) in [("post", false), ("cpr", false), ("cpr", true)] {
        let features = repo().join("features").join(suite).display().to_string();
        let tag = format!("{suite}{}", if update { "-update" } else { "" });
        let mut args = vec![
            "run".to_string(),
            "--target".into(),
            "local".into(),
            "--config".into(),
            cfg_s.clone(),
            "--features".into(),
            features,
            "--snapshots".into(),
            if update { &snaps_update } else { &snaps }
                .display()
                .to_string(),
            // One scenario at a time: which request the proxy echoes depends on its order.
            "--concurrency".into(),
            "1".into(),
            "--junit".into(),
            o(&format!("{tag}/junit.xml")),
            "--cucumber-json".into(),
            o(&format!("{tag}/cucumber.json")),
            "--report-html".into(),
            o(&format!("{tag}/report.html")),
            "--report-md".into(),
            o(&format!("{tag}/report.md")),
            "--trace".into(),
            o(&format!("{tag}/trace")),
        ];
        if update {
            args.push("--update-snapshots".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, text) = run(sp(&args));
        assert!(
            [0, 1, 3].contains(&code) && !text.contains("panicked"),
            "{tag}: exit {code}\n{text}"
        );
        outputs.push((format!("run {tag} (exit {code})"), text));
    }
    let (code, text) = run(sp(&["doctor", "--target", "local", "--config", &cfg_s]));
    outputs.push((format!("doctor (exit {code})"), text));
    let merged = o("merged.xml");
    let (code, text) = run(sp(&[
        "report",
        "merge",
        "--output",
        &merged,
        &o("post/junit.xml"),
        &o("cpr/junit.xml"),
    ]));
    assert_eq!(code, 0, "{text}");
    outputs.push(("report merge".into(), text));

    let log = proxy.log.lock().unwrap().clone();
    let echoed =
        |pred: &dyn Fn(&Exchange) -> bool| log.iter().filter(|x| x.echoed && pred(x)).count();
    let at = |p: &'static str| {
        move |x: &Exchange| {
            x.head
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .starts_with(p)
        }
    };
    assert!(
        echoed(&at(ACCESS_TOKEN_PATH)) >= 2,
        "AccessTokenService echoed"
    );
    assert!(
        echoed(&|x: &Exchange| header(&x.head, "authorization").is_some()) >= 2,
        "service calls with a token echoed"
    );
    assert!(
        echoed(&|x: &Exchange| String::from_utf8_lossy(&x.body).contains("Envelope")) >= 2,
        "SOAP calls echoed"
    );
    let (assertions, tokens) = secrets_seen(&log);
    assert!(
        !assertions.is_empty() && !tokens.is_empty(),
        "the proxy saw the token flow"
    );
    let cprs = alias_cprs(&cfg);
    let needles = needles(&assertions, &tokens, &cprs);

    let mut files = Vec::new();
    files_under(out.path(), &mut files);
    for kind in ["junit.xml", "cucumber.json", "report.html", "report.md"] {
        assert!(
            files.iter().filter(|f| f.ends_with(kind)).count() == 3,
            "{kind} written by every run"
        );
    }
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".snap.new")),
        "snapshots written"
    );
    let traces: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("/trace/"))
        .collect();
    assert!(traces.len() > 10, "every exchange traced: {traces:?}");
    let mut texts = outputs;
    // A trace's file names are output too.
    for f in traces {
        texts.push(("a trace's file name".into(), f.display().to_string()));
    }
    for f in &files {
        // The approved snapshots copied in are input, unless a run rewrote them.
        let original = approved.contains(f).then(|| {
            let rel = f
                .strip_prefix(snaps.join("local"))
                .or_else(|_| f.strip_prefix(snaps_update.join("local")))
                .unwrap();
            std::fs::read(repo().join("snapshots/mock").join(rel)).unwrap()
        });
        let bytes = std::fs::read(f).unwrap();
        if original.as_ref() == Some(&bytes) {
            continue;
        }
        texts.push((
            f.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    // The echoes reached the output, masked: this test sees what a leak would be.
    assert!(
        texts
            .iter()
            .any(|(_, t)| t.contains("[redacted]") || t.contains("-xxxx")),
        "no masked echo anywhere"
    );
    let mut hits = Vec::new();
    for (where_, text) in &texts {
        for (what, needle) in &needles {
            if let Some(i) = text.find(needle.as_str()) {
                let from = floor(text, i.saturating_sub(60));
                let to = floor(text, (i + 20).min(text.len()));
                hits.push(format!(
                    "{what} in {where_}: …{}…",
                    text[from..to].replace('\n', "⏎")
                ));
            }
        }
    }
    hits.sort();
    hits.dedup();
    assert!(
        hits.is_empty(),
        "{} leak(s) ({} assertions, {} tokens, {} CPR numbers looked for):\n{}",
        hits.len(),
        assertions.len(),
        tokens.len(),
        cprs.len(),
        hits.join("\n")
    );
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Every writer masks at its own entry: a registered secret that reaches the run model
/// unmasked (the model is built in many places) still never comes out of a writer.
#[test]
fn every_writer_masks_registered_secrets_at_its_entry() {
    use sp_contract::runner::model::*;
    use std::time::Duration;
    const TOKEN: &str = "writer-entry-token.Zm9vYmFyYmF6cXV4";
    const PASSWORD: &str = "pw-writer-entry-42";
    const CPR: &str = "1503801015";
    sp_contract::evidence::redact::register_secret(TOKEN);
    sp_contract::evidence::redact::register_password(PASSWORD);
    let raw = format!("the server said: token {TOKEN}, password {PASSWORD}, PNR {CPR}");
    let step = |status, failure| StepResult {
        keyword: "Så ".into(),
        text: raw.clone(),
        line: 7,
        status,
        duration: Duration::from_millis(3),
        failure,
        argument: Some(sp_contract::runner::model::StepArgument::Table(vec![vec![
            raw.clone(),
        ]])),
    };
    let failure = StepFailure {
        kind: FailureKind::Contract,
        message: raw.clone(),
        diff: Some(format!("-a\n+{raw}\n")),
    };
    let scenario = ScenarioResult {
        name: raw.clone(),
        line: 5,
        tags: vec!["@SF1601".into()],
        steps: vec![step(Status::Failed, Some(failure))],
        duration: Duration::from_millis(5),
        earlier_attempts: Vec::new(),
        // A warning carries the secret too: warnings are written by every report.
        warnings: vec![raw.clone()],
    };
    let feature = FeatureResult {
        name: raw.clone(),
        path: PathBuf::from("post/x.feature"),
        line: 2,
        tags: Vec::new(),
        scenarios: vec![scenario],
    };
    let result = RunResult {
        target: "local".into(),
        started_at: time::OffsetDateTime::now_utc(),
        duration: Duration::from_millis(5),
        features: vec![feature],
    };
    let target = sp_contract::platform::data::Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap()
    .target(&pki(), "https://127.0.0.1:9");
    let context = sp_contract::runner::model::RunContext {
        known: sp_contract::engine::catalog().known().clone(),
        target,
        certificate: Err(raw.clone()),
        fingerprint: sp_contract::evidence::fingerprint::Fingerprint {
            sha256: "0".repeat(64),
            parts: Vec::new(),
        },
        selection: Default::default(),
        uncovered: Vec::new(),
        retries: 0,
    };
    let evidence = sp_contract::report::Evidence {
        run: &result,
        context: &context,
        exit: sp_contract::error::ExitCode::ContractFailed,
        tool_version: "test",
        about: &sp_contract::report::about::About {
            vendor: Some(raw.clone()),
            ..Default::default()
        },
    };
    let mut written: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut w = Vec::new();
    sp_contract::report::write_junit(&result, &mut w).unwrap();
    written.push(("JUnit", w));
    let mut w = Vec::new();
    sp_contract::report::write_cucumber_json(&result, &mut w).unwrap();
    written.push(("Cucumber JSON", w));
    let mut w = Vec::new();
    sp_contract::report::write_html(&evidence, &mut w).unwrap();
    written.push(("HTML", w));
    let mut w = Vec::new();
    sp_contract::report::write_markdown(&evidence, &mut w).unwrap();
    written.push(("Markdown", w));
    let mut w = Vec::new();
    {
        let mut console = sp_contract::report::ConsoleReporter::new(&mut w, false);
        let f = &result.features[0];
        console
            .scenario_finished(sp_contract::report::FeatureRef::from(f), &f.scenarios[0])
            .unwrap();
        console.summary(&result).unwrap();
    }
    written.push(("console", w));
    let dir = tmp();
    let junit = dir.path().join("a.xml");
    std::fs::write(&junit, &written[0].1).unwrap();
    let mut w = Vec::new();
    sp_contract::report::merge_junit(&[junit], &mut w).unwrap();
    written.push(("report merge", w));
    let snaps = dir.path().join("snaps");
    sp_contract::evidence::snapshot::SnapshotStore::new(snaps.clone(), true)
        .check("x__y", "post/x.feature", "y", "approved")
        .unwrap();
    let store = sp_contract::evidence::snapshot::SnapshotStore::new(snaps, false);
    match store.check("x__y", "post/x.feature", &raw, &raw) {
        Err(sp_contract::evidence::snapshot::SnapshotError::Mismatch { diff, .. }) => {
            written.push(("snapshot diff", diff.into_bytes()))
        }
        other => panic!("{other:?}"),
    }
    let new = std::fs::read(dir.path().join("snaps/x__y.snap.new")).unwrap();
    written.push((".snap.new", new));
    for (writer, bytes) in &written {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            text.contains("redacted"),
            "{writer} wrote the message: {text}"
        );
        for secret in [TOKEN, PASSWORD, CPR] {
            assert!(!text.contains(secret), "{writer} wrote {secret}: {text}");
        }
    }
}

/// Answers are masked before they are compared with the approved snapshot: an answer that
/// holds this run's token matches the snapshot approved with another run's token.
#[test]
fn a_masked_snapshot_matches_the_next_run() {
    use sp_contract::evidence::snapshot::{SnapshotOutcome, SnapshotStore};
    let dir = tmp();
    let answer = |t: &str| format!("<fejl>token {t} afvist</fejl>");
    let (first, second) = ("snapshot-run-one.dG9rZW4x", "snapshot-run-two.dG9rZW4y");
    sp_contract::evidence::redact::register_secret(first);
    let created = SnapshotStore::new(dir.path().to_path_buf(), true)
        .check("x__token", "x.feature", "token", &answer(first))
        .unwrap();
    assert!(matches!(created, SnapshotOutcome::Created(_)));
    let written = std::fs::read_to_string(dir.path().join("x__token.snap")).unwrap();
    assert!(
        written.contains("<fejl>token [redacted] afvist</fejl>"),
        "{written}"
    );
    sp_contract::evidence::redact::register_secret(second);
    let again = SnapshotStore::new(dir.path().to_path_buf(), false)
        .check("x__token", "x.feature", "token", &answer(second))
        .unwrap();
    assert_eq!(again, SnapshotOutcome::Matched);
}

/// Masking at a writer's entry must not break its format: a step that took 1.503801015 s
/// has a duration in nanoseconds that looks like a CPR number.
#[test]
fn cucumber_json_stays_json_when_a_duration_looks_like_a_cpr_number() {
    use sp_contract::runner::model::*;
    use std::time::Duration;
    let took = Duration::from_nanos(1_503_801_015);
    let result = RunResult {
        target: "mock".into(),
        started_at: time::OffsetDateTime::now_utc(),
        duration: took,
        features: vec![FeatureResult {
            name: "F".into(),
            path: PathBuf::from("f.feature"),
            line: 2,
            tags: Vec::new(),
            scenarios: vec![ScenarioResult {
                name: "S 1503801015".into(),
                line: 3,
                tags: Vec::new(),
                steps: vec![StepResult {
                    keyword: "Så ".into(),
                    text: "x".into(),
                    line: 4,
                    status: Status::Passed,
                    duration: took,
                    failure: None,
                    argument: None,
                }],
                duration: took,
                earlier_attempts: Vec::new(),
                warnings: Vec::new(),
            }],
        }],
    };
    let mut w = Vec::new();
    sp_contract::report::write_cucumber_json(&result, &mut w).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&w).expect("valid JSON");
    let scenario = &v[0]["elements"][0];
    assert_eq!(scenario["steps"][0]["result"]["duration"], 1_503_801_015u64);
    assert_eq!(scenario["name"], "S 150380-xxxx");
}
