//! Picking scenarios by service and serviceaftale file, shards and merging their JUnit
//! files, and the production guard under the new flags.

use crate::support::golden::{golden, html_text};
use crate::support::run as run_support;

use run_support::*;
use std::collections::BTreeSet;
use std::path::Path;

/// A suite whose scenarios carry different services (the steps are SF1520's, the tags are
/// what selection reads).
const SUITE: &[(&str, &str)] = &[
    (
        "cpr/a.feature",
        "# language: da\n@SF1520\nEgenskab: A\n  Scenarie: A1\n    Når jeg slår borgeren \"far\" op i CPR\n    Så svaret er en succes\n  Scenarie: A2\n    Når jeg slår borgeren \"mor\" op i CPR\n    Så svaret er en succes\n",
    ),
    (
        "fordeling/b.feature",
        "# language: da\n@SF2900\nEgenskab: B\n  Scenarie: B1\n    Når jeg slår borgeren \"far\" op i CPR\n    Så svaret er en succes\n  @writes\n  Scenarie: B2 skriver\n    Når jeg slår borgeren \"barn1\" op i CPR\n    Så svaret er en succes\n",
    ),
    (
        "post/c.feature",
        "# language: da\n@SF1601 @post\nEgenskab: C\n  Scenarie: C1\n    Når jeg slår borgeren \"barn2\" op i CPR\n    Så svaret er en succes\n  Scenarie: C2\n    Når jeg slår borgeren \"far\" op i CPR\n    Så svaret er en succes\n  Scenarie: C3\n    Når jeg slår borgeren \"mor\" op i CPR\n    Så svaret er en succes\n",
    ),
];

fn suite() -> (tempfile::TempDir, String) {
    let dir = tmp();
    for (rel, text) in SUITE {
        let p = dir.path().join("features").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let f = dir.path().join("features").display().to_string();
    (dir, f)
}

/// `list` output as a set of `file:line` ids.
fn listed(args: &[&str]) -> (i32, BTreeSet<String>, String) {
    let (code, out) = run(sp(args));
    let ids = out
        .lines()
        .filter(|l| l.contains(".feature:"))
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    (code, ids, out)
}

#[test]
fn service_flag_picks_scenarios_by_their_tags() {
    let (_d, f) = suite();
    let (code, all, _) = listed(&["list", "--features", &f]);
    assert_eq!(code, 0);
    assert_eq!(all.len(), 7);
    let (code, ids, out) = listed(&["list", "--features", &f, "--service", "sf2900,SF1601"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(ids.len(), 5, "{out}");
    assert!(ids.iter().all(|i| !i.starts_with("cpr/")), "{out}");
    // With --tags: both must hold.
    let (_, ids, out) = listed(&[
        "list",
        "--features",
        &f,
        "--service",
        "SF2900",
        "--tags",
        "not @writes",
    ]);
    assert_eq!(ids.len(), 1, "{out}");
    // A service no scenario covers is said, not silently ignored.
    let (code, out) = run(sp(&[
        "list",
        "--features",
        &f,
        "--service",
        "SF1520,SF1470",
    ]));
    assert_eq!(code, 0);
    golden("selection_service_not_covered", &out);
    // Only uncovered services: nothing to run is a usage error.
    let (code, out) = run(sp(&["list", "--features", &f, "--service", "SF1470"]));
    assert_eq!(code, 2, "{out}");
    golden("selection_service_nothing_matches", &out);
    // Not an SF number.
    let (code, out) = run(sp(&["list", "--features", &f, "--service", "CPR"]));
    assert_eq!(code, 2, "{out}");
    golden("selection_not_a_service_number", &out);
}

#[test]
fn agreement_file_lists_the_services_of_one_serviceaftale() {
    let (d, f) = suite();
    let file = d.path().join("aftale.txt");
    std::fs::write(
        &file,
        "# Fagsystem X, Viborg Kommune\n\nSF2900   # Fordelingskomponenten\nsf1601\n",
    )
    .unwrap();
    let (code, ids, out) = listed(&[
        "list",
        "--features",
        &f,
        "--agreement",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(ids.len(), 5, "{out}");
    // Together with --service: the union.
    let (_, ids, _) = listed(&[
        "list",
        "--features",
        &f,
        "--agreement",
        file.to_str().unwrap(),
        "--service",
        "SF1520",
    ]);
    assert_eq!(ids.len(), 7);

    for (text, name) in [
        ("SF1520\nCPR-opslag\n", "selection_agreement_file_bad_line"),
        ("# only a comment\n\n", "selection_agreement_file_empty"),
    ] {
        std::fs::write(&file, text).unwrap();
        let (code, out) = run(sp(&[
            "list",
            "--features",
            &f,
            "--agreement",
            file.to_str().unwrap(),
        ]));
        assert_eq!(code, 2, "{out}");
        golden(name, &out);
    }
    let (code, out) = run(sp(&[
        "list",
        "--features",
        &f,
        "--agreement",
        "/nonexistent/aftale.txt",
    ]));
    assert_eq!(code, 2, "{out}");
    golden("selection_agreement_file_missing", &out);
    // Binary garbage is an error, not a panic.
    std::fs::write(&file, [0xffu8, 0xfe, 0x00, 0x41, 0x0a]).unwrap();
    let (code, _) = run(sp(&[
        "list",
        "--features",
        &f,
        "--agreement",
        file.to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
}

#[test]
fn shards_split_deterministically_and_cover_everything_once() {
    let (_d, f) = suite();
    let (_, all, _) = listed(&["list", "--features", &f]);
    for n in [1, 2, 3, 7, 9] {
        let mut seen = BTreeSet::new();
        let mut total = 0;
        for i in 1..=n {
            let shard = format!("{i}/{n}");
            let (code, ids, out) = listed(&["list", "--features", &f, "--shard", &shard]);
            assert_eq!(code, 0, "{out}");
            let (_, again, _) = listed(&["list", "--features", &f, "--shard", &shard]);
            assert_eq!(ids, again, "shard {shard} is deterministic");
            assert!(
                ids.len() <= all.len().div_ceil(n),
                "balanced: {shard} {ids:?}"
            );
            total += ids.len();
            seen.extend(ids);
        }
        assert_eq!(total, all.len(), "disjoint with {n} shards");
        assert_eq!(seen, all, "complete with {n} shards");
    }
    for bad in ["0/2", "3/2", "x", "1/0", "1/2/3"] {
        let (code, out) = run(sp(&["list", "--features", &f, "--shard", bad]));
        assert_eq!(code, 2, "{bad}: {out}");
    }
}

fn junit_counts(path: &Path) -> (usize, Vec<String>) {
    let xml = std::fs::read_to_string(path).unwrap();
    let root = sp_contract::core::xml::parse(xml.as_bytes()).expect("JUnit is XML");
    let tests: usize = root.attr("tests").unwrap().parse().unwrap();
    let mut names = Vec::new();
    for suite in root.elements() {
        for case in suite.elements().filter(|e| e.local == "testcase") {
            names.push(format!(
                "{}::{}",
                case.attr("classname").unwrap(),
                case.attr("name").unwrap()
            ));
        }
    }
    (tests, names)
}

#[test]
fn sharded_runs_merge_into_the_whole_run() {
    let dir = tmp();
    let certs = certs().display().to_string();
    let whole = dir.path().join("whole.xml");
    let (code, out) = run(sp(&[
        "run",
        "--certs",
        &certs,
        "--junit",
        whole.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}");
    let (whole_tests, mut whole_names) = junit_counts(&whole);

    let mut parts = Vec::new();
    for i in 1..=3 {
        let p = dir.path().join(format!("shard-{i}.xml"));
        let shard = format!("{i}/3");
        let (code, out) = run(sp(&[
            "run",
            "--certs",
            &certs,
            "--shard",
            &shard,
            "--junit",
            p.to_str().unwrap(),
        ]));
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(&format!("shard {shard}")), "{out}");
        parts.push(p);
    }
    let merged = dir.path().join("merged/junit.xml");
    let mut args = vec!["report", "merge", "--output", merged.to_str().unwrap()];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    let (code, out) = run(sp(&args));
    assert_eq!(code, 0, "{out}");
    let (tests, mut names) = junit_counts(&merged);
    assert_eq!(tests, whole_tests);
    names.sort();
    whole_names.sort();
    assert_eq!(names, whole_names, "the same test cases, each once");

    // A broken input names the file and writes nothing.
    std::fs::write(&parts[1], "<testsuites><testsuite>").unwrap();
    let bad_out = dir.path().join("bad.xml");
    let mut args = vec!["report", "merge", "--output", bad_out.to_str().unwrap()];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    let (code, out) = run(sp(&args));
    assert_eq!(code, 2, "{out}");
    golden("selection_merge_broken_shard", &out);
    assert!(!bad_out.exists(), "no half-written output");
}

#[test]
fn an_empty_shard_passes_with_an_empty_report() {
    let (_d, f) = suite();
    let dir = tmp();
    let junit = dir.path().join("j.xml");
    let html = dir.path().join("r.html");
    let certs = certs().display().to_string();
    let (code, out) = run(sp(&[
        "run",
        "--certs",
        &certs,
        "--features",
        &f,
        "--service",
        "SF1520",
        "--shard",
        "5/5",
        "--junit",
        junit.to_str().unwrap(),
        "--report-html",
        html.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}");
    golden("selection_empty_shard_console", &out);
    assert_eq!(junit_counts(&junit).0, 0);
    golden(
        "selection_empty_shard_html_text",
        &html_text(&std::fs::read_to_string(&html).unwrap()),
    );
}

#[test]
fn production_guard_holds_for_every_shard_service_and_dry_run() {
    let (_d, f) = suite();
    let dir = tmp();
    // Nothing listens here: had it connected, the exit code would be 3.
    let cfg = remote_config(
        dir.path(),
        "https://127.0.0.1:9",
        Remote {
            extra: "production = true",
            ..Default::default()
        },
    );
    let cfg = cfg.to_str().unwrap();
    let base = [
        "run",
        "--target",
        "local",
        "--config",
        cfg,
        "--features",
        &f,
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        run(sp(&a))
    };
    // The selection holds the @writes scenario B2 (fordeling/b.feature:8).
    let (code, out) = with(&["--service", "SF2900"]);
    assert_eq!(code, 2, "{out}");
    golden("selection_production_guard", &out);
    // Every shard refuses alike, also one whose own part has no @writes scenario.
    for (shard, name) in [
        ("1/2", "selection_production_guard_shard_1"),
        ("2/2", "selection_production_guard_shard_2"),
    ] {
        let (code, out) = with(&["--service", "SF2900", "--shard", shard]);
        assert_eq!(code, 2, "shard {shard}: {out}");
        golden(name, &out);
    }
    let (code, out) = with(&["--service", "SF2900", "--dry-run"]);
    assert_eq!(code, 2, "a dry run shows the refusal too: {out}");
    golden("selection_production_guard_dry_run", &out);
    let (code, out) = with(&[
        "--service",
        "SF2900",
        "--retries",
        "3",
        "--report-html",
        "/dev/null",
    ]);
    assert_eq!(code, 2, "{out}");
    // A selection without @writes goes ahead (and finds nothing listening).
    let (code, out) = with(&["--service", "SF1520"]);
    assert_eq!(code, 3, "{out}");
    let (code, out) = with(&["--service", "SF2900", "--allow-production-writes"]);
    assert_eq!(code, 3, "{out}");
}
