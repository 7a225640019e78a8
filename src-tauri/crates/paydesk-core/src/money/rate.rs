//! Percentages for tax rates and discounts.
//!
//! Kept in millionths (1/10,000 of a percent) rather than basis points: basis points
//! cannot hold real sales-tax rates such as New York City's 8.875% or Quebec's 9.975%.
//! One basis point is 100 millionths.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub const MILLIONTHS_PER_BASIS_POINT: i64 = 100;
const MILLIONTHS_PER_PERCENT: i64 = 10_000;
const FULL: i64 = 1_000_000;
const MAX_DECIMALS: usize = 4;

/// A percentage between 0% and 100% inclusive.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Rate(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseRateError {
    #[error("enter a percentage")]
    Empty,
    #[error("{} is not a percentage: use digits and an optional decimal point, as in 8.875", crate::text::quoted(.0))]
    NotANumber(String),
    #[error("a percentage has at most 4 decimals")]
    TooManyDecimals,
    #[error("a percentage must be between 0 and 100")]
    OutOfRange,
}

impl Rate {
    pub const ZERO: Rate = Rate(0);

    pub fn from_millionths(millionths: i64) -> Result<Rate, ParseRateError> {
        if (0..=FULL).contains(&millionths) {
            Ok(Rate(millionths))
        } else {
            Err(ParseRateError::OutOfRange)
        }
    }

    pub fn from_basis_points(basis_points: i64) -> Result<Rate, ParseRateError> {
        basis_points
            .checked_mul(MILLIONTHS_PER_BASIS_POINT)
            .ok_or(ParseRateError::OutOfRange)
            .and_then(Rate::from_millionths)
    }

    pub const fn millionths(self) -> i64 {
        self.0
    }

    /// The denominator `millionths()` is a fraction of.
    pub const fn one() -> i64 {
        FULL
    }

    /// "8.875%", "20%", "0.5%".
    pub fn percent_string(self) -> String {
        format!("{}%", self.percent_number())
    }

    /// "8.875": the percentage as a cashier types it, without the sign.
    pub fn percent_number(self) -> String {
        let whole = self.0 / MILLIONTHS_PER_PERCENT;
        let fraction = self.0 % MILLIONTHS_PER_PERCENT;
        if fraction == 0 {
            whole.to_string()
        } else {
            let digits = format!("{fraction:04}");
            format!("{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

impl FromStr for Rate {
    type Err = ParseRateError;

    /// Parses a percentage as typed: "8.875", "8.875%", "20".
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let text = input.trim();
        let number = text.strip_suffix('%').unwrap_or(text).trim_end();
        if number.is_empty() {
            return Err(ParseRateError::Empty);
        }
        if number.starts_with('-') {
            return Err(ParseRateError::OutOfRange);
        }
        let not_a_number = || ParseRateError::NotANumber(text.to_owned());
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !digits_only(whole) || !digits_only(fraction) || number.ends_with('.') {
            return Err(not_a_number());
        }
        if fraction.len() > MAX_DECIMALS {
            return Err(ParseRateError::TooManyDecimals);
        }
        // More than three whole digits is over 100% anyway; this also keeps the parse from overflowing.
        let whole = whole.trim_start_matches('0');
        if whole.len() > 3 {
            return Err(ParseRateError::OutOfRange);
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| not_a_number())? };
        let fraction: i64 = format!("{fraction:0<4}").parse().map_err(|_| not_a_number())?;
        Rate::from_millionths(whole * MILLIONTHS_PER_PERCENT + fraction)
    }
}

impl TryFrom<i64> for Rate {
    type Error = ParseRateError;
    fn try_from(millionths: i64) -> Result<Self, Self::Error> {
        Rate::from_millionths(millionths)
    }
}

impl From<Rate> for i64 {
    fn from(rate: Rate) -> i64 {
        rate.0
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.percent_string())
    }
}

impl fmt::Debug for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.percent_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_percentages() {
        assert_eq!("8.875".parse::<Rate>().unwrap().millionths(), 88_750);
        assert_eq!("8.875%".parse::<Rate>().unwrap().millionths(), 88_750);
        assert_eq!(" 20 % ".parse::<Rate>().unwrap().millionths(), 200_000);
        assert_eq!("100".parse::<Rate>().unwrap().millionths(), 1_000_000);
        assert_eq!("0".parse::<Rate>().unwrap(), Rate::ZERO);
        assert_eq!(".5".parse::<Rate>().unwrap().millionths(), 5_000);
        assert_eq!("9.9751".parse::<Rate>().unwrap().millionths(), 99_751);
        assert_eq!(Rate::from_basis_points(1_000).unwrap().millionths(), 100_000);
    }

    #[test]
    fn refuses_bad_percentages() {
        assert_eq!("".parse::<Rate>(), Err(ParseRateError::Empty));
        assert_eq!("%".parse::<Rate>(), Err(ParseRateError::Empty));
        assert_eq!("ten".parse::<Rate>(), Err(ParseRateError::NotANumber("ten".into())));
        assert_eq!("8.".parse::<Rate>(), Err(ParseRateError::NotANumber("8.".into())));
        assert_eq!("1.2.3".parse::<Rate>(), Err(ParseRateError::NotANumber("1.2.3".into())));
        assert_eq!("8.87501".parse::<Rate>(), Err(ParseRateError::TooManyDecimals));
        assert_eq!("100.01".parse::<Rate>(), Err(ParseRateError::OutOfRange));
        assert_eq!("-5".parse::<Rate>(), Err(ParseRateError::OutOfRange));
        assert_eq!("99999999999999999999".parse::<Rate>(), Err(ParseRateError::OutOfRange));
        assert_eq!(Rate::from_basis_points(10_001), Err(ParseRateError::OutOfRange));
        assert_eq!(Rate::from_basis_points(i64::MAX), Err(ParseRateError::OutOfRange));
    }

    #[test]
    fn displays_as_typed() {
        for text in ["8.875%", "20%", "0.5%", "100%", "0%", "9.9751%"] {
            assert_eq!(text.parse::<Rate>().unwrap().to_string(), text);
        }
    }
}
