//! Issue 9, item 5: a call our own checks refuse before sending is an input error (exit 2) at
//! the step that refused, in every report and in a dry run, never "the contract was broken";
//! unless the scenario asserts the refusal (`kaldet blev afvist før afsendelse …`).

use crate::support::run as run_support;
use run_support::{run_suite, run_suite_against_unreachable_exttest, suite};

fn feature(body: &str) -> String {
    format!("# language: da\nEgenskab: lokale afvisninger\n\n{body}")
}

/// A suite of one feature with `body`, run against the mock: the folder, exit code and output.
fn run_feature(body: &str) -> (tempfile::TempDir, i32, String) {
    let dir = suite(&feature(body), None);
    let (code, out) = run_suite(dir.path(), &[]);
    (dir, code, out)
}

/// The console line of the step that failed.
fn failed_step(out: &str) -> &str {
    out.lines()
        .find(|l| l.trim_start().starts_with("✘ Når") || l.trim_start().starts_with("✘ Givet"))
        .unwrap_or_else(|| panic!("no failed step in:\n{out}"))
        .trim()
}

/// Run against the mock with every report; check the verdict everywhere.
fn assert_input_error_everywhere(body: &str, step_prefix: &str, reason: &str) {
    let dir = suite(&feature(body), None);
    let d = dir.path();
    let p = |n: &str| d.join(n).display().to_string();
    let (code, out) = run_suite(
        d,
        &[
            "--junit",
            &p("junit.xml"),
            "--report-md",
            &p("report.md"),
            "--report-html",
            &p("report.html"),
            "--cucumber-json",
            &p("cucumber.json"),
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        failed_step(&out).starts_with(step_prefix),
        "the Når-step must be the one that fails:\n{out}"
    );
    let msg = format!("not sent: input error: {reason}");
    assert!(out.contains(&msg), "{out}");
    assert!(!out.contains("broke the contract"), "{out}");

    let read = |n: &str| std::fs::read_to_string(d.join(n)).unwrap();
    let junit = read("junit.xml");
    assert!(
        junit.contains("<error ")
            && junit.contains("type=\"input\"")
            && !junit.contains("<failure"),
        "{junit}"
    );
    assert!(junit.contains("not sent: input error"), "{junit}");
    let md = read("report.md");
    assert!(md.contains("not sent: input error"), "{md}");
    assert!(!md.contains("CONTRACT BROKEN"), "{md}");
    let html = read("report.html");
    assert!(html.contains("not sent: input error"), "{html}");
    assert!(
        html.contains("The test suite or its configuration needs to be fixed.")
            && !html.contains("The answer broke the contract"),
        "{html}"
    );
    assert!(read("cucumber.json").contains("not sent: input error"));

    // The dry run finds the same, at the step's line, without sending.
    let (code, out) = run_suite(d, &["--dry-run"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("x.feature:5  Når"), "{out}");
    assert!(out.contains(&msg), "{out}");
}

#[test]
fn a_kle_typo_in_an_sf2900_send_is_an_input_error_at_the_step() {
    assert_input_error_everywhere(
        "  Scenarie: tastefejl\n    Når jeg sender et journalnotat med KLE \"3230.04\" og handlingsfacet \"G01\"\n    Så kvitteringen er \"ACCEPTERET\"\n",
        "✘ Når jeg sender et journalnotat",
        "KLE emne '3230.04' is not valid",
    );
}

#[test]
fn an_invalid_memo_docstring_is_an_input_error_at_the_step() {
    assert_input_error_everywhere(
        "  Scenarie: ugyldig MeMo\n    Når jeg sender denne MeMo med SF1601 som \"Digital Post\":\n      \"\"\"\n      <memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.1\" memoSchVersion=\"1.1.0\"/>\n      \"\"\"\n    Så platformen har modtaget brevet\n",
        "✘ Når jeg sender denne MeMo",
        "the MeMo message is not valid: Message/MessageHeader: is required",
    );
}

#[test]
fn the_example_configs_placeholder_cpr_is_an_input_error_naming_the_config_key() {
    let dir = suite(
        &feature(
            "  Scenarie: opslag\n    Når jeg slår borgeren \"far\" op i CPR\n    Så borgerens navn er \"Peter Testesen\"\n",
        ),
        None,
    );
    let [(code, out), (dry_code, dry)] = run_suite_against_unreachable_exttest(
        dir.path(),
        "[targets.exttest.agreements]\nSF1520 = \"17a44431-0000-4000-8000-000000000003\"\n[targets.exttest.aliases.citizens]\nfar = \"0000000000\"\n",
    );
    // 2, not 3: nothing connected to https://0.0.0.0:9 (that would be "not reached").
    assert_eq!(code, 2, "{out}");
    assert!(
        failed_step(&out).starts_with("✘ Når jeg slår borgeren"),
        "{out}"
    );
    assert!(
        out.contains("not sent: input error: citizen 'far'"),
        "{out}"
    );
    for o in [&out, &dry] {
        assert!(
            o.contains("citizen 'far' of target 'exttest' is not a valid CPR number")
                && o.contains("00-00-1900 is not a valid birth date")
                && o.contains("[targets.exttest.aliases.citizens] far"),
            "{o}"
        );
        assert!(!o.contains("0000000000"), "the number is masked: {o}");
    }
    assert_eq!(dry_code, 2, "{dry}");
    assert!(dry.contains("x.feature:5  Når"), "{dry}");
}

#[test]
fn a_scenario_that_asserts_the_refusal_still_passes() {
    let (dir, code, out) = run_feature(
        "  Scenarie: forventet afvisning\n    Når jeg sender et journalnotat med KLE \"3230.04\"\n    Så kaldet blev afvist før afsendelse med beskeden \"KLE emne '3230.04' is not valid\"\n\n  Scenarie: ugyldigt CPR-nummer\n    Når jeg slår CPR-nummeret \"3213801234\" op i CPR\n    Så kaldet blev afvist før afsendelse med beskeden \"not a valid birth date\"\n",
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_suite(dir.path(), &["--dry-run"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn an_expected_refusal_that_did_not_happen_is_not_blamed_on_the_target() {
    // The refusal is asserted, but our checks let the value through and the mock answered:
    // the scenario's expectation is wrong, not the target.
    let (_dir, code, out) = run_feature(
        "  Scenarie: forventer afvisning\n    Når jeg sender et journalnotat med KLE \"32.30.04\"\n    Så kaldet blev afvist før afsendelse med beskeden \"not valid\"\n",
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("expected the call to be refused before sending"),
        "{out}"
    );
}

#[test]
fn a_literal_invalid_cpr_without_the_assertion_fails_the_lookup() {
    let (dir, code, out) = run_feature(
        "  Scenarie: ugyldigt nummer\n    Når jeg slår CPR-nummeret \"3213801234\" op i CPR\n    Så borgerens navn er \"Peter Testesen\"\n",
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        failed_step(&out).starts_with("✘ Når jeg slår CPR-nummeret"),
        "{out}"
    );
    assert!(
        out.contains("not sent: input error: '321380-xxxx' is not a CPR number"),
        "{out}"
    );
    let (code, out) = run_suite(dir.path(), &["--dry-run"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("x.feature:5  Når"), "{out}");
}
