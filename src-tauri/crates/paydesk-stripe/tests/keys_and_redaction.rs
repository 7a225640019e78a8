//! Key parsing, and that no key or client secret ever reaches Debug, Display or logs.

mod common;

use common::{harness, ikey, usd, Logs, I, KEY};
use paydesk_stripe::{
    ClientSecret, Endpoint, KeyFormatError, Mode, PaymentIntent, PublishableKey, SecretKey,
    StripeClient, StripeError,
};

#[test]
fn secret_keys_parse_with_mode_and_restriction() {
    let k = SecretKey::parse("  sk_test_paydesk_fake_key_1\n").unwrap();
    assert_eq!(
        (k.mode(), k.is_restricted(), k.last4().as_str()),
        (Mode::Test, false, "ey_1")
    );
    assert_eq!(k.expose(), "sk_test_paydesk_fake_key_1");
    let k = SecretKey::parse("rk_live_AbCdEfGh1234").unwrap();
    assert_eq!((k.mode(), k.is_restricted()), (Mode::Live, true));
    assert_eq!(
        SecretKey::parse("sk_live_AbCdEfGh1234").unwrap().mode(),
        Mode::Live
    );
    assert_eq!(
        SecretKey::parse("rk_test_AbCdEfGh1234").unwrap().mode(),
        Mode::Test
    );
}

#[test]
fn bad_secret_keys_get_specific_messages() {
    let err = |s: &str| SecretKey::parse(s).unwrap_err();
    assert_eq!(
        err("pk_test_AbCdEfGh1234"),
        KeyFormatError::PublishableNotSecret
    );
    assert_eq!(
        err("pk_test_AbCdEfGh1234").to_string(),
        "that is a publishable key (pk_…); paste the secret key here"
    );
    assert_eq!(
        err("sk_prod_AbCdEfGh1234").to_string(),
        "a secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_"
    );
    assert_eq!(err("whsec_AbCdEfGh1234"), KeyFormatError::BadSecretPrefix);
    assert_eq!(err(""), KeyFormatError::Empty);
    assert_eq!(err("sk_test_abc"), KeyFormatError::TooShort);
    assert_eq!(err(&format!("sk_live_{}", "a".repeat(256))), KeyFormatError::TooLong);
    assert_eq!(err("sk_test_AbCd EfGh1234"), KeyFormatError::BadCharacters);
    assert_eq!(
        err("\"sk_test_AbCdEfGh1234\""),
        KeyFormatError::BadSecretPrefix
    );
}

#[test]
fn publishable_keys_are_public() {
    let pk = PublishableKey::parse("pk_live_AbCdEfGh1234").unwrap();
    assert_eq!(pk.mode(), Mode::Live);
    assert_eq!(pk.as_str(), "pk_live_AbCdEfGh1234");
    assert_eq!(
        serde_json::to_string(&pk).unwrap(),
        "\"pk_live_AbCdEfGh1234\""
    );
    assert_eq!(
        PublishableKey::parse("sk_test_AbCdEfGh1234").unwrap_err(),
        KeyFormatError::SecretNotPublishable
    );
    assert_eq!(
        PublishableKey::parse("xk_test_AbCdEfGh1234").unwrap_err(),
        KeyFormatError::BadPublishablePrefix
    );
    assert_eq!(serde_json::to_string(&Mode::Test).unwrap(), "\"test\"");
}

#[test]
fn secret_key_prints_only_prefix_and_last4() {
    let k = SecretKey::parse(KEY).unwrap();
    assert_eq!(format!("{k}"), "sk_test_…ey_1");
    assert_eq!(format!("{k:?}"), "sk_test_…ey_1");
    let r = SecretKey::parse("rk_live_AbCdEfGh1234").unwrap();
    assert_eq!(format!("{r} {r:?}"), "rk_live_…1234 rk_live_…1234");
}

#[test]
fn client_secret_and_intent_debug_are_redacted() {
    let pi: PaymentIntent = serde_json::from_value(serde_json::json!({
        "id": "pi_123", "object": "payment_intent", "amount": 100, "currency": "usd",
        "status": "requires_payment_method", "client_secret": "pi_123_secret_TOPSECRET"
    }))
    .unwrap();
    let secret: &ClientSecret = pi.client_secret.as_ref().unwrap();
    assert_eq!(secret.expose(), "pi_123_secret_TOPSECRET");
    assert_eq!(format!("{secret} {secret:?}"), "[redacted] [redacted]");
    assert!(!format!("{pi:?} {pi:#?}").contains("TOPSECRET"));
}

#[test]
fn live_keys_never_go_to_loopback() {
    let live = SecretKey::parse("sk_live_AbCdEfGh1234").unwrap();
    let err = StripeClient::new(
        live.clone(),
        Endpoint::loopback("http://127.0.0.1:12111").unwrap(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, StripeError::Configuration { .. }), "{err:?}");
    assert_eq!(err.code(), "stripe_configuration");
    let client = StripeClient::new(live, Endpoint::Stripe).unwrap();
    assert_eq!(client.mode(), Mode::Live);
}

#[tokio::test]
async fn test_confirmation_tokens_are_refused_with_a_live_key_before_sending() {
    // Endpoint::Stripe, yet the test needs no network: the call stops before any request.
    let client = StripeClient::new(
        SecretKey::parse("sk_live_AbCdEfGh1234").unwrap(),
        Endpoint::Stripe,
    )
    .unwrap();
    let err = client
        .create_test_confirmation_token("pm_card_visa", &ikey(), I)
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::Configuration { .. }), "{err:?}");
}

#[test]
fn loopback_endpoints_only() {
    for ok in [
        "http://127.0.0.1:12111",
        "http://localhost:8080/",
        "https://[::1]:9000",
        "http://127.0.0.1",
    ] {
        assert!(
            matches!(Endpoint::loopback(ok), Ok(Endpoint::Loopback(_))),
            "{ok}"
        );
    }
    assert_eq!(
        Endpoint::loopback("http://localhost:8080/").unwrap(),
        Endpoint::Loopback("http://localhost:8080".into())
    );
    for bad in [
        "https://api.stripe.com",
        "http://127.0.0.2:80",
        "http://localhost.evil.com",
        "ftp://127.0.0.1",
        "http://user:pw@127.0.0.1:1",
        "http://127.0.0.1:1/v1",
        "127.0.0.1:12111",
    ] {
        assert!(Endpoint::loopback(bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn errors_and_logs_never_carry_the_key_or_a_client_secret() {
    let h = harness().await;
    let (logs, _guard) = Logs::capture();
    let pi = h.create(&usd(1000)).await;
    let client_secret = pi.client_secret.as_ref().unwrap().expose().to_string();
    let declined = h
        .confirm_with(&pi.id, "pm_card_chargeDeclined")
        .await
        .unwrap_err();
    let StripeError::Card {
        payment_intent: Some(inner),
        ..
    } = &declined
    else {
        panic!("{declined:?}")
    };
    let inner_secret = inner
        .client_secret
        .as_ref()
        .expect("the error's intent has its secret")
        .expose()
        .to_string();

    let errors = vec![
        declined,
        StripeError::InvalidRequest {
            code: None,
            param: Some("amount".into()),
            message: "m".into(),
            request_id: None,
        },
        StripeError::Authentication {
            message: "Invalid API Key provided: sk_test_****ey_1".into(),
        },
        StripeError::Permission {
            message: "m".into(),
        },
        StripeError::NotFound {
            message: "m".into(),
        },
        StripeError::RateLimited {
            message: "m".into(),
        },
        StripeError::Idempotency {
            message: "m".into(),
        },
        StripeError::Api {
            status: 500,
            message: "m".into(),
        },
        StripeError::Connection {
            message: "m".into(),
            request_may_have_reached_stripe: true,
        },
        StripeError::Decode {
            message: "m".into(),
        },
        StripeError::Configuration {
            message: "m".into(),
        },
    ];
    for e in &errors {
        let text = format!("{e} {e:?} {e:#?} {}", e.cashier_message());
        for secret in [KEY, client_secret.as_str(), inner_secret.as_str()] {
            assert!(!text.contains(secret), "{} leaks: {text}", e.code());
        }
        assert!(!text.contains("_secret_"), "{}: {text}", e.code());
    }
    let lines = logs.lines().join("\n");
    assert!(lines.contains("request_id"), "{lines}");
    assert!(lines.contains("attempt=1"), "{lines}");
    assert!(
        !lines.contains(KEY) && !lines.contains("_secret_"),
        "{lines}"
    );
}
