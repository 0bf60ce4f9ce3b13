//! The Serviceplatform services this tool knows, one folder each: `mod.rs` (the codec:
//! request builders, answer readers, `INFO` and `ENTRY`; a large codec keeps its parts
//! beside it, and a modelled contract its names in `model.rs`), `mock.rs` or `mock/` (what
//! the embedded mock answers), `steps.rs` or `steps/` (the step vocabulary; split, its
//! Givet-, Når- and Så-steps in `given.rs`, `when.rs` and `then.rs`) and `probe.rs` (the
//! doctor's read calls). Each folder gives one [`entry::Entry`]; [`catalog`] is the only
//! registry; [`sagdok`] holds the OIO parts the modelled services share.
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
