//! TEMPORARY stub; replaced by branch `reports`.
#![allow(dead_code, unused_variables)]
use std::path::{Path, PathBuf};
pub struct SnapshotStore {
    root: PathBuf,
}
pub enum SnapshotOutcome {
    Matched,
    Created(PathBuf),
    Updated(PathBuf),
}
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("missing")]
    Missing { path: PathBuf, new_path: PathBuf },
    #[error("mismatch")]
    Mismatch {
        path: PathBuf,
        new_path: PathBuf,
        diff: String,
    },
}
impl SnapshotStore {
    pub fn new(root: PathBuf, update: bool) -> Self {
        SnapshotStore { root }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn check(
        &self,
        file_stem: &str,
        source: &str,
        expression: &str,
        content: &str,
    ) -> Result<SnapshotOutcome, SnapshotError> {
        Ok(SnapshotOutcome::Matched)
    }
}
pub fn snapshot_name(feature_stem: &str, scenario: &str, label: Option<&str>) -> String {
    String::new()
}
