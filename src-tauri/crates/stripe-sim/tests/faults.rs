//! Fault injection through the library API.

mod common;

use std::time::{Duration, Instant};

use common::Api;
use stripe_sim::Failure;

#[tokio::test]
async fn next_requests_fail_with_500_then_recover() {
    let api = Api::new().await;
    api.sim.faults().fail_next(2, Failure::ServerError, Some(true));
    for _ in 0..2 {
        let r = api.get("/v1/account", &[]).await;
        assert_eq!(r.status, 500);
        assert_eq!(r.error()["type"], "api_error");
        assert_eq!(r.header("stripe-should-retry"), Some("true"));
    }
    assert_eq!(api.get("/v1/account", &[]).await.status, 200);
}

#[tokio::test]
async fn injected_429_with_and_without_retry_advice() {
    let api = Api::new().await;
    api.sim.faults().fail_next(1, Failure::RateLimited, Some(false));
    api.sim.faults().fail_next(1, Failure::RateLimited, None);
    let a = api.get("/v1/account", &[]).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.error()["code"], "rate_limit");
    assert_eq!(a.header("stripe-should-retry"), Some("false"));
    let b = api.get("/v1/account", &[]).await;
    assert_eq!(b.status, 429);
    assert_eq!(b.header("stripe-should-retry"), None);
}

#[tokio::test]
async fn failed_requests_have_no_effect_and_are_not_saved() {
    let api = Api::new().await;
    api.sim.faults().fail_next(1, Failure::ServerError, Some(true));
    let r = api.post_idem("/v1/payment_intents", &[("amount", "500"), ("currency", "usd")], "k").await;
    assert_eq!(r.status, 500);
    assert_eq!(api.get("/v1/payment_intents", &[]).await.body["data"].as_array().unwrap().len(), 0);
    let retry = api.post_idem("/v1/payment_intents", &[("amount", "500"), ("currency", "usd")], "k").await;
    assert_eq!(retry.status, 200);
    assert_eq!(retry.header("idempotent-replayed"), None);
}

#[tokio::test]
async fn delayed_responses() {
    let api = Api::new().await;
    api.sim.faults().set_delay(Some(Duration::from_millis(300)));
    let started = Instant::now();
    assert_eq!(api.get("/v1/account", &[]).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300), "the answer waited at least the delay");
    api.sim.faults().set_delay(None);
}

#[tokio::test]
async fn lost_response_applies_the_effect_then_drops_the_connection() {
    let api = Api::new().await;
    api.sim.faults().lose_next_responses(1);
    let form = [("amount", "2500"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true")];
    let lost = api.http.post(api.url("/v1/payment_intents")).bearer_auth(&api.key).header("Idempotency-Key", "lost-1").form(&form).send().await;
    assert!(lost.is_err(), "no answer: {lost:?}");
    let list = api.get("/v1/payment_intents", &[]).await;
    let data = list.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "the payment happened");
    assert_eq!(data[0]["status"], "succeeded");
    let retry = api.post_idem("/v1/payment_intents", &form, "lost-1").await;
    assert_eq!(retry.status, 200);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.body["id"], data[0]["id"]);
}

#[tokio::test]
async fn requests_per_second_limit() {
    let api = Api::new().await;
    api.sim.faults().set_rate_limit(Some(1));
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(api.get("/v1/account", &[]).await.status);
    }
    assert_eq!(statuses[0], 200);
    assert!(statuses.contains(&429), "{statuses:?}");
    api.sim.faults().set_rate_limit(None);
    assert_eq!(api.get("/v1/account", &[]).await.status, 200);
}

#[tokio::test]
async fn http_switch_only_with_test_control() {
    let plain = Api::new().await;
    let r = plain.send(plain.http.post(plain.url("/_sim/faults")).form(&[("fail_next", "1")])).await;
    assert_eq!(r.status, 404);
    assert_eq!(plain.get("/v1/account", &[]).await.status, 200);

    let controlled = Api::with_config(stripe_sim::SimConfig { test_control: true, ..Default::default() }).await;
    let r = controlled
        .send(controlled.http.post(controlled.url("/_sim/faults")).form(&[("fail_next", "1"), ("failure", "rate_limited"), ("should_retry", "true")]))
        .await;
    assert_eq!(r.status, 200);
    let limited = controlled.get("/v1/account", &[]).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("stripe-should-retry"), Some("true"));
}

#[tokio::test]
async fn stop_releases_the_port() {
    let api = Api::new().await;
    let url = api.url("/v1/account");
    api.sim.stop().await;
    assert!(api.http.get(url).bearer_auth(common::SECRET).send().await.is_err());
}

/// Stripe carries out a request it has received even when the caller hangs up while it
/// runs; a paused request is the one that is still running when the caller goes.
#[tokio::test]
async fn paused_request_is_carried_out_after_the_caller_hangs_up() {
    let api = Api::new().await;
    let mut paused = api.sim.faults().pause_next_request();
    let (http, url) = (api.http.clone(), api.url("/v1/payment_intents"));
    let caller = tokio::spawn(async move {
        let form = [("amount", "2000"), ("currency", "usd"), ("description", "caller hung up")];
        http.post(url).bearer_auth(common::SECRET).form(&form).send().await
    });
    paused.arrived().await;
    caller.abort();
    assert!(caller.await.is_err(), "the caller was aborted");
    tokio::time::sleep(Duration::from_millis(50)).await; // the simulator sees the closed connection
    paused.release();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let list = api.get("/v1/payment_intents", &[]).await;
        let data = list.body["data"].as_array().unwrap().clone();
        if let Some(pi) = data.first() {
            assert_eq!(pi["description"], "caller hung up");
            let events = api.get("/v1/events", &[("type", "payment_intent.created")]).await;
            assert_eq!(events.body["data"][0]["data"]["object"]["id"], pi["id"]);
            break;
        }
        assert!(Instant::now() < deadline, "the paused request never completed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
