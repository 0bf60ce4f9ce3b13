//! The OIO IDWS flow through the real-target code path: `mock serve` as a configured remote
//! target runs the SF1470 scenarios (the token refusals included), the STS hop is traced
//! with the assertion masked, and `--dry-run` says where the STS and the service are.

use crate::support::run::{
    pki, remote_config, run, serve, snapshots_for_local, sp_local, tmp, Remote,
};

#[test]
fn the_sf1470_scenarios_pass_against_mock_serve_as_a_remote_target() {
    let served = serve();
    let dir = tmp();
    let cfg = remote_config(dir.path(), &served.url, Remote::default());
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
        assert!(
            !t.contains("<saml:Assertion"),
            "{}: an assertion leaked",
            f.display()
        );
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

/// Exit classes per hop: no authority CVR is ours (2, nothing sent); an STS that refuses (no
/// serviceaftale for the CVR) is 3 and named; the service is not called.
#[test]
fn a_missing_cvr_is_exit_2_and_an_sts_refusal_is_exit_3_naming_the_sts() {
    let served = serve();
    let dir = tmp();
    let args = [
        "--tags",
        "@SF1470",
        "--name",
        "En sag, der ikke er i indekset, kan ikke fjernes",
    ];
    let cfg = remote_config(
        dir.path(),
        &served.url,
        Remote {
            no_authority: true,
            ..Remote::default()
        },
    );
    let (code, out) = run(sp_local("run", &cfg, &args));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("has no authority_cvr"), "{out}");

    let cfg = remote_config(dir.path(), &served.url, Remote::default());
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace(
            "authority_cvr = \"29189846\"",
            "authority_cvr = \"11111111\"",
        ),
    )
    .unwrap();
    let trace = dir.path().join("trace");
    let mut traced = args.to_vec();
    traced.extend(["--trace", trace.to_str().unwrap()]);
    let (code, out) = run(sp_local("run", &cfg, &traced));
    assert_eq!(code, 3, "{out}");
    // The refusing STS hop is in the trace.
    let hops: Vec<_> = walk(&trace)
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("STS"))
        .collect();
    assert_eq!(hops.len(), 1, "{hops:?}");
    let text = std::fs::read_to_string(&hops[0]).unwrap();
    assert!(text.contains("NoServiceAgreement"), "{text}");
    assert!(
        out.contains(&format!(
            "the STS at {}/runtime/services/kombittrust/14/certificatemixed refused to issue a token"
        , served.url)),
        "{out}"
    );
    assert!(out.contains("no service agreement for SF1470"), "{out}");
}

/// `idws_sts_certificate`: with the STS's own certificate the SF1470 scenarios pass; with
/// another certificate the STS's answer does not verify, which is the contract broken (1),
/// before any service call; a file that cannot be read is ours to fix (2). `--dry-run` says
/// whether the answers are checked.
#[test]
fn the_sts_answer_is_checked_with_the_configured_certificate() {
    let served = serve();
    let pki = pki();
    let with = |cert: &std::path::Path| {
        let dir = tmp();
        let extra = format!("idws_sts_certificate = \"{}\"", cert.display());
        let cfg = remote_config(
            dir.path(),
            &served.url,
            Remote {
                extra: &extra,
                ..Remote::default()
            },
        );
        let snaps = snapshots_for_local(dir.path());
        let out = run(sp_local(
            "run",
            &cfg,
            &["--tags", "@SF1470", "--snapshots", snaps.to_str().unwrap()],
        ));
        let dry = run(sp_local("run", &cfg, &["--tags", "@SF1470", "--dry-run"]));
        (out, dry, dir)
    };

    let ((code, out), (_, dry), _dir) = with(&pki.sts_pem);
    assert_eq!(code, 0, "{out}");
    assert!(
        dry.contains(&format!(
            "OIO IDWS: the STS's answers and assertions are checked with its certificate {}",
            pki.sts_pem.display()
        )),
        "{dry}"
    );

    // Another RSA certificate of the same CA: the signature itself does not verify.
    let ((code, out), _, _dir) = with(&pki.client_pem);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the STS's answer does not verify")
            && out.contains(&format!(
                "(checked with {}, the target's idws_sts_certificate",
                pki.client_pem.display()
            )),
        "{out}"
    );

    // Said once, before anything is sent; a dry run says it too.
    let missing = pki.dir.join("no-such-sts.pem");
    let ((code, out), (dry_code, dry), _dir) = with(&missing);
    assert_eq!(dry_code, 2, "{dry}");
    assert!(
        dry.contains("cannot read the STS's certificate (idws_sts_certificate of target 'local')"),
        "{dry}"
    );
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out.matches("cannot read the STS's certificate (idws_sts_certificate of target 'local')")
            .count(),
        1,
        "{out}"
    );
    assert!(!out.contains(".feature:"), "scenarios ran: {out}");
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
    // Without idws_sts_certificate the STS's answers are used unchecked, and it says so.
    assert!(
        out.contains("OIO IDWS: the STS's answers and assertions are used unchecked: target 'local' names no idws_sts_certificate"),
        "{out}"
    );

    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str("endpoint = \"http://plain.example\"\n");
    std::fs::write(&cfg, &text).unwrap();
    let (code, out) = run(sp_local("run", &cfg, &["--tags", "@SF1470", "--dry-run"]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("[targets.local.services.SF1470] endpoint"),
        "{out}"
    );
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

/// A test-only doctor probe for SF1470: a testkald through `ProbeCx::soap`, so through the
/// OIO IDWS flow (the real probe, a `fremsoeg`, is the service folder's).
struct TestkaldProbe;

impl sp_contract::doctor::Probe for TestkaldProbe {
    fn service(&self) -> &'static sp_contract::core::service::ServiceInfo {
        &sp_contract::services::sf1470::INFO
    }

    fn describe(&self, _: &sp_contract::targets::target::Target) -> String {
        "a testkald".into()
    }

    fn call<'a>(
        &'a self,
        cx: &'a sp_contract::doctor::ProbeCx,
    ) -> sp_contract::doctor::ProbeFuture<'a> {
        Box::pin(async move {
            let body = "<tk:Testkald xmlns:tk=\"urn:sp-contract:testkald\"/>";
            cx.soap(self.service(), "urn:sp-contract:testkald", body, |_| {
                String::new()
            })
            .await
        })
    }
}

/// `doctor --service SF1470` on `t` with the testkald probe: exit code and findings.
async fn doctor_sf1470(t: sp_contract::targets::target::Target) -> (i32, String) {
    let probes: Vec<Box<dyn sp_contract::doctor::Probe>> = vec![Box::new(TestkaldProbe)];
    let services = Some(vec!["SF1470".into()]);
    let report = sp_contract::doctor::diagnose(std::sync::Arc::new(t), services, &probes).await;
    (report.exit_code().code(), report.render(false))
}

/// The doctor places the STS's refusal on KOMBIT's steps: no serviceaftale for the CVR is
/// step 2, refused by the STS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_doctor_places_an_sts_refusal_on_the_onboarding_steps() {
    let (_mock, target) = crate::support::run::embedded_mock().await;
    let mut t = (*target).clone();
    t.authority_cvr = Some("11111111".into());
    let (code, text) = doctor_sf1470(t).await;
    assert_eq!(code, 1, "{text}");
    for want in [
        "SF1470: the platform has no serviceaftale for SF1470 between the it-system and the authority with CVR 11111111",
        "refused by STS (HTTP 500)",
        "NoServiceAgreement",
        "OIO IDWS: the STS finds the serviceaftale",
    ] {
        assert!(text.contains(want), "{want:?} missing in:\n{text}");
    }
}

/// An STS that cannot be reached is exit 3, and the doctor names the STS, not the service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_doctor_names_an_unreachable_sts() {
    let (_mock, target) = crate::support::run::embedded_mock().await;
    let mut t = (*target).clone();
    t.idws.sts_url =
        Some("https://127.0.0.1:9/runtime/services/kombittrust/14/certificatemixed".into());
    let (code, text) = doctor_sf1470(t).await;
    assert_eq!(code, 3, "{text}");
    assert!(
        text.contains("got no token: the STS (the hop before the service) gave no answer"),
        "{text}"
    );
    assert!(text.contains("check idws_sts_url"), "{text}");
}
