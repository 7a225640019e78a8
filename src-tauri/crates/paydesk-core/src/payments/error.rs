use paydesk_stripe::StripeError;

use super::Settlement;
use crate::error::ErrorCode;
use crate::money::Money;
use crate::order::OrderStatus;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Stripe(#[from] StripeError),
    #[error("order #{number} is {status} and cannot be charged")]
    NotPayable { number: i64, status: OrderStatus },
    #[error("order #{number} has nothing to charge")]
    NothingToCharge { number: i64 },
    #[error("the total ({total}) is below Stripe's minimum charge of {minimum}")]
    BelowMinimum { total: Money, minimum: Money },
    #[error("order #{number} has no card payment yet")]
    NoPayment { number: i64 },
    #[error("order #{number} is {status}; only an authorized payment can be captured")]
    NotCapturable { number: i64, status: OrderStatus },
    #[error("capture between {} and the authorized {authorized}", Money::new(1, authorized.currency()))]
    CaptureAmount { authorized: Money },
    #[error("order #{number} is {status} and cannot be voided; refund it instead")]
    NotVoidable { number: i64, status: OrderStatus },
    #[error("order #{number} is {status}; only a paid order can be refunded")]
    NotRefundable { number: i64, status: OrderStatus },
    #[error("refund between {} and the {refundable} still refundable", Money::new(1, refundable.currency()))]
    RefundAmount { refundable: Money },
    #[error("Stripe could not make the refund{}", if reason.is_empty() { String::new() } else { format!(": {reason}") })]
    RefundFailed { reason: String },
    #[error("{} amounts are captured and refunded in steps of {step}", step.currency())]
    AmountStep { step: Money },
    #[error("a refund of order #{number} was sent but never answered, too long ago to re-send safely; check the order's refunds in the Stripe Dashboard")]
    RefundNeedsReview { number: i64 },
    #[error("test payment methods can only be used with test-mode keys")]
    TestModeOnly,
    #[error("the card form's confirmation is not a Stripe ConfirmationToken (ctoken_…); enter the card again")]
    BadConfirmationToken,
    #[error("Stripe's answer had no client secret for the Payment Element")]
    MissingClientSecret,
    /// Not a failure of the app: the card was declined. Carries the order's state.
    #[error("{}", .0.message.clone().unwrap_or_else(|| "the card was declined".to_owned()))]
    Declined(Box<Settlement>),
    #[error(transparent)]
    InvalidConsent(#[from] crate::cards::InvalidConsent),
    #[error("order #{number} has no customer; choose the customer first to save a card or charge one saved on them")]
    NoCustomer { number: i64 },
    #[error("that is not a saved card's id (pm_…); choose one of the customer's saved cards")]
    BadPaymentMethod,
    #[error("that card is not saved on this customer; list their saved cards again")]
    NotASavedCard,
    /// The saved card was declined; the order is still payable (with the card form).
    #[error("{}", .0.message.clone().unwrap_or_else(|| "the saved card was declined".to_owned()))]
    SavedCardDeclined(Box<Settlement>),
    /// The bank wants the customer to authenticate, and they are not there: the order is
    /// still payable, with the card form where they can.
    #[error("{}", .0.message.clone().unwrap_or_else(|| "the bank wants the customer to authenticate this payment".to_owned()))]
    SavedCardNeedsAuthentication(Box<Settlement>),
}

impl ErrorCode for PaymentError {
    fn code(&self) -> &'static str {
        match self {
            PaymentError::Store(error) => error.code(),
            PaymentError::Stripe(error) => error.code(),
            PaymentError::NotPayable { .. } => "order_not_payable",
            PaymentError::NothingToCharge { .. } => "nothing_to_charge",
            PaymentError::BelowMinimum { .. } => "amount_below_minimum",
            PaymentError::NoPayment { .. } => "no_payment",
            PaymentError::NotCapturable { .. } => "order_not_capturable",
            PaymentError::CaptureAmount { .. } => "capture_amount",
            PaymentError::NotVoidable { .. } => "order_not_voidable",
            PaymentError::NotRefundable { .. } => "order_not_refundable",
            PaymentError::RefundAmount { .. } => "refund_amount",
            PaymentError::RefundFailed { .. } => "refund_failed",
            PaymentError::AmountStep { .. } => "amount_step",
            PaymentError::RefundNeedsReview { .. } => "refund_needs_review",
            PaymentError::TestModeOnly => "test_mode_only",
            PaymentError::BadConfirmationToken => "invalid_confirmation_token",
            PaymentError::MissingClientSecret => "stripe_answer_incomplete",
            PaymentError::Declined(_) => "card_declined",
            PaymentError::InvalidConsent(_) => "invalid_consent",
            PaymentError::NoCustomer { .. } => "order_has_no_customer",
            PaymentError::BadPaymentMethod => "invalid_payment_method",
            PaymentError::NotASavedCard => "not_a_saved_card",
            PaymentError::SavedCardDeclined(_) => "saved_card_declined",
            PaymentError::SavedCardNeedsAuthentication(_) => "saved_card_authentication_required",
        }
    }

    fn unnamed_fault(&self) -> Option<(crate::store::Fault, String)> {
        match self {
            PaymentError::Store(error) => error.unnamed_fault(),
            _ => None,
        }
    }
}
