//! Post's Givet-steps: the letter (a MeMo message and print data for a test citizen) and
//! what a scenario changes in it, and the token flow's circumstances (the authority, time
//! passing, the certificate a token is presented with).

use super::{draft, Draft, PostScenario};
use crate::core::ids::Cvr;
use crate::runner::steps::{Args, StepFuture};
use crate::runner::world::{input, World};
use crate::services::post::memo::{self, MemoAction, MemoFile};
use crate::services::post::sf1600::{Address, PrintLetter};
use base64::Engine as _;

/// A small document that is a PDF by its header; the content of every test letter.
fn test_pdf(label: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!(
        "%PDF-1.4\n% sp-contract test letter: {label}\n%%EOF\n"
    ))
}

pub(super) fn new_letter(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cpr = w.citizen(a.get(0))?;
        let sender = w
            .tokens
            .authority(w.target())
            .map_err(|e| input(e.to_string()))?;
        let title = a.get(1).to_string();
        let created = crate::platform::data::now_iso();
        let content = test_pdf(&title);
        w.ext.get_mut::<PostScenario>().draft = Some(Draft {
            memo: memo::Letter {
                sms: None,
                mandatory: false,
                legal_notification: false,
                message_uuid: uuid::Uuid::new_v4().to_string(),
                label: title.clone(),
                sender_cvr: sender,
                sender_label: "Kommunen".into(),
                recipient_cpr: cpr.clone(),
                created,
                main: MemoFile {
                    filename: "brev.pdf".into(),
                    encoding_format: "application/pdf".into(),
                    language: "da".into(),
                    content_b64: content.clone(),
                },
                attachments: vec![],
                actions: vec![],
            },
            // The Fjernprint address is the sender's to give; the scenarios print to a fixed
            // synthetic address.
            print: Some(PrintLetter {
                afsendelse_id: uuid::Uuid::new_v4().to_string(),
                cpr,
                name: "Modtager Testesen".into(),
                co: None,
                street: "Prinsens Allé".into(),
                building: "5".into(),
                postcode: "8800".into(),
                content_b64: content,
                title,
                bruger_navn: "sp-contract".into(),
            }),
            skip_check: false,
        });
        Ok(())
    })
}

/// A NemSMS to a citizen: a MeMo of messageType NEMSMS with the text as its notification,
/// no documents and no print data.
pub(super) fn new_sms(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        new_letter(
            w,
            Args {
                caps: vec![a.get(0).to_string(), "NemSMS".into()],
                ..Args::default()
            },
        )
        .await?;
        let d = draft(w)?;
        d.memo.sms = Some(a.get(1).to_string());
        d.print = None;
        Ok(())
    })
}

/// `brevet er obligatorisk` / `brevet er en juridisk meddelelse`: the MeMo header's flags.
pub(super) fn flag(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let memo = &mut draft(w)?.memo;
        if a.get(0) == "obligatorisk" {
            memo.mandatory = true;
        } else {
            memo.legal_notification = true;
        }
        Ok(())
    })
}

/// The print data's recipient: name, c/o and address (`Prinsens Allé 5, 8800 Viborg`).
pub(super) fn print_to(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let address: Address = a.get(2).parse().map_err(input)?;
        let print = draft(w)?.print.as_mut().ok_or_else(|| {
            input("this letter has no print data ('brevet har ingen printdata' or a NemSMS): it cannot be printed")
        })?;
        print.name = a.get(0).to_string();
        print.co = Some(a.get(1)).filter(|c| !c.is_empty()).map(str::to_string);
        print.street = address.street;
        print.building = address.building;
        print.postcode = address.postcode;
        Ok(())
    })
}

pub(super) fn no_print(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w)?.print = None;
        Ok(())
    })
}

pub(super) fn main_filename(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w)?.memo.main.filename = a.get(0).to_string();
        Ok(())
    })
}

pub(super) fn attachment(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let name = a.get(0).to_string();
        let content = match (a.get(1), a.get(2)) {
            ("", "") => test_pdf(&name),
            (mb, "") => {
                let n: usize = mb
                    .parse()
                    .ok()
                    .filter(|n| *n <= 100)
                    .ok_or_else(|| input("the attachment size must be 1–100 MB"))?;
                // "JSUl" is base64 of "%%%": repeating it is far cheaper than encoding
                // megabytes, and the result is the same.
                let bytes = n * 1024 * 1024;
                let mut b64 = "JSUl".repeat(bytes / 3);
                b64.push_str(
                    &base64::engine::general_purpose::STANDARD.encode(vec![b'%'; bytes % 3]),
                );
                b64
            }
            (_, raw) => raw.to_string(),
        };
        draft(w)?.memo.attachments.push(MemoFile {
            filename: name,
            encoding_format: "application/pdf".into(),
            language: "da".into(),
            content_b64: content,
        });
        Ok(())
    })
}

pub(super) fn action(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w)?.memo.actions.push(MemoAction {
            label: a.get(0).to_string(),
            code: "SELVBETJENING".into(),
            url: a.get(1).to_string(),
        });
        Ok(())
    })
}

pub(super) fn skip_check(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w)?.skip_check = true;
        Ok(())
    })
}

pub(super) fn authority(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cvr = a.get(0);
        if !Cvr::is_valid(cvr) {
            return Err(input(format!("CVR '{cvr}' must be 8 digits")));
        }
        w.tokens.authority_override = Some(cvr.to_string());
        Ok(())
    })
}

pub(super) fn time_passes(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let h: i64 = a
            .get(0)
            .parse()
            .ok()
            .filter(|h| *h <= 24 * 365)
            .ok_or_else(|| input("hours must be a number up to a year"))?;
        let d = time::Duration::hours(h);
        w.tokens.clock_offset += d;
        if let Some(mock) = &w.ctx.mock {
            let clock = mock
                .state
                .get::<crate::services::post::mock::sts::MockClock>(&w.scenario_id);
            clock.lock().unwrap_or_else(|p| p.into_inner()).offset += d;
        }
        Ok(())
    })
}

pub(super) fn token_other_cert(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        for name in [a.get(0), a.get(1)] {
            w.target().identity(name).map_err(input)?;
        }
        w.identity = a.get(0).to_string();
        w.tokens.present_with = Some(a.get(1).to_string());
        Ok(())
    })
}
