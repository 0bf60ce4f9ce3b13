//! The REST token model (SF1601 and other REST services), client side.
//!
//! Over mutual TLS with the same certificate throughout (serviceplatform.md "REST token
//! model"):
//! 1. POST JSON to the STS's REST issue endpoint: `UseKey` (the certificate, base64 DER),
//!    `AnvenderKontekst.Cvr` (the authority), `AppliesTo.EndpointReference.Address` (the
//!    service's entityID). The reply holds a base64 SAML assertion and its `Lifetime`.
//! 2. POST the form field `saml-token` to AccessTokenService: a `Holder-of-key` access token
//!    with `expires_in`.
//! 3. Call the service with `Authorization: Holder-of-key <token>`, `x-TransaktionsId`,
//!    `x-TransaktionsTid`.
//!
//! Tokens are cached per (entityID, authority, certificate) and renewed [`RENEW_MARGIN`]
//! before they expire. The clock is the session's own (`now()` plus an offset a scenario can
//! move), so renewal is testable without waiting eight hours. Assertions and tokens are
//! [`Secret`]s: never formatted, never part of an error message.

use crate::client::transport::{Clients, HttpReply, TransportError};
use crate::targets::pki::{self, Secret};
use crate::targets::target::Target;
use base64::Engine as _;
use std::collections::HashMap;
use std::fmt;
use time::{Duration, OffsetDateTime};

pub const STS_PATH: &str = "/runtime/api/rest/wstrust/v1/issue";
pub const ACCESS_TOKEN_PATH: &str = "/service/AccessTokenService_1/token";
const STS_EXTTEST: &str = "https://n2adgangsstyring.eksterntest-stoettesystemerne.dk";
const STS_PROD: &str = "https://n2adgangsstyring.stoettesystemerne.dk";

pub const TOKEN_TYPE_SAML2: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0";
pub const REQUEST_TYPE_ISSUE: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue";
pub const KEY_TYPE_PUBLIC_KEY: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/PublicKey";
pub const SAML2_NS: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// The scheme of the `Authorization` header and the `token_type` AccessTokenService gives.
pub const HOLDER_OF_KEY: &str = "Holder-of-key";

/// STS assertions are valid for 8 hours.
pub const ASSERTION_LIFETIME: Duration = Duration::hours(8);
/// Renew this long before a token expires, so it cannot expire on its way.
pub const RENEW_MARGIN: Duration = Duration::minutes(5);

/// Where the two token hops are for a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub sts: String,
    pub access_token: String,
}

/// The configured endpoints, or the defaults: KOMBIT's STS for the exttest and prod base URLs
/// (the STS host differs from the SP host there), else the target's own host (the mock).
pub fn endpoints(t: &Target) -> Endpoints {
    let base = t.base_url.trim_end_matches('/');
    let sts = t.sts_url.clone().unwrap_or_else(|| {
        let host = match base {
            "https://exttest.serviceplatformen.dk" => STS_EXTTEST,
            "https://prod.serviceplatformen.dk" => STS_PROD,
            other => other,
        };
        format!("{host}{STS_PATH}")
    });
    let access_token = t
        .access_token_url
        .clone()
        .unwrap_or_else(|| format!("{base}{ACCESS_TOKEN_PATH}"));
    Endpoints { sts, access_token }
}

/// Which hop of the token flow said something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hop {
    Sts,
    AccessTokenService,
}

impl Hop {
    pub fn name(self) -> &'static str {
        match self {
            Hop::Sts => "STS",
            Hop::AccessTokenService => "AccessTokenService",
        }
    }
}

impl fmt::Display for Hop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Our side: no authority CVR, the certificate cannot be read.
    #[error("cannot request a token: {0}")]
    Setup(String),
    #[error("{hop}: {source}")]
    Transport {
        hop: Hop,
        #[source]
        source: TransportError,
    },
    /// The hop answered and refused (HTTP status other than 200): the platform's verdict,
    /// which scenarios may assert.
    #[error("{hop} refused to issue a token (HTTP {status})")]
    Refused {
        hop: Hop,
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    /// HTTP 200, but not the answer the contract promises.
    #[error("{hop} answered HTTP 200, but {reason}")]
    Malformed { hop: Hop, reason: String },
}

/// The STS issue request. `cert_der_b64` is the client certificate, base64 DER on one line.
pub fn sts_request_json(cert_der_b64: &str, cvr: &str, entity_id: &str) -> String {
    serde_json::json!({
        "TokenType": TOKEN_TYPE_SAML2,
        "RequestType": REQUEST_TYPE_ISSUE,
        "KeyType": KEY_TYPE_PUBLIC_KEY,
        "AnvenderKontekst": { "Cvr": cvr },
        "UseKey": cert_der_b64,
        "AppliesTo": { "EndpointReference": { "Address": entity_id } },
        "OnBehalfOf": null,
    })
    .to_string()
}

/// A SAML assertion from the STS (base64, as it is passed on).
#[derive(Clone)]
pub struct Assertion {
    pub b64: Secret,
    pub expires: OffsetDateTime,
}

impl fmt::Debug for Assertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Assertion(*** until {})", self.expires)
    }
}

/// A holder-of-key access token.
#[derive(Clone)]
pub struct AccessToken {
    value: Secret,
    pub expires: OffsetDateTime,
    /// A short digest of the token, to tell tokens apart in messages without showing them.
    pub id: String,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessToken({} until {})", self.id, self.expires)
    }
}

impl AccessToken {
    pub fn new(value: String, expires: OffsetDateTime) -> AccessToken {
        let id = short_digest(&value);
        AccessToken {
            value: Secret::new(value),
            expires,
            id,
        }
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> String {
        format!("{HOLDER_OF_KEY} {}", self.value.expose())
    }
}

/// The headers of a call to a token-model service: `Authorization: Holder-of-key <token>`, a
/// fresh `x-TransaktionsId` and `x-TransaktionsTid` (`now`, UTC, whole seconds).
pub fn call_headers(token: &AccessToken, now: OffsetDateTime) -> Vec<(&'static str, String)> {
    let when = now
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    vec![
        ("Authorization", token.authorization()),
        ("x-TransaktionsId", uuid::Uuid::new_v4().to_string()),
        ("x-TransaktionsTid", when),
    ]
}

fn short_digest(s: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(s.as_bytes());
    d[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// `Lifetime` as the STS writes it: `MM/dd/yyyy HH:mm:ss`, read as UTC.
pub fn parse_lifetime(s: &str) -> Result<OffsetDateTime, String> {
    let fmt = time::macros::format_description!("[month]/[day]/[year] [hour]:[minute]:[second]");
    time::PrimitiveDateTime::parse(s.trim(), &fmt)
        .map(|t| t.assume_utc())
        .map_err(|e| format!("Lifetime '{s}' is not MM/dd/yyyy HH:mm:ss ({e})"))
}

/// Read the STS reply: `RequestedSecurityToken.Assertion` (base64 SAML 2.0) and `Lifetime`.
pub fn parse_sts_reply(body: &[u8]) -> Result<Assertion, TokenError> {
    let bad = |reason: String| TokenError::Malformed {
        hop: Hop::Sts,
        reason,
    };
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        bad(format!(
            "the body is not JSON ({e}); expected {{\"RequestedSecurityToken\": {{\"Assertion\": …}}, \"Lifetime\": …}}"
        ))
    })?;
    let assertion = v
        .pointer("/RequestedSecurityToken/Assertion")
        .and_then(|a| a.as_str())
        .filter(|a| !a.is_empty())
        .ok_or_else(|| bad("the reply has no RequestedSecurityToken.Assertion".into()))?;
    crate::evidence::redact::register_assertion(assertion);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(assertion.trim().as_bytes())
        .map_err(|e| {
            bad(format!(
                "RequestedSecurityToken.Assertion is not base64 ({e})"
            ))
        })?;
    match crate::core::xml::parse(&decoded) {
        Ok(el) if el.local == "Assertion" && el.ns.as_deref() == Some(SAML2_NS) => {}
        Ok(el) => {
            return Err(bad(format!(
                "RequestedSecurityToken.Assertion decodes to <{}>, not a SAML 2.0 Assertion",
                el.local
            )))
        }
        Err(e) => {
            return Err(bad(format!(
                "RequestedSecurityToken.Assertion does not decode to XML ({e})"
            )))
        }
    }
    let lifetime = v
        .get("Lifetime")
        .and_then(|l| l.as_str())
        .ok_or_else(|| bad("the reply has no Lifetime".into()))?;
    let expires = parse_lifetime(lifetime).map_err(bad)?;
    Ok(Assertion {
        b64: Secret::new(assertion.trim().to_string()),
        expires,
    })
}

/// Read AccessTokenService's reply: `{access_token, token_type: "Holder-of-key", expires_in}`.
pub fn parse_access_token_reply(
    body: &[u8],
    now: OffsetDateTime,
) -> Result<AccessToken, TokenError> {
    let bad = |reason: String| TokenError::Malformed {
        hop: Hop::AccessTokenService,
        reason,
    };
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        bad(format!(
            "the body is not JSON ({e}); expected {{\"access_token\", \"token_type\", \"expires_in\"}}"
        ))
    })?;
    let token = v
        .get("access_token")
        .and_then(|t| t.as_str())
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| bad("the reply has no access_token".into()))?;
    crate::evidence::redact::register_secret(token);
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad(
            "access_token contains white space or control characters".into(),
        ));
    }
    match v.get("token_type").and_then(|t| t.as_str()) {
        Some(t) if t.eq_ignore_ascii_case(HOLDER_OF_KEY) => {}
        Some(t) => {
            return Err(bad(format!(
                "token_type is '{t}', expected '{HOLDER_OF_KEY}'"
            )))
        }
        None => return Err(bad("the reply has no token_type".into())),
    }
    let secs = v
        .get("expires_in")
        .and_then(|e| {
            e.as_i64()
                .or_else(|| e.as_str().and_then(|s| s.parse().ok()))
        })
        .filter(|s| *s > 0)
        .ok_or_else(|| bad("expires_in is missing or not a positive number of seconds".into()))?;
    Ok(AccessToken::new(
        token.to_string(),
        now + Duration::seconds(secs),
    ))
}

#[derive(Default)]
struct Entry {
    assertion: Option<Assertion>,
    access: Option<AccessToken>,
}

/// Who asks for what: the cache key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    entity_id: String,
    cvr: String,
    identity: String,
}

/// A scenario's token state: the cache, its clock, and counters the steps can assert on.
#[derive(Default)]
pub struct TokenSession {
    cache: HashMap<Key, Entry>,
    use_keys: HashMap<String, String>,
    /// Added to the real time: a scenario moves it to see tokens expire.
    pub clock_offset: Duration,
    pub assertions_issued: usize,
    pub access_tokens_issued: usize,
    /// The authority calls are made on behalf of, instead of the target's `authority_cvr`.
    pub authority_override: Option<String>,
    /// Present the token over this certificate instead of the one it was issued to.
    pub present_with: Option<String>,
    /// Ids of the tokens the calls used, in order.
    pub used: Vec<String>,
}

impl TokenSession {
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.clock_offset
    }

    /// The authority CVR for token requests.
    pub fn authority(&self, t: &Target) -> Result<String, TokenError> {
        self.authority_override
            .clone()
            .or_else(|| t.authority_cvr.clone())
            .ok_or_else(|| {
                TokenError::Setup(format!(
                    "target '{}' has no authority_cvr: the token model needs the CVR of the authority the call is made for; set authority_cvr under [targets.{}]",
                    t.name, t.name
                ))
            })
    }

    /// A valid access token for `entity_id`, from the cache or freshly through both hops.
    /// `headers` go with both hops (the embedded mock's scenario header).
    pub async fn token(
        &mut self,
        clients: &Clients,
        identity: &str,
        entity_id: &str,
        headers: &[(&str, String)],
    ) -> Result<AccessToken, TokenError> {
        let target = clients.target();
        let cvr = self.authority(target)?;
        let now = self.now();
        let key = Key {
            entity_id: entity_id.to_string(),
            cvr: cvr.clone(),
            identity: identity.to_string(),
        };
        let fresh = |exp: OffsetDateTime| exp - RENEW_MARGIN > now;
        if let Some(tok) = self
            .cache
            .get(&key)
            .and_then(|e| e.access.as_ref())
            .filter(|a| fresh(a.expires))
        {
            return Ok(tok.clone());
        }
        let eps = endpoints(target);
        let cached_assertion = self
            .cache
            .get(&key)
            .and_then(|e| e.assertion.clone())
            .filter(|a| fresh(a.expires));
        let assertion = match cached_assertion {
            Some(a) => a,
            None => {
                let use_key = self.use_key(target, identity)?;
                let body = sts_request_json(&use_key, &cvr, entity_id);
                let reply = post(
                    clients,
                    identity,
                    &eps.sts,
                    headers,
                    "application/json",
                    body,
                )
                .await
                .map_err(|source| TokenError::Transport {
                    hop: Hop::Sts,
                    source,
                })?;
                refused_unless_200(Hop::Sts, &reply)?;
                let a = parse_sts_reply(&reply.body)?;
                self.assertions_issued += 1;
                a
            }
        };
        let form = format!(
            "saml-token={}",
            crate::core::form::encode(assertion.b64.expose())
        );
        let reply = post(
            clients,
            identity,
            &eps.access_token,
            headers,
            "application/x-www-form-urlencoded",
            form,
        )
        .await
        .map_err(|source| TokenError::Transport {
            hop: Hop::AccessTokenService,
            source,
        })?;
        refused_unless_200(Hop::AccessTokenService, &reply)?;
        let access = parse_access_token_reply(&reply.body, self.now())?;
        self.access_tokens_issued += 1;
        let entry = self.cache.entry(key).or_default();
        entry.assertion = Some(assertion);
        entry.access = Some(access.clone());
        Ok(access)
    }

    /// The certificate as `UseKey`: base64 DER on one line.
    fn use_key(&mut self, target: &Target, identity: &str) -> Result<String, TokenError> {
        if let Some(k) = self.use_keys.get(identity) {
            return Ok(k.clone());
        }
        let src = target
            .identity(identity)
            .map_err(|e| TokenError::Setup(e.to_string()))?;
        let id = pki::load_identity(src).map_err(|e| {
            TokenError::Setup(format!(
                "certificate '{identity}' could not be loaded: {}",
                crate::error::chain(&e)
            ))
        })?;
        let der = id
            .cert
            .to_der()
            .map_err(|e| TokenError::Setup(format!("certificate '{identity}': {e}")))?;
        let k = base64::engine::general_purpose::STANDARD.encode(der);
        self.use_keys.insert(identity.to_string(), k.clone());
        Ok(k)
    }
}

fn refused_unless_200(hop: Hop, reply: &HttpReply) -> Result<(), TokenError> {
    if reply.status == 200 {
        return Ok(());
    }
    Err(TokenError::Refused {
        hop,
        status: reply.status,
        content_type: reply.content_type.clone(),
        body: reply.body.clone(),
    })
}

/// POST to an absolute URL (the STS lives on another host than the target's base URL) with
/// the identity's client; the transport reads at most [`crate::client::transport::MAX_BODY`] and refuses
/// redirects and gateway pages.
async fn post(
    clients: &Clients,
    identity: &str,
    url: &str,
    headers: &[(&str, String)],
    content_type: &str,
    body: String,
) -> Result<HttpReply, TransportError> {
    let mut all = vec![("Accept", "application/json".to_string())];
    all.extend(headers.iter().cloned());
    clients
        .send_to(
            identity,
            http::Method::POST,
            url,
            &all,
            Some((content_type, body)),
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_ASSERTION: &str =
        "<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_hemmelig\"/>";

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn sts_request_has_the_documented_fields() {
        let v: serde_json::Value =
            serde_json::from_str(&sts_request_json("MIIB", "29189846", "http://e/1")).unwrap();
        assert_eq!(v["AnvenderKontekst"]["Cvr"], "29189846");
        assert_eq!(v["AppliesTo"]["EndpointReference"]["Address"], "http://e/1");
        assert_eq!(v["UseKey"], "MIIB");
        assert_eq!(v["TokenType"], TOKEN_TYPE_SAML2);
        assert!(v["OnBehalfOf"].is_null());
    }

    #[test]
    fn sts_reply_is_read_and_malformed_replies_are_named_without_the_secret() {
        let a = b64(SECRET_ASSERTION);
        let ok = format!(
            r#"{{"RequestedSecurityToken":{{"Assertion":"{a}"}},"Lifetime":"11/23/2026 18:00:00"}}"#
        );
        let got = parse_sts_reply(ok.as_bytes()).unwrap();
        assert_eq!(
            got.expires,
            time::macros::datetime!(2026-11-23 18:00:00 UTC)
        );
        assert!(!format!("{got:?}").contains(&a));
        for (body, want) in [
            ("<html>502</html>".to_string(), "not JSON"),
            ("{}".to_string(), "no RequestedSecurityToken.Assertion"),
            (
                r#"{"RequestedSecurityToken":{"Assertion":"%%%"},"Lifetime":"11/23/2026 18:00:00"}"#.to_string(),
                "not base64",
            ),
            (
                format!(r#"{{"RequestedSecurityToken":{{"Assertion":"{}"}},"Lifetime":"x"}}"#, b64("<a/>")),
                "not a SAML 2.0 Assertion",
            ),
            (
                format!(r#"{{"RequestedSecurityToken":{{"Assertion":"{a}"}},"Lifetime":"2026-11-23"}}"#),
                "MM/dd/yyyy",
            ),
            (
                format!(r#"{{"RequestedSecurityToken":{{"Assertion":"{a}"}}}}"#),
                "no Lifetime",
            ),
        ] {
            let e = parse_sts_reply(body.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
            assert!(e.starts_with("STS answered HTTP 200"), "{e}");
            assert!(!e.contains(&a), "assertion leaked: {e}");
        }
    }

    #[test]
    fn access_token_reply_is_read_strictly() {
        let now = time::macros::datetime!(2026-11-23 10:00:00 UTC);
        let t = parse_access_token_reply(
            br#"{"access_token":"abc.def","token_type":"Holder-of-key","expires_in":3600}"#,
            now,
        )
        .unwrap();
        assert_eq!(t.expires, now + Duration::hours(1));
        assert_eq!(t.authorization(), "Holder-of-key abc.def");
        assert!(!format!("{t:?}").contains("abc.def"));
        for (body, want) in [
            (
                &br#"{"token_type":"Holder-of-key","expires_in":3600}"#[..],
                "no access_token",
            ),
            (
                br#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#,
                "expected 'Holder-of-key'",
            ),
            (
                br#"{"access_token":"abc","token_type":"Holder-of-key","expires_in":-5}"#,
                "expires_in",
            ),
            (
                br#"{"access_token":"a b","token_type":"Holder-of-key","expires_in":5}"#,
                "white space",
            ),
            (b"not json", "not JSON"),
        ] {
            let e = parse_access_token_reply(body, now).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
            assert!(!e.contains("abc"), "token leaked: {e}");
        }
    }

    #[test]
    fn tokens_and_assertions_are_registered_for_masking_as_they_arrive() {
        let now = time::macros::datetime!(2026-11-23 10:00:00 UTC);
        let tok = "registered-on-arrival.dG9rZW4";
        let body =
            format!(r#"{{"access_token":"{tok}","token_type":"Holder-of-key","expires_in":60}}"#);
        parse_access_token_reply(body.as_bytes(), now).unwrap();
        assert_eq!(
            crate::evidence::redact::text(&format!("401: {tok}")),
            "401: [redacted]"
        );
        let a = b64(SECRET_ASSERTION);
        let reply = format!(
            r#"{{"RequestedSecurityToken":{{"Assertion":"{a}"}},"Lifetime":"11/23/2026 18:00:00"}}"#
        );
        parse_sts_reply(reply.as_bytes()).unwrap();
        let echo = format!(
            "400: {a} / {SECRET_ASSERTION} / {}",
            crate::core::form::encode(&a)
        );
        assert_eq!(
            crate::evidence::redact::text(&echo),
            "400: [redacted] / [redacted] / [redacted]"
        );
    }

    #[test]
    fn form_encoding_escapes_base64() {
        assert_eq!(crate::core::form::encode("a+b/c=="), "a%2Bb%2Fc%3D%3D");
    }
}
