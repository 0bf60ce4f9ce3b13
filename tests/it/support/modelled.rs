//! The project's own XSDs for the modelled services (SF1470 in `mocks/sf1470/xsd/`, ØiR in
//! `mocks/oir/xsd/`), made usable by xmllint: they import the platform's context schemas from
//! `sp/` beside them, which come from KOMBIT's contract packages (the SF1520 package's copy),
//! so a working copy holds both. Include with `#[path = "support/modelled.rs"] mod modelled;`
//! next to `mod support;`.
#![allow(dead_code)]

use crate::support::xsd;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn mocks() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.unwrap();
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", path.display()));
        }
    }
}

/// `<copy>/sf1470/xsd` and `<copy>/oir/xsd` with `sp/` beside each, made once per process.
fn working_copy() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let sp = xsd::sf1520_schema()
            .parent()
            .expect("package folder")
            .join("sp");
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("sp-contract-modelled-xsd")
            .join(format!(
                "{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default()
            ));
        for svc in ["sf1470", "oir"] {
            let dir = base.join(svc).join("xsd");
            copy_dir(&mocks().join(svc).join("xsd"), &dir);
            copy_dir(&sp, &dir.join("sp"));
        }
        base
    })
}

pub fn sf1470_schema() -> PathBuf {
    working_copy().join("sf1470/xsd/SagDokumentIndeksServiceMsg.xsd")
}

pub fn sortiment_schema() -> PathBuf {
    working_copy().join("oir/xsd/SortimentServiceMsg.xsd")
}

pub fn postering_schema() -> PathBuf {
    working_copy().join("oir/xsd/OekonomiposteringServiceMsg.xsd")
}

/// The schema of a modelled service's Body elements, by service id.
pub fn schema_for(service: &str) -> Option<PathBuf> {
    match service {
        "SF1470" => Some(sf1470_schema()),
        "SF7001" => Some(sortiment_schema()),
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
