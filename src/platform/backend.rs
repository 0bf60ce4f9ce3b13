//! Behind the front: the one answer the mock gives to each request. A WireMock-format stub
//! that matches wins (a user's stub overrides built-in behaviour, as its priority promises),
//! else the built-in service at that path and method, else a 404 naming what this mock
//! serves.
//!
//! The rule: each request is answered here, in the front's task, and matched once: the
//! stubs are tried in priority order until one matches, and only then the services.

use crate::core::service::Known;
use crate::platform::endpoint::DirectResponder;
use crate::platform::request::Request;
use crate::platform::stubs::{StubResponse, Stubs};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use std::sync::Arc;

pub struct Backend {
    stubs: Stubs,
    direct: Vec<Arc<dyn DirectResponder>>,
    known: Known,
}

impl Backend {
    pub fn new(stubs: Stubs, direct: Vec<Arc<dyn DirectResponder>>, known: Known) -> Backend {
        Backend {
            stubs,
            direct,
            known,
        }
    }

    /// The answer to `req`; a stub's `fixedDelayMilliseconds` is waited out first.
    pub async fn answer(&self, req: &Request) -> Response<Full<Bytes>> {
        if let Some(stub) = self.stubs.find(req) {
            let stub = stub.response();
            if let Some(delay) = stub.delay {
                tokio::time::sleep(delay).await;
            }
            return stub_response(stub);
        }
        let path = req.url.path();
        let direct = self
            .direct
            .iter()
            .find(|d| d.path() == path && req.method.as_str() == d.method());
        match direct {
            Some(direct) => {
                let answer = direct.respond_direct(req);
                let status = StatusCode::from_u16(answer.status)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let content_type = HeaderValue::from_static(answer.content_type);
                with(status, content_type, Bytes::from(answer.body))
            }
            None => self.no_such_service(req),
        }
    }

    /// What the mock says for a path no service or mapping serves: name the known paths.
    fn no_such_service(&self, req: &Request) -> Response<Full<Bytes>> {
        let known: Vec<String> = self
            .known
            .iter()
            .map(|s| format!("  POST {}  ({})", s.path, s.id))
            .collect();
        let text = format!(
            "sp-contract mock: nothing answers {} {}\nServices on this mock:\n{}\nand the static mappings in mocks/mappings/.\n",
            req.method,
            req.url.path(),
            known.join("\n")
        );
        let plain = HeaderValue::from_static("text/plain");
        with(StatusCode::NOT_FOUND, plain, Bytes::from(text))
    }
}

fn with(status: StatusCode, content_type: HeaderValue, body: Bytes) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    r.headers_mut().insert(CONTENT_TYPE, content_type);
    r
}

fn stub_response(stub: &StubResponse) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(stub.body.clone()));
    // Checked at load (100..=599).
    *r.status_mut() = StatusCode::from_u16(stub.status).unwrap_or(StatusCode::OK);
    for (name, value) in &stub.headers {
        r.headers_mut().append(name.clone(), value.clone());
    }
    r
}
