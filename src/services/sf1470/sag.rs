//! The Sag object of SF1470 v6 (`sag:SagType`): a case as the index holds it (its properties,
//! its states with their virkning, the actor who registered it, its relations), written into
//! requests and answers in the schema's order and read back. Reading is lenient: the XSD
//! judges the shape and [`super::rules`] the anvisninger; this only takes out what is there.

use super::{model, w_name};
use crate::core::klassifikation::Catalogue;
use crate::core::xml::Element;
use crate::services::sagdok::{child_ns, children_ns, Writer};

/// Which relation list a relation sits in; the index of `core::klassifikation::RELATION_LISTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Liste(usize);

impl Liste {
    pub fn named(name: &str) -> Option<Liste> {
        crate::core::klassifikation::RELATION_LISTS
            .iter()
            .position(|n| *n == name)
            .map(Liste)
    }
    pub fn name(self) -> &'static str {
        crate::core::klassifikation::RELATION_LISTS[self.0]
    }
    /// Where the list comes on the wire: `RelationListe`'s lists, then the IT-systems.
    fn wire_order(self) -> usize {
        model::SAG_LISTS
            .iter()
            .position(|n| *n == self.name())
            .unwrap_or(model::SAG_LISTS.len())
    }
}

/// A relation's target: a UUID (organisation unit, user, Klasse, it-system) or a URN (party).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Uuid(String),
    Urn(String),
}

impl Reference {
    pub fn value(&self) -> &str {
        match self {
            Reference::Uuid(v) | Reference::Urn(v) => v,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub liste: Liste,
    /// The role's Klasse UUID (Ejer, Primær part, ...).
    pub rolle: String,
    /// The type's Klasse UUID (Organisation, Person, Klasse, ...).
    pub type_uuid: String,
    pub reference: Reference,
}

impl Relation {
    /// A relation in the catalogue's role `role` (its list and UUID) of the type `type_navn`,
    /// pointing at `reference`; Err names what the catalogue lacks.
    pub fn of_role(
        cat: &Catalogue,
        role: &str,
        type_navn: &str,
        reference: Reference,
    ) -> Result<Relation, String> {
        let r = cat.role(role).map_err(|e| e.to_string())?;
        let liste = Liste::named(&r.liste)
            .ok_or_else(|| format!("role '{role}' sits in unknown list '{}'", r.liste))?;
        let type_uuid = cat
            .type_uuid(type_navn)
            .ok_or_else(|| format!("the relation type '{type_navn}' is not in {}", cat.source))?;
        Ok(Relation {
            liste,
            rolle: r.uuid.clone(),
            type_uuid: type_uuid.to_string(),
            reference,
        })
    }
}

/// One state of the case (`Fremdrift`) and when it began; it lasts until the next one begins,
/// the last one until further notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tilstand {
    pub status: String,
    /// `Virkning/FraTidspunkt` (xsd:dateTime).
    pub fra: String,
}

/// Who registered what a virkning covers (`AktoerRef`, `AktoerTypeKode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aktoer {
    pub reference: Reference,
    /// `Bruger` or `ItSystem` (the anvisning).
    pub type_kode: String,
}

/// One case as the index holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sag {
    pub uuid: String,
    pub brugervendt_noegle: String,
    pub sagsnummer: String,
    pub titel: String,
    /// `Registrering/Tidspunkt`: when the sending system registered this (an import sends
    /// it; the index does not keep it).
    pub tidspunkt: Option<String>,
    /// Oldest first.
    pub tilstande: Vec<Tilstand>,
    /// The actor of every virkning of the registration (the index keeps one per case).
    pub aktoer: Option<Aktoer>,
    pub relationer: Vec<Relation>,
}

impl Sag {
    /// The current `FremdriftStatusKode` (the last state), "" when the case has none.
    pub fn status(&self) -> &str {
        self.tilstande
            .last()
            .map(|t| t.status.as_str())
            .unwrap_or("")
    }

    pub fn relations_with_role<'a>(&'a self, rolle: &'a str) -> impl Iterator<Item = &'a Relation> {
        self.relationer.iter().filter(move |r| r.rolle == rolle)
    }
}

/// A party reference for a CPR or CVR number.
pub fn party_urn_cpr(cpr: &str) -> String {
    format!("{}{cpr}", model::URN_CPR)
}

pub fn party_urn_cvr(cvr: &str) -> String {
    format!("{}{cvr}", model::URN_CVR)
}

/// Check a party URN: `urn:oio:cpr-nr:` + 10 digits or `urn:oio:cvr-nr:` + 8 digits.
pub fn check_party_urn(urn: &str) -> Result<(), String> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(cpr) = urn.strip_prefix(model::URN_CPR) {
        return if digits(cpr, 10) {
            Ok(())
        } else {
            Err(format!("{} must be followed by 10 digits", model::URN_CPR))
        };
    }
    if let Some(cvr) = urn.strip_prefix(model::URN_CVR) {
        return if digits(cvr, 8) {
            Ok(())
        } else {
            Err(format!("{} must be followed by 8 digits", model::URN_CVR))
        };
    }
    Err(format!(
        "a party is written {}<cpr> or {}<cvr>",
        model::URN_CPR,
        model::URN_CVR
    ))
}

/// `UnikIdType`: a UUID or a URN in `wrapper`.
pub(super) fn write_unik_id(w: &mut Writer, wrapper: &str, r: &Reference) {
    w.open(wrapper);
    match r {
        Reference::Uuid(v) => w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), v),
        Reference::Urn(v) => w.leaf(&w_name("sd", model::URN_IDENTIFIKATOR), v),
    }
    w.close(wrapper);
}

/// `element` of `VirkningType`: from `fra`, until `til` (None: until further notice), by
/// `aktoer`.
pub(super) fn write_virkning(
    w: &mut Writer,
    element: &str,
    fra: &str,
    til: Option<&str>,
    aktoer: Option<&Aktoer>,
) {
    w.open(element);
    let point = |w: &mut Writer, name: &str, at: Option<&str>| {
        let el = w_name("sd", name);
        w.open(&el);
        match at {
            Some(t) => w.leaf(&w_name("sd", model::TIDSSTEMPEL), t),
            None => w.leaf(&w_name("sd", model::GRAENSE), "true"),
        }
        w.close(&el);
    };
    point(w, model::FRA_TIDSPUNKT, Some(fra));
    point(w, model::TIL_TIDSPUNKT, til);
    if let Some(a) = aktoer {
        write_unik_id(w, &w_name("sd", model::AKTOER_REF), &a.reference);
        w.leaf(&w_name("sd", model::AKTOER_TYPE_KODE), &a.type_kode);
    }
    w.close(element);
}

/// One `Fremdrift` per state, each in force until the next begins.
pub(super) fn write_tilstande(w: &mut Writer, tilstande: &[Tilstand], aktoer: Option<&Aktoer>) {
    let fd = w_name("sag", model::FREMDRIFT);
    for (i, t) in tilstande.iter().enumerate() {
        let til = tilstande.get(i + 1).map(|n| n.fra.as_str());
        w.open(&fd);
        write_virkning(w, &w_name("sag", model::VIRKNING), &t.fra, til, aktoer);
        w.leaf(&w_name("sag", model::FREMDRIFT_STATUS_KODE), &t.status);
        w.close(&fd);
    }
}

/// Which parts of a case an answer shows: all, or the `Vis` values of a search's Filter.
#[derive(Debug, Clone, Copy)]
pub enum Vis<'a> {
    All,
    Only(&'a [String]),
}

impl Vis<'_> {
    fn shows(&self, part: &str) -> bool {
        match self {
            Vis::All => true,
            Vis::Only(parts) => parts.iter().any(|p| p == part),
        }
    }
}

/// Which `Vis` value shows the relations of a list.
fn vis_of(liste: Liste) -> &'static str {
    match liste.name() {
        "Sagsaktoer" => "sagsaktoer",
        "Sagsklasse" => "sagsklasse",
        "Sagspart" => "sagspart",
        _ => "itsystem",
    }
}

fn write_relation(w: &mut Writer, element: &str, r: &Relation, fra: &str, a: Option<&Aktoer>) {
    w.open(element);
    write_virkning(w, &w_name("gd", model::VIRKNING), fra, None, a);
    write_unik_id(
        w,
        &w_name("gd", model::ROLLE),
        &Reference::Uuid(r.rolle.clone()),
    );
    write_unik_id(
        w,
        &w_name("gd", model::TYPE),
        &Reference::Uuid(r.type_uuid.clone()),
    );
    write_unik_id(w, &w_name("gd", model::REFERENCE_ID), &r.reference);
    w.close(element);
}

/// `sag:Registrering` of a case: what `vis` shows of it.
fn write_registrering(w: &mut Writer, s: &Sag, vis: Vis<'_>) {
    let reg = w_name("sag", model::REGISTRERING);
    w.open(&reg);
    if let Some(t) = &s.tidspunkt {
        w.leaf(&w_name("sd", model::TIDSPUNKT), t);
    }
    w.leaf(
        &w_name("sd", model::LIVSCYKLUS_KODE),
        model::LIVSCYKLUS_IMPORTERET,
    );
    let a = s.aktoer.as_ref();
    // The properties and relations took effect when the case arose.
    let fra = s.tilstande.first().map(|t| t.fra.as_str()).unwrap_or("");
    let al = w_name("sag", model::ATTRIBUT_LISTE);
    w.open(&al);
    if vis.shows("egenskaber") {
        let eg = w_name("sag", model::EGENSKABER);
        w.open(&eg);
        write_virkning(w, &w_name("sag", model::VIRKNING), fra, None, a);
        w.leaf(
            &w_name("sag", model::BRUGERVENDT_NOEGLE),
            &s.brugervendt_noegle,
        );
        w.leaf(&w_name("sag", model::SAGSNUMMER), &s.sagsnummer);
        w.leaf(&w_name("sag", model::TITEL), &s.titel);
        w.close(&eg);
    }
    w.close(&al);
    let tl = w_name("sag", model::TILSTAND_LISTE);
    w.open(&tl);
    if vis.shows("fremdrift") {
        write_tilstande(w, &s.tilstande, a);
    }
    w.close(&tl);
    let rl = w_name("sag", model::RELATION_LISTE);
    w.open(&rl);
    let mut rels: Vec<&Relation> = s
        .relationer
        .iter()
        .filter(|r| vis.shows(vis_of(r.liste)))
        .collect();
    // The lists are a sequence in the schema: keep their order, and the order within each.
    rels.sort_by_key(|r| r.liste.wire_order());
    let (lists, itsystems): (Vec<&Relation>, Vec<&Relation>) = rels
        .into_iter()
        .partition(|r| r.liste.wire_order() < model::SAG_LISTS.len());
    for r in lists {
        write_relation(w, &w_name("sag", r.liste.name()), r, fra, a);
    }
    if !itsystems.is_empty() {
        let lu = w_name("gd", model::LOKAL_UDVIDELSE_LISTE);
        w.open(&lu);
        for r in itsystems {
            write_relation(w, &w_name("si", model::SAGSITSYSTEM_RELATION), r, fra, a);
        }
        w.close(&lu);
    }
    w.close(&rl);
    w.close(&reg);
}

/// A case in an import: `sdi:SagIndeks`.
pub fn write_sag(w: &mut Writer, s: &Sag) {
    let el = w_name("sdi", model::SAG_INDEKS);
    w.open(&el);
    w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), &s.uuid);
    write_registrering(w, s, Vis::All);
    w.close(&el);
}

/// A case in a search's answer: `sdi:SagFiltreretOejebliksbillede`, showing what `vis` asks
/// for (an empty Filter: the UUID alone).
pub fn write_hit(w: &mut Writer, s: &Sag, vis: Vis<'_>) {
    let el = w_name("sdi", model::SAG_RESULTAT);
    w.open(&el);
    let ot = w_name("sag", model::OBJEKT_TYPE);
    w.open(&ot);
    w.leaf(&w_name("sd", model::UUID_IDENTIFIKATOR), &s.uuid);
    w.close(&ot);
    if !matches!(vis, Vis::Only([])) {
        write_registrering(w, s, vis);
    }
    w.close(&el);
}

/// The UUID or URN of a `UnikIdType` element.
pub(super) fn read_unik_id(el: &Element) -> Option<Reference> {
    if let Some(u) = child_ns(el, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR) {
        return Some(Reference::Uuid(u.text()));
    }
    child_ns(el, model::SAGDOK_NS, model::URN_IDENTIFIKATOR).map(|u| Reference::Urn(u.text()))
}

/// `FraTidspunkt`'s time of a virkning ("" when it has none or says infinity).
fn read_fra(virkning: Option<&Element>) -> String {
    virkning
        .and_then(|v| child_ns(v, model::SAGDOK_NS, model::FRA_TIDSPUNKT))
        .and_then(|f| child_ns(f, model::SAGDOK_NS, model::TIDSSTEMPEL))
        .map(|t| t.text())
        .unwrap_or_default()
}

fn read_aktoer(virkning: &Element) -> Option<Aktoer> {
    let reference = read_unik_id(child_ns(virkning, model::SAGDOK_NS, model::AKTOER_REF)?)?;
    let type_kode = child_ns(virkning, model::SAGDOK_NS, model::AKTOER_TYPE_KODE)?.text();
    Some(Aktoer {
        reference,
        type_kode,
    })
}

/// The states of a `TilstandListe` (or an `OpdaterSagIndeks`'s), in the order given.
pub(super) fn read_tilstande(tl: &Element) -> (Vec<Tilstand>, Option<Aktoer>) {
    let mut aktoer = None;
    let tilstande = children_ns(tl, model::SAG_NS, model::FREMDRIFT)
        .map(|f| {
            let v = child_ns(f, model::SAG_NS, model::VIRKNING);
            aktoer = aktoer.take().or_else(|| v.and_then(read_aktoer));
            Tilstand {
                status: child_ns(f, model::SAG_NS, model::FREMDRIFT_STATUS_KODE)
                    .map(|e| e.text())
                    .unwrap_or_default(),
                fra: read_fra(v),
            }
        })
        .collect();
    (tilstande, aktoer)
}

fn read_relation(liste: Liste, r: &Element) -> Option<Relation> {
    let uuid = |name: &str| {
        child_ns(r, model::GD_NS, name)
            .and_then(read_unik_id)
            .map(|u| u.value().to_string())
            .unwrap_or_default()
    };
    Some(Relation {
        liste,
        rolle: uuid(model::ROLLE),
        type_uuid: uuid(model::TYPE),
        reference: read_unik_id(child_ns(r, model::GD_NS, model::REFERENCE_ID)?)?,
    })
}

/// The relation elements of a `RelationListe` with their list: the lists' own, then the
/// IT-systems in its `LokalUdvidelseListe`.
pub(super) fn relation_elements(rl: &Element) -> Vec<(Liste, &Element)> {
    let mut out = Vec::new();
    for r in rl.elements() {
        if r.ns.as_deref() == Some(model::SAG_NS) {
            if let Some(l) = Liste::named(&r.local) {
                out.push((l, r));
            }
        } else if r.ns.as_deref() == Some(model::GD_NS) && r.local == model::LOKAL_UDVIDELSE_LISTE {
            if let Some(l) = Liste::named(model::ITSYSTEM_LIST) {
                out.extend(
                    children_ns(r, model::SI_NS, model::SAGSITSYSTEM_RELATION).map(|s| (l, s)),
                );
            }
        }
    }
    out
}

/// The relations of a `RelationListe`, IT-systems included; a relation without a reference
/// is left out (the rules name it).
pub(super) fn read_relationer(rl: &Element) -> Vec<Relation> {
    relation_elements(rl)
        .into_iter()
        .filter_map(|(l, r)| read_relation(l, r))
        .collect()
}

/// Read a case: `SagIndeks` (the UUID first) or `SagFiltreretOejebliksbillede` (the UUID in
/// `ObjektType`), with what its first Registrering shows.
pub fn parse_sag(el: &Element) -> Sag {
    let uuid = child_ns(el, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR)
        .or_else(|| {
            child_ns(el, model::SAG_NS, model::OBJEKT_TYPE)
                .and_then(|o| child_ns(o, model::SAGDOK_NS, model::UUID_IDENTIFIKATOR))
        })
        .map(|e| e.text())
        .unwrap_or_default();
    let mut sag = Sag {
        uuid,
        brugervendt_noegle: String::new(),
        sagsnummer: String::new(),
        titel: String::new(),
        tidspunkt: None,
        tilstande: Vec::new(),
        aktoer: None,
        relationer: Vec::new(),
    };
    let Some(reg) = child_ns(el, model::SAG_NS, model::REGISTRERING) else {
        return sag;
    };
    sag.tidspunkt = child_ns(reg, model::SAGDOK_NS, model::TIDSPUNKT).map(|e| e.text());
    let eg = child_ns(reg, model::SAG_NS, model::ATTRIBUT_LISTE)
        .and_then(|al| child_ns(al, model::SAG_NS, model::EGENSKABER));
    if let Some(eg) = eg {
        let text = |name: &str| {
            child_ns(eg, model::SAG_NS, name)
                .map(|e| e.text())
                .unwrap_or_default()
        };
        sag.brugervendt_noegle = text(model::BRUGERVENDT_NOEGLE);
        sag.sagsnummer = text(model::SAGSNUMMER);
        sag.titel = text(model::TITEL);
        sag.aktoer = child_ns(eg, model::SAG_NS, model::VIRKNING).and_then(read_aktoer);
    }
    if let Some(tl) = child_ns(reg, model::SAG_NS, model::TILSTAND_LISTE) {
        let (tilstande, aktoer) = read_tilstande(tl);
        sag.tilstande = tilstande;
        sag.aktoer = sag.aktoer.take().or(aktoer);
    }
    if let Some(rl) = child_ns(reg, model::SAG_NS, model::RELATION_LISTE) {
        sag.relationer = read_relationer(rl);
    }
    sag
}
