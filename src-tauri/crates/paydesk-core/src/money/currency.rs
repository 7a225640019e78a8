//! Currencies as Stripe charges them.
//!
//! The ISO 4217 list (codes, names, exponents) comes from the `iso_currency` crate. Stripe
//! departs from ISO for a few currencies, and those departures are Paydesk's to keep:
//! Stripe's zero-decimal and three-decimal lists, its minimum charge amounts, and its
//! 99,999,999 maximum.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Stripe's zero-decimal currencies: the amount is in whole units (ISO gives some of these,
/// such as MGA, two decimals).
const STRIPE_ZERO_DECIMAL: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
];

/// Stripe's three-decimal currencies. Stripe requires their charged amounts to be a
/// multiple of 10 minor units, which [`Currency::charge_step`] reports.
const STRIPE_THREE_DECIMAL: &[&str] = &["BHD", "JOD", "KWD", "OMR", "TND"];

/// Currencies whose Stripe encoding differs from both their ISO exponent and the lists
/// above (ISK is zero-decimal but Stripe wants it sent as if it had two decimals). Paydesk
/// refuses them rather than charge a hundred times too much or too little.
const STRIPE_SPECIAL_ENCODING: &[&str] = &["ISK"];

/// Stripe's published minimum charge amounts, in minor units. Stripe sets the minimum of
/// other currencies at the equivalent of USD 0.50 at the day's rate, which cannot be known
/// offline; for those Stripe's own `amount_too_small` error is the check.
const STRIPE_MINIMUMS: &[(&str, i64)] = &[
    ("USD", 50),
    ("AED", 200),
    ("AUD", 50),
    ("BGN", 100),
    ("BRL", 50),
    ("CAD", 50),
    ("CHF", 50),
    ("CZK", 1500),
    ("DKK", 250),
    ("EUR", 50),
    ("GBP", 30),
    ("HKD", 400),
    ("HUF", 17500),
    ("INR", 50),
    ("JPY", 50),
    ("MXN", 1000),
    ("MYR", 200),
    ("NOK", 300),
    ("NZD", 50),
    ("PLN", 200),
    ("RON", 200),
    ("SEK", 300),
    ("SGD", 50),
    ("THB", 1000),
];

/// Stripe's maximum charge: eight digits of minor units.
pub const STRIPE_MAX_AMOUNT: i64 = 99_999_999;

/// An ISO 4217 currency that Paydesk can charge through Stripe.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    #[error("enter a currency code, such as USD")]
    Empty,
    #[error("{} is not an ISO 4217 currency code", crate::text::quoted(.0))]
    Unknown(String),
    #[error("{0} cannot be charged by card (it is a fund, metal or testing code)")]
    NotChargeable(String),
    #[error("{0} is not supported: Stripe uses a special amount encoding for it")]
    SpecialEncoding(String),
}

impl Currency {
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits after the decimal point, as Stripe counts them.
    pub fn exponent(self) -> u32 {
        let code = self.code();
        if STRIPE_ZERO_DECIMAL.contains(&code) {
            0
        } else if STRIPE_THREE_DECIMAL.contains(&code) {
            3
        } else {
            // Checked in `from_code`: every accepted currency has an ISO exponent of 0, 2 or 3.
            u32::from(self.0.exponent().unwrap_or(2))
        }
    }

    /// How many minor units make one major unit (100 for USD, 1 for JPY, 1000 for KWD).
    pub fn minor_per_major(self) -> i64 {
        10_i64.pow(self.exponent())
    }

    /// Stripe's minimum charge, when Stripe publishes one for this currency.
    pub fn stripe_minimum(self) -> Option<i64> {
        STRIPE_MINIMUMS
            .iter()
            .find(|(code, _)| *code == self.code())
            .map(|(_, minimum)| *minimum)
    }

    pub fn stripe_maximum(self) -> i64 {
        STRIPE_MAX_AMOUNT
    }

    /// Charged amounts must be a multiple of this (10 for Stripe's three-decimal currencies).
    pub fn charge_step(self) -> i64 {
        if STRIPE_THREE_DECIMAL.contains(&self.code()) {
            10
        } else {
            1
        }
    }

    /// The lowercase code Stripe's API uses.
    pub fn stripe_code(self) -> String {
        self.code().to_ascii_lowercase()
    }

    /// The symbol written before amounts in English-language receipts. Only unambiguous
    /// symbols are used; every other currency is written with its code ("CHF 12.50").
    pub fn display_prefix(self) -> String {
        let symbol = match self.code() {
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "JPY" => "¥",
            "INR" => "₹",
            "KRW" => "₩",
            "ILS" => "₪",
            "VND" => "₫",
            "NGN" => "₦",
            "PHP" => "₱",
            "CAD" => "CA$",
            "AUD" => "A$",
            "NZD" => "NZ$",
            "HKD" => "HK$",
            "MXN" => "MX$",
            "CNY" => "CN¥",
            "BRL" => "R$",
            code => return format!("{code} "),
        };
        symbol.to_owned()
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(CurrencyError::Empty);
        }
        let iso = iso_currency::Currency::from_code(&code)
            .ok_or_else(|| CurrencyError::Unknown(input.trim().to_owned()))?;
        if iso.is_fund() || iso.is_special() || !matches!(iso.exponent(), Some(0 | 2 | 3)) {
            return Err(CurrencyError::NotChargeable(code));
        }
        if STRIPE_SPECIAL_ENCODING.contains(&code.as_str()) {
            return Err(CurrencyError::SpecialEncoding(code));
        }
        Ok(Currency(iso))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> Currency {
        code.parse().unwrap()
    }

    #[test]
    fn exponents_follow_stripe_not_only_iso() {
        assert_eq!(c("USD").exponent(), 2);
        assert_eq!(c("EUR").exponent(), 2);
        assert_eq!(c("JPY").exponent(), 0);
        assert_eq!(c("KRW").exponent(), 0);
        // ISO gives MGA two decimals; Stripe charges it in whole units.
        assert_eq!(c("MGA").exponent(), 0);
        assert_eq!(c("KWD").exponent(), 3);
        assert_eq!(c("BHD").exponent(), 3);
        assert_eq!(c("TND").exponent(), 3);
    }

    #[test]
    fn codes_parse_case_insensitively_and_unknown_ones_are_refused() {
        assert_eq!(c("usd"), c("USD"));
        assert_eq!(c(" jpy "), c("JPY"));
        assert_eq!("".parse::<Currency>(), Err(CurrencyError::Empty));
        assert_eq!("XYZ".parse::<Currency>(), Err(CurrencyError::Unknown("XYZ".into())));
        assert_eq!("dollars".parse::<Currency>(), Err(CurrencyError::Unknown("dollars".into())));
        assert_eq!("XAU".parse::<Currency>(), Err(CurrencyError::NotChargeable("XAU".into())));
        assert_eq!("ISK".parse::<Currency>(), Err(CurrencyError::SpecialEncoding("ISK".into())));
    }

    #[test]
    fn stripe_limits() {
        assert_eq!(c("USD").stripe_minimum(), Some(50));
        assert_eq!(c("GBP").stripe_minimum(), Some(30));
        assert_eq!(c("JPY").stripe_minimum(), Some(50));
        assert_eq!(c("HKD").stripe_minimum(), Some(400));
        assert_eq!(c("KWD").stripe_minimum(), None);
        assert_eq!(c("USD").stripe_maximum(), 99_999_999);
        assert_eq!(c("KWD").charge_step(), 10);
        assert_eq!(c("USD").charge_step(), 1);
        assert_eq!(c("EUR").stripe_code(), "eur");
    }

    #[test]
    fn serde_round_trip_uses_the_code() {
        let json = serde_json::to_string(&c("KWD")).unwrap();
        assert_eq!(json, "\"KWD\"");
        assert_eq!(serde_json::from_str::<Currency>(&json).unwrap(), c("KWD"));
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    }
}
