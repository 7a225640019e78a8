//! Money: integer minor units of one currency. There is no floating point on any money path;
//! amounts are parsed from the cashier's text straight into integers.

mod currency;
mod parse;
mod rate;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use currency::{Currency, CurrencyError, STRIPE_MAX_AMOUNT};
pub use parse::{ParseMoneyError, Sign};
pub use rate::{ParseRateError, Rate};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {left} and {right} amounts")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("the amount is too large to compute")]
    Overflow,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    pub const fn minor(self) -> i64 {
        self.minor
    }

    pub const fn currency(self) -> Currency {
        self.currency
    }

    pub const fn is_zero(self) -> bool {
        self.minor == 0
    }

    pub const fn is_negative(self) -> bool {
        self.minor < 0
    }

    /// Parses what a cashier typed ("12", "12.5", "1,234.50") in this currency.
    pub fn parse(input: &str, currency: Currency, sign: Sign) -> Result<Money, ParseMoneyError> {
        parse::parse_minor(input, currency, sign).map(|minor| Money::new(minor, currency))
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_sub(other.minor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_mul(self, factor: i64) -> Result<Money, MoneyError> {
        self.minor
            .checked_mul(factor)
            .map(|minor| Money::new(minor, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    /// Sums amounts of one currency; an empty sum is zero.
    pub fn sum<I: IntoIterator<Item = Money>>(currency: Currency, amounts: I) -> Result<Money, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), |total, amount| total.checked_add(amount))
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch { left: self.currency, right: other.currency })
        }
    }

    /// The amount as a plain decimal with the currency's digits: "1234.50", "1235", "1.235".
    /// Machine-readable (CSV, JSON); never grouped, never with a symbol.
    pub fn to_decimal_string(self) -> String {
        self.render(false)
    }

    /// The amount as a cashier reads it: "$1,234.50", "¥1,235", "KWD 1.235", "-$3.00".
    pub fn display(self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        format!("{sign}{}{}", self.currency.display_prefix(), self.abs_render(true))
    }

    fn render(self, grouped: bool) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        format!("{sign}{}", self.abs_render(grouped))
    }

    fn abs_render(self, grouped: bool) -> String {
        let exponent = self.currency.exponent() as usize;
        // unsigned_abs: i64::MIN has no positive i64 counterpart.
        let digits = self.minor.unsigned_abs().to_string();
        let padded = format!("{digits:0>width$}", width = exponent + 1);
        let (major, fraction) = padded.split_at(padded.len() - exponent);
        let major = if grouped { group_thousands(major) } else { major.to_owned() };
        if exponent == 0 {
            major
        } else {
            format!("{major}.{fraction}")
        }
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// `numerator / denominator` rounded half away from zero, in exact integer arithmetic.
/// Paydesk's one rounding rule for money (see the README).
pub fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    assert!(denominator > 0, "rounding divides by a positive denominator");
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        code.parse().unwrap()
    }

    fn m(minor: i64, code: &str) -> Money {
        Money::new(minor, cur(code))
    }

    #[test]
    fn display_per_exponent_class() {
        assert_eq!(m(123_450, "USD").display(), "$1,234.50");
        assert_eq!(m(5, "USD").display(), "$0.05");
        assert_eq!(m(0, "USD").display(), "$0.00");
        assert_eq!(m(-300, "USD").display(), "-$3.00");
        assert_eq!(m(1_235, "JPY").display(), "¥1,235");
        assert_eq!(m(1_234_567, "KWD").display(), "KWD 1,234.567");
        assert_eq!(m(5, "KWD").display(), "KWD 0.005");
        assert_eq!(m(99_999_999, "EUR").display(), "€999,999.99");
        assert_eq!(m(1_050, "CHF").display(), "CHF 10.50");
    }

    #[test]
    fn decimal_strings_are_plain() {
        assert_eq!(m(123_450, "USD").to_decimal_string(), "1234.50");
        assert_eq!(m(1_235, "JPY").to_decimal_string(), "1235");
        assert_eq!(m(1_235, "KWD").to_decimal_string(), "1.235");
        assert_eq!(m(-7, "USD").to_decimal_string(), "-0.07");
        assert_eq!(m(i64::MIN, "JPY").to_decimal_string(), "-9223372036854775808");
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(m(150, "USD").checked_add(m(250, "USD")), Ok(m(400, "USD")));
        assert_eq!(m(150, "USD").checked_sub(m(250, "USD")), Ok(m(-100, "USD")));
        assert_eq!(m(150, "USD").checked_mul(3), Ok(m(450, "USD")));
        assert_eq!(m(i64::MAX, "USD").checked_add(m(1, "USD")), Err(MoneyError::Overflow));
        assert_eq!(m(i64::MIN, "USD").checked_sub(m(1, "USD")), Err(MoneyError::Overflow));
        assert_eq!(m(i64::MAX / 2 + 1, "USD").checked_mul(2), Err(MoneyError::Overflow));
        assert_eq!(
            m(1, "USD").checked_add(m(1, "EUR")),
            Err(MoneyError::CurrencyMismatch { left: cur("USD"), right: cur("EUR") })
        );
        assert_eq!(Money::sum(cur("JPY"), [m(1, "JPY"), m(2, "JPY")]), Ok(m(3, "JPY")));
        assert_eq!(Money::sum(cur("JPY"), []), Ok(m(0, "JPY")));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round_half_away(5, 10), 1);
        assert_eq!(div_round_half_away(4, 10), 0);
        assert_eq!(div_round_half_away(15, 10), 2);
        assert_eq!(div_round_half_away(25, 10), 3);
        assert_eq!(div_round_half_away(-5, 10), -1);
        assert_eq!(div_round_half_away(-4, 10), 0);
        assert_eq!(div_round_half_away(-25, 10), -3);
        assert_eq!(div_round_half_away(0, 7), 0);
        assert_eq!(div_round_half_away(2, 3), 1);
        assert_eq!(div_round_half_away(1, 3), 0);
    }
}
