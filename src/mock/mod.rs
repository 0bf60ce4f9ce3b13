//! The embedded mock of Serviceplatformen: wiremock-rs behind a mutual-TLS front.
pub mod endpoint;
pub mod front;
pub mod mappings;
pub mod oir;
pub mod platform;
pub mod server;
pub mod sf1470;
pub mod sf1520;
pub mod sf1600;
pub mod sf1601;
pub mod sf2900;
pub mod state;
pub mod strict_json;
pub mod sts;

pub use front::Limits;
pub use server::{start, start_with, MockError, RunningMock};
pub use state::SCENARIO_HEADER;
