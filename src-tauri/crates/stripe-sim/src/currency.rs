//! Currencies the simulator accepts, with exponent and minimum charge amount.
//!
//! Minimums come from Stripe's fixed table where it has one. For the zero- and
//! three-decimal currencies Stripe has no fixed figure (the minimum is the equivalent
//! of USD 0.50 at the day's rate), so a rounded approximation of that is used.

use crate::errors::ApiError;

pub const MAX_AMOUNT: i64 = 99_999_999;

pub struct Currency {
    pub code: &'static str,
    pub exponent: u32,
    pub minimum: i64,
}

const fn c(code: &'static str, exponent: u32, minimum: i64) -> Currency {
    Currency { code, exponent, minimum }
}

static CURRENCIES: &[Currency] = &[
    c("usd", 2, 50), c("aed", 2, 200), c("aud", 2, 50), c("bgn", 2, 100), c("brl", 2, 50),
    c("cad", 2, 50), c("chf", 2, 50), c("czk", 2, 1500), c("dkk", 2, 250), c("eur", 2, 50),
    c("gbp", 2, 30), c("hkd", 2, 400), c("huf", 2, 17500), c("inr", 2, 50), c("jpy", 0, 50),
    c("mxn", 2, 1000), c("myr", 2, 200), c("nok", 2, 300), c("nzd", 2, 50), c("pln", 2, 200),
    c("ron", 2, 200), c("sek", 2, 300), c("sgd", 2, 50), c("thb", 2, 1000),
    // Approximations of USD 0.50 (see the module documentation).
    c("bif", 0, 1500), c("clp", 0, 500), c("djf", 0, 90), c("gnf", 0, 4500), c("kmf", 0, 230),
    c("krw", 0, 700), c("mga", 0, 2300), c("pyg", 0, 4000), c("rwf", 0, 700), c("ugx", 0, 2000),
    c("vnd", 0, 13000), c("vuv", 0, 60), c("xaf", 0, 300), c("xof", 0, 300), c("xpf", 0, 60),
    c("bhd", 3, 200), c("jod", 3, 400), c("kwd", 3, 160), c("omr", 3, 200), c("tnd", 3, 1600),
];

pub fn lookup(code: &str) -> Option<&'static Currency> {
    CURRENCIES.iter().find(|c| c.code == code)
}

pub fn parse(raw: &str) -> Result<&'static Currency, ApiError> {
    let lower = raw.to_ascii_lowercase();
    lookup(&lower).ok_or_else(|| {
        ApiError::invalid_request(
            format!("Invalid currency: {raw}. Stripe currently supports these currencies: {}", CURRENCIES.iter().map(|c| c.code).collect::<Vec<_>>().join(", ")),
            Some("currency".into()),
        )
    })
}

fn display(amount: i64, cur: &Currency) -> String {
    if cur.exponent == 0 {
        return format!("{amount} {}", cur.code);
    }
    let div = 10i64.pow(cur.exponent);
    format!("{}.{:0width$} {}", amount / div, amount % div, cur.code, width = cur.exponent as usize)
}

/// Checks `amount` (minor units) against the currency's limits; `param` names the field.
pub fn check_amount(amount: i64, cur: &Currency, param: &str) -> Result<(), ApiError> {
    if amount < cur.minimum {
        return Err(ApiError::invalid_request(format!("Amount must be at least {}", display(cur.minimum, cur)), Some(param.into()))
            .with_code("amount_too_small"));
    }
    if amount > MAX_AMOUNT {
        return Err(ApiError::invalid_request(format!("Amount must be no more than {}", display(MAX_AMOUNT, cur)), Some(param.into()))
            .with_code("amount_too_large"));
    }
    if cur.exponent == 3 && amount % 10 != 0 {
        return Err(ApiError::invalid_request(
            format!("Amounts in {} must be divisible by 10 (the last decimal digit must be 0).", cur.code),
            Some(param.into()),
        )
        .with_code("invalid_charge_amount"));
    }
    Ok(())
}
