//! The mock platform's data: user systems and their certificates, service agreements,
//! citizens and fault wording, all read from `mocks/` so they can be corrected without code.
//!
//! Access control follows the platform's onboarding model: a certificate is registered on a
//! user system (it-system) in the Administrationsmodul, and a serviceaftale (agreement) binds
//! user system × service × authority, approved or pending. The *wording and codes* of the
//! faults the real platform returns for these cases are not public (serviceplatform.md §3,
//! §7.1): `mocks/faults.json` holds our modelled wording, marked as such.

use crate::core::service::{Fidelity, Known};
use crate::core::soap::FaultError;
use crate::core::xml::{self, Element};
use crate::targets::config::DEFAULT_IDENTITY;
use crate::targets::pki::{IdentitySource, Secret, TestPki, TEST_P12_PASSWORD};
use crate::targets::target::{Target, Timeouts, Trust};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read mock data {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("mock data {path} is not valid: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("the mocks folder {} does not exist or is not a folder; give --mocks the folder that holds platform.json, citizens.json and faults.json", path.display())]
    NotAFolder { path: PathBuf },
    /// Not a regular file, or larger than [`crate::fsio::limit::MOCK_DATA`].
    #[error("mock data: {0}")]
    File(crate::fsio::ReadError),
}

crate::input_error!(DataError);

impl From<crate::fsio::ReadError> for DataError {
    fn from(e: crate::fsio::ReadError) -> Self {
        match e {
            crate::fsio::ReadError::Io { path, source } => DataError::Read { path, source },
            other => DataError::File(other),
        }
    }
}

/// Read one mock data file (JSON or XML under `mocks/`), bounded.
pub fn read_data(path: &Path) -> Result<String, DataError> {
    Ok(crate::fsio::read_text(
        path,
        crate::fsio::limit::MOCK_DATA,
        "a mock data file",
    )?)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformFile {
    pub authorities: Vec<Authority>,
    pub user_systems: Vec<UserSystem>,
    pub agreements: Vec<Agreement>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    pub cvr: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSystem {
    pub uuid: String,
    pub name: String,
    /// The user (UserUUID) the system calls as.
    pub user_uuid: String,
    /// Certificates registered on this system in the Administrationsmodul.
    pub certificates: Vec<RegisteredCert>,
}

/// How the mock recognises a registered certificate. Generated test certificates differ per
/// machine, so the default data matches the subject CN; a vendor pointing its own system at
/// `mock serve` can register its certificate by SHA-256 fingerprint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisteredCert {
    pub subject_cn: Option<String>,
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgreementStatus {
    Approved,
    Pending,
    Rejected,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub uuid: String,
    pub service: String,
    pub user_system: String,
    pub authority_cvr: String,
    pub status: AgreementStatus,
    /// Name scenarios use for a non-default agreement (`afventende`).
    pub alias: Option<String>,
    /// The agreement is for a service whose contract is modelled (its ServiceUUID and wire
    /// format are not public), see `src/services/`.
    #[serde(default)]
    pub modelled: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitizensFile {
    pub citizens: Vec<CitizenEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitizenEntry {
    pub alias: String,
    pub cpr: String,
    pub description: String,
    /// The SF1520 `PersonLookupResponse` for this citizen, relative to `mocks/`. None: the
    /// CPR number is not in the register.
    pub sf1520: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Citizen {
    pub entry: CitizenEntry,
    /// Parsed `PersonLookupResponse`.
    pub sf1520: Option<Element>,
    /// The file as written, served verbatim.
    pub sf1520_xml: Option<String>,
}

impl Citizen {
    /// Digital Post enrollment as the CPR data says (SF1601/SF1600 use the same answer).
    pub fn digital_post(&self) -> bool {
        self.field("persondata/tilmeldtDigitalpost") == Some("true".to_string())
    }

    pub fn field(&self, path: &str) -> Option<String> {
        let p: xml::Path = path.parse().ok()?;
        self.sf1520
            .as_ref()
            .and_then(|e| e.select(&p).first().map(|e| e.text()))
    }
}

/// Wording of one fault. `{name}` placeholders are filled in per call.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultTemplate {
    pub faultcode: String,
    pub faultstring: String,
    pub error_code: Option<String>,
    pub error_text: Option<String>,
    #[serde(default = "default_fault_status")]
    pub http_status: u16,
    /// Where the wording comes from: "public" (seen in a real response) or "modelled".
    pub source: String,
}

fn default_fault_status() -> u16 {
    500
}

/// Who called, as the TLS front saw it.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub subject_cn: Option<String>,
    pub sha256: Option<String>,
}

/// All mock data, loaded once per mock start.
#[derive(Debug, Clone)]
pub struct Platform {
    pub dir: PathBuf,
    pub platform: PlatformFile,
    pub citizens: Vec<Citizen>,
    by_cpr: HashMap<String, usize>,
    pub faults: BTreeMap<String, FaultTemplate>,
    /// Per-scenario state of the services (see `mock::state`).
    pub state: std::sync::Arc<crate::platform::state::ScenarioStates>,
    /// Each service's own data (SF2900's fordelingsregler), loaded on first use.
    pub services: super::service_data::ServiceData,
    /// The services the platform knows (from the catalog): agreements must name one.
    pub known: Known,
    /// Whether requests are checked against the XSDs: on, except to measure what it costs.
    validation: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// A refusal, ready to be rendered as a SOAP fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockFault {
    pub http_status: u16,
    pub code: String,
    pub string: String,
    pub errors: Vec<FaultError>,
}

fn read(path: &Path) -> Result<String, DataError> {
    read_data(path)
}

fn json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DataError> {
    let text = read(path)?;
    crate::core::strict_json::from_str(&text).map_err(|e| DataError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

impl Platform {
    pub fn load(dir: &Path, known: &Known) -> Result<Platform, DataError> {
        if !dir.is_dir() {
            return Err(DataError::NotAFolder {
                path: dir.to_path_buf(),
            });
        }
        let pf_path = dir.join("platform.json");
        let platform: PlatformFile = json(&pf_path)?;
        let invalid = |path: &Path, message: String| DataError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if platform.user_systems.is_empty() {
            return Err(invalid(&pf_path, "no user_systems".into()));
        }
        for a in &platform.agreements {
            crate::targets::config::check_uuid(&a.uuid).map_err(|m| invalid(&pf_path, m))?;
            let Some(service) = known.by_id(&a.service) else {
                return Err(invalid(
                    &pf_path,
                    format!("agreement {} names unknown service {}", a.uuid, a.service),
                ));
            };
            // The flag says what the report may claim about the agreement: keep it true.
            let modelled = service.fidelity == Fidelity::Modelled;
            if a.modelled != modelled {
                return Err(invalid(
                    &pf_path,
                    format!(
                        "agreement {} for {}: set \"modelled\": {modelled} ({}'s contract is {})",
                        a.uuid,
                        a.service,
                        service.id,
                        if modelled { "modelled" } else { "KOMBIT's own" }
                    ),
                ));
            }
            if !platform
                .user_systems
                .iter()
                .any(|u| u.uuid == a.user_system)
            {
                return Err(invalid(
                    &pf_path,
                    format!(
                        "agreement {} names unknown user_system {}",
                        a.uuid, a.user_system
                    ),
                ));
            }
        }
        let c_path = dir.join("citizens.json");
        let file: CitizensFile = json(&c_path)?;
        let mut citizens: Vec<Citizen> = Vec::new();
        let mut by_cpr = HashMap::new();
        for entry in file.citizens {
            // A second entry with the same alias would never be found (the first wins).
            if let Some(i) = citizens.iter().position(|c| c.entry.alias == entry.alias) {
                return Err(invalid(
                    &c_path,
                    format!(
                        "citizen alias '{}' appears twice (citizens {} and {}); give each citizen its own alias",
                        entry.alias,
                        i + 1,
                        citizens.len() + 1
                    ),
                ));
            }
            if entry.alias.trim().is_empty() {
                return Err(invalid(
                    &c_path,
                    format!(
                        "citizen {} has an empty alias; give it a name scenarios use, e.g. \"far\"",
                        citizens.len() + 1
                    ),
                ));
            }
            crate::core::cpr::Cpr::parse(&entry.cpr)
                .map_err(|e| invalid(&c_path, format!("citizen '{}': {e}", entry.alias)))?;
            let (sf1520, sf1520_xml) = match &entry.sf1520 {
                Some(rel) => {
                    let p = dir.join(rel);
                    let text = read(&p)?;
                    let el = xml::parse(text.as_bytes()).map_err(|e| invalid(&p, e.to_string()))?;
                    check_citizen_schema(text.as_bytes()).map_err(|m| invalid(&p, m))?;
                    let pnr: xml::Path = "persondata/personnummer".parse().expect("static");
                    let found = el.select(&pnr).first().map(|e| e.text());
                    if found.as_deref() != Some(entry.cpr.as_str()) {
                        return Err(invalid(
                            &p,
                            format!(
                                "persondata/personnummer does not match the cpr of citizen '{}' in citizens.json",
                                entry.alias
                            ),
                        ));
                    }
                    (Some(el), Some(strip_declaration(&text).to_string()))
                }
                None => (None, None),
            };
            if by_cpr.insert(entry.cpr.clone(), citizens.len()).is_some() {
                return Err(invalid(
                    &c_path,
                    format!("cpr of '{}' appears twice", entry.alias),
                ));
            }
            citizens.push(Citizen {
                entry,
                sf1520,
                sf1520_xml,
            });
        }
        let faults_path = dir.join("faults.json");
        let faults: BTreeMap<String, FaultTemplate> = json(&faults_path)?;
        for (name, t) in &faults {
            check_http_status(t.http_status)
                .map_err(|m| invalid(&faults_path, format!("fault '{name}': {m}")))?;
        }
        let p = Platform {
            dir: dir.to_path_buf(),
            platform,
            citizens,
            by_cpr,
            faults,
            state: Default::default(),
            services: Default::default(),
            known: known.clone(),
            validation: std::sync::Arc::new(true.into()),
        };
        for required in [
            "missing_security_context",
            "unknown_agreement",
            "agreement_not_approved",
            "agreement_mismatch",
            "wrong_service_uuid",
            "certificate_not_registered",
            "schema_validation",
            "cpr_not_found",
            "certificate_unknown",
            "authority_agreement_missing",
        ] {
            if !p.faults.contains_key(required) {
                return Err(invalid(
                    &dir.join("faults.json"),
                    format!("missing fault template '{required}'"),
                ));
            }
        }
        Ok(p)
    }

    /// Turn schema validation of requests off or on: for measuring its cost only (the
    /// throughput example's `--no-validate`); a mock that serves users always validates.
    pub fn set_validation(&self, on: bool) {
        self.validation
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn validates(&self) -> bool {
        self.validation.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn citizen_by_cpr(&self, cpr: &str) -> Option<&Citizen> {
        self.by_cpr.get(cpr).map(|&i| &self.citizens[i])
    }

    pub fn citizen_by_alias(&self, alias: &str) -> Option<&Citizen> {
        self.citizens.iter().find(|c| c.entry.alias == alias)
    }

    /// Render a named fault template. Unknown names fall back to a generic server fault so a
    /// data mistake shows up as a visible fault, not a panic.
    pub fn fault(&self, name: &str, vars: &[(&str, &str)]) -> MockFault {
        let call_uuid = uuid::Uuid::new_v4().to_string();
        let received = now_iso();
        let fill = |s: &str| {
            let mut out = s
                .replace("{call_uuid}", &call_uuid)
                .replace("{received}", &received);
            for (k, v) in vars {
                out = out.replace(&format!("{{{k}}}"), v);
            }
            out
        };
        match self.faults.get(name) {
            Some(t) => MockFault {
                http_status: t.http_status,
                code: t.faultcode.clone(),
                string: fill(&t.faultstring),
                errors: match (&t.error_code, &t.error_text) {
                    (Some(c), Some(x)) => vec![FaultError {
                        code: fill(c),
                        text: fill(x),
                    }],
                    _ => vec![],
                },
            },
            None => MockFault {
                http_status: 500,
                code: "soapenv:Server".into(),
                string: format!(
                    "mock data has no fault template '{name}' (add it to mocks/faults.json)"
                ),
                errors: vec![],
            },
        }
    }

    /// The built-in `mock` target: identities from the test PKI, agreements and citizens from
    /// the data. `base_url` is filled in when the mock has started.
    pub fn target(&self, pki: &TestPki, base_url: &str) -> Target {
        let system = &self.platform.user_systems[0];
        let p12 = |path: &PathBuf| IdentitySource::Pkcs12 {
            path: path.clone(),
            password: Secret::new(TEST_P12_PASSWORD.to_string()),
        };
        let mut identities = BTreeMap::new();
        identities.insert(DEFAULT_IDENTITY.to_string(), p12(&pki.client_p12));
        identities.insert("uregistreret".to_string(), p12(&pki.unregistered_p12));
        identities.insert("udløbet".to_string(), p12(&pki.expired_p12));
        identities.insert("fremmed".to_string(), p12(&pki.foreign_p12));
        let mut agreements = BTreeMap::new();
        let mut agreement_aliases = BTreeMap::new();
        for a in &self.platform.agreements {
            if a.user_system != system.uuid {
                continue;
            }
            let svc = a.service.to_ascii_uppercase();
            match &a.alias {
                Some(alias) => {
                    agreement_aliases.insert(format!("{svc}:{alias}"), a.uuid.clone());
                }
                None if a.status == AgreementStatus::Approved => {
                    agreements.entry(svc).or_insert_with(|| a.uuid.clone());
                }
                None => {}
            }
        }
        Target {
            name: crate::targets::config::MOCK_TARGET.to_string(),
            base_url: base_url.to_string(),
            production: false,
            is_mock: true,
            authority_cvr: self.platform.authorities.first().map(|a| a.cvr.clone()),
            user_system_uuid: system.uuid.clone(),
            user_uuid: system.user_uuid.clone(),
            identities,
            trust: Trust {
                ca_pem: Some(pki.ca_pem.clone()),
                system_roots: false,
            },
            agreements,
            agreement_aliases,
            citizens: self
                .citizens
                .iter()
                .map(|c| {
                    (
                        c.entry.alias.clone(),
                        crate::core::cpr::Cpr::parse(&c.entry.cpr),
                    )
                })
                .collect(),
            timeouts: Timeouts::default(),
            // The mock serves the STS and AccessTokenService on its own host (the defaults).
            sts_url: None,
            access_token_url: None,
            // The mock's STS signs with the test PKI's STS certificate: always checked.
            idws: crate::targets::idws::IdwsSettings {
                sts_certificate: Some(pki.sts_pem.clone()),
                ..Default::default()
            },
        }
    }
}

/// What a citizen's SF1520 file is: the answer to a PersonLookup, so it validates against
/// the PersonLookupResponse of KOMBIT's schema (shipped in `schemas/`).
const CITIZEN_ROOT: crate::schema::Root = crate::schema::Root {
    schema: "SF1520-PersonBaseDataExtended-v4/PersonBaseDataExtendedServiceMsg.xsd",
    ns: "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/",
    element: "PersonLookupResponse",
};

/// A citizen file the mock would answer with must be a valid PersonLookupResponse: refuse it
/// at start, naming line, element and rule, rather than serve a broken answer.
fn check_citizen_schema(xml: &[u8]) -> Result<(), String> {
    use crate::schema::Invalid;
    match crate::schema::check_xml(xml, CITIZEN_ROOT, 0) {
        Ok(()) => Ok(()),
        Err(Invalid::Problems(problems)) => {
            let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            Err(format!(
                "it does not validate against SF1520's PersonLookupResponse (KOMBIT's XSD): {}. Fix the element named; mocks/sf1520/far.xml shows the shape",
                list.join("; ")
            ))
        }
        Err(e @ Invalid::Unavailable { .. }) => Err(e.to_string()),
    }
}

/// An HTTP status a fault may carry: a real status code, 100–599.
pub fn check_http_status(status: u16) -> Result<(), String> {
    if (100..=599).contains(&status) {
        Ok(())
    } else {
        Err(format!(
            "http_status {status} is not an HTTP status code; use a status from 100 to 599, e.g. 400 or 500"
        ))
    }
}

/// The response file is embedded in a SOAP Body, where an XML declaration may not stand.
fn strip_declaration(text: &str) -> &str {
    let t = text.trim_start_matches('\u{feff}').trim();
    match t
        .strip_prefix("<?xml")
        .and_then(|rest| rest.find("?>").map(|i| &rest[i + 2..]))
    {
        Some(rest) => rest.trim(),
        None => t,
    }
}

pub fn now_iso() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
