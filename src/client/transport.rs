//! HTTPS with client certificates: one HTTP client per identity per run (over the
//! connections of `connector`), and the classification of what went wrong before a contract
//! could be judged.

use crate::client::connector::{ConnectError, Connector, TrustContext};
use crate::targets::pki;
use crate::targets::target::Target;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Body as _;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
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

/// One identity's HTTP client: keeps its connections (each presenting the identity's
/// certificate) and never follows a redirect (it has no redirect logic at all).
type Http = hyper_util::client::legacy::Client<Connector, Full<Bytes>>;

/// One identity's client and a description of the certificate it presents.
#[derive(Clone)]
pub struct Client {
    http: Http,
    presented: String,
    /// The certificate and key it presents (OIO IDWS signs with the same key).
    identity: Arc<pki::Identity>,
}

/// The run's trust context, built by the first identity that needs it (see [`TrustContext`]).
type SharedTrust = Arc<OnceLock<Result<Arc<TrustContext>, String>>>;

/// An identity's certificate and key, read once a run (by whichever lane wants it first);
/// the error is the message of a read that failed.
type IdentityCell = Arc<OnceLock<Result<Arc<pki::Identity>, String>>>;

/// What every lane of a run shares: trust, identities read, assertions issued.
#[derive(Default)]
struct RunWide {
    trust: SharedTrust,
    identities: Mutex<HashMap<String, IdentityCell>>,
    /// The run's OIO IDWS assertions (per audience, CVR and certificate).
    idws_tokens: crate::idws::cache::TokenCache,
}

impl RunWide {
    fn identity_cell(&self, identity: &str) -> IdentityCell {
        let mut cells = self.identities.lock().unwrap_or_else(|p| p.into_inner());
        cells.entry(identity.to_string()).or_default().clone()
    }
}

/// The clients of one run, built lazily, one per identity.
pub struct Clients {
    target: Arc<Target>,
    shared: Arc<RunWide>,
    /// Per identity, a cell filled once; the map's lock is only held to find the cell.
    cache: Mutex<HashMap<String, Arc<OnceCell<Client>>>>,
    /// Build clients on the blocking pool even on a single-threaded runtime: a lane's
    /// runtime runs several scenarios and serves the mock's connections.
    off_thread: bool,
}

impl Clients {
    pub fn new(target: Arc<Target>) -> Clients {
        Clients {
            target,
            shared: Arc::default(),
            cache: Mutex::new(HashMap::new()),
            off_thread: false,
        }
    }

    /// Build `identity`'s client from `id`, read already, instead of reading it again.
    pub fn with_loaded(self, identity: &str, id: Arc<pki::Identity>) -> Clients {
        let _ = self.shared.identity_cell(identity).set(Ok(id));
        self
    }

    /// The clients of a lane of this run, calling `target`: their own connections (a pooled
    /// connection belongs to the runtime that opened it), the run's identities, trust and
    /// assertions.
    pub fn lane(&self, target: Arc<Target>) -> Clients {
        Clients {
            target,
            shared: self.shared.clone(),
            cache: Mutex::new(HashMap::new()),
            off_thread: true,
        }
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The OIO IDWS assertions this run has been issued, for reuse.
    pub fn idws_tokens(&self) -> &crate::idws::cache::TokenCache {
        &self.shared.idws_tokens
    }

    /// The identity's certificate and key, loaded once with its client.
    pub async fn identity(&self, identity: &str) -> Result<Arc<pki::Identity>, TransportError> {
        Ok(self.get(identity).await?.identity)
    }

    /// The identity's client, built on first use (or by an earlier call made ahead of need).
    pub async fn get(&self, identity: &str) -> Result<Client, TransportError> {
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            cache.entry(identity.to_string()).or_default().clone()
        };
        // Built once per identity per run. Reading the certificate and key blocks, so on a
        // runtime of several workers, or a lane's, it runs on the blocking pool: the
        // runtime, which the embedded mock shares, keeps serving other scenarios meanwhile,
        // and those that want the same identity wait for the one build instead of starting
        // their own. A runtime on one thread that runs one scenario waits for this client
        // anyway: it builds in place rather than pay a thread for it.
        let client = cell
            .get_or_try_init(|| {
                let target = self.target.clone();
                let shared = self.shared.clone();
                let id = identity.to_string();
                let off_thread = self.off_thread;
                async move {
                    use tokio::runtime::{Handle, RuntimeFlavor};
                    if !off_thread
                        && Handle::current().runtime_flavor() == RuntimeFlavor::CurrentThread
                    {
                        return build_client(&target, &shared, &id);
                    }
                    tokio::task::spawn_blocking(move || build_client(&target, &shared, &id))
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
        Ok(client.clone())
    }
}

fn build_client(
    target: &Target,
    shared: &RunWide,
    identity: &str,
) -> Result<Client, TransportError> {
    let err = |message: String| TransportError::Identity {
        identity: identity.to_string(),
        message,
    };
    let id = shared
        .identity_cell(identity)
        .get_or_init(|| {
            let source = target.identity(identity).map_err(|e| e.to_string())?;
            pki::load_identity(source)
                .map(Arc::new)
                .map_err(|e| crate::error::chain(&e))
        })
        .clone()
        .map_err(err)?;
    let trust = shared
        .trust
        .get_or_init(|| TrustContext::new(&target.trust).map(Arc::new))
        .clone()
        .map_err(err)?;
    let presented = format!(
        " (we presented certificate '{identity}': {}, SHA-256 {})",
        id.info.subject, id.info.sha256_fingerprint
    );
    let connector = Connector::new(trust, id.clone(), target.timeouts.connect());
    // HTTP/1.1 only (the client is built without HTTP/2): stream resets have been seen
    // against SP over HTTP/2, and ITK forces HTTP/1.1.
    let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_timer(TokioTimer::new())
        .build(connector);
    Ok(Client {
        http,
        presented,
        identity: id,
    })
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
            http::Method::POST,
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
        method: http::Method,
        path: &str,
        headers: &[(&str, String)],
        body: Option<(&str, String)>,
    ) -> Result<HttpReply, TransportError> {
        let url = format!("{}{path}", self.target.base_url);
        self.send_to(identity, method, &url, headers, body).await
    }

    /// Like [`Clients::request`], to an absolute URL (the token hops live on other hosts).
    /// The request timeout bounds everything from connecting to the answer's last byte.
    pub async fn send_to(
        &self,
        identity: &str,
        method: http::Method,
        url: &str,
        headers: &[(&str, String)],
        body: Option<(&str, String)>,
    ) -> Result<HttpReply, TransportError> {
        let client = self.get(identity).await?;
        let after = self.target.timeouts.request();
        let sent = tokio::time::timeout(after, send(&client.http, method, url, headers, body));
        let timeout = |url: String| TransportError::Timeout { url, after };
        match sent.await {
            Err(_) => Err(timeout(without_query(url))),
            Ok(r) => r.map_err(|e| match e {
                TransportError::Timeout { url, .. } => timeout(url),
                TransportError::Tls {
                    url, cause, hint, ..
                } => TransportError::Tls {
                    url,
                    cause,
                    hint,
                    presented: client.presented.clone(),
                },
                other => other,
            }),
        }
    }
}

async fn send(
    http: &Http,
    method: http::Method,
    url: &str,
    headers: &[(&str, String)],
    body: Option<(&str, String)>,
) -> Result<HttpReply, TransportError> {
    let started = Instant::now();
    // Messages show the URL without its query (PostForespoerg sends ?cprNumber=).
    let shown = without_query(url);
    let unusable = |cause: String| TransportError::Broken {
        url: shown.clone(),
        cause,
    };
    let mut req = http::Request::builder()
        .method(method)
        .uri(url)
        .header(http::header::USER_AGENT, USER_AGENT)
        .header(http::header::ACCEPT, "*/*");
    for (k, v) in headers {
        req = req.header(*k, v.as_str());
    }
    let payload = match body {
        Some((content_type, body)) => {
            req = req.header(http::header::CONTENT_TYPE, content_type);
            Bytes::from(body)
        }
        None => Bytes::new(),
    };
    let req = req
        .body(Full::new(payload))
        .map_err(|e| unusable(format!("the request cannot be written: {e}")))?;
    let resp = http.request(req).await.map_err(|e| {
        let timed_out = source_of::<ConnectError>(&e).is_some_and(ConnectError::is_timeout);
        classify(&shown, &crate::error::chain(&e), e.is_connect(), timed_out)
    })?;
    let status = resp.status().as_u16();
    if resp.status().is_redirection() {
        let location = resp
            .headers()
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok());
        return Err(TransportError::Redirect {
            url: shown,
            status,
            location: location_host(url, location),
        });
    }
    let content_type = resp
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if resp
        .body()
        .size_hint()
        .exact()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(TransportError::TooLarge { url: shown });
    }
    let mut incoming = resp.into_body();
    let mut body = Vec::new();
    while let Some(frame) = incoming.frame().await {
        let frame = frame.map_err(|e| classify(&shown, &crate::error::chain(&e), false, false))?;
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
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

const USER_AGENT: &str = concat!("sp-contract/", env!("CARGO_PKG_VERSION"));

/// The first error of type `E` in `e`'s chain of causes.
fn source_of<'a, E: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a E> {
    let mut cur = Some(e);
    while let Some(c) = cur {
        if let Some(found) = c.downcast_ref::<E>() {
            return Some(found);
        }
        cur = c.source();
    }
    None
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
    let resolved = url::Url::parse(url).and_then(|base| base.join(location.trim()));
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

/// The hint of a handshake the server ended because of our client certificate.
const CLIENT_CERTIFICATE_REFUSED: &str = "The server refused our client certificate. Check that the function certificate (FOCES/OCES3) is the one registered on the it-system, is not expired, and is issued by a CA the platform trusts.";

/// Turn an error chain (the HTTP client's, with OpenSSL's reasons in it) into a cause a vendor
/// can act on. `connect`: it happened while connecting; `timed_out`: connecting took too long.
pub fn classify(url: &str, chain: &str, connect: bool, timed_out: bool) -> TransportError {
    let lower = chain.to_ascii_lowercase();
    if timed_out {
        return TransportError::Timeout {
            url: url.to_string(),
            after: Duration::ZERO,
        };
    }
    let tls = |hint: &'static str| TransportError::Tls {
        url: url.to_string(),
        cause: tls_cause(chain),
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
        return tls(CLIENT_CERTIFICATE_REFUSED);
    }
    if lower.contains("ssl") || lower.contains("tls") {
        return tls("Check the certificate, the CA and that the target speaks HTTPS on this port.");
    }
    if connect {
        return TransportError::Connect {
            url: url.to_string(),
            cause: first_useful(chain),
        };
    }
    TransportError::Broken {
        url: url.to_string(),
        cause: first_useful(chain),
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

    /// Whether the server ended the TLS handshake because of our client certificate
    /// (expired, from a CA it does not trust, not accepted): a refusal a scenario can assert.
    pub fn refused_client_certificate(&self) -> bool {
        matches!(self, TransportError::Tls { hint, .. } if *hint == CLIENT_CERTIFICATE_REFUSED)
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
