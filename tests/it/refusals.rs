//! Issue 9, item 5: a call our own checks refuse before sending is an input error (exit 2) at
//! the step that refused, in every report and in a dry run, never "the contract was broken";
//! unless the scenario asserts the refusal (`kaldet blev afvist før afsendelse …`).

use crate::support::golden::{golden, golden_run};
use crate::support::run as run_support;
use run_support::{run_suite, run_suite_against_unreachable_exttest, suite, Reports};

fn feature(body: &str) -> String {
    format!("# language: da\nEgenskab: lokale afvisninger\n\n{body}")
}

/// A suite of one feature with `body`, run against the mock: the folder, exit code and output.
fn run_feature(body: &str) -> (tempfile::TempDir, i32, String) {
    let dir = suite(&feature(body), None);
    let (code, out) = run_suite(dir.path(), &[]);
    (dir, code, out)
}

/// Run against the mock with every report; the verdict everywhere (console, JUnit, Markdown,
/// HTML: goldens `NAME_*`) is an input error at the Når-step, never a broken contract; and a
/// dry run finds the same at the step's line, without sending.
fn assert_input_error_everywhere(body: &str, name: &str) {
    let dir = suite(&feature(body), None);
    let d = dir.path();
    let reports = Reports::new();
    let flags = reports.flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let (code, out) = run_suite(d, &flags);
    assert_eq!(code, 2, "{out}");
    golden_run(name, &out, &reports);
    assert!(reports.cucumber().contains("not sent: input error"));

    let (code, out) = run_suite(d, &["--dry-run"]);
    assert_eq!(code, 2, "{out}");
    golden(&format!("{name}_dry_run"), &out);
}

#[test]
fn a_kle_typo_in_an_sf2900_send_is_an_input_error_at_the_step() {
    assert_input_error_everywhere(
        "  Scenarie: tastefejl\n    Når jeg sender et journalnotat med KLE \"3230.04\" og handlingsfacet \"G01\"\n    Så kvitteringen er \"ACCEPTERET\"\n",
        "refusals_kle_typo",
    );
}

#[test]
fn an_invalid_memo_docstring_is_an_input_error_at_the_step() {
    assert_input_error_everywhere(
        "  Scenarie: ugyldig MeMo\n    Når jeg sender denne MeMo med SF1601 som \"Digital Post\":\n      \"\"\"\n      <memo:Message xmlns:memo=\"https://DigitalPost.dk/MeMo-1\" memoVersion=\"1.1\" memoSchVersion=\"1.1.0\"/>\n      \"\"\"\n    Så platformen har modtaget brevet\n",
        "refusals_invalid_memo",
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
    golden("refusals_placeholder_cpr_console", &out);
    assert_eq!(dry_code, 2, "{dry}");
    golden("refusals_placeholder_cpr_dry_run", &dry);
    for o in [&out, &dry] {
        assert!(!o.contains("0000000000"), "the number is masked: {o}");
    }
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
    golden("refusals_expected_refusal_missing", &out);
}

#[test]
fn a_literal_invalid_cpr_without_the_assertion_fails_the_lookup() {
    let (dir, code, out) = run_feature(
        "  Scenarie: ugyldigt nummer\n    Når jeg slår CPR-nummeret \"3213801234\" op i CPR\n    Så borgerens navn er \"Peter Testesen\"\n",
    );
    assert_eq!(code, 2, "{out}");
    golden("refusals_literal_invalid_cpr_console", &out);
    let (code, out) = run_suite(dir.path(), &["--dry-run"]);
    assert_eq!(code, 2, "{out}");
    golden("refusals_literal_invalid_cpr_dry_run", &out);
}
