//! MeMo (`https://DigitalPost.dk/MeMo-1`), the message format of Digital Post: checking a
//! message before it is sent, and building the letters the Post scenarios send.
//!
//! Two layers: Digitaliseringsstyrelsen's MeMo XSDs (1.1 and 1.2, shipped in `schemas/`),
//! which [`check_schema`] applies by the message's `memoVersion`, and the rules the XSD does
//! not express, written out here from the public record (serviceplatform.md §4 SF1601):
//! messageUUID, the recipient's id type, the file name rules and absolute https action URLs
//! that Digital Post enforces since November 2024, and memoVersion. Each problem names the
//! field, so a vendor sees what to fix. The mock runs the same checks on what it receives:
//! the XSD synchronously, the rules as a later "Fejlet" status.
//! The rules for single values are in `rules.rs`; the letter the scenarios build in `letter.rs`.

mod letter;
mod rules;

pub use letter::{to_xml, Letter, MemoAction, MemoFile};
pub use rules::{base64_decoded_len, check_action_url, check_filename, decode_base64};

use crate::core::cpr::Cpr;
use crate::core::ids::{Cvr, Uuid};
use crate::core::xml::{self, Element, XmlError};
use std::fmt;

pub const MEMO_NS: &str = "https://DigitalPost.dk/MeMo-1";

/// The shipped MeMo schema for a `memoVersion`: 1.1's for 1.1, else 1.2's (the agency's
/// current version; another version number is a content rule, reported by [`validate_element`]).
pub fn schema_root(memo_version: Option<&str>) -> crate::schema::Root {
    let v11 = memo_version.is_some_and(|v| v.trim().parse::<f64>() == Ok(1.1));
    crate::schema::Root {
        schema: if v11 {
            "MeMo-1.1/MeMo_core.xsd"
        } else {
            "MeMo-1.2/MeMo_core.xsd"
        },
        ns: MEMO_NS,
        element: "Message",
    }
}

/// Check the `Message` at `at` in `doc` against the MeMo XSD of its `memoVersion`. Lines are
/// the document's plus `line_offset` (a docstring's place in its feature file).
pub fn check_schema(
    doc: &[u8],
    at: crate::schema::Target<'_>,
    memo_version: Option<&str>,
    line_offset: usize,
) -> Result<(), crate::schema::Invalid> {
    crate::schema::check(doc, at, schema_root(memo_version), line_offset)
}

/// Largest total of decoded file content in one message. Modelled: Digital Post documents a
/// size limit, but the exact figure for SF1601 is not in the public record.
pub const MAX_CONTENT_BYTES: usize = 30 * 1024 * 1024;

/// The action codes MeMo defines.
pub const ACTION_CODES: &[&str] = &[
    "AFTALE",
    "BEKRAEFT",
    "BETALING",
    "FORBEREDELSE",
    "INFORMATION",
    "SELVBETJENING",
    "TILMELDING",
    "UNDERSKRIV",
];

/// One thing wrong with a message: the field (local names from `Message`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemoError {
    #[error("the MeMo message is not XML: {0}")]
    NotXml(#[from] XmlError),
    #[error("the MeMo message is not valid: {}", join(.0))]
    Invalid(Vec<Problem>),
}

fn join(p: &[Problem]) -> String {
    p.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a valid message says, for the caller's bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub message_type: String,
    pub message_uuid: String,
    pub recipient_id: String,
    pub recipient_id_type: String,
    pub files: usize,
    pub content_bytes: usize,
}

/// The size limit checked on a letter before it is serialised: a letter over the limit is
/// refused without building and re-reading tens of megabytes of XML. Same wording as the
/// check in [`validate`]. Files whose base64 is broken are left to [`validate`].
pub fn size_check(l: &Letter) -> Result<(), MemoError> {
    let total: usize = std::iter::once(&l.main)
        .chain(&l.attachments)
        .filter_map(|f| base64_decoded_len(&f.content_b64).ok())
        .sum();
    match size_problem(total) {
        Some(p) => Err(MemoError::Invalid(vec![p])),
        None => Ok(()),
    }
}

fn size_problem(content_bytes: usize) -> Option<Problem> {
    (content_bytes > MAX_CONTENT_BYTES).then(|| Problem {
        field: "MessageBody".into(),
        message: format!(
            "the files add up to {:.1} MB, more than the {} MB a message may carry",
            content_bytes as f64 / 1_048_576.0,
            MAX_CONTENT_BYTES / 1_048_576
        ),
    })
}

/// Check a serialised MeMo message.
pub fn validate(bytes: &[u8]) -> Result<Summary, MemoError> {
    let el = xml::parse(bytes)?;
    validate_element(&el).map_err(MemoError::Invalid)
}

/// Check a parsed `Message` element; every problem is listed, not only the first.
pub fn validate_element(msg: &Element) -> Result<Summary, Vec<Problem>> {
    let mut c = Checker::default();
    if msg.local != "Message" || msg.ns.as_deref() != Some(MEMO_NS) {
        c.add(
            "Message",
            format!(
                "the root element must be Message in namespace {MEMO_NS}, got <{}> in {}",
                msg.local,
                msg.ns.as_deref().unwrap_or("no namespace")
            ),
        );
        return Err(c.problems);
    }
    match msg.attr("memoVersion") {
        None => c.add("Message/@memoVersion", "is required (1.1 or 1.2)"),
        Some("1.1") => {
            if msg.attr("memoSchVersion") != Some("1.1.0") {
                c.add(
                    "Message/@memoSchVersion",
                    "must be 1.1.0 when memoVersion is 1.1",
                );
            }
        }
        Some("1.2") => {}
        Some(v) => c.add(
            "Message/@memoVersion",
            format!("'{v}' is not a MeMo version (1.1 or 1.2)"),
        ),
    }
    for child in msg.elements() {
        if !matches!(child.local.as_str(), "MessageHeader" | "MessageBody") || !is_memo(child) {
            c.add(
                &format!("Message/{}", child.local),
                "is not part of a MeMo Message (MessageHeader, then MessageBody)",
            );
        }
    }
    let mut summary = Summary {
        message_type: String::new(),
        message_uuid: String::new(),
        recipient_id: String::new(),
        recipient_id_type: String::new(),
        files: 0,
        content_bytes: 0,
    };
    match memo_child(msg, "MessageHeader") {
        None => c.add("Message/MessageHeader", "is required"),
        Some(h) => c.header(h, &mut summary),
    }
    match memo_child(msg, "MessageBody") {
        Some(b) => c.body(b, &mut summary),
        None if summary.message_type == "DIGITALPOST" => c.add(
            "Message/MessageBody",
            "is required for messageType DIGITALPOST (the letter itself)",
        ),
        None => {}
    }
    if c.problems.is_empty() {
        Ok(summary)
    } else {
        Err(c.problems)
    }
}

fn is_memo(e: &Element) -> bool {
    e.ns.as_deref() == Some(MEMO_NS)
}

fn memo_child<'a>(e: &'a Element, local: &str) -> Option<&'a Element> {
    e.elements().find(|c| c.local == local && is_memo(c))
}

fn memo_children<'a>(e: &'a Element, local: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
    e.elements().filter(move |c| c.local == local && is_memo(c))
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// A required, non-empty text child; its value.
    fn required(&mut self, parent: &Element, path: &str, local: &str) -> Option<String> {
        let field = format!("{path}/{local}");
        match memo_child(parent, local).map(|e| e.text()) {
            None => {
                self.add(&field, "is required");
                None
            }
            Some(t) if t.is_empty() => {
                self.add(&field, "is empty");
                None
            }
            Some(t) => Some(t),
        }
    }

    fn header(&mut self, h: &Element, s: &mut Summary) {
        let p = "MessageHeader";
        if let Some(t) = self.required(h, p, "messageType") {
            if t != "DIGITALPOST" && t != "NEMSMS" {
                self.add(
                    "MessageHeader/messageType",
                    format!("'{t}' is not DIGITALPOST or NEMSMS"),
                );
            }
            s.message_type = t;
        }
        if let Some(u) = self.required(h, p, "messageUUID") {
            // Either case is taken: no MeMo XSD is at hand to say otherwise.
            if Uuid::parse_lenient(&u).is_err() {
                self.add(
                    "MessageHeader/messageUUID",
                    format!("'{u}' is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"),
                );
            }
            s.message_uuid = u;
        }
        self.required(h, p, "label");
        if s.message_type == "NEMSMS" {
            // The SMS text itself travels in notification.
            self.required(h, p, "notification");
        }
        match memo_child(h, "Sender") {
            None => self.add("MessageHeader/Sender", "is required"),
            Some(snd) => {
                let sp = "MessageHeader/Sender";
                let id = self.required(snd, sp, "senderID");
                let ty = self.required(snd, sp, "idType");
                self.required(snd, sp, "label");
                if let (Some(id), Some(ty)) = (id, ty) {
                    self.party_id(sp, "senderID", &ty, &id);
                }
            }
        }
        match memo_child(h, "Recipient") {
            None => self.add("MessageHeader/Recipient", "is required"),
            Some(r) => {
                let rp = "MessageHeader/Recipient";
                let id = self.required(r, rp, "recipientID");
                let ty = self.required(r, rp, "idType");
                if let (Some(id), Some(ty)) = (id, ty) {
                    self.party_id(rp, "recipientID", &ty, &id);
                    s.recipient_id = id;
                    s.recipient_id_type = ty;
                }
            }
        }
    }

    fn party_id(&mut self, path: &str, id_field: &str, ty: &str, id: &str) {
        match ty {
            "CPR" => {
                if let Err(e) = Cpr::parse(id) {
                    self.add(
                        &format!("{path}/{id_field}"),
                        format!("is not a CPR number: {e}"),
                    );
                }
            }
            "CVR" => {
                if !Cvr::is_valid(id) {
                    self.add(
                        &format!("{path}/{id_field}"),
                        "is not a CVR number (8 digits)",
                    );
                }
            }
            other => self.add(
                &format!("{path}/idType"),
                format!("'{other}' is not an id type MeMo allows here (CPR or CVR)"),
            ),
        }
    }

    fn body(&mut self, b: &Element, s: &mut Summary) {
        let p = "MessageBody";
        if let Some(t) = self.required(b, p, "createdDateTime") {
            let ok =
                time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339)
                    .is_ok();
            if !ok {
                self.add(
                    "MessageBody/createdDateTime",
                    format!("'{t}' is not a date-time (yyyy-mm-ddThh:mm:ssZ)"),
                );
            }
        }
        let mains: Vec<&Element> = memo_children(b, "MainDocument").collect();
        match mains.len() {
            0 => self.add("MessageBody/MainDocument", "is required"),
            1 => self.document(mains[0], "MessageBody/MainDocument", s),
            n => self.add(
                "MessageBody/MainDocument",
                format!("appears {n} times; a message has one main document"),
            ),
        }
        for (i, d) in memo_children(b, "AdditionalDocument").enumerate() {
            self.document(d, &format!("MessageBody/AdditionalDocument[{}]", i + 1), s);
        }
        for (i, d) in memo_children(b, "TechnicalDocument").enumerate() {
            self.document(d, &format!("MessageBody/TechnicalDocument[{}]", i + 1), s);
        }
        if let Some(p) = size_problem(s.content_bytes) {
            self.add(&p.field, p.message);
        }
    }

    fn document(&mut self, d: &Element, path: &str, s: &mut Summary) {
        let files: Vec<&Element> = memo_children(d, "File").collect();
        if files.is_empty() {
            self.add(&format!("{path}/File"), "is required (at least one file)");
        }
        for (i, f) in files.iter().enumerate() {
            let fp = format!("{path}/File[{}]", i + 1);
            s.files += 1;
            if let Some(enc) = self.required(f, &fp, "encodingFormat") {
                if !enc.contains('/') {
                    self.add(
                        &format!("{fp}/encodingFormat"),
                        format!("'{enc}' is not a media type (e.g. application/pdf)"),
                    );
                }
            }
            if let Some(name) = self.required(f, &fp, "filename") {
                if let Err(e) = check_filename(&name) {
                    self.add(&format!("{fp}/filename"), e);
                }
            }
            self.required(f, &fp, "language");
            if let Some(content) = self.required(f, &fp, "content") {
                match base64_decoded_len(&content) {
                    Ok(len) => s.content_bytes += len,
                    Err(e) => self.add(&format!("{fp}/content"), e),
                }
            }
        }
        for (i, a) in memo_children(d, "Action").enumerate() {
            let ap = format!("{path}/Action[{}]", i + 1);
            self.required(a, &ap, "label");
            if let Some(code) = self.required(a, &ap, "actionCode") {
                if !ACTION_CODES.contains(&code.as_str()) {
                    self.add(
                        &format!("{ap}/actionCode"),
                        format!("'{code}' is not one of {}", ACTION_CODES.join(", ")),
                    );
                }
            }
            if let Some(ep) = memo_child(a, "EntryPoint") {
                match memo_child(ep, "url").map(|u| u.text()) {
                    None => self.add(&format!("{ap}/EntryPoint/url"), "is required"),
                    Some(u) => {
                        if let Err(e) = check_action_url(&u) {
                            self.add(&format!("{ap}/EntryPoint/url"), e);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn letter() -> Letter {
        Letter {
            sms: None,
            mandatory: false,
            legal_notification: false,
            message_uuid: "3f0c9d8e-2b7a-4c1d-9e5f-6a7b8c9d0e1f".into(),
            label: "Afgørelse".into(),
            sender_cvr: "29189846".into(),
            sender_label: "Viborg Kommune".into(),
            recipient_cpr: "1503801015".into(),
            created: "2026-11-23T10:00:00Z".into(),
            main: MemoFile {
                filename: "Afgørelse.pdf".into(),
                encoding_format: "application/pdf".into(),
                language: "da".into(),
                content_b64: "JVBERi0xLjQK".into(),
            },
            attachments: vec![],
            actions: vec![],
        }
    }

    fn problems(l: &Letter) -> Vec<Problem> {
        match validate(to_xml(l).as_bytes()) {
            Ok(_) => vec![],
            Err(MemoError::Invalid(p)) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_built_letter_is_valid() {
        let s = validate(to_xml(&letter()).as_bytes()).unwrap();
        assert_eq!(s.message_type, "DIGITALPOST");
        assert_eq!(s.recipient_id_type, "CPR");
        assert_eq!(s.files, 1);
        assert_eq!(s.content_bytes, 9);
    }

    #[test]
    fn a_nemsms_is_its_text_and_the_flags_reach_the_header() {
        let mut l = letter();
        l.sms = Some("Husk tandlægetid i morgen".into());
        l.mandatory = true;
        l.legal_notification = true;
        let x = to_xml(&l);
        let s = validate(x.as_bytes()).unwrap();
        assert_eq!((s.message_type.as_str(), s.files), ("NEMSMS", 0));
        let el = crate::core::xml::parse(x.as_bytes()).unwrap();
        let h = el.child("MessageHeader").unwrap();
        let text = |n: &str| h.child(n).map(|e| e.text());
        assert_eq!(
            text("notification").as_deref(),
            Some("Husk tandlægetid i morgen")
        );
        assert_eq!(text("mandatory").as_deref(), Some("true"));
        assert_eq!(text("legalNotification").as_deref(), Some("true"));
        assert!(el.child("MessageBody").is_none());
    }

    #[test]
    fn file_name_rules_name_the_field() {
        for bad in [
            "a:b.pdf",
            "svar<1>.pdf",
            "x/y.pdf",
            "a\"b",
            "q?.pdf",
            "st*r",
            "p|pe",
            "back\\slash",
        ] {
            let mut l = letter();
            l.main.filename = bad.into();
            let p = problems(&l);
            assert_eq!(p.len(), 1, "{bad}: {p:?}");
            assert_eq!(p[0].field, "MessageBody/MainDocument/File[1]/filename");
        }
        assert!(check_filename("linje\nskift.pdf")
            .unwrap_err()
            .contains("CR/LF"));
        assert!(check_filename("nbsp\u{00A0}.pdf")
            .unwrap_err()
            .contains("U+00A0"));
        assert!(check_filename("Praktiske oplysninger.doc").is_ok());
        assert!(check_filename("  ").is_err());
    }

    #[test]
    fn action_urls_must_be_absolute_https() {
        assert!(check_action_url("https://www.viborg.dk/svar").is_ok());
        assert!(check_action_url("https://www.tusindfryd.dk/spørgeskema.html").is_ok());
        assert!(check_action_url("http://www.viborg.dk")
            .unwrap_err()
            .contains("uses http"));
        assert!(check_action_url("/svar").unwrap_err().contains("absolute"));
        assert!(check_action_url("mailto:a@b.dk").is_err());
        let mut l = letter();
        l.actions.push(MemoAction {
            label: "Svar".into(),
            code: "SELVBETJENING".into(),
            url: "http://www.viborg.dk/svar".into(),
        });
        let p = problems(&l);
        assert_eq!(
            p[0].field,
            "MessageBody/MainDocument/Action[1]/EntryPoint/url"
        );
    }

    #[test]
    fn header_problems_are_all_listed() {
        let mut l = letter();
        l.message_uuid = "nope".into();
        l.recipient_cpr = "123".into();
        l.main.content_b64 = "%%%".into();
        let fields: Vec<String> = problems(&l).into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "MessageHeader/messageUUID",
                "MessageHeader/Recipient/recipientID",
                "MessageBody/MainDocument/File[1]/content"
            ]
        );
        let doc = to_xml(&letter()).replace(" memoVersion=\"1.2\"", " memoVersion=\"2.0\"");
        let e = validate(doc.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("Message/@memoVersion"), "{e}");
        let doc = to_xml(&letter()).replace(
            "<memo:idType>CPR</memo:idType>",
            "<memo:idType>PNR</memo:idType>",
        );
        let e = validate(doc.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("Recipient/idType"), "{e}");
        assert!(matches!(validate(b"<x"), Err(MemoError::NotXml(_))));
        let e = validate(b"<Message/>").unwrap_err().to_string();
        assert!(e.contains("namespace"), "{e}");
    }

    #[test]
    fn oversized_content_is_refused() {
        let mut l = letter();
        let big = vec![0u8; MAX_CONTENT_BYTES + 1];
        l.main.content_b64 = base64::engine::general_purpose::STANDARD.encode(big);
        let p = problems(&l);
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("MB"), "{}", p[0]);
    }
}
