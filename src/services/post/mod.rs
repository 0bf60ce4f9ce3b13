//! Post: Digital Post (SF1601, REST with the token model) with MeMo letters, and
//! Fjernprint/physical print (SF1600, SOAP).
pub mod memo;
pub mod mock;
pub mod probe;
pub mod probe_sf1600;
pub mod sf1600;
pub mod sf1601;
pub mod steps;
