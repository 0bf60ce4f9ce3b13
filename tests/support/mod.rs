//! Helpers shared by the integration tests. Include with `mod support;` from a test file.
//! Not every test binary uses every helper.
#![allow(dead_code)]

pub mod xsd;
