//! SF1470 Sags- og Dokumentindeks (SagDokumentIndeks v6): `importer`, `opdater`, `fjern`,
//! `fremsoeg` of case (Sag) index entries.
//!
//! **Modelled.** KOMBIT's contract package for SF1470 is not at hand; the wire format here is
//! built from what is public (serviceplatform.md §4 SF1470; KOMBIT's Java and .NET samples: the
//! operation and wrapper names, `MultipleOutputType` with `StandardRetur`/`UnikRetur`,
//! `SagFiltreretOejebliksbillede`, the relation lists and roles) and from the OIO sagdok
//! conventions. It is a simplified subset: no `Virkning`, no `LokalUdvidelse`, no documents.
//! Every element name, namespace, path and SOAPAction is in [`model`], so it can be corrected in
//! one place when the real package is at hand.
//!
//! Security: the real SF1470 wants an IDWS (Liberty) token and a signed request. This tool
//! sends the context model (InvocationContext), which only its own mock accepts; calls to any
//! other target are refused before sending (see `steps.rs`).

pub mod index;
pub mod mock;
pub mod model;
mod request;
mod response;
mod sag;
pub mod steps;

pub use request::{
    fjern_request, fremsoeg_request, importer_request, opdater_request, operation_by_action,
    parse_request, Fremsoeg, Opdatering, Request,
};
pub use response::{
    fremsoeg_output_xml, multiple_output_xml, parse_response, FremsoegOutput, MultipleOutput,
    Response, UnikRetur,
};
pub use sag::{check_party_urn, party_urn_cpr, party_urn_cvr, Liste, Reference, Relation, Sag};

/// SF1470 in the catalog. No doctor probe: the modelled contract has no real target.
pub const ENTRY: super::entry::Entry = super::entry::Entry {
    folder: "sf1470",
    services: &[&INFO],
    steps: steps::steps,
    probes: super::entry::no_probes,
    mock: mock::responders,
};

use crate::core::service::ServiceInfo;
use crate::core::soap::InvocationContext;
use crate::services::sagdok::Writer;

pub const INFO: ServiceInfo = ServiceInfo {
    id: "SF1470",
    name: "Sags- og Dokumentindeks (SagDokumentIndeks v6, modelled)",
    path: model::PATH,
    entity_id: model::ENTITY_ID,
    service_uuid: Some(model::SERVICE_UUID),
    // OIO IDWS, called directly at the støttesystem (SOAP 1.1 + Framework, KOMBIT's samples).
    security: crate::core::service::SecurityModel::Idws(crate::core::service::Idws {
        host: "sagsogdokumentindeks",
        soap: crate::core::service::SoapVersion::Soap11,
        framework: true,
    }),
    fidelity: crate::core::service::Fidelity::Modelled,
};

/// Shape errors of this service's messages.
pub type Sf1470Error = crate::services::sagdok::ShapeError;

/// Every SF1470 message: `<sdi6:outer>` with the namespace declarations, the context (requests
/// only), then `<sdi:inner>` holding what `body` writes.
fn message(
    outer: &str,
    ctx: Option<&InvocationContext>,
    inner: &str,
    body: impl FnOnce(&mut Writer),
) -> String {
    let mut w = Writer::new();
    let wrapper = w_name("sdi6", outer);
    w.open_with(
        &wrapper,
        &[
            ("sdi6", model::WSDL_NS),
            ("sdi", model::SDI_NS),
            ("sag", model::SAG_NS),
            ("sd", model::SAGDOK_NS),
        ],
    );
    if let Some(c) = ctx {
        w.raw(&crate::core::soap::invocation_context(c));
    }
    let inp = w_name("sdi", inner);
    w.open(&inp);
    body(&mut w);
    w.close(&inp);
    w.close(&wrapper);
    w.finish()
}

/// `prefix:local`, the names the writer uses (prefixes as in [`message`]).
fn w_name(prefix: &str, local: &str) -> String {
    format!("{prefix}:{local}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::xml::{self, Element};
    use crate::services::sagdok::StandardRetur;

    fn sag() -> Sag {
        Sag {
            uuid: "0e0b9a8f-2b55-4a4f-9f77-0b7c1c7e2d11".into(),
            brugervendt_noegle: "SPC-1".into(),
            sagsnummer: "SPC-1".into(),
            titel: "Ansøgning & <svar>".into(),
            status: "Opstaaet".into(),
            relationer: vec![
                Relation {
                    liste: Liste::named("Sagspart").unwrap(),
                    rolle: "d839f26a-d4d1-4441-b2d6-3dbbb12a9404".into(),
                    type_uuid: "c189ba35-de4b-4363-a8b7-67f1456cf56f".into(),
                    reference: Reference::Urn(party_urn_cpr("1503801015")),
                },
                Relation {
                    liste: Liste::named("Sagsaktoer").unwrap(),
                    rolle: "9e979b84-b846-4472-8622-58007dc63c7e".into(),
                    type_uuid: "bc6972cd-8f2b-4b9d-8d37-62916d6a71aa".into(),
                    reference: Reference::Urn(party_urn_cvr("29189846")),
                },
            ],
        }
    }

    fn parse(s: &str) -> Element {
        xml::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn actions_are_the_wsdl_namespace_plus_the_operation() {
        for op in model::OPERATIONS {
            assert_eq!(op.action, format!("{}{}", model::WSDL_NS, op.name));
        }
    }

    #[test]
    fn requests_round_trip_through_the_mock_side_parser() {
        let s = sag();
        let req = parse(&importer_request(None, std::slice::from_ref(&s)));
        let Request::Importer(got) = parse_request(&model::IMPORTER, &req).unwrap() else {
            panic!()
        };
        // Written in list order: Sagsaktoer before Sagspart.
        assert_eq!(got[0].relationer[0].liste.name(), "Sagsaktoer");
        assert_eq!(got[0].titel, s.titel);
        assert_eq!(got[0].relationer.len(), 2);

        let o = Opdatering {
            uuid: s.uuid.clone(),
            titel: None,
            status: Some("Afsluttet".into()),
        };
        let req = parse(&opdater_request(None, std::slice::from_ref(&o)));
        assert_eq!(
            parse_request(&model::OPDATER, &req).unwrap(),
            Request::Opdater(vec![o])
        );
        let req = parse(&fjern_request(None, std::slice::from_ref(&s.uuid)));
        assert_eq!(
            parse_request(&model::FJERN, &req).unwrap(),
            Request::Fjern(vec![s.uuid.clone()])
        );
        let q = Fremsoeg::Udtryk {
            part: Some(party_urn_cpr("1503801015")),
            primaer_klasse: None,
        };
        let req = parse(&fremsoeg_request(None, &q));
        assert_eq!(
            parse_request(&model::FREMSOEG, &req).unwrap(),
            Request::Fremsoeg(q)
        );
        assert!(
            parse_request(&model::FJERN, &req).is_err(),
            "the wrapper must match the operation"
        );
    }

    #[test]
    fn responses_round_trip_and_bad_answers_are_errors() {
        let m = MultipleOutput {
            standard: StandardRetur::error(40, "Sag mangler Primær part"),
            unik: vec![UnikRetur {
                uuid: sag().uuid,
                retur: StandardRetur::error(40, "Sag mangler Primær part"),
            }],
        };
        let r = parse_response(&parse(&multiple_output_xml(&model::IMPORTER, &m))).unwrap();
        assert_eq!(r, Response::Importer(m));
        assert_eq!(r.returs().len(), 2);

        let f = FremsoegOutput {
            standard: StandardRetur::ok(),
            sager: vec![sag()],
        };
        let r = parse_response(&parse(&fremsoeg_output_xml(&f))).unwrap();
        let Response::Fremsoeg(got) = r else { panic!() };
        assert_eq!(got.sager[0].titel, "Ansøgning & <svar>");

        // Antal that disagrees with the hits.
        let text = fremsoeg_output_xml(&f).replace(">1</sdi:Antal>", ">2</sdi:Antal>");
        assert!(parse_response(&parse(&text)).is_err());
        // No StandardRetur.
        let text = format!(
            "<sdi6:ImporterResponse xmlns:sdi6=\"{}\" xmlns:sdi=\"{}\"><sdi:ImporterSagDokumentIndeksOutput/></sdi6:ImporterResponse>",
            model::WSDL_NS,
            model::SDI_NS
        );
        let e = parse_response(&parse(&text)).unwrap_err().to_string();
        assert!(e.contains("StandardRetur"), "{e}");
        // Some other answer altogether.
        let e = parse_response(&parse("<PersonLookupResponse/>"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ImporterResponse"), "{e}");
    }

    #[test]
    fn invalid_values_are_named_and_cpr_numbers_masked() {
        let mut s = sag();
        s.status = "Lukket".into();
        let req = parse(&importer_request(None, &[s]));
        let e = parse_request(&model::IMPORTER, &req)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Lukket") && e.contains("Afsluttet"), "{e}");

        let mut s = sag();
        s.relationer[0].reference = Reference::Uuid("1503801015".into());
        let req = parse(&importer_request(None, &[s]));
        let e = parse_request(&model::IMPORTER, &req)
            .unwrap_err()
            .to_string();
        assert!(e.contains("150380-xxxx") && !e.contains("1015"), "{e}");
        assert!(check_party_urn("urn:oio:cpr-nr:123").is_err());
        assert!(check_party_urn("urn:oio:cvr-nr:29189846").is_ok());
        assert!(check_party_urn("cpr:1503801015").is_err());
    }
}
