//! The request as the mock's front hands it on, to the stubs and the services alike.

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use http_body_util::Full;
use hyper::Response;

/// A request as the front hands it on: what stubs match and services answer. The caller's
/// certificate is in the `x-sp-mock-client-cert-*` headers, set by the front alone.
#[derive(Debug, Clone)]
pub struct Request {
    /// `http://localhost` and the request's path and query.
    pub url: url::Url,
    pub method: http::Method,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// An answer before it becomes a response: the journal reads it first.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn new(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Answer {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        Answer {
            status,
            headers,
            body: body.into(),
        }
    }

    pub fn into_response(self) -> Response<Full<Bytes>> {
        let mut r = Response::new(Full::new(self.body));
        *r.status_mut() = self.status;
        *r.headers_mut() = self.headers;
        r
    }
}
