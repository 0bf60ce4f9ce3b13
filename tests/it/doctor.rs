//! `sp-contract doctor` against the embedded mock and against an in-process mock configured
//! as a remote target: each onboarding step that can be missing, and each reason a TLS
//! handshake can fail, gives its own finding, next step and exit code. The doctor's whole
//! output is compared with its golden (`tests/it/goldens/doctor_*.snap`).

use crate::support::run as run_support;

use crate::support::echo_proxy;
use crate::support::golden::golden;

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

/// The doctor against a mock of `mocks`, configured like it: its exit code must be `code`,
/// and its output the golden `name`, without a CPR number.
fn doctor_golden(mocks: &Path, opt: Remote<'_>, extra: &[&str], code: i32, name: &str) {
    let mock = InProcessMock::start(mocks);
    let dir = tmp();
    let cfg = remote_config(dir.path(), &mock.url, opt);
    let (exit, out) = doctor(&cfg, extra);
    assert_eq!(exit, code, "{name}: {out}");
    golden(name, &out);
    no_cpr_in(&out);
}

/// [`doctor_golden`] on the repository's mock data, with client certificate `p12`.
fn doctor_golden_with_p12(p12: PathBuf, extra: &[&str], code: i32, name: &str) {
    let opt = Remote {
        p12: Some(p12),
        ..Default::default()
    };
    doctor_golden(&repo().join("mocks"), opt, extra, code, name);
}

#[test]
fn all_four_steps_pass_on_the_embedded_mock() {
    let certs = certs().display().to_string();
    let (code, out) = run(sp(&["doctor", "--target", "mock", "--certs", &certs]));
    assert_eq!(code, 0, "{out}");
    golden("doctor_mock", &out);
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
    // Only the services asked for; the serviceaftale is found from certificate and CVR.
    doctor_golden(
        &repo().join("mocks"),
        Remote::default(),
        &["--service", "SF2900,SF1601"],
        0,
        "doctor_sf2900_sf1601_remote",
    );
}

/// Our configuration names the serviceaftale; the platform lacks it (step 2) or has not
/// approved it (step 3): the platform answered no, exit 1.
#[test]
fn sf2900_missing_pending_and_rejected_agreements_on_the_platform_are_told_apart() {
    let dir = tmp();
    for status in [None, Some("pending"), Some("rejected")] {
        doctor_golden(
            &mocks_with(dir.path(), "SF2900", status),
            Remote::default(),
            &["--service", "SF2900"],
            1,
            &format!("doctor_sf2900_agreement_{}", status.unwrap_or("missing")),
        );
    }
}

#[test]
fn sf1601_refusals_of_the_token_flow_name_the_step_and_the_hop() {
    let dir = tmp();
    for status in [None, Some("pending")] {
        doctor_golden(
            &mocks_with(dir.path(), "SF1601", status),
            Remote::default(),
            &["--service", "SF1601"],
            1,
            &format!("doctor_sf1601_agreement_{}", status.unwrap_or("missing")),
        );
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
    doctor_golden(
        &mocks,
        Remote::default(),
        &["--service", "SF1601"],
        1,
        "doctor_sf1601_older_faults",
    );

    // A certificate the platform does not know: the STS refuses it, step 1.
    doctor_golden_with_p12(
        pki().unregistered_p12,
        &["--service", "SF1601,SF2900"],
        1,
        "doctor_sf1601_sf2900_unregistered_certificate",
    );
}

#[test]
fn sf2900_and_sf1601_need_the_authority_cvr() {
    // Our configuration lacks it: exit 2.
    doctor_golden(
        &repo().join("mocks"),
        Remote {
            no_authority: true,
            ..Default::default()
        },
        &["--service", "SF2900,SF1601"],
        2,
        "doctor_no_authority_cvr",
    );
}

#[test]
fn pending_rejected_and_unknown_agreements_are_told_apart() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    for (uuid, name) in [
        (PENDING, "doctor_sf1520_agreement_pending"),
        (REJECTED, "doctor_sf1520_agreement_rejected"),
        (UNKNOWN, "doctor_sf1520_agreement_unknown"),
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
        golden(name, &out);
    }
}

#[test]
fn unregistered_certificate_fails_step_one_with_the_platforms_answer() {
    doctor_golden_with_p12(
        pki().unregistered_p12,
        &[],
        1,
        "doctor_unregistered_certificate",
    );
}

#[test]
fn expired_certificate_is_our_problem_and_the_handshake_is_refused() {
    // Ours to fix (exit 2), and the mock's TLS front refuses it too.
    doctor_golden_with_p12(pki().expired_p12, &[], 2, "doctor_expired_certificate");
}

#[test]
fn certificate_from_another_ca_is_refused_in_the_handshake_exit_3() {
    doctor_golden_with_p12(
        pki().foreign_p12,
        &[],
        3,
        "doctor_certificate_from_another_ca",
    );
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
    golden("doctor_unknown_ca", &out);

    // Loopback, but an address the server certificate does not name.
    let other = InProcessMock::start_on(&repo().join("mocks"), "127.0.0.2:0");
    let dir = tmp();
    let cfg = remote_config(dir.path(), &other.url, Remote::default());
    let (code, out) = doctor(&cfg, &[]);
    assert_eq!(code, 3, "{out}");
    golden("doctor_wrong_host_name", &out);
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
    golden("doctor_unreachable", &out);

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
    golden("doctor_not_tls", &out);
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
}

#[test]
fn services_without_agreement_or_probe_and_missing_data_are_reported() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    // SF2900 is named but has no serviceaftale here: our configuration lacks it (exit 2);
    // SF1520 is still checked. (The mock's data has one, so the configuration names only
    // SF1520's.)
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
    golden("doctor_sf2900_not_configured", &out);

    // SF1470 got its read call (a fremsoeg of one UUID) with v6; the golden keeps its name.
    // Services the doctor has no read call for (ØiR) are said, not failed: see doctor_mock.
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
    golden("doctor_sf1470_without_probe", &out);

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
    golden("doctor_no_citizens", &out);

    // The agreement file selects too, and a bad one is a usage error.
    let file = dir.path().join("aftale.txt");
    std::fs::write(&file, "# aftale\nSF1520\n").unwrap();
    let (code, out) = doctor(&cfg, &["--agreement", file.to_str().unwrap()]);
    assert_eq!(code, 2, "still no citizen: {out}");
    std::fs::write(&file, "CPR-opslag\n").unwrap();
    let (code, out) = doctor(&cfg, &["--agreement", file.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    golden("doctor_bad_agreement_file", &out);
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
    golden("doctor_missing_certificate", &out);

    let cfg = remote_config(dir.path(), "https://127.0.0.1:9", Remote::default());
    let (code, out) = run(sp_local("doctor", &cfg, &[]).env(PW_ENV, "Forkert-Kodeord-77"));
    assert_eq!(code, 2, "{out}");
    golden("doctor_wrong_password", &out);
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
    // The probe, the token exchanges (SF1601's REST STS and access token, SF1470's OIO IDWS
    // STS: tokens change nothing), and one read per service (SF1470's a fremsoeg).
    let reads = [
        "HEAD /",
        "POST /runtime/services/kombittrust/14/certificatemixed RequestSecurityToken",
        "POST /sagdokumentindeks/6 FremsoegSagDokumentIndeksInput",
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
    golden("doctor_production", &out);
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
    doctor_golden(
        &mocks_with(dir.path(), "SF1600", Some("pending")),
        Remote::default(),
        &["--service", "SF1600"],
        1,
        "doctor_sf1600_agreement_pending",
    );
    // A UUID the platform does not know: step 2.
    doctor_golden(
        &repo().join("mocks"),
        Remote {
            agreements: Some(vec![("SF1600", UNKNOWN)]),
            ..Default::default()
        },
        &[],
        1,
        "doctor_sf1600_agreement_unknown",
    );
}

/// The example config's placeholder CPR number is never sent, by any probe: each says which
/// alias to fix instead (SF1600's probe used to send it).
#[test]
fn a_placeholder_citizen_is_never_sent_by_a_probe() {
    let mock = InProcessMock::start(&repo().join("mocks"));
    let dir = tmp();
    let cfg = remote_config(
        dir.path(),
        &mock.url,
        Remote {
            no_citizens: true,
            ..Remote::default()
        },
    );
    let text = std::fs::read_to_string(&cfg).unwrap().replace(
        "[targets.local.aliases.citizens]\n",
        "[targets.local.aliases.citizens]\nfar = \"0000000000\"\n",
    );
    std::fs::write(&cfg, text).unwrap();
    for svc in ["SF1520", "SF1600", "SF1601"] {
        let (code, out) = doctor(&cfg, &["--service", svc]);
        assert_eq!(code, 2, "{svc}: {out}");
        assert!(
            out.contains("citizen 'far' of target 'local' is not a valid CPR number"),
            "{svc}: {out}"
        );
    }
}
