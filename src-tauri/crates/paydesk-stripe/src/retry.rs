//! Idempotency keys and the retry schedule.

use std::fmt;
use std::time::Duration;

/// The `Idempotency-Key` of one logical POST, reused on every retry of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh random key (UUID v4).
    // No Default: a "default" key that is random each time would read as a constant.
    #[allow(clippy::new_without_default)]
    pub fn new() -> IdempotencyKey {
        IdempotencyKey(uuid::Uuid::new_v4().to_string())
    }

    /// A key saved before the request was first sent, to retry it after a restart.
    pub fn from_persisted(key: String) -> IdempotencyKey {
        IdempotencyKey(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How long a call may keep trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryPolicy {
    /// A cashier is waiting: few, short retries.
    Interactive,
    /// Reconciliation and other work nobody watches: more patience.
    Background,
}

impl RetryPolicy {
    pub(crate) fn max_retries(self) -> u32 {
        match self {
            RetryPolicy::Interactive => 2,
            RetryPolicy::Background => 5,
        }
    }

    pub(crate) fn base(self) -> Duration {
        match self {
            RetryPolicy::Interactive => Duration::from_millis(300),
            RetryPolicy::Background => Duration::from_secs(1),
        }
    }

    pub(crate) fn cap(self) -> Duration {
        match self {
            RetryPolicy::Interactive => Duration::from_secs(2),
            RetryPolicy::Background => Duration::from_secs(30),
        }
    }

    pub(crate) fn attempt_timeout(self) -> Duration {
        match self {
            RetryPolicy::Interactive => Duration::from_secs(20),
            RetryPolicy::Background => Duration::from_secs(60),
        }
    }
}

/// What one try of a request came back with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryOutcome {
    /// Stripe answered with this (unsuccessful) HTTP status and `Stripe-Should-Retry` header.
    Answered { status: u16, should_retry: Option<bool> },
    /// The connection failed before the request left (refused, unreachable): it never ran.
    NotSent,
    /// No answer after the request may have left (a timeout, a reset, a lost answer).
    Unanswered,
}

/// What to do after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Retry,
    /// Stop. `outcome_unknown`: the request may have taken effect at Stripe, so it must be
    /// looked up (or re-sent under the same key) before anything is tried under a new key.
    GiveUp { outcome_unknown: bool },
}

impl TryOutcome {
    /// Whether Stripe's advice (or, without it, the status) says another try may succeed.
    fn retryable(self) -> bool {
        match self {
            TryOutcome::Answered { should_retry: Some(advice), .. } => advice,
            TryOutcome::Answered { status, .. } => status == 409 || status == 429 || status >= 500,
            TryOutcome::NotSent | TryOutcome::Unanswered => true,
        }
    }

    /// Whether this try itself may have been carried out. A 5xx may have run part-way; a
    /// 409 means another request with this key is running; the rate limiter (429) and
    /// validation (other 4xx) answer before anything runs.
    pub fn may_have_applied(self) -> bool {
        match self {
            TryOutcome::Answered { status, .. } => status == 409 || status >= 500,
            TryOutcome::NotSent => false,
            TryOutcome::Unanswered => true,
        }
    }

    /// Whether this answer also tells what became of earlier tries under the same key. Had
    /// an earlier try run, Stripe would have replayed its saved result; so an answer that
    /// passed the idempotency layer (400, 402, 404) means none did. A 429, a 401/403 (both
    /// checked before idempotency), a refused connection, or no answer tell nothing.
    fn settles_earlier_tries(self) -> bool {
        matches!(self, TryOutcome::Answered { status: 400 | 402 | 404, .. })
    }
}

/// The retry decision for try number `attempt` (from 1) of at most `max_attempts`.
/// `applied_before`: an earlier try of the same request may have taken effect. The outcome
/// stays unknown once any try may have been applied, until an answer settles it: the last
/// try alone cannot say, or a lost answer followed by 429s would read as "never happened".
pub fn decide(outcome: TryOutcome, attempt: u32, max_attempts: u32, applied_before: bool) -> Verdict {
    if outcome.retryable() && attempt < max_attempts {
        return Verdict::Retry;
    }
    let unknown = outcome.may_have_applied() || applied_before && !outcome.settles_earlier_tries();
    Verdict::GiveUp { outcome_unknown: unknown }
}

#[cfg(test)]
mod tests {
    use super::TryOutcome::{Answered, NotSent, Unanswered};
    use super::Verdict::{GiveUp, Retry};
    use super::*;

    fn answered(status: u16, should_retry: Option<bool>) -> TryOutcome {
        Answered { status, should_retry }
    }

    #[test]
    fn retries_what_is_safe_to_retry_while_tries_are_left() {
        let table: &[(TryOutcome, Verdict)] = &[
            (answered(500, None), Retry),
            (answered(502, None), Retry),
            (answered(503, Some(true)), Retry),
            (answered(500, Some(false)), GiveUp { outcome_unknown: true }),
            (answered(429, None), Retry),
            (answered(429, Some(false)), GiveUp { outcome_unknown: false }),
            (answered(409, None), Retry),
            (answered(400, None), GiveUp { outcome_unknown: false }),
            (answered(400, Some(true)), Retry),
            (answered(402, None), GiveUp { outcome_unknown: false }),
            (answered(401, None), GiveUp { outcome_unknown: false }),
            (answered(403, None), GiveUp { outcome_unknown: false }),
            (answered(404, None), GiveUp { outcome_unknown: false }),
            (NotSent, Retry),
            (Unanswered, Retry),
        ];
        for (outcome, verdict) in table {
            assert_eq!(decide(*outcome, 1, 3, false), *verdict, "{outcome:?}");
        }
    }

    #[test]
    fn the_last_try_gives_up_and_says_whether_it_may_have_run() {
        let table: &[(TryOutcome, bool)] = &[
            (answered(500, None), true),
            (answered(409, None), true),
            (answered(429, None), false),
            (NotSent, false),
            (Unanswered, true),
        ];
        for (outcome, unknown) in table {
            assert_eq!(decide(*outcome, 3, 3, false), GiveUp { outcome_unknown: *unknown }, "{outcome:?}");
        }
    }

    #[test]
    fn an_earlier_lost_answer_is_not_forgotten_by_later_tries() {
        // The first try timed out or lost its answer; what the retries met decides nothing
        // unless Stripe's answer passed its idempotency layer.
        let table: &[(TryOutcome, bool)] = &[
            (answered(429, None), true),
            (answered(429, Some(false)), true),
            (NotSent, true),
            (answered(401, None), true),
            (answered(403, None), true),
            (answered(500, Some(false)), true),
            (answered(400, None), false),
            (answered(402, None), false),
            (answered(404, None), false),
        ];
        for (outcome, unknown) in table {
            assert_eq!(decide(*outcome, 3, 3, true), GiveUp { outcome_unknown: *unknown }, "{outcome:?}");
        }
    }

    #[test]
    fn what_each_try_may_have_done() {
        assert!(Unanswered.may_have_applied());
        assert!(answered(503, None).may_have_applied());
        assert!(answered(409, Some(true)).may_have_applied());
        assert!(!answered(429, None).may_have_applied());
        assert!(!NotSent.may_have_applied());
        assert!(!answered(400, None).may_have_applied());
    }
}
