//! Stripe's documented test cards: every decline becomes `StripeError::Card` with the
//! documented codes and words a cashier can act on; 3-D Secure cards need an action.

mod common;

use common::{harness, ikey, usd, I};
use paydesk_stripe::{CreatePaymentIntent, PaymentIntentStatus, StripeError};

/// (PaymentMethod, code, decline_code, words the cashier message must contain)
const DECLINES: &[(&str, &str, Option<&str>, &str)] = &[
    (
        "pm_card_chargeDeclined",
        "card_declined",
        Some("generic_decline"),
        "declined",
    ),
    (
        "pm_card_chargeDeclinedInsufficientFunds",
        "card_declined",
        Some("insufficient_funds"),
        "insufficient funds",
    ),
    (
        "pm_card_chargeDeclinedLostCard",
        "card_declined",
        Some("lost_card"),
        "lost",
    ),
    (
        "pm_card_chargeDeclinedStolenCard",
        "card_declined",
        Some("stolen_card"),
        "stolen",
    ),
    (
        "pm_card_chargeDeclinedExpiredCard",
        "expired_card",
        None,
        "expired",
    ),
    (
        "pm_card_chargeDeclinedIncorrectCvc",
        "incorrect_cvc",
        None,
        "security code",
    ),
    (
        "pm_card_chargeDeclinedProcessingError",
        "processing_error",
        None,
        "could not be processed",
    ),
    (
        "pm_card_radarBlock",
        "card_declined",
        Some("fraudulent"),
        "fraud",
    ),
];

#[tokio::test]
async fn every_decline_card_is_a_card_error_with_cashier_words() {
    let h = harness().await;
    for &(pm, code, decline_code, words) in DECLINES {
        let pi = h.create(&usd(1999)).await;
        let err = h.confirm_with(&pi.id, pm).await.unwrap_err();
        let StripeError::Card {
            code: c,
            decline_code: d,
            message,
            payment_intent,
            request_id,
        } = &err
        else {
            panic!("{pm}: {err:?}");
        };
        assert_eq!(c.as_deref(), Some(code), "{pm}");
        assert_eq!(d.as_deref(), decline_code, "{pm}");
        assert!(!message.is_empty(), "{pm}");
        assert!(request_id.is_some(), "{pm}");
        let after = payment_intent
            .as_ref()
            .expect("the error carries the intent");
        assert_eq!(after.id, pi.id);
        assert_eq!(
            after.status,
            PaymentIntentStatus::RequiresPaymentMethod,
            "{pm}"
        );
        assert!(after.last_payment_error.is_some(), "{pm}");
        assert_eq!(err.code(), "card_declined");
        let words_seen = err.cashier_message();
        assert!(words_seen.contains(words), "{pm}: {words_seen}");
        assert!(words_seen.ends_with('.'), "{pm}: {words_seen}");

        // After a decline the same intent takes another card.
        let retried = h.confirm_with(&pi.id, "pm_card_visa").await.unwrap();
        assert_eq!(retried.status, PaymentIntentStatus::Succeeded, "{pm}");
    }
}

#[tokio::test]
async fn decline_on_create_with_confirm() {
    let h = harness().await;
    let params = CreatePaymentIntent {
        confirm: true,
        payment_method: Some("pm_card_chargeDeclinedInsufficientFunds".into()),
        ..usd(5000)
    };
    let err = h
        .client
        .create_payment_intent(&params, &ikey(), I)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StripeError::Card { decline_code: Some(d), .. } if d == "insufficient_funds"),
        "{err:?}"
    );
    assert_eq!(
        err.cashier_message(),
        "The card was declined for insufficient funds. Ask for another card."
    );
}

#[tokio::test]
async fn three_d_secure_cards_require_action() {
    let h = harness().await;
    for pm in [
        "pm_card_threeDSecure2Required",
        "pm_card_authenticationRequired",
    ] {
        let pi = h.create(&usd(3000)).await;
        let pi = h.confirm_with(&pi.id, pm).await.unwrap();
        assert_eq!(pi.status, PaymentIntentStatus::RequiresAction, "{pm}");
        assert_eq!(pi.next_action_type(), Some("use_stripe_sdk"), "{pm}");
    }
    let pi = h.create(&usd(3000)).await;
    let pi = h
        .confirm_with(&pi.id, "pm_card_threeDSecureOptional")
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::Succeeded);
}

#[tokio::test]
async fn refund_of_refund_fail_card_reports_failed_later() {
    let h = harness().await;
    let pi = h.create(&usd(800)).await;
    let pi = h.confirm_with(&pi.id, "pm_card_refundFail").await.unwrap();
    let params = paydesk_stripe::CreateRefund {
        payment_intent: pi.id.clone(),
        ..Default::default()
    };
    let refund = h.client.create_refund(&params, &ikey(), I).await.unwrap();
    assert_eq!(refund.status, "succeeded");
    let later = h.client.retrieve_refund(&refund.id, I).await.unwrap();
    assert_eq!(later.status, "failed");
    assert_eq!(
        later.failure_reason.as_deref(),
        Some("expired_or_canceled_card")
    );
}
