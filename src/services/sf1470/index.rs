//! SF1470's case index on the mock, apart from any wire format: the cases one scenario has
//! indexed, kept compactly (every UUID, URN and code string held once per index, by number),
//! with a posting list per reference a case names (a party's CPR or CVR URN, a KLE or other
//! Klasse UUID), so a search looks only at the cases that name what it asks for and its time
//! does not grow with the index. The wire codec's [`Sag`] goes in and comes out; only
//! [`Index::insert`] and `Stored::sag` know its fields, so another wire format changes those
//! two and nothing else here.
//!
//! Bounded: at most [`MAX_SAGER`] cases per scenario and [`MAX_SAGER_MOCK`] in all scenarios
//! together (the shared [`Budget`]). An import beyond either is refused, never evicted: a
//! case that silently vanished from an index would fail a vendor's test for no visible reason.

use super::{Aktoer, Liste, Reference, Relation, Sag, Tilstand};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Cases one scenario's index holds.
pub const MAX_SAGER: usize = 100_000;
/// Cases all scenarios' indexes hold together (about 130 MB, at some 650 bytes a case).
pub const MAX_SAGER_MOCK: usize = 200_000;

/// The cases held by all indexes of one mock together.
#[derive(Debug, Default, Clone)]
pub struct Budget(Arc<AtomicUsize>);

impl Budget {
    pub fn used(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    fn take(&self) -> bool {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_SAGER_MOCK).then_some(n + 1)
            })
            .is_ok()
    }

    fn give_back(&self, n: usize) {
        self.0.fetch_sub(n, Ordering::AcqRel);
    }
}

/// A string of the index, by number.
type Sym = u32;

/// Each distinct string once, counted, and forgotten when no case names it any more.
#[derive(Default)]
struct Strings {
    ids: HashMap<Arc<str>, Sym>,
    /// The string and how many places use it; a free number has no uses.
    texts: Vec<(Arc<str>, u32)>,
    free: Vec<Sym>,
}

impl Strings {
    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.ids.get(s) {
            self.texts[id as usize].1 += 1;
            return id;
        }
        let text: Arc<str> = s.into();
        let id = match self.free.pop() {
            Some(id) => {
                self.texts[id as usize] = (text.clone(), 1);
                id
            }
            None => {
                self.texts.push((text.clone(), 1));
                Sym::try_from(self.texts.len() - 1).expect("fewer strings than cases allow")
            }
        };
        self.ids.insert(text, id);
        id
    }

    fn find(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    fn text(&self, id: Sym) -> &str {
        &self.texts[id as usize].0
    }

    fn release(&mut self, id: Sym) {
        let entry = &mut self.texts[id as usize];
        entry.1 -= 1;
        if entry.1 == 0 {
            self.ids.remove(&entry.0);
            entry.0 = "".into();
            self.free.push(id);
        }
    }
}

struct StoredRelation {
    liste: Liste,
    rolle: Sym,
    type_uuid: Sym,
    reference: Sym,
    urn: bool,
}

struct Stored {
    uuid: Sym,
    brugervendt_noegle: Box<str>,
    sagsnummer: Box<str>,
    titel: Box<str>,
    /// (FremdriftStatusKode, FraTidspunkt), oldest first.
    tilstande: Vec<(Sym, Box<str>)>,
    /// (AktoerRef, is it a URN, AktoerTypeKode).
    aktoer: Option<(Sym, bool, Sym)>,
    relationer: Box<[StoredRelation]>,
}

/// A reference from its text and whether it is a URN.
fn reference(text: String, urn: bool) -> Reference {
    if urn {
        Reference::Urn(text)
    } else {
        Reference::Uuid(text)
    }
}

impl Stored {
    fn sag(&self, strings: &Strings) -> Sag {
        let text = |id: Sym| strings.text(id).to_string();
        Sag {
            uuid: text(self.uuid),
            brugervendt_noegle: self.brugervendt_noegle.to_string(),
            sagsnummer: self.sagsnummer.to_string(),
            titel: self.titel.to_string(),
            // The index does not keep when the sender registered the case.
            tidspunkt: None,
            tilstande: self
                .tilstande
                .iter()
                .map(|(s, fra)| Tilstand {
                    status: text(*s),
                    fra: fra.to_string(),
                })
                .collect(),
            aktoer: self.aktoer.map(|(r, urn, t)| Aktoer {
                reference: reference(text(r), urn),
                type_kode: text(t),
            }),
            relationer: self
                .relationer
                .iter()
                .map(|r| Relation {
                    liste: r.liste,
                    rolle: text(r.rolle),
                    type_uuid: text(r.type_uuid),
                    reference: reference(text(r.reference), r.urn),
                })
                .collect(),
        }
    }

    /// The current state.
    fn status(&self) -> Option<Sym> {
        self.tilstande.last().map(|t| t.0)
    }

    fn syms(&self) -> impl Iterator<Item = Sym> + '_ {
        std::iter::once(self.uuid)
            .chain(self.tilstande.iter().map(|t| t.0))
            .chain(self.aktoer.iter().flat_map(|a| [a.0, a.2]))
            .chain(
                self.relationer
                    .iter()
                    .flat_map(|r| [r.rolle, r.type_uuid, r.reference]),
            )
    }
}

/// Where a searched-for reference must sit in a case.
pub enum Place<'a> {
    /// In this relation list (`Sagspart`).
    List(Liste),
    /// In a relation with one of these roles (the roles that point at a KLE emne).
    Role(&'a [&'a str]),
}

/// One search criterion: the case names `reference` at `place`.
pub struct Criterion<'a> {
    pub reference: &'a Reference,
    pub place: Place<'a>,
}

/// Why a case was not taken in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Full {
    Scenario,
    Mock,
}

impl std::fmt::Display for Full {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Full::Scenario => write!(f, "the mock's index holds at most {MAX_SAGER} cases per scenario; remove some with FjernSag"),
            Full::Mock => write!(f, "the mock's indexes hold at most {MAX_SAGER_MOCK} cases over all scenarios; remove some with FjernSag, or end other scenarios"),
        }
    }
}

/// The cases one scenario has indexed.
pub struct Index {
    strings: Strings,
    /// Cases by number; a removed case leaves a free number.
    cases: Vec<Option<Stored>>,
    free: Vec<u32>,
    by_uuid: HashMap<Sym, u32>,
    /// Per reference (a party URN, a Klasse UUID, ...), the cases naming it.
    postings: HashMap<Sym, BTreeSet<u32>>,
    budget: Budget,
}

impl Index {
    pub fn new(budget: Budget) -> Index {
        Index {
            strings: Strings::default(),
            cases: Vec::new(),
            free: Vec::new(),
            by_uuid: HashMap::new(),
            postings: HashMap::new(),
            budget,
        }
    }

    pub fn len(&self) -> usize {
        self.by_uuid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_uuid.is_empty()
    }

    fn number(&self, uuid: &str) -> Option<u32> {
        self.strings
            .find(uuid)
            .and_then(|s| self.by_uuid.get(&s))
            .copied()
    }

    pub fn get(&self, uuid: &str) -> Option<Sag> {
        let n = self.number(uuid)?;
        self.cases[n as usize]
            .as_ref()
            .map(|s| s.sag(&self.strings))
    }

    /// Take `s` in; one with the same UUID is replaced.
    pub fn insert(&mut self, s: &Sag) -> Result<(), Full> {
        if self.take_out(&s.uuid) {
            // Replacing: the case keeps its place in the budget.
        } else if self.len() >= MAX_SAGER {
            return Err(Full::Scenario);
        } else if !self.budget.take() {
            return Err(Full::Mock);
        }
        let st = &mut self.strings;
        let stored = Stored {
            uuid: st.intern(&s.uuid),
            brugervendt_noegle: s.brugervendt_noegle.as_str().into(),
            sagsnummer: s.sagsnummer.as_str().into(),
            titel: s.titel.as_str().into(),
            tilstande: s
                .tilstande
                .iter()
                .map(|t| (st.intern(&t.status), t.fra.as_str().into()))
                .collect(),
            aktoer: s.aktoer.as_ref().map(|a| {
                (
                    st.intern(a.reference.value()),
                    matches!(a.reference, Reference::Urn(_)),
                    st.intern(&a.type_kode),
                )
            }),
            relationer: s
                .relationer
                .iter()
                .map(|r| StoredRelation {
                    liste: r.liste,
                    rolle: st.intern(&r.rolle),
                    type_uuid: st.intern(&r.type_uuid),
                    reference: st.intern(r.reference.value()),
                    urn: matches!(r.reference, Reference::Urn(_)),
                })
                .collect(),
        };
        let n = match self.free.pop() {
            Some(n) => n,
            None => {
                self.cases.push(None);
                u32::try_from(self.cases.len() - 1).expect("at most MAX_SAGER cases")
            }
        };
        for r in stored.relationer.iter() {
            self.postings.entry(r.reference).or_default().insert(n);
        }
        self.by_uuid.insert(stored.uuid, n);
        self.cases[n as usize] = Some(stored);
        Ok(())
    }

    /// A new state of a case, in force from `t.fra`; false when it is not in the index.
    pub fn update(&mut self, uuid: &str, t: &Tilstand) -> bool {
        let Some(n) = self.number(uuid) else {
            return false;
        };
        let Some(case) = self.cases[n as usize].as_mut() else {
            return false;
        };
        case.tilstande
            .push((self.strings.intern(&t.status), t.fra.as_str().into()));
        true
    }

    /// Every case, in no particular order (a search by state alone, or with NOT).
    pub fn all(&self) -> Vec<Sag> {
        self.cases
            .iter()
            .flatten()
            .map(|c| c.sag(&self.strings))
            .collect()
    }

    /// The cases whose current state is `status`.
    pub fn with_status(&self, status: &str) -> Vec<Sag> {
        let Some(want) = self.strings.find(status) else {
            return Vec::new();
        };
        self.cases
            .iter()
            .flatten()
            .filter(|c| c.status() == Some(want))
            .map(|c| c.sag(&self.strings))
            .collect()
    }

    /// Remove a case; false when it is not in the index.
    pub fn remove(&mut self, uuid: &str) -> bool {
        let removed = self.take_out(uuid);
        if removed {
            self.budget.give_back(1);
        }
        removed
    }

    /// Remove a case, keeping its place in the budget.
    fn take_out(&mut self, uuid: &str) -> bool {
        let Some(n) = self.number(uuid) else {
            return false;
        };
        let Some(case) = self.cases[n as usize].take() else {
            return false;
        };
        self.by_uuid.remove(&case.uuid);
        for r in case.relationer.iter() {
            if let Some(set) = self.postings.get_mut(&r.reference) {
                set.remove(&n);
                if set.is_empty() {
                    self.postings.remove(&r.reference);
                }
            }
        }
        for id in case.syms() {
            self.strings.release(id);
        }
        self.free.push(n);
        true
    }

    /// The cases that meet every criterion, in no particular order. Looks only at the cases
    /// of the shortest posting list among the criteria's references.
    pub fn search(&self, criteria: &[Criterion<'_>]) -> Vec<Sag> {
        // Criteria by number: a string no case names matches nothing.
        let mut wanted = Vec::with_capacity(criteria.len());
        for c in criteria {
            let Some((sym, set)) = self
                .strings
                .find(c.reference.value())
                .and_then(|s| self.postings.get(&s).map(|set| (s, set)))
            else {
                return Vec::new();
            };
            let place = match c.place {
                Place::List(l) => Wanted::List(l),
                Place::Role(roles) => {
                    Wanted::Role(roles.iter().filter_map(|r| self.strings.find(r)).collect())
                }
            };
            let urn = matches!(c.reference, Reference::Urn(_));
            wanted.push((sym, urn, place, set));
        }
        let Some((_, _, _, shortest)) = wanted.iter().min_by_key(|w| w.3.len()) else {
            return Vec::new();
        };
        shortest
            .iter()
            .filter_map(|&n| self.cases[n as usize].as_ref())
            .filter(|case| {
                wanted.iter().all(|(sym, urn, place, _)| {
                    case.relationer.iter().any(|r| {
                        r.reference == *sym
                            && r.urn == *urn
                            && match place {
                                Wanted::List(l) => r.liste == *l,
                                Wanted::Role(roles) => roles.contains(&r.rolle),
                            }
                    })
                })
            })
            .map(|case| case.sag(&self.strings))
            .collect()
    }
}

/// A [`Place`] by number.
enum Wanted {
    List(Liste),
    Role(Vec<Sym>),
}

impl Drop for Index {
    fn drop(&mut self) {
        self.budget.give_back(self.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sag(uuid: &str, part: &str, klasse: &str) -> Sag {
        let rel = |liste: &str, rolle: &str, reference: Reference| Relation {
            liste: Liste::named(liste).unwrap(),
            rolle: rolle.into(),
            type_uuid: "t".into(),
            reference,
        };
        Sag {
            uuid: uuid.into(),
            brugervendt_noegle: uuid.into(),
            sagsnummer: format!("S-{uuid}"),
            titel: "Titel".into(),
            tidspunkt: None,
            tilstande: vec![Tilstand {
                status: "Opstaaet".into(),
                fra: "2024-01-02T08:00:00Z".into(),
            }],
            aktoer: Some(Aktoer {
                reference: Reference::Uuid("u".into()),
                type_kode: "Bruger".into(),
            }),
            relationer: vec![
                rel("Sagspart", "part", Reference::Urn(part.into())),
                rel("Sagsklasse", "kle", Reference::Uuid(klasse.into())),
            ],
        }
    }

    fn part(p: &Reference) -> Criterion<'_> {
        Criterion {
            reference: p,
            place: Place::List(Liste::named("Sagspart").unwrap()),
        }
    }

    fn uuids(v: Vec<Sag>) -> Vec<String> {
        let mut u: Vec<String> = v.into_iter().map(|s| s.uuid).collect();
        u.sort();
        u
    }

    #[test]
    fn cases_go_in_come_out_and_are_found_by_what_they_name() {
        let budget = Budget::default();
        let mut ix = Index::new(budget.clone());
        let a = sag("a", "urn:p1", "k1");
        ix.insert(&a).unwrap();
        ix.insert(&sag("b", "urn:p1", "k2")).unwrap();
        ix.insert(&sag("c", "urn:p2", "k1")).unwrap();
        assert_eq!(ix.get("a"), Some(a.clone()));
        assert_eq!(budget.used(), 3);

        let p1 = Reference::Urn("urn:p1".into());
        let k1 = Reference::Uuid("k1".into());
        let kle = Criterion {
            reference: &k1,
            place: Place::Role(&["kle"]),
        };
        assert_eq!(uuids(ix.search(&[part(&p1)])), ["a", "b"]);
        assert_eq!(uuids(ix.search(&[part(&p1), kle])), ["a"]);
        // The right reference in the wrong place is no hit.
        let k1_as_part = Reference::Urn("k1".into());
        assert!(ix.search(&[part(&k1_as_part)]).is_empty());
        let wrong_role = Criterion {
            reference: &k1,
            place: Place::Role(&["part"]),
        };
        assert!(ix.search(&[wrong_role]).is_empty());

        let afsluttet = Tilstand {
            status: "Afsluttet".into(),
            fra: "2024-02-01T08:00:00Z".into(),
        };
        assert!(ix.update("a", &afsluttet));
        let a2 = ix.get("a").unwrap();
        assert_eq!(a2.status(), "Afsluttet");
        assert_eq!(a2.tilstande.len(), 2);
        assert_eq!(uuids(ix.with_status("Afsluttet")), ["a"]);
        assert_eq!(uuids(ix.with_status("Opstaaet")), ["b", "c"]);
        assert_eq!(ix.all().len(), 3);
        assert!(!ix.update("x", &afsluttet));

        assert!(ix.remove("a"));
        assert!(!ix.remove("a"));
        assert_eq!(uuids(ix.search(&[part(&p1)])), ["b"]);
        assert_eq!(budget.used(), 2);
        // Replacing keeps the count.
        ix.insert(&sag("b", "urn:p3", "k1")).unwrap();
        assert!(ix.search(&[part(&p1)]).is_empty());
        assert_eq!(budget.used(), 2);
        drop(ix);
        assert_eq!(budget.used(), 0, "a dropped index gives its cases back");
    }

    #[test]
    fn strings_no_case_names_are_forgotten() {
        let mut ix = Index::new(Budget::default());
        for i in 0..100 {
            let u = format!("u{i}");
            ix.insert(&sag(&u, &format!("urn:p{i}"), "k")).unwrap();
            assert!(ix.remove(&u));
        }
        assert!(ix.is_empty());
        assert!(ix.strings.ids.is_empty());
        assert!(ix.postings.is_empty());
        // One case's strings at a time: its UUID, state, actor and type, references, roles, type.
        assert!(ix.strings.texts.len() <= 10, "{}", ix.strings.texts.len());
    }

    #[test]
    fn the_mock_wide_budget_refuses_beyond_its_limit() {
        let budget = Budget::default();
        budget.0.store(MAX_SAGER_MOCK - 1, Ordering::Relaxed);
        let mut ix = Index::new(budget.clone());
        ix.insert(&sag("a", "urn:p", "k")).unwrap();
        assert_eq!(ix.insert(&sag("b", "urn:p", "k")), Err(Full::Mock));
        assert!(Full::Mock.to_string().contains("over all scenarios"));
        // Replacing a case needs no room.
        ix.insert(&sag("a", "urn:q", "k")).unwrap();
        drop(ix);
        assert_eq!(budget.used(), MAX_SAGER_MOCK - 1);
    }
}
