//! What SF2900 on the mock loads from `mocks/sf2900/`: the simulated receiving systems
//! (`modtagere.json`), the fordelingsregler (`fordelingsregler.json`) and the receipts' wording
//! (`kvitteringer.json`). Everything is checked when it loads, so a broken folder stops the
//! mock at its start rather than in the middle of a scenario.

use crate::core::ids::Uuid;
use crate::core::kle::{Emne, Facet, Pattern};
use crate::platform::data::{DataError, Platform};
use crate::services::sf2900::{self as svc, Sf2900Error};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModtagereFile {
    modtagere: Vec<ModtagerEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModtagerEntry {
    navn: String,
    uuid: String,
    beskrivelse: String,
    /// KLE patterns the system handles; absent: it accepts everything.
    accepterer_kle: Option<Vec<String>>,
    /// Its reason for rejecting (`{kle}` is filled in); required with `accepterer_kle`.
    afvisning: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReglerFile {
    regler: Vec<RegelEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegelEntry {
    myndighed: String,
    kle: String,
    handlingsfacet: Option<String>,
    modtager: String,
    /// A remark for the file's reader: read (so it must be text), never used.
    #[serde(rename = "note")]
    _note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kvitteringer {
    pub source: String,
    pub ingen_regel: KvitteringTekst,
    pub ukendt_modtager: KvitteringTekst,
    pub modtaget: ModtagetTekst,
    pub transport_fejl: TransportTekst,
    pub max_notat_tegn: usize,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KvitteringTekst {
    pub kode: String,
    pub kvitteringstype: String,
    pub begrundelse: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModtagetTekst {
    pub kvitteringstype: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportTekst {
    pub faultstring: String,
    pub begrundelse: String,
}

/// A simulated receiving system and its behaviour.
#[derive(Debug, Clone)]
pub struct Modtager {
    pub navn: String,
    pub uuid: String,
    pub beskrivelse: String,
    pub accepterer: Option<Vec<Pattern>>,
    pub afvisning: String,
}

impl Modtager {
    /// The system's verdict on an object marked `emne`: None accepts, Some(reason) rejects.
    pub fn verdict(&self, emne: &Emne) -> Option<String> {
        match &self.accepterer {
            Some(ps) if !ps.iter().any(|p| p.matches(emne)) => {
                Some(self.afvisning.replace("{kle}", emne.as_str()))
            }
            _ => None,
        }
    }
}

/// Everything `mocks/sf2900/` says.
#[derive(Debug, Clone, Default)]
pub struct Fordeling {
    pub modtagere: Vec<Modtager>,
    pub regler: Vec<Regel>,
    pub kvitteringer: Kvitteringer,
    /// Set when the mocks folder has no `sf2900/` at all (a suite for other services): SF2900
    /// calls then get a fault saying so, rather than the whole mock refusing to start.
    pub missing: Option<PathBuf>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DataError> {
    let text = crate::platform::data::read_data(path)?;
    crate::core::strict_json::from_str(&text).map_err(|e| DataError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// SF2900's data from `mocks/sf2900/`, loaded the first time it is asked for (the mock's
/// start asks, so a broken folder stops it; `list` never does).
pub fn fordeling(p: &Platform) -> Result<Arc<Fordeling>, DataError> {
    p.services.get_or_load(&p.dir, Fordeling::load)
}

impl Fordeling {
    pub fn load(mocks_dir: &Path) -> Result<Fordeling, DataError> {
        let dir = mocks_dir.join("sf2900");
        if !dir.exists() {
            return Ok(Fordeling {
                missing: Some(dir),
                ..Fordeling::default()
            });
        }
        let m_path = dir.join("modtagere.json");
        let r_path = dir.join("fordelingsregler.json");
        let invalid = |path: &Path, message: String| DataError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let mf: ModtagereFile = read_json(&m_path)?;
        let mut modtagere = Vec::new();
        for m in mf.modtagere {
            // Either case is accepted (and lower-cased below).
            if Uuid::parse_lenient(&m.uuid).is_err() {
                let e = Sf2900Error::Uuid(m.uuid.clone());
                return Err(invalid(&m_path, format!("modtager '{}': {e}", m.navn)));
            }
            let accepterer = match &m.accepterer_kle {
                Some(list) => Some(
                    list.iter()
                        .map(|p| Pattern::parse(p))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| invalid(&m_path, format!("modtager '{}': {e}", m.navn)))?,
                ),
                None => None,
            };
            let afvisning = match (&accepterer, m.afvisning) {
                (Some(_), None) => {
                    return Err(invalid(
                        &m_path,
                        format!("modtager '{}' accepts only some KLE but has no 'afvisning' (its reason for rejecting the rest)", m.navn),
                    ))
                }
                (_, a) => a.unwrap_or_default(),
            };
            if modtagere
                .iter()
                .any(|o: &Modtager| o.navn.eq_ignore_ascii_case(&m.navn) || o.uuid == m.uuid)
            {
                return Err(invalid(
                    &m_path,
                    format!("modtager '{}' appears twice (name or uuid)", m.navn),
                ));
            }
            modtagere.push(Modtager {
                navn: m.navn,
                uuid: m.uuid.to_ascii_lowercase(),
                beskrivelse: m.beskrivelse,
                accepterer,
                afvisning,
            });
        }
        let rf: ReglerFile = read_json(&r_path)?;
        let mut regler: Vec<Regel> = Vec::new();
        for r in rf.regler {
            let regel = parse_regel(
                &r.myndighed,
                &r.kle,
                r.handlingsfacet.as_deref(),
                &r.modtager,
            )
            .map_err(|e| invalid(&r_path, e.to_string()))?;
            if !modtagere.iter().any(|m| m.navn == regel.modtager) {
                return Err(invalid(
                    &r_path,
                    format!(
                        "the rule for {} names modtager '{}', which is not in modtagere.json",
                        regel.describe(),
                        regel.modtager
                    ),
                ));
            }
            if regler.iter().any(|o| o.key() == regel.key()) {
                return Err(invalid(
                    &r_path,
                    format!("two rules for {}", regel.describe()),
                ));
            }
            regler.push(regel);
        }
        let kvitteringer: Kvitteringer = read_json(&dir.join("kvitteringer.json"))?;
        Ok(Fordeling {
            modtagere,
            regler,
            kvitteringer,
            missing: None,
        })
    }

    /// A receiving system by name (case-insensitive) or UUID.
    pub fn modtager(&self, name: &str) -> Option<&Modtager> {
        let n = name.trim();
        self.modtagere
            .iter()
            .find(|m| m.navn.eq_ignore_ascii_case(n) || m.uuid.eq_ignore_ascii_case(n))
    }

    /// [`Fordeling::modtager`], or an error naming the systems there are.
    pub fn find_modtager(&self, name: &str) -> Result<&Modtager, FordelingError> {
        self.modtager(name)
            .ok_or_else(|| FordelingError::UnknownModtager {
                name: name.to_string(),
                known: self
                    .modtagere
                    .iter()
                    .map(|m| m.navn.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Why a step cannot use the mock's SF2900 data.
#[derive(Debug, thiserror::Error)]
pub enum FordelingError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("the mock has no SF2900 data: {} is missing (copy mocks/sf2900/ from sp-contract)", .0.display())]
    Missing(PathBuf),
    #[error("the mock has no receiving system '{name}' (known: {known}); add it to mocks/sf2900/modtagere.json")]
    UnknownModtager { name: String, known: String },
}

/// A fordelingsregel: routing authority + KLE pattern (+ facet) → receiving system (by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regel {
    pub myndighed: String,
    pub kle: Pattern,
    pub facet: Option<Facet>,
    pub modtager: String,
}

impl Regel {
    /// Higher is more specific (the modelled precedence, see the module documentation).
    pub fn rank(&self) -> u8 {
        match (self.kle.is_wildcard(), self.facet.is_some()) {
            (false, true) => 3,
            (false, false) => 2,
            (true, true) => 1,
            (true, false) => 0,
        }
    }

    pub fn matches(&self, myndighed: &str, emne: &Emne, facet: Option<&Facet>) -> bool {
        self.myndighed == myndighed
            && self.kle.matches(emne)
            && self.facet.as_ref().is_none_or(|f| Some(f) == facet)
    }

    pub(super) fn key(&self) -> (&str, &Pattern, Option<&Facet>) {
        (&self.myndighed, &self.kle, self.facet.as_ref())
    }

    pub fn describe(&self) -> String {
        match &self.facet {
            Some(f) => format!(
                "KLE {} with handlingsfacet {f} for CVR {}",
                self.kle, self.myndighed
            ),
            None => format!("KLE {} for CVR {}", self.kle, self.myndighed),
        }
    }
}

/// A rule from its written parts, checked.
pub fn parse_regel(
    myndighed: &str,
    kle: &str,
    facet: Option<&str>,
    modtager: &str,
) -> Result<Regel, Sf2900Error> {
    Ok(Regel {
        myndighed: svc::check_cvr(myndighed)?,
        kle: Pattern::parse(kle)?,
        facet: facet.map(Facet::parse).transpose()?,
        modtager: modtager.trim().to_string(),
    })
}
