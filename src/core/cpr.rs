//! CPR numbers: the checks made before anything is sent, and the mask used in all output.
//!
//! Rules (reference `serviceplatform.md` §6, H): DDMMYY + 4-digit serial; digit 7 and YY
//! decide the century. Modulus 11 is *not* a validity rule: since 2007-10-01 CPR issues valid
//! numbers that fail it, so [`Cpr::parse`] never rejects on it.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    #[error(
        "'{shown}' is not a CPR number: it must be 10 digits, written DDMMYYSSSS or DDMMYY-SSSS"
    )]
    Format { shown: String },
    #[error("'{shown}' is not a CPR number: {day:02}-{month:02}-{year} is not a valid birth date")]
    Date {
        shown: String,
        day: u32,
        month: u32,
        year: i32,
    },
}

/// A syntactically valid CPR number (10 digits, a real birth date).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cpr(String);

impl Cpr {
    /// Accepts `DDMMYYSSSS` and `DDMMYY-SSSS`, with surrounding whitespace.
    pub fn parse(input: &str) -> Result<Cpr, CprError> {
        let trimmed = input.trim();
        let digits: String = if trimmed.len() == 11 && trimmed.as_bytes()[6] == b'-' {
            format!("{}{}", &trimmed[..6], &trimmed[7..])
        } else {
            trimmed.to_string()
        };
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CprError::Format {
                shown: mask_loose(trimmed),
            });
        }
        let n = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap_or(0);
        let (day, month, yy, d7) = (n(0..2), n(2..4), n(4..6), n(6..7));
        let year = century(d7, yy) + yy as i32;
        let valid = time::Month::try_from(month as u8)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(year, m, day as u8).ok())
            .is_some();
        if !valid {
            return Err(CprError::Date {
                shown: mask(&digits),
                day,
                month,
                year,
            });
        }
        Ok(Cpr(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The weighted modulus-11 check. Informational only: failing it does not make a
    /// number invalid (numbers issued since 2007-10-01 may fail it).
    pub fn passes_modulus11(&self) -> bool {
        const W: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
        let sum: u32 = self
            .0
            .bytes()
            .zip(W)
            .map(|(b, w)| (b - b'0') as u32 * w)
            .sum();
        sum.is_multiple_of(11)
    }

    /// Birth year from digit 7 and YY.
    pub fn birth_year(&self) -> i32 {
        let yy: u32 = self.0[4..6].parse().unwrap_or(0);
        let d7: u32 = self.0[6..7].parse().unwrap_or(0);
        century(d7, yy) + yy as i32
    }
}

/// Never prints the serial: `Debug` and `Display` show the masked form.
impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpr({})", mask(&self.0))
    }
}

impl fmt::Display for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(&self.0))
    }
}

fn century(d7: u32, yy: u32) -> i32 {
    match d7 {
        0..=3 => 1900,
        4 | 9 => {
            if yy <= 36 {
                2000
            } else {
                1900
            }
        }
        _ => {
            if yy <= 57 {
                2000
            } else {
                1800
            }
        }
    }
}

/// `DDMMYYSSSS` → `DDMMYY-xxxx`.
pub fn mask(ten_digits: &str) -> String {
    if ten_digits.len() >= 6 && ten_digits.is_char_boundary(6) {
        format!("{}-xxxx", &ten_digits[..6])
    } else {
        "xxxxxx-xxxx".to_string()
    }
}

/// Mask for input that failed parsing: keep at most six leading characters.
fn mask_loose(s: &str) -> String {
    let keep: String = s.chars().take(6).collect();
    if s.chars().count() > 6 {
        format!("{keep}…")
    } else {
        keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_numbers_with_and_without_hyphen() {
        assert_eq!(Cpr::parse("0101801234").unwrap().as_str(), "0101801234");
        assert_eq!(Cpr::parse(" 010180-1234 ").unwrap().as_str(), "0101801234");
    }

    #[test]
    fn century_rule() {
        assert_eq!(Cpr::parse("0101101234").unwrap().birth_year(), 1910);
        assert_eq!(Cpr::parse("0101104234").unwrap().birth_year(), 2010);
        assert_eq!(Cpr::parse("0101504234").unwrap().birth_year(), 1950);
        assert_eq!(Cpr::parse("0101505234").unwrap().birth_year(), 2050);
        assert_eq!(Cpr::parse("0101605234").unwrap().birth_year(), 1860);
        assert_eq!(Cpr::parse("0101369999").unwrap().birth_year(), 2036);
    }

    #[test]
    fn rejects_bad_dates_including_leap_years() {
        assert!(matches!(
            Cpr::parse("3202801234"),
            Err(CprError::Date { .. })
        ));
        assert!(matches!(
            Cpr::parse("0113801234"),
            Err(CprError::Date { .. })
        ));
        // 1900 was not a leap year, 2000 was.
        assert!(Cpr::parse("2902001234").is_err());
        assert!(Cpr::parse("2902004234").is_ok());
    }

    #[test]
    fn rejects_bad_format_without_echoing_the_number() {
        let e = Cpr::parse("01018012345").unwrap_err();
        assert!(matches!(e, CprError::Format { .. }));
        assert!(!e.to_string().contains("12345"), "{e}");
        assert!(Cpr::parse("01018O1234").is_err());
        assert!(Cpr::parse("").is_err());
    }

    #[test]
    fn modulus11_is_reported_but_never_rejects() {
        // 0707614285 passes modulus 11; 0101651230 does not but is a valid post-2007 number.
        assert!(Cpr::parse("0707614285").unwrap().passes_modulus11());
        let c = Cpr::parse("0101651230").unwrap();
        assert!(!c.passes_modulus11());
    }

    #[test]
    fn display_and_debug_are_masked() {
        let c = Cpr::parse("0101801234").unwrap();
        assert_eq!(c.to_string(), "010180-xxxx");
        assert!(!format!("{c:?}").contains("1234"));
    }
}
