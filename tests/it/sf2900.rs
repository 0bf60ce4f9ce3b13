//! SF2900 Fordelingskomponenten end to end: the precondition mechanism on both kinds of
//! target, the mock's answers to malformed objects, and bad input (unknown CVR, empty and
//! oversized journal notes, invalid UTF-8 in an answer, a fault without detail, broken mock
//! data): clear messages, the documented exit codes, never a panic.

use crate::support::run as run_support;

use crate::support::xsd;
use run_support::{certs, copy_dir, repo, serve};
use sp_contract::core::xml;
use sp_contract::platform::data::{Caller, Platform};
use sp_contract::platform::endpoint::{SoapAnswer, SoapCall};
use sp_contract::services::sf2900 as svc;
use sp_contract::services::sf2900::mock::Sf2900;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sp-contract");
const SYSTEM: &str = "903c9e8b-9112-4e92-9860-3c82eae5d61e";
const CERT_CN: &str = "sp-contract testsystem (FOCES)";

fn sp(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(repo())
        .args(args)
        .arg("--certs")
        .arg(certs())
        .env("NO_COLOR", "1");
    c
}

fn run(mut cmd: impl std::borrow::BorrowMut<Command>) -> (i32, String) {
    let out = cmd.borrow_mut().output().expect("run sp-contract");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "sp-contract panicked:\n{text}");
    (out.status.code().unwrap_or(-1), text)
}

/// A suite folder with one feature file.
fn suite(feature: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("features")).unwrap();
    std::fs::write(
        dir.path().join("features/x.feature"),
        format!("# language: da\n@SF2900\nEgenskab: x\n{feature}"),
    )
    .unwrap();
    dir
}

fn features(dir: &tempfile::TempDir) -> String {
    dir.path().join("features").display().to_string()
}

/// A copy of `mocks/` with one extra WireMock mapping that overrides the SF2900 endpoint.
fn mocks_with_mapping(mapping: &serde_json::Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("mocks"), dir.path());
    std::fs::create_dir_all(dir.path().join("mappings")).unwrap();
    std::fs::write(
        dir.path().join("mappings/sf2900-override.json"),
        mapping.to_string(),
    )
    .unwrap();
    dir
}

fn sf2900_schema() -> PathBuf {
    xsd::package_copy("SF2900-Fordelingskomponent-v3").join("DistributionServiceMsg.xsd")
}

// ---------------------------------------------------------------------------------------
// The precondition mechanism.

/// A config whose target `local` is the served mock: a "real" target to sp-contract, so
/// preconditions are verified there, not set up.
fn remote_config(dir: &Path, url: &str) -> PathBuf {
    let p = Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap();
    let pki = sp_contract::targets::pki::TestPki::at(&certs());
    let t = p.target(&pki, url);
    let cfg = format!(
        "[targets.local]\nbase_url = \"{url}\"\nauthority_cvr = \"{}\"\nuser_system_uuid = \"{}\"\nuser_uuid = \"{}\"\nca = \"{}\"\nonly_ca = true\ncertificate = {{ pkcs12 = \"{}\", password_env = \"SPC_SF2900_PW\" }}\n",
        t.authority_cvr.clone().unwrap_or_default(),
        t.user_system_uuid,
        t.user_uuid,
        pki.ca_pem.display(),
        pki.client_p12.display(),
    );
    let path = dir.join("sp-contract.toml");
    std::fs::write(&path, cfg).unwrap();
    path
}

/// A rule the mock's data does not have, so a real target (mock serve) does not have it.
const NEW_RULE: &str = r#"
  Scenarie: ny regel
    Givet en fordelingsregel sender KLE "02.03.04" for CVR "29189846" til "Byggesag"
    Når jeg sender et journalnotat med KLE "02.03.04"
    Så objektet er leveret til "Byggesag"
    Og kvitteringen er "AFVIST"
    Og kvitteringens begrundelse indeholder "Byggesag behandler kun KLE 01.01.*"

  Scenarie: samme emne uden reglen
    Når jeg sender et journalnotat med KLE "02.03.04"
    Så kvitteringen er "AFVIST"
    Og kvitteringens begrundelse indeholder "ingen fordelingsregel"
    Og objektet er ikke leveret til noget system
"#;

/// A lookup of KLE `kle` that the mock answers (with a fault, which a `Når` step only records)
/// after `ms`: holds a scenario at that step.
fn slow_lookup(kle: &str, ms: u64) -> serde_json::Value {
    serde_json::json!({
        "priority": 1,
        "request": {"method": "POST", "urlPath": svc::INFO.path, "bodyPatterns": [{"contains": kle}]},
        "response": {
            "status": 500,
            "headers": {"Content-Type": "text/xml; charset=utf-8"},
            "fixedDelayMilliseconds": ms,
            "body": "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>slow</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
        }
    })
}

/// The seconds in a console line's `(1.52 s)`.
fn seconds(line: &str) -> f64 {
    let (_, tail) = line
        .rsplit_once('(')
        .unwrap_or_else(|| panic!("no duration: {line}"));
    tail.trim_end_matches(')')
        .trim_end_matches(" s")
        .parse()
        .unwrap_or_else(|e| panic!("{e}: {line}"))
}

#[test]
fn a_precondition_is_set_up_per_scenario_on_the_embedded_mock() {
    // Forced to interleave: "ny regel" sets its rule, then is held 4 s by a slow lookup;
    // "uden reglen" is held 2 s, then sends on the same emne, while the other's rule exists.
    // Shared state would deliver its object to Byggesag.
    let mocks = mocks_with_mapping(&serde_json::json!({
        "mappings": [slow_lookup("99.99.01", 2000), slow_lookup("99.99.02", 4000)]
    }));
    let s = suite(
        r#"
  Scenarie: ny regel
    Givet en fordelingsregel sender KLE "02.03.04" for CVR "29189846" til "Byggesag"
    Når jeg slår modtageren op for KLE "99.99.02"
    Og jeg sender et journalnotat med KLE "02.03.04"
    Så objektet er leveret til "Byggesag"

  Scenarie: samme emne uden reglen
    Når jeg slår modtageren op for KLE "99.99.01"
    Og jeg sender et journalnotat med KLE "02.03.04"
    Så kvitteringen er "AFVIST"
    Og kvitteringens begrundelse indeholder "ingen fordelingsregel"
    Og objektet er ikke leveret til noget system
"#,
    );
    let (code, out) = run(sp(&[
        "run",
        "--features",
        &features(&s),
        "--mocks",
        mocks.path().to_str().unwrap(),
        "--concurrency",
        "2",
    ]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 passed, 0 failed"), "{out}");
    // They did run at the same time: the run took well under the two one after the other.
    let line = |needle: &str| {
        out.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in {out}"))
    };
    let (with, without) = (seconds(line("ny regel")), seconds(line("uden reglen")));
    let total = seconds(line("2 scenarios:"));
    assert!(with >= 4.0 && without >= 2.0, "the delays held them: {out}");
    assert!(
        total + 1.0 < with + without,
        "the scenarios did not overlap by 1 s: {out}"
    );
}

/// `run` of suite `s` on target 'local' of config `cfg`, the certificate's password in the
/// environment.
fn run_on_local(cfg: &str, s: &tempfile::TempDir, extra: &[&str]) -> (i32, String) {
    let features = features(s);
    let mut args = vec![
        "run",
        "--target",
        "local",
        "--config",
        cfg,
        "--features",
        &features,
    ];
    args.extend_from_slice(extra);
    run(sp(&args).env(
        "SPC_SF2900_PW",
        sp_contract::targets::pki::TEST_P12_PASSWORD,
    ))
}

#[test]
fn a_precondition_is_verified_on_a_real_target_and_names_who_configures_it() {
    let served = serve();
    let dir = tempfile::tempdir().unwrap();
    let cfg = remote_config(dir.path(), &served.url);
    let cfg = cfg.to_str().unwrap();
    let s = suite(NEW_RULE);
    let (code, out) = run_on_local(cfg, &s, &["--name", "ny regel"]);
    assert_eq!(code, 1, "{out}");
    for needle in [
        "precondition does not hold on target 'local'",
        "KLE 02.03.04 for CVR 29189846",
        "\"Byggesag\"",
        "FordelingsmodtagerList names no receiving system for KLE 02.03.04",
        "the municipality (CVR 29189846) in the Fordelingskomponent's administration",
        "never changes it",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
    // Nothing was sent: the step after the failed precondition did not run.
    assert!(out.contains("(not run)"), "{out}");

    // A rule the target has holds, and the system's UUID is learned from the answer for a
    // later step that names the system (FordelingsmodtagerValider needs the UUID).
    let s = suite(
        r#"
  Scenarie: regel findes
    Givet en fordelingsregel sender KLE "32.30.04" med handlingsfacet "G01" for CVR "29189846" til "KSD"
    Og ingen fordelingsregel sender KLE "27.24.00" for CVR "29189846"
    Når jeg spørger, om "KSD" kan modtage for CVR "29189846"
    Så "KSD" kan modtage
    Når jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "G01"
    Så objektet er leveret til "KSD"
"#,
    );
    let (code, out) = run_on_local(cfg, &s, &[]);
    assert_eq!(code, 0, "{out}");

    // A negative precondition the target contradicts.
    let s = suite(
        r#"
  Scenarie: ingen regel
    Givet ingen fordelingsregel sender KLE "32.30.04" for CVR "29189846"
"#,
    );
    let (code, out) = run_on_local(cfg, &s, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no fordelingsregel routes KLE 32.30.04") && out.contains("names ESDH"),
        "{out}"
    );
}

#[test]
fn a_receiving_system_the_mock_does_not_know_is_a_suite_error() {
    let s = suite(
        r#"
  Scenarie: ukendt system
    Givet en fordelingsregel sender KLE "32.30.04" for CVR "29189846" til "Fagsystem X"
"#,
    );
    let (code, out) = run(sp(&["run", "--features", &features(&s)]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("no receiving system 'Fagsystem X'") && out.contains("KSD, ESDH, Byggesag"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------
// Bad input.

#[test]
fn unknown_cvr_gives_clear_messages() {
    // An authority the platform has no serviceaftale with: the platform's fault, exit 1.
    let s = suite(
        r#"
  Scenarie: ukendt myndighed
    Givet kaldet sendes på vegne af myndigheden med CVR "11111111"
    Når jeg sender et journalnotat med KLE "32.30.04" og handlingsfacet "G01"
    Så kvitteringen er "ACCEPTERET"
"#,
    );
    let (code, out) = run(sp(&["run", "--features", &features(&s)]));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no service agreement for SF2900 with the authority with CVR 11111111"),
        "{out}"
    );

    // A routing authority without rules: the receipt says so.
    let s = suite(
        r#"
  Scenarie: myndighed uden regler
    Når jeg sender et journalnotat med KLE "32.30.04" for CVR "99999999"
    Så kvitteringen er "AFVIST"
    Og kvitteringens begrundelse indeholder "ingen fordelingsregel hos myndighed 99999999"
"#,
    );
    let (code, out) = run(sp(&["run", "--features", &features(&s)]));
    assert_eq!(code, 0, "{out}");

    // Not a CVR at all: in a Givet-step the suite is wrong (exit 2), also in a dry run.
    let s = suite(
        r#"
  Scenarie: forkert CVR
    Givet kaldet sendes på vegne af myndigheden med CVR "1234"
    Når jeg sender et journalnotat med KLE "32.30.04"
"#,
    );
    let (code, out) = run(sp(&["run", "--features", &features(&s)]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("CVR '1234' is not valid: a CVR number is 8 digits"),
        "{out}"
    );
    let (code, out) = run(sp(&["run", "--dry-run", "--features", &features(&s)]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("CVR '1234' is not valid"), "{out}");
}

#[test]
fn an_empty_journal_note_is_never_sent() {
    let s = suite(
        "\n  Scenarie: tomt notat\n    Når jeg sender et journalnotat med KLE \"32.30.04\"\n      \"\"\"\n      \n      \"\"\"\n    Så kvitteringen er \"ACCEPTERET\"\n",
    );
    // Our own refusal is an input error at the Når-step, not a broken contract (issue 9).
    let (code, out) = run(sp(&["run", "--features", &features(&s)]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("✘ Når jeg sender et journalnotat")
            && out.contains("not sent: input error: the journal note is empty"),
        "{out}"
    );
    assert!(!out.contains("broke the contract"), "{out}");
    let (code, out) = run(sp(&["run", "--dry-run", "--features", &features(&s)]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("x.feature:6  Når jeg sender et journalnotat")
            && out.contains("not sent: input error: the journal note is empty"),
        "{out}"
    );
}

#[test]
fn oversized_notes_are_refused_with_a_reason_and_absurd_sizes_never_allocated() {
    // Over the (modelled) limit of the platform: the TransportKvittering fault, exit 1 when
    // the scenario expected a receipt.
    let s = suite(
        r#"
  Scenarie: for stort
    Når jeg sender et journalnotat på 100001 tegn med KLE "32.30.04" og handlingsfacet "G01"
    Så kvitteringen er "ACCEPTERET"
"#,
    );
    let (code, out) = run(sp(&["run", "--features", &features(&s)]));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("answered with a SOAP fault")
            && out.contains("100001 characters; at most 100000"),
        "{out}"
    );
    // Sizes we will not generate: a suite error, before any allocation.
    for n in ["5000001", "99999999999999999999999999"] {
        let s = suite(&format!(
            "\n  Scenarie: absurd\n    Når jeg sender et journalnotat på {n} tegn med KLE \"32.30.04\"\n"
        ));
        let (code, out) = run(sp(&["run", "--features", &features(&s)]));
        assert_eq!(code, 2, "{out}");
        assert!(out.contains("at most 5000000 characters"), "{out}");
    }
}

#[test]
fn invalid_utf8_in_an_answer_breaks_the_contract_with_exit_1() {
    let mut body = br#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><t:FordelingsmodtagerListResponse xmlns:t="http://serviceplatformen.dk/xml/wsdl/soap11/DistributionService/3/types"><t:Systemer>"#.to_vec();
    body.extend_from_slice(b"\xff\xfe KSD");
    body.extend_from_slice(
        b"</t:Systemer></t:FordelingsmodtagerListResponse></soapenv:Body></soapenv:Envelope>",
    );
    use base64::Engine as _;
    let mocks = mocks_with_mapping(&serde_json::json!({
        "priority": 1,
        "request": {"method": "POST", "urlPath": svc::INFO.path},
        "response": {
            "status": 200,
            "headers": {"Content-Type": "text/xml; charset=utf-8"},
            "base64Body": base64::engine::general_purpose::STANDARD.encode(&body)
        }
    }));
    let s = suite(
        r#"
  Scenarie: utf8
    Når jeg slår modtageren op for KLE "32.30.04"
    Så modtagerlisten indeholder "KSD"
"#,
    );
    let (code, out) = run(sp(&[
        "run",
        "--features",
        &features(&s),
        "--mocks",
        mocks.path().to_str().unwrap(),
    ]));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("not a SOAP response") && out.contains("not valid UTF-8"),
        "{out}"
    );
}

#[test]
fn a_fault_without_detail_is_reported_not_misread() {
    let mocks = mocks_with_mapping(&serde_json::json!({
        "priority": 1,
        "request": {"method": "POST", "urlPath": svc::INFO.path},
        "response": {
            "status": 500,
            "headers": {"Content-Type": "text/xml; charset=utf-8"},
            "body": "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>Internal error in the Fordelingskomponent</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
        }
    }));
    let m = mocks.path().to_str().unwrap().to_string();
    let cases = [
        (
            "Så transportkvitteringen er \"FEJL\"",
            "the fault carries no TransportKvittering in its detail: soapenv:Server: Internal error in the Fordelingskomponent",
        ),
        (
            "Så kvitteringen er \"ACCEPTERET\"",
            "SF2900 answered with a SOAP fault, not data: soapenv:Server: Internal error in the Fordelingskomponent",
        ),
        (
            "Så objektet er leveret til \"KSD\"",
            "no receiving system received it; the platform answered with a fault: soapenv:Server: Internal error",
        ),
    ];
    for (then, message) in cases {
        let s = suite(&format!(
            "\n  Scenarie: fejl\n    Når jeg sender et journalnotat med KLE \"32.30.04\"\n    {then}\n"
        ));
        let (code, out) = run(sp(&["run", "--features", &features(&s), "--mocks", &m]));
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(message), "missing {message:?} in:\n{out}");
    }
    // The generic fault steps still work on it.
    let s = suite(
        "\n  Scenarie: fejl\n    Når jeg sender et journalnotat med KLE \"32.30.04\"\n    Så svaret er en SOAP-fejl med fejlkoden \"Server\"\n",
    );
    let (code, out) = run(sp(&["run", "--features", &features(&s), "--mocks", &m]));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn broken_fordeling_data_is_a_usage_error_naming_the_file() {
    let cases = [
        (
            "fordelingsregler.json",
            r#"{"regler": [{"myndighed": "29189846", "kle": "32.30", "modtager": "KSD"}]}"#,
            "KLE pattern '32.30' is not valid",
        ),
        (
            "fordelingsregler.json",
            r#"{"regler": [{"myndighed": "29189846", "kle": "32.30.04", "modtager": "Ukendt"}]}"#,
            "names modtager 'Ukendt', which is not in modtagere.json",
        ),
        (
            "fordelingsregler.json",
            r#"{"regler": [{"myndighed": "29189846", "kle": "32.30.04", "modtager": "KSD"}, {"myndighed": "29189846", "kle": "32.30.04", "modtager": "ESDH"}]}"#,
            "two rules for KLE 32.30.04 for CVR 29189846",
        ),
        (
            "modtagere.json",
            r#"{"modtagere": [{"navn": "KSD", "uuid": "2a649179-aea7-4ce5-8030-d2bca6c975c7", "beskrivelse": "x", "accepterer_kle": ["32.30.*"]}]}"#,
            "has no 'afvisning'",
        ),
    ];
    for (file, content, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("mocks"), dir.path());
        std::fs::write(dir.path().join("sf2900").join(file), content).unwrap();
        let (code, out) = run(sp(&[
            "run",
            "--mocks",
            dir.path().to_str().unwrap(),
            "--tags",
            "@SF2900",
        ]));
        assert_eq!(code, 2, "{file}: {out}");
        assert!(out.contains(message) && out.contains(file), "{file}: {out}");
    }
}

#[test]
fn a_mocks_folder_without_sf2900_still_serves_the_other_services() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("mocks"), dir.path());
    std::fs::remove_dir_all(dir.path().join("sf2900")).unwrap();
    let m = dir.path().to_str().unwrap();
    let (code, out) = run(sp(&["run", "--mocks", m, "--tags", "@SF1520"]));
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(sp(&["run", "--mocks", m, "--tags", "@SF2900"]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("the mock has no SF2900 data") && out.contains("sf2900 is missing"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------
// The mock's answers to requests our own client would never send.

fn call(p: &Platform, action: &str, payload: &str) -> SoapAnswer {
    let el = xml::parse(payload.as_bytes()).expect("test payload is XML");
    sp_contract::platform::endpoint::handle_payload(
        &Sf2900,
        p,
        &SoapCall {
            action,
            operation: sp_contract::platform::endpoint::operation(&Sf2900, action)
                .expect("an SF2900 operation"),
            payload: &el,
            caller: Caller {
                subject_cn: Some(CERT_CN.to_string()),
                sha256: None,
            },
            scenario: "test".into(),
        },
    )
}

fn journal_request(kle: &str) -> String {
    let j = svc::Journalnotat::new(kle, Some("G01"), None, "Notat", SYSTEM).unwrap();
    let r = svc::Routing::new(
        "29189846",
        "29189846",
        svc::RoutingValg::kle(kle, Some("G01")).unwrap(),
    )
    .unwrap();
    svc::afsend_request(
        Some("29189846"),
        &r,
        &svc::Fordelingsobjekt::Journalnotat(j),
    )
}

/// The TransportKvittering's FejlKoder, after validating the detail against the XSD.
fn transport_codes(answer: SoapAnswer) -> Vec<String> {
    let SoapAnswer::FaultWithDetail {
        detail,
        http_status,
        ..
    } = answer
    else {
        panic!("expected the TransportKvittering fault");
    };
    assert_eq!(http_status, 500);
    xsd::assert_valid(&detail, &sf2900_schema(), "TransportKvittering");
    let el = xml::parse(detail.as_bytes()).unwrap();
    let t = svc::read_transport(&el).expect("a TransportKvittering");
    assert_eq!(t.kode, "FEJL");
    assert!(!t.fejl.is_empty(), "FEJL comes with a FejlListe");
    t.fejl.into_iter().map(|(k, _)| k).collect()
}

#[test]
fn malformed_objects_get_a_transport_kvittering_that_validates() {
    let p = Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap();
    let ok = journal_request("32.30.04");
    // Sanity: the unbroken request is delivered.
    let SoapAnswer::Payload(answer) = call(&p, svc::ACTION_AFSEND, &ok) else {
        panic!("the well-formed request is answered with data");
    };
    xsd::assert_valid(&answer, &sf2900_schema(), "FordelingsobjektAfsendResponse");

    let cases: Vec<(String, &str)> = vec![
        (
            ok.replace("<v2:ObjektType>JOURNALPOST", "<v2:ObjektType>FORMULAR"),
            "ObjektTypeUoverensstemmelse",
        ),
        (
            ok.replace("<v2:ObjektType>JOURNALPOST", "<v2:ObjektType>DOKUMENT"),
            "ObjektTypeUoverensstemmelse",
        ),
        (
            ok.replace("<v2:KLEEmneForslag>32.30.04", "<v2:KLEEmneForslag>32.3.04"),
            "SkemaFejl",
        ),
        (
            ok.replace("<v2:Notat>Notat</v2:Notat>", "<v2:Notat> </v2:Notat>"),
            "NotatTomt",
        ),
        (ok.replace("<v2:Notat>Notat</v2:Notat>", ""), "SkemaFejl"),
        (
            ok.replace("<v2:LivscyklusKode>Oprettet", "<v2:LivscyklusKode>Slettet"),
            "SkemaFejl",
        ),
    ];
    for (request, code) in cases {
        assert_ne!(
            request, ok,
            "the test did not change the request for {code}"
        );
        let answer = call(&p, svc::ACTION_AFSEND, &request);
        if code == "SkemaFejl" {
            // What breaks the XSD never reaches the service: the platform refuses it.
            let SoapAnswer::Fault(f) = answer else {
                panic!("expected the platform's schema fault for {request}");
            };
            assert_eq!(f.errors[0].code, "SchemaValidationFailed", "{request}");
            continue;
        }
        let codes = transport_codes(answer);
        assert_eq!(codes, [code], "{request}");
    }
    // A context that breaks the XSD is the platform's refusal, naming the element.
    let both = ok
        .replace(
            "<v2:RoutingMyndighed>29189846",
            "<v2:RoutingMyndighed>2918984",
        )
        .replace("<v2:KLEEmneForslag>32.30.04", "<v2:KLEEmneForslag>x");
    let SoapAnswer::Fault(f) = call(&p, svc::ACTION_AFSEND, &both) else {
        panic!("expected the platform's schema fault");
    };
    assert!(f.errors[0].text.contains("RoutingMyndighed"), "{f:?}");
}

#[test]
fn the_security_model_is_checked_before_the_object() {
    let p = Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap();
    let broken = journal_request("32.30.04")
        .replace("<v2:ObjektType>JOURNALPOST", "<v2:ObjektType>FORMULAR");
    let without = broken.replace(&svc::authority_context("29189846"), "");
    match call(&p, svc::ACTION_AFSEND, &without) {
        SoapAnswer::Fault(f) => assert!(f.string.starts_with(
            "Security model for the called operation was not provided. The following are supported: [KombitToken, AuthorityContext]"
        )),
        _ => panic!("expected the platform's fault"),
    }
    // The answer names the operation the SOAPAction promised.
    let list = svc::list_request(
        Some("29189846"),
        "29189846",
        "29189846",
        &"32.30.04".parse().unwrap(),
        None,
    );
    match call(&p, svc::ACTION_AFSEND, &list) {
        SoapAnswer::Fault(f) => assert!(
            f.string
                .contains("expected <FordelingsobjektAfsendRequest>"),
            "{}",
            f.string
        ),
        _ => panic!("expected a fault for a payload that does not match the SOAPAction"),
    }
}

#[test]
fn direct_routing_and_validation_answer_from_the_rules_and_validate() {
    let p = Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap();
    let ksd = sp_contract::services::sf2900::mock::fordeling(&p)
        .unwrap()
        .modtager("KSD")
        .unwrap()
        .uuid
        .clone();
    let byg = sp_contract::services::sf2900::mock::fordeling(&p)
        .unwrap()
        .modtager("Byggesag")
        .unwrap()
        .uuid
        .clone();
    let v = svc::valider_request(
        Some("29189846"),
        "29189846",
        &[
            ("29189846".into(), ksd.clone()),
            ("29189846".into(), byg.clone()),
            ("11111111".into(), ksd.clone()),
        ],
    );
    let SoapAnswer::Payload(answer) = call(&p, svc::ACTION_VALIDER, &v) else {
        panic!("expected data");
    };
    xsd::assert_valid(
        &answer,
        &sf2900_schema(),
        "FordelingsmodtagerValiderResponse",
    );
    let rows = svc::read_valider(&xml::parse(answer.as_bytes()).unwrap()).unwrap();
    let kan: Vec<bool> = rows.iter().map(|r| r.2).collect();
    assert_eq!(kan, [true, true, false], "{rows:?}");

    // Directly to a system that does not serve the routing authority: AFVIST, Teknisk.
    let j = svc::Journalnotat::new("32.30.04", None, None, "Notat", SYSTEM).unwrap();
    let r = svc::Routing::new(
        "29189846",
        "11111111",
        svc::RoutingValg::modtager(&ksd).unwrap(),
    )
    .unwrap();
    let req = svc::afsend_request(
        Some("29189846"),
        &r,
        &svc::Fordelingsobjekt::Journalnotat(j),
    );
    let SoapAnswer::Payload(answer) = call(&p, svc::ACTION_AFSEND, &req) else {
        panic!("expected data");
    };
    xsd::assert_valid(&answer, &sf2900_schema(), "FordelingsobjektAfsendResponse");
    let k = svc::read_kvittering(&xml::parse(answer.as_bytes()).unwrap()).unwrap();
    assert_eq!(
        (k.kode.as_str(), k.kvitteringstype.as_str()),
        ("AFVIST", "Teknisk")
    );
    assert!(k
        .begrundelse
        .unwrap()
        .contains("kan ikke modtage objekter for myndighed 11111111"));
}
