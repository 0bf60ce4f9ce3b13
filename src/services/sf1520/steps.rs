//! SF1520 CPR lookup steps: sending, and the fields vendors rely on.

use crate::core::cpr::Cpr;
use crate::core::soap::Reply;
use crate::core::xml::{Element, Path};
use crate::runner::model::StepFailure;
use crate::runner::steps::{truthy, Args, CheckCtx, Finding, Kind, StepDef, StepFuture};
use crate::runner::world::{contract, input, no_answer_after_handshake, Last, World};
use crate::services::sf1520;

const G: &str = "CPR (SF1520)";

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::When,
            G,
            r#"jeg slår borgeren "([^"]+)" op i CPR"#,
            r#"jeg slår borgeren "far" op i CPR"#,
            "PersonLookup of a citizen named in the target's data (mock: mocks/citizens.json; real targets: [targets.NAME.aliases.citizens]).",
            lookup_alias,
        )
        .with_check(check_alias),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg slår CPR-nummeret "([^"]*)" op i CPR"#,
            r#"jeg slår CPR-nummeret "3213801234" op i CPR"#,
            "PersonLookup of a literal number. It is checked first (10 digits, a real birth date, the century rule; modulus 11 is not required) and refused before sending if invalid.",
            lookup_literal,
        )
        .with_precheck(precheck_literal),
        StepDef::new(
            Kind::Then,
            G,
            r#"borgerens navn er "([^"]+)""#,
            r#"borgerens navn er "Peter Testesen""#,
            "fornavn, mellemnavn and efternavn, joined by spaces, equal the text.",
            name_is,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"borgeren bor på "([^"]+)""#,
            r#"borgeren bor på "Prinsens Allé 5""#,
            "adresse/aktuelAdresse/standardadresse equals the text.",
            lives_at,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"borgerens civilstand er "([^"]+)""#,
            r#"borgerens civilstand er "gift""#,
            "persondata/civilstand/civilstand is the code (U, G, F, E, P, O, L, D) or its Danish word (ugift, gift, fraskilt, enke, registreret partnerskab, ophævet partnerskab, længstlevende partner, død).",
            civil_status,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"borgeren er (ikke )?tilmeldt Digital Post",
            "borgeren er tilmeldt Digital Post",
            "persondata/tilmeldtDigitalpost is true (or, with 'ikke', false or absent).",
            digital_post,
        )
        .with_variants(&["borgeren er ikke tilmeldt Digital Post"]),
        StepDef::new(
            Kind::Then,
            G,
            r"borgeren har (ikke )?navne- og adressebeskyttelse",
            "borgeren har navne- og adressebeskyttelse",
            "persondata/adressebeskyttelse/beskyttet is true (or, with 'ikke', not true).",
            protected,
        )
        .with_variants(&["borgeren har ikke navne- og adressebeskyttelse"]),
        StepDef::new(
            Kind::Then,
            G,
            r"borgeren er registreret som død",
            "borgeren er registreret som død",
            "persondata/status/status is 90 (inaktiv, død).",
            deceased,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"borgerens fødselsdato er "([^"]+)""#,
            r#"borgerens fødselsdato er "1982-07-22""#,
            "persondata/foedselsdato/dato is this date (YYYY-MM-DD).",
            birth_date,
        )
        .with_check(|_, a| date(a.get(0)).map(|_| ())),
        StepDef::new(
            Kind::Then,
            G,
            r#"borgerens køn er "([^"]+)""#,
            r#"borgerens køn er "kvinde""#,
            "persondata/koen is the code (K, M) or its word (kvinde, mand).",
            sex,
        )
        .with_check(|_, a| sex_code(a.get(0)).map(|_| ())),
        StepDef::new(
            Kind::Then,
            G,
            r#"borgerens status er "([^"]+)""#,
            r#"borgerens status er "udrejst""#,
            "persondata/status/status is the CPR status code (1, 3, 5, 7, 20, 30, 50, 60, 70, 80, 90) or its word: aktiv (1), aktiv med speciel vejkode (3), aktiv i Grønland (5), aktiv i Grønland med speciel vejkode (7), administrativt personnummer (20), annulleret (30), slettet (50), ændret (60), forsvundet (70), udrejst (80), død (90).",
            status_is,
        )
        .with_check(|_, a| status_code(a.get(0)).map(|_| ())),
        StepDef::new(
            Kind::Then,
            G,
            r"borgeren har (ikke )?vejviserbeskyttelse",
            "borgeren har vejviserbeskyttelse",
            "persondata/vejviserbeskyttelse/beskyttet is true (or, with 'ikke', not true).",
            directory_protected,
        )
        .with_variants(&["borgeren har ikke vejviserbeskyttelse"]),
        StepDef::new(
            Kind::Then,
            G,
            r"borgeren har ingen aktuel adresse",
            "borgeren har ingen aktuel adresse",
            "The answer has no adresse/aktuelAdresse (dead, emigrated or disappeared citizens; the last address may be in adresseHistorik).",
            no_current_address,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"borgerens (mor|far|ægtefælle) er "([^"]+)""#,
            r#"borgerens mor er "mor""#,
            "relationer/mor (far, aegtefaelle) names the CPR number of this citizen of the target's data, so relation checks hold on every target.",
            relation_is,
        )
        .with_variants(&[r#"borgerens far er "far""#, r#"borgerens ægtefælle er "far""#]),
        StepDef::new(
            Kind::Then,
            G,
            r#"borgeren har forældremyndighed hos "([^"]+)"(?: og "([^"]+)")?"#,
            r#"borgeren har forældremyndighed hos "far" og "mor""#,
            "The relationer/foraeldremyndighed entries name exactly these citizens (one or two, any order) of the target's data.",
            custody,
        )
        .with_variants(&[r#"borgeren har forældremyndighed hos "mor""#]),
        StepDef::new(
            Kind::Then,
            G,
            r"CPR svarer, at personen ikke findes",
            "CPR svarer, at personen ikke findes",
            "The lookup found no person: a SOAP fault, or an answer without persondata. (What the real service returns is not public; the mock answers with a fault, see mocks/faults.json. Pin the real answer with a snapshot.)",
            not_found,
        ),
    ]
}

fn check_alias(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    t.citizen(a.get(0))?;
    t.agreement_for(sf1520::INFO.id)
        .map(|_| ())
        .map_err(String::from)
}

/// A number that is not a CPR number is refused before sending (no agreement needed then);
/// a valid one is sent, so the target needs an SF1520 agreement.
fn precheck_literal(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    Cpr::parse(a.get(0)).map_err(|e| Finding::Refusal(e.to_string()))?;
    cx.target.agreement_for(sf1520::INFO.id)?;
    Ok(())
}

fn lookup_alias(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cpr = w.citizen(a.get(0))?;
        send(w, &cpr).await
    })
}

fn lookup_literal(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let raw = a.get(0).to_string();
        send(w, &raw).await
    })
}

async fn send(w: &mut World, cpr: &str) -> Result<(), StepFailure> {
    let cpr = match Cpr::parse(cpr) {
        Ok(c) => c,
        Err(e) => return w.refuse(e.to_string()),
    };
    let ctx = w.invocation_context(&sf1520::INFO)?;
    let payload = sf1520::lookup_request(ctx.as_ref(), cpr.as_str());
    w.call_soap(&sf1520::INFO, sf1520::SOAP_ACTION, &payload)
        .await
}

fn field(p: &Element, path: &str) -> Option<String> {
    let path: Path = path.parse().ok()?;
    p.select(&path).first().map(|e| e.text())
}

fn name_is(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let p = w.payload()?;
        let parts: Vec<String> = ["fornavn", "mellemnavn", "efternavn"]
            .iter()
            .filter_map(|n| field(p, &format!("persondata/navn/{n}")))
            .filter(|s| !s.is_empty())
            .collect();
        let got = parts.join(" ");
        if got == a.get(0) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the citizen's name \"{}\", got \"{got}\" (persondata/navn)",
                a.get(0)
            )))
        }
    })
}

fn lives_at(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let p = w.payload()?;
        let got = field(p, "adresse/aktuelAdresse/standardadresse");
        if got.as_deref() == Some(a.get(0)) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected adresse/aktuelAdresse/standardadresse \"{}\", got {}",
                a.get(0),
                got.map(|g| format!("\"{g}\""))
                    .unwrap_or_else(|| "no address".into())
            )))
        }
    })
}

fn civil_code(word: &str) -> Option<&'static str> {
    Some(match word.trim().to_lowercase().as_str() {
        "u" | "ugift" => "U",
        "g" | "gift" => "G",
        "f" | "fraskilt" => "F",
        "e" | "enke" | "enkemand" | "enke/enkemand" => "E",
        "p" | "registreret partnerskab" => "P",
        "o" | "ophævet partnerskab" => "O",
        "l" | "længstlevende partner" => "L",
        "d" | "død" => "D",
        _ => return None,
    })
}

fn civil_status(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = civil_code(a.get(0)).ok_or_else(|| {
            input(format!(
                "'{}' is not a civilstand; write one of U, G, F, E, P, O, L, D or ugift, gift, fraskilt, enke, registreret partnerskab, ophævet partnerskab, længstlevende partner, død",
                a.get(0)
            ))
        })?;
        let p = w.payload()?;
        let got = field(p, "persondata/civilstand/civilstand");
        if got.as_deref() == Some(want) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected civilstand {want} ({}), got {}",
                a.get(0),
                got.unwrap_or_else(|| "none".into())
            )))
        }
    })
}

fn flag(w: &World, path: &str, negate: bool, what: &str) -> Result<(), StepFailure> {
    let p = w.payload()?;
    let got = field(p, path);
    let is_true = got.as_deref().and_then(truthy) == Some(true);
    if is_true != negate {
        Ok(())
    } else {
        Err(contract(format!(
            "expected the citizen {}{what}, but {path} is {}",
            if negate { "not " } else { "" },
            got.unwrap_or_else(|| "absent".into())
        )))
    }
}

/// A Så-step on a true/false field of persondata (`ikke` in the first capture negates it).
macro_rules! flag_step {
    ($name:ident, $path:literal, $what:literal) => {
        fn $name(w: &mut World, a: Args) -> StepFuture<'_> {
            Box::pin(async move { flag(w, $path, !a.get(0).is_empty(), $what) })
        }
    };
}

flag_step!(
    digital_post,
    "persondata/tilmeldtDigitalpost",
    "to be enrolled in Digital Post"
);
flag_step!(
    protected,
    "persondata/adressebeskyttelse/beskyttet",
    "to have name and address protection"
);
flag_step!(
    directory_protected,
    "persondata/vejviserbeskyttelse/beskyttet",
    "to have directory protection (vejviserbeskyttelse)"
);

/// The field at `path` equals `want` (a code); `what` names it, `shown` is what the step said.
fn code_is(w: &World, path: &str, want: &str, what: &str, shown: &str) -> Result<(), StepFailure> {
    let got = field(w.payload()?, path);
    if got.as_deref() == Some(want) {
        Ok(())
    } else {
        Err(contract(format!(
            "expected {what} {want} ({shown}), got {} ({path})",
            got.unwrap_or_else(|| "none".into())
        )))
    }
}

/// A date as the step writes it: YYYY-MM-DD.
fn date(s: &str) -> Result<&str, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt)
        .map(|_| s)
        .map_err(|_| format!("'{s}' is not a date: write it as YYYY-MM-DD, e.g. 1982-07-22"))
}

/// CPR's køn code for a code or word.
fn sex_code(s: &str) -> Result<&'static str, String> {
    match s.trim().to_lowercase().as_str() {
        "k" | "kvinde" => Ok("K"),
        "m" | "mand" => Ok("M"),
        other => Err(format!(
            "'{other}' is not a køn in CPR: write K or kvinde, M or mand"
        )),
    }
}

fn birth_date(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = date(a.get(0)).map_err(input)?;
        // The date may come with a time of day and zone (xsd:dateTime): its date is compared.
        let got = field(w.payload()?, "persondata/foedselsdato/dato");
        match got.as_deref().and_then(|g| g.get(..10)) {
            Some(d) if d == want => Ok(()),
            _ => Err(contract(format!(
                "expected the birth date {want}, got {} (persondata/foedselsdato/dato)",
                got.unwrap_or_else(|| "none".into())
            ))),
        }
    })
}

fn sex(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want = sex_code(a.get(0)).map_err(input)?;
        code_is(w, "persondata/koen", want, "køn", a.get(0))
    })
}

/// CPR's status codes and their words.
const STATUSES: [(&str, &str); 11] = [
    ("1", "aktiv"),
    ("3", "aktiv med speciel vejkode"),
    ("5", "aktiv i grønland"),
    ("7", "aktiv i grønland med speciel vejkode"),
    ("20", "administrativt personnummer"),
    ("30", "annulleret"),
    ("50", "slettet"),
    ("60", "ændret"),
    ("70", "forsvundet"),
    ("80", "udrejst"),
    ("90", "død"),
];

/// CPR's status code for a code or word.
fn status_code(s: &str) -> Result<&'static str, String> {
    let said = s.trim().to_lowercase();
    STATUSES
        .iter()
        .find(|(c, word)| *c == said.trim_start_matches('0') || *word == said)
        .map(|(c, _)| *c)
        .ok_or_else(|| {
            format!(
                "'{said}' is not a CPR status: write one of {}",
                STATUSES
                    .iter()
                    .map(|(c, word)| format!("{c} ({word})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

fn status_is(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let code = status_code(a.get(0)).map_err(input)?;
        code_is(w, "persondata/status/status", code, "status", a.get(0))
    })
}

fn no_current_address(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let p = w.payload()?;
        let path: Path = "adresse/aktuelAdresse".parse().map_err(input)?;
        if p.select(&path).is_empty() {
            return Ok(());
        }
        Err(contract(format!(
            "expected no current address, but the answer has adresse/aktuelAdresse ({})",
            field(p, "adresse/aktuelAdresse/standardadresse")
                .unwrap_or_else(|| "without standardadresse".into())
        )))
    })
}

fn relation_is(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let element = match a.get(0) {
            "ægtefælle" => "aegtefaelle",
            other => other,
        };
        let want = w.citizen(a.get(1))?;
        let path = format!("relationer/{element}/personnummer");
        let got = field(w.payload()?, &path);
        if got.as_deref() == Some(want.as_str()) {
            Ok(())
        } else {
            Err(contract(format!(
                "expected the citizen's {} to be '{}' ({want}), got {} ({path})",
                a.get(0),
                a.get(1),
                got.unwrap_or_else(|| "none".into())
            )))
        }
    })
}

fn custody(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let mut want = vec![w.citizen(a.get(0))?];
        if !a.get(1).is_empty() {
            want.push(w.citizen(a.get(1))?);
        }
        want.sort();
        let path: Path = "relationer/foraeldremyndighed/relationPersonnummer"
            .parse()
            .map_err(input)?;
        let mut got: Vec<String> = w
            .payload()?
            .select(&path)
            .iter()
            .map(|e| e.text())
            .collect();
        got.sort();
        if got == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected custody (relationer/foraeldremyndighed) with {}, got {}",
                want.join(" and "),
                if got.is_empty() {
                    "none".into()
                } else {
                    got.join(" and ")
                }
            )))
        }
    })
}

fn deceased(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let p = w.payload()?;
        match field(p, "persondata/status/status").as_deref() {
            Some("90") => Ok(()),
            other => Err(contract(format!(
                "expected persondata/status/status 90 (død), got {}",
                other.unwrap_or("none")
            ))),
        }
    })
}

fn not_found(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        match &w.last {
            Some(Last::Reply {
                reply: Reply::Fault(_),
                ..
            })
            | Some(Last::Reply {
                reply: Reply::Empty,
                ..
            }) => Ok(()),
            Some(Last::Reply {
                reply: Reply::Payload(p),
                ..
            }) => {
                if p.child("persondata").is_none() {
                    Ok(())
                } else {
                    Err(contract(
                        "expected no person, but the answer has persondata",
                    ))
                }
            }
            Some(Last::RefusedLocally { reason }) => Err(input(format!(
                "not sent: input error: the number was refused before sending ({reason}), so CPR never answered"
            ))),
            Some(Last::HandshakeRefused { .. }) => Err(no_answer_after_handshake()),
            None => Err(input("no lookup has been made in this scenario")),
        }
    })
}
