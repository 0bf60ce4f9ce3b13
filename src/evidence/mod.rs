//! What a run keeps and compares: snapshots, the normaliser that makes answers comparable,
//! the masking of secrets and CPR numbers, the suite's fingerprint, and the trace of what went
//! over the wire (`run --trace`).
pub mod fingerprint;
pub mod normalise;
pub mod redact;
pub mod snapshot;
pub mod trace;
