//! Reading the suite and planning the run, through the binary: what the bad-input corpus
//! cannot express (a closed stdout, the names of files a run writes).

use std::io::Read;
use std::process::Stdio;

use crate::support::golden::golden_run;
use crate::support::run as run_support;
use run_support::{certs, pki, repo, run, run_reporting, sp, tmp};

/// `sp-contract list | head -1`: stdout closes after one line; the command must end
/// quietly with its own exit code instead of panicking on the broken pipe (exit 101).
#[test]
fn a_closed_stdout_ends_output_without_a_panic() {
    // More output than a pipe buffers (64 KiB), so a write meets the closed pipe.
    let dir = tmp();
    let features = dir.path().join("features");
    std::fs::create_dir_all(&features).unwrap();
    let mut text = String::from("# language: da\nEgenskab: x\n  Abstrakt Scenario: Opslag nummer <n> med et langt navn\n    Givet en godkendt serviceaftale for SF1520\n    Så svaret er en succes\n    Eksempler:\n      | n |\n");
    for n in 0..3000 {
        text.push_str(&format!("      | {n} |\n"));
    }
    std::fs::write(features.join("x.feature"), text).unwrap();
    let (code, err) = with_closed_stdout(&["list", "--features", features.to_str().unwrap()], 16);
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Run `args`, read `read` bytes of stdout, close it; the exit code and stderr.
fn with_closed_stdout(args: &[&str], read: usize) -> (Option<i32>, String) {
    let mut child = sp(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    out.read_exact(&mut vec![0u8; read]).unwrap();
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap().code(), err)
}

/// `sp-contract --help | true`: clap's help and version text meet a stdout closed before
/// they are written; the command ends with exit 0, not a panic.
#[test]
fn help_and_version_to_a_closed_stdout_do_not_panic() {
    for args in [&["--help"][..], &["run", "--help"], &["--version"]] {
        let (code, err) = with_closed_stdout(args, 0);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// CPR numbers in a feature's file name and scenario name stay out of the names of the
/// files a run writes (snapshots), not only out of their contents.
#[test]
fn snapshot_file_names_never_carry_a_cpr_number() {
    pki();
    let dir = tmp();
    let features = dir.path().join("features");
    std::fs::create_dir_all(&features).unwrap();
    std::fs::write(
        features.join("1503801015.feature"),
        "# language: da\n@SF1520\nEgenskab: x\n  Scenarie: Opslag af 1503801015\n    Givet en godkendt serviceaftale for SF1520\n    Når jeg slår borgeren \"far\" op i CPR\n    Så svaret matcher det godkendte snapshot\n    Så svaret matcher det godkendte snapshot \"borger 1503801015\"\n",
    )
    .unwrap();
    let snaps = dir.path().join("snapshots");
    let (code, out) = run(sp(&[
        "run",
        "--features",
        features.to_str().unwrap(),
        "--snapshots",
        snaps.to_str().unwrap(),
        "--mocks",
        repo().join("mocks").to_str().unwrap(),
        "--certs",
        certs().to_str().unwrap(),
        "--update-snapshots",
    ]));
    assert_eq!(code, 0, "{out}");
    let mut names: Vec<String> = std::fs::read_dir(snaps.join("mock"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "150380_xxxx__opslag_af_150380_xxxx.snap",
            "150380_xxxx__opslag_af_150380_xxxx__borger_150380_xxxx.snap"
        ],
        "named from the masked names and the masked label"
    );
    for name in &names {
        let text = std::fs::read_to_string(snaps.join("mock").join(name)).unwrap();
        assert!(!text.contains("1503801015"), "{text}");
    }
}

/// The fingerprint covers exactly the feature files a run reads: a file behind a linked
/// folder counts, a link loop does not multiply anything.
#[cfg(unix)]
#[test]
fn the_fingerprint_covers_linked_folders_once() {
    let dir = tmp();
    let f = dir.path().join("features");
    std::fs::create_dir_all(&f).unwrap();
    std::fs::create_dir_all(dir.path().join("shared")).unwrap();
    std::fs::write(f.join("a.feature"), "a").unwrap();
    std::fs::write(dir.path().join("shared/b.feature"), "b").unwrap();
    let fp = |d: &std::path::Path| {
        let files = sp_contract::runner::features::feature_files(d).unwrap();
        let files: Vec<_> = files
            .iter()
            .map(|f| (f.path.as_path(), f.rel.as_str()))
            .collect();
        sp_contract::evidence::fingerprint::of_suite(d, &files, None, &dir.path().join("none"))
            .unwrap()
    };
    let before = fp(&f);
    assert_eq!(before.files(), 1);
    std::os::unix::fs::symlink("../shared", f.join("shared")).unwrap();
    std::os::unix::fs::symlink(".", f.join("loop")).unwrap();
    let after = fp(&f);
    assert_eq!(after.files(), 2, "the linked file counts, once");
    assert_ne!(after.sha256, before.sha256);
}

/// A scenario without a Så-step passes, and says so in the console and in every report
/// that has room for it (JUnit `<system-out>`, Markdown, HTML).
#[test]
fn a_scenario_without_then_is_a_warning_in_console_and_reports() {
    pki();
    let dir = tmp();
    let features = dir.path().join("features");
    std::fs::create_dir_all(&features).unwrap();
    std::fs::write(
        features.join("x.feature"),
        "# language: da\n@SF1520\nEgenskab: x\n  Scenarie: Uden forventning\n    Givet en godkendt serviceaftale for SF1520\n    Når jeg slår borgeren \"far\" op i CPR\n",
    )
    .unwrap();
    let (code, out, reports) = run_reporting(&[
        "run",
        "--features",
        features.to_str().unwrap(),
        "--snapshots",
        dir.path().join("snapshots").to_str().unwrap(),
        "--mocks",
        repo().join("mocks").to_str().unwrap(),
        "--certs",
        certs().to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    golden_run("planning_without_then", &out, &reports);
    assert!(reports.cucumber().contains("has no Så-step"));
}

/// `--dry-run` of the built-in suite against a real target configured like the mock (its
/// ids and aliases): every scenario is valid there, so no precheck may refuse one (on a
/// real target the receiving systems are only known at run time).
#[test]
fn the_built_in_suite_dry_runs_clean_against_a_remote_target() {
    let dir = tmp();
    let config = run_support::remote_config(
        dir.path(),
        "https://127.0.0.1:9",
        run_support::Remote::default(),
    );
    let (code, out) = run(sp(&[
        "run",
        "--dry-run",
        "--target",
        "local",
        "--config",
        config.to_str().unwrap(),
        "--features",
        repo().join("features").to_str().unwrap(),
        "--snapshots",
        dir.path().join("snapshots").to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("no value would be refused before sending"),
        "{out}"
    );
}
