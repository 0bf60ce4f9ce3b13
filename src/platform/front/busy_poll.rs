//! Busy polling on `mock serve`'s workers: after answering, a worker with a single open
//! connection keeps polling for that connection's next request for a short window instead
//! of sleeping at once.
//!
//! Why: a client that calls one request after another over one keep-alive connection (how
//! a vendor's system or a test suite usually calls) waits, per request, for the mock's
//! thread to be woken. On a virtual machine that wake-up (the sender's inter-processor
//! interrupt, then the sleeper's switch back in) costs tens of µs, more than the mock's own
//! work on a stub answer. Polling for at most [`DEFAULT_WINDOW`] after an answer finds the
//! next request without one: measured on `mock serve` with the stub mappings, one
//! connection, 2 cores: 8.2k → 11.6–12.1k req/s, p50 113 → 67 µs.
//!
//! Only a worker with one connection polls. With more it seldom sleeps anyway, and on a
//! small machine polling takes CPU its clients need (16 connections, 2 cores: 7 % fewer
//! requests and twice the p99 with every worker polling). An idle worker costs nothing: the
//! poller sleeps until the next answer. `mock serve --busy-poll 0` turns it off.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How long a worker polls after its last answer: longer than a client on the same machine
/// takes to read an answer and send its next request (about 50–150 µs measured), short
/// enough that a client which pauses costs at most this much CPU per request.
pub const DEFAULT_WINDOW: Duration = Duration::from_micros(200);

/// The most `--busy-poll` takes: beyond it polling is no longer "a short window".
pub const MAX_WINDOW: Duration = Duration::from_millis(10);

/// One worker's polling state, shared by its connections and its poller task (all on the
/// worker's one thread; atomics only because tasks must be `Send`).
pub struct BusyPoll {
    window_ns: u64,
    started: Instant,
    /// When the last answer went out, in ns since `started`.
    last_answer: AtomicU64,
    /// The worker's open connections.
    connections: AtomicUsize,
    answered: Notify,
}

impl BusyPoll {
    /// `None` when `window` is zero: no polling.
    pub fn new(window: Duration) -> Option<Arc<BusyPoll>> {
        (!window.is_zero()).then(|| {
            Arc::new(BusyPoll {
                window_ns: u64::try_from(window.as_nanos()).unwrap_or(u64::MAX),
                started: Instant::now(),
                last_answer: AtomicU64::new(0),
                connections: AtomicUsize::new(0),
                answered: Notify::new(),
            })
        })
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// An answer is about to go out: poll for the next request.
    pub fn answered(&self) {
        self.last_answer.store(self.now(), Ordering::Relaxed);
        // On the worker's own thread this only queues the poller; no system call.
        self.answered.notify_one();
    }

    /// A connection opened on this worker; it counts until the guard drops.
    pub fn connection(self: &Arc<Self>) -> ConnectionGuard {
        self.connections.fetch_add(1, Ordering::Relaxed);
        ConnectionGuard(self.clone())
    }

    fn polling(&self) -> bool {
        self.connections.load(Ordering::Relaxed) == 1
            && self
                .now()
                .saturating_sub(self.last_answer.load(Ordering::Relaxed))
                < self.window_ns
    }

    /// The poller, spawned once on the worker's single-threaded runtime. Yielding there
    /// makes the runtime look at its sockets without sleeping (a zero-timeout poll) and run
    /// whatever became ready before it comes back here. Between looks it does `idle`: work
    /// put off the request's path (the journal's keeping), done here while the client reads
    /// its answer rather than on a thread that would take a core from the requests.
    pub async fn run(self: Arc<Self>, idle: impl Fn() -> bool) {
        loop {
            self.answered.notified().await;
            while self.polling() {
                idle();
                tokio::task::yield_now().await;
            }
        }
    }
}

/// Counts a connection as open on its worker while it lives.
pub struct ConnectionGuard(Arc<BusyPoll>);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_off() {
        assert!(BusyPoll::new(Duration::ZERO).is_none());
    }

    #[test]
    fn polls_only_within_the_window_and_with_one_connection() {
        let p = BusyPoll::new(Duration::from_millis(50)).unwrap();
        // Nothing answered yet on a fresh worker... but `last_answer` 0 is "at start":
        // with no connection it must not poll.
        assert!(!p.polling(), "no connection, no polling");
        let one = p.connection();
        p.answered();
        assert!(p.polling(), "one connection, just answered");
        let two = p.connection();
        assert!(
            !p.polling(),
            "two connections: the worker seldom sleeps, so no polling"
        );
        drop(two);
        assert!(p.polling());
        std::thread::sleep(Duration::from_millis(60));
        assert!(!p.polling(), "the window has passed");
        drop(one);
        p.answered();
        assert!(!p.polling(), "the connection closed");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_poller_lets_the_worker_run_its_other_tasks_and_then_waits() {
        let p = BusyPoll::new(Duration::from_millis(5)).unwrap();
        let _c = p.connection();
        let idled = Arc::new(AtomicUsize::new(0));
        let counted = idled.clone();
        let poller = tokio::spawn(p.clone().run(move || {
            counted.fetch_add(1, Ordering::Relaxed);
            false
        }));
        p.answered();
        // The poller yields while polling, so this task (and the timer) gets to run; a
        // poller that did not would hang the test here. After the window it waits for the
        // next answer.
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!p.polling());
        let looked = idled.load(Ordering::Relaxed);
        assert!(looked > 0, "it did the idle work while it polled");
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(
            idled.load(Ordering::Relaxed),
            looked,
            "after the window it stops"
        );
        assert!(!poller.is_finished(), "it waits for the next answer");
        poller.abort();
    }
}
