//! The one place that decides what personal data and secrets never leave the process.
//!
//! Everything printed, logged, reported or snapshotted passes through [`text`].

use regex::Regex;
use std::sync::OnceLock;

fn cpr_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Ten digits, optionally DDMMYY-SSSS, not part of a longer number. DD and MM are
    // constrained to plausible dates so that other 10-digit ids are left alone.
    RE.get_or_init(|| {
        Regex::new(r"(^|[^0-9])((?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2})-?([0-9]{4})($|[^0-9])")
            .expect("static regex")
    })
}

fn token_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Access tokens and SAML assertions (SF1601 token flow) are secrets.
    RE.get_or_init(|| {
        Regex::new(r#"(?i)(holder-of-key\s+|bearer\s+|"access_token"\s*:\s*"|"Assertion"\s*:\s*"|saml-token=)[A-Za-z0-9+/=._\-%]{8,}"#)
            .expect("static regex")
    })
}

/// Mask CPR numbers (`DDMMYY-xxxx`) and tokens in free text.
pub fn text(input: &str) -> String {
    let masked = mask_cpr(input);
    token_pattern()
        .replace_all(&masked, "${1}[redacted]")
        .into_owned()
}

/// Mask CPR numbers only.
pub fn mask_cpr(input: &str) -> String {
    // Matches may touch (`0101801234,0202802345`): the separator is consumed by the first
    // match, so run until nothing changes.
    let mut cur = input.to_string();
    loop {
        let next = cpr_pattern()
            .replace_all(&cur, "${1}${2}-xxxx${4}")
            .into_owned();
        if next == cur {
            return cur;
        }
        cur = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_cpr_in_every_common_shape() {
        assert_eq!(mask_cpr("0101801234"), "010180-xxxx");
        assert_eq!(mask_cpr("cpr 010180-1234."), "cpr 010180-xxxx.");
        assert_eq!(mask_cpr("<PNR>0101801234</PNR>"), "<PNR>010180-xxxx</PNR>");
        assert_eq!(
            mask_cpr("urn:oio:cpr-nr:0101801234"),
            "urn:oio:cpr-nr:010180-xxxx"
        );
        assert_eq!(mask_cpr("0101801234,0202802345"), "010180-xxxx,020280-xxxx");
    }

    #[test]
    fn leaves_other_numbers_alone() {
        assert_eq!(mask_cpr("CVR 29189846"), "CVR 29189846");
        assert_eq!(mask_cpr("12345678901"), "12345678901");
        assert_eq!(
            mask_cpr("e6be2436-bf35-4df2-83fe-925142825dc2"),
            "e6be2436-bf35-4df2-83fe-925142825dc2"
        );
        assert_eq!(mask_cpr("9999999999"), "9999999999");
    }

    #[test]
    fn masks_tokens() {
        let t = text("Authorization: Holder-of-key abcDEF123456789==");
        assert_eq!(t, "Authorization: Holder-of-key [redacted]");
        assert!(!text(r#"{"access_token":"eyJabc.def.ghi123"}"#).contains("eyJ"));
        let sts = r#"{"RequestedSecurityToken":{"Assertion":"PHNhbWwyOkFzc2VydGlvbiB4bWxucz0i"}}"#;
        assert!(!text(sts).contains("PHNhbWwy"), "{}", text(sts));
    }
}
