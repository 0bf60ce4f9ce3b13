//! `run --trace DIR`: every message a run exchanged, so a vendor can see what went over the
//! wire. One file per exchange, numbered per scenario:
//! `DIR/<feature-slug>/<scenario-slug>/001-SF1520-PersonLookup.txt`, holding the request
//! (method, URL, the headers sp-contract sets, body) and the answer (status, content type,
//! body) as sent and received.
//!
//! The rule: a trace is a report like any other, so every byte of it, and every file name,
//! goes through the masking of `evidence::redact` (registered secrets by value, CPR numbers
//! and tokens by pattern). A folder that cannot be written is refused before anything runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A slug longer than this is cut (file names have limits, and long names help nobody).
const SLUG_MAX: usize = 80;

/// One exchange as the call layer saw it.
pub struct Exchange<'a> {
    /// The service's id (`SF1520`).
    pub service: &'a str,
    /// The SOAPAction, or empty for a REST call.
    pub action: &'a str,
    pub method: &'a str,
    pub url: &'a str,
    /// The headers sp-contract set, Content-Type included.
    pub headers: &'a [(String, String)],
    pub body: &'a str,
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub answer: &'a [u8],
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write the trace to {}: {source}. Give --trace a folder you can write to", dir.display())]
pub struct TraceError {
    dir: PathBuf,
    source: std::io::Error,
}

crate::input_error!(TraceError);

/// The trace folder of one run.
#[derive(Debug)]
pub struct Trace {
    dir: PathBuf,
    /// Per scenario folder, the exchanges written so far (a retried scenario goes on counting).
    written: Mutex<HashMap<PathBuf, usize>>,
    /// The first write that failed during the run.
    failed: Mutex<Option<TraceError>>,
}

impl Trace {
    /// Create `dir` (and its parents) and prove it writable.
    pub fn create(dir: &Path) -> Result<Trace, TraceError> {
        let err = |source| TraceError {
            dir: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(err)?;
        let probe = dir.join(".sp-contract-trace-probe");
        std::fs::write(&probe, b"").map_err(err)?;
        std::fs::remove_file(&probe).map_err(err)?;
        Ok(Trace {
            dir: dir.to_path_buf(),
            written: Mutex::new(HashMap::new()),
            failed: Mutex::new(None),
        })
    }

    /// Write one exchange of the scenario `scenario` in the feature file `feature_rel`.
    pub fn record(&self, feature_rel: &str, scenario: &str, ex: &Exchange<'_>) {
        let folder = self
            .dir
            .join(slug(feature_rel.trim_end_matches(".feature")))
            .join(slug(scenario));
        let n = {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            let n = written.entry(folder.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let name = format!(
            "{n:03}-{}-{}.txt",
            name_part(ex.service),
            name_part(&operation(ex))
        );
        let result = (|| {
            if n == 1 {
                clear_earlier(&folder)?;
            }
            std::fs::create_dir_all(&folder)?;
            std::fs::write(folder.join(name), render(feature_rel, scenario, ex))
        })();
        if let Err(source) = result {
            let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
            failed.get_or_insert(TraceError {
                dir: folder,
                source,
            });
        }
    }

    /// The first write that failed, if one did.
    pub fn failure(&self) -> Option<TraceError> {
        self.failed.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// An earlier run's exchanges of this scenario (`NNN-*.txt`) go, so the folder shows this run.
fn clear_earlier(folder: &Path) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let numbered = name.len() > 4 && name[..3].bytes().all(|b| b.is_ascii_digit());
        if numbered && name.ends_with(".txt") && path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The SOAPAction's last segment, else the URL path's last segment.
fn operation(ex: &Exchange<'_>) -> String {
    let action = ex.action.trim().trim_matches('"');
    let from_path = || {
        let path = ex.url.split(['?', '#']).next().unwrap_or("");
        path.rsplit('/')
            .find(|s| !s.is_empty())
            .unwrap_or("call")
            .to_string()
    };
    match action.rsplit(['/', '#']).next() {
        Some(last) if !last.is_empty() => last.to_string(),
        _ => from_path(),
    }
}

/// A file or folder name: masked first (a CPR number in a scenario's name), then slugged.
fn slug(s: &str) -> String {
    let mut out = crate::core::text::slug(&super::redact::text(s), '-');
    out.truncate(SLUG_MAX);
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

/// A service or operation in a file name, its case kept (`SF1520-PersonLookup`).
fn name_part(s: &str) -> String {
    let masked = super::redact::text(s);
    let mut out: String = masked
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    out.truncate(SLUG_MAX);
    out
}

fn render(feature_rel: &str, scenario: &str, ex: &Exchange<'_>) -> String {
    let mut out = format!(
        "# {} {} — {feature_rel}: {scenario}\n\n> {} {}\n",
        ex.service,
        operation(ex),
        ex.method,
        ex.url
    );
    for (name, value) in ex.headers {
        out.push_str(&format!("> {name}: {value}\n"));
    }
    out.push('\n');
    out.push_str(ex.body);
    out.push_str(&format!("\n\n< HTTP {}\n", ex.status));
    if let Some(ct) = ex.content_type {
        out.push_str(&format!("< Content-Type: {ct}\n"));
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(ex.answer));
    out.push('\n');
    super::redact::text(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exchange_is_one_numbered_masked_file_per_scenario() {
        let dir = tempfile::tempdir().unwrap();
        let t = Trace::create(&dir.path().join("t")).unwrap();
        let headers = vec![(
            "SOAPAction".to_string(),
            "\"urn:x/PersonLookup\"".to_string(),
        )];
        let ex = Exchange {
            service: "SF1520",
            action: "\"urn:x/PersonLookup\"",
            method: "POST",
            url: "https://h/service",
            headers: &headers,
            body: "<PNR>0101801234</PNR>",
            status: 200,
            content_type: Some("text/xml"),
            answer: b"<ok>0101801234</ok>",
        };
        t.record("cpr/opslag.feature", "Borger 0101801234 findes", &ex);
        t.record("cpr/opslag.feature", "Borger 0101801234 findes", &ex);
        let folder = dir.path().join("t/cpr-opslag/borger-010180-xxxx-findes");
        let first = std::fs::read_to_string(folder.join("001-SF1520-PersonLookup.txt")).unwrap();
        assert!(folder.join("002-SF1520-PersonLookup.txt").exists());
        assert!(!first.contains("1234"), "{first}");
        assert!(
            first.contains("> SOAPAction: \"urn:x/PersonLookup\""),
            "{first}"
        );
        assert!(
            first.contains("< HTTP 200\n< Content-Type: text/xml"),
            "{first}"
        );
        assert!(t.failure().is_none());
    }

    #[test]
    fn an_unwritable_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let e = Trace::create(&file.join("sub")).unwrap_err();
        assert!(e.to_string().contains("--trace"), "{e}");
    }
}
