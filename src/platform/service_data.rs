//! Data a service loads for the mock from its own folder under `mocks/` (SF2900's
//! fordelingsregler, say), kept by type beside the shared platform data. Loaded on first
//! use: when the mock starts (so broken files stop it), or when a step or a `--dry-run`
//! precheck first asks; `list` never loads it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

type Slot = Arc<dyn Any + Send + Sync>;

/// Clones share the data (as the platform's clones share their scenario state).
#[derive(Default, Clone)]
pub struct ServiceData(Arc<Mutex<HashMap<TypeId, Slot>>>);

impl ServiceData {
    /// The service's data of type `T`, loading it from `dir` with `load` the first time.
    /// A failed load is not kept: the next call tries again and says the same.
    pub fn get_or_load<T: Any + Send + Sync, E>(
        &self,
        dir: &Path,
        load: impl FnOnce(&Path) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = map.get(&TypeId::of::<T>()) {
            return Ok(v.clone().downcast::<T>().expect("keyed by its own type"));
        }
        let v = Arc::new(load(dir)?);
        map.insert(TypeId::of::<T>(), v.clone());
        Ok(v)
    }
}

impl std::fmt::Debug for ServiceData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|m| m.len()).unwrap_or(0);
        write!(f, "ServiceData({n} loaded)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_loaded_once_and_a_failure_is_not_kept() {
        let d = ServiceData::default();
        let dir = Path::new("/nonexistent");
        let e = d.get_or_load::<u32, String>(dir, |p| Err(format!("{} is missing", p.display())));
        assert_eq!(e.unwrap_err(), "/nonexistent is missing");
        assert_eq!(*d.get_or_load::<_, String>(dir, |_| Ok(7u32)).unwrap(), 7);
        assert_eq!(*d.get_or_load::<_, String>(dir, |_| Ok(8u32)).unwrap(), 7);
    }
}
