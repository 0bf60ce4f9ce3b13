//! The one place that decides what personal data and secrets never leave the process.
//!
//! Everything printed, logged, reported or snapshotted passes through [`text`] (or [`bytes()`],
//! [`snippet`]): every writer takes its final text through it before writing.
//!
//! Two kinds of masking:
//! - **By pattern**: CPR numbers (`DDMMYY-xxxx`), and whatever follows `Holder-of-key`,
//!   `Bearer`, `saml-token=` or an `access_token`/`Assertion` JSON key.
//! - **By value**: every secret the process holds is registered once, where it enters the
//!   process ([`register_password`], [`register_secret`], [`register_assertion`]), and every
//!   occurrence of it, or of its base64 (standard and URL-safe, with and without padding),
//!   percent-encoded, JSON-escaped or XML/HTML-escaped forms, is replaced by [`REDACTED`],
//!   wherever it stands. A server that echoes a token in an error page therefore cannot make
//!   us print it, whatever the surrounding text looks like.

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine as _;
use regex::Regex;
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{OnceLock, RwLock};

/// What a masked secret is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Tokens and assertions shorter than this are not registered: a short value is no real
/// token, and masking it would mangle ordinary words.
pub const MIN_SECRET_LEN: usize = 8;

/// Passwords this long or longer are masked. A password is chosen by a person and can be
/// short; shorter than 4 it cannot be told from ordinary text at all.
pub const MIN_PASSWORD_LEN: usize = 4;

/// What kind of secret a value is; decides which forms of it are masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A certificate or key password (from the environment).
    Password,
    /// An access token, or any other opaque secret string.
    Token,
    /// A SAML assertion as the STS gives it (base64): its decoded XML is masked too.
    Assertion,
}

/// Register a certificate or key password. Passwords of [`MIN_PASSWORD_LEN`] to 7
/// characters are masked only where they stand alone (not inside a longer word or
/// number): masking `test` inside `exttest` would mangle the text and, worse, point at
/// the password. From 8 characters on they are masked everywhere.
pub fn register_password(value: &str) {
    register(SecretKind::Password, value);
}

/// Register an access token or other opaque secret (at least [`MIN_SECRET_LEN`] long).
pub fn register_secret(value: &str) {
    register(SecretKind::Token, value);
}

/// Register a SAML assertion as received (base64), and its decoded form.
pub fn register_assertion(value: &str) {
    register(SecretKind::Assertion, value);
}

/// Register a secret of this kind, with every form of it that [`text`] then masks.
/// Registering the same value again costs nothing.
pub fn register(kind: SecretKind, value: &str) {
    let new: Vec<(String, bool)> = forms(kind, value);
    if new.is_empty() {
        return;
    }
    let mut reg = registry().write().unwrap_or_else(|e| e.into_inner());
    let mut new_anchor = false;
    for (form, whole_word) in new {
        let f = Form {
            len: form.len(),
            digest: digest(form.as_bytes()),
            whole_word,
        };
        if !reg.seen.insert(f.digest) {
            continue;
        }
        let anchor = anchor_of(&form).to_string();
        let i = match reg.index.get(&anchor) {
            Some(&i) => i,
            None => {
                reg.anchors.push(anchor.clone());
                reg.forms.push(Vec::new());
                let i = reg.anchors.len() - 1;
                reg.index.insert(anchor, i);
                new_anchor = true;
                i
            }
        };
        reg.forms[i].push(f);
    }
    if new_anchor {
        // Rebuilt only when a new anchor comes: assertions share theirs (the start of the
        // XML), and the matcher stays small however many secrets a long run registers.
        reg.matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&reg.anchors)
            .ok();
    }
}

/// A form is found by its first [`ANCHOR_LEN`] bytes (its anchor) and confirmed by the
/// digest of its full length, so the registry keeps no copy of a secret beyond its start,
/// and the matcher stays small however long the secrets are (an assertion and its encodings
/// are kilobytes each).
const ANCHOR_LEN: usize = 32;

fn anchor_of(form: &str) -> &str {
    let mut end = form.len().min(ANCHOR_LEN);
    while !form.is_char_boundary(end) {
        end -= 1;
    }
    &form[..end]
}

fn digest(b: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(b).into()
}

struct Form {
    len: usize,
    digest: [u8; 32],
    /// Only where it stands alone (see [`register_password`]).
    whole_word: bool,
}

#[derive(Default)]
struct Registry {
    anchors: Vec<String>,
    /// Per anchor: the forms that start with it.
    forms: Vec<Vec<Form>>,
    index: std::collections::HashMap<String, usize>,
    seen: HashSet<[u8; 32]>,
    matcher: Option<AhoCorasick>,
}

fn registry() -> &'static RwLock<Registry> {
    static REG: OnceLock<RwLock<Registry>> = OnceLock::new();
    REG.get_or_init(Default::default)
}

/// Below this length a form is masked only where it stands alone.
const ANYWHERE_LEN: usize = 8;

/// Every form of a secret that is masked, each with "only where it stands alone".
fn forms(kind: SecretKind, value: &str) -> Vec<(String, bool)> {
    let min = match kind {
        SecretKind::Password => MIN_PASSWORD_LEN,
        SecretKind::Token | SecretKind::Assertion => MIN_SECRET_LEN,
    };
    if value.chars().count() < min {
        return Vec::new();
    }
    let mut bases = vec![value.to_string()];
    if kind == SecretKind::Assertion {
        // Each base costs some thirty encodings of kilobytes: work out each only once (an
        // assertion seldom has whitespace around it, so its trimmed forms are usually itself).
        let mut add = |b: &str| {
            if !bases.iter().any(|x| x == b) {
                bases.push(b.to_string());
            }
        };
        let b64 = value.trim();
        add(b64);
        if let Some(xml) = decode_b64(b64) {
            add(xml.trim());
            add(&xml);
        }
    }
    let mut out: Vec<String> = Vec::new();
    for b in &bases {
        let raw = b.as_bytes();
        let b64 = [
            base64::engine::general_purpose::STANDARD.encode(raw),
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(raw),
            base64::engine::general_purpose::URL_SAFE.encode(raw),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw),
        ];
        for s in std::iter::once(b.clone()).chain(b64) {
            let pct = percent(&s);
            out.push(pct.to_ascii_lowercase_hex());
            out.push(pct.0);
            if s.contains(' ') {
                out.push(percent(&s).0.replace("%20", "+"));
            }
            out.push(json_escaped(&s));
            out.push(json_escaped(&s).replace('/', "\\/"));
            out.extend(xml_escaped(&s));
            out.push(s);
        }
    }
    let mut seen = HashSet::new();
    out.into_iter()
        .filter(|s| s.chars().count() >= min && seen.insert(s.clone()))
        .map(|s| {
            let short = s.chars().count() < ANYWHERE_LEN;
            (s, short)
        })
        .collect()
}

fn decode_b64(s: &str) -> Option<String> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    let bytes = STANDARD
        .decode(s.as_bytes())
        .or_else(|_| URL_SAFE.decode(s.as_bytes()))
        .ok()?;
    String::from_utf8(bytes)
        .ok()
        .filter(|x| x.chars().count() >= MIN_SECRET_LEN)
}

/// Percent-encoding of everything but RFC 3986's unreserved characters (what a form body or
/// a query string carries), upper-case hex.
struct Percent(String);

fn percent(s: &str) -> Percent {
    // The very encoding the token flow sends the assertion with.
    Percent(crate::core::form::encode(s))
}

impl Percent {
    fn to_ascii_lowercase_hex(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        let mut hex_left = 0;
        for c in self.0.chars() {
            if c == '%' {
                hex_left = 2;
                out.push(c);
            } else if hex_left > 0 {
                hex_left -= 1;
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// The value as it stands inside a JSON string (and in a Rust `{:?}`, for ASCII).
fn json_escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(&quoted)
        .to_string()
}

/// The value as XML text, as an XML attribute and as HTML (`&#39;` for `'`).
fn xml_escaped(s: &str) -> Vec<String> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Vec::new();
    }
    let base = s
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    vec![
        base.clone(),
        base.replace('"', "&quot;").replace('\'', "&apos;"),
        base.replace('"', "&quot;").replace('\'', "&#39;"),
    ]
}

/// Replace every registered secret (in any registered form) by [`REDACTED`]. Where two
/// overlap, their union is masked.
pub fn secrets(input: &str) -> Cow<'_, str> {
    let reg = registry().read().unwrap_or_else(|e| e.into_inner());
    let Some(ac) = reg.matcher.as_ref() else {
        return Cow::Borrowed(input);
    };
    let bytes = input.as_bytes();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for m in ac.find_overlapping_iter(input) {
        let start = m.start();
        let mut hashed: Vec<(usize, [u8; 32])> = Vec::new();
        let mut best = None;
        for f in &reg.forms[m.pattern().as_usize()] {
            let end = start + f.len;
            if end > bytes.len() || !input.is_char_boundary(end) || best.is_some_and(|b| b >= end) {
                continue;
            }
            if f.whole_word && !stands_alone(input, start, end) {
                continue;
            }
            let d = match hashed.iter().find(|(l, _)| *l == f.len) {
                Some((_, d)) => *d,
                None => {
                    let d = digest(&bytes[start..end]);
                    hashed.push((f.len, d));
                    d
                }
            };
            if d == f.digest {
                best = Some(end);
            }
        }
        if let Some(end) = best {
            spans.push((start, end));
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(input);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(input.len());
    let mut last = 0;
    let mut cur: Option<(usize, usize)> = None;
    for (s, e) in spans {
        match cur {
            Some((cs, ce)) if s <= ce => cur = Some((cs, ce.max(e))),
            _ => {
                if let Some((cs, ce)) = cur {
                    out.push_str(&input[last..cs]);
                    out.push_str(REDACTED);
                    last = ce;
                }
                cur = Some((s, e));
            }
        }
    }
    if let Some((cs, ce)) = cur {
        out.push_str(&input[last..cs]);
        out.push_str(REDACTED);
        last = ce;
    }
    out.push_str(&input[last..]);
    Cow::Owned(out)
}

/// Not inside a longer word or number.
fn stands_alone(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// The next CPR number in `b` at or after `at`: ten digits, optionally `DDMMYY-SSSS`, not
/// part of a longer number, with DD and MM plausible (01–31, 01–12) so that other 10-digit
/// ids are left alone. Returns the date's start, its end and the serial's end. The digit
/// before must lie at or after `at` (it ended the previous number), as a regex searching
/// from `at` would see it. Written out rather than a regex: that regex's literal
/// alternatives cost 0.3 ms to compile, a fiftieth of a one-call run.
fn next_cpr(b: &[u8], at: usize) -> Option<(usize, usize, usize)> {
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let first = if at == 0 { 0 } else { at + 1 };
    (first..b.len()).find_map(|s| {
        if s > 0 && b[s - 1].is_ascii_digit() {
            return None;
        }
        if !digits(s..s + 6) || !(1..=31).contains(&two(s)) || !(1..=12).contains(&two(s + 2)) {
            return None;
        }
        let serial = if b.get(s + 6) == Some(&b'-') {
            s + 7
        } else {
            s + 6
        };
        let end = serial + 4;
        let apart = b.get(end).is_none_or(|c| !c.is_ascii_digit());
        (digits(serial..end) && apart).then_some((s, s + 6, end))
    })
}

fn token_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Access tokens and SAML assertions (SF1601 token flow) are secrets, even ones this
    // process never held (another client's, echoed by a server).
    RE.get_or_init(|| {
        Regex::new(r#"(?i)(holder-of-key\s+|bearer\s+|"access_token"\s*:\s*"|"Assertion"\s*:\s*"|saml-token=)[A-Za-z0-9+/=._\-%]{8,}"#)
            .expect("static regex")
    })
}

/// Whether [`token_pattern`] can match `s`: one of its keywords is there in any ASCII case,
/// or a character that Unicode folds onto a keyword's letter (`K` Kelvin, `ſ` long s).
/// The pattern's Unicode case folding costs ~0.3 ms to compile, which most texts (none of
/// these words in them) never need.
fn may_hold_token(s: &str) -> bool {
    const KEYWORDS: [&str; 5] = [
        "holder-of-key",
        "bearer",
        "\"access_token\"",
        "\"assertion\"",
        "saml-token=",
    ];
    if s.contains(['\u{212A}', '\u{17F}']) {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    KEYWORDS.iter().any(|k| lower.contains(k))
}

/// Mask registered secrets, CPR numbers (`DDMMYY-xxxx`) and tokens in free text.
pub fn text(input: &str) -> String {
    // Values first: a secret may contain ten digits that CPR masking would change.
    let values = secrets(input);
    let masked = mask_cpr(&values);
    if !may_hold_token(&masked) {
        return masked;
    }
    token_pattern()
        .replace_all(&masked, "${1}[redacted]")
        .into_owned()
}

/// [`text`] for bytes that should be UTF-8 (a report, a snapshot); other bytes become `�`.
pub fn bytes(input: &[u8]) -> Vec<u8> {
    text(&String::from_utf8_lossy(input)).into_bytes()
}

/// The start of an answer, at most `max` bytes, masked. The whole answer is masked before
/// it is cut, so a secret that straddles the cut cannot show its first half.
pub fn snippet(body: &[u8], max: usize) -> String {
    let mut s = text(&String::from_utf8_lossy(body));
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// Mask CPR numbers only.
pub fn mask_cpr(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    // Copied up to `last`; search from `at`. Numbers may touch (`0101801234,0202802345`):
    // the next search starts right after the serial, so the separator can open the next.
    // The offsets are of ASCII digits, so each is on a character boundary.
    let (mut last, mut at) = (0, 0);
    while let Some((date, date_end, end)) = next_cpr(input.as_bytes(), at) {
        at = end;
        if inside_hex_id(input, date, end) {
            continue;
        }
        out.push_str(&input[last..date]);
        out.push_str(&input[date..date_end]);
        out.push_str("-xxxx");
        last = end;
    }
    out.push_str(&input[last..]);
    out
}

/// Whether the digits at `start..end` are glued to a hex letter inside a long run of hex
/// digits and hyphens: a SHA-256 fingerprint or a UUID, whose digits can look like a date.
/// A CPR number set off by a separator, or next to a short word, is still masked.
fn inside_hex_id(s: &str, start: usize, end: usize) -> bool {
    let hex_or_hyphen = |c: char| c.is_ascii_hexdigit() || c == '-';
    let hex_letter =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_hexdigit() && !c.is_ascii_digit());
    if !hex_letter(s[..start].chars().next_back()) && !hex_letter(s[end..].chars().next()) {
        return false;
    }
    let before = s[..start]
        .chars()
        .rev()
        .take_while(|&c| hex_or_hyphen(c))
        .count();
    let after = s[end..].chars().take_while(|&c| hex_or_hyphen(c)).count();
    before + (end - start) + after >= 16
}

#[cfg(test)]
mod tests;
