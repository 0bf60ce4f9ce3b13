//! The platform's access checks: the context security model (an InvocationContext naming a
//! serviceaftale, the it-system, its user and the service), the AuthorityContext model (the
//! certificate finds the it-system), and the certificate registration both rest on. The rule:
//! every refusal is one of the named fault templates of `mocks/faults.json`.

use crate::core::service::ServiceInfo;
use crate::platform::data::{Agreement, AgreementStatus, Caller, MockFault, Platform, UserSystem};

/// The InvocationContext fields the mock checks.
#[derive(Debug, Clone, Default)]
pub struct InvocationFields {
    pub service_agreement_uuid: String,
    pub user_system_uuid: String,
    pub user_uuid: String,
    pub service_uuid: String,
}

impl Platform {
    /// The platform's access check for the context security model: the agreement exists,
    /// belongs to this service and to the calling system, is approved, and the certificate is
    /// registered on that system.
    pub fn authorize_invocation(
        &self,
        service: &ServiceInfo,
        ic: &InvocationFields,
        caller: &Caller,
    ) -> Result<&Agreement, MockFault> {
        if let Some(expected) = service.service_uuid {
            if ic.service_uuid != expected {
                return Err(self.fault(
                    "wrong_service_uuid",
                    &[
                        ("service_uuid", &ic.service_uuid),
                        ("expected", expected),
                        ("service", service.id),
                    ],
                ));
            }
        }
        let Some(agreement) = self
            .platform
            .agreements
            .iter()
            .find(|a| a.uuid == ic.service_agreement_uuid)
        else {
            return Err(self.fault(
                "unknown_agreement",
                &[("agreement", &ic.service_agreement_uuid)],
            ));
        };
        if !agreement.service.eq_ignore_ascii_case(service.id)
            || agreement.user_system != ic.user_system_uuid
        {
            return Err(self.fault(
                "agreement_mismatch",
                &[
                    ("agreement", &agreement.uuid),
                    ("service", service.id),
                    ("user_system", &ic.user_system_uuid),
                ],
            ));
        }
        if agreement.status != AgreementStatus::Approved {
            let status = match agreement.status {
                AgreementStatus::Pending => "pending",
                AgreementStatus::Rejected => "rejected",
                AgreementStatus::Approved => "approved",
            };
            return Err(self.fault(
                "agreement_not_approved",
                &[("agreement", &agreement.uuid), ("status", status)],
            ));
        }
        self.authorize_certificate(&agreement.user_system, caller)?;
        // The user the it-system calls as; another UserUUID is not this system's user.
        let system = self
            .platform
            .user_systems
            .iter()
            .find(|u| u.uuid == agreement.user_system);
        if let Some(system) = system.filter(|s| s.user_uuid != ic.user_uuid) {
            return Err(self.fault(
                "unknown_user",
                &[("user", &ic.user_uuid), ("user_system", &system.uuid)],
            ));
        }
        Ok(agreement)
    }

    /// The platform's access check for the AuthorityContext security model (SF2900, SF1600):
    /// the call names only the authority, so the certificate identifies the calling
    /// it-system, which needs an approved serviceaftale for this service with that authority.
    pub fn authorize_authority(
        &self,
        service: &ServiceInfo,
        authority_cvr: &str,
        caller: &Caller,
    ) -> Result<&Agreement, MockFault> {
        let systems: Vec<&UserSystem> = self
            .platform
            .user_systems
            .iter()
            .filter(|s| cert_registered(s, caller))
            .collect();
        if systems.is_empty() {
            return Err(self.fault(
                "certificate_unknown",
                &[("subject", caller.subject_cn.as_deref().unwrap_or("(none)"))],
            ));
        }
        let agreements: Vec<&Agreement> = self
            .platform
            .agreements
            .iter()
            .filter(|a| {
                a.service.eq_ignore_ascii_case(service.id)
                    && a.authority_cvr == authority_cvr
                    && systems.iter().any(|s| s.uuid == a.user_system)
            })
            .collect();
        if let Some(a) = agreements
            .iter()
            .find(|a| a.status == AgreementStatus::Approved)
        {
            return Ok(a);
        }
        match agreements.first() {
            Some(a) => Err(self.fault(
                "agreement_not_approved",
                &[
                    ("agreement", &a.uuid),
                    (
                        "status",
                        match a.status {
                            AgreementStatus::Pending => "pending",
                            _ => "rejected",
                        },
                    ),
                ],
            )),
            None => Err(self.fault(
                "authority_agreement_missing",
                &[
                    ("user_system", &systems[0].uuid),
                    ("service", service.id),
                    ("authority", authority_cvr),
                ],
            )),
        }
    }

    /// The calling certificate must be registered on the user system.
    pub fn authorize_certificate(
        &self,
        user_system: &str,
        caller: &Caller,
    ) -> Result<(), MockFault> {
        let system = self
            .platform
            .user_systems
            .iter()
            .find(|u| u.uuid == user_system);
        let registered = system.is_some_and(|s| cert_registered(s, caller));
        if registered {
            Ok(())
        } else {
            Err(self.fault(
                "certificate_not_registered",
                &[
                    ("subject", caller.subject_cn.as_deref().unwrap_or("(none)")),
                    ("user_system", user_system),
                ],
            ))
        }
    }

    /// The user system the calling certificate is registered on (token model: the STS finds
    /// the system from the certificate, not from an InvocationContext).
    pub fn user_system_for(&self, caller: &Caller) -> Option<&UserSystem> {
        self.platform
            .user_systems
            .iter()
            .find(|s| self.authorize_certificate(&s.uuid, caller).is_ok())
    }
}

/// Is the caller's certificate one of those registered on the system.
fn cert_registered(system: &UserSystem, caller: &Caller) -> bool {
    system.certificates.iter().any(|c| {
        let cn_ok = c.subject_cn.is_some() && c.subject_cn == caller.subject_cn;
        let fp_ok = match (&c.sha256, &caller.sha256) {
            (Some(a), Some(b)) => normalise_fp(a) == normalise_fp(b),
            _ => false,
        };
        cn_ok || fp_ok
    })
}

fn normalise_fp(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_hexdigit())
        .collect::<String>()
        .to_ascii_uppercase()
}
