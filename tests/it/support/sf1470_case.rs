//! A case by KOMBIT's anvisninger for SF1470, built from the repository's mock catalogue.
//! Shared by the SF1470 tests and the examples `sf1470_growth` and `mock_throughput` (which
//! include this file by path), so it uses nothing else of the test support.

use sp_contract::core::klassifikation::Catalogue;
use sp_contract::services::sf1470::{self, model, Aktoer, Reference, Relation, Sag, Tilstand};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The repository's `mocks/`.
pub fn mocks() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("mocks")
}

/// The Klassifikation catalogue of `mocks/`, loaded once.
pub fn catalogue() -> Arc<Catalogue> {
    static LOADED: OnceLock<Arc<Catalogue>> = OnceLock::new();
    LOADED
        .get_or_init(|| Catalogue::load(&mocks()).expect("catalogue loads"))
        .clone()
}

/// The it-system the cases name as master, sender and actor.
pub const IT_SYSTEM: &str = "903c9e8b-9112-4e92-9860-3c82eae5d61e";

/// A case by KOMBIT's anvisninger, for `cpr` under KLE 27.35.04 / G01: arisen 2 January 2024,
/// registered by the it-system.
pub fn sag(uuid: &str, cpr: &str) -> Sag {
    let c = catalogue();
    let rel = |role: &str, typ: &str, reference: Reference| {
        Relation::of_role(&c, role, typ, reference).expect("the catalogue has the role and type")
    };
    Sag {
        uuid: uuid.into(),
        brugervendt_noegle: format!("T-{}", &uuid[..4]),
        sagsnummer: format!("T-{}", &uuid[..4]),
        titel: "Testsag".into(),
        tidspunkt: Some("2024-01-02T08:00:01Z".into()),
        tilstande: vec![Tilstand {
            status: "Opstaaet".into(),
            fra: "2024-01-02T08:00:00Z".into(),
        }],
        aktoer: Some(Aktoer {
            reference: Reference::Urn(format!("{}{IT_SYSTEM}", model::URN_ITSYSTEM)),
            type_kode: "ItSystem".into(),
        }),
        relationer: vec![
            rel(
                "Ejer",
                "Organisation",
                Reference::Urn(sf1470::party_urn_cvr("29189846")),
            ),
            rel(
                "Ansvarlig",
                "OrganisationsEnhed",
                Reference::Uuid("ccd2953d-116e-4a2b-a439-eaa221463c3d".into()),
            ),
            rel(
                "Primær behandler",
                "Bruger",
                Reference::Uuid("e086c3cd-c29b-4283-abcb-5c18dd1e2bb7".into()),
            ),
            rel(
                "Primær part",
                "Person",
                Reference::Urn(sf1470::party_urn_cpr(cpr)),
            ),
            rel(
                "Primær klasse",
                "Klasse",
                Reference::Uuid(c.emne("27.35.04").unwrap().uuid.clone()),
            ),
            rel(
                "Handlingsklasse",
                "Klasse",
                Reference::Uuid(c.facet("G01").unwrap().uuid.clone()),
            ),
            rel(
                "IT-system master",
                "IT-system",
                Reference::Uuid(IT_SYSTEM.into()),
            ),
            rel("Afsender", "IT-system", Reference::Uuid(IT_SYSTEM.into())),
        ],
    }
}
