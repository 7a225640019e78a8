//! Paydesk's only HTTP client for Stripe's API.
//!
//! Everything that talks to Stripe goes through [`StripeClient`]: key handling and
//! redaction, Stripe's form encoding, the pinned API version, idempotency keys, bounded
//! retries with backoff, and Stripe's errors mapped to [`StripeError`].

mod client;
mod error;
mod keys;
mod models;
mod params;
mod retry;

pub use client::{Endpoint, StripeClient};
pub use error::StripeError;
pub use keys::{ClientSecret, KeyFormatError, Mode, PublishableKey, SecretKey};
pub use models::{
    Account, ApiErrorBody, CardChecks, CardDetails, Charge, ConfirmationToken, Customer,
    CustomerSession, Event, EventData, Expandable, HasId, List, PaymentIntent,
    PaymentIntentStatus, PaymentMethod, PaymentMethodDetails, Refund, SavedCardDetails,
    SetupIntent, SetupIntentStatus,
};
pub use params::{
    CancellationReason, CaptureMethod, ConfirmPaymentIntent, CreateCustomer,
    CreateCustomerSession, CreatePaymentIntent, CreateRefund, CreateSetupIntent, ListParams,
    PaymentMethods, RefundReason, SetupUsage, UpdateCustomer, UpdatePaymentIntent,
};
pub use retry::{decide, IdempotencyKey, RetryPolicy, TryOutcome, Verdict};

pub const STRIPE_API_BASE: &str = "https://api.stripe.com";
/// Pinned so that a Dashboard upgrade of the account's default version cannot change
/// the shapes this crate reads.
pub const STRIPE_VERSION: &str = "2024-06-20";
