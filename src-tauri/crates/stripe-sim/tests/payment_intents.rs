mod common;

use common::Api;
use serde_json::Value;

#[tokio::test]
async fn create_has_the_fixture_shape() {
    let api = Api::new().await;
    let pi = api
        .create(&[
            ("amount", "1099"),
            ("currency", "usd"),
            ("metadata[order_id]", "order-7"),
            ("description", "Order 7"),
            ("automatic_payment_methods[enabled]", "true"),
            ("statement_descriptor_suffix", "ORDER 7"),
            ("receipt_email", "a@example.com"),
        ])
        .await;
    let id = pi["id"].as_str().unwrap();
    assert!(id.starts_with("pi_"));
    assert_eq!(pi["object"], "payment_intent");
    assert_eq!(pi["livemode"], false);
    assert!(pi["created"].is_i64());
    assert!(pi["client_secret"].as_str().unwrap().starts_with(&format!("{id}_secret_")));
    assert_eq!(pi["status"], "requires_payment_method");
    assert_eq!(pi["metadata"]["order_id"], "order-7");
    assert_eq!(pi["description"], "Order 7");
    assert_eq!(pi["statement_descriptor_suffix"], "ORDER 7");
    assert_eq!(pi["amount_received"], 0);
    assert_eq!(pi["latest_charge"], Value::Null);
    assert_eq!(pi["payment_method_types"], serde_json::json!(["card"]));
}

#[tokio::test]
async fn automatic_capture_succeeds_with_charge_details() {
    let api = Api::new().await;
    let r = api.pay("pm_card_visa", &[("expand[]", "latest_charge")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let pi = &r.body;
    assert_eq!(pi["status"], "succeeded");
    assert_eq!(pi["amount_received"], 2000);
    assert!(pi["payment_method"].as_str().unwrap().starts_with("pm_"));
    let ch = &pi["latest_charge"];
    assert!(ch["id"].as_str().unwrap().starts_with("ch_"));
    assert_eq!(ch["object"], "charge");
    assert_eq!(ch["captured"], true);
    assert_eq!(ch["amount_captured"], 2000);
    assert_eq!(ch["payment_method_details"]["card"]["brand"], "visa");
    assert_eq!(ch["payment_method_details"]["card"]["last4"], "4242");
    assert_eq!(ch["payment_intent"], pi["id"]);

    let plain = api.get(&format!("/v1/payment_intents/{}", pi["id"].as_str().unwrap()), &[]).await;
    assert_eq!(plain.body["latest_charge"], ch["id"]);
    let charge = api.get(&format!("/v1/charges/{}", ch["id"].as_str().unwrap()), &[]).await;
    assert_eq!(charge.status, 200);
    assert_eq!(charge.body["amount"], 2000);
}

#[tokio::test]
async fn two_step_confirm_and_update_rules() {
    let api = Api::new().await;
    let pi = api.create(&[("amount", "1500"), ("currency", "eur")]).await;
    let path = format!("/v1/payment_intents/{}", pi["id"].as_str().unwrap());
    let up = api.post(&path, &[("amount", "1800"), ("metadata[a]", "1"), ("metadata[b]", "2"), ("description", "x")]).await;
    assert_eq!(up.status, 200, "{}", up.body);
    assert_eq!(up.body["amount"], 1800);
    let up = api.post(&path, &[("metadata[a]", "")]).await;
    assert_eq!(up.body["metadata"], serde_json::json!({"b": "2"}));
    let up = api.post(&path, &[("payment_method", "pm_card_mastercard")]).await;
    assert_eq!(up.body["status"], "requires_confirmation");
    let confirmed = api.post(&format!("{path}/confirm"), &[]).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.body["status"], "succeeded");
    assert_eq!(confirmed.body["amount_received"], 1800);

    let again = api.post(&path, &[("amount", "2500")]).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.error()["code"], "payment_intent_unexpected_state");
    assert_eq!(again.error()["payment_intent"]["status"], "succeeded");
    let md = api.post(&path, &[("metadata[note]", "after")]).await;
    assert_eq!(md.status, 200);
    assert_eq!(md.body["metadata"]["note"], "after");

    let reconfirm = api.post(&format!("{path}/confirm"), &[]).await;
    assert_eq!(reconfirm.status, 400);
    assert_eq!(reconfirm.error()["code"], "payment_intent_unexpected_state");
}

#[tokio::test]
async fn confirm_without_payment_method_is_refused() {
    let api = Api::new().await;
    let pi = api.create(&[("amount", "1500"), ("currency", "usd")]).await;
    let r = api.post(&format!("/v1/payment_intents/{}/confirm", pi["id"].as_str().unwrap()), &[]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.error()["code"], "payment_intent_unexpected_state");
}

#[tokio::test]
async fn manual_capture_full_and_partial() {
    let api = Api::new().await;
    let r = api.pay("pm_card_visa", &[("capture_method", "manual")]).await;
    assert_eq!(r.body["status"], "requires_capture");
    assert_eq!(r.body["amount_capturable"], 2000);
    let id = r.body["id"].as_str().unwrap().to_string();
    let too_much = api.post(&format!("/v1/payment_intents/{id}/capture"), &[("amount_to_capture", "2001")]).await;
    assert_eq!(too_much.status, 400);
    assert_eq!(too_much.error()["param"], "amount_to_capture");
    let cap = api.post(&format!("/v1/payment_intents/{id}/capture"), &[("amount_to_capture", "1500"), ("expand[]", "latest_charge")]).await;
    assert_eq!(cap.status, 200, "{}", cap.body);
    assert_eq!(cap.body["status"], "succeeded");
    assert_eq!(cap.body["amount_received"], 1500);
    assert_eq!(cap.body["amount_capturable"], 0);
    assert_eq!(cap.body["latest_charge"]["amount_captured"], 1500);
    let twice = api.post(&format!("/v1/payment_intents/{id}/capture"), &[]).await;
    assert_eq!(twice.status, 400);
    assert_eq!(twice.error()["code"], "payment_intent_unexpected_state");

    let full = api.pay("pm_card_amex", &[("capture_method", "manual")]).await;
    let id = full.body["id"].as_str().unwrap();
    let cap = api.post(&format!("/v1/payment_intents/{id}/capture"), &[]).await;
    assert_eq!(cap.body["amount_received"], 2000);
    assert!(!api.events("payment_intent.amount_capturable_updated").await.is_empty());
}

#[tokio::test]
async fn cancel_with_reason_and_release() {
    let api = Api::new().await;
    let pi = api.create(&[("amount", "900"), ("currency", "usd")]).await;
    let id = pi["id"].as_str().unwrap();
    let bad = api.post(&format!("/v1/payment_intents/{id}/cancel"), &[("cancellation_reason", "bored")]).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error()["param"], "cancellation_reason");
    let c = api.post(&format!("/v1/payment_intents/{id}/cancel"), &[("cancellation_reason", "requested_by_customer")]).await;
    assert_eq!(c.status, 200);
    assert_eq!(c.body["status"], "canceled");
    assert_eq!(c.body["cancellation_reason"], "requested_by_customer");
    assert!(c.body["canceled_at"].is_i64());
    let again = api.post(&format!("/v1/payment_intents/{id}/cancel"), &[]).await;
    assert_eq!(again.status, 400);

    let held = api.pay("pm_card_visa", &[("capture_method", "manual")]).await;
    let id = held.body["id"].as_str().unwrap();
    let c = api.post(&format!("/v1/payment_intents/{id}/cancel"), &[("expand[]", "latest_charge")]).await;
    assert_eq!(c.body["status"], "canceled");
    assert_eq!(c.body["amount_capturable"], 0);
    assert_eq!(c.body["latest_charge"]["amount_refunded"], 2000);
    let done = api.pay("pm_card_visa", &[]).await;
    let r = api.post(&format!("/v1/payment_intents/{}/cancel", done.body["id"].as_str().unwrap()), &[]).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.error()["code"], "payment_intent_unexpected_state");
    assert_eq!(api.events("payment_intent.canceled").await.len(), 2);
}

#[tokio::test]
async fn list_is_newest_first_with_cursors_and_created_filter() {
    let api = Api::new().await;
    let mut ids = Vec::new();
    for amount in ["100", "200", "300", "400", "500"] {
        ids.push(api.create(&[("amount", amount), ("currency", "usd")]).await["id"].as_str().unwrap().to_string());
    }
    let page = api.get("/v1/payment_intents", &[("limit", "2")]).await;
    assert_eq!(page.body["object"], "list");
    assert_eq!(page.body["url"], "/v1/payment_intents");
    assert_eq!(page.body["has_more"], true);
    let got: Vec<&str> = page.body["data"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(got, vec![ids[4].as_str(), ids[3].as_str()]);
    let next = api.get("/v1/payment_intents", &[("limit", "10"), ("starting_after", &ids[3])]).await;
    let got: Vec<&str> = next.body["data"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(got, vec![ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    assert_eq!(next.body["has_more"], false);
    let before = api.get("/v1/payment_intents", &[("ending_before", &ids[1])]).await;
    assert_eq!(before.body["data"].as_array().unwrap().len(), 3);

    let created = api.get(&format!("/v1/payment_intents/{}", ids[0]), &[]).await.body["created"].as_i64().unwrap();
    let future = (created + 3600).to_string();
    let none = api.get("/v1/payment_intents", &[("created[gte]", &future)]).await;
    assert_eq!(none.body["data"].as_array().unwrap().len(), 0);
    let all = api.get("/v1/payment_intents", &[("created[lte]", &future), ("created[gte]", &created.to_string())]).await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 5);

    let bad = api.get("/v1/payment_intents", &[("limit", "101")]).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error()["param"], "limit");
    let missing = api.get("/v1/payment_intents", &[("starting_after", "pi_nope")]).await;
    assert_eq!(missing.error()["param"], "starting_after");
}

#[tokio::test]
async fn moto_skips_three_d_secure() {
    let api = Api::new().await;
    let r = api.pay("pm_card_authenticationRequired", &[("payment_method_options[card][moto]", "true")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "succeeded");
    assert_eq!(r.body["payment_method_options"]["card"]["moto"], true);
}

#[tokio::test]
async fn processing_is_held_until_settled() {
    let api = Api::new().await;
    api.sim.set_hold_processing(true);
    let r = api.pay("pm_card_visa", &[]).await;
    assert_eq!(r.body["status"], "processing");
    assert_eq!(api.sim.settle_processing(), 1);
    let pi = api.get(&format!("/v1/payment_intents/{}", r.body["id"].as_str().unwrap()), &[]).await;
    assert_eq!(pi.body["status"], "succeeded");
    assert_eq!(api.events("payment_intent.processing").await.len(), 1);
}

#[tokio::test]
async fn account_is_a_test_account() {
    let api = Api::new().await;
    let r = api.get("/v1/account", &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.body["id"].as_str().unwrap().starts_with("acct_"));
    assert_eq!(r.body["object"], "account");
    assert_eq!(r.body["charges_enabled"], true);
}

#[tokio::test]
async fn official_sdk_list_encoding_is_understood() {
    let api = Api::new().await;
    let r = api
        .post(
            "/v1/payment_intents",
            &[("amount", "700"), ("currency", "gbp"), ("payment_method_types[0]", "card"), ("payment_method", "pm_card_visa"), ("confirm", "true"), ("expand[0]", "latest_charge")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["latest_charge"]["object"], "charge");
    assert_eq!(r.body["automatic_payment_methods"], Value::Null);
}

/// A plain create is answered by a path that writes the intent straight from its struct
/// (before the store is locked); its bytes must be those the JSON-tree path writes for the
/// same intent (a retrieve), and its event must hold the same object and request.
#[tokio::test]
async fn plain_create_answers_the_same_bytes_as_retrieve_and_its_event() {
    let api = Api::new().await;
    for form in [
        &[("amount", "2000"), ("currency", "usd")][..],
        &[
            ("amount", "1099"),
            ("currency", "eur"),
            ("metadata[order_id]", "order \"7\" \u{e9}"),
            ("metadata[till]", "2"),
            ("description", "Order 7\n\ttab"),
            ("automatic_payment_methods[enabled]", "true"),
            ("statement_descriptor_suffix", "ORDER 7"),
            ("receipt_email", "a@example.com"),
            ("capture_method", "manual"),
            ("payment_method_options[card][moto]", "true"),
            ("setup_future_usage", "off_session"),
            ("return_url", "https://example.invalid/return?a=1&b=2"),
        ][..],
    ] {
        let raw = |resp: reqwest::Response| async move {
            let id = resp.headers().get("request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
            (resp.status().as_u16(), id, resp.text().await.unwrap())
        };
        let (status, request_id, created) =
            raw(api.http.post(api.url("/v1/payment_intents")).bearer_auth(&api.key).form(form).send().await.unwrap()).await;
        assert_eq!(status, 200, "{created}");
        let pi: Value = serde_json::from_str(&created).unwrap();
        let id = pi["id"].as_str().unwrap();
        let (_, _, retrieved) = raw(api.http.get(api.url(&format!("/v1/payment_intents/{id}"))).bearer_auth(&api.key).send().await.unwrap()).await;
        assert_eq!(created, retrieved);
        assert_eq!(created, serde_json::to_string_pretty(&pi).unwrap());
        let events = api.get("/v1/events", &[("type", "payment_intent.created")]).await.body;
        let event = &events["data"][0];
        assert_eq!(event["data"]["object"], pi);
        assert_eq!(event["request"]["id"].as_str(), request_id.as_deref());
        assert_eq!(event["request"]["idempotency_key"], Value::Null);
    }
}
