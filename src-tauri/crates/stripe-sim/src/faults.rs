//! Fault injection for tests, reachable through [`crate::Simulator::faults`] (and over
//! HTTP only when [`crate::SimConfig::test_control`] is set).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::oneshot;

use crate::errors::ApiError;

/// How an injected failure answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 500 `api_error`.
    ServerError,
    /// 429 `rate_limit`, as Stripe's rate limiter answers.
    RateLimited,
    /// The request takes effect, then its connection closes unanswered: queued with the
    /// others, so "lost, then two 429s" is one sequence.
    LostAnswer,
    /// Answered normally: aims the failures queued after it at later requests.
    Pass,
}

#[derive(Debug, Clone, Copy)]
struct Injected {
    failure: Failure,
    should_retry: Option<bool>,
}

struct Bucket {
    per_second: u32,
    tokens: f64,
    at: Instant,
}

/// Random faults on every `/v1` request, drawn from a seeded generator: for soak tests
/// that must meet fault sequences nobody wrote down. Each probability is per request.
#[derive(Debug, Clone, Copy)]
pub struct Chaos {
    pub seed: u64,
    /// The request takes effect, then its connection closes unanswered.
    pub lost: f64,
    /// 429 before the request is looked at (`Stripe-Should-Retry` random: absent, true, false).
    pub rate_limited: f64,
    /// 500 before the request is looked at (`Stripe-Should-Retry` random, as above).
    pub server_error: f64,
    /// The request waits `slow_by` before it is handled (longer than a client's timeout).
    pub slow: f64,
    pub slow_by: Duration,
}

struct ChaosState {
    chaos: Chaos,
    rng: StdRng,
}

impl ChaosState {
    fn roll(&mut self, p: f64) -> bool {
        p > 0.0 && self.rng.random_bool(p.min(1.0))
    }

    fn advice(&mut self) -> Option<bool> {
        match self.rng.random_range(0..3) {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        }
    }
}

#[derive(Default)]
struct Inner {
    chaos: Option<ChaosState>,
    failures: VecDeque<Injected>,
    lost: u32,
    delay: Option<Duration>,
    bucket: Option<Bucket>,
    pauses: VecDeque<Pause>,
}

/// Where a held request waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Still on its way: before the rate limiter and the idempotency layer see it.
    Arrival,
    /// Registered as running under its idempotency key, before it is carried out.
    Running,
}

/// A request to hold: the next one, or the `skip`+1-th to one method and path.
struct Pause {
    stage: Stage,
    only: Option<(String, String)>,
    skip: usize,
    arrived: oneshot::Sender<()>,
    release: oneshot::Receiver<()>,
}

/// Faults applied to `/v1` requests, in arrival order.
#[derive(Default)]
pub struct Faults {
    inner: Mutex<Inner>,
    /// False while nothing has been set since the start or the last `clear`: requests
    /// then skip the lock (four times per request otherwise). Written under the lock.
    armed: AtomicBool,
}

/// A request held by [`Faults::pause_next_request`] after it was registered as running.
pub struct PausedRequest {
    arrived: oneshot::Receiver<()>,
    release: oneshot::Sender<()>,
}

impl PausedRequest {
    /// Resolves once the paused request has reached the simulator.
    pub async fn arrived(&mut self) {
        let _ = (&mut self.arrived).await;
    }

    /// Lets the paused request carry on.
    pub fn release(self) {
        let _ = self.release.send(());
    }
}

pub(crate) struct Hold {
    arrived: oneshot::Sender<()>,
    release: oneshot::Receiver<()>,
}

impl Hold {
    pub(crate) async fn wait(self) {
        let _ = self.arrived.send(());
        let _ = self.release.await;
    }
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("faults lock")
    }

    /// The lock, for a change that may arm a fault.
    fn arm(&self) -> std::sync::MutexGuard<'_, Inner> {
        let inner = self.lock();
        self.armed.store(true, Ordering::SeqCst);
        inner
    }

    /// The lock, for a request; `None` when no fault is set (nothing to look at).
    fn lock_if_armed(&self) -> Option<std::sync::MutexGuard<'_, Inner>> {
        self.armed.load(Ordering::SeqCst).then(|| self.lock())
    }

    /// The next `n` requests fail with `failure`; `should_retry` sets `Stripe-Should-Retry`
    /// (`None` leaves the header out, as Stripe does when it has no advice).
    pub fn fail_next(&self, n: u32, failure: Failure, should_retry: Option<bool>) {
        let mut inner = self.arm();
        for _ in 0..n {
            inner.failures.push_back(Injected { failure, should_retry });
        }
    }

    /// The next `n` requests take effect, then their connection is closed unanswered.
    pub fn lose_next_responses(&self, n: u32) {
        self.arm().lost += n;
    }

    /// Every request waits `delay` before it is handled (`None` removes the delay).
    pub fn set_delay(&self, delay: Option<Duration>) {
        self.arm().delay = delay;
    }

    /// At most `per_second` requests a second (a token bucket of that size); others get 429.
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.arm().bucket = per_second.map(|n| Bucket { per_second: n, tokens: f64::from(n), at: Instant::now() });
    }

    /// Random faults from now on (`None` stops them); reproducible for a given seed and
    /// request order.
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        self.arm().chaos = chaos.map(|chaos| ChaosState { chaos, rng: StdRng::seed_from_u64(chaos.seed) });
    }

    /// Holds the next request once it counts as in flight, until the handle is released.
    pub fn pause_next_request(&self) -> PausedRequest {
        self.pause(Stage::Running, None, 0)
    }

    /// Holds a request to `method` `path` (after letting `skip` of them through), until the
    /// handle is released; other requests pass meanwhile. For races between two processes:
    /// one read held while the other acts.
    pub fn pause_request_to(&self, method: &str, path: &str, skip: usize) -> PausedRequest {
        self.pause(Stage::Running, Some((method.to_owned(), path.to_owned())), skip)
    }

    /// Holds the next request to `method` `path` as it arrives, before Stripe's rate limiter
    /// or idempotency layer has seen it: a request still on its way, for races where another
    /// process sends the same key first.
    pub fn pause_arrival_to(&self, method: &str, path: &str) -> PausedRequest {
        self.pause(Stage::Arrival, Some((method.to_owned(), path.to_owned())), 0)
    }

    fn pause(&self, stage: Stage, only: Option<(String, String)>, skip: usize) -> PausedRequest {
        let (arrived_tx, arrived_rx) = oneshot::channel();
        let (release_tx, release_rx) = oneshot::channel();
        self.arm().pauses.push_back(Pause { stage, only, skip, arrived: arrived_tx, release: release_rx });
        PausedRequest { arrived: arrived_rx, release: release_tx }
    }

    /// Removes every pending fault, delay and limit.
    pub fn clear(&self) {
        let mut inner = self.lock();
        *inner = Inner::default();
        self.armed.store(false, Ordering::SeqCst);
    }

    /// Failures that answer before the request is looked at.
    pub(crate) fn admit(&self) -> Result<(), ApiError> {
        let Some(mut inner) = self.lock_if_armed() else { return Ok(()) };
        if let Some(b) = inner.bucket.as_mut() {
            let now = Instant::now();
            let refill = now.duration_since(b.at).as_secs_f64() * f64::from(b.per_second);
            b.tokens = (b.tokens + refill).min(f64::from(b.per_second));
            b.at = now;
            if b.tokens < 1.0 {
                return Err(rate_limited(None));
            }
            b.tokens -= 1.0;
        }
        let mut injected = inner.failures.pop_front();
        if injected.is_none() {
            if let Some(chaos) = inner.chaos.as_mut() {
                let (p429, p500) = (chaos.chaos.rate_limited, chaos.chaos.server_error);
                if chaos.roll(p429) {
                    injected = Some(Injected { failure: Failure::RateLimited, should_retry: chaos.advice() });
                } else if chaos.roll(p500) {
                    injected = Some(Injected { failure: Failure::ServerError, should_retry: chaos.advice() });
                }
            }
        }
        match injected {
            Some(Injected { failure: Failure::Pass, .. }) => Ok(()),
            Some(Injected { failure: Failure::LostAnswer, .. }) => {
                inner.lost += 1;
                Ok(())
            }
            Some(Injected { failure: Failure::RateLimited, should_retry }) => Err(rate_limited(should_retry)),
            Some(Injected { failure: Failure::ServerError, should_retry }) => {
                let mut e = ApiError::new(500, "api_error", "An unknown error occurred");
                e.should_retry = should_retry;
                Err(e)
            }
            None => Ok(()),
        }
    }

    pub(crate) fn hold(&self, stage: Stage, method: &str, path: &str) -> Option<Hold> {
        let mut inner = self.lock_if_armed()?;
        let index = inner.pauses.iter_mut().position(|pause| match &pause.only {
            _ if pause.stage != stage => false,
            None => true,
            Some((m, p)) if m == method && p == path => {
                let due = pause.skip == 0;
                pause.skip = pause.skip.saturating_sub(1);
                due
            }
            Some(_) => false,
        })?;
        let pause = inner.pauses.remove(index)?;
        Some(Hold { arrived: pause.arrived, release: pause.release })
    }

    pub(crate) fn delay(&self) -> Option<Duration> {
        let mut inner = self.lock_if_armed()?;
        if let Some(chaos) = inner.chaos.as_mut() {
            let (p, by) = (chaos.chaos.slow, chaos.chaos.slow_by);
            if chaos.roll(p) {
                return Some(by);
            }
        }
        inner.delay
    }

    pub(crate) fn take_lost(&self) -> bool {
        let Some(mut inner) = self.lock_if_armed() else { return false };
        if inner.lost > 0 {
            inner.lost -= 1;
            return true;
        }
        match inner.chaos.as_mut() {
            Some(chaos) => {
                let p = chaos.chaos.lost;
                chaos.roll(p)
            }
            None => false,
        }
    }
}

fn rate_limited(should_retry: Option<bool>) -> ApiError {
    let mut e = ApiError::new(
        429,
        "invalid_request_error",
        "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
    )
    .with_code("rate_limit");
    e.should_retry = should_retry;
    e
}
