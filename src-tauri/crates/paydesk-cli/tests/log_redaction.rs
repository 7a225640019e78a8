//! Logging redacts secrets by construction: a secret key and a client secret logged on
//! purpose, at every level, by value, with `{}` and `{:?}`, and inside the values that carry
//! them, never reach the log files; nor do they when a real payment is started at trace
//! level, where the HTTP stack logs too. (Its own test binary: the subscriber is global.)

use std::sync::{Arc, Mutex};

use paydesk_cli::logging::{self, Audience, LOG_LEVEL_ENV};
use paydesk_core::mode::AppMode;
use paydesk_core::order::{Completeness, LineInput, OrderInput};
use paydesk_core::payments::Payments;
use paydesk_core::store::Store;
use paydesk_stripe::{Endpoint, PublishableKey, SecretKey, StripeClient};
use stripe_sim::{SimConfig, Simulator};

const SECRET: &str = "sk_test_paydesk_redaction_made_up_secret_5150";
const PUBLISHABLE: &str = "pk_test_paydesk_redaction_made_up_publishable";
const ON_PURPOSE: &str = "logged with its secrets on purpose";

#[tokio::test]
async fn secrets_logged_on_purpose_at_every_level_never_reach_the_log_files() {
    let dir = tempfile::tempdir().unwrap();
    let log_dir = dir.path().join("logs");
    std::env::set_var(LOG_LEVEL_ENV, "trace");
    let guard = logging::init(&log_dir, Audience::Command).expect("file logging starts");

    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let key = SecretKey::parse(SECRET).unwrap();
    let client = StripeClient::new(key.clone(), Endpoint::loopback(&sim.base_url()).unwrap()).unwrap();
    let store = Arc::new(Mutex::new(Store::open_in(&dir.path().join("data")).unwrap()));
    let spec = OrderInput {
        currency: "USD".into(),
        lines: vec![LineInput { description: "Tea".into(), quantity: 1, unit_price: "4.00".into() }],
        ..OrderInput::default()
    }
    .validate(Completeness::RequireLines)
    .unwrap();
    let order = store.lock().unwrap().create_order(AppMode::Test, &spec, "test").unwrap().id;
    let payments = Payments::new(store, client.clone(), PublishableKey::parse(PUBLISHABLE).unwrap(), AppMode::Test);
    let started = payments.start(&order).await.unwrap();
    let client_secret = started.client_secret.expose().to_owned();
    assert!(client_secret.contains("_secret_"), "a real client secret to look for: {client_secret}");

    let cs = &started.client_secret;
    tracing::trace!(secret = %key, secret_debug = ?key, shown_cs = %cs, debug_cs = ?cs, ?client, "{ON_PURPOSE}: {key} {cs:?}");
    tracing::debug!(secret = %key, secret_debug = ?key, shown_cs = %cs, debug_cs = ?cs, ?client, "{ON_PURPOSE}: {key} {cs:?}");
    tracing::info!(secret = %key, secret_debug = ?key, shown_cs = %cs, debug_cs = ?cs, ?client, "{ON_PURPOSE}: {key} {cs:?}");
    tracing::warn!(secret = %key, secret_debug = ?key, shown_cs = %cs, debug_cs = ?cs, ?client, "{ON_PURPOSE}: {key} {cs:?}");
    tracing::error!(secret = %key, secret_debug = ?key, shown_cs = %cs, debug_cs = ?cs, ?client, "{ON_PURPOSE}: {key} {cs:?}");
    tracing::info!(?started, "the started payment, as the window would get it, {ON_PURPOSE}");
    drop(guard);

    let mut written = String::new();
    for entry in std::fs::read_dir(&log_dir).unwrap() {
        written.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert_eq!(written.matches(ON_PURPOSE).count(), 6, "every level reached the file:\n{written}");
    assert!(written.contains("POST /v1/payment_intents") || written.contains("payment_intents"), "the payment's requests were logged:\n{written}");
    assert!(!written.contains(SECRET), "the secret key is in the log:\n{written}");
    assert!(!written.contains(&client_secret), "the client secret is in the log:\n{written}");
    assert!(!written.contains("_secret_"), "something like a client secret is in the log:\n{written}");
}
