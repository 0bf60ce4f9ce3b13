//! The OIO IDWS flow through the real-target code path: `mock serve` as a configured remote
//! target runs the SF1470 scenarios (the token refusals included), the STS hop is traced
//! with the assertion masked, and `--dry-run` says where the STS and the service are.

use crate::support::run::{
    remote_config, run, serve, snapshots_for_local, sp_local, tmp, Remote, PW_ENV,
};

#[test]
fn the_sf1470_scenarios_pass_against_mock_serve_as_a_remote_target() {
    let served = serve();
    let dir = tmp();
    let cfg = remote_config(dir.path(), &served.url, Remote::default());
    // The forged-assertion scenario names the foreign certificate.
    let pki = crate::support::run::pki();
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "[targets.local.aliases.identities.fremmed]\npkcs12 = \"{}\"\npassword_env = \"{PW_ENV}\"\n",
        pki.foreign_p12.display()
    ));
    std::fs::write(&cfg, text).unwrap();
    let snaps = snapshots_for_local(dir.path());
    let trace = dir.path().join("trace");
    let (code, out) = run(sp_local(
        "run",
        &cfg,
        &[
            "--tags",
            "@SF1470",
            "--snapshots",
            snaps.to_str().unwrap(),
            "--trace",
            trace.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" 0 failed"), "{out}");
    assert!(out.contains("token.feature"), "{out}");

    // The STS hop went to the served mock, and no assertion reached the trace.
    let mut sts = 0;
    for f in walk(&trace) {
        let t = std::fs::read_to_string(&f).unwrap();
        assert!(!t.contains("<saml:Assertion"), "{}: an assertion leaked", f.display());
        if f.to_string_lossy().contains("STS") {
            sts += 1;
            assert!(
                t.contains(&format!(
                    "> POST {}/runtime/services/kombittrust/14/certificatemixed",
                    served.url
                )),
                "{t}"
            );
        }
    }
    assert!(sts > 0, "no STS hop traced");

    let (code, out) = run(sp_local("run", &cfg, &["--tags", "@SF1470", "--dry-run"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!(
            "OIO IDWS SF1470: STS {}/runtime/services/kombittrust/14/certificatemixed (default)",
            served.url
        )),
        "{out}"
    );
}

#[test]
fn configured_idws_endpoints_are_what_dry_run_shows() {
    let dir = tmp();
    let cfg = remote_config(
        dir.path(),
        "https://exttest.serviceplatformen.dk",
        Remote {
            extra: "idws_sts_url = \"https://sts.example.invalid/issue\"",
            ..Remote::default()
        },
    );
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("[targets.local.services.SF1470]\nsoap = \"1.2\"\n");
    std::fs::write(&cfg, text).unwrap();
    let (_, out) = run(sp_local("run", &cfg, &["--tags", "@SF1470", "--dry-run"]));
    assert!(
        out.contains("OIO IDWS SF1470: STS https://sts.example.invalid/issue (configured), endpoint https://sagsogdokumentindeks.eksterntest-stoettesystemerne.dk/"),
        "{out}"
    );
    assert!(out.contains("SOAP 1.2 (configured)"), "{out}");

    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("endpoint = \"http://plain.example\"\n");
    std::fs::write(&cfg, &text).unwrap();
    let (code, out) = run(sp_local("run", &cfg, &["--tags", "@SF1470", "--dry-run"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("[targets.local.services.SF1470] endpoint"), "{out}");
    let text = text
        .replace("soap = \"1.2\"", "soap = \"2\"")
        .replace("endpoint = \"http://plain.example\"\n", "");
    std::fs::write(&cfg, text).unwrap();
    let (code, out) = run(sp_local("run", &cfg, &["--tags", "@SF1470", "--dry-run"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("must be \"1.1\" or \"1.2\""), "{out}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
