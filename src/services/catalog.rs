//! The catalog: the ONLY registry of services. Each service folder gives one [`Entry`]
//! (its facts, its steps, its doctor probes and its mock responders); this list is where a
//! service is added. The engine hands the catalog down, so the runner, the doctor and the
//! embedded mock know a service only through it.

use super::entry::Entry;
use super::{oir, post, sf1470, sf1520, sf2900};
use crate::core::service::Known;
use crate::doctor::Probe;
use crate::platform::data::Platform;
use crate::runner::steps::Steps;
use std::sync::Arc;

/// Every service this tool knows, in listing order. Adding a service: one folder under
/// `src/services/` and one line here.
pub const BUILT_IN: &[&Entry] = &[
    &sf1520::ENTRY,
    &post::ENTRY,
    &sf1470::ENTRY,
    &oir::ENTRY,
    &sf2900::ENTRY,
];

/// A set of catalog entries: the built-in one, or (in tests) one with a service left out.
#[derive(Clone)]
pub struct Catalog {
    entries: Vec<&'static Entry>,
    known: Known,
}

impl Catalog {
    pub fn new(entries: Vec<&'static Entry>) -> Catalog {
        let known = Known::new(
            entries
                .iter()
                .flat_map(|e| e.services.iter().copied())
                .collect(),
        );
        Catalog { entries, known }
    }

    pub fn built_in() -> Catalog {
        Catalog::new(BUILT_IN.to_vec())
    }

    /// The catalog without the folder named (tests show that the catalog alone decides).
    pub fn without(&self, folder: &str) -> Catalog {
        Catalog::new(
            self.entries
                .iter()
                .copied()
                .filter(|e| e.folder != folder)
                .collect(),
        )
    }

    pub fn entries(&self) -> &[&'static Entry] {
        &self.entries
    }

    pub fn known(&self) -> &Known {
        &self.known
    }

    /// The step vocabulary: the platform's and generic steps and every service's.
    pub fn steps(&self) -> Steps {
        Steps::new(
            self.known.clone(),
            self.entries.iter().flat_map(|e| (e.steps)()).collect(),
        )
    }

    pub fn probes(&self) -> Vec<Box<dyn Probe>> {
        self.entries.iter().flat_map(|e| (e.probes)()).collect()
    }
}

impl crate::platform::Services for Catalog {
    fn known(&self) -> Known {
        self.known.clone()
    }

    fn responders(&self, platform: &Arc<Platform>) -> crate::platform::Responders {
        let mut all = Vec::new();
        for e in &self.entries {
            all.extend((e.mock)(platform)?);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::service::ID_PATTERN;
    use crate::runner::steps::Match;

    #[test]
    fn every_example_matches_its_own_definition_and_only_it() {
        let steps = Catalog::built_in().steps();
        for def in steps.defs() {
            match steps.find(def.example) {
                Match::Found(d, _) => assert!(
                    std::ptr::eq(d, def),
                    "example '{}' matched '{}' instead",
                    def.example,
                    d.pattern
                ),
                Match::Undefined => panic!("example '{}' matches nothing", def.example),
                Match::Ambiguous(ds) => panic!(
                    "example '{}' is ambiguous: {:?}",
                    def.example,
                    ds.iter().map(|d| d.pattern).collect::<Vec<_>>()
                ),
            }
        }
    }

    #[test]
    fn a_refusal_is_expected_only_before_a_step_that_asserts_it() {
        let steps = Catalog::built_in().steps();
        let send = r#"jeg sender et journalnotat med KLE "3230.04""#;
        let assert = r#"kaldet blev afvist før afsendelse med beskeden "not valid""#;
        let then = r#"kvitteringen er "ACCEPTERET""#;
        assert_eq!(steps.refusal_expected(&[send, assert]), [true, false]);
        assert_eq!(steps.refusal_expected(&[send, then]), [false, false]);
        // An assertion before the sending step does not cover it.
        assert_eq!(steps.refusal_expected(&[assert, send]), [false, false]);
        assert_eq!(
            steps.refusal_expected(&[send, then, assert]),
            [true, true, false]
        );
    }

    #[test]
    fn every_service_id_is_read_whole_including_a_trailing_letter() {
        let catalog = Catalog::built_in();
        let steps = catalog.steps();
        for svc in catalog.known().iter() {
            for text in [
                format!("en godkendt serviceaftale for {}", svc.id),
                format!("serviceaftalen \"afventende\" for {}", svc.id),
                format!("en ukendt serviceaftale for {}", svc.id),
            ] {
                let Match::Found(def, caps) = steps.find(&text) else {
                    panic!("'{text}' matches no step")
                };
                assert!(def.pattern.contains(ID_PATTERN), "{}", def.pattern);
                let id = caps.last().unwrap();
                assert_eq!(id, svc.id, "{text}");
                assert_eq!(catalog.known().parse(id).unwrap().id, svc.id);
            }
        }
        assert!(matches!(
            steps.find("en godkendt serviceaftale for SF1590AB"),
            Match::Undefined
        ));
    }

    #[test]
    fn the_catalog_alone_decides_which_services_have_steps_and_probes() {
        let all = Catalog::built_in();
        let without = all.without("sf2900");
        assert!(all.known().by_id("SF2900").is_some());
        assert!(without.known().by_id("SF2900").is_none());
        let note = r#"jeg sender et journalnotat med KLE "32.30.04""#;
        assert!(matches!(all.steps().find(note), Match::Found(..)));
        assert!(matches!(without.steps().find(note), Match::Undefined));
        assert!(all.probes().iter().any(|p| p.service().id == "SF2900"));
        assert!(!without.probes().iter().any(|p| p.service().id == "SF2900"));
        // Folder names are unique, and every service is listed once.
        let mut folders: Vec<&str> = all.entries().iter().map(|e| e.folder).collect();
        folders.sort();
        folders.dedup();
        assert_eq!(folders.len(), all.entries().len());
        let mut ids: Vec<&str> = all.known().iter().map(|s| s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.known().iter().count());
    }
}
