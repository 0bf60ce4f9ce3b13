//! SF1470 Sags- og Dokumentindeks: the mock's index and its checks (called directly), the
//! messages against the project's XSDs, and the suite against bad answers and real targets
//! (through the binary, as users run it).

use crate::support::modelled;
use crate::support::run as run_support;
use crate::support::sf1470_calls::{call, catalogue, ctx, platform, sag};

use crate::support::xsd;
use run_support::{certs, repo, run_suite, run_suite_against_unreachable_exttest, suite};
use sp_contract::core::soap;
use sp_contract::core::xml;
use sp_contract::platform::endpoint::SoapAnswer;
use sp_contract::services::sagdok::StandardRetur;
use sp_contract::services::sf1470::mock::Sf1470;
use sp_contract::services::sf1470::{self, model, Fremsoeg, Liste, Reference, Response};

const FAR: &str = "1503801015";
const UNKNOWN_KLASSE: &str = "daabc515-703d-4077-921a-3688daf6b79f";

const A: &str = "0e0b9a8f-2b55-4a4f-9f77-0b7c1c7e2d11";
const B: &str = "1e0b9a8f-2b55-4a4f-9f77-0b7c1c7e2d12";

fn answer(a: SoapAnswer) -> Response {
    match a {
        SoapAnswer::Payload(x) => sf1470::parse_response(&xml::parse(x.as_bytes()).unwrap())
            .expect("the mock answers by the model"),
        SoapAnswer::Fault(f) => panic!("fault: {} {:?}", f.string, f.errors),
        SoapAnswer::FaultWithDetail { string, .. } => panic!("fault: {string}"),
    }
}

fn overall(r: &Response) -> StandardRetur {
    r.returs()[0].1.clone()
}

fn hits(r: Response) -> Vec<String> {
    match r {
        Response::Fremsoeg(f) => {
            assert!(f.standard.is_ok(), "{:?}", f.standard);
            f.sager.into_iter().map(|s| s.uuid).collect()
        }
        other => panic!("{other:?}"),
    }
}

fn by_part(cpr: &str) -> Fremsoeg {
    Fremsoeg::Udtryk {
        part: Some(sf1470::party_urn_cpr(cpr)),
        primaer_klasse: None,
    }
}

#[test]
fn the_index_is_per_scenario_and_import_update_remove_search_work() {
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let c = ctx(&p);
    let imp = sf1470::importer_request(Some(&c), &[sag(A, FAR), sag(B, "2207821066")]);
    let r = answer(call(&svc, &p, "s1", &model::IMPORTER, &imp));
    assert!(r.returs().iter().all(|(_, sr)| sr.is_ok()), "{r:?}");

    let q = sf1470::fremsoeg_request(Some(&c), &by_part(FAR));
    assert_eq!(
        hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &q))),
        [A]
    );
    // Another scenario has its own, empty index; so has a vendor without the header.
    assert!(hits(answer(call(&svc, &p, "s2", &model::FREMSOEG, &q))).is_empty());
    assert!(hits(answer(call(&svc, &p, "", &model::FREMSOEG, &q))).is_empty());

    let kle = catalogue().emne("27.35.04").unwrap().uuid.clone();
    let qk = sf1470::fremsoeg_request(
        Some(&c),
        &Fremsoeg::Udtryk {
            part: None,
            primaer_klasse: Some(kle),
        },
    );
    assert_eq!(
        hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &qk))).len(),
        2
    );

    let o = sf1470::Opdatering {
        uuid: A.into(),
        titel: Some("Ny titel".into()),
        status: Some("Afgjort".into()),
    };
    let up = sf1470::opdater_request(Some(&c), &[o]);
    assert!(overall(&answer(call(&svc, &p, "s1", &model::OPDATER, &up))).is_ok());
    match answer(call(&svc, &p, "s1", &model::FREMSOEG, &q)) {
        Response::Fremsoeg(f) => {
            assert_eq!(f.sager[0].status, "Afgjort");
            assert_eq!(f.sager[0].titel, "Ny titel");
        }
        other => panic!("{other:?}"),
    }

    let rm = sf1470::fjern_request(Some(&c), &[A.to_string()]);
    assert!(overall(&answer(call(&svc, &p, "s1", &model::FJERN, &rm))).is_ok());
    assert!(hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &q))).is_empty());
    // Removing or updating what is not there: 44, named.
    let again = answer(call(&svc, &p, "s1", &model::FJERN, &rm));
    assert_eq!(overall(&again).status_kode, 44, "{again:?}");
    let up_missing = answer(call(&svc, &p, "s2", &model::OPDATER, &up));
    assert_eq!(overall(&up_missing).status_kode, 44);
    assert!(overall(&up_missing).fejlbesked.unwrap().contains(A));

    // Clearing a scenario forgets its cases.
    p.state.clear("s1");
    let qk_hits = hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &qk)));
    assert!(qk_hits.is_empty(), "{qk_hits:?}");
}

#[test]
fn a_case_missing_any_required_relation_is_refused_with_its_name() {
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let c = catalogue();
    assert!(
        svc.check_sag(&sag(A, FAR)).is_empty(),
        "the full case is taken"
    );
    let required: Vec<_> = c.required_roles().collect();
    assert_eq!(required.len(), 7);
    for role in required {
        let mut s = sag(A, FAR);
        s.relationer.retain(|r| r.rolle != role.uuid);
        let reasons = svc.check_sag(&s);
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert!(
            reasons[0].contains(&format!("the required relation '{}'", role.navn)),
            "{reasons:?}"
        );
    }
    // Twice is as wrong as never.
    let mut s = sag(A, FAR);
    let dup = s.relationer[3].clone();
    s.relationer.push(dup);
    assert!(svc.check_sag(&s)[0].contains("'Primær part' appears 2 times"));
    // A role the index does not know, a type it does not know, a role in the wrong list.
    let mut s = sag(A, FAR);
    s.relationer[0].rolle = UNKNOWN_KLASSE.into();
    let r = svc.check_sag(&s);
    assert!(r.iter().any(|x| x.contains("not a relation role")), "{r:?}");
    let mut s = sag(A, FAR);
    s.relationer[1].type_uuid = UNKNOWN_KLASSE.into();
    assert!(svc.check_sag(&s)[0].contains("not a relation type"));
    let mut s = sag(A, FAR);
    s.relationer[0].liste = Liste::named("Sagspart").unwrap();
    assert!(svc.check_sag(&s)[0].contains("belongs in Sagsaktoer"));
}

#[test]
fn unknown_kle_a_facet_as_emne_and_bad_parties_are_refused() {
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let c = catalogue();
    let with = |role: &str, r: Reference| {
        let mut s = sag(A, FAR);
        let uuid = c.role(role).unwrap().uuid.clone();
        s.relationer
            .iter_mut()
            .find(|x| x.rolle == uuid)
            .unwrap()
            .reference = r;
        svc.check_sag(&s)
    };
    let r = with("Primær klasse", Reference::Uuid(UNKNOWN_KLASSE.into()));
    assert!(
        r[0].contains("not a KLE emne in Klassifikation (unknown KLE)"),
        "{r:?}"
    );
    let g01 = c.facet("G01").unwrap().uuid.clone();
    let r = with("Primær klasse", Reference::Uuid(g01));
    assert!(r[0].contains("(G01), which is not a KLE emne"), "{r:?}");
    let emne = c.emne("27.35.04").unwrap().uuid.clone();
    let r = with("Handlingsklasse", Reference::Uuid(emne));
    assert!(r[0].contains("which is not a handlingsfacet"), "{r:?}");
    let r = with(
        "Primær part",
        Reference::Urn("urn:oio:cpr-nr:15038010".into()),
    );
    assert!(r[0].contains("10 digits"), "{r:?}");
    let r = with("Primær part", Reference::Uuid(A.into()));
    assert!(r[0].contains("must reference a party"), "{r:?}");
    let r = with("Ejer", Reference::Urn(sf1470::party_urn_cpr(FAR)));
    assert!(r[0].contains("must reference the authority"), "{r:?}");
}

#[test]
fn refusals_travel_as_standard_retur_40_with_cpr_numbers_masked() {
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let mut bad = sag(A, FAR);
    let c = catalogue();
    let ejer = c.role("Ejer").unwrap().uuid.clone();
    // An Ejer written as a person: the reason quotes the reference, masked.
    bad.relationer
        .iter_mut()
        .find(|r| r.rolle == ejer)
        .unwrap()
        .reference = Reference::Urn(sf1470::party_urn_cpr(FAR));
    let imp = sf1470::importer_request(Some(&ctx(&p)), &[bad, sag(B, FAR)]);
    let SoapAnswer::Payload(text) = call(&svc, &p, "x", &model::IMPORTER, &imp) else {
        panic!("a refusal is an answer, not a fault")
    };
    assert!(!text.contains(FAR), "unmasked CPR in the answer: {text}");
    assert!(text.contains("150380-xxxx"), "{text}");
    let r = sf1470::parse_response(&xml::parse(text.as_bytes()).unwrap()).unwrap();
    let returs = r.returs();
    assert_eq!(returs[0].1.status_kode, 40);
    assert!(returs[0]
        .1
        .fejlbesked
        .as_deref()
        .unwrap()
        .starts_with("1 of 2 case(s) refused; the other(s) indexed"));
    assert_eq!(returs[1].1.status_kode, 40, "the bad case");
    assert_eq!(returs[2].1.status_kode, 20, "the good case is indexed");
}

#[test]
fn schema_breaches_and_missing_context_are_platform_faults() {
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let c = ctx(&p);
    let fault = |a: SoapAnswer| match a {
        SoapAnswer::Fault(f) => f,
        _ => panic!("expected a fault"),
    };
    // The wrapper does not match the SOAPAction.
    let q = sf1470::fremsoeg_request(Some(&c), &by_part(FAR));
    let f = fault(call(&svc, &p, "x", &model::IMPORTER, &q));
    assert_eq!(f.errors[0].code, "SchemaValidationFailed");
    assert!(
        f.errors[0].text.contains("expected <ImporterRequest>"),
        "{:?}",
        f.errors
    );
    // No context.
    let f = fault(call(
        &svc,
        &p,
        "x",
        &model::FREMSOEG,
        &sf1470::fremsoeg_request(None, &by_part(FAR)),
    ));
    assert_eq!(f.errors[0].code, "SecurityModelNotProvided");
    // Context after the input.
    let swapped = q.replacen(
        "<invctx:InvocationContext",
        "<x/><invctx:InvocationContext",
        1,
    );
    let f = fault(call(&svc, &p, "x", &model::FREMSOEG, &swapped));
    assert_eq!(f.errors[0].code, "SchemaValidationFailed");
    // A status outside the enumeration, a case without a title.
    let mut s = sag(A, FAR);
    s.status = "Lukket".into();
    let f = fault(call(
        &svc,
        &p,
        "x",
        &model::IMPORTER,
        &sf1470::importer_request(Some(&c), &[s]),
    ));
    assert!(f.errors[0].text.contains("Lukket"), "{:?}", f.errors);
    let imp = sf1470::importer_request(Some(&c), &[sag(A, FAR)])
        .replace("<sag:Titel>Testsag</sag:Titel>", "");
    let f = fault(call(&svc, &p, "x", &model::IMPORTER, &imp));
    assert!(f.errors[0].text.contains("Titel"), "{:?}", f.errors);
    // Another service's agreement.
    let mut other = c.clone();
    other.service_agreement_uuid = p
        .platform
        .agreements
        .iter()
        .find(|a| a.service == "SF1520" && a.alias.is_none())
        .unwrap()
        .uuid
        .clone();
    let f = fault(call(
        &svc,
        &p,
        "x",
        &model::FREMSOEG,
        &sf1470::fremsoeg_request(Some(&other), &by_part(FAR)),
    ));
    assert_eq!(f.errors[0].code, "ServiceAgreementMismatch");
    // Search without a criterion: an answer with 40.
    let empty = sf1470::fremsoeg_request(
        Some(&c),
        &Fremsoeg::Udtryk {
            part: None,
            primaer_klasse: None,
        },
    );
    let r = answer(call(&svc, &p, "x", &model::FREMSOEG, &empty));
    assert_eq!(overall(&r).status_kode, 40);
}

// ------------------------------------------------------------------------------------------
// The messages against the XSDs.

#[test]
fn requests_and_answers_validate_against_the_projects_xsds() {
    xsd::require_xmllint();
    let schema = modelled::sf1470_schema();
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let c = ctx(&p);
    let o = sf1470::Opdatering {
        uuid: A.into(),
        titel: Some("Ny titel".into()),
        status: Some("Afsluttet".into()),
    };
    let mut bad = sag(B, FAR);
    bad.relationer.pop();
    let requests = [
        (
            &model::IMPORTER,
            sf1470::importer_request(Some(&c), &[sag(A, FAR), bad]),
        ),
        (&model::OPDATER, sf1470::opdater_request(Some(&c), &[o])),
        (
            &model::FREMSOEG,
            sf1470::fremsoeg_request(Some(&c), &by_part(FAR)),
        ),
        (
            &model::FREMSOEG,
            sf1470::fremsoeg_request(Some(&c), &Fremsoeg::SagUuid(vec![A.into()])),
        ),
        (
            &model::FJERN,
            sf1470::fjern_request(Some(&c), &[A.to_string(), B.to_string()]),
        ),
        (
            &model::FREMSOEG,
            sf1470::fremsoeg_request(None, &by_part(FAR)),
        ),
    ];
    let mut standard_returs = 0;
    for (op, req) in requests {
        xsd::assert_valid(&req, &schema, &format!("{} request", op.name));
        // What travels is the Body of the envelope; it is the same element.
        let travelled = xsd::body_payload(&soap::envelope(&req));
        xsd::assert_valid(
            &travelled,
            &schema,
            &format!("{} request in its envelope", op.name),
        );
        match call(&svc, &p, "xsd", op, &req) {
            SoapAnswer::Payload(ans) => {
                xsd::assert_valid(&ans, &schema, &format!("{} answer", op.name));
                // Its StandardRetur is KOMBIT's own.
                let el = xml::parse(ans.as_bytes()).unwrap();
                let path: xml::Path = "//StandardRetur".parse().unwrap();
                for sr in el.select(&path) {
                    xsd::assert_valid(
                        &xml::to_xml(sr),
                        &modelled::official_standard_retur_schema(),
                        "StandardRetur",
                    );
                    standard_returs += 1;
                }
            }
            SoapAnswer::Fault(f) => assert_eq!(f.errors[0].code, "SecurityModelNotProvided"),
            SoapAnswer::FaultWithDetail { .. } => panic!(),
        }
    }
    assert!(standard_returs >= 8, "{standard_returs}");
}

#[test]
fn the_schema_has_teeth() {
    xsd::require_xmllint();
    let schema = modelled::sf1470_schema();
    let c = ctx(&platform());
    let good = sf1470::importer_request(Some(&c), &[sag(A, FAR)]);
    xsd::assert_valid(&good, &schema, "import");
    for (from, to) in [
        ("<sag:Sagsaktoer>", "<sag:Sagsklasse>"), // list out of order
        (
            "Opstaaet</sag:FremdriftStatusKode>",
            "Lukket</sag:FremdriftStatusKode>",
        ),
        (A, "0E0B9A8F-2B55-4A4F-9F77-0B7C1C7E2D11"), // upper-case UUID
        ("<sd:LivscyklusKode>Importeret</sd:LivscyklusKode>", ""),
    ] {
        let bad = good.replacen(from, to, 1);
        assert_ne!(bad, good, "{from}");
        assert!(
            xsd::validate(&bad, &schema).is_err(),
            "accepted after {from} → {to}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Through the binary.

const IMPORT_FEATURE: &str = "# language: da\n@SF1470\nEgenskab: x\n  Scenarie: y\n    Givet en sag \"s\" for borgeren \"far\" med KLE \"27.35.04\" og handlingsfacet \"G01\"\n    Når jeg indekserer sagen \"s\"\n    Så indekset svarer OK\n";

fn answering(body: &str) -> String {
    serde_json::json!({
        "priority": 1,
        "request": {"method": "POST", "urlPath": model::PATH},
        "response": {"status": 200, "headers": {"Content-Type": "text/xml"}, "body": body}
    })
    .to_string()
}

fn importer_answer(standard_retur: &str) -> String {
    soap::envelope(&format!(
        "<a:ImporterResponse xmlns:a=\"{}\" xmlns:b=\"{}\" xmlns:sd=\"urn:oio:sagdok:3.0.0\"><b:ImporterSagDokumentIndeksOutput>{standard_retur}</b:ImporterSagDokumentIndeksOutput></a:ImporterResponse>",
        model::WSDL_NS,
        model::SDI_NS
    ))
}

#[test]
fn bad_answers_fail_the_contract_with_a_clear_message() {
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    let cases = [
        ("this is not xml".to_string(), "not a SOAP response"),
        (
            importer_answer("<sd:StandardRetur><sd:StatusKode>40</sd:StatusKode><sd:FejlbeskedTekst>Sag mangler relationen Ejer (part urn:oio:cpr-nr:1503801015)</sd:FejlbeskedTekst></sd:StandardRetur>"),
            "StatusKode 40: Sag mangler relationen Ejer (part urn:oio:cpr-nr:150380-xxxx)",
        ),
        (
            importer_answer("<sd:StandardRetur><sd:StatusKode>OK</sd:StatusKode></sd:StandardRetur>"),
            "StatusKode 'OK' is not an integer",
        ),
        (importer_answer(""), "lacks <StandardRetur>"),
        (
            soap::envelope("<x:PersonLookupResponse xmlns:x=\"urn:x\"/>"),
            "does not follow the (modelled) contract",
        ),
        (
            importer_answer("<sd:StandardRetur><sd:StatusKode>20</sd:StatusKode></sd:StandardRetur><sd:UnikRetur><sd:UUIDIdentifikator>x</sd:UUIDIdentifikator></sd:UnikRetur>"),
            "'x' is not valid: not a UUID",
        ),
    ];
    for (body, expected) in cases {
        let dir = suite(IMPORT_FEATURE, Some(&answering(&body)));
        let (code, out) = run_suite(dir.path(), &[]);
        assert_eq!(code, 1, "{body}\n{out}");
        assert!(
            out.contains(expected),
            "expected '{expected}' for {body}:\n{out}"
        );
        assert!(!out.contains(FAR), "unmasked CPR in the output:\n{out}");
    }
}

#[test]
fn concurrent_scenarios_never_see_each_others_cases() {
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    // Eight scenarios index a case for the same citizen at the same time; each must find
    // exactly its own.
    let rows: String = (1..=8).map(|i| format!("      | {i} |\n")).collect();
    let feature = format!(
        "# language: da\n@SF1470\nEgenskab: x\n  Abstrakt Scenario: samtidig <n>\n    Givet en sag \"s<n>\" for borgeren \"far\" med KLE \"27.35.04\" og handlingsfacet \"G01\"\n    Når jeg indekserer sagen \"s<n>\"\n    Så indekset svarer OK\n    Når jeg søger i indekset efter sager for borgeren \"far\"\n    Så søgningen finder sagen \"s<n>\"\n    Og der er 1 forekomster af \"//SagFiltreretOejebliksbillede\"\n    Når jeg søger i indekset efter sager med KLE \"27.35.04\"\n    Så der er 1 forekomster af \"//SagFiltreretOejebliksbillede\"\n\n    Eksempler:\n      | n |\n{rows}"
    );
    let dir = suite(&feature, None);
    let (code, out) = run_suite(dir.path(), &["--concurrency", "8"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("8 passed, 0 failed"), "{out}");
}

#[test]
fn real_targets_get_the_idws_flow_and_an_unreachable_sts_is_exit_3() {
    let dir = suite(IMPORT_FEATURE, None);
    let [(code, out), (dry_code, dry_out)] =
        run_suite_against_unreachable_exttest(dir.path(), &format!("[targets.exttest.agreements]\nSF1470 = \"c0b4a572-97b2-483f-9b6c-eb71d770d2b1\"\n[targets.exttest.aliases.citizens]\nfar = \"{FAR}\"\n"));
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("STS: could not connect to https://0.0.0.0:9/runtime/services/kombittrust/14/certificatemixed"),
        "{out}"
    );
    assert_eq!(dry_code, 0, "{dry_out}");
    assert!(
        dry_out.contains("OIO IDWS SF1470: STS https://0.0.0.0:9/runtime/services/kombittrust/14/certificatemixed (default)"),
        "{dry_out}"
    );
}

#[test]
fn a_broken_catalogue_stops_the_mock_with_the_file_named() {
    let dir = suite(IMPORT_FEATURE, None);
    std::fs::write(
        dir.path().join("mocks/klassifikation/kle.json"),
        "{\"kilde\": 1}",
    )
    .unwrap();
    let (code, out) = run_suite(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("kle.json"), "{out}");
}

#[test]
fn a_mocks_folder_without_the_catalogue_still_serves_sf1520_and_names_the_missing_file() {
    sp_contract::targets::pki::ensure(&certs()).unwrap();
    let feature = format!(
        "{IMPORT_FEATURE}\n  Scenarie: cpr\n    Når jeg slår borgeren \"far\" op i CPR\n    Så svaret er en succes\n"
    );
    let dir = suite(&feature, None);
    std::fs::remove_dir_all(dir.path().join("mocks/klassifikation")).unwrap();
    let (code, out) = run_suite(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("klassifikation/kle.json"), "{out}");
    assert!(
        out.contains("1 passed, 1 failed"),
        "SF1520 still answers: {out}"
    );
    // Called directly, the responder says what is missing.
    let svc = Sf1470::load(&dir.path().join("mocks")).expect("absent data does not stop the mock");
    let r = svc.check_sag(&sag(A, FAR));
    assert!(r[0].contains("add klassifikation/kle.json"), "{r:?}");
}
