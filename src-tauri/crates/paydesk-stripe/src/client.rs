//! The HTTP client.

use std::sync::Arc;

use crate::error::StripeError;
use crate::keys::{Mode, SecretKey};
use crate::models::{Account, Charge, ConfirmationToken, Event, List, PaymentIntent, Refund};
use crate::params::{CancellationReason, ConfirmPaymentIntent, CreatePaymentIntent, CreateRefund, ListParams, UpdatePaymentIntent};
use crate::retry::{IdempotencyKey, RetryPolicy};

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Stripe,
    Loopback(String),
}

impl Endpoint {
    pub fn loopback(url: &str) -> Result<Endpoint, StripeError> {
        let _ = url;
        todo!()
    }
}

#[derive(Clone)]
pub struct StripeClient {
    inner: Arc<Inner>,
}

struct Inner {
    key: SecretKey,
}

impl StripeClient {
    pub fn new(key: SecretKey, endpoint: Endpoint) -> Result<StripeClient, StripeError> {
        let _ = endpoint;
        Ok(StripeClient { inner: Arc::new(Inner { key }) })
    }
    pub fn mode(&self) -> Mode {
        self.inner.key.mode()
    }
    pub fn key_last4(&self) -> String {
        self.inner.key.last4()
    }
    pub async fn retrieve_account(&self, policy: RetryPolicy) -> Result<Account, StripeError> {
        todo!("{policy:?}")
    }
    pub async fn probe_key(&self, policy: RetryPolicy) -> Result<(), StripeError> {
        todo!("{policy:?}")
    }
    pub async fn create_payment_intent(&self, params: &CreatePaymentIntent, key: &IdempotencyKey, policy: RetryPolicy) -> Result<PaymentIntent, StripeError> {
        todo!("{params:?}{key}{policy:?}")
    }
    pub async fn retrieve_payment_intent(&self, id: &str, policy: RetryPolicy) -> Result<PaymentIntent, StripeError> {
        todo!("{id}{policy:?}")
    }
    pub async fn update_payment_intent(&self, id: &str, params: &UpdatePaymentIntent, key: &IdempotencyKey, policy: RetryPolicy) -> Result<PaymentIntent, StripeError> {
        todo!("{id}{params:?}{key}{policy:?}")
    }
    pub async fn confirm_payment_intent(&self, id: &str, params: &ConfirmPaymentIntent, key: &IdempotencyKey, policy: RetryPolicy) -> Result<PaymentIntent, StripeError> {
        todo!("{id}{params:?}{key}{policy:?}")
    }
    pub async fn capture_payment_intent(&self, id: &str, amount_to_capture: Option<i64>, key: &IdempotencyKey, policy: RetryPolicy) -> Result<PaymentIntent, StripeError> {
        todo!("{id}{amount_to_capture:?}{key}{policy:?}")
    }
    pub async fn cancel_payment_intent(&self, id: &str, reason: Option<CancellationReason>, key: &IdempotencyKey, policy: RetryPolicy) -> Result<PaymentIntent, StripeError> {
        todo!("{id}{reason:?}{key}{policy:?}")
    }
    pub async fn list_payment_intents(&self, params: &ListParams, policy: RetryPolicy) -> Result<List<PaymentIntent>, StripeError> {
        todo!("{params:?}{policy:?}")
    }
    pub async fn create_refund(&self, params: &CreateRefund, key: &IdempotencyKey, policy: RetryPolicy) -> Result<Refund, StripeError> {
        todo!("{params:?}{key}{policy:?}")
    }
    pub async fn retrieve_refund(&self, id: &str, policy: RetryPolicy) -> Result<Refund, StripeError> {
        todo!("{id}{policy:?}")
    }
    pub async fn retrieve_charge(&self, id: &str, policy: RetryPolicy) -> Result<Charge, StripeError> {
        todo!("{id}{policy:?}")
    }
    pub async fn list_events(&self, params: &ListParams, policy: RetryPolicy) -> Result<List<Event>, StripeError> {
        todo!("{params:?}{policy:?}")
    }
    pub async fn create_test_confirmation_token(&self, payment_method: &str, key: &IdempotencyKey, policy: RetryPolicy) -> Result<ConfirmationToken, StripeError> {
        todo!("{payment_method}{key}{policy:?}")
    }
}
