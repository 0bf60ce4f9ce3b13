//! The Serviceplatform services this tool knows, one module each.
//!
//! Paths, entityIDs and ServiceUUIDs come from the official contract packages
//! (`sp/service.properties`) and `serviceplatform.md` §1.

pub mod oir;
pub mod post;
pub mod sagdok;
pub mod sf1470;
pub mod sf1520;
pub mod sf2900;

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
}

pub const SERVICES: &[ServiceInfo] = &[
    sf1520::INFO,
    post::sf1600::INFO,
    post::sf1601::INFO,
    sf1470::INFO,
    sf2900::INFO,
    oir::SORTIMENT_INFO,
    oir::POSTERING_INFO,
];

pub fn by_id(id: &str) -> Option<&'static ServiceInfo> {
    SERVICES.iter().find(|s| s.id.eq_ignore_ascii_case(id))
}

/// How steps write a service id: `SF`, its number, and the capital letter some services have
/// (`SF1520`, `SF1590A`). Step patterns use it as it is.
pub const ID_PATTERN: &str = r"SF\d+[A-Z]?";

/// Is `id` written like a service id ([`ID_PATTERN`], in either case).
fn is_service_id(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() < 3 || !b[..2].eq_ignore_ascii_case(b"SF") {
        return false;
    }
    let digits = b[2..].iter().take_while(|c| c.is_ascii_digit()).count();
    let tail = &b[2 + digits..];
    digits > 0 && (tail.is_empty() || (tail.len() == 1 && tail[0].is_ascii_alphabetic()))
}

/// The service id written in a step (`SF1520`, `SF1590A`, `sf1520`), checked for its form
/// ([`ID_PATTERN`]) and against the known list.
pub fn parse_service(id: &str) -> Result<&'static ServiceInfo, String> {
    let id = id.trim();
    if !is_service_id(id) {
        return Err(format!(
            "'{id}' is not a service id: write SF, its number and, where the service has one, its letter (SF1520, SF1590A)"
        ));
    }
    by_id(id).ok_or_else(|| {
        let known: Vec<&str> = SERVICES.iter().map(|s| s.id).collect();
        format!(
            "unknown service '{id}'; known services: {}",
            known.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_ids_are_read_with_their_letter_and_checked_for_form() {
        let re = regex::Regex::new(&format!("^{ID_PATTERN}$")).unwrap();
        for s in SERVICES {
            assert!(re.is_match(s.id), "{} has the form steps read", s.id);
            assert_eq!(parse_service(s.id).unwrap().id, s.id);
        }
        assert_eq!(parse_service(" sf1590a ").unwrap().id, "SF1590A");
        let e = parse_service("SF1590").unwrap_err();
        assert!(
            e.contains("unknown service 'SF1590'") && e.contains("SF1590A"),
            "{e}"
        );
        for bad in ["SF1590AB", "SF", "1520", "SFA", "SF15-20", "SF1520Æ", ""] {
            let e = parse_service(bad).unwrap_err();
            assert!(e.contains("is not a service id"), "{bad}: {e}");
        }
    }
}
