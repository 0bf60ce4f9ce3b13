//! What a run keeps and compares: snapshots, the normaliser that makes answers comparable,
//! the masking of secrets and CPR numbers, and the suite's fingerprint.
pub mod fingerprint;
pub mod normalise;
pub mod redact;
pub mod snapshot;
