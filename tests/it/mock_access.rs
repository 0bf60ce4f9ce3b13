//! The mock's access control and strictness, called directly over mutual TLS: the faults a
//! vendor meets when its InvocationContext, serviceaftale or certificate is wrong.

use sp_contract::client::transport::Clients;
use sp_contract::core::soap::{self, InvocationContext, Reply};
use sp_contract::services::sf1520;
use sp_contract::targets::config::DEFAULT_IDENTITY;
use std::path::PathBuf;
use std::sync::Arc;

struct Env {
    _mock: sp_contract::platform::RunningMock,
    clients: Clients,
    target: Arc<sp_contract::targets::target::Target>,
}

async fn env() -> Env {
    let (mock, target) = crate::support::run::embedded_mock().await;
    Env {
        clients: Clients::new(target.clone()),
        target,
        _mock: mock,
    }
}

impl Env {
    fn ctx(&self) -> InvocationContext {
        InvocationContext {
            service_agreement_uuid: self.target.agreement_for("SF1520").unwrap().to_string(),
            user_system_uuid: self.target.user_system_uuid.clone(),
            user_uuid: self.target.user_uuid.clone(),
            service_uuid: sf1520::INFO.service_uuid.unwrap().to_string(),
            call_id: "test".into(),
        }
    }

    async fn send_raw(&self, action: &str, payload: &str) -> (u16, Reply) {
        let r = self
            .clients
            .post(
                DEFAULT_IDENTITY,
                sf1520::INFO.path,
                &[("SOAPAction", format!("\"{action}\""))],
                "text/xml; charset=utf-8",
                soap::envelope(payload),
            )
            .await
            .unwrap();
        (r.status, soap::parse_reply(&r.body).unwrap())
    }

    async fn lookup(&self, ctx: &InvocationContext, pnr: &str) -> (u16, Reply) {
        self.send_raw(sf1520::SOAP_ACTION, &sf1520::lookup_request(Some(ctx), pnr))
            .await
    }

    fn far(&self) -> String {
        self.target.citizen("far").unwrap().to_string()
    }
}

fn code(reply: &Reply) -> String {
    match reply {
        Reply::Fault(f) => f.errors.first().map(|e| e.code.clone()).unwrap_or_default(),
        other => panic!("expected a fault, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_call_gets_the_citizen() {
    let e = env().await;
    let (status, reply) = e.lookup(&e.ctx(), &e.far()).await;
    assert_eq!(status, 200);
    assert!(matches!(reply, Reply::Payload(p) if p.local == "PersonLookupResponse"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_service_uuid_unknown_rejected_and_mismatched_agreements_are_refused() {
    let e = env().await;
    let mut ctx = e.ctx();
    ctx.service_uuid = "d8a062c0-27d1-11e6-b67b-9e71128cae77".into();
    let (status, reply) = e.lookup(&ctx, &e.far()).await;
    assert_eq!(status, 500);
    assert_eq!(code(&reply), "ServiceUUIDMismatch");

    let mut ctx = e.ctx();
    ctx.service_agreement_uuid = "ffffffff-ffff-4fff-bfff-ffffffffffff".into();
    assert_eq!(
        code(&e.lookup(&ctx, &e.far()).await.1),
        "ServiceAgreementNotFound"
    );

    let mut ctx = e.ctx();
    ctx.service_agreement_uuid = e.target.agreement_alias("SF1520", "afvist").unwrap().into();
    assert_eq!(
        code(&e.lookup(&ctx, &e.far()).await.1),
        "ServiceAgreementNotApproved"
    );

    // The agreement exists but belongs to another user system.
    let mut ctx = e.ctx();
    ctx.user_system_uuid = "11111111-1111-4111-8111-111111111111".into();
    assert_eq!(
        code(&e.lookup(&ctx, &e.far()).await.1),
        "ServiceAgreementMismatch"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_is_strict_about_the_schema() {
    let e = env().await;
    // Upper-case UUIDs break the InvocationContext pattern. Our builder lower-cases, so
    // build this one by hand.
    let ctx = e.ctx();
    let upper = sf1520::lookup_request(Some(&ctx), &e.far())
        .replace(&ctx.user_uuid, &ctx.user_uuid.to_uppercase());
    assert_eq!(
        code(&e.send_raw(sf1520::SOAP_ACTION, &upper).await.1),
        "SchemaValidationFailed"
    );
    // PNR before the InvocationContext: wrong sequence order.
    let pnr = format!(
        "<pnr:PNR xmlns:pnr=\"{}\">{}</pnr:PNR>",
        sf1520::PNR_NS,
        e.far()
    );
    let inv = soap::invocation_context(&ctx);
    let swapped = format!(
        "<tns:PersonLookupRequest xmlns:tns=\"{}\">{pnr}{inv}</tns:PersonLookupRequest>",
        sf1520::NS
    );
    assert_eq!(
        code(&e.send_raw(sf1520::SOAP_ACTION, &swapped).await.1),
        "SchemaValidationFailed"
    );
    // A SOAPAction of another operation.
    let ok = sf1520::lookup_request(Some(&ctx), &e.far());
    assert_eq!(
        code(&e.send_raw("urn:other", &ok).await.1),
        "SchemaValidationFailed"
    );
    // PNR longer than the schema's 10 characters.
    assert_eq!(
        code(&e.lookup(&ctx, "01018012345").await.1),
        "SchemaValidationFailed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_say_what_the_mock_serves() {
    let e = env().await;
    let r = e
        .clients
        .post(
            DEFAULT_IDENTITY,
            "/service/Nope/1",
            &[],
            "text/xml",
            "<x/>".into(),
        )
        .await
        .unwrap();
    assert_eq!(r.status, 404);
    let text = String::from_utf8_lossy(&r.body);
    assert!(text.contains(sf1520::INFO.path), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_cannot_claim_another_certificate_by_header() {
    let e = env().await;
    // Present the unregistered certificate but claim the registered CN in the header the
    // TLS front uses internally: the front must overwrite it.
    let r = e
        .clients
        .post(
            "uregistreret",
            sf1520::INFO.path,
            &[
                ("SOAPAction", format!("\"{}\"", sf1520::SOAP_ACTION)),
                (
                    "x-sp-mock-client-cert-cn",
                    sp_contract::targets::pki::CLIENT_CN.to_string(),
                ),
            ],
            "text/xml; charset=utf-8",
            soap::envelope(&sf1520::lookup_request(Some(&e.ctx()), &e.far())),
        )
        .await
        .unwrap();
    assert_eq!(
        code(&soap::parse_reply(&r.body).unwrap()),
        "CertificateNotRegistered"
    );
}

/// Static stubs are answered in the front and keep nothing per request. The mock once had
/// to recycle wiremock-rs every 2,000 stub answers; stubs must keep answering past that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stubs_keep_answering_across_the_memory_recycle() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mocks = tempfile::tempdir().unwrap();
    for f in ["platform.json", "citizens.json", "faults.json"] {
        std::fs::copy(repo.join("mocks").join(f), mocks.path().join(f)).unwrap();
    }
    std::fs::create_dir_all(mocks.path().join("sf1520")).unwrap();
    for e in std::fs::read_dir(repo.join("mocks/sf1520"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(e.path(), mocks.path().join("sf1520").join(e.file_name())).unwrap();
    }
    std::fs::create_dir_all(mocks.path().join("mappings")).unwrap();
    std::fs::write(
        mocks.path().join("mappings/ping.json"),
        r#"{"request": {"method": "GET", "urlPath": "/stub/ping"}, "response": {"status": 200, "body": "pong"}}"#,
    )
    .unwrap();
    let (_mock, target) = crate::support::run::embedded_mock_of(mocks.path()).await;
    let clients = Clients::new(target);
    for i in 0..2_100 {
        let r = clients
            .request(
                DEFAULT_IDENTITY,
                reqwest::Method::GET,
                "/stub/ping",
                &[],
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            (r.status, r.body.as_slice()),
            (200, &b"pong"[..]),
            "request {i}"
        );
    }
}
