//! Running the binary against the embedded mock, an in-process mock configured as a remote
//! target, or a flaky proxy in front of it. Include with
//! `#[path = "support/run.rs"] mod run_support;`.
#![allow(dead_code)]

use sp_contract::platform::data::Platform;
use sp_contract::targets::pki::TestPki;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_sp-contract");
pub const PW_ENV: &str = "SPC_TEST_PW";

/// The embedded mock with the repository's data on a free loopback port (call inside a Tokio
/// runtime), and the built-in `mock` target that calls it.
pub async fn embedded_mock() -> (
    sp_contract::platform::RunningMock,
    Arc<sp_contract::targets::target::Target>,
) {
    embedded_mock_of(&repo().join("mocks")).await
}

/// [`embedded_mock`] with the data of `mocks` (a test's own folder).
pub async fn embedded_mock_of(
    mocks: &Path,
) -> (
    sp_contract::platform::RunningMock,
    Arc<sp_contract::targets::target::Target>,
) {
    let pki = pki();
    let mock = sp_contract::platform::start(
        mocks,
        &pki,
        "127.0.0.1:0".parse().unwrap(),
        sp_contract::engine::catalog(),
    )
    .await
    .unwrap_or_else(|e| panic!("the mock refuses {}: {e}", mocks.display()));
    let target = Arc::new(mock.platform.target(&pki, &mock.url));
    (mock, target)
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One test PKI shared by every test process (creation is safe under concurrency).
pub fn certs() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-certs")
}

pub fn pki() -> TestPki {
    sp_contract::targets::pki::ensure(&certs()).expect("test PKI")
}

/// A plain HTTP client that presents the test PKI's registered client certificate and trusts
/// its CA: for tests that look at what the front sends back (headers included), which the
/// tool's own transport does not hand on.
pub fn mtls_http(pki: &TestPki) -> reqwest::Client {
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let identity =
        reqwest::Identity::from_pkcs8_pem(&read(&pki.client_pem), &read(&pki.client_key_pem))
            .expect("the test client certificate and key load");
    let ca = reqwest::Certificate::from_pem(&read(&pki.ca_pem)).expect("the test CA loads");
    reqwest::Client::builder()
        .http1_only()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .identity(identity)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an mTLS test client")
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

pub fn sp(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(repo())
        .args(args)
        .env("NO_COLOR", "1")
        .env(PW_ENV, sp_contract::targets::pki::TEST_P12_PASSWORD);
    c
}

/// `sp-contract COMMAND --target local --config CFG EXTRA…`: a command against the remote
/// target `local` of a [`remote_config`].
pub fn sp_local(command: &str, cfg: &Path, extra: &[&str]) -> Command {
    let cfg = cfg.to_str().expect("UTF-8 path");
    let mut args = vec![command, "--target", "local", "--config", cfg];
    args.extend_from_slice(extra);
    sp(&args)
}

/// Exit code and stdout + stderr.
pub fn run(mut cmd: impl std::borrow::BorrowMut<Command>) -> (i32, String) {
    let out: Output = cmd.borrow_mut().output().expect("run sp-contract");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The mock in this process, served until dropped.
pub struct InProcessMock {
    pub url: String,
    pub addr: std::net::SocketAddr,
    running: Option<sp_contract::platform::RunningMock>,
    rt: Option<tokio::runtime::Runtime>,
}

impl InProcessMock {
    pub fn start(mocks: &Path) -> InProcessMock {
        Self::start_on(mocks, "127.0.0.1:0")
    }

    /// On a given loopback address (e.g. `127.0.0.2:0`, which the server certificate does
    /// not name).
    pub fn start_on(mocks: &Path, addr: &str) -> InProcessMock {
        let pki = pki();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let running = rt
            .block_on(sp_contract::platform::start(
                mocks,
                &pki,
                addr.parse().unwrap(),
                sp_contract::engine::catalog(),
            ))
            .expect("mock starts");
        InProcessMock {
            url: running.url.clone(),
            addr: running.addr,
            running: Some(running),
            rt: Some(rt),
        }
    }
}

impl Drop for InProcessMock {
    fn drop(&mut self) {
        if let Some(m) = self.running.take() {
            m.shutdown();
        }
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

/// Options for [`remote_config`].
#[derive(Default)]
pub struct Remote<'a> {
    /// Lines added to [targets.local] (e.g. `production = true`).
    pub extra: &'a str,
    /// The client certificate; default the registered one.
    pub p12: Option<PathBuf>,
    /// Serviceaftaler; default the mock's approved ones.
    pub agreements: Option<Vec<(&'a str, &'a str)>>,
    /// Trust no CA at all (to see an unknown-CA refusal).
    pub no_ca: bool,
    /// Leave out the citizen aliases.
    pub no_citizens: bool,
    /// Leave out authority_cvr.
    pub no_authority: bool,
    /// The environment variable with the certificate password; default [`PW_ENV`].
    pub password_env: Option<&'a str>,
    /// The `timeouts` table; default connect 2 s, request 5 s.
    pub timeouts: Option<&'a str>,
}

/// A config whose target `local` is `url`, with ids and aliases like the mock's.
pub fn remote_config(dir: &Path, url: &str, opt: Remote<'_>) -> PathBuf {
    let p = Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap();
    let pki = pki();
    let t = p.target(&pki, url);
    let p12 = opt.p12.unwrap_or(pki.client_p12.clone());
    let ca = if opt.no_ca {
        String::new()
    } else {
        format!("ca = \"{}\"\n", pki.ca_pem.display())
    };
    let pw_env = opt.password_env.unwrap_or(PW_ENV);
    let timeouts = opt
        .timeouts
        .unwrap_or("{ connect_ms = 2000, request_ms = 5000 }");
    let mut cfg = format!(
        "[targets.local]\nbase_url = \"{url}\"\n{}user_system_uuid = \"{}\"\nuser_uuid = \"{}\"\n{ca}only_ca = true\n{}\ncertificate = {{ pkcs12 = \"{}\", password_env = \"{pw_env}\" }}\ntimeouts = {timeouts}\n[targets.local.agreements]\n",
        if opt.no_authority {
            String::new()
        } else {
            format!(
                "authority_cvr = \"{}\"\n",
                t.authority_cvr.clone().unwrap_or_default()
            )
        },
        t.user_system_uuid,
        t.user_uuid,
        opt.extra,
        p12.display(),
    );
    match opt.agreements {
        Some(list) => {
            for (svc, uuid) in list {
                cfg.push_str(&format!("{svc} = \"{uuid}\"\n"));
            }
        }
        None => {
            for (svc, uuid) in &t.agreements {
                cfg.push_str(&format!("{svc} = \"{uuid}\"\n"));
            }
        }
    }
    cfg.push_str("[targets.local.aliases.citizens]\n");
    for a in t.citizens.keys().filter(|_| !opt.no_citizens) {
        let cpr = t
            .citizen(a)
            .expect("the mock's citizens have valid CPR numbers");
        cfg.push_str(&format!("\"{a}\" = \"{cpr}\"\n"));
    }
    cfg.push_str("[targets.local.aliases.agreements]\n");
    for (a, uuid) in &t.agreement_aliases {
        cfg.push_str(&format!("\"{a}\" = \"{uuid}\"\n"));
    }
    for (name, p12) in [
        ("uregistreret", &pki.unregistered_p12),
        ("udløbet", &pki.expired_p12),
        ("fremmed", &pki.foreign_p12),
    ] {
        cfg.push_str(&format!(
            "[targets.local.aliases.identities.\"{name}\"]\npkcs12 = \"{}\"\npassword_env = \"{pw_env}\"\n",
            p12.display()
        ));
    }
    let path = dir.join("sp-contract.toml");
    std::fs::write(&path, cfg).unwrap();
    path
}

/// The mock's approved snapshots, copied for the remote target `local`.
pub fn snapshots_for_local(dir: &Path) -> PathBuf {
    let snaps = dir.join("snapshots");
    copy_dir(&repo().join("snapshots/mock"), &snaps.join("local"));
    snaps
}

/// A TCP proxy to `upstream` that cuts off the first `drop_first` connections right after
/// accepting them (a transient network failure), and forwards the rest. Counts every
/// connection it accepted.
pub struct FlakyProxy {
    pub url: String,
    pub accepted: Arc<AtomicUsize>,
}

pub fn flaky_proxy(upstream: std::net::SocketAddr, drop_first: usize) -> FlakyProxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(client) = conn else { continue };
            let n = count.fetch_add(1, Ordering::SeqCst);
            if n < drop_first {
                drop(client);
                continue;
            }
            let Ok(server) = TcpStream::connect(upstream) else {
                continue;
            };
            let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || pipe(client, server));
            std::thread::spawn(move || pipe(s2, c2));
        }
    });
    FlakyProxy { url, accepted }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let _ = from.set_read_timeout(Some(Duration::from_secs(20)));
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

/// Run the binary (in the repository folder) with these arguments and extra environment.
pub fn run_with(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut c = sp(args);
    for (k, v) in env {
        c.env(k, v);
    }
    run(c)
}

/// `sp-contract run --certs … ARGS… --junit … --cucumber-json …` with this extra environment,
/// the reports in a temp folder: exit code, output, and the JUnit and Cucumber JSON texts.
pub fn run_with_reports(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String, String) {
    let dir = tmp();
    let junit = dir.path().join("out/junit.xml");
    let cj = dir.path().join("cucumber.json");
    let certs = certs().display().to_string();
    let mut all = vec!["run", "--certs", &certs];
    all.extend_from_slice(args);
    let (junit_arg, cj_arg) = (junit.display().to_string(), cj.display().to_string());
    all.extend_from_slice(&["--junit", &junit_arg, "--cucumber-json", &cj_arg]);
    let (code, out) = run_with(&all, env);
    // Every run writes both reports, passed or not.
    let read = |p: &Path| {
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}\n{out}", p.display()))
    };
    let (junit, cj) = (read(&junit), read(&cj));
    (code, out, junit, cj)
}

/// A suite folder with one feature and a copy of the mocks, plus an optional override mapping.
pub fn suite(feature: &str, mapping: Option<&str>) -> tempfile::TempDir {
    let dir = tmp();
    std::fs::create_dir_all(dir.path().join("features")).unwrap();
    std::fs::write(dir.path().join("features/x.feature"), feature).unwrap();
    copy_dir(&repo().join("mocks"), &dir.path().join("mocks"));
    if let Some(m) = mapping {
        std::fs::create_dir_all(dir.path().join("mocks/mappings")).unwrap();
        std::fs::write(dir.path().join("mocks/mappings/override.json"), m).unwrap();
    }
    dir
}

/// Run a suite made by [`suite`] against the embedded mock.
pub fn run_suite(dir: &Path, extra: &[&str]) -> (i32, String) {
    let f = dir.join("features").display().to_string();
    let m = dir.join("mocks").display().to_string();
    let s = dir.join("snapshots").display().to_string();
    let c = certs().display().to_string();
    let mut args = vec![
        "run",
        "--features",
        &f,
        "--mocks",
        &m,
        "--snapshots",
        &s,
        "--certs",
        &c,
    ];
    args.extend_from_slice(extra);
    run_with(&args, &[])
}

/// `sp-contract mock serve` in the background on a free loopback port, stopped on drop.
pub struct Served {
    child: std::process::Child,
    pub url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve() -> Served {
    use std::io::BufRead;
    pki();
    let mut child = sp(&["mock", "serve", "--addr", "127.0.0.1:0", "--certs"])
        .arg(certs())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start mock serve");
    let mut lines = std::io::BufReader::new(child.stdout.take().expect("piped")).lines();
    let first = lines
        .next()
        .expect("serve prints its URL")
        .expect("readable");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("https://"))
        .expect("URL in the first line")
        .to_string();
    // Keep draining so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Served { child, url }
}

/// Run a suite made by [`suite`] against a configured target `exttest` that nothing answers:
/// `https://0.0.0.0:9` is no loopback mock, and had anything connected the run would exit 3.
/// `extra_toml` is appended to the config (agreements, aliases). Returns the run, then the
/// dry run.
pub fn run_suite_against_unreachable_exttest(dir: &Path, extra_toml: &str) -> [(i32, String); 2] {
    let cfg = dir.join("sp-contract.toml");
    std::fs::write(
        &cfg,
        format!(
            "[targets.exttest]\nbase_url = \"https://0.0.0.0:9\"\nauthority_cvr = \"29189846\"\nuser_system_uuid = \"903c9e8b-9112-4e92-9860-3c82eae5d61e\"\nuser_uuid = \"e086c3cd-c29b-4283-abcb-5c18dd1e2bb7\"\ncertificate = {{ pkcs12 = \"{}\", password_env = \"{PW_ENV}\" }}\n{extra_toml}",
            pki().client_p12.display()
        ),
    )
    .unwrap();
    let f = dir.join("features").display().to_string();
    let c = cfg.display().to_string();
    let args = [
        "run",
        "--target",
        "exttest",
        "--config",
        &c,
        "--features",
        &f,
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    [run(sp(&args)), run(sp(&dry))]
}

/// A temp folder for the four reports a run can write, and the flags that ask for them.
pub struct Reports {
    dir: tempfile::TempDir,
}

impl Reports {
    pub fn new() -> Reports {
        Reports { dir: tmp() }
    }

    /// `--junit … --report-md … --report-html … --cucumber-json …` into this folder.
    pub fn flags(&self) -> Vec<String> {
        [
            ("--junit", "junit.xml"),
            ("--report-md", "report.md"),
            ("--report-html", "report.html"),
            ("--cucumber-json", "cucumber.json"),
        ]
        .iter()
        .flat_map(|(flag, file)| [flag.to_string(), self.path(file)])
        .collect()
    }

    fn path(&self, file: &str) -> String {
        self.dir.path().join(file).display().to_string()
    }

    /// A report the run wrote; panics if it did not.
    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
    }

    pub fn junit(&self) -> String {
        self.read("junit.xml")
    }

    pub fn md(&self) -> String {
        self.read("report.md")
    }

    pub fn html(&self) -> String {
        self.read("report.html")
    }

    pub fn cucumber(&self) -> String {
        self.read("cucumber.json")
    }
}

/// `sp-contract ARGS…` with every report asked for: exit code, console output, the reports.
pub fn run_reporting(args: &[&str]) -> (i32, String, Reports) {
    let reports = Reports::new();
    let flags = reports.flags();
    let mut all = args.to_vec();
    all.extend(flags.iter().map(String::as_str));
    let (code, out) = run(sp(&all));
    (code, out, reports)
}

/// In `dir`: `mocks/`, the mock's data with one field no step asserts (the father's vejkode)
/// changed, so only the snapshot can notice; and `snapshots/`, the approved snapshots without
/// any `.snap.new` a test running at the same time may have left in the checkout for a
/// moment. Returns both folders.
pub fn changed_answer(dir: &Path) -> (PathBuf, PathBuf) {
    let (mocks, snaps) = (dir.join("mocks"), dir.join("snapshots"));
    copy_dir(&repo().join("mocks"), &mocks);
    copy_dir(&repo().join("snapshots"), &snaps);
    for e in std::fs::read_dir(snaps.join("mock")).unwrap().flatten() {
        if e.path().to_string_lossy().ends_with(".snap.new") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let far = mocks.join("sf1520/far.xml");
    let before = std::fs::read_to_string(&far).unwrap();
    let after = before.replace("<vejkode>4730</vejkode>", "<vejkode>4731</vejkode>");
    assert_ne!(before, after, "test data changed: pick another field");
    std::fs::write(&far, after).unwrap();
    (mocks, snaps)
}
