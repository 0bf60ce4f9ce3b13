//! `sp-contract doctor` against the embedded mock and against an in-process mock configured
//! as a remote target: each onboarding step that can be missing, and each reason a TLS
//! handshake can fail, gives its own finding, next step and exit code.

use crate::support::run as run_support;

use crate::support::echo_proxy;

use run_support::*;
use sp_contract::core::soap::{Fault, FaultError};
use sp_contract::doctor::{certificate_findings, classify_fault, Access, Level, Stage};
use sp_contract::targets::pki::{CertInfo, IdentitySource};
use std::path::{Path, PathBuf};

const PENDING: &str = "9a2acf37-c76d-4659-af0d-787391032e7b";
const REJECTED: &str = "ee6b016c-b325-474d-a6f7-4611757133eb";
const UNKNOWN: &str = "ffffffff-ffff-4fff-bfff-ffffffffffff";

fn doctor(cfg: &Path, extra: &[&str]) -> (i32, String) {
    run(sp_local("doctor", cfg, extra))
}

/// The doctor against an in-process mock of the repository's data, configured as the remote
/// target `local` with these options.
fn doctor_against_mock(opt: Remote<'_>, extra: &[&str]) -> (i32, String) {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    let cfg = remote_config(dir.path(), &mock.url, opt);
    doctor(&cfg, extra)
}

/// The text under a step's heading, up to the next one.
fn step(out: &str, n: u8) -> String {
    let start = out
        .find(&format!("Step {n} of 4"))
        .unwrap_or_else(|| panic!("no step {n} in {out}"));
    let rest = &out[start..];
    let end = rest[1..]
        .find("\nStep ")
        .map(|i| i + 1)
        .unwrap_or(rest.len());
    rest[..end].to_string()
}

#[test]
fn all_four_steps_pass_on_the_embedded_mock() {
    let certs = certs().display().to_string();
    let (code, out) = run(sp(&["doctor", "--certs", &certs]));
    assert_eq!(code, 0, "{out}");
    for n in 1..=4 {
        assert!(step(&out, n).contains('✔'), "step {n}: {out}");
        assert!(!step(&out, n).contains('✘'), "step {n}: {out}");
    }
    assert!(out.contains("SHA-256"), "fingerprint shown: {out}");
    assert!(out.contains("issued by"), "issuer chain shown: {out}");
    assert!(out.contains("days"), "days to expiry: {out}");
    assert!(out.contains("TLSv1."), "{out}");
    let s4 = step(&out, 4);
    for went in [
        "SF1520: PersonLookup of the test citizen \"far\" went through",
        "SF1600: spoergTilmelding of the test citizen \"far\" went through",
        "SF1601: PostForespoerg (Digital Post) of the test citizen \"far\" went through",
        "SF2900: FordelingsmodtagerList of KLE 32.30.04 for CVR 29189846 went through",
    ] {
        assert!(s4.contains(went), "{went}: {out}");
    }
    assert!(
        s4.contains("says the test citizen is enrolled in Digital Post"),
        "{out}"
    );
    assert!(s4.contains("name ESDH"), "the routing read: {out}");
    assert!(s4.contains("SF1470: the doctor has no read call"), "{out}");
    no_cpr_in(&out);
}

/// No CPR number of the mock's citizens reaches the output.
fn no_cpr_in(out: &str) {
    let p = sp_contract::platform::data::Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .unwrap();
    for c in &p.citizens {
        assert!(!out.contains(&c.entry.cpr), "CPR in the output: {out}");
    }
}

/// A copy of the mock's data in which `service`'s serviceaftaler have `status`, or are gone
/// (None): the platform's side of a missing or pending agreement.
fn mocks_with(dir: &Path, service: &str, status: Option<&str>) -> PathBuf {
    let to = dir.join(format!("mocks-{service}-{}", status.unwrap_or("none")));
    copy_dir(&repo().join("mocks"), &to);
    let file = to.join("platform.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let list = v["agreements"].as_array_mut().unwrap();
    let before = list.len();
    match status {
        None => list.retain(|a| a["service"] != service),
        Some(s) => {
            for a in list.iter_mut().filter(|a| a["service"] == service) {
                a["status"] = s.into();
            }
        }
    }
    assert!(
        status.is_some() || list.len() < before,
        "{service} has a serviceaftale in the mock's data"
    );
    std::fs::write(&file, v.to_string()).unwrap();
    to
}

#[test]
fn sf2900_and_sf1601_probes_go_through_on_a_remote_target() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    let cfg = remote_config(dir.path(), &mock.url, Remote::default());
    let (code, out) = doctor(&cfg, &["--service", "SF2900,SF1601"]);
    assert_eq!(code, 0, "{out}");
    let s4 = step(&out, 4);
    assert!(
        s4.contains("SF2900: FordelingsmodtagerList of KLE 32.30.04 for CVR 29189846 went through"),
        "{out}"
    );
    assert!(
        s4.contains(
            "SF1601: PostForespoerg (Digital Post) of the test citizen \"far\" went through"
        ),
        "{out}"
    );
    assert!(
        !out.contains("SF1520"),
        "only the services asked for: {out}"
    );
    // The serviceaftale is found from certificate and CVR: the doctor says so.
    let s3 = step(&out, 3);
    assert!(
        s3.contains("SF2900: the serviceaftale for the it-system with CVR 29189846 is approved"),
        "{out}"
    );
    assert!(s3.contains("AuthorityContext"), "{out}");
    assert!(s3.contains("token model"), "{out}");
    assert!(s3.contains("is not sent"), "{out}");
    no_cpr_in(&out);
}

#[test]
fn sf2900_missing_pending_and_rejected_agreements_on_the_platform_are_told_apart() {
    let dir = tmp();
    for (status, n, words, code) in [
        (
            None,
            2,
            "SF2900: the platform has no serviceaftale for SF2900 between the it-system and the authority with CVR 29189846",
            "ServiceAgreementNotFound",
        ),
        (
            Some("pending"),
            3,
            "SF2900: the serviceaftale for the it-system with CVR 29189846 is waiting for the municipality's approval",
            "ServiceAgreementNotApproved",
        ),
        (
            Some("rejected"),
            3,
            "SF2900: the municipality has rejected the serviceaftale for the it-system with CVR 29189846",
            "ServiceAgreementNotApproved",
        ),
    ] {
        let mock = InProcessMock::start(&mocks_with(dir.path(), "SF2900", status));
        // Our configuration names the serviceaftale; the platform lacks it or has not approved it.
        let cfg = remote_config(dir.path(), &mock.url, Remote::default());
        let (exit, out) = doctor(&cfg, &["--service", "SF2900"]);
        assert_eq!(exit, 1, "the platform answered no: {out}");
        let s = step(&out, n);
        assert!(s.contains('✘') && s.contains(words), "step {n}: {out}");
        assert!(s.contains(code), "the platform's fault: {out}");
        assert!(s.contains("→ "), "says what to do next: {out}");
        assert!(step(&out, 1).contains("TLS handshake"), "{out}");
        assert!(!step(&out, 4).contains("went through"), "{out}");
        if n == 2 {
            assert!(
                s.contains("request a serviceaftale for SF2900 for the it-system"),
                "{out}"
            );
            assert!(!step(&out, 3).contains('✘'), "{out}");
        } else {
            assert!(
                step(&out, 2).contains("SF2900: the platform knows the serviceaftale"),
                "{out}"
            );
        }
    }
}

#[test]
fn sf1601_refusals_of_the_token_flow_name_the_step_and_the_hop() {
    let dir = tmp();
    for (status, n, words, code) in [
        (
            None,
            2,
            "SF1601: the platform has no serviceaftale for SF1601 between the it-system and the authority with CVR 29189846",
            "NoServiceAgreement",
        ),
        (
            Some("pending"),
            3,
            "SF1601: the serviceaftale for the it-system with CVR 29189846 is waiting for the municipality's approval",
            "ServiceAgreementNotApproved",
        ),
    ] {
        let mock = InProcessMock::start(&mocks_with(dir.path(), "SF1601", status));
        let cfg = remote_config(dir.path(), &mock.url, Remote::default());
        let (exit, out) = doctor(&cfg, &["--service", "SF1601"]);
        assert_eq!(exit, 1, "the platform answered no: {out}");
        let s = step(&out, n);
        assert!(s.contains('✘') && s.contains(words), "step {n}: {out}");
        assert!(s.contains(code), "the STS's error: {out}");
        assert!(s.contains("refused by STS (HTTP 403)"), "names the hop: {out}");
        assert!(s.contains("TransaktionsId: "), "{out}");
        assert!(!step(&out, 4).contains("went through"), "{out}");
        no_cpr_in(&out);
    }

    // A vendor's older mocks/post/faults.json without the wording for a pending serviceaftale:
    // the STS says there is none, as it used to.
    let mocks = mocks_with(dir.path(), "SF1601", Some("rejected"));
    let faults = mocks.join("post/faults.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&faults).unwrap()).unwrap();
    assert!(v["rest"]
        .as_object_mut()
        .unwrap()
        .remove("sts_agreement_not_approved")
        .is_some());
    std::fs::write(&faults, v.to_string()).unwrap();
    let mock = InProcessMock::start(&mocks);
    let cfg = remote_config(dir.path(), &mock.url, Remote::default());
    let (exit, out) = doctor(&cfg, &["--service", "SF1601"]);
    assert_eq!(exit, 1, "{out}");
    assert!(step(&out, 2).contains("NoServiceAgreement"), "{out}");

    // A certificate the platform does not know: the STS refuses it, step 1.
    let mock = InProcessMock::start(&repo().join("mocks"));
    let cfg = remote_config(
        dir.path(),
        &mock.url,
        Remote {
            p12: Some(pki().unregistered_p12),
            ..Default::default()
        },
    );
    let (exit, out) = doctor(&cfg, &["--service", "SF1601,SF2900"]);
    assert_eq!(exit, 1, "{out}");
    let s1 = step(&out, 1);
    for svc in ["SF1601", "SF2900"] {
        assert!(
            s1.contains(&format!(
                "{svc}: the platform says the certificate is not registered on the it-system"
            )),
            "{svc}: {out}"
        );
    }
    assert!(s1.contains("refused by STS (HTTP 403)"), "{out}");
    assert!(s1.contains("CertificateNotRegistered"), "{out}");
}

#[test]
fn sf2900_and_sf1601_need_the_authority_cvr() {
    let (code, out) = doctor_against_mock(
        Remote {
            no_authority: true,
            ..Default::default()
        },
        &["--service", "SF2900,SF1601"],
    );
    assert_eq!(code, 2, "our configuration lacks it: {out}");
    let s4 = step(&out, 4);
    assert!(s4.contains("SF2900: the read call cannot be made"), "{out}");
    assert!(s4.contains("SF1601: the read call cannot be made"), "{out}");
    assert_eq!(s4.matches("set authority_cvr").count(), 2, "{out}");
}

#[test]
fn pending_rejected_and_unknown_agreements_are_told_apart() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    for (uuid, n, words) in [
        (PENDING, 3, "waiting for the municipality's approval"),
        (REJECTED, 3, "has rejected"),
        (UNKNOWN, 2, "has no serviceaftale"),
    ] {
        let cfg = remote_config(
            dir.path(),
            &mock.url,
            Remote {
                agreements: Some(vec![("SF1520", uuid)]),
                ..Default::default()
            },
        );
        let (code, out) = doctor(&cfg, &[]);
        assert_eq!(code, 1, "the platform answered no: {out}");
        let s = step(&out, n);
        assert!(s.contains('✘') && s.contains(words), "step {n}: {out}");
        assert!(s.contains("→ "), "says what to do next: {out}");
        assert!(step(&out, 1).contains("TLS handshake"), "{out}");
        assert!(
            !step(&out, 4).contains("went through"),
            "calls do not go through: {out}"
        );
        if n == 3 {
            assert!(
                step(&out, 2).contains("knows serviceaftale"),
                "a pending agreement exists: {out}"
            );
            assert!(step(&out, 3).contains("CVR 29189846"), "{out}");
        }
    }
}

#[test]
fn unregistered_certificate_fails_step_one_with_the_platforms_answer() {
    let (code, out) = doctor_against_mock(
        Remote {
            p12: Some(pki().unregistered_p12),
            ..Default::default()
        },
        &[],
    );
    assert_eq!(code, 1, "{out}");
    let s1 = step(&out, 1);
    assert!(
        s1.contains("the TLS handshake with"),
        "TLS itself works: {out}"
    );
    assert!(s1.contains("not registered on the it-system"), "{out}");
    assert!(s1.contains("CertificateNotRegistered"), "the fault: {out}");
    assert!(s1.contains("register the certificate"), "{out}");
}

#[test]
fn expired_certificate_is_our_problem_and_the_handshake_is_refused() {
    let (code, out) = doctor_against_mock(
        Remote {
            p12: Some(pki().expired_p12),
            ..Default::default()
        },
        &[],
    );
    assert_eq!(code, 2, "an expired certificate is ours to fix: {out}");
    let s1 = step(&out, 1);
    assert!(s1.contains("has expired"), "{out}");
    assert!(s1.contains("renew the function certificate"), "{out}");
    assert!(
        s1.contains("server refused our client certificate"),
        "and the mock's TLS front refuses it: {out}"
    );
    assert!(step(&out, 4).contains("not called"), "{out}");
}

#[test]
fn certificate_from_another_ca_is_refused_in_the_handshake_exit_3() {
    let (code, out) = doctor_against_mock(
        Remote {
            p12: Some(pki().foreign_p12),
            ..Default::default()
        },
        &[],
    );
    assert_eq!(code, 3, "{out}");
    let s1 = step(&out, 1);
    assert!(
        s1.contains("server refused our client certificate"),
        "{out}"
    );
    assert!(s1.contains("TLS alert"), "names the alert: {out}");
    assert!(s1.contains("registered on the it-system"), "{out}");
}

#[test]
fn unknown_ca_and_wrong_host_name_are_named() {
    let (code, out) = doctor_against_mock(
        Remote {
            no_ca: true,
            ..Default::default()
        },
        &[],
    );
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("unknown CA"), "{out}");
    assert!(out.contains("ca = \"ca.pem\""), "{out}");

    // Loopback, but an address the server certificate does not name.
    let other = InProcessMock::start_on(&repo().join("mocks"), "127.0.0.2:0");
    let dir = tmp();
    let cfg = remote_config(dir.path(), &other.url, Remote::default());
    let (code, out) = doctor(&cfg, &[]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("the server's certificate is not for 127.0.0.2"),
        "{out}"
    );
    assert!(out.contains("127.0.0.2 resolves"), "{out}");
}

#[test]
fn nothing_listening_and_not_tls_exit_3() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = tmp();
    let cfg = remote_config(
        dir.path(),
        &format!("https://127.0.0.1:{port}"),
        Remote::default(),
    );
    let (code, out) = doctor(&cfg, &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("no connection to 127.0.0.1"), "{out}");

    // A plain HTTP server where TLS is expected.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::Write;
        for mut s in listener.incoming().flatten().take(4) {
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let cfg = remote_config(dir.path(), &format!("https://{addr}"), Remote::default());
    let started = std::time::Instant::now();
    let (code, out) = doctor(&cfg, &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("does not speak TLS"), "{out}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
}

#[test]
fn services_without_agreement_or_probe_and_missing_data_are_reported() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    // SF2900 is named but has no serviceaftale here: our configuration lacks it (exit 2).
    // (The mock's data has one, so the configuration names only SF1520's.)
    let cfg = remote_config(
        dir.path(),
        &mock.url,
        Remote {
            agreements: Some(vec![("SF1520", "677e8b63-6877-4d6c-bd3c-1f1dd02fea39")]),
            ..Default::default()
        },
    );
    let (code, out) = doctor(&cfg, &["--service", "SF1520,SF2900"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        step(&out, 2).contains("SF2900: no serviceaftale configured"),
        "{out}"
    );
    assert!(
        step(&out, 4).contains("SF1520"),
        "SF1520 is still checked: {out}"
    );

    // An agreement for a service the doctor has no read call for: said, not failed.
    let cfg = remote_config(
        dir.path(),
        &mock.url,
        Remote {
            agreements: Some(vec![
                ("SF1520", "677e8b63-6877-4d6c-bd3c-1f1dd02fea39"),
                ("SF1470", "11111111-2222-4333-8444-555555555555"),
            ]),
            ..Default::default()
        },
    );
    let (code, out) = doctor(&cfg, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SF1470: the doctor has no read call"), "{out}");

    // No test citizen to look up.
    let cfg = remote_config(
        dir.path(),
        &mock.url,
        Remote {
            no_citizens: true,
            ..Default::default()
        },
    );
    let (code, out) = doctor(&cfg, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("aliases.citizens"), "{out}");

    // The agreement file selects too, and a bad one is a usage error.
    let file = dir.path().join("aftale.txt");
    std::fs::write(&file, "# aftale\nSF1520\n").unwrap();
    let (code, out) = doctor(&cfg, &["--agreement", file.to_str().unwrap()]);
    assert_eq!(code, 2, "still no citizen: {out}");
    std::fs::write(&file, "CPR-opslag\n").unwrap();
    let (code, out) = doctor(&cfg, &["--agreement", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("aftale.txt:1"), "{out}");
}

#[test]
fn missing_certificate_or_password_is_a_usage_error_without_secrets() {
    let dir = tmp();
    let cfg = remote_config(
        dir.path(),
        "https://127.0.0.1:9",
        Remote {
            p12: Some(dir.path().join("nowhere.p12")),
            ..Default::default()
        },
    );
    let (code, out) = doctor(&cfg, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("cannot be loaded") && out.contains("nowhere.p12"),
        "{out}"
    );

    let cfg = remote_config(dir.path(), "https://127.0.0.1:9", Remote::default());
    let (code, out) = run(sp_local("doctor", &cfg, &[]).env(PW_ENV, "Forkert-Kodeord-77"));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("password"), "{out}");
    assert!(
        !out.contains("Forkert-Kodeord-77"),
        "password printed: {out}"
    );
}

/// What the target received, not what the doctor says: every request the doctor sent to a
/// production target, as `path operation` (the first element in the SOAP Body, or the request
/// line for what is not SOAP), must be one of the read calls below; a write (e.g. an SF1601
/// send or an SF2900 Fordel) fails the test.
#[test]
fn production_targets_get_read_calls_only() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let proxy = echo_proxy::start(&pki(), mock.addr, std::sync::Arc::new(|_, _, _, _| None));
    let dir = tmp();
    let cfg = remote_config(
        dir.path(),
        &proxy.url,
        Remote {
            extra: "production = true",
            ..Default::default()
        },
    );
    let (code, out) = doctor(&cfg, &[]);
    let calls: std::collections::BTreeSet<String> =
        proxy.log.lock().unwrap().iter().map(call).collect();
    // The probe, the token exchange, and one read per service (SF1470 has none).
    let reads = [
        "HEAD /",
        "POST /runtime/api/rest/wstrust/v1/issue",
        "POST /service/AccessTokenService_1/token",
        "POST /service/CPR/PersonBaseDataExtended/4 PersonLookupRequest",
        "GET /service/PostForespoerg_1/digitalpost",
        "POST /service/Print/Print/2 PrintSpoergTilmeldingRequest",
        "POST /service/SP/Distribution/3 FordelingsmodtagerListRequest",
    ];
    let unexpected: Vec<&String> = calls
        .iter()
        .filter(|c| !reads.contains(&c.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "not read calls: {unexpected:?}\nall: {calls:?}"
    );
    let missing: Vec<&&str> = reads.iter().filter(|r| !calls.contains(**r)).collect();
    assert!(
        missing.is_empty(),
        "reads that did not reach the target: {missing:?}"
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("only makes read calls"), "{out}");
}

/// `METHOD path operation` of one request the target saw.
fn call(x: &echo_proxy::Exchange) -> String {
    let mut line = x.head.split_whitespace();
    let method = line.next().unwrap_or("").to_string();
    let path = line
        .next()
        .unwrap_or("")
        .split('?')
        .next()
        .unwrap_or("")
        .to_string();
    let body = String::from_utf8_lossy(&x.body);
    // The first element after the SOAP Body's start tag, without its prefix.
    let op = body
        .find(":Body")
        .or_else(|| body.find("<Body"))
        .and_then(|i| body[i..].find('>').map(|j| &body[i + j + 1..]))
        .and_then(|rest| rest.find('<').map(|k| &rest[k + 1..]))
        .map(|el| {
            let name: String = el
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            name.rsplit(':').next().unwrap_or("").to_string()
        });
    match op {
        Some(op) => format!("{method} {path} {op}"),
        None => format!("{method} {path}"),
    }
}

fn fault(code: &str, text: &str) -> Fault {
    Fault {
        code: "soapenv:Client".into(),
        string: text.into(),
        errors: if code.is_empty() {
            vec![]
        } else {
            vec![FaultError {
                code: code.into(),
                text: text.into(),
            }]
        },
        detail: None,
    }
}

#[test]
fn faults_are_classified_by_code_then_by_text() {
    use Access::*;
    for (code, text, want) in [
        ("CertificateNotRegistered", "x", CertificateNotRegistered),
        ("ServiceAgreementNotFound", "x", AgreementNotFound),
        ("ServiceAgreementMismatch", "x", AgreementNotFound),
        (
            "ServiceAgreementNotApproved",
            "is not approved (status: pending)",
            AgreementPending,
        ),
        (
            "ServiceAgreementNotApproved",
            "is not approved (status: rejected)",
            AgreementRejected,
        ),
        // Unknown real-platform codes: by their words, in English or Danish.
        (
            "SP-4711",
            "Certifikatet er ikke registreret på it-systemet",
            CertificateNotRegistered,
        ),
        (
            "SP-4712",
            "Serviceaftalen afventer godkendelse",
            AgreementPending,
        ),
        ("SP-4713", "Serviceaftalen findes ikke", AgreementNotFound),
        (
            "",
            "The service agreement is not approved",
            AgreementPending,
        ),
        ("SP-9999", "Internal error, try again", Other),
        // The token model's STS (mocks/post/faults.json) and REST words.
        ("NoServiceAgreement", "x", AgreementNotFound),
        (
            "SP-4714",
            "The it-system has no service agreement for SF1601",
            AgreementNotFound,
        ),
        ("SP-4715", "Der er ingen serviceaftale", AgreementNotFound),
        ("HolderOfKeyMismatch", "another certificate", Other),
    ] {
        assert_eq!(classify_fault(&fault(code, text)), want, "{code} {text}");
    }
}

#[test]
fn certificate_validity_warns_within_30_days_and_fails_outside_it() {
    let now = time::OffsetDateTime::now_utc();
    let info = |from_days: i64, to_days: i64| CertInfo {
        subject: "CN=x".into(),
        subject_cn: Some("x".into()),
        issuer: "CN=ca".into(),
        serial_hex: "01".into(),
        sha256_fingerprint: "AA:BB".into(),
        not_before: now + time::Duration::days(from_days),
        not_after: now + time::Duration::days(to_days),
        days_left: to_days,
    };
    let src = IdentitySource::Pkcs12 {
        path: "x.p12".into(),
        password: "".into(),
    };
    let level = |i: CertInfo| {
        let f = certificate_findings(&src, &i, &[], now);
        assert!(f.iter().all(|f| f.stage == Stage::Connected));
        (f[1].level, f[1].what.clone())
    };
    assert_eq!(level(info(-10, 400)).0, Level::Ok);
    let (l, what) = level(info(-10, 12));
    assert_eq!(l, Level::Warn);
    assert!(
        what.contains("expires in 11") || what.contains("expires in 12"),
        "{what}"
    );
    assert_eq!(level(info(-10, -1)).0, Level::Fail);
    let (l, what) = level(info(3, 400));
    assert_eq!(l, Level::Fail);
    assert!(what.contains("not valid yet"), "{what}");
}

#[test]
fn sf1600_probe_names_the_serviceaftale_it_sends() {
    let dir = tmp();
    // Pending on the platform: the InvocationContext names the configured UUID, step 3.
    let mock = InProcessMock::start(&mocks_with(dir.path(), "SF1600", Some("pending")));
    let cfg = remote_config(dir.path(), &mock.url, Remote::default());
    let (code, out) = doctor(&cfg, &["--service", "SF1600"]);
    assert_eq!(code, 1, "{out}");
    let s3 = step(&out, 3);
    assert!(
        s3.contains(
            "SF1600: serviceaftale e045415e-9a7e-4845-9497-ce9db973dde7 is waiting for the municipality's approval"
        ),
        "{out}"
    );
    assert!(!s3.contains("is not sent"), "the UUID is sent here: {out}");

    // A UUID the platform does not know: step 2.
    let mock = InProcessMock::start(&repo().join("mocks"));
    let cfg = remote_config(
        dir.path(),
        &mock.url,
        Remote {
            agreements: Some(vec![("SF1600", UNKNOWN)]),
            ..Default::default()
        },
    );
    let (code, out) = doctor(&cfg, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        step(&out, 2).contains(&format!(
            "SF1600: the platform has no serviceaftale {UNKNOWN} for this service and it-system"
        )),
        "{out}"
    );
}
