//! When a POST's outcome is unknown: a lost answer is not forgotten by later tries. Kept apart
//! from retries.rs, whose tests count attempts from captured logs.

mod common;

use common::{harness, ikey, usd, I};
use paydesk_stripe::StripeError;
use stripe_sim::Failure;

/// The create took effect but its answer was lost; every retry met Stripe's rate limiter,
/// which says nothing about the first try. The error must still say "may have gone
/// through", or the caller would charge again under a new key.
#[tokio::test]
async fn a_lost_answer_followed_by_rate_limits_stays_unknown() {
    let h = harness().await;
    h.sim.faults().fail_next(1, Failure::LostAnswer, None);
    h.sim.faults().fail_next(2, Failure::RateLimited, None);
    let err = h.client.create_payment_intent(&usd(1500), &ikey(), I).await.unwrap_err();
    assert!(matches!(err, StripeError::OutcomeUnknown { tries: 3, .. }), "{err:?}");
    assert!(err.outcome_unknown());
    assert_eq!(err.code(), "stripe_outcome_unknown");
    assert!(err.cashier_message().contains("may have gone through"));
    assert_eq!(h.intent_count().await, 1, "the first try did take effect");
}

/// A read has no outcome to be unsure of: the same faults on a GET are a plain rate limit.
#[tokio::test]
async fn a_read_is_never_of_unknown_outcome() {
    let h = harness().await;
    h.sim.faults().fail_next(1, Failure::LostAnswer, None);
    h.sim.faults().fail_next(2, Failure::RateLimited, None);
    let err = h.client.retrieve_account(I).await.unwrap_err();
    assert!(matches!(err, StripeError::RateLimited { .. }), "{err:?}");
}
