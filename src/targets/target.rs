//! A resolved target, ready to run against: where it is, what kind it is (our own mock or a
//! remote platform), its certificates, serviceaftaler and test citizens, and the typed errors
//! of looking those up.

use crate::core::cpr::{Cpr, CprError};
use crate::targets::pki::IdentitySource;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Where trust in the server comes from.
#[derive(Debug, Clone)]
pub struct Trust {
    pub ca_pem: Option<PathBuf>,
    pub system_roots: bool,
}

/// A resolved target, ready to run against.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    /// Filled in for the mock when it has started.
    pub base_url: String,
    pub production: bool,
    /// Made by the embedded mock; read [`Target::kind`], which answers "our own mock?".
    pub is_mock: bool,
    pub authority_cvr: Option<String>,
    pub user_system_uuid: String,
    pub user_uuid: String,
    /// `standard` plus any aliases.
    pub identities: BTreeMap<String, IdentitySource>,
    pub trust: Trust,
    /// Approved agreements per service id (upper-case SF number).
    pub agreements: BTreeMap<String, String>,
    /// `"SF1520:afventende"` → uuid.
    pub agreement_aliases: BTreeMap<String, String>,
    /// Citizen alias → its CPR number, checked once when the target is made; one that is not
    /// a CPR number (the example config's placeholder) is kept as the reason, refused when a
    /// step or probe names the alias (see [`Target::citizen`]).
    pub citizens: BTreeMap<String, Result<Cpr, CprError>>,
    pub timeouts: Timeouts,
    /// Token model endpoints when configured; `crate::client::token::endpoints` fills in defaults.
    pub sts_url: Option<String>,
    pub access_token_url: Option<String>,
    /// OIO IDWS endpoints when configured; `crate::targets::idws::route` fills in defaults.
    pub idws: crate::targets::idws::IdwsSettings,
}

/// Something a step, probe or run names that the target does not have: the user's to add to
/// the configuration (or the mock data), so an input error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("target '{target}' has no approved serviceaftale for {service}; add `{service} = \"<agreement uuid>\"` under [targets.{target}.agreements]")]
    NoAgreement { target: String, service: String },
    #[error("target '{target}' has no serviceaftale named '{alias}' for {service}; add `\"{key}\" = \"<agreement uuid>\"` under [targets.{target}.aliases.agreements]")]
    NoNamedAgreement {
        target: String,
        service: String,
        alias: String,
        key: String,
    },
    #[error("target '{target}' has no citizen named '{alias}' (known: {}); {}", if known.is_empty() { "none".to_string() } else { known.join(", ") }, if *in_mock_data { format!("add {{\"alias\": \"{alias}\", \"cpr\": \"<cpr>\", \"sf1520\": \"sf1520/{alias}.xml\"}} to mocks/citizens.json and the lookup's answer to mocks/sf1520/{alias}.xml (in your --mocks folder)") } else { format!("add `\"{alias}\" = \"<cpr>\"` under [targets.{target}.aliases.citizens]") })]
    NoCitizen {
        target: String,
        alias: String,
        known: Vec<String>,
        /// The embedded mock takes its citizens from its data, not from the config.
        in_mock_data: bool,
    },
    #[error("citizen '{alias}' of target '{target}' is not a valid CPR number: {reason}; {}", if *in_mock_data { format!("correct the cpr of '{alias}' in mocks/citizens.json") } else { format!("set a test citizen's real CPR number at [targets.{target}.aliases.citizens] {alias} (the example config's placeholder is not one)") })]
    NotACpr {
        target: String,
        alias: String,
        reason: CprError,
        in_mock_data: bool,
    },
    #[error("target '{target}' has no certificate named '{alias}'; add [targets.{target}.aliases.identities.{alias}] with pkcs12 or cert/key")]
    NoIdentity { target: String, alias: String },
}

crate::input_error!(TargetError);

/// Step checks and messages take the wording as text.
impl From<TargetError> for String {
    fn from(e: TargetError) -> String {
        e.to_string()
    }
}

/// What a target is, answered in one place ([`Target::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// The mock this process started (`--target mock`).
    EmbeddedMock,
    /// `sp-contract mock serve` on a loopback address (the real platform never is).
    LocalMock,
    /// Anything else: exttest, production, a vendor's proxy.
    Remote,
}

impl TargetKind {
    /// sp-contract's own mock, embedded or served: where modelled services may be sent.
    pub fn is_own_mock(self) -> bool {
        self != TargetKind::Remote
    }
}

impl Target {
    /// Where a call of the OIO IDWS model goes on this target (see `targets::idws`).
    pub fn idws_route(
        &self,
        service: &crate::core::service::ServiceInfo,
        idws: &crate::core::service::Idws,
    ) -> crate::targets::idws::Route {
        self.idws.route(&self.base_url, service, idws)
    }

    /// Embedded mock, a local `mock serve`, or a remote target: from how the target was made
    /// and its parsed base URL (https on a loopback host).
    pub fn kind(&self) -> TargetKind {
        if self.is_mock {
            return TargetKind::EmbeddedMock;
        }
        let loopback = url::Url::parse(&self.base_url).is_ok_and(|u| {
            u.scheme() == "https"
                && u.host_str().is_some_and(|h| {
                    let h = h.trim_start_matches('[').trim_end_matches(']');
                    h.eq_ignore_ascii_case("localhost")
                        || h.parse::<std::net::IpAddr>()
                            .is_ok_and(|ip| ip.is_loopback())
                })
        });
        if loopback {
            TargetKind::LocalMock
        } else {
            TargetKind::Remote
        }
    }

    pub fn agreement_for(&self, service: &str) -> Result<&str, TargetError> {
        self.agreements
            .get(&service.to_ascii_uppercase())
            .map(String::as_str)
            .ok_or_else(|| TargetError::NoAgreement {
                target: self.name.clone(),
                service: service.to_string(),
            })
    }

    pub fn agreement_alias(&self, service: &str, alias: &str) -> Result<&str, TargetError> {
        let key = format!("{}:{alias}", service.to_ascii_uppercase());
        self.agreement_aliases
            .get(&key)
            .map(String::as_str)
            .ok_or_else(|| TargetError::NoNamedAgreement {
                target: self.name.clone(),
                service: service.to_string(),
                alias: alias.to_string(),
                key,
            })
    }

    /// The CPR number of a citizen alias. A number that is not a CPR number (the example
    /// config's placeholder `0000000000`) is refused here, naming the alias and where it is
    /// set, so nothing is ever sent with it.
    pub fn citizen(&self, alias: &str) -> Result<&str, TargetError> {
        let cpr = self
            .citizens
            .get(alias)
            .ok_or_else(|| TargetError::NoCitizen {
                target: self.name.clone(),
                alias: alias.to_string(),
                known: self.citizens.keys().cloned().collect(),
                in_mock_data: self.kind() == TargetKind::EmbeddedMock,
            })?;
        cpr.as_ref()
            .map(Cpr::as_str)
            .map_err(|e| TargetError::NotACpr {
                target: self.name.clone(),
                alias: alias.to_string(),
                reason: e.clone(),
                in_mock_data: self.kind() == TargetKind::EmbeddedMock,
            })
    }

    pub fn identity(&self, alias: &str) -> Result<&IdentitySource, TargetError> {
        self.identities
            .get(alias)
            .ok_or_else(|| TargetError::NoIdentity {
                target: self.name.clone(),
                alias: alias.to_string(),
            })
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timeouts {
    #[serde(default = "default_connect_ms")]
    pub connect_ms: u64,
    #[serde(default = "default_request_ms")]
    pub request_ms: u64,
}

fn default_connect_ms() -> u64 {
    5_000
}
fn default_request_ms() -> u64 {
    30_000
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_ms: default_connect_ms(),
            request_ms: default_request_ms(),
        }
    }
}

impl Timeouts {
    pub fn connect(&self) -> Duration {
        Duration::from_millis(self.connect_ms)
    }
    pub fn request(&self) -> Duration {
        Duration::from_millis(self.request_ms)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A remote target with nothing configured.
    pub(crate) fn blank() -> Target {
        Target {
            name: "x".into(),
            base_url: String::new(),
            production: false,
            is_mock: false,
            authority_cvr: None,
            user_system_uuid: String::new(),
            user_uuid: String::new(),
            identities: Default::default(),
            trust: Trust {
                ca_pem: None,
                system_roots: true,
            },
            agreements: Default::default(),
            agreement_aliases: Default::default(),
            citizens: Default::default(),
            timeouts: Default::default(),
            sts_url: None,
            access_token_url: None,
            idws: Default::default(),
        }
    }

    #[test]
    fn only_https_on_a_loopback_host_is_a_local_mock() {
        let mut t = blank();
        for (url, kind) in [
            ("https://127.0.0.1:8443", TargetKind::LocalMock),
            ("https://localhost:8443/", TargetKind::LocalMock),
            ("https://[::1]:8443", TargetKind::LocalMock),
            ("https://exttest.serviceplatformen.dk", TargetKind::Remote),
            ("https://127.0.0.1.example.com", TargetKind::Remote),
            ("http://127.0.0.1:8443", TargetKind::Remote),
            ("not a url", TargetKind::Remote),
        ] {
            t.base_url = url.into();
            assert_eq!(t.kind(), kind, "{url}");
        }
        t.is_mock = true;
        assert_eq!(t.kind(), TargetKind::EmbeddedMock);
        assert!(t.kind().is_own_mock());
    }
}
