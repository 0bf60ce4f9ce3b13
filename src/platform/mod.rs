//! The embedded mock of Serviceplatformen: the mutual-TLS front, the SOAP pipeline every
//! service shares, the platform's data (it-systems, certificates, serviceaftaler, citizens,
//! fault wording), per-scenario state, the WireMock-format stubs, the journal of requests,
//! WireMock's admin API, and the OIO IDWS STS with the token check in front of that model's
//! services (`idws`). What each service answers lives with the service
//! (`src/services/<service>/mock.rs`).
pub mod access;
pub mod admin;
pub mod backend;
pub mod data;
pub mod endpoint;
pub mod front;
pub mod idws;
pub mod journal;
pub mod request;
pub mod server;
pub mod service_data;
pub mod state;
pub mod stubs;

pub use front::Limits;
pub use server::{
    start, start_with, start_with_options, Doors, MockError, MockOptions, RunningMock,
};
pub use state::SCENARIO_HEADER;

use crate::core::service::Known;
use data::{DataError, Platform};
use endpoint::DirectResponder;
use std::sync::Arc;

/// The responders a service's mock gives the front, or why its data does not load.
pub type Responders = Result<Vec<Arc<dyn DirectResponder>>, DataError>;

/// What the mock serves, handed down by the engine (the services' catalog implements it):
/// the services it knows and the responders that answer them.
pub trait Services: Send + Sync {
    fn known(&self) -> Known;
    /// Build every service's responders; each loads its own data under `mocks/`.
    fn responders(&self, platform: &Arc<Platform>) -> Responders;
}
