//! What a run is pointed at: the configuration file, the target it describes, the
//! certificates (the generated test PKI and a vendor's function certificate), and where the
//! OIO IDWS STS and services are.
pub mod config;
pub mod idws;
pub mod pki;
pub mod target;
