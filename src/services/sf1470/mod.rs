//! SF1470 Sags- og Dokumentindeks v6 (SagDokumentIndeks): `importer`, `opdater`, `fjern`,
//! `fremsoeg` of case (Sag) index entries, on KOMBIT's official v6 contract
//! (`schemas/SF1470-SagDokumentIndeks-v6`): the Body holds the operation's input or output
//! element itself, a SOAP header `RequestHeader/TransactionUUID` travels on request and answer,
//! and errors are StatusKode ≠ 20 in `UnikRetur`/`StandardRetur`. Every name on the wire is in
//! [`model`]; the anvisninger the XSD cannot say are [`rules`], which client and mock share.
//!
//! SF1470 is called directly at the støttesystem with an OIO IDWS token (see `crate::idws`);
//! the payload carries no security context. Documents (the Dokument half of the index) are
//! not modelled yet.

pub mod index;
pub mod mock;
pub mod model;
pub mod probe;
mod request;
mod response;
pub mod rules;
mod sag;
mod soeg;
pub mod steps;

pub use request::{
    fjern_request, fremsoeg_request, importer_request, opdater_request, operation_by_action,
    parse_request, request_header, transaction_uuid, Opdatering, Request,
};
pub use response::{
    fremsoeg_output_xml, multiple_output_xml, parse_response, FremsoegOutput, MultipleOutput,
    Response, UnikRetur,
};
pub use sag::{
    check_party_urn, party_urn_cpr, party_urn_cvr, Aktoer, Liste, Reference, Relation, Sag,
    Tilstand, Vis,
};
pub use soeg::{Fremsoeg, Led, SoegRelation, SoegSag, SoegUdtryk, Sortering};

/// SF1470 in the catalog.
pub const ENTRY: super::entry::Entry = super::entry::Entry {
    folder: "sf1470",
    services: &[&INFO],
    steps: steps::steps,
    probes: probe::probes,
    mock: mock::responders,
};

use crate::core::service::ServiceInfo;
use crate::services::sagdok::Writer;

pub const INFO: ServiceInfo = ServiceInfo {
    id: "SF1470",
    name: "Sags- og Dokumentindeks (SagDokumentIndeks v6)",
    path: model::PATH,
    entity_id: model::ENTITY_ID,
    service_uuid: Some(model::SERVICE_UUID),
    // OIO IDWS, called directly at the støttesystem (SOAP 1.1 + Framework, KOMBIT's samples).
    security: crate::core::service::SecurityModel::Idws(crate::core::service::Idws {
        host: "sagsogdokumentindeks",
        soap: crate::core::service::SoapVersion::Soap11,
        framework: true,
    }),
    fidelity: crate::core::service::Fidelity::Official,
};

/// Shape errors of this service's messages.
pub type Sf1470Error = crate::services::sagdok::ShapeError;

/// Every SF1470 Body element: `<sdi:element>` with the namespace declarations, holding what
/// `body` writes.
fn message(element: &str, body: impl FnOnce(&mut Writer)) -> String {
    let mut w = Writer::new();
    let el = w_name("sdi", element);
    w.open_with(
        &el,
        &[
            ("sdi", model::SDI_NS),
            ("sag", model::SAG_NS),
            ("gd", model::GD_NS),
            ("si", model::SI_NS),
            ("sd", model::SAGDOK_NS),
        ],
    );
    body(&mut w);
    w.close(&el);
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
            tidspunkt: Some("2024-02-01T10:00:00Z".into()),
            tilstande: vec![
                Tilstand {
                    status: "Opstaaet".into(),
                    fra: "2024-01-02T08:00:00Z".into(),
                },
                Tilstand {
                    status: "Afsluttet".into(),
                    fra: "2024-01-09T08:00:00Z".into(),
                },
            ],
            aktoer: Some(Aktoer {
                reference: Reference::Uuid("e086c3cd-c29b-4283-abcb-5c18dd1e2bb7".into()),
                type_kode: "Bruger".into(),
            }),
            relationer: vec![
                Relation {
                    liste: Liste::named("Sagspart").unwrap(),
                    rolle: "d839f26a-d4d1-4441-b2d6-3dbbb12a9404".into(),
                    type_uuid: "c189ba35-de4b-4363-a8b7-67f1456cf56f".into(),
                    reference: Reference::Urn(party_urn_cpr("1503801015")),
                },
                Relation {
                    liste: Liste::named("Sagsitsystem").unwrap(),
                    rolle: "251c24fd-57b0-4afc-9d73-b063d1957eb3".into(),
                    type_uuid: "29fe1da2-897a-46cd-b635-b9be8e0bffd6".into(),
                    reference: Reference::Uuid("903c9e8b-9112-4e92-9860-3c82eae5d61e".into()),
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
    fn actions_are_kombits_prefix_plus_the_operation() {
        for op in model::OPERATIONS {
            assert_eq!(op.action, format!("{}{}", model::ACTION_PREFIX, op.name));
        }
    }

    #[test]
    fn requests_round_trip_through_the_mock_side_parser() {
        let s = sag();
        let req = parse(&importer_request(std::slice::from_ref(&s)));
        let Request::Importer(got) = parse_request(&model::IMPORTER, &req).unwrap() else {
            panic!()
        };
        // Written in the wire's list order: Sagsaktoer, Sagspart, then the IT-systems.
        let lists: Vec<&str> = got[0].relationer.iter().map(|r| r.liste.name()).collect();
        assert_eq!(lists, ["Sagsaktoer", "Sagspart", "Sagsitsystem"]);
        assert_eq!(got[0].titel, s.titel);
        assert_eq!(got[0].tilstande, s.tilstande);
        assert_eq!(got[0].aktoer, s.aktoer);
        assert_eq!(got[0].status(), "Afsluttet");

        let o = Opdatering {
            uuid: s.uuid.clone(),
            tilstand: Tilstand {
                status: "Oplyst".into(),
                fra: "2024-03-01T08:00:00Z".into(),
            },
            aktoer: s.aktoer.clone().unwrap(),
            tidspunkt: "2024-03-01T08:00:01Z".into(),
        };
        let req = parse(&opdater_request(std::slice::from_ref(&o)));
        assert_eq!(
            parse_request(&model::OPDATER, &req).unwrap(),
            Request::Opdater(vec![o])
        );
        let req = parse(&fjern_request(std::slice::from_ref(&s.uuid)));
        assert_eq!(
            parse_request(&model::FJERN, &req).unwrap(),
            Request::Fjern(vec![s.uuid.clone()])
        );
        let q = Fremsoeg {
            sag_uuids: vec![],
            udtryk: Some(SoegUdtryk {
                eller: true,
                led: vec![
                    Led::Sag(SoegSag::part(party_urn_cpr("1503801015"))),
                    Led::Ikke(SoegUdtryk {
                        eller: false,
                        led: vec![Led::Sag(SoegSag::status("Afsluttet"))],
                    }),
                ],
            }),
            filter: Some(vec!["egenskaber".into()]),
            sortering: vec![Sortering {
                element: "Titel".into(),
                faldende: true,
                prioritet: 1,
            }],
        };
        let req = parse(&fremsoeg_request(&q));
        assert_eq!(
            parse_request(&model::FREMSOEG, &req).unwrap(),
            Request::Fremsoeg(q)
        );
        assert!(
            parse_request(&model::FJERN, &req).is_err(),
            "the element must match the operation"
        );
    }

    #[test]
    fn responses_round_trip_and_bad_answers_are_errors() {
        let m = MultipleOutput::Unik(vec![UnikRetur {
            uuid: sag().uuid,
            retur: StandardRetur::error(40, "Sag mangler Ejer"),
        }]);
        let r = parse_response(&parse(&multiple_output_xml(&model::IMPORTER, &m))).unwrap();
        assert_eq!(r, Response::Importer(m));
        assert_eq!(r.returs().len(), 1);
        let m = MultipleOutput::Standard(vec![StandardRetur::ok()]);
        let r = parse_response(&parse(&multiple_output_xml(&model::FJERN, &m))).unwrap();
        assert_eq!(r, Response::Fjern(m));

        let f = FremsoegOutput {
            standard: StandardRetur::ok(),
            sager: vec![sag()],
        };
        let text = fremsoeg_output_xml(&f, Vis::All);
        let Response::Fremsoeg(got) = parse_response(&parse(&text)).unwrap() else {
            panic!()
        };
        assert_eq!(got.sager[0].titel, "Ansøgning & <svar>");
        assert_eq!(got.sager[0].status(), "Afsluttet");
        // A Filter shows only what it names; an empty one only the UUID.
        let only = ["fremdrift".to_string()];
        let Response::Fremsoeg(got) =
            parse_response(&parse(&fremsoeg_output_xml(&f, Vis::Only(&only)))).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (got.sager[0].titel.as_str(), got.sager[0].status()),
            ("", "Afsluttet")
        );
        assert!(got.sager[0].relationer.is_empty());
        let none: [String; 0] = [];
        let text = fremsoeg_output_xml(&f, Vis::Only(&none));
        assert!(!text.contains("Registrering"), "{text}");

        // Antal that disagrees with the hits.
        let bad = text.replace(">1</sdi:Antal>", ">2</sdi:Antal>");
        assert!(parse_response(&parse(&bad)).is_err());
        // No StatusKode at all.
        let e = parse_response(&parse(&format!(
            "<sdi:ImporterSagDokumentIndeksOutput xmlns:sdi=\"{}\"/>",
            model::SDI_NS
        )))
        .unwrap_err()
        .to_string();
        assert!(e.contains("UnikRetur or StandardRetur"), "{e}");
        // Some other answer altogether.
        let e = parse_response(&parse("<PersonLookupResponse/>"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ImporterSagDokumentIndeksOutput"), "{e}");
    }

    #[test]
    fn the_request_header_carries_the_transaction_uuid() {
        let h = request_header("4f7a0c5e-1111-4222-8333-444455556666");
        let env = parse(&crate::core::soap::envelope_with_header(Some(&h), "<x/>"));
        assert_eq!(
            transaction_uuid(env.child("Header").unwrap()).as_deref(),
            Some("4f7a0c5e-1111-4222-8333-444455556666")
        );
        assert!(check_party_urn("urn:oio:cpr-nr:123").is_err());
        assert!(check_party_urn("urn:oio:cvr-nr:29189846").is_ok());
    }
}
