//! SF1600 Print on the mock: `afsendBrev` and `spoergTilmelding` with the InvocationContext
//! over mutual TLS, enrollment from the SF1520 data.
//!
//! Kanalvalg (modelled, like SF1601's "Automatisk Valg", see `mock/mod.rs`): A and P go to
//! Digital Post when the recipient is enrolled, else to print; D requires enrollment in
//! Digital Post and S in NemSMS, else a `dkal:Fejl` fault (codes in `mocks/post/faults.json`);
//! F always prints. Accepted letters produce PKO_PostStatus messages keyed by their
//! AfsendelseIdentifikator.

use crate::core::service::ServiceInfo;
use crate::core::xml::{self, Element};
use crate::platform::data::Platform;
use crate::platform::endpoint::{
    check_order, require_invocation, SoapAnswer, SoapCall, SoapService,
};
use crate::services::post::mock::{enrolled, record_letter, Channel, LetterRecord, PostData};
use crate::services::post::{sf1600, sf1601::Register};
use std::sync::Arc;

pub struct Sf1600 {
    pub data: Arc<PostData>,
}

const FORSENDELSE_ORDER: &[&str] = &[
    "AfsendelseIdentifikator",
    "ForsendelseTypeIdentifikator",
    "ForsendelseModtager",
    "FilformatNavn",
    "MeddelelseIndholdData",
    "TransaktionsParametreI",
    "DokumentParametre",
    "KanalUafhaengigeParametreI",
    "PrintParametre",
    "DigitalPostParametre",
    "PostParametre",
    "BilagSamling",
];

impl SoapService for Sf1600 {
    fn info(&self) -> &'static ServiceInfo {
        &sf1600::INFO
    }

    fn actions(&self) -> &'static [&'static str] {
        &[sf1600::ACTION_AFSEND, sf1600::ACTION_TILMELDING]
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        let schema = |reason: String| {
            SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)]))
        };
        let payload = call.payload;
        let (element, body) = if call.action == sf1600::ACTION_AFSEND {
            ("PrintAfsendBrevRequest", "BrevSPBody")
        } else {
            ("PrintSpoergTilmeldingRequest", "TilmeldingRequest")
        };
        if payload.local != element || payload.ns.as_deref() != Some(sf1600::NS) {
            return schema(format!(
                "expected {element} in namespace {}, got <{}>",
                sf1600::NS,
                payload.local
            ));
        }
        // SF1600's sequence puts the InvocationContext first (unlike SF1520).
        if let Err(e) = check_order(
            payload,
            &["InvocationContext", "AuthorityContext", "CallContext", body],
        ) {
            return schema(e);
        }
        if let Err(refusal) = require_invocation(p, &sf1600::INFO, payload, &call.caller) {
            return refusal;
        }
        let Some(body_el) = payload
            .elements()
            .find(|e| e.local == body && e.ns.as_deref() == Some(sf1600::NS))
        else {
            return schema(format!("{element} lacks {body}"));
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
        check_order(body, &["Kanalvalg", "Prioritet", "ForsendelseI"])?;
        let kanal = text_of(body, "Kanalvalg").ok_or("BrevSPBody lacks Kanalvalg")?;
        sf1600::check_kanalvalg(&kanal).map_err(|e| e.to_string())?;
        let prioritet = text_of(body, "Prioritet").ok_or("BrevSPBody lacks Prioritet")?;
        if prioritet != "D" && prioritet != "M" {
            return Err(format!("Prioritet '{prioritet}' is not D or M"));
        }
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
        check_order(f, FORSENDELSE_ORDER)?;
        let afsendelse = text_of(f, "AfsendelseIdentifikator")
            .ok_or("ForsendelseI lacks AfsendelseIdentifikator")?;
        if afsendelse.is_empty() || afsendelse.chars().count() > 38 {
            return Err("AfsendelseIdentifikator must be 1–38 characters".into());
        }
        let content = text_of(f, "MeddelelseIndholdData")
            .ok_or("ForsendelseI lacks MeddelelseIndholdData")?;
        crate::services::post::memo::decode_base64(&content)
            .map_err(|e| format!("MeddelelseIndholdData: {e}"))?;
        if f.child("DokumentParametre").is_none() {
            return Err("ForsendelseI lacks DokumentParametre".into());
        }
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
