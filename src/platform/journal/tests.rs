//! The journal's own tests (the admin API's are in `tests/it/admin.rs`).
use super::*;

fn request(action: Option<&str>, path: &str, cn: Option<&str>) -> Request {
    let mut headers = HeaderMap::new();
    if let Some(a) = action {
        headers.insert("soapaction", a.parse().unwrap());
    }
    if let Some(cn) = cn {
        headers.insert(CLIENT_CN_HEADER, cn.parse().unwrap());
    }
    Request {
        url: url::Url::parse(&format!("http://localhost{path}")).unwrap(),
        method: http::Method::POST,
        headers,
        body: bytes::Bytes::from_static(b"<x>0101801234</x>"),
    }
}

/// Record `req` as answered 200 with `body`.
fn answered(j: &Journal, req: &Request, body: &Bytes) {
    let answer = Answer {
        status: 200,
        headers: &HeaderMap::new(),
        body,
        stub: None,
        unmatched: None,
    };
    j.record(req.clone(), &Known::new(Vec::new()), answer);
}

#[test]
fn the_ring_keeps_the_last_n_newest_first_and_masks() {
    let j = Journal::new(2, None);
    for i in 0..3 {
        let req = request(Some(&format!("\"urn:x/Op{i}\"")), "/p?cpr=0101801234", None);
        answered(&j, &req, &Bytes::from_static(b"<Fault>0101801234</Fault>"));
    }
    let e = j.entries();
    assert_eq!(e.len(), 2);
    assert_eq!(
        (e[0].operation.as_str(), e[1].operation.as_str()),
        ("Op2", "Op1")
    );
    assert_eq!(e[0].url, "/p?cpr=010180-xxxx");
    assert_eq!(e[0].detail().request.body, "<x>010180-xxxx</x>");
    assert!(!e[0].detail().response.body.contains("1234"));
    j.clear();
    assert!(j.entries().is_empty());
}

/// A journal of `capacity` whose printer keeps each batch it is handed.
fn printing(capacity: usize) -> (Journal, Arc<Mutex<Vec<String>>>) {
    let printed = Arc::new(Mutex::new(Vec::new()));
    let sink = printed.clone();
    let j = Journal::new(
        capacity,
        Some(Box::new(move |batch: String| {
            sink.lock().unwrap().push(batch)
        })),
    );
    (j, printed)
}

/// What a polling worker keeps is kept and printed in order, every line once, batched;
/// ids stay distinct.
#[test]
fn keeping_while_idle_keeps_order_and_prints_every_line_once() {
    let (j, printed) = printing(200);
    assert!(!j.keep_idle(), "nothing waits");
    for i in 0..150 {
        let req = request(Some(&format!("\"urn:x/Op{i}\"")), "/p", None);
        answered(&j, &req, &Bytes::new());
        if i % 3 == 0 {
            j.keep_idle();
        }
    }
    let e = j.entries();
    let ops: Vec<_> = e.iter().rev().map(|e| e.operation.clone()).collect();
    let want: Vec<_> = (0..150).map(|i| format!("Op{i}")).collect();
    assert_eq!(ops, want);
    let ids: std::collections::HashSet<_> = e.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids.len(), 150);
    assert!(ids
        .iter()
        .all(|id| uuid::Uuid::parse_str(id).is_ok_and(|u| u.get_version_num() == 4)));
    let batches = printed.lock().unwrap().clone();
    let lines: Vec<_> = batches.iter().flat_map(|b| b.lines()).collect();
    assert_eq!(lines.len(), 150, "every line once");
    for (line, want) in lines.iter().zip(&want) {
        assert!(line.contains(&format!(" {want}  answered")), "{line}");
    }
    // Batches of WAKE_AT, the rest when read (a turn of the journal's thread may add one).
    assert!(
        batches.len() <= 150 / WAKE_AT + 3,
        "printed in batches, not a line at a time: {}",
        batches.len()
    );
}

/// What a polling worker kept but did not print yet is printed at once on `flush`.
#[test]
fn flush_prints_what_waits_and_what_was_kept_unprinted() {
    let (j, printed) = printing(10);
    for i in 0..3 {
        answered(
            &j,
            &request(Some(&format!("\"urn:x/Op{i}\"")), "/p", None),
            &Bytes::new(),
        );
        if i < 2 {
            j.keep_idle();
        }
    }
    j.flush();
    let batches = printed.lock().unwrap().clone();
    let lines: Vec<_> = batches.iter().flat_map(|b| b.lines()).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[2].contains(" Op2  answered"), "{lines:?}");
}

/// A polling worker keeps small entries only, and never one out of its turn: a large
/// one, and what came after it, waits for the journal's thread (or a reader).
#[test]
fn keeping_while_idle_stops_at_a_large_entry() {
    let j = Journal::new(10, None);
    let small = Bytes::from_static(b"<ok/>");
    let large = Bytes::from(vec![b'x'; IDLE_KEEPS_UP_TO + 1]);
    for (i, body) in [&small, &large, &small].into_iter().enumerate() {
        answered(
            &j,
            &request(Some(&format!("\"urn:x/Op{i}\"")), "/p", None),
            body,
        );
    }
    assert!(j.keep_idle(), "the small one before the large one");
    assert!(!j.keep_idle(), "the large one is next: left to the thread");
    let waiting = j.shared.waiting.lock().unwrap().len();
    // The journal's thread may have taken them meanwhile; never the worker.
    assert!(waiting == 2 || waiting == 0, "{waiting}");
    let ops: Vec<_> = j
        .entries()
        .iter()
        .rev()
        .map(|e| e.operation.clone())
        .collect();
    assert_eq!(ops, ["Op0", "Op1", "Op2"]);
}

#[test]
fn verdicts_come_from_the_answer() {
    let fault = crate::core::soap::fault_envelope("soapenv:Client", "bad\n  PNR 0101801234", &[]);
    assert_eq!(
        verdict(500, fault.as_bytes()),
        Verdict::Refused("bad PNR 010180-xxxx".into())
    );
    assert_eq!(
        verdict(400, br#"{"errorCode":"x","errorMessage":"no token"}"#),
        Verdict::Refused("no token".into())
    );
    assert_eq!(
        verdict(404, b"sp-contract mock: nothing answers GET /x\nServices"),
        Verdict::Refused("HTTP 404 sp-contract mock: nothing answers GET /x".into())
    );
    assert_eq!(verdict(200, fault.as_bytes()), Verdict::Answered);
}

#[test]
fn the_line_names_caller_service_operation_and_verdict() {
    let j = Journal::new(1, None);
    let req = request(None, "/rest/x", Some("Fagsystem X"));
    answered(&j, &req, &Bytes::new());
    let l = line(&j.entries()[0]);
    assert!(
        l.ends_with(" CN=Fagsystem X  - POST /rest/x  answered"),
        "{l}"
    );
    assert_eq!(l.as_bytes()[2], b':');
}

/// An entry keeps copies, not views into the buffers a request was read into: a view
/// would hold a whole read buffer per entry, in the memory of the thread that answered.
#[test]
fn an_entry_holds_no_view_into_the_request_buffers() {
    let j = Journal::new(1, None);
    let buffer = Bytes::from(format!("x-read: {}<x>0101801234</x>", "h".repeat(100)));
    let mut req = request(Some("\"urn:x/Op\""), "/p", None);
    req.headers.insert(
        "x-read",
        http::HeaderValue::from_maybe_shared(buffer.slice(8..108)).unwrap(),
    );
    req.body = buffer.slice(108..);
    answered(&j, &req, &buffer.slice(108..));
    let e = &j.entries()[0];
    let kept = e.raw.lock().unwrap();
    let m = kept.as_ref().expect("a journal of one keeps the messages");
    let inside = |p: *const u8| buffer.as_ptr_range().contains(&p);
    assert!(!inside(m.request.headers["x-read"].as_bytes().as_ptr()));
    assert!(!inside(m.request.body.as_ptr()));
    assert!(!inside(m.body.as_ptr()));
    assert_eq!(&m.request.body[..], b"<x>0101801234</x>");
}
