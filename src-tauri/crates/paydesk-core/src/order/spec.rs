//! What a cashier enters, parsed at the edge into a validated [`OrderSpec`].
//!
//! [`OrderInput`] is the raw shape that arrives from the window or the command line
//! (amounts as typed text). [`OrderInput::validate`] turns it into an [`OrderSpec`] whose
//! fields can no longer be wrong, or names the first field that is.

use serde::{Deserialize, Serialize};

use crate::customer::CustomerId;
use crate::money::{Currency, Money, Rate, Sign};
use crate::text::{self, Lines};

pub const MAX_DESCRIPTION_CHARS: usize = 200;
pub const MAX_QUANTITY: i64 = 9_999;
pub const MAX_LINES: usize = 500;
pub const MAX_NOTE_CHARS: usize = 1_000;
pub const MAX_TAX_RATES: usize = 5;
const MAX_EMAIL_CHARS: usize = 254;
const MAX_TAX_NAME_CHARS: usize = 40;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderInput {
    pub currency: String,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub discount: Option<DiscountInput>,
    #[serde(default)]
    pub taxes: Vec<TaxInput>,
    #[serde(default)]
    pub tip: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub customer_email: Option<String>,
    /// The customer from the directory the order is for.
    #[serde(default)]
    pub customer_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LineInput {
    pub description: String,
    pub quantity: i64,
    pub unit_price: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum DiscountInput {
    Percent { percent: String },
    Amount { amount: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaxInput {
    pub name: String,
    pub rate: String,
    #[serde(default)]
    pub inclusive: bool,
}

/// A validated order, ready to be priced and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSpec {
    pub currency: Currency,
    pub lines: Vec<Line>,
    pub discount: Option<Discount>,
    pub taxes: Vec<TaxRate>,
    pub tip: Option<Money>,
    pub note: Option<String>,
    pub customer_email: Option<String>,
    pub customer_id: Option<CustomerId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    pub description: String,
    pub quantity: i64,
    pub unit_price: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Discount {
    Percent { rate: Rate },
    Amount { amount: Money },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxRate {
    pub name: String,
    pub rate: Rate,
    pub inclusive: bool,
}

impl From<&OrderSpec> for OrderInput {
    /// The order as it would be typed again ("Back to edit"): validating it gives the same spec.
    fn from(spec: &OrderSpec) -> Self {
        OrderInput {
            currency: spec.currency.code().to_owned(),
            lines: spec
                .lines
                .iter()
                .map(|line| LineInput {
                    description: line.description.clone(),
                    quantity: line.quantity,
                    unit_price: line.unit_price.to_decimal_string(),
                })
                .collect(),
            discount: spec.discount.map(|discount| match discount {
                Discount::Percent { rate } => DiscountInput::Percent { percent: rate.percent_number() },
                Discount::Amount { amount } => DiscountInput::Amount { amount: amount.to_decimal_string() },
            }),
            taxes: spec
                .taxes
                .iter()
                .map(|tax| TaxInput { name: tax.name.clone(), rate: tax.rate.percent_number(), inclusive: tax.inclusive })
                .collect(),
            tip: spec.tip.map(Money::to_decimal_string),
            note: spec.note.clone(),
            customer_email: spec.customer_email.clone(),
            customer_id: spec.customer_id.as_ref().map(|id| id.to_string()),
        }
    }
}

/// The first thing wrong with an order, with the field it is in (`lines[2].unitPrice`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidOrder {
    pub field: String,
    pub message: String,
}

impl InvalidOrder {
    pub fn new(field: impl Into<String>, message: impl ToString) -> Self {
        InvalidOrder { field: field.into(), message: message.to_string() }
    }
}

/// Whether an order with no lines is acceptable: a quote while the cashier is still typing
/// is, a stored order is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completeness {
    AllowEmpty,
    RequireLines,
}

impl OrderInput {
    pub fn validate(&self, completeness: Completeness) -> Result<OrderSpec, InvalidOrder> {
        let currency: Currency = self.currency.parse().map_err(|e| InvalidOrder::new("currency", e))?;
        if self.lines.is_empty() && completeness == Completeness::RequireLines {
            return Err(InvalidOrder::new("lines", "add at least one line"));
        }
        if self.lines.len() > MAX_LINES {
            return Err(InvalidOrder::new("lines", format!("an order has at most {MAX_LINES} lines")));
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(index, line)| line.validate(currency, index))
            .collect::<Result<Vec<_>, _>>()?;
        let discount = self.discount.as_ref().map(|d| d.validate(currency)).transpose()?;
        let taxes = validate_taxes(&self.taxes)?;
        let tip = optional_text(&self.tip)
            .map(|tip| Money::parse(tip, currency, Sign::NonNegative).map_err(|e| InvalidOrder::new("tip", e)))
            .transpose()?
            .filter(|tip| !tip.is_zero());
        let note = optional_text(&self.note).map(str::to_owned);
        if let Some(note) = &note {
            check_text("note", note, MAX_NOTE_CHARS, Lines::Several)?;
        }
        let customer_email = optional_text(&self.customer_email).map(|email| validate_email("customerEmail", email)).transpose()?;
        let customer_id = optional_text(&self.customer_id)
            .map(|id| CustomerId::parse(id).ok_or_else(|| InvalidOrder::new("customerId", format!("{} is not a customer", text::quoted(id)))))
            .transpose()?;
        Ok(OrderSpec { currency, lines, discount, taxes, tip, note, customer_email, customer_id })
    }
}

impl LineInput {
    fn validate(&self, currency: Currency, index: usize) -> Result<Line, InvalidOrder> {
        let field = |name: &str| format!("lines[{index}].{name}");
        let description = self.description.trim();
        if description.is_empty() {
            return Err(InvalidOrder::new(field("description"), "describe the item"));
        }
        check_text(&field("description"), description, MAX_DESCRIPTION_CHARS, Lines::One)?;
        if !(1..=MAX_QUANTITY).contains(&self.quantity) {
            return Err(InvalidOrder::new(field("quantity"), format!("quantity must be a whole number from 1 to {MAX_QUANTITY}")));
        }
        let unit_price = Money::parse(&self.unit_price, currency, Sign::NonNegative)
            .map_err(|e| InvalidOrder::new(field("unitPrice"), e))?;
        Ok(Line { description: description.to_owned(), quantity: self.quantity, unit_price })
    }
}

impl DiscountInput {
    fn validate(&self, currency: Currency) -> Result<Discount, InvalidOrder> {
        match self {
            DiscountInput::Percent { percent } => percent
                .parse()
                .map(|rate| Discount::Percent { rate })
                .map_err(|e| InvalidOrder::new("discount.percent", e)),
            DiscountInput::Amount { amount } => Money::parse(amount, currency, Sign::NonNegative)
                .map(|amount| Discount::Amount { amount })
                .map_err(|e| InvalidOrder::new("discount.amount", e)),
        }
    }
}

fn validate_taxes(taxes: &[TaxInput]) -> Result<Vec<TaxRate>, InvalidOrder> {
    if taxes.len() > MAX_TAX_RATES {
        return Err(InvalidOrder::new("taxes", format!("an order has at most {MAX_TAX_RATES} tax rates")));
    }
    let rates = taxes
        .iter()
        .enumerate()
        .map(|(index, tax)| {
            let name = tax.name.trim();
            let field = |part: &str| format!("taxes[{index}].{part}");
            if name.is_empty() {
                return Err(InvalidOrder::new(field("name"), "name the tax, as it should print on the receipt"));
            }
            check_text(&field("name"), name, MAX_TAX_NAME_CHARS, Lines::One)?;
            let rate = tax.rate.parse().map_err(|e| InvalidOrder::new(field("rate"), e))?;
            Ok(TaxRate { name: name.to_owned(), rate, inclusive: tax.inclusive })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Prices either include tax or they don't; a mix has no single meaning for the shelf price.
    if rates.windows(2).any(|pair| pair[0].inclusive != pair[1].inclusive) {
        return Err(InvalidOrder::new("taxes", "tax rates of one order must be all inclusive or all exclusive"));
    }
    let total: i64 = rates.iter().map(|tax| tax.rate.millionths()).sum();
    if total > Rate::one() {
        return Err(InvalidOrder::new("taxes", "the tax rates add up to more than 100%"));
    }
    Ok(rates)
}

fn optional_text(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|text| !text.is_empty())
}

fn check_text(field: &str, text: &str, max_chars: usize, lines: Lines) -> Result<(), InvalidOrder> {
    text::problem(text, max_chars, lines).map_or(Ok(()), |problem| Err(InvalidOrder::new(field, problem)))
}

/// A deliberately plain check: one `@`, something before it, a dotted domain after it, no
/// spaces. The receipt mailer is the real test of an address.
pub(crate) fn validate_email(field: &str, email: &str) -> Result<String, InvalidOrder> {
    let invalid = || InvalidOrder::new(field, format!("{} is not an email address", text::quoted(email)));
    if email.len() > MAX_EMAIL_CHARS || email.chars().any(|c| c.is_whitespace() || c.is_control() || text::is_invisible_format(c)) {
        return Err(invalid());
    }
    let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..");
    if local.is_empty() || !domain_ok {
        return Err(invalid());
    }
    Ok(email.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(description: &str, quantity: i64, unit_price: &str) -> LineInput {
        LineInput { description: description.into(), quantity, unit_price: unit_price.into() }
    }

    fn input(lines: Vec<LineInput>) -> OrderInput {
        OrderInput { currency: "USD".into(), lines, ..OrderInput::default() }
    }

    fn field_of(input: &OrderInput) -> String {
        input.validate(Completeness::RequireLines).unwrap_err().field
    }

    #[test]
    fn a_valid_order_is_trimmed_and_typed() {
        let mut order = input(vec![line("  Flat white ", 2, "3.50")]);
        order.tip = Some(" 1.00 ".into());
        order.note = Some("  ".into());
        order.customer_email = Some("ana@example.com".into());
        let spec = order.validate(Completeness::RequireLines).unwrap();
        assert_eq!(spec.lines[0].description, "Flat white");
        assert_eq!(spec.lines[0].unit_price.minor(), 350);
        assert_eq!(spec.tip.unwrap().minor(), 100);
        assert_eq!(spec.note, None);
        assert_eq!(spec.customer_email.as_deref(), Some("ana@example.com"));
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(field_of(&input(vec![])), "lines");
        assert!(input(vec![]).validate(Completeness::AllowEmpty).is_ok());
        assert_eq!(field_of(&OrderInput { currency: "ABC".into(), ..input(vec![line("x", 1, "1")]) }), "currency");
        assert_eq!(field_of(&input(vec![line("ok", 1, "1"), line(" ", 1, "1")])), "lines[1].description");
        assert_eq!(field_of(&input(vec![line(&"x".repeat(201), 1, "1")])), "lines[0].description");
        assert!(input(vec![line(&"é".repeat(200), 1, "1")]).validate(Completeness::RequireLines).is_ok());
        assert_eq!(field_of(&input(vec![line("tab\u{7}", 1, "1")])), "lines[0].description");
        assert_eq!(field_of(&input(vec![line("\u{202E}gnp.exe", 1, "1")])), "lines[0].description");
        assert_eq!(field_of(&input(vec![line("\u{200B}", 1, "1")])), "lines[0].description");
        assert_eq!(field_of(&input(vec![line("x", 0, "1")])), "lines[0].quantity");
        assert_eq!(field_of(&input(vec![line("x", 10_000, "1")])), "lines[0].quantity");
        assert_eq!(field_of(&input(vec![line("x", -1, "1")])), "lines[0].quantity");
        assert_eq!(field_of(&input(vec![line("x", 1, "-1")])), "lines[0].unitPrice");
        assert_eq!(field_of(&input(vec![line("x", 1, "1.999")])), "lines[0].unitPrice");
        let mut order = input(vec![line("x", 1, "1")]);
        order.discount = Some(DiscountInput::Percent { percent: "101".into() });
        assert_eq!(field_of(&order), "discount.percent");
        order.discount = Some(DiscountInput::Amount { amount: "x".into() });
        assert_eq!(field_of(&order), "discount.amount");
        order.discount = None;
        order.tip = Some("-1".into());
        assert_eq!(field_of(&order), "tip");
        order.tip = None;
        order.customer_email = Some("not-an-email".into());
        assert_eq!(field_of(&order), "customerEmail");
        order.customer_email = Some("a@b".into());
        assert_eq!(field_of(&order), "customerEmail");
        order.customer_email = None;
        order.note = Some("n".repeat(1001));
        assert_eq!(field_of(&order), "note");
    }

    #[test]
    fn taxes_are_checked() {
        let tax = |name: &str, rate: &str, inclusive| TaxInput { name: name.into(), rate: rate.into(), inclusive };
        let mut order = input(vec![line("x", 1, "1")]);
        order.taxes = vec![tax("VAT", "20", true), tax("City", "1", false)];
        let error = order.validate(Completeness::RequireLines).unwrap_err();
        assert_eq!(error.field, "taxes");
        assert!(error.message.contains("all inclusive or all exclusive"));
        order.taxes = vec![tax("A", "60", false), tax("B", "50", false)];
        assert_eq!(field_of(&order), "taxes");
        order.taxes = vec![tax("", "5", false)];
        assert_eq!(field_of(&order), "taxes[0].name");
        order.taxes = vec![tax("State", "five", false)];
        assert_eq!(field_of(&order), "taxes[0].rate");
        order.taxes = vec![tax("State", "4", false), tax("City", "4.875", false)];
        assert_eq!(order.validate(Completeness::RequireLines).unwrap().taxes.len(), 2);
    }

    #[test]
    fn input_json_is_camel_case_and_strict() {
        let json = r#"{"currency":"JPY","lines":[{"description":"Ramen","quantity":2,"unitPrice":"980"}],
            "discount":{"kind":"percent","percent":"10"},"taxes":[{"name":"消費税","rate":"10","inclusive":true}],
            "tip":null,"customerEmail":null}"#;
        let parsed: OrderInput = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.lines[0].unit_price, "980");
        assert!(parsed.validate(Completeness::RequireLines).is_ok());
        let unknown = r#"{"currency":"USD","amount":100}"#;
        assert!(serde_json::from_str::<OrderInput>(unknown).unwrap_err().to_string().contains("amount"));
    }

    #[test]
    fn a_spec_typed_again_is_the_same_spec() {
        let typed = OrderInput {
            currency: "kwd".into(),
            lines: vec![line("Saffron 1g", 3, "1.250"), line("Tea", 1, "0.5")],
            discount: Some(DiscountInput::Percent { percent: "12.5".into() }),
            taxes: vec![TaxInput { name: "VAT".into(), rate: "8.875".into(), inclusive: false }],
            tip: Some("0.250".into()),
            note: Some("gift wrap".into()),
            customer_email: Some("a@example.com".into()),
            customer_id: Some("01a23ab1-3f58-7493-b541-897831a701bc".into()),
        };
        let spec = typed.validate(Completeness::RequireLines).unwrap();
        let again = OrderInput::from(&spec);
        assert_eq!(again.currency, "KWD");
        assert_eq!(again.lines[1].unit_price, "0.500");
        assert_eq!((again.taxes[0].rate.as_str(), again.discount.clone()), ("8.875", Some(DiscountInput::Percent { percent: "12.5".into() })));
        assert_eq!(again.validate(Completeness::RequireLines).unwrap(), spec);
        let amount_off = OrderInput { discount: Some(DiscountInput::Amount { amount: "1".into() }), tip: None, ..typed };
        let spec = amount_off.validate(Completeness::RequireLines).unwrap();
        assert_eq!(OrderInput::from(&spec).validate(Completeness::RequireLines).unwrap(), spec);
    }
}
