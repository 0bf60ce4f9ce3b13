//! The mock's data in `mocks/`: SF1520 answers valid against KOMBIT's XSD, the family
//! consistent, the agreements and fault templates the scenarios rely on, and the requests we
//! build valid against the same XSD.

use crate::support::xsd;
use regex::Regex;
use sp_contract::core::cpr::Cpr;
use sp_contract::core::soap::{self, InvocationContext, Reply};
use sp_contract::core::xml::{self, Element};
use sp_contract::platform::data::{AgreementStatus, Citizen, Platform};
use sp_contract::services::sf1520;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const FAMILY: [&str; 4] = ["far", "mor", "barn1", "barn2"];
const CERT_CN: &str = "sp-contract testsystem (FOCES)";

fn mocks_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks")
}

fn platform() -> Platform {
    Platform::load(&mocks_dir(), sp_contract::engine::catalog().known())
        .unwrap_or_else(|e| panic!("mocks/ does not load: {e}"))
}

fn citizen<'a>(p: &'a Platform, alias: &str) -> &'a Citizen {
    p.citizen_by_alias(alias)
        .unwrap_or_else(|| panic!("citizens.json has no citizen '{alias}'"))
}

fn response<'a>(p: &'a Platform, alias: &str) -> &'a Element {
    citizen(p, alias)
        .sf1520
        .as_ref()
        .unwrap_or_else(|| panic!("citizen '{alias}' has no SF1520 answer"))
}

fn field(p: &Platform, alias: &str, path: &str) -> Option<String> {
    citizen(p, alias).field(path)
}

fn all(el: &Element, path: &str) -> Vec<String> {
    let path: xml::Path = path.parse().expect("valid path");
    el.select(&path).iter().map(|e| e.text()).collect()
}

fn cpr_of(p: &Platform, alias: &str) -> String {
    citizen(p, alias).entry.cpr.clone()
}

fn set(items: &[String]) -> BTreeSet<String> {
    items.iter().cloned().collect()
}

/// (year, month, day) of a CPR number's birth date.
fn birth_date(cpr: &str) -> (i32, u8, u8) {
    let c = Cpr::parse(cpr).unwrap_or_else(|e| panic!("{e}"));
    (
        c.birth_year(),
        cpr[2..4].parse().unwrap(),
        cpr[0..2].parse().unwrap(),
    )
}

fn under_18_today(cpr: &str) -> bool {
    let (y, m, d) = birth_date(cpr);
    let today = time::OffsetDateTime::now_utc().date();
    let eighteenth = (y + 18, m, d);
    (today.year(), today.month() as u8, today.day()) < eighteenth
}

// ---------------------------------------------------------------------------------------
// The XSD helper itself: it must be able to say no, or the tests below prove nothing.

#[test]
fn validator_rejects_documents_that_break_the_schema() {
    let schema = xsd::sf1520_schema();
    let far = std::fs::read_to_string(mocks_dir().join("sf1520/far.xml")).unwrap();
    xsd::assert_valid(&far, &schema, "far.xml");

    // alder after koen: wrong order.
    let swapped = far.replace(
        "<alder>46</alder>\n    <koen>M</koen>",
        "<koen>M</koen>\n    <alder>46</alder>",
    );
    assert_ne!(swapped, far, "test input changed");
    let e = xsd::validate(&swapped, &schema).expect_err("wrong order must not validate");
    assert!(e.contains("alder"), "{e}");

    // A date where a dateTime belongs (usikkerhedDatoTidType/dato).
    let date_only = far.replacen(
        "<dato>2014-08-01T00:00:00+02:00</dato>",
        "<dato>2014-08-01</dato>",
        1,
    );
    assert_ne!(date_only, far, "test input changed");
    assert!(xsd::validate(&date_only, &schema).is_err());

    // antalBoernUnder18 is required.
    let missing = far.replace("<antalBoernUnder18>2</antalBoernUnder18>", "");
    assert_ne!(missing, far, "test input changed");
    assert!(xsd::validate(&missing, &schema).is_err());

    // Not XML at all.
    assert!(xsd::validate("<PersonLookupResponse", &schema).is_err());
}

#[test]
fn working_copy_fixes_the_pnr_import_and_leaves_the_contracts_alone() {
    let schema = xsd::sf1520_schema();
    let copy = schema.parent().unwrap();
    let original = xsd::contracts_dir().join(xsd::SF1520_PACKAGE);
    assert_ne!(copy, original.as_path());
    let fixed = std::fs::read_to_string(copy.join(xsd::SF1520_TYPES_XSD)).unwrap();
    assert!(fixed.contains("schemaLocation=\"../sp/PNR_1.xsd\""));
    // Same process, same copy.
    assert_eq!(xsd::sf1520_schema(), schema);
    assert!(xsd::fault_schema().starts_with(copy));
    // The patch is idempotent, so a corrected package keeps working.
    assert_eq!(xsd::add_pnr_import(&fixed), fixed);
    // The untouched package still lacks the import: libxml2 refuses it.
    let untouched = original.join(xsd::SF1520_MSG_XSD);
    let far = std::fs::read_to_string(mocks_dir().join("sf1520/far.xml")).unwrap();
    let e = xsd::validate(&far, &untouched).expect_err("the published package needs the fix");
    assert!(e.contains("import"), "{e}");
}

#[test]
fn body_payload_carries_namespace_declarations_from_the_envelope() {
    let envelope = format!(
        "<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"{}\" xmlns:t=\"{}\" xmlns:p=\"{}\" xmlns:x=\"urn:unused\">\
<s:Header/><s:Body>\n  <t:PersonLookupRequest><p:PNR>0101801234</p:PNR></t:PersonLookupRequest>\n</s:Body></s:Envelope>",
        soap::SOAP11_NS,
        sf1520::NS,
        sf1520::PNR_NS
    );
    let payload = xsd::body_payload(&envelope);
    assert!(
        payload.contains("<t:PersonLookupRequest xmlns:s="),
        "{payload}"
    );
    assert!(payload.contains("xmlns:x=\"urn:unused\""), "{payload}");
    assert!(!payload.contains("Body"), "{payload}");
    xsd::assert_valid(&payload, &xsd::sf1520_schema(), "extracted request");

    // The fault's QName value keeps its prefix bound.
    let fault = soap::fault_envelope("soapenv:Client", "x", &[]);
    let f = xsd::body_payload(&fault);
    assert!(
        f.contains(&format!("xmlns:soapenv=\"{}\"", soap::SOAP11_NS)),
        "{f}"
    );
    assert!(f.contains("<faultcode>soapenv:Client</faultcode>"), "{f}");
}

// ---------------------------------------------------------------------------------------
// The data.

#[test]
fn every_sf1520_answer_validates_against_the_schema() {
    let schema = xsd::sf1520_schema();
    let mut files: Vec<PathBuf> = std::fs::read_dir(mocks_dir().join("sf1520"))
        .expect("mocks/sf1520 exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 8,
        "expected the 8 citizens' answers, found {files:?}"
    );
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        if let Err(e) = xsd::validate(&text, &schema) {
            failures.push(format!("{}:\n{e}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn platform_data_loads() {
    let p = platform();
    assert_eq!(p.platform.authorities.len(), 1);
    assert_eq!(p.platform.authorities[0].cvr, "29189846");
    for name in [
        "missing_security_context",
        "unknown_agreement",
        "agreement_not_approved",
        "agreement_mismatch",
        "wrong_service_uuid",
        "certificate_not_registered",
        "schema_validation",
        "cpr_not_found",
    ] {
        assert!(p.faults.contains_key(name), "faults.json lacks '{name}'");
    }
}

#[test]
fn every_answer_file_belongs_to_a_citizen() {
    let p = platform();
    let referenced: BTreeSet<PathBuf> = p
        .citizens
        .iter()
        .filter_map(|c| c.entry.sf1520.clone())
        .map(|rel| mocks_dir().join(rel))
        .collect();
    for entry in std::fs::read_dir(mocks_dir().join("sf1520")).unwrap() {
        let path = entry.unwrap().path();
        assert!(
            referenced.contains(&path),
            "{} is not used by citizens.json",
            path.display()
        );
    }
    for c in &p.citizens {
        if let Some(rel) = &c.entry.sf1520 {
            assert_eq!(
                rel,
                &PathBuf::from(format!("sf1520/{}.xml", c.entry.alias)),
                "answer files are named after the alias"
            );
        }
    }
}

#[test]
fn the_scenario_aliases_exist_with_distinct_valid_cprs() {
    let p = platform();
    let aliases: BTreeSet<&str> = p.citizens.iter().map(|c| c.entry.alias.as_str()).collect();
    for a in [
        "far",
        "mor",
        "barn1",
        "barn2",
        "beskyttet",
        "ikke-tilmeldt",
        "død",
        "modulus11-undtagelse",
        "ukendt",
    ] {
        assert!(aliases.contains(a), "citizens.json lacks '{a}'");
    }
    let cprs: BTreeSet<&str> = p.citizens.iter().map(|c| c.entry.cpr.as_str()).collect();
    assert_eq!(cprs.len(), p.citizens.len(), "CPR numbers must be distinct");
    for c in &p.citizens {
        Cpr::parse(&c.entry.cpr).unwrap_or_else(|e| panic!("{}: {e}", c.entry.alias));
    }
}

#[test]
fn answers_agree_with_their_cpr_numbers() {
    let p = platform();
    for c in p.citizens.iter().filter(|c| c.sf1520.is_some()) {
        let alias = &c.entry.alias;
        let cpr = &c.entry.cpr;
        assert_eq!(
            c.field("persondata/personnummer").as_deref(),
            Some(cpr.as_str()),
            "{alias}"
        );
        assert_eq!(
            c.field("persondata/gaeldendePersonnummer").as_deref(),
            Some(cpr.as_str()),
            "{alias}"
        );
        let last: u32 = cpr[9..].parse().unwrap();
        let expected = if last % 2 == 1 { "M" } else { "K" };
        assert_eq!(
            c.field("persondata/koen").as_deref(),
            Some(expected),
            "{alias}: koen must follow the CPR number's last digit ({last})"
        );
        let (y, m, d) = birth_date(cpr);
        assert_eq!(
            c.field("persondata/foedselsdato/dato"),
            Some(format!("{y:04}-{m:02}-{d:02}")),
            "{alias}: foedselsdato must be the CPR number's date (century rule)"
        );
        for required in [
            "persondata/navn/personadresseringsnavn",
            "persondata/navn/fornavn",
            "persondata/navn/efternavn",
            "persondata/antalBoernUnder18",
            "persondata/status/status",
            "persondata/civilstand/civilstand",
            "persondata/statsborgerskab/landekode",
            "persondata/tilmeldtNemsms",
            "persondata/tilmeldtDigitalpost",
        ] {
            assert!(c.field(required).is_some(), "{alias} lacks {required}");
        }
        assert_eq!(
            c.field("persondata/statsborgerskab/landekode").as_deref(),
            Some("5100"),
            "{alias}"
        );
    }
}

#[test]
fn the_family_points_at_each_other() {
    let p = platform();
    let [far, mor, barn1, barn2] = FAMILY.map(|a| cpr_of(&p, a));
    let children = set(&[barn1.clone(), barn2.clone()]);

    for (parent, spouse) in [("far", &mor), ("mor", &far)] {
        let r = response(&p, parent);
        assert_eq!(
            all(r, "relationer/aegtefaelle/personnummer"),
            vec![spouse.clone()],
            "{parent}"
        );
        assert_eq!(
            set(&all(r, "relationer/barn/personnummer")),
            children,
            "{parent}"
        );
        assert_eq!(
            field(&p, parent, "persondata/civilstand/civilstand").as_deref(),
            Some("G")
        );
        assert_eq!(
            field(&p, parent, "persondata/status/status").as_deref(),
            Some("1")
        );
        assert_eq!(
            field(&p, parent, "persondata/tilmeldtDigitalpost").as_deref(),
            Some("true")
        );
        assert!(citizen(&p, parent).digital_post());
        let under_18 = all(r, "relationer/barn/personnummer")
            .iter()
            .filter(|c| under_18_today(c))
            .count();
        assert_eq!(under_18, 2, "both children are under 18");
        assert_eq!(
            field(&p, parent, "persondata/antalBoernUnder18"),
            Some(under_18.to_string()),
            "{parent}"
        );
    }
    for child in ["barn1", "barn2"] {
        let r = response(&p, child);
        assert_eq!(
            all(r, "relationer/mor/personnummer"),
            vec![mor.clone()],
            "{child}"
        );
        assert_eq!(
            all(r, "relationer/far/personnummer"),
            vec![far.clone()],
            "{child}"
        );
        assert!(all(r, "relationer/barn").is_empty(), "{child}");
        let custody: BTreeSet<(String, String)> = r
            .select(&"relationer/foraeldremyndighed".parse().unwrap())
            .iter()
            .map(|f| {
                (
                    f.child("foraeldremyndighedtype")
                        .map(|e| e.text())
                        .unwrap_or_default(),
                    f.child("relationPersonnummer")
                        .map(|e| e.text())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let expected: BTreeSet<(String, String)> = [
            ("3".to_string(), mor.clone()),
            ("4".to_string(), far.clone()),
        ]
        .into();
        assert_eq!(
            custody, expected,
            "{child}: custody with mor (3) and far (4)"
        );
        assert!(under_18_today(&cpr_of(&p, child)), "{child}");
        assert_eq!(
            field(&p, child, "persondata/antalBoernUnder18").as_deref(),
            Some("0")
        );
        assert_eq!(
            field(&p, child, "persondata/tilmeldtDigitalpost").as_deref(),
            Some("false")
        );
        assert!(!citizen(&p, child).digital_post());
    }
    for member in FAMILY {
        assert_eq!(
            field(&p, member, "adresse/aktuelAdresse/standardadresse").as_deref(),
            Some("Prinsens Allé 5"),
            "{member}"
        );
        assert_eq!(
            field(&p, member, "adresse/aktuelAdresse/kommunekode").as_deref(),
            Some("791")
        );
        assert_eq!(
            field(&p, member, "adresse/aktuelAdresse/kommuneCvr").as_deref(),
            Some("29189846")
        );
        assert_eq!(
            field(&p, member, "persondata/navn/efternavn").as_deref(),
            Some("Testesen")
        );
    }
    assert_eq!(
        field(&p, "far", "persondata/navn/fornavn").as_deref(),
        Some("Peter")
    );
    assert_eq!(field(&p, "far", "persondata/navn/mellemnavn"), None);
    assert_eq!(
        field(&p, "mor", "persondata/navn/fornavn").as_deref(),
        Some("Mette")
    );
}

#[test]
fn modulus_11_cases() {
    let p = platform();
    let exception = Cpr::parse(&cpr_of(&p, "modulus11-undtagelse")).expect("a valid number");
    assert!(
        !exception.passes_modulus11(),
        "modulus11-undtagelse must fail modulus 11"
    );
    assert!(
        exception.birth_year() >= 1900,
        "a person alive today: {}",
        exception.birth_year()
    );
    assert!(
        citizen(&p, "modulus11-undtagelse").sf1520.is_some(),
        "found in CPR"
    );
    assert_eq!(
        field(&p, "modulus11-undtagelse", "persondata/status/status").as_deref(),
        Some("1")
    );
    for parent in ["far", "mor"] {
        assert!(
            Cpr::parse(&cpr_of(&p, parent)).unwrap().passes_modulus11(),
            "{parent}"
        );
    }
}

#[test]
fn special_citizens() {
    let p = platform();
    // Unknown: a valid number with no answer.
    let ukendt = citizen(&p, "ukendt");
    assert!(ukendt.entry.sf1520.is_none() && ukendt.sf1520.is_none());
    assert!(!mocks_dir().join("sf1520/ukendt.xml").exists());
    Cpr::parse(&ukendt.entry.cpr).unwrap();

    // Protected: flag set with a start date, address still present.
    assert_eq!(
        field(&p, "beskyttet", "persondata/adressebeskyttelse/beskyttet").as_deref(),
        Some("true")
    );
    assert!(field(&p, "beskyttet", "persondata/adressebeskyttelse/startdato").is_some());
    assert!(field(&p, "beskyttet", "adresse/aktuelAdresse/standardadresse").is_some());
    for other in [
        "far",
        "mor",
        "barn1",
        "barn2",
        "ikke-tilmeldt",
        "modulus11-undtagelse",
    ] {
        assert_ne!(
            field(&p, other, "persondata/adressebeskyttelse/beskyttet").as_deref(),
            Some("true"),
            "{other}"
        );
    }

    // Not enrolled: an adult.
    assert!(!citizen(&p, "ikke-tilmeldt").digital_post());
    assert_eq!(
        field(&p, "ikke-tilmeldt", "persondata/tilmeldtDigitalpost").as_deref(),
        Some("false")
    );
    assert!(!under_18_today(&cpr_of(&p, "ikke-tilmeldt")));

    // Deceased.
    assert_eq!(
        field(&p, "død", "persondata/status/status").as_deref(),
        Some("90")
    );
    assert!(field(&p, "død", "persondata/status/statusdato/dato").is_some());
    let civil = field(&p, "død", "persondata/civilstand/civilstand");
    assert!(
        matches!(civil.as_deref(), Some("D") | Some("E")),
        "{civil:?}"
    );
    assert_eq!(field(&p, "død", "adresse/aktuelAdresse"), None);
    assert!(!citizen(&p, "død").digital_post());

    // Emigrated: status 80, no current address, the foreign one in udrejseoplysninger.
    assert_eq!(
        field(&p, "udrejst", "persondata/status/status").as_deref(),
        Some("80")
    );
    assert_eq!(field(&p, "udrejst", "adresse/aktuelAdresse"), None);
    assert!(field(&p, "udrejst", "adresse/udrejseoplysninger/udlandsadresse1").is_some());

    // Everyone else who is found lives in Denmark.
    for c in p
        .citizens
        .iter()
        .filter(|c| c.sf1520.is_some() && !["død", "udrejst"].contains(&c.entry.alias.as_str()))
    {
        assert_eq!(
            c.field("persondata/status/status").as_deref(),
            Some("1"),
            "{}",
            c.entry.alias
        );
    }
}

#[test]
fn agreements_and_user_system() {
    let p = platform();
    let uuid = Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        .unwrap();
    assert_eq!(p.platform.user_systems.len(), 1);
    let system = &p.platform.user_systems[0];
    assert_eq!(system.name, "sp-contract testsystem");
    assert!(uuid.is_match(&system.uuid), "{}", system.uuid);
    assert!(uuid.is_match(&system.user_uuid), "{}", system.user_uuid);
    assert!(system
        .certificates
        .iter()
        .any(|c| c.subject_cn.as_deref() == Some(CERT_CN)));

    let sf1520: Vec<_> = p
        .platform
        .agreements
        .iter()
        .filter(|a| a.service == "SF1520")
        .collect();
    for a in &p.platform.agreements {
        assert!(uuid.is_match(&a.uuid), "{}", a.uuid);
        assert_eq!(a.user_system, system.uuid);
        assert_eq!(a.authority_cvr, "29189846");
    }
    let default: Vec<_> = sf1520
        .iter()
        .filter(|a| a.status == AgreementStatus::Approved && a.alias.is_none())
        .collect();
    assert_eq!(
        default.len(),
        1,
        "exactly one approved SF1520 agreement without alias"
    );
    let by_alias = |alias: &str| {
        sf1520
            .iter()
            .find(|a| a.alias.as_deref() == Some(alias))
            .unwrap_or_else(|| panic!("no SF1520 agreement '{alias}'"))
    };
    assert_eq!(by_alias("afventende").status, AgreementStatus::Pending);
    assert_eq!(by_alias("afvist").status, AgreementStatus::Rejected);
    let ids: BTreeSet<&str> = p
        .platform
        .agreements
        .iter()
        .map(|a| a.uuid.as_str())
        .collect();
    assert_eq!(
        ids.len(),
        p.platform.agreements.len(),
        "agreement UUIDs are distinct"
    );
}

// ---------------------------------------------------------------------------------------
// Faults.

/// (template name, error code, placeholders given).
type FaultCase = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// Each template with its error code and the placeholders the Rust code gives it
/// (src/platform/data.rs and endpoint.rs, the services' mock.rs).
const FAULTS: [FaultCase; 24] = [
    (
        "missing_security_context",
        "SecurityModelNotProvided",
        &[("supported", "KombitToken, InvocationContext")],
    ),
    (
        "unknown_agreement",
        "ServiceAgreementNotFound",
        &[("agreement", "00000000-0000-4000-8000-000000000001")],
    ),
    (
        "agreement_not_approved",
        "ServiceAgreementNotApproved",
        &[
            ("agreement", "00000000-0000-4000-8000-000000000001"),
            ("status", "pending"),
        ],
    ),
    (
        "agreement_mismatch",
        "ServiceAgreementMismatch",
        &[
            ("agreement", "00000000-0000-4000-8000-000000000001"),
            ("service", "SF1520"),
            ("user_system", "00000000-0000-4000-8000-000000000002"),
        ],
    ),
    (
        "wrong_service_uuid",
        "ServiceUUIDMismatch",
        &[
            ("service_uuid", "00000000-0000-4000-8000-000000000003"),
            ("expected", "e6be2436-bf35-4df2-83fe-925142825dc2"),
            ("service", "SF1520"),
        ],
    ),
    (
        "certificate_not_registered",
        "CertificateNotRegistered",
        &[
            ("subject", "someone else <&>"),
            ("user_system", "00000000-0000-4000-8000-000000000002"),
        ],
    ),
    (
        "schema_validation",
        "SchemaValidationFailed",
        &[("reason", "<PNR> is unexpected & wrong")],
    ),
    ("cpr_not_found", "PersonNotFound", &[("pnr", "241190-xxxx")]),
    (
        "certificate_unknown",
        "CertificateNotRegistered",
        &[("subject", "someone else <&>")],
    ),
    (
        "unknown_user",
        "UserNotFound",
        &[
            ("user", "00000000-0000-4000-8000-0000000000ff"),
            ("user_system", "00000000-0000-4000-8000-000000000002"),
        ],
    ),
    (
        "authority_agreement_missing",
        "ServiceAgreementNotFound",
        &[
            ("user_system", "00000000-0000-4000-8000-000000000002"),
            ("service", "SF2900"),
            ("authority", "11111111"),
        ],
    ),
    // The OIO IDWS STS and token check (src/platform/idws/).
    (
        "idws_sts_request_invalid",
        "InvalidSecurity",
        &[("reason", "the signature does not cover Body")],
    ),
    ("idws_sts_not_tls_certificate", "InvalidSecurity", &[]),
    (
        "idws_sts_unknown_audience",
        "UnknownAudience",
        &[("audience", "http://entityid.example/none")],
    ),
    (
        "idws_sts_certificate_not_registered",
        "CertificateNotRegistered",
        &[("subject", "someone else <&>")],
    ),
    (
        "idws_sts_no_agreement",
        "NoServiceAgreement",
        &[
            ("user_system", "00000000-0000-4000-8000-000000000002"),
            ("service", "SF1470"),
            ("cvr", "11111111"),
        ],
    ),
    (
        "idws_sts_agreement_not_approved",
        "ServiceAgreementNotApproved",
        &[
            ("agreement", "00000000-0000-4000-8000-000000000001"),
            ("service", "SF1470"),
            ("user_system", "00000000-0000-4000-8000-000000000002"),
            ("cvr", "11111111"),
            ("status", "pending"),
        ],
    ),
    (
        "idws_token_missing",
        "IdwsTokenMissing",
        &[
            ("service", "SF1470"),
            ("reason", "Header/Security is missing"),
        ],
    ),
    (
        "idws_timestamp",
        "IdwsTimestampInvalid",
        &[("service", "SF1470"), ("reason", "the Timestamp expired")],
    ),
    (
        "idws_signature",
        "IdwsSignatureInvalid",
        &[("service", "SF1470"), ("reason", "the digest of Body")],
    ),
    (
        "idws_audience",
        "IdwsAudience",
        &[("service", "SF1470"), ("reason", "another audience")],
    ),
    (
        "idws_assertion_untrusted",
        "IdwsAssertionNotTrusted",
        &[("service", "SF1470"), ("reason", "not the STS")],
    ),
    (
        "idws_assertion_expired",
        "IdwsAssertionExpired",
        &[("service", "SF1470"), ("reason", "expired at noon")],
    ),
    (
        "idws_not_holder_of_key",
        "IdwsNotHolderOfKey",
        &[("service", "SF1470"), ("reason", "another key")],
    ),
];

#[test]
fn every_fault_renders_completely_and_its_detail_validates() {
    let p = platform();
    assert_eq!(
        p.faults.len(),
        FAULTS.len(),
        "a fault template without a test"
    );
    let leftover = Regex::new(r"\{[a-z_]+\}").unwrap();
    let schema = xsd::fault_schema();
    for (name, code, vars) in FAULTS {
        let t = &p.faults[name];
        assert!(
            t.faultcode == "soapenv:Client" || t.faultcode == "soapenv:Server",
            "{name}: {}",
            t.faultcode
        );
        let expected_source = if name == "missing_security_context" {
            "public"
        } else {
            "modelled"
        };
        assert_eq!(t.source, expected_source, "{name}");
        assert_eq!(
            t.http_status, 500,
            "{name}: SOAP 1.1 faults travel with HTTP 500"
        );

        let f = p.fault(name, vars);
        assert_eq!(f.errors.len(), 1, "{name}: one ServiceplatformFault error");
        assert_eq!(f.errors[0].code, code, "{name}");
        for text in [&f.string, &f.errors[0].text] {
            assert!(
                !leftover.is_match(text),
                "{name}: a placeholder the code does not fill: {text}"
            );
        }
        for (_, value) in vars {
            assert!(
                f.string.contains(value) || f.errors[0].text.contains(value),
                "{name}: '{value}' is given but never shown"
            );
        }
        let lines: Vec<&str> = f.string.lines().collect();
        let n = lines.len();
        assert!(n >= 4, "{name}: {lines:?}");
        assert_eq!(
            lines[n - 3],
            "For further information contact Serviceplatformen Helpdesk and inform:",
            "{name}"
        );
        let call_uuid = lines[n - 2]
            .strip_prefix("CallUUID: ")
            .expect("CallUUID line");
        uuid::Uuid::parse_str(call_uuid).unwrap_or_else(|e| panic!("{name}: {e}"));
        let received = lines[n - 1]
            .strip_prefix("Received: ")
            .expect("Received line");
        assert!(received.ends_with('Z'), "{name}: {received}");

        let envelope = soap::fault_envelope(&f.code, &f.string, &f.errors);
        let detail = xsd::fault_detail_payload(&envelope);
        xsd::assert_valid(&detail, &schema, &format!("fault detail of '{name}'"));
        match soap::parse_reply(envelope.as_bytes()).unwrap() {
            Reply::Fault(parsed) => {
                assert!(parsed.codes().contains(&code.to_string()), "{name}");
                assert_eq!(parsed.string, f.string, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn fault_wording_says_what_to_do() {
    let p = platform();
    let f = p.fault(
        "missing_security_context",
        &[("supported", "KombitToken, InvocationContext")],
    );
    assert!(f.string.starts_with(
        "Security model for the called operation was not provided. The following are supported: [KombitToken, InvocationContext]\n"
    ));
    let f = p.fault(
        "agreement_not_approved",
        &[("agreement", "a"), ("status", "pending")],
    );
    for text in [&f.string, &f.errors[0].text] {
        assert!(text.contains("not approved"), "{text}");
        assert!(text.contains("must approve"), "{text}");
        assert!(text.contains("Administrationsmodul"), "{text}");
    }
    let f = p.fault(
        "certificate_not_registered",
        &[("subject", "s"), ("user_system", "u")],
    );
    for text in [&f.string, &f.errors[0].text] {
        assert!(
            text.contains("must be registered on the it-system in the Administrationsmodul"),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// What the client sends.

fn context() -> InvocationContext {
    InvocationContext {
        service_agreement_uuid: "677E8B63-6877-4D6C-BD3C-1F1DD02FEA39".into(),
        user_system_uuid: "903C9E8B-9112-4E92-9860-3C82EAE5D61E".into(),
        user_uuid: "E086C3CD-C29B-4283-ABCB-5C18DD1E2BB7".into(),
        service_uuid: "E6BE2436-BF35-4DF2-83FE-925142825DC2".into(),
        call_id: "sp-contract <test> & call".into(),
    }
}

#[test]
fn lookup_request_validates_with_and_without_context() {
    let schema = xsd::sf1520_schema();
    let with = sf1520::lookup_request(Some(&context()), "0101801234");
    assert!(
        !with.contains("677E8B63"),
        "UUIDs must be lower-cased: {with}"
    );
    xsd::assert_valid(&with, &schema, "PersonLookupRequest with InvocationContext");
    let without = sf1520::lookup_request(None, "0101801234");
    xsd::assert_valid(&without, &schema, "PersonLookupRequest without context");
    // Also inside the envelope we send.
    let payload = xsd::body_payload(&soap::envelope(&with));
    xsd::assert_valid(&payload, &schema, "PersonLookupRequest from the envelope");

    // The schema's UUID pattern is what makes lower-casing necessary.
    let upper = with.replace(
        "677e8b63-6877-4d6c-bd3c-1f1dd02fea39",
        "677E8B63-6877-4D6C-BD3C-1F1DD02FEA39",
    );
    assert_ne!(upper, with);
    let e = xsd::validate(&upper, &schema).expect_err("upper-case UUIDs are invalid");
    assert!(e.contains("ServiceAgreementUUID"), "{e}");
}

#[test]
fn mock_answers_are_served_as_written() {
    // The loader strips the XML declaration; the rest is what goes into the envelope.
    let p = platform();
    let schema = xsd::sf1520_schema();
    for c in p.citizens.iter().filter(|c| c.sf1520_xml.is_some()) {
        let served = c.sf1520_xml.as_deref().unwrap();
        assert!(!served.starts_with("<?xml"), "{}", c.entry.alias);
        let payload = xsd::body_payload(&soap::envelope(served));
        xsd::assert_valid(
            &payload,
            &schema,
            &format!("served answer of '{}'", c.entry.alias),
        );
    }
}
