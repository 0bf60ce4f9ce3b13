//! The request as the mock's front hands it on, to the stubs and the services alike.

use bytes::Bytes;

/// A request as the front hands it on: what stubs match and services answer. The caller's
/// certificate is in the `x-sp-mock-client-cert-*` headers, set by the front alone.
#[derive(Debug, Clone)]
pub struct Request {
    /// `http://localhost` and the request's path and query.
    pub url: reqwest::Url,
    pub method: http::Method,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}
