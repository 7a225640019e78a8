//! Every test card of TEST-CARDS.md, by PaymentMethod id and by number (the way the
//! Stripe.js stand-in sends it), with its documented outcome.

mod common;

use common::{Api, PUBLISHABLE};
use serde_json::Value;

const SUCCEED: &[(&str, &str, &str, &str)] = &[
    ("pm_card_visa", "4242424242424242", "visa", "credit"),
    ("pm_card_visa_debit", "4000056655665556", "visa", "debit"),
    ("pm_card_mastercard", "5555555555554444", "mastercard", "credit"),
    ("pm_card_amex", "378282246310005", "amex", "credit"),
    ("pm_card_discover", "6011111111111117", "discover", "credit"),
    ("pm_card_jcb", "3566002020360505", "jcb", "credit"),
    ("pm_card_threeDSecureOptional", "4000000000003055", "visa", "credit"),
];

const DECLINE: &[(&str, &str, &str, Option<&str>)] = &[
    ("pm_card_chargeDeclined", "4000000000000002", "card_declined", Some("generic_decline")),
    ("pm_card_chargeDeclinedInsufficientFunds", "4000000000009995", "card_declined", Some("insufficient_funds")),
    ("pm_card_chargeDeclinedLostCard", "4000000000009987", "card_declined", Some("lost_card")),
    ("pm_card_chargeDeclinedStolenCard", "4000000000009979", "card_declined", Some("stolen_card")),
    ("pm_card_chargeDeclinedExpiredCard", "4000000000000069", "expired_card", None),
    ("pm_card_chargeDeclinedIncorrectCvc", "4000000000000127", "incorrect_cvc", None),
    ("pm_card_chargeDeclinedProcessingError", "4000000000000119", "processing_error", None),
    ("pm_card_radarBlock", "4100000000000019", "card_declined", Some("fraudulent")),
];

const THREE_DS: &[(&str, &str)] = &[
    ("pm_card_authenticationRequiredOnSetup", "4000002500003155"),
    ("pm_card_authenticationRequired", "4000002760003184"),
    ("pm_card_threeDSecure2Required", "4000000000003220"),
];

/// Confirms a fresh intent client-side with raw card fields and a publishable key.
async fn pay_with_number(api: &Api, number: &str) -> common::Reply {
    let pi = api.create(&[("amount", "2000"), ("currency", "usd")]).await;
    let id = pi["id"].as_str().unwrap();
    let cvc = if number.starts_with("37") { "1234" } else { "123" };
    api.post_as(PUBLISHABLE, &format!("/v1/payment_intents/{id}/confirm"), &[
        ("client_secret", pi["client_secret"].as_str().unwrap()),
        ("payment_method_data[type]", "card"),
        ("payment_method_data[card][number]", number),
        ("payment_method_data[card][exp_month]", "12"),
        ("payment_method_data[card][exp_year]", "2099"),
        ("payment_method_data[card][cvc]", cvc),
        ("payment_method_data[billing_details][address][postal_code]", "94103"),
    ])
    .await
}

#[tokio::test]
async fn succeeding_cards() {
    let api = Api::new().await;
    for (pm, number, brand, funding) in SUCCEED {
        for r in [api.pay(pm, &[("expand[]", "latest_charge")]).await, pay_with_number(&api, number).await] {
            assert_eq!(r.status, 200, "{pm}: {}", r.body);
            assert_eq!(r.body["status"], "succeeded", "{pm}");
        }
        let r = api.pay(pm, &[("expand[]", "latest_charge")]).await;
        let card = &r.body["latest_charge"]["payment_method_details"]["card"];
        assert_eq!(card["brand"], *brand, "{pm}");
        assert_eq!(card["last4"], number[number.len() - 4..], "{pm}");
        assert_eq!(card["funding"], *funding, "{pm}");
    }
}

#[tokio::test]
async fn declining_cards() {
    let api = Api::new().await;
    for (pm, number, code, decline_code) in DECLINE {
        for r in [api.pay(pm, &[]).await, pay_with_number(&api, number).await] {
            assert_eq!(r.status, 402, "{pm}: {}", r.body);
            let e = r.error();
            assert_eq!(e["type"], "card_error", "{pm}");
            assert_eq!(e["code"], *code, "{pm}");
            assert_eq!(e["decline_code"].as_str(), *decline_code, "{pm}");
            assert!(e["charge"].as_str().unwrap().starts_with("ch_"));
            assert!(e["doc_url"].as_str().unwrap().starts_with("https://stripe.com/docs/error-codes/"));
            let pi = &e["payment_intent"];
            assert_eq!(pi["status"], "requires_payment_method", "{pm}");
            assert_eq!(pi["last_payment_error"]["code"], *code, "{pm}");
            assert_eq!(pi["payment_method"], Value::Null);
        }
    }
    let failed = api.events("payment_intent.payment_failed").await;
    assert_eq!(failed.len(), DECLINE.len() * 2);
    let charge_failed = api.events("charge.failed").await;
    assert_eq!(charge_failed[0]["data"]["object"]["status"], "failed");
}

#[tokio::test]
async fn declined_intent_can_be_retried_with_another_card() {
    let api = Api::new().await;
    let r = api.pay("pm_card_chargeDeclinedInsufficientFunds", &[]).await;
    let id = r.error()["payment_intent"]["id"].as_str().unwrap().to_string();
    let retry = api.post(&format!("/v1/payment_intents/{id}/confirm"), &[("payment_method", "pm_card_visa")]).await;
    assert_eq!(retry.status, 200, "{}", retry.body);
    assert_eq!(retry.body["status"], "succeeded");
    assert_eq!(retry.body["last_payment_error"], Value::Null);
}

#[tokio::test]
async fn three_d_secure_cards_complete_and_fail() {
    let api = Api::new().await;
    for (pm, number) in THREE_DS {
        for complete in [true, false] {
            for r in [api.pay(pm, &[]).await, pay_with_number(&api, number).await] {
                assert_eq!(r.status, 200, "{pm}: {}", r.body);
                assert_eq!(r.body["status"], "requires_action", "{pm}");
                assert_eq!(r.body["next_action"]["type"], "use_stripe_sdk");
                let auth = api.authenticate(&r.body, complete).await;
                assert_eq!(auth.status, 200, "{}", auth.body);
                let pi = api.get(&format!("/v1/payment_intents/{}", r.body["id"].as_str().unwrap()), &[]).await.body;
                if complete {
                    assert_eq!(pi["status"], "succeeded", "{pm}");
                    assert_eq!(pi["next_action"], Value::Null);
                } else {
                    assert_eq!(pi["status"], "requires_payment_method", "{pm}");
                    assert_eq!(pi["last_payment_error"]["code"], "payment_intent_authentication_failure");
                }
                let again = api.authenticate(&r.body, complete).await;
                assert_ne!(again.status, 200, "a challenge answers once");
            }
        }
    }
    assert_eq!(api.events("payment_intent.requires_action").await.len(), THREE_DS.len() * 4);
}

#[tokio::test]
async fn authentication_then_insufficient_funds() {
    let api = Api::new().await;
    for r in [api.pay("pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", &[]).await, pay_with_number(&api, "4000008260003178").await] {
        assert_eq!(r.body["status"], "requires_action");
        api.authenticate(&r.body, true).await;
        let pi = api.get(&format!("/v1/payment_intents/{}", r.body["id"].as_str().unwrap()), &[]).await.body;
        assert_eq!(pi["status"], "requires_payment_method");
        assert_eq!(pi["last_payment_error"]["type"], "card_error");
        assert_eq!(pi["last_payment_error"]["decline_code"], "insufficient_funds");
    }
}

#[tokio::test]
async fn card_field_validation() {
    let api = Api::new().await;
    let r = pay_with_number(&api, "4242424242424241").await;
    assert_eq!(r.status, 402);
    assert_eq!(r.error()["code"], "incorrect_number");
    let live = pay_with_number(&api, "4111111111111111").await;
    assert_eq!(live.status, 402);
    assert_eq!(live.error()["decline_code"], "test_mode_live_card");

    let pi = api.create(&[("amount", "2000"), ("currency", "usd")]).await;
    let path = format!("/v1/payment_intents/{}/confirm", pi["id"].as_str().unwrap());
    let secret = pi["client_secret"].as_str().unwrap();
    let expired = api.post_as(PUBLISHABLE, &path, &[
        ("client_secret", secret),
        ("payment_method_data[type]", "card"),
        ("payment_method_data[card][number]", "4242424242424242"),
        ("payment_method_data[card][exp_month]", "1"),
        ("payment_method_data[card][exp_year]", "2020"),
        ("payment_method_data[card][cvc]", "123"),
    ]).await;
    assert_eq!(expired.error()["code"], "invalid_expiry_year");
    let raw_with_secret_key = api.post(&path, &[
        ("payment_method_data[type]", "card"),
        ("payment_method_data[card][number]", "4242424242424242"),
    ]).await;
    assert_eq!(raw_with_secret_key.status, 400);
}
