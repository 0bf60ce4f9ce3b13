//! The `sp-contract` binary as users run it: exit codes, messages, reports, and the same
//! suite against the embedded mock and against `mock serve` configured as a remote target.

use std::time::Duration;

use crate::support::golden::golden;
use crate::support::run as run_support;
use run_support::{
    certs, changed_answer, copy_dir, pki, remote_config, repo, run, run_with_reports, serve, sp,
    sp_local, tmp, Remote, Served,
};
use std::path::PathBuf;

fn certs_arg() -> String {
    certs().display().to_string()
}

/// `mock serve` in the background (stopped when the first value drops), and a config in a
/// temp folder naming it as the remote target `local` with these options.
fn served_remote(opt: Remote<'_>) -> (Served, tempfile::TempDir, PathBuf) {
    let served = serve();
    let dir = tmp();
    let cfg = remote_config(dir.path(), &served.url, opt);
    (served, dir, cfg)
}

#[test]
fn built_in_suite_passes_against_the_embedded_mock_with_reports() {
    let (code, out, xml, cj) = run_with_reports(&[], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
    let root = sp_contract::core::xml::parse(xml.as_bytes()).expect("JUnit is XML");
    assert_eq!(root.local, "testsuites");
    assert!(root.elements().count() >= 3, "a testsuite per feature");
    let json: serde_json::Value = serde_json::from_str(&cj).unwrap();
    assert!(json.as_array().is_some_and(|a| a.len() >= 3));
    // Masked everywhere: no full CPR of the test citizens in any output.
    for text in [&out, &xml, &cj] {
        assert!(!text.contains("1503801233"), "unmasked CPR in output");
    }
}

#[test]
fn tags_and_name_select_scenarios_and_an_empty_selection_is_an_error() {
    let (code, out) = run(sp(&["list", "--tags", "@SF1520 and @adgang"]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 4, "{out}");
    let (code, out) = run(sp(&["list", "--name", "Død"]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    let (code, out) = run(sp(&[
        "run",
        "--certs",
        &certs_arg(),
        "--tags",
        "@findesikke",
    ]));
    assert_eq!(code, 2, "{out}");
    golden("cli_no_scenario_matches", &out);
    let (code, out) = run(sp(&["list", "--tags", "@a and and"]));
    assert_eq!(code, 2, "{out}");
    golden("cli_not_a_tag_expression", &out);
}

fn suite_with(feature: &str) -> (tempfile::TempDir, String) {
    let dir = tmp();
    std::fs::create_dir_all(dir.path().join("features")).unwrap();
    std::fs::write(dir.path().join("features/x.feature"), feature).unwrap();
    let f = dir.path().join("features").display().to_string();
    (dir, f)
}

#[test]
fn dry_run_checks_definitions_and_aliases_and_sends_nothing() {
    let (code, out) = run(sp(&["run", "--dry-run"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("nothing is sent"), "{out}");

    suite_error(
        "# language: da\nEgenskab: x\n  Scenarie: y\n    Når jeg slår borgeren \"nabo\" op i CPR\n    Så danser borgeren\n",
        &["run", "--dry-run"],
        "cli_dry_run_unknown_alias_and_step",
    );
}

/// `COMMAND… --features F` with `feature` as the only feature file in F is an input error
/// (exit 2) whose output is the golden `name`.
fn suite_error(feature: &str, command: &[&str], name: &str) {
    let (_d, f) = suite_with(feature);
    let mut args = command.to_vec();
    args.extend(["--features", &f]);
    let (code, out) = run(sp(&args));
    assert_eq!(code, 2, "{out}");
    golden(name, &out);
}

#[test]
fn undefined_step_fails_the_run_with_a_suggestion() {
    suite_error(
        "# language: da\nEgenskab: x\n  Scenarie: y\n    Når jeg slår borgeren far op i CPR\n",
        &["run", "--certs", &certs_arg()],
        "cli_undefined_step",
    );
}

#[test]
fn broken_feature_file_names_file_line_and_column() {
    suite_error(
        "# language: da\nEgenskab: x\n  Scenarie: y\n    Givet a\n      | a | b |\n      | c |\n",
        &["run", "--certs", &certs_arg()],
        "cli_broken_table",
    );
    suite_error(
        "Egenskab: x\n  Scenarie: y\n    Givet a\n",
        &["list"],
        "cli_no_language_line",
    );
}

#[test]
fn same_suite_passes_against_mock_serve_as_a_remote_target() {
    let (_served, dir, cfg) = served_remote(Remote::default());
    // The remote target must give the very answers approved for the embedded mock.
    copy_dir(
        &repo().join("snapshots/mock"),
        &dir.path().join("snapshots/local"),
    );
    let (code, out) = run(sp_local(
        "run",
        &cfg,
        &[
            "--snapshots",
            dir.path().join("snapshots").to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
}

#[test]
fn wrong_certificate_password_is_a_clear_usage_error_without_the_password() {
    let (_served, _dir, cfg) = served_remote(Remote {
        password_env: Some("SPC_TEST_PW_WRONG"),
        ..Remote::default()
    });
    let (code, out) = run(sp_local(
        "run",
        &cfg,
        &["--tags", "@cpr and not @adgang", "--name", "Død"],
    )
    .env("SPC_TEST_PW_WRONG", "Hemmelig-Kode-42!"));
    assert_eq!(code, 2, "{out}");
    golden("cli_wrong_certificate_password", &out);
    assert!(
        !out.contains("Hemmelig-Kode-42!"),
        "password printed: {out}"
    );

    // The variable is not set: its name is said.
    let (code, out) = run(sp_local("run", &cfg, &[]));
    assert_eq!(code, 2, "{out}");
    golden("cli_password_variable_unset", &out);
}

#[test]
fn unreachable_target_exits_3() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = tmp();
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    let cfg = remote_config(
        dir.path(),
        &format!("https://127.0.0.1:{port}"),
        Remote::default(),
    );
    let (code, out) = run(sp_local("run", &cfg, &["--name", "Død"]));
    assert_eq!(code, 3, "{out}");
    golden("cli_unreachable_target", &out);
}

#[test]
fn silent_server_times_out_with_exit_3() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts and never says a word.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let dir = tmp();
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    let cfg = remote_config(
        dir.path(),
        &format!("https://127.0.0.1:{port}"),
        Remote {
            timeouts: Some("{ connect_ms = 500, request_ms = 700 }"),
            ..Remote::default()
        },
    );
    let started = std::time::Instant::now();
    let (code, out) = run(sp_local("run", &cfg, &["--name", "Død"]));
    assert_eq!(code, 3, "{out}");
    golden("cli_silent_server", &out);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn certificate_from_another_ca_is_refused_at_the_handshake_with_exit_3() {
    let (_served, _dir, cfg) = served_remote(Remote {
        p12: Some(pki().foreign_p12),
        ..Remote::default()
    });
    let (code, out) = run(sp_local("run", &cfg, &["--name", "Død"]));
    assert_eq!(code, 3, "{out}");
    golden("cli_certificate_from_another_ca", &out);
}

fn mocks_with_mapping(mapping: &str) -> tempfile::TempDir {
    let dir = tmp();
    copy_dir(&repo().join("mocks"), dir.path());
    std::fs::create_dir_all(dir.path().join("mappings")).unwrap();
    std::fs::write(dir.path().join("mappings/override.json"), mapping).unwrap();
    dir
}

/// The "Død borger" scenario against the embedded mock with these mocks.
fn run_dead_citizen_with(mocks: &tempfile::TempDir) -> (i32, String) {
    run(sp(&[
        "run",
        "--certs",
        &certs_arg(),
        "--mocks",
        mocks.path().to_str().unwrap(),
        "--name",
        "Død",
    ]))
}

#[test]
fn malformed_and_truncated_answers_fail_the_contract_with_exit_1() {
    for (name, body) in [
        ("cli_answer_not_xml", "this is not xml"),
        ("cli_answer_truncated", "<soapenv:Envelope xmlns:soapenv=\\\"http://schemas.xmlsoap.org/soap/envelope/\\\"><soapenv:Body><x:PersonLookupResponse xmlns:x=\\\"urn:x\\\"><x:persondata>"),
    ] {
        let mocks = mocks_with_mapping(&format!(
            r#"{{"priority": 1, "request": {{"method": "POST", "urlPath": "/service/CPR/PersonBaseDataExtended/4"}},
               "response": {{"status": 200, "headers": {{"Content-Type": "text/xml"}}, "body": "{body}"}}}}"#
        ));
        let (code, out) = run_dead_citizen_with(&mocks);
        assert_eq!(code, 1, "{out}");
        golden(name, &out);
    }
}

#[test]
fn gateway_error_page_is_a_transport_failure_exit_3() {
    let mocks = mocks_with_mapping(
        r#"{"priority": 1, "request": {"method": "POST", "urlPath": "/service/CPR/PersonBaseDataExtended/4"},
            "response": {"status": 503, "body": "<html>Service Unavailable</html>"}}"#,
    );
    let (code, out) = run_dead_citizen_with(&mocks);
    assert_eq!(code, 3, "{out}");
    golden("cli_gateway_error_page", &out);
}

#[test]
fn changed_answer_shows_a_diff_and_writes_snap_new() {
    let dir = tmp();
    let (mocks, snaps) = changed_answer(dir.path());
    let args = |update: bool| {
        let mut v = vec![
            "run".to_string(),
            "--certs".into(),
            certs_arg(),
            "--mocks".into(),
            mocks.display().to_string(),
            "--snapshots".into(),
            snaps.display().to_string(),
            "--name".into(),
            "^Kendt borger".into(),
        ];
        if update {
            v.push("--update-snapshots".into());
        }
        v
    };
    let snap_new = || -> usize {
        std::fs::read_dir(snaps.join("mock"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().to_string_lossy().ends_with(".snap.new"))
            .count()
    };
    let a = args(false);
    let (code, out) = run(sp(&a.iter().map(String::as_str).collect::<Vec<_>>()));
    assert_eq!(code, 1, "{out}");
    golden("cli_changed_answer", &out);
    assert_eq!(snap_new(), 1);
    let a = args(true);
    let (code, out) = run(sp(&a.iter().map(String::as_str).collect::<Vec<_>>()));
    assert_eq!(code, 0, "{out}");
    assert_eq!(snap_new(), 0, "accepted: the .snap.new is gone");
    let a = args(false);
    let (code, out) = run(sp(&a.iter().map(String::as_str).collect::<Vec<_>>()));
    assert_eq!(
        code, 0,
        "the updated snapshot is now the approved one: {out}"
    );
}

#[test]
fn production_guard_refuses_writes_before_connecting() {
    let (_d, f) = suite_with(
        "# language: da\n@writes\nEgenskab: x\n  Scenarie: y\n    Når jeg slår borgeren \"far\" op i CPR\n",
    );
    let dir = tmp();
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    // Nothing listens here: had it connected, the exit code would be 3.
    let cfg = remote_config(
        dir.path(),
        "https://127.0.0.1:9",
        Remote {
            extra: "production = true",
            ..Remote::default()
        },
    );
    let base = [
        "run",
        "--target",
        "local",
        "--config",
        cfg.to_str().unwrap(),
        "--features",
        &f,
    ];
    let (code, out) = run(sp(&base));
    assert_eq!(code, 2, "{out}");
    golden("cli_production_guard", &out);
    let mut allowed = base.to_vec();
    allowed.push("--allow-production-writes");
    let (code, out) = run(sp(&allowed));
    assert_eq!(
        code, 3,
        "with permission it tries, and finds nothing there: {out}"
    );
}

#[test]
fn certs_inspect_shows_the_certificate_and_refuses_a_wrong_password() {
    let p12 = pki().client_p12;
    let inspect = |password: &str| {
        let p12 = p12.to_str().unwrap();
        run(sp(&["certs", "inspect", p12, "--password-env", "SPC_PW"]).env("SPC_PW", password))
    };
    let (code, out) = inspect(sp_contract::targets::pki::TEST_P12_PASSWORD);
    assert_eq!(code, 0, "{out}");
    golden("cli_certs_inspect", &out);
    let (code, out) = inspect("forkert-kode");
    assert_eq!(code, 2, "{out}");
    golden("cli_certs_inspect_wrong_password", &out);
    assert!(!out.contains("forkert-kode"), "{out}");
    let (code, out) = run(sp(&["certs", "inspect", "/nonexistent/x.p12"]));
    assert_eq!(code, 2, "{out}");
    golden("cli_certs_inspect_missing_file", &out);
}

#[test]
fn help_documents_exit_codes_and_steps_lists_the_vocabulary() {
    let (code, out) = run(sp(&["run", "--help"]));
    assert_eq!(code, 0);
    golden("cli_run_help", &out);
    let (code, out) = run(sp(&["steps"]));
    assert_eq!(code, 0);
    for d in sp_contract::engine::catalog().steps().defs() {
        assert!(out.contains(d.example), "missing {}", d.example);
    }
    let (code, out) = run(sp(&["run", "--concurrency", "0"]));
    assert_eq!(code, 2);
    golden("cli_concurrency_0", &out);
}

/// `--threads` is global (before or after the command); 0, words and absurd counts are usage
/// errors that say what is wanted.
#[test]
fn threads_chooses_the_worker_threads_and_refuses_nonsense() {
    for bad in ["0", "two", "1.5", "100000"] {
        let (code, out) = run(sp(&["run", "--threads", bad]));
        assert_eq!(code, 2, "{bad}: {out}");
        assert!(
            out.contains(&format!("invalid value '{bad}' for '--threads <N>'"))
                && out.contains("whole number from 1 to 1024"),
            "{bad}: {out}"
        );
    }
    for args in [
        ["--threads", "1", "run", "--tags", "@SF1520 and @adgang"],
        ["run", "--tags", "@SF1520 and @adgang", "--threads", "3"],
    ] {
        let (code, out) = run(sp(&args));
        assert_eq!(code, 0, "{args:?}: {out}");
        assert!(out.contains(" passed, 0 failed"), "{out}");
    }
}

/// `mock serve --busy-poll` takes whole microseconds up to 10 ms; anything else is a usage
/// error that says what is wanted, before anything is served.
#[test]
fn busy_poll_refuses_nonsense() {
    for bad in ["-1", "two", "0.5", "10001"] {
        let (code, out) = run(sp(&["mock", "serve", &format!("--busy-poll={bad}")]));
        assert_eq!(code, 2, "{bad}: {out}");
        assert!(
            out.contains(&format!(
                "invalid value '{bad}' for '--busy-poll <MICROSECONDS>'"
            )) && out.contains("whole number of microseconds from 0 to 10000"),
            "{bad}: {out}"
        );
    }
}

#[test]
fn readme_step_section_is_generated_from_the_code() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start =
        readme.find("<!-- steps:begin -->\n").expect("marker") + "<!-- steps:begin -->\n".len();
    let end = readme.find("<!-- steps:end -->").expect("marker");
    assert_eq!(
        &readme[start..end],
        sp_contract::commands::steps_text(true),
        "README step section is stale: regenerate it with `sp-contract steps --markdown`"
    );
}

#[test]
fn example_config_parses() {
    let cfg =
        sp_contract::targets::config::load(&repo().join("sp-contract.example.toml"), true).unwrap();
    assert!(cfg.targets["prod"].production);
}

#[test]
fn missing_certificate_file_is_named_with_exit_2() {
    let (_served, _dir, cfg) = served_remote(Remote {
        p12: Some("/nonexistent/vendor.p12".into()),
        ..Remote::default()
    });
    let (code, out) = run(sp_local("run", &cfg, &["--name", "Død"]));
    assert_eq!(code, 2, "{out}");
    golden("cli_missing_certificate_file", &out);
}
