//! The project's own XSDs for the modelled services (ØiR in `schemas/oir/`), used by xmllint
//! where they ship: they import the platform's context schemas from `schemas/sp/` (KOMBIT's,
//! from the SF1520 package) and nothing outside `schemas/`; and, by service id, the schema of
//! every service the suite validates that way (SF1470's is KOMBIT's own, see
//! [`xsd::sf1470_schema`]). Include with `#[path = "support/modelled.rs"] mod modelled;` next to
//! `mod support;`.
#![allow(dead_code)]

use crate::support::xsd;
use std::path::{Path, PathBuf};

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

pub fn sortiment_schema() -> PathBuf {
    schemas().join("oir/SortimentServiceMsg.xsd")
}

pub fn postering_schema() -> PathBuf {
    schemas().join("oir/OekonomiposteringServiceMsg.xsd")
}

/// The schema of a modelled service's Body elements (and SF1470's official one), by service id.
pub fn schema_for(service: &str) -> Option<PathBuf> {
    match service {
        "SF1470" => Some(xsd::sf1470_schema()),
        "SF7002" => Some(sortiment_schema()),
        "SF1590A" => Some(postering_schema()),
        _ => None,
    }
}

const STANDARD_RETUR_XSD: &str = "SF1600_EP_SP1-2/xsd/oio/StandardRetur.xsd";

/// KOMBIT's own `StandardRetur.xsd` (OIO sagdok 3.0.0, from the SF1600 package), to check that
/// the modelled answers' StandardRetur is the real one.
pub fn official_standard_retur_schema() -> PathBuf {
    xsd::package_copy_with(
        "SF1600-Print-v2",
        &[(STANDARD_RETUR_XSD, include_own_namespace)],
    )
    .join(STANDARD_RETUR_XSD)
}

/// The OIO files pull in parts of their own namespace with `import`, which libxml2 refuses
/// (Java tools accept it); `include` is the form XSD has for that.
fn include_own_namespace(text: &str) -> String {
    text.replace(
        "<import namespace=\"urn:oio:sagdok:3.0.0\" schemaLocation=",
        "<include schemaLocation=",
    )
}
