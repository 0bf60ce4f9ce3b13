//! The parts every signed message here carries, each with its own `wsu:Id` so the signature
//! can name it: the WS-Addressing headers (Action, MessageID, To, ReplyTo anonymous) and the
//! `wsu:Timestamp` (Created now, Expires + 5 min). Callers declare `wsa` and `wsu`.

use super::signature::{sign, Reference, Template, Transform};
use super::xml::escape;
use super::{ns, time_fmt, TIMESTAMP_LIFETIME};
use super::{IdwsError, Signed};
use openssl::pkey::{PKey, Private};
use time::OffsetDateTime;

/// What every signed request starts from: a fresh MessageID, the wsa headers and the
/// Timestamp (as XML), the Body's id, and the references to all of them.
pub struct Request {
    pub message_id: String,
    pub wsa: String,
    pub timestamp: String,
    pub body_id: String,
    pub refs: Vec<Reference>,
}

impl Request {
    pub fn new(action: &str, to: &str, now: OffsetDateTime) -> Request {
        let message_id = super::message_id();
        let (wsa, mut refs) = addressing(action, &message_id, to);
        let (timestamp, ts_ref) = timestamp(now);
        let body_id = super::new_id("BODY");
        refs.extend([ts_ref, Reference::new(&body_id, Transform::Exclusive)]);
        Request {
            message_id,
            wsa,
            timestamp,
            body_id,
            refs,
        }
    }

    /// Sign the message: `before` is the Envelope up to the inside of `wsse:Security` (the
    /// signature closes it), `body` the Body's content.
    pub fn sign(
        self,
        before: String,
        body: &str,
        key_info: &str,
        key: &PKey<Private>,
    ) -> Result<Signed, IdwsError> {
        let after = format!(
            "</wsse:Security></s:Header><s:Body wsu:Id=\"{}\">{body}</s:Body></s:Envelope>",
            self.body_id
        );
        let xml = sign(&Template { before, after }, &self.refs, key_info, key)?;
        Ok(Signed {
            xml,
            message_id: self.message_id,
        })
    }
}

/// The four WS-Addressing headers with ids, and their references.
pub fn addressing(action: &str, message_id: &str, to: &str) -> (String, Vec<Reference>) {
    let ids: Vec<String> = ["action", "msgid", "to", "replyto"]
        .iter()
        .map(|p| super::new_id(p))
        .collect();
    let xml = format!(
        "<wsa:Action wsu:Id=\"{}\">{}</wsa:Action>\
         <wsa:MessageID wsu:Id=\"{}\">{}</wsa:MessageID>\
         <wsa:To wsu:Id=\"{}\">{}</wsa:To>\
         <wsa:ReplyTo wsu:Id=\"{}\"><wsa:Address>{}</wsa:Address></wsa:ReplyTo>",
        ids[0],
        escape(action),
        ids[1],
        escape(message_id),
        ids[2],
        escape(to),
        ids[3],
        ns::ANONYMOUS
    );
    (xml, exclusive(&ids))
}

/// A `wsu:Timestamp` from `now` to `now` + 5 min, and its reference.
pub fn timestamp(now: OffsetDateTime) -> (String, Reference) {
    let id = super::new_id("TS");
    let xml = format!(
        "<wsu:Timestamp wsu:Id=\"{id}\"><wsu:Created>{}</wsu:Created><wsu:Expires>{}</wsu:Expires></wsu:Timestamp>",
        time_fmt::format(now),
        time_fmt::format(now + TIMESTAMP_LIFETIME)
    );
    (xml, Reference::new(&id, Transform::Exclusive))
}

/// Plain exc-c14n references to these ids.
pub fn exclusive(ids: &[String]) -> Vec<Reference> {
    ids.iter()
        .map(|id| Reference::new(id, Transform::Exclusive))
        .collect()
}

/// The SOAP Envelope's start tag with the namespaces the parts use.
pub fn envelope_start(soap: &str, extra: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"{soap}\" xmlns:wsa=\"{}\" xmlns:wsse=\"{}\" xmlns:wsu=\"{}\"{extra}>",
        ns::WSA,
        ns::WSSE,
        ns::WSU
    )
}

/// The certificate as a `wsse:BinarySecurityToken` (X509v3, base64 DER), with an optional id.
pub fn binary_security_token(der_b64: &str, id: Option<&str>) -> String {
    let id = id.map(|i| format!(" wsu:Id=\"{i}\"")).unwrap_or_default();
    format!(
        "<wsse:BinarySecurityToken{id} ValueType=\"{}\" EncodingType=\"{}\">{der_b64}</wsse:BinarySecurityToken>",
        ns::X509V3,
        ns::BASE64
    )
}

/// `ds:KeyInfo` content naming the BinarySecurityToken with this id.
pub fn bst_key_info(bst_id: &str) -> String {
    format!(
        "<wsse:SecurityTokenReference><wsse:Reference URI=\"#{bst_id}\" ValueType=\"{}\"/></wsse:SecurityTokenReference>",
        ns::X509V3
    )
}
