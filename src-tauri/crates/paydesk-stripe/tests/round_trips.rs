//! Every client call against the simulator over real HTTP.

mod common;

use common::{harness, ikey, usd, I};
use paydesk_stripe::{
    CancellationReason, CaptureMethod, ConfirmPaymentIntent, CreatePaymentIntent, CreateRefund,
    Expandable, ListParams, PaymentIntentStatus, PaymentMethods, RefundReason, RetryPolicy,
    StripeError, UpdatePaymentIntent,
};

#[tokio::test]
async fn account_and_key_probe() {
    let h = harness().await;
    let account = h
        .client
        .retrieve_account(RetryPolicy::Background)
        .await
        .unwrap();
    assert!(account.id.starts_with("acct_"));
    assert_eq!(account.country.as_deref(), Some("US"));
    assert_eq!(account.default_currency.as_deref(), Some("usd"));
    assert_eq!(account.display_name.as_deref(), Some("Paydesk Simulator"));
    h.client.probe_key(I).await.unwrap();
    assert_eq!(h.client.key_last4(), "ey_1");
    assert_eq!(h.client.mode(), paydesk_stripe::Mode::Test);
}

#[tokio::test]
async fn manual_capture_then_partial_capture_charge_and_refund() {
    let h = harness().await;
    let params = CreatePaymentIntent {
        capture_method: CaptureMethod::Manual,
        payment_methods: PaymentMethods::CardOnly,
        metadata: vec![
            ("order_id".into(), "ord_42".into()),
            ("till".into(), "front desk".into()),
        ],
        description: Some("Order 42".into()),
        statement_descriptor_suffix: Some("ORDER 42".into()),
        receipt_email: Some("customer@example.com".into()),
        ..usd(2500)
    };
    let pi = h.create(&params).await;
    assert_eq!(pi.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!(pi.capture_method, "manual");
    assert_eq!(
        pi.metadata.get("till").map(String::as_str),
        Some("front desk")
    );
    assert_eq!(pi.description.as_deref(), Some("Order 42"));
    assert!(!pi.livemode);
    let secret = pi
        .client_secret
        .as_ref()
        .expect("a secret key sees the client secret");
    assert!(secret.expose().starts_with(&format!("{}_secret_", pi.id)));

    let pi = h.confirm_with(&pi.id, "pm_card_visa").await.unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::RequiresCapture);
    assert_eq!(pi.amount_capturable, 2500);

    let pi = h
        .client
        .capture_payment_intent(&pi.id, Some(2000), &ikey(), I)
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::Succeeded);
    assert_eq!(pi.amount_received, 2000);

    let fetched = h.client.retrieve_payment_intent(&pi.id, I).await.unwrap();
    let charge = fetched
        .latest_charge_object()
        .expect("latest_charge is expanded");
    assert_eq!(charge.amount_captured, 2000);
    assert_eq!(charge.payment_intent.as_deref(), Some(pi.id.as_str()));
    let card = charge
        .payment_method_details
        .as_ref()
        .and_then(|d| d.card.as_ref())
        .expect("card details");
    assert_eq!((card.brand.as_str(), card.last4.as_str()), ("visa", "4242"));

    let refund = CreateRefund {
        payment_intent: pi.id.clone(),
        amount: Some(500),
        reason: Some(RefundReason::RequestedByCustomer),
        metadata: vec![("refund_of".into(), "ord_42".into())],
    };
    let refund = h.client.create_refund(&refund, &ikey(), I).await.unwrap();
    assert_eq!((refund.amount, refund.status.as_str()), (500, "succeeded"));
    assert_eq!(refund.reason.as_deref(), Some("requested_by_customer"));
    assert_eq!(refund.payment_intent.as_deref(), Some(pi.id.as_str()));
    let again = h.client.retrieve_refund(&refund.id, I).await.unwrap();
    assert_eq!(again.charge.as_deref(), Some(charge.id.as_str()));

    let charge = h.client.retrieve_charge(&charge.id, I).await.unwrap();
    // As at Stripe, the 500 left uncaptured counts as refunded, plus the 500 refund.
    assert_eq!(charge.amount_refunded, 1000);
    assert!(!charge.refunded);
    assert!(!charge.disputed);
}

#[tokio::test]
async fn update_then_confirm_with_automatic_payment_methods() {
    let h = harness().await;
    let pi = h
        .create(&CreatePaymentIntent {
            metadata: vec![("order_id".into(), "o1".into())],
            ..usd(1000)
        })
        .await;
    assert_eq!(pi.capture_method, "automatic");
    let update = UpdatePaymentIntent {
        amount: Some(1250),
        description: Some("with tip".into()),
        metadata: vec![("tip".into(), "250".into())],
    };
    let pi = h
        .client
        .update_payment_intent(&pi.id, &update, &ikey(), I)
        .await
        .unwrap();
    assert_eq!(pi.amount, 1250);
    assert_eq!(pi.metadata.get("order_id").map(String::as_str), Some("o1"));
    assert_eq!(pi.metadata.get("tip").map(String::as_str), Some("250"));
    let pi = h.confirm_with(&pi.id, "pm_card_mastercard").await.unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::Succeeded);
    assert_eq!(pi.amount_received, 1250);
    assert!(matches!(pi.latest_charge, Some(Expandable::Id(ref id)) if id.starts_with("ch_")));
}

#[tokio::test]
async fn create_and_confirm_in_one_call_by_phone() {
    let h = harness().await;
    let params = CreatePaymentIntent {
        payment_methods: PaymentMethods::CardOnly,
        confirm: true,
        payment_method: Some("pm_card_amex".into()),
        moto: true,
        ..usd(4200)
    };
    let pi = h.create(&params).await;
    assert_eq!(pi.status, PaymentIntentStatus::Succeeded);
}

#[tokio::test]
async fn cancel_with_reason() {
    let h = harness().await;
    let pi = h.create(&usd(700)).await;
    let pi = h
        .client
        .cancel_payment_intent(&pi.id, Some(CancellationReason::Abandoned), &ikey(), I)
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::Canceled);
    assert_eq!(pi.cancellation_reason.as_deref(), Some("abandoned"));
    let pi2 = h.create(&usd(700)).await;
    let pi2 = h
        .client
        .cancel_payment_intent(&pi2.id, None, &ikey(), I)
        .await
        .unwrap();
    assert_eq!(pi2.status, PaymentIntentStatus::Canceled);
}

#[tokio::test]
async fn list_payment_intents_paginates() {
    let h = harness().await;
    let mut ids = Vec::new();
    for amount in [100, 200, 300] {
        ids.push(h.create(&usd(amount)).await.id);
    }
    let first = h
        .client
        .list_payment_intents(
            &ListParams {
                limit: Some(2),
                ..Default::default()
            },
            I,
        )
        .await
        .unwrap();
    assert_eq!(first.data.len(), 2);
    assert!(first.has_more);
    let after = ListParams {
        limit: Some(2),
        starting_after: Some(first.data[1].id.clone()),
        ..Default::default()
    };
    let second = h.client.list_payment_intents(&after, I).await.unwrap();
    assert_eq!(second.data.len(), 1);
    assert!(!second.has_more);
    let mut seen: Vec<String> = first
        .data
        .iter()
        .chain(&second.data)
        .map(|p| p.id.clone())
        .collect();
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
    let since = ListParams {
        created_gte: Some(first.data[0].created + 1_000_000),
        ..Default::default()
    };
    assert!(h
        .client
        .list_payment_intents(&since, I)
        .await
        .unwrap()
        .data
        .is_empty());
}

#[tokio::test]
async fn events_filtered_by_type() {
    let h = harness().await;
    let pi = h.create(&usd(900)).await;
    h.confirm_with(&pi.id, "pm_card_visa").await.unwrap();
    let params = ListParams {
        types: vec!["payment_intent.succeeded".into()],
        ..Default::default()
    };
    let events = h.client.list_events(&params, I).await.unwrap();
    assert_eq!(events.data.len(), 1);
    let event = &events.data[0];
    assert!(event.id.starts_with("evt_"));
    assert_eq!(event.kind, "payment_intent.succeeded");
    assert_eq!(event.data.object["id"], pi.id.as_str());
    let all = h
        .client
        .list_events(&ListParams::default(), I)
        .await
        .unwrap();
    assert!(all.data.iter().any(|e| e.kind == "charge.succeeded"));
}

#[tokio::test]
async fn confirmation_token_confirms_a_payment() {
    let h = harness().await;
    let token = h
        .client
        .create_test_confirmation_token("pm_card_visa", &ikey(), I)
        .await
        .unwrap();
    assert!(token.id.starts_with("ctoken_"));
    let pi = h.create(&usd(1500)).await;
    let params = ConfirmPaymentIntent {
        confirmation_token: Some(token.id),
        ..Default::default()
    };
    let pi = h
        .client
        .confirm_payment_intent(&pi.id, &params, &ikey(), I)
        .await
        .unwrap();
    assert_eq!(pi.status, PaymentIntentStatus::Succeeded);

    let token = h
        .client
        .create_test_confirmation_token("pm_card_visa", &ikey(), I)
        .await
        .unwrap();
    let params = CreatePaymentIntent {
        confirm: true,
        confirmation_token: Some(token.id),
        ..usd(1600)
    };
    assert_eq!(
        h.create(&params).await.status,
        PaymentIntentStatus::Succeeded
    );
}

#[tokio::test]
async fn missing_objects_are_not_found() {
    let h = harness().await;
    let err = h
        .client
        .retrieve_payment_intent("pi_doesnotexist", I)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::NotFound { .. }), "{err:?}");
    assert_eq!(err.code(), "stripe_not_found");
    let err = h.client.retrieve_refund("re_nope", I).await.unwrap_err();
    assert!(matches!(err, StripeError::NotFound { .. }), "{err:?}");
    // Path characters in an id stay inside its path segment.
    let err = h
        .client
        .retrieve_charge("ch_x/../../v1/account", I)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn invalid_requests_carry_param_and_request_id() {
    let h = harness().await;
    let err = h
        .client
        .create_payment_intent(&usd(10), &ikey(), I)
        .await
        .unwrap_err();
    match &err {
        StripeError::InvalidRequest {
            code, request_id, ..
        } => {
            assert_eq!(code.as_deref(), Some("amount_too_small"));
            assert!(request_id.as_deref().is_some_and(|r| r.starts_with("req_")));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.cashier_message().contains("minimum"));
    let pi = h.create(&usd(500)).await;
    h.client
        .cancel_payment_intent(&pi.id, None, &ikey(), I)
        .await
        .unwrap();
    let err = h.confirm_with(&pi.id, "pm_card_visa").await.unwrap_err();
    assert!(
        matches!(&err, StripeError::InvalidRequest { code: Some(c), .. } if c == "payment_intent_unexpected_state"),
        "{err:?}"
    );
}
