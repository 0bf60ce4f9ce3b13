//! Identifiers the platform's schemas constrain, checked in one place each: a [`Uuid`] as
//! the schemas allow it (lower-case hex, 8-4-4-4-12) and a [`Cvr`] (eight digits). A value of
//! either type has passed the check; the CPR number has its own module ([`super::cpr`]).

use std::fmt;

/// A UUID in the platform's form: 36 characters, lower-case hex and four hyphens.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(String);

impl Uuid {
    /// Is `v` a UUID as the platform's schemas write it (lower-case hex only)?
    pub fn is_valid(v: &str) -> bool {
        v.len() == 36
            && v.bytes().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == b'-',
                _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
            })
    }

    /// A UUID as the schemas write it; upper-case input is refused (the schemas' pattern
    /// refuses it too).
    pub fn parse(v: &str) -> Result<Uuid, IdError> {
        if Uuid::is_valid(v) {
            Ok(Uuid(v.to_string()))
        } else {
            Err(IdError::Uuid(v.to_string()))
        }
    }

    /// A UUID a person wrote: either case is accepted and lower-cased, since the schemas
    /// accept lower case only.
    pub fn parse_lenient(v: &str) -> Result<Uuid, IdError> {
        Uuid::parse(&v.to_ascii_lowercase()).map_err(|_| IdError::Uuid(v.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A CVR number: exactly eight digits.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cvr(String);

impl Cvr {
    pub fn is_valid(v: &str) -> bool {
        v.len() == 8 && v.bytes().all(|c| c.is_ascii_digit())
    }

    /// A CVR number; surrounding whitespace is ignored.
    pub fn parse(v: &str) -> Result<Cvr, IdError> {
        let t = v.trim();
        if Cvr::is_valid(t) {
            Ok(Cvr(t.to_string()))
        } else {
            Err(IdError::Cvr(v.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error(
        "'{0}' is not a UUID (write it as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, lower-case hex)"
    )]
    Uuid(String),
    #[error("'{0}' is not a CVR number (eight digits)")]
    Cvr(String),
}

macro_rules! show {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($t), self.0)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}
show!(Uuid);
show!(Cvr);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_lower_case_hex_with_hyphens_in_place() {
        assert!(Uuid::parse("e6be2436-bf35-4df2-83fe-925142825dc2").is_ok());
        for bad in [
            "E6BE2436-BF35-4DF2-83FE-925142825DC2",
            "e6be2436bf354df283fe925142825dc2",
            "e6be2436-bf35-4df2-83fe-925142825dc",
            "g6be2436-bf35-4df2-83fe-925142825dc2",
            "e6be2436-bf35-4df2-83fe_925142825dc2",
            "",
        ] {
            assert_eq!(Uuid::parse(bad), Err(IdError::Uuid(bad.into())), "{bad}");
        }
        assert_eq!(
            Uuid::parse_lenient("E6BE2436-BF35-4DF2-83FE-925142825DC2")
                .unwrap()
                .as_str(),
            "e6be2436-bf35-4df2-83fe-925142825dc2"
        );
    }

    #[test]
    fn cvr_numbers_are_eight_digits() {
        assert_eq!(Cvr::parse(" 29189846 ").unwrap().as_str(), "29189846");
        for bad in ["2918984", "291898466", "2918984a", "", "２９１８９８４６"] {
            assert!(Cvr::parse(bad).is_err(), "{bad}");
        }
    }
}
