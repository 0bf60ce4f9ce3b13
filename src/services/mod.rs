//! The Serviceplatform services this tool knows, one module each.
//!
//! Paths, entityIDs and ServiceUUIDs come from the official contract packages
//! (`sp/service.properties`) and `serviceplatform.md` §1.

pub mod oir;
pub mod sagdok;
pub mod sf1470;
pub mod sf1520;
pub mod sf1600;
pub mod sf1601;
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
}

pub const SERVICES: &[ServiceInfo] = &[
    sf1520::INFO,
    sf1600::INFO,
    sf1601::INFO,
    sf1470::INFO,
    sf2900::INFO,
    oir::SORTIMENT_INFO,
    oir::POSTERING_INFO,
];

pub fn by_id(id: &str) -> Option<&'static ServiceInfo> {
    SERVICES.iter().find(|s| s.id.eq_ignore_ascii_case(id))
}

/// The service id written in a step (`SF1520`, `sf1520`), checked against the known list.
pub fn parse_service(id: &str) -> Result<&'static ServiceInfo, String> {
    by_id(id.trim()).ok_or_else(|| {
        let known: Vec<&str> = SERVICES.iter().map(|s| s.id).collect();
        format!(
            "unknown service '{}'; known services: {}",
            id.trim(),
            known.join(", ")
        )
    })
}
