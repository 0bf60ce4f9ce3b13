//! Where the OIO IDWS token model goes for a target: the STS's SOAP issue endpoint, and per
//! service its endpoint and SOAP version. The rule: configured values win; the defaults are
//! KOMBIT's (serviceplatform.md "OIO IDWS token model": the STS on `n2adgangsstyring`, the
//! service directly at its støttesystem) for the exttest and prod base URLs, and the target's
//! own host for anything else (the mock serves both there).

use crate::core::service::{Idws, ServiceInfo, SoapVersion};
use std::collections::BTreeMap;

/// The STS's SOAP (WS-Trust 1.3) issue path, on KOMBIT's STS host and on the mock.
pub const STS_PATH: &str = "/runtime/services/kombittrust/14/certificatemixed";
const EXTTEST_BASE: &str = "https://exttest.serviceplatformen.dk";
const PROD_BASE: &str = "https://prod.serviceplatformen.dk";
const EXTTEST_SUFFIX: &str = "eksterntest-stoettesystemerne.dk";
const PROD_SUFFIX: &str = "stoettesystemerne.dk";

/// A target's OIO IDWS settings from its configuration (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdwsSettings {
    /// `idws_sts_url`: the STS's SOAP issue endpoint.
    pub sts_url: Option<String>,
    /// `idws_sts_certificate`: the STS's signing certificate (PEM). With it, the client checks
    /// the signatures of the STS's answer and of the assertion it issues before using them;
    /// the embedded mock's STS is always checked with the test PKI's certificate.
    pub sts_certificate: Option<std::path::PathBuf>,
    /// `[targets.X.services.SF1470]`, per service id in upper case.
    pub services: BTreeMap<String, ServiceSettings>,
}

/// One service's settings: `endpoint = "https://…"`, `soap = "1.1"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceSettings {
    pub endpoint: Option<String>,
    pub soap: Option<SoapVersion>,
}

/// Where a call of the token model goes, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub sts_url: String,
    pub endpoint: String,
    pub soap: SoapVersion,
    /// Whether each value came from the configuration (for `--dry-run`).
    pub configured: [bool; 3],
}

/// Which KOMBIT environment a base URL is, if any: the host suffix of its støttesystemer.
fn environment(base_url: &str) -> Option<&'static str> {
    match base_url.trim_end_matches('/') {
        EXTTEST_BASE => Some(EXTTEST_SUFFIX),
        PROD_BASE => Some(PROD_SUFFIX),
        _ => None,
    }
}

impl IdwsSettings {
    /// The route of `service` (whose model is `idws`) on a target at `base_url` with these
    /// settings (`Target::idws_route`).
    pub fn route(&self, base_url: &str, service: &ServiceInfo, idws: &Idws) -> Route {
        route(self, base_url, service, idws)
    }
}

fn route(t: &IdwsSettings, base_url: &str, service: &ServiceInfo, idws: &Idws) -> Route {
    let own = base_url.trim_end_matches('/');
    let env = environment(base_url);
    let settings = t.services.get(&service.id.to_ascii_uppercase());
    let sts_url = t.sts_url.clone().unwrap_or_else(|| match env {
        Some(suffix) => format!("https://n2adgangsstyring.{suffix}{STS_PATH}"),
        None => format!("{own}{STS_PATH}"),
    });
    let endpoint = settings
        .and_then(|s| s.endpoint.clone())
        .unwrap_or_else(|| match env {
            Some(suffix) => format!("https://{}.{suffix}{}", idws.host, service.path),
            None => format!("{own}{}", service.path),
        });
    let soap = settings.and_then(|s| s.soap).unwrap_or(idws.soap);
    Route {
        sts_url,
        endpoint,
        soap,
        configured: [
            t.sts_url.is_some(),
            settings.is_some_and(|s| s.endpoint.is_some()),
            settings.is_some_and(|s| s.soap.is_some()),
        ],
    }
}

impl Route {
    /// One line for `--dry-run`: each value and whether it is configured or a default.
    pub fn describe(&self) -> String {
        let from = |i: usize| {
            if self.configured[i] {
                "configured"
            } else {
                "default"
            }
        };
        format!(
            "STS {} ({}), endpoint {} ({}), SOAP {} ({})",
            self.sts_url,
            from(0),
            self.endpoint,
            from(1),
            self.soap.label(),
            from(2)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::service::{Fidelity, SecurityModel};

    const IDWS: Idws = Idws {
        host: "sagsogdokumentindeks",
        soap: SoapVersion::Soap11,
        framework: true,
    };
    const SDI: ServiceInfo = ServiceInfo {
        id: "SF1470",
        name: "sdi",
        path: "/sagdokumentindeks/6",
        entity_id: "http://entityid.kombit.dk/service/sdi/sagdokumentindeks/6",
        service_uuid: None,
        security: SecurityModel::Idws(IDWS),
        fidelity: Fidelity::Official,
    };

    fn on(base: &str, settings: &IdwsSettings) -> Route {
        settings.route(base, &SDI, &IDWS)
    }

    #[test]
    fn defaults_are_kombits_for_exttest_and_prod_and_the_own_host_otherwise() {
        let none = IdwsSettings::default();
        let r = on("https://exttest.serviceplatformen.dk/", &none);
        assert_eq!(
            r.sts_url,
            "https://n2adgangsstyring.eksterntest-stoettesystemerne.dk/runtime/services/kombittrust/14/certificatemixed"
        );
        assert_eq!(
            r.endpoint,
            "https://sagsogdokumentindeks.eksterntest-stoettesystemerne.dk/sagdokumentindeks/6"
        );
        assert_eq!(r.soap, SoapVersion::Soap11);
        let r = on("https://prod.serviceplatformen.dk", &none);
        assert!(r
            .sts_url
            .starts_with("https://n2adgangsstyring.stoettesystemerne.dk/"));
        let r = on("https://127.0.0.1:8443", &none);
        assert_eq!(r.sts_url, format!("https://127.0.0.1:8443{STS_PATH}"));
        assert_eq!(r.endpoint, "https://127.0.0.1:8443/sagdokumentindeks/6");
        assert!(r.describe().contains("(default)"));
    }

    #[test]
    fn configured_values_win() {
        let mut t = IdwsSettings {
            sts_url: Some("https://sts.example/issue".into()),
            ..IdwsSettings::default()
        };
        t.services.insert(
            "SF1470".into(),
            ServiceSettings {
                endpoint: Some("https://sdi.example/6".into()),
                soap: Some(SoapVersion::Soap12),
            },
        );
        let r = on("https://exttest.serviceplatformen.dk", &t);
        assert_eq!(
            (r.sts_url.as_str(), r.endpoint.as_str(), r.soap),
            (
                "https://sts.example/issue",
                "https://sdi.example/6",
                SoapVersion::Soap12
            )
        );
        assert_eq!(r.configured, [true, true, true]);
    }
}
