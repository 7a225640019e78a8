//! Exact parsing of typed amounts into minor units.

use super::Currency;

/// Whether a typed amount may carry a minus sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    NonNegative,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseMoneyError {
    #[error("enter an amount")]
    Empty,
    #[error("{} is not an amount: use digits, an optional decimal point and commas between thousands", crate::text::quoted(.0))]
    NotANumber(String),
    #[error("{}: commas must separate groups of three digits, as in 1,234.50", crate::text::quoted(.0))]
    BadGrouping(String),
    #[error("a negative amount is not allowed here")]
    NegativeNotAllowed,
    #[error("{currency} amounts have no decimals")]
    NoDecimalsAllowed { currency: Currency },
    #[error("{currency} amounts have at most {max} decimals")]
    TooManyDecimals { currency: Currency, max: u32 },
    #[error("the amount is too large")]
    Overflow,
}

pub(super) fn parse_minor(input: &str, currency: Currency, sign: Sign) -> Result<i64, ParseMoneyError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(ParseMoneyError::Empty);
    }
    let (negative, unsigned) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if negative && sign == Sign::NonNegative {
        return Err(ParseMoneyError::NegativeNotAllowed);
    }
    let not_a_number = || ParseMoneyError::NotANumber(text.to_owned());

    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let whole_digits = whole_digits(whole, text)?;
    if whole_digits.is_empty() && fraction.is_none_or(str::is_empty) {
        return Err(not_a_number());
    }
    let fraction = fraction.unwrap_or("");
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || (fraction.is_empty() && unsigned.ends_with('.')) {
        return Err(not_a_number());
    }

    let exponent = currency.exponent();
    if fraction.len() > exponent as usize {
        return Err(if exponent == 0 {
            ParseMoneyError::NoDecimalsAllowed { currency }
        } else {
            ParseMoneyError::TooManyDecimals { currency, max: exponent }
        });
    }

    let fraction_padded = format!("{fraction:0<width$}", width = exponent as usize);
    let mut minor: i64 = 0;
    for digit in whole_digits.bytes().chain(fraction_padded.bytes()) {
        minor = minor
            .checked_mul(10)
            .and_then(|value| value.checked_add(i64::from(digit - b'0')))
            .ok_or(ParseMoneyError::Overflow)?;
    }
    Ok(if negative { -minor } else { minor })
}

/// The digits of the whole part, with thousands separators checked and removed.
fn whole_digits(whole: &str, original: &str) -> Result<String, ParseMoneyError> {
    if !whole.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(ParseMoneyError::NotANumber(original.to_owned()));
    }
    if !whole.contains(',') {
        return Ok(whole.to_owned());
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    let well_grouped = (1..=3).contains(&first.len()) && groups.all(|group| group.len() == 3);
    if !well_grouped {
        return Err(ParseMoneyError::BadGrouping(original.to_owned()));
    }
    Ok(whole.replace(',', ""))
}

#[cfg(test)]
mod tests {
    use super::super::Money;
    use super::*;

    fn cur(code: &str) -> Currency {
        code.parse().unwrap()
    }

    fn usd(input: &str) -> Result<i64, ParseMoneyError> {
        parse_minor(input, cur("USD"), Sign::NonNegative)
    }

    #[test]
    fn what_cashiers_type_parses_exactly() {
        assert_eq!(usd("12"), Ok(1200));
        assert_eq!(usd("12.5"), Ok(1250));
        assert_eq!(usd("12.50"), Ok(1250));
        assert_eq!(usd("1,234.50"), Ok(123_450));
        assert_eq!(usd("1,234,567.89"), Ok(123_456_789));
        assert_eq!(usd(" 0.07 "), Ok(7));
        assert_eq!(usd(".5"), Ok(50));
        assert_eq!(usd("+3"), Ok(300));
        assert_eq!(usd("0"), Ok(0));
        assert_eq!(usd("007.10"), Ok(710));
    }

    #[test]
    fn every_exponent_class() {
        assert_eq!(parse_minor("1,235", cur("JPY"), Sign::NonNegative), Ok(1235));
        assert_eq!(parse_minor("1.235", cur("KWD"), Sign::NonNegative), Ok(1235));
        assert_eq!(parse_minor("1.2", cur("KWD"), Sign::NonNegative), Ok(1200));
        assert_eq!(parse_minor("1", cur("BHD"), Sign::NonNegative), Ok(1000));
        assert_eq!(parse_minor("10000", cur("KRW"), Sign::NonNegative), Ok(10000));
    }

    #[test]
    fn rejections_are_specific() {
        assert_eq!(usd(""), Err(ParseMoneyError::Empty));
        assert_eq!(usd("   "), Err(ParseMoneyError::Empty));
        assert_eq!(usd("abc"), Err(ParseMoneyError::NotANumber("abc".into())));
        assert_eq!(usd("12.3.4"), Err(ParseMoneyError::NotANumber("12.3.4".into())));
        assert_eq!(usd("$12"), Err(ParseMoneyError::NotANumber("$12".into())));
        assert_eq!(usd("12."), Err(ParseMoneyError::NotANumber("12.".into())));
        assert_eq!(usd("."), Err(ParseMoneyError::NotANumber(".".into())));
        assert_eq!(usd("-"), Err(ParseMoneyError::NegativeNotAllowed));
        assert_eq!(usd("1e3"), Err(ParseMoneyError::NotANumber("1e3".into())));
        assert_eq!(usd("12 50"), Err(ParseMoneyError::NotANumber("12 50".into())));
        assert_eq!(usd("1,23.50"), Err(ParseMoneyError::BadGrouping("1,23.50".into())));
        assert_eq!(usd("1234,567"), Err(ParseMoneyError::BadGrouping("1234,567".into())));
        assert_eq!(usd(",123"), Err(ParseMoneyError::BadGrouping(",123".into())));
        assert_eq!(usd("-5"), Err(ParseMoneyError::NegativeNotAllowed));
        assert_eq!(usd("12.345"), Err(ParseMoneyError::TooManyDecimals { currency: cur("USD"), max: 2 }));
        assert_eq!(
            parse_minor("100.5", cur("JPY"), Sign::NonNegative),
            Err(ParseMoneyError::NoDecimalsAllowed { currency: cur("JPY") })
        );
        assert_eq!(
            parse_minor("1.2345", cur("KWD"), Sign::NonNegative),
            Err(ParseMoneyError::TooManyDecimals { currency: cur("KWD"), max: 3 })
        );
        assert_eq!(usd("92233720368547758.08"), Err(ParseMoneyError::Overflow));
        assert_eq!(usd("99999999999999999999999"), Err(ParseMoneyError::Overflow));
    }

    #[test]
    fn signs_where_allowed() {
        assert_eq!(parse_minor("-5", cur("USD"), Sign::Any), Ok(-500));
        assert_eq!(parse_minor("-0.01", cur("USD"), Sign::Any), Ok(-1));
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            usd("12.345").unwrap_err().to_string(),
            "USD amounts have at most 2 decimals"
        );
        assert_eq!(
            parse_minor("1.5", cur("JPY"), Sign::NonNegative).unwrap_err().to_string(),
            "JPY amounts have no decimals"
        );
    }

    #[test]
    fn parse_and_format_round_trip() {
        for code in ["USD", "JPY", "KWD", "EUR", "KRW", "BHD"] {
            let currency = cur(code);
            for minor in [0, 1, 9, 10, 99, 100, 101, 999, 1000, 1001, 123_456, 99_999_999, i64::MAX] {
                let money = Money::new(minor, currency);
                let plain = money.to_decimal_string();
                assert_eq!(Money::parse(&plain, currency, Sign::NonNegative), Ok(money), "{plain}");
                let grouped = money.display().trim_start_matches(&*currency.display_prefix()).to_owned();
                assert_eq!(Money::parse(&grouped, currency, Sign::NonNegative), Ok(money), "{grouped}");
                let negative = Money::new(-minor, currency);
                assert_eq!(Money::parse(&negative.to_decimal_string(), currency, Sign::Any), Ok(negative));
            }
        }
    }
}
