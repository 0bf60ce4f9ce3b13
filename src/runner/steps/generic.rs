//! Steps that work for any SOAP service: fields by path, faults, snapshots, local refusals.
//!
//! Paths are local names separated by `/`, relative to the answer's payload element
//! (`persondata/navn/fornavn`), with `name[2]` for the second and a leading `//` for
//! "anywhere". Prefixes never matter.

use crate::core::soap::Reply;
use crate::core::xml::{Element, Path};
use crate::evidence::snapshot::{snapshot_name, SnapshotError};
use crate::runner::model::{FailureKind, StepFailure};
use crate::runner::steps::{Args, Kind, StepDef, StepFuture};
use crate::runner::world::{contract, input, no_answer_after_handshake, Last, World};

const G: &str = "generic";

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Then,
            G,
            r"svaret er( ikke)? en succes",
            "svaret er en succes",
            "The service answered with data (HTTP 200, no SOAP fault); with 'ikke', it answered with a fault or without data.",
            success,
        )
        .with_variants(&["svaret er ikke en succes"]),
        StepDef::new(
            Kind::Then,
            G,
            r#"feltet "([^"]+)" har( ikke)? værdien "([^"]*)""#,
            r#"feltet "persondata/navn/fornavn" har værdien "Peter""#,
            "The first element at the path has exactly this text (with 'ikke', it exists and has another). {{cpr:alias}} in the value is the citizen's CPR number on the target.",
            field_equals,
        )
        .with_variants(&[
            r#"feltet "relationer/aegtefaelle/personnummer" har værdien "{{cpr:mor}}""#,
            r#"feltet "persondata/navn/fornavn" har ikke værdien "Mette""#,
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r#"feltet "([^"]+)" indeholder( ikke)? "([^"]*)""#,
            r#"feltet "adresse/aktuelAdresse/vejnavn" indeholder "Allé""#,
            "The first element at the path contains this text (with 'ikke', it exists and does not). {{cpr:alias}} works as in 'har værdien'.",
            field_contains,
        )
        .with_variants(&[r#"feltet "adresse/aktuelAdresse/vejnavn" indeholder ikke "Gade""#]),
        StepDef::new(
            Kind::Then,
            G,
            r#"feltet "([^"]+)" findes( ikke)?"#,
            r#"feltet "persondata/personnummer" findes"#,
            "An element exists at the path (or, with 'ikke', none does).",
            field_exists,
        )
        .with_variants(&[r#"feltet "adresse/aktuelAdresse" findes ikke"#]),
        StepDef::new(
            Kind::Then,
            G,
            r#"der er (\d+) forekomster af "([^"]+)""#,
            r#"der er 2 forekomster af "relationer/barn""#,
            "Exactly this many elements at the path.",
            count,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"svaret har felterne:",
            "svaret har felterne:",
            "Every row of the table below (| felt | værdi |) holds: the field has that text ({{cpr:alias}} is the citizen's CPR number). All mismatches are listed together.",
            fields_table,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"svaret er en SOAP-fejl",
            "svaret er en SOAP-fejl",
            "The service answered with a SOAP fault.",
            is_fault,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"svaret er en SOAP-fejl med fejlkoden "([^"]+)""#,
            r#"svaret er en SOAP-fejl med fejlkoden "ServiceAgreementNotApproved""#,
            "A SOAP fault whose ServiceplatformFault ErrorCode (or FejlKode, or faultcode without prefix) is this code.",
            fault_code,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"fejlteksten indeholder "([^"]+)""#,
            r#"fejlteksten indeholder "not approved""#,
            "The fault's faultstring, an ErrorText or a FejlTekst contains the text.",
            fault_text,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"kaldet blev afvist før afsendelse med beskeden "([^"]*)""#,
            r#"kaldet blev afvist før afsendelse med beskeden "not a valid birth date""#,
            "Our own checks refused the call, nothing was sent, and the reason contains the text.",
            refused_locally,
        )
        .asserting_refusal(),
        StepDef::new(
            Kind::Then,
            G,
            SNAPSHOT_STEP,
            r#"svaret matcher det godkendte snapshot"#,
            "The normalised answer equals snapshots/<target>/<feature>__<scenario>[__<name>].snap. Prefixes, whitespace and attribute order don't matter; generated ids, timestamps and alder are redacted, CPR numbers masked. --update-snapshots writes it.",
            snapshot,
        )
        .with_variants(&[
            r#"svaret matcher det godkendte snapshot "efter opdatering""#,
        ]),
    ]
}

fn path(p: &str) -> Result<Path, StepFailure> {
    p.parse().map_err(input)
}

fn first_text(el: &Element, p: &str) -> Result<Option<String>, StepFailure> {
    let path = path(p)?;
    Ok(el.select(&path).first().map(|e| e.text()))
}

fn success(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        if !a.get(0).is_empty() {
            return not_success(w);
        }
        w.payload()?;
        match &w.last {
            Some(Last::Reply {
                http_status,
                service,
                ..
            }) if *http_status != 200 => Err(contract(format!(
                "{service} answered with data but HTTP {http_status}; a SOAP success is HTTP 200"
            ))),
            _ => Ok(()),
        }
    })
}

/// The answer was not a success: a fault, an empty Body or data with an HTTP status other
/// than 200. A call refused before sending has no answer to judge.
fn not_success(w: &World) -> Result<(), StepFailure> {
    match &w.last {
        Some(Last::Reply {
            reply: Reply::Payload(_),
            http_status: 200,
            service,
            ..
        }) => Err(contract(format!(
            "expected {service} not to answer with data, but it did (HTTP 200)"
        ))),
        Some(Last::Reply { .. }) => Ok(()),
        Some(Last::HandshakeRefused { .. }) => Err(no_answer_after_handshake()),
        Some(Last::RefusedLocally { reason }) => Err(input(format!(
            "not sent: input error: the call was refused before sending ({reason}); to assert that, write 'Så kaldet blev afvist før afsendelse med beskeden \"…\"'"
        ))),
        None => Err(input(
            "no call has been made yet in this scenario: put a Når-step before this Så-step",
        )),
    }
}

/// Compares the first element at a path with an expected text (`{{cpr:alias}}` expanded):
/// `holds` says whether the value satisfies it, `what` words the expectation.
fn field_check(
    w: &World,
    a: &Args,
    holds: fn(&str, &str) -> bool,
    what: &str,
) -> Result<(), StepFailure> {
    let negate = !a.get(1).is_empty();
    let want = w.expand_aliases(a.get(2))?;
    let p = w.payload()?;
    let not = if negate { "not " } else { "" };
    match first_text(p, a.get(0))? {
        Some(v) if holds(&v, &want) != negate => Ok(()),
        Some(v) => Err(contract(format!(
            "field {}: expected it {not}{what} \"{want}\", got \"{v}\"",
            a.get(0)
        ))),
        None => Err(contract(format!(
            "field {} is not in the answer (expected it {not}{what} \"{want}\")",
            a.get(0)
        ))),
    }
}

fn field_equals(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { field_check(w, &a, |v, want| v == want, "to be") })
}

fn field_contains(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { field_check(w, &a, |v, want| v.contains(want), "to contain") })
}

fn field_exists(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let p = w.payload()?;
        let n = p.select(&path(a.get(0))?).len();
        let want_absent = !a.get(1).is_empty();
        match (n, want_absent) {
            (0, true) | (1.., false) => Ok(()),
            (0, false) => Err(contract(format!("field {} is not in the answer", a.get(0)))),
            (_, true) => Err(contract(format!(
                "field {} should not be in the answer, but it is ({n} times)",
                a.get(0)
            ))),
        }
    })
}

fn count(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want: usize = a
            .get(0)
            .parse()
            .map_err(|_| input("count must be a number"))?;
        let p = w.payload()?;
        let n = p.select(&path(a.get(1))?).len();
        if n == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected {want} × {}, found {n}",
                a.get(1)
            )))
        }
    })
}

fn fields_table(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let table = a
            .table
            .as_ref()
            .ok_or_else(|| input("this step needs a table: | felt | værdi |"))?;
        let rows: &[Vec<String>] = match table.first() {
            Some(h) if h.len() == 2 && h[0].eq_ignore_ascii_case("felt") => &table[1..],
            _ => &table[..],
        };
        let p = w.payload()?;
        let mut diff = String::new();
        for row in rows {
            if row.len() != 2 {
                return Err(input("every table row needs two cells: | felt | værdi |"));
            }
            let got = first_text(p, &row[0])?;
            let want = w.expand_aliases(&row[1])?;
            if got.as_deref() != Some(want.as_str()) {
                diff.push_str(&format!(
                    "  {}: expected \"{want}\", got {}\n",
                    row[0],
                    got.map(|g| format!("\"{g}\""))
                        .unwrap_or_else(|| "nothing".into())
                ));
            }
        }
        if diff.is_empty() {
            Ok(())
        } else {
            Err(StepFailure {
                kind: FailureKind::Contract,
                message: "fields differ from the expected values".into(),
                diff: Some(crate::evidence::redact::text(&diff)),
            })
        }
    })
}

fn is_fault(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move { w.fault().map(|_| ()) })
}

fn fault_code(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move { expect_fault_code(w, a.get(0), "fault code") })
}

/// The last answer is a fault carrying `code` (ErrorCode, FejlKode, REST errorCode or
/// faultcode); `noun` names it in the message ("fault code", "refusal code").
pub(crate) fn expect_fault_code(w: &World, code: &str, noun: &str) -> Result<(), StepFailure> {
    let f = w.fault()?;
    let codes = f.codes();
    if codes.iter().any(|c| c == code) {
        Ok(())
    } else {
        Err(contract(format!(
            "expected {noun} {code}, got {} ({})",
            codes.join(", "),
            f.summary()
        )))
    }
}

fn fault_text(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let f = w.fault()?;
        if f.texts().iter().any(|t| t.contains(a.get(0))) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the fault text to contain \"{}\"; it says: {}",
                a.get(0),
                f.texts().join(" | ")
            )))
        }
    })
}

fn refused_locally(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        match &w.last {
            Some(Last::RefusedLocally { reason }) if reason.contains(a.get(0)) => Ok(()),
            // Both are about our own checks, not the target: the scenario must be fixed.
            Some(Last::RefusedLocally { reason }) => Err(input(format!(
                "the call was refused before sending, but the reason \"{reason}\" does not contain \"{}\"",
                a.get(0)
            ))),
            Some(Last::Reply { service, reply, .. }) => Err(input(format!(
                "expected the call to be refused before sending, but our checks let it through and it was sent to {service} ({})",
                match reply {
                    Reply::Fault(f) => format!("fault: {}", f.summary()),
                    _ => "answered".into(),
                }
            ))),
            Some(Last::HandshakeRefused { .. }) => Err(input(
                "this scenario asserts both a refusal before sending and a refused TLS handshake; keep one",
            )),
            None => Err(input("no call has been attempted in this scenario")),
        }
    })
}

const SNAPSHOT_STEP: &str = r#"svaret matcher det godkendte snapshot(?: "([^"]+)")?"#;

/// The label of a scenario's `taken`-th snapshot (1-based): the one the step names (CPR
/// numbers masked: it becomes part of a file name), else none for the first and its
/// number for later ones.
fn snapshot_label(taken: usize, given: &str) -> Option<String> {
    match given {
        "" if taken == 1 => None,
        "" => Some(taken.to_string()),
        l => Some(crate::evidence::redact::mask_cpr(l)),
    }
}

/// The snapshot names a scenario with these step texts will use, in order (for the
/// collision check at planning).
pub fn planned_snapshot_names(feature_stem: &str, scenario: &str, steps: &[&str]) -> Vec<String> {
    static RE: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::core::text::ascii_regex(&format!("^{SNAPSHOT_STEP}$")).expect("static regex")
    });
    let mut taken = 0;
    let mut out = Vec::new();
    for text in steps {
        if let Some(c) = re.captures(text.as_bytes()) {
            taken += 1;
            let label = c.get(1).map(crate::core::text::group_text);
            let label = snapshot_label(taken, label.as_deref().unwrap_or(""));
            out.push(snapshot_name(feature_stem, scenario, label.as_deref()));
        }
    }
    out
}

fn snapshot(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let el = w.snapshot_element()?;
        let content = crate::evidence::normalise::snapshot_text(&el);
        w.snapshots_taken += 1;
        let label = snapshot_label(w.snapshots_taken, a.get(0));
        let name = snapshot_name(&w.feature_stem, &w.scenario, label.as_deref());
        let expression = format!("{}: {}", w.scenario, label.as_deref().unwrap_or("svar"));
        let source = format!("features/{}", w.feature_rel);
        match w.ctx.snapshots.check(&name, &source, &expression, &content) {
            Ok(_) => Ok(()),
            Err(SnapshotError::Mismatch { diff, .. }) => Err(StepFailure {
                kind: FailureKind::Contract,
                message: crate::evidence::redact::text(&format!(
                    "the answer differs from the approved snapshot {} (a .snap.new was written beside it; accept it with --update-snapshots or `cargo insta review` if the change is intended)",
                    w.ctx.snapshots.root().join(format!("{name}.snap")).display()
                )),
                diff: Some(crate::evidence::redact::text(&diff)),
            }),
            Err(e @ SnapshotError::Missing { .. }) => Err(StepFailure {
                kind: FailureKind::Contract,
                message: crate::evidence::redact::text(&e.to_string()),
                diff: None,
            }),
            Err(e) => Err(input(e.to_string())),
        }
    })
}
