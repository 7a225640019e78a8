//! Typed views of the Stripe objects Paydesk reads. Every field Paydesk does not need is
//! ignored, and enums have a catch-all, so a newer API version cannot break parsing.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::keys::ClientSecret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentIntentStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    RequiresCapture,
    Succeeded,
    Canceled,
    /// A status this version of Paydesk does not know; kept verbatim.
    Unknown(String),
}

impl PaymentIntentStatus {
    pub fn as_str(&self) -> &str {
        match self {
            PaymentIntentStatus::RequiresPaymentMethod => "requires_payment_method",
            PaymentIntentStatus::RequiresConfirmation => "requires_confirmation",
            PaymentIntentStatus::RequiresAction => "requires_action",
            PaymentIntentStatus::Processing => "processing",
            PaymentIntentStatus::RequiresCapture => "requires_capture",
            PaymentIntentStatus::Succeeded => "succeeded",
            PaymentIntentStatus::Canceled => "canceled",
            PaymentIntentStatus::Unknown(s) => s,
        }
    }
}

impl From<&str> for PaymentIntentStatus {
    fn from(s: &str) -> Self {
        match s {
            "requires_payment_method" => PaymentIntentStatus::RequiresPaymentMethod,
            "requires_confirmation" => PaymentIntentStatus::RequiresConfirmation,
            "requires_action" => PaymentIntentStatus::RequiresAction,
            "processing" => PaymentIntentStatus::Processing,
            "requires_capture" => PaymentIntentStatus::RequiresCapture,
            "succeeded" => PaymentIntentStatus::Succeeded,
            "canceled" => PaymentIntentStatus::Canceled,
            other => PaymentIntentStatus::Unknown(other.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for PaymentIntentStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(PaymentIntentStatus::from(String::deserialize(d)?.as_str()))
    }
}

/// A field Stripe returns as an id unless it was expanded with `expand[]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    Id(String),
    Object(Box<T>),
}

impl<T: HasId> Expandable<T> {
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(o) => o.id(),
        }
    }

    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(o) => Some(o),
        }
    }
}

pub trait HasId {
    fn id(&self) -> &str;
}

/// Stripe sends `null` for absent collections in places; treat it like empty.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub amount_capturable: i64,
    #[serde(default)]
    pub amount_received: i64,
    pub currency: String,
    pub status: PaymentIntentStatus,
    #[serde(default)]
    pub client_secret: Option<ClientSecret>,
    #[serde(default)]
    pub capture_method: String,
    #[serde(default)]
    pub latest_charge: Option<Expandable<Charge>>,
    #[serde(default)]
    pub last_payment_error: Option<ApiErrorBody>,
    #[serde(default)]
    pub next_action: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub livemode: bool,
    #[serde(default)]
    pub cancellation_reason: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_method: Option<String>,
    /// `off_session` or `on_session` when the card is to be saved once the payment succeeds.
    #[serde(default)]
    pub setup_future_usage: Option<String>,
}

impl HasId for PaymentIntent {
    fn id(&self) -> &str {
        &self.id
    }
}

impl PaymentIntent {
    /// The expanded latest charge, when the intent was fetched with `expand[]=latest_charge`.
    pub fn latest_charge_object(&self) -> Option<&Charge> {
        self.latest_charge.as_ref().and_then(Expandable::as_object)
    }

    /// `next_action.type`, e.g. `use_stripe_sdk` or `redirect_to_url`.
    pub fn next_action_type(&self) -> Option<&str> {
        self.next_action.as_ref()?.get("type")?.as_str()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Charge {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub amount_captured: i64,
    #[serde(default)]
    pub amount_refunded: i64,
    #[serde(default)]
    pub refunded: bool,
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_intent: Option<String>,
    #[serde(default)]
    pub payment_method_details: Option<PaymentMethodDetails>,
    #[serde(default)]
    pub disputed: bool,
    #[serde(default)]
    pub created: i64,
}

impl HasId for Charge {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethodDetails {
    #[serde(default)]
    pub card: Option<CardDetails>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CardDetails {
    #[serde(default)]
    pub brand: String,
    #[serde(default)]
    pub last4: String,
    #[serde(default)]
    pub checks: Option<CardChecks>,
}

/// What the card's issuer said of the CVC, postal code and first address line given with
/// it: `pass`, `fail`, `unavailable` or `unchecked`, or nothing when none was given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CardChecks {
    #[serde(default)]
    pub cvc_check: Option<String>,
    #[serde(default)]
    pub address_postal_code_check: Option<String>,
    #[serde(default)]
    pub address_line1_check: Option<String>,
}

/// A Stripe Customer. A deleted one reads back as only its id and `deleted: true`.
#[derive(Debug, Clone, Deserialize)]
pub struct Customer {
    pub id: String,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub livemode: bool,
}

impl HasId for Customer {
    fn id(&self) -> &str {
        &self.id
    }
}

/// A saved (or single-use) payment method; only cards are read.
#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    #[serde(default)]
    pub card: Option<SavedCardDetails>,
    #[serde(default)]
    pub created: i64,
}

impl HasId for PaymentMethod {
    fn id(&self) -> &str {
        &self.id
    }
}

/// What a saved card shows of itself: enough to recognise it, never enough to use it.
#[derive(Debug, Clone, Deserialize)]
pub struct SavedCardDetails {
    #[serde(default)]
    pub brand: String,
    #[serde(default)]
    pub last4: String,
    #[serde(default)]
    pub exp_month: i64,
    #[serde(default)]
    pub exp_year: i64,
    #[serde(default)]
    pub checks: Option<CardChecks>,
}

/// Lets the Payment Element show a customer's saved cards and the save checkbox. Its client
/// secret goes to the window only, like a PaymentIntent's.
#[derive(Debug, Clone, Deserialize)]
pub struct CustomerSession {
    pub client_secret: ClientSecret,
    pub customer: String,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupIntentStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    Succeeded,
    Canceled,
    Unknown(String),
}

impl SetupIntentStatus {
    const KNOWN: [SetupIntentStatus; 6] = [
        SetupIntentStatus::RequiresPaymentMethod,
        SetupIntentStatus::RequiresConfirmation,
        SetupIntentStatus::RequiresAction,
        SetupIntentStatus::Processing,
        SetupIntentStatus::Succeeded,
        SetupIntentStatus::Canceled,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            SetupIntentStatus::RequiresPaymentMethod => "requires_payment_method",
            SetupIntentStatus::RequiresConfirmation => "requires_confirmation",
            SetupIntentStatus::RequiresAction => "requires_action",
            SetupIntentStatus::Processing => "processing",
            SetupIntentStatus::Succeeded => "succeeded",
            SetupIntentStatus::Canceled => "canceled",
            SetupIntentStatus::Unknown(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for SetupIntentStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(SetupIntentStatus::KNOWN
            .into_iter()
            .find(|known| known.as_str() == text)
            .unwrap_or(SetupIntentStatus::Unknown(text)))
    }
}

/// Saves a card without a sale ("Add card" on a customer).
#[derive(Debug, Clone, Deserialize)]
pub struct SetupIntent {
    pub id: String,
    pub status: SetupIntentStatus,
    #[serde(default)]
    pub client_secret: Option<ClientSecret>,
    #[serde(default, deserialize_with = "id_or_object")]
    pub customer: Option<String>,
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_method: Option<String>,
    #[serde(default)]
    pub usage: String,
    #[serde(default)]
    pub last_setup_error: Option<ApiErrorBody>,
    #[serde(default)]
    pub next_action: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub created: i64,
}

impl HasId for SetupIntent {
    fn id(&self) -> &str {
        &self.id
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default, deserialize_with = "id_or_object")]
    pub charge: Option<String>,
    #[serde(default, deserialize_with = "id_or_object")]
    pub payment_intent: Option<String>,
    #[serde(default)]
    pub failure_reason: Option<String>,
    #[serde(default)]
    pub created: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: BTreeMap<String, String>,
}

/// Reads an expandable reference as its id whether or not it came back expanded.
fn id_or_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ref {
        Id(String),
        Object { id: String },
    }
    Ok(Option::<Ref>::deserialize(d)?.map(|r| match r {
        Ref::Id(id) | Ref::Object { id } => id,
    }))
}

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub created: i64,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub country: Option<String>,
    pub default_currency: Option<String>,
    /// The Dashboard display name, else the public business name.
    pub display_name: Option<String>,
}

impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Named {
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            display_name: Option<String>,
        }
        #[derive(Deserialize)]
        struct Settings {
            #[serde(default)]
            dashboard: Option<Named>,
        }
        #[derive(Deserialize)]
        struct Raw {
            id: String,
            #[serde(default)]
            country: Option<String>,
            #[serde(default)]
            default_currency: Option<String>,
            #[serde(default)]
            settings: Option<Settings>,
            #[serde(default)]
            business_profile: Option<Named>,
        }
        let raw = Raw::deserialize(d)?;
        let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let display_name = non_empty(
            raw.settings
                .and_then(|s| s.dashboard)
                .and_then(|d| d.display_name),
        )
        .or_else(|| non_empty(raw.business_profile.and_then(|b| b.name)));
        Ok(Account {
            id: raw.id,
            country: raw.country,
            default_currency: raw.default_currency,
            display_name,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ConfirmationToken {
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub has_more: bool,
    /// Search results page by this token instead of `starting_after`.
    #[serde(default)]
    pub next_page: Option<String>,
}

/// The body of Stripe's `{"error": {...}}`, also found as a PaymentIntent's
/// `last_payment_error`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiErrorBody {
    // Defaulted: an intent whose last error lacks a type must still be readable, or its
    // order could never be settled.
    #[serde(rename = "type", default)]
    pub r#type: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub decline_code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub param: Option<String>,
    #[serde(default)]
    pub payment_intent: Option<Box<PaymentIntent>>,
    #[serde(default)]
    pub doc_url: Option<String>,
}
