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
