//! ØiR, now FK-ØKO (Fælleskommunale Økonomiintegrationer), and its sortiment: retrieve a
//! system's sortiment (SF7002: its items, version and validity) and send økonomiposteringer
//! (SF1590_A, SP's "ØiR ModtagFinansbilag v2") that must lie inside the sortiment in force.
//!
//! **Partly public, partly modelled.** SF1590_A's path and entityID follow what KOMBIT has
//! published; ØiR's namespaces, operations, payloads and the sortiment's transport are not
//! public (serviceplatform.md "ØiR, now FK-ØKO", §7.4). Those follow the platform's
//! conventions (SOAP 1.1 via SP, the context model, OIO sagdok `StandardRetur`). Every id,
//! element name, namespace, path and SOAPAction is in [`model`], each modelled one marked
//! there, so it can be corrected in one place when KOMBIT's documentation package is at hand.
//! Until then [`model::CHECKED_AGAINST_CONTRACT`] is false and the steps send these calls
//! only to sp-contract's own mock.

pub mod mock;
pub mod model;
pub mod steps;

/// ØiR (sortiment and postering) in the catalog. No doctor probe: the contract is modelled.
pub const ENTRY: super::entry::Entry = super::entry::Entry {
    folder: "oir",
    services: &[&SORTIMENT_INFO, &POSTERING_INFO],
    steps: steps::steps,
    probes: super::entry::no_probes,
    mock: mock::responders,
};

use crate::core::ids::Uuid;
use crate::core::service::ServiceInfo;
use crate::core::soap::{self, InvocationContext};
use crate::core::xml::Element;
use crate::services::sagdok::{
    self, child_ns, children_ns, expect, invalid, missing, only_children, only_contexts_and,
    required, StandardRetur, Writer,
};

pub const SORTIMENT_INFO: ServiceInfo = ServiceInfo {
    id: model::SORTIMENT_SERVICE_ID,
    name: model::SORTIMENT_TITLE,
    path: model::SORTIMENT_PATH,
    entity_id: model::SORTIMENT_ENTITY_ID,
    service_uuid: Some(model::SORTIMENT_SERVICE_UUID),
    security: crate::core::service::SecurityModel::Invocation,
    fidelity: crate::core::service::Fidelity::Modelled,
};

pub const POSTERING_INFO: ServiceInfo = ServiceInfo {
    id: model::POSTERING_SERVICE_ID,
    name: model::POSTERING_TITLE,
    path: model::POSTERING_PATH,
    entity_id: model::POSTERING_ENTITY_ID,
    service_uuid: Some(model::POSTERING_SERVICE_UUID),
    security: crate::core::service::SecurityModel::Invocation,
    fidelity: crate::core::service::Fidelity::Modelled,
};

/// Shape errors of this service's messages.
pub type OirError = crate::services::sagdok::ShapeError;

/// A calendar date as `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<time::Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt)
        .map_err(|_| format!("'{s}' is not a date; write YYYY-MM-DD, e.g. 2026-03-15"))
}

pub fn format_date(d: time::Date) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&fmt).unwrap_or_default()
}

/// An amount as the schema allows it (xs:decimal with at most two decimals), in øre.
pub fn parse_beloeb(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !all_digits(whole)
        || !all_digits(frac)
        || (digits.contains('.') && frac.is_empty())
    {
        return Err(format!("'{s}' is not an amount; write e.g. 1250.00"));
    }
    if frac.len() > 2 {
        return Err(format!("'{s}' has more than two decimals"));
    }
    if whole.trim_start_matches('0').len() > 13 {
        return Err(format!("'{s}' is too large"));
    }
    let whole: i64 = whole.parse().map_err(|_| format!("'{s}' is too large"))?;
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let v = whole * 100 + frac;
    Ok(if neg { -v } else { v })
}

/// `1.250,00` (Danish) or `1250.00` → `1250.00`, as the wire wants it. Anything else is
/// passed on unchanged for the receiver to judge.
pub fn amount_for_wire(text: &str) -> String {
    let t = text.trim();
    if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        t.to_string()
    }
}

/// `12345` øre → `123.45`.
pub fn format_beloeb(oere: i64) -> String {
    let sign = if oere < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", oere.abs() / 100, oere.abs() % 100)
}

// ------------------------------------------------------------------------------------------
// Sortiment.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortimentElement {
    /// `Konto` or a dimension type (`model::DIMENSION_TYPES`).
    pub type_: String,
    pub noegle: String,
    pub titel: Option<String>,
}

/// One version of a sortiment, as retrieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sortiment {
    pub uuid: String,
    pub navn: String,
    pub version: u32,
    pub gyldig_fra: String,
    pub gyldig_til: Option<String>,
    pub it_system: String,
    pub elementer: Vec<SortimentElement>,
}

impl Sortiment {
    pub fn contains(&self, type_: &str, noegle: &str) -> bool {
        self.elementer
            .iter()
            .any(|e| e.type_ == type_ && e.noegle == noegle)
    }

    /// `valid 2025-01-01 – 2025-12-31` / `valid from 2026-01-01`.
    pub fn validity(&self) -> String {
        match &self.gyldig_til {
            Some(t) => format!("valid {} – {t}", self.gyldig_fra),
            None => format!("valid from {}", self.gyldig_fra),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortimentSvar {
    pub standard: StandardRetur,
    pub sortiment: Option<Sortiment>,
}

fn sortiment_decls() -> [(&'static str, &'static str); 2] {
    [("srt", model::SORTIMENT_NS), ("sd", model::SAGDOK_NS)]
}

fn s(local: &str) -> String {
    format!("srt:{local}")
}

fn p(local: &str) -> String {
    format!("pst:{local}")
}

/// `SortimentHentRequest`. `dato = None`: the version in force today.
pub fn sortiment_hent_request(
    ctx: Option<&InvocationContext>,
    navn: &str,
    dato: Option<&str>,
) -> String {
    let mut w = Writer::new();
    let root = s(model::SORTIMENT_HENT_REQUEST);
    w.open_with(&root, &sortiment_decls());
    if let Some(c) = ctx {
        w.raw(&soap::invocation_context(c));
    }
    w.leaf(&s(model::SORTIMENT_NAVN), navn);
    if let Some(d) = dato {
        w.leaf(&s(model::GAELDENDE_DATO), d);
    }
    w.close(&root);
    w.finish()
}

/// Read a `SortimentHentRequest` (mock side): the name and the optional date.
pub fn parse_sortiment_hent_request(
    payload: &Element,
) -> Result<(String, Option<time::Date>), OirError> {
    expect(payload, model::SORTIMENT_NS, model::SORTIMENT_HENT_REQUEST)?;
    only_contexts_and(
        payload,
        model::SORTIMENT_NS,
        &[model::SORTIMENT_NAVN, model::GAELDENDE_DATO],
    )?;
    let navn = required(payload, model::SORTIMENT_NS, model::SORTIMENT_NAVN)?.text();
    if navn.is_empty() {
        return Err(invalid(model::SORTIMENT_NAVN, "", "must not be empty"));
    }
    let dato = match child_ns(payload, model::SORTIMENT_NS, model::GAELDENDE_DATO) {
        Some(d) => {
            let t = d.text();
            Some(parse_date(&t).map_err(|r| invalid(model::GAELDENDE_DATO, &t, r))?)
        }
        None => None,
    };
    Ok((navn, dato))
}

pub fn sortiment_hent_response_xml(svar: &SortimentSvar) -> String {
    let mut w = Writer::new();
    let root = s(model::SORTIMENT_HENT_RESPONSE);
    w.open_with(&root, &sortiment_decls());
    svar.standard.write(&mut w);
    if let Some(st) = &svar.sortiment {
        w.open(&s(model::SORTIMENT));
        w.leaf(&format!("sd:{}", model::UUID_IDENTIFIKATOR), &st.uuid);
        w.leaf(&s(model::SORTIMENT_NAVN), &st.navn);
        w.leaf(&s(model::VERSION_NUMMER), &st.version.to_string());
        w.leaf(&s(model::GYLDIG_FRA), &st.gyldig_fra);
        if let Some(t) = &st.gyldig_til {
            w.leaf(&s(model::GYLDIG_TIL), t);
        }
        w.leaf(&s(model::IT_SYSTEM_UUID), &st.it_system);
        w.open(&s(model::ELEMENT_LISTE));
        for e in &st.elementer {
            w.open(&s(model::ELEMENT));
            w.leaf(&s(model::ELEMENT_TYPE), &e.type_);
            w.leaf(&s(model::BRUGERVENDT_NOEGLE), &e.noegle);
            if let Some(t) = &e.titel {
                w.leaf(&s(model::TITEL), t);
            }
            w.close(&s(model::ELEMENT));
        }
        w.close(&s(model::ELEMENT_LISTE));
        w.close(&s(model::SORTIMENT));
    }
    w.close(&root);
    w.finish()
}

/// Read a `SortimentHentResponse` (client side).
pub fn parse_sortiment_hent_response(payload: &Element) -> Result<SortimentSvar, OirError> {
    expect(payload, model::SORTIMENT_NS, model::SORTIMENT_HENT_RESPONSE)?;
    let standard = sagdok::standard_retur_of(payload)?;
    let sortiment = match child_ns(payload, model::SORTIMENT_NS, model::SORTIMENT) {
        None => None,
        Some(st) => {
            let text = |n: &str| required(st, model::SORTIMENT_NS, n).map(|e| e.text());
            let uuid = required(st, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR)?.text();
            if !Uuid::is_valid(&uuid) {
                return Err(invalid(model::UUID_IDENTIFIKATOR, &uuid, "not a UUID"));
            }
            let v = text(model::VERSION_NUMMER)?;
            let version = v
                .parse::<u32>()
                .map_err(|_| invalid(model::VERSION_NUMMER, &v, "not a whole number"))?;
            let gyldig_fra = text(model::GYLDIG_FRA)?;
            parse_date(&gyldig_fra).map_err(|r| invalid(model::GYLDIG_FRA, &gyldig_fra, r))?;
            let gyldig_til = child_ns(st, model::SORTIMENT_NS, model::GYLDIG_TIL).map(|e| e.text());
            if let Some(t) = &gyldig_til {
                parse_date(t).map_err(|r| invalid(model::GYLDIG_TIL, t, r))?;
            }
            let mut elementer = Vec::new();
            if let Some(list) = child_ns(st, model::SORTIMENT_NS, model::ELEMENT_LISTE) {
                for e in children_ns(list, model::SORTIMENT_NS, model::ELEMENT) {
                    elementer.push(SortimentElement {
                        type_: required(e, model::SORTIMENT_NS, model::ELEMENT_TYPE)?.text(),
                        noegle: required(e, model::SORTIMENT_NS, model::BRUGERVENDT_NOEGLE)?.text(),
                        titel: child_ns(e, model::SORTIMENT_NS, model::TITEL).map(|t| t.text()),
                    });
                }
            }
            Some(Sortiment {
                uuid,
                navn: text(model::SORTIMENT_NAVN)?,
                version,
                gyldig_fra,
                gyldig_til,
                it_system: text(model::IT_SYSTEM_UUID)?,
                elementer,
            })
        }
    };
    Ok(SortimentSvar {
        standard,
        sortiment,
    })
}

// ------------------------------------------------------------------------------------------
// Økonomiposteringer.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postering {
    /// A UUID per posting, made by the sender.
    pub id: String,
    pub dato: String,
    /// As sent (`1250.00`); the receiver judges it.
    pub beloeb: String,
    /// `D` or `K`.
    pub debet_kredit: String,
    pub konto: String,
    /// (type, key), e.g. (`Omkostningssted`, `4100`).
    pub dimensioner: Vec<(String, String)>,
    pub tekst: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kvittering {
    pub id: String,
    pub sortiment_version: Option<u32>,
    pub retur: StandardRetur,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosteringSvar {
    pub standard: StandardRetur,
    pub kvitteringer: Vec<Kvittering>,
}

fn postering_decls() -> [(&'static str, &'static str); 2] {
    [("pst", model::POSTERING_NS), ("sd", model::SAGDOK_NS)]
}

/// `OekonomiposteringAfsendRequest`: the postings, booked under the sortiment named.
pub fn afsend_request(
    ctx: Option<&InvocationContext>,
    sortiment: &str,
    posteringer: &[Postering],
) -> String {
    let mut w = Writer::new();
    let root = p(model::AFSEND_REQUEST);
    w.open_with(&root, &postering_decls());
    if let Some(c) = ctx {
        w.raw(&soap::invocation_context(c));
    }
    w.leaf(&p(model::SORTIMENT_NAVN), sortiment);
    w.open(&p(model::POSTERING_LISTE));
    for x in posteringer {
        w.open(&p(model::POSTERING));
        w.leaf(&p(model::POSTERING_ID), &x.id);
        w.leaf(&p(model::POSTERINGSDATO), &x.dato);
        w.leaf(&p(model::BELOEB), &x.beloeb);
        w.leaf(&p(model::DEBET_KREDIT), &x.debet_kredit);
        w.leaf(&p(model::KONTO), &x.konto);
        if !x.dimensioner.is_empty() {
            w.open(&p(model::DIMENSION_LISTE));
            for (t, k) in &x.dimensioner {
                w.open(&p(model::DIMENSION));
                w.leaf(&p(model::DIMENSION_TYPE), t);
                w.leaf(&p(model::BRUGERVENDT_NOEGLE), k);
                w.close(&p(model::DIMENSION));
            }
            w.close(&p(model::DIMENSION_LISTE));
        }
        if let Some(t) = &x.tekst {
            w.leaf(&p(model::POSTERING_TEKST), t);
        }
        w.close(&p(model::POSTERING));
    }
    w.close(&p(model::POSTERING_LISTE));
    w.close(&root);
    w.finish()
}

/// Read an `OekonomiposteringAfsendRequest` (mock side). Checks what the schema checks:
/// presence, UUID, date, amount form, D/K; the sortiment rules are the mock's business.
pub fn parse_afsend_request(payload: &Element) -> Result<(String, Vec<Postering>), OirError> {
    let ns = model::POSTERING_NS;
    expect(payload, ns, model::AFSEND_REQUEST)?;
    only_contexts_and(
        payload,
        ns,
        &[model::SORTIMENT_NAVN, model::POSTERING_LISTE],
    )?;
    let navn = required(payload, ns, model::SORTIMENT_NAVN)?.text();
    let list = required(payload, ns, model::POSTERING_LISTE)?;
    only_children(list, ns, &[model::POSTERING])?;
    let mut out = Vec::new();
    for x in children_ns(list, ns, model::POSTERING) {
        let text = |n: &str| required(x, ns, n).map(|e| e.text());
        let id = text(model::POSTERING_ID)?;
        if !Uuid::is_valid(&id) {
            return Err(invalid(model::POSTERING_ID, &id, "not a UUID"));
        }
        let dato = text(model::POSTERINGSDATO)?;
        parse_date(&dato).map_err(|r| invalid(model::POSTERINGSDATO, &dato, r))?;
        let beloeb = text(model::BELOEB)?;
        parse_beloeb(&beloeb).map_err(|r| invalid(model::BELOEB, &beloeb, r))?;
        let debet_kredit = text(model::DEBET_KREDIT)?;
        if debet_kredit != model::DEBET && debet_kredit != model::KREDIT {
            return Err(invalid(
                model::DEBET_KREDIT,
                &debet_kredit,
                format!("{} (debet) or {} (kredit)", model::DEBET, model::KREDIT),
            ));
        }
        let mut dimensioner = Vec::new();
        if let Some(dl) = child_ns(x, ns, model::DIMENSION_LISTE) {
            for d in children_ns(dl, ns, model::DIMENSION) {
                dimensioner.push((
                    required(d, ns, model::DIMENSION_TYPE)?.text(),
                    required(d, ns, model::BRUGERVENDT_NOEGLE)?.text(),
                ));
            }
        }
        out.push(Postering {
            id,
            dato,
            beloeb,
            debet_kredit,
            konto: text(model::KONTO)?,
            dimensioner,
            tekst: child_ns(x, ns, model::POSTERING_TEKST).map(|e| e.text()),
        });
    }
    if out.is_empty() {
        return Err(missing(list, model::POSTERING));
    }
    Ok((navn, out))
}

pub fn afsend_response_xml(svar: &PosteringSvar) -> String {
    let mut w = Writer::new();
    let root = p(model::AFSEND_RESPONSE);
    w.open_with(&root, &postering_decls());
    svar.standard.write(&mut w);
    for k in &svar.kvitteringer {
        w.open(&p(model::KVITTERING));
        w.leaf(&p(model::POSTERING_ID), &k.id);
        if let Some(v) = k.sortiment_version {
            w.leaf(&p(model::KVITTERING_SORTIMENT_VERSION), &v.to_string());
        }
        k.retur.write(&mut w);
        w.close(&p(model::KVITTERING));
    }
    w.close(&root);
    w.finish()
}

/// Read an `OekonomiposteringAfsendResponse` (client side).
pub fn parse_afsend_response(payload: &Element) -> Result<PosteringSvar, OirError> {
    let ns = model::POSTERING_NS;
    expect(payload, ns, model::AFSEND_RESPONSE)?;
    let standard = sagdok::standard_retur_of(payload)?;
    let mut kvitteringer = Vec::new();
    for k in children_ns(payload, ns, model::KVITTERING) {
        let v = child_ns(k, ns, model::KVITTERING_SORTIMENT_VERSION).map(|e| e.text());
        let sortiment_version = match v {
            Some(t) => Some(t.parse::<u32>().map_err(|_| {
                invalid(
                    model::KVITTERING_SORTIMENT_VERSION,
                    &t,
                    "not a whole number",
                )
            })?),
            None => None,
        };
        kvitteringer.push(Kvittering {
            id: required(k, ns, model::POSTERING_ID)?.text(),
            sortiment_version,
            retur: sagdok::standard_retur_of(k)?,
        });
    }
    Ok(PosteringSvar {
        standard,
        kvitteringer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::xml;

    fn parse(s: &str) -> Element {
        xml::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn actions_are_the_namespace_plus_the_operation() {
        assert_eq!(
            model::SORTIMENT_HENT_ACTION,
            format!("{}SortimentHent", model::SORTIMENT_NS)
        );
        assert_eq!(
            model::AFSEND_ACTION,
            format!("{}OekonomiposteringAfsend", model::POSTERING_NS)
        );
    }

    #[test]
    fn namespaces_follow_the_sp_convention_on_the_path_and_public_names_are_kept() {
        for (path, ns) in [
            (model::SORTIMENT_PATH, model::SORTIMENT_NS),
            (model::POSTERING_PATH, model::POSTERING_NS),
        ] {
            let below = path.strip_prefix("/service/").unwrap();
            assert_eq!(
                ns,
                format!("http://serviceplatformen.dk/xml/wsdl/soap11/{below}/")
            );
        }
        // The FK-ØKO patterns: /service/OIR/<ServiceName>/<major> and
        // http://oir.serviceplatformen.dk/service/<lowercasename>/<major>.
        let (name, major) = ("ModtagFinansbilag", 2);
        assert_eq!(
            model::POSTERING_PATH,
            format!("/service/OIR/{name}/{major}")
        );
        assert_eq!(
            model::POSTERING_ENTITY_ID,
            format!(
                "http://oir.serviceplatformen.dk/service/{}/{major}",
                name.to_lowercase()
            )
        );
        assert_eq!(SORTIMENT_INFO.id, "SF7002");
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_beloeb("1250.00"), Ok(125000));
        assert_eq!(parse_beloeb("0.5"), Ok(50));
        assert_eq!(parse_beloeb("-3"), Ok(-300));
        for bad in [
            "12.345",
            "1,5",
            "abc",
            "",
            "1.",
            ".5",
            "1e3",
            "12345678901234",
        ] {
            assert!(parse_beloeb(bad).is_err(), "{bad}");
        }
        assert_eq!(amount_for_wire("1.250,50"), "1250.50");
        assert_eq!(amount_for_wire("830,00"), "830.00");
        assert_eq!(amount_for_wire("99.95"), "99.95");
        assert_eq!(format_beloeb(-125050), "-1250.50");
    }

    #[test]
    fn sortiment_messages_round_trip() {
        let req = parse(&sortiment_hent_request(
            None,
            "KY-ydelser",
            Some("2026-03-01"),
        ));
        let (navn, dato) = parse_sortiment_hent_request(&req).unwrap();
        assert_eq!(navn, "KY-ydelser");
        assert_eq!(dato.map(format_date).as_deref(), Some("2026-03-01"));
        let bad = parse(&sortiment_hent_request(
            None,
            "KY-ydelser",
            Some("2026-13-01"),
        ));
        assert!(parse_sortiment_hent_request(&bad).is_err());

        let svar = SortimentSvar {
            standard: StandardRetur::ok(),
            sortiment: Some(Sortiment {
                uuid: "a1f4a666-5717-432d-b475-ac0e2507a66f".into(),
                navn: "KY-ydelser".into(),
                version: 2,
                gyldig_fra: "2026-01-01".into(),
                gyldig_til: None,
                it_system: "903c9e8b-9112-4e92-9860-3c82eae5d61e".into(),
                elementer: vec![SortimentElement {
                    type_: "Konto".into(),
                    noegle: "5.57.72".into(),
                    titel: Some("Sociale formål".into()),
                }],
            }),
        };
        let got =
            parse_sortiment_hent_response(&parse(&sortiment_hent_response_xml(&svar))).unwrap();
        assert_eq!(got, svar);
        assert!(got.sortiment.unwrap().contains("Konto", "5.57.72"));
        let broken = sortiment_hent_response_xml(&svar).replace(">2<", ">to<");
        assert!(parse_sortiment_hent_response(&parse(&broken)).is_err());
    }

    #[test]
    fn posting_messages_round_trip_and_bad_ones_are_refused() {
        let x = Postering {
            id: "5b7c1c7e-2d11-4a4f-9f77-0e0b9a8f2b55".into(),
            dato: "2026-03-15".into(),
            beloeb: "1250.00".into(),
            debet_kredit: "D".into(),
            konto: "5.57.72".into(),
            dimensioner: vec![("Omkostningssted".into(), "4100".into())],
            tekst: Some("Udbetaling".into()),
        };
        let req = parse(&afsend_request(
            None,
            "KY-ydelser",
            std::slice::from_ref(&x),
        ));
        assert_eq!(
            parse_afsend_request(&req).unwrap(),
            ("KY-ydelser".to_string(), vec![x.clone()])
        );
        for (field, value) in [
            ("beloeb", "12.345"),
            ("debet_kredit", "X"),
            ("dato", "15-03-2026"),
        ] {
            let mut y = x.clone();
            match field {
                "beloeb" => y.beloeb = value.into(),
                "debet_kredit" => y.debet_kredit = value.into(),
                _ => y.dato = value.into(),
            }
            let req = parse(&afsend_request(None, "KY-ydelser", &[y]));
            let e = parse_afsend_request(&req).unwrap_err().to_string();
            assert!(e.contains(value), "{e}");
        }
        let svar = PosteringSvar {
            standard: StandardRetur::error(40, "Konto 5.22.07 is not in the sortiment"),
            kvitteringer: vec![Kvittering {
                id: x.id.clone(),
                sortiment_version: Some(2),
                retur: StandardRetur::error(40, "Konto 5.22.07 is not in the sortiment"),
            }],
        };
        assert_eq!(
            parse_afsend_response(&parse(&afsend_response_xml(&svar))).unwrap(),
            svar
        );
        let e = parse_afsend_response(&parse("<pst:OekonomiposteringAfsendResponse xmlns:pst=\"http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/\"/>"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("StandardRetur"), "{e}");
    }
}
