//! Values and wire primitives, without I/O beyond reading the built-in data they are made
//! of: XML, SOAP envelopes, CPR, KLE and the facts about a service that every layer needs.
pub mod cpr;
pub mod form;
pub mod ids;
pub mod klassifikation;
pub mod kle;
pub mod service;
pub mod soap;
pub mod strict_json;
pub mod text;
pub mod xml;
