//! The fingerprint's digest rule (see [`super`]'s docs), on its own: the build script
//! applies it to the built-in suite too, so a report can say whether a part is the built-in
//! one.

use sha2::{Digest, Sha256};

/// SHA-256 over the entries in the order given: for each, the name's UTF-8 bytes, one `0x00`
/// byte, the content's length as an 8-byte big-endian number and the content; lower-case hex.
pub fn digest(entries: &[(String, Vec<u8>)]) -> String {
    let mut h = Sha256::new();
    for (name, content) in entries {
        h.update(name.as_bytes());
        h.update([0u8]);
        h.update((content.len() as u64).to_be_bytes());
        h.update(content);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
