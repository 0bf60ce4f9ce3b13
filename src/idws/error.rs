//! The token model's errors, each with its exit class: our own certificate or input is ours
//! to fix (2); an STS that answers but breaks the contract (malformed, unsigned, unrelated
//! answer) is 1; an STS that refuses (a SOAP fault) is 3. [`VerifyError`] names what a
//! checked message has wrong, for the mock's faults; no variant ever holds a token.

use crate::error::{Classified, ExitCode};

/// Building a message, or reading the STS's answer, failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdwsError {
    /// Our certificate or key cannot sign or be encoded.
    #[error("cannot use the client certificate for OIO IDWS: {detail} — check the configured certificate and key")]
    Certificate { detail: String },

    /// What we were asked to put into a message is unusable (e.g. a body that is not XML).
    #[error("cannot build the {what}: {detail}")]
    Build { what: &'static str, detail: String },

    /// The STS answered something that is not a usable RSTR.
    #[error("the STS's answer is malformed: {detail}")]
    Malformed { detail: String },

    /// The STS answered, but its answer relates to another request.
    #[error(
        "the STS's answer relates to {got:?}, not to our request {expected:?} (wsa:RelatesTo)"
    )]
    RelatesTo { expected: String, got: String },

    /// The STS's answer or assertion carries no signature, or fails a check (signature,
    /// timestamp, audience).
    #[error("the STS's answer does not verify: {0}")]
    Unverified(#[source] VerifyError),

    /// The STS refused to issue a token (a SOAP fault).
    #[error("the STS refused to issue a token: {reason} — check the serviceaftale for this CVR and service, and that the certificate is registered on the it-system")]
    Refused { reason: String },
}

impl Classified for IdwsError {
    fn exit_code(&self) -> ExitCode {
        match self {
            IdwsError::Certificate { .. } | IdwsError::Build { .. } => ExitCode::Usage,
            IdwsError::Malformed { .. }
            | IdwsError::RelatesTo { .. }
            | IdwsError::Unverified(_) => ExitCode::ContractFailed,
            IdwsError::Refused { .. } => ExitCode::Unreachable,
        }
    }
}

/// What is wrong with a signed message or an assertion. A checked message that fails is the
/// sender's broken contract (1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    #[error("not well-formed XML: {0}")]
    NotXml(String),
    #[error("{0} is missing")]
    Missing(String),
    #[error("{what} is not what the token model allows: {detail}")]
    Unsupported { what: &'static str, detail: String },
    #[error("more than one element has the id {0:?} (a signature must name exactly one)")]
    DuplicateId(String),
    #[error("no element has the id {0:?} that the signature references")]
    UnknownReference(String),
    #[error("the digest of the signed {element} (reference #{id}) does not match: it was altered after signing")]
    Digest { id: String, element: String },
    #[error("the signature does not cover {0}")]
    NotCovered(String),
    #[error("the signature value does not verify with the {key}")]
    SignatureValue { key: &'static str },
    #[error("the message is not signed with the holder-of-key certificate named in the assertion")]
    NotHolderOfKey,
    #[error("the {what} expired at {at}")]
    Expired { what: &'static str, at: String },
    #[error("the {what} is not valid before {at}")]
    NotYetValid { what: &'static str, at: String },
    #[error("the assertion is for audience {got:?}, not {expected:?}")]
    Audience { expected: String, got: String },
    #[error("the certificate in the {what} cannot be read: {detail}")]
    Certificate { what: &'static str, detail: String },
}

impl Classified for VerifyError {
    fn exit_code(&self) -> ExitCode {
        ExitCode::ContractFailed
    }
}
