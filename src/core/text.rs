//! Text helpers shared by names on disk and in reports.

/// A lowercase ASCII slug: Danish letters are spelled out (`æ`→`ae`, `ø`→`oe`, `å`→`aa`),
/// a few common accented letters lose their accent, everything else that is not a letter
/// or digit becomes `sep`; repeated separators collapse and the ends are trimmed.
pub fn slug(s: &str, sep: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_sep = false;
    for c in s.chars() {
        let lower: String = c.to_lowercase().collect();
        for c in lower.chars() {
            let mapped: Option<&str> = match c {
                'æ' | 'ä' => Some("ae"),
                'ø' | 'ö' => Some("oe"),
                'å' => Some("aa"),
                'ü' => Some("ue"),
                'ß' => Some("ss"),
                'é' | 'è' | 'ê' | 'ë' => Some("e"),
                'á' | 'à' | 'â' => Some("a"),
                'í' | 'ì' | 'î' | 'ï' => Some("i"),
                'ó' | 'ò' | 'ô' => Some("o"),
                'ú' | 'ù' | 'û' => Some("u"),
                'ý' | 'ÿ' => Some("y"),
                'ñ' => Some("n"),
                'ç' => Some("c"),
                _ => None,
            };
            let mut push = |s: &str| {
                if pending_sep && !out.is_empty() {
                    out.push(sep);
                }
                pending_sep = false;
                out.push_str(s);
            };
            if let Some(m) = mapped {
                push(m);
            } else if c.is_ascii_alphanumeric() {
                let mut b = [0u8; 4];
                push(c.encode_utf8(&mut b));
            } else {
                pending_sep = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_spells_out_danish_letters() {
        assert_eq!(
            slug("Kendt borger: fulde stamdata", '_'),
            "kendt_borger_fulde_stamdata"
        );
        assert_eq!(slug("  Æbler, Øl & Ål!! ", '-'), "aebler-oel-aal");
        assert_eq!(slug("---", '_'), "");
    }
}
