//! The till's settings as the Settings screen edits them: the shop's receipt header, what a
//! new sale starts with, and how payments are taken. Checked as a whole and saved in one
//! transaction, so a rejected save changes nothing.

use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::order::{Completeness, LineInput, OrderInput, TaxInput};
use crate::payments::{CaptureMode, ConfirmationFlow, PaymentMethodChoice, PaymentSettings, SettingsError as PaymentSettingsError};
use crate::store::{Store, StoreError};
use crate::text::{self, Lines};

const SHOP_KEY: &str = "shop_settings";
const MAX_BUSINESS_NAME_CHARS: usize = 100;
const MAX_ADDRESS_CHARS: usize = 500;
pub const MAX_QUICK_ITEMS: usize = 12;

/// A saved item the cashier adds with one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuickItem {
    pub description: String,
    /// As typed, in the default currency ("3.50").
    pub unit_price: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    pub business_name: String,
    pub business_address: String,
    pub default_currency: String,
    /// The tax rates a new sale starts with.
    pub taxes: Vec<TaxInput>,
    pub quick_items: Vec<QuickItem>,
    pub capture: CaptureMode,
    pub payment_methods: PaymentMethodChoice,
    pub statement_descriptor_suffix: Option<String>,
    pub confirmation: ConfirmationFlow,
}

/// The part of [`Settings`] that is not about payments, stored as one JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ShopSettings {
    business_name: String,
    business_address: String,
    default_currency: String,
    taxes: Vec<TaxInput>,
    quick_items: Vec<QuickItem>,
}

impl Default for ShopSettings {
    fn default() -> Self {
        ShopSettings {
            business_name: String::new(),
            business_address: String::new(),
            default_currency: "USD".into(),
            taxes: Vec::new(),
            quick_items: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// `field` names what the Settings screen should point at.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SettingsError {
    fn invalid(field: impl Into<String>, message: impl ToString) -> Self {
        SettingsError::Invalid { field: field.into(), message: message.to_string() }
    }
}

impl Settings {
    pub fn load(store: &Store) -> Result<Settings, StoreError> {
        let shop: ShopSettings = store
            .setting(SHOP_KEY)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let payments = PaymentSettings::load(store)?;
        Ok(Settings {
            business_name: shop.business_name,
            business_address: shop.business_address,
            default_currency: shop.default_currency,
            taxes: shop.taxes,
            quick_items: shop.quick_items,
            capture: payments.capture,
            payment_methods: payments.payment_methods,
            statement_descriptor_suffix: payments.statement_descriptor_suffix,
            confirmation: payments.confirmation,
        })
    }

    /// Checks everything, then saves everything in one transaction; returns what was saved
    /// (trimmed, currency upper-cased, an empty suffix as none).
    pub fn save(self, store: &mut Store) -> Result<Settings, SettingsError> {
        let settings = self.normalized();
        settings.check()?;
        let shop = ShopSettings {
            business_name: settings.business_name.clone(),
            business_address: settings.business_address.clone(),
            default_currency: settings.default_currency.clone(),
            taxes: settings.taxes.clone(),
            quick_items: settings.quick_items.clone(),
        };
        let payments = PaymentSettings {
            capture: settings.capture,
            payment_methods: settings.payment_methods,
            statement_descriptor_suffix: settings.statement_descriptor_suffix.clone(),
            confirmation: settings.confirmation,
        };
        let payments_json = payments.checked_json().map_err(|error| match error {
            PaymentSettingsError::BadSuffix => SettingsError::invalid("statementDescriptorSuffix", error),
            PaymentSettingsError::Store(error) => SettingsError::Store(error),
        })?;
        let shop_json = serde_json::to_string(&shop).expect("settings serialize");
        store.set_settings(&[(SHOP_KEY, &shop_json), (crate::payments::settings::KEY, &payments_json)])?;
        tracing::info!(capture = ?settings.capture, confirmation = ?settings.confirmation, "settings saved");
        Ok(settings)
    }

    fn normalized(mut self) -> Settings {
        self.business_name = self.business_name.trim().to_owned();
        self.business_address = self.business_address.trim().to_owned();
        self.default_currency = self.default_currency.trim().to_ascii_uppercase();
        self.statement_descriptor_suffix = self.statement_descriptor_suffix.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        for item in &mut self.quick_items {
            item.description = item.description.trim().to_owned();
            item.unit_price = item.unit_price.trim().to_owned();
        }
        self
    }

    fn check(&self) -> Result<(), SettingsError> {
        // Both head every receipt: what a description may not hold, they may not either.
        if let Some(problem) = text::problem(&self.business_name, MAX_BUSINESS_NAME_CHARS, Lines::One) {
            return Err(SettingsError::invalid("businessName", problem));
        }
        if let Some(problem) = text::problem(&self.business_address, MAX_ADDRESS_CHARS, Lines::Several) {
            return Err(SettingsError::invalid("businessAddress", problem));
        }
        self.default_currency
            .parse::<Currency>()
            .map_err(|error| SettingsError::invalid("defaultCurrency", error))?;
        if self.quick_items.len() > MAX_QUICK_ITEMS {
            return Err(SettingsError::invalid("quickItems", format!("at most {MAX_QUICK_ITEMS} quick items")));
        }
        // Taxes and quick items are checked exactly as a sale would check them, so anything
        // saved here can start a sale.
        let sale = OrderInput {
            currency: self.default_currency.clone(),
            lines: self
                .quick_items
                .iter()
                .map(|item| LineInput { description: item.description.clone(), quantity: 1, unit_price: item.unit_price.clone() })
                .collect(),
            taxes: self.taxes.clone(),
            ..OrderInput::default()
        };
        sale.validate(Completeness::AllowEmpty).map_err(|error| {
            let field = error.field.replacen("lines", "quickItems", 1);
            SettingsError::invalid(field, error.message)
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("paydesk.sqlite3")).unwrap();
        (dir, store)
    }

    fn coffee_shop() -> Settings {
        Settings {
            business_name: "  Corner Coffee ".into(),
            business_address: "1 Main St\nSpringfield".into(),
            default_currency: "eur".into(),
            taxes: vec![TaxInput { name: "VAT".into(), rate: "20".into(), inclusive: true }],
            quick_items: vec![QuickItem { description: "Espresso".into(), unit_price: "2.20".into() }],
            capture: CaptureMode::Manual,
            payment_methods: PaymentMethodChoice::Card,
            statement_descriptor_suffix: Some("CORNER".into()),
            confirmation: ConfirmationFlow::Server,
        }
    }

    #[test]
    fn a_fresh_till_has_defaults_and_saved_settings_come_back_normalized() {
        let (_dir, mut store) = store();
        let fresh = Settings::load(&store).unwrap();
        assert_eq!(fresh.default_currency, "USD");
        assert_eq!(fresh.capture, CaptureMode::Automatic);
        assert_eq!(fresh.confirmation, ConfirmationFlow::Window);

        let saved = coffee_shop().save(&mut store).unwrap();
        assert_eq!(saved.business_name, "Corner Coffee");
        assert_eq!(saved.default_currency, "EUR");
        assert_eq!(Settings::load(&store).unwrap(), saved);
        // The payments core reads the same capture mode and flow.
        let payments = PaymentSettings::load(&store).unwrap();
        assert_eq!(payments.capture, CaptureMode::Manual);
        assert_eq!(payments.statement_descriptor_suffix.as_deref(), Some("CORNER"));
    }

    #[test]
    fn each_bad_field_is_named_and_nothing_is_saved() {
        let (_dir, mut store) = store();
        let before = coffee_shop().save(&mut store).unwrap();
        let cases: Vec<(&str, Box<dyn Fn(&mut Settings)>)> = vec![
            ("defaultCurrency", Box::new(|s| s.default_currency = "EURO".into())),
            ("businessName", Box::new(|s| s.business_name = "x".repeat(101))),
            ("businessName", Box::new(|s| s.business_name = "Corner\u{0}Coffee".into())),
            ("businessAddress", Box::new(|s| s.business_address = "1 Main St\u{202E}".into())),
            ("taxes[0].rate", Box::new(|s| s.taxes[0].rate = "abc".into())),
            ("taxes[0].name", Box::new(|s| s.taxes[0].name = " ".into())),
            ("quickItems[0].unitPrice", Box::new(|s| s.quick_items[0].unit_price = "2.205".into())),
            ("quickItems[0].description", Box::new(|s| s.quick_items[0].description = String::new())),
            ("statementDescriptorSuffix", Box::new(|s| s.statement_descriptor_suffix = Some("<script>".into()))),
            ("quickItems", Box::new(|s| s.quick_items = vec![s.quick_items[0].clone(); 13])),
        ];
        for (field, spoil) in cases {
            let mut settings = coffee_shop();
            settings.capture = CaptureMode::Automatic;
            spoil(&mut settings);
            match settings.save(&mut store) {
                Err(SettingsError::Invalid { field: named, .. }) => assert_eq!(named, field),
                other => panic!("{field}: expected an invalid-field error, got {other:?}"),
            }
            assert_eq!(Settings::load(&store).unwrap(), before, "{field}: nothing changed");
        }
    }
}
