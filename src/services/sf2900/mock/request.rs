//! Reading an SF2900 request on the mock the way the v2 schema would: the
//! DistributionContext (who sends, whose rules, how the object is routed) and the object
//! (a JournalPost or a Formular; a Dokument needs the SFTP upload the mock does not model).

use super::shape::{
    cvr_of, date_time, emne_of, facet_of, fejl, leaf, one, one_of, opt, schema, seq, uuid_of,
    Children, Fejl, MANY, ONE, OPT,
};
use crate::core::kle::{Emne, Facet};
use crate::core::xml::Element;
use crate::services::sf2900::{RoutingValg, V2_NS};

/// The DistributionContext, as read from a request.
pub(super) struct Context {
    pub anvender_id: String,
    pub digital_post_id: Option<String>,
    pub afsendende: String,
    pub routing_myndighed: String,
    pub valg: RoutingValg,
    pub dokument_fil: Option<String>,
}

pub(super) fn context(el: &Element) -> Result<Context, Fejl> {
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
            RoutingValg::Kle {
                emne: emne_of(one(&k, "RoutingKLEEmne"))?,
                facet: facet_of(opt(&k, "RoutingHandlingFacet"))?,
            }
        }
        (None, Some(m)) => RoutingValg::Modtager(uuid_of(m)?),
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
pub(super) struct Objekt {
    pub objekt_type: &'static str,
    pub id: String,
    pub emne: Emne,
    pub facet: Option<Facet>,
    /// The text a receiving system reads: the journal notes (one per line) or the form's
    /// title.
    pub tekst: String,
}

impl Objekt {
    /// The id and KLE marking both object types carry first (`ID`, `KLEEmneForslag`,
    /// `HandlingFacetForslag`).
    fn marked(objekt_type: &'static str, c: &Children<'_>, tekst: String) -> Result<Objekt, Fejl> {
        Ok(Objekt {
            objekt_type,
            id: uuid_of(one(c, "ID"))?,
            emne: emne_of(one(c, "KLEEmneForslag"))?,
            facet: facet_of(opt(c, "HandlingFacetForslag"))?,
            tekst,
        })
    }
}

pub(super) fn objekt(el: &Element, max_notat: usize) -> Result<Objekt, Fejl> {
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
    let mut notes = Vec::new();
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
        notes.push(notat);
    }
    Objekt::marked("JOURNALPOST", &j, notes.join("\n"))
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
    let titel = leaf(one(&form, "TitelTekst"))?;
    Objekt::marked("FORMULAR", &f, titel)
}
