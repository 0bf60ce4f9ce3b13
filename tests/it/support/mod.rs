//! Helpers shared by the integration tests (`tests/it/main.rs` declares them once).
#![allow(dead_code)]

pub mod echo_proxy;
pub mod golden;
pub mod hostile;
pub mod modelled;
pub mod redact;
pub mod run;
pub mod sf1470_calls;
pub mod sf1470_case;
pub mod xsd;
