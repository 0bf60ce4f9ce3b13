//! The Klassifikation (SF1510) view this tool needs: KLE emner and handlingsfacetter as Klasse
//! objects (BrugervendtNoegle ↔ UUID), and the Klasse UUIDs SF1470 uses for relation roles and
//! types.
//!
//! Systems send SF1470 the Klasse UUID, never the code (serviceplatform.md §5), so a step that
//! says `KLE "27.35.04"` resolves the code here first. The data lives in
//! `mocks/klassifikation/` and is shared by the mock and the steps, so both agree. What a valid
//! emne or handlingsfacet is, is [`crate::core::kle`]'s to say (one definition for SF1470 and
//! SF2900); the errors here keep SF1470's wording.

use crate::core::kle;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub const KLE_FILE: &str = "klassifikation/kle.json";
pub const RELATIONS_FILE: &str = "klassifikation/sdi-relationer.json";

/// The relation lists of a Sag a role may sit in, in their XSD order (SF1470's model uses
/// them too). Each relation: Rolle, Type, ReferenceID.
pub const RELATION_LISTS: &[&str] = &["Sagsaktoer", "Sagspart", "Sagsklasse", "Sagsitsystem"];

#[derive(Debug, thiserror::Error)]
pub enum KlassifikationError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
    /// Not a regular file, or too large.
    #[error(transparent)]
    File(crate::fsio::ReadError),
    #[error(
        "'{0}' is not a KLE emne number: write hovedgruppe.gruppe.emne as NN.NN.NN, e.g. 27.35.04"
    )]
    BadEmne(String),
    #[error("'{0}' is not a handlingsfacet: write a capital letter and two digits, e.g. G01")]
    BadFacet(String),
    #[error("KLE emne {code} is not in the KLE catalogue ({file}); known: {known}")]
    UnknownEmne {
        code: String,
        file: String,
        known: String,
    },
    #[error("handlingsfacet {code} is not in the KLE catalogue ({file}); known: {known}")]
    UnknownFacet {
        code: String,
        file: String,
        known: String,
    },
    #[error("'{name}' is not an SF1470 relation role; known: {known}")]
    UnknownRole { name: String, known: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Facet {
    #[serde(rename = "KLE-emne")]
    Emne,
    #[serde(rename = "Handlingsfacet")]
    Handlingsfacet,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Klasse {
    pub brugervendt_noegle: String,
    pub uuid: String,
    pub facet: Facet,
    pub titel: Option<String>,
}

/// What a role's relation points at; the mock checks the reference's form by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceKind {
    /// `urn:oio:cvr-nr:<8 digits>`
    Cvr,
    /// `urn:oio:cpr-nr:<10 digits>` or `urn:oio:cvr-nr:<8 digits>`
    Part,
    /// A UUID (organisation unit, user, it-system)
    Uuid,
    /// The UUID of a KLE-emne Klasse
    KleEmne,
    /// The UUID of a handlingsfacet Klasse
    Handlingsfacet,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub navn: String,
    pub uuid: String,
    /// The relation list it sits in (`Sagsaktoer`, `Sagspart`, ...).
    pub liste: String,
    pub referencer: ReferenceKind,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationType {
    pub navn: String,
    pub uuid: String,
    pub modelled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KleFile {
    #[allow(dead_code)]
    kilde: String,
    klasser: Vec<Klasse>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationsFile {
    #[allow(dead_code)]
    kilde: String,
    typer: Vec<RelationType>,
    roller: Vec<Role>,
}

#[derive(Debug)]
pub struct Catalogue {
    /// Where it was read from, for messages.
    pub source: String,
    pub klasser: Vec<Klasse>,
    pub roller: Vec<Role>,
    pub typer: Vec<RelationType>,
}

/// A KLE emne code as Klassifikation keys it: a valid [`kle::Emne`] (`NN.NN.NN`), written
/// exactly so (a BrugervendtNoegle is compared as it is, white space and all).
pub fn check_emne(code: &str) -> Result<kle::Emne, KlassifikationError> {
    match kle::Emne::parse(code) {
        Ok(e) if e.as_str() == code => Ok(e),
        _ => Err(KlassifikationError::BadEmne(code.to_string())),
    }
}

/// A handlingsfacet code: a valid [`kle::Facet`] (a capital letter, Æ, Ø, Å included, and two
/// digits), written exactly so.
pub fn check_facet(code: &str) -> Result<kle::Facet, KlassifikationError> {
    match kle::Facet::parse(code) {
        Ok(f) if f.as_str() == code => Ok(f),
        _ => Err(KlassifikationError::BadFacet(code.to_string())),
    }
}

fn normalise_role_name(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace("ae", "æ")
        .replace('-', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Catalogue {
    /// The catalogue of a mocks folder, read once per process and folder.
    pub fn load(mocks_dir: &Path) -> Result<Arc<Catalogue>, KlassifikationError> {
        static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Catalogue>>>> = OnceLock::new();
        let key = mocks_dir.to_path_buf();
        let mut cache = CACHE
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(c) = cache.get(&key) {
            return Ok(c.clone());
        }
        let read = |rel: &str| {
            let path = mocks_dir.join(rel);
            crate::fsio::read_text(&path, crate::fsio::limit::MOCK_DATA, "a mock data file")
                .map(|t| (path.clone(), t))
                .map_err(|e| match e {
                    crate::fsio::ReadError::Io { path, source } => {
                        KlassifikationError::Read { path, source }
                    }
                    other => KlassifikationError::File(other),
                })
        };
        let (kle_path, kle) = read(KLE_FILE)?;
        let (rel_path, rel) = read(RELATIONS_FILE)?;
        let c = Arc::new(Catalogue::parse(&kle_path, &kle, &rel_path, &rel)?);
        cache.insert(key, c.clone());
        Ok(c)
    }

    /// The catalogue shipped with the tool (`mocks/klassifikation/` at build time), for targets
    /// that are not the embedded mock.
    pub fn builtin() -> Arc<Catalogue> {
        static BUILTIN: OnceLock<Arc<Catalogue>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let kle = include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/mocks/klassifikation/kle.json"
                ));
                let rel = include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/mocks/klassifikation/sdi-relationer.json"
                ));
                Arc::new(
                    Catalogue::parse(
                        Path::new("(built in) mocks/klassifikation/kle.json"),
                        kle,
                        Path::new("(built in) mocks/klassifikation/sdi-relationer.json"),
                        rel,
                    )
                    .expect("the built-in catalogue is checked by the tests"),
                )
            })
            .clone()
    }

    pub fn parse(
        kle_path: &Path,
        kle: &str,
        rel_path: &Path,
        rel: &str,
    ) -> Result<Catalogue, KlassifikationError> {
        let invalid = |path: &Path, message: String| KlassifikationError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let kf: KleFile = crate::core::strict_json::from_str(kle)
            .map_err(|e| invalid(kle_path, e.to_string()))?;
        let rf: RelationsFile = crate::core::strict_json::from_str(rel).map_err(|e| {
            let mut message = e.to_string();
            // Files copied before it moved: say where the rule lives now.
            if message.contains("unknown field `kraevet`") {
                message.push_str(". Remove `kraevet`: which relations a case must have is the anvisninger's rule in sp-contract itself, not mock data (see mocks/README.md)");
            }
            invalid(rel_path, message)
        })?;
        let mut seen = std::collections::HashSet::new();
        for k in &kf.klasser {
            let form = match k.facet {
                Facet::Emne => check_emne(&k.brugervendt_noegle).map(drop),
                Facet::Handlingsfacet => check_facet(&k.brugervendt_noegle).map(drop),
            };
            form.map_err(|e| invalid(kle_path, e.to_string()))?;
            check_uuid(&k.uuid).map_err(|m| invalid(kle_path, m))?;
            if !seen.insert(k.brugervendt_noegle.clone()) || !seen.insert(k.uuid.clone()) {
                return Err(invalid(
                    kle_path,
                    format!("{} or its UUID appears twice", k.brugervendt_noegle),
                ));
            }
        }
        for t in &rf.typer {
            check_uuid(&t.uuid).map_err(|m| invalid(rel_path, m))?;
            if !seen.insert(t.uuid.clone()) {
                return Err(invalid(rel_path, format!("UUID {} appears twice", t.uuid)));
            }
        }
        for r in &rf.roller {
            check_uuid(&r.uuid).map_err(|m| invalid(rel_path, m))?;
            if !seen.insert(r.uuid.clone()) {
                return Err(invalid(rel_path, format!("UUID {} appears twice", r.uuid)));
            }
            if !RELATION_LISTS.contains(&r.liste.as_str()) {
                return Err(invalid(
                    rel_path,
                    format!(
                        "role '{}' sits in unknown list '{}'; lists: {}",
                        r.navn,
                        r.liste,
                        RELATION_LISTS.join(", ")
                    ),
                ));
            }
        }
        Ok(Catalogue {
            source: format!("{} and {}", kle_path.display(), rel_path.display()),
            klasser: kf.klasser,
            roller: rf.roller,
            typer: rf.typer,
        })
    }

    fn known(&self, facet: Facet) -> String {
        self.klasser
            .iter()
            .filter(|k| k.facet == facet)
            .map(|k| k.brugervendt_noegle.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The Klasse of a KLE emne code: checked for form first, then looked up.
    pub fn emne(&self, code: &str) -> Result<&Klasse, KlassifikationError> {
        check_emne(code)?;
        self.klasser
            .iter()
            .find(|k| k.facet == Facet::Emne && k.brugervendt_noegle == code)
            .ok_or_else(|| KlassifikationError::UnknownEmne {
                code: code.to_string(),
                file: KLE_FILE.to_string(),
                known: self.known(Facet::Emne),
            })
    }

    /// The Klasse of a handlingsfacet code.
    pub fn facet(&self, code: &str) -> Result<&Klasse, KlassifikationError> {
        check_facet(code)?;
        self.klasser
            .iter()
            .find(|k| k.facet == Facet::Handlingsfacet && k.brugervendt_noegle == code)
            .ok_or_else(|| KlassifikationError::UnknownFacet {
                code: code.to_string(),
                file: KLE_FILE.to_string(),
                known: self.known(Facet::Handlingsfacet),
            })
    }

    pub fn klasse_by_uuid(&self, uuid: &str) -> Option<&Klasse> {
        self.klasser.iter().find(|k| k.uuid == uuid)
    }

    /// A role by its name, as written in a feature (`Primær part`, `primaer part`, `IT-system master`).
    pub fn role(&self, name: &str) -> Result<&Role, KlassifikationError> {
        let want = normalise_role_name(name);
        self.roller
            .iter()
            .find(|r| normalise_role_name(&r.navn) == want)
            .ok_or_else(|| KlassifikationError::UnknownRole {
                name: name.to_string(),
                known: self
                    .roller
                    .iter()
                    .map(|r| r.navn.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    pub fn role_by_uuid(&self, uuid: &str) -> Option<&Role> {
        self.roller.iter().find(|r| r.uuid == uuid)
    }

    pub fn type_uuid(&self, navn: &str) -> Option<&str> {
        self.typer
            .iter()
            .find(|t| t.navn == navn)
            .map(|t| t.uuid.as_str())
    }

    pub fn type_by_uuid(&self, uuid: &str) -> Option<&RelationType> {
        self.typer.iter().find(|t| t.uuid == uuid)
    }
}

fn check_uuid(v: &str) -> Result<(), String> {
    if crate::core::ids::Uuid::is_valid(v) {
        Ok(())
    } else {
        Err(format!("'{v}' is not a lower-case UUID"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_forms() {
        for ok in ["27.35.04", "00.00.00"] {
            check_emne(ok).unwrap();
        }
        for bad in [
            "27.35",
            "27.35.4",
            "27-35-04",
            "2a.35.04",
            "27.35.04.1",
            "",
            "27.35.*",
            " 27.35.04",
        ] {
            let e = check_emne(bad).unwrap_err().to_string();
            assert!(
                e.contains(&format!("'{bad}' is not a KLE emne number")),
                "{e}"
            );
        }
        for ok in ["G01", "A00", "Ø12", "Æ01", "Å99"] {
            check_facet(ok).unwrap();
        }
        for bad in ["g01", "G1", "G001", "01", "", "GG1", ",01", "É01", "G01 "] {
            let e = check_facet(bad).unwrap_err().to_string();
            assert!(
                e.contains(&format!("'{bad}' is not a handlingsfacet")),
                "{e}"
            );
        }
    }

    #[test]
    fn klassifikation_and_sf2900_agree_on_what_a_kle_code_is() {
        for code in [
            "27.35.04",
            "00.00.00",
            "27.35",
            "2a.35.04",
            "27.35.*",
            "G01",
            "Ø12",
            "g01",
            ",01",
            "G0١",
            "27.35.0٤",
        ] {
            assert_eq!(
                check_emne(code).is_ok(),
                kle::Emne::parse(code).is_ok(),
                "emne {code}"
            );
            assert_eq!(
                check_facet(code).is_ok(),
                kle::Facet::parse(code).is_ok(),
                "facet {code}"
            );
        }
    }

    #[test]
    fn the_builtin_catalogue_resolves_codes_and_roles() {
        let c = Catalogue::builtin();
        let e = c.emne("27.35.04").unwrap();
        assert_eq!(
            c.klasse_by_uuid(&e.uuid).unwrap().brugervendt_noegle,
            "27.35.04"
        );
        assert!(c.facet("27.35.04").is_err(), "an emne is not a facet");
        assert!(c.emne("G01").is_err());
        let err = c.emne("99.99.99").unwrap_err().to_string();
        assert!(
            err.contains("99.99.99") && err.contains("27.35.04"),
            "{err}"
        );
        assert_eq!(c.role("primaer part").unwrap().navn, "Primær part");
        assert_eq!(c.role("IT-system Master").unwrap().liste, "Sagsitsystem");
        assert!(c.role("Bisidder").is_err());
    }

    #[test]
    fn a_relations_file_with_the_old_required_flags_says_where_the_rule_went() {
        let kle = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/mocks/klassifikation/kle.json"
        ));
        let old = r#"{"kilde":"x","typer":[],"roller":[{"navn":"Ejer","uuid":"9e979b84-b846-4472-8622-58007dc63c7e","liste":"Sagsaktoer","kraevet":true,"referencer":"cvr"}]}"#;
        let e = Catalogue::parse(Path::new("k.json"), kle, Path::new("r.json"), old)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("r.json is not valid: unknown field `kraevet`")
                && e.contains("Remove `kraevet`")
                && e.contains("mocks/README.md"),
            "{e}"
        );
    }

    #[test]
    fn broken_catalogues_are_refused_with_the_file_named() {
        let rel = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/mocks/klassifikation/sdi-relationer.json"
        ));
        let bad_code = r#"{"kilde":"x","klasser":[{"brugervendt_noegle":"27.35","uuid":"07049b9b-1be4-4dad-8bf4-2615bf5d91ab","facet":"KLE-emne","titel":null}]}"#;
        let e = Catalogue::parse(Path::new("k.json"), bad_code, Path::new("r.json"), rel)
            .unwrap_err()
            .to_string();
        assert!(e.contains("k.json") && e.contains("27.35"), "{e}");
        let upper = r#"{"kilde":"x","klasser":[{"brugervendt_noegle":"27.35.04","uuid":"07049B9B-1be4-4dad-8bf4-2615bf5d91ab","facet":"KLE-emne","titel":null}]}"#;
        assert!(Catalogue::parse(Path::new("k.json"), upper, Path::new("r.json"), rel).is_err());
        assert!(Catalogue::parse(Path::new("k.json"), "{", Path::new("r.json"), rel).is_err());
    }
}
