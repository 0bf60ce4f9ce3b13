//! The token model on the mock: the STS's REST issue endpoint, AccessTokenService, and the
//! check every token-model service makes.
//!
//! The STS issues a structurally real SAML 2.0 assertion: NameID is the calling
//! certificate's subject, subject confirmation holder-of-key with that certificate, Audience
//! the entityID, valid 8 hours, and the `dk:gov:saml:attribute:*` attributes (CVR,
//! AssuranceLevel, SpecVer, KombitSpecVer, Privileges_intermediate). It is signed with a key
//! of the mock's own (HMAC-SHA256 over the assertion without its Signature): enough for the
//! mock to refuse altered or foreign assertions, not a verifiable XMLDSig. Access tokens are
//! self-contained and bound to the certificate's SHA-256 fingerprint, the entityID, the
//! authority and an expiry; the service refuses a token presented with another certificate,
//! expired, or issued for another service. The refusal wording is modelled
//! (`mocks/post/faults.json`). The STS refuses to issue when no approved serviceaftale
//! covers it, telling a serviceaftale that awaits approval (or was rejected) from none
//! (modelled: where the real platform checks this, and what it says, is not public).
//!
//! The mock's clock is real time plus a per-scenario offset ([`MockClock`]), so expiry can be
//! tested without waiting.

use crate::client::token::{self, HOLDER_OF_KEY, SAML2_NS};
use crate::core::ids::{Cvr, Uuid};
use crate::core::service::ServiceInfo;
use crate::core::xml;
use crate::platform::data::{AgreementStatus, Platform};
use crate::platform::endpoint::{caller, header, scenario};
use crate::platform::endpoint::{DirectResponder, DirectResponse};
use crate::platform::request::Request;
use crate::services::post::mock::data::PostCtx;
use crate::services::post::sf1601;
use crate::targets::pki;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use std::sync::OnceLock;
use time::{Duration, OffsetDateTime};

pub const ISSUER: &str = "https://sts.sp-contract.mock/runtime";
pub const ACCESS_TOKEN_SECONDS: i64 = 3600;
const DS_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// A scenario's offset from real time on the mock (see `platform::state`).
#[derive(Default)]
pub struct MockClock {
    pub offset: Duration,
}

/// The mock's time for a scenario.
pub fn now(p: &Platform, scenario: &str) -> OffsetDateTime {
    let offset = p
        .state
        .get::<MockClock>(scenario)
        .lock()
        .map(|c| c.offset)
        .unwrap_or_default();
    OffsetDateTime::now_utc() + offset
}

fn secret() -> &'static [u8] {
    static KEY: OnceLock<Vec<u8>> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut k = vec![0u8; 32];
        // Falls back to a fixed key only if the system RNG fails; tokens stay mock-only.
        if openssl::rand::rand_bytes(&mut k).is_err() {
            k = b"sp-contract mock fallback key...".to_vec();
        }
        k
    })
}

fn hmac(data: &[u8]) -> Vec<u8> {
    let sign = || -> Result<Vec<u8>, openssl::error::ErrorStack> {
        let key = openssl::pkey::PKey::hmac(secret())?;
        let mut s = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key)?;
        s.update(data)?;
        s.sign_to_vec()
    };
    sign().unwrap_or_default()
}

fn same_mac(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && !a.is_empty() && openssl::memcmp::eq(a, b)
}

fn normalise_fp(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_hexdigit())
        .collect::<String>()
        .to_ascii_uppercase()
}

fn iso(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The service a token for `entity_id` is for.
pub fn service_for_entity(p: &Platform, entity_id: &str) -> Option<&'static ServiceInfo> {
    if entity_id == sf1601::FORESPOERG_ENTITY_ID {
        return Some(&sf1601::INFO);
    }
    p.known.by_entity_id(entity_id)
}

/// Build a signed assertion. Returns the XML.
#[allow(clippy::too_many_arguments)]
fn build_assertion(
    subject: &str,
    use_key: &str,
    entity_id: &str,
    cvr: &str,
    service: &ServiceInfo,
    now: OffsetDateTime,
    expires: OffsetDateTime,
) -> String {
    let e = xml::escape;
    let id = format!("_{}", uuid::Uuid::new_v4());
    let privileges = format!(
        "<bpp:PrivilegeList xmlns:bpp=\"http://itst.dk/oiosaml/basic_privilege_profile\"><PrivilegeGroup Scope=\"urn:dk:gov:saml:cvrNumberIdentifier:{cvr}\"><Privilege>urn:dk:kombit:serviceplatformen:{}</Privilege></PrivilegeGroup></bpp:PrivilegeList>",
        service.id.to_ascii_lowercase()
    );
    let attr = |name: &str, value: &str| {
        format!(
            "<saml2:Attribute Name=\"dk:gov:saml:attribute:{name}\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:basic\"><saml2:AttributeValue>{}</saml2:AttributeValue></saml2:Attribute>",
            e(value)
        )
    };
    let head = format!(
        "<saml2:Assertion xmlns:saml2=\"{SAML2_NS}\" xmlns:ds=\"{DS_NS}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ID=\"{id}\" IssueInstant=\"{}\" Version=\"2.0\"><saml2:Issuer>{ISSUER}</saml2:Issuer>",
        iso(now)
    );
    let rest = format!(
        "<saml2:Subject><saml2:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName\">{}</saml2:NameID><saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:holder-of-key\"><saml2:SubjectConfirmationData xsi:type=\"saml2:KeyInfoConfirmationDataType\" NotOnOrAfter=\"{exp}\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></saml2:SubjectConfirmationData></saml2:SubjectConfirmation></saml2:Subject>\
<saml2:Conditions NotBefore=\"{nb}\" NotOnOrAfter=\"{exp}\"><saml2:AudienceRestriction><saml2:Audience>{}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>\
<saml2:AuthnStatement AuthnInstant=\"{nb}\"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:X509</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>\
<saml2:AttributeStatement>{}{}{}{}{}</saml2:AttributeStatement></saml2:Assertion>",
        e(subject),
        e(use_key),
        e(entity_id),
        attr("CvrNumberIdentifier", cvr),
        attr("AssuranceLevel", "3"),
        attr("SpecVer", "DK-SAML-2.0"),
        attr("KombitSpecVer", "1.0"),
        attr("Privileges_intermediate", &STANDARD.encode(privileges)),
        exp = iso(expires),
        nb = iso(now),
    );
    let unsigned = format!("{head}{rest}");
    let digest = {
        use sha2::Digest;
        STANDARD.encode(sha2::Sha256::digest(unsigned.as_bytes()))
    };
    let signature = format!(
        "<ds:Signature><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#hmac-sha256\"/><ds:Reference URI=\"#{id}\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>{}</ds:SignatureValue></ds:Signature>",
        STANDARD.encode(hmac(unsigned.as_bytes()))
    );
    format!("{head}{signature}{rest}")
}

/// What AccessTokenService reads from a verified assertion.
#[derive(Debug, Clone)]
pub struct VerifiedAssertion {
    pub cert_sha256: String,
    pub audience: String,
    pub cvr: String,
    pub expires: OffsetDateTime,
}

/// Check the mock's signature and read the fields. Err: why it is not valid.
pub fn verify_assertion(text: &str) -> Result<VerifiedAssertion, String> {
    let start = text
        .find("<ds:Signature>")
        .ok_or("it carries no signature from this STS")?;
    let end = text[start..]
        .find("</ds:Signature>")
        .map(|i| start + i + "</ds:Signature>".len())
        .ok_or("its signature is broken")?;
    let sig_xml = &text[start..end];
    let unsigned = format!("{}{}", &text[..start], &text[end..]);
    let value = sig_xml
        .split("<ds:SignatureValue>")
        .nth(1)
        .and_then(|s| s.split("</ds:SignatureValue>").next())
        .and_then(|s| STANDARD.decode(s.trim()).ok())
        .ok_or("its signature value is not base64")?;
    if !same_mac(&value, &hmac(unsigned.as_bytes())) {
        return Err("the signature does not match (altered, or issued by another STS)".into());
    }
    let el = xml::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    let text_of = |local: &str| el.descendant(local).map(|e| e.text()).unwrap_or_default();
    let cert = STANDARD
        .decode(text_of("X509Certificate").as_bytes())
        .map_err(|_| "the holder-of-key certificate is not base64".to_string())?;
    let expires = el
        .descendant("Conditions")
        .and_then(|c| c.attr("NotOnOrAfter"))
        .and_then(|t| OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok())
        .ok_or("Conditions/@NotOnOrAfter is missing")?;
    let cvr = el
        .descendant("AttributeStatement")
        .and_then(|s| {
            s.elements()
                .find(|a| a.attr("Name") == Some("dk:gov:saml:attribute:CvrNumberIdentifier"))
        })
        .map(|a| a.text())
        .unwrap_or_default();
    Ok(VerifiedAssertion {
        cert_sha256: pki::fingerprint_sha256(&cert),
        audience: text_of("Audience"),
        cvr,
        expires,
    })
}

/// The claims of a mock access token.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    pub sha256: String,
    pub aud: String,
    pub cvr: String,
    pub exp: i64,
    pub jti: String,
}

pub fn mint_access_token(c: &Claims) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(c).unwrap_or_default());
    let mac = URL_SAFE_NO_PAD.encode(hmac(body.as_bytes()));
    format!("{body}.{mac}")
}

pub fn read_access_token(t: &str) -> Option<Claims> {
    let (body, mac) = t.split_once('.')?;
    let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
    if !same_mac(&mac, &hmac(body.as_bytes())) {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
}

/// The token-model check of a service call: a valid holder-of-key token for this entityID,
/// presented with the certificate it was issued to, and the transaction headers. Ok: the
/// x-TransaktionsId (echoed in errors).
pub fn authorize_service_call(
    ctx: &PostCtx,
    req: &Request,
    entity_id: &str,
) -> Result<String, DirectResponse> {
    let tx = header(req, "x-transaktionsid").unwrap_or_default();
    let echo = if tx.is_empty() {
        uuid::Uuid::new_v4().to_string()
    } else {
        tx.clone()
    };
    let fault = |name: &str, vars: &[(&str, &str)]| ctx.data.rest_fault(name, vars, &echo);
    let auth = header(req, "authorization").unwrap_or_default();
    let Some(token) = auth
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case(HOLDER_OF_KEY))
        .map(|(_, t)| t.trim())
    else {
        return Err(fault("token_missing", &[]));
    };
    let Some(claims) = read_access_token(token) else {
        return Err(fault("token_invalid", &[]));
    };
    let now = now(&ctx.platform, &scenario(req));
    if claims.exp <= now.unix_timestamp() {
        let expired = OffsetDateTime::from_unix_timestamp(claims.exp)
            .map(iso)
            .unwrap_or_default();
        return Err(fault("token_expired", &[("expired", &expired)]));
    }
    let presented = caller(req)
        .sha256
        .map(|s| normalise_fp(&s))
        .unwrap_or_default();
    if presented != normalise_fp(&claims.sha256) {
        return Err(fault("token_wrong_certificate", &[]));
    }
    if claims.aud != entity_id {
        return Err(fault(
            "token_wrong_service",
            &[("audience", &claims.aud), ("expected", entity_id)],
        ));
    }
    if Uuid::parse_lenient(&tx).is_err() {
        return Err(fault(
            "missing_transaction_headers",
            &[("reason", "x-TransaktionsId is missing or not a UUID")],
        ));
    }
    let tid = header(req, "x-transaktionstid").unwrap_or_default();
    if OffsetDateTime::parse(&tid, &time::format_description::well_known::Rfc3339).is_err() {
        return Err(fault(
            "missing_transaction_headers",
            &[(
                "reason",
                "x-TransaktionsTid is missing or not a UTC date-time",
            )],
        ));
    }
    Ok(tx)
}

pub struct StsEndpoint(pub PostCtx);

impl DirectResponder for StsEndpoint {
    fn path(&self) -> &'static str {
        token::STS_PATH
    }

    fn respond_direct(&self, req: &Request) -> DirectResponse {
        self.answer(req)
    }
}

impl StsEndpoint {
    fn answer(&self, req: &Request) -> DirectResponse {
        let ctx = &self.0;
        let p = &ctx.platform;
        let tx = uuid::Uuid::new_v4().to_string();
        let fault = |name: &str, vars: &[(&str, &str)]| ctx.data.rest_fault(name, vars, &tx);
        let bad = |reason: &str| fault("sts_bad_request", &[("reason", reason)]);
        let v: serde_json::Value = match serde_json::from_slice(&req.body) {
            Ok(v) => v,
            Err(e) => return bad(&format!("the body is not JSON ({e})")),
        };
        let field = |ptr: &str| v.pointer(ptr).and_then(|x| x.as_str()).unwrap_or_default();
        for (ptr, want) in [
            ("/TokenType", token::TOKEN_TYPE_SAML2),
            ("/RequestType", token::REQUEST_TYPE_ISSUE),
            ("/KeyType", token::KEY_TYPE_PUBLIC_KEY),
        ] {
            if field(ptr) != want {
                return bad(&format!("{} must be {want}", &ptr[1..]));
            }
        }
        let cvr = field("/AnvenderKontekst/Cvr");
        if !Cvr::is_valid(cvr) {
            return bad("AnvenderKontekst.Cvr must be the authority's CVR number (8 digits)");
        }
        let use_key = field("/UseKey");
        let der = match STANDARD.decode(use_key.trim().as_bytes()) {
            Ok(d) if !use_key.is_empty() => d,
            _ => return bad("UseKey must be the client certificate, base64 DER on one line"),
        };
        let cert = match pki::certificate_from_der(&der) {
            Ok(c) => c,
            Err(_) => return bad("UseKey is not a DER certificate"),
        };
        let who = caller(req);
        let presented = who.sha256.as_deref().map(normalise_fp).unwrap_or_default();
        if normalise_fp(&pki::fingerprint_sha256(&der)) != presented {
            return fault("sts_use_key_mismatch", &[]);
        }
        let entity_id = field("/AppliesTo/EndpointReference/Address");
        let Some(service) = service_for_entity(p, entity_id) else {
            return fault("sts_unknown_service", &[("entity_id", entity_id)]);
        };
        let Some(system) = p.user_system_for(&who) else {
            return fault(
                "sts_certificate_not_registered",
                &[("subject", who.subject_cn.as_deref().unwrap_or("(none)"))],
            );
        };
        let agreements: Vec<_> = p
            .platform
            .agreements
            .iter()
            .filter(|a| {
                a.service.eq_ignore_ascii_case(service.id)
                    && a.user_system == system.uuid
                    && a.authority_cvr == cvr
            })
            .collect();
        if !agreements
            .iter()
            .any(|a| a.status == AgreementStatus::Approved)
        {
            let vars = [
                ("user_system", system.uuid.as_str()),
                ("service", service.id),
                ("cvr", cvr),
            ];
            // One awaiting approval (or rejected) is told apart from none, when the data has
            // the wording for it (a vendor's older mocks/post/faults.json may not).
            return match agreements.first() {
                Some(a) if ctx.data.rest.contains_key("sts_agreement_not_approved") => {
                    let status = match a.status {
                        AgreementStatus::Rejected => "rejected",
                        _ => "pending",
                    };
                    let mut v = vars.to_vec();
                    v.extend([("agreement", a.uuid.as_str()), ("status", status)]);
                    fault("sts_agreement_not_approved", &v)
                }
                _ => fault("sts_no_agreement", &vars),
            };
        }
        let subject = pki::CertInfo::from_x509(&cert)
            .map(|i| i.subject)
            .unwrap_or_default();
        let now = now(p, &scenario(req));
        let expires = now + token::ASSERTION_LIFETIME;
        let assertion = build_assertion(
            &subject,
            use_key.trim(),
            entity_id,
            cvr,
            service,
            now,
            expires,
        );
        let lifetime = expires
            .format(time::macros::format_description!(
                "[month]/[day]/[year] [hour]:[minute]:[second]"
            ))
            .unwrap_or_default();
        DirectResponse::json(
            200,
            serde_json::json!({
                "RequestedSecurityToken": { "Assertion": STANDARD.encode(assertion) },
                "TokenType": token::TOKEN_TYPE_SAML2,
                "Lifetime": lifetime,
            }),
        )
    }
}

pub struct AccessTokenEndpoint(pub PostCtx);

impl DirectResponder for AccessTokenEndpoint {
    fn path(&self) -> &'static str {
        token::ACCESS_TOKEN_PATH
    }

    fn respond_direct(&self, req: &Request) -> DirectResponse {
        self.answer(req)
    }
}

/// Decode `application/x-www-form-urlencoded` (`+` is a space).
fn form_value(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(v))?
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

impl AccessTokenEndpoint {
    fn answer(&self, req: &Request) -> DirectResponse {
        let ctx = &self.0;
        let tx = uuid::Uuid::new_v4().to_string();
        let invalid = |reason: &str| {
            ctx.data
                .rest_fault("ats_invalid_assertion", &[("reason", reason)], &tx)
        };
        let Some(b64) = form_value(&req.body, "saml-token") else {
            return invalid("the form field saml-token is missing");
        };
        let Ok(decoded) = STANDARD.decode(b64.trim().as_bytes()) else {
            return invalid("saml-token is not base64");
        };
        let Ok(text) = String::from_utf8(decoded) else {
            return invalid("saml-token does not decode to UTF-8 XML");
        };
        let a = match verify_assertion(&text) {
            Ok(a) => a,
            Err(e) => return invalid(&e),
        };
        let now = now(&ctx.platform, &scenario(req));
        if a.expires <= now {
            return ctx.data.rest_fault(
                "ats_expired_assertion",
                &[("expired", &iso(a.expires))],
                &tx,
            );
        }
        let presented = caller(req)
            .sha256
            .as_deref()
            .map(normalise_fp)
            .unwrap_or_default();
        if normalise_fp(&a.cert_sha256) != presented {
            return ctx.data.rest_fault("ats_certificate_mismatch", &[], &tx);
        }
        let exp = (now + Duration::seconds(ACCESS_TOKEN_SECONDS)).min(a.expires);
        let token = mint_access_token(&Claims {
            sha256: a.cert_sha256,
            aud: a.audience,
            cvr: a.cvr,
            exp: exp.unix_timestamp(),
            jti: uuid::Uuid::new_v4().to_string(),
        });
        DirectResponse::json(
            200,
            serde_json::json!({
                "access_token": token,
                "token_type": HOLDER_OF_KEY,
                "expires_in": (exp - now).whole_seconds(),
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assertion_round_trip_and_tamper() {
        let now = OffsetDateTime::now_utc();
        let x = build_assertion(
            "CN=x",
            &STANDARD.encode(b"cert"),
            sf1601::INFO.entity_id,
            "29189846",
            &sf1601::INFO,
            now,
            now + Duration::hours(8),
        );
        let el = xml::parse(x.as_bytes()).unwrap();
        assert_eq!(el.local, "Assertion");
        assert_eq!(el.child("Issuer").unwrap().text(), ISSUER);
        let v = verify_assertion(&x).unwrap();
        assert_eq!(v.cvr, "29189846");
        assert_eq!(v.audience, sf1601::INFO.entity_id);
        assert_eq!(v.cert_sha256, pki::fingerprint_sha256(b"cert"));
        let tampered = x.replace("29189846", "11111111");
        assert!(verify_assertion(&tampered)
            .unwrap_err()
            .contains("does not match"));
        assert!(verify_assertion("<a/>").is_err());
    }

    #[test]
    fn access_tokens_are_tamper_evident() {
        let c = Claims {
            sha256: "AB".into(),
            aud: "x".into(),
            cvr: "29189846".into(),
            exp: 1,
            jti: "j".into(),
        };
        let t = mint_access_token(&c);
        assert_eq!(read_access_token(&t).unwrap().aud, "x");
        let (body, mac) = t.split_once('.').unwrap();
        let forged = format!(
            "{}.{mac}",
            URL_SAFE_NO_PAD
                .encode(br#"{"sha256":"AB","aud":"y","cvr":"1","exp":9999999999,"jti":"j"}"#)
        );
        assert!(read_access_token(&forged).is_none());
        assert!(read_access_token(body).is_none());
        assert!(read_access_token("").is_none());
    }

    #[test]
    fn form_values_decode() {
        assert_eq!(
            form_value(b"a=1&saml-token=a%2Bb%3D", "saml-token").as_deref(),
            Some("a+b=")
        );
        assert_eq!(form_value(b"saml-token=%zz", "saml-token"), None);
        assert_eq!(form_value(b"saml-token=%4", "saml-token"), None);
    }

    #[test]
    fn endpoints_default_per_environment() {
        let p = crate::platform::data::Platform::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks"),
            crate::services::catalog::Catalog::built_in().known(),
        )
        .unwrap();
        let pki = crate::targets::pki::TestPki::at(std::path::Path::new("/nonexistent"));
        let mut t = p.target(&pki, "https://127.0.0.1:4443");
        assert_eq!(
            crate::client::token::endpoints(&t).sts,
            "https://127.0.0.1:4443/runtime/api/rest/wstrust/v1/issue"
        );
        assert_eq!(
            crate::client::token::endpoints(&t).access_token,
            "https://127.0.0.1:4443/service/AccessTokenService_1/token"
        );
        t.base_url = "https://exttest.serviceplatformen.dk".into();
        assert_eq!(
            crate::client::token::endpoints(&t).sts,
            "https://n2adgangsstyring.eksterntest-stoettesystemerne.dk/runtime/api/rest/wstrust/v1/issue"
        );
        t.sts_url = Some("https://sts.example/issue".into());
        assert_eq!(
            crate::client::token::endpoints(&t).sts,
            "https://sts.example/issue"
        );
    }
}
