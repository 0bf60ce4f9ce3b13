//! The fordelingsregler on the mock: which rule routes an object (the most specific match,
//! see [`super`]), and the rules and receptions of each scenario (per-scenario state, so
//! scenarios running side by side never see each other's rules).

use super::data::{fordeling, Fordeling, FordelingError, Modtager, Regel};
use crate::core::kle::{Emne, Facet};
use crate::platform::data::Platform;

/// Receptions kept per scenario; `mock serve` shares one unkeyed state, which must not grow
/// without bound.
const MAX_RECORDED: usize = 1000;

impl Fordeling {
    /// The rules in force for a scenario: its own, then the data's not shadowed by them.
    fn effective(&self, s: &ScenarioFordeling) -> Vec<Regel> {
        let mut all = s.regler.clone();
        all.extend(
            self.regler
                .iter()
                .filter(|r| !s.regler.iter().any(|o| o.key() == r.key()))
                .cloned(),
        );
        all
    }

    /// The winning rule for an object (None: no rule routes it).
    pub fn route(
        &self,
        s: &ScenarioFordeling,
        myndighed: &str,
        emne: &Emne,
        facet: Option<&Facet>,
    ) -> Option<Regel> {
        if s.uden_regel
            .iter()
            .any(|(m, e)| m == myndighed && e == emne)
        {
            return None;
        }
        self.effective(s)
            .into_iter()
            .filter(|r| r.matches(myndighed, emne, facet))
            .max_by_key(Regel::rank)
    }

    /// Whether any of the authority's rules routes to the system (FordelingsmodtagerValider).
    pub fn serves(&self, s: &ScenarioFordeling, myndighed: &str, modtager: &Modtager) -> bool {
        self.effective(s)
            .iter()
            .any(|r| r.myndighed == myndighed && r.modtager == modtager.navn)
    }
}

/// What one scenario set up and what its simulated receivers got.
#[derive(Debug, Default)]
pub struct ScenarioFordeling {
    /// Rules the scenario's Givet-steps set up, on top of the data's.
    pub regler: Vec<Regel>,
    /// (authority, emne) the scenario declared unrouted: no rule applies to them.
    pub uden_regel: Vec<(String, Emne)>,
    /// Objects delivered to receiving systems, oldest first.
    pub modtaget: crate::platform::state::Ring<Modtaget, MAX_RECORDED>,
}

/// One object a simulated receiving system got, and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modtaget {
    pub modtager: String,
    pub modtager_uuid: String,
    pub objekt_type: String,
    pub objekt_id: String,
    pub emne: String,
    pub facet: Option<String>,
    /// ACCEPTERET or AFVIST.
    pub kode: String,
    pub begrundelse: Option<String>,
    /// What the system got to read: the journal notes or the form's title.
    pub tekst: String,
}

/// Add a rule for one scenario (a Givet-step on the embedded mock). The receiving system
/// must be one of `mocks/sf2900/modtagere.json`.
pub fn add_rule(p: &Platform, scenario: &str, regel: Regel) -> Result<(), FordelingError> {
    let data = fordeling(p)?;
    if let Some(dir) = &data.missing {
        return Err(FordelingError::Missing(dir.clone()));
    }
    let m = data.find_modtager(&regel.modtager)?;
    let regel = Regel {
        modtager: m.navn.clone(),
        ..regel
    };
    in_scenario(p, scenario, |s| {
        s.regler.retain(|r| r.key() != regel.key());
        s.uden_regel
            .retain(|(m, e)| !(m == &regel.myndighed && regel.kle.matches(e)));
        s.regler.push(regel);
    });
    Ok(())
}

/// Declare that no rule routes `emne` for `myndighed` in this scenario.
pub fn remove_routing(p: &Platform, scenario: &str, myndighed: &str, emne: &Emne) {
    in_scenario(p, scenario, |s| {
        s.uden_regel.push((myndighed.to_string(), emne.clone()))
    });
}

/// What the simulated receiving systems got in this scenario.
pub fn received(p: &Platform, scenario: &str) -> Vec<Modtaget> {
    in_scenario(p, scenario, |s| s.modtaget.iter().cloned().collect())
}

/// Work on one scenario's state; a poisoned lock still holds usable rules.
fn in_scenario<R>(p: &Platform, scenario: &str, f: impl FnOnce(&mut ScenarioFordeling) -> R) -> R {
    let state = p.state.get::<ScenarioFordeling>(scenario);
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut s)
}

#[cfg(test)]
mod tests {
    use super::super::data::{
        parse_regel, KvitteringTekst, Kvitteringer, ModtagetTekst, TransportTekst,
    };
    use super::*;
    use crate::core::kle::Pattern;

    fn regel(kle: &str, facet: Option<&str>, modtager: &str) -> Regel {
        parse_regel("29189846", kle, facet, modtager).unwrap()
    }

    fn data(regler: Vec<Regel>) -> Fordeling {
        Fordeling {
            modtagere: Vec::new(),
            regler,
            kvitteringer: Kvitteringer {
                source: "modelled".into(),
                ingen_regel: KvitteringTekst {
                    kode: "AFVIST".into(),
                    kvitteringstype: "Teknisk".into(),
                    begrundelse: String::new(),
                },
                ukendt_modtager: KvitteringTekst {
                    kode: "AFVIST".into(),
                    kvitteringstype: "Teknisk".into(),
                    begrundelse: String::new(),
                },
                modtaget: ModtagetTekst {
                    kvitteringstype: "Forretning".into(),
                },
                transport_fejl: TransportTekst {
                    faultstring: String::new(),
                    begrundelse: String::new(),
                },
                max_notat_tegn: 10,
            },
            missing: None,
        }
    }

    fn winner(
        d: &Fordeling,
        s: &ScenarioFordeling,
        emne: &str,
        facet: Option<&str>,
    ) -> Option<String> {
        let f = facet.map(|f| Facet::parse(f).unwrap());
        d.route(s, "29189846", &Emne::parse(emne).unwrap(), f.as_ref())
            .map(|r| r.modtager)
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let d = data(vec![
            regel("01.01.*", None, "W"),
            regel("01.01.*", Some("A00"), "WF"),
            regel("01.01.10", None, "E"),
            regel("01.01.10", Some("G01"), "EF"),
        ]);
        let s = ScenarioFordeling::default();
        assert_eq!(
            winner(&d, &s, "01.01.10", Some("G01")).as_deref(),
            Some("EF")
        );
        assert_eq!(
            winner(&d, &s, "01.01.10", Some("P35")).as_deref(),
            Some("E")
        );
        assert_eq!(winner(&d, &s, "01.01.10", None).as_deref(), Some("E"));
        assert_eq!(
            winner(&d, &s, "01.01.11", Some("A00")).as_deref(),
            Some("WF")
        );
        assert_eq!(winner(&d, &s, "01.01.11", None).as_deref(), Some("W"));
        assert_eq!(winner(&d, &s, "01.02.11", None), None);
        // Another authority's rules never apply.
        assert_eq!(
            d.route(&s, "11111111", &Emne::parse("01.01.10").unwrap(), None),
            None
        );
    }

    #[test]
    fn scenario_rules_shadow_data_rules_with_the_same_key_and_can_remove_routing() {
        let d = data(vec![
            regel("01.01.*", None, "W"),
            regel("01.01.10", None, "E"),
        ]);
        let mut s = ScenarioFordeling::default();
        s.regler.push(regel("01.01.10", None, "S"));
        assert_eq!(winner(&d, &s, "01.01.10", None).as_deref(), Some("S"));
        assert_eq!(winner(&d, &s, "01.01.11", None).as_deref(), Some("W"));
        s.uden_regel
            .push(("29189846".into(), Emne::parse("01.01.11").unwrap()));
        assert_eq!(winner(&d, &s, "01.01.11", None), None);
        assert_eq!(
            winner(&d, &ScenarioFordeling::default(), "01.01.10", None).as_deref(),
            Some("E"),
            "other scenarios are not affected"
        );
    }

    #[test]
    fn receivers_accept_or_reject_by_kle() {
        let m = Modtager {
            navn: "KSD".into(),
            uuid: String::new(),
            beskrivelse: String::new(),
            accepterer: Some(vec![Pattern::parse("32.30.*").unwrap()]),
            afvisning: "nej til {kle}".into(),
        };
        assert_eq!(m.verdict(&Emne::parse("32.30.04").unwrap()), None);
        assert_eq!(
            m.verdict(&Emne::parse("32.18.06").unwrap()).as_deref(),
            Some("nej til 32.18.06")
        );
    }
}
