//! Cards on file: what the till shows of a customer's saved cards (Stripe holds the cards;
//! the till only ever knows the PaymentMethod id, brand, last four, expiry and the checks),
//! the customer's consent to save one, and how a saved card is charged.

use serde::{Deserialize, Serialize};

use crate::text::{self, Lines};

/// The longest name a consent records for the person at the till.
pub const MAX_RECORDED_BY_CHARS: usize = 120;

/// What the card's issuer said of the details given with it (`pass`, `fail`, `unavailable`,
/// `unchecked`; none when the detail was not given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardChecks {
    pub cvc: Option<String>,
    pub postal_code: Option<String>,
    pub line1: Option<String>,
}

impl CardChecks {
    pub fn from_stripe(checks: &paydesk_stripe::CardChecks) -> CardChecks {
        CardChecks { cvc: checks.cvc_check.clone(), postal_code: checks.address_postal_code_check.clone(), line1: checks.address_line1_check.clone() }
    }

    /// The checks that failed, by the name a cashier knows them by.
    pub fn failed(&self) -> Vec<&'static str> {
        [(&self.cvc, "security code (CVC)"), (&self.postal_code, "postal code"), (&self.line1, "street address")]
            .into_iter()
            .filter(|(result, _)| result.as_deref() == Some("fail"))
            .map(|(_, name)| name)
            .collect()
    }

    /// For the window: a failed check means the person giving the card may not hold it.
    pub fn warning(&self) -> Option<String> {
        let failed = self.failed();
        (!failed.is_empty()).then(|| {
            format!("The card's {} did not match what the bank holds. Make sure the card belongs to the customer before handing over goods.", failed.join(" and "))
        })
    }
}

/// A card saved at Stripe on a customer, as the till may show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedCard {
    pub payment_method_id: String,
    pub brand: String,
    pub last4: String,
    pub exp_month: i64,
    pub exp_year: i64,
    pub checks: CardChecks,
    /// Set when a check failed.
    pub warning: Option<String>,
}

impl SavedCard {
    /// `None` for a payment method that is not a card (the till saves only cards).
    pub fn from_stripe(method: &paydesk_stripe::PaymentMethod) -> Option<SavedCard> {
        let card = method.card.as_ref()?;
        let checks = card.checks.as_ref().map(CardChecks::from_stripe).unwrap_or_default();
        Some(SavedCard {
            payment_method_id: method.id.clone(),
            brand: card.brand.clone(),
            last4: card.last4.clone(),
            exp_month: card.exp_month,
            exp_year: card.exp_year,
            warning: checks.warning(),
            checks,
        })
    }
}

/// The customer agreed (at the till or by phone) to have the card of this payment saved for
/// later payments. Recorded in the order's events with who took it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SaveConsent {
    /// Who at the till heard the customer agree (a cashier's name or the till's).
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("recordedBy: {0}")]
pub struct InvalidConsent(String);

impl SaveConsent {
    pub fn validate(&self) -> Result<SaveConsent, InvalidConsent> {
        let who = self.recorded_by.trim();
        if who.is_empty() {
            return Err(InvalidConsent("say who heard the customer agree to save the card".into()));
        }
        if let Some(problem) = text::problem(who, MAX_RECORDED_BY_CHARS, Lines::One) {
            return Err(InvalidConsent(problem.to_string()));
        }
        Ok(SaveConsent { recorded_by: who.to_owned() })
    }
}

/// How a saved card is charged when the customer is not there to type it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SavedCardUse {
    /// A phone order: MOTO (`payment_method_options[card][moto]`), out of scope of 3-D Secure.
    Moto,
    /// A payment the customer authorized earlier (`off_session=true`): the bank may ask for
    /// authentication, which is then a decline.
    OffSession,
}

impl SavedCardUse {
    pub fn as_str(self) -> &'static str {
        match self {
            SavedCardUse::Moto => "moto",
            SavedCardUse::OffSession => "off_session",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_check_is_named_in_the_warning() {
        let pass = CardChecks { cvc: Some("pass".into()), postal_code: Some("unavailable".into()), line1: None };
        assert_eq!(pass.warning(), None);
        let failed = CardChecks { cvc: Some("fail".into()), postal_code: Some("fail".into()), line1: Some("pass".into()) };
        assert_eq!(failed.failed(), ["security code (CVC)", "postal code"]);
        assert!(failed.warning().unwrap().contains("security code (CVC) and postal code"));
    }

    #[test]
    fn a_consent_names_who_took_it() {
        assert_eq!(SaveConsent { recorded_by: " Sam ".into() }.validate().unwrap().recorded_by, "Sam");
        assert!(SaveConsent { recorded_by: " ".into() }.validate().is_err());
        assert!(SaveConsent { recorded_by: "Sam\u{202E}".into() }.validate().is_err());
        assert!(SaveConsent { recorded_by: "x".repeat(MAX_RECORDED_BY_CHARS + 1) }.validate().is_err());
    }
}
