//! Behind the front: the one answer the mock gives to each request. A WireMock-format stub
//! that matches wins (a user's stub overrides built-in behaviour, as its priority promises),
//! else the built-in service at that path and method, else a 404 naming what this mock
//! serves. Requests under `/__admin/` go to WireMock's admin API (`admin.rs`) instead.
//!
//! The rule: each request is answered here, in the front's task, and matched once: the
//! stubs are tried in priority order until one matches, and only then the services. Every
//! answer to service traffic goes into the journal; admin requests do not.

use crate::core::service::Known;
use crate::platform::endpoint::DirectResponder;
use crate::platform::journal::{self, Journal};
use crate::platform::request::{Answer, Request};
use crate::platform::stubs::{Lookup, Stub, StubStore, Stubs};
use bytes::Bytes;
use http::HeaderMap;
use http_body_util::Full;
use hyper::{Response, StatusCode};
use std::path::PathBuf;
use std::sync::Arc;

pub struct Backend {
    stubs: StubStore,
    direct: Vec<Arc<dyn DirectResponder>>,
    known: Known,
    /// The token check in front of OIO IDWS services (absent: they are answered unchecked).
    idws: Option<Arc<crate::platform::idws::Idws>>,
    journal: Arc<Journal>,
    /// `<mocks>/__files/`, where a run-time stub's `bodyFileName` is read.
    files_dir: Option<PathBuf>,
}

impl Backend {
    /// With a journal of [`journal::DEFAULT_CAPACITY`] entries that prints nothing.
    pub fn new(stubs: Stubs, direct: Vec<Arc<dyn DirectResponder>>, known: Known) -> Backend {
        Backend {
            stubs: StubStore::new(stubs),
            direct,
            known,
            idws: None,
            journal: Arc::new(Journal::new(journal::DEFAULT_CAPACITY, None)),
            files_dir: None,
        }
    }

    pub fn with_journal(mut self, journal: Arc<Journal>) -> Backend {
        self.journal = journal;
        self
    }

    /// Check the OIO IDWS token of calls to services of that model before they answer.
    pub fn with_idws(mut self, idws: Arc<crate::platform::idws::Idws>) -> Backend {
        self.idws = Some(idws);
        self
    }

    /// Where run-time stubs read `bodyFileName` (without it they cannot name one).
    pub fn with_files_dir(mut self, dir: PathBuf) -> Backend {
        self.files_dir = Some(dir);
        self
    }

    pub fn journal(&self) -> &Arc<Journal> {
        &self.journal
    }

    /// The answer to `req`; a stub's `fixedDelayMilliseconds` is waited out first.
    pub async fn answer(&self, req: Request) -> Response<Full<Bytes>> {
        if crate::platform::admin::is_admin(&req) {
            let admin = crate::platform::admin::Admin {
                journal: &self.journal,
                stubs: &self.stubs,
                files_dir: self.files_dir.as_deref(),
            };
            return admin.answer(&req).into_response();
        }
        let stubs = self.stubs.current();
        let (answer, stub) = match stubs.lookup(&req) {
            Lookup::Matched(stub) => {
                let response = stub.mapping.response();
                if let Some(delay) = response.delay {
                    tokio::time::sleep(delay).await;
                }
                (stub_answer(&stub), Some(stub))
            }
            Lookup::Unmatched => (self.built_in(&req), None),
        };
        let unmatched = (stub.is_none() && !stubs.is_empty()).then_some(stubs);
        self.record(req, &answer, stub, unmatched);
        answer.into_response()
    }

    /// Keep what became of `req` in the journal. `unmatched`: the stubs that did not match
    /// it, for the journal to find the near misses among.
    pub fn record(
        &self,
        req: Request,
        answer: &Answer,
        stub: Option<Arc<Stub>>,
        unmatched: Option<Arc<Stubs>>,
    ) {
        self.journal.record(
            req,
            &self.known,
            journal::Answer {
                status: answer.status.as_u16(),
                headers: &answer.headers,
                body: &answer.body,
                stub,
                unmatched,
            },
        );
    }

    /// The built-in service at the request's path and method, or the 404.
    fn built_in(&self, req: &Request) -> Answer {
        let path = req.url.path();
        let direct = self
            .direct
            .iter()
            .find(|d| d.path() == path && req.method.as_str() == d.method());
        match direct {
            Some(direct) => {
                let checked = match self.idws_check(req) {
                    Ok(checked) => checked,
                    Err(refusal) => return *refusal,
                };
                let answer = direct.respond_direct(checked.as_ref().unwrap_or(req));
                let status = StatusCode::from_u16(answer.status)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Answer::new(status, answer.content_type, answer.body)
            }
            None => self.no_such_service(req),
        }
    }

    /// For a service of the OIO IDWS model: its token check (the request with the verified
    /// CVR, or the refusal). `Ok(None)`: no check is due.
    fn idws_check(&self, req: &Request) -> Result<Option<Request>, Box<Answer>> {
        let service = self.known.iter().find(|s| s.path == req.url.path());
        match (service, &self.idws) {
            (Some(s), Some(idws)) => match s.security {
                crate::core::service::SecurityModel::Idws(model) => idws
                    .check(req, s, model.soap, time::OffsetDateTime::now_utc())
                    .map(Some),
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// What the mock says for a path no service or mapping serves: name the known paths.
    fn no_such_service(&self, req: &Request) -> Answer {
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
        Answer::new(StatusCode::NOT_FOUND, "text/plain", text)
    }
}

fn stub_answer(stub: &Stub) -> Answer {
    let response = stub.mapping.response();
    let mut headers = HeaderMap::new();
    for (name, value) in &response.headers {
        headers.append(name.clone(), value.clone());
    }
    Answer {
        // Checked at load (100..=599).
        status: StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK),
        headers,
        body: response.body.clone(),
    }
}
