//! Assertions kept per audience (the service's entityID), CVR and certificate (its SHA-256
//! fingerprint), and handed out again until [`RENEW_MARGIN`] before they expire, so a token
//! cannot run out on its way. The clock is the caller's, so renewal is testable.

use super::Assertion;
use crate::targets::pki::Identity;
use std::collections::HashMap;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};

/// Ask for a new token this long before the cached one expires.
pub const RENEW_MARGIN: Duration = Duration::minutes(5);

/// What a token is for: one audience, one CVR, one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub audience: String,
    pub cvr: String,
    pub certificate: String,
}

impl CacheKey {
    pub fn new(audience: &str, cvr: &str, identity: &Identity) -> CacheKey {
        CacheKey {
            audience: audience.to_string(),
            cvr: cvr.to_string(),
            certificate: identity.info.sha256_fingerprint.clone(),
        }
    }
}

/// The cached assertions (shared between the calls of a run).
#[derive(Debug, Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<CacheKey, Assertion>>,
}

impl TokenCache {
    /// The cached assertion for `key` when it is still good at `now` (more than
    /// [`RENEW_MARGIN`] before it expires); a stale one is dropped.
    pub fn get(&self, key: &CacheKey, now: OffsetDateTime) -> Option<Assertion> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some(a) if now + RENEW_MARGIN < a.not_on_or_after() => Some(a.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Keep `assertion` for `key`, replacing what was there.
    pub fn put(&self, key: CacheKey, assertion: Assertion) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(key, assertion);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn key(audience: &str) -> CacheKey {
        CacheKey {
            audience: audience.into(),
            cvr: "29189846".into(),
            certificate: "AB:CD".into(),
        }
    }

    #[test]
    fn hands_out_until_five_minutes_before_expiry() {
        let expires = datetime!(2026-11-30 18:00 UTC);
        let cache = TokenCache::default();
        let a = Assertion::new("<a>cached assertion</a>".into(), "a1".into(), expires);
        cache.put(key("urn:x"), a.clone());
        assert_eq!(
            cache.get(&key("urn:x"), expires - Duration::hours(1)),
            Some(a)
        );
        assert_eq!(cache.get(&key("urn:y"), expires - Duration::hours(1)), None);
        assert_eq!(
            cache.get(&key("urn:x"), expires - Duration::minutes(5)),
            None
        );
        // Dropped: not even an earlier clock brings it back.
        assert_eq!(cache.get(&key("urn:x"), expires - Duration::hours(1)), None);
        assert!(!format!("{cache:?}").contains("cached assertion"));
    }
}
