//! Checking one element of a document against one shipped schema with libxml2. Compiled
//! schemas are not `Send`: each thread compiles a schema on first use and keeps it, so a
//! request costs one parse and one validation, never a compile. libxml2 never sees input our
//! own parser refused (callers check well-formedness and depth first), and anything the
//! binding might panic on is contained and becomes an error, never a crash of the mock.

use super::render::{self, Problem};
use super::{store, Root};
use libxml::parser::{Parser, ParserOptions};
use libxml::schemas::{SchemaParserContext, SchemaValidationContext};
use libxml::tree::{Document, Node};
use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

/// Where in the document the element to check is: local names from the root element down,
/// `*` for "the first child element" (a SOAP payload: `["Envelope", "Body", "*"]`).
#[derive(Debug, Clone, Copy)]
pub struct Target<'a>(pub &'a [&'a str]);

impl Target<'_> {
    /// The document's root element itself.
    pub const ROOT: Target<'static> = Target(&[]);
}

/// Why a document was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// The document breaks the schema: what, where.
    #[error("{}", join(.0))]
    Problems(Vec<Problem>),
    /// The schema could not be used (not shipped, not writable, does not compile): a fault
    /// of the tool, not of the document.
    #[error("cannot validate against {schema}: {reason}")]
    Unavailable { schema: String, reason: String },
}

fn join(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

type Compiled = Rc<RefCell<SchemaValidationContext>>;

thread_local! {
    static COMPILED: RefCell<HashMap<&'static str, Result<Compiled, String>>> =
        RefCell::new(HashMap::new());
}

/// Check the element at `target` in `doc` (a whole document, e.g. a SOAP envelope) against
/// `root`: it must be `root`'s element, valid against `root`'s schema. Lines are the
/// document's plus `line_offset`; paths start at the checked element.
pub fn check(
    doc: &[u8],
    target: Target<'_>,
    root: Root,
    line_offset: usize,
) -> Result<(), Invalid> {
    let unavailable = |reason: String| Invalid::Unavailable {
        schema: root.schema.to_string(),
        reason,
    };
    let compiled = compiled(root.schema).map_err(unavailable)?;
    // Only a refusal needs the text (to find the element's place).
    let text = || String::from_utf8_lossy(doc);
    let depth = target.0.len().saturating_sub(1);
    let outcome = catch_unwind(AssertUnwindSafe(
        || -> Result<Vec<(Option<usize>, String)>, Problem> {
            let parsed = parse(doc)?;
            let element = locate(&parsed, target)?;
            let ns = element
                .get_namespace()
                .map(|n| n.get_href())
                .unwrap_or_default();
            let name = element.get_name();
            if name != root.element || ns != root.ns {
                let rule = format!(
                    "expected <{}> in namespace {}, got <{name}> in namespace {}",
                    root.element,
                    root.ns,
                    if ns.is_empty() { "(none)" } else { &ns }
                );
                return Err(render::at_element(&text(), depth, &name, rule));
            }
            let mut ctx = compiled.borrow_mut();
            Ok(match ctx.validate_node(&element) {
                Ok(()) => Vec::new(),
                Err(errors) => errors
                    .into_iter()
                    .map(|e| {
                        let line = e.line.and_then(|l| usize::try_from(l).ok());
                        (line, e.message.unwrap_or_default())
                    })
                    .collect(),
            })
        },
    ));
    let errors = match outcome {
        Ok(Ok(errors)) => errors,
        Ok(Err(p)) => return Err(Invalid::Problems(vec![offset(p, line_offset)])),
        Err(_) => {
            // The context may be left in any state: compile afresh next time.
            COMPILED.with(|c| c.borrow_mut().remove(root.schema));
            return Err(unavailable("libxml2 failed while validating".into()));
        }
    };
    if errors.is_empty() {
        return Ok(());
    }
    let mut problems = render::problems(&text(), &errors, depth, line_offset);
    if problems.is_empty() {
        problems.push(problem(
            "libxml2 refused the element without a reason".into(),
        ));
    }
    Err(Invalid::Problems(problems))
}

/// [`check`] a document that is the message itself (its root is `root`'s element).
pub fn check_xml(doc: &[u8], root: Root, line_offset: usize) -> Result<(), Invalid> {
    check(doc, Target::ROOT, root, line_offset)
}

fn problem(rule: String) -> Problem {
    Problem {
        line: 0,
        column: 0,
        path: String::new(),
        rule,
    }
}

fn offset(mut p: Problem, by: usize) -> Problem {
    if p.line > 0 {
        p.line += by;
    }
    p
}

/// Parse strictly (no recovery, no network, no entity loading); `huge` lifts libxml2's 10 MB
/// text-node cap, which a MeMo's base64 attachments exceed (the front bounds the body).
fn parse(doc: &[u8]) -> Result<Document, Problem> {
    let options = ParserOptions {
        recover: false,
        no_net: true,
        huge: true,
        // Short texts inside the node: fewer allocations per request.
        compact: true,
        ..ParserOptions::default()
    };
    Parser::default()
        .parse_string_with_options(doc, options)
        .map_err(|_| problem("not well-formed XML".into()))
}

fn locate(doc: &Document, target: Target<'_>) -> Result<Node, Problem> {
    let mut node = doc
        .get_root_element()
        .ok_or_else(|| problem("the document has no element".into()))?;
    let mut steps = target.0.iter();
    if let Some(first) = steps.next() {
        if *first != "*" && node.get_name() != *first {
            return Err(problem(format!(
                "expected <{first}>, got <{}>",
                node.get_name()
            )));
        }
    }
    for step in steps {
        let child = if *step == "*" {
            node.get_first_element_child()
        } else {
            node.get_child_elements()
                .into_iter()
                .find(|c| c.get_name() == *step)
        };
        node = child.ok_or_else(|| problem(format!("<{}> has no <{step}>", node.get_name())))?;
    }
    Ok(node)
}

/// This thread's compiled `schema`, compiled now if it is the first use.
fn compiled(schema: &'static str) -> Result<Compiled, String> {
    if let Some(hit) = COMPILED.with(|c| c.borrow().get(schema).cloned()) {
        return hit;
    }
    let result = compile(schema);
    COMPILED.with(|c| c.borrow_mut().insert(schema, result.clone()));
    result
}

fn compile(schema: &'static str) -> Result<Compiled, String> {
    if store::file(schema).is_none() {
        return Err(format!("{schema} is not among the shipped schemas"));
    }
    let path = store::directory()?.join(schema);
    let path = path
        .to_str()
        .filter(|p| !p.contains('\0'))
        .ok_or_else(|| format!("the path {} is not usable", path.display()))?
        .to_string();
    catch_unwind(|| {
        let mut parser = SchemaParserContext::from_file(&path);
        SchemaValidationContext::from_parser(&mut parser).map_err(|errors| {
            let text: Vec<String> = errors
                .iter()
                .filter_map(|e| e.message.as_deref().map(str::trim))
                .map(str::to_string)
                .collect();
            format!("{path} does not compile: {}", text.join("; "))
        })
    })
    .unwrap_or_else(|_| Err(format!("libxml2 failed while compiling {path}")))
    .map(|ctx| Rc::new(RefCell::new(ctx)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SF1520: Root = Root {
        schema: "SF1520-PersonBaseDataExtended-v4/PersonBaseDataExtendedServiceMsg.xsd",
        ns: "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/",
        element: "PersonLookupRequest",
    };

    fn envelope(pnr: &str) -> String {
        format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\n<p:PersonLookupRequest xmlns:p=\"{}\" xmlns:pnr=\"http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/\">\n  <pnr:PNR>{pnr}</pnr:PNR>\n</p:PersonLookupRequest></s:Body></s:Envelope>",
            SF1520.ns
        )
    }

    const PAYLOAD: Target<'static> = Target(&["Envelope", "Body", "*"]);

    #[test]
    fn a_valid_payload_passes_and_a_broken_one_is_named() {
        check(envelope("0101011234").as_bytes(), PAYLOAD, SF1520, 0).unwrap();
        let e = check(envelope("01010112345").as_bytes(), PAYLOAD, SF1520, 0).unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with(
                "line 3:3: /PersonLookupRequest/PNR: length 11 exceeds the maximum length 10"
            ),
            "{text}"
        );
        assert!(!text.contains('{') || text.contains("{10}"), "{text}");
    }

    #[test]
    fn the_wrong_element_and_bad_input_are_problems_not_panics() {
        let wrong = envelope("x").replace("PersonLookupRequest", "PersonLookupResponse");
        let e = check(wrong.as_bytes(), PAYLOAD, SF1520, 0).unwrap_err();
        assert!(
            e.to_string().contains("expected <PersonLookupRequest>"),
            "{e}"
        );
        for bad in ["", "<a", "<a/>", "\u{0}"] {
            assert!(matches!(
                check(bad.as_bytes(), PAYLOAD, SF1520, 0),
                Err(Invalid::Problems(_))
            ));
        }
        let missing = Root {
            schema: "nope.xsd",
            ..SF1520
        };
        assert!(matches!(
            check(envelope("x").as_bytes(), PAYLOAD, missing, 0),
            Err(Invalid::Unavailable { .. })
        ));
    }
}
