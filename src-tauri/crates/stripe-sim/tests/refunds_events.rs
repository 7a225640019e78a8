//! Refunds, the after-payment test cards, and the events feed.

mod common;

use common::Api;
use serde_json::Value;

#[tokio::test]
async fn partial_then_full_refund_never_exceeds_the_capture() {
    let api = Api::new().await;
    let pi = api.pay("pm_card_visa", &[]).await.body;
    let id = pi["id"].as_str().unwrap();
    let first = api.post("/v1/refunds", &[("payment_intent", id), ("amount", "500"), ("reason", "requested_by_customer"), ("metadata[why]", "scratch")]).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let r = &first.body;
    assert!(r["id"].as_str().unwrap().starts_with("re_"));
    assert_eq!(r["object"], "refund");
    assert_eq!(r["amount"], 500);
    assert_eq!(r["status"], "succeeded");
    assert_eq!(r["reason"], "requested_by_customer");
    assert_eq!(r["payment_intent"], id);
    assert_eq!(r["charge"], pi["latest_charge"]);

    let too_much = api.post("/v1/refunds", &[("payment_intent", id), ("amount", "1501")]).await;
    assert_eq!(too_much.status, 400);
    assert_eq!(too_much.error()["param"], "amount");
    let rest = api.post("/v1/refunds", &[("charge", pi["latest_charge"].as_str().unwrap())]).await;
    assert_eq!(rest.body["amount"], 1500);
    let none_left = api.post("/v1/refunds", &[("payment_intent", id)]).await;
    assert_eq!(none_left.status, 400);
    assert_eq!(none_left.error()["code"], "charge_already_refunded");

    let charge = api.get(&format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()), &[]).await.body;
    assert_eq!(charge["amount_refunded"], 2000);
    assert_eq!(charge["refunded"], true);
    let got = api.get(&format!("/v1/refunds/{}", r["id"].as_str().unwrap()), &[]).await;
    assert_eq!(got.body["metadata"]["why"], "scratch");
    let listed = api.get("/v1/refunds", &[("payment_intent", id)]).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 2);
    assert_eq!(listed.body["data"][0]["id"], rest.body["id"]);
    assert_eq!(api.events("refund.created").await.len(), 2);
    assert_eq!(api.events("charge.refunded").await.len(), 2);

    let updated = api.post(&format!("/v1/refunds/{}", r["id"].as_str().unwrap()), &[("metadata[ticket]", "9")]).await;
    assert_eq!(updated.body["metadata"]["ticket"], "9");
    assert_eq!(api.events("refund.updated").await.len(), 1);
}

#[tokio::test]
async fn refund_limited_to_what_was_captured() {
    let api = Api::new().await;
    let pi = api.pay("pm_card_visa", &[("capture_method", "manual")]).await.body;
    let id = pi["id"].as_str().unwrap();
    let early = api.post("/v1/refunds", &[("payment_intent", id)]).await;
    assert_eq!(early.status, 400);
    api.post(&format!("/v1/payment_intents/{id}/capture"), &[("amount_to_capture", "1200")]).await;
    let over = api.post("/v1/refunds", &[("payment_intent", id), ("amount", "1201")]).await;
    assert_eq!(over.status, 400);
    let all = api.post("/v1/refunds", &[("payment_intent", id)]).await;
    assert_eq!(all.body["amount"], 1200);
    let bad_reason = api.post("/v1/refunds", &[("payment_intent", id), ("reason", "whim")]).await;
    assert_eq!(bad_reason.error()["param"], "reason");
    let neither = api.post("/v1/refunds", &[]).await;
    assert_eq!(neither.status, 400);
}

#[tokio::test]
async fn refund_of_the_refund_fail_card_fails_afterwards() {
    let api = Api::new().await;
    let pi = api.pay("pm_card_refundFail", &[]).await.body;
    assert_eq!(pi["status"], "succeeded");
    let created = api.post("/v1/refunds", &[("payment_intent", pi["id"].as_str().unwrap())]).await;
    assert_eq!(created.status, 200);
    assert_eq!(created.body["status"], "succeeded");
    let later = api.get(&format!("/v1/refunds/{}", created.body["id"].as_str().unwrap()), &[]).await.body;
    assert_eq!(later["status"], "failed");
    assert!(later["failure_reason"].is_string());
    let updated = api.events("refund.updated").await;
    assert_eq!(updated[0]["data"]["object"]["status"], "failed");
    let charge = api.get(&format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()), &[]).await.body;
    assert_eq!(charge["amount_refunded"], 0);
    assert_eq!(charge["refunded"], false);
}

#[tokio::test]
async fn dispute_card_opens_a_dispute() {
    let api = Api::new().await;
    let pi = api.pay("pm_card_createDispute", &[]).await.body;
    assert_eq!(pi["status"], "succeeded");
    let disputes = api.events("charge.dispute.created").await;
    assert_eq!(disputes.len(), 1);
    assert_eq!(disputes[0]["data"]["object"]["object"], "dispute");
    assert_eq!(disputes[0]["data"]["object"]["payment_intent"], pi["id"]);
    let dispute = api.get(&format!("/v1/disputes/{}", disputes[0]["data"]["object"]["id"].as_str().unwrap()), &[]).await;
    assert_eq!(dispute.body["status"], "needs_response");
    let charge = api.get(&format!("/v1/charges/{}", pi["latest_charge"].as_str().unwrap()), &[]).await.body;
    assert_eq!(charge["disputed"], true);
    let refund = api.post("/v1/refunds", &[("payment_intent", pi["id"].as_str().unwrap())]).await;
    assert_eq!(refund.error()["code"], "charge_disputed");
    let ordinary = api.pay("pm_card_visa", &[]).await;
    assert_eq!(ordinary.status, 200);
    assert_eq!(api.events("charge.dispute.created").await.len(), 1);
}

fn types(events: &Value) -> Vec<String> {
    events["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn events_for_each_state_change_newest_first() {
    let api = Api::new().await;
    let pi = api.pay("pm_card_visa", &[]).await.body;
    let all = api.get("/v1/events", &[]).await.body;
    assert_eq!(types(&all), vec!["payment_intent.succeeded", "charge.succeeded", "payment_intent.created"]);
    let e = &all["data"][0];
    assert!(e["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(e["object"], "event");
    assert_eq!(e["livemode"], false);
    assert_eq!(e["data"]["object"]["id"], pi["id"]);
    assert_eq!(e["data"]["object"]["status"], "succeeded");
    assert!(e["request"]["id"].as_str().unwrap().starts_with("req_"));
    let created = &all["data"][2];
    assert_eq!(created["data"]["object"]["status"], "requires_confirmation", "events carry the object as it was");

    let after = api.get("/v1/events", &[("starting_after", e["id"].as_str().unwrap()), ("limit", "1")]).await.body;
    assert_eq!(types(&after), vec!["charge.succeeded"]);
    assert_eq!(after["has_more"], true);
    let since = e["created"].as_i64().unwrap() + 3600;
    let future = api.get("/v1/events", &[("created[gt]", &since.to_string())]).await.body;
    assert!(future["data"].as_array().unwrap().is_empty());
    let wildcard = api.get("/v1/events", &[("type", "charge.*")]).await.body;
    assert_eq!(types(&wildcard), vec!["charge.succeeded"]);
    let several = api.get("/v1/events", &[("types[]", "payment_intent.created"), ("types[]", "charge.succeeded")]).await.body;
    assert_eq!(types(&several), vec!["charge.succeeded", "payment_intent.created"]);
    let one = api.get(&format!("/v1/events/{}", e["id"].as_str().unwrap()), &[]).await.body;
    assert_eq!(one["type"], "payment_intent.succeeded");
}
