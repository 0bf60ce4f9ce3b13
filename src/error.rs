//! Top-level error type and the documented exit codes.
//!
//! Each domain has its own error type (`ConfigError`, `FeatureError`, `TransportError`, ...)
//! that knows its exit class ([`Classified`]); `?` turns any of them into a [`Fatal`] with
//! that class and the whole cause chain as its message.

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

    /// The one code for many outcomes: 2 (our side is wrong) outranks 1 (the target broke
    /// the contract), which outranks 3 (not reached); 0 when nothing failed.
    pub fn worst(codes: impl IntoIterator<Item = ExitCode>) -> ExitCode {
        codes
            .into_iter()
            .max_by_key(|c| match c {
                ExitCode::Passed => 0,
                ExitCode::Unreachable => 1,
                ExitCode::ContractFailed => 2,
                ExitCode::Usage => 3,
            })
            .unwrap_or(ExitCode::Passed)
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

/// A domain error that knows which documented exit class it belongs to: what the user must
/// do next decides it (fix what they wrote: 2; the target broke the contract: 1; the target
/// could not be reached or refused: 3).
pub trait Classified: std::error::Error {
    fn exit_code(&self) -> ExitCode;
}

impl<E: Classified> From<E> for Fatal {
    fn from(e: E) -> Fatal {
        Fatal {
            code: e.exit_code(),
            message: chain(&e),
        }
    }
}

/// Errors that are always the user's input to fix (a file, a flag, a folder): exit 2.
#[macro_export]
macro_rules! input_error {
    ($($t:ty),+ $(,)?) => {
        $(impl $crate::error::Classified for $t {
            fn exit_code(&self) -> $crate::error::ExitCode {
                $crate::error::ExitCode::Usage
            }
        })+
    };
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] Inner);
    #[derive(Debug, thiserror::Error)]
    #[error("inner cause")]
    struct Inner;
    impl Classified for Outer {
        fn exit_code(&self) -> ExitCode {
            ExitCode::Unreachable
        }
    }

    #[test]
    fn a_classified_error_becomes_a_fatal_of_its_class_with_its_chain() {
        fn fails() -> Result<(), Fatal> {
            Err(Outer(Inner))?;
            Ok(())
        }
        let f = fails().unwrap_err();
        assert_eq!(f.code, ExitCode::Unreachable);
        assert_eq!(f.message, "outer: inner cause");
    }

    #[test]
    fn the_worst_code_wins_usage_over_contract_over_unreachable() {
        use ExitCode::*;
        assert_eq!(ExitCode::worst([]), Passed);
        assert_eq!(ExitCode::worst([Passed, Unreachable]), Unreachable);
        assert_eq!(
            ExitCode::worst([Unreachable, ContractFailed]),
            ContractFailed
        );
        assert_eq!(ExitCode::worst([ContractFailed, Usage, Unreachable]), Usage);
    }
}
