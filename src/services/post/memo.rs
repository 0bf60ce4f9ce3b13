//! MeMo (`https://DigitalPost.dk/MeMo-1`), the message format of Digital Post: checking a
//! message before it is sent, and building the letters the Post scenarios send.
//!
//! No MeMo XSD is part of the contract packages, so the rules are written out here from the
//! public record (serviceplatform.md §4 SF1601): the required header and body elements,
//! messageUUID, the recipient's id type, the file name rules and absolute https action URLs
//! that Digital Post enforces since November 2024, and memoVersion. Each problem names the
//! field, so a vendor sees what to fix. The mock runs the same checks on what it receives.

use crate::core::xml::{self, Element, XmlError};
use base64::Engine as _;
use std::fmt;

pub const MEMO_NS: &str = "https://DigitalPost.dk/MeMo-1";

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
            if !is_uuid(&u) {
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
                if let Err(e) = crate::core::cpr::Cpr::parse(id) {
                    self.add(
                        &format!("{path}/{id_field}"),
                        format!("is not a CPR number: {e}"),
                    );
                }
            }
            "CVR" => {
                if id.len() != 8 || !id.bytes().all(|b| b.is_ascii_digit()) {
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

fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}

/// Characters Digital Post refuses in file names (since November 2024).
const FORBIDDEN_FILENAME_CHARS: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Unicode spaces other than the ordinary space, which recipients' systems mishandle.
fn is_unusual_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200B}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// The file name rules: not empty, none of `<>:"/\|?*`, no CR/LF or other control characters,
/// no unusual Unicode spaces.
pub fn check_filename(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the file name is empty".into());
    }
    for c in name.chars() {
        if FORBIDDEN_FILENAME_CHARS.contains(&c) {
            return Err(format!(
                "the file name \"{}\" contains '{c}'; file names may not contain any of < > : \" / \\ | ? *",
                name.escape_debug()
            ));
        }
        if c == '\r' || c == '\n' {
            return Err(format!(
                "the file name \"{}\" contains a line break (CR/LF)",
                name.escape_debug()
            ));
        }
        if c.is_control() {
            return Err(format!(
                "the file name \"{}\" contains the control character U+{:04X}",
                name.escape_debug(),
                c as u32
            ));
        }
        if is_unusual_space(c) {
            return Err(format!(
                "the file name \"{}\" contains the Unicode space U+{:04X}; use an ordinary space",
                name.escape_debug(),
                c as u32
            ));
        }
    }
    Ok(())
}

/// Action links must be absolute https URLs.
pub fn check_action_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| {
        format!("'{url}' is not an absolute URL ({e}); action links must be absolute https URLs")
    })?;
    if parsed.scheme() != "https" {
        return Err(format!(
            "'{url}' uses {}; action links must be absolute https URLs",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "'{url}' has no host; action links must be absolute https URLs"
        ));
    }
    Ok(())
}

/// The decoded size of base64 content, checking it is valid base64 (standard alphabet, `=`
/// padding only at the end, whole quadruples; whitespace in between allowed) without decoding:
/// content can be tens of megabytes, and only its validity and size matter here.
pub fn base64_decoded_len(s: &str) -> Result<usize, String> {
    let mut n = 0usize;
    let mut pad = 0usize;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            b'=' => pad += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if pad == 0 => {}
            _ => {
                return Err(format!(
                    "the content is not valid base64 (unexpected {:?} at offset {i})",
                    b as char
                ))
            }
        }
        n += 1;
    }
    if n == 0 {
        return Err("the content is empty".into());
    }
    if !n.is_multiple_of(4) || pad > 2 {
        return Err(format!(
            "the content is not valid base64 (its length, {n} characters without whitespace, is not a multiple of 4)"
        ));
    }
    Ok(n / 4 * 3 - pad)
}

/// Decode base64 content (standard alphabet; line breaks and spaces in between are allowed,
/// as XML pretty-printing adds them).
pub fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err("the content is empty".into());
    }
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| format!("the content is not valid base64 ({e})"))
}

/// One file of a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoFile {
    pub filename: String,
    pub encoding_format: String,
    pub language: String,
    pub content_b64: String,
}

/// An action (a link button) on the main document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoAction {
    pub label: String,
    pub code: String,
    pub url: String,
}

/// A Digital Post letter as the scenarios build it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub message_uuid: String,
    pub label: String,
    pub sender_cvr: String,
    pub sender_label: String,
    pub recipient_cpr: String,
    pub created: String,
    pub main: MemoFile,
    pub attachments: Vec<MemoFile>,
    pub actions: Vec<MemoAction>,
}

/// The letter as a MeMo 1.2 `Message` (element order as in the agency's examples).
pub fn to_xml(l: &Letter) -> String {
    let e = xml::escape;
    let file = |f: &MemoFile| {
        format!(
            "<memo:File><memo:encodingFormat>{}</memo:encodingFormat><memo:filename>{}</memo:filename><memo:language>{}</memo:language><memo:content>{}</memo:content></memo:File>",
            e(&f.encoding_format),
            e(&f.filename),
            e(&f.language),
            e(&f.content_b64)
        )
    };
    let actions: String = l
        .actions
        .iter()
        .map(|a| {
            format!(
                "<memo:Action><memo:label>{}</memo:label><memo:actionCode>{}</memo:actionCode><memo:EntryPoint><memo:url>{}</memo:url></memo:EntryPoint></memo:Action>",
                e(&a.label),
                e(&a.code),
                e(&a.url)
            )
        })
        .collect();
    let attachments: String = l
        .attachments
        .iter()
        .map(|f| {
            format!(
                "<memo:AdditionalDocument><memo:label>{}</memo:label>{}</memo:AdditionalDocument>",
                e(&f.filename),
                file(f)
            )
        })
        .collect();
    format!(
        "<memo:Message xmlns:memo=\"{MEMO_NS}\" memoVersion=\"1.2\">\
<memo:MessageHeader>\
<memo:messageType>DIGITALPOST</memo:messageType>\
<memo:messageUUID>{}</memo:messageUUID>\
<memo:label>{}</memo:label>\
<memo:mandatory>false</memo:mandatory>\
<memo:legalNotification>false</memo:legalNotification>\
<memo:Sender><memo:senderID>{}</memo:senderID><memo:idType>CVR</memo:idType><memo:label>{}</memo:label></memo:Sender>\
<memo:Recipient><memo:recipientID>{}</memo:recipientID><memo:idType>CPR</memo:idType></memo:Recipient>\
</memo:MessageHeader>\
<memo:MessageBody>\
<memo:createdDateTime>{}</memo:createdDateTime>\
<memo:MainDocument><memo:label>{}</memo:label>{}{actions}</memo:MainDocument>\
{attachments}\
</memo:MessageBody>\
</memo:Message>",
        e(&l.message_uuid),
        e(&l.label),
        e(&l.sender_cvr),
        e(&l.sender_label),
        e(&l.recipient_cpr),
        e(&l.created),
        e(&l.label),
        file(&l.main),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> Letter {
        Letter {
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
    fn decoded_length_agrees_with_decoding() {
        use base64::Engine as _;
        for len in 0..40usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
            if len == 0 {
                assert!(base64_decoded_len(&b64).is_err());
                continue;
            }
            assert_eq!(base64_decoded_len(&b64), Ok(len), "{b64}");
            let wrapped: String = b64
                .as_bytes()
                .chunks(7)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\n ");
            assert_eq!(base64_decoded_len(&wrapped), Ok(len));
        }
        for bad in ["ikke base64!", "QUJD=EFG", "QUJDR", "QU=D", "QUJD===="] {
            assert!(base64_decoded_len(bad).is_err(), "{bad}");
            assert!(decode_base64(bad).is_err(), "{bad}");
        }
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
