//! The bad-input corpus: every case under `tests/data/bad/<kind>/<case>/case.toml` runs the
//! release-shaped binary once and must end with its documented exit code, within its time,
//! without a panic, saying what the case expects and leaking nothing it must not.
//!
//! The format is documented in `tests/data/bad/README.md`. `BAD_CASE=<substring>` runs only
//! the matching cases.

use crate::support::hostile;
use crate::support::run as run_support;

use run_support::{certs, pki, remote_config, repo, Remote, BIN, PW_ENV};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// Fewer cases than this means the corpus lost some (issue 9 asks for at least 80).
const MIN_CASES: usize = 80;
/// Cases run at once: most of a case's time is process start and waiting on sockets.
const WORKERS: usize = 4;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    about: String,
    args: Vec<String>,
    exit: i32,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    timeout_s: Option<u64>,
    #[serde(default)]
    stdin: Option<String>,
    #[serde(default)]
    setup: Vec<String>,
    #[serde(default)]
    config_extra: Vec<String>,
    #[serde(default)]
    server: Option<hostile::Spec>,
}

/// `tests/data/bad/<kind>/<case>` folders, sorted.
fn case_dirs() -> Vec<PathBuf> {
    let root = repo().join("tests/data/bad");
    let mut out = Vec::new();
    for kind in sorted_dirs(&root) {
        for case in sorted_dirs(&kind) {
            if case.join("case.toml").is_file() {
                out.push(case);
            }
        }
    }
    out
}

fn sorted_dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn name(dir: &Path) -> String {
    let kind = dir.parent().unwrap().file_name().unwrap().to_string_lossy();
    format!("{kind}/{}", dir.file_name().unwrap().to_string_lossy())
}

#[test]
fn every_bad_input_gets_its_documented_exit_code() {
    pki();
    let filter = std::env::var("BAD_CASE").ok();
    let all = case_dirs();
    if filter.is_none() {
        assert!(
            all.len() >= MIN_CASES,
            "the corpus has {} cases, fewer than {MIN_CASES}",
            all.len()
        );
    }
    let cases: Vec<PathBuf> = all
        .into_iter()
        .filter(|d| filter.as_ref().is_none_or(|f| name(d).contains(f.as_str())))
        .collect();
    assert!(!cases.is_empty(), "no case matches BAD_CASE={filter:?}");

    let queue = Mutex::new(cases.clone());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let Some(dir) = queue.lock().unwrap().pop() else {
                    return;
                };
                let started = Instant::now();
                let verdict = run_case(&dir);
                results
                    .lock()
                    .unwrap()
                    .push((name(&dir), started.elapsed(), verdict));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failed = Vec::new();
    for (n, took, v) in &results {
        match v {
            Ok(code) => eprintln!("ok    {n} (exit {code}, {} ms)", took.as_millis()),
            Err(why) => {
                eprintln!("FAIL  {n} ({} ms)", took.as_millis());
                failed.push(format!("{n}: {why}"));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} bad-input cases failed:\n\n{}",
        failed.len(),
        results.len(),
        failed.join("\n\n")
    );
}

/// Run one case; Ok(exit code) or why it failed.
fn run_case(dir: &Path) -> Result<i32, String> {
    let text = std::fs::read_to_string(dir.join("case.toml")).map_err(|e| e.to_string())?;
    let case: Case = toml::from_str(&text).map_err(|e| format!("case.toml: {e}"))?;
    if case.about.trim().is_empty() {
        return Err("case.toml: `about` is empty".into());
    }
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let work = tmp.path().join("case");
    let witness = hostile::Witness::start();
    let server = case
        .server
        .clone()
        .map(|spec| hostile::start(spec, &certs(), &witness.addr));
    let config = match &server {
        Some(s) => {
            let cdir = tmp.path().join("config");
            std::fs::create_dir_all(&cdir).unwrap();
            let extra = case.config_extra.join("\n");
            remote_config(
                &cdir,
                &s.url,
                Remote {
                    extra: &extra,
                    ..Remote::default()
                },
            )
            .display()
            .to_string()
        }
        None => String::new(),
    };
    let subst = |t: &str| {
        t.replace("{case}", &work.display().to_string())
            .replace("{repo}", &repo().display().to_string())
            .replace("{certs}", &certs().display().to_string())
            .replace("{witness}", &witness.addr)
            .replace("{config}", &config)
            .replace(
                "{server}",
                server.as_ref().map(|s| s.url.as_str()).unwrap_or(""),
            )
    };
    copy_case(dir, &work, &subst)?;
    for s in &case.setup {
        setup(&work, s)?;
    }
    let before = snapshot_files(&work);

    let mut cmd = Command::new(BIN);
    cmd.current_dir(&work)
        .args(case.args.iter().map(|a| subst(a)))
        .env("NO_COLOR", "1")
        .env(PW_ENV, sp_contract::targets::pki::TEST_P12_PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if case.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    let mut child = cmd.spawn().map_err(|e| format!("cannot start: {e}"))?;
    if let Some(input) = &case.stdin {
        use std::io::Write;
        let mut si = child.stdin.take().unwrap();
        let input = subst(input);
        std::thread::spawn(move || {
            let _ = si.write_all(input.as_bytes());
        });
    }
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let limit = Duration::from_secs(case.timeout_s.unwrap_or(30));
    let started = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("hang: still running after {} s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = format!(
        "{}{}",
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default()
    );
    let shown = || format!("\n--- output ---\n{}", tail(&output, 3000));
    let Some(code) = status.code() else {
        return Err(format!("killed by a signal ({status}){}", shown()));
    };
    if code == 101 || output.contains("panicked at") {
        return Err(format!("panicked (exit {code}){}", shown()));
    }
    if code != case.exit {
        return Err(format!("exit {code}, expected {}{}", case.exit, shown()));
    }
    for c in &case.contains {
        let c = subst(c);
        if !output.contains(&c) {
            return Err(format!("output lacks {c:?}{}", shown()));
        }
    }
    let written = written_files(&work, &before);
    for a in &case.absent {
        let a = subst(a);
        if output.contains(&a) {
            return Err(format!("output contains {a:?}{}", shown()));
        }
        for f in &written {
            let bytes = std::fs::read(f).unwrap_or_default();
            if String::from_utf8_lossy(&bytes).contains(&a) {
                return Err(format!("{} contains {a:?}", f.display()));
            }
        }
    }
    if witness.hits() > 0 {
        return Err(format!(
            "the witness was contacted {} time(s): a redirect was followed{}",
            witness.hits(),
            shown()
        ));
    }
    Ok(code)
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = r.read_to_end(&mut v);
        String::from_utf8_lossy(&v).into_owned()
    })
}

fn tail(s: &str, n: usize) -> &str {
    let mut i = s.len().saturating_sub(n);
    while !s.is_char_boundary(i) {
        i += 1;
    }
    &s[i..]
}

/// Copy the case folder, substituting placeholders in every UTF-8 file.
fn copy_case(from: &Path, to: &Path, subst: &dyn Fn(&str) -> String) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for e in std::fs::read_dir(from)
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_case(&p, &dest, subst)?;
        } else {
            let bytes = std::fs::read(&p).map_err(|e| e.to_string())?;
            let bytes = match String::from_utf8(bytes) {
                Ok(t) => subst(&t).into_bytes(),
                Err(e) => e.into_bytes(),
            };
            std::fs::write(&dest, bytes).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// `fifo:PATH`, `symlink:PATH->TARGET`, `big:PATH:BYTES:LINE`.
fn setup(work: &Path, s: &str) -> Result<(), String> {
    let mkparent =
        |p: &Path| std::fs::create_dir_all(p.parent().unwrap()).map_err(|e| e.to_string());
    if let Some(rest) = s.strip_prefix("fifo:") {
        let p = work.join(rest);
        mkparent(&p)?;
        let ok = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err(format!("setup {s}: mkfifo (coreutils) failed"));
        }
    } else if let Some(rest) = s.strip_prefix("symlink:") {
        let (link, target) = rest
            .split_once("->")
            .ok_or_else(|| format!("setup {s}: want symlink:PATH->TARGET"))?;
        let p = work.join(link);
        mkparent(&p)?;
        std::os::unix::fs::symlink(target, &p).map_err(|e| format!("setup {s}: {e}"))?;
    } else if let Some(rest) = s.strip_prefix("big:") {
        let mut it = rest.splitn(3, ':');
        let (Some(path), Some(bytes), Some(line)) = (it.next(), it.next(), it.next()) else {
            return Err(format!("setup {s}: want big:PATH:BYTES:LINE"));
        };
        let bytes: usize = bytes.parse().map_err(|_| format!("setup {s}: BYTES"))?;
        let mut text = String::from("# language: da\nEgenskab: stor\n");
        while text.len() < bytes {
            text.push_str(line);
            text.push('\n');
        }
        let p = work.join(path);
        mkparent(&p)?;
        std::fs::write(&p, text).map_err(|e| e.to_string())?;
    } else {
        return Err(format!("setup {s:?}: unknown (fifo:, symlink:, big:)"));
    }
    Ok(())
}

type Stamp = std::collections::HashMap<PathBuf, (u64, Option<SystemTime>)>;

fn snapshot_files(root: &Path) -> Stamp {
    let mut m = Stamp::new();
    walk(root, &mut |p| {
        if let Ok(md) = std::fs::metadata(p) {
            m.insert(p.to_path_buf(), (md.len(), md.modified().ok()));
        }
    });
    m
}

/// Files that are new or changed since `before`.
fn written_files(root: &Path, before: &Stamp) -> Vec<PathBuf> {
    let mut v = Vec::new();
    walk(root, &mut |p| {
        let now = std::fs::metadata(p)
            .ok()
            .map(|md| (md.len(), md.modified().ok()));
        if now.is_some() && before.get(p) != now.as_ref() {
            v.push(p.to_path_buf());
        }
    });
    v
}

/// Regular files below `root`, not following symbolic links (cases make loops on purpose).
fn walk(root: &Path, f: &mut dyn FnMut(&Path)) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    for e in rd.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&e.path(), f);
        } else if ft.is_file() {
            f(&e.path());
        }
    }
}

#[test]
fn every_case_folder_has_a_case_file() {
    // A folder without case.toml would silently not run.
    let root = repo().join("tests/data/bad");
    for kind in sorted_dirs(&root) {
        for case in sorted_dirs(&kind) {
            assert!(
                case.join("case.toml").is_file(),
                "{} has no case.toml",
                case.display()
            );
        }
    }
}
