//! The window's commands through Tauri's real IPC layer and the app's real capability
//! file (no display needed): replies, and errors pinned to `{code, message}`.

mod common;

use common::ipc::{app, coffee_order, confirm_in_simulator, invoke, invoke_from, window};
use paydesk_core::paths::Paths;
use paydesk_core::store::Store;
use serde_json::{json, Value};

#[test]
fn quote_create_list_and_get_through_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");

    let quote = invoke(&main, "order_quote", json!({ "input": coffee_order() })).unwrap();
    assert_eq!(quote["total"], json!({"minor": 1007, "currency": "USD", "decimal": "10.07", "display": "$10.07"}));
    assert_eq!(quote["lines"][1]["tax"]["minor"], 20);

    let created = invoke(&main, "order_create", json!({ "input": coffee_order() })).unwrap();
    assert_eq!(created["number"], 1001);
    assert_eq!(created["status"], "draft");
    assert_eq!(created["total"]["minor"], 1007);
    assert_eq!(created["events"][0]["kind"], "created");

    let page = invoke(&main, "order_list", json!({ "query": {} })).unwrap();
    assert_eq!(page["orders"].as_array().unwrap().len(), 1);
    assert_eq!(page["orders"][0]["description"], "Flat white ×2, Croissant");
    assert_eq!(page["nextBeforeNumber"], Value::Null);

    let fetched = invoke(&main, "order_get", json!({ "id": created["id"] })).unwrap();
    assert_eq!(fetched, created);

    let mut more = coffee_order();
    more["lines"][1]["quantity"] = json!(2);
    let edited = invoke(&main, "order_edit", json!({ "id": created["id"], "input": more })).unwrap();
    assert_eq!((edited["number"].clone(), edited["total"]["minor"].clone()), (json!(1001), json!(1252)));
    assert_eq!(edited["events"][1]["kind"], "edited");

    let info = invoke(&main, "app_info", json!({})).unwrap();
    assert_eq!(info["mode"], "demo");
    assert_eq!(info["dataDir"], dir.path().display().to_string());
}

#[test]
fn errors_reach_the_window_as_code_and_message_only() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");

    let mut bad = coffee_order();
    bad["lines"][0]["unitPrice"] = json!("3.505");
    let error = invoke(&main, "order_quote", json!({ "input": bad })).unwrap_err();
    assert_eq!(
        error,
        json!({"code": "invalid_order", "message": "lines[0].unitPrice: USD amounts have at most 2 decimals"})
    );

    let empty = json!({"currency": "USD", "lines": []});
    let error = invoke(&main, "order_create", json!({ "input": empty })).unwrap_err();
    assert_eq!(error, json!({"code": "invalid_order", "message": "lines: add at least one line"}));

    let error = invoke(&main, "order_get", json!({ "id": "018f0000-0000-7000-8000-000000000000" })).unwrap_err();
    assert_eq!(error["code"], "order_not_found");
    assert_eq!(error.as_object().unwrap().len(), 2);

    let huge = json!({"currency": "USD", "lines": [{"description": "Car", "quantity": 2, "unitPrice": "500,000"}]});
    let error = invoke(&main, "order_quote", json!({ "input": huge })).unwrap_err();
    assert_eq!(error["code"], "pricing");
    assert!(error["message"].as_str().unwrap().contains("over Stripe's maximum"));
}

#[test]
fn the_window_cannot_set_an_amount_and_bad_input_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");
    let mut sneaky = coffee_order();
    sneaky["total"] = json!(1);
    assert!(invoke(&main, "order_create", json!({ "input": sneaky })).is_err());
    let mut bad = coffee_order();
    bad["lines"][1]["quantity"] = json!(0);
    assert_eq!(invoke(&main, "order_create", json!({ "input": bad })).unwrap_err()["code"], "invalid_order");
    let page = invoke(&main, "order_list", json!({ "query": {} })).unwrap();
    assert_eq!(page["orders"], json!([]));
}

#[test]
fn only_the_main_window_has_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let other = window(&app, "popup");
    let refused = invoke(&other, "order_list", json!({ "query": {} })).unwrap_err();
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}

#[test]
fn the_https_page_gets_the_commands_for_its_exact_origin_only() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");
    let page = "https://127.0.0.1:41234";
    let before = invoke_from(&main, &format!("{page}/"), "order_list", json!({ "query": {} })).unwrap_err();
    assert!(before.to_string().contains("not allowed"), "no remote origin has commands until granted: {before}");
    paydesk::window::grant_commands(&app, page).unwrap();
    invoke_from(&main, &format!("{page}/"), "order_list", json!({ "query": {} })).expect("the page server's origin may call");
    for stranger in ["https://127.0.0.1:41235/", "http://127.0.0.1:41234/", "https://evil.example/", "https://127.0.0.1.evil.example:41234/"] {
        let refused = invoke_from(&main, stranger, "order_list", json!({ "query": {} })).unwrap_err();
        assert!(refused.to_string().contains("not allowed"), "{stranger}: {refused}");
    }
    let popup = window(&app, "popup");
    assert!(invoke_from(&popup, &format!("{page}/"), "order_list", json!({ "query": {} })).is_err(), "another window of the same origin");
}

#[test]
fn demo_mode_takes_a_payment_for_the_order_total_whatever_the_window_sends() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");
    let info = invoke(&main, "app_info", json!({})).unwrap();
    assert_eq!(info["mode"], "demo");
    let stripe_js = info["stripeJsUrl"].as_str().unwrap().to_owned();
    assert!(stripe_js.starts_with("http://127.0.0.1:") && stripe_js.ends_with("/v3/"), "{stripe_js}");
    assert_eq!(invoke(&main, "keys_status", json!({})).unwrap(), Value::Null);

    let order = invoke(&main, "order_create", json!({ "input": coffee_order() })).unwrap();
    let id = order["id"].as_str().unwrap();
    // An amount from the window is not a parameter of any charge: it is ignored.
    let checkout = invoke(&main, "payment_start", json!({ "orderId": id, "amount": 1 })).unwrap();
    assert_eq!(checkout["amount"]["minor"], 1007);
    assert!(checkout["publishableKey"].as_str().unwrap().starts_with("pk_test_"));
    let client_secret = checkout["clientSecret"].as_str().unwrap().to_owned();
    assert!(client_secret.contains("_secret_"));

    let confirmed = confirm_in_simulator(&stripe_js, &checkout, "pm_card_visa");
    assert_eq!(confirmed["amount"], 1007);

    let settled = invoke(&main, "payment_settle", json!({ "orderId": id })).unwrap();
    assert_eq!(settled["outcome"], "paid");
    assert_eq!(settled["status"], "paid");
    assert_eq!(settled["cardLast4"], "4242");
    assert_eq!(settled["nextActionClientSecret"], Value::Null);
    assert!(!settled.to_string().contains("_secret_"));

    let refund = invoke(&main, "payment_refund", json!({ "orderId": id, "amount": "1.07", "reason": "requested_by_customer" })).unwrap();
    assert_eq!(refund["status"], "partially_refunded");
    let again = invoke(&main, "payment_start", json!({ "orderId": id })).unwrap_err();
    assert_eq!(again["code"], "order_not_payable");
    assert_eq!(again.as_object().unwrap().len(), 2);

    // The order's detail says what was paid and what is left to do.
    let detail = invoke(&main, "order_get", json!({ "id": id })).unwrap();
    assert_eq!(detail["payment"]["cardLast4"], "4242");
    assert_eq!(detail["payment"]["refundable"]["display"], "$9.00");
    assert_eq!(detail["refunds"][0]["amount"]["minor"], 107);
    assert_eq!(detail["actions"], json!({"pay": false, "edit": false, "capture": false, "refund": true, "void": false}));
    assert_eq!(info["publishableKey"], json!(publishable_key_of(&checkout)));

    // Today's report counts it: $10.07 taken, $1.07 refunded.
    let report = invoke(&main, "report_daily", json!({ "date": null })).unwrap();
    assert_eq!(report["orders"], 1);
    assert_eq!(report["currencies"][0]["gross"]["display"], "$10.07");
    assert_eq!(report["currencies"][0]["refunds"]["display"], "$1.07");
    assert_eq!(report["currencies"][0]["net"]["display"], "$9.00");
    assert_eq!(report["byStatus"], json!([{"key": "partially_refunded", "count": 1}]));
    assert_eq!(invoke(&main, "report_daily", json!({ "date": "2001-01-01" })).unwrap()["orders"], 0);
    let error = invoke(&main, "report_daily", json!({ "date": "yesterday" })).unwrap_err();
    assert_eq!(error, json!({"code": "invalid_date", "message": "\"yesterday\" is not a date (YYYY-MM-DD)"}));
}

/// A test-mode sale from before the keys were removed stays out of the demo mode's history
/// and report, can be looked at, and allows nothing.
#[test]
fn the_window_lists_and_acts_on_the_current_modes_orders_only() {
    let dir = tempfile::tempdir().unwrap();
    let earlier = {
        let mut store = Store::open_in(&Paths::resolve(Some(dir.path())).unwrap().data_dir).unwrap();
        let input: paydesk_core::order::OrderInput = serde_json::from_value(coffee_order()).unwrap();
        let spec = input.validate(paydesk_core::order::Completeness::RequireLines).unwrap();
        store.create_order(paydesk_core::mode::AppMode::Test, &spec, "rung up with test keys").unwrap()
    };
    let app = app(dir.path());
    let main = window(&app, "main");
    let created = invoke(&main, "order_create", json!({ "input": coffee_order() })).unwrap();
    assert_eq!((created["number"].clone(), created["mode"].clone()), (json!(1002), json!("demo")));

    let numbers = |query: Value| -> Vec<Value> {
        let page = invoke(&main, "order_list", json!({ "query": query })).unwrap();
        page["orders"].as_array().unwrap().iter().map(|order| order["number"].clone()).collect()
    };
    assert_eq!(numbers(json!({})), [json!(1002)]);
    assert!(numbers(json!({ "text": "#1001" })).is_empty());
    let report = invoke(&main, "report_daily", json!({ "date": earlier.business_date })).unwrap();
    assert_eq!((report["orders"].clone(), report["mode"].clone()), (json!(1), json!("demo")));

    let id = earlier.id.to_string();
    let detail = invoke(&main, "order_get", json!({ "id": id })).unwrap();
    assert_eq!((detail["number"].clone(), detail["mode"].clone()), (json!(1001), json!("test")));
    assert_eq!(detail["actions"], json!({"pay": false, "edit": false, "capture": false, "refund": false, "void": false}));
    let refused = [
        invoke(&main, "order_edit", json!({ "id": id, "input": coffee_order() })),
        invoke(&main, "payment_start", json!({ "orderId": id })),
        invoke(&main, "payment_void", json!({ "orderId": id })),
    ];
    for error in refused {
        assert_eq!(
            error.unwrap_err(),
            json!({"code": "order_other_mode", "message": "order #1001 was taken in test mode and Paydesk is in demo mode now; it can only be changed or paid in test mode"})
        );
    }
    assert_eq!(invoke(&main, "order_get", json!({ "id": id })).unwrap()["events"], detail["events"]);
}

fn publishable_key_of(checkout: &Value) -> String {
    checkout["publishableKey"].as_str().unwrap().to_owned()
}

#[test]
fn settings_are_saved_whole_or_refused_with_the_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");
    let fresh = invoke(&main, "settings_get", json!({})).unwrap();
    assert_eq!(fresh["defaultCurrency"], "USD");
    assert_eq!(fresh["capture"], "automatic");
    assert_eq!(fresh["confirmation"], "window");

    let shop = json!({
        "businessName": "Corner Coffee",
        "businessAddress": "1 Main St",
        "defaultCurrency": "eur",
        "taxes": [{"name": "VAT", "rate": "20", "inclusive": true}],
        "quickItems": [{"description": "Espresso", "unitPrice": "2.20"}],
        "capture": "manual",
        "paymentMethods": "card",
        "statementDescriptorSuffix": "CORNER",
        "confirmation": "server"
    });
    let saved = invoke(&main, "settings_save", json!({ "settings": shop })).unwrap();
    assert_eq!(saved["defaultCurrency"], "EUR");
    assert_eq!(invoke(&main, "settings_get", json!({})).unwrap(), saved);

    let mut bad = shop.clone();
    bad["quickItems"][0]["unitPrice"] = json!("2.205");
    bad["businessName"] = json!("Changed");
    let error = invoke(&main, "settings_save", json!({ "settings": bad })).unwrap_err();
    assert_eq!(error, json!({"code": "invalid_settings", "message": "quickItems[0].unitPrice: EUR amounts have at most 2 decimals"}));
    assert_eq!(invoke(&main, "settings_get", json!({})).unwrap()["businessName"], "Corner Coffee", "nothing saved");
    let unknown = invoke(&main, "settings_save", json!({ "settings": { "businessName": "x" } })).unwrap_err();
    assert!(unknown.to_string().contains("missing field"), "{unknown}");
}

/// Keys set from the window land in the (real, private) OS keyring; no reply ever carries
/// the secret, and the till switches from demo mode to test mode and back.
#[test]
fn keys_set_in_the_window_are_kept_in_the_keyring_and_never_sent_back() {
    const SECRET: &str = "sk_test_paydesk_ipc_made_up_secret_4321";
    let session = common::KeyringSession::start();
    // This test binary's only keyring user: the keyring reads the bus address once, at first use.
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &session.bus);
    let simulator = tauri::async_runtime::block_on(stripe_sim::Simulator::start(stripe_sim::SimConfig::default())).unwrap();
    std::env::set_var(paydesk_core::keys::API_BASE_ENV, simulator.base_url());
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");

    let demo_stripe_js = invoke(&main, "app_info", json!({})).unwrap()["stripeJsUrl"].clone();
    let mut replies = Vec::new();
    let status = invoke(&main, "keys_set", json!({ "secretKey": SECRET, "publishableKey": "pk_test_paydesk_ipc_made_up" })).unwrap();
    assert_eq!(status["secretLast4"], "4321");
    assert_eq!(status["mode"], "test");
    replies.push(status);
    let info = invoke(&main, "app_info", json!({})).unwrap();
    assert_eq!(info["mode"], "test");
    assert_eq!(info["stripeJsUrl"], "https://js.stripe.com/v3/");
    replies.push(info);
    replies.push(invoke(&main, "keys_status", json!({})).unwrap());
    assert!(session.paydesk_secrets().contains(SECRET));

    let order = invoke(&main, "order_create", json!({ "input": coffee_order() })).unwrap();
    let checkout = invoke(&main, "payment_start", json!({ "orderId": order["id"] })).unwrap();
    assert_eq!(checkout["amount"]["minor"], 1007);
    replies.push(checkout);
    let wrong = invoke(&main, "keys_set", json!({ "secretKey": SECRET, "publishableKey": "pk_live_paydesk_ipc_made_up" })).unwrap_err();
    assert_eq!(wrong["code"], "key_mode_mismatch");
    replies.push(wrong);

    for reply in &replies {
        assert!(!reply.to_string().contains(SECRET), "{reply}");
    }
    let test_orders = invoke(&main, "order_list", json!({ "query": {} })).unwrap();
    assert_eq!(test_orders["orders"][0]["id"], order["id"]);
    invoke(&main, "keys_remove", json!({})).unwrap();
    assert!(!session.paydesk_secrets().contains(SECRET));
    // The test-mode sale is not the demo mode's.
    assert_eq!(invoke(&main, "order_list", json!({ "query": {} })).unwrap()["orders"], json!([]));
    let back = invoke(&main, "app_info", json!({})).unwrap();
    assert_eq!(back["mode"], "demo");
    // Back in demo mode on the same simulator: the origin the window's CSP names at startup.
    assert_eq!(back["stripeJsUrl"], demo_stripe_js);
    assert!(!common::everything_written(dir.path()).contains(SECRET));
}

/// Another process holds the database past the busy timeout while the window saves a sale:
/// the window gets the fault's own code and words that say what is going on and what to do,
/// not SQLite's, and nothing is written.
#[test]
fn a_database_held_by_another_process_is_a_clear_busy_error_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");
    let holder = rusqlite::Connection::open(dir.path().join(paydesk_core::store::DATABASE_FILE)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let refused = invoke(&main, "order_create", json!({ "input": coffee_order() })).unwrap_err();
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(refused["code"], "database_busy", "{refused}");
    let message = refused["message"].as_str().unwrap();
    assert!(message.contains("another Paydesk may be writing") && message.contains("Try again"), "{message}");
    assert_eq!(invoke(&main, "order_list", json!({ "query": {} })).unwrap()["orders"], json!([]));
}
