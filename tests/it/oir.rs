//! ØiR: the sortiment with versions and validity, postings checked against the version in
//! force (the mock's responders called directly), the messages against the project's XSDs,
//! and the suite against bad answers, a changed sortiment and real targets (through the
//! binary).

use crate::support::modelled;
use crate::support::run as run_support;

use crate::support::xsd;
use run_support::{certs, copy_dir, repo, run_suite, run_suite_against_unreachable_exttest, suite};
use sp_contract::core::soap::{self, InvocationContext};
use sp_contract::core::xml;
use sp_contract::platform::data::{Caller, Platform};
use sp_contract::platform::endpoint::{SoapAnswer, SoapCall, SoapService};
use sp_contract::services::oir::mock::{self as mock_oir, PosteringService, SortimentService};
use sp_contract::services::oir::{self, model, Postering, PosteringSvar, SortimentSvar};

fn platform() -> Platform {
    Platform::load(
        &repo().join("mocks"),
        sp_contract::engine::catalog().known(),
    )
    .expect("mock data loads")
}

fn services() -> (SortimentService, PosteringService) {
    mock_oir::load(&repo().join("mocks")).expect("sortiment data loads")
}

fn ctx(p: &Platform, service: &str, service_uuid: &str) -> InvocationContext {
    let a = p
        .platform
        .agreements
        .iter()
        .find(|a| a.service == service && a.alias.is_none())
        .unwrap_or_else(|| panic!("an {service} agreement"));
    assert!(a.modelled, "the {service} agreement is marked modelled");
    let us = &p.platform.user_systems[0];
    InvocationContext {
        service_agreement_uuid: a.uuid.clone(),
        user_system_uuid: us.uuid.clone(),
        user_uuid: us.user_uuid.clone(),
        service_uuid: service_uuid.into(),
        call_id: "test".into(),
    }
}

fn call(svc: &dyn SoapService, p: &Platform, action: &str, payload: &str) -> SoapAnswer {
    let el = xml::parse(payload.as_bytes()).expect("request is XML");
    sp_contract::platform::endpoint::handle_payload(
        svc,
        p,
        &SoapCall {
            action,
            operation: sp_contract::platform::endpoint::operation(svc, action)
                .expect("an operation of the service"),
            payload: &el,
            caller: Caller {
                subject_cn: Some("sp-contract testsystem (FOCES)".into()),
                sha256: None,
            },
            scenario: "oir".into(),
        },
    )
}

fn text(a: SoapAnswer) -> String {
    match a {
        SoapAnswer::Payload(x) => x,
        SoapAnswer::Fault(f) => panic!("fault: {} {:?}", f.string, f.errors),
        SoapAnswer::FaultWithDetail { string, .. } => panic!("fault: {string}"),
    }
}

fn hent(svc: &SortimentService, p: &Platform, navn: &str, dato: Option<&str>) -> SortimentSvar {
    let c = ctx(p, "SF7002", model::SORTIMENT_SERVICE_UUID);
    let req = oir::sortiment_hent_request(Some(&c), navn, dato);
    let ans = text(call(svc, p, model::SORTIMENT_HENT_ACTION, &req));
    oir::parse_sortiment_hent_response(&xml::parse(ans.as_bytes()).unwrap()).unwrap()
}

fn postering(konto: &str, dato: &str, beloeb: &str) -> Postering {
    Postering {
        id: uuid::Uuid::new_v4().to_string(),
        dato: dato.into(),
        beloeb: beloeb.into(),
        debet_kredit: "D".into(),
        konto: konto.into(),
        dimensioner: vec![],
        tekst: None,
    }
}

fn send(svc: &PosteringService, p: &Platform, navn: &str, xs: &[Postering]) -> SoapAnswer {
    let c = ctx(p, "SF1590A", model::POSTERING_SERVICE_UUID);
    call(
        svc,
        p,
        model::AFSEND_ACTION,
        &oir::afsend_request(Some(&c), navn, xs),
    )
}

fn svar(a: SoapAnswer) -> PosteringSvar {
    oir::parse_afsend_response(&xml::parse(text(a).as_bytes()).unwrap()).unwrap()
}

#[test]
fn the_version_in_force_on_the_date_is_retrieved() {
    let p = platform();
    let (s, _) = services();
    let v1 = hent(&s, &p, "KY-ydelser", Some("2025-12-31"))
        .sortiment
        .unwrap();
    assert_eq!(
        (v1.version, v1.gyldig_til.as_deref()),
        (1, Some("2025-12-31"))
    );
    assert!(v1.contains("Konto", "5.57.73") && !v1.contains("Konto", "5.48.67"));
    let v2 = hent(&s, &p, "KY-ydelser", Some("2026-01-01"))
        .sortiment
        .unwrap();
    assert_eq!((v2.version, v2.gyldig_til.as_deref()), (2, None));
    assert!(v2.contains("Konto", "5.48.67") && !v2.contains("Konto", "5.57.73"));
    assert!(v2.contains("Omkostningssted", "4300"));

    let none = hent(&s, &p, "KY-ydelser", Some("2024-12-31"));
    assert_eq!(none.standard.status_kode, 44);
    assert!(none.sortiment.is_none());
    assert!(none
        .standard
        .fejlbesked
        .unwrap()
        .contains("no version of sortiment KY-ydelser is in force on 2024-12-31"));
    let other = hent(&s, &p, "Debitor", Some("2026-03-01"));
    assert_eq!(other.standard.status_kode, 44);
    assert!(other
        .standard
        .fejlbesked
        .unwrap()
        .contains("not assigned to it-system"));
    let unknown = hent(&s, &p, "Ukendt", None);
    assert!(unknown
        .standard
        .fejlbesked
        .unwrap()
        .contains("no sortiment named Ukendt"));
    // Without a date: the version in force today.
    let today = hent(&s, &p, "KY-ydelser", None);
    let year = time::OffsetDateTime::now_utc().year();
    match today.sortiment {
        Some(v) => assert_eq!(v.version, if year >= 2026 { 2 } else { 1 }),
        None => assert!(year < 2025, "{:?}", today.standard),
    }
}

#[test]
fn postings_outside_the_sortiment_are_refused_naming_the_item() {
    let p = platform();
    let (_, s) = services();
    let mut dim_ok = postering("5.57.72", "2026-03-15", "100.00");
    dim_ok.dimensioner = vec![
        ("Art".into(), "5.2".into()),
        ("Omkostningssted".into(), "4300".into()),
    ];
    let mut dim_bad = postering("5.57.72", "2026-03-15", "100.00");
    dim_bad.dimensioner = vec![("Omkostningssted".into(), "9999".into())];
    let mut not_a_dim = postering("5.57.72", "2026-03-15", "100.00");
    not_a_dim.dimensioner = vec![("Konto".into(), "5.57.72".into())];
    let batch = [
        dim_ok,
        postering("5.22.07", "2026-03-15", "100.00"),
        dim_bad,
        postering("5.57.72", "2024-12-31", "100.00"),
        postering("5.57.72", "2026-03-15", "0.00"),
        postering("5.57.72", "2026-03-15", "-5"),
        postering("5.57.73", "2026-03-15", "100.00"),
        postering("5.57.73", "2025-03-15", "100.00"),
        not_a_dim,
    ];
    let r = svar(send(&s, &p, "KY-ydelser", &batch));
    assert_eq!(r.standard.status_kode, 40);
    assert!(
        r.standard
            .fejlbesked
            .as_deref()
            .unwrap()
            .starts_with("7 of 9 posting(s) refused"),
        "{:?}",
        r.standard
    );
    let k: Vec<(Option<u32>, i64, String)> = r
        .kvitteringer
        .iter()
        .map(|k| {
            (
                k.sortiment_version,
                k.retur.status_kode,
                k.retur.fejlbesked.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(k.len(), 9);
    assert_eq!(
        r.kvitteringer[0].id, batch[0].id,
        "receipts in order, by id"
    );
    assert_eq!(k[0], (Some(2), 20, String::new()));
    assert!(k[1].2.contains("Postering 2: Konto 5.22.07 is not in sortiment KY-ydelser version 2 (valid from 2026-01-01)"), "{k:?}");
    assert!(
        k[2].2
            .contains("Omkostningssted 9999 is not in sortiment KY-ydelser version 2"),
        "{k:?}"
    );
    assert_eq!(k[3].0, None);
    assert!(k[3].2.contains("Posteringsdato 2024-12-31 is outside the validity of sortiment KY-ydelser (version 1 valid 2025-01-01 – 2025-12-31, version 2 valid from 2026-01-01)"), "{k:?}");
    assert!(
        k[4].2.contains("Beloeb 0.00 must be greater than 0"),
        "{k:?}"
    );
    assert!(k[5].2.contains("Beloeb -5 must be greater than 0"), "{k:?}");
    assert!(
        k[6].2
            .contains("Konto 5.57.73 is not in sortiment KY-ydelser version 2"),
        "{k:?}"
    );
    assert_eq!(
        k[7],
        (Some(1), 20, String::new()),
        "5.57.73 was in version 1"
    );
    assert!(k[8].2.contains("Konto is not a dimension"), "{k:?}");

    let ok = svar(send(
        &s,
        &p,
        "KY-ydelser",
        &[postering("5.48.67", "2026-01-01", "412.50")],
    ));
    assert!(
        ok.standard.is_ok() && ok.kvitteringer[0].retur.is_ok(),
        "{ok:?}"
    );
    // The same id twice in one call.
    let x = postering("5.57.72", "2026-03-15", "1.00");
    let dup = svar(send(&s, &p, "KY-ydelser", &[x.clone(), x]));
    assert!(dup.kvitteringer[1]
        .retur
        .fejlbesked
        .as_deref()
        .unwrap()
        .contains("appears twice"));
    // Under a sortiment the system does not have.
    let other = svar(send(
        &s,
        &p,
        "Debitor",
        &[postering("8.52.50", "2026-03-15", "1.00")],
    ));
    assert_eq!(other.standard.status_kode, 44);
    assert!(other.kvitteringer.is_empty());
}

#[test]
fn postings_the_schema_refuses_are_platform_faults() {
    let p = platform();
    let (_, s) = services();
    let fault = |a: SoapAnswer| match a {
        SoapAnswer::Fault(f) => f.errors[0].clone(),
        _ => panic!("expected a fault"),
    };
    // The XSD's words, as the platform's schema fault gives them.
    for (field, value, said) in [
        (
            "beloeb",
            "12.345",
            "more fractional digits than are allowed",
        ),
        ("beloeb", "mange", "is not a valid"),
        ("dato", "2026-02-30", "is not a valid"),
        ("dk", "X", "is not one of"),
    ] {
        let mut x = postering("5.57.72", "2026-03-15", "1.00");
        match field {
            "beloeb" => x.beloeb = value.into(),
            "dato" => x.dato = value.into(),
            _ => x.debet_kredit = value.into(),
        }
        let e = fault(send(&s, &p, "KY-ydelser", &[x]));
        assert_eq!(e.code, "SchemaValidationFailed");
        assert!(e.text.contains(value) && e.text.contains(said), "{e:?}");
    }
    // No context; no postings; the wrong operation's request.
    let req = oir::afsend_request(
        None,
        "KY-ydelser",
        &[postering("5.57.72", "2026-03-15", "1.00")],
    );
    let e = fault(call(&s, &p, model::AFSEND_ACTION, &req));
    assert_eq!(e.code, "SecurityModelNotProvided");
    let e = fault(send(&s, &p, "KY-ydelser", &[]));
    assert!(e.text.contains("Postering"), "{e:?}");
    let c = ctx(&p, "SF1590A", model::POSTERING_SERVICE_UUID);
    let wrong = oir::sortiment_hent_request(Some(&c), "KY-ydelser", None);
    let e = fault(call(&s, &p, model::AFSEND_ACTION, &wrong));
    assert!(
        e.text.contains("expected <OekonomiposteringAfsendRequest>"),
        "{e:?}"
    );
    // The sortiment service's agreement does not cover postings.
    let (srt, _) = services();
    let c = ctx(&p, "SF1590A", model::POSTERING_SERVICE_UUID);
    let e = fault(call(
        &srt,
        &p,
        model::SORTIMENT_HENT_ACTION,
        &oir::sortiment_hent_request(Some(&c), "KY-ydelser", None),
    ));
    assert_eq!(e.code, "ServiceUUIDMismatch");
}

#[test]
fn messages_validate_against_the_projects_xsds_and_kombits_standard_retur() {
    xsd::require_xmllint();
    let p = platform();
    let (srt, pst) = services();
    let cs = ctx(&p, "SF7002", model::SORTIMENT_SERVICE_UUID);
    let cp = ctx(&p, "SF1590A", model::POSTERING_SERVICE_UUID);
    let official = modelled::official_standard_retur_schema();
    let check_standard_returs = |ans: &str| {
        let el = xml::parse(ans.as_bytes()).unwrap();
        let path: xml::Path = "//StandardRetur".parse().unwrap();
        let found = el.select(&path);
        assert!(!found.is_empty());
        for sr in found {
            xsd::assert_valid(&xml::to_xml(sr), &official, "StandardRetur");
        }
    };
    let schema = modelled::sortiment_schema();
    for (navn, dato) in [
        ("KY-ydelser", Some("2025-06-01")),
        ("KY-ydelser", Some("2026-06-01")),
        ("Debitor", None),
    ] {
        let req = oir::sortiment_hent_request(Some(&cs), navn, dato);
        xsd::assert_valid(&req, &schema, "SortimentHentRequest");
        let ans = text(call(&srt, &p, model::SORTIMENT_HENT_ACTION, &req));
        xsd::assert_valid(&ans, &schema, "SortimentHentResponse");
        check_standard_returs(&ans);
    }
    let schema = modelled::postering_schema();
    let mut x = postering("5.57.72", "2026-03-15", "1250.00");
    x.dimensioner = vec![("Omkostningssted".into(), "4100".into())];
    x.tekst = Some("Udbetaling & <tillæg>".into());
    let req = oir::afsend_request(
        Some(&cp),
        "KY-ydelser",
        &[x, postering("5.22.07", "2026-03-15", "0.00")],
    );
    xsd::assert_valid(&req, &schema, "OekonomiposteringAfsendRequest");
    let ans = text(call(&pst, &p, model::AFSEND_ACTION, &req));
    xsd::assert_valid(&ans, &schema, "OekonomiposteringAfsendResponse");
    check_standard_returs(&ans);

    // The schema has teeth.
    for (from, to) in [
        ("1250.00", "1250.005"),
        (">D<", ">X<"),
        ("2026-03-15", "15-03-2026"),
    ] {
        let bad = req.replacen(from, to, 1);
        assert_ne!(bad, req, "{from}");
        assert!(
            xsd::validate(&bad, &schema).is_err(),
            "accepted after {from} → {to}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Through the binary.

const POSTING_FEATURE: &str = "# language: da\n@OiR\nEgenskab: x\n  Scenarie: y\n    Givet systemet bogfører efter sortimentet \"KY-ydelser\"\n    Når jeg sender en økonomipostering på \"100,00\" kr. på kontoen \"5.57.72\" dateret \"2026-03-15\"\n    Så økonomiposteringen accepteres\n";
const SORTIMENT_FEATURE: &str = "# language: da\n@OiR\nEgenskab: x\n  Scenarie: y\n    Når jeg henter sortimentet \"KY-ydelser\" gældende \"2026-03-01\"\n    Så sortimentet har version 2\n";

fn answering(path: &str, body: &str) -> String {
    serde_json::json!({
        "priority": 1,
        "request": {"method": "POST", "urlPath": path},
        "response": {"status": 200, "headers": {"Content-Type": "text/xml"}, "body": body}
    })
    .to_string()
}

fn posting_answer(inner: &str) -> String {
    soap::envelope(&format!(
        "<p:OekonomiposteringAfsendResponse xmlns:p=\"{}\" xmlns:sd=\"urn:oio:sagdok:3.0.0\">{inner}</p:OekonomiposteringAfsendResponse>",
        model::POSTERING_NS
    ))
}

fn sortiment_answer(inner: &str) -> String {
    soap::envelope(&format!(
        "<s:SortimentHentResponse xmlns:s=\"{}\" xmlns:sd=\"urn:oio:sagdok:3.0.0\">{inner}</s:SortimentHentResponse>",
        model::SORTIMENT_NS
    ))
}

#[test]
fn bad_answers_fail_the_contract_with_a_clear_message() {
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    let ok = "<sd:StandardRetur><sd:StatusKode>20</sd:StatusKode></sd:StandardRetur>";
    let cases = [
        (POSTING_FEATURE, model::POSTERING_PATH, "<html>no</html>".to_string(), "not a SOAP response"),
        (
            POSTING_FEATURE,
            model::POSTERING_PATH,
            posting_answer("<sd:StandardRetur><sd:StatusKode>40</sd:StatusKode><sd:FejlbeskedTekst>Konto 5.57.72 lukket</sd:FejlbeskedTekst></sd:StandardRetur>"),
            "the postings were not accepted: StatusKode 40: Konto 5.57.72 lukket",
        ),
        (POSTING_FEATURE, model::POSTERING_PATH, posting_answer(ok), "holds no PosteringKvittering"),
        (POSTING_FEATURE, model::POSTERING_PATH, posting_answer(""), "lacks <StandardRetur>"),
        (
            SORTIMENT_FEATURE,
            model::SORTIMENT_PATH,
            sortiment_answer(ok),
            "StatusKode 20 but holds no Sortiment",
        ),
        (
            SORTIMENT_FEATURE,
            model::SORTIMENT_PATH,
            sortiment_answer(&format!("{ok}<s:Sortiment><sd:UUIDIdentifikator>a1f4a666-5717-432d-b475-ac0e2507a66f</sd:UUIDIdentifikator><s:SortimentNavn>KY-ydelser</s:SortimentNavn><s:VersionNummer>to</s:VersionNummer></s:Sortiment>")),
            "<VersionNummer> 'to' is not valid",
        ),
        (
            SORTIMENT_FEATURE,
            model::SORTIMENT_PATH,
            sortiment_answer("<sd:StandardRetur><sd:StatusKode>44</sd:StatusKode></sd:StandardRetur>"),
            "no sortiment was retrieved: StatusKode 44",
        ),
    ];
    for (feature, path, body, expected) in cases {
        let dir = suite(feature, Some(&answering(path, &body)));
        let (code, out) = run_suite(dir.path(), &[]);
        assert_eq!(code, 1, "{body}\n{out}");
        assert!(
            out.contains(expected),
            "expected '{expected}' for {body}:\n{out}"
        );
    }
}

#[test]
fn a_changed_sortiment_shows_as_a_snapshot_diff() {
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("mocks"), &dir.path().join("mocks"));
    copy_dir(&repo().join("snapshots"), &dir.path().join("snapshots"));
    copy_dir(
        &repo().join("features/oir"),
        &dir.path().join("features/oir"),
    );
    let args = ["--name", "forventede"];
    let (code, out) = run_suite(dir.path(), &args);
    assert_eq!(
        code, 0,
        "unchanged data matches the approved snapshot: {out}"
    );
    // The sortiment changes centrally: a cost centre no step names is added. Only the
    // snapshot can notice.
    let data = dir.path().join("mocks/oir/sortimenter.json");
    let before = std::fs::read_to_string(&data).unwrap();
    let item = r#"{ "type": "Omkostningssted", "noegle": "4300", "titel": "Borgerservice" }"#;
    let after = before.replace(
        item,
        &format!(r#"{item}, {{ "type": "Omkostningssted", "noegle": "4400", "titel": "Familieafdelingen" }}"#),
    );
    assert_ne!(before, after);
    std::fs::write(&data, after).unwrap();
    let (code, out) = run_suite(dir.path(), &args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("differs from the approved snapshot"), "{out}");
    assert!(
        out.contains("+        <BrugervendtNoegle>4400</BrugervendtNoegle>"),
        "the diff shows the change: {out}"
    );
    assert!(
        dir.path()
            .join("snapshots/mock/oir_sortiment__sortimentet_indeholder_de_forventede_konti_og_dimensioner.snap.new")
            .exists(),
        "{out}"
    );
}

#[test]
fn real_targets_are_refused_before_anything_is_sent() {
    let dir = suite(POSTING_FEATURE, None);
    let [(code, out), (dry_code, dry_out)] = run_suite_against_unreachable_exttest(
        dir.path(),
        "[targets.exttest.agreements]\nSF1590A = \"91402c54-36f7-4de3-b3ba-0daa778178ef\"\n",
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("ØiR (SF7002, SF1590A) is modelled") && out.contains("Nothing was sent"),
        "{out}"
    );
    assert_eq!(dry_code, 2, "{dry_out}");
    assert!(dry_out.contains("is modelled"), "{dry_out}");
}

#[test]
fn broken_sortiment_data_stops_the_mock_with_the_file_named() {
    let dir = suite(SORTIMENT_FEATURE, None);
    let data = dir.path().join("mocks/oir/sortimenter.json");
    let broken = std::fs::read_to_string(&data).unwrap().replacen(
        "\"gyldig_fra\": \"2026-01-01\"",
        "\"gyldig_fra\": \"2025-06-01\"",
        1,
    );
    std::fs::write(&data, broken).unwrap();
    let (code, out) = run_suite(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("sortimenter.json") && out.contains("starts before version 1 ends"),
        "{out}"
    );
}

#[test]
fn a_mocks_folder_without_sortiments_still_starts_and_names_the_missing_file() {
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    let dir = suite(POSTING_FEATURE, None);
    std::fs::remove_dir_all(dir.path().join("mocks/oir")).unwrap();
    let (code, out) = run_suite(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("SF1590A cannot answer") && out.contains("add oir/sortimenter.json"),
        "{out}"
    );
}

/// The sortiment was SF7001 before FK-ØKO's names were public. Tags are not checked against
/// the known services; a step or a mocks file naming SF7001 stops as an input error.
#[test]
fn the_old_sortiment_id_is_an_input_error_naming_the_known_ones() {
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    let old = "# language: da\n@SF7001\nEgenskab: x\n  Scenarie: y\n    Givet en godkendt serviceaftale for SF7001\n";
    let dir = suite(old, None);
    let (code, out) = run_suite(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("unknown service 'SF7001'") && out.contains("SF7002"),
        "{out}"
    );

    let dir = suite(SORTIMENT_FEATURE, None);
    let agreements = dir.path().join("mocks/platform.json");
    let text = std::fs::read_to_string(&agreements).unwrap();
    std::fs::write(&agreements, text.replace("\"SF7002\"", "\"SF7001\"")).unwrap();
    let (code, out) = run_suite(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("names unknown service SF7001"), "{out}");
}
