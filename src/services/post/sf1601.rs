//! SF1601 Afsend post (REST, token model only): `KombiPostAfsend` sends a letter as Digital
//! Post, NemSMS or physical post; `PostForespoerg` asks whether a CPR/CVR number is enrolled
//! in Digital Post or NemSMS.
//!
//! Facts: serviceplatform.md §4 SF1601 and "REST token model". The request is `application/xml`
//! in UTF-8: `kombi_request` (no namespace) with `KombiValgKode`, then the MeMo `Message` and/or
//! a `ForsendelseI` (wrapped in `ForsendelseISamling`) for print. The two operations have their
//! own entityIDs, so each gets its own token.

use crate::core::service::ServiceInfo;

pub const INFO: ServiceInfo = ServiceInfo {
    id: "SF1601",
    name: "Afsend post (KombiPostAfsend / PostForespoerg, REST)",
    path: "/service/KombiPostAfsend_1/kombi",
    entity_id: "http://entityid.kombit.dk/service/kombipostafsend/1",
    service_uuid: None,
    security: crate::core::service::SecurityModel::Token,
    fidelity: crate::core::service::Fidelity::Official,
};

/// PostForespoerg: `GET {FORESPOERG_PATH}/digitalpost?cprNumber=…` (or `/nemsms`, `cvrNumber`).
pub const FORESPOERG_PATH: &str = "/service/PostForespoerg_1";
pub const FORESPOERG_ENTITY_ID: &str = "http://entityid.kombit.dk/service/postforespoerg/1";

pub const CONTENT_TYPE: &str = "application/xml; charset=utf-8";

/// `KombiValgKode`: how the platform is asked to choose the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KombiValg {
    Automatisk,
    DigitalPost,
    FysiskPost,
    NemSms,
}

impl KombiValg {
    pub const ALL: [KombiValg; 4] = [
        KombiValg::Automatisk,
        KombiValg::DigitalPost,
        KombiValg::FysiskPost,
        KombiValg::NemSms,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KombiValg::Automatisk => "Automatisk Valg",
            KombiValg::DigitalPost => "Digital Post",
            KombiValg::FysiskPost => "Fysisk Post",
            KombiValg::NemSms => "NemSMS",
        }
    }

    pub fn parse(s: &str) -> Result<KombiValg, String> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a KombiValgKode; use one of: {}",
                    Self::ALL.map(|k| k.as_str()).join(", ")
                )
            })
    }
}

/// The `kombi_request` body. `memo` is a serialised MeMo `Message`, `forsendelse` a
/// serialised `ForsendelseI` (see [`crate::services::post::sf1600::forsendelse_i`]).
pub fn kombi_request(valg: KombiValg, memo: Option<&str>, forsendelse: Option<&str>) -> String {
    let print = forsendelse
        .map(|f| {
            format!(
                "<fjernprint:ForsendelseISamling xmlns:fjernprint=\"{}\">{f}</fjernprint:ForsendelseISamling>",
                crate::services::post::sf1600::FJERNPRINT_NS
            )
        })
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kombi_request><KombiValgKode>{}</KombiValgKode>{}{print}</kombi_request>",
        valg.as_str(),
        memo.unwrap_or_default()
    )
}

/// Which register PostForespoerg asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    DigitalPost,
    NemSms,
}

impl Register {
    /// The path of PostForespoerg for this register (below [`FORESPOERG_PATH`]).
    pub fn path(self) -> &'static str {
        match self {
            Register::DigitalPost => "/service/PostForespoerg_1/digitalpost",
            Register::NemSms => "/service/PostForespoerg_1/nemsms",
        }
    }
}

/// The PostForespoerg path with its query: `cprNumber` for 10 digits, else `cvrNumber`.
pub fn forespoerg_path(register: Register, id: &str) -> String {
    let param = if id.len() == 10 {
        "cprNumber"
    } else {
        "cvrNumber"
    };
    format!("{}?{param}={id}", register.path())
}

/// The TransmissionID of a `kombi_response`, if any.
pub fn transmission_id(response: &crate::core::xml::Element) -> Option<String> {
    response
        .child("TransmissionID")
        .map(|e| e.text())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kombi_request_shape() {
        let r = kombi_request(
            KombiValg::FysiskPost,
            None,
            Some("<x:ForsendelseI xmlns:x=\"urn:oio:fjernprint:1.0.0\"/>"),
        );
        let el = crate::core::xml::parse(r.as_bytes()).unwrap();
        assert_eq!(el.local, "kombi_request");
        assert_eq!(el.ns, None);
        let names: Vec<&str> = el.elements().map(|e| e.local.as_str()).collect();
        assert_eq!(names, ["KombiValgKode", "ForsendelseISamling"]);
        assert_eq!(el.child("KombiValgKode").unwrap().text(), "Fysisk Post");
        assert_eq!(
            KombiValg::parse("automatisk valg").unwrap(),
            KombiValg::Automatisk
        );
        assert!(KombiValg::parse("Brevdue").unwrap_err().contains("NemSMS"));
        for r in [Register::DigitalPost, Register::NemSms] {
            assert!(r.path().starts_with(FORESPOERG_PATH));
        }
        assert_eq!(
            forespoerg_path(Register::NemSms, "29189846"),
            "/service/PostForespoerg_1/nemsms?cvrNumber=29189846"
        );
    }
}
