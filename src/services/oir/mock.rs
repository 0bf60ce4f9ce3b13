//! ØiR on the mock: sortiments with versions and validity from `mocks/oir/sortimenter.json`,
//! retrieved by SF7002 `SortimentHent`, and SF1590A `OekonomiposteringAfsend` postings checked
//! against the version in force on each posting's date: a positive amount, the account and
//! every dimension in that version, the date inside a version's validity. A refused posting is
//! a `StandardRetur` with StatusKode 40 naming the item (modelled); a request that breaks the
//! schema is the platform's `schema_validation` fault. Nothing is booked: the mock keeps no
//! state for ØiR.

use crate::core::ids::Uuid;
use crate::core::service::ServiceInfo;
use crate::core::xml::Element;
use crate::platform::data::{DataError, Platform};
use crate::platform::endpoint::{
    missing_data_fault, require_invocation, soap, SoapAnswer, SoapCall, SoapService,
};
use crate::services::oir::{
    self, format_date, model, parse_beloeb, parse_date, Kvittering, OirError, Postering,
    PosteringSvar, Sortiment, SortimentElement, SortimentSvar,
};
use crate::services::sagdok::{StandardRetur, STATUS_INPUT_ERROR, STATUS_NOT_FOUND};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::Date;

pub const DATA_FILE: &str = "oir/sortimenter.json";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SortimenterFile {
    /// Where the data comes from, for the file's reader: read (so it must be text), never
    /// used.
    #[serde(rename = "kilde")]
    _kilde: String,
    sortimenter: Vec<SortimentFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct SortimentFile {
    navn: String,
    uuid: String,
    /// For the file's reader, like `kilde`.
    #[serde(rename = "beskrivelse")]
    _beskrivelse: String,
    it_systemer: Vec<String>,
    versioner: Vec<VersionFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionFile {
    version: u32,
    gyldig_fra: String,
    gyldig_til: Option<String>,
    elementer: Vec<ElementFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ElementFile {
    #[serde(rename = "type")]
    type_: String,
    noegle: String,
    titel: Option<String>,
}

/// One sortiment version with its validity parsed.
#[derive(Debug, Clone)]
pub struct Version {
    pub fra: Date,
    pub til: Option<Date>,
    pub sortiment: Sortiment,
}

impl Version {
    pub fn in_force_on(&self, d: Date) -> bool {
        self.fra <= d && self.til.is_none_or(|t| d <= t)
    }
}

#[derive(Debug, Clone)]
pub struct SortimentDef {
    pub navn: String,
    pub it_systemer: Vec<String>,
    pub versioner: Vec<Version>,
}

impl SortimentDef {
    pub fn in_force_on(&self, d: Date) -> Option<&Version> {
        self.versioner.iter().find(|v| v.in_force_on(d))
    }

    /// `version 1 valid 2025-01-01 – 2025-12-31, version 2 valid from 2026-01-01`
    pub fn validity(&self) -> String {
        self.versioner
            .iter()
            .map(|v| format!("version {} {}", v.sortiment.version, v.sortiment.validity()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// All sortiments the mock knows.
#[derive(Debug, Clone)]
pub struct Sortimenter {
    pub list: Vec<SortimentDef>,
}

impl Sortimenter {
    pub fn load(mocks_dir: &Path) -> Result<Sortimenter, DataError> {
        let path = mocks_dir.join(DATA_FILE);
        let text = crate::platform::data::read_data(&path)?;
        Sortimenter::parse(&path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Sortimenter, DataError> {
        let invalid = |message: String| DataError::Invalid {
            path: PathBuf::from(path),
            message,
        };
        let file: SortimenterFile =
            crate::core::strict_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut list = Vec::new();
        for s in file.sortimenter {
            let at = |m: String| invalid(format!("sortiment '{}': {m}", s.navn));
            if !Uuid::is_valid(&s.uuid) || !s.it_systemer.iter().all(|u| Uuid::is_valid(u)) {
                return Err(at("UUIDs must be lower-case UUIDs".into()));
            }
            if list.iter().any(|d: &SortimentDef| d.navn == s.navn) {
                return Err(at("the name appears twice".into()));
            }
            let mut versioner: Vec<Version> = Vec::new();
            for (i, v) in s.versioner.iter().enumerate() {
                if v.version as usize != i + 1 {
                    return Err(at(format!(
                        "versions are numbered 1, 2, 3, ... in order; found {} at place {}",
                        v.version,
                        i + 1
                    )));
                }
                let fra = parse_date(&v.gyldig_fra).map_err(&at)?;
                let til = v
                    .gyldig_til
                    .as_deref()
                    .map(parse_date)
                    .transpose()
                    .map_err(&at)?;
                if til.is_some_and(|t| t < fra) {
                    return Err(at(format!("version {} ends before it starts", v.version)));
                }
                if let Some(prev) = versioner.last() {
                    match prev.til {
                        Some(t) if t < fra => {}
                        _ => {
                            return Err(at(format!(
                                "version {} starts before version {} ends",
                                v.version,
                                v.version - 1
                            )))
                        }
                    }
                }
                let mut elementer = Vec::new();
                for e in &v.elementer {
                    if e.type_ != model::KONTO_TYPE
                        && !model::DIMENSION_TYPES.contains(&e.type_.as_str())
                    {
                        return Err(at(format!(
                            "element type '{}' is neither {} nor a dimension ({})",
                            e.type_,
                            model::KONTO_TYPE,
                            model::DIMENSION_TYPES.join(", ")
                        )));
                    }
                    if elementer
                        .iter()
                        .any(|x: &SortimentElement| x.type_ == e.type_ && x.noegle == e.noegle)
                    {
                        return Err(at(format!(
                            "{} {} appears twice in version {}",
                            e.type_, e.noegle, v.version
                        )));
                    }
                    elementer.push(SortimentElement {
                        type_: e.type_.clone(),
                        noegle: e.noegle.clone(),
                        titel: e.titel.clone(),
                    });
                }
                versioner.push(Version {
                    fra,
                    til,
                    sortiment: Sortiment {
                        uuid: s.uuid.clone(),
                        navn: s.navn.clone(),
                        version: v.version,
                        gyldig_fra: format_date(fra),
                        gyldig_til: til.map(format_date),
                        it_system: s.it_systemer.first().cloned().unwrap_or_default(),
                        elementer,
                    },
                });
            }
            if versioner.is_empty() {
                return Err(at("has no versions".into()));
            }
            list.push(SortimentDef {
                navn: s.navn,
                it_systemer: s.it_systemer,
                versioner,
            });
        }
        Ok(Sortimenter { list })
    }

    /// The sortiment named, if the it-system has it.
    fn for_system(&self, navn: &str, system: &str) -> Result<&SortimentDef, StandardRetur> {
        match self.list.iter().find(|s| s.navn == navn) {
            Some(s) if s.it_systemer.iter().any(|u| u == system) => Ok(s),
            Some(_) => Err(StandardRetur::error(
                STATUS_NOT_FOUND,
                format!("sortiment {navn} is not assigned to it-system {system}"),
            )),
            None => Err(StandardRetur::error(
                STATUS_NOT_FOUND,
                format!("there is no sortiment named {navn}"),
            )),
        }
    }
}

/// The reasons a posting is refused under `def`; the version it was checked against.
pub fn check_postering(def: &SortimentDef, x: &Postering) -> (Option<u32>, Vec<String>) {
    let mut reasons = Vec::new();
    match parse_beloeb(&x.beloeb) {
        Ok(v) if v <= 0 => reasons.push(format!(
            "{} {} must be greater than 0 ({} gives the direction)",
            model::BELOEB,
            x.beloeb,
            model::DEBET_KREDIT
        )),
        Ok(_) => {}
        Err(e) => reasons.push(format!("{}: {e}", model::BELOEB)),
    }
    let version = match parse_date(&x.dato) {
        Ok(d) => def.in_force_on(d),
        Err(e) => {
            reasons.push(format!("{}: {e}", model::POSTERINGSDATO));
            return (None, reasons);
        }
    };
    let Some(v) = version else {
        reasons.push(format!(
            "{} {} is outside the validity of sortiment {} ({})",
            model::POSTERINGSDATO,
            x.dato,
            def.navn,
            def.validity()
        ));
        return (None, reasons);
    };
    let s = &v.sortiment;
    let where_ = format!(
        "sortiment {} version {} ({})",
        s.navn,
        s.version,
        s.validity()
    );
    if !s.contains(model::KONTO_TYPE, &x.konto) {
        reasons.push(format!(
            "{} {} is not in {where_}",
            model::KONTO_TYPE,
            x.konto
        ));
    }
    for (t, k) in &x.dimensioner {
        if !model::DIMENSION_TYPES.contains(&t.as_str()) {
            reasons.push(format!(
                "{t} is not a dimension of the sortiment ({})",
                model::DIMENSION_TYPES.join(", ")
            ));
        } else if !s.contains(t, k) {
            reasons.push(format!("{t} {k} is not in {where_}"));
        }
    }
    (Some(s.version), reasons)
}

/// The sortiments, or why the mocks folder has none (every call then gets a fault saying so).
type Data = Result<Arc<Sortimenter>, String>;

/// SF7002 `SortimentHent`.
pub struct SortimentService {
    data: Data,
}

/// SF1590A `OekonomiposteringAfsend`.
pub struct PosteringService {
    data: Data,
}

/// Both services over the same data. An absent data file leaves them answering a fault that
/// names it; a broken one stops the mock.
pub fn load(mocks_dir: &Path) -> Result<(SortimentService, PosteringService), DataError> {
    let data = match Sortimenter::load(mocks_dir) {
        Ok(d) => Ok(Arc::new(d)),
        Err(e) if crate::platform::endpoint::absent(&e) => {
            Err(format!("{e}; add {DATA_FILE} to the mocks folder"))
        }
        Err(e) => return Err(e),
    };
    Ok((
        SortimentService { data: data.clone() },
        PosteringService { data },
    ))
}

/// ØiR's two services on the embedded mock.
pub fn responders(p: &Arc<Platform>) -> crate::platform::Responders {
    let (sortiment, postering) = load(&p.dir)?;
    Ok(vec![soap(p, sortiment), soap(p, postering)])
}

/// What both services have before they answer: the calling it-system, the request read,
/// and the data.
struct Admitted<'d, T> {
    system: String,
    request: T,
    data: &'d Sortimenter,
}

/// One operation: the service it belongs to and what its request and answer validate
/// against (the project's modelled XSDs in `schemas/oir/`).
struct Operation {
    info: &'static ServiceInfo,
    schema: [crate::schema::Operation; 1],
}

const SORTIMENT_HENT: Operation = Operation {
    info: &oir::SORTIMENT_INFO,
    schema: [crate::schema::Operation::new(
        model::SORTIMENT_HENT_ACTION,
        "oir/SortimentServiceMsg.xsd",
        model::SORTIMENT_NS,
        (
            model::SORTIMENT_HENT_REQUEST,
            model::SORTIMENT_HENT_RESPONSE,
        ),
    )],
};

const AFSEND: Operation = Operation {
    info: &oir::POSTERING_INFO,
    schema: [crate::schema::Operation::new(
        model::AFSEND_ACTION,
        "oir/OekonomiposteringServiceMsg.xsd",
        model::POSTERING_NS,
        (model::AFSEND_REQUEST, model::AFSEND_RESPONSE),
    )],
};

/// The pipeline up to the access check, then the request read (a schema fault when it
/// breaks the shape) and the data (a fault naming the missing file).
fn admit<'d, T>(
    p: &Platform,
    call: &SoapCall<'_>,
    data: &'d Data,
    op: &Operation,
    read: impl FnOnce(&Element) -> Result<T, OirError>,
) -> Result<Admitted<'d, T>, SoapAnswer> {
    let info = op.info;
    let schema =
        |reason: String| SoapAnswer::Fault(p.fault("schema_validation", &[("reason", &reason)]));
    // The pipeline validated the payload against the project's XSD.
    let payload = call.payload;
    let ic = require_invocation(p, info, payload, &call.caller)?;
    let request = read(payload).map_err(|e| schema(e.to_string()))?;
    let data = data
        .as_deref()
        .map_err(|m| missing_data_fault(info.id, m))?;
    Ok(Admitted {
        system: ic.user_system_uuid,
        request,
        data,
    })
}

impl SoapService for SortimentService {
    fn info(&self) -> &'static ServiceInfo {
        &oir::SORTIMENT_INFO
    }

    fn operations(&self) -> &'static [crate::schema::Operation] {
        &SORTIMENT_HENT.schema
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        let Admitted {
            system,
            request: (navn, dato),
            data,
        } = match admit(
            p,
            call,
            &self.data,
            &SORTIMENT_HENT,
            oir::parse_sortiment_hent_request,
        ) {
            Ok(a) => a,
            Err(a) => return a,
        };
        let answer = |standard: StandardRetur, sortiment: Option<Sortiment>| {
            SoapAnswer::Payload(oir::sortiment_hent_response_xml(&SortimentSvar {
                standard,
                sortiment,
            }))
        };
        let def = match data.for_system(&navn, &system) {
            Ok(d) => d,
            Err(r) => return answer(r, None),
        };
        let day = dato.unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
        match def.in_force_on(day) {
            Some(v) => answer(StandardRetur::ok(), Some(v.sortiment.clone())),
            None => answer(
                StandardRetur::error(
                    STATUS_NOT_FOUND,
                    format!(
                        "no version of sortiment {navn} is in force on {} ({})",
                        format_date(day),
                        def.validity()
                    ),
                ),
                None,
            ),
        }
    }
}

impl SoapService for PosteringService {
    fn info(&self) -> &'static ServiceInfo {
        &oir::POSTERING_INFO
    }

    fn operations(&self) -> &'static [crate::schema::Operation] {
        &AFSEND.schema
    }

    fn handle(&self, p: &Platform, call: &SoapCall<'_>) -> SoapAnswer {
        let Admitted {
            system,
            request: (navn, posteringer),
            data,
        } = match admit(p, call, &self.data, &AFSEND, oir::parse_afsend_request) {
            Ok(a) => a,
            Err(a) => return a,
        };
        let answer = |svar: PosteringSvar| SoapAnswer::Payload(oir::afsend_response_xml(&svar));
        let def = match data.for_system(&navn, &system) {
            Ok(d) => d,
            Err(r) => {
                return answer(PosteringSvar {
                    standard: r,
                    kvitteringer: vec![],
                })
            }
        };
        let mut kvitteringer = Vec::new();
        let mut refused = Vec::new();
        for (i, x) in posteringer.iter().enumerate() {
            let (version, mut reasons) = check_postering(def, x);
            if posteringer[..i].iter().any(|y| y.id == x.id) {
                reasons.push(format!(
                    "{} {} appears twice in the call",
                    model::POSTERING_ID,
                    x.id
                ));
            }
            let retur = if reasons.is_empty() {
                StandardRetur::ok()
            } else {
                // Numbered, not by id: the ids are generated per run.
                let t = format!("Postering {}: {}", i + 1, reasons.join("; "));
                refused.push(t.clone());
                StandardRetur::error(STATUS_INPUT_ERROR, t)
            };
            kvitteringer.push(Kvittering {
                id: x.id.clone(),
                sortiment_version: version,
                retur,
            });
        }
        let standard = if refused.is_empty() {
            StandardRetur::ok()
        } else {
            StandardRetur::error(
                STATUS_INPUT_ERROR,
                format!(
                    "{} of {} posting(s) refused: {}",
                    refused.len(),
                    posteringer.len(),
                    refused.join(" | ")
                ),
            )
        };
        answer(PosteringSvar {
            standard,
            kvitteringer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Sortimenter {
        Sortimenter::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/mocks"))).unwrap()
    }

    fn postering(konto: &str, dato: &str, beloeb: &str) -> Postering {
        Postering {
            id: "5b7c1c7e-2d11-4a4f-9f77-0e0b9a8f2b55".into(),
            dato: dato.into(),
            beloeb: beloeb.into(),
            debet_kredit: "D".into(),
            konto: konto.into(),
            dimensioner: vec![],
            tekst: None,
        }
    }

    #[test]
    fn postings_are_checked_against_the_version_in_force() {
        let d = data();
        let ky = &d.list[0];
        assert_eq!(
            check_postering(ky, &postering("5.57.72", "2026-03-15", "10.00")),
            (Some(2), vec![])
        );
        // 5.48.67 arrives in version 2; 5.57.73 leaves.
        assert!(
            check_postering(ky, &postering("5.48.67", "2026-03-15", "10.00"))
                .1
                .is_empty()
        );
        let (v, r) = check_postering(ky, &postering("5.48.67", "2025-06-15", "10.00"));
        assert_eq!(v, Some(1));
        assert!(
            r[0].contains("Konto 5.48.67 is not in sortiment KY-ydelser version 1"),
            "{r:?}"
        );
        let (v, r) = check_postering(ky, &postering("5.57.72", "2024-12-31", "10.00"));
        assert_eq!(v, None);
        assert!(r[0].contains("outside the validity"), "{r:?}");
        let (_, r) = check_postering(ky, &postering("5.57.72", "2026-03-15", "0.00"));
        assert!(r[0].contains("greater than 0"), "{r:?}");
        let mut x = postering("5.57.72", "2026-03-15", "10.00");
        x.dimensioner = vec![
            ("Omkostningssted".into(), "9999".into()),
            ("Farve".into(), "blå".into()),
        ];
        let (_, r) = check_postering(ky, &x);
        assert_eq!(r.len(), 2, "{r:?}");
        assert!(
            r[0].contains("Omkostningssted 9999") && r[1].contains("Farve"),
            "{r:?}"
        );
    }

    #[test]
    fn broken_sortiment_data_is_refused_with_the_reason() {
        let ok = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/mocks/oir/sortimenter.json"
        ))
        .unwrap();
        for (from, to, why) in [
            ("\"version\": 2", "\"version\": 3", "numbered"),
            (
                "\"gyldig_fra\": \"2026-01-01\"",
                "\"gyldig_fra\": \"2025-12-01\"",
                "starts before",
            ),
            ("\"type\": \"Art\"", "\"type\": \"Farve\"", "neither"),
            (
                "\"gyldig_til\": \"2025-12-31\"",
                "\"gyldig_til\": \"2025-13-31\"",
                "not a date",
            ),
        ] {
            assert!(ok.contains(from), "{from}");
            let e = Sortimenter::parse(Path::new("x.json"), &ok.replacen(from, to, 1))
                .unwrap_err()
                .to_string();
            assert!(e.contains(why) && e.contains("x.json"), "{e}");
        }
    }
}
