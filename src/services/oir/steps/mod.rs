//! ØiR (FK-ØKO) steps: retrieve the system's sortiment (SF7002) and send økonomiposteringer
//! (SF1590A) that the receiver checks against the sortiment in force.
//!
//! The payloads are modelled (`src/services/oir/model.rs`); until it is checked against
//! KOMBIT's documentation these calls go only to sp-contract's own mock.

use crate::core::service::ServiceInfo;
use crate::runner::model::{FailureKind, StepFailure};
use crate::runner::steps::{Args, CheckCtx, Finding, Kind, StepDef, StepFuture};
use crate::runner::world::{contract, input, World};
use crate::services::oir::{
    self, amount_for_wire, model, parse_beloeb, parse_date, Postering, PosteringSvar, Sortiment,
    SortimentSvar,
};
use crate::services::sagdok::StandardRetur;
use crate::targets::target::Target;

mod receipts;

const G: &str = "ØiR / FK-ØKO (SF7002, SF1590A)";

#[derive(Debug, Default)]
struct OirState {
    /// The sortiment postings are booked under.
    sortiment: Option<String>,
    /// The ids of the postings sent last, in order (their receipts name them).
    sent: Vec<String>,
}

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Given,
            G,
            r#"systemet bogfører efter sortimentet "([^"]+)""#,
            r#"systemet bogfører efter sortimentet "KY-ydelser""#,
            "Postings are sent under this sortiment (retrieving a sortiment also sets it). On the mock it must be one of mocks/oir/sortimenter.json.",
            use_sortiment,
        )
        .with_precheck(precheck_sortiment),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg henter sortimentet "([^"]+)"(?: gældende "([^"]+)")?"#,
            r#"jeg henter sortimentet "KY-ydelser" gældende "2026-03-01""#,
            "SF7002 SortimentHent: the version in force on the date (YYYY-MM-DD; today without 'gældende'), with its items and validity. Modelled: sent only to sp-contract's own mock.",
            hent,
        )
        .with_variants(&[
            r#"jeg henter sortimentet "KY-ydelser""#,
        ])
        .with_check(check_sortiment),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg sender en økonomipostering på "([^"]+)" kr\. på kontoen "([^"]+)" dateret "([^"]+)""#,
            r#"jeg sender en økonomipostering på "1.250,00" kr. på kontoen "5.57.72" dateret "2026-03-15""#,
            "SF1590A OekonomiposteringAfsend of one debit posting under the chosen sortiment. The amount (1.250,00 or 1250.00) is checked first: one that is not a number with at most two decimals is refused before sending. Modelled: sent only to sp-contract's own mock.",
            send_one,
        )
        .with_check(check_postering)
        .with_precheck(precheck_one),
        StepDef::new(
            Kind::When,
            G,
            r"jeg sender økonomiposteringerne:",
            "jeg sender økonomiposteringerne:",
            "SF1590A of the postings in the table: columns beløb, konto, dato, and optionally debetkredit (D/K, default D), tekst, and a column per dimension (Art, Omkostningssted; an empty cell leaves it out).",
            send_table,
        )
        .with_check(check_postering)
        .with_precheck(precheck_table),
        StepDef::new(
            Kind::Then,
            G,
            r"sortimentet har version (\d+)",
            "sortimentet har version 2",
            "The retrieved sortiment's VersionNummer.",
            has_version,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"sortimentet er gyldigt fra "([^"]+)" (?:til "([^"]+)"|indtil videre)"#,
            r#"sortimentet er gyldigt fra "2026-01-01" indtil videre"#,
            "The retrieved version's GyldigFra, and GyldigTil (or, with 'indtil videre', none).",
            validity,
        )
        .with_variants(&[
            r#"sortimentet er gyldigt fra "2025-01-01" til "2025-12-31""#,
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r#"sortimentet indeholder( ikke)? (kontoen|arten|omkostningsstedet) "([^"]+)""#,
            r#"sortimentet indeholder kontoen "5.48.67""#,
            "The retrieved version has (or, with 'ikke', lacks) the item of that type (Konto, Art, Omkostningssted).",
            contains_item,
        )
        .with_variants(&[
            r#"sortimentet indeholder arten "5.2""#,
            r#"sortimentet indeholder omkostningsstedet "4100""#,
            r#"sortimentet indeholder ikke kontoen "5.22.07""#,
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r"sortimentet indeholder elementerne:",
            "sortimentet indeholder elementerne:",
            "Every row of the table (| type | nøgle | and optionally | titel |) is an item of the retrieved version. All missing items are listed together.",
            contains_table,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"ØiR svarer med statuskoden (\d+)",
            "ØiR svarer med statuskoden 44",
            "The answer's overall StandardRetur has this StatusKode (20 OK; modelled: 40 refused input, 44 not found).",
            answers_code,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"økonomiposteringe(?:n|rne) accepteres",
            "økonomiposteringen accepteres",
            "The overall StandardRetur and every posting's receipt have StatusKode 20.",
            receipts::accepted,
        )
        .with_variants(&[
            "økonomiposteringerne accepteres",
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r#"økonomiposteringe(?:n|rne) afvises med begrundelsen "([^"]+)""#,
            r#"økonomiposteringen afvises med begrundelsen "5.22.07""#,
            "The postings were refused (a StandardRetur other than 20, or a schema fault) and the reason contains the text, e.g. the item outside the sortiment.",
            receipts::rejected,
        )
        .with_variants(&[
            r#"økonomiposteringerne afvises med begrundelsen "9999""#,
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r"økonomiposteringe(?:n|rne) er kontrolleret mod sortimentets version (\d+)",
            "økonomiposteringen er kontrolleret mod sortimentets version 2",
            "Every posting's receipt names this sortiment version (the one in force on its date).",
            receipts::checked_version,
        )
        .with_variants(&[
            "økonomiposteringerne er kontrolleret mod sortimentets version 2",
        ]),
        StepDef::new(
            Kind::Then,
            G,
            r#"posteringen nr\. (\d+) (accepteres|afvises)(?: med begrundelsen "([^"]+)")?"#,
            "posteringen nr. 1 accepteres",
            "The receipt (PosteringKvittering) of the batch's Nth posting, in the order sent: StatusKode 20, or (afvises) another, with 'med begrundelsen' a FejlbeskedTekst containing the text. The other postings' receipts do not matter.",
            receipts::one,
        )
        .with_variants(&[
            r#"posteringen nr. 2 afvises med begrundelsen "Omkostningssted 9999""#,
        ]),
    ]
}

// ------------------------------------------------------------------------------------------
// Helpers.

fn guard(t: &Target) -> Result<(), String> {
    if model::CHECKED_AGAINST_CONTRACT || t.kind().is_own_mock() {
        Ok(())
    } else {
        Err(format!(
            "ØiR (SF7002, SF1590A) is modelled: its payloads are not public (only SF1590A's path and entityID are), so sp-contract sends it only to its own mock, not to target '{}'. Nothing was sent. Correct the names in src/services/oir/model.rs against KOMBIT's contract package and set model::CHECKED_AGAINST_CONTRACT, or leave these scenarios out with --tags \"not @OiR\"",
            t.name
        ))
    }
}

fn check(t: &Target, svc: &ServiceInfo) -> Result<(), String> {
    guard(t)?;
    t.agreement_for(svc.id).map(|_| ()).map_err(String::from)
}

fn check_sortiment(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    check(t, &oir::SORTIMENT_INFO)?;
    match a.get(1) {
        "" => Ok(()),
        d => parse_date(d).map(|_| ()),
    }
}

fn check_postering(cx: &CheckCtx<'_>, _a: &Args) -> Result<(), String> {
    let t = cx.target;
    check(t, &oir::POSTERING_INFO)
}

/// On the mock, a sortiment postings are booked under must be in its data: otherwise every
/// posting would come back "not found" and read as the mock breaking the contract. (Retrieving
/// an unknown sortiment is a fair question and is not checked.)
fn mock_sortiment(p: &crate::platform::data::Platform, navn: &str) -> Result<(), String> {
    let Ok(data) = crate::services::oir::mock::Sortimenter::load(&p.dir) else {
        return Ok(()); // the mock answers with a fault naming its missing data
    };
    if data.list.iter().any(|s| s.navn == navn) {
        return Ok(());
    }
    Err(format!(
        "the mock has no sortiment '{navn}' (known: {}); write one of those, or add it to mocks/{}",
        data.list
            .iter()
            .map(|s| s.navn.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        crate::services::oir::mock::DATA_FILE
    ))
}

fn precheck_sortiment(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    match cx.mock {
        Some(p) => mock_sortiment(p, a.get(0)).map_err(Finding::Input),
        None => Ok(()),
    }
}

fn precheck_one(_cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    postering(a.get(0), a.get(1), a.get(2))
        .map_err(|f| Finding::Input(f.message))?
        .map(|_| ())
        .map_err(Finding::Refusal)
}

fn precheck_table(_cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    table_postings(a)
        .map_err(|f| Finding::Input(f.message))?
        .map(|_| ())
        .map_err(Finding::Refusal)
}

fn date_or_input(s: &str) -> Result<String, StepFailure> {
    parse_date(s).map(oir::format_date).map_err(input)
}

fn sortiment_svar(w: &World) -> Result<SortimentSvar, StepFailure> {
    oir::parse_sortiment_hent_response(w.payload()?).map_err(|e| {
        contract(format!(
            "the SF7002 answer does not follow the (modelled) contract: {e}"
        ))
    })
}

/// The retrieved sortiment, or a contract failure saying why there is none.
fn sortiment(w: &World) -> Result<Sortiment, StepFailure> {
    let svar = sortiment_svar(w)?;
    if !svar.standard.is_ok() {
        return Err(contract(format!(
            "no sortiment was retrieved: {}",
            svar.standard.summary()
        )));
    }
    svar.sortiment
        .ok_or_else(|| contract("the answer says StatusKode 20 but holds no Sortiment"))
}

pub(super) fn postering_svar(w: &World) -> Result<PosteringSvar, StepFailure> {
    oir::parse_afsend_response(w.payload()?).map_err(|e| {
        contract(format!(
            "the SF1590A answer does not follow the (modelled) contract: {e}"
        ))
    })
}

fn item_type(word: &str) -> &'static str {
    match word {
        "kontoen" => model::KONTO_TYPE,
        "arten" => "Art",
        _ => "Omkostningssted",
    }
}

async fn send_postings(w: &mut World, posteringer: Vec<Postering>) -> Result<(), StepFailure> {
    guard(w.target()).map_err(input)?;
    let navn = w
        .ext
        .get_mut::<OirState>()
        .sortiment
        .clone()
        .ok_or_else(|| {
            input("which sortiment are the postings booked under? Add 'Givet systemet bogfører efter sortimentet \"…\"' (or retrieve it first)")
        })?;
    let ctx = w.invocation_context(&oir::POSTERING_INFO)?;
    let body = oir::afsend_request(ctx.as_ref(), &navn, &posteringer);
    w.ext.get_mut::<OirState>().sent = posteringer.iter().map(|p| p.id.clone()).collect();
    w.call_soap(&oir::POSTERING_INFO, model::AFSEND_ACTION, &body)
        .await
}

/// One debit posting. An amount the schema would not take (not a number, three decimals) is
/// refused before sending (`Err(reason)`), like a malformed CPR number; whether it is positive
/// and inside the sortiment is the receiver's to judge.
fn postering(
    beloeb: &str,
    konto: &str,
    dato: &str,
) -> Result<Result<Postering, String>, StepFailure> {
    let wire = amount_for_wire(beloeb);
    if let Err(e) = parse_beloeb(&wire) {
        return Ok(Err(format!("{}: {e}", model::BELOEB)));
    }
    Ok(Ok(Postering {
        id: uuid::Uuid::new_v4().to_string(),
        dato: date_or_input(dato)?,
        beloeb: wire,
        debet_kredit: model::DEBET.to_string(),
        konto: konto.trim().to_string(),
        dimensioner: Vec::new(),
        tekst: None,
    }))
}

fn refuse(w: &mut World, reason: String) -> Result<(), StepFailure> {
    w.refuse(reason)
}

// ------------------------------------------------------------------------------------------
// Givet / Når.

fn use_sortiment(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        if let Some(p) = &w.ctx.mock {
            mock_sortiment(p, a.get(0)).map_err(input)?;
        }
        w.ext.get_mut::<OirState>().sortiment = Some(a.get(0).to_string());
        Ok(())
    })
}

fn hent(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        guard(w.target()).map_err(input)?;
        let navn = a.get(0).to_string();
        let dato = match a.get(1) {
            "" => None,
            d => Some(date_or_input(d)?),
        };
        w.ext.get_mut::<OirState>().sortiment = Some(navn.clone());
        let ctx = w.invocation_context(&oir::SORTIMENT_INFO)?;
        let body = oir::sortiment_hent_request(ctx.as_ref(), &navn, dato.as_deref());
        w.call_soap(&oir::SORTIMENT_INFO, model::SORTIMENT_HENT_ACTION, &body)
            .await
    })
}

fn send_one(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        match postering(a.get(0), a.get(1), a.get(2))? {
            Ok(x) => send_postings(w, vec![x]).await,
            Err(reason) => refuse(w, reason),
        }
    })
}

fn send_table(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        match table_postings(&a)? {
            Ok(posteringer) => send_postings(w, posteringer).await,
            Err(reason) => refuse(w, reason),
        }
    })
}

/// The postings of the table, or why our own checks refuse them before sending (`Ok(Err)`);
/// a table that cannot be read is an input error. The run and `--dry-run` share it.
fn table_postings(a: &Args) -> Result<Result<Vec<Postering>, String>, StepFailure> {
    let table = a.table.as_ref().ok_or_else(|| {
        input("this step needs a table: | beløb | konto | dato | [debetkredit] [tekst] [Art] [Omkostningssted] |")
    })?;
    let Some((header, rows)) = table.split_first() else {
        return Err(input("the table is empty"));
    };
    let col = |name: &[&str]| {
        header
            .iter()
            .position(|h| name.contains(&h.trim().to_lowercase().as_str()))
    };
    let (Some(b), Some(k), Some(d)) = (col(&["beløb", "beloeb"]), col(&["konto"]), col(&["dato"]))
    else {
        return Err(input(
            "the table needs the columns beløb, konto and dato (and may have debetkredit, tekst, Art, Omkostningssted)",
        ));
    };
    let dk = col(&["debetkredit", "d/k"]);
    let tekst = col(&["tekst"]);
    let mut dims = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if [Some(b), Some(k), Some(d), dk, tekst].contains(&Some(i)) {
            continue;
        }
        let Some(t) = model::DIMENSION_TYPES
            .iter()
            .find(|t| t.eq_ignore_ascii_case(h.trim()))
        else {
            return Err(input(format!(
                "unknown column '{h}': the columns are beløb, konto, dato, debetkredit, tekst and the dimensions {}",
                model::DIMENSION_TYPES.join(", ")
            )));
        };
        dims.push((i, *t));
    }
    let mut posteringer = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        if row.len() != header.len() {
            return Err(input("every row needs as many cells as the header"));
        }
        let mut x = match postering(&row[b], &row[k], &row[d])? {
            Ok(x) => x,
            Err(reason) => return Ok(Err(format!("row {}: {reason}", n + 1))),
        };
        if let Some(i) = dk {
            x.debet_kredit = row[i].trim().to_string();
        }
        if let Some(i) = tekst {
            x.tekst = Some(row[i].clone()).filter(|t| !t.is_empty());
        }
        x.dimensioner = dims
            .iter()
            .filter(|(i, _)| !row[*i].trim().is_empty())
            .map(|(i, t)| (t.to_string(), row[*i].trim().to_string()))
            .collect();
        posteringer.push(x);
    }
    if posteringer.is_empty() {
        return Err(input("the table has no postings below its header"));
    }
    Ok(Ok(posteringer))
}

// ------------------------------------------------------------------------------------------
// Så.

/// The sortiment version a Så-step names.
pub(super) fn version(a: &Args) -> Result<u32, StepFailure> {
    a.get(0)
        .parse()
        .map_err(|_| input("version must be a number"))
}

fn has_version(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = version(&a)?;
        let s = sortiment(w)?;
        if s.version == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected version {want} of sortiment {}, got version {} ({})",
                s.navn,
                s.version,
                s.validity()
            )))
        }
    })
}

fn validity(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let fra = date_or_input(a.get(0))?;
        let til = match a.get(1) {
            "" => None,
            t => Some(date_or_input(t)?),
        };
        let s = sortiment(w)?;
        if s.gyldig_fra == fra && s.gyldig_til == til {
            Ok(())
        } else {
            let want = Sortiment {
                gyldig_fra: fra,
                gyldig_til: til,
                ..s.clone()
            };
            Err(contract(format!(
                "expected sortiment {} version {} {}, it is {}",
                s.navn,
                s.version,
                want.validity(),
                s.validity()
            )))
        }
    })
}

fn contains_item(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let negate = !a.get(0).is_empty();
        let t = item_type(a.get(1));
        let key = a.get(2);
        let s = sortiment(w)?;
        match (s.contains(t, key), negate) {
            (true, false) | (false, true) => Ok(()),
            (false, false) => Err(contract(format!(
                "{t} {key} is not in sortiment {} version {}; its {t} items: {}",
                s.navn,
                s.version,
                s.elementer
                    .iter()
                    .filter(|e| e.type_ == t)
                    .map(|e| e.noegle.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
            (true, true) => Err(contract(format!(
                "{t} {key} is still in sortiment {} version {}",
                s.navn, s.version
            ))),
        }
    })
}

fn contains_table(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let table = a
            .table
            .as_ref()
            .ok_or_else(|| input("this step needs a table: | type | nøgle | [titel] |"))?;
        let Some((header, rows)) = table.split_first() else {
            return Err(input("the table is empty"));
        };
        let col = |n: &[&str]| {
            header
                .iter()
                .position(|h| n.contains(&h.trim().to_lowercase().as_str()))
        };
        let (Some(ti), Some(ni)) = (col(&["type"]), col(&["nøgle", "noegle"])) else {
            return Err(input(
                "the table needs the columns type and nøgle (and may have titel)",
            ));
        };
        let titel = col(&["titel"]);
        let s = sortiment(w)?;
        let mut diff = String::new();
        for row in rows {
            if row.len() != header.len() {
                return Err(input("every row needs as many cells as the header"));
            }
            let found = s
                .elementer
                .iter()
                .find(|e| e.type_ == row[ti].trim() && e.noegle == row[ni].trim());
            match (found, titel) {
                (None, _) => diff.push_str(&format!("  missing: {} {}\n", row[ti], row[ni])),
                (Some(e), Some(i)) if e.titel.as_deref().unwrap_or("") != row[i].trim() => diff
                    .push_str(&format!(
                        "  {} {}: titel \"{}\", expected \"{}\"\n",
                        row[ti],
                        row[ni],
                        e.titel.as_deref().unwrap_or(""),
                        row[i].trim()
                    )),
                _ => {}
            }
        }
        if diff.is_empty() {
            Ok(())
        } else {
            Err(StepFailure {
                kind: FailureKind::Contract,
                message: format!(
                    "sortiment {} version {} lacks items the table expects",
                    s.navn, s.version
                ),
                diff: Some(diff),
            })
        }
    })
}

/// The overall StandardRetur of whichever ØiR answer came last.
fn overall(w: &World) -> Result<StandardRetur, StepFailure> {
    let p = w.payload()?;
    if p.local == model::SORTIMENT_HENT_RESPONSE {
        Ok(sortiment_svar(w)?.standard)
    } else {
        Ok(postering_svar(w)?.standard)
    }
}

fn answers_code(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want: i64 = a
            .get(0)
            .parse()
            .map_err(|_| input("the StatusKode must be a number"))?;
        let sr = overall(w)?;
        if sr.status_kode == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected StatusKode {want}, got {}",
                sr.summary()
            )))
        }
    })
}
