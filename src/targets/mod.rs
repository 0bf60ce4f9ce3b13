//! What a run is pointed at: the configuration file, the target it describes, and the
//! certificates (the generated test PKI and a vendor's function certificate).
pub mod config;
pub mod idws;
pub mod pki;
pub mod target;
