//! How calls leave the process: the HTTP/TLS transport, the token flow and REST calls.
pub mod call;
pub mod connector;
pub mod rest;
pub mod token;
pub mod transport;
