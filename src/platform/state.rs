//! Per-scenario state on the mock.
//!
//! Scenarios run concurrently against one mock, and many services keep state (routing rules
//! a scenario set up, letters received, an index of cases). The runner sends each scenario's
//! id in [`SCENARIO_HEADER`] to the embedded mock only; each service keeps its state per id,
//! so scenarios never see each other's data. Calls without the header (a vendor's own system
//! against `mock serve`) share the state under the empty id.
//!
//! Bounded: the runner clears a scenario's state when the scenario ends; under `mock serve`
//! anyone may send the header, so a scenario unused for [`IDLE_EXPIRY`] is forgotten, and at
//! most [`MAX_SCENARIOS`] are kept (the least recently used goes first). The shared state
//! of calls without the header is never dropped: it is one, and bounded by the services' caps.
//! Whatever is let go of before its scenario ended is told to the [`ScenarioStates::on_evict`]
//! hook as an [`Evicted`] (`mock serve` prints it), never dropped silently.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

pub const SCENARIO_HEADER: &str = "x-sp-mock-scenario";
/// Scenarios whose state is kept at once. The runner runs far fewer concurrently.
pub const MAX_SCENARIOS: usize = 256;
/// A scenario's state not used for this long is forgotten.
pub const IDLE_EXPIRY: Duration = Duration::from_secs(30 * 60);

type Slot = Arc<dyn Any + Send + Sync>;

struct Scenario {
    last_used: Instant,
    slots: HashMap<TypeId, Slot>,
}

/// Something the mock let go of before the scenario that made it had ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evicted {
    /// The service whose state it was (`SF1601`), or [`ALL_SERVICES`] for all of a
    /// scenario's state.
    pub service: &'static str,
    /// The scenario id (empty: the state shared by calls without the header).
    pub scenario: String,
    /// What went, and why.
    pub what: String,
}

/// [`Evicted::service`] when a scenario's whole state went.
pub const ALL_SERVICES: &str = "all";

impl std::fmt::Display for Evicted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scenario = if self.scenario.is_empty() {
            "the calls without a scenario header".to_string()
        } else {
            format!(
                "scenario '{}'",
                crate::evidence::redact::mask_cpr(&self.scenario)
            )
        };
        write!(
            f,
            "mock: {} state of {scenario}: {}",
            self.service, self.what
        )
    }
}

/// Told of every [`Evicted`].
pub type EvictionHook = Arc<dyn Fn(&Evicted) + Send + Sync>;

pub struct ScenarioStates {
    scenarios: Mutex<HashMap<String, Scenario>>,
    max: usize,
    expiry: Duration,
    on_evict: RwLock<Option<EvictionHook>>,
}

impl Default for ScenarioStates {
    fn default() -> Self {
        Self::with_limits(MAX_SCENARIOS, IDLE_EXPIRY)
    }
}

impl std::fmt::Debug for ScenarioStates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScenarioStates({} scenarios)", self.len())
    }
}

impl ScenarioStates {
    pub fn with_limits(max: usize, expiry: Duration) -> Self {
        ScenarioStates {
            scenarios: Mutex::default(),
            max: max.max(1),
            expiry,
            on_evict: RwLock::default(),
        }
    }

    /// Who is told when something is evicted (replacing whoever was before); by default
    /// nobody is.
    pub fn on_evict(&self, hook: impl Fn(&Evicted) + Send + Sync + 'static) {
        *self.on_evict.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(hook));
    }

    /// Tell the hook that something was evicted.
    pub fn evicted(&self, e: Evicted) {
        let hook = self
            .on_evict
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some(hook) = hook {
            hook(&e);
        }
    }

    /// A [`Ring`] of the scenario's dropped its oldest `what`: told at the 1st, 10th, 100th,
    /// ... (a full log drops one on every insert).
    pub fn dropped_from_log(&self, service: &'static str, scenario: &str, what: &str, d: Dropped) {
        if d.total == 10u64.pow(d.total.ilog10()) {
            self.evicted(Evicted {
                service,
                scenario: key(scenario).into_owned(),
                what: format!(
                    "the oldest {what} are dropped, {} so far: the newest {} are kept",
                    d.total, d.kept
                ),
            });
        }
    }

    /// The state of type `T` for a scenario, created empty on first use. Each service
    /// defines its own `T`, so services don't need to know about each other.
    pub fn get<T: Default + Send + 'static>(&self, scenario: &str) -> Arc<Mutex<T>> {
        self.get_or(scenario, T::default)
    }

    /// [`ScenarioStates::get`] for state that is made with something of the service's (a
    /// limit shared by all scenarios).
    pub fn get_or<T: Send + 'static>(
        &self,
        scenario: &str,
        make: impl FnOnce() -> T,
    ) -> Arc<Mutex<T>> {
        let scenario = &*key(scenario);
        let now = Instant::now();
        let mut all = self.scenarios.lock().unwrap_or_else(|p| p.into_inner());
        let expired = !scenario.is_empty()
            && all
                .get(scenario)
                .is_some_and(|s| now.duration_since(s.last_used) > self.expiry);
        let mut gone = Vec::new();
        if expired {
            all.remove(scenario);
            gone.push((scenario.to_string(), Gone::Idle));
        }
        let counted = all.len() - usize::from(all.contains_key(""));
        if !scenario.is_empty() && !all.contains_key(scenario) && counted >= self.max {
            gone.extend(self.make_room(&mut all, now));
        }
        let entry = all.entry(scenario.to_string()).or_insert_with(|| Scenario {
            last_used: now,
            slots: HashMap::new(),
        });
        entry.last_used = now;
        let slot = entry
            .slots
            .entry(TypeId::of::<Mutex<T>>())
            .or_insert_with(|| Arc::new(Mutex::new(make())) as Slot)
            .clone();
        drop(all);
        for (scenario, why) in gone {
            self.evicted(Evicted {
                service: ALL_SERVICES,
                scenario,
                what: why.to_string(),
            });
        }
        slot.downcast::<Mutex<T>>()
            .unwrap_or_else(|_| unreachable!("slot keyed by its own TypeId"))
    }

    /// Drop expired scenarios; if none expired, the least recently used one. Never the
    /// shared state (the empty id): it is one, and calls without the header rely on it.
    /// Says which went.
    fn make_room(&self, all: &mut HashMap<String, Scenario>, now: Instant) -> Vec<(String, Gone)> {
        let mut gone = Vec::new();
        all.retain(|id, s| {
            let keep = id.is_empty() || now.duration_since(s.last_used) <= self.expiry;
            if !keep {
                gone.push((id.clone(), Gone::Idle));
            }
            keep
        });
        let counted = all.len() - usize::from(all.contains_key(""));
        if counted < self.max {
            return gone;
        }
        if let Some(oldest) = all
            .iter()
            .filter(|(id, _)| !id.is_empty())
            .min_by_key(|(_, s)| s.last_used)
            .map(|(k, _)| k.clone())
        {
            all.remove(&oldest);
            gone.push((oldest, Gone::Full(self.max)));
        }
        gone
    }

    /// Forget everything a scenario left behind.
    pub fn clear(&self, scenario: &str) {
        let scenario = &*key(scenario);
        let mut all = self.scenarios.lock().unwrap_or_else(|p| p.into_inner());
        all.remove(scenario);
    }

    /// Scenarios with state.
    pub fn len(&self) -> usize {
        self.scenarios.lock().map(|s| s.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why a whole scenario's state went.
enum Gone {
    Idle,
    Full(usize),
}

impl std::fmt::Display for Gone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gone::Idle => write!(
                f,
                "forgotten, unused for {} minutes",
                IDLE_EXPIRY.as_secs() / 60
            ),
            Gone::Full(max) => write!(
                f,
                "forgotten, the least recently used of the {max} scenarios kept at once"
            ),
        }
    }
}

/// Longer scenario ids are kept by their digest: anyone may send the header under `mock
/// serve`, and 256 ids of a few hundred kilobytes each would otherwise stay in memory.
const MAX_KEY_LEN: usize = 128;

fn key(scenario: &str) -> std::borrow::Cow<'_, str> {
    if scenario.len() <= MAX_KEY_LEN {
        return scenario.into();
    }
    use sha2::Digest as _;
    let d = sha2::Sha256::digest(scenario.as_bytes());
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}").into()
}

/// What a full [`Ring`] let go of: its entries dropped so far, and how many it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    pub total: u64,
    pub kept: usize,
}

/// A log that keeps the newest `CAP` entries (per-scenario letter and delivery logs).
#[derive(Debug, Clone)]
pub struct Ring<T, const CAP: usize> {
    items: std::collections::VecDeque<T>,
    dropped: u64,
}

impl<T, const CAP: usize> Default for Ring<T, CAP> {
    fn default() -> Self {
        Ring {
            items: std::collections::VecDeque::new(),
            dropped: 0,
        }
    }
}

impl<T, const CAP: usize> Ring<T, CAP> {
    /// Add `item`; when full, the oldest goes, and that is returned to be told
    /// ([`ScenarioStates::dropped_from_log`]).
    #[must_use = "a dropped entry is to be told (ScenarioStates::dropped_from_log)"]
    pub fn push(&mut self, item: T) -> Option<Dropped> {
        let full = self.items.len() >= CAP.max(1);
        if full {
            self.items.pop_front();
            self.dropped += 1;
        }
        self.items.push_back(item);
        full.then_some(Dropped {
            total: self.dropped,
            kept: CAP.max(1),
        })
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
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

    #[test]
    fn ten_thousand_scenarios_leave_at_most_the_cap() {
        let s = ScenarioStates::default();
        s.get::<Vec<u32>>("kept").lock().unwrap().push(7);
        for i in 0..10_000 {
            s.get::<Vec<u32>>(&format!("scenario-{i}"))
                .lock()
                .unwrap()
                .push(i);
            // A scenario in use is the most recently used, so it stays.
            if i % 100 == 0 {
                assert_eq!(*s.get::<Vec<u32>>("kept").lock().unwrap(), vec![7]);
            }
        }
        assert_eq!(s.len(), MAX_SCENARIOS);
        assert_eq!(*s.get::<Vec<u32>>("kept").lock().unwrap(), vec![7]);
        assert_eq!(
            *s.get::<Vec<u32>>("scenario-9999").lock().unwrap(),
            vec![9999]
        );
        assert!(s.get::<Vec<u32>>("scenario-0").lock().unwrap().is_empty());
    }

    #[test]
    fn idle_scenarios_expire() {
        let s = ScenarioStates::with_limits(10, Duration::from_millis(50));
        s.get::<Vec<u32>>("a").lock().unwrap().push(1);
        std::thread::sleep(Duration::from_millis(80));
        assert!(s.get::<Vec<u32>>("a").lock().unwrap().is_empty());
        s.get::<Vec<u32>>("b").lock().unwrap().push(1);
        std::thread::sleep(Duration::from_millis(80));
        for i in 0..10 {
            s.get::<Vec<u32>>(&i.to_string());
        }
        assert_eq!(s.len(), 10, "expired ones made room first");
    }

    #[test]
    fn a_ring_keeps_the_newest_oldest_first_and_never_more_than_its_cap() {
        let mut r = Ring::<u32, 3>::default();
        assert!(r.is_empty());
        for i in 0..10 {
            let dropped = r.push(i).map(|d| (d.total, d.kept));
            assert_eq!(dropped, (i >= 3).then(|| (u64::from(i) - 2, 3)), "{i}");
            assert_eq!(r.len(), (i as usize + 1).min(3));
            let want: Vec<u32> = (i.saturating_sub(2)..=i).collect();
            assert_eq!(r.iter().copied().collect::<Vec<_>>(), want);
            assert_eq!(r.iter().next_back(), Some(&i), "newest last");
        }
        r.clear();
        assert!(r.is_empty());
        let mut one = Ring::<u32, 0>::default();
        assert_eq!(one.push(1), None);
        assert_eq!(one.push(2), Some(Dropped { total: 1, kept: 1 }));
        assert_eq!(
            one.iter().copied().collect::<Vec<_>>(),
            vec![2],
            "a cap of 0 keeps one"
        );
    }

    /// Calls without the header (a vendor's own system against `mock serve`) share the
    /// state under the empty id: it is one, bounded by the services' own caps, and must
    /// survive a lunch break and a client that sends many ids.
    #[test]
    fn the_shared_state_is_neither_expired_nor_evicted() {
        let s = ScenarioStates::with_limits(2, Duration::from_millis(50));
        s.get::<Vec<u32>>("").lock().unwrap().push(1);
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(*s.get::<Vec<u32>>("").lock().unwrap(), vec![1]);
        std::thread::sleep(Duration::from_millis(80));
        for id in ["a", "b", "c", "d"] {
            s.get::<Vec<u32>>(id).lock().unwrap().push(2);
        }
        assert_eq!(*s.get::<Vec<u32>>("").lock().unwrap(), vec![1]);
        assert!(s.len() <= 3, "{}", s.len());
    }

    #[test]
    fn long_scenario_ids_are_kept_by_their_digest() {
        let s = ScenarioStates::default();
        let long = |c: char| c.to_string().repeat(300_000);
        s.get::<Vec<u32>>(&long('a')).lock().unwrap().push(1);
        s.get::<Vec<u32>>(&long('b')).lock().unwrap().push(2);
        assert_eq!(*s.get::<Vec<u32>>(&long('a')).lock().unwrap(), vec![1]);
        assert_eq!(*s.get::<Vec<u32>>(&long('b')).lock().unwrap(), vec![2]);
        let kept: usize = s.scenarios.lock().unwrap().keys().map(String::len).sum();
        assert!(kept <= 2 * MAX_KEY_LEN, "{kept} bytes of ids kept");
        s.clear(&long('a'));
        assert!(s.get::<Vec<u32>>(&long('a')).lock().unwrap().is_empty());
    }

    fn recording(s: &ScenarioStates) -> Arc<Mutex<Vec<Evicted>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        s.on_evict(move |e| sink.lock().unwrap().push(e.clone()));
        seen
    }

    #[test]
    fn evicted_scenarios_are_told_and_cleared_ones_are_not() {
        let s = ScenarioStates::with_limits(2, Duration::from_secs(60));
        let seen = recording(&s);
        s.get::<Vec<u32>>("a");
        s.get::<Vec<u32>>("b");
        s.clear("b");
        s.get::<Vec<u32>>("c");
        assert!(
            seen.lock().unwrap().is_empty(),
            "a cleared scenario is no eviction"
        );
        s.get::<Vec<u32>>("d");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].service, ALL_SERVICES);
        assert_eq!(
            seen[0].to_string(),
            "mock: all state of scenario 'a': forgotten, the least recently used of the 2 scenarios kept at once"
        );
        assert_eq!(seen[0].scenario, "a");
        assert!(
            seen[0].to_string().contains("least recently used of the 2"),
            "{}",
            seen[0]
        );
    }

    #[test]
    fn idle_scenarios_are_told_when_forgotten() {
        let s = ScenarioStates::with_limits(10, Duration::from_millis(20));
        let seen = recording(&s);
        s.get::<Vec<u32>>("a");
        std::thread::sleep(Duration::from_millis(40));
        s.get::<Vec<u32>>("a");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].what.contains("unused for"), "{}", seen[0]);
    }

    #[test]
    fn a_full_log_is_told_at_each_power_of_ten() {
        let s = ScenarioStates::default();
        let seen = recording(&s);
        let mut r = Ring::<u32, 2>::default();
        for i in 0..1_002 {
            if let Some(d) = r.push(i) {
                s.dropped_from_log("SF1601", "", "letters", d);
            }
        }
        let seen = seen.lock().unwrap().clone();
        let told: Vec<String> = seen.iter().map(|e| e.what.clone()).collect();
        assert_eq!(told.len(), 4, "{told:?}");
        assert!(
            told[3].contains("1000 so far") && told[3].contains("newest 2"),
            "{told:?}"
        );
        assert!(
            seen[0]
                .to_string()
                .starts_with("mock: SF1601 state of the calls without a scenario header"),
            "{}",
            seen[0]
        );
    }
}
