//! Error shapes and statuses: authentication, parameters, amounts, currencies, 404s.

mod common;

use common::{Api, PUBLISHABLE};

#[tokio::test]
async fn authentication_errors() {
    let api = Api::new().await;
    let none = api.send(api.http.get(api.url("/v1/account"))).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.error()["type"], "invalid_request_error");
    assert!(none.error()["message"].as_str().unwrap().contains("did not provide an API key"));
    let garbage = api.get_as("hello", "/v1/account", &[]).await;
    assert_eq!(garbage.status, 401);
    assert!(garbage.error()["message"].as_str().unwrap().contains("Invalid API Key"));
    let live = api.get_as("sk_live_paydesk_fake_key", "/v1/account", &[]).await;
    assert_eq!(live.status, 401);
    let msg = live.error()["message"].as_str().unwrap();
    assert!(msg.contains("test mode") && !msg.contains("paydesk_fake"), "{msg}");
    let restricted = api.get_as("rk_test_paydesk_fake_key", "/v1/account", &[]).await;
    assert_eq!(restricted.status, 200);
    let publishable = api.get_as(PUBLISHABLE, "/v1/payment_intents", &[]).await;
    assert_eq!(publishable.status, 401);
    let basic = api.send(api.http.get(api.url("/v1/account")).basic_auth("sk_test_paydesk_fake_key", Some(""))).await;
    assert_eq!(basic.status, 200);
}

#[tokio::test]
async fn parameter_errors_name_the_parameter() {
    let api = Api::new().await;
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, Option<&'a str>);
    let cases: &[Case] = &[
        (&[("amount", "100"), ("currency", "usd"), ("colour", "red")], "colour", Some("parameter_unknown")),
        (&[("amount", "100"), ("currency", "usd"), ("payment_method_options[card][mote]", "true")], "payment_method_options[card][mote]", Some("parameter_unknown")),
        (&[("currency", "usd")], "amount", Some("parameter_missing")),
        (&[("amount", "100")], "currency", Some("parameter_missing")),
        (&[("amount", "ten"), ("currency", "usd")], "amount", Some("parameter_invalid_integer")),
        (&[("amount", "100"), ("currency", "usd"), ("capture_method", "later")], "capture_method", None),
        (&[("amount", "100"), ("currency", "usd"), ("payment_method_types[]", "sepa_debit")], "payment_method_types", None),
        (&[("amount", "100"), ("currency", "usd"), ("payment_method", "pm_missing")], "payment_method", Some("resource_missing")),
    ];
    for (form, param, code) in cases {
        let r = api.post("/v1/payment_intents", form).await;
        assert_eq!(r.status, 400, "{form:?}: {}", r.body);
        assert_eq!(r.error()["type"], "invalid_request_error");
        assert_eq!(r.error()["param"], *param, "{form:?}");
        assert_eq!(r.error()["code"].as_str(), *code, "{form:?}");
    }
    let json_body = api.send(api.http.post(api.url("/v1/payment_intents")).bearer_auth(&api.key).json(&serde_json::json!({"amount": 100}))).await;
    assert_eq!(json_body.status, 400);
}

#[tokio::test]
async fn amounts_against_currency_limits() {
    let api = Api::new().await;
    let cases = [
        ("49", "usd", Some("amount_too_small")),
        ("50", "usd", None),
        ("29", "gbp", Some("amount_too_small")),
        ("30", "gbp", None),
        ("49", "jpy", Some("amount_too_small")),
        ("50", "JPY", None),
        ("299", "sek", Some("amount_too_small")),
        ("999", "mxn", Some("amount_too_small")),
        ("100000000", "usd", Some("amount_too_large")),
        ("99999999", "usd", None),
        ("1005", "kwd", Some("invalid_charge_amount")),
        ("1010", "kwd", None),
        ("0", "eur", Some("amount_too_small")),
    ];
    for (amount, currency, code) in cases {
        let r = api.post("/v1/payment_intents", &[("amount", amount), ("currency", currency)]).await;
        match code {
            Some(code) => {
                assert_eq!(r.status, 400, "{amount} {currency}");
                assert_eq!(r.error()["code"], code, "{amount} {currency}");
                assert_eq!(r.error()["param"], "amount");
            }
            None => {
                assert_eq!(r.status, 200, "{amount} {currency}: {}", r.body);
                assert_eq!(r.body["currency"], currency.to_lowercase());
            }
        }
    }
    let unknown = api.post("/v1/payment_intents", &[("amount", "100"), ("currency", "xyz")]).await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.error()["param"], "currency");
}

#[tokio::test]
async fn not_found_shapes() {
    let api = Api::new().await;
    for path in ["/v1/payment_intents/pi_nope", "/v1/charges/ch_nope", "/v1/refunds/re_nope", "/v1/events/evt_nope"] {
        let r = api.get(path, &[]).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.error()["code"], "resource_missing", "{path}");
        assert!(r.header("request-id").unwrap().starts_with("req_"));
    }
    let url = api.get("/v1/invoices", &[]).await;
    assert_eq!(url.status, 404);
    assert!(url.error()["message"].as_str().unwrap().starts_with("Unrecognized request URL (GET: /v1/invoices)"));
    let bad_expand = api.get("/v1/account", &[("expand[]", "nothing")]).await;
    assert_eq!(bad_expand.status, 400);
}

#[tokio::test]
async fn every_answer_has_a_request_id() {
    let api = Api::new().await;
    let answers = [
        api.get("/v1/account", &[]).await,
        api.get_as("nope", "/v1/account", &[]).await,
        api.post("/v1/payment_intents", &[]).await,
        api.pay("pm_card_chargeDeclined", &[]).await,
        api.send(api.http.get(api.url("/v3/"))).await,
        api.send(api.http.get(api.url("/elsewhere"))).await,
    ];
    let mut seen = std::collections::HashSet::new();
    for a in &answers {
        let id = a.header("request-id").expect("request-id").to_string();
        assert!(id.starts_with("req_"));
        assert!(seen.insert(id), "ids are unique");
    }
    for a in &answers[..4] {
        if let Some(log) = a.error().get("request_log_url") {
            assert!(log.as_str().unwrap().contains(a.header("request-id").unwrap()));
        }
    }
}
