//! Watching a connection for clients that are too slow: the first request, the rest of a
//! request head, or idle between requests (see [`Limits`]).

use super::limits::Limits;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

const NONE: u64 = u64::MAX;

/// What a connection has been doing, for the [`watchdog`]. Times are milliseconds since the
/// connection was accepted.
pub(super) struct Activity {
    start: Instant,
    /// First byte read since the last answer (a request head on its way), or [`NONE`].
    head_started: AtomicU64,
    /// When the last answer was handed to hyper, or [`NONE`] before the first.
    last_done: AtomicU64,
    /// When bytes were last written: a large answer to a slow reader is still going out
    /// long after it was handed over, and the idle limit counts from its last byte.
    last_write: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    pub(super) fn new() -> Self {
        Activity {
            start: Instant::now(),
            head_started: AtomicU64::new(NONE),
            last_done: AtomicU64::new(NONE),
            last_write: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn read_some(&self) {
        let _ = self.head_started.compare_exchange(
            NONE,
            self.now(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    fn wrote_some(&self) {
        self.last_write.store(self.now(), Ordering::Relaxed);
    }

    pub(super) fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.head_started.store(NONE, Ordering::Relaxed);
    }

    pub(super) fn request_done(&self) {
        self.head_started.store(NONE, Ordering::Relaxed);
        self.last_done.store(self.now(), Ordering::Relaxed);
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
    }

    /// When the connection is to be closed if nothing changes, in ms; `None` while a
    /// request is being answered (its body has its own timeout).
    fn deadline(&self, limits: &Limits) -> Option<u64> {
        if self.in_flight.load(Ordering::Relaxed) > 0 {
            return None;
        }
        let ms = |d: Duration| d.as_millis() as u64;
        let head = self.head_started.load(Ordering::Relaxed);
        let done = self.last_done.load(Ordering::Relaxed);
        Some(if head != NONE {
            head + ms(limits.headers)
        } else if done == NONE {
            ms(limits.headers)
        } else {
            done.max(self.last_write.load(Ordering::Relaxed)) + ms(limits.idle)
        })
    }
}

/// Completes when the connection has waited too long: for the first request, for the rest
/// of a request head, or idle between requests.
pub(super) async fn watchdog(activity: &Activity, limits: Limits) {
    // While a request is answered, look again this often.
    let busy_poll = Duration::from_millis(250).min(limits.headers);
    loop {
        match activity.deadline(&limits) {
            None => tokio::time::sleep(busy_poll).await,
            Some(at) => {
                let now = activity.now();
                if now >= at {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(at - now)).await;
            }
        }
    }
}

/// The TLS stream, telling [`Activity`] when bytes arrive.
pub(super) struct Watched<S> {
    pub(super) inner: S,
    pub(super) activity: Arc<Activity>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read_some();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote_some();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote_some();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
