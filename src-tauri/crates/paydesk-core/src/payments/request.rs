//! The create request of one payment attempt, kept as JSON beside its idempotency key so
//! it can be re-sent exactly as first sent.

use paydesk_stripe::{CaptureMethod, CreatePaymentIntent, PaymentMethods, SetupUsage};
use serde::{Deserialize, Serialize};

use super::settings::{CaptureMode, PaymentMethodChoice, PaymentSettings};
use super::{Confirmation, Flow};
use crate::store::Order;

/// Stripe keeps descriptions to 1,000 characters.
const MAX_DESCRIPTION: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRequest {
    pub amount: i64,
    pub currency: String,
    pub manual_capture: bool,
    pub automatic_payment_methods: bool,
    pub metadata: Vec<(String, String)>,
    pub description: String,
    pub statement_descriptor_suffix: Option<String>,
    pub receipt_email: Option<String>,
    pub confirm: bool,
    pub payment_method: Option<String>,
    pub confirmation_token: Option<String>,
    pub moto: bool,
    // Defaulted: requests stored before cards on file read back as they were sent.
    /// The Stripe Customer paying, for a card to be saved on them or charged from them.
    #[serde(default)]
    pub customer: Option<String>,
    /// Save the card on `customer` for payments without them: the only use Paydesk asks
    /// for, the one a phone order's MOTO payment allows.
    #[serde(default)]
    pub save_off_session: bool,
    /// A saved card charged for a payment the customer authorized earlier.
    #[serde(default)]
    pub off_session: bool,
}

impl AttemptRequest {
    pub(crate) fn for_order(order: &Order, settings: &PaymentSettings, flow: Flow, confirmation: Option<(Confirmation, bool)>) -> Self {
        let mut description = format!("Order #{} — {}", order.number, order.summary);
        if description.chars().count() > MAX_DESCRIPTION {
            description = description.chars().take(MAX_DESCRIPTION - 1).collect::<String>() + "…";
        }
        let (payment_method, confirmation_token, moto) = match confirmation {
            Some((Confirmation::PaymentMethod(method), moto)) => (Some(method), None, moto),
            Some((Confirmation::Token(token), moto)) => (None, Some(token), moto),
            None => (None, None, false),
        };
        AttemptRequest {
            // Always the total the core computed from the stored order: nothing else sets it.
            amount: order.quote.total.minor(),
            currency: order.quote.total.currency().stripe_code(),
            manual_capture: settings.capture == CaptureMode::Manual,
            automatic_payment_methods: settings.payment_methods == PaymentMethodChoice::Automatic,
            metadata: vec![
                ("order_id".into(), order.id.to_string()),
                ("order_number".into(), order.number.to_string()),
                ("flow".into(), flow.as_str().into()),
            ],
            description,
            statement_descriptor_suffix: settings.statement_descriptor_suffix.clone(),
            receipt_email: order.spec.customer_email.clone(),
            confirm: flow == Flow::Server,
            payment_method,
            confirmation_token,
            moto,
            customer: None,
            save_off_session: false,
            off_session: false,
        }
    }

    /// The request for a payment of `customer` (a Stripe Customer id): saving its card for
    /// later, or charging one saved on them off-session.
    pub(crate) fn for_customer(self, customer: &str, save: bool, off_session: bool) -> Self {
        AttemptRequest { customer: Some(customer.to_owned()), save_off_session: save, off_session, ..self }
    }

    pub fn to_params(&self) -> CreatePaymentIntent {
        CreatePaymentIntent {
            amount: self.amount,
            currency: self.currency.clone(),
            capture_method: if self.manual_capture { CaptureMethod::Manual } else { CaptureMethod::Automatic },
            payment_methods: if self.automatic_payment_methods { PaymentMethods::Automatic } else { PaymentMethods::CardOnly },
            metadata: self.metadata.clone(),
            description: Some(self.description.clone()),
            statement_descriptor_suffix: self.statement_descriptor_suffix.clone(),
            receipt_email: self.receipt_email.clone(),
            confirm: self.confirm,
            payment_method: self.payment_method.clone(),
            confirmation_token: self.confirmation_token.clone(),
            moto: self.moto,
            return_url: None,
            customer: self.customer.clone(),
            setup_future_usage: self.save_off_session.then_some(SetupUsage::OffSession),
            off_session: self.off_session,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a request of strings and numbers serializes")
    }

    pub fn from_json(json: &str) -> Option<AttemptRequest> {
        serde_json::from_str(json).ok()
    }
}

/// A refund request, kept as JSON beside its idempotency key so it can be re-sent exactly
/// as first sent; the key is also in its metadata, to find it after Stripe forgets the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRequest {
    pub payment_intent: String,
    pub amount: i64,
    pub reason: Option<String>,
    pub metadata: Vec<(String, String)>,
}

impl RefundRequest {
    pub fn to_params(&self) -> paydesk_stripe::CreateRefund {
        paydesk_stripe::CreateRefund {
            payment_intent: self.payment_intent.clone(),
            amount: Some(self.amount),
            reason: self.reason.as_deref().and_then(refund_reason),
            metadata: self.metadata.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a request of strings and numbers serializes")
    }

    pub fn from_json(json: &str) -> Option<RefundRequest> {
        serde_json::from_str(json).ok()
    }
}

pub(crate) fn refund_reason(text: &str) -> Option<paydesk_stripe::RefundReason> {
    use paydesk_stripe::RefundReason;
    [RefundReason::Duplicate, RefundReason::Fraudulent, RefundReason::RequestedByCustomer]
        .into_iter()
        .find(|reason| reason.as_str() == text)
}
