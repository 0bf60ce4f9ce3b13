//! SF1600 Print on the mock: `afsendBrev` and `spoergTilmelding` with the InvocationContext
//! over mutual TLS, enrollment from the SF1520 data.
//!
//! Kanalvalg (modelled, like SF1601's "Automatisk Valg", see `mock/mod.rs`): A and P go to
//! Digital Post when the recipient is enrolled, else to print; D requires enrollment in
//! Digital Post and S in NemSMS, else a `dkal:Fejl` fault (codes in `mocks/post/faults.json`);
//! F always prints; print to a CPR number not in CPR or to a dead citizen is refused
//! (modelled, see `print_refusal`). Accepted letters produce PKO_PostStatus messages keyed by
//! their AfsendelseIdentifikator.

use crate::core::service::ServiceInfo;
use crate::core::xml::{self, Element};
use crate::platform::data::Platform;
use crate::platform::endpoint::{require_invocation, SoapAnswer, SoapCall, SoapService};
use crate::services::post::mock::{
    enrolled, print_refusal, record_letter, Channel, LetterRecord, PostData, Printed,
};
use crate::services::post::{sf1600, sf1601::Register};
use std::sync::Arc;

pub struct Sf1600 {
    pub data: Arc<PostData>,
}

impl SoapService for Sf1600 {
    fn info(&self) -> &'static ServiceInfo {
        &sf1600::INFO
    }

    fn operations(&self) -> &'static [crate::schema::Operation] {
        sf1600::OPERATIONS
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        let schema = |reason: String| {
            SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)]))
        };
        // The pipeline validated the payload against the schema (element order, Kanalvalg,
        // Prioritet, ForsendelseI's shape and lengths): only the access check and the answer
        // are left.
        let payload = call.payload;
        let body = if call.action == sf1600::ACTION_AFSEND {
            "BrevSPBody"
        } else {
            "TilmeldingRequest"
        };
        if let Err(refusal) = require_invocation(p, &sf1600::INFO, payload, &call.caller) {
            return refusal;
        }
        let Some(body_el) = payload
            .elements()
            .find(|e| e.local == body && e.ns.as_deref() == Some(sf1600::NS))
        else {
            return schema(format!("{} lacks {body}", payload.local));
        };
        let result = if call.action == sf1600::ACTION_AFSEND {
            self.afsend(p, call, body_el)
        } else {
            tilmelding(p, body_el)
        };
        result.unwrap_or_else(schema)
    }
}

fn text_of(e: &Element, local: &str) -> Option<String> {
    e.elements().find(|c| c.local == local).map(|c| c.text())
}

fn tilmelding(p: &Platform, req: &Element) -> Result<SoapAnswer, String> {
    let id = req
        .descendant("SlutbrugerIdentitet")
        .and_then(|s| s.elements().next())
        .map(|e| e.text())
        .ok_or("TilmeldingRequest lacks SlutbrugerIdentitet")?;
    let tilmeldt = enrolled(p, &id, Register::DigitalPost);
    Ok(SoapAnswer::Payload(format!(
        "<tns:PrintSpoergTilmeldingResponse xmlns:tns=\"{}\"><tns:tilmeldt>{tilmeldt}</tns:tilmeldt></tns:PrintSpoergTilmeldingResponse>",
        sf1600::NS
    )))
}

impl Sf1600 {
    fn afsend(
        &self,
        p: &Platform,
        call: &SoapCall<'_>,
        body: &Element,
    ) -> Result<SoapAnswer, String> {
        let kanal = text_of(body, "Kanalvalg").ok_or("BrevSPBody lacks Kanalvalg")?;
        let f = body
            .elements()
            // A local element of BrevSPBodyType: in the Print namespace, its content in
            // urn:oio:fjernprint:1.0.0.
            .find(|e| e.local == "ForsendelseI" && e.ns.as_deref() == Some(sf1600::NS))
            .ok_or_else(|| {
                format!(
                    "BrevSPBody lacks ForsendelseI (in namespace {})",
                    sf1600::NS
                )
            })?;
        let afsendelse = text_of(f, "AfsendelseIdentifikator")
            .ok_or("ForsendelseI lacks AfsendelseIdentifikator")?;
        let recipient = f
            .descendant("AfsendelseModtager")
            .and_then(|m| m.elements().next())
            .map(|e| e.text())
            .unwrap_or_default();
        let dp = enrolled(p, &recipient, Register::DigitalPost);
        let channel = match kanal.as_str() {
            "D" if !dp => return Ok(self.fejl(p, "not_enrolled_digital_post")),
            "S" if !enrolled(p, &recipient, Register::NemSms) => {
                return Ok(self.fejl(p, "not_enrolled_nemsms"))
            }
            "D" => Channel::DigitalPost,
            "S" => Channel::NemSms,
            "F" => Channel::FysiskPost,
            _ if dp => Channel::DigitalPost,
            _ => Channel::FysiskPost,
        };
        if channel == Channel::FysiskPost {
            if let Some(refusal) = print_refusal(p, &recipient) {
                return Ok(self.fejl(p, refusal));
            }
        }
        record_letter(
            p,
            &self.data,
            &call.scenario,
            LetterRecord {
                transmission_id: uuid::Uuid::new_v4().to_string(),
                afsendelse_id: Some(afsendelse),
                message_uuid: None,
                channel,
                statuses: vec![],
                printed: Printed::of(channel, Some(f)),
            },
            None,
        );
        Ok(SoapAnswer::Payload(format!(
            "<tns:PrintAfsendBrevResponse xmlns:tns=\"{}\"><tns:resultat>true</tns:resultat></tns:PrintAfsendBrevResponse>",
            sf1600::NS
        )))
    }

    /// A `dkal:Fejl` fault (the WSDL's SP_FejlFault).
    fn fejl(&self, p: &Platform, name: &str) -> SoapAnswer {
        match self.data.sf1600.get(name) {
            Some(f) => SoapAnswer::FaultWithDetail {
                http_status: 500,
                code: "soapenv:Client".into(),
                string: f.faultstring.clone(),
                detail: format!(
                    "<dkal:Fejl xmlns:dkal=\"{}\"><dkal:FejlKode>{}</dkal:FejlKode><dkal:FejlTekst>{}</dkal:FejlTekst></dkal:Fejl>",
                    sf1600::DKAL_NS,
                    f.fejl_kode,
                    xml::escape(&f.fejl_tekst)
                ),
            },
            None => SoapAnswer::Fault(p.fault(name, &[])),
        }
    }
}
