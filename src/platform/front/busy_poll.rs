//! Busy polling on `mock serve`'s workers: after answering, a worker keeps polling for its
//! connection's next request for a short window instead of sleeping at once, while the mock
//! has few open connections.
//!
//! Why: a client that calls one request after another over one keep-alive connection (how
//! a vendor's system or a test suite usually calls) waits, per request, for the mock's
//! thread to be woken. On a virtual machine that wake-up (the sender's inter-processor
//! interrupt, then the sleeper's switch back in) costs tens of µs, more than the mock's own
//! work on a stub answer. Polling for at most [`DEFAULT_WINDOW`] after an answer finds the
//! next request without one: measured on `mock serve` with the stub mappings, one
//! connection, 2 cores, with the journal kept while polling: 8.7k → 13.2–14.8k req/s, p50
//! 109 → 67–73 µs.
//!
//! A polling worker takes a core, and its caller needs one too: so workers poll only while
//! the mock has at most one open connection per two cores (see [`Connections`]; on 2 cores,
//! one connection; on 1, never). With more, polling takes CPU the callers need (2 cores: 2
//! connections, 12–13k instead of 16k req/s; 16 connections, 7 % fewer requests and twice
//! the p99), and a busy worker seldom sleeps anyway. An idle worker costs nothing: the poller
//! sleeps until the next answer. `mock serve --busy-poll 0` turns it off.

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

/// The mock's open connections, counted by every worker's [`BusyPoll`], and how many may
/// be open for workers to poll.
pub struct Connections {
    open: AtomicUsize,
    polled_up_to: usize,
}

impl Connections {
    /// Up to one open connection per two of `cores`.
    pub fn new(cores: usize) -> Arc<Connections> {
        Arc::new(Connections {
            open: AtomicUsize::new(0),
            polled_up_to: cores / 2,
        })
    }

    /// Few enough open for workers to poll.
    fn few(&self) -> bool {
        self.open.load(Ordering::Relaxed) <= self.polled_up_to
    }

    /// For the machine this runs on.
    pub fn for_this_machine() -> Arc<Connections> {
        Connections::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

/// One worker's polling state, shared by its connections and its poller task (all on the
/// worker's one thread; atomics only because tasks must be `Send`).
pub struct BusyPoll {
    window_ns: u64,
    started: Instant,
    /// When the last answer went out, in ns since `started`.
    last_answer: AtomicU64,
    /// The worker's open connections.
    connections: AtomicUsize,
    /// The whole mock's.
    all: Arc<Connections>,
    answered: Notify,
}

impl BusyPoll {
    /// `None` when `window` is zero: no polling.
    pub fn new(window: Duration, all: &Arc<Connections>) -> Option<Arc<BusyPoll>> {
        (!window.is_zero()).then(|| {
            Arc::new(BusyPoll {
                window_ns: u64::try_from(window.as_nanos()).unwrap_or(u64::MAX),
                started: Instant::now(),
                last_answer: AtomicU64::new(0),
                connections: AtomicUsize::new(0),
                all: all.clone(),
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
        // On the worker's own thread this only queues the poller; no system call. With too
        // many connections to poll, not even that.
        if self.all.few() {
            self.answered.notify_one();
        }
    }

    /// A connection opened on this worker; it counts until the guard drops.
    pub fn connection(self: &Arc<Self>) -> ConnectionGuard {
        self.connections.fetch_add(1, Ordering::Relaxed);
        self.all.open.fetch_add(1, Ordering::Relaxed);
        ConnectionGuard(self.clone())
    }

    fn polling(&self) -> bool {
        self.connections.load(Ordering::Relaxed) > 0
            && self.all.few()
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
    pub async fn run(self: Arc<Self>, idle: impl Fn()) {
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
        self.0.all.open.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_off() {
        assert!(BusyPoll::new(Duration::ZERO, &Connections::new(2)).is_none());
    }

    #[test]
    fn polls_only_within_the_window_and_with_one_connection_per_two_cores() {
        let all = Connections::new(2);
        let p = BusyPoll::new(Duration::from_millis(50), &all).unwrap();
        let other_worker = BusyPoll::new(Duration::from_millis(50), &all).unwrap();
        // `last_answer` 0 is "at start": with no connection it must not poll.
        assert!(!p.polling(), "no connection, no polling");
        let one = p.connection();
        p.answered();
        assert!(p.polling(), "one connection on 2 cores, just answered");
        let two = other_worker.connection();
        assert!(
            !p.polling(),
            "two connections on 2 cores: the callers need the cores"
        );
        drop(two);
        assert!(p.polling());
        std::thread::sleep(Duration::from_millis(60));
        assert!(!p.polling(), "the window has passed");
        drop(one);
        p.answered();
        assert!(!p.polling(), "the connection closed");
    }

    #[test]
    fn more_cores_poll_more_connections_and_one_core_none() {
        let four = Connections::new(4);
        let (a, b) = (
            BusyPoll::new(Duration::from_secs(5), &four).unwrap(),
            BusyPoll::new(Duration::from_secs(5), &four).unwrap(),
        );
        let (_a, _b) = (a.connection(), b.connection());
        a.answered();
        b.answered();
        assert!(a.polling() && b.polling(), "2 connections on 4 cores");
        let _c = a.connection();
        assert!(!a.polling() && !b.polling(), "3 on 4 cores");
        let one = BusyPoll::new(Duration::from_secs(5), &Connections::new(1)).unwrap();
        let _d = one.connection();
        one.answered();
        assert!(!one.polling(), "a single core is the caller's");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_poller_lets_the_worker_run_its_other_tasks_and_then_waits() {
        let p = BusyPoll::new(Duration::from_millis(5), &Connections::new(2)).unwrap();
        let _c = p.connection();
        let idled = Arc::new(AtomicUsize::new(0));
        let counted = idled.clone();
        let poller = tokio::spawn(p.clone().run(move || {
            counted.fetch_add(1, Ordering::Relaxed);
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
