//! The Serviceplatform services this tool knows, one folder each: `mod.rs` (the codec:
//! request builders and answer readers), `mock.rs` (what the embedded mock answers),
//! `steps.rs` (the step vocabulary) and `probe.rs` (the doctor's read call). Each folder
//! gives one [`entry::Entry`]; [`catalog`] is the only registry.
//!
//! Paths, entityIDs and ServiceUUIDs come from the official contract packages
//! (`sp/service.properties`) and `serviceplatform.md` §1.

pub mod catalog;
pub mod entry;
pub mod oir;
pub mod post;
pub mod sagdok;
pub mod sf1470;
pub mod sf1520;
pub mod sf2900;
