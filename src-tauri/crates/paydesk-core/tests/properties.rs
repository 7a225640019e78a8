//! Properties that hold for every input, not only the examples written down: money parses
//! back from what it prints in every currency Paydesk accepts, order totals add up and stay
//! within their bounds, and the order state machine has no way into a dead end.

use paydesk_core::money::{Currency, Money, Sign};
use paydesk_core::order::{Completeness, DiscountInput, LineInput, OrderInput, OrderStatus, TaxInput};
use iso_currency::IntoEnumIterator;
use proptest::prelude::*;

/// Every ISO 4217 currency Paydesk accepts (funds, metals and special encodings refused).
fn currencies() -> Vec<Currency> {
    let accepted: Vec<Currency> = iso_currency::Currency::iter().filter_map(|iso| iso.code().parse().ok()).collect();
    assert!(accepted.len() > 100, "only {} currencies accepted", accepted.len());
    accepted
}

fn currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(currencies())
}

fn decimals(minor: i64, exponent: u32) -> String {
    let per_major = 10_i64.pow(exponent);
    let (whole, fraction) = (minor / per_major, minor % per_major);
    if exponent == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0width$}", width = exponent as usize)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_exponent_is_one_stripe_knows(currency in currency()) {
        prop_assert!([0, 2, 3].contains(&currency.exponent()), "{} has exponent {}", currency.code(), currency.exponent());
    }

    #[test]
    fn money_parses_back_from_what_it_prints(currency in currency(), minor in (i64::MIN + 1)..=i64::MAX) {
        let money = Money::new(minor, currency);
        let plain = money.to_decimal_string();
        prop_assert_eq!(Money::parse(&plain, currency, Sign::Any).unwrap(), money, "{}", plain);
        // The cashier's form ("$1,234.50", "-KWD 1.235") parses back once the symbol is off.
        let shown = money.display();
        let unsigned = shown.trim_start_matches('-');
        let number = unsigned.strip_prefix(&currency.display_prefix()).unwrap_or_else(|| panic!("{shown} starts with its symbol"));
        prop_assert_eq!(Money::parse(number, currency, Sign::NonNegative).unwrap().minor(), minor.abs(), "{}", shown);
        prop_assert_eq!(shown.starts_with('-'), minor < 0);
    }

    #[test]
    fn fewer_decimals_are_padded_and_more_are_refused(currency in currency(), minor in 0_i64..1_000_000_000_000, extra in 1_u32..4) {
        let exponent = currency.exponent();
        let text = decimals(minor, exponent);
        prop_assert_eq!(Money::parse(&text, currency, Sign::NonNegative).unwrap().minor(), minor);
        let too_precise = if exponent == 0 { format!("{text}.{}", "5".repeat(extra as usize)) } else { format!("{text}{}", "5".repeat(extra as usize)) };
        prop_assert!(Money::parse(&too_precise, currency, Sign::NonNegative).is_err(), "{} accepted for {}", too_precise, currency.code());
        if minor > 0 {
            let negative = format!("-{text}");
            prop_assert!(Money::parse(&negative, currency, Sign::NonNegative).is_err());
        }
    }
}

/// An order as a cashier might type it, in minor units of its currency.
#[derive(Debug, Clone)]
struct TypedOrder {
    currency: Currency,
    lines: Vec<(i64, i64)>,
    discount: Option<Result<u32, i64>>,
    taxes: Vec<(u32, bool)>,
    tip: Option<i64>,
}

fn typed_order() -> impl Strategy<Value = TypedOrder> {
    (
        currency(),
        proptest::collection::vec((1_i64..=50, 0_i64..=200_000), 1..8),
        proptest::option::of(prop_oneof![(0_u32..=1_000_000).prop_map(Ok), (0_i64..=300_000).prop_map(Err)]),
        // One order's rates are all inclusive or all exclusive.
        (proptest::collection::vec(0_u32..=250_000, 0..4), any::<bool>()),
        proptest::option::of(0_i64..=50_000),
    )
        .prop_map(|(currency, lines, discount, (rates, inclusive), tip)| TypedOrder {
            currency,
            lines,
            discount,
            taxes: rates.into_iter().map(|rate| (rate, inclusive)).collect(),
            tip,
        })
}

impl TypedOrder {
    fn input(&self) -> OrderInput {
        let exponent = self.currency.exponent();
        let percent = |millionths: u32| format!("{}.{:04}", millionths / 10_000, millionths % 10_000);
        OrderInput {
            currency: self.currency.code().into(),
            lines: self
                .lines
                .iter()
                .enumerate()
                .map(|(index, (quantity, unit))| LineInput { description: format!("Item {index}"), quantity: *quantity, unit_price: decimals(*unit, exponent) })
                .collect(),
            discount: self.discount.map(|discount| match discount {
                Ok(millionths) => DiscountInput::Percent { percent: percent(millionths) },
                Err(amount) => DiscountInput::Amount { amount: decimals(amount, exponent) },
            }),
            taxes: self.taxes.iter().enumerate().map(|(index, (millionths, inclusive))| TaxInput { name: format!("Tax {index}"), rate: percent(*millionths), inclusive: *inclusive }).collect(),
            tip: self.tip.map(|tip| decimals(tip, exponent)),
            ..OrderInput::default()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn totals_add_up_and_stay_within_their_bounds(order in typed_order()) {
        let spec = order.input().validate(Completeness::RequireLines).expect("a well-typed order validates");
        let Ok(quote) = spec.quote() else {
            // Refused as a whole (a discount above the subtotal, a total above Stripe's
            // maximum) is fine; the amounts below are what an accepted quote must satisfy.
            return Ok(());
        };
        let currency = order.currency;
        let step = currency.charge_step();
        let amounts: Vec<i64> = order.lines.iter().map(|(quantity, unit)| quantity * unit).collect();
        prop_assert_eq!(quote.lines.iter().map(|line| line.amount.minor()).collect::<Vec<_>>(), amounts.clone());
        prop_assert_eq!(quote.subtotal.minor(), amounts.iter().sum::<i64>());

        // The discount never exceeds the subtotal and is spread exactly, never above a line.
        prop_assert!((0..=quote.subtotal.minor()).contains(&quote.discount.minor()));
        prop_assert_eq!(quote.lines.iter().map(|line| line.discount.minor()).sum::<i64>(), quote.discount.minor());
        for line in &quote.lines {
            prop_assert!((0..=line.amount.minor()).contains(&line.discount.minor()), "{:?}", line);
        }

        // Each rate's tax is within half a unit per line of its exact value.
        let inclusive_sum: i64 = order.taxes.iter().filter(|(_, inclusive)| *inclusive).map(|(rate, _)| i64::from(*rate)).sum();
        let net = (quote.subtotal.minor() - quote.discount.minor()) as f64;
        for (tax, (rate, inclusive)) in quote.taxes.iter().zip(&order.taxes) {
            let exact = if *inclusive { net * f64::from(*rate) / (1_000_000 + inclusive_sum) as f64 } else { net * f64::from(*rate) / 1_000_000.0 };
            let slack = 0.5 * quote.lines.len() as f64 + 1e-6;
            prop_assert!((tax.amount.minor() as f64 - exact).abs() <= slack, "{:?}: exact {}", tax, exact);
        }
        prop_assert_eq!(
            quote.taxes.iter().map(|tax| tax.amount.minor()).sum::<i64>(),
            quote.tax_exclusive.minor() + quote.tax_inclusive.minor()
        );
        prop_assert!(quote.tax_inclusive.minor() <= quote.subtotal.minor() - quote.discount.minor());
        prop_assert_eq!(quote.lines.iter().map(|line| line.tax.minor()).sum::<i64>(), quote.tax_exclusive.minor() + quote.tax_inclusive.minor());

        // The total: what is charged, in the currency's step, never negative; the rounding
        // line only where Stripe charges in steps, and less than half a step.
        let before_rounding = quote.subtotal.minor() - quote.discount.minor() + quote.tax_exclusive.minor() + order.tip.unwrap_or(0);
        prop_assert_eq!(quote.total.minor(), before_rounding + quote.rounding.minor());
        prop_assert!(quote.total.minor() >= 0);
        prop_assert!(quote.total.minor() <= currency.stripe_maximum());
        prop_assert_eq!(quote.total.minor() % step, 0);
        prop_assert!(2 * quote.rounding.minor().abs() <= step);
        if currency.exponent() != 3 {
            prop_assert_eq!(quote.rounding.minor(), 0);
        }
    }

    /// Along any walk of allowed transitions: once money moved (paid, refunded in part or in
    /// full) the order never becomes payable or voidable again, which would let it be charged
    /// twice; the one state with no way out is voided, and nothing leaves it; and every state
    /// on the way can still end (voided, or refunded in full): no walk strands an order.
    #[test]
    fn no_walk_of_allowed_transitions_strands_an_order_or_reopens_its_payment(start in proptest::sample::select(OrderStatus::ALL.to_vec()), choices in proptest::collection::vec(any::<proptest::sample::Index>(), 0..40)) {
        use OrderStatus::*;
        let money_moved = |status: OrderStatus| matches!(status, Paid | PartiallyRefunded | Refunded);
        let mut status = start;
        for choice in choices {
            let allowed: Vec<OrderStatus> = OrderStatus::ALL.into_iter().filter(|next| status.can_become(*next)).collect();
            for refused in OrderStatus::ALL.into_iter().filter(|next| !allowed.contains(next)) {
                prop_assert!(status.transition(refused).is_err(), "{} -> {} allowed", status, refused);
            }
            if allowed.is_empty() {
                prop_assert_eq!(status, Voided, "a dead end that is not voided");
                break;
            }
            let next = status.transition(*choice.get(&allowed)).unwrap();
            prop_assert!(!money_moved(status) || money_moved(next), "{} -> {} reopens a payment", status, next);
            prop_assert!(can_still_end(next), "{} is a dead end", next);
            status = next;
        }
    }
}

/// Whether an order in `status` can still be voided or refunded in full.
fn can_still_end(status: OrderStatus) -> bool {
    let mut seen = vec![status];
    let mut frontier = vec![status];
    while let Some(current) = frontier.pop() {
        if matches!(current, OrderStatus::Voided | OrderStatus::Refunded) {
            return true;
        }
        for next in OrderStatus::ALL.into_iter().filter(|next| current.can_become(*next)) {
            if !seen.contains(&next) {
                seen.push(next);
                frontier.push(next);
            }
        }
    }
    false
}
