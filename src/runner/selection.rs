//! Picking scenarios by service and splitting a run into shards.
//!
//! * `--service SF1520,SF2900`: scenarios tagged with any of these SF numbers.
//! * `--agreement FILE`: the services of one serviceaftale, read from a file (format below),
//!   so an FOI consultant can run exactly what the agreement covers.
//! * `--shard I/N`: the I-th of N deterministic parts of the selection, for CI matrices.
//!
//! ## The serviceaftale file
//!
//! Plain text, one SF number per line; `#` starts a comment, blank lines are ignored:
//!
//! ```text
//! # Fagsystem X, Viborg Kommune: the services of serviceaftale 2025-114
//! SF1520   # CPR replika opslag
//! SF2900
//! ```
//!
//! SF numbers are matched against the scenarios' tags without regard to case. A number this
//! tool has no service module for is still accepted: tags are data, and services land over
//! time; the run reports a named service that no scenario covers.

use std::path::{Path, PathBuf};

pub use crate::gherkin::tagexpr::Tag;

#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error("--service '{0}' is not a service number; write SF numbers separated by commas, e.g. --service SF1520,SF2900")]
    BadService(String),
    #[error("cannot read the serviceaftale file: {0}")]
    Read(#[source] crate::fsio::ReadError),
    #[error("{path}:{line}: '{text}' is not a service number. The file lists one SF number per line (e.g. SF1520); # starts a comment")]
    BadLine {
        path: PathBuf,
        line: usize,
        text: String,
    },
    #[error("{0} lists no services; write one SF number per line (e.g. SF1520)")]
    EmptyAgreement(PathBuf),
    #[error("--shard '{0}' must be I/N with 1 <= I <= N <= 1000, e.g. --shard 2/4")]
    BadShard(String),
}

crate::input_error!(SelectionError);

/// Whether `s` is an SF number: `SF`, three or four digits, and an optional letter
/// (`SF1520`, `SF1590A`). Case-insensitive.
pub fn is_service_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..2].eq_ignore_ascii_case(b"SF") {
        return false;
    }
    let rest = &b[2..];
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let tail = &rest[digits..];
    (3..=4).contains(&digits)
        && (tail.is_empty() || (tail.len() == 1 && tail[0].is_ascii_alphabetic()))
}

/// `SF1520,sf2900` → `["SF1520", "SF2900"]` (upper case, duplicates dropped, order kept).
pub fn parse_services(list: &str) -> Result<Vec<String>, SelectionError> {
    let mut out: Vec<String> = Vec::new();
    for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if !is_service_id(part) {
            return Err(SelectionError::BadService(shown(part)));
        }
        push_unique(&mut out, part.to_ascii_uppercase());
    }
    if out.is_empty() {
        return Err(SelectionError::BadService(shown(list)));
    }
    Ok(out)
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// The services of one serviceaftale, read from a file (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementFile {
    pub path: PathBuf,
    pub services: Vec<String>,
}

pub fn read_agreement_file(path: &Path) -> Result<AgreementFile, SelectionError> {
    let bytes = crate::fsio::read(path, crate::fsio::limit::CONFIG, "a serviceaftale file")
        .map_err(SelectionError::Read)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut services = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        let line = line.trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        if !is_service_id(line) {
            return Err(SelectionError::BadLine {
                path: path.to_path_buf(),
                line: i + 1,
                text: shown(line),
            });
        }
        push_unique(&mut services, line.to_ascii_uppercase());
    }
    if services.is_empty() {
        return Err(SelectionError::EmptyAgreement(path.to_path_buf()));
    }
    Ok(AgreementFile {
        path: path.to_path_buf(),
        services,
    })
}

/// The services named by `--service` and `--agreement` together (their union), or None
/// when neither was given.
pub fn services_from(
    service: Option<&str>,
    agreement: Option<&Path>,
) -> Result<Option<Vec<String>>, SelectionError> {
    let mut all = Vec::new();
    if let Some(list) = service {
        for s in parse_services(list)? {
            push_unique(&mut all, s);
        }
    }
    if let Some(path) = agreement {
        for s in read_agreement_file(path)?.services {
            push_unique(&mut all, s);
        }
    }
    Ok(if service.is_none() && agreement.is_none() {
        None
    } else {
        Some(all)
    })
}

/// The SF numbers among a scenario's tags (`@SF1520` → `SF1520`), upper case.
pub fn services_of(tags: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for t in tags {
        let t = Tag::new(t);
        if is_service_id(t.key()) {
            push_unique(&mut out, t.key().to_uppercase());
        }
    }
    out
}

/// Whether a scenario with these tags belongs to any of `services`.
pub fn covers(tags: &[String], services: &[String]) -> bool {
    services_of(tags)
        .iter()
        .any(|s| services.iter().any(|w| Tag::new(w) == Tag::new(s)))
}

/// Tags the built-in suite has renamed (old, new; without '@'): an expression naming the old
/// one would silently select nothing (or exclude nothing) once no scenario carries it.
pub const RENAMED_TAGS: &[(&str, &str)] = &[("modelled", "modelleret")];

/// The refusal for a `--tags` expression that names a renamed tag no scenario carries
/// (`carried` says whether some scenario of the suite has a tag).
pub fn renamed_tag_refusal(named: &[&str], carried: impl Fn(&str) -> bool) -> Option<String> {
    RENAMED_TAGS.iter().find_map(|(old, new)| {
        let named_old = named.iter().any(|n| Tag::new(n) == Tag::new(old));
        (named_old && !carried(old)).then(|| {
            format!(
                "no scenario carries the tag @{old}: the suite marks modelled behaviour with @{new} now; write @{new} in --tags (e.g. --tags \"not @{new}\")"
            )
        })
    })
}

/// One part of a run split for a CI matrix: `--shard 2/4` is index 2 of 4 (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub total: usize,
}

impl std::str::FromStr for Shard {
    type Err = SelectionError;

    fn from_str(s: &str) -> Result<Shard, SelectionError> {
        let bad = || SelectionError::BadShard(s.to_string());
        let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let total: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || total == 0 || index > total || total > 1000 {
            return Err(bad());
        }
        Ok(Shard { index, total })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

impl Shard {
    /// Round robin over the selection in plan order (features sorted by path, scenarios in
    /// file order): every shard of the same suite and selection gets a fixed, disjoint part,
    /// the parts together are the whole, and their sizes differ by at most one.
    pub fn take<T>(&self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % self.total == self.index - 1)
            .map(|(_, x)| x)
            .collect()
    }
}

/// Which scenarios a command works on.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub tags: Option<String>,
    pub name: Option<String>,
    pub services: Option<Vec<String>>,
    pub shard: Option<Shard>,
}

impl Selection {
    /// One line for reports: `--tags "@x" --service SF1520 --shard 1/2`, or `all scenarios`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = &self.tags {
            parts.push(format!("--tags \"{t}\""));
        }
        if let Some(n) = &self.name {
            parts.push(format!("--name \"{n}\""));
        }
        if let Some(s) = &self.services {
            parts.push(format!("--service {}", s.join(",")));
        }
        if let Some(s) = &self.shard {
            parts.push(format!("--shard {s}"));
        }
        if parts.is_empty() {
            "all scenarios".to_string()
        } else {
            parts.join(" ")
        }
    }
}

/// What the user wrote, for a message: at most 60 characters, control characters (a NUL, an
/// escape sequence) written out, so an error line never moves the terminal.
fn shown(text: &str) -> String {
    text.chars().take(60).flat_map(char::escape_debug).collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn what_the_user_wrote_is_shown_without_control_characters() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("aftale.txt");
        std::fs::write(&f, b"SF1520\n\x1b[2J\0SF\n").unwrap();
        let e = services_from(None, Some(&f)).unwrap_err().to_string();
        assert!(
            e.contains(":2: '\\u{1b}[2J\\0SF' is not a service number"),
            "{e}"
        );
        let e = services_from(Some("SF1520,\u{7}x"), None)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("--service '\\u{7}x' is not"), "{e}");
    }
    use super::*;

    #[test]
    fn service_ids() {
        for ok in ["SF1520", "sf2900", "SF1590A", "SF123"] {
            assert!(is_service_id(ok), "{ok}");
        }
        for bad in [
            "SF", "SF15", "SF15200", "SF1520AB", "XF1520", "SF15x0", "1520", "SF1520 ",
        ] {
            assert!(!is_service_id(bad), "{bad}");
        }
        assert_eq!(
            parse_services(" sf1520, SF2900,SF1520 ").unwrap(),
            ["SF1520", "SF2900"]
        );
        assert!(parse_services("SF1520,CPR").is_err());
        assert!(parse_services(",").is_err());
    }

    #[test]
    fn shards_are_disjoint_complete_and_balanced() {
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("1/0".parse::<Shard>().is_err());
        assert!("a/b".parse::<Shard>().is_err());
        assert!("2".parse::<Shard>().is_err());
        let items: Vec<usize> = (0..10).collect();
        let mut seen = Vec::new();
        for i in 1..=3 {
            let s: Shard = format!("{i}/3").parse().unwrap();
            let part = s.take(items.clone());
            assert!((3..=4).contains(&part.len()));
            seen.extend(part);
        }
        seen.sort();
        assert_eq!(seen, items);
        // More shards than items: the extra shards are empty, not an error.
        let s: Shard = "5/5".parse().unwrap();
        assert!(s.take(vec![1, 2]).is_empty());
    }

    #[test]
    fn tags_compare_without_case_and_at_sign() {
        assert_eq!(Tag::new("@Writes"), Tag::new("writes"));
        assert_eq!(Tag::new("@WRITES"), Tag::new("@writes"));
        assert_eq!(Tag::new("@ÆNDRING"), Tag::new("@ændring"));
        assert_ne!(Tag::new("@writes"), Tag::new("@write"));
    }

    #[test]
    fn services_from_tags() {
        let tags = vec!["@SF1520".to_string(), "@adgang".into(), "@sf2900".into()];
        assert_eq!(services_of(&tags), ["SF1520", "SF2900"]);
        assert!(covers(&tags, &["SF2900".into()]));
        assert!(!covers(&tags, &["SF1601".into()]));
    }
}
