//! The front's time and size limits, with their documented defaults.

use std::time::Duration;

/// How long the front waits for a client, and how much it accepts. One place for the
/// documented defaults (README, "The mock"); tests start the mock with short values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The TLS handshake must finish within this after the TCP connection is accepted.
    pub handshake: Duration,
    /// A request head must be complete within this of its first byte, and the first request
    /// of a connection must arrive within this of the handshake.
    pub headers: Duration,
    /// The request body must keep arriving (else 408): no byte for this long, or, once this
    /// long has passed since the head, slower on average than [`Limits::min_body_rate`]. A
    /// total deadline would cut a legitimate large upload over a slow link.
    pub body: Duration,
    /// Bytes per second a body must average after its first [`Limits::body`].
    pub min_body_rate: usize,
    /// A kept-alive connection without a new request for this long is closed.
    pub idle: Duration,
    /// Larger request bodies are refused with 413. A MeMo with 30 MB of attachments is
    /// ~40 MB of base64, so this stays above that.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            handshake: Duration::from_secs(10),
            headers: Duration::from_secs(10),
            body: Duration::from_secs(30),
            min_body_rate: 64 * 1024,
            idle: Duration::from_secs(60),
            max_body: 64 * 1024 * 1024,
        }
    }
}
