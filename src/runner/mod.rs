//! The scenario runner: features → plan → steps → results.
pub mod exec;
pub mod features;
pub mod model;
pub mod steps;
pub mod world;
