//! How calls leave the process: the HTTP/TLS transport, the token flows (REST and OIO IDWS)
//! and REST calls.
pub mod call;
pub mod connector;
pub mod exchange;
pub mod idws;
pub mod rest;
pub mod token;
pub mod transport;
