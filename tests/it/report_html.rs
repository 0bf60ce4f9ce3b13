//! The evidence report (HTML, rendered in headless Chromium), the Markdown summary, the
//! contract fingerprint, and retries reported as flaky without ever hiding a broken
//! contract.

use crate::support::golden::{golden, html_text};
use crate::support::run as run_support;

use run_support::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// Every CPR number in the mock data, unmasked: none may appear in any report.
fn cprs() -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo().join("mocks/citizens.json")).unwrap())
            .unwrap();
    v["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cpr"].as_str().unwrap().to_string())
        .collect()
}

fn assert_clean(what: &str, text: &str) {
    for cpr in cprs() {
        assert!(!text.contains(&cpr), "{what}: unmasked CPR {cpr}");
    }
    assert!(
        !text.contains(sp_contract::targets::pki::TEST_P12_PASSWORD),
        "{what}: the certificate password"
    );
}

/// The report must load nothing from anywhere and need no script.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script", "<link", "<img", "<iframe", "src=", "@import", "url(", "http://", "https://",
    ] {
        // The target's base URL is shown as text; anything that loads is not allowed.
        if needle.starts_with("http") {
            assert!(
                !lower.contains(&format!("href=\"{needle}")),
                "links out: {needle}"
            );
            continue;
        }
        assert!(!lower.contains(needle), "not self-contained: {needle}");
    }
}

/// A run against the embedded mock (of `mocks`, default the repository's): exit code,
/// console, HTML and Markdown reports.
fn run_with_reports(extra: &[&str], mocks: Option<&Path>) -> (i32, String, String, String) {
    let certs = certs().display().to_string();
    let mut args = vec!["run", "--certs", &certs];
    let m;
    if let Some(mocks) = mocks {
        m = mocks.display().to_string();
        args.extend(["--mocks", &m]);
    }
    args.extend_from_slice(extra);
    let (code, out, reports) = run_reporting(&args);
    (code, out, reports.html(), reports.md())
}

#[test]
fn passing_run_report_names_what_was_tested() {
    let (code, out, html, md) = run_with_reports(&["--service", "SF1520"], None);
    assert_eq!(code, 0, "{out}");
    assert_self_contained(&html);
    assert_clean("html", &html);
    assert_clean("markdown", &md);
    golden("report_html_sf1520_passed", &html_text(&html));
    golden("report_md_sf1520_passed", &md);

    // The fingerprint shown is the one `sp-contract fingerprint` computes for this target.
    let (code, fp) = run(sp(&["fingerprint", "--target", "mock"]));
    assert_eq!(code, 0, "{fp}");
    let sha = fp.lines().next().unwrap().trim();
    assert_eq!(sha.len(), 64, "{fp}");
    assert!(
        html.contains(&format!("sha256:{sha}")),
        "fingerprint in the report"
    );
    assert!(md.contains(sha));
}

#[test]
fn broken_contract_shows_the_step_the_diff_and_is_masked() {
    let dir = tmp();
    let (mocks, snaps) = changed_answer(dir.path());
    let s = snaps.display().to_string();
    let (code, out, html, md) = run_with_reports(
        // A CPR number in the selection itself must be masked where the report repeats it.
        &["--snapshots", &s, "--name", "^Kendt borger|1503801015"],
        Some(&mocks),
    );
    assert_eq!(code, 1, "{out}");
    assert_self_contained(&html);
    assert_clean("html", &html);
    assert_clean("markdown", &md);
    // The mock data's CPR numbers appear masked.
    golden("report_html_broken", &html_text(&html));
    golden("report_md_broken", &md);
    // The diff's lines are marked, not only written.
    assert!(html.contains("<span class=\"del\">-      &lt;vejkode&gt;4730"));
    assert!(html.contains("<span class=\"ins\">+      &lt;vejkode&gt;4731"));
}

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = std::process::Command::new("sh")
            .args(["-c", &format!("command -v {name}")])
            .output()
        {
            let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if out.status.success() && !p.is_empty() {
                return PathBuf::from(p);
            }
        }
    }
    panic!("headless Chromium is needed for this test: run `scripts/install-deps --test` (Debian package chromium), or set CHROMIUM to its path");
}

pub(crate) fn headless(html: &Path, extra: &[&str]) -> std::process::Output {
    let profile = tmp();
    let mut cmd = std::process::Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra)
    .arg(format!("file://{}", html.display()));
    // Bounded: a browser that hangs must not hang the suite. The output is read on another
    // thread while we wait: a --dump-dom larger than the pipe buffer would otherwise block
    // Chromium on its write, and us on its exit.
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start chromium");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(90)) {
        Ok(out) => out.expect("chromium output"),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            panic!("chromium did not finish within 90 s");
        }
    }
}

#[test]
fn chromium_renders_the_report() {
    let dir = tmp();
    let (mocks, snaps) = changed_answer(dir.path());
    let s = snaps.display().to_string();
    let (_, _, html, _) = run_with_reports(&["--snapshots", &s], Some(&mocks));
    let file = dir.path().join("evidence.html");
    std::fs::write(&file, &html).unwrap();

    let out = headless(&file, &["--dump-dom"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    // What the browser built from the file: the verdict, the matrix, the failing step.
    let root = dom.find("<h1 id=\"verdict\">").expect("verdict rendered");
    assert!(
        dom[root..].starts_with("<h1 id=\"verdict\">KONTRAKTEN BRUDT</h1>"),
        "{dom}"
    );
    // The banner says what a run against the embedded mock proves, and what it does not.
    assert!(
        dom.contains(
            "<p id=\"proves\" class=\"proves proves-mock\">Kørt mod sp-contracts indbyggede mock"
        ),
        "{dom}"
    );
    // Tables are shown, long docstrings collapsed.
    assert!(dom.contains("<table class=\"arg\">"), "{dom}");
    assert!(dom.contains("<section id=\"matrix\">"));
    assert!(dom.contains("id=\"fingerprint\""));
    assert!(dom.contains("differs from the approved snapshot"));
    assert!(
        dom.matches("<article class=\"scenario").count() >= 10,
        "every scenario"
    );
    assert!(!dom.contains("<script"), "no script");

    let png = dir.path().join("shot.png");
    let shot = format!("--screenshot={}", png.display());
    let out = headless(&file, &[&shot, "--window-size=1280,2000"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        bytes.len() > 20_000,
        "more than a blank page: {} bytes",
        bytes.len()
    );
}

// ---------------------------------------------------------------------------------------
// Retries

struct FlakyTarget {
    _mock: InProcessMock,
    proxy: FlakyProxy,
    cfg: PathBuf,
    snaps: PathBuf,
    _dir: tempfile::TempDir,
}

/// A remote target `local` reached through a proxy that cuts the first `drop` connections.
fn flaky_remote(drop: usize, break_dead: bool) -> FlakyTarget {
    let dir = tmp();
    let mocks = dir.path().join("mocks");
    copy_dir(&repo().join("mocks"), &mocks);
    if break_dead {
        let f = mocks.join("sf1520/død.xml");
        let t = std::fs::read_to_string(&f).unwrap();
        std::fs::write(
            &f,
            t.replacen("<status>90</status>", "<status>01</status>", 1),
        )
        .unwrap();
    }
    let mock = InProcessMock::start(&mocks);
    let proxy = flaky_proxy(mock.addr, drop);
    let cfg = remote_config(dir.path(), &proxy.url, Remote::default());
    let snaps = snapshots_for_local(dir.path());
    FlakyTarget {
        _mock: mock,
        proxy,
        cfg,
        snaps,
        _dir: dir,
    }
}

/// A run of "Død borger" against `r`: exit code, console, JUnit and HTML report, each with
/// the cause of a cut connection as `[connection cut]`: whether the client reads an EOF or a
/// reset when the proxy cuts depends on timing.
fn run_remote(r: &FlakyTarget, extra: &[&str]) -> (i32, String, String, String) {
    let mut args = vec![
        "run",
        "--target",
        "local",
        "--config",
        r.cfg.to_str().unwrap(),
        "--snapshots",
        r.snaps.to_str().unwrap(),
        "--name",
        "^Død borger$",
    ];
    args.extend_from_slice(extra);
    let (code, out, reports) = run_reporting(&args);
    let cut = regex::Regex::new(r"(could not connect to \S+): [^.]+\. Check").unwrap();
    let cut = |text: String| {
        cut.replace_all(&text, "$1: [connection cut]. Check")
            .into_owned()
    };
    (code, cut(out), cut(reports.junit()), cut(reports.html()))
}

#[test]
fn a_transient_failure_is_retried_and_reported_as_flaky() {
    let r = flaky_remote(1, false);
    let (code, out, junit, html) = run_remote(&r, &["--retries", "2"]);
    assert_eq!(code, 0, "{out}");
    golden("retry_flaky_console", &out);
    golden("retry_flaky_junit", &junit);
    golden("retry_flaky_html_text", &html_text(&html));
    let root = sp_contract::core::xml::parse(junit.as_bytes()).unwrap();
    assert_eq!(root.attr("failures"), Some("0"));
    assert_eq!(root.attr("errors"), Some("0"));

    // Without --retries the same blip fails the run as unreachable (exit 3).
    let r = flaky_remote(1, false);
    let (code, out, _, _) = run_remote(&r, &[]);
    assert_eq!(code, 3, "{out}");
    golden("retry_none_console", &out);
}

#[test]
fn retries_give_up_after_n_and_the_run_is_unreachable() {
    let r = flaky_remote(100, false);
    let started = std::time::Instant::now();
    let (code, out, junit, html) = run_remote(&r, &["--retries", "2"]);
    assert_eq!(code, 3, "{out}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    golden("retry_gives_up_console", &out);
    golden("retry_gives_up_junit", &junit);
    golden("retry_gives_up_html_text", &html_text(&html));
}

#[test]
fn a_broken_contract_is_never_retried_nor_hidden() {
    // The answer itself is wrong: one attempt, exit 1.
    let r = flaky_remote(0, true);
    let (code, out, junit, _) = run_remote(&r, &["--retries", "3"]);
    assert_eq!(code, 1, "{out}");
    golden("retry_broken_console", &out);
    golden("retry_broken_junit", &junit);
    assert_eq!(
        r.proxy.accepted.load(Ordering::SeqCst),
        1,
        "one connection, one attempt"
    );

    // A blip first, then the broken answer: the retry shows the breach, it does not pass.
    let r = flaky_remote(1, true);
    let (code, out, junit, html) = run_remote(&r, &["--retries", "3"]);
    assert_eq!(code, 1, "{out}");
    golden("retry_blip_then_broken_console", &out);
    golden("retry_blip_then_broken_junit", &junit);
    golden("retry_blip_then_broken_html_text", &html_text(&html));
}

#[test]
fn writes_and_the_embedded_mock_are_not_retried() {
    let r = flaky_remote(1, false);
    let (code, out, _, _) = run_remote(&r, &["--retries", "3", "--tags", "@writes or @SF1520"]);
    assert_eq!(code, 0, "the plain scenario is retried: {out}");

    // The same scenario tagged @writes: a send that timed out may have arrived.
    let dir = tmp();
    let f = dir.path().join("features");
    std::fs::create_dir_all(&f).unwrap();
    std::fs::write(
        f.join("w.feature"),
        "# language: da\n@SF1520 @writes\nEgenskab: W\n  Scenarie: Død borger\n    Når jeg slår borgeren \"død\" op i CPR\n    Så svaret er en succes\n",
    )
    .unwrap();
    let r = flaky_remote(1, false);
    let (code, out, _, _) = run_remote(&r, &["--retries", "3", "--features", f.to_str().unwrap()]);
    assert_eq!(code, 3, "{out}");
    golden("retry_writes_not_retried_console", &out);

    // The embedded mock is never "flaky": what fails there is a bug to see.
    let p = sp_contract::platform::data::Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap();
    let target = p.target(&pki(), "https://127.0.0.1:1");
    let loaded = sp_contract::runner::features::load(&repo().join("features")).unwrap();
    let sc = sp_contract::runner::features::plan(&loaded, &Default::default())
        .unwrap()
        .remove(0);
    let failed = sp_contract::runner::model::ScenarioResult {
        name: "x".into(),
        line: 1,
        tags: vec![],
        steps: vec![sp_contract::runner::model::StepResult {
            keyword: "Når ".into(),
            text: "x".into(),
            line: 1,
            status: sp_contract::runner::model::Status::Failed,
            duration: Default::default(),
            failure: Some(sp_contract::runner::model::StepFailure {
                kind: sp_contract::runner::model::FailureKind::Transport,
                message: "could not connect".into(),
                diff: None,
            }),
            argument: None,
        }],
        duration: Default::default(),
        earlier_attempts: vec![],
        warnings: vec![],
    };
    assert!(!sp_contract::runner::exec::retryable(&sc, &target, &failed));
    let mut remote = target.clone();
    remote.is_mock = false;
    assert!(sp_contract::runner::exec::retryable(&sc, &remote, &failed));
}

// ---------------------------------------------------------------------------------------
// The CI examples

fn nightly(cfg: &Path, cert_file: &Path, reports: &Path, envs: &[(&str, &str)]) -> (i32, String) {
    use base64::Engine;
    let p12 = std::fs::read(pki().client_p12).unwrap();
    // Run from the folder that holds the suite, as CI does from a checkout.
    let suite = cfg.parent().unwrap();
    let mut cmd = std::process::Command::new("bash");
    cmd.current_dir(suite)
        .arg(repo().join("ci/nightly.sh"))
        .env("SP_CONTRACT", BIN)
        .env("SP_TARGET", "local")
        .env("SP_CONFIG", cfg)
        .env("SP_CERT_FILE", cert_file)
        .env(
            "SP_CERT_P12_BASE64",
            base64::engine::general_purpose::STANDARD.encode(p12),
        )
        .env(PW_ENV, sp_contract::targets::pki::TEST_P12_PASSWORD)
        .env("SP_REPORTS", reports)
        .env("SP_SERVICE", "SF1520")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("TF_BUILD");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    run(cmd)
}

#[test]
fn ci_script_writes_the_certificate_runs_and_tells_unreachable_from_broken() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    let cert_file = dir.path().join("secrets/foces.p12");
    let cfg = remote_config(
        dir.path(),
        &mock.url,
        Remote {
            p12: Some(cert_file.clone()),
            ..Default::default()
        },
    );
    // A checkout: the features, and the mock's approved answers for the target `local`.
    copy_dir(&repo().join("features"), &dir.path().join("features"));
    snapshots_for_local(dir.path());
    let reports = dir.path().join("reports");
    let (code, out) = nightly(
        &cfg,
        &cert_file,
        &reports,
        &[("SP_SHARD", "1/1"), ("SP_RETRIES", "1")],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("every scenario kept the contract"), "{out}");
    for f in ["junit.xml", "evidence.html", "summary.md", "exit-code"] {
        assert!(reports.join(f).exists(), "{f}: {out}");
    }
    assert!(!cert_file.exists(), "the certificate is removed again");

    // Unreachable: exit 3, annotated as such for GitHub.
    let cfg = remote_config(
        dir.path(),
        "https://127.0.0.1:9",
        Remote {
            p12: Some(cert_file.clone()),
            ..Default::default()
        },
    );
    let (code, out) = nightly(&cfg, &cert_file, &reports, &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("::warning title=Target unreachable::"),
        "{out}"
    );
    assert!(!out.contains("Contract broken"), "{out}");
    assert_eq!(
        std::fs::read_to_string(reports.join("exit-code"))
            .unwrap()
            .trim(),
        "3"
    );
    // Azure's wording.
    let (code, out) = nightly(&cfg, &cert_file, &reports, &[("TF_BUILD", "True")]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("##vso[task.logissue type=warning]Target unreachable"),
        "{out}"
    );
}

#[test]
fn ci_examples_only_use_flags_that_exist() {
    let mut checked = 0;
    for f in ["github-actions.yml", "gitlab-ci.yml", "azure-pipelines.yml"] {
        let text = std::fs::read_to_string(repo().join("ci").join(f)).unwrap();
        assert!(text.contains("ci/nightly.sh"), "{f} runs the shared script");
        assert!(
            text.contains("SP_CERT_PASSWORD"),
            "{f}: password from the secret store"
        );
        assert!(text.contains("junit"), "{f} publishes JUnit");
        assert!(
            text.contains("cron") || text.contains("schedule"),
            "{f} is nightly"
        );
        checked += check_sp_contract_lines(f, &text);
    }
    assert!(checked >= 1, "the merge command was checked");
    let script = std::fs::read_to_string(repo().join("ci/nightly.sh")).unwrap();
    // The run command: the `args=(…)` array and every `args+=(…)`, as bash builds it.
    assert!(
        script.contains(r#"bin=${SP_CONTRACT:-target/release/sp-contract}"#)
            && script.contains(r#""$bin" "${args[@]}""#),
        "nightly.sh runs sp-contract with its args array: update this test"
    );
    let mut words = Vec::new();
    for (i, _) in script.match_indices("args") {
        let rest = &script[i + "args".len()..];
        let Some(body) = rest.strip_prefix("=(").or_else(|| rest.strip_prefix("+=(")) else {
            continue;
        };
        let body = &body[..body.find(')').expect("the array closes")];
        words.extend(
            body.split_whitespace()
                .map(|w| w.trim_matches('"').to_string()),
        );
    }
    assert_eq!(words.first().map(String::as_str), Some("run"), "{words:?}");
    assert!(
        words.len() > 10,
        "every option nightly.sh may add: {words:?}"
    );
    check_command_line("nightly.sh's args", &words);
    // Commands the script tells its reader to run.
    assert!(check_sp_contract_lines("nightly.sh", &script) >= 1);
}

/// Checks each `sp-contract SUBCOMMAND …` in `text` (a line up to a `)`, `;` or `|`); a word
/// after `sp-contract` that names no subcommand is prose, unless the binary is given by path
/// (`…/sp-contract`). Returns how many command lines were checked.
fn check_sp_contract_lines(source: &str, text: &str) -> usize {
    let top = subcommands(&help(&[]));
    let mut checked = 0;
    for line in text.lines() {
        for (i, _) in line.match_indices("sp-contract ") {
            let by_path = line[..i].ends_with('/');
            let tail = &line[i + "sp-contract ".len()..];
            let tail = &tail[..tail.find([')', ';', '|']).unwrap_or(tail.len())];
            let words: Vec<String> = tail
                .split_whitespace()
                .map(|w| w.trim_matches(['"', '\'', '`']).to_string())
                .collect();
            let names_command = words.first().is_some_and(|w| top.contains(w));
            assert!(
                names_command || !by_path,
                "{source}: `{line}`: no sp-contract subcommand"
            );
            if names_command {
                check_command_line(&format!("{source}: `{}`", line.trim()), &words);
                checked += 1;
            }
        }
    }
    checked
}

/// `words` (after `sp-contract`): the subcommand path, then options; every `--flag` must be one
/// that `sp-contract <subcommand> --help` lists.
fn check_command_line(source: &str, words: &[String]) {
    let mut path: Vec<&str> = Vec::new();
    let mut rest = words;
    while let Some((w, tail)) = rest.split_first() {
        if !subcommands(&help(&path)).contains(w) {
            break;
        }
        path.push(w);
        rest = tail;
    }
    assert!(!path.is_empty(), "{source}: no subcommand in {words:?}");
    let text = help(&path);
    let known = flags(&text);
    for w in rest.iter().filter(|w| w.starts_with("--")) {
        let flag = w.split('=').next().unwrap();
        assert!(
            known.contains(flag),
            "{source}: `sp-contract {}` has no flag {flag}; its --help:\n{text}",
            path.join(" ")
        );
    }
}

/// `sp-contract <path> --help`.
fn help(path: &[&str]) -> String {
    let out = std::process::Command::new(BIN)
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success(), "sp-contract {path:?} --help");
    String::from_utf8(out.stdout).unwrap()
}

/// The names under a help text's `Commands:`.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

/// Every `--flag` an options line of a help text names.
fn flags(help: &str) -> std::collections::BTreeSet<String> {
    help.lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .flat_map(|l| l.split_whitespace())
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches(',').to_string())
        .collect()
}
