//! sp-contract: a contract test harness for KOMBIT's Serviceplatformen.
pub mod cli;
pub mod error;
pub mod runner;
pub mod cpr;
pub mod redact;
pub mod xml;
