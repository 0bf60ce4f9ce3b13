//! sp-contract: a contract test harness for KOMBIT's Serviceplatformen.
//!
//! An engine library with a thin CLI (`src/main.rs` → [`cli`] → [`commands`]). Cut by what changes:
//! - [`core`]: values and wire primitives (XML, SOAP, CPR, KLE, service facts), no I/O;
//! - [`schema`]: XSD validation against the schemas shipped in the binary (imports only `core`);
//! - [`targets`]: configuration, the target and the test PKI (not `target/`, which tools take for build output); [`client`]: the calls;
//! - [`idws`]: the OIO IDWS token model (STS request and answer, signed service calls, their checks);
//! - [`platform`]: the embedded mock's shared parts; [`runner`]: features to results;
//! - [`evidence`]: snapshots, normalising, masking, fingerprints; [`report`]: the writers;
//! - [`doctor`]: diagnosing a target; [`services`]: one folder per service, listed in
//!   [`services::catalog`], the only registry.
//!
//! `services` sits above runner, doctor and platform: it implements their traits, and
//! [`engine`] hands the catalog down. No lower module imports a service.
pub mod cli;
pub mod client;
pub mod commands;
pub mod core;
pub mod doctor;
pub mod engine;
pub mod error;
pub mod evidence;
pub mod fsio;
pub mod gherkin;
pub mod idws;
pub mod platform;
pub mod report;
pub mod runner;
pub mod schema;
pub mod services;
pub mod targets;
