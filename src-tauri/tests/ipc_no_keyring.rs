//! A system with no OS keyring (no D-Bus session, as on a bare kiosk install): the window
//! still opens, in demo mode; Settings learns before anything is typed that keys cannot be
//! kept; a key entered anyway is refused before Stripe is asked, and written nowhere.
//! Its own test binary: the keyring reads the session bus address once per process.

mod common;

use common::ipc::{app, coffee_order, invoke, window};
use common::everything_written;
use serde_json::json;

#[test]
fn without_a_keyring_the_window_runs_in_demo_mode_and_keeps_no_key() {
    const SECRET: &str = "sk_test_paydesk_nokeyring_made_up_9876";
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/paydesk-test-bus");
    // Nothing listens here: had the keys been sent to Stripe first, the answer would be a
    // connection error, not the keyring's.
    std::env::set_var(paydesk_core::keys::API_BASE_ENV, "http://127.0.0.1:9");
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");

    assert_eq!(invoke(&main, "app_info", json!({})).unwrap()["mode"], "demo");
    let storage = invoke(&main, "keys_storage", json!({})).unwrap();
    assert_eq!(storage["available"], false, "{storage}");
    assert!(storage["problem"].as_str().unwrap().contains("no OS keyring is available"), "{storage}");

    let refused = invoke(&main, "keys_set", json!({ "secretKey": SECRET, "publishableKey": "pk_test_paydesk_nokeyring_made_up" })).unwrap_err();
    assert_eq!(refused["code"], "keyring_unavailable", "{refused}");
    assert!(!refused.to_string().contains(SECRET), "{refused}");
    assert_eq!(invoke(&main, "keys_status", json!({})).unwrap(), json!(null));

    // The till goes on taking demo sales.
    let order = invoke(&main, "order_create", json!({ "input": coffee_order() })).unwrap();
    let checkout = invoke(&main, "payment_start", json!({ "orderId": order["id"] })).unwrap();
    assert_eq!(checkout["amount"]["minor"], 1007);
    assert_eq!(invoke(&main, "app_info", json!({})).unwrap()["mode"], "demo");

    drop(main);
    drop(app);
    assert!(!everything_written(dir.path()).contains(SECRET), "the secret was written in the data directory");
}
