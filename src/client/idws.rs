//! The OIO IDWS token flow, client side (SF1470 v6; later SF1500/SF1510), over mutual TLS
//! with the same certificate on both hops:
//! 1. the STS hop: a signed SOAP 1.2 WS-Trust `RequestSecurityToken` for the service's
//!    entityID and the authority's CVR; the answer's assertion is kept byte for byte, and
//!    reused from the run's cache (per audience, CVR and certificate) until 5 minutes before
//!    it expires;
//! 2. the service hop: the call signed with the same certificate's key, the assertion
//!    embedded, to the service's own endpoint (directly, not via Serviceplatformen), in the
//!    SOAP version the target configures for it (SF1470: 1.1 by default).
//!
//! Exit classes per hop: our own input or configuration is 2 (no authority CVR, a certificate
//! that cannot sign); an STS that is not reached or refuses is 3, naming the STS; an STS that
//! answers something unusable broke the contract (1). Assertions are secrets: registered for
//! masking by value as they arrive ([`crate::idws::Assertion`]), never in a message.

use crate::client::exchange::HopExchange;
use crate::client::exchange::{SoapOutcome, Wire};
use crate::client::transport::{Clients, TransportError};
use crate::core::service::{Idws, ServiceInfo, SoapVersion};
use crate::core::soap;
use crate::error::{Classified, ExitCode};
use crate::idws::cache::CacheKey;
use crate::idws::service_call::{self, ServiceCall};
use crate::idws::sts_request::{self, StsRequest};
use crate::idws::{sts_answer, Assertion, IdwsError, Signed};
use crate::targets::idws::Route;
use crate::targets::pki::Identity;
use time::OffsetDateTime;

/// Why an OIO IDWS call has no answer from the service.
#[derive(Debug, thiserror::Error)]
pub enum IdwsCallError {
    /// Our side: the configuration lacks something the flow needs.
    #[error("cannot make the OIO IDWS call: {0}")]
    Setup(String),
    /// A hop was not reached (or our certificate did not load).
    #[error("{hop}: {source}")]
    Transport {
        hop: &'static str,
        #[source]
        source: TransportError,
    },
    /// The STS answered with a SOAP fault: no token. The hop is kept, so a scenario can
    /// assert the refusal and `run --trace` shows it.
    #[error("the STS at {} refused to issue a token (HTTP {}): {reason} — check the serviceaftale for this CVR and service, and that the certificate is registered on the it-system", hop.wire.url, hop.reply.status)]
    StsRefused {
        reason: String,
        hop: Box<HopExchange>,
    },
    /// Something other than the STS's SOAP answered (HTTP neither 200 nor 500, and not
    /// SOAP): a gateway, a proxy or a login page, as the services' own calls judge it.
    #[error("the STS at {} answered HTTP {} with a body that is not SOAP (first bytes: {snippet:?}): something in front of the STS answered, not the STS — check idws_sts_url and any proxy or gateway between you and the STS", hop.wire.url, hop.reply.status)]
    StsNotSoap {
        snippet: String,
        hop: Box<HopExchange>,
    },
    /// The STS's answer or assertion does not verify with the certificates the target
    /// names: the contract broken, or (what the hint says) a renewed certificate.
    #[error("STS at {url}: {source} (checked with {}, the target's idws_sts_certificate: if KOMBIT has renewed the STS's certificate, put the new one in that file)", file.display())]
    StsUnverified {
        url: String,
        file: std::path::PathBuf,
        #[source]
        source: IdwsError,
    },
    /// The STS answered something unusable, or we could not build a message.
    #[error("STS at {url}: {source}")]
    Sts {
        url: String,
        #[source]
        source: IdwsError,
    },
}

impl Classified for IdwsCallError {
    fn exit_code(&self) -> ExitCode {
        match self {
            IdwsCallError::Setup(_) => ExitCode::Usage,
            IdwsCallError::Transport { source, .. } => source.exit_code(),
            IdwsCallError::StsRefused { .. } | IdwsCallError::StsNotSoap { .. } => {
                ExitCode::Unreachable
            }
            IdwsCallError::Sts { source, .. } | IdwsCallError::StsUnverified { source, .. } => {
                source.exit_code()
            }
        }
    }
}

impl IdwsCallError {
    /// The hop that answered before the flow stopped (the STS's refusal), for the trace.
    pub fn hop(&self) -> Option<&HopExchange> {
        match self {
            IdwsCallError::StsRefused { hop, .. } | IdwsCallError::StsNotSoap { hop, .. } => {
                Some(hop)
            }
            _ => None,
        }
    }
}

/// The name of the STS hop in traces and messages.
pub const STS_HOP: &str = "STS";

/// The authority's CVR on the target, or why there is none.
pub fn authority(clients: &Clients) -> Result<String, IdwsCallError> {
    let t = clients.target();
    t.authority_cvr.clone().ok_or_else(|| {
        IdwsCallError::Setup(format!(
            "target '{}' has no authority_cvr: the STS issues a token for the CVR of the authority the call is made for; set authority_cvr under [targets.{}]",
            t.name, t.name
        ))
    })
}

/// The identity's certificate and key (loaded with its HTTP client); one that does not load
/// is ours to fix (2), whichever hop needed it.
pub async fn identity(
    clients: &Clients,
    name: &str,
) -> Result<std::sync::Arc<Identity>, IdwsCallError> {
    clients
        .identity(name)
        .await
        .map_err(|e| IdwsCallError::Setup(e.to_string()))
}

/// An assertion for `audience` and `cvr` bound to `identity`'s certificate: from the run's
/// cache, or freshly from the STS (then the hop is returned too, for the trace).
pub async fn token(
    clients: &Clients,
    identity: &str,
    sts_url: &str,
    audience: &str,
    cvr: &str,
    extra: &[(&'static str, String)],
) -> Result<(Assertion, Option<HopExchange>), IdwsCallError> {
    let id = self::identity(clients, identity).await?;
    let now = OffsetDateTime::now_utc();
    let key = CacheKey::new(audience, cvr, &id);
    if let Some(a) = clients.idws_tokens().get(&key, now) {
        return Ok((a, None));
    }
    let sts = |source: IdwsError| IdwsCallError::Sts {
        url: sts_url.to_string(),
        source,
    };
    let req = StsRequest {
        sts_url,
        audience,
        cvr,
    };
    let signed = sts_request::build(&req, &id, now).map_err(sts)?;
    let content_type = "application/soap+xml; charset=utf-8";
    let headers: Vec<(&str, String)> = extra.to_vec();
    let reply = clients
        .send_to(
            identity,
            http::Method::POST,
            sts_url,
            &headers,
            Some((content_type, signed.xml.clone())),
        )
        .await
        .map_err(|source| IdwsCallError::Transport {
            hop: STS_HOP,
            source,
        })?;
    let hop = HopExchange {
        name: STS_HOP,
        wire: Wire::absolute("POST", sts_url, &headers, Some(content_type)),
        sent: signed.xml,
        reply,
    };
    let text = String::from_utf8_lossy(&hop.reply.body);
    let certificates = sts_certificates(clients.target())?;
    let read = |sts| sts_answer::read(&text, &signed.message_id, sts, now);
    // Any of the STS's certificates will do: during a rotation the file holds old and new.
    let mut answer = None;
    for c in &certificates {
        let checked = read(Some((c, audience)));
        let ok = checked.is_ok();
        answer = Some(checked);
        if ok {
            break;
        }
    }
    let assertion = match answer.unwrap_or_else(|| read(None)) {
        Ok(a) => a,
        Err(IdwsError::Refused { reason }) => {
            return Err(IdwsCallError::StsRefused {
                reason,
                hop: Box::new(hop),
            })
        }
        // Not SOAP, and not the status a SOAP service answers with: not the STS judging us.
        Err(IdwsError::Malformed { .. }) if !soap::is_service_status(hop.reply.status) => {
            return Err(IdwsCallError::StsNotSoap {
                snippet: crate::evidence::redact::snippet(&hop.reply.body, 200),
                hop: Box::new(hop),
            })
        }
        Err(source @ IdwsError::Unverified(_)) => {
            return Err(match &clients.target().idws.sts_certificate {
                Some(file) => IdwsCallError::StsUnverified {
                    url: sts_url.to_string(),
                    file: file.clone(),
                    source,
                },
                None => sts(source),
            })
        }
        Err(e) => return Err(sts(e)),
    };
    clients.idws_tokens().put(key, assertion.clone());
    Ok((assertion, Some(hop)))
}

/// The STS's signing certificates the target names (`idws_sts_certificate`; on the embedded
/// mock the test PKI's): its answers and assertions are checked with them. None configured
/// is none checked, which `run --dry-run` says.
pub fn sts_certificates(
    target: &crate::targets::target::Target,
) -> Result<Vec<openssl::x509::X509>, IdwsCallError> {
    let Some(path) = &target.idws.sts_certificate else {
        return Ok(Vec::new());
    };
    crate::targets::pki::load_ca_pem(path).map_err(|e| {
        IdwsCallError::Setup(format!(
            "cannot read the STS's certificate (idws_sts_certificate of target '{}'): {}",
            target.name,
            crate::error::chain(&e)
        ))
    })
}

/// What a signed service call carries besides its security header.
#[derive(Debug, Clone, Copy)]
pub struct CallParts<'a> {
    pub action: &'a str,
    pub payload: &'a str,
    /// The service's own SOAP header (SF1470: `RequestHeader`), sent unsigned.
    pub header: Option<&'a str>,
}

/// The call signed with `signer`'s key at `now`, the assertion embedded unchanged.
pub fn sign(
    route: &Route,
    idws: &Idws,
    parts: &CallParts<'_>,
    assertion: &Assertion,
    signer: &Identity,
    now: OffsetDateTime,
) -> Result<Signed, IdwsCallError> {
    let call = ServiceCall {
        soap: route.soap,
        action: parts.action,
        to: &route.endpoint,
        service_headers: parts.header.unwrap_or_default(),
        body: parts.payload,
        framework: idws.framework,
    };
    service_call::build(&call, assertion, signer, now).map_err(|source| IdwsCallError::Sts {
        url: route.sts_url.clone(),
        source,
    })
}

/// Send a signed envelope (`xml`) to the route's endpoint and read the answer as SOAP.
pub async fn send(
    clients: &Clients,
    identity: &str,
    route: &Route,
    action: &str,
    xml: String,
    extra: &[(&'static str, String)],
    hops: Vec<HopExchange>,
) -> Result<SoapOutcome, IdwsCallError> {
    let (content_type, mut headers) = match route.soap {
        SoapVersion::Soap11 => (
            "text/xml; charset=utf-8".to_string(),
            vec![("SOAPAction", format!("\"{action}\""))],
        ),
        SoapVersion::Soap12 => (
            format!("application/soap+xml; charset=utf-8; action=\"{action}\""),
            vec![],
        ),
    };
    headers.extend(extra.iter().cloned());
    let http = clients
        .send_to(
            identity,
            http::Method::POST,
            &route.endpoint,
            &headers,
            Some((&content_type, xml.clone())),
        )
        .await
        .map_err(|source| IdwsCallError::Transport {
            hop: "the service",
            source,
        })?;
    let reply = crate::core::soap::parse_reply(&http.body).map_err(|e| e.to_string());
    Ok(SoapOutcome {
        sent: xml,
        wire: Wire::absolute("POST", &route.endpoint, &headers, Some(&content_type)),
        http_status: http.status,
        content_type: http.content_type,
        raw: http.body,
        reply,
        hops,
    })
}

/// The whole flow for one call of `service`: token (cached or fresh), sign, send.
pub async fn call(
    clients: &Clients,
    identity: &str,
    service: &ServiceInfo,
    idws: &Idws,
    parts: &CallParts<'_>,
    extra: &[(&'static str, String)],
) -> Result<SoapOutcome, IdwsCallError> {
    let route = clients.target().idws_route(service, idws);
    let cvr = authority(clients)?;
    let (assertion, hop) = token(
        clients,
        identity,
        &route.sts_url,
        service.entity_id,
        &cvr,
        extra,
    )
    .await?;
    let signer = self::identity(clients, identity).await?;
    let signed = sign(
        &route,
        idws,
        parts,
        &assertion,
        &signer,
        OffsetDateTime::now_utc(),
    )?;
    send(
        clients,
        identity,
        &route,
        parts.action,
        signed.xml,
        extra,
        hop.into_iter().collect(),
    )
    .await
}
