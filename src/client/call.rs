//! The one call layer: a SOAP call, and a REST call of the token model, made the same way by
//! the runner's scenarios and by the doctor. It sends and sorts what came back; each caller
//! turns the outcome into its own verdict (a step failure, a doctor finding).

use crate::client::exchange::{HopExchange, SoapOutcome, Wire};
use crate::client::idws::{CallParts, IdwsCallError};
use crate::client::token::{Hop, TokenError, TokenSession};
use crate::client::transport::{Clients, HttpReply, TransportError};
use crate::core::service::{SecurityModel, ServiceInfo};
use crate::core::soap;
use crate::error::{Classified, ExitCode};

/// Why a SOAP call has no answer from the service.
#[derive(Debug, thiserror::Error)]
pub enum SoapCallError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The OIO IDWS token flow failed before the service answered.
    #[error(transparent)]
    Idws(#[from] IdwsCallError),
}

impl SoapCallError {
    /// The token hop that answered before the call stopped (see [`IdwsCallError::hop`]).
    pub fn hop(&self) -> Option<&HopExchange> {
        match self {
            SoapCallError::Idws(e) => e.hop(),
            SoapCallError::Transport(_) => None,
        }
    }
}

impl Classified for SoapCallError {
    fn exit_code(&self) -> ExitCode {
        match self {
            SoapCallError::Transport(e) => e.exit_code(),
            SoapCallError::Idws(e) => e.exit_code(),
        }
    }
}

/// POST a SOAP 1.1 request (`payload`: the request element, serialised; `header`: what goes
/// in the SOAP Header, if the contract declares one) to `service` with `identity`'s
/// certificate. `extra`: headers only the embedded mock gets. A service of the OIO IDWS
/// model goes through its token flow (`client::idws`) instead.
pub async fn soap(
    clients: &Clients,
    identity: &str,
    service: &ServiceInfo,
    action: &str,
    header: Option<&str>,
    payload: &str,
    extra: &[(&'static str, String)],
) -> Result<SoapOutcome, SoapCallError> {
    if let SecurityModel::Idws(idws) = &service.security {
        let parts = CallParts {
            action,
            payload,
            header,
        };
        let out = crate::client::idws::call(clients, identity, service, idws, &parts, extra);
        return Ok(out.await?);
    }
    const CONTENT_TYPE: &str = "text/xml; charset=utf-8";
    let sent = soap::envelope_with_header(header, payload);
    let mut headers = vec![("SOAPAction", format!("\"{action}\""))];
    headers.extend(extra.iter().cloned());
    let wire = Wire::new(clients, "POST", service.path, &headers, Some(CONTENT_TYPE));
    let http = clients
        .post(identity, service.path, &headers, CONTENT_TYPE, sent.clone())
        .await?;
    let reply = soap::parse_reply(&http.body).map_err(|e| e.to_string());
    Ok(SoapOutcome {
        sent,
        wire,
        http_status: http.status,
        content_type: http.content_type,
        raw: http.body,
        reply,
        hops: Vec::new(),
    })
}

/// What a REST call of the token model came back with.
pub enum RestOutcome {
    /// A token hop refused: its answer is the platform's verdict on the call.
    Refused {
        hop: Hop,
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    /// The service answered; `sent` is the body sent (empty for none).
    Answered {
        http: HttpReply,
        sent: String,
        wire: Wire,
    },
}

/// Why a REST call has no outcome.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Getting the token failed other than by a refusal (no answer, a malformed one, or
    /// something missing on our side).
    #[error(transparent)]
    Token(TokenError),
    /// The service itself did not answer.
    #[error(transparent)]
    Transport(TransportError),
}

/// Call a REST service of the token model: get (or reuse, from `session`) a holder-of-key
/// access token for `entity_id` with `identity`'s certificate, then send `method path` with
/// `Authorization`, `x-TransaktionsId` and `x-TransaktionsTid`, presenting the certificate
/// the session names (`present_with`) or `identity`'s.
#[allow(clippy::too_many_arguments)]
pub async fn rest(
    clients: &Clients,
    session: &mut TokenSession,
    identity: &str,
    entity_id: &str,
    method: http::Method,
    path: &str,
    body: Option<(&str, String)>,
    extra: &[(&'static str, String)],
) -> Result<RestOutcome, CallError> {
    let token = match session.token(clients, identity, entity_id, extra).await {
        Ok(t) => t,
        Err(TokenError::Refused {
            hop,
            status,
            content_type,
            body,
        }) => {
            return Ok(RestOutcome::Refused {
                hop,
                status,
                content_type,
                body,
            })
        }
        Err(e) => return Err(CallError::Token(e)),
    };
    session.used.push(token.id.clone());
    let mut headers = crate::client::token::call_headers(&token, session.now());
    headers.extend(extra.iter().cloned());
    let present = session
        .present_with
        .clone()
        .unwrap_or_else(|| identity.to_string());
    let sent = body.as_ref().map(|(_, b)| b.clone()).unwrap_or_default();
    let content_type = body.as_ref().map(|(ct, _)| *ct);
    let wire = Wire::new(clients, method.as_str(), path, &headers, content_type);
    let http = clients
        .request(&present, method, path, &headers, body)
        .await
        .map_err(CallError::Transport)?;
    Ok(RestOutcome::Answered { http, sent, wire })
}
