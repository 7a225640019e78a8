//! What is retried, how often, and that retries of one POST are applied once.

mod common;

use common::{client_for, harness, ikey, usd, Logs, I};
use paydesk_stripe::{IdempotencyKey, PaymentIntentStatus, RetryPolicy, StripeError};
use stripe_sim::Failure;

#[tokio::test]
async fn server_errors_are_retried_with_the_same_key_and_applied_once() {
    let h = harness().await;
    let (logs, _guard) = Logs::capture();
    h.sim.faults().fail_next(2, Failure::ServerError, None);
    let pi = h
        .client
        .create_payment_intent(&usd(1000), &ikey(), I)
        .await
        .unwrap();
    assert_eq!(logs.attempts(), 3);
    assert_eq!(h.intent_count().await, 1);
    assert_eq!(
        h.client
            .retrieve_payment_intent(&pi.id, I)
            .await
            .unwrap()
            .amount,
        1000
    );
}

#[tokio::test]
async fn rate_limits_are_retried() {
    let h = harness().await;
    let (logs, _guard) = Logs::capture();
    h.sim.faults().fail_next(2, Failure::RateLimited, None);
    h.client.retrieve_account(I).await.unwrap();
    assert_eq!(logs.attempts(), 3);
}

#[tokio::test]
async fn should_retry_false_is_never_retried() {
    let h = harness().await;
    let (logs, _guard) = Logs::capture();
    h.sim
        .faults()
        .fail_next(1, Failure::ServerError, Some(false));
    let err = h
        .client
        .create_payment_intent(&usd(1000), &ikey(), I)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StripeError::Api { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(logs.attempts(), 1);

    h.sim
        .faults()
        .fail_next(1, Failure::RateLimited, Some(false));
    let err = h.client.retrieve_account(I).await.unwrap_err();
    assert!(matches!(err, StripeError::RateLimited { .. }), "{err:?}");
    assert_eq!(logs.attempts(), 2);
    assert_eq!(h.intent_count().await, 0);
}

#[tokio::test]
async fn exhausted_retries_surface_the_last_error() {
    let h = harness().await;
    let (logs, _guard) = Logs::capture();
    h.sim.faults().fail_next(3, Failure::ServerError, None);
    let err = h
        .client
        .create_payment_intent(&usd(1000), &ikey(), I)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StripeError::Api { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), "stripe_api");
    assert!(err.outcome_unknown());
    assert_eq!(logs.attempts(), 3, "Interactive: one try and two retries");

    h.sim.faults().fail_next(6, Failure::RateLimited, None);
    let err = h
        .client
        .retrieve_account(RetryPolicy::Background)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::RateLimited { .. }), "{err:?}");
    assert_eq!(err.code(), "stripe_rate_limited");
    assert_eq!(
        logs.attempts(),
        3 + 6,
        "Background: one try and five retries"
    );
    assert_eq!(h.intent_count().await, 0);
}

#[tokio::test]
async fn lost_response_is_retried_and_replayed_not_duplicated() {
    let h = harness().await;
    let (logs, _guard) = Logs::capture();
    h.sim.faults().lose_next_responses(1);
    let pi = h
        .client
        .create_payment_intent(&usd(1234), &ikey(), I)
        .await
        .unwrap();
    assert_eq!(logs.attempts(), 2);
    let all = h
        .client
        .list_payment_intents(&Default::default(), I)
        .await
        .unwrap();
    assert_eq!(all.data.len(), 1);
    assert_eq!(all.data[0].id, pi.id);

    h.sim.faults().lose_next_responses(1);
    let confirmed = h.confirm_with(&pi.id, "pm_card_visa").await.unwrap();
    assert_eq!(confirmed.status, PaymentIntentStatus::Succeeded);
    let events = h
        .client
        .list_events(
            &paydesk_stripe::ListParams {
                types: vec!["charge.succeeded".into()],
                ..Default::default()
            },
            I,
        )
        .await
        .unwrap();
    assert_eq!(
        events.data.len(),
        1,
        "one charge despite the retried confirm"
    );
}

#[tokio::test]
async fn responses_lost_on_every_attempt_leave_the_outcome_unknown() {
    let h = harness().await;
    // The simulator drops only answers it computed afresh, never idempotent replays, so
    // losing every attempt is shown on a GET.
    h.sim.faults().lose_next_responses(3);
    let err = h.client.retrieve_account(I).await.unwrap_err();
    assert!(
        matches!(
            err,
            StripeError::Connection {
                request_may_have_reached_stripe: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.outcome_unknown());
    assert!(err.cashier_message().contains("may have gone through"));
    h.client.retrieve_account(I).await.unwrap();
}

#[tokio::test]
async fn a_persisted_key_replays_the_original_answer() {
    let h = harness().await;
    let key = IdempotencyKey::new();
    h.sim.faults().lose_next_responses(1);
    let pi = h
        .client
        .create_payment_intent(&usd(1000), &key, I)
        .await
        .unwrap();
    // As after a restart: the same key, read back from storage.
    let persisted = IdempotencyKey::from_persisted(key.to_string());
    let again = h
        .client
        .create_payment_intent(&usd(1000), &persisted, I)
        .await
        .unwrap();
    assert_eq!(again.id, pi.id);
    assert_eq!(h.intent_count().await, 1);
}

#[tokio::test]
async fn nothing_listening_is_still_a_connection_error_of_unknown_outcome() {
    // A refused connection may be the HTTP stack's retry of a request already written on a
    // pooled connection that died: the client cannot tell, so it never claims "not sent".
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = client_for(&format!("http://127.0.0.1:{port}"));
    let (logs, _guard) = Logs::capture();
    let err = client
        .create_payment_intent(&usd(1000), &ikey(), I)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StripeError::Connection {
                request_may_have_reached_stripe: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), "stripe_connection");
    assert!(err.outcome_unknown());
    assert_eq!(logs.attempts(), 3);
    assert!(err.cashier_message().contains("may have gone through"));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let h = harness().await;
    let (logs, _guard) = Logs::capture();
    let err = h
        .client
        .create_payment_intent(&usd(1), &ikey(), I)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::InvalidRequest { .. }), "{err:?}");
    assert_eq!(logs.attempts(), 1);
    let err = h
        .client
        .retrieve_payment_intent("pi_missing", RetryPolicy::Background)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::NotFound { .. }), "{err:?}");
    assert_eq!(logs.attempts(), 2);
    let pi = h.create(&usd(1000)).await;
    let err = h
        .confirm_with(&pi.id, "pm_card_chargeDeclined")
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::Card { .. }), "{err:?}");
    assert_eq!(logs.attempts(), 4);
}

#[tokio::test]
async fn reusing_a_key_with_other_parameters_is_an_idempotency_error() {
    let h = harness().await;
    let key = ikey();
    h.client
        .create_payment_intent(&usd(1000), &key, I)
        .await
        .unwrap();
    let err = h
        .client
        .create_payment_intent(&usd(2000), &key, I)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::Idempotency { .. }), "{err:?}");
    assert_eq!(err.code(), "stripe_idempotency");
    assert_eq!(h.intent_count().await, 1);
}

#[tokio::test]
async fn a_request_still_running_under_the_same_key_is_a_conflict_retried_then_reported() {
    let h = harness().await;
    let key = ikey();
    let mut paused = h.sim.faults().pause_next_request();
    let first = {
        let client = h.client.clone();
        let key = key.clone();
        tokio::spawn(async move { client.create_payment_intent(&usd(1000), &key, I).await })
    };
    paused.arrived().await;
    let (logs, guard) = Logs::capture();
    let err = h
        .client
        .create_payment_intent(&usd(1000), &key, I)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::Idempotency { .. }), "{err:?}");
    assert!(err.outcome_unknown(), "the first request may still succeed");
    assert_eq!(logs.attempts(), 3, "409 is retried");
    drop(guard);
    paused.release();
    let pi = first.await.unwrap().unwrap();
    let replayed = h
        .client
        .create_payment_intent(&usd(1000), &key, I)
        .await
        .unwrap();
    assert_eq!(replayed.id, pi.id);
    assert_eq!(h.intent_count().await, 1);
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried() {
    let h = harness().await;
    let client = h
        .client
        .clone()
        .with_attempt_timeout(std::time::Duration::from_millis(50));
    let (logs, _guard) = Logs::capture();
    let mut paused = h.sim.faults().pause_next_request();
    let account = client.retrieve_account(I).await.unwrap();
    assert!(account.id.starts_with("acct_"));
    paused.arrived().await;
    let lines = logs.lines().join("\n");
    assert!(
        lines.contains("timed out") && lines.contains("may_have_reached=true"),
        "{lines}"
    );
    assert_eq!(logs.attempts(), 2);
    paused.release();
}

#[tokio::test]
async fn a_timed_out_post_meets_its_own_request_in_flight_and_is_applied_once() {
    let h = harness().await;
    let client = h
        .client
        .clone()
        .with_attempt_timeout(std::time::Duration::from_millis(50));
    let (logs, _guard) = Logs::capture();
    let key = ikey();
    let mut paused = h.sim.faults().pause_next_request();
    // Stripe carries on with a request whose caller gave up: every retry under the same
    // key meets it still in flight (409), and the outcome is reported as unknown.
    let err = client.create_payment_intent(&usd(1000), &key, I).await.unwrap_err();
    assert!(matches!(err, StripeError::Idempotency { .. }) && err.outcome_unknown(), "{err:?}");
    assert!(logs.lines().join("\n").contains("timed out"));
    paused.arrived().await;
    paused.release();
    // Once Stripe has finished it, the same key replays the one intent it made.
    let mut replayed = None;
    for _ in 0..200 {
        match client.create_payment_intent(&usd(1000), &key, I).await {
            Ok(pi) => {
                replayed = Some(pi);
                break;
            }
            Err(StripeError::Idempotency { .. }) => tokio::task::yield_now().await,
            Err(other) => panic!("{other:?}"),
        }
    }
    let pi = replayed.expect("the first request completes once released");
    assert_eq!(h.intent_count().await, 1);
    assert_eq!(h.client.retrieve_payment_intent(&pi.id, I).await.unwrap().amount, 1000);
}

#[tokio::test]
async fn an_unsendable_key_fails_at_once_without_retries() {
    let h = harness().await;
    let (logs, _guard) = Logs::capture();
    let bad = IdempotencyKey::from_persisted("line\nbreak".into());
    let err = h
        .client
        .create_payment_intent(&usd(1000), &bad, I)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::Configuration { .. }), "{err:?}");
    assert_eq!(logs.attempts(), 0);
    assert_eq!(h.intent_count().await, 0);
}
