//! Top-level error type and the documented exit codes.
//!
//! Each domain has its own error type (`ConfigError`, `PkiError`, `FeatureError`,
//! `TransportError`, ...); this module only maps them onto what the process reports.

use std::fmt;

/// The process exit codes, documented in `--help` and the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitCode {
    /// Every selected scenario passed.
    Passed = 0,
    /// At least one scenario broke the contract.
    ContractFailed = 1,
    /// Usage, configuration or input error (bad flag, bad config, broken feature file,
    /// undefined step, missing certificate, wrong password).
    Usage = 2,
    /// The target could not be reached or refused us (connection, TLS, authentication)
    /// before the contract could be judged.
    Unreachable = 3,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// An error that ends a command before or outside the scenario run.
#[derive(Debug)]
pub struct Fatal {
    pub code: ExitCode,
    pub message: String,
}

impl Fatal {
    pub fn usage(message: impl Into<String>) -> Self {
        Fatal {
            code: ExitCode::Usage,
            message: message.into(),
        }
    }
    pub fn unreachable(message: impl Into<String>) -> Self {
        Fatal {
            code: ExitCode::Unreachable,
            message: message.into(),
        }
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Fatal {}

/// Render an error with its whole `source()` chain on one line, the way users read it.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = e.source();
    }
    out
}
