//! sp-contract: a contract test harness for KOMBIT's Serviceplatformen.
//!
//! An engine library with a thin CLI (`src/main.rs` → [`cli`]). One module per concern:
//! XML/SOAP handling, the targets, transport, the embedded mock, one module per service,
//! the runner, snapshots and report writers.
pub mod cli;
pub mod config;
pub mod cpr;
pub mod doctor;
pub mod engine;
pub mod error;
pub mod fingerprint;
pub mod form;
pub mod fsio;
pub mod gherkin;
pub mod klassifikation;
pub mod kle;
pub mod memo;
pub mod mock;
pub mod normalise;
pub mod pki;
pub mod redact;
pub mod report;
pub mod rest;
pub mod runner;
pub mod selection;
pub mod services;
pub mod snapshot;
pub mod soap;
pub mod token;
pub mod transport;
pub mod xml;
