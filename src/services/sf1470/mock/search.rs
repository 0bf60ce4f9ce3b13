//! The mock's `fremsoeg`: cases by UUID or by a `SoegUdtryk` (each `SoegSag` through the
//! index's posting lists, then AND, OR and NOT over the sets of case UUIDs), shown as the
//! `Filter` asks and in the `Sortering`'s order. A criterion the index cannot answer is
//! refused with StatusKode 40 naming it, never ignored.

use super::{refusal, Checker};
use crate::core::klassifikation::ReferenceKind;
use crate::services::sagdok::{StandardRetur, STATUS_INPUT_ERROR};
use crate::services::sf1470::index::{Criterion, Index, Place};
use crate::services::sf1470::{
    self, check_party_urn, model, Fremsoeg, FremsoegOutput, Led, Liste, Sag, SoegSag, SoegUdtryk,
    Vis,
};
use std::collections::BTreeSet;

/// What the mock sorts by (of the schema's `SagSorteringFilterType`).
const SORTABLE: [&str; 3] = ["BrugervendtNoegle", "Titel", "Fremdrift"];

type Uuids = BTreeSet<String>;

impl Checker {
    /// The answer of a search, as its Body element.
    pub(super) fn fremsoeg(&self, index: &Index, q: &Fremsoeg) -> String {
        let (output, vis) = match self.hits(index, q) {
            Ok(sager) => (
                FremsoegOutput {
                    standard: StandardRetur::ok(),
                    sager,
                },
                q.filter.as_deref().map_or(Vis::All, Vis::Only),
            ),
            Err(why) => (
                FremsoegOutput {
                    standard: refusal(STATUS_INPUT_ERROR, &why),
                    sager: Vec::new(),
                },
                Vis::All,
            ),
        };
        sf1470::fremsoeg_output_xml(&output, vis)
    }

    fn hits(&self, index: &Index, q: &Fremsoeg) -> Result<Vec<Sag>, String> {
        if q.sag_uuids.is_empty() && q.udtryk.is_none() {
            return Err(format!(
                "give {} or {}",
                model::SAG_UUID,
                model::SOEG_UDTRYK
            ));
        }
        for s in &q.sortering {
            if !SORTABLE.contains(&s.element.as_str()) {
                return Err(format!(
                    "the mock sorts by {} only, not by {} (modelled)",
                    SORTABLE.join(", "),
                    s.element
                ));
            }
        }
        let mut found: Option<Uuids> = None;
        if !q.sag_uuids.is_empty() {
            let wanted = q.sag_uuids.iter().map(|u| u.trim().to_ascii_lowercase());
            found = Some(wanted.filter(|u| index.get(u).is_some()).collect());
        }
        if let Some(u) = &q.udtryk {
            let set = self.udtryk(index, u)?;
            found = Some(match found {
                Some(f) => f.intersection(&set).cloned().collect(),
                None => set,
            });
        }
        let mut hits: Vec<Sag> = found
            .unwrap_or_default()
            .iter()
            .filter_map(|u| index.get(u))
            .collect();
        hits.sort_by(|a, b| (&a.sagsnummer, &a.uuid).cmp(&(&b.sagsnummer, &b.uuid)));
        let mut keys = q.sortering.clone();
        keys.sort_by_key(|s| s.prioritet);
        // A stable sort per key, the least important first.
        for s in keys.iter().rev() {
            let rank = |c: &Sag| -> (usize, String) {
                match s.element.as_str() {
                    "Fremdrift" => (
                        model::FREMDRIFT_STATUS
                            .iter()
                            .position(|v| *v == c.status())
                            .unwrap_or(usize::MAX),
                        String::new(),
                    ),
                    "Titel" => (0, c.titel.to_lowercase()),
                    _ => (0, c.brugervendt_noegle.to_lowercase()),
                }
            };
            hits.sort_by(|a, b| {
                let o = rank(a).cmp(&rank(b));
                if s.faldende {
                    o.reverse()
                } else {
                    o
                }
            });
        }
        Ok(hits)
    }

    fn udtryk(&self, index: &Index, u: &SoegUdtryk) -> Result<Uuids, String> {
        let mut acc: Option<Uuids> = None;
        for l in &u.led {
            let set = match l {
                Led::Sag(s) => self.soeg_sag(index, s)?,
                Led::Udtryk(inner) => self.udtryk(index, inner)?,
                Led::Ikke(inner) => {
                    let not = self.udtryk(index, inner)?;
                    uuids(index.all()).difference(&not).cloned().collect()
                }
            };
            acc = Some(match acc {
                None => set,
                Some(a) if u.eller => a.union(&set).cloned().collect(),
                Some(a) => a.intersection(&set).cloned().collect(),
            });
        }
        Ok(acc.unwrap_or_default())
    }

    fn soeg_sag(&self, index: &Index, s: &SoegSag) -> Result<Uuids, String> {
        if s.status.is_none() && s.relationer.is_empty() {
            return Err(format!(
                "{} needs at least one criterion (a FremdriftStatusKode or a relation)",
                model::SOEG_SAG
            ));
        }
        let primaer_klasse = self.catalogue.role("Primær klasse").ok();
        let mut roles = Vec::new();
        let mut lists = Vec::new();
        for r in &s.relationer {
            match r.liste {
                "Sagspart" => check_party_urn(r.reference.value()).map_err(|e| {
                    format!(
                        "Sagspart '{}': {e}",
                        crate::evidence::redact::mask_cpr(r.reference.value())
                    )
                })?,
                _ if primaer_klasse.is_some_and(|p| r.rolle.as_deref() == Some(&p.uuid)) => self
                    .check_reference(ReferenceKind::KleEmne, &r.reference)
                    .map_err(|e| format!("the Primær klasse searched for {e}"))?,
                _ => {}
            }
            roles.push(r.rolle.as_deref().map(|x| x.to_ascii_lowercase()));
            lists.push(
                r.liste()
                    .ok_or_else(|| format!("no relation list {}", r.liste))?,
            );
        }
        let role_refs: Vec<Option<[&str; 1]>> =
            roles.iter().map(|r| r.as_deref().map(|x| [x])).collect();
        let criteria: Vec<Criterion<'_>> = s
            .relationer
            .iter()
            .zip(&role_refs)
            .zip(&lists)
            .map(
                |((r, role), liste): ((_, &Option<[&str; 1]>), &Liste)| Criterion {
                    reference: &r.reference,
                    place: match role {
                        Some(one) => Place::Role(one),
                        None => Place::List(*liste),
                    },
                },
            )
            .collect();
        let base = if criteria.is_empty() {
            index.with_status(s.status.as_deref().unwrap_or_default())
        } else {
            index.search(&criteria)
        };
        Ok(base
            .into_iter()
            .filter(|c| s.status.as_deref().is_none_or(|st| c.status() == st))
            .map(|c| c.uuid)
            .collect())
    }
}

fn uuids(sager: Vec<Sag>) -> Uuids {
    sager.into_iter().map(|s| s.uuid).collect()
}
