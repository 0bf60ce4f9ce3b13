//! The facts about a service that every layer needs (its SF number, path, entityID,
//! ServiceUUID and security model), and [`Known`]: the services a run knows, which the
//! catalog (`src/services/catalog.rs`) hands down, so no lower layer names a service.

/// Static facts about one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceInfo {
    /// The SF number used in tags, config keys and CLI flags (`SF1520`).
    pub id: &'static str,
    pub name: &'static str,
    /// Path below the target's base URL (the WSDL's address path; keep the path, swap the host).
    pub path: &'static str,
    /// The token audience (entityID).
    pub entity_id: &'static str,
    /// `service.uuid` from the contract package: the InvocationContext's ServiceUUID.
    pub service_uuid: Option<&'static str>,
    /// How this tool's calls to the service are authorised (and the mock checks them).
    pub security: SecurityModel,
    /// Whether the contract is KOMBIT's own or modelled here.
    pub fidelity: Fidelity,
}

/// How much of a service's contract comes from KOMBIT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fidelity {
    /// Built from KOMBIT's official contract package: what is sent and answered validates
    /// against its XSDs.
    Official,
    /// The wire format (names, namespaces, ServiceUUID) is not public: modelled in one place
    /// in the service's folder (`model.rs`), and the mock data marks its serviceaftaler
    /// `"modelled": true`.
    Modelled,
}

/// How calls to a service are authorised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityModel {
    /// InvocationContext in the request: the call names the serviceaftale UUID, the it-system,
    /// the user and the ServiceUUID (SF1520, SF1600; SF1470 and ØiR on the mock).
    Invocation,
    /// AuthorityContext in the request: the call names only the authority (MunicipalityCVR);
    /// the platform finds the serviceaftale from the it-system the certificate is registered
    /// on (SF2900).
    Authority,
    /// The REST token model: STS, AccessTokenService, then the call with a holder-of-key
    /// token; the STS finds the serviceaftale from the certificate and the authority's CVR
    /// (SF1601).
    Token,
    /// The OIO IDWS token model, called directly at the støttesystem (not via
    /// Serviceplatformen): a SOAP WS-Trust token (a holder-of-key SAML assertion) from the STS
    /// for the service's entityID and the authority's CVR, then a call signed with the
    /// certificate the assertion binds, the assertion embedded (SF1470 v6; later SF1500,
    /// SF1510). The STS finds the serviceaftale from the certificate's it-system and the CVR.
    Idws(Idws),
}

/// How a service of the OIO IDWS token model is called (its defaults; a target may override
/// the endpoint and SOAP version per service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idws {
    /// The støttesystem's host name below `eksterntest-stoettesystemerne.dk` (exttest) and
    /// `stoettesystemerne.dk` (prod): `sagsogdokumentindeks` for SF1470.
    pub host: &'static str,
    /// The SOAP version the service speaks by default.
    pub soap: SoapVersion,
    /// Whether calls carry the Liberty `Framework` header (SF1470: yes).
    pub framework: bool,
}

/// The SOAP version of a call. The STS speaks 1.2; SF1470 1.1 (both of KOMBIT's samples).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SoapVersion {
    #[default]
    Soap11,
    Soap12,
}

impl SoapVersion {
    /// As a config file writes it: `"1.1"` or `"1.2"`.
    pub fn parse(s: &str) -> Option<SoapVersion> {
        match s.trim() {
            "1.1" => Some(SoapVersion::Soap11),
            "1.2" => Some(SoapVersion::Soap12),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SoapVersion::Soap11 => "1.1",
            SoapVersion::Soap12 => "1.2",
        }
    }
}

/// The services a run knows, in the catalog's order. Lower layers get it handed down and
/// look services up here instead of naming them.
#[derive(Debug, Clone)]
pub struct Known(std::sync::Arc<[&'static ServiceInfo]>);

impl Known {
    pub fn new(services: Vec<&'static ServiceInfo>) -> Known {
        Known(services.into())
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static ServiceInfo> + '_ {
        self.0.iter().copied()
    }

    pub fn by_id(&self, id: &str) -> Option<&'static ServiceInfo> {
        self.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }

    /// The service a token audience (entityID) names.
    pub fn by_entity_id(&self, entity_id: &str) -> Option<&'static ServiceInfo> {
        self.iter().find(|s| s.entity_id == entity_id)
    }

    /// The service id written in a step (`SF1520`, `SF1590A`, `sf1520`), checked for its form
    /// ([`ID_PATTERN`]) and against the known list.
    pub fn parse(&self, id: &str) -> Result<&'static ServiceInfo, String> {
        let id = id.trim();
        if !is_service_id(id) {
            return Err(format!(
                "'{id}' is not a service id: write SF, its number and, where the service has one, its letter (SF1520, SF1590A)"
            ));
        }
        self.by_id(id).ok_or_else(|| {
            let known: Vec<&str> = self.iter().map(|s| s.id).collect();
            format!(
                "unknown service '{id}'; known services: {}",
                known.join(", ")
            )
        })
    }
}

/// How steps write a service id: `SF`, its number, and the capital letter some services have
/// (`SF1520`, `SF1590A`). Step patterns use it as it is.
pub const ID_PATTERN: &str = r"SF\d+[A-Z]?";

/// Is `id` written like a service id ([`ID_PATTERN`], in either case).
pub fn is_service_id(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() < 3 || !b[..2].eq_ignore_ascii_case(b"SF") {
        return false;
    }
    let digits = b[2..].iter().take_while(|c| c.is_ascii_digit()).count();
    let tail = &b[2 + digits..];
    digits > 0 && (tail.is_empty() || (tail.len() == 1 && tail[0].is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: ServiceInfo = ServiceInfo {
        id: "SF1520",
        name: "a",
        path: "/a",
        entity_id: "http://a",
        service_uuid: None,
        security: SecurityModel::Invocation,
        fidelity: Fidelity::Official,
    };
    const B: ServiceInfo = ServiceInfo {
        id: "SF1590A",
        name: "b",
        path: "/b",
        entity_id: "http://b",
        service_uuid: None,
        security: SecurityModel::Token,
        fidelity: Fidelity::Modelled,
    };

    #[test]
    fn service_ids_are_read_with_their_letter_and_checked_for_form() {
        let known = Known::new(vec![&A, &B]);
        let re = regex::Regex::new(&format!("^{ID_PATTERN}$")).unwrap();
        for s in known.iter() {
            assert!(re.is_match(s.id), "{} has the form steps read", s.id);
            assert_eq!(known.parse(s.id).unwrap().id, s.id);
        }
        assert_eq!(known.parse(" sf1590a ").unwrap().id, "SF1590A");
        assert_eq!(known.by_entity_id("http://b").unwrap().id, "SF1590A");
        let e = known.parse("SF1590").unwrap_err();
        assert!(
            e.contains("unknown service 'SF1590'") && e.contains("SF1590A"),
            "{e}"
        );
        for bad in ["SF1590AB", "SF", "1520", "SFA", "SF15-20", "SF1520Æ", ""] {
            let e = known.parse(bad).unwrap_err();
            assert!(e.contains("is not a service id"), "{bad}: {e}");
        }
    }
}
