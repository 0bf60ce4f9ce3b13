//! The scenario runner: features → plan → steps → results.
pub mod exec;
pub mod features;
pub mod model;
pub mod preconditions;
pub mod steps;
pub mod world;
