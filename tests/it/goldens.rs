//! Goldens of the tool's own outputs, whole: the console of a passing and of a failing run,
//! a dry run, `list`, `steps`, and the JUnit, Markdown and HTML reports. Each is redacted
//! (`support/redact.rs`) and compared with its approved file in `tests/it/goldens/`
//! (`support/golden.rs` says how to approve a change). The doctor's goldens are in
//! `doctor.rs`, error messages' beside the tests that provoke them. Console goldens of runs
//! with several scenarios use `--concurrency 1`: scenarios print as they finish.

use crate::support::golden::{golden, golden_run};
use crate::support::run::{certs, copy_dir, repo, run, run_reporting, sp, tmp};

fn certs_arg() -> String {
    certs().display().to_string()
}

/// SF1520's four access scenarios against the embedded mock, one at a time.
const SMALL: [&str; 4] = ["--tags", "@SF1520 and @adgang", "--concurrency", "1"];

#[test]
fn a_passing_run_console_and_reports() {
    let certs = certs_arg();
    let mut args = vec!["run", "--certs", &certs];
    args.extend(SMALL);
    let (code, out, reports) = run_reporting(&args);
    assert_eq!(code, 0, "{out}");
    golden_run("run_passing", &out, &reports);
}

#[test]
fn a_failing_run_console_and_reports() {
    // An approved snapshot that no longer matches the mock's answer.
    let dir = tmp();
    let snaps = dir.path().join("snapshots");
    copy_dir(&repo().join("snapshots/mock"), &snaps.join("mock"));
    let snap = snaps.join("mock/cpr_opslag__doed_borger.snap");
    let text = std::fs::read_to_string(&snap).unwrap();
    let wrong = text.replace("<vejkode>4730</vejkode>", "<vejkode>4731</vejkode>");
    assert_ne!(text, wrong, "test data changed: pick another field");
    std::fs::write(&snap, wrong).unwrap();
    let (certs, s) = (certs_arg(), snaps.display().to_string());
    let (code, out, reports) = run_reporting(&[
        "run",
        "--certs",
        &certs,
        "--snapshots",
        &s,
        "--name",
        "^Død borger$",
    ]);
    assert_eq!(code, 1, "{out}");
    golden_run("run_failing", &out, &reports);
}

#[test]
fn dry_run_list_and_steps() {
    let mut args = vec!["run", "--dry-run"];
    args.extend(SMALL);
    let (code, out) = run(sp(&args));
    assert_eq!(code, 0, "{out}");
    golden("dry_run", &out);

    let (code, out) = run(sp(&["list", "--tags", "@SF1520"]));
    assert_eq!(code, 0, "{out}");
    golden("list", &out);

    let (code, out) = run(sp(&["steps"]));
    assert_eq!(code, 0, "{out}");
    golden("steps", &out);
}
