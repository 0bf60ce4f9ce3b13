//! Post: Digital Post (SF1601, REST with the token model) with MeMo letters, and
//! Fjernprint/physical print (SF1600, SOAP).
pub mod memo;
pub mod mock;
pub mod probe;
pub mod sf1600;
pub mod sf1601;
pub mod steps;

/// Post (SF1601, SF1600) in the catalog.
pub const ENTRY: super::entry::Entry = super::entry::Entry {
    folder: "post",
    services: &[&sf1600::INFO, &sf1601::INFO],
    steps: steps::steps,
    probes: probe::probes,
    mock: mock::responders,
};
