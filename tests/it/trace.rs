//! `run --trace DIR`: every exchanged message in a file of its own, numbered per scenario,
//! masked as the reports are; against the embedded mock and a remote target; an unwritable
//! folder refused before anything runs.

use crate::support::run::{certs, remote_config, run, serve, sp, sp_local, tmp, Remote};
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Ten digits that look like a CPR number (DDMMYY-SSSS), unmasked. UUIDs and hex digests
/// are taken out first: their digits can look like a CPR number by chance (about one random
/// UUID in 2,500 does, so a trace with some hundred UUIDs now and then), and they are not one.
fn unmasked_cpr(text: &str) -> Option<String> {
    let ids = regex::Regex::new(
        r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32,}",
    )
    .unwrap();
    let text = ids.replace_all(text, "_");
    let re = regex::Regex::new(
        r"(?:^|[^0-9])((?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2}-?[0-9]{4})(?:$|[^0-9])",
    )
    .unwrap();
    re.captures(&text).map(|c| c[1].to_string())
}

fn check_masked(dir: &Path) -> Vec<PathBuf> {
    let all = files(dir);
    for f in &all {
        let name = f.strip_prefix(dir).unwrap().display().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        assert!(unmasked_cpr(&name).is_none(), "CPR in a file name: {name}");
        if let Some(cpr) = unmasked_cpr(&text) {
            panic!("unmasked CPR {cpr} in {name}:\n{text}");
        }
    }
    all
}

#[test]
fn a_run_against_the_embedded_mock_leaves_one_masked_file_per_exchange() {
    let out_dir = tmp();
    let trace = out_dir.path().join("trace");
    let certs = certs().display().to_string();
    let (code, out) = run(sp(&[
        "run",
        "--certs",
        &certs,
        "--tags",
        "@SF1520 or @SF1601",
        "--trace",
        trace.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{out}");
    let all = check_masked(&trace);
    assert!(all.len() >= 10, "{all:?}");
    let names: Vec<String> = all
        .iter()
        .map(|f| f.strip_prefix(&trace).unwrap().display().to_string())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("cpr-opslag/") && n.ends_with("/001-SF1520-PersonLookup.txt")),
        "{names:#?}"
    );
    assert!(
        names.iter().any(|n| n.contains("/002-")),
        "a scenario's second exchange is numbered 002: {names:#?}"
    );
    let soap = std::fs::read_to_string(
        all.iter()
            .find(|f| f.ends_with("001-SF1520-PersonLookup.txt"))
            .unwrap(),
    )
    .unwrap();
    for want in [
        "> POST https://127.0.0.1:",
        "> SOAPAction: \"http",
        "> Content-Type: text/xml",
        "\n< HTTP ",
        "< Content-Type: text/xml",
        "<soapenv:Envelope",
    ] {
        assert!(soap.contains(want), "{want}:\n{soap}");
    }
    let rest = all
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .find(|t| t.starts_with("# SF1601"))
        .expect("an SF1601 exchange");
    assert!(
        rest.contains("> Authorization: Holder-of-key [redacted]"),
        "{rest}"
    );
}

#[test]
fn a_run_against_a_remote_target_is_traced_too() {
    let served = serve();
    let dir = tmp();
    let cfg = remote_config(dir.path(), &served.url, Remote::default());
    let trace = dir.path().join("trace");
    let (code, out) = run(sp_local(
        "run",
        &cfg,
        &[
            "--name",
            "Død",
            "--update-snapshots",
            "--snapshots",
            dir.path().join("snaps").to_str().unwrap(),
            "--trace",
            trace.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{out}");
    let all = check_masked(&trace);
    assert!(!all.is_empty());
    let text = std::fs::read_to_string(&all[0]).unwrap();
    assert!(
        text.contains(&format!("> POST {}/service/", served.url)),
        "{text}"
    );
}

#[test]
fn an_unwritable_trace_folder_is_exit_2_before_anything_runs() {
    let dir = tmp();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let certs = certs().display().to_string();
    let (code, out) = run(sp(&[
        "run",
        "--certs",
        &certs,
        "--trace",
        file.join("trace").to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("cannot write the trace to") && out.contains("--trace"),
        "{out}"
    );
    assert!(!out.contains("passed"), "nothing ran: {out}");
}
