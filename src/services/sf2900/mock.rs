//! SF2900 Fordelingskomponenten on the mock: fordelingsregler and simulated receiving
//! systems from `mocks/sf2900/`, plus the rules each scenario sets up (per-scenario state).
//!
//! What is **modelled** (the public record does not say; see `mocks/README.md`):
//! - Precedence: the most specific matching rule wins: emne + handlingsfacet, then emne,
//!   then wildcard (`01.01.*`) + handlingsfacet, then wildcard. A rule with a facet only
//!   matches objects marked with that facet. A scenario's rule replaces a data rule with the
//!   same key (authority, KLE, facet).
//! - Delivery is synchronous: the answer carries the receiving system's verdict (ACCEPTERET,
//!   or AFVIST with its reason). The real platform may answer MODTAGET/AFLEVERET and send the
//!   business receipt later through FordelingskvitteringModtag.
//! - No matching rule: a receipt AFVIST (Kvitteringstype Teknisk) with the reason.
//! - A malformed object (and a journal note longer than `max_notat_tegn`): the
//!   TransportKvittering fault, FEJL with a FejlListe. Codes and texts are ours.
//! - FordelingsmodtagerList lists the system the winning rule names; RoutingKLEEmne is the
//!   emne asked about, so answers validate (a real answer was seen with `01.01.*`, which
//!   breaks the XSD). KanModtage is true when one of the authority's rules routes to the
//!   system.

use crate::core::kle::{Emne, Facet, Pattern};
use crate::core::service::ServiceInfo;
use crate::core::soap::AUTCTX_NS;
use crate::core::xml::{self, Element};
use crate::platform::data::{DataError, Platform};
use crate::platform::endpoint::{soap, DirectResponder, SoapAnswer, SoapCall, SoapService};
use crate::services::sf2900::{self as svc, TYPES_NS, V2_NS};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Receptions kept per scenario; `mock serve` shares one unkeyed state, which must not grow
/// without bound.
const MAX_RECORDED: usize = 1000;

// ---------------------------------------------------------------------------------------
// Data (`mocks/sf2900/`).

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModtagereFile {
    modtagere: Vec<ModtagerEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModtagerEntry {
    navn: String,
    uuid: String,
    beskrivelse: String,
    /// KLE patterns the system handles; absent: it accepts everything.
    accepterer_kle: Option<Vec<String>>,
    /// Its reason for rejecting (`{kle}` is filled in); required with `accepterer_kle`.
    afvisning: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReglerFile {
    regler: Vec<RegelEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegelEntry {
    myndighed: String,
    kle: String,
    handlingsfacet: Option<String>,
    modtager: String,
    #[allow(dead_code)]
    note: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kvitteringer {
    pub source: String,
    pub ingen_regel: KvitteringTekst,
    pub ukendt_modtager: KvitteringTekst,
    pub modtaget: ModtagetTekst,
    pub transport_fejl: TransportTekst,
    pub max_notat_tegn: usize,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KvitteringTekst {
    pub kode: String,
    pub kvitteringstype: String,
    pub begrundelse: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModtagetTekst {
    pub kvitteringstype: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransportTekst {
    pub faultstring: String,
    pub begrundelse: String,
}

/// A simulated receiving system and its behaviour.
#[derive(Debug, Clone)]
pub struct Modtager {
    pub navn: String,
    pub uuid: String,
    pub beskrivelse: String,
    pub accepterer: Option<Vec<Pattern>>,
    pub afvisning: String,
}

impl Modtager {
    /// The system's verdict on an object marked `emne`: None accepts, Some(reason) rejects.
    pub fn verdict(&self, emne: &Emne) -> Option<String> {
        match &self.accepterer {
            Some(ps) if !ps.iter().any(|p| p.matches(emne)) => {
                Some(self.afvisning.replace("{kle}", emne.as_str()))
            }
            _ => None,
        }
    }
}

/// A fordelingsregel: routing authority + KLE pattern (+ facet) → receiving system (by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regel {
    pub myndighed: String,
    pub kle: Pattern,
    pub facet: Option<Facet>,
    pub modtager: String,
}

impl Regel {
    /// Higher is more specific (the modelled precedence, see the module documentation).
    pub fn rank(&self) -> u8 {
        match (self.kle.is_wildcard(), self.facet.is_some()) {
            (false, true) => 3,
            (false, false) => 2,
            (true, true) => 1,
            (true, false) => 0,
        }
    }

    pub fn matches(&self, myndighed: &str, emne: &Emne, facet: Option<&Facet>) -> bool {
        self.myndighed == myndighed
            && self.kle.matches(emne)
            && self.facet.as_ref().is_none_or(|f| Some(f) == facet)
    }

    fn key(&self) -> (&str, &Pattern, Option<&Facet>) {
        (&self.myndighed, &self.kle, self.facet.as_ref())
    }

    pub fn describe(&self) -> String {
        match &self.facet {
            Some(f) => format!(
                "KLE {} with handlingsfacet {f} for CVR {}",
                self.kle, self.myndighed
            ),
            None => format!("KLE {} for CVR {}", self.kle, self.myndighed),
        }
    }
}

/// Everything `mocks/sf2900/` says.
#[derive(Debug, Clone, Default)]
pub struct Fordeling {
    pub modtagere: Vec<Modtager>,
    pub regler: Vec<Regel>,
    pub kvitteringer: Kvitteringer,
    /// Set when the mocks folder has no `sf2900/` at all (a suite for other services): SF2900
    /// calls then get a fault saying so, rather than the whole mock refusing to start.
    pub missing: Option<std::path::PathBuf>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DataError> {
    let text = crate::platform::data::read_data(path)?;
    crate::core::strict_json::from_str(&text).map_err(|e| DataError::Invalid {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// SF2900's data from `mocks/sf2900/`, loaded the first time it is asked for (the mock's
/// start asks, so a broken folder stops it; `list` never does).
pub fn fordeling(p: &Platform) -> Result<Arc<Fordeling>, DataError> {
    p.services.get_or_load(&p.dir, Fordeling::load)
}

/// The data for the service's own answers: loaded when the mock started.
fn loaded(p: &Platform) -> Arc<Fordeling> {
    fordeling(p).unwrap_or_else(|_| {
        Arc::new(Fordeling {
            missing: Some(p.dir.join("sf2900")),
            ..Fordeling::default()
        })
    })
}

pub fn responders(p: &Arc<Platform>) -> Result<Vec<Arc<dyn DirectResponder>>, DataError> {
    fordeling(p)?;
    Ok(vec![soap(p, Sf2900)])
}

impl Fordeling {
    pub fn load(mocks_dir: &Path) -> Result<Fordeling, DataError> {
        let dir = mocks_dir.join("sf2900");
        if !dir.exists() {
            return Ok(Fordeling {
                missing: Some(dir),
                ..Fordeling::default()
            });
        }
        let m_path = dir.join("modtagere.json");
        let r_path = dir.join("fordelingsregler.json");
        let invalid = |path: &Path, message: String| DataError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let mf: ModtagereFile = read_json(&m_path)?;
        let mut modtagere = Vec::new();
        for m in mf.modtagere {
            crate::targets::config::check_uuid(&m.uuid)
                .map_err(|e| invalid(&m_path, format!("modtager '{}': {e}", m.navn)))?;
            let accepterer = match &m.accepterer_kle {
                Some(list) => Some(
                    list.iter()
                        .map(|p| Pattern::parse(p))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| invalid(&m_path, format!("modtager '{}': {e}", m.navn)))?,
                ),
                None => None,
            };
            let afvisning = match (&accepterer, m.afvisning) {
                (Some(_), None) => {
                    return Err(invalid(
                        &m_path,
                        format!("modtager '{}' accepts only some KLE but has no 'afvisning' (its reason for rejecting the rest)", m.navn),
                    ))
                }
                (_, a) => a.unwrap_or_default(),
            };
            if modtagere
                .iter()
                .any(|o: &Modtager| o.navn.eq_ignore_ascii_case(&m.navn) || o.uuid == m.uuid)
            {
                return Err(invalid(
                    &m_path,
                    format!("modtager '{}' appears twice (name or uuid)", m.navn),
                ));
            }
            modtagere.push(Modtager {
                navn: m.navn,
                uuid: m.uuid.to_ascii_lowercase(),
                beskrivelse: m.beskrivelse,
                accepterer,
                afvisning,
            });
        }
        let rf: ReglerFile = read_json(&r_path)?;
        let mut regler: Vec<Regel> = Vec::new();
        for r in rf.regler {
            let regel = parse_regel(
                &r.myndighed,
                &r.kle,
                r.handlingsfacet.as_deref(),
                &r.modtager,
            )
            .map_err(|e| invalid(&r_path, e))?;
            if !modtagere.iter().any(|m| m.navn == regel.modtager) {
                return Err(invalid(
                    &r_path,
                    format!(
                        "the rule for {} names modtager '{}', which is not in modtagere.json",
                        regel.describe(),
                        regel.modtager
                    ),
                ));
            }
            if regler.iter().any(|o| o.key() == regel.key()) {
                return Err(invalid(
                    &r_path,
                    format!("two rules for {}", regel.describe()),
                ));
            }
            regler.push(regel);
        }
        let kvitteringer: Kvitteringer = read_json(&dir.join("kvitteringer.json"))?;
        Ok(Fordeling {
            modtagere,
            regler,
            kvitteringer,
            missing: None,
        })
    }

    /// A receiving system by name (case-insensitive) or UUID.
    pub fn modtager(&self, name: &str) -> Option<&Modtager> {
        let n = name.trim();
        self.modtagere
            .iter()
            .find(|m| m.navn.eq_ignore_ascii_case(n) || m.uuid.eq_ignore_ascii_case(n))
    }

    pub fn modtager_names(&self) -> String {
        self.modtagere
            .iter()
            .map(|m| m.navn.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

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

/// A rule from its written parts, checked.
pub fn parse_regel(
    myndighed: &str,
    kle: &str,
    facet: Option<&str>,
    modtager: &str,
) -> Result<Regel, String> {
    Ok(Regel {
        myndighed: svc::check_cvr(myndighed).map_err(|e| e.to_string())?,
        kle: Pattern::parse(kle).map_err(|e| e.to_string())?,
        facet: facet
            .map(Facet::parse)
            .transpose()
            .map_err(|e| e.to_string())?,
        modtager: modtager.trim().to_string(),
    })
}

// ---------------------------------------------------------------------------------------
// Per-scenario state.

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
}

/// Add a rule for one scenario (a Givet-step on the embedded mock). The receiving system
/// must be one of `mocks/sf2900/modtagere.json`.
pub fn add_rule(p: &Platform, scenario: &str, regel: Regel) -> Result<(), String> {
    let data = fordeling(p).map_err(|e| e.to_string())?;
    if let Some(dir) = &data.missing {
        return Err(no_data(dir));
    }
    let Some(m) = data.modtager(&regel.modtager) else {
        return Err(format!(
            "the mock has no receiving system '{}' (known: {}); add it to mocks/sf2900/modtagere.json",
            regel.modtager,
            data.modtager_names()
        ));
    };
    let regel = Regel {
        modtager: m.navn.clone(),
        ..regel
    };
    let state = p.state.get::<ScenarioFordeling>(scenario);
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    s.regler.retain(|r| r.key() != regel.key());
    s.uden_regel
        .retain(|(m, e)| !(m == &regel.myndighed && regel.kle.matches(e)));
    s.regler.push(regel);
    Ok(())
}

/// Declare that no rule routes `emne` for `myndighed` in this scenario.
pub fn remove_routing(p: &Platform, scenario: &str, myndighed: &str, emne: &Emne) {
    let state = p.state.get::<ScenarioFordeling>(scenario);
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    s.uden_regel.push((myndighed.to_string(), emne.clone()));
}

/// What the simulated receiving systems got in this scenario.
pub fn received(p: &Platform, scenario: &str) -> Vec<Modtaget> {
    let state = p.state.get::<ScenarioFordeling>(scenario);
    let s = state.lock().unwrap_or_else(|e| e.into_inner());
    s.modtaget.iter().cloned().collect()
}

fn no_data(dir: &Path) -> String {
    format!(
        "the mock has no SF2900 data: {} is missing (copy mocks/sf2900/ from sp-contract)",
        dir.display()
    )
}

// ---------------------------------------------------------------------------------------
// The service.

pub struct Sf2900;

/// One problem with the request: FejlKode and FejlTekst in the TransportKvittering.
type Fejl = (String, String);

fn fejl(kode: &str, tekst: impl Into<String>) -> Fejl {
    (kode.to_string(), tekst.into())
}

fn schema(tekst: impl Into<String>) -> Fejl {
    fejl("SkemaFejl", tekst)
}

impl SoapService for Sf2900 {
    fn info(&self) -> &'static ServiceInfo {
        &svc::INFO
    }

    fn actions(&self) -> &'static [&'static str] {
        &[
            svc::ACTION_AFSEND,
            svc::ACTION_KVITTERING,
            svc::ACTION_LIST,
            svc::ACTION_VALIDER,
        ]
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        if let Some(dir) = &loaded(p).missing {
            return SoapAnswer::Fault(crate::platform::data::MockFault {
                http_status: 500,
                code: "soapenv:Server".into(),
                string: no_data(dir),
                errors: Vec::new(),
            });
        }
        let envelope_fault = |reason: String| {
            SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)]))
        };
        let op = call.action.rsplit('/').next().unwrap_or_default();
        let expected = format!("{op}Request");
        let payload = call.payload;
        if payload.local != expected || payload.ns.as_deref() != Some(TYPES_NS) {
            return envelope_fault(format!(
                "SOAPAction {op} expects {expected} in namespace {TYPES_NS}, got <{}> in namespace {}",
                payload.local,
                payload.ns.as_deref().unwrap_or("(none)")
            ));
        }
        // The security model first: the platform checks it before the service sees the call.
        let Some(ac) = payload
            .elements()
            .find(|e| e.local == "AuthorityContext" && e.ns.as_deref() == Some(AUTCTX_NS))
        else {
            return SoapAnswer::Fault(p.fault(
                "missing_security_context",
                &[("supported", "KombitToken, AuthorityContext")],
            ));
        };
        let cvr = ac
            .elements()
            .find(|e| e.local == "MunicipalityCVR" && e.ns.as_deref() == Some(AUTCTX_NS))
            .map(|e| e.text());
        let cvr = match cvr.as_deref().map(svc::check_cvr) {
            Some(Ok(c)) => c,
            Some(Err(e)) => {
                return envelope_fault(format!("AuthorityContext/MunicipalityCVR: {e}"))
            }
            None => return envelope_fault("AuthorityContext lacks MunicipalityCVR".into()),
        };
        if let Err(f) = p.authorize_authority(&svc::INFO, &cvr, &call.caller) {
            return SoapAnswer::Fault(f);
        }
        let state = p.state.get::<ScenarioFordeling>(&call.scenario);
        let result = match op {
            "FordelingsobjektAfsend" => afsend(p, payload, &state),
            "FordelingsmodtagerList" => list(p, payload, &state),
            "FordelingsmodtagerValider" => valider(p, payload, &state),
            _ => Err(vec![fejl(
                "IkkeUnderstoettet",
                format!("{op} is not modelled by the mock: receiving systems are simulated inside it, and their receipts are part of the FordelingsobjektAfsend answer"),
            )]),
        };
        match result {
            Ok(xml) => SoapAnswer::Payload(xml),
            Err(errors) => transport_fault(&loaded(p).kvitteringer.transport_fejl, &errors),
        }
    }
}

fn transport_fault(t: &TransportTekst, errors: &[Fejl]) -> SoapAnswer {
    let list: String = errors
        .iter()
        .map(|(k, x)| {
            format!(
                "<tns:Fejl><tns:FejlKode>{}</tns:FejlKode><tns:FejlTekst>{}</tns:FejlTekst></tns:Fejl>",
                xml::escape(k),
                xml::escape(x)
            )
        })
        .collect();
    let first = errors.first().map(|(_, x)| x.as_str()).unwrap_or_default();
    SoapAnswer::FaultWithDetail {
        http_status: 500,
        code: "soapenv:Client".into(),
        string: t.faultstring.replace("{begrundelse}", first),
        detail: format!(
            "<tns:TransportKvittering xmlns:tns=\"{TYPES_NS}\"><tns:TransportValideringsKode>FEJL</tns:TransportValideringsKode><tns:Begrundelse>{}</tns:Begrundelse><tns:FejlListe>{list}</tns:FejlListe></tns:TransportKvittering>",
            xml::escape(&t.begrundelse)
        ),
    }
}

// --- A small shape checker: XSD sequences with cardinality, by local name and namespace.

const ONE: (usize, usize) = (1, 1);
const OPT: (usize, usize) = (0, 1);
const MANY: (usize, usize) = (1, usize::MAX);

/// Check that `el`'s children follow `spec` (name, namespace, (min, max)) in order, and
/// return them by name.
fn seq<'e>(
    el: &'e Element,
    spec: &[(&str, &str, (usize, usize))],
) -> Result<HashMap<String, Vec<&'e Element>>, Fejl> {
    let children: Vec<&Element> = el.elements().collect();
    let mut i = 0;
    let mut out: HashMap<String, Vec<&Element>> = HashMap::new();
    for (name, ns, (min, max)) in spec {
        let mut got = Vec::new();
        while i < children.len() && children[i].local == *name && got.len() < *max {
            if children[i].ns.as_deref() != Some(*ns) {
                return Err(schema(format!(
                    "<{name}> in <{}> must be in namespace {ns}, not {}",
                    el.local,
                    children[i].ns.as_deref().unwrap_or("(none)")
                )));
            }
            got.push(children[i]);
            i += 1;
        }
        if got.len() < *min {
            let names: Vec<&str> = spec.iter().map(|s| s.0).collect();
            return Err(schema(match children.get(i) {
                Some(found) => format!(
                    "<{}> lacks <{name}> (found <{}> in its place; expected in this order: {})",
                    el.local,
                    found.local,
                    names.join(", ")
                ),
                None => format!("<{}> lacks <{name}>", el.local),
            }));
        }
        out.insert(name.to_string(), got);
    }
    if let Some(extra) = children.get(i) {
        let names: Vec<&str> = spec.iter().map(|s| s.0).collect();
        return Err(schema(format!(
            "<{}> is unexpected in <{}>; expected in this order: {}",
            extra.local,
            el.local,
            names.join(", ")
        )));
    }
    Ok(out)
}

fn one<'e>(m: &HashMap<String, Vec<&'e Element>>, name: &str) -> &'e Element {
    m[name][0]
}

fn opt<'e>(m: &HashMap<String, Vec<&'e Element>>, name: &str) -> Option<&'e Element> {
    m.get(name).and_then(|v| v.first().copied())
}

fn leaf(el: &Element) -> Result<String, Fejl> {
    if el.elements().next().is_some() {
        return Err(schema(format!(
            "<{}> must hold text, not elements",
            el.local
        )));
    }
    Ok(el.text())
}

fn cvr_of(el: &Element) -> Result<String, Fejl> {
    svc::check_cvr(&leaf(el)?).map_err(|e| schema(format!("<{}>: {e}", el.local)))
}

fn uuid_of(el: &Element) -> Result<String, Fejl> {
    // The v2 UUID type allows either case.
    let v = leaf(el)?;
    let ok = v.len() == 36
        && v.chars().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if ok {
        Ok(v.to_ascii_lowercase())
    } else {
        Err(schema(format!("<{}> '{v}' is not a UUID", el.local)))
    }
}

fn emne_of(el: &Element) -> Result<Emne, Fejl> {
    Emne::parse(&leaf(el)?).map_err(|e| fejl("KLEUgyldig", format!("<{}>: {e}", el.local)))
}

fn facet_of(el: Option<&Element>) -> Result<Option<Facet>, Fejl> {
    el.map(|el| {
        Facet::parse(&leaf(el)?).map_err(|e| fejl("KLEUgyldig", format!("<{}>: {e}", el.local)))
    })
    .transpose()
}

fn one_of(el: &Element, allowed: &[&str]) -> Result<String, Fejl> {
    let v = leaf(el)?;
    if allowed.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(schema(format!(
            "<{}> '{v}' is not one of {}",
            el.local,
            allowed.join(", ")
        )))
    }
}

fn date_time(el: &Element) -> Result<(), Fejl> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"^-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
            .expect("static regex")
    });
    let v = leaf(el)?;
    if re.is_match(&v) {
        Ok(())
    } else {
        Err(schema(format!(
            "<{}> '{v}' is not an xsd:dateTime",
            el.local
        )))
    }
}

fn top<'e>(
    payload: &'e Element,
    rest: &[(&str, &str, (usize, usize))],
) -> Result<HashMap<String, Vec<&'e Element>>, Fejl> {
    let mut spec = vec![
        ("CallContext", crate::core::soap::CALLCTX_NS, OPT),
        ("AuthorityContext", AUTCTX_NS, OPT),
    ];
    spec.extend_from_slice(rest);
    seq(payload, &spec)
}

/// The DistributionContext, as read from a request.
struct Context {
    anvender_id: String,
    digital_post_id: Option<String>,
    afsendende: String,
    routing_myndighed: String,
    valg: Valg,
    dokument_fil: Option<String>,
}

enum Valg {
    Kle(Emne, Option<Facet>),
    Modtager(String),
}

fn context(el: &Element) -> Result<Context, Fejl> {
    let c = seq(
        el,
        &[
            ("AnvenderTransaktionsID", V2_NS, ONE),
            ("DistributionTransktionsID", V2_NS, OPT),
            ("DigitalPostMeddelelsesID", V2_NS, OPT),
            ("AfsendendeMyndighed", V2_NS, ONE),
            ("RoutingMyndighed", V2_NS, ONE),
            ("RoutingValg", V2_NS, ONE),
            ("DokumentFilNavn", V2_NS, OPT),
        ],
    )?;
    let rv = seq(
        one(&c, "RoutingValg"),
        &[
            ("RoutingKLEEmneHandling", V2_NS, OPT),
            ("RoutingModtagerAktoer", V2_NS, OPT),
        ],
    )?;
    let valg = match (
        opt(&rv, "RoutingKLEEmneHandling"),
        opt(&rv, "RoutingModtagerAktoer"),
    ) {
        (Some(k), None) => {
            let k = seq(
                k,
                &[
                    ("RoutingKLEEmne", V2_NS, ONE),
                    ("RoutingHandlingFacet", V2_NS, OPT),
                ],
            )?;
            Valg::Kle(
                emne_of(one(&k, "RoutingKLEEmne"))?,
                facet_of(opt(&k, "RoutingHandlingFacet"))?,
            )
        }
        (None, Some(m)) => Valg::Modtager(uuid_of(m)?),
        _ => return Err(schema(
            "<RoutingValg> holds exactly one of RoutingKLEEmneHandling and RoutingModtagerAktoer",
        )),
    };
    Ok(Context {
        anvender_id: uuid_of(one(&c, "AnvenderTransaktionsID"))?,
        digital_post_id: opt(&c, "DigitalPostMeddelelsesID").map(|e| e.text()),
        afsendende: cvr_of(one(&c, "AfsendendeMyndighed"))?,
        routing_myndighed: cvr_of(one(&c, "RoutingMyndighed"))?,
        valg,
        dokument_fil: opt(&c, "DokumentFilNavn").map(|e| e.text()),
    })
}

/// The object's id and KLE marking, after checking its shape.
struct Objekt {
    objekt_type: String,
    id: String,
    emne: Emne,
    facet: Option<Facet>,
}

fn objekt(el: &Element, max_notat: usize) -> Result<Objekt, Fejl> {
    let o = seq(
        el,
        &[("ObjektType", V2_NS, ONE), ("ObjektIndhold", V2_NS, ONE)],
    )?;
    let objekt_type = one_of(
        one(&o, "ObjektType"),
        &["JOURNALPOST", "DOKUMENT", "FORMULAR"],
    )?;
    let indhold = seq(
        one(&o, "ObjektIndhold"),
        &[
            ("DistributionDokument", V2_NS, OPT),
            ("DistributionJournalPost", V2_NS, OPT),
            ("DistributionFormular", V2_NS, OPT),
        ],
    )?;
    let present: Vec<&str> = [
        "DistributionDokument",
        "DistributionJournalPost",
        "DistributionFormular",
    ]
    .into_iter()
    .filter(|n| opt(&indhold, n).is_some())
    .collect();
    let expected = match objekt_type.as_str() {
        "JOURNALPOST" => "DistributionJournalPost",
        "FORMULAR" => "DistributionFormular",
        _ => "DistributionDokument",
    };
    if present != [expected] {
        return Err(fejl(
            "ObjektTypeUoverensstemmelse",
            format!(
                "ObjektType {objekt_type} needs exactly one <{expected}> in <ObjektIndhold>, found: {}",
                if present.is_empty() { "none".to_string() } else { present.join(", ") }
            ),
        ));
    }
    match objekt_type.as_str() {
        "JOURNALPOST" => journalpost(one(&indhold, expected), max_notat),
        "FORMULAR" => formular(one(&indhold, expected)),
        _ => Err(fejl(
            "DokumentIkkeUnderstoettet",
            "DOKUMENT objects reference a file uploaded to the platform's SFTP server first; the mock does not model the SFTP upload",
        )),
    }
}

fn virkning(el: &Element) -> Result<(), Fejl> {
    let v = seq(
        el,
        &[
            ("FraTidspunkt", V2_NS, OPT),
            ("TilTidspunkt", V2_NS, OPT),
            ("Aktoer", V2_NS, ONE),
            ("AktoerType", V2_NS, ONE),
            ("NoteTekst", V2_NS, OPT),
        ],
    )?;
    for t in ["FraTidspunkt", "TilTidspunkt"] {
        if let Some(e) = opt(&v, t) {
            date_time(e)?;
        }
    }
    uuid_urn(one(&v, "Aktoer"))?;
    one_of(
        one(&v, "AktoerType"),
        &[
            "Organisation",
            "OrganisationEnhed",
            "OrganisationFunktion",
            "Bruger",
            "ItSystem",
            "Interessefaellesskab",
        ],
    )?;
    Ok(())
}

fn uuid_urn(el: &Element) -> Result<(), Fejl> {
    let c = seq(el, &[("UUID", V2_NS, OPT), ("URN", V2_NS, OPT)])?;
    match (opt(&c, "UUID"), opt(&c, "URN")) {
        (Some(u), None) => uuid_of(u).map(|_| ()),
        (None, Some(u)) if leaf(u)?.to_ascii_lowercase().starts_with("urn:") => Ok(()),
        _ => Err(schema(format!(
            "<{}> holds exactly one UUID or URN",
            el.local
        ))),
    }
}

fn journalpost(el: &Element, max_notat: usize) -> Result<Objekt, Fejl> {
    let j = seq(
        el,
        &[
            ("ID", V2_NS, ONE),
            ("KLEEmneForslag", V2_NS, ONE),
            ("HandlingFacetForslag", V2_NS, OPT),
            ("SagForslag", V2_NS, OPT),
            ("PartAngivelse", V2_NS, OPT),
            ("Registrering", V2_NS, ONE),
        ],
    )?;
    if let Some(s) = opt(&j, "SagForslag") {
        uuid_of(s)?;
    }
    let r = seq(
        one(&j, "Registrering"),
        &[
            ("FraTidsPunkt", V2_NS, ONE),
            ("LivscyklusKode", V2_NS, ONE),
            ("ImportTidspunkt", V2_NS, OPT),
            ("BrugerRef", V2_NS, OPT),
            ("RegistreringItSystem", V2_NS, ONE),
            ("RelationListe", V2_NS, ONE),
        ],
    )?;
    date_time(one(&r, "FraTidsPunkt"))?;
    one_of(one(&r, "LivscyklusKode"), &["Oprettet"])?;
    uuid_urn(one(&r, "RegistreringItSystem"))?;
    let rel = seq(one(&r, "RelationListe"), &[("JournalPost", V2_NS, MANY)])?;
    for jp in &rel["JournalPost"] {
        let p = seq(
            jp,
            &[
                ("Virkning", V2_NS, ONE),
                ("Rolle", V2_NS, ONE),
                ("Indeks", V2_NS, ONE),
                ("Dokument", V2_NS, OPT),
                ("JournalpostAttributter", V2_NS, OPT),
                ("JournalnotatAttributter", V2_NS, ONE),
            ],
        )?;
        virkning(one(&p, "Virkning"))?;
        one_of(one(&p, "Rolle"), &["Journalpost"])?;
        let a = seq(
            one(&p, "JournalnotatAttributter"),
            &[("Titel", V2_NS, OPT), ("Notat", V2_NS, ONE)],
        )?;
        let notat = leaf(one(&a, "Notat"))?;
        if notat.trim().is_empty() {
            return Err(fejl("NotatTomt", "the journal note (Notat) is empty"));
        }
        let n = notat.chars().count();
        if n > max_notat {
            return Err(fejl(
                "NotatForStort",
                format!(
                    "the journal note (Notat) is {n} characters; at most {max_notat} are accepted"
                ),
            ));
        }
    }
    Ok(Objekt {
        objekt_type: "JOURNALPOST".into(),
        id: uuid_of(one(&j, "ID"))?,
        emne: emne_of(one(&j, "KLEEmneForslag"))?,
        facet: facet_of(opt(&j, "HandlingFacetForslag"))?,
    })
}

fn formular(el: &Element) -> Result<Objekt, Fejl> {
    let f = seq(
        el,
        &[
            ("ID", V2_NS, ONE),
            ("KLEEmneForslag", V2_NS, ONE),
            ("HandlingFacetForslag", V2_NS, OPT),
            ("Meddelelse", V2_NS, ONE),
        ],
    )?;
    let m = seq(
        one(&f, "Meddelelse"),
        &[("FormularType", V2_NS, ONE), ("Formular", V2_NS, ONE)],
    )?;
    leaf(one(&m, "FormularType"))?;
    let form = seq(
        one(&m, "Formular"),
        &[
            ("TitelTekst", V2_NS, ONE),
            ("FormatNavn", V2_NS, ONE),
            ("FormularIndhold", V2_NS, ONE),
            ("FormularXML", V2_NS, ONE),
        ],
    )?;
    use base64::Engine as _;
    let b64 = leaf(one(&form, "FormularIndhold"))?;
    let compact: String = b64.split_whitespace().collect();
    if base64::engine::general_purpose::STANDARD
        .decode(&compact)
        .is_err()
    {
        return Err(schema("<FormularIndhold> is not base64"));
    }
    if one(&form, "FormularXML").elements().count() != 1 {
        return Err(schema("<FormularXML> holds exactly one element"));
    }
    Ok(Objekt {
        objekt_type: "FORMULAR".into(),
        id: uuid_of(one(&f, "ID"))?,
        emne: emne_of(one(&f, "KLEEmneForslag"))?,
        facet: facet_of(opt(&f, "HandlingFacetForslag"))?,
    })
}

fn v2(name: &str, text: &str) -> String {
    format!("<v2:{name}>{}</v2:{name}>", xml::escape(text))
}

fn afsend(
    p: &Platform,
    payload: &Element,
    state: &std::sync::Mutex<ScenarioFordeling>,
) -> Result<String, Vec<Fejl>> {
    let t = top(payload, &[("anmodning", TYPES_NS, ONE)]).map_err(|e| vec![e])?;
    let a = seq(
        one(&t, "anmodning"),
        &[
            ("DistributionContext", V2_NS, ONE),
            ("DistributionObject", V2_NS, ONE),
        ],
    )
    .map_err(|e| vec![e])?;
    // Report problems with the context and the object together.
    let ctx = context(one(&a, "DistributionContext"));
    let obj = objekt(
        one(&a, "DistributionObject"),
        loaded(p).kvitteringer.max_notat_tegn,
    );
    let (ctx, obj) = match (ctx, obj) {
        (Ok(c), Ok(o)) => (c, o),
        (c, o) => return Err([c.err(), o.err()].into_iter().flatten().collect()),
    };
    let data = loaded(p);
    let k = &data.kvitteringer;
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let modtager = match &ctx.valg {
        Valg::Kle(emne, facet) => {
            match data.route(&s, &ctx.routing_myndighed, emne, facet.as_ref()) {
                Some(regel) => data.modtager(&regel.modtager),
                None => {
                    let facet = facet
                        .as_ref()
                        .map(|f| format!(" med handlingsfacet {f}"))
                        .unwrap_or_default();
                    let begrundelse = k
                        .ingen_regel
                        .begrundelse
                        .replace("{myndighed}", &ctx.routing_myndighed)
                        .replace("{kle}", emne.as_str())
                        .replace("{facet}", &facet);
                    return Ok(afsend_response(
                        &ctx,
                        &k.ingen_regel.kode,
                        &k.ingen_regel.kvitteringstype,
                        Some(&begrundelse),
                    ));
                }
            }
        }
        Valg::Modtager(uuid) => match data.modtager(uuid) {
            Some(m) if data.serves(&s, &ctx.routing_myndighed, m) => Some(m),
            _ => {
                let begrundelse = k
                    .ukendt_modtager
                    .begrundelse
                    .replace("{modtager}", uuid)
                    .replace("{myndighed}", &ctx.routing_myndighed);
                return Ok(afsend_response(
                    &ctx,
                    &k.ukendt_modtager.kode,
                    &k.ukendt_modtager.kvitteringstype,
                    Some(&begrundelse),
                ));
            }
        },
    };
    let Some(modtager) = modtager else {
        // Data is checked at load, and scenario rules when added: a rule always names a system.
        return Err(vec![fejl(
            "Intern",
            "a fordelingsregel names an unknown receiving system",
        )]);
    };
    let verdict = modtager.verdict(&obj.emne);
    let kode = if verdict.is_some() {
        "AFVIST"
    } else {
        "ACCEPTERET"
    };
    s.modtaget.push(Modtaget {
        modtager: modtager.navn.clone(),
        modtager_uuid: modtager.uuid.clone(),
        objekt_type: obj.objekt_type.clone(),
        objekt_id: obj.id.clone(),
        emne: obj.emne.to_string(),
        facet: obj.facet.as_ref().map(|f| f.to_string()),
        kode: kode.to_string(),
        begrundelse: verdict.clone(),
    });
    Ok(afsend_response(
        &ctx,
        kode,
        &k.modtaget.kvitteringstype,
        verdict.as_deref(),
    ))
}

fn afsend_response(
    ctx: &Context,
    kode: &str,
    kvitteringstype: &str,
    begrundelse: Option<&str>,
) -> String {
    let begrundelse = begrundelse
        .map(|b| v2("Begrundelse", b))
        .unwrap_or_default();
    let valg = match &ctx.valg {
        Valg::Kle(e, f) => format!(
            "<v2:RoutingKLEEmneHandling>{}{}</v2:RoutingKLEEmneHandling>",
            v2("RoutingKLEEmne", e.as_str()),
            f.as_ref()
                .map(|f| v2("RoutingHandlingFacet", f.as_str()))
                .unwrap_or_default()
        ),
        Valg::Modtager(u) => v2("RoutingModtagerAktoer", u),
    };
    format!(
        "<tns:FordelingsobjektAfsendResponse xmlns:tns=\"{TYPES_NS}\" xmlns:v2=\"{V2_NS}\"><tns:ForretningsKvittering>{}{}{begrundelse}</tns:ForretningsKvittering><tns:DistributionContext>{}{}{}{}{}<v2:RoutingValg>{valg}</v2:RoutingValg>{}</tns:DistributionContext></tns:FordelingsobjektAfsendResponse>",
        v2("ForretningsValideringsKode", kode),
        v2("Kvitteringstype", kvitteringstype),
        v2("AnvenderTransaktionsID", &ctx.anvender_id),
        v2("DistributionTransktionsID", &uuid::Uuid::new_v4().to_string()),
        ctx.digital_post_id.as_deref().map(|d| v2("DigitalPostMeddelelsesID", d)).unwrap_or_default(),
        v2("AfsendendeMyndighed", &ctx.afsendende),
        v2("RoutingMyndighed", &ctx.routing_myndighed),
        ctx.dokument_fil.as_deref().map(|d| v2("DokumentFilNavn", d)).unwrap_or_default(),
    )
}

fn list(
    p: &Platform,
    payload: &Element,
    state: &std::sync::Mutex<ScenarioFordeling>,
) -> Result<String, Vec<Fejl>> {
    let t = top(payload, &[("Routing", TYPES_NS, ONE)]).map_err(|e| vec![e])?;
    let r = seq(
        one(&t, "Routing"),
        &[
            ("AfsendendeMyndighed", V2_NS, ONE),
            ("RoutingMyndighed", V2_NS, ONE),
            ("RoutingKLEEmne", V2_NS, ONE),
            ("RoutingHandlingFacet", V2_NS, OPT),
        ],
    )
    .map_err(|e| vec![e])?;
    let read = || -> Result<_, Fejl> {
        cvr_of(one(&r, "AfsendendeMyndighed"))?;
        Ok((
            cvr_of(one(&r, "RoutingMyndighed"))?,
            emne_of(one(&r, "RoutingKLEEmne"))?,
            facet_of(opt(&r, "RoutingHandlingFacet"))?,
        ))
    };
    let (myndighed, emne, facet) = read().map_err(|e| vec![e])?;
    let s = state.lock().unwrap_or_else(|e| e.into_inner());
    let data = loaded(p);
    let systems: String = data
        .route(&s, &myndighed, &emne, facet.as_ref())
        .and_then(|regel| data.modtager(&regel.modtager).map(|m| (regel.clone(), m)))
        .map(|(regel, m)| {
            format!(
                "<v2:System>{}{}{}{}{}</v2:System>",
                v2("SystemMyndighed", &myndighed),
                v2("SystemUUID", &m.uuid),
                v2("SystemNavn", &m.navn),
                v2("RoutingKLEEmne", emne.as_str()),
                regel
                    .facet
                    .as_ref()
                    .map(|f| v2("RoutingHandlingFacet", f.as_str()))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    Ok(format!(
        "<tns:FordelingsmodtagerListResponse xmlns:tns=\"{TYPES_NS}\" xmlns:v2=\"{V2_NS}\"><tns:Systemer>{systems}</tns:Systemer></tns:FordelingsmodtagerListResponse>"
    ))
}

fn valider(
    p: &Platform,
    payload: &Element,
    state: &std::sync::Mutex<ScenarioFordeling>,
) -> Result<String, Vec<Fejl>> {
    let t = top(
        payload,
        &[
            ("AfsendendeMyndighed", TYPES_NS, ONE),
            ("RoutingListe", TYPES_NS, ONE),
        ],
    )
    .map_err(|e| vec![e])?;
    cvr_of(one(&t, "AfsendendeMyndighed")).map_err(|e| vec![e])?;
    let liste = seq(one(&t, "RoutingListe"), &[("Routing", V2_NS, MANY)]).map_err(|e| vec![e])?;
    let s = state.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = String::new();
    let mut errors = Vec::new();
    for r in &liste["Routing"] {
        let read = || -> Result<(String, String), Fejl> {
            let f = seq(
                r,
                &[
                    ("RoutingMyndighed", V2_NS, ONE),
                    ("RoutingModtagerAktoer", V2_NS, ONE),
                ],
            )?;
            Ok((
                cvr_of(one(&f, "RoutingMyndighed"))?,
                uuid_of(one(&f, "RoutingModtagerAktoer"))?,
            ))
        };
        match read() {
            Ok((cvr, uuid)) => {
                let data = loaded(p);
                let kan = data
                    .modtager(&uuid)
                    .is_some_and(|m| data.serves(&s, &cvr, m));
                out.push_str(&format!(
                    "<v2:RoutingModtager>{}{}{}</v2:RoutingModtager>",
                    v2("RoutingMyndighed", &cvr),
                    v2("RoutingModtagerAktoer", &uuid),
                    v2("KanModtage", if kan { "true" } else { "false" })
                ));
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(format!(
        "<tns:FordelingsmodtagerValiderResponse xmlns:tns=\"{TYPES_NS}\" xmlns:v2=\"{V2_NS}\"><tns:RoutingListe>{out}</tns:RoutingListe></tns:FordelingsmodtagerValiderResponse>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn shape_checker_names_missing_unexpected_and_misplaced_elements() {
        let el =
            xml::parse(format!("<a xmlns=\"{V2_NS}\"><x>1</x><z>2</z></a>").as_bytes()).unwrap();
        let spec = [("x", V2_NS, ONE), ("y", V2_NS, ONE), ("z", V2_NS, OPT)];
        let e = seq(&el, &spec).unwrap_err().1;
        assert!(e.contains("lacks <y> (found <z> in its place"), "{e}");
        let spec = [("x", V2_NS, ONE)];
        assert!(seq(&el, &spec).unwrap_err().1.contains("<z> is unexpected"));
        let spec = [("x", TYPES_NS, ONE), ("z", V2_NS, OPT)];
        assert!(seq(&el, &spec).unwrap_err().1.contains("namespace"));
        let spec = [("x", V2_NS, ONE), ("z", V2_NS, OPT)];
        assert_eq!(seq(&el, &spec).unwrap()["z"].len(), 1);
    }
}
