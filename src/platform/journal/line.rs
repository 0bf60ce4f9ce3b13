//! What `mock serve` prints of an entry, and what the entry's line is made of: the time,
//! the operation and the verdict an answer carries.

use time::OffsetDateTime;

use super::{Entry, Verdict, REASON_SHOWN};
use crate::platform::request::Request;

/// `HH:MM:SS.mmm`, UTC.
pub(super) fn clock(at: OffsetDateTime) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// A line that is not a request (something the mock did of its own accord, e.g. state it
/// evicted), with the time as the request lines have it.
pub fn note(text: &str) -> String {
    format!("{} {}", clock(OffsetDateTime::now_utc()), one_line(text))
}

/// The line `mock serve` prints for an entry (see the module's documentation).
pub fn line(e: &Entry) -> String {
    format!(
        "{} CN={}  {} {}  {}",
        clock(e.at),
        one_line(e.cn.as_deref().unwrap_or("-")),
        e.service.unwrap_or("-"),
        one_line(&e.operation),
        e.verdict
    )
}

/// The SOAPAction's last segment, else the method and path (a REST call).
pub(super) fn operation(req: &Request) -> String {
    let action = crate::platform::endpoint::header(req, "soapaction").unwrap_or_default();
    let action = action.trim().trim_matches('"');
    match action.rsplit(['/', '#', ':']).next() {
        Some(last) if !last.is_empty() => crate::evidence::redact::text(last),
        _ => format!("{} {}", req.method, req.url.path()),
    }
}

/// The verdict an answer carries: 2xx and 3xx answered; otherwise refused, naming the SOAP
/// faultstring, the REST error's message, or the first line of a plain answer.
pub(super) fn verdict(status: u16, body: &[u8]) -> Verdict {
    if status < 400 {
        return Verdict::Answered;
    }
    let why = match crate::core::soap::parse_reply(body) {
        Ok(crate::core::soap::Reply::Fault(f)) if !f.string.is_empty() => f.string,
        _ => error_message(body).unwrap_or_else(|| {
            let text = String::from_utf8_lossy(body);
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            format!("HTTP {status} {}", first.trim())
        }),
    };
    Verdict::Refused(one_line(&crate::evidence::redact::text(&why)))
}

/// The message of a REST error: the JSON keys the platform and OAuth use, or an XML
/// `FejlTekst` (SF1601's `SvarReaktion/Fejl`).
fn error_message(body: &[u8]) -> Option<String> {
    const KEYS: [&str; 5] = [
        "errorMessage",
        "error_description",
        "message",
        "FejlTekst",
        "fejlTekst",
    ];
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        return find_json(&v, &KEYS, 0);
    }
    let root = crate::core::xml::parse(body).ok()?;
    let path: crate::core::xml::Path = "//FejlTekst".parse().ok()?;
    root.select(&path).first().map(|e| e.text())
}

fn find_json(v: &serde_json::Value, keys: &[&str], depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    match v {
        serde_json::Value::Object(o) => keys
            .iter()
            .find_map(|k| o.get(*k).and_then(|m| m.as_str()).map(str::to_string))
            .or_else(|| o.values().find_map(|c| find_json(c, keys, depth + 1))),
        serde_json::Value::Array(a) => a.iter().find_map(|c| find_json(c, keys, depth + 1)),
        _ => None,
    }
}

/// Whitespace runs as one space, cut at [`REASON_SHOWN`] characters.
pub(super) fn one_line(s: &str) -> String {
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > REASON_SHOWN {
        out = out.chars().take(REASON_SHOWN).collect::<String>() + "…";
    }
    out
}
