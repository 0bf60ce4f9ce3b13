//! The scenario runner: features → plan → steps → results.
pub mod exec;
pub mod feature_check;
pub mod feature_files;
pub mod features;
pub mod lanes;
pub mod model;
pub mod plan;
pub mod preconditions;
pub mod selection;
pub mod steps;
pub mod world;
