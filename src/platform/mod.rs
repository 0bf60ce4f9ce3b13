//! The embedded mock of Serviceplatformen: the mutual-TLS front, the SOAP pipeline every
//! service shares, the platform's data (it-systems, certificates, serviceaftaler, citizens,
//! fault wording), per-scenario state, the STS, and the WireMock-format stubs. What each
//! service answers lives with the service (`src/services/<service>/mock.rs`).
pub mod data;
pub mod endpoint;
pub mod front;
pub mod server;
pub mod state;
pub mod sts;
pub mod stubs;

pub use front::Limits;
pub use server::{start, start_with, MockError, RunningMock};
pub use state::SCENARIO_HEADER;
