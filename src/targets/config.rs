//! `sp-contract.toml`: the targets a suite can run against.
//!
//! ```toml
//! [targets.exttest]
//! base_url = "https://exttest.serviceplatformen.dk"
//! authority_cvr = "29189846"
//! user_system_uuid = "…"
//! user_uuid = "…"
//! certificate = { pkcs12 = "certs/vendor.p12", password_env = "SP_CERT_PASSWORD" }
//! [targets.exttest.agreements]
//! SF1520 = "…"
//! [targets.exttest.aliases.citizens]
//! far = "…"
//! [report]
//! vendor = "…"        # the evidence reports' vendor, operator and it-system name
//! [targets.exttest.services.SF1470]   # OIO IDWS services: endpoint and SOAP version
//! soap = "1.1"
//! ```
//!
//! The built-in target `mock` needs no configuration: it is assembled from `mocks/` and the
//! local test PKI when the run starts.

use crate::core::cpr::Cpr;
use crate::core::service::SoapVersion;
use crate::targets::idws::{IdwsSettings, ServiceSettings};
use crate::targets::pki::{IdentitySource, Secret};
use crate::targets::target::{Target, Timeouts, Trust};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const MOCK_TARGET: &str = "mock";
pub const DEFAULT_IDENTITY: &str = "standard";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file: {0}")]
    Read(#[from] crate::fsio::ReadError),
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(
        "unknown target '{name}'; configured targets: {known}. Define [targets.{name}] in {config}"
    )]
    UnknownTarget {
        name: String,
        known: String,
        config: String,
    },
    #[error("target '{target}': {message}")]
    Invalid { target: String, message: String },
    #[error("target '{target}': the environment variable {var} (password_env) is not set; export it with the certificate password")]
    PasswordEnvMissing { target: String, var: String },
}

crate::input_error!(ConfigError);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub targets: BTreeMap<String, TargetConfig>,
    /// What the evidence reports name besides the run (`[report]`).
    #[serde(default)]
    pub report: ReportConfig,
}

/// `[report]`: who made the system and who runs the suite, for the evidence reports; the
/// flags `--vendor`, `--operator` and `--it-system` win over these.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    pub vendor: Option<String>,
    pub operator: Option<String>,
    /// The it-system's name (the targets hold its UUID).
    pub it_system: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetConfig {
    pub base_url: String,
    /// Scenarios tagged `@writes` are refused here unless `--allow-production-writes`.
    #[serde(default)]
    pub production: bool,
    pub authority_cvr: Option<String>,
    pub user_system_uuid: String,
    pub user_uuid: String,
    pub certificate: CertificateConfig,
    /// Extra trust roots (PEM). The system roots are trusted too unless `only_ca = true`.
    pub ca: Option<PathBuf>,
    #[serde(default)]
    pub only_ca: bool,
    /// Approved serviceaftale per service: `SF1520 = "uuid"`.
    #[serde(default)]
    pub agreements: BTreeMap<String, String>,
    #[serde(default)]
    pub aliases: AliasConfig,
    #[serde(default)]
    pub timeouts: Timeouts,
    /// The STS's REST issue endpoint for the token model (SF1601). Default: KOMBIT's STS for
    /// exttest/prod base URLs, else the target's own host (the mock serves it there).
    pub sts_url: Option<String>,
    /// AccessTokenService. Default: `<base_url>/service/AccessTokenService_1/token`.
    pub access_token_url: Option<String>,
    /// The STS's SOAP issue endpoint for the OIO IDWS token model (SF1470). Default: KOMBIT's
    /// STS for exttest/prod base URLs, else the target's own host (the mock serves it there).
    pub idws_sts_url: Option<String>,
    /// The STS's signing certificate (PEM, relative to this file): its answers and assertions
    /// are checked with it. Without it they are used unchecked (`run --dry-run` says so).
    pub idws_sts_certificate: Option<PathBuf>,
    /// Per service: `[targets.X.services.SF1470] endpoint = "https://…", soap = "1.1"`.
    #[serde(default)]
    pub services: BTreeMap<String, ServiceConfig>,
}

/// One service's endpoint and SOAP version on a target (OIO IDWS services, called directly).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub endpoint: Option<String>,
    /// `"1.1"` or `"1.2"`.
    pub soap: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AliasConfig {
    /// Citizen alias → CPR number on this target.
    #[serde(default)]
    pub citizens: BTreeMap<String, String>,
    /// `"SF1520:afventende" = "uuid"`: other serviceaftaler the scenarios name.
    #[serde(default)]
    pub agreements: BTreeMap<String, String>,
    /// Other certificates the scenarios name (`uregistreret`, ...).
    #[serde(default)]
    pub identities: BTreeMap<String, CertificateConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateConfig {
    pub pkcs12: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// The environment variable holding the PKCS#12 or key password. Never the password itself.
    pub password_env: Option<String>,
}

/// Read a config file. A missing file is fine when `required` is false (the default path).
pub fn load(path: &Path, required: bool) -> Result<ConfigFile, ConfigError> {
    let text = match crate::fsio::read_text(path, crate::fsio::limit::CONFIG, "a config file") {
        Ok(t) => t,
        Err(e) if e.io_kind() == Some(std::io::ErrorKind::NotFound) && !required => {
            return Ok(ConfigFile::default())
        }
        Err(e) => return Err(e.into()),
    };
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim().to_string(),
    })
}

impl ConfigFile {
    /// Resolve a configured (non-mock) target. Relative paths are relative to `base_dir`
    /// (the config file's folder). Passwords are read from their environment variables now,
    /// so a missing variable is reported before anything runs.
    pub fn remote_target(
        &self,
        name: &str,
        base_dir: &Path,
        config_path: &Path,
    ) -> Result<Target, ConfigError> {
        let Some(tc) = self.targets.get(name) else {
            let mut known: Vec<String> = vec![MOCK_TARGET.to_string()];
            known.extend(self.targets.keys().cloned());
            return Err(ConfigError::UnknownTarget {
                name: name.to_string(),
                known: known.join(", "),
                config: config_path.display().to_string(),
            });
        };
        let invalid = |message: String| ConfigError::Invalid {
            target: name.to_string(),
            message,
        };
        let url = tc.base_url.trim_end_matches('/').to_string();
        check_url(&url, true).map_err(|m| invalid(format!("[targets.{name}] base_url {m}")))?;
        for (label, v) in [
            ("user_system_uuid", &tc.user_system_uuid),
            ("user_uuid", &tc.user_uuid),
        ] {
            check_uuid(v).map_err(|m| invalid(format!("{label}: {m}")))?;
        }
        let mut agreements = BTreeMap::new();
        for (svc, uuid) in &tc.agreements {
            check_uuid(uuid).map_err(|m| invalid(format!("agreements.{svc}: {m}")))?;
            agreements.insert(svc.to_ascii_uppercase(), uuid.to_ascii_lowercase());
        }
        let mut agreement_aliases = BTreeMap::new();
        for (k, uuid) in &tc.aliases.agreements {
            check_uuid(uuid).map_err(|m| invalid(format!("aliases.agreements.\"{k}\": {m}")))?;
            let key = match k.split_once(':') {
                Some((svc, alias)) => format!("{}:{alias}", svc.to_ascii_uppercase()),
                None => {
                    return Err(invalid(format!(
                        "aliases.agreements key '{k}' must be written \"SFnnnn:name\""
                    )))
                }
            };
            agreement_aliases.insert(key, uuid.to_ascii_lowercase());
        }
        if let Some(cvr) = &tc.authority_cvr {
            if !crate::core::ids::Cvr::is_valid(cvr) {
                return Err(invalid(format!("authority_cvr '{cvr}' must be 8 digits")));
            }
        }
        for (label, u) in [
            ("sts_url", &tc.sts_url),
            ("access_token_url", &tc.access_token_url),
            ("idws_sts_url", &tc.idws_sts_url),
        ] {
            if let Some(u) = u {
                check_url(u, false)
                    .map_err(|m| invalid(format!("[targets.{name}] {label} {m}")))?;
            }
        }
        let mut identities = BTreeMap::new();
        identities.insert(
            DEFAULT_IDENTITY.to_string(),
            identity_source(name, "certificate", &tc.certificate, base_dir)?,
        );
        for (alias, c) in &tc.aliases.identities {
            identities.insert(
                alias.clone(),
                identity_source(name, &format!("aliases.identities.{alias}"), c, base_dir)?,
            );
        }
        Ok(Target {
            name: name.to_string(),
            base_url: url,
            production: tc.production,
            is_mock: false,
            authority_cvr: tc.authority_cvr.clone(),
            user_system_uuid: tc.user_system_uuid.to_ascii_lowercase(),
            user_uuid: tc.user_uuid.to_ascii_lowercase(),
            identities,
            trust: Trust {
                ca_pem: tc.ca.as_ref().map(|p| base_dir.join(p)),
                system_roots: !tc.only_ca,
            },
            agreements,
            agreement_aliases,
            citizens: tc
                .aliases
                .citizens
                .iter()
                .map(|(alias, cpr)| (alias.clone(), Cpr::parse(cpr)))
                .collect(),
            timeouts: tc.timeouts,
            sts_url: tc.sts_url.clone(),
            access_token_url: tc.access_token_url.clone(),
            idws: IdwsSettings {
                sts_url: tc.idws_sts_url.clone(),
                sts_certificate: tc.idws_sts_certificate.as_ref().map(|p| base_dir.join(p)),
                services: service_settings(name, &tc.services)?,
            },
        })
    }
}

/// `[targets.X.services.<SF>]`, checked: an https endpoint, SOAP "1.1" or "1.2".
fn service_settings(
    name: &str,
    services: &BTreeMap<String, ServiceConfig>,
) -> Result<BTreeMap<String, ServiceSettings>, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        target: name.to_string(),
        message,
    };
    let mut out = BTreeMap::new();
    for (svc, c) in services {
        let key = format!("[targets.{name}.services.{svc}]");
        if !crate::core::service::is_service_id(svc) {
            return Err(invalid(format!(
                "{key}: '{svc}' is not a service id; write it like SF1470"
            )));
        }
        if let Some(u) = &c.endpoint {
            check_url(u, false).map_err(|m| invalid(format!("{key} endpoint {m}")))?;
        }
        let soap = match c.soap.as_deref() {
            None => None,
            Some(v) => Some(SoapVersion::parse(v).ok_or_else(|| {
                invalid(format!("{key} soap = \"{v}\" must be \"1.1\" or \"1.2\""))
            })?),
        };
        out.insert(
            svc.to_ascii_uppercase(),
            ServiceSettings {
                endpoint: c.endpoint.clone(),
                soap,
            },
        );
    }
    Ok(out)
}

fn identity_source(
    target: &str,
    field: &str,
    c: &CertificateConfig,
    base_dir: &Path,
) -> Result<IdentitySource, ConfigError> {
    let password = match &c.password_env {
        Some(var) => match std::env::var(var) {
            Ok(v) => {
                crate::evidence::redact::register_password(&v);
                Some(Secret::new(v))
            }
            Err(_) => {
                return Err(ConfigError::PasswordEnvMissing {
                    target: target.to_string(),
                    var: var.clone(),
                })
            }
        },
        None => None,
    };
    match (&c.pkcs12, &c.cert) {
        (Some(p12), None) => Ok(IdentitySource::Pkcs12 {
            path: base_dir.join(p12),
            password: password.unwrap_or_else(|| Secret::new(String::new())),
        }),
        (None, Some(cert)) => Ok(IdentitySource::Pem {
            cert: base_dir.join(cert),
            key: c.key.as_ref().map(|k| base_dir.join(k)),
            key_password: password,
        }),
        _ => Err(ConfigError::Invalid {
            target: target.to_string(),
            message: format!(
                "{field}: give either pkcs12 = \"file.p12\" or cert = \"cert.pem\" (+ key = \"key.pem\"), with password_env naming the environment variable that holds the password"
            ),
        }),
    }
}

/// A target URL must parse, be `https://` (Serviceplatformen is only served over mutual
/// TLS) with a host and a valid port, and carry no credentials; a base URL no query or
/// fragment either (service paths are appended to it). Refused here, at config load, it is
/// the user's to fix (exit 2), not "the target could not be reached" (exit 3).
pub fn check_url(url: &str, base: bool) -> Result<(), String> {
    // Never echo what stands before an '@': it may be a password.
    let shown = match url.rsplit_once('@') {
        Some((_, rest)) => format!("'…@{rest}'"),
        None => format!("'{url}'"),
    };
    let fix = "write it as https://host[:port][/path]";
    let u = url::Url::parse(url).map_err(|e| format!("{shown} is not a valid URL ({e}): {fix}"))?;
    if u.scheme() != "https" {
        return Err(format!(
            "{shown} must start with https:// (Serviceplatformen is only served over mutual TLS)"
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(format!("{shown} names no host: {fix}"));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err(format!(
            "{shown} must not carry a user name or password: the client certificate authenticates"
        ));
    }
    if base && (u.query().is_some() || u.fragment().is_some()) {
        return Err(format!(
            "{shown} must not have a query or fragment: service paths are appended to it"
        ));
    }
    Ok(())
}

/// The InvocationContext schema accepts lowercase UUIDs only; we lower-case what users give,
/// but refuse what is not a UUID at all.
pub fn check_uuid(v: &str) -> Result<(), String> {
    crate::core::ids::Uuid::parse_lenient(v)
        .map(|_| ())
        .map_err(|_| {
            format!("'{v}' is not a UUID (write it as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: &str = r#"
[targets.exttest]
base_url = "https://exttest.serviceplatformen.dk/"
authority_cvr = "29189846"
user_system_uuid = "50BE05BB-0000-4000-8000-000000000001"
user_uuid = "97782c1e-0000-4000-8000-000000000002"
certificate = { pkcs12 = "vendor.p12", password_env = "SPC_TEST_PW_1" }
[targets.exttest.agreements]
sf1520 = "17a44431-0000-4000-8000-000000000003"
[targets.exttest.aliases.citizens]
far = "0101801234"
"#;

    /// Target `exttest` of this config text.
    fn exttest(text: &str) -> Result<Target, ConfigError> {
        let cfg: ConfigFile = toml::from_str(text).unwrap();
        cfg.remote_target(
            "exttest",
            Path::new("/etc/x"),
            Path::new("sp-contract.toml"),
        )
    }

    #[test]
    fn a_placeholder_citizen_is_refused_naming_alias_and_config_key() {
        // The same value resolves_a_remote_target sets: tests run in parallel.
        std::env::set_var("SPC_TEST_PW_1", "s3cret æ\"'");
        let t = exttest(&CFG.replace("0101801234", "0000000000")).unwrap();
        let e = t.citizen("far").unwrap_err().to_string();
        assert!(
            e.contains("citizen 'far' of target 'exttest' is not a valid CPR number")
                && e.contains("00-00-1900 is not a valid birth date")
                && e.contains("[targets.exttest.aliases.citizens] far"),
            "{e}"
        );
        assert!(!e.contains("0000000000"), "{e}");
    }

    #[test]
    fn resolves_a_remote_target() {
        std::env::set_var("SPC_TEST_PW_1", "s3cret æ\"'");
        let t = exttest(CFG).unwrap();
        assert_eq!(t.base_url, "https://exttest.serviceplatformen.dk");
        assert_eq!(t.user_system_uuid, "50be05bb-0000-4000-8000-000000000001");
        assert_eq!(
            t.agreement_for("SF1520").unwrap(),
            "17a44431-0000-4000-8000-000000000003"
        );
        assert!(t
            .agreement_for("SF2900")
            .unwrap_err()
            .to_string()
            .contains("[targets.exttest.agreements]"));
        match t.identity("standard").unwrap() {
            IdentitySource::Pkcs12 { path, password } => {
                assert_eq!(path, Path::new("/etc/x/vendor.p12"));
                assert_eq!(password.expose(), "s3cret æ\"'");
            }
            _ => panic!(),
        }
        assert!(
            !format!("{t:?}").contains("s3cret"),
            "password leaked in Debug"
        );
        // Read from the environment, it is registered: an echo of it is masked.
        assert_eq!(
            crate::evidence::redact::text("server said: s3cret æ\"' ok"),
            "server said: [redacted] ok"
        );
        assert!(t.citizen("mor").unwrap_err().to_string().contains("far"));
    }

    #[test]
    fn names_the_problem() {
        let cfg: ConfigFile = toml::from_str(CFG).unwrap();
        let e = cfg
            .remote_target("prod", Path::new("."), Path::new("sp-contract.toml"))
            .unwrap_err();
        assert!(e.to_string().contains("mock, exttest"), "{e}");
        std::env::remove_var("SPC_TEST_PW_MISSING");
        let cfg: ConfigFile =
            toml::from_str(&CFG.replace("SPC_TEST_PW_1", "SPC_TEST_PW_MISSING")).unwrap();
        let e = cfg
            .remote_target("exttest", Path::new("."), Path::new("x"))
            .unwrap_err();
        assert!(e.to_string().contains("SPC_TEST_PW_MISSING"), "{e}");
        let bad = CFG.replace("base_url", "base_uri");
        let e = toml::from_str::<ConfigFile>(&bad).unwrap_err().to_string();
        assert!(e.contains("base_uri"), "{e}");
        let http = CFG
            .replace("https://", "http://")
            .replace("SPC_TEST_PW_1", "SPC_TEST_PW_2");
        let cfg: ConfigFile = toml::from_str(&http).unwrap();
        std::env::set_var("SPC_TEST_PW_2", "x");
        assert!(cfg
            .remote_target("exttest", Path::new("."), Path::new("x"))
            .unwrap_err()
            .to_string()
            .contains("https://"));
    }

    #[test]
    fn token_urls_are_checked_like_base_url_naming_the_key() {
        std::env::set_var("SPC_TEST_PW_3", "x");
        for (key, url, why) in [
            ("sts_url", "https://sts exttest.dk/x", "not a valid URL"),
            (
                "access_token_url",
                "https://h:70000/token",
                "not a valid URL",
            ),
            (
                "sts_url",
                "http://sts.example/x",
                "must start with https://",
            ),
            ("access_token_url", "https://:443/token", "not a valid URL"),
        ] {
            let text = CFG.replace("SPC_TEST_PW_1", "SPC_TEST_PW_3").replace(
                "authority_cvr",
                &format!("{key} = \"{url}\"\nauthority_cvr"),
            );
            let e = exttest(&text).unwrap_err().to_string();
            assert!(
                e.contains(&format!("[targets.exttest] {key}")) && e.contains(why),
                "{url}: {e}"
            );
        }
    }

    #[test]
    fn check_url_accepts_real_addresses_and_hides_credentials() {
        for ok in [
            "https://exttest.serviceplatformen.dk",
            "https://127.0.0.1:8443/prefix",
            "https://[::1]:443",
        ] {
            assert_eq!(check_url(ok, true), Ok(()), "{ok}");
        }
        assert!(check_url("https://h/?x=1", true).is_err());
        assert!(check_url("https://h/token?x=1", false).is_ok());
        let e = check_url("https://u:hemmelig@h", true).unwrap_err();
        assert!(!e.contains("hemmelig"), "{e}");
    }
}
