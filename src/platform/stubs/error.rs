//! Why the mappings could not be loaded, and where: every message names the file, the JSON
//! path where relevant, and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use serde_path_to_error::Segment;

use super::de::Shape;

#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    #[error("{}: cannot read: {source}; check that it exists and is readable", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}:{line}:{column}: malformed JSON: {message}; fix the syntax (a mapping file holds one \
         WireMock mapping object or {{\"mappings\": [...]}})",
        path.display()
    )]
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Duplicate {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: `{field}`: {message}", path.display())]
    Invalid {
        path: PathBuf,
        field: String,
        message: String,
    },
    #[error("{}: `{field}` is not supported by sp-contract's mapping loader: {message}", path.display())]
    Unsupported {
        path: PathBuf,
        field: String,
        message: String,
    },
    #[error(
        "{}: `{field}`: cannot read body file {}: {source}; put the file under the mocks \
         directory's __files/ folder or fix bodyFileName",
        path.display(),
        body_file.display()
    )]
    BodyFile {
        path: PathBuf,
        field: String,
        body_file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: `{field}`: {reason}", path.display())]
    BodyFileRefused {
        path: PathBuf,
        field: String,
        reason: crate::fsio::ReadError,
    },
    /// A mapping file that is not a regular file or is too large.
    #[error("{0}")]
    File(crate::fsio::ReadError),
}

impl MappingError {
    /// A JSON text that does not parse, or says one thing twice.
    pub(super) fn json(file: &Path, e: &serde_json::Error) -> MappingError {
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
        let (path, line, column) = (file.to_path_buf(), e.line(), e.column());
        // Well-formed JSON that says one thing twice: not a syntax error.
        if e.is_data() {
            MappingError::Duplicate {
                path,
                line,
                column,
                message,
            }
        } else {
            MappingError::Json {
                path,
                line,
                column,
                message,
            }
        }
    }

    /// A value of `document` that does not fit the format, at the JSON path serde found it.
    pub(super) fn shape(
        file: &Path,
        document: &Value,
        e: serde_path_to_error::Error<Shape>,
    ) -> MappingError {
        let path = e.path().to_string();
        let loc = Loc {
            file,
            // serde_path_to_error's name for the document itself.
            path: if path == "." { String::new() } else { path },
        };
        let object = containing_object(document, e.path());
        match e.into_inner() {
            Shape::Mismatch(message) | Shape::Other(message) => loc.invalid(message),
            Shape::UnknownKey { key, present } => {
                loc.unsupported(super::format::unknown_key(&key, present, object))
            }
        }
    }
}

/// The object holding the value at `path` (an unknown key's siblings).
fn containing_object<'v>(
    document: &'v Value,
    path: &serde_path_to_error::Path,
) -> Option<&'v Map<String, Value>> {
    let segments: Vec<&Segment> = path.iter().collect();
    let mut value = document;
    for segment in &segments[..segments.len().saturating_sub(1)] {
        value = match segment {
            Segment::Seq { index } => value.get(*index)?,
            Segment::Map { key } => value.get(key.as_str())?,
            _ => return None,
        };
    }
    value.as_object()
}

/// Where in which file a value sits, for error messages.
#[derive(Clone)]
pub(super) struct Loc<'a> {
    pub file: &'a Path,
    pub path: String,
}

impl<'a> Loc<'a> {
    pub fn root(file: &'a Path) -> Loc<'a> {
        Loc {
            file,
            path: String::new(),
        }
    }

    pub fn key(&self, key: &str) -> Loc<'a> {
        let path = if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        };
        Loc {
            file: self.file,
            path,
        }
    }

    pub fn index(&self, i: usize) -> Loc<'a> {
        Loc {
            file: self.file,
            path: format!("{}[{i}]", self.path),
        }
    }

    pub fn field(&self) -> String {
        if self.path.is_empty() {
            "(top level)".into()
        } else {
            self.path.clone()
        }
    }

    pub fn invalid(&self, message: impl fmt::Display) -> MappingError {
        MappingError::Invalid {
            path: self.file.to_path_buf(),
            field: self.field(),
            message: message.to_string(),
        }
    }

    pub fn unsupported(&self, message: impl fmt::Display) -> MappingError {
        MappingError::Unsupported {
            path: self.file.to_path_buf(),
            field: self.field(),
            message: message.to_string(),
        }
    }
}
