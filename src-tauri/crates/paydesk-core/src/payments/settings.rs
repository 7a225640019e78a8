//! The shop's payment settings, kept in the settings table.

use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureMode {
    /// Charge at once.
    #[default]
    Automatic,
    /// Authorize now, capture (or release) later.
    Manual,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodChoice {
    /// Cards typed in by the cashier: what a point of sale takes.
    #[default]
    Card,
    /// Whatever the Stripe account has enabled (automatic_payment_methods).
    Automatic,
}

/// Where the card is confirmed (the Stripe guides' two flows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationFlow {
    /// `stripe.confirmPayment` in the window, then the core settles.
    #[default]
    Window,
    /// The window makes a ConfirmationToken and the core creates and confirms the intent
    /// (seed 003); this is what allows MOTO for phone orders.
    Server,
}

/// `serde(default)`: settings saved by an older version, without a newer field, still load.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PaymentSettings {
    pub capture: CaptureMode,
    pub payment_methods: PaymentMethodChoice,
    /// Appended to the account's statement descriptor (Stripe allows 22 characters in all).
    pub statement_descriptor_suffix: Option<String>,
    pub confirmation: ConfirmationFlow,
}

pub(crate) const KEY: &str = "payment_settings";
const MAX_SUFFIX: usize = 22;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("the statement descriptor suffix has at most {MAX_SUFFIX} characters: letters, digits, spaces and . - , only")]
    BadSuffix,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PaymentSettings {
    pub fn load(store: &Store) -> Result<PaymentSettings, StoreError> {
        Ok(store
            .setting(KEY)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    pub fn save(&self, store: &mut Store) -> Result<(), SettingsError> {
        store.set_setting(KEY, &self.checked_json()?)?;
        Ok(())
    }

    /// The settings as stored, once checked.
    pub(crate) fn checked_json(&self) -> Result<String, SettingsError> {
        if let Some(suffix) = &self.statement_descriptor_suffix {
            let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '-' | ',');
            if suffix.is_empty() || suffix.chars().count() > MAX_SUFFIX || !suffix.chars().all(allowed) {
                return Err(SettingsError::BadSuffix);
            }
        }
        Ok(serde_json::to_string(self).expect("settings serialize"))
    }
}
