//! Validation against KOMBIT's official XSDs (`shared/contracts`) with `xmllint` (libxml2).
//!
//! The contract packages are used read-only. Where libxml2 needs a fix that Java tools do not
//! (SF1520's types schema uses the PNR namespace without importing it, see
//! `contracts/README.md`), the fix is applied to a working copy of the package, made once per
//! test process in a directory of its own under cargo's `CARGO_TARGET_TMPDIR`, so several test
//! binaries can run at the same time.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const SF1520_PACKAGE: &str = "SF1520-PersonBaseDataExtended-v4";
pub const SF1520_MSG_XSD: &str = "PersonBaseDataExtendedServiceMsg.xsd";
pub const SF1520_TYPES_XSD: &str = "xsd/PersonBaseDataExtendedServiceTypes.xsd";
pub const FAULT_XSD: &str = "sp/ServiceplatformFault_1.xsd";
const PNR_NS: &str = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/";

/// A fix applied to one file of a package's working copy: the path relative to the package
/// folder, and a function from the file's text to the fixed text.
pub type Fix = (&'static str, fn(&str) -> String);

/// Where `shared/contracts` is: `$SP_CONTRACTS_DIR`, else `<crate root>/../shared/contracts`.
pub fn contracts_dir() -> PathBuf {
    match std::env::var_os("SP_CONTRACTS_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/contracts"),
    }
}

/// Panics with a clear message if xmllint is missing.
pub fn require_xmllint() {
    static CHECK: OnceLock<Result<(), String>> = OnceLock::new();
    let check = CHECK.get_or_init(|| match Command::new("xmllint").arg("--version").output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "`xmllint --version` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(format!("cannot run xmllint: {e}")),
    });
    if let Err(e) = check {
        panic!(
            "{e}. The XSD tests need xmllint: run `scripts/install-deps --test` (Debian package \
             libxml2-utils; macOS: it ships with the system or `brew install libxml2`)."
        );
    }
}

/// Validate one XML document (a single message element, e.g. PersonLookupResponse, not a SOAP
/// envelope) against `schema` (an .xsd path) with `xmllint --noout --schema`.
/// Returns Err(xmllint's message) on failure; the document is read from stdin, so xmllint
/// names it `-` in its messages.
pub fn validate(xml: &str, schema: &Path) -> Result<(), String> {
    require_xmllint();
    let mut child = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start xmllint: {e}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = xml.as_bytes().to_vec();
    // A separate writer: xmllint may stop reading early (a schema that does not compile) and
    // must not block on a full stderr pipe while we are still writing.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("xmllint did not finish: {e}"));
    let _ = writer.join();
    if out.status.success() {
        return Ok(());
    }
    let mut message = String::from_utf8_lossy(&out.stderr).trim().to_string();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !stdout.trim().is_empty() {
        message.push('\n');
        message.push_str(stdout.trim());
    }
    if message.is_empty() {
        message = format!("xmllint failed ({}) without a message", out.status);
    }
    Err(message)
}

/// Validate and panic with xmllint's message and the document on failure.
pub fn assert_valid(xml: &str, schema: &Path, what: &str) {
    if let Err(e) = validate(xml, schema) {
        panic!(
            "{what} does not validate against {}:\n{e}\n--- document ---\n{xml}",
            schema.display()
        );
    }
}

/// The SF1520 message schema (`PersonBaseDataExtendedServiceMsg.xsd`) in a working copy of
/// the package where `xsd/PersonBaseDataExtendedServiceTypes.xsd` imports the PNR namespace.
pub fn sf1520_schema() -> PathBuf {
    static SCHEMA: OnceLock<PathBuf> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let dir = package_copy_with(SF1520_PACKAGE, &[(SF1520_TYPES_XSD, add_pnr_import)]);
            dir.join(SF1520_MSG_XSD)
        })
        .clone()
}

/// SF1470 v6's schema of the Body's elements, in KOMBIT's package as shipped in
/// `shared/contracts` (libxml2 takes it unchanged).
pub fn sf1470_schema() -> PathBuf {
    contracts_dir()
        .join("SF1470-SagDokumentIndeks-v6/wsdl/xsd/6.0.STS-0/SagDokumentIndeksOperationer.xsd")
}

/// SF1470 v6's schema of the SOAP header `RequestHeader`.
pub fn sf1470_header_schema() -> PathBuf {
    contracts_dir().join("SF1470-SagDokumentIndeks-v6/wsdl/xsd/common/RequestHeader.xsd")
}

/// The ServiceplatformFault schema (`sp/ServiceplatformFault_1.xsd`), for validating the
/// `ServiceplatformFault` element of a fault's detail. Taken from the SF1520 working copy
/// (the schema has no imports; the three packages' copies differ only in line endings).
pub fn fault_schema() -> PathBuf {
    sf1520_schema()
        .parent()
        .expect("the message schema lies in the package folder")
        .join(FAULT_XSD)
}

/// A working copy of a contract package folder (e.g. "SF1600-Print-v2") without fixes.
pub fn package_copy(name: &str) -> PathBuf {
    package_copy_with(name, &[])
}

/// A working copy of a contract package folder with `fixes` applied. Copied once per process
/// for each (package, fixes) pair; `shared/contracts` itself is never written.
pub fn package_copy_with(name: &str, fixes: &[Fix]) -> PathBuf {
    type Key = (String, Vec<(String, usize)>);
    static COPIES: OnceLock<Mutex<HashMap<Key, PathBuf>>> = OnceLock::new();
    let key: Key = (
        name.to_string(),
        fixes
            .iter()
            .map(|(file, fix)| (file.to_string(), *fix as usize))
            .collect(),
    );
    // Held while copying: one copy per key even when tests run on several threads.
    let mut copies = COPIES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(dir) = copies.get(&key) {
        return dir.clone();
    }
    let source = contracts_dir().join(name);
    assert!(
        source.is_dir(),
        "contract package {} not found (set SP_CONTRACTS_DIR to the shared/contracts folder)",
        source.display()
    );
    let dest = process_dir().join(format!("{}-{name}", copies.len()));
    copy_dir(&source, &dest);
    for (file, fix) in fixes {
        let path = dest.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("fix for {name}: cannot read {file}: {e}"));
        std::fs::write(&path, fix(&text))
            .unwrap_or_else(|e| panic!("fix for {name}: cannot write {}: {e}", path.display()));
    }
    copies.insert(key, dest.clone());
    dest
}

/// The fix libxml2 needs in SF1520's types schema: import the PNR namespace it uses. A no-op
/// if the import is already there (a corrected package).
pub fn add_pnr_import(text: &str) -> String {
    let import = format!("<xsd:import namespace=\"{PNR_NS}\" schemaLocation=\"../sp/PNR_1.xsd\"/>");
    if text.contains(&format!("<xsd:import namespace=\"{PNR_NS}\"")) {
        return text.to_string();
    }
    let schema_tag = text
        .find("<xsd:schema")
        .expect("the types schema has an <xsd:schema> element");
    let end = schema_tag
        + text[schema_tag..]
            .find('>')
            .expect("the <xsd:schema> start tag is closed");
    format!("{}\n    {import}{}", &text[..=end], &text[end + 1..])
}

/// This process's directory for working copies: unique per process, under the target dir.
/// Directories left by earlier runs (older than a day) are removed on the way.
fn process_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sp-contract-xsd");
        std::fs::create_dir_all(&base)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", base.display()));
        prune_stale(&base, Duration::from_secs(24 * 3600));
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = base.join(format!("{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        dir
    })
    .clone()
}

fn prune_stale(base: &Path, age: Duration) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|elapsed| elapsed > age);
        if old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    let entries =
        std::fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap_or_else(|e| {
                panic!(
                    "cannot copy {} to {}: {e}",
                    path.display(),
                    target.display()
                )
            });
        }
    }
}

/// The first element inside the SOAP Body of `envelope` (SOAP 1.1 or 1.2), as a standalone
/// document: the element's text verbatim, with every namespace declaration in scope at that
/// point (from Envelope and Body) carried over onto it, so prefixes used in names *and* in
/// QName values (faultcode, xsi:type) stay bound. Panics if there is none.
pub fn body_payload(envelope: &str) -> String {
    first_child_at(envelope, &["Envelope", "Body"])
        .unwrap_or_else(|| panic!("no element inside Envelope/Body in:\n{envelope}"))
}

/// The first element inside a SOAP fault's `detail` (SOAP 1.1) or `Detail` (SOAP 1.2), as a
/// standalone document like [`body_payload`]. Panics if there is none.
pub fn fault_detail_payload(envelope: &str) -> String {
    first_child_at(envelope, &["Envelope", "Body", "Fault", "detail"])
        .or_else(|| first_child_at(envelope, &["Envelope", "Body", "Fault", "Detail"]))
        .unwrap_or_else(|| panic!("no element inside Envelope/Body/Fault/detail in:\n{envelope}"))
}

/// The first child element of the element reached by `path` (local names from the root,
/// prefixes ignored), as a standalone document with the in-scope namespace declarations.
pub fn first_child_at(doc: &str, path: &[&str]) -> Option<String> {
    child_at(doc, path, None)
}

/// [`first_child_at`], but the first child with the local name `local` (a SOAP header
/// among others, such as SF1470's `RequestHeader` beside the OIO IDWS headers).
pub fn child_named_at(doc: &str, path: &[&str], local: &str) -> Option<String> {
    child_at(doc, path, Some(local))
}

fn child_at(doc: &str, path: &[&str], local: Option<&str>) -> Option<String> {
    let mut reader = Reader::from_str(doc);
    // Per open element: does it lie on `path`, and the xmlns attributes it declares.
    let mut stack: Vec<(bool, Vec<(String, String)>)> = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{doc}"));
        let (start, empty) = match &event {
            Event::Start(s) => (s, false),
            Event::Empty(s) => (s, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => return None,
            _ => continue,
        };
        let depth = stack.len();
        let parent_on_path = stack.last().is_none_or(|(on, _)| *on);
        if parent_on_path
            && depth == path.len()
            && local.is_none_or(|l| start.local_name().as_ref() == l.as_bytes())
        {
            // The target. Its own declarations win over the ancestors'.
            let own = ns_decls(start);
            let name = start.name().as_ref().to_vec();
            let end = if empty {
                reader.buffer_position() as usize
            } else {
                reader
                    .read_to_end(QName(&name))
                    .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{doc}"));
                reader.buffer_position() as usize
            };
            let mut inherited: Vec<(String, String)> = Vec::new();
            for (key, value) in stack.iter().flat_map(|(_, decls)| decls) {
                inherited.retain(|(k, _)| k != key);
                inherited.push((key.clone(), value.clone()));
            }
            inherited.retain(|(k, _)| !own.iter().any(|(o, _)| o == k));
            let element = &doc[before..end];
            let split = 1 + name.len();
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            out.push_str(&element[..split]);
            for (key, value) in inherited {
                out.push_str(&format!(" {key}=\"{}\"", value.replace('"', "&quot;")));
            }
            out.push_str(&element[split..]);
            return Some(out);
        }
        let on_path = parent_on_path
            && depth < path.len()
            && start.local_name().as_ref() == path[depth].as_bytes();
        if !empty {
            stack.push((on_path, ns_decls(start)));
        }
    }
}

/// The `xmlns` / `xmlns:p` attributes of a start tag, values as written (still escaped).
fn ns_decls(start: &BytesStart<'_>) -> Vec<(String, String)> {
    start
        .attributes()
        .flatten()
        .filter(|a| a.key.as_ref() == b"xmlns" || a.key.as_ref().starts_with(b"xmlns:"))
        .map(|a| {
            (
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                String::from_utf8_lossy(&a.value).into_owned(),
            )
        })
        .collect()
}
