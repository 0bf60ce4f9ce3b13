//! sp-contract: a contract test harness for KOMBIT's Serviceplatformen.
pub mod cli;
pub mod error;
pub mod runner;
pub mod cpr;
pub mod redact;
pub mod xml;
pub mod config;
pub mod pki;
pub mod services;
pub mod soap;
pub mod transport;
pub mod mock;
pub mod normalise;
pub mod snapshot;
