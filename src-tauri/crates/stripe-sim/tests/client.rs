//! What the Stripe.js stand-in relies on: publishable-key calls bound to a client secret,
//! confirmation tokens, the 3-D Secure page, the served assets and CORS.

mod common;

use common::{Api, PUBLISHABLE};

const CARD: &[(&str, &str)] = &[
    ("payment_method_data[type]", "card"),
    ("payment_method_data[card][number]", "4242424242424242"),
    ("payment_method_data[card][exp_month]", "12"),
    ("payment_method_data[card][exp_year]", "2099"),
    ("payment_method_data[card][cvc]", "123"),
];

#[tokio::test]
async fn publishable_key_needs_the_client_secret() {
    let api = Api::new().await;
    let pi = api.create(&[("amount", "1000"), ("currency", "usd"), ("metadata[order_id]", "9")]).await;
    let path = format!("/v1/payment_intents/{}", pi["id"].as_str().unwrap());
    let without = api.get_as(PUBLISHABLE, &path, &[]).await;
    assert_eq!(without.status, 400);
    assert_eq!(without.error()["param"], "client_secret");
    let other = api.create(&[("amount", "1000"), ("currency", "usd")]).await;
    let wrong = api.get_as(PUBLISHABLE, &path, &[("client_secret", other["client_secret"].as_str().unwrap())]).await;
    assert_eq!(wrong.status, 400);
    let right = api.get_as(PUBLISHABLE, &path, &[("client_secret", pi["client_secret"].as_str().unwrap())]).await;
    assert_eq!(right.status, 200);
    assert_eq!(right.body["id"], pi["id"]);
    assert_eq!(right.body.get("metadata"), None, "a publishable key does not read metadata");
    for forbidden in [format!("{path}/capture"), format!("{path}/cancel"), "/v1/refunds".to_string()] {
        assert_eq!(api.post_as(PUBLISHABLE, &forbidden, &[]).await.status, 401, "{forbidden}");
    }
    let live = api.get_as("pk_live_paydesk_fake_key", &path, &[("client_secret", pi["client_secret"].as_str().unwrap())]).await;
    assert_eq!(live.status, 401);
}

#[tokio::test]
async fn client_confirm_with_card_fields() {
    let api = Api::new().await;
    let pi = api.create(&[("amount", "1000"), ("currency", "usd")]).await;
    let mut form = CARD.to_vec();
    form.push(("client_secret", pi["client_secret"].as_str().unwrap()));
    let r = api.post_as(PUBLISHABLE, &format!("/v1/payment_intents/{}/confirm", pi["id"].as_str().unwrap()), &form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "succeeded");
    let server = api.get(&format!("/v1/payment_intents/{}", pi["id"].as_str().unwrap()), &[("expand[]", "payment_method")]).await.body;
    assert_eq!(server["payment_method"]["card"]["last4"], "4242");
}

#[tokio::test]
async fn confirmation_token_flow_with_moto_and_three_d_secure() {
    let api = Api::new().await;
    let mut form = CARD.to_vec();
    form[1].1 = "4000002760003184";
    form.push(("return_url", "https://example.com/done"));
    let token = api.post_as(PUBLISHABLE, "/v1/confirmation_tokens", &form).await;
    assert_eq!(token.status, 200, "{}", token.body);
    let ctoken = token.body["id"].as_str().unwrap().to_string();
    assert!(ctoken.starts_with("ctoken_"));
    assert_eq!(token.body["payment_method_preview"]["card"]["last4"], "3184");

    let secret_key_create = api.post("/v1/confirmation_tokens", CARD).await;
    assert_eq!(secret_key_create.status, 400);

    let r = api.post("/v1/payment_intents", &[("amount", "1099"), ("currency", "usd"), ("confirm", "true"), ("confirmation_token", &ctoken)]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "requires_action");
    assert_eq!(r.body["return_url"], "https://example.com/done");
    let reuse = api.post("/v1/payment_intents", &[("amount", "1099"), ("currency", "usd"), ("confirm", "true"), ("confirmation_token", &ctoken)]).await;
    assert_eq!(reuse.status, 400);
    assert_eq!(reuse.error()["param"], "confirmation_token");
    let used = api.get(&format!("/v1/confirmation_tokens/{ctoken}"), &[]).await.body;
    assert_eq!(used["payment_intent"], r.body["id"]);

    let helper = api.post("/v1/test_helpers/confirmation_tokens", &[("payment_method", "pm_card_authenticationRequired")]).await;
    assert_eq!(helper.status, 200, "{}", helper.body);
    let moto = api
        .post(
            "/v1/payment_intents",
            &[("amount", "1099"), ("currency", "usd"), ("confirm", "true"), ("confirmation_token", helper.body["id"].as_str().unwrap()), ("payment_method_options[card][moto]", "true")],
        )
        .await;
    assert_eq!(moto.body["status"], "succeeded", "{}", moto.body);
    let no_confirm = api.post("/v1/payment_intents", &[("amount", "1099"), ("currency", "usd"), ("confirmation_token", "ctoken_x")]).await;
    assert_eq!(no_confirm.status, 400);
}

#[tokio::test]
async fn client_confirm_of_a_decline_returns_the_client_view() {
    let api = Api::new().await;
    let pi = api.create(&[("amount", "1000"), ("currency", "usd"), ("metadata[secret_note]", "x")]).await;
    let mut form = CARD.to_vec();
    form[1].1 = "4000000000009995";
    form.push(("client_secret", pi["client_secret"].as_str().unwrap()));
    let r = api.post_as(PUBLISHABLE, &format!("/v1/payment_intents/{}/confirm", pi["id"].as_str().unwrap()), &form).await;
    assert_eq!(r.status, 402);
    assert_eq!(r.error()["decline_code"], "insufficient_funds");
    assert_eq!(r.error()["payment_intent"]["status"], "requires_payment_method");
    assert_eq!(r.error()["payment_intent"].get("metadata"), None);
}

#[tokio::test]
async fn stand_in_assets_are_served() {
    let api = Api::new().await;
    let js = api.http.get(api.url("/v3/")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.headers()["content-type"].to_str().unwrap().starts_with("application/javascript"));
    let text = js.text().await.unwrap();
    for name in ["confirmPayment", "createConfirmationToken", "handleNextAction", "retrievePaymentIntent", "elements"] {
        assert!(text.contains(name), "{name}");
    }
    for page in ["/v3/elements-inner-payment.html", "/v3/3ds-challenge.html"] {
        let r = api.http.get(api.url(page)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("frame-ancestors") && csp.contains("tauri://localhost"), "{csp}");
    }
}

#[tokio::test]
async fn cors_for_the_app_origins_only() {
    let api = Api::new().await;
    for origin in ["tauri://localhost", "http://tauri.localhost", "http://127.0.0.1:5173", "http://localhost:1420"] {
        let pre = api
            .http
            .request(reqwest::Method::OPTIONS, api.url("/v1/payment_intents/pi_x"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
            .await
            .unwrap();
        assert_eq!(pre.status(), 204);
        assert_eq!(pre.headers()["access-control-allow-origin"], origin);
        assert!(pre.headers()["access-control-allow-headers"].to_str().unwrap().contains("Authorization"));
    }
    let evil = api.http.get(api.url("/v1/account")).header("Origin", "https://evil.example").bearer_auth(common::SECRET).send().await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    let tricky = api.http.get(api.url("/v1/account")).header("Origin", "http://127.0.0.1.evil.example").bearer_auth(common::SECRET).send().await.unwrap();
    assert!(tricky.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn three_d_secure_page_answers_without_an_api_key() {
    let api = Api::new().await;
    let pi = api.pay("pm_card_threeDSecure2Required", &[]).await.body;
    let stripe_js = pi["next_action"]["use_stripe_sdk"]["stripe_js"].as_str().unwrap();
    assert!(stripe_js.starts_with(api.sim.base_url()));
    let bad = api.send(api.http.post(api.url("/_sim/3ds/authenticate")).form(&[("source", "src_unknown"), ("result", "complete")])).await;
    assert_eq!(bad.status, 404);
    let ok = api.authenticate(&pi, true).await;
    assert_eq!(ok.body["status"], "succeeded");
    let paid = api.get(&format!("/v1/payment_intents/{}", pi["id"].as_str().unwrap()), &[("expand[]", "latest_charge")]).await.body;
    assert_eq!(paid["latest_charge"]["payment_method_details"]["card"]["three_d_secure"]["result"], "authenticated");
}
