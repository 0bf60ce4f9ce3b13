//! What one service folder gives the layers below, as one value: the catalog
//! (`catalog.rs`) lists one [`Entry`] per folder.

use crate::core::service::ServiceInfo;
use crate::doctor::Probe;
use crate::platform::data::Platform;
use crate::platform::Responders;
use crate::runner::steps::StepDef;
use std::sync::Arc;

/// What one service folder gives the layers below.
pub struct Entry {
    /// The folder under `src/services/`: an SF number, or the family (`post`, `oir`) when it
    /// holds several services. The feature folder keeps its Danish name.
    pub folder: &'static str,
    /// The services the folder implements (Post: SF1600 and SF1601; ØiR: two).
    pub services: &'static [&'static ServiceInfo],
    /// Its step definitions (`sp-contract steps` lists them in this order).
    pub steps: fn() -> Vec<StepDef>,
    /// The doctor's harmless read calls, one per service that has one.
    pub probes: fn() -> Vec<Box<dyn Probe>>,
    /// What the embedded mock answers for it; loads the folder's data under `mocks/`.
    pub mock: fn(&Arc<Platform>) -> Responders,
}

/// For entries without doctor probes (modelled services no real target offers).
pub fn no_probes() -> Vec<Box<dyn Probe>> {
    Vec::new()
}
