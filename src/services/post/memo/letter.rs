//! A Digital Post letter or a NemSMS as the Post scenarios build it, and the MeMo 1.2
//! `Message` it is sent as (a NemSMS: the text in `notification`, no MessageBody).

use super::MEMO_NS;
use crate::core::xml;

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
    /// The SMS text of a NemSMS (messageType NEMSMS); None: a Digital Post letter.
    pub sms: Option<String>,
    /// MessageHeader/mandatory: the citizen cannot opt out of receiving it.
    pub mandatory: bool,
    /// MessageHeader/legalNotification: a juridisk meddelelse (legal effect on delivery).
    pub legal_notification: bool,
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
    // A NemSMS is its text; a letter has a body with its documents.
    let (message_type, notification, body) = match &l.sms {
        Some(text) => (
            "NEMSMS",
            format!("<memo:notification>{}</memo:notification>", e(text)),
            String::new(),
        ),
        None => (
            "DIGITALPOST",
            String::new(),
            format!(
                "<memo:MessageBody>\
<memo:createdDateTime>{}</memo:createdDateTime>\
<memo:MainDocument><memo:label>{}</memo:label>{}{actions}</memo:MainDocument>\
{attachments}\
</memo:MessageBody>",
                e(&l.created),
                e(&l.label),
                file(&l.main),
            ),
        ),
    };
    format!(
        "<memo:Message xmlns:memo=\"{MEMO_NS}\" memoVersion=\"1.2\">\
<memo:MessageHeader>\
<memo:messageType>{message_type}</memo:messageType>\
<memo:messageUUID>{}</memo:messageUUID>\
<memo:label>{}</memo:label>\
{notification}\
<memo:mandatory>{}</memo:mandatory>\
<memo:legalNotification>{}</memo:legalNotification>\
<memo:Sender><memo:senderID>{}</memo:senderID><memo:idType>CVR</memo:idType><memo:label>{}</memo:label></memo:Sender>\
<memo:Recipient><memo:recipientID>{}</memo:recipientID><memo:idType>CPR</memo:idType></memo:Recipient>\
</memo:MessageHeader>\
{body}\
</memo:Message>",
        e(&l.message_uuid),
        e(&l.label),
        l.mandatory,
        l.legal_notification,
        e(&l.sender_cvr),
        e(&l.sender_label),
        e(&l.recipient_cpr),
    )
}
