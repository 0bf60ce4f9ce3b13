//! Post (SF1601 with the token flow, SF1600): MeMo checks on real-world shaped messages, the
//! token flow against the mock over mutual TLS (issue, cache, renewal, holder-of-key binding,
//! refusals), the mock's channel rules, and the CLI's behaviour on broken token services,
//! secrets and production targets.

use crate::support::run::{copy_dir, run, run_with_reports};
use base64::Engine as _;
use sp_contract::client::token::{self, TokenSession};
use sp_contract::client::transport::{Clients, HttpReply};
use sp_contract::platform::{self, RunningMock};
use sp_contract::services::post::memo;
use sp_contract::services::post::{sf1600, sf1601};
use sp_contract::targets::pki;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sp-contract");
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn certs() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-certs")
}

fn memo_dir() -> PathBuf {
    repo().join("tests/data/memo")
}

// ---------------------------------------------------------------------------------------
// MeMo

#[test]
fn memo_fixtures_modelled_on_the_agency_examples_pass() {
    let mut seen = Vec::new();
    for e in std::fs::read_dir(memo_dir()).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "xml") {
            let bytes = std::fs::read(&p).unwrap();
            let s = memo::validate(&bytes)
                .unwrap_or_else(|err| panic!("{} is refused: {err}", p.display()));
            seen.push((p.file_name().unwrap().to_string_lossy().into_owned(), s));
        }
    }
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["attachment.xml", "full.xml", "minimum.xml", "nemsms.xml"]
    );
    let full = &seen[1].1;
    assert_eq!(full.files, 4, "main (2), additional (1), technical (1)");
    assert_eq!(seen[3].1.message_type, "NEMSMS");
}

fn problems_of(doc: &str) -> Vec<memo::Problem> {
    match memo::validate(doc.as_bytes()) {
        Ok(_) => vec![],
        Err(memo::MemoError::Invalid(p)) => p,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn breaking_one_rule_is_refused_with_the_field_named() {
    let min = std::fs::read_to_string(memo_dir().join("minimum.xml")).unwrap();
    let full = std::fs::read_to_string(memo_dir().join("full.xml")).unwrap();
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "colon in a file name",
            min.replace("Fritidsplads.pdf", "Fritids:plads.pdf"),
            "MessageBody/MainDocument/File[1]/filename",
            "contains ':'",
        ),
        (
            "line break in a file name",
            min.replace("Fritidsplads.pdf", "Fritids&#13;&#10;plads.pdf"),
            "MessageBody/MainDocument/File[1]/filename",
            "CR/LF",
        ),
        (
            "http action",
            full.replace(
                "https://selvbetjening.example.invalid/dagtilbud/svar",
                "http://selvbetjening.example.invalid/dagtilbud/svar",
            ),
            "MessageBody/MainDocument/Action[1]/EntryPoint/url",
            "absolute https",
        ),
        (
            "relative action link",
            full.replace("https://www.example.invalid/børnehuset", "/børnehuset"),
            "MessageBody/AdditionalDocument[1]/Action[1]/EntryPoint/url",
            "not an absolute URL",
        ),
        (
            "messageUUID",
            min.replace("5E1F7A3C-0B2D-4C8E-9F61-2A7D3B9C4E10", "besked-1"),
            "MessageHeader/messageUUID",
            "not a UUID",
        ),
        (
            "recipient id type",
            min.replace(
                "<memo:idType>CPR</memo:idType>",
                "<memo:idType>PNR</memo:idType>",
            ),
            "MessageHeader/Recipient/idType",
            "CPR or CVR",
        ),
        (
            "memoVersion",
            min.replace("memoVersion=\"1.1\"", "memoVersion=\"1.3\""),
            "Message/@memoVersion",
            "not a MeMo version",
        ),
        (
            "memoSchVersion",
            min.replace(" memoSchVersion=\"1.1.0\"", ""),
            "Message/@memoSchVersion",
            "1.1.0",
        ),
        (
            "broken base64",
            min.replace("JVBERi0xLjQKJSBmcml0aWRzcGxhZHMKJSVFT0YK", "JVBERi0x*LjQK"),
            "MessageBody/MainDocument/File[1]/content",
            "not valid base64",
        ),
        (
            "no body",
            {
                let start = min.find("<memo:MessageBody>").unwrap();
                let end = min.find("</memo:MessageBody>").unwrap() + "</memo:MessageBody>".len();
                format!("{}{}", &min[..start], &min[end..])
            },
            "Message/MessageBody",
            "DIGITALPOST",
        ),
        (
            "no label",
            min.replace(
                "<memo:label>Svar på ansøgning om fritidsplads</memo:label>",
                "",
            ),
            "MessageHeader/label",
            "required",
        ),
    ];
    for (what, doc, field, text) in cases {
        let p = problems_of(&doc);
        assert_eq!(p.len(), 1, "{what}: {p:?}");
        assert_eq!(p[0].field, field, "{what}");
        assert!(p[0].message.contains(text), "{what}: {}", p[0]);
    }
    let nemsms = std::fs::read_to_string(memo_dir().join("nemsms.xml")).unwrap();
    let no_text = nemsms.replace(
        "<memo:notification>Husk tandlægetid i morgen kl. 9.00 på Sct. Mogens Gade.</memo:notification>",
        "",
    );
    assert_eq!(problems_of(&no_text)[0].field, "MessageHeader/notification");
}

// ---------------------------------------------------------------------------------------
// The token flow and the mock, over mutual TLS

struct Env {
    mock: RunningMock,
    clients: Clients,
}

impl Env {
    async fn start() -> Env {
        let (mock, target) = crate::support::run::embedded_mock().await;
        Env {
            clients: Clients::new(target),
            mock,
        }
    }

    fn der(&self, identity: &str) -> String {
        let src = self.clients.target().identity(identity).unwrap();
        B64.encode(pki::load_identity(src).unwrap().cert.to_der().unwrap())
    }

    async fn call(
        &self,
        identity: &str,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, String)],
        body: Option<(&str, String)>,
    ) -> HttpReply {
        self.clients
            .request(identity, method, path, headers, body)
            .await
            .unwrap()
    }

    /// A service call with a token and the transaction headers.
    async fn service(
        &self,
        identity: &str,
        method: reqwest::Method,
        path: &str,
        authorization: Option<String>,
        extra: &[(&str, String)],
        body: Option<(&str, String)>,
    ) -> HttpReply {
        let mut h = vec![
            ("x-TransaktionsId", uuid::Uuid::new_v4().to_string()),
            ("x-TransaktionsTid", "2026-11-23T10:00:00Z".to_string()),
        ];
        if let Some(a) = authorization {
            h.push(("Authorization", a));
        }
        h.extend(extra.iter().cloned());
        self.call(identity, method, path, &h, body).await
    }

    /// A token for the standard client from session `s` (issued, cached or renewed).
    async fn token(&self, s: &mut TokenSession, entity: &str) -> token::AccessToken {
        s.token(&self.clients, "standard", entity, &[])
            .await
            .unwrap()
    }

    /// SF1601's forespørg for far, as `identity`, with the transaction headers.
    async fn forespoerg_far(
        &self,
        identity: &str,
        authorization: Option<String>,
        extra: &[(&str, String)],
    ) -> HttpReply {
        self.service(
            identity,
            reqwest::Method::GET,
            &far_path(),
            authorization,
            extra,
            None,
        )
        .await
    }
}

/// SF1601's forespørg path for far (in the Digital Post register).
fn far_path() -> String {
    sf1601::forespoerg_path(sf1601::Register::DigitalPost, "1503801015")
}

fn json(r: &HttpReply) -> serde_json::Value {
    serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&r.body)))
}

fn error_code(r: &HttpReply) -> String {
    json(r)["errorCode"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_cached_renewed_before_expiry_and_bound_to_the_certificate() {
    let env = Env::start().await;
    let mut s = TokenSession::default();
    let entity = sf1601::FORESPOERG_ENTITY_ID;
    let t1 = env.token(&mut s, entity).await;
    assert_eq!((s.assertions_issued, s.access_tokens_issued), (1, 1));
    let again = env.token(&mut s, entity).await;
    assert_eq!(again.id, t1.id, "cached");
    assert_eq!((s.assertions_issued, s.access_tokens_issued), (1, 1));
    // 58 minutes on: the access token (3600 s) is within the renewal margin; the assertion
    // (8 h) is reused for the new one.
    s.clock_offset = time::Duration::minutes(58);
    let t2 = env.token(&mut s, entity).await;
    assert_ne!(t2.id, t1.id);
    assert_eq!((s.assertions_issued, s.access_tokens_issued), (1, 2));
    // Nine hours on, the assertion has expired too.
    s.clock_offset = time::Duration::hours(9);
    let t3 = env.token(&mut s, entity).await;
    assert_ne!(t3.id, t2.id);
    assert_eq!((s.assertions_issued, s.access_tokens_issued), (2, 3));
    // Another service gets a token of its own.
    env.token(&mut s, sf1601::INFO.entity_id).await;
    assert_eq!(s.access_tokens_issued, 4);

    let ok = env
        .forespoerg_far("standard", Some(t3.authorization()), &[])
        .await;
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    assert_eq!(json(&ok)["result"], true);

    let other_cert = env
        .forespoerg_far("uregistreret", Some(t3.authorization()), &[])
        .await;
    assert_eq!(other_cert.status, 401);
    assert_eq!(error_code(&other_cert), "HolderOfKeyMismatch");

    let wrong_service = env
        .service(
            "standard",
            reqwest::Method::POST,
            sf1601::INFO.path,
            Some(t3.authorization()),
            &[],
            Some((sf1601::CONTENT_TYPE, "<kombi_request/>".into())),
        )
        .await;
    assert_eq!(wrong_service.status, 403);
    assert_eq!(error_code(&wrong_service), "AccessTokenWrongAudience");

    let mut forged = t3.authorization();
    forged.insert(forged.len() - 3, 'x');
    let forged = env.forespoerg_far("standard", Some(forged), &[]).await;
    assert_eq!(error_code(&forged), "AccessTokenInvalid");

    let none = env.forespoerg_far("standard", None, &[]).await;
    assert_eq!(
        (none.status, error_code(&none).as_str()),
        (401, "AccessTokenMissing")
    );

    let no_tx = env
        .call(
            "standard",
            reqwest::Method::GET,
            &far_path(),
            &[("Authorization", t3.authorization())],
            None,
        )
        .await;
    assert_eq!(
        (no_tx.status, error_code(&no_tx).as_str()),
        (400, "TransactionHeadersMissing")
    );

    // The platform's clock passes the token's expiry (the client's did not).
    let scenario = uuid::Uuid::new_v4().to_string();
    env.mock
        .platform
        .state
        .get::<sp_contract::services::post::mock::sts::MockClock>(&scenario)
        .lock()
        .unwrap()
        .offset = time::Duration::hours(2);
    let fresh = env.token(&mut TokenSession::default(), entity).await;
    let expired = env
        .forespoerg_far(
            "standard",
            Some(fresh.authorization()),
            &[(platform::SCENARIO_HEADER, scenario)],
        )
        .await;
    assert_eq!(
        (expired.status, error_code(&expired).as_str()),
        (401, "AccessTokenExpired")
    );
    env.mock.shutdown();
}

fn sts_body(env: &Env, use_key_of: &str, cvr: &str, entity: &str) -> String {
    token::sts_request_json(&env.der(use_key_of), cvr, entity)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_issues_a_structurally_real_holder_of_key_assertion() {
    let env = Env::start().await;
    let r = env
        .call(
            "standard",
            reqwest::Method::POST,
            token::STS_PATH,
            &[],
            Some((
                "application/json",
                sts_body(&env, "standard", "29189846", sf1601::INFO.entity_id),
            )),
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let a = token::parse_sts_reply(&r.body).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let left = a.expires - now;
    assert!(
        left > time::Duration::minutes(479) && left <= time::Duration::hours(8),
        "{left}"
    );
    let v = json(&r);
    let xml_bytes = B64
        .decode(v["RequestedSecurityToken"]["Assertion"].as_str().unwrap())
        .unwrap();
    let el = sp_contract::core::xml::parse(&xml_bytes).unwrap();
    assert_eq!(el.ns.as_deref(), Some(token::SAML2_NS));
    assert!(el.descendant("Signature").is_some());
    let name_id = el.descendant("NameID").unwrap();
    assert!(
        name_id.text().contains("sp-contract testsystem (FOCES)"),
        "{}",
        name_id.text()
    );
    assert_eq!(
        name_id.attr("Format"),
        Some("urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName")
    );
    assert_eq!(
        el.descendant("SubjectConfirmation").unwrap().attr("Method"),
        Some("urn:oasis:names:tc:SAML:2.0:cm:holder-of-key")
    );
    assert_eq!(
        el.descendant("X509Certificate").unwrap().text(),
        env.der("standard")
    );
    assert_eq!(
        el.descendant("Audience").unwrap().text(),
        sf1601::INFO.entity_id
    );
    let attrs: Vec<(String, String)> = el
        .descendant("AttributeStatement")
        .unwrap()
        .elements()
        .map(|a| (a.attr("Name").unwrap().to_string(), a.text()))
        .collect();
    let get = |n: &str| {
        attrs
            .iter()
            .find(|(k, _)| k == &format!("dk:gov:saml:attribute:{n}"))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no attribute {n}"))
    };
    assert_eq!(get("CvrNumberIdentifier"), "29189846");
    assert_eq!(get("AssuranceLevel"), "3");
    assert_eq!(get("SpecVer"), "DK-SAML-2.0");
    assert_eq!(get("KombitSpecVer"), "1.0");
    let privileges =
        String::from_utf8(B64.decode(get("Privileges_intermediate")).unwrap()).unwrap();
    assert!(
        privileges.contains("urn:dk:gov:saml:cvrNumberIdentifier:29189846"),
        "{privileges}"
    );
    env.mock.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_and_access_token_service_refuse_as_the_platform_would() {
    let env = Env::start().await;
    let post = reqwest::Method::POST;
    let sts = |identity: &'static str, body: String| {
        let env = &env;
        let post = post.clone();
        async move {
            env.call(
                identity,
                post,
                token::STS_PATH,
                &[],
                Some(("application/json", body)),
            )
            .await
        }
    };
    let e = sf1601::INFO.entity_id;
    for (identity, body, status, code) in [
        (
            "standard",
            sts_body(&env, "uregistreret", "29189846", e),
            400,
            "UseKeyMismatch",
        ),
        (
            "uregistreret",
            sts_body(&env, "uregistreret", "29189846", e),
            403,
            "CertificateNotRegistered",
        ),
        (
            "standard",
            sts_body(&env, "standard", "29189846", "http://example.invalid/x"),
            400,
            "UnknownAppliesTo",
        ),
        (
            "standard",
            sts_body(&env, "standard", "11111111", e),
            403,
            "NoServiceAgreement",
        ),
        (
            "standard",
            sts_body(&env, "standard", "2918", e),
            400,
            "InvalidRequest",
        ),
        ("standard", "{not json".to_string(), 400, "InvalidRequest"),
        (
            "standard",
            sts_body(&env, "standard", "29189846", e).replace("PublicKey", "Bearer"),
            400,
            "InvalidRequest",
        ),
    ] {
        let r = sts(identity, body).await;
        assert_eq!(
            (r.status, error_code(&r).as_str()),
            (status, code),
            "{}",
            String::from_utf8_lossy(&r.body)
        );
    }

    // AccessTokenService: a real assertion, then altered, foreign and expired ones.
    let ok = sts("standard", sts_body(&env, "standard", "29189846", e)).await;
    let assertion = json(&ok)["RequestedSecurityToken"]["Assertion"]
        .as_str()
        .unwrap()
        .to_string();
    let ats = |identity: &'static str, b64: String, extra: Vec<(&'static str, String)>| {
        let env = &env;
        let post = post.clone();
        async move {
            env.call(
                identity,
                post,
                token::ACCESS_TOKEN_PATH,
                &extra,
                Some((
                    "application/x-www-form-urlencoded",
                    format!("saml-token={}", sp_contract::core::form::encode(&b64)),
                )),
            )
            .await
        }
    };
    let good = ats("standard", assertion.clone(), vec![]).await;
    assert_eq!(good.status, 200);
    let t = token::parse_access_token_reply(&good.body, time::OffsetDateTime::now_utc()).unwrap();
    assert!(t.expires > time::OffsetDateTime::now_utc() + time::Duration::minutes(59));

    let text = String::from_utf8(B64.decode(&assertion).unwrap()).unwrap();
    let altered = B64.encode(text.replace("29189846", "11111111"));
    let r = ats("standard", altered, vec![]).await;
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (401, "InvalidSamlToken")
    );
    let r = ats("uregistreret", assertion.clone(), vec![]).await;
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (401, "HolderOfKeyMismatch")
    );
    let r = ats("standard", "%%%".into(), vec![]).await;
    assert_eq!(error_code(&r), "InvalidSamlToken");
    let scenario = uuid::Uuid::new_v4().to_string();
    env.mock
        .platform
        .state
        .get::<sp_contract::services::post::mock::sts::MockClock>(&scenario)
        .lock()
        .unwrap()
        .offset = time::Duration::hours(9);
    let r = ats(
        "standard",
        assertion,
        vec![(platform::SCENARIO_HEADER, scenario)],
    )
    .await;
    assert_eq!(
        (r.status, error_code(&r).as_str()),
        (401, "SamlTokenExpired")
    );
    env.mock.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kombi_post_afsend_follows_the_modelled_channel_rules_and_records_statuses() {
    let env = Env::start().await;
    let mut s = TokenSession::default();
    let auth = env
        .token(&mut s, sf1601::INFO.entity_id)
        .await
        .authorization();
    let send = |valg: sf1601::KombiValg, memo_xml: Option<String>, print: Option<String>| {
        let env = &env;
        let auth = auth.clone();
        async move {
            let body = sf1601::kombi_request(valg, memo_xml.as_deref(), print.as_deref());
            env.service(
                "standard",
                reqwest::Method::POST,
                sf1601::INFO.path,
                Some(auth),
                &[],
                Some((sf1601::CONTENT_TYPE, body)),
            )
            .await
        }
    };
    let strip = |doc: String| match doc.split_once("?>") {
        Some((_, rest)) if doc.starts_with("<?xml") => rest.trim().to_string(),
        _ => doc,
    };
    let nemsms = std::fs::read_to_string(memo_dir().join("nemsms.xml")).unwrap();
    // mor is enrolled in NemSMS, far is not (the SF1520 data).
    let r = send(sf1601::KombiValg::NemSms, Some(nemsms.clone()), None).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let resp = sp_contract::core::xml::parse(&r.body).unwrap();
    let tid = sf1601::transmission_id(&resp).expect("TransmissionID");
    let r = send(
        sf1601::KombiValg::NemSms,
        Some(nemsms.replace("2207821066", "1503801015")),
        None,
    )
    .await;
    assert_eq!(error_code(&r), "RecipientNotEnrolledNemSMS");
    // The minimum example to an enrolled citizen with 'Digital Post'.
    let min = strip(std::fs::read_to_string(memo_dir().join("minimum.xml")).unwrap());
    let r = send(sf1601::KombiValg::DigitalPost, Some(min.clone()), None).await;
    assert_eq!(r.status, 200);
    let r = send(sf1601::KombiValg::FysiskPost, Some(min), None).await;
    assert_eq!(error_code(&r), "PrintDataMissing");
    // A letter with two recipients.
    let print = sf1600::forsendelse_i(&sf1600::PrintLetter {
        afsendelse_id: "a-1".into(),
        cpr: "2809522019".into(),
        name: "Ib Eksempelsen".into(),
        co: None,
        street: "Prinsens Allé".into(),
        building: "5".into(),
        postcode: "8800".into(),
        content_b64: "JVBERi0xLjQK".into(),
        title: "x".into(),
        bruger_navn: "x".into(),
    });
    let full = strip(std::fs::read_to_string(memo_dir().join("full.xml")).unwrap());
    let r = send(
        sf1601::KombiValg::Automatisk,
        Some(full),
        Some(print.clone()),
    )
    .await;
    assert_eq!(error_code(&r), "RequestInvalid");
    assert!(json(&r)["errorMessage"]
        .as_str()
        .unwrap()
        .contains("different recipients"));
    let r = send(sf1601::KombiValg::Automatisk, None, Some(print)).await;
    assert_eq!(r.status, 200, "print only, Automatisk Valg");

    // Wrong content type and a body that is not XML.
    for (ct, body) in [
        ("application/json", "{}"),
        (sf1601::CONTENT_TYPE, "<kombi_request>"),
    ] {
        let r = env
            .service(
                "standard",
                reqwest::Method::POST,
                sf1601::INFO.path,
                Some(auth.clone()),
                &[],
                Some((ct, body.to_string())),
            )
            .await;
        assert_eq!((r.status, error_code(&r).as_str()), (400, "RequestInvalid"));
    }

    // The status messages, over HTTP as `mock serve` offers them.
    let r = env
        .call(
            "standard",
            reqwest::Method::GET,
            &format!(
                "{}?id={tid}",
                sp_contract::services::post::mock::STATUS_PATH
            ),
            &[],
            None,
        )
        .await;
    let list = sp_contract::core::xml::parse(&r.body).unwrap();
    let statuses: Vec<(String, String)> = list
        .elements()
        .map(|s| {
            (
                s.child("KanalKode").unwrap().text(),
                s.child("TransaktionsStatusKode").unwrap().text(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("NemSMS".to_string(), "Modtaget NemSMS".to_string()),
            ("NemSMS".to_string(), "Afleveret NemSMS".to_string())
        ]
    );
    env.mock.shutdown();
}

#[test]
fn sts_url_and_access_token_url_are_configurable_and_must_be_https() {
    let cfg = |extra: &str| {
        format!(
            "[targets.t]\nbase_url = \"https://exttest.serviceplatformen.dk\"\nuser_system_uuid = \"903c9e8b-9112-4e92-9860-3c82eae5d61e\"\nuser_uuid = \"e086c3cd-c29b-4283-abcb-5c18dd1e2bb7\"\nauthority_cvr = \"29189846\"\ncertificate = {{ pkcs12 = \"x.p12\" }}\n{extra}"
        )
    };
    let parse = |text: String| {
        let c: sp_contract::targets::config::ConfigFile = toml::from_str(&text).unwrap();
        c.remote_target("t", Path::new("."), Path::new("x.toml"))
    };
    let endpoints = |sts: &str, access_token: &str| token::Endpoints {
        sts: sts.into(),
        access_token: access_token.into(),
    };
    assert_eq!(
        token::endpoints(&parse(cfg("")).unwrap()),
        endpoints(
            "https://n2adgangsstyring.eksterntest-stoettesystemerne.dk/runtime/api/rest/wstrust/v1/issue",
            "https://exttest.serviceplatformen.dk/service/AccessTokenService_1/token",
        )
    );
    let t = parse(cfg("sts_url = \"https://sts.example.invalid/issue\"\naccess_token_url = \"https://at.example.invalid/token\"")).unwrap();
    assert_eq!(
        token::endpoints(&t),
        endpoints(
            "https://sts.example.invalid/issue",
            "https://at.example.invalid/token"
        )
    );
    let e = parse(cfg("sts_url = \"http://sts.example.invalid/issue\"")).unwrap_err();
    assert!(e.to_string().contains("sts_url"), "{e}");
}

// ---------------------------------------------------------------------------------------
// The CLI

fn sp(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(repo()).args(args).env("NO_COLOR", "1");
    c
}

/// The repository's mocks plus one WireMock mapping that overrides a token hop.
fn mocks_with(path: &str, status: u16, content_type: &str, body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("mocks"), dir.path());
    std::fs::create_dir_all(dir.path().join("mappings")).unwrap();
    let mapping = serde_json::json!({
        "priority": 1,
        "request": { "method": "POST", "urlPath": path },
        "response": { "status": status, "headers": { "Content-Type": content_type }, "body": body },
    });
    std::fs::write(
        dir.path().join("mappings/override.json"),
        mapping.to_string(),
    )
    .unwrap();
    dir
}

const SECRET_ASSERTION_TEXT: &str = "<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_hemmelig-assertion\"/>";
const SECRET_TOKEN: &str = "eyJoZW1tZWxpZyI6InRva2VuIn0.c2VjcmV0LXNpZ25hdHVyZQ";

#[test]
fn broken_token_services_fail_clearly_with_documented_exit_codes_and_leak_nothing() {
    pki::ensure(&certs()).unwrap();
    let lifetime = "12/31/2099 23:00:00";
    let secret_b64 = B64.encode(SECRET_ASSERTION_TEXT);
    let cases: Vec<(tempfile::TempDir, i32, &str)> = vec![
        (
            mocks_with(
                token::STS_PATH,
                200,
                "application/json",
                "<html>not json</html>",
            ),
            1,
            "STS answered HTTP 200, but the body is not JSON",
        ),
        (
            mocks_with(
                token::STS_PATH,
                200,
                "application/json",
                &format!(
                    r#"{{"RequestedSecurityToken":{{"Assertion":"%%{secret_b64}"}},"Lifetime":"{lifetime}"}}"#
                ),
            ),
            1,
            "RequestedSecurityToken.Assertion is not base64",
        ),
        (
            mocks_with(
                token::STS_PATH,
                200,
                "application/json",
                &format!(
                    r#"{{"RequestedSecurityToken":{{"Assertion":"{secret_b64}"}},"Lifetime":"tomorrow"}}"#
                ),
            ),
            1,
            "is not MM/dd/yyyy HH:mm:ss",
        ),
        (
            mocks_with(
                token::ACCESS_TOKEN_PATH,
                200,
                "application/json",
                &format!(
                    r#"{{"access_token":"{SECRET_TOKEN}","token_type":"Bearer","expires_in":3600}}"#
                ),
            ),
            1,
            "token_type is 'Bearer', expected 'Holder-of-key'",
        ),
        (
            mocks_with(
                token::STS_PATH,
                503,
                "text/html",
                "<html>Service Unavailable</html>",
            ),
            3,
            "wstrust/v1/issue answered HTTP 503 with an HTML page",
        ),
    ];
    for (mocks, want, text) in cases {
        let (code, out, junit, cj) = run_with_reports(
            &[
                "--mocks",
                mocks.path().to_str().unwrap(),
                "--name",
                "Tilmeldt borger er tilmeldt Digital Post ifølge PostForespoerg",
            ],
            &[("RUST_BACKTRACE", "1")],
        );
        assert_eq!(code, want, "{text}: {out}");
        assert!(out.contains(text), "expected '{text}' in: {out}");
        assert!(!out.contains("panicked"), "{out}");
        for report in [out, junit, cj] {
            for secret in [SECRET_TOKEN, &secret_b64, "hemmelig"] {
                assert!(
                    !report.contains(secret),
                    "secret '{secret}' leaked: {report}"
                );
            }
        }
    }
}

#[test]
fn the_post_suite_passes_and_its_reports_hold_no_tokens_or_assertions() {
    pki::ensure(&certs()).unwrap();
    let (code, out, junit, cj) = run_with_reports(&["--tags", "@post"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
    for report in [out, junit, cj] {
        // A mock access token is base64url JSON ('eyJ'); an assertion is base64 of '<saml2'.
        for marker in ["eyJ", "PHNhbWwy", "Holder-of-key ey", "saml-token="] {
            assert!(!report.contains(marker), "'{marker}' in: {report}");
        }
        assert!(!report.contains("1503801015"), "unmasked CPR: {report}");
    }
}

#[test]
fn post_writes_are_refused_on_a_production_target_before_any_connection() {
    let p = pki::ensure(&certs()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("sp-contract.toml");
    // Nothing listens on port 9: had anything connected, the exit code would be 3.
    std::fs::write(
        &cfg,
        format!(
            "[targets.prod]\nbase_url = \"https://127.0.0.1:9\"\nproduction = true\nauthority_cvr = \"29189846\"\nuser_system_uuid = \"903c9e8b-9112-4e92-9860-3c82eae5d61e\"\nuser_uuid = \"e086c3cd-c29b-4283-abcb-5c18dd1e2bb7\"\nca = \"{}\"\nonly_ca = true\ncertificate = {{ pkcs12 = \"{}\", password_env = \"SPC_POST_PW\" }}\n[targets.prod.agreements]\nSF1600 = \"e045415e-9a7e-4845-9497-ce9db973dde7\"\n[targets.prod.aliases.citizens]\nfar = \"1503801015\"\n",
            p.ca_pem.display(),
            p.client_p12.display()
        ),
    )
    .unwrap();
    let base = |tags: &str| {
        let mut c = sp(&[
            "run",
            "--target",
            "prod",
            "--config",
            cfg.to_str().unwrap(),
            "--tags",
            tags,
            "--name",
            "far|Tilmeldt borger",
        ]);
        c.env("SPC_POST_PW", pki::TEST_P12_PASSWORD);
        c
    };
    let (code, out) = run(&mut base("@post and @writes"));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("production = true") && out.contains("Nothing was sent"),
        "{out}"
    );
    assert!(out.contains("post/afsendelse.feature"), "{out}");
    // Reading is allowed: it tries, and finds nothing listening.
    let (code, out) = run(&mut base("@post and @SF1601 and not @writes"));
    assert_eq!(code, 3, "{out}");
    let (code, out) = run(base("@post and @writes").arg("--allow-production-writes"));
    assert_eq!(code, 3, "with permission it tries: {out}");
}
