//! Per-scenario state on the mock.
//!
//! Scenarios run concurrently against one mock, and many services keep state (routing rules
//! a scenario set up, letters received, an index of cases). The runner sends each scenario's
//! id in [`SCENARIO_HEADER`] to the embedded mock only; each service keeps its state per id,
//! so scenarios never see each other's data. Calls without the header (a vendor's own system
//! against `mock serve`) share the state under the empty id.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const SCENARIO_HEADER: &str = "x-sp-mock-scenario";

type Slot = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct ScenarioStates {
    slots: Mutex<HashMap<(String, TypeId), Slot>>,
}

impl std::fmt::Debug for ScenarioStates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.slots.lock().map(|s| s.len()).unwrap_or(0);
        write!(f, "ScenarioStates({n} slots)")
    }
}

impl ScenarioStates {
    /// The state of type `T` for a scenario, created empty on first use. Each service
    /// defines its own `T`, so services don't need to know about each other.
    pub fn get<T: Default + Send + 'static>(&self, scenario: &str) -> Arc<Mutex<T>> {
        let key = (scenario.to_string(), TypeId::of::<Mutex<T>>());
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let slot = slots
            .entry(key)
            .or_insert_with(|| Arc::new(Mutex::new(T::default())) as Slot)
            .clone();
        drop(slots);
        slot.downcast::<Mutex<T>>()
            .unwrap_or_else(|_| unreachable!("slot keyed by its own TypeId"))
    }

    /// Forget everything a scenario left behind.
    pub fn clear(&self, scenario: &str) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.retain(|(s, _), _| s != scenario);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_and_types_are_isolated() {
        let s = ScenarioStates::default();
        s.get::<Vec<u32>>("a").lock().unwrap().push(1);
        s.get::<Vec<u32>>("b").lock().unwrap().push(2);
        s.get::<String>("a").lock().unwrap().push('x');
        assert_eq!(*s.get::<Vec<u32>>("a").lock().unwrap(), vec![1]);
        assert_eq!(*s.get::<Vec<u32>>("b").lock().unwrap(), vec![2]);
        assert_eq!(*s.get::<String>("a").lock().unwrap(), "x");
        s.clear("a");
        assert!(s.get::<Vec<u32>>("a").lock().unwrap().is_empty());
        assert_eq!(*s.get::<Vec<u32>>("b").lock().unwrap(), vec![2]);
    }
}
