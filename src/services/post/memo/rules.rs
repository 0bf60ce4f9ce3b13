//! The MeMo field rules Digital Post enforces, each a check of one value: file names (since
//! November 2024), action links (absolute https), and base64 content, whose validity and
//! decoded size are checked without decoding it (content can be tens of megabytes).

use base64::Engine as _;

/// Characters Digital Post refuses in file names (since November 2024).
const FORBIDDEN_FILENAME_CHARS: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Unicode spaces other than the ordinary space, which recipients' systems mishandle.
fn is_unusual_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200B}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// The file name rules: not empty, none of `<>:"/\|?*`, no CR/LF or other control characters,
/// no unusual Unicode spaces.
pub fn check_filename(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the file name is empty".into());
    }
    for c in name.chars() {
        if FORBIDDEN_FILENAME_CHARS.contains(&c) {
            return Err(format!(
                "the file name \"{}\" contains '{c}'; file names may not contain any of < > : \" / \\ | ? *",
                name.escape_debug()
            ));
        }
        if c == '\r' || c == '\n' {
            return Err(format!(
                "the file name \"{}\" contains a line break (CR/LF)",
                name.escape_debug()
            ));
        }
        if c.is_control() {
            return Err(format!(
                "the file name \"{}\" contains the control character U+{:04X}",
                name.escape_debug(),
                c as u32
            ));
        }
        if is_unusual_space(c) {
            return Err(format!(
                "the file name \"{}\" contains the Unicode space U+{:04X}; use an ordinary space",
                name.escape_debug(),
                c as u32
            ));
        }
    }
    Ok(())
}

/// Action links must be absolute https URLs.
pub fn check_action_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| {
        format!("'{url}' is not an absolute URL ({e}); action links must be absolute https URLs")
    })?;
    if parsed.scheme() != "https" {
        return Err(format!(
            "'{url}' uses {}; action links must be absolute https URLs",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!(
            "'{url}' has no host; action links must be absolute https URLs"
        ));
    }
    Ok(())
}

/// The decoded size of base64 content, checking it is valid base64 (standard alphabet, `=`
/// padding only at the end, whole quadruples; whitespace in between allowed) without decoding:
/// content can be tens of megabytes, and only its validity and size matter here.
pub fn base64_decoded_len(s: &str) -> Result<usize, String> {
    let bytes = s.as_bytes();
    let mut n = 0usize;
    let mut pad = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        // Most content is long runs of the alphabet alone: take those a block at a time (a
        // loop the compiler turns into vector instructions), the rest byte by byte.
        let block = &bytes[i..bytes.len().min(i + 64)];
        if pad == 0 && block.len() == 64 && block.iter().fold(true, |all, &b| all & alphabet(b)) {
            n += 64;
            i += 64;
            continue;
        }
        for &b in block {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => {}
                b'=' => {
                    pad += 1;
                    n += 1;
                }
                _ if alphabet(b) && pad == 0 => n += 1,
                _ => {
                    return Err(format!(
                        "the content is not valid base64 (unexpected {:?} at offset {i})",
                        b as char
                    ))
                }
            }
            i += 1;
        }
    }
    if n == 0 {
        return Err("the content is empty".into());
    }
    if !n.is_multiple_of(4) || pad > 2 {
        return Err(format!(
            "the content is not valid base64 (its length, {n} characters without whitespace, is not a multiple of 4)"
        ));
    }
    Ok(n / 4 * 3 - pad)
}

/// A character of the standard base64 alphabet (padding aside).
fn alphabet(b: u8) -> bool {
    b.is_ascii_alphanumeric() | (b == b'+') | (b == b'/')
}

/// Decode base64 content (standard alphabet; line breaks and spaces in between are allowed,
/// as XML pretty-printing adds them).
pub fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err("the content is empty".into());
    }
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| format!("the content is not valid base64 ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoded_length_agrees_with_decoding() {
        use base64::Engine as _;
        for len in 0..40usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let b64 = base64::engine::general_purpose::STANDARD.encode(&data);
            if len == 0 {
                assert!(base64_decoded_len(&b64).is_err());
                continue;
            }
            assert_eq!(base64_decoded_len(&b64), Ok(len), "{b64}");
            let wrapped: String = b64
                .as_bytes()
                .chunks(7)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\n ");
            assert_eq!(base64_decoded_len(&wrapped), Ok(len));
        }
        for bad in ["ikke base64!", "QUJD=EFG", "QUJDR", "QU=D", "QUJD===="] {
            assert!(base64_decoded_len(bad).is_err(), "{bad}");
            assert!(decode_base64(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn long_content_is_measured_and_a_bad_byte_named_wherever_it_sits() {
        let long = "JSUl".repeat(1000);
        assert_eq!(base64_decoded_len(&long), Ok(3000));
        for at in [0, 1, 63, 64, 65, 127, 128, 2000, 3999] {
            for bad in [b'!', b'='] {
                let mut b = long.clone().into_bytes();
                b[at] = bad;
                let got = base64_decoded_len(std::str::from_utf8(&b).unwrap());
                // A '=' is padding: only what follows it is out of place.
                let want = match (bad, at) {
                    (b'!', _) => format!("'!' at offset {at}"),
                    (_, 3999) => {
                        assert_eq!(got, Ok(2999));
                        continue;
                    }
                    _ => format!("at offset {}", at + 1),
                };
                let e = got.unwrap_err();
                assert!(e.contains(&want), "{at}: {e}");
            }
        }
        let with_end_padding = format!("{}QQ==", "JSUl".repeat(100));
        assert_eq!(base64_decoded_len(&with_end_padding), Ok(301));
    }
}
