//! Evidence an FOI consultant can file: a report of an exttest-like run (`mock serve` as a
//! remote target) and of a run against the embedded mock, each rendered in headless Chromium
//! and read back whole (the tables and docstrings, the banner for the kind of target, the
//! folders and names); the banner of a real remote target; and the signature, checked by
//! `report verify` and by the `openssl` command line, rejected after one changed byte.

use crate::report_html::headless;
use crate::support::golden::{golden, golden_exact, html_text};
use crate::support::run::*;
use std::path::Path;

/// The scenarios both runs select: one asserts a table of fields, one sends a MeMo given as a
/// docstring (long enough to be collapsed).
const SELECTED: &str = "^Kendt borger|^En MeMo i styrelsens minimumsform";

/// What Chromium built from the report file, as a reader sees it.
fn rendered(html_file: &Path) -> String {
    let out = headless(html_file, &["--dump-dom"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    html_text(&String::from_utf8_lossy(&out.stdout))
}

fn openssl_verifies(html: &Path, p7s: &Path) -> bool {
    std::process::Command::new("openssl")
        .args([
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-noverify",
            "-in",
        ])
        .arg(p7s)
        .arg("-content")
        .arg(html)
        .args(["-out", "/dev/null"])
        .output()
        .expect("the openssl command line (Debian package openssl)")
        .status
        .success()
}

#[test]
fn an_exttest_like_run_is_signed_evidence_with_its_tables_banner_folders_and_names() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    let cfg = remote_config(dir.path(), &mock.url, Remote::default());
    // Who made the system and who ran it, from the config.
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("[report]\nvendor = \"Acme Systemer A/S\"\noperator = \"Test Testesen\"\nit_system = \"Acme Borgerservice\"\n");
    std::fs::write(&cfg, text).unwrap();
    // A checkout of the suite, outside any git repository.
    let features = dir.path().join("features");
    copy_dir(&repo().join("features"), &features);
    let snaps = snapshots_for_local(dir.path());
    let html = dir.path().join("evidence.html");
    let md = dir.path().join("summary.md");
    let (f, s, h, m) = (
        features.display().to_string(),
        snaps.display().to_string(),
        html.display().to_string(),
        md.display().to_string(),
    );
    let (code, out) = run(sp_local(
        "run",
        &cfg,
        &[
            "--features",
            &f,
            "--snapshots",
            &s,
            "--name",
            SELECTED,
            "--report-html",
            &h,
            "--report-md",
            &m,
            "--sign",
            "--operator",
            "Operatør fra flaget",
        ],
    ));
    assert_eq!(code, 0, "{out}");
    golden(
        "evidence_served_chromium_text",
        &rendered(&html).replace(&f, "[features]"),
    );
    // Printed to PDF from the browser: the facts, then each service from a new page.
    let pdf = dir.path().join("evidence.pdf");
    let out = headless(
        &html,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(&pdf).expect("a PDF");
    let pages = regex::bytes::Regex::new(r"/Type\s*/Page[^s]")
        .unwrap()
        .find_iter(&pdf)
        .count();
    assert!(
        pages >= 3,
        "a page for the facts and one per service: {pages}"
    );
    golden(
        "evidence_served_md",
        &std::fs::read_to_string(&md)
            .unwrap()
            .replace(&f, "[features]"),
    );

    // The signature: made with the function certificate, checked by report verify and by
    // openssl on its own.
    let p7s = dir.path().join("evidence.html.p7s");
    assert!(openssl_verifies(&html, &p7s), "openssl cms -verify");
    let verify = |report: &Path, extra: &[&str]| {
        let r = report.display().to_string();
        let mut args = vec![
            "report",
            "verify",
            r.as_str(),
            "--features",
            &f,
            "--snapshots",
            &s,
        ];
        args.extend_from_slice(extra);
        run(sp(&args))
    };
    let (code, out) = verify(&html, &[]);
    assert_eq!(code, 0, "{out}");
    golden("evidence_verify", &out);
    let ca = pki().ca_pem.display().to_string();
    let (code, out) = verify(&html, &["--ca", &ca]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Certificate chain: checked against"), "{out}");

    // One changed byte: both checks refuse.
    let changed = dir.path().join("changed.html");
    let mut bytes = std::fs::read(&html).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&changed, &bytes).unwrap();
    assert!(!openssl_verifies(&changed, &p7s), "openssl refuses too");
    let p = p7s.display().to_string();
    let (code, out) = verify(&changed, &["--signature", &p]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DOES NOT VERIFY"), "{out}");

    // Another checkout's contract: the signature holds, the fingerprints differ.
    std::fs::write(
        features.join("cpr/extra.feature"),
        "# language: da\nEgenskab: x\n",
    )
    .unwrap();
    let (code, out) = verify(&html, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("The fingerprints DIFFER"), "{out}");

    // Bad input: no signature beside the report, or one that is not CMS.
    let (code, out) = verify(&changed, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("run with --sign to write it"), "{out}");
    let (code, out) = verify(&html, &["--signature", &h]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("is not a CMS signature"), "{out}");
}

#[test]
fn a_mock_run_says_what_it_proves_in_english_and_names_its_own_mocks() {
    let dir = tmp();
    // A vendor's own mocks folder: the built-in data and one file more.
    let mocks = dir.path().join("mocks");
    copy_dir(&repo().join("mocks"), &mocks);
    std::fs::write(mocks.join("leverandoer.md"), "Our own notes.\n").unwrap();
    let certs = certs().display().to_string();
    let html = dir.path().join("evidence.html");
    let (m, h) = (mocks.display().to_string(), html.display().to_string());
    let (code, out) = run(sp(&[
        "run",
        "--certs",
        &certs,
        "--mocks",
        &m,
        "--name",
        SELECTED,
        "--report-html",
        &h,
        "--lang",
        "en",
        "--vendor",
        "Acme Systemer A/S",
        "--it-system",
        "Acme Borgerservice",
    ]));
    assert_eq!(code, 0, "{out}");
    golden("evidence_mock_chromium_text", &rendered(&html));

    // --sign needs the report it signs.
    let (code, out) = run(sp(&[
        "run", "--certs", &certs, "--sign", "--name", SELECTED,
    ]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("give --report-html FILE too"), "{out}");
    let (code, out) = run(sp(&["run", "--lang", "de", "--dry-run"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("use da (Danish, the default) or en"), "{out}");
}

#[test]
fn a_real_remote_target_is_evidence_for_the_selected_services_serviceaftaler_only() {
    use sp_contract::report::{about::About, words::Lang, Evidence};
    use sp_contract::runner::model::*;
    let mut target = sp_contract::platform::data::Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap()
    .target(&pki(), "https://exttest.serviceplatformen.dk");
    target.is_mock = false;
    target.name = "exttest".into();
    target.authority_cvr = Some("12345678".into());
    let step = StepResult {
        keyword: "Så ".into(),
        text: "svaret har felterne:".into(),
        line: 4,
        status: Status::Passed,
        duration: Default::default(),
        failure: None,
        argument: Some(StepArgument::Table(vec![vec![
            "persondata/cpr".into(),
            "0101801234".into(),
        ]])),
    };
    let result = RunResult {
        target: "exttest".into(),
        started_at: time::macros::datetime!(2026-06-01 12:00 UTC),
        duration: std::time::Duration::from_millis(1500),
        features: vec![FeatureResult {
            name: "CPR".into(),
            path: "cpr/opslag.feature".into(),
            line: 2,
            tags: vec![],
            scenarios: vec![ScenarioResult {
                name: "Kendt borger".into(),
                line: 3,
                tags: vec!["@SF1520".into()],
                steps: vec![step],
                duration: Default::default(),
                earlier_attempts: vec![],
                warnings: vec![],
            }],
        }],
    };
    let context = RunContext {
        known: sp_contract::engine::catalog().known().clone(),
        target,
        certificate: Err("not read in this test".into()),
        fingerprint: sp_contract::evidence::fingerprint::Fingerprint {
            sha256: "0".repeat(64),
            parts: ["features", "snapshots"]
                .map(|name| sp_contract::evidence::fingerprint::Part {
                    name,
                    folder: name.into(),
                    files: 1,
                    sha256: "1".repeat(64),
                })
                .into(),
        },
        selection: Default::default(),
        uncovered: vec![],
        retries: 0,
    };
    for (lang, name) in [(Lang::Da, "da"), (Lang::En, "en")] {
        let about = About {
            lang,
            host: "build-01".into(),
            ..Default::default()
        };
        let ev = Evidence {
            run: &result,
            context: &context,
            exit: sp_contract::error::ExitCode::Passed,
            tool_version: "test",
            about: &about,
        };
        let mut html = Vec::new();
        sp_contract::report::write_html(&ev, &mut html).unwrap();
        let text = html_text(&String::from_utf8(html).unwrap());
        // Only SF1520 ran: its serviceaftale, not the others the target has.
        assert!(!text.contains("SF1601"), "{text}");
        golden_exact(&format!("evidence_remote_{name}_html_text"), &text);
    }
}

#[test]
fn a_refusal_of_the_rest_service_is_not_called_a_soap_fault() {
    let dir = tmp();
    let features = dir.path().join("features");
    std::fs::create_dir_all(&features).unwrap();
    std::fs::write(
        features.join("rest.feature"),
        "# language: da\n@SF1601 @writes\nEgenskab: REST\n\n  Scenarie: afvist, men forventet en succes\n    Givet et brev til \"ikke-tilmeldt\" med titlen \"Afgørelse\"\n    Når jeg sender brevet med SF1601 som \"Digital Post\"\n    Så svaret er en succes\n\n  Scenarie: modtaget, men forventet en fejl\n    Givet et brev til \"far\" med titlen \"Partshøring\"\n    Når jeg sender brevet med SF1601 som \"Digital Post\"\n    Så svaret er en SOAP-fejl\n",
    )
    .unwrap();
    let (certs, f) = (
        certs().display().to_string(),
        features.display().to_string(),
    );
    let (code, out) = run(sp(&["run", "--certs", &certs, "--features", &f]));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("SF1601 answered with a REST error answer, not data"),
        "{out}"
    );
    assert!(
        out.contains("expected a REST error answer, but SF1601 answered successfully"),
        "{out}"
    );
    assert!(!out.contains("SOAP fault"), "{out}");
}

#[test]
fn every_built_in_scenario_prints_a_name_of_its_own() {
    let (code, out) = run(sp(&["list"]));
    assert_eq!(code, 0, "{out}");
    let mut seen = std::collections::HashSet::new();
    for line in out.lines().filter(|l| l.contains(".feature:")) {
        let name = line.split('\t').nth(1).unwrap_or(line);
        assert!(seen.insert(name.to_string()), "printed twice: {name}");
    }
    assert!(seen.len() > 50, "{out}");
}
