//! sp-contract: a contract test harness for KOMBIT's Serviceplatformen.
pub mod cli;
pub mod error;
pub mod pki;
pub mod runner;
