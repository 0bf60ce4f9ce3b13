//! The integration tests, as one binary (one link of openssl, hyper and reqwest instead of
//! one per file). `cargo test --test it MODULE::` runs one module's tests, e.g.
//! `cargo test --test it bad_inputs::`.

mod support;

mod admin;
mod bad_inputs;
mod catalog;
mod cli;
mod doctor;
mod goldens;
mod idws;
mod idws_served;
mod journal;
mod lanes;
mod leaks;
mod mappings;
mod mock_access;
mod mock_data;
mod mock_limits;
mod oir;
mod parity;
mod pki;
mod planning;
mod post;
mod quick_start;
mod refusals;
mod report_evidence;
mod report_html;
mod reports;
mod selection;
mod sf1470;
mod sf2900;
mod snapshot;
mod strict_mock;
mod trace;
mod vocabulary;
mod wire;
mod xsd;
