//! SF2900's answers on the mock, one per operation: FordelingsobjektAfsend (route the
//! object, let the simulated receiver judge it, record the reception),
//! FordelingsmodtagerList and FordelingsmodtagerValider. Each reads its request first; what
//! is wrong with it comes back as the TransportKvittering's FejlListe.

use super::loaded;
use super::request::{context, objekt, Context};
use super::rules::{Modtaget, ScenarioFordeling};
use super::shape::{
    cvr_of, emne_of, facet_of, fejl, one, opt, seq, top, uuid_of, Fejl, MANY, ONE, OPT,
};
use crate::core::xml::Element;
use crate::platform::data::Platform;
use crate::services::sf2900::{routing_valg, v2, RoutingValg, TYPES_NS, V2_NS};
use std::sync::Mutex;

pub(super) fn afsend(
    p: &Platform,
    payload: &Element,
    state: &Mutex<ScenarioFordeling>,
    scenario: &str,
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
        RoutingValg::Kle { emne, facet } => {
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
        RoutingValg::Modtager(uuid) => match data.modtager(uuid) {
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
    let dropped = s.modtaget.push(Modtaget {
        modtager: modtager.navn.clone(),
        modtager_uuid: modtager.uuid.clone(),
        objekt_type: obj.objekt_type.to_string(),
        objekt_id: obj.id.clone(),
        emne: obj.emne.to_string(),
        facet: obj.facet.as_ref().map(|f| f.to_string()),
        kode: kode.to_string(),
        begrundelse: verdict.clone(),
        tekst: obj.tekst.clone(),
    });
    if let Some(d) = dropped {
        let service = crate::services::sf2900::INFO.id;
        p.state.dropped_from_log(service, scenario, "deliveries", d);
    }
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
    let valg = routing_valg(&ctx.valg);
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

pub(super) fn list(
    p: &Platform,
    payload: &Element,
    state: &Mutex<ScenarioFordeling>,
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

pub(super) fn valider(
    p: &Platform,
    payload: &Element,
    state: &Mutex<ScenarioFordeling>,
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
