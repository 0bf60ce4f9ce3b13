//! SF1470 Sags- og Dokumentindeks v6: the mock's index and its checks (called directly), the
//! messages against KOMBIT's official v6 XSDs, and the suite against bad answers and real
//! targets (through the binary, as users run it).

use crate::support::run as run_support;
use crate::support::sf1470_calls::{call, platform};
use crate::support::sf1470_case::{catalogue, sag};

use crate::support::xsd;
use run_support::{certs, repo, run_suite, run_suite_against_unreachable_exttest, suite};
use sp_contract::core::soap;
use sp_contract::core::xml;
use sp_contract::platform::data::Platform;
use sp_contract::platform::endpoint::SoapAnswer;
use sp_contract::services::sf1470::mock::Sf1470;
use sp_contract::services::sf1470::{
    self, model, Aktoer, Fremsoeg, FremsoegOutput, Led, Liste, Reference, Response, SoegSag,
    SoegUdtryk, Sortering, Tilstand,
};

const FAR: &str = "1503801015";
const MOR: &str = "2207821066";
const UNKNOWN_KLASSE: &str = "daabc515-703d-4077-921a-3688daf6b79f";

const A: &str = "0e0b9a8f-2b55-4a4f-9f77-0b7c1c7e2d11";
const B: &str = "1e0b9a8f-2b55-4a4f-9f77-0b7c1c7e2d12";
const C: &str = "2e0b9a8f-2b55-4a4f-9f77-0b7c1c7e2d13";

fn answer(a: SoapAnswer) -> Response {
    match a {
        SoapAnswer::Payload(x) => sf1470::parse_response(&xml::parse(x.as_bytes()).unwrap())
            .expect("the mock answers by the model"),
        SoapAnswer::Fault(f) => panic!("fault: {} {:?}", f.string, f.errors),
        SoapAnswer::FaultWithDetail { string, .. } => panic!("fault: {string}"),
    }
}

/// The answer, which must validate against KOMBIT's v6 XSD.
fn valid_answer(a: SoapAnswer) -> Response {
    if let SoapAnswer::Payload(x) = &a {
        xsd::assert_valid(x, &xsd::sf1470_schema(), "the mock's answer");
    }
    answer(a)
}

/// The one StatusKode of the answer (one case, or the search).
fn only_code(r: &Response) -> (i64, String) {
    let returs = r.returs();
    assert_eq!(returs.len(), 1, "{r:?}");
    let sr = returs[0].1;
    (sr.status_kode, sr.fejlbesked.clone().unwrap_or_default())
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

/// A search's answer, which must be one.
fn search(svc: &Sf1470, p: &Platform, scenario: &str, q: &Fremsoeg) -> FremsoegOutput {
    match answer(call(
        svc,
        p,
        scenario,
        &model::FREMSOEG,
        &sf1470::fremsoeg_request(q),
    )) {
        Response::Fremsoeg(f) => f,
        other => panic!("{other:?}"),
    }
}

fn by_part(cpr: &str) -> Fremsoeg {
    Fremsoeg::sag(SoegSag::part(sf1470::party_urn_cpr(cpr)))
}

fn by_kle(kle: &str) -> Fremsoeg {
    let c = catalogue();
    Fremsoeg::sag(SoegSag::klasse(
        c.role("Primær klasse").unwrap().uuid.clone(),
        c.emne(kle).unwrap().uuid.clone(),
    ))
}

fn opdatering(uuid: &str, status: &str) -> sf1470::Opdatering {
    sf1470::Opdatering {
        uuid: uuid.into(),
        tilstand: Tilstand {
            status: status.into(),
            fra: "2024-02-01T08:00:00Z".into(),
        },
        aktoer: Aktoer {
            reference: Reference::Uuid("e086c3cd-c29b-4283-abcb-5c18dd1e2bb7".into()),
            type_kode: "Bruger".into(),
        },
        tidspunkt: "2024-02-01T08:00:01Z".into(),
    }
}

#[test]
fn the_index_is_per_scenario_and_import_update_remove_search_work() {
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let imp = sf1470::importer_request(&[sag(A, FAR), sag(B, MOR)]);
    let r = answer(call(&svc, &p, "s1", &model::IMPORTER, &imp));
    assert_eq!(r.returs().len(), 2, "a UnikRetur per case");
    assert!(r.returs().iter().all(|(_, sr)| sr.is_ok()), "{r:?}");

    let q = sf1470::fremsoeg_request(&by_part(FAR));
    assert_eq!(
        hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &q))),
        [A]
    );
    // Another scenario has its own, empty index; so has a vendor without the header.
    assert!(hits(answer(call(&svc, &p, "s2", &model::FREMSOEG, &q))).is_empty());
    assert!(hits(answer(call(&svc, &p, "", &model::FREMSOEG, &q))).is_empty());

    let qk = sf1470::fremsoeg_request(&by_kle("27.35.04"));
    assert_eq!(
        hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &qk))).len(),
        2
    );
    let by_uuid = sf1470::fremsoeg_request(&Fremsoeg::uuids(vec![B.into(), C.into()]));
    assert_eq!(
        hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &by_uuid))),
        [B]
    );

    let up = sf1470::opdater_request(&[opdatering(A, "Afgjort")]);
    assert_eq!(
        only_code(&answer(call(&svc, &p, "s1", &model::OPDATER, &up))).0,
        20
    );
    match answer(call(&svc, &p, "s1", &model::FREMSOEG, &q)) {
        Response::Fremsoeg(f) => {
            assert_eq!(f.sager[0].status(), "Afgjort");
            assert_eq!(f.sager[0].tilstande.len(), 2, "the history is kept");
        }
        other => panic!("{other:?}"),
    }

    let rm = sf1470::fjern_request(&[A.to_string()]);
    assert_eq!(
        only_code(&answer(call(&svc, &p, "s1", &model::FJERN, &rm))).0,
        20
    );
    assert!(hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &q))).is_empty());
    // Removing or updating what is not there: 44, named.
    let again = answer(call(&svc, &p, "s1", &model::FJERN, &rm));
    assert_eq!(only_code(&again).0, 44, "{again:?}");
    let (code, text) = only_code(&answer(call(&svc, &p, "s2", &model::OPDATER, &up)));
    assert_eq!(code, 44);
    assert!(text.contains(A), "{text}");

    // Clearing a scenario forgets its cases.
    p.state.clear("s1");
    let qk_hits = hits(answer(call(&svc, &p, "s1", &model::FREMSOEG, &qk)));
    assert!(qk_hits.is_empty(), "{qk_hits:?}");
}

#[test]
fn soeg_udtryk_joins_with_and_or_not_and_the_answer_is_filtered_and_sorted() {
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let mut a = sag(A, FAR);
    a.titel = "Bolig".into();
    let mut b = sag(B, FAR);
    b.titel = "Arbejde".into();
    b.tilstande.push(Tilstand {
        status: "Afsluttet".into(),
        fra: "2024-01-09T08:00:00Z".into(),
    });
    let c = sag(C, MOR);
    let imp = sf1470::importer_request(&[a, b, c]);
    let r = answer(call(&svc, &p, "q", &model::IMPORTER, &imp));
    assert!(r.returs().iter().all(|(_, sr)| sr.is_ok()), "{r:?}");
    let ask = |q: &Fremsoeg| {
        let mut h = hits(answer(call(
            &svc,
            &p,
            "q",
            &model::FREMSOEG,
            &sf1470::fremsoeg_request(q),
        )));
        h.sort();
        h
    };
    let part = |cpr| Led::Sag(SoegSag::part(sf1470::party_urn_cpr(cpr)));
    let udtryk = |eller, led| Fremsoeg {
        udtryk: Some(SoegUdtryk { eller, led }),
        ..Fremsoeg::default()
    };
    let not_afsluttet = Led::Ikke(SoegUdtryk {
        eller: false,
        led: vec![Led::Sag(SoegSag::status("Afsluttet"))],
    });
    assert_eq!(ask(&udtryk(true, vec![part(FAR), part(MOR)])), [A, B, C]);
    assert_eq!(
        ask(&udtryk(false, vec![part(FAR), part(MOR)])),
        Vec::<String>::new()
    );
    assert_eq!(
        ask(&udtryk(false, vec![part(FAR), not_afsluttet.clone()])),
        [A]
    );
    assert_eq!(ask(&udtryk(false, vec![not_afsluttet])), [A, C]);
    let nested = Led::Udtryk(SoegUdtryk {
        eller: true,
        led: vec![part(MOR), Led::Sag(SoegSag::status("Afsluttet"))],
    });
    assert_eq!(ask(&udtryk(false, vec![nested])), [B, C]);
    // The Sortering orders, the Filter shows only what it names.
    let mut q = udtryk(false, vec![part(FAR)]);
    q.sortering = vec![Sortering {
        element: "Titel".into(),
        faldende: false,
        prioritet: 1,
    }];
    q.filter = Some(vec!["egenskaber".into()]);
    let f = search(&svc, &p, "q", &q);
    let got: Vec<(&str, &str)> = f
        .sager
        .iter()
        .map(|s| (s.titel.as_str(), s.status()))
        .collect();
    assert_eq!(got, [("Arbejde", ""), ("Bolig", "")], "no states shown");
    assert!(f.sager.iter().all(|s| s.relationer.is_empty()));
    q.sortering[0].faldende = true;
    q.filter = None;
    let f = search(&svc, &p, "q", &q);
    assert_eq!(f.sager[0].titel, "Bolig");
    assert_eq!(f.sager[1].status(), "Afsluttet");
    // What the mock cannot answer is refused with its reason, not ignored.
    q.sortering[0].element = "Foelsomhed".into();
    let r = answer(call(
        &svc,
        &p,
        "q",
        &model::FREMSOEG,
        &sf1470::fremsoeg_request(&q),
    ));
    let (code, text) = only_code(&r);
    assert_eq!(code, 40);
    assert!(text.contains("not by Foelsomhed"), "{text}");
    let empty = Fremsoeg::sag(SoegSag::default());
    let (code, text) = only_code(&answer(call(
        &svc,
        &p,
        "q",
        &model::FREMSOEG,
        &sf1470::fremsoeg_request(&empty),
    )));
    assert_eq!(code, 40);
    assert!(text.contains("at least one criterion"), "{text}");
}

#[test]
fn the_mock_refuses_by_the_same_anvisninger_the_client_checks() {
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let c = catalogue();
    let afsender = c.role("Afsender").unwrap().uuid.clone();
    let mut no_sender = sag(A, FAR);
    no_sender.relationer.retain(|r| r.rolle != afsender);
    let mut closed_only = sag(C, FAR);
    closed_only.tilstande[0].status = "Afsluttet".into();
    let imp = sf1470::importer_request(&[no_sender, sag(B, FAR), closed_only]);
    let r = answer(call(&svc, &p, "rules", &model::IMPORTER, &imp));
    let returs = r.returs();
    assert_eq!(returs[0].1.status_kode, 40);
    let t = returs[0].1.fejlbesked.as_deref().unwrap();
    assert!(
        t.contains("anvisning 'relationer'") && t.contains("'Afsender'"),
        "{t}"
    );
    assert_eq!(returs[1].1.status_kode, 20, "the good case is indexed");
    let t = returs[2].1.fejlbesked.as_deref().unwrap();
    assert!(t.contains("anvisning 'tilstandsforløb'"), "{t}");
    let q = sf1470::fremsoeg_request(&by_part(FAR));
    assert_eq!(
        hits(answer(call(&svc, &p, "rules", &model::FREMSOEG, &q))),
        [B]
    );
    // An update by an actor type the anvisning rules out.
    let mut o = opdatering(B, "Oplyst");
    o.aktoer.type_kode = "Organisation".into();
    let (code, text) = only_code(&answer(call(
        &svc,
        &p,
        "rules",
        &model::OPDATER,
        &sf1470::opdater_request(&[o]),
    )));
    assert_eq!(code, 40);
    assert!(text.contains("anvisning 'AktoerTypeKode'"), "{text}");
}

#[test]
fn what_the_mock_does_not_hold_is_refused_never_ignored() {
    xsd::require_xmllint();
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let dokument = format!(
        "<sdi:DokumentIndeks><sd:UUIDIdentifikator>{C}</sd:UUIDIdentifikator><di:Registrering xmlns:di=\"urn:oio:sts:sagdok:dokumentindeks:6\"><di:AttributListe/><di:TilstandListe/><di:RelationListe/></di:Registrering></sdi:DokumentIndeks>"
    );
    let imp = sf1470::importer_request(&[sag(A, FAR)]).replacen(
        "<sdi:SagIndeks>",
        &format!("{dokument}<sdi:SagIndeks>"),
        1,
    );
    let r = valid_answer(call(&svc, &p, "dok", &model::IMPORTER, &imp));
    let returs = r.returs();
    assert_eq!(returs.len(), 2, "{r:?}");
    assert_eq!((returs[0].0, returs[0].1.status_kode), (Some(A), 20));
    assert_eq!((returs[1].0, returs[1].1.status_kode), (Some(C), 40));
    let t = returs[1].1.fejlbesked.as_deref().unwrap();
    assert!(t.contains("does not answer DokumentIndeks"), "{t}");
    // A search that names a document, a fjern by search: refused as a whole.
    let q = sf1470::fremsoeg_request(&by_part(FAR)).replacen(
        "<sdi:SoegUdtryk>",
        &format!("<sdi:DokumentUuid>{C}</sdi:DokumentUuid><sdi:SoegUdtryk>"),
        1,
    );
    let (code, t) = only_code(&valid_answer(call(&svc, &p, "dok", &model::FREMSOEG, &q)));
    assert_eq!(code, 40);
    assert!(t.contains("DokumentUuid"), "{t}");
    let soeg = sf1470::fremsoeg_request(&by_part(FAR));
    let udtryk = &soeg[soeg.find("<sdi:SoegUdtryk>").unwrap()
        ..soeg.find("</sdi:FremsoegSagDokumentIndeksInput>").unwrap()];
    let fjern = sf1470::fjern_request(&[]).replacen(
        "</sdi:FjernSagDokumentIndeksInput>",
        &format!("{udtryk}</sdi:FjernSagDokumentIndeksInput>"),
        1,
    );
    let (code, t) = only_code(&valid_answer(call(&svc, &p, "dok", &model::FJERN, &fjern)));
    assert_eq!(code, 40);
    assert!(t.contains("fjern removes by SagUuid"), "{t}");
    // Nothing of it touched the index.
    assert_eq!(
        hits(answer(call(&svc, &p, "dok", &model::FREMSOEG, &soeg))),
        [A]
    );
}

#[test]
fn unknown_kle_a_facet_as_emne_and_bad_parties_are_refused() {
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let c = catalogue();
    assert!(
        svc.check_sag(&sag(A, FAR)).is_empty(),
        "the full case is taken"
    );
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
fn refusals_travel_as_unik_retur_40_with_cpr_numbers_masked() {
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let mut bad = sag(A, FAR);
    let ejer = catalogue().role("Ejer").unwrap().uuid.clone();
    // An Ejer written as a person: the reason quotes the reference, masked.
    bad.relationer
        .iter_mut()
        .find(|r| r.rolle == ejer)
        .unwrap()
        .reference = Reference::Urn(sf1470::party_urn_cpr(FAR));
    let imp = sf1470::importer_request(&[bad, sag(B, FAR)]);
    let SoapAnswer::Payload(text) = call(&svc, &p, "x", &model::IMPORTER, &imp) else {
        panic!("a refusal is an answer, not a fault")
    };
    assert!(!text.contains(FAR), "unmasked CPR in the answer: {text}");
    assert!(text.contains("150380-xxxx"), "{text}");
    let r = sf1470::parse_response(&xml::parse(text.as_bytes()).unwrap()).unwrap();
    let returs = r.returs();
    assert_eq!(returs[0].0, Some(A));
    assert_eq!(returs[0].1.status_kode, 40, "the bad case");
    assert_eq!(returs[1].1.status_kode, 20, "the good case is indexed");
}

#[test]
fn schema_breaches_are_platform_faults_and_no_context_is_needed() {
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let fault = |a: SoapAnswer| match a {
        SoapAnswer::Fault(f) => f,
        _ => panic!("expected a fault"),
    };
    // The element does not match the SOAPAction.
    let q = sf1470::fremsoeg_request(&by_part(FAR));
    let f = fault(call(&svc, &p, "x", &model::IMPORTER, &q));
    assert_eq!(f.errors[0].code, "SchemaValidationFailed");
    assert!(
        f.errors[0].text.contains("ImporterSagDokumentIndeksInput"),
        "{:?}",
        f.errors
    );
    // A state outside the enumeration (v5's Udfoert), a case without a title element.
    let mut s = sag(A, FAR);
    s.tilstande[0].status = "Udfoert".into();
    let f = fault(call(
        &svc,
        &p,
        "x",
        &model::IMPORTER,
        &sf1470::importer_request(&[s]),
    ));
    assert!(f.errors[0].text.contains("Udfoert"), "{:?}", f.errors);
    // An InvocationContext has no place in the v6 payload.
    let ctx = soap::invocation_context(&soap::InvocationContext {
        service_agreement_uuid: A.into(),
        user_system_uuid: A.into(),
        user_uuid: A.into(),
        service_uuid: A.into(),
        call_id: "x".into(),
    });
    let with_ctx = q.replacen("<sdi:SoegUdtryk>", &format!("{ctx}<sdi:SoegUdtryk>"), 1);
    let f = fault(call(&svc, &p, "x", &model::FREMSOEG, &with_ctx));
    assert_eq!(f.errors[0].code, "SchemaValidationFailed");
    // No context, no security model fault: the token is checked in front of the service.
    assert!(hits(answer(call(&svc, &p, "x", &model::FREMSOEG, &q))).is_empty());
}

// ------------------------------------------------------------------------------------------
// The messages against the XSDs.

#[test]
fn requests_and_answers_validate_against_kombits_v6_xsds() {
    xsd::require_xmllint();
    let schema = xsd::sf1470_schema();
    let p = platform();
    let svc = Sf1470::load(&repo().join("mocks")).unwrap();
    let mut bad = sag(B, FAR);
    bad.relationer.pop();
    let full = Fremsoeg {
        sag_uuids: vec![A.into()],
        udtryk: Some(SoegUdtryk {
            eller: true,
            led: vec![
                Led::Sag(SoegSag::part(sf1470::party_urn_cpr(FAR))),
                Led::Ikke(SoegUdtryk {
                    eller: false,
                    led: vec![Led::Sag(SoegSag::status("Afsluttet"))],
                }),
            ],
        }),
        filter: Some(vec!["egenskaber".into(), "sagspart".into()]),
        sortering: vec![Sortering {
            element: "BrugervendtNoegle".into(),
            faldende: true,
            prioritet: 1,
        }],
    };
    let requests = [
        (
            &model::IMPORTER,
            sf1470::importer_request(&[sag(A, FAR), bad]),
        ),
        (
            &model::OPDATER,
            sf1470::opdater_request(&[opdatering(A, "Afsluttet")]),
        ),
        (&model::FREMSOEG, sf1470::fremsoeg_request(&by_part(FAR))),
        (
            &model::FREMSOEG,
            sf1470::fremsoeg_request(&by_kle("27.35.04")),
        ),
        (&model::FREMSOEG, sf1470::fremsoeg_request(&full)),
        (
            &model::FREMSOEG,
            sf1470::fremsoeg_request(&Fremsoeg {
                filter: Some(vec![]),
                ..by_part(FAR)
            }),
        ),
        (
            &model::FREMSOEG,
            sf1470::fremsoeg_request(&Fremsoeg::uuids(vec![A.into()])),
        ),
        (
            &model::FJERN,
            sf1470::fjern_request(&[A.to_string(), B.to_string()]),
        ),
        (
            &model::FREMSOEG,
            sf1470::fremsoeg_request(&Fremsoeg::sag(SoegSag::default())),
        ),
    ];
    let header = sf1470::request_header("4f7a0c5e-1111-4222-8333-444455556666");
    xsd::assert_valid(&header, &xsd::sf1470_header_schema(), "RequestHeader");
    let mut returs = 0;
    for (op, req) in requests {
        xsd::assert_valid(&req, &schema, &format!("{} request", op.name));
        // What travels is the Body of the envelope; it is the same element.
        let travelled = xsd::body_payload(&soap::envelope_with_header(Some(&header), &req));
        xsd::assert_valid(
            &travelled,
            &schema,
            &format!("{} request in its envelope", op.name),
        );
        let SoapAnswer::Payload(ans) = call(&svc, &p, "xsd", op, &req) else {
            panic!("{}: a fault", op.name)
        };
        xsd::assert_valid(&ans, &schema, &format!("{} answer", op.name));
        returs += answer(SoapAnswer::Payload(ans)).returs().len();
    }
    assert!(returs >= 10, "{returs}");
}

#[test]
fn the_schema_has_teeth() {
    xsd::require_xmllint();
    let schema = xsd::sf1470_schema();
    let good = sf1470::importer_request(&[sag(A, FAR)]);
    xsd::assert_valid(&good, &schema, "import");
    for (from, to) in [
        ("<sag:Sagsaktoer>", "<sag:Sagspart>"), // list out of order
        (
            "Opstaaet</sag:FremdriftStatusKode>",
            "Lukket</sag:FremdriftStatusKode>",
        ),
        (A, "0e0b9a8f-2b55"), // not a UUID
        ("<sag:Titel>Testsag</sag:Titel>", "<sag:Titel></sag:Titel>"),
        ("<sd:LivscyklusKode>Importeret", "<sd:LivscyklusKode>Lukket"),
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

fn importer_answer(content: &str) -> String {
    soap::envelope(&format!(
        "<b:ImporterSagDokumentIndeksOutput xmlns:b=\"{}\" xmlns:sd=\"urn:oio:sagdok:3.0.0\">{content}</b:ImporterSagDokumentIndeksOutput>",
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
        (importer_answer(""), "lacks <UnikRetur or StandardRetur>"),
        (
            soap::envelope("<x:PersonLookupResponse xmlns:x=\"urn:x\"/>"),
            "does not follow the v6 contract",
        ),
        (
            importer_answer("<sd:UnikRetur><sd:StatusKode>20</sd:StatusKode><sd:Type>Sag</sd:Type><sd:UUIDIdentifikator>x</sd:UUIDIdentifikator></sd:UnikRetur>"),
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
