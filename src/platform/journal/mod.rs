//! The mock's journal: one entry per request it answered (admin requests excepted), the last
//! N kept in memory, and one line per request for `mock serve` to print:
//!
//! `08:41:07.123 CN=Fagsystem X  SF1520 PersonLookup  answered`
//!
//! (time of day in UTC, the client certificate's CN, the service and operation, the
//! verdict: `answered`, `refused: <why>` or `matched stub <name>`).
//!
//! The rule: nothing personal leaves the process, so what an entry shows is masked (CPR
//! numbers and secrets, as every report masks them) before anyone can read it: the line's
//! parts when the entry is made, off the request's path (on the journal's own thread, or on
//! a `mock serve` worker while it polls between requests); the messages and near misses only
//! when the admin API first asks for them (most entries are never read, and masking every
//! answer cost a fifth of the mock's rate). Bodies are kept bounded, and the ring never holds
//! more than its capacity.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use time::OffsetDateTime;

use crate::core::service::Known;
use crate::platform::endpoint::CLIENT_CN_HEADER;
use crate::platform::request::Request;
use crate::platform::stubs::{NearMiss, Stub, Stubs};

mod line;
use line::{clock, one_line, operation, verdict};
pub use line::{line, note};

/// Entries kept when `mock serve --journal` is not given.
pub const DEFAULT_CAPACITY: usize = 1000;

/// The most of a body an entry keeps (masked first, then cut).
pub const BODY_KEPT: usize = 16 * 1024;

/// How much of a body the request path takes for the journal (copied when the body is
/// larger, so a large body is not held): masked, then cut at [`BODY_KEPT`]. The margin keeps
/// a secret that straddles [`BODY_KEPT`] whole for the masking.
const BODY_TAKEN: usize = 4 * BODY_KEPT;

/// The most of a refusal's reason a journal line shows.
const REASON_SHOWN: usize = 300;

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Answered,
    /// A SOAP fault (its faultstring), a REST error (its message), or the front's refusal.
    Refused(String),
    /// A WireMock-format stub answered (its name, else its id or file).
    Matched(String),
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Answered => f.write_str("answered"),
            Verdict::Refused(why) => write!(f, "refused: {why}"),
            Verdict::Matched(name) => write!(f, "matched stub {name}"),
        }
    }
}

/// A message as the journal keeps it: masked, its body bounded.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body's size on the wire.
    pub size: usize,
}

/// One request and what the mock made of it.
#[derive(Debug)]
pub struct Entry {
    pub id: String,
    pub at: OffsetDateTime,
    pub cn: Option<String>,
    pub service: Option<&'static str>,
    pub operation: String,
    pub verdict: Verdict,
    pub method: String,
    /// Path and query, masked.
    pub url: String,
    pub status: u16,
    /// The stub that answered.
    pub stub: Option<Arc<Stub>>,
    /// The messages as taken, until [`Entry::detail`] first masks them.
    raw: Mutex<Option<Messages>>,
    detail: OnceLock<Detail>,
}

/// What the admin API shows of an entry beyond its line: masked, bounded.
#[derive(Debug, Default)]
pub struct Detail {
    pub request: Kept,
    pub response: Kept,
    /// No stub answered: the closest, as the stubs were when the request came.
    pub near_misses: Vec<NearMiss>,
}

/// A request and its answer as taken (unmasked: never shown as they are).
struct Messages {
    request: Request,
    headers: HeaderMap,
    body: Bytes,
    sizes: (usize, usize),
    unmatched: Option<Arc<Stubs>>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<messages, {} + {} bytes>", self.sizes.0, self.sizes.1)
    }
}

impl Entry {
    /// The messages and near misses, masked on the first call.
    pub fn detail(&self) -> &Detail {
        self.detail.get_or_init(|| {
            let raw = self.raw.lock().unwrap_or_else(|e| e.into_inner()).take();
            match raw {
                Some(m) => detail(m, self.stub.as_ref()),
                None => Detail::default(),
            }
        })
    }
}

/// Where `mock serve` sends the journal's lines: a batch at a time, one or more lines apart
/// by `\n` (what waited since the last batch, in order).
pub type Printer = Box<dyn Fn(String) + Send + Sync>;

/// Requests waiting for the journal's thread; at this many the request that adds one keeps
/// them all itself (never dropped, and the raw bodies waiting stay bounded).
const QUEUED: usize = 256;

/// At this many waiting, the request that adds one wakes the journal's thread before its
/// time: under load the thread keeps them, not a request that then waits for it (at 30,000
/// requests a second, 20 ms of them filled [`QUEUED`], and a worker masked 256 entries
/// while its connections waited).
const WAKE_AT: usize = 64;

/// The most body bytes (request and answer) of an entry a polling worker keeps
/// ([`Journal::keep_idle`]); larger ones, and those after them, wait for the journal's thread.
/// Their copies, made among a worker's long-lived state, fragmented its heap: `mock serve`
/// after 40,000 SF1470 `importer` calls (signed, ~14 KB each) held 103 MB instead of 84.
const IDLE_KEEPS_UP_TO: usize = 8 * 1024;

/// How often the journal's thread keeps what waits (and `mock serve` prints it).
const EVERY: Duration = Duration::from_millis(20);

/// The last entries, at most `capacity`. Masking a request and its answer costs more than
/// answering a stub, so the request path only queues the raw parts (reference-counted
/// bodies) and a thread of the journal's own masks and keeps them every `EVERY`, or sooner
/// when `WAKE_AT` wait, never woken per request. A reader keeps what waits first, so it
/// sees every request answered so far.
pub struct Journal {
    shared: Arc<Shared>,
}

struct Shared {
    capacity: usize,
    waiting: Mutex<Vec<Raw>>,
    /// Held while entries are made from what waited, so they go in in order; with the lines
    /// made but not yet printed.
    keeping: Mutex<Unprinted>,
    ids: Ids,
    ring: Mutex<VecDeque<Arc<Entry>>>,
    printer: Option<Printer>,
    /// The journal's thread, to wake when [`WAKE_AT`] requests wait.
    thread: OnceLock<std::thread::Thread>,
}

/// A request and its answer as the request path hands them over, not yet masked.
struct Raw {
    at: OffsetDateTime,
    request: Request,
    known: Known,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
    /// The bodies' sizes on the wire (only [`BODY_TAKEN`] bytes of each are taken).
    sizes: (usize, usize),
    stub: Option<Arc<Stub>>,
    unmatched: Option<Arc<Stubs>>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Journal(capacity {})", self.shared.capacity)
    }
}

/// How an answer went out, as the backend hands it to [`Journal::record`].
pub struct Answer<'a> {
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub body: &'a Bytes,
    pub stub: Option<Arc<Stub>>,
    /// No stub matched: the stubs served then, among which the near misses are found.
    pub unmatched: Option<Arc<Stubs>>,
}

/// The start of `body` the journal needs (see [`BODY_TAKEN`]), copied: a request's body may
/// be a view into the larger buffer it was read into, which a kept view would hold on to
/// (SF1470's signed calls held some 30 KB an entry that way).
fn taken(body: &Bytes) -> Bytes {
    Bytes::copy_from_slice(&body[..body.len().min(BODY_TAKEN)])
}

/// What the request path hands the journal's thread of a body: the body itself while it is
/// no larger than the journal takes (a reference, not a copy), else its start, copied. Either
/// lives until that thread has made the entry (20 ms, at most [`QUEUED`] requests).
fn handed(body: &Bytes) -> Bytes {
    if body.len() <= BODY_TAKEN {
        body.clone()
    } else {
        taken(body)
    }
}

/// Headers copied out of the buffer they were read into (a parsed header is a view into
/// hyper's read buffer, which a kept entry would hold on to).
fn owned(headers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let name = http::HeaderName::from_bytes(name.as_str().as_bytes()).unwrap_or(name.clone());
        let value = http::HeaderValue::from_bytes(value.as_bytes()).unwrap_or(value.clone());
        out.append(name, value);
    }
    out
}

impl Journal {
    /// `capacity` 0 keeps nothing (lines are still printed).
    pub fn new(capacity: usize, printer: Option<Printer>) -> Journal {
        let shared = Arc::new(Shared {
            capacity,
            waiting: Mutex::new(Vec::new()),
            keeping: Mutex::new(Unprinted::default()),
            ids: Ids::new(),
            ring: Mutex::new(VecDeque::with_capacity(capacity.min(DEFAULT_CAPACITY))),
            printer,
            thread: OnceLock::new(),
        });
        if shared.active() {
            let weak = Arc::downgrade(&shared);
            // Ends with the journal. Without the thread, requests and readers keep entries.
            let spawned = std::thread::Builder::new()
                .name("sp-contract-journal".into())
                .spawn(move || loop {
                    std::thread::park_timeout(EVERY);
                    match weak.upgrade() {
                        Some(shared) => shared.keep_waiting(),
                        None => break,
                    }
                });
            if let Ok(handle) = spawned {
                let _ = shared.thread.set(handle.thread().clone());
            }
        }
        Journal { shared }
    }

    pub fn capacity(&self) -> usize {
        self.shared.capacity
    }

    /// For a thread with nothing else to do (`mock serve`'s worker while it polls between
    /// requests, see `front::busy_poll`): keep what waits now, instead of the journal's
    /// thread, which on a small machine takes a core from the requests; only entries up to
    /// `IDLE_KEEPS_UP_TO` bytes, in order, the rest left to that thread. Its lines are
    /// printed once `WAKE_AT` have gathered, or at the thread's next turn (at most
    /// `EVERY` later). Whether anything was kept: `false` when nothing waited or another
    /// thread was keeping.
    pub fn keep_idle(&self) -> bool {
        self.shared.active() && self.shared.keep_idle()
    }

    /// Keep (and print) what became of `req`.
    /// The request is handed over whole (its URL and headers are not copied on the request
    /// path; the journal's thread copies what it keeps).
    pub fn record(&self, req: Request, known: &Known, answer: Answer<'_>) {
        if !self.shared.active() {
            return;
        }
        let sizes = (req.body.len(), answer.body.len());
        let raw = Raw {
            at: OffsetDateTime::now_utc(),
            request: Request {
                body: handed(&req.body),
                ..req
            },
            known: known.clone(),
            status: answer.status,
            headers: answer.headers.clone(),
            body: handed(answer.body),
            sizes,
            stub: answer.stub,
            unmatched: answer.unmatched,
        };
        let waiting = {
            let mut waiting = self
                .shared
                .waiting
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            waiting.push(raw);
            waiting.len()
        };
        if waiting >= QUEUED {
            self.shared.keep_waiting();
        } else if waiting == WAKE_AT {
            if let Some(thread) = self.shared.thread.get() {
                thread.unpark();
            }
        }
    }

    /// Keep what waits and hand every line not yet printed to the printer now (`mock serve`
    /// does before it says it stopped).
    pub fn flush(&self) {
        if self.shared.active() {
            self.shared.keep_waiting();
        }
    }

    /// A refusal that has no request to keep (a TLS handshake that failed): printed only.
    pub fn refused_connection(&self, why: &str) {
        if let Some(print) = &self.shared.printer {
            print(format!(
                "{} CN=-  - -  refused: {}",
                clock(OffsetDateTime::now_utc()),
                one_line(&crate::evidence::redact::text(why))
            ));
        }
    }

    /// The entries kept, newest first (as WireMock lists them), every request answered so
    /// far included.
    pub fn entries(&self) -> Vec<Arc<Entry>> {
        self.shared.keep_waiting();
        let ring = self.shared.ring.lock().unwrap_or_else(|e| e.into_inner());
        ring.iter().rev().cloned().collect()
    }

    pub fn clear(&self) {
        self.shared.keep_waiting();
        let mut ring = self.shared.ring.lock().unwrap_or_else(|e| e.into_inner());
        ring.clear();
    }
}

impl Shared {
    fn active(&self) -> bool {
        self.capacity > 0 || self.printer.is_some()
    }

    /// Mask what waits into entries, print their lines and keep them, in order.
    fn keep_waiting(&self) {
        let order = self.keeping.lock().unwrap_or_else(|e| e.into_inner());
        let waiting = std::mem::take(&mut *self.waiting.lock().unwrap_or_else(|e| e.into_inner()));
        self.keep(order, waiting, true);
    }

    /// [`Journal::keep_idle`].
    fn keep_idle(&self) -> bool {
        let order = match self.keeping.try_lock() {
            Ok(order) => order,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return false,
        };
        let small: Vec<Raw> = {
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            let n = waiting
                .iter()
                .take_while(|r| r.request.body.len() + r.body.len() <= IDLE_KEEPS_UP_TO)
                .count();
            waiting.drain(..n).collect()
        };
        if small.is_empty() {
            return false;
        }
        self.keep(order, small, false);
        true
    }

    /// Make entries of `waiting` (taken from the front of what waits), holding `unprinted`
    /// (the order). Lines go to the printer in batches: with `print_now`, or once
    /// [`WAKE_AT`] have gathered (a line each made `mock serve` wake its printing thread and
    /// write once per request).
    fn keep(
        &self,
        mut unprinted: std::sync::MutexGuard<'_, Unprinted>,
        waiting: Vec<Raw>,
        print_now: bool,
    ) {
        let Unprinted { lines, count } = &mut *unprinted;
        for raw in waiting {
            let entry = entry(raw, self.ids.next(), self.capacity > 0);
            if self.printer.is_some() {
                if !lines.is_empty() {
                    lines.push('\n');
                }
                lines.push_str(&line(&entry));
                *count += 1;
            }
            if self.capacity > 0 {
                let mut ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
                if ring.len() == self.capacity {
                    ring.pop_front();
                }
                ring.push_back(Arc::new(entry));
            }
        }
        if let (Some(print), false) = (&self.printer, lines.is_empty()) {
            if print_now || *count >= WAKE_AT {
                print(std::mem::take(lines));
                *count = 0;
            }
        }
    }
}

/// Lines made but not yet printed, and how many.
#[derive(Default)]
struct Unprinted {
    lines: String,
    count: usize,
}

/// The entries' ids: UUIDs (as WireMock's are), a random one per journal and then a count
/// in its last 48 bits. A fresh random UUID each made a `getrandom` system call per request.
struct Ids {
    base: u128,
    next: std::sync::atomic::AtomicU64,
}

impl Ids {
    fn new() -> Ids {
        Ids {
            base: uuid::Uuid::new_v4().as_u128(),
            next: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Distinct for 2^48 entries; the version and variant bits stay those of a v4 UUID.
    fn next(&self) -> String {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & ((1 << 48) - 1);
        uuid::Uuid::from_u128(self.base ^ u128::from(n)).to_string()
    }
}

/// The entry for a request and its answer: the line's parts masked. With `whole` (a journal
/// that keeps entries, for the admin API) the messages are kept too, to be masked when first
/// read; without, only what the line shows.
fn entry(raw: Raw, id: String, whole: bool) -> Entry {
    let req = &raw.request;
    let verdict = match &raw.stub {
        Some(stub) => Verdict::Matched(one_line(&stub.label())),
        None => verdict(raw.status, &raw.body),
    };
    let path = req.url.path();
    let service = raw.known.iter().find(|s| s.path == path).map(|s| s.id);
    let url = match req.url.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    let cn = crate::platform::endpoint::header(req, CLIENT_CN_HEADER);
    let operation = operation(req);
    Entry {
        id,
        at: raw.at,
        cn,
        service,
        operation,
        verdict,
        method: req.method.to_string(),
        url: crate::evidence::redact::text(&url),
        status: raw.status,
        // What an entry keeps is copied here, on the journal's thread: kept as handed over,
        // it stayed in the memory of the worker thread that answered (glibc gives each
        // thread an arena of its own), and a second worker grew a second journal's worth.
        raw: Mutex::new(whole.then(|| Messages {
            request: Request {
                url: raw.request.url.clone(),
                method: raw.request.method.clone(),
                headers: owned(&raw.request.headers),
                body: taken(&raw.request.body),
            },
            headers: owned(&raw.headers),
            body: taken(&raw.body),
            sizes: raw.sizes,
            unmatched: raw.unmatched.clone(),
        })),
        detail: OnceLock::new(),
        stub: raw.stub,
    }
}

/// The messages masked and bounded, and the stubs that came closest, judged on the request
/// as taken (its body's first [`BODY_TAKEN`] bytes).
fn detail(m: Messages, stub: Option<&Arc<Stub>>) -> Detail {
    Detail {
        request: kept(&m.request.headers, &m.request.body, m.sizes.0),
        response: match stub {
            // A stub's body is the same every time: masked once.
            Some(stub) => Kept {
                headers: masked_headers(&m.headers),
                body: stub.journal_body(|b| masked_body(b, m.sizes.1)).to_string(),
                size: m.sizes.1,
            },
            None => kept(&m.headers, &m.body, m.sizes.1),
        },
        near_misses: match &m.unmatched {
            Some(stubs) => stubs.near_misses(&m.request),
            None => Vec::new(),
        },
    }
}

/// Headers and body, masked; the body cut at [`BODY_KEPT`] bytes. `size`: the body's size
/// on the wire.
fn kept(headers: &HeaderMap, body: &[u8], size: usize) -> Kept {
    Kept {
        headers: masked_headers(headers),
        body: masked_body(body, size),
        size,
    }
}

fn masked_body(body: &[u8], size: usize) -> String {
    let mut kept = crate::evidence::redact::snippet(body, BODY_KEPT);
    if size > BODY_KEPT {
        kept.push_str(&format!("\n[… {size} bytes in all]"));
    }
    kept
}

/// Masked as one text (one pass of the masking instead of one per header); values are one
/// line each, so the lines come apart again.
fn masked_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut joined = String::new();
    for v in headers.values() {
        joined.push_str(&String::from_utf8_lossy(v.as_bytes()).replace('\n', " "));
        joined.push('\n');
    }
    let masked = crate::evidence::redact::text(&joined);
    headers
        .keys()
        .flat_map(|k| {
            headers
                .get_all(k)
                .iter()
                .map(move |_| k.as_str().to_string())
        })
        .zip(masked.split('\n').map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests;
