//! Idempotency-Key handling as Stripe documents it.

mod common;

use common::Api;

const FORM: &[(&str, &str)] = &[("amount", "1234"), ("currency", "usd"), ("metadata[order_id]", "42")];

#[tokio::test]
async fn replay_returns_the_first_answer() {
    let api = Api::new().await;
    let first = api.post_idem("/v1/payment_intents", FORM, "order-42-attempt-1").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("idempotent-replayed"), None);
    let second = api.post_idem("/v1/payment_intents", FORM, "order-42-attempt-1").await;
    assert_eq!(second.status, 200);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(second.header("original-request"), first.header("request-id"));
    assert_eq!(second.body, first.body);
    let list = api.get("/v1/payment_intents", &[]).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1, "one intent only");
    let created = api.events("payment_intent.created").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["request"]["idempotency_key"], "order-42-attempt-1");
}

#[tokio::test]
async fn declines_are_replayed_too() {
    let api = Api::new().await;
    let form = [("amount", "1234"), ("currency", "usd"), ("payment_method", "pm_card_chargeDeclined"), ("confirm", "true")];
    let first = api.post_idem("/v1/payment_intents", &form, "decline-1").await;
    assert_eq!(first.status, 402);
    let second = api.post_idem("/v1/payment_intents", &form, "decline-1").await;
    assert_eq!(second.status, 402);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(second.body, first.body);
}

#[tokio::test]
async fn different_parameters_are_an_idempotency_error() {
    let api = Api::new().await;
    api.post_idem("/v1/payment_intents", FORM, "k1").await;
    let other = api.post_idem("/v1/payment_intents", &[("amount", "999"), ("currency", "usd")], "k1").await;
    assert_eq!(other.status, 400);
    assert_eq!(other.error()["type"], "idempotency_error");
    assert!(other.error()["message"].as_str().unwrap().contains("k1"));
    let other_endpoint = api.post_idem("/v1/refunds", &[("payment_intent", "pi_x")], "k1").await;
    assert_eq!(other_endpoint.error()["type"], "idempotency_error");
}

#[tokio::test]
async fn keys_are_scoped_per_api_key() {
    let api = Api::new().await;
    let a = api.post_idem("/v1/payment_intents", FORM, "shared").await;
    let b = api
        .send(api.http.post(api.url("/v1/payment_intents")).bearer_auth("sk_test_another_fake_key").header("Idempotency-Key", "shared").form(FORM))
        .await;
    assert_eq!(b.status, 200);
    assert_eq!(b.header("idempotent-replayed"), None);
    assert_ne!(a.body["id"], b.body["id"]);
}

#[tokio::test]
async fn validation_failures_are_not_saved() {
    let api = Api::new().await;
    let bad = api.post_idem("/v1/payment_intents", &[("amount", "1"), ("currency", "usd")], "retry-after-fix").await;
    assert_eq!(bad.status, 400);
    let again = api.post_idem("/v1/payment_intents", &[("amount", "1"), ("currency", "usd")], "retry-after-fix").await;
    assert_eq!(again.header("idempotent-replayed"), None);
    let fixed = api.post_idem("/v1/payment_intents", FORM, "retry-after-fix").await;
    assert_eq!(fixed.status, 200, "{}", fixed.body);
}

#[tokio::test]
async fn concurrent_use_of_a_key_is_a_conflict() {
    let api = Api::new().await;
    let mut paused = api.sim.faults().pause_next_request();
    let http = api.http.clone();
    let url = api.url("/v1/payment_intents");
    let first = tokio::spawn(async move {
        http.post(url).bearer_auth(common::SECRET).header("Idempotency-Key", "busy").form(FORM).send().await.unwrap().status().as_u16()
    });
    paused.arrived().await;
    let second = api.post_idem("/v1/payment_intents", FORM, "busy").await;
    assert_eq!(second.status, 409);
    assert_eq!(second.error()["type"], "idempotency_error");
    assert_eq!(second.error()["code"], "idempotency_key_in_use");
    assert_eq!(second.header("stripe-should-retry"), Some("true"));
    paused.release();
    assert_eq!(first.await.unwrap(), 200);
    let third = api.post_idem("/v1/payment_intents", FORM, "busy").await;
    assert_eq!(third.header("idempotent-replayed"), Some("true"));
}

#[tokio::test]
async fn get_requests_ignore_the_key() {
    let api = Api::new().await;
    let r = api.send(api.http.get(api.url("/v1/account")).bearer_auth(&api.key).header("Idempotency-Key", "g")).await;
    let r2 = api.send(api.http.get(api.url("/v1/account")).bearer_auth(&api.key).header("Idempotency-Key", "g")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r2.header("idempotent-replayed"), None);
}
