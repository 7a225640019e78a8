//! Demo, test and live are kept apart: each order records the mode it was taken in, and
//! history, reports, exports and reconciliation only ever look at one mode. A training sale
//! must never show in a live report, and a demo PaymentIntent must never be looked up at
//! the real Stripe.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppMode {
    /// No keys: the in-app simulator; no real money moves.
    Demo,
    Test,
    Live,
}

impl AppMode {
    pub const ALL: [AppMode; 3] = [AppMode::Demo, AppMode::Test, AppMode::Live];

    /// As stored in `orders.mode` and in per-mode setting keys.
    pub fn as_str(self) -> &'static str {
        match self {
            AppMode::Demo => "demo",
            AppMode::Test => "test",
            AppMode::Live => "live",
        }
    }
}

impl From<paydesk_stripe::Mode> for AppMode {
    fn from(mode: paydesk_stripe::Mode) -> Self {
        match mode {
            paydesk_stripe::Mode::Test => AppMode::Test,
            paydesk_stripe::Mode::Live => AppMode::Live,
        }
    }
}

impl fmt::Display for AppMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not a mode (demo, test or live)", crate::text::quoted(.0))]
pub struct UnknownMode(String);

impl FromStr for AppMode {
    type Err = UnknownMode;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        AppMode::ALL.into_iter().find(|mode| mode.as_str() == text).ok_or_else(|| UnknownMode(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_read_back_what_they_write() {
        for mode in AppMode::ALL {
            assert_eq!(mode.as_str().parse::<AppMode>(), Ok(mode));
            assert_eq!(serde_json::to_value(mode).unwrap(), mode.as_str());
        }
        assert!("Live".parse::<AppMode>().is_err());
        assert_eq!(AppMode::from(paydesk_stripe::Mode::Live), AppMode::Live);
    }
}
