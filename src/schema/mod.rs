//! XSD validation against the schemas that ship with the tool (`schemas/`: KOMBIT's contract
//! packages, Digitaliseringsstyrelsen's MeMo, this project's modelled XSDs), in process with
//! libxml2. Low level: imports only `core`. The rule: a verdict is libxml2's (the same library
//! as xmllint); only the wording of its messages is ours.
//!
//! - [`store`]: the embedded files and their one written copy;
//! - [`validate`]: compiled schemas (cached per thread) and the check of one element;
//! - [`render`]: libxml2's messages as `line L:C: /path/to/Element: rule`.

pub mod render;
pub mod store;
pub mod validate;

pub use render::Problem;
pub use validate::{check, check_xml, Invalid, Target};

/// The schema and global element one message validates against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Root {
    /// The schema file's path below `schemas/`.
    pub schema: &'static str,
    pub ns: &'static str,
    pub element: &'static str,
}

/// One SOAP operation's contract: its SOAPAction and the roots of its request and answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub action: &'static str,
    pub request: Root,
    pub response: Root,
}

impl Operation {
    /// An operation whose request and answer are elements of one namespace in one schema.
    pub const fn new(
        action: &'static str,
        schema: &'static str,
        ns: &'static str,
        (request, response): (&'static str, &'static str),
    ) -> Operation {
        Operation {
            action,
            request: Root {
                schema,
                ns,
                element: request,
            },
            response: Root {
                schema,
                ns,
                element: response,
            },
        }
    }
}
