//! The OIO IDWS token module against independent implementations: xmlsec1 verifies the STS
//! request's and the assertion's signatures, xmllint's exc-c14n recomputes the STR-Transform
//! digest; and the module's own verifier refuses each broken message, naming what is wrong.

use crate::support::run::pki;
use sp_contract::error::{Classified, ExitCode};
use sp_contract::idws::service_call::{self, ServiceCall};
use sp_contract::idws::signature::{sign, Reference, Template, Transform};
use sp_contract::idws::{cache, sts_answer, sts_issue, sts_request, verify};
use sp_contract::idws::{Assertion, IdwsError, SoapVersion, VerifyError};
use sp_contract::targets::pki::{load_identity, Identity, IdentitySource, TestPki};
use std::path::Path;
use std::process::Command;
use time::{Duration, OffsetDateTime};

const AUDIENCE: &str = "http://entityid.kombit.dk/service/sdi/sagdokumentindeks/6";
const OTHER_AUDIENCE: &str = "http://entityid.kombit.dk/service/organisation/6";
const STS_URL: &str = "https://sts.test/runtime/services/kombittrust/14/certificatemixed";
const ISSUER: &str = "https://adgangsstyring.test/";
const CVR: &str = "29189846";
const INSTALL: &str = "run `scripts/install-deps --test` (Debian packages xmlsec1, libxml2-utils)";

const WSA: &str = "http://www.w3.org/2005/08/addressing";
const WSU_PARTS: [&str; 7] = [
    "http://www.w3.org/2005/08/addressing:Action",
    "http://www.w3.org/2005/08/addressing:MessageID",
    "http://www.w3.org/2005/08/addressing:To",
    "http://www.w3.org/2005/08/addressing:ReplyTo",
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp",
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd:BinarySecurityToken",
    "http://www.w3.org/2003/05/soap-envelope:Body",
];

fn client(pki: &TestPki) -> Identity {
    load_identity(&pki.client_identity()).expect("the test client identity")
}

/// The test "STS": an RSA certificate of the test PKI (issued by its CA) that plays no client
/// part in these tests.
fn sts(pki: &TestPki) -> Identity {
    load_identity(&pki.unregistered_identity()).expect("the test STS identity")
}

/// Another client: a certificate from a foreign CA.
fn stranger(pki: &TestPki) -> Identity {
    load_identity(&pki.foreign_identity()).expect("the foreign identity")
}

fn der_b64(id: &Identity) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(id.cert.to_der().unwrap())
}

fn issue_for(pki: &TestPki, audience: &str, now: OffsetDateTime) -> String {
    let holder = client(pki);
    let issue = sts_issue::Issue {
        issuer: ISSUER,
        audience,
        cvr: CVR,
        holder_der_b64: &der_b64(&holder),
        holder_subject: &holder.info.subject,
    };
    sts_issue::assertion(&issue, &sts(pki), now).expect("the test STS signs")
}

/// The client's flow: request, the STS's answer, the assertion read from it.
fn token(pki: &TestPki, audience: &str, now: OffsetDateTime) -> Assertion {
    let request = sts_request::StsRequest {
        sts_url: STS_URL,
        audience,
        cvr: CVR,
    };
    let signed = sts_request::build(&request, &client(pki), now).unwrap();
    let asked = verify::sts_request(&signed.xml, now).expect("the STS accepts our request");
    let answer = sts_issue::answer(
        &issue_for(pki, &asked.audience, now),
        &asked.audience,
        &asked.message_id,
        &sts(pki),
        now,
    )
    .unwrap();
    let sts_cert = sts(pki).cert;
    sts_answer::read(
        &answer,
        &signed.message_id,
        Some((&sts_cert, audience)),
        now,
    )
    .expect("the answer reads")
}

fn call<'a>(body: &'a str) -> ServiceCall<'a> {
    ServiceCall {
        soap: SoapVersion::Soap11,
        action: "http://kombit.dk/sts/sagdokumentindeks/fremsoeg",
        to: "https://sdi.test/sagdokumentindeks/6",
        service_headers: "<rh:RequestHeader xmlns:rh=\"http://kombit.dk/xml/schemas/RequestHeader/1/\">\
                          <rh:TransactionUUID>4a1b2c3d-0000-4000-8000-000000000001</rh:TransactionUUID></rh:RequestHeader>",
        body,
        framework: true,
    }
}

const BODY: &str = "<sdi:FremsoegInput xmlns:sdi=\"urn:oio:sts:sagdok:sagdokumentindeks:6\"><sdi:X>1</sdi:X></sdi:FremsoegInput>";

fn tool(name: &str) {
    if let Err(e) = Command::new(name).arg("--version").output() {
        panic!("cannot run {name} ({e}): this test needs it: {INSTALL}");
    }
}

/// xmlsec1's verdict on `xml`, with the id attributes and key given.
fn xmlsec1(dir: &Path, xml: &str, key_args: &[&str], id_args: &[String]) -> (bool, String) {
    tool("xmlsec1");
    let file = dir.join(format!("signed-{}.xml", uuid::Uuid::new_v4()));
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmlsec1")
        .arg("--verify")
        .args(key_args)
        .args(id_args)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xmlsec1 ({e}): {INSTALL}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn id_attrs(attr: &str, elements: &[&str]) -> Vec<String> {
    elements
        .iter()
        .flat_map(|e| [format!("--id-attr:{attr}"), e.to_string()])
        .collect()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_sts_request_verifies_with_xmlsec1_and_with_our_verifier() {
    let pki = pki();
    let now = OffsetDateTime::now_utc();
    let request = sts_request::StsRequest {
        sts_url: STS_URL,
        audience: AUDIENCE,
        cvr: CVR,
    };
    let signed = sts_request::build(&request, &client(&pki), now).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = ["--pubkey-cert-pem", path(&pki.client_pem)];
    let (ok, err) = xmlsec1(dir.path(), &signed.xml, &key, &id_attrs("Id", &WSU_PARTS));
    assert!(ok, "xmlsec1 refuses our STS request: {err}\n{}", signed.xml);
    assert!(err.contains("SignedInfo References (ok/all): 7/7"), "{err}");

    let facts = verify::sts_request(&signed.xml, now).unwrap();
    assert_eq!(facts.audience, AUDIENCE);
    assert_eq!(facts.cvr, CVR);
    assert_eq!(facts.message_id, signed.message_id);
    assert_eq!(facts.to, STS_URL);

    // One byte of the body changed: both refuse.
    let altered = signed.xml.replace(CVR, "29189847");
    let (ok, _) = xmlsec1(dir.path(), &altered, &key, &id_attrs("Id", &WSU_PARTS));
    assert!(!ok, "xmlsec1 accepts an altered request");
    assert!(matches!(
        verify::sts_request(&altered, now),
        Err(VerifyError::Digest { element, .. }) if element == "Body"
    ));
}

#[test]
fn the_test_sts_assertion_verifies_with_xmlsec1_and_one_changed_byte_fails_both() {
    let pki = pki();
    let now = OffsetDateTime::now_utc();
    let assertion = issue_for(&pki, AUDIENCE, now);
    let dir = tempfile::tempdir().unwrap();
    let key = [
        "--pubkey-cert-pem",
        path(&pki.unregistered_pem),
        "--trusted-pem",
        path(&pki.ca_pem),
    ];
    let ids = id_attrs("ID", &["urn:oasis:names:tc:SAML:2.0:assertion:Assertion"]);
    let (ok, err) = xmlsec1(dir.path(), &assertion, &key, &ids);
    assert!(
        ok,
        "xmlsec1 refuses the test STS's assertion: {err}\n{assertion}"
    );
    assert!(err.contains("SignedInfo References (ok/all): 1/1"), "{err}");
    let sts_cert = sts(&pki).cert;
    let facts = verify::assertion(&assertion, &sts_cert, AUDIENCE, now).unwrap();
    assert_eq!(facts.cvr.as_deref(), Some(CVR));
    assert_eq!(
        facts.holder.to_der().unwrap(),
        client(&pki).cert.to_der().unwrap()
    );

    let altered = assertion.replacen(CVR, "29189847", 1);
    assert_ne!(altered, assertion);
    let (ok, _) = xmlsec1(dir.path(), &altered, &key, &ids);
    assert!(!ok, "xmlsec1 accepts an altered assertion");
    assert!(matches!(
        verify::assertion(&altered, &sts_cert, AUDIENCE, now),
        Err(VerifyError::Digest { element, .. }) if element == "Assertion"
    ));
}

/// The DigestValue of the reference whose transform is the STR-Transform.
fn str_digest(xml: &str) -> String {
    let at = xml
        .find("#STR-Transform")
        .expect("an STR-Transform reference");
    let from = at + xml[at..].find("<ds:DigestValue>").unwrap() + "<ds:DigestValue>".len();
    let to = from + xml[from..].find("</ds:DigestValue>").unwrap();
    xml[from..to].to_string()
}

#[test]
fn the_str_transform_digest_equals_xmllints_exclusive_c14n_of_the_assertion() {
    let pki = pki();
    let now = OffsetDateTime::now_utc();
    let assertion = token(&pki, AUDIENCE, now);
    let signed = service_call::build(&call(BODY), &assertion, &client(&pki), now).unwrap();

    tool("xmllint");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("assertion.xml");
    std::fs::write(&file, assertion.expose()).unwrap();
    let out = Command::new("xmllint")
        .arg("--exc-c14n")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xmllint ({e}): {INSTALL}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use base64::Engine as _;
    let expected =
        base64::engine::general_purpose::STANDARD.encode(openssl::sha::sha256(&out.stdout));
    assert_eq!(str_digest(&signed.xml), expected);

    let sts_cert = sts(&pki).cert;
    let facts = verify::service_call(&signed.xml, &sts_cert, AUDIENCE, now).unwrap();
    assert_eq!(facts.message_id, signed.message_id);
    assert_eq!(facts.assertion.id, assertion.id());
    assert_eq!(facts.action, call(BODY).action);
    assert_eq!(facts.to, call(BODY).to);
}

#[test]
fn an_assertion_with_odd_whitespace_and_prefixes_is_embedded_byte_for_byte() {
    let pki = pki();
    let now = OffsetDateTime::now_utc();
    let holder = client(&pki);
    let until = (now + Duration::hours(8))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let id = "_odd-1";
    let before = format!(
        "<Q1:Assertion   xmlns:Q1='urn:oasis:names:tc:SAML:2.0:assertion'\n\tID=\"{id}\"  Version='2.0' IssueInstant='{}'  >\n  \t\
         <Q1:Issuer >{ISSUER}</Q1:Issuer>\n\n",
        now.format(&time::format_description::well_known::Rfc3339).unwrap()
    );
    let after = format!(
        "\n   <Q1:Subject><Q1:NameID>x</Q1:NameID><Q1:SubjectConfirmation Method='urn:oasis:names:tc:SAML:2.0:cm:holder-of-key'>\
         <Q1:SubjectConfirmationData><X:KeyInfo xmlns:X='http://www.w3.org/2000/09/xmldsig#'><X:X509Data>\n\
         <X:X509Certificate>\n{}\n</X:X509Certificate></X:X509Data></X:KeyInfo></Q1:SubjectConfirmationData>\
         </Q1:SubjectConfirmation></Q1:Subject>\n<Q1:Conditions NotOnOrAfter='{until}'>\t<Q1:AudienceRestriction>\
         <Q1:Audience>{AUDIENCE}</Q1:Audience></Q1:AudienceRestriction></Q1:Conditions>  \r\n</Q1:Assertion>",
        der_b64(&holder)
    );
    let odd = sign(
        &Template { before, after },
        &[Reference::new(id, Transform::Enveloped)],
        "",
        &sts(&pki).key,
    )
    .unwrap();
    let answer = sts_issue::answer(&odd, AUDIENCE, "urn:uuid:odd", &sts(&pki), now).unwrap();
    let sts_cert = sts(&pki).cert;
    let read = sts_answer::read(&answer, "urn:uuid:odd", Some((&sts_cert, AUDIENCE)), now)
        .expect("the odd assertion reads and verifies");
    assert_eq!(read.expose().as_bytes(), odd.as_bytes());
    assert_eq!(
        format!("{read:?}"),
        format!("<assertion, {} bytes>", odd.len())
    );

    let signed = service_call::build(&call(BODY), &read, &holder, now).unwrap();
    assert!(
        signed.xml.contains(&odd),
        "the service call does not carry the assertion byte for byte"
    );
    verify::service_call(&signed.xml, &sts_cert, AUDIENCE, now).unwrap();
    // Masked by value wherever it would be printed.
    let shown = sp_contract::evidence::redact::text(&format!("leaked: {}", signed.xml));
    assert!(!shown.contains(&odd), "the assertion is not masked");
}

#[test]
fn the_cache_hands_out_the_same_assertion_until_five_minutes_before_expiry() {
    let pki = pki();
    let now = OffsetDateTime::now_utc();
    let cache = cache::TokenCache::default();
    let key = cache::CacheKey::new(AUDIENCE, CVR, &client(&pki));
    assert_eq!(cache.get(&key, now), None);
    let first = token(&pki, AUDIENCE, now);
    cache.put(key.clone(), first.clone());
    assert_eq!(
        cache.get(&key, now + Duration::hours(1)),
        Some(first.clone())
    );
    let other_cert = stranger(&pki);
    assert_eq!(
        cache.get(&cache::CacheKey::new(AUDIENCE, CVR, &other_cert), now),
        None
    );
    assert_eq!(
        cache.get(
            &cache::CacheKey::new(OTHER_AUDIENCE, CVR, &client(&pki)),
            now
        ),
        None
    );
    let late = first.not_on_or_after() - Duration::minutes(4);
    assert_eq!(cache.get(&key, late), None, "within 5 minutes of expiry");
}

#[test]
fn an_answer_for_another_request_or_from_another_sts_is_a_broken_contract() {
    let pki = pki();
    let now = OffsetDateTime::now_utc();
    let answer = sts_issue::answer(
        &issue_for(&pki, AUDIENCE, now),
        AUDIENCE,
        "urn:uuid:someone-else",
        &sts(&pki),
        now,
    )
    .unwrap();
    let e = sts_answer::read(&answer, "urn:uuid:ours", None, now).unwrap_err();
    assert!(matches!(&e, IdwsError::RelatesTo { got, .. } if got == "urn:uuid:someone-else"));
    assert_eq!(e.exit_code(), ExitCode::ContractFailed);
    assert!(!e.to_string().contains("Assertion"), "{e}");

    // The right request, but signed by another STS than the one we trust.
    let other = stranger(&pki).cert;
    let e = sts_answer::read(
        &answer,
        "urn:uuid:someone-else",
        Some((&other, AUDIENCE)),
        now,
    )
    .unwrap_err();
    assert!(
        matches!(
            &e,
            IdwsError::Unverified(VerifyError::SignatureValue { .. })
        ),
        "{e}"
    );
    assert_eq!(e.exit_code(), ExitCode::ContractFailed);
}

#[test]
fn the_verifier_refuses_each_broken_service_call_naming_what_is_wrong() {
    let pki = pki();
    let now = OffsetDateTime::now_utc();
    let sts_cert = sts(&pki).cert;
    let assertion = token(&pki, AUDIENCE, now);
    let holder = client(&pki);

    // An expired Timestamp (made 10 minutes ago, valid 5).
    let old = service_call::build(
        &call(BODY),
        &assertion,
        &holder,
        now - Duration::minutes(10),
    )
    .unwrap();
    let e = verify::service_call(&old.xml, &sts_cert, AUDIENCE, now).unwrap_err();
    assert!(
        matches!(e, VerifyError::Expired { what, .. } if what.contains("Timestamp")),
        "{e}"
    );

    // Signed by another key than the holder-of-key certificate's.
    let foreign = service_call::build(&call(BODY), &assertion, &stranger(&pki), now).unwrap();
    let e = verify::service_call(&foreign.xml, &sts_cert, AUDIENCE, now).unwrap_err();
    assert!(
        matches!(e, VerifyError::SignatureValue { key } if key.contains("holder-of-key")),
        "{e}"
    );

    // An assertion for another audience.
    let elsewhere = token(&pki, OTHER_AUDIENCE, now);
    let wrong = service_call::build(&call(BODY), &elsewhere, &holder, now).unwrap();
    let e = verify::service_call(&wrong.xml, &sts_cert, AUDIENCE, now).unwrap_err();
    assert!(
        matches!(&e, VerifyError::Audience { got, .. } if got == OTHER_AUDIENCE),
        "{e}"
    );

    // The body altered after signing.
    let good = service_call::build(&call(BODY), &assertion, &holder, now).unwrap();
    let altered = good.xml.replace("<sdi:X>1</sdi:X>", "<sdi:X>2</sdi:X>");
    let e = verify::service_call(&altered, &sts_cert, AUDIENCE, now).unwrap_err();
    assert!(
        matches!(&e, VerifyError::Digest { element, .. } if element == "Body"),
        "{e}"
    );

    // An assertion signed by someone other than the STS.
    let e = verify::service_call(&good.xml, &holder.cert, AUDIENCE, now).unwrap_err();
    assert!(
        matches!(e, VerifyError::SignatureValue { key } if key.contains("issuer")),
        "{e}"
    );
    assert_eq!(e.exit_code(), ExitCode::ContractFailed);

    // And the good one passes, in SOAP 1.2 too, with and without the Framework header.
    verify::service_call(&good.xml, &sts_cert, AUDIENCE, now).unwrap();
    let soap12 = ServiceCall {
        soap: SoapVersion::Soap12,
        framework: false,
        ..call(BODY)
    };
    let signed = service_call::build(&soap12, &assertion, &holder, now).unwrap();
    assert!(signed
        .xml
        .contains("http://www.w3.org/2003/05/soap-envelope"));
    assert!(!signed.xml.contains("Framework"));
    verify::service_call(&signed.xml, &sts_cert, AUDIENCE, now).unwrap();
    // The headers in KOMBIT's order: Framework, wsa, the service's own header, Security.
    let at = |needle: &str| {
        good.xml
            .find(needle)
            .unwrap_or_else(|| panic!("no {needle}"))
    };
    let order = [
        "<sbf:Framework",
        "<wsa:Action",
        "<wsa:MessageID",
        "<wsa:To",
        "<wsa:ReplyTo",
        "<rh:RequestHeader",
        "<wsse:Security",
        "<wsu:Timestamp",
        "<saml:Assertion",
        "<wsse:SecurityTokenReference",
    ];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{order:?}");
    // The message's signature last (the first one is the assertion's own).
    assert!(good.xml.rfind("<ds:Signature").unwrap() > at("<wsse:SecurityTokenReference"));
    assert!(good
        .xml
        .contains("version=\"2.0\" sbfprofile:profile=\"urn:liberty:sb:profile:basic\""));
    assert!(good.xml.contains(&format!("xmlns:wsa=\"{WSA}\"")));
}

#[test]
fn a_certificate_without_an_rsa_key_is_our_input_to_fix() {
    let pki = pki();
    let ec = load_identity(&IdentitySource::Pem {
        cert: pki.server_pem.clone(),
        key: Some(pki.server_key_pem.clone()),
        key_password: None,
    })
    .unwrap();
    let request = sts_request::StsRequest {
        sts_url: STS_URL,
        audience: AUDIENCE,
        cvr: CVR,
    };
    let e = sts_request::build(&request, &ec, OffsetDateTime::now_utc()).unwrap_err();
    assert!(matches!(e, IdwsError::Certificate { .. }), "{e}");
    assert_eq!(e.exit_code(), ExitCode::Usage);
    assert!(e.to_string().contains("not RSA"), "{e}");
    let bad_cvr = sts_request::StsRequest {
        cvr: "1234",
        ..request
    };
    let e = sts_request::build(&bad_cvr, &client(&pki), OffsetDateTime::now_utc()).unwrap_err();
    assert_eq!(e.exit_code(), ExitCode::Usage, "{e}");
}

#[test]
fn truncated_or_garbled_messages_are_refused_without_a_panic() {
    let pki = pki();
    let now = OffsetDateTime::now_utc();
    let sts_cert = sts(&pki).cert;
    let assertion = token(&pki, AUDIENCE, now);
    let good = service_call::build(&call(BODY), &assertion, &client(&pki), now).unwrap();
    let mut cuts: Vec<usize> = (0..good.xml.len()).step_by(61).collect();
    cuts.push(good.xml.len() - 1);
    for cut in cuts {
        let Some(part) = good.xml.get(..cut) else {
            continue;
        };
        assert!(verify::service_call(part, &sts_cert, AUDIENCE, now).is_err());
        assert!(verify::sts_request(part, now).is_err());
        assert!(sts_answer::read(part, "urn:uuid:x", None, now).is_err());
    }
    for garbage in [
        "",
        "<",
        "\u{0}",
        "<a:b/>",
        "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
    ] {
        assert!(verify::service_call(garbage, &sts_cert, AUDIENCE, now).is_err());
        assert!(verify::assertion(garbage, &sts_cert, AUDIENCE, now).is_err());
    }
    // Nested far deeper than any message: refused, not recursed into.
    let deep = format!("{}{}", "<a>".repeat(5000), "</a>".repeat(5000));
    assert!(verify::service_call(&deep, &sts_cert, AUDIENCE, now).is_err());
}

/// The assertion as the wired flow embedded it in a service call, byte for byte.
fn embedded_assertion(call: &str) -> &str {
    let from = call.find("<saml:Assertion").expect("an embedded assertion");
    let end = "</saml:Assertion>";
    let to = from + call[from..].find(end).expect("the assertion ends") + end.len();
    &call[from..to]
}

/// What the wired flow really sends (client::call::soap for SF1470, against the embedded
/// mock's STS): the STS request and the STS's answer verify with xmlsec1, the embedded
/// assertion verifies with xmlsec1 against the test PKI's `sts` certificate, and the call's
/// STR-Transform digest is xmllint's exclusive c14n of that assertion. A second call reuses
/// the token (no STS hop).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_wired_flow_sends_verifies_with_xmlsec1_and_xmllint() {
    use sp_contract::client::{call, transport::Clients};
    let pki = pki();
    let (_mock, target) = crate::support::run::embedded_mock().await;
    let clients = Clients::new(target);
    let sdi = &sp_contract::services::sf1470::INFO;
    let testkald = || {
        call::soap(
            &clients,
            "standard",
            sdi,
            "urn:sp-contract:testkald",
            None,
            BODY,
            &[],
        )
    };
    let out = testkald().await.expect("the flow reaches the service");
    assert_eq!(out.hops.len(), 1, "one STS hop");
    let hop = &out.hops[0];
    assert!(hop
        .wire
        .url
        .ends_with("/runtime/services/kombittrust/14/certificatemixed"));
    assert_eq!(hop.reply.status, 200);
    let dir = tempfile::tempdir().unwrap();

    let key = ["--pubkey-cert-pem", path(&pki.client_pem)];
    let (ok, err) = xmlsec1(dir.path(), &hop.sent, &key, &id_attrs("Id", &WSU_PARTS));
    assert!(ok, "xmlsec1 refuses the STS request sent: {err}");
    assert!(err.contains("SignedInfo References (ok/all): 7/7"), "{err}");

    let answer = String::from_utf8(hop.reply.body.clone()).unwrap();
    let sts_key = [
        "--pubkey-cert-pem",
        path(&pki.sts_pem),
        "--trusted-pem",
        path(&pki.ca_pem),
    ];
    let answer_ids = id_attrs(
        "Id",
        &[
            "http://www.w3.org/2005/08/addressing:Action",
            "http://www.w3.org/2005/08/addressing:RelatesTo",
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd:Timestamp",
            "http://www.w3.org/2003/05/soap-envelope:Body",
        ],
    );
    let (ok, err) = xmlsec1(dir.path(), &answer, &sts_key, &answer_ids);
    assert!(ok, "xmlsec1 refuses the mock STS's answer: {err}");

    let assertion = embedded_assertion(&out.sent);
    let ids = id_attrs("ID", &["urn:oasis:names:tc:SAML:2.0:assertion:Assertion"]);
    let (ok, err) = xmlsec1(dir.path(), assertion, &sts_key, &ids);
    assert!(ok, "xmlsec1 refuses the assertion the call embeds: {err}");
    assert!(answer.contains(assertion), "embedded byte for byte");

    tool("xmllint");
    let file = dir.path().join("embedded.xml");
    std::fs::write(&file, assertion).unwrap();
    let c14n = Command::new("xmllint")
        .arg("--exc-c14n")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run xmllint ({e}): {INSTALL}"));
    use base64::Engine as _;
    let expected =
        base64::engine::general_purpose::STANDARD.encode(openssl::sha::sha256(&c14n.stdout));
    assert_eq!(str_digest(&out.sent), expected);
    // The mock's token check let it through: the answer is about the testkald's action.
    let answer = String::from_utf8_lossy(&out.raw);
    assert!(answer.contains("is not an operation of SF1470"), "{answer}");

    let again = testkald().await.unwrap();
    assert!(again.hops.is_empty(), "the cached token is reused");
    assert_eq!(embedded_assertion(&again.sent), assertion);
}
