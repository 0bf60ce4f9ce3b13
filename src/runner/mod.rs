//! The scenario runner: features → plan → steps → results.
pub mod features;
pub mod model;
