//! SF1470 Sags- og Dokumentindeks steps: build a case, index it, update, remove and find it.
//!
//! A case is built by Givet-steps with everything the index requires (Ejer = the target's
//! authority, Ansvarlig, Primær behandler = the target's user, Primær part, Primær klasse and
//! Handlingsklasse from KLE codes, IT-system master = the target's it-system); a scenario can
//! then take a relation away or point at another Klasse to see the index refuse it. KLE codes
//! are resolved to Klasse UUIDs through the catalogue in `mocks/klassifikation/`.
//!
//! Case UUIDs are derived from the it-system, feature, scenario and case name, so snapshots
//! are stable and a re-run replaces the same case instead of piling up new ones.

use crate::core::klassifikation::Catalogue;
use crate::core::soap::{InvocationContext, Reply};
use crate::runner::model::StepFailure;
use crate::runner::steps::{Args, CheckCtx, Finding, Kind, StepDef, StepFuture};
use crate::runner::world::{contract, input, Last, World};
use crate::services::sagdok::{is_local_mock, is_uuid};
use crate::services::sf1470::{
    self, model, Fremsoeg, Opdatering, Reference, Relation, Response, Sag,
};
use crate::targets::config::Target;
use std::collections::BTreeMap;
use std::sync::Arc;

const G: &str = "Sags- og Dokumentindeks (SF1470)";

/// The organisational unit the test cases name as Ansvarlig. Modelled: a real system names an
/// OrganisationEnhed from Organisation (SF1500); the mock checks only that it is a UUID.
pub const TEST_ENHED: &str = "ccd2953d-116e-4a2b-a439-eaa221463c3d";

/// The relations a case is built with: role name (from the catalogue) and its type name.
/// The party's type is Person or Virksomhed, chosen per case.
const RELATIONS: [(&str, &str); 7] = [
    ("Ejer", "Organisation"),
    ("Ansvarlig", "OrganisationsEnhed"),
    ("Primær behandler", "Bruger"),
    ("Primær part", "Person"),
    ("Primær klasse", "Klasse"),
    ("Handlingsklasse", "Klasse"),
    ("IT-system master", "IT-system"),
];

/// A case as the Givet-steps describe it, before its codes are resolved.
#[derive(Debug, Clone)]
struct Draft {
    uuid: String,
    sagsnummer: String,
    titel: String,
    status: String,
    /// `urn:oio:cpr-nr:…` or `urn:oio:cvr-nr:…`
    part: String,
    part_is_company: bool,
    kle: String,
    facet: String,
    /// A literal Klasse UUID sent as Primær klasse instead of the KLE code's.
    primaer_klasse: Option<String>,
    /// Role names left out.
    uden: Vec<String>,
}

#[derive(Debug, Default)]
struct SdiState {
    sager: BTreeMap<String, Draft>,
}

pub fn steps() -> Vec<StepDef> {
    vec![
        StepDef::new(
            Kind::Given,
            G,
            r#"en sag "([^"]+)" for (borgeren|virksomheden) "([^"]+)" med KLE "([^"]*)" og handlingsfacet "([^"]*)""#,
            r#"en sag "boligstøtte" for borgeren "far" med KLE "27.35.04" og handlingsfacet "G01""#,
            "Builds a case (nothing is sent) with every relation the index requires: Ejer (the authority), Ansvarlig, Primær behandler (the target's user), Primær part (a citizen alias, or a CVR number with 'virksomheden'), Primær klasse and Handlingsklasse (KLE codes, resolved to Klasse UUIDs through mocks/klassifikation/kle.json), IT-system master (the target's it-system). Status Opstaaet.",
            new_case,
        )
        .with_check(check_new_case)
        .with_precheck(precheck_case_kle),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" har titlen "([^"]*)""#,
            r#"sagen "boligstøtte" har titlen "Ansøgning om boligstøtte""#,
            "Sets the case's title (Egenskaber/Titel).",
            set_title,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" har status "([^"]+)""#,
            r#"sagen "boligstøtte" har status "Oplyst""#,
            "Sets the case's FremdriftStatusKode before it is indexed: Opstaaet, Oplyst, Afgjort, Bestilt, Udfoert or Afsluttet (æøå spellings accepted).",
            set_status,
        ),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" mangler relationen "([^"]+)""#,
            r#"sagen "boligstøtte" mangler relationen "Primær part""#,
            "Leaves a relation out of the case (a role from mocks/klassifikation/sdi-relationer.json: Ejer, Ansvarlig, Primær behandler, Primær part, Primær klasse, Handlingsklasse, IT-system master).",
            drop_relation,
        )
        .with_check(check_role),
        StepDef::new(
            Kind::Given,
            G,
            r#"sagen "([^"]+)" har den primære klasse "([^"]+)""#,
            r#"sagen "boligstøtte" har den primære klasse "daabc515-703d-4077-921a-3688daf6b79f""#,
            "Sends this Klasse UUID as Primær klasse instead of the KLE code's (to see the index refuse a Klasse it does not know).",
            set_klasse,
        ),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg indekserer sagen "([^"]+)""#,
            r#"jeg indekserer sagen "boligstøtte""#,
            "SF1470 importer of the case. A KLE code or handlingsfacet that is malformed or not in the catalogue is refused before sending. Real targets: refused before sending, SF1470 needs the IDWS token model (not implemented yet).",
            importer,
        )
        .with_check(check_send),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg opdaterer sagen "([^"]+)" til status "([^"]+)""#,
            r#"jeg opdaterer sagen "boligstøtte" til status "Afsluttet""#,
            "SF1470 opdater: sets the indexed case's FremdriftStatusKode.",
            opdater,
        )
        .with_check(check_send),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg fjerner sagen "([^"]+)" fra indekset"#,
            r#"jeg fjerner sagen "boligstøtte" fra indekset"#,
            "SF1470 fjern of the case.",
            fjern,
        )
        .with_check(check_send),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg søger i indekset efter sager for (borgeren|virksomheden) "([^"]+)""#,
            r#"jeg søger i indekset efter sager for borgeren "far""#,
            "SF1470 fremsoeg of the cases where the party (urn:oio:cpr-nr:… of a citizen alias, or urn:oio:cvr-nr:… of a CVR number) is a Sagspart.",
            search_party,
        )
        .with_check(check_search_party),
        StepDef::new(
            Kind::When,
            G,
            r#"jeg søger i indekset efter sager med KLE "([^"]+)""#,
            r#"jeg søger i indekset efter sager med KLE "27.35.04""#,
            "SF1470 fremsoeg of the cases whose Primær klasse is the KLE emne's Klasse (the code is resolved through the catalogue first).",
            search_kle,
        )
        .with_check(check_send)
        .with_precheck(precheck_search_kle),
        StepDef::new(
            Kind::Then,
            G,
            r"indekset svarer OK",
            "indekset svarer OK",
            "Every StandardRetur in the answer (overall and per case) has StatusKode 20.",
            answers_ok,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"indekset svarer med statuskoden (\d+)",
            "indekset svarer med statuskoden 44",
            "The answer's overall StandardRetur has this StatusKode (20 OK; modelled: 40 refused input, 44 not found).",
            answers_code,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"indekset afviser kaldet med begrundelsen "([^"]+)""#,
            r#"indekset afviser kaldet med begrundelsen "Primær part""#,
            "A StandardRetur has a StatusKode other than 20 and a FejlbeskedTekst containing the text.",
            refused,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"søgningen finder (ikke )?sagen "([^"]+)""#,
            r#"søgningen finder sagen "boligstøtte""#,
            "The search answered OK and the case (by its UUID) is among the hits (or, with 'ikke', is not).",
            finds_case,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r"søgningen finder ingen sager",
            "søgningen finder ingen sager",
            "The search answered OK with no hits.",
            finds_nothing,
        ),
        StepDef::new(
            Kind::Then,
            G,
            r#"i søgeresultatet har sagen "([^"]+)" status "([^"]+)""#,
            r#"i søgeresultatet har sagen "boligstøtte" status "Afsluttet""#,
            "The case is among the hits with this FremdriftStatusKode.",
            hit_status,
        ),
    ]
}

// ------------------------------------------------------------------------------------------
// Helpers.

/// The token-model guard: SF1470 goes only to sp-contract's own mock.
fn guard(t: &Target) -> Result<(), String> {
    if is_local_mock(t) {
        Ok(())
    } else {
        Err(format!(
            "SF1470 on target '{}' needs the IDWS (Liberty) token model with a signed SOAP request, which sp-contract does not implement yet; it sends SF1470 (context model) only to its own mock. Nothing was sent. Leave these scenarios out with --tags \"not @SF1470\"",
            t.name
        ))
    }
}

fn catalogue(w: &World) -> Result<Arc<Catalogue>, StepFailure> {
    match &w.ctx.mock {
        Some(p) => Catalogue::load(&p.dir).map_err(|e| input(e.to_string())),
        None => Ok(Catalogue::builtin()),
    }
}

/// A stable UUID per (it-system, feature, scenario, case name).
fn case_uuid(w: &World, alias: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!(
        "sp-contract SF1470 case\n{}\n{}\n{}\n{alias}",
        w.target().user_system_uuid.to_ascii_lowercase(),
        w.feature_rel,
        w.scenario
    ));
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    uuid::Builder::from_random_bytes(b).into_uuid().to_string()
}

/// `Opstået` → `Opstaaet`; None if not a FremdriftStatusKode.
fn status_code(s: &str) -> Option<&'static str> {
    let norm = |x: &str| {
        x.trim()
            .to_lowercase()
            .replace('å', "aa")
            .replace('ø', "oe")
            .replace('æ', "ae")
    };
    let want = norm(s);
    model::FREMDRIFT_STATUS
        .iter()
        .copied()
        .find(|v| norm(v) == want)
}

fn status_or_input(s: &str) -> Result<&'static str, StepFailure> {
    status_code(s).ok_or_else(|| {
        input(format!(
            "'{s}' is not a FremdriftStatusKode; write one of {}",
            model::FREMDRIFT_STATUS.join(", ")
        ))
    })
}

fn party(t: &Target, kind: &str, who: &str) -> Result<(String, bool), String> {
    if kind == "virksomheden" {
        if who.len() == 8 && who.bytes().all(|b| b.is_ascii_digit()) {
            Ok((sf1470::party_urn_cvr(who), true))
        } else {
            Err(format!("'{who}' is not a CVR number (8 digits)"))
        }
    } else {
        Ok((sf1470::party_urn_cpr(t.citizen(who)?), false))
    }
}

fn draft<'w>(w: &'w mut World, alias: &str) -> Result<&'w mut Draft, StepFailure> {
    w.ext
        .get_mut::<SdiState>()
        .sager
        .get_mut(alias)
        .ok_or_else(|| no_case(alias))
}

fn no_case(alias: &str) -> StepFailure {
    input(format!(
        "no case named \"{alias}\" in this scenario: build it first with Givet en sag \"{alias}\" for borgeren \"…\" med KLE \"…\" og handlingsfacet \"…\""
    ))
}

fn uuid_of(w: &World, alias: &str) -> Result<String, StepFailure> {
    w.ext
        .get::<SdiState>()
        .and_then(|s| s.sager.get(alias))
        .map(|d| d.uuid.clone())
        .ok_or_else(|| no_case(alias))
}

/// The full case, or why it cannot be sent (a code the catalogue does not resolve).
fn build(w: &World, d: &Draft, cat: &Catalogue) -> Result<Result<Sag, String>, StepFailure> {
    let t = w.target();
    let emne = match &d.primaer_klasse {
        Some(u) => u.clone(),
        None => match cat.emne(&d.kle) {
            Ok(k) => k.uuid.clone(),
            Err(e) => return Ok(Err(e.to_string())),
        },
    };
    let facet = match cat.facet(&d.facet) {
        Ok(k) => k.uuid.clone(),
        Err(e) => return Ok(Err(e.to_string())),
    };
    let cvr = t.authority_cvr.as_deref().ok_or_else(|| {
        input(format!(
            "target '{}' has no authority_cvr; the case's Ejer is the authority (set authority_cvr in [targets.{}])",
            t.name, t.name
        ))
    })?;
    let mut relationer = Vec::new();
    for (navn, type_navn) in RELATIONS {
        if d.uden.iter().any(|u| u == navn) {
            continue;
        }
        let role = cat.role(navn).map_err(|e| input(e.to_string()))?;
        let type_navn = if navn == "Primær part" && d.part_is_company {
            "Virksomhed"
        } else {
            type_navn
        };
        let type_uuid = cat.type_uuid(type_navn).ok_or_else(|| {
            input(format!(
                "the relation type '{type_navn}' is not in {}",
                cat.source
            ))
        })?;
        let reference = match navn {
            "Ejer" => Reference::Urn(sf1470::party_urn_cvr(cvr)),
            "Ansvarlig" => Reference::Uuid(TEST_ENHED.to_string()),
            "Primær behandler" => Reference::Uuid(t.user_uuid.to_ascii_lowercase()),
            "Primær part" => Reference::Urn(d.part.clone()),
            "Primær klasse" => Reference::Uuid(emne.clone()),
            "Handlingsklasse" => Reference::Uuid(facet.clone()),
            _ => Reference::Uuid(t.user_system_uuid.to_ascii_lowercase()),
        };
        let liste = sf1470::Liste::named(&role.liste).ok_or_else(|| {
            input(format!(
                "role '{navn}' sits in unknown list '{}'",
                role.liste
            ))
        })?;
        relationer.push(Relation {
            liste,
            rolle: role.uuid.clone(),
            type_uuid: type_uuid.to_string(),
            reference,
        });
    }
    Ok(Ok(Sag {
        uuid: d.uuid.clone(),
        brugervendt_noegle: d.sagsnummer.clone(),
        sagsnummer: d.sagsnummer.clone(),
        titel: d.titel.clone(),
        status: d.status.clone(),
        relationer,
    }))
}

async fn send(
    w: &mut World,
    op: &'static model::Operation,
    payload: impl FnOnce(Option<&InvocationContext>) -> String,
) -> Result<(), StepFailure> {
    guard(w.target()).map_err(input)?;
    let ctx = w.invocation_context(&sf1470::INFO)?;
    let body = payload(ctx.as_ref());
    w.call_soap(&sf1470::INFO, op.action, &body).await
}

/// The last answer read as SF1470's (modelled) contract says.
fn response(w: &World) -> Result<Response, StepFailure> {
    let p = w.payload()?;
    sf1470::parse_response(p).map_err(|e| {
        contract(format!(
            "the SF1470 answer does not follow the (modelled) contract: {e}"
        ))
    })
}

fn search_hits(w: &World) -> Result<Vec<Sag>, StepFailure> {
    match response(w)? {
        Response::Fremsoeg(f) if f.standard.is_ok() => Ok(f.sager),
        Response::Fremsoeg(f) => Err(contract(format!(
            "the search was refused: {}",
            f.standard.summary()
        ))),
        other => Err(input(format!(
            "the last call was {}, not a search: put a 'Når jeg søger i indekset …' step before this one",
            other.operation()
        ))),
    }
}

fn describe(hits: &[Sag]) -> String {
    if hits.is_empty() {
        return "no hits".into();
    }
    hits.iter()
        .map(|s| format!("{} {} ({})", s.sagsnummer, s.uuid, s.status))
        .collect::<Vec<_>>()
        .join(", ")
}

// ------------------------------------------------------------------------------------------
// Checks for --dry-run.

fn check_new_case(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    party(t, a.get(1), a.get(2)).map(|_| ())
}

/// The catalogue KLE codes resolve through: the mock's, else the built-in one.
fn check_catalogue(cx: &CheckCtx<'_>) -> Result<Arc<Catalogue>, Finding> {
    match cx.mock {
        Some(p) => Catalogue::load(&p.dir).map_err(|e| Finding::Input(e.to_string())),
        None => Ok(Catalogue::builtin()),
    }
}

/// The case's KLE emne and facet resolve (indexing it refuses them before sending if not).
fn precheck_case_kle(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    let cat = check_catalogue(cx)?;
    cat.emne(a.get(3))
        .map_err(|e| Finding::Refusal(e.to_string()))?;
    cat.facet(a.get(4))
        .map(|_| ())
        .map_err(|e| Finding::Refusal(e.to_string()))
}

fn precheck_search_kle(cx: &CheckCtx<'_>, a: &Args) -> Result<(), Finding> {
    check_catalogue(cx)?
        .emne(a.get(0))
        .map(|_| ())
        .map_err(|e| Finding::Refusal(e.to_string()))
}

fn check_role(_cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    Catalogue::builtin()
        .role(a.get(1))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn check_send(cx: &CheckCtx<'_>, _a: &Args) -> Result<(), String> {
    let t = cx.target;
    guard(t)?;
    t.agreement_for(sf1470::INFO.id).map(|_| ())
}

fn check_search_party(cx: &CheckCtx<'_>, a: &Args) -> Result<(), String> {
    let t = cx.target;
    check_send(cx, a)?;
    party(t, a.get(0), a.get(1)).map(|_| ())
}

// ------------------------------------------------------------------------------------------
// Givet.

fn new_case(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let alias = a.get(0).to_string();
        let (part, part_is_company) = party(w.target(), a.get(1), a.get(2)).map_err(input)?;
        let uuid = case_uuid(w, &alias);
        let d = Draft {
            sagsnummer: format!("SPC-{}", &uuid[..8]),
            uuid,
            titel: format!("Testsag {alias}"),
            status: "Opstaaet".into(),
            part,
            part_is_company,
            kle: a.get(3).to_string(),
            facet: a.get(4).to_string(),
            primaer_klasse: None,
            uden: Vec::new(),
        };
        w.ext.get_mut::<SdiState>().sager.insert(alias, d);
        Ok(())
    })
}

fn set_title(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        draft(w, a.get(0))?.titel = a.get(1).to_string();
        Ok(())
    })
}

fn set_status(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let s = status_or_input(a.get(1))?;
        draft(w, a.get(0))?.status = s.to_string();
        Ok(())
    })
}

fn drop_relation(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cat = catalogue(w)?;
        let role = cat.role(a.get(1)).map_err(|e| input(e.to_string()))?;
        if !RELATIONS.iter().any(|(n, _)| *n == role.navn) {
            return Err(input(format!(
                "the case is not built with the relation '{}', so it cannot leave it out; it has: {}",
                role.navn,
                RELATIONS.map(|r| r.0).join(", ")
            )));
        }
        let navn = role.navn.clone();
        draft(w, a.get(0))?.uden.push(navn);
        Ok(())
    })
}

fn set_klasse(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let u = a.get(1).trim().to_string();
        if !is_uuid(&u) {
            return Err(input(format!(
                "'{u}' is not a Klasse UUID (lower-case hex, 8-4-4-4-12)"
            )));
        }
        draft(w, a.get(0))?.primaer_klasse = Some(u);
        Ok(())
    })
}

// ------------------------------------------------------------------------------------------
// Når.

fn importer(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let d = draft(w, a.get(0))?.clone();
        let cat = catalogue(w)?;
        let sag = match build(w, &d, &cat)? {
            Ok(s) => s,
            Err(reason) => return w.refuse(reason),
        };
        send(w, &model::IMPORTER, |ctx| {
            sf1470::importer_request(ctx, std::slice::from_ref(&sag))
        })
        .await
    })
}

fn opdater(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let uuid = uuid_of(w, a.get(0))?;
        let status = status_or_input(a.get(1))?;
        let o = Opdatering {
            uuid,
            titel: None,
            status: Some(status.to_string()),
        };
        send(w, &model::OPDATER, |ctx| {
            sf1470::opdater_request(ctx, std::slice::from_ref(&o))
        })
        .await
    })
}

fn fjern(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let uuid = uuid_of(w, a.get(0))?;
        send(w, &model::FJERN, |ctx| {
            sf1470::fjern_request(ctx, std::slice::from_ref(&uuid))
        })
        .await
    })
}

fn search_party(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let (part, _) = party(w.target(), a.get(0), a.get(1)).map_err(input)?;
        let q = Fremsoeg::Udtryk {
            part: Some(part),
            primaer_klasse: None,
        };
        send(w, &model::FREMSOEG, |ctx| sf1470::fremsoeg_request(ctx, &q)).await
    })
}

fn search_kle(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let cat = catalogue(w)?;
        let klasse = match cat.emne(a.get(0)) {
            Ok(k) => k.uuid.clone(),
            Err(e) => return w.refuse(e.to_string()),
        };
        let q = Fremsoeg::Udtryk {
            part: None,
            primaer_klasse: Some(klasse),
        };
        send(w, &model::FREMSOEG, |ctx| sf1470::fremsoeg_request(ctx, &q)).await
    })
}

// ------------------------------------------------------------------------------------------
// Så.

fn answers_ok(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let r = response(w)?;
        let bad: Vec<String> = r
            .returs()
            .iter()
            .filter(|(_, sr)| !sr.is_ok())
            .map(|(u, sr)| match u {
                Some(u) => format!("case {u}: {}", sr.summary()),
                None => sr.summary(),
            })
            .collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "the index did not answer OK to {}: {}",
                r.operation(),
                bad.join("; ")
            )))
        }
    })
}

fn answers_code(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let want: i64 = a
            .get(0)
            .parse()
            .map_err(|_| input("the StatusKode must be a number"))?;
        let r = response(w)?;
        let (_, overall) = r.returs()[0];
        if overall.status_kode == want {
            Ok(())
        } else {
            Err(contract(format!(
                "expected StatusKode {want} from {}, got {}",
                r.operation(),
                overall.summary()
            )))
        }
    })
}

fn refused(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        if let Some(Last::Reply {
            reply: Reply::Fault(f),
            ..
        }) = &w.last
        {
            return Err(contract(format!(
                "expected the index to refuse with a StandardRetur, but SF1470 answered with a SOAP fault: {}",
                f.summary()
            )));
        }
        let r = response(w)?;
        let want = a.get(0);
        let returs = r.returs();
        let refusals: Vec<_> = returs.iter().filter(|(_, sr)| !sr.is_ok()).collect();
        if refusals.is_empty() {
            return Err(contract(format!(
                "expected the index to refuse the {}, but it answered StatusKode 20",
                r.operation()
            )));
        }
        if refusals
            .iter()
            .any(|(_, sr)| sr.fejlbesked.as_deref().is_some_and(|t| t.contains(want)))
        {
            Ok(())
        } else {
            Err(contract(format!(
                "the index refused, but no FejlbeskedTekst contains \"{want}\": {}",
                refusals
                    .iter()
                    .map(|(_, sr)| sr.summary())
                    .collect::<Vec<_>>()
                    .join(" | ")
            )))
        }
    })
}

fn finds_case(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let negate = !a.get(0).is_empty();
        let alias = a.get(1);
        let uuid = uuid_of(w, alias)?;
        let hits = search_hits(w)?;
        let found = hits.iter().any(|s| s.uuid == uuid);
        match (found, negate) {
            (true, false) | (false, true) => Ok(()),
            (false, false) => Err(contract(format!(
                "the search did not find the case \"{alias}\" ({uuid}); it found: {}",
                describe(&hits)
            ))),
            (true, true) => Err(contract(format!(
                "the search still finds the case \"{alias}\" ({uuid})"
            ))),
        }
    })
}

fn finds_nothing(w: &mut World, _a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let hits = search_hits(w)?;
        if hits.is_empty() {
            Ok(())
        } else {
            Err(contract(format!(
                "expected no hits, the search found {}: {}",
                hits.len(),
                describe(&hits)
            )))
        }
    })
}

fn hit_status(w: &mut World, a: Args) -> StepFuture<'_> {
    Box::pin(async move {
        let alias = a.get(0);
        let want = status_or_input(a.get(1))?;
        let uuid = uuid_of(w, alias)?;
        let hits = search_hits(w)?;
        match hits.iter().find(|s| s.uuid == uuid) {
            Some(s) if s.status == want => Ok(()),
            Some(s) => Err(contract(format!(
                "the case \"{alias}\" has status {} in the index, expected {want}",
                s.status
            ))),
            None => Err(contract(format!(
                "the search did not find the case \"{alias}\" ({uuid}); it found: {}",
                describe(&hits)
            ))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_spellings() {
        assert_eq!(status_code("Opstået"), Some("Opstaaet"));
        assert_eq!(status_code("udført"), Some("Udfoert"));
        assert_eq!(status_code("AFSLUTTET"), Some("Afsluttet"));
        assert_eq!(status_code("Lukket"), None);
    }

    #[test]
    fn the_built_relations_are_roles_of_the_catalogue() {
        let c = Catalogue::builtin();
        for (role, typ) in RELATIONS {
            assert!(c.role(role).is_ok(), "{role}");
            assert!(c.type_uuid(typ).is_some(), "{typ}");
        }
        let required: Vec<&str> = c.required_roles().map(|r| r.navn.as_str()).collect();
        for r in required {
            assert!(
                RELATIONS.iter().any(|(n, _)| *n == r),
                "{r} is required but not built"
            );
        }
    }
}
