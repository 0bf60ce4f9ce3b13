//! KLE (Kommunernes Landsforenings Emnesystematik): emne numbers and handlingsfacetter, as
//! services carry them (SF2900 routing, SF1470 classification through `crate::core::klassifikation`).
//!
//! - An **emne** is `HH.GG.EE` (hovedgruppe.gruppe.emne): two digits, a dot, two digits, a
//!   dot, two digits (serviceplatform.md §5; SF2900's `KLEEmneType` pattern).
//! - A **handlingsfacet** is one capital letter, Æ, Ø or Å included, and two digits (`G01`,
//!   `P35`, `A00`). SF2900's XSD writes the class as `[A-Z,Æ,Ø,Å]`, which by accident also
//!   admits a comma; we do not.
//! - A **pattern** is what a fordelingsregel is keyed on: an emne, or a wildcard below group
//!   level (`01.01.*`, seen in a real FordelingsmodtagerList answer).
//!
//! Values are checked before anything is sent; the error names the bad value and shows how
//! to write it.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KleError {
    #[error("KLE emne '{0}' is not valid: write it as NN.NN.NN (hovedgruppe.gruppe.emne, two digits each), e.g. 32.30.04")]
    Emne(String),
    #[error("KLE emne '{0}' is a wildcard; a wildcard (NN.NN.*) only belongs in a fordelingsregel, an object is marked with one emne, e.g. 01.01.05")]
    WildcardNotAllowed(String),
    #[error("KLE handlingsfacet '{0}' is not valid: write one capital letter (A-Z, Æ, Ø, Å) and two digits, e.g. G01")]
    Facet(String),
    #[error("KLE pattern '{0}' is not valid: write an emne NN.NN.NN or a wildcard below group level NN.NN.*, e.g. 32.30.04 or 01.01.*")]
    Pattern(String),
}

/// A KLE emne, `HH.GG.EE`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Emne(String);

impl Emne {
    pub fn parse(s: &str) -> Result<Emne, KleError> {
        let t = s.trim();
        if t.ends_with(".*") && Pattern::parse(t).is_ok() {
            return Err(KleError::WildcardNotAllowed(t.to_string()));
        }
        if is_emne(t) {
            Ok(Emne(t.to_string()))
        } else {
            Err(KleError::Emne(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `HH.GG`: the group the emne belongs to.
    pub fn group(&self) -> &str {
        &self.0[..5]
    }
}

fn is_emne(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 8
        && b.iter().enumerate().all(|(i, c)| match i {
            2 | 5 => *c == b'.',
            _ => c.is_ascii_digit(),
        })
}

impl fmt::Display for Emne {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Emne {
    type Err = KleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Emne::parse(s)
    }
}

/// A KLE handlingsfacet: a capital letter (A-Z, Æ, Ø, Å) and two digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Facet(String);

impl Facet {
    pub fn parse(s: &str) -> Result<Facet, KleError> {
        let t = s.trim();
        let mut chars = t.chars();
        let ok = matches!(chars.next(), Some(c) if c.is_ascii_uppercase() || "ÆØÅ".contains(c))
            && chars.clone().count() == 2
            && chars.all(|c| c.is_ascii_digit());
        if ok {
            Ok(Facet(t.to_string()))
        } else {
            Err(KleError::Facet(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Facet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Facet {
    type Err = KleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Facet::parse(s)
    }
}

/// What a routing rule is keyed on: one emne, or every emne of a group (`01.01.*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pattern {
    Emne(Emne),
    /// `HH.GG.*`; holds `HH.GG`.
    Group(String),
}

impl Pattern {
    pub fn parse(s: &str) -> Result<Pattern, KleError> {
        let t = s.trim();
        if let Some(group) = t.strip_suffix(".*") {
            // A group is an emne's first five characters.
            if is_emne(&format!("{group}.00")) {
                return Ok(Pattern::Group(group.to_string()));
            }
            return Err(KleError::Pattern(s.to_string()));
        }
        if is_emne(t) {
            Ok(Pattern::Emne(Emne(t.to_string())))
        } else {
            Err(KleError::Pattern(s.to_string()))
        }
    }

    pub fn matches(&self, emne: &Emne) -> bool {
        match self {
            Pattern::Emne(e) => e == emne,
            Pattern::Group(g) => emne.group() == g,
        }
    }

    pub fn is_wildcard(&self) -> bool {
        matches!(self, Pattern::Group(_))
    }

    /// An emne the pattern covers, for asking a real platform about a wildcard rule (its
    /// lookup operations take one emne): the group level `HH.GG.00`.
    pub fn representative(&self) -> Emne {
        match self {
            Pattern::Emne(e) => e.clone(),
            Pattern::Group(g) => Emne(format!("{g}.00")),
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Emne(e) => write!(f, "{e}"),
            Pattern::Group(g) => write!(f, "{g}.*"),
        }
    }
}

impl FromStr for Pattern {
    type Err = KleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pattern::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emne_accepts_nn_nn_nn_only_and_names_the_bad_value() {
        assert_eq!(Emne::parse("32.30.04").unwrap().as_str(), "32.30.04");
        assert_eq!(Emne::parse(" 00.01.00 ").unwrap().group(), "00.01");
        for bad in [
            "32.3.04",
            "32.30.4",
            "323004",
            "32-30-04",
            "AB.CD.EF",
            "32.30.045",
            "",
            "32.30.0٤",
        ] {
            let e = Emne::parse(bad).unwrap_err();
            assert!(e.to_string().contains(&format!("'{bad}'")), "{e}");
            assert!(e.to_string().contains("NN.NN.NN"), "{e}");
        }
        assert!(matches!(
            Emne::parse("01.01.*"),
            Err(KleError::WildcardNotAllowed(_))
        ));
    }

    #[test]
    fn facet_is_a_capital_letter_incl_aeoeaa_and_two_digits() {
        for ok in ["G01", "P35", "A00", "Æ12", "Ø01", "Å99"] {
            assert_eq!(Facet::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "g01", "G1", "G001", "GG1", ",01", "01", "", "É01", "ø01", "G0x",
        ] {
            let e = Facet::parse(bad).unwrap_err();
            assert!(e.to_string().contains(&format!("'{bad}'")), "{e}");
        }
    }

    #[test]
    fn patterns_match_emner_of_their_group() {
        let p = Pattern::parse("01.01.*").unwrap();
        assert!(p.is_wildcard());
        assert!(p.matches(&Emne::parse("01.01.05").unwrap()));
        assert!(p.matches(&Emne::parse("01.01.00").unwrap()));
        assert!(!p.matches(&Emne::parse("01.02.05").unwrap()));
        assert_eq!(p.representative().as_str(), "01.01.00");
        assert_eq!(p.to_string(), "01.01.*");
        let e = Pattern::parse("32.30.04").unwrap();
        assert!(e.matches(&Emne::parse("32.30.04").unwrap()));
        assert!(!e.matches(&Emne::parse("32.30.05").unwrap()));
        for bad in ["01.*", "01.1.*", "*", "01.01.0*", "01.01.**"] {
            assert!(Pattern::parse(bad).is_err(), "{bad}");
        }
    }
}
