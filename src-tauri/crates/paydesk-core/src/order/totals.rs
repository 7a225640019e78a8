//! Pricing an order. Every amount is integer minor units; the rule is written in the README
//! ("How totals are computed") and its worked examples are the tests below.
//!
//! 1. Each line: quantity × unit price.
//! 2. Subtotal: the sum of the lines.
//! 3. Order discount: a percentage of the subtotal rounded half away from zero, or a fixed
//!    amount no larger than the subtotal. It is spread over the lines in proportion to their
//!    amounts (largest remainder, earlier lines first on ties) so that tax is computed on
//!    what the customer actually pays for each line.
//! 4. Tax, per line and per rate, rounded half away from zero: exclusive rates take
//!    `net × rate`; inclusive rates take the tax out of the price, `net × rate / (1 + Σ rates)`.
//! 5. Tip is added last and is neither discounted nor taxed.
//! 6. Total = subtotal − discount + exclusive tax + tip, then, for currencies Stripe only
//!    charges in steps (KWD, BHD, JOD, OMR, TND: multiples of 10), rounded half away from
//!    zero to that step; the difference is shown as a rounding line.

use serde::{Deserialize, Serialize};

use super::spec::{Discount, OrderSpec};
use crate::money::{div_round_half_away, Money, MoneyError, Rate, STRIPE_MAX_AMOUNT};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    pub lines: Vec<LineQuote>,
    pub subtotal: Money,
    pub discount: Money,
    pub tax_exclusive: Money,
    pub tax_inclusive: Money,
    pub taxes: Vec<TaxQuote>,
    pub tip: Money,
    pub rounding: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineQuote {
    pub amount: Money,
    pub discount: Money,
    pub tax: Money,
}

/// One tax rate's total over the order, for the receipt's tax lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxQuote {
    pub name: String,
    pub rate: Rate,
    pub inclusive: bool,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("the discount ({discount}) is more than the subtotal ({subtotal})")]
    DiscountExceedsSubtotal { discount: Money, subtotal: Money },
    #[error("the total ({total}) is over Stripe's maximum of {maximum} for one payment")]
    TotalTooLarge { total: Money, maximum: Money },
    #[error("the amounts are too large to compute")]
    Overflow,
    /// Only a spec built by hand, not through validation, can mix currencies.
    #[error("the order mixes {0} and {1} amounts")]
    MixedCurrencies(crate::money::Currency, crate::money::Currency),
}

impl From<MoneyError> for PricingError {
    fn from(error: MoneyError) -> Self {
        match error {
            MoneyError::Overflow => PricingError::Overflow,
            MoneyError::CurrencyMismatch { left, right } => PricingError::MixedCurrencies(left, right),
        }
    }
}

impl OrderSpec {
    pub fn quote(&self) -> Result<Quote, PricingError> {
        let currency = self.currency;
        let zero = Money::zero(currency);
        let amounts = self
            .lines
            .iter()
            .map(|line| line.unit_price.checked_mul(line.quantity))
            .collect::<Result<Vec<_>, _>>()?;
        let subtotal = Money::sum(currency, amounts.iter().copied())?;

        let discount = match self.discount {
            None => zero,
            Some(Discount::Percent { rate }) => Money::new(
                to_i64(div_round_half_away(
                    i128::from(subtotal.minor()) * i128::from(rate.millionths()),
                    i128::from(Rate::one()),
                ))?,
                currency,
            ),
            Some(Discount::Amount { amount }) if amount.minor() > subtotal.minor() => {
                return Err(PricingError::DiscountExceedsSubtotal { discount: amount, subtotal });
            }
            Some(Discount::Amount { amount }) => amount,
        };
        let line_discounts = allocate(discount.minor(), &amounts.iter().map(|a| a.minor()).collect::<Vec<_>>());

        let inclusive_sum: i64 = self.taxes.iter().filter(|t| t.inclusive).map(|t| t.rate.millionths()).sum();
        let mut tax_totals = vec![0_i64; self.taxes.len()];
        let mut lines = Vec::with_capacity(amounts.len());
        for (amount, line_discount) in amounts.iter().zip(&line_discounts) {
            let net = i128::from(amount.minor() - line_discount);
            let mut line_tax = 0_i64;
            for (tax, total) in self.taxes.iter().zip(tax_totals.iter_mut()) {
                let rate = i128::from(tax.rate.millionths());
                let denominator = i128::from(Rate::one() + if tax.inclusive { inclusive_sum } else { 0 });
                let tax_minor = to_i64(div_round_half_away(net * rate, denominator))?;
                *total = total.checked_add(tax_minor).ok_or(PricingError::Overflow)?;
                line_tax = line_tax.checked_add(tax_minor).ok_or(PricingError::Overflow)?;
            }
            lines.push(LineQuote {
                amount: *amount,
                discount: Money::new(*line_discount, currency),
                tax: Money::new(line_tax, currency),
            });
        }

        let taxes: Vec<TaxQuote> = self
            .taxes
            .iter()
            .zip(&tax_totals)
            .map(|(tax, total)| TaxQuote {
                name: tax.name.clone(),
                rate: tax.rate,
                inclusive: tax.inclusive,
                amount: Money::new(*total, currency),
            })
            .collect();
        let sum_taxes = |inclusive: bool| {
            Money::sum(currency, taxes.iter().filter(|t| t.inclusive == inclusive).map(|t| t.amount))
        };
        let tax_exclusive = sum_taxes(false)?;
        let tax_inclusive = sum_taxes(true)?;
        let tip = self.tip.unwrap_or(zero);

        let before_rounding = subtotal.checked_sub(discount)?.checked_add(tax_exclusive)?.checked_add(tip)?;
        let step = i128::from(currency.charge_step());
        let total = Money::new(
            to_i64(div_round_half_away(i128::from(before_rounding.minor()), step) * step)?,
            currency,
        );
        let rounding = total.checked_sub(before_rounding)?;
        if total.minor() > currency.stripe_maximum() {
            return Err(PricingError::TotalTooLarge {
                total,
                maximum: Money::new(STRIPE_MAX_AMOUNT, currency),
            });
        }
        Ok(Quote { lines, subtotal, discount, tax_exclusive, tax_inclusive, taxes, tip, rounding, total })
    }
}

fn to_i64(value: i128) -> Result<i64, PricingError> {
    i64::try_from(value).map_err(|_| PricingError::Overflow)
}

/// Splits `total` over `weights` in proportion, in whole minor units that add up exactly:
/// each share is rounded down, then the units left over go to the largest remainders
/// (earlier lines first when remainders tie).
fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    let weight_sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if weight_sum == 0 || total == 0 {
        return vec![0; weights.len()];
    }
    let mut shares: Vec<i64> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        let exact = i128::from(total) * i128::from(*weight);
        // Shares never exceed `total` (weights are non-negative and sum to weight_sum).
        shares.push((exact / weight_sum) as i64);
        remainders.push((exact % weight_sum, index));
    }
    let mut left = total - shares.iter().sum::<i64>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, index) in remainders {
        if left == 0 {
            break;
        }
        shares[index] += 1;
        left -= 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::spec::{Completeness, DiscountInput, LineInput, OrderInput, TaxInput};

    fn line(description: &str, quantity: i64, unit_price: &str) -> LineInput {
        LineInput { description: description.into(), quantity, unit_price: unit_price.into() }
    }

    fn tax(name: &str, rate: &str, inclusive: bool) -> TaxInput {
        TaxInput { name: name.into(), rate: rate.into(), inclusive }
    }

    fn quote(input: OrderInput) -> Quote {
        input.validate(Completeness::RequireLines).unwrap().quote().unwrap()
    }

    fn minors(quote: &Quote) -> [i64; 7] {
        [
            quote.subtotal.minor(),
            quote.discount.minor(),
            quote.tax_exclusive.minor(),
            quote.tax_inclusive.minor(),
            quote.tip.minor(),
            quote.rounding.minor(),
            quote.total.minor(),
        ]
    }

    /// README example 1 (USD, exclusive tax, percent discount, tip).
    #[test]
    fn usd_exclusive_tax_with_percent_discount_and_tip() {
        let q = quote(OrderInput {
            currency: "USD".into(),
            lines: vec![line("Flat white", 2, "3.50"), line("Croissant", 1, "2.25"), line("Beans 250g", 1, "14.99")],
            discount: Some(DiscountInput::Percent { percent: "10".into() }),
            taxes: vec![tax("Sales tax", "8.875", false)],
            tip: Some("2.00".into()),
            ..OrderInput::default()
        });
        // Subtotal 7.00 + 2.25 + 14.99 = 24.24; discount 10% = 2.424 → 2.42. Spread in
        // proportion: 69.88 / 22.46 / 149.65 cents → floors 69, 22, 149 (240); the 2 cents
        // left go to the largest remainders, lines 1 and 3.
        assert_eq!(q.lines.iter().map(|l| l.discount.minor()).collect::<Vec<_>>(), vec![70, 22, 150]);
        // Tax per line on 6.30, 2.03, 13.49: 0.5591 → 0.56, 0.1802 → 0.18, 1.1972 → 1.20.
        assert_eq!(q.lines.iter().map(|l| l.tax.minor()).collect::<Vec<_>>(), vec![56, 18, 120]);
        assert_eq!(minors(&q), [2424, 242, 194, 0, 200, 0, 2576]);
        assert_eq!(q.total.display(), "$25.76");
    }

    /// The example of the end-to-end test: no discount, tax rounded per line.
    #[test]
    fn usd_tax_is_rounded_per_line() {
        let q = quote(OrderInput {
            currency: "USD".into(),
            lines: vec![line("Flat white", 2, "3.50"), line("Croissant", 1, "2.25")],
            taxes: vec![tax("Sales tax", "8.875", false)],
            ..OrderInput::default()
        });
        // 7.00 × 8.875% = 0.62125 → 0.62; 2.25 × 8.875% = 0.1996875 → 0.20.
        assert_eq!(minors(&q), [925, 0, 82, 0, 0, 0, 1007]);
    }

    /// README example 2 (JPY, zero decimals, inclusive consumption tax, fixed discount).
    #[test]
    fn jpy_inclusive_tax_with_fixed_discount() {
        let q = quote(OrderInput {
            currency: "JPY".into(),
            lines: vec![line("Ramen", 2, "980"), line("Gyoza", 1, "450")],
            discount: Some(DiscountInput::Amount { amount: "100".into() }),
            taxes: vec![tax("消費税", "10", true)],
            ..OrderInput::default()
        });
        // Subtotal 2,410; discount 100 spread 81.33/18.67 → 81/19 (line 2 has the larger remainder).
        assert_eq!(q.lines.iter().map(|l| l.discount.minor()).collect::<Vec<_>>(), vec![81, 19]);
        // Inclusive tax on 1,879 and 431: 1879 × 10/110 = 170.8 → 171; 431 × 10/110 = 39.18 → 39.
        assert_eq!(q.lines.iter().map(|l| l.tax.minor()).collect::<Vec<_>>(), vec![171, 39]);
        assert_eq!(minors(&q), [2410, 100, 0, 210, 0, 0, 2310]);
        assert_eq!(q.total.display(), "¥2,310");
    }

    /// README example 3 (KWD, three decimals, exclusive tax, total rounded to Stripe's 10-fils step).
    #[test]
    fn kwd_three_decimals_rounded_to_the_charge_step() {
        let q = quote(OrderInput {
            currency: "KWD".into(),
            lines: vec![line("Karak tea", 3, "0.275"), line("Samosa", 2, "0.333")],
            discount: Some(DiscountInput::Percent { percent: "5".into() }),
            taxes: vec![tax("VAT", "5", false)],
            tip: Some("0.1".into()),
            ..OrderInput::default()
        });
        // Subtotal 0.825 + 0.666 = 1.491; discount 5% = 0.07455 → 0.075, spread 41.48/33.52 → 41/34.
        assert_eq!(q.lines.iter().map(|l| l.discount.minor()).collect::<Vec<_>>(), vec![41, 34]);
        // Tax on 0.784 and 0.632: 0.0392 → 0.039, 0.0316 → 0.032.
        assert_eq!(q.lines.iter().map(|l| l.tax.minor()).collect::<Vec<_>>(), vec![39, 32]);
        // 1.491 − 0.075 + 0.071 + 0.100 = 1.587 → 1.590 (rounding +0.003).
        assert_eq!(minors(&q), [1491, 75, 71, 0, 100, 3, 1590]);
        assert_eq!(q.total.display(), "KWD 1.590");
    }

    #[test]
    fn several_inclusive_rates_share_the_gross() {
        let q = quote(OrderInput {
            currency: "EUR".into(),
            lines: vec![line("Menu", 1, "11.50")],
            taxes: vec![tax("A", "10", true), tax("B", "5", true)],
            ..OrderInput::default()
        });
        // Net = 11.50 / 1.15 = 10.00: A = 1.00, B = 0.50; total stays the shelf price.
        assert_eq!(q.taxes.iter().map(|t| t.amount.minor()).collect::<Vec<_>>(), vec![100, 50]);
        assert_eq!(minors(&q), [1150, 0, 0, 150, 0, 0, 1150]);
    }

    #[test]
    fn discounts_and_limits() {
        let base = |discount| OrderInput {
            currency: "USD".into(),
            lines: vec![line("x", 1, "10.00")],
            discount,
            ..OrderInput::default()
        };
        assert_eq!(quote(base(Some(DiscountInput::Amount { amount: "10".into() }))).total.minor(), 0);
        assert_eq!(quote(base(Some(DiscountInput::Percent { percent: "100".into() }))).total.minor(), 0);
        let too_much = base(Some(DiscountInput::Amount { amount: "10.01".into() }));
        assert!(matches!(
            too_much.validate(Completeness::RequireLines).unwrap().quote(),
            Err(PricingError::DiscountExceedsSubtotal { .. })
        ));
        let huge = OrderInput { currency: "USD".into(), lines: vec![line("x", 2, "500000.00")], ..OrderInput::default() };
        let error = huge.validate(Completeness::RequireLines).unwrap().quote().unwrap_err();
        assert_eq!(error.to_string(), "the total ($1,000,000.00) is over Stripe's maximum of $999,999.99 for one payment");
        let overflow = OrderInput {
            currency: "USD".into(),
            lines: vec![line("x", 9999, "92233720368547758.07")],
            ..OrderInput::default()
        };
        assert_eq!(overflow.validate(Completeness::RequireLines).unwrap().quote(), Err(PricingError::Overflow));
    }

    #[test]
    fn an_empty_quote_is_zero() {
        let spec = OrderInput { currency: "USD".into(), ..OrderInput::default() }
            .validate(Completeness::AllowEmpty)
            .unwrap();
        assert_eq!(minors(&spec.quote().unwrap()), [0; 7]);
    }

    #[test]
    fn allocation_adds_up_exactly() {
        assert_eq!(allocate(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(allocate(2, &[1, 1, 1]), vec![1, 1, 0]);
        assert_eq!(allocate(0, &[5, 5]), vec![0, 0]);
        assert_eq!(allocate(7, &[0, 0]), vec![0, 0]);
        assert_eq!(allocate(10, &[0, 3]), vec![0, 10]);
        for total in [0, 1, 99, 12_345] {
            let weights = [333, 1, 0, 999_999, 77];
            assert_eq!(allocate(total, &weights).iter().sum::<i64>(), total);
        }
    }
}
