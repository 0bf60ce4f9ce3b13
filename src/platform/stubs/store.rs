//! The stubs a running mock serves, changeable at run time through the admin API: the file
//! stubs loaded at start, plus stubs added over `POST /__admin/mappings`, less those deleted.
//!
//! The rule: the backend reads the set without waiting on writers. Each change builds a new
//! ordered set and swaps it in under a lock held only for the swap; a request takes the
//! current set (an `Arc` clone under a read lock) and matches against it undisturbed.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use serde_json::Value;

use super::{compile, near, Mapping, MappingError, Stubs};

/// Where a stub came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A file under `mappings/`, loaded at start; `POST /__admin/reset` brings it back.
    File,
    /// `POST /__admin/mappings`; gone after a reset.
    Runtime,
}

/// One stub as the mock serves it.
#[derive(Debug)]
pub struct Stub {
    /// The mapping's `id` (or `uuid`); a fresh UUID for a mapping that names none.
    pub id: String,
    pub mapping: Mapping,
    /// The mapping as written, with its `id` and `uuid`: what the admin API shows.
    pub json: Value,
    pub origin: Origin,
    /// Each matcher on its own, for near misses.
    pub(super) parts: near::Parts,
    /// Its response body as the journal keeps it, masked once: it never changes.
    journal_body: OnceLock<String>,
}

impl Stub {
    /// `json`: the mapping's JSON object as written, when known.
    pub fn new(mapping: Mapping, json: Option<Value>, origin: Origin) -> Stub {
        let id = mapping
            .id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut json = match json {
            Some(Value::Object(o)) => o,
            _ => {
                let mut o = serde_json::Map::new();
                if let Some(name) = &mapping.name {
                    o.insert("name".into(), name.clone().into());
                }
                if let Some(p) = mapping.priority {
                    o.insert("priority".into(), p.into());
                }
                o
            }
        };
        json.insert("id".into(), id.clone().into());
        json.insert("uuid".into(), id.clone().into());
        let parts = near::Parts::of(&mapping.request, &json);
        Stub {
            id,
            mapping,
            json: Value::Object(json),
            origin,
            parts,
            journal_body: OnceLock::new(),
        }
    }

    /// The response body as the journal keeps it; `mask` makes it, once.
    pub fn journal_body(&self, mask: impl FnOnce(&[u8]) -> String) -> &str {
        self.journal_body
            .get_or_init(|| mask(&self.mapping.response().body))
    }

    /// The `name` if set, else the id, as the journal names a matched stub.
    pub fn label(&self) -> String {
        match &self.mapping.name {
            Some(name) => name.clone(),
            None if self.mapping.id.is_some() => self.id.clone(),
            None => self.mapping.label(),
        }
    }
}

/// The stubs of a running mock (see the module's rule).
#[derive(Debug)]
pub struct StubStore {
    files: Vec<Arc<Stub>>,
    /// What is served, in the order added: run-time stubs (newest last), then the file stubs
    /// still there. Writers hold this lock while they change it and swap `current`.
    live: Mutex<Vec<Arc<Stub>>>,
    current: RwLock<Arc<Stubs>>,
}

impl StubStore {
    pub fn new(stubs: Stubs) -> StubStore {
        let files = stubs.loaded.clone();
        StubStore {
            live: Mutex::new(files.clone()),
            files,
            current: RwLock::new(Arc::new(stubs)),
        }
    }

    /// The stubs as they are now, for one request.
    pub fn current(&self) -> Arc<Stubs> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Add (or, with an id already served, replace) a run-time stub. Among stubs of equal
    /// priority the newest run-time stub is tried first, as in WireMock.
    pub fn add(&self, stub: Stub) -> Arc<Stub> {
        let stub = Arc::new(stub);
        self.change(|live| {
            live.retain(|s| s.id != stub.id);
            live.push(stub.clone());
        });
        stub
    }

    /// Remove the stub with this id (a file stub too, until a reset); false if none has it.
    pub fn remove(&self, id: &str) -> bool {
        let mut found = false;
        self.change(|live| {
            let before = live.len();
            live.retain(|s| s.id != id);
            found = live.len() != before;
        });
        found
    }

    /// Remove every stub, the file stubs too, until a reset.
    pub fn clear(&self) {
        self.change(Vec::clear);
    }

    /// Back to the file stubs as loaded.
    pub fn reset(&self) {
        let files = self.files.clone();
        self.change(|live| *live = files);
    }

    fn change(&self, edit: impl FnOnce(&mut Vec<Arc<Stub>>)) {
        let mut live = self.live.lock().unwrap_or_else(|e| e.into_inner());
        edit(&mut live);
        // Run-time stubs first (newest first), then files in load order; the stable sort
        // by priority in `Stubs::from_stubs` keeps that order within a priority.
        let mut ordered: Vec<Arc<Stub>> = live
            .iter()
            .rev()
            .filter(|s| s.origin == Origin::Runtime)
            .cloned()
            .collect();
        ordered.extend(live.iter().filter(|s| s.origin == Origin::File).cloned());
        let next = Arc::new(Stubs::from_stubs(ordered));
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = next;
    }
}

/// A run-time stub from a `POST /__admin/mappings` body: one mapping object in the format
/// of the mapping files (`bodyFileName` read from `files_dir`), refused as a file would be.
pub fn parse_runtime(text: &str, files_dir: &Path) -> Result<Stub, MappingError> {
    let source = Path::new("POST /__admin/mappings");
    let json: Value = crate::core::strict_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| MappingError::json(source, &e))?;
    if json.get("mappings").is_some() {
        return Err(super::error::Loc::root(source)
            .key("mappings")
            .invalid("post one mapping object at a time (WireMock's `mappings` export format is for files and `POST /__admin/mappings/import`)"));
    }
    let mut mappings = compile::parse_file(source, text, files_dir)?;
    let mapping = mappings
        .pop()
        .expect("one mapping object gives one mapping");
    Ok(Stub::new(mapping, Some(json), Origin::Runtime))
}

/// The JSON of each mapping in a file's text, in the order `compile::parse_file` reads them.
pub(super) fn file_json(text: &str) -> Vec<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(mut o)) => match o.remove("mappings") {
            Some(Value::Array(list)) => list,
            Some(_) => Vec::new(),
            None => vec![Value::Object(o)],
        },
        _ => Vec::new(),
    }
}
