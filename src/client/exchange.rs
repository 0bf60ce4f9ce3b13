//! What a call sent and got back, as the steps, the doctor and `run --trace` read it: the
//! request's wire (method, URL, headers), a SOAP call's outcome, and the token hops made on
//! the way (the OIO IDWS STS). Records only: `call` and `idws` make them.

use crate::client::transport::{Clients, HttpReply};
use crate::core::soap::Reply;

/// What a SOAP call came back with.
pub struct SoapOutcome {
    /// The envelope as sent.
    pub sent: String,
    /// Where and with which headers it went (for `run --trace`).
    pub wire: Wire,
    pub http_status: u16,
    pub content_type: Option<String>,
    pub raw: Vec<u8>,
    /// The answer read as SOAP, or why it is not SOAP.
    pub reply: Result<Reply, String>,
    /// The hops made before the call (the OIO IDWS STS, when no cached token served), for
    /// `run --trace`.
    pub hops: Vec<HopExchange>,
}

/// How a request went out, besides its body: what `run --trace` shows.
pub struct Wire {
    pub method: String,
    pub url: String,
    /// The headers sp-contract set, Content-Type included (the HTTP client adds Host,
    /// Content-Length and the like).
    pub headers: Vec<(String, String)>,
}

impl Wire {
    pub(crate) fn new(
        clients: &Clients,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        content_type: Option<&str>,
    ) -> Wire {
        let url = format!("{}{path}", clients.target().base_url);
        Wire::absolute(method, &url, headers, content_type)
    }

    /// A request to an absolute URL (the token hops and OIO IDWS services live on other hosts).
    pub fn absolute(
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        content_type: Option<&str>,
    ) -> Wire {
        let mut list: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if let Some(ct) = content_type {
            list.push(("Content-Type".into(), ct.into()));
        }
        Wire {
            method: method.to_string(),
            url: url.to_string(),
            headers: list,
        }
    }
}

/// One hop made on the way to the service (the STS), as `run --trace` shows it.
pub struct HopExchange {
    pub name: &'static str,
    pub wire: Wire,
    pub sent: String,
    pub reply: HttpReply,
}

/// Where and what status only: the answer may hold an assertion.
impl std::fmt::Debug for HopExchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<{} hop to {}: HTTP {}>",
            self.name, self.wire.url, self.reply.status
        )
    }
}
