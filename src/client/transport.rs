//! HTTPS with client certificates: one `reqwest::Client` per identity per run, and the
//! classification of what went wrong before a contract could be judged.

use crate::targets::pki;
use crate::targets::target::Target;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// Responses larger than this are refused rather than buffered (a broken proxy streaming
/// forever must not eat the machine).
pub const MAX_BODY: usize = 32 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("certificate '{identity}' could not be loaded: {message}")]
    Identity { identity: String, message: String },
    #[error("could not connect to {url}: {cause}. Check the target's base_url and that the host is reachable from here")]
    Connect { url: String, cause: String },
    #[error("TLS handshake with {url} failed: {cause}. {hint}{presented}")]
    Tls {
        url: String,
        cause: String,
        hint: &'static str,
        /// Which client certificate we presented (subject and fingerprint), filled in by
        /// [`Clients`]: "a certificate silently not sent" is a classic support case.
        presented: String,
    },
    #[error("no answer from {url} within {after:?} (the request timeout). Raise [targets.<name>.timeouts] request_ms if the service is known to be slow")]
    Timeout { url: String, after: Duration },
    #[error("the connection to {url} broke while reading the answer: {cause}")]
    Broken { url: String, cause: String },
    #[error(
        "the answer from {url} is larger than {} (the limit for an answer); refusing to read it",
        human(MAX_BODY)
    )]
    TooLarge { url: String },
    /// A 3xx. Following it would re-send the request (the citizen's data, the assertion)
    /// and present our certificate to a host nobody configured, so it is never followed.
    #[error("{url} answered HTTP {status}, a redirect to {location} (Location header); sp-contract never follows redirects, so nothing was sent there. The target refused the call or is not the service: check base_url (and sts_url / access_token_url) against the platform's documented address")]
    Redirect {
        url: String,
        status: u16,
        /// Scheme and host of the Location only: its path or query may carry a CPR number.
        location: String,
    },
    /// A 5xx whose body is not the service's (an HTML error page of a proxy or gateway).
    #[error("{url} answered HTTP {status} with {what}, not the service's answer: a proxy or gateway in between failed. First bytes: {snippet:?}. Try again later (--retries), or check base_url")]
    Gateway {
        url: String,
        status: u16,
        what: &'static str,
        snippet: String,
    },
}

impl crate::error::Classified for TransportError {
    /// A certificate that does not load is the user's to fix; everything else means the
    /// target was not reached or refused us.
    fn exit_code(&self) -> crate::error::ExitCode {
        match self {
            TransportError::Identity { .. } => crate::error::ExitCode::Usage,
            _ => crate::error::ExitCode::Unreachable,
        }
    }
}

/// One HTTP exchange as the steps see it.
#[derive(Debug, Clone)]
pub struct HttpReply {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

/// One identity's client and a description of the certificate it presents.
type Entry = (reqwest::Client, String);

/// The clients of one run, built lazily, one per identity.
pub struct Clients {
    target: Arc<Target>,
    /// Per identity, a cell filled once; the map's lock is only held to find the cell.
    cache: Mutex<HashMap<String, Arc<OnceCell<Entry>>>>,
}

impl Clients {
    pub fn new(target: Arc<Target>) -> Clients {
        Clients {
            target,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub async fn get(&self, identity: &str) -> Result<reqwest::Client, TransportError> {
        self.entry(identity).await.map(|(c, _)| c)
    }

    /// Built once per identity per run. Building (reading the certificate, setting up TLS)
    /// blocks for tens of milliseconds, so it runs on the blocking pool: the async workers,
    /// which the embedded mock shares, keep serving other scenarios meanwhile, and those
    /// that want the same identity wait for the one build instead of starting their own.
    async fn entry(&self, identity: &str) -> Result<Entry, TransportError> {
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.entry(identity.to_string()).or_default().clone()
        };
        let entry = cell
            .get_or_try_init(|| {
                let target = self.target.clone();
                let id = identity.to_string();
                async move {
                    tokio::task::spawn_blocking(move || build_client(&target, &id))
                        .await
                        .unwrap_or_else(|e| {
                            Err(TransportError::Identity {
                                identity: identity.to_string(),
                                message: format!("building its client failed: {e}"),
                            })
                        })
                }
            })
            .await?;
        Ok(entry.clone())
    }
}

fn build_client(target: &Target, identity: &str) -> Result<Entry, TransportError> {
    let err = |message: String| TransportError::Identity {
        identity: identity.to_string(),
        message,
    };
    let source = target.identity(identity).map_err(|e| err(e.to_string()))?;
    let id = pki::load_identity(source).map_err(|e| err(crate::error::chain(&e)))?;
    let rid = reqwest::Identity::from_pkcs12_der(&id.pkcs12_der, &id.pkcs12_password)
        .map_err(|e| err(crate::error::chain(&e)))?;
    let mut b = reqwest::Client::builder()
        .use_native_tls()
        .identity(rid)
        .tls_built_in_root_certs(target.trust.system_roots)
        .connect_timeout(target.timeouts.connect())
        .timeout(target.timeouts.request())
        .tcp_nodelay(true)
        // Never follow: see TransportError::Redirect.
        .redirect(reqwest::redirect::Policy::none())
        // HTTP/2 stream resets have been seen against SP (ITK forces HTTP/1.1).
        .http1_only()
        .user_agent(concat!("sp-contract/", env!("CARGO_PKG_VERSION")));
    if let Some(ca) = &target.trust.ca_pem {
        let roots = pki::load_ca_pem(ca).map_err(|e| err(crate::error::chain(&e)))?;
        for r in roots {
            let der = r.to_der().map_err(|e| err(e.to_string()))?;
            let cert = reqwest::Certificate::from_der(&der).map_err(|e| err(e.to_string()))?;
            b = b.add_root_certificate(cert);
        }
    }
    let presented = format!(
        " (we presented certificate '{identity}': {}, SHA-256 {})",
        id.info.subject, id.info.sha256_fingerprint
    );
    let client = b.build().map_err(|e| err(crate::error::chain(&e)))?;
    Ok((client, presented))
}

impl Clients {
    /// POST to `path` below the target's base URL as `identity`, and read the whole answer
    /// (bounded by [`MAX_BODY`]).
    pub async fn post(
        &self,
        identity: &str,
        path: &str,
        headers: &[(&str, String)],
        content_type: &str,
        body: String,
    ) -> Result<HttpReply, TransportError> {
        self.request(
            identity,
            reqwest::Method::POST,
            path,
            headers,
            Some((content_type, body)),
        )
        .await
    }

    /// Any method; `body` is `(content type, text)`. `path` may carry a query string.
    pub async fn request(
        &self,
        identity: &str,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, String)],
        body: Option<(&str, String)>,
    ) -> Result<HttpReply, TransportError> {
        let url = format!("{}{path}", self.target.base_url);
        self.send_to(identity, method, &url, headers, body).await
    }

    /// Like [`Clients::request`], to an absolute URL (the token hops live on other hosts).
    pub async fn send_to(
        &self,
        identity: &str,
        method: reqwest::Method,
        url: &str,
        headers: &[(&str, String)],
        body: Option<(&str, String)>,
    ) -> Result<HttpReply, TransportError> {
        let (client, presented) = self.entry(identity).await?;
        send(&client, method, url, headers, body)
            .await
            .map_err(|e| match e {
                TransportError::Timeout { url, .. } => TransportError::Timeout {
                    url,
                    after: self.target.timeouts.request(),
                },
                TransportError::Tls {
                    url, cause, hint, ..
                } => TransportError::Tls {
                    url,
                    cause,
                    hint,
                    presented,
                },
                other => other,
            })
    }
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    headers: &[(&str, String)],
    body: Option<(&str, String)>,
) -> Result<HttpReply, TransportError> {
    let started = Instant::now();
    let mut req = client.request(method, url);
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    if let Some((content_type, body)) = body {
        req = req
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
    }
    // Messages show the URL without its query (PostForespoerg sends ?cprNumber=).
    let shown = without_query(url);
    let mut resp = req.send().await.map_err(|e| classify(&shown, &e))?;
    let status = resp.status().as_u16();
    if resp.status().is_redirection() {
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok());
        return Err(TransportError::Redirect {
            url: shown,
            status,
            location: location_host(url, location),
        });
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(TransportError::TooLarge { url: shown });
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&shown, &e))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(TransportError::TooLarge { url: shown });
        }
        body.extend_from_slice(&chunk);
    }
    if let Some(what) = gateway_page(status, content_type.as_deref(), &body) {
        return Err(TransportError::Gateway {
            url: shown,
            status,
            what,
            snippet: crate::evidence::redact::snippet(&body, 200)
                .trim()
                .to_string(),
        });
    }
    Ok(HttpReply {
        status,
        content_type,
        body,
        elapsed: started.elapsed(),
    })
}

/// `url` without query and fragment.
fn without_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

/// Where a redirect points, as `scheme://host[:port]`, resolved against the request URL.
fn location_host(url: &str, location: Option<&str>) -> String {
    let Some(location) = location else {
        return "nowhere (no Location header)".to_string();
    };
    let resolved = reqwest::Url::parse(url).and_then(|base| base.join(location.trim()));
    match resolved {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => {
                crate::evidence::redact::text(&format!("{}://{h}:{p}", u.scheme()))
            }
            (Some(h), None) => crate::evidence::redact::text(&format!("{}://{h}", u.scheme())),
            (None, _) => format!("a {} URL without a host", u.scheme()),
        },
        Err(_) => "an unreadable Location".to_string(),
    }
}

/// Whether a 5xx answer is a proxy's or gateway's page rather than the service's own (a
/// SOAP fault, the platform's JSON error): HTML, or anything that is not XML or JSON. Says
/// what it is.
fn gateway_page(status: u16, content_type: Option<&str>, body: &[u8]) -> Option<&'static str> {
    if status < 500 {
        return None;
    }
    let text = body
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(body);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    let head: Vec<u8> = match start {
        None => return Some("an empty body"),
        Some(i) => text[i..text.len().min(i + 512)].to_ascii_lowercase(),
    };
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    // A SOAP fault mislabelled text/html is still the service's answer.
    let xml_document = head.starts_with(b"<?xml") || contains(b"envelope");
    let html = head.starts_with(b"<!doctype html")
        || head.starts_with(b"<html")
        || (content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html")) && !xml_document);
    if html {
        Some("an HTML page")
    } else if head.starts_with(b"<") || head.starts_with(b"{") || head.starts_with(b"[") {
        None
    } else {
        Some("a body that is neither XML nor JSON")
    }
}

fn human(bytes: usize) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// Turn reqwest/openssl error chains into a cause a vendor can act on.
pub fn classify(url: &str, e: &reqwest::Error) -> TransportError {
    let chain = crate::error::chain(e);
    let lower = chain.to_ascii_lowercase();
    if e.is_timeout() {
        return TransportError::Timeout {
            url: url.to_string(),
            after: Duration::ZERO,
        };
    }
    let tls = |hint: &'static str| TransportError::Tls {
        url: url.to_string(),
        cause: tls_cause(&chain),
        hint,
        presented: String::new(),
    };
    if lower.contains("certificate verify failed")
        || lower.contains("self-signed")
        || lower.contains("self signed")
    {
        if lower.contains("hostname mismatch") || lower.contains("ip address mismatch") {
            return tls("The server's certificate does not name this host: check base_url (use the host name the certificate was issued for).");
        }
        return tls("We do not trust the server's certificate (unknown CA). For exttest/prod keep system roots on; for a mock give its ca.pem as `ca`.");
    }
    if lower.contains("certificate required")
        || lower.contains("bad certificate")
        || lower.contains("unknown ca")
        || lower.contains("certificate unknown")
        || lower.contains("certificate expired")
        || lower.contains("access denied")
        || lower.contains("handshake failure")
    {
        return tls("The server refused our client certificate. Check that the function certificate (FOCES/OCES3) is the one registered on the it-system, is not expired, and is issued by a CA the platform trusts.");
    }
    if lower.contains("ssl") || lower.contains("tls") {
        return tls("Check the certificate, the CA and that the target speaks HTTPS on this port.");
    }
    if e.is_connect() {
        return TransportError::Connect {
            url: url.to_string(),
            cause: first_useful(&chain),
        };
    }
    TransportError::Broken {
        url: url.to_string(),
        cause: first_useful(&chain),
    }
}

fn tls_cause(chain: &str) -> String {
    // openssl's stack strings are long; keep the reason part.
    let re = regex::Regex::new(r"(?i)(?:ssl routines|SSL routines):[^:]*:([^:\]]+)")
        .expect("static regex");
    let reasons: Vec<String> = re
        .captures_iter(chain)
        .map(|c| c[1].trim().to_string())
        .collect();
    if reasons.is_empty() {
        first_useful(chain)
    } else {
        reasons.join("; ")
    }
}

fn first_useful(chain: &str) -> String {
    // "error sending request for url (...): client error (Connect): tcp connect error: Connection refused (os error 111)"
    chain
        .rsplit(": ")
        .next()
        .unwrap_or(chain)
        .trim()
        .to_string()
}

impl TransportError {
    /// Whether the failure happened before the target could judge the call (exit 3), as
    /// opposed to a broken setup on our side (exit 2).
    pub fn is_unreachable(&self) -> bool {
        !matches!(self, TransportError::Identity { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_pages_are_told_from_the_services_answers() {
        let fault = b"<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"x\"><soap:Body><soap:Fault/></soap:Body></soap:Envelope>";
        for (status, ct, body, want) in [
            (
                500,
                Some("text/html"),
                &b"<!DOCTYPE html><html>x</html>"[..],
                Some("an HTML page"),
            ),
            (
                502,
                None,
                b"  <HTML><body>Bad Gateway</body></HTML>",
                Some("an HTML page"),
            ),
            (
                503,
                Some("text/html; charset=utf-8"),
                b"<body>down</body>",
                Some("an HTML page"),
            ),
            (
                504,
                Some("text/plain"),
                b"Gateway Timeout",
                Some("a body that is neither XML nor JSON"),
            ),
            (500, Some("text/xml"), b"", Some("an empty body")),
            (500, Some("text/xml"), fault, None),
            // A fault mislabelled as HTML is still the service's.
            (500, Some("text/html"), fault, None),
            (
                500,
                Some("application/json"),
                b"{\"errorCode\": \"X\"}",
                None,
            ),
            // Below 500 the answer is judged elsewhere.
            (404, Some("text/html"), b"<html>Not Found</html>", None),
            (200, Some("text/xml"), b"", None),
        ] {
            assert_eq!(gateway_page(status, ct, body), want, "{status} {ct:?}");
        }
    }

    #[test]
    fn a_redirect_names_only_scheme_and_host() {
        let base = "https://sp.example:8443/service/x?cprNumber=0101801234";
        assert_eq!(
            location_host(base, Some("http://evil.example/steal?cprNumber=0101801234")),
            "http://evil.example"
        );
        assert_eq!(
            location_host(base, Some("/other")),
            "https://sp.example:8443"
        );
        assert_eq!(location_host(base, None), "nowhere (no Location header)");
        assert_eq!(without_query(base), "https://sp.example:8443/service/x");
    }
}
