//! Form encoding (`application/x-www-form-urlencoded` values): what the token flow sends
//! an assertion with, and so one of the forms redaction looks for. A wire primitive with
//! no dependencies, so neither of its users has to import the other.

/// Percent-encode everything but RFC 3986's unreserved characters, upper-case hex.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_all_but_the_unreserved_characters() {
        assert_eq!(super::encode("a+b/c=="), "a%2Bb%2Fc%3D%3D");
        assert_eq!(super::encode("Az09-_.~ æ"), "Az09-_.~%20%C3%A6");
    }
}
