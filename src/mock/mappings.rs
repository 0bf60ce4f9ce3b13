//! TEMPORARY stub; replaced by branch `mappings`.
use std::path::{Path, PathBuf};
#[derive(Debug)]
pub struct Mapping {
    pub source: PathBuf,
}
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub struct MappingError;
pub fn load_mappings(_d: &Path) -> Result<Vec<Mapping>, MappingError> {
    Ok(vec![])
}
pub async fn mount_all(_m: &[Mapping], _s: &wiremock::MockServer) {}
