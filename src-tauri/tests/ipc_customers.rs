//! The customer directory's window commands through Tauri's real IPC layer: a customer made,
//! found, sold to, changed and removed, and every refusal as `{code, message}`.

mod common;

use common::ipc::{app, coffee_order, confirm_in_simulator, invoke, window};
use serde_json::{json, Value};

#[test]
fn a_customer_is_made_found_sold_to_changed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");

    let ana = invoke(&main, "customer_create", json!({ "input": { "name": "Ana Díaz", "email": "ana@example.com", "phone": "+1 555 010 9999" } })).unwrap();
    assert_eq!((ana["number"].clone(), ana["name"].clone(), ana["mode"].clone()), (json!(1), json!("Ana Díaz"), json!("demo")));
    invoke(&main, "customer_create", json!({ "input": { "name": "Bo Li", "phone": "+44 20 7946 0000" } })).unwrap();

    let all = invoke(&main, "customer_list", json!({})).unwrap();
    assert_eq!(all["customers"].as_array().unwrap().len(), 2);
    for (search, names) in [("ana", vec!["Ana Díaz"]), ("7946", vec!["Bo Li"]), ("EXAMPLE.COM", vec!["Ana Díaz"]), ("nobody", vec![])] {
        let found = invoke(&main, "customer_list", json!({ "search": search, "limit": 8 })).unwrap();
        let got: Vec<_> = found["customers"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect();
        assert_eq!(got, names, "search {search:?}");
    }

    let mut order = coffee_order();
    order["customerId"] = ana["id"].clone();
    let sold = invoke(&main, "order_create", json!({ "input": order })).unwrap();
    assert_eq!(sold["customer"]["name"], "Ana Díaz");
    assert_eq!(sold["customerEmail"], "ana@example.com", "the email defaults from the customer");

    let page = invoke(&main, "customer_get", json!({ "id": "C1" })).unwrap();
    assert_eq!(page["customer"]["id"], ana["id"]);
    assert_eq!(page["orders"].as_array().unwrap().len(), 1);
    assert_eq!(page["orders"][0]["number"], sold["number"]);
    assert_eq!(page["orders"][0]["total"]["display"], "$10.07");
    let by_id = invoke(&main, "customer_get", json!({ "id": ana["id"] })).unwrap();
    assert_eq!(by_id, page);

    let edited = invoke(&main, "customer_edit", json!({ "id": ana["id"], "input": { "name": "Ana Díaz Ruiz", "email": "ana@example.com", "note": "Prefers oat milk" } })).unwrap();
    assert_eq!((edited["name"].clone(), edited["phone"].clone(), edited["note"].clone()), (json!("Ana Díaz Ruiz"), json!(null), json!("Prefers oat milk")));

    let removed = invoke(&main, "customer_remove", json!({ "id": "C1" })).unwrap();
    assert_eq!(removed["removed"], true);
    let left = invoke(&main, "customer_list", json!({})).unwrap();
    assert_eq!(left["customers"].as_array().unwrap().len(), 1);
    assert_eq!(invoke(&main, "customer_get", json!({ "id": "C1" })).unwrap_err()["code"], "customer_not_found");
    let old = invoke(&main, "order_get", json!({ "id": sold["id"] })).unwrap();
    assert_eq!(old["customer"]["name"], "Ana Díaz Ruiz", "an order keeps naming a removed customer");
}

#[test]
fn bad_customers_are_refused_naming_the_field_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");

    let cases = [
        (json!({ "name": "   " }), "invalid_customer", "name"),
        (json!({ "name": "Ana", "email": "not-an-email" }), "invalid_customer", "email"),
        (json!({ "name": "Ana", "phone": "12" }), "invalid_customer", "phone"),
        (json!({ "name": "Ana", "stripeCustomerId": "cus_123" }), "invalid_customer", "stripeCustomerId"),
        (json!({ "name": 7 }), "invalid_customer", "name"),
        (json!("Ana"), "invalid_customer", "input"),
    ];
    for (input, code, field) in cases {
        let error = invoke(&main, "customer_create", json!({ "input": input })).unwrap_err();
        assert_eq!(error["code"], code, "{input}");
        assert!(error["message"].as_str().unwrap().contains(field), "{input}: {error}");
        assert_eq!(error.as_object().unwrap().len(), 2, "{error}");
    }
    assert_eq!(invoke(&main, "customer_list", json!({})).unwrap()["customers"], json!([]));

    for id in [json!("C99"), json!("nobody"), json!(12)] {
        let error = invoke(&main, "customer_get", json!({ "id": id })).unwrap_err();
        assert_eq!(error["code"], "customer_not_found", "{id}: {error}");
    }
    let error = invoke(&main, "customer_list", json!({ "search": "x".repeat(500) })).unwrap_err();
    assert_eq!(error["code"], "invalid_query");
    let error = invoke(&main, "customer_edit", json!({ "id": "C1", "input": { "name": "Ana" } })).unwrap_err();
    assert_eq!(error["code"], "customer_not_found");
}

/// Ana, with a coffee order for her; the order's id.
fn ana_with_an_order(main: &tauri::WebviewWindow<tauri::test::MockRuntime>) -> (Value, Value) {
    let ana = invoke(main, "customer_create", json!({ "input": { "name": "Ana Díaz", "email": "ana@example.com" } })).unwrap();
    let mut order = coffee_order();
    order["customerId"] = ana["id"].clone();
    let order = invoke(main, "order_create", json!({ "input": order })).unwrap();
    (ana, order["id"].clone())
}

#[test]
fn a_card_saved_with_consent_is_listed_charged_by_phone_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");
    let stripe_js = invoke(&main, "app_info", json!({})).unwrap()["stripeJsUrl"].as_str().unwrap().to_owned();
    let (ana, first) = ana_with_an_order(&main);
    assert_eq!(invoke(&main, "customer_cards", json!({ "id": ana["id"] })).unwrap()["cards"], json!([]));

    let checkout = invoke(&main, "payment_start", json!({ "orderId": first, "saveCard": { "recordedBy": "the till" } })).unwrap();
    confirm_in_simulator(&stripe_js, &checkout, "pm_card_visa");
    assert_eq!(invoke(&main, "payment_settle", json!({ "orderId": first })).unwrap()["outcome"], "paid");
    let consent = invoke(&main, "order_get", json!({ "id": first })).unwrap();
    assert!(consent["events"].to_string().contains("the till"), "the consent is in the order's events: {}", consent["events"]);

    let cards = invoke(&main, "customer_cards", json!({ "id": "C1" })).unwrap()["cards"].clone();
    assert_eq!(cards.as_array().unwrap().len(), 1, "{cards}");
    assert_eq!((cards[0]["brand"].clone(), cards[0]["last4"].clone()), (json!("visa"), json!("4242")));
    let card = cards[0]["paymentMethodId"].clone();
    assert!(card.as_str().unwrap().starts_with("pm_"));

    let mut second = coffee_order();
    second["customerId"] = ana["id"].clone();
    let second = invoke(&main, "order_create", json!({ "input": second })).unwrap()["id"].clone();
    let paid = invoke(&main, "payment_charge_saved", json!({ "orderId": second, "paymentMethodId": card, "cardUse": "moto" })).unwrap();
    assert_eq!((paid["outcome"].clone(), paid["cardLast4"].clone()), (json!("paid"), json!("4242")));
    assert!(!paid.to_string().contains("_secret_"));

    let left = invoke(&main, "customer_remove_card", json!({ "id": ana["id"], "paymentMethodId": card })).unwrap();
    assert_eq!(left["cards"], json!([]));
    assert_eq!(invoke(&main, "customer_cards", json!({ "id": ana["id"] })).unwrap()["cards"], json!([]));
}

#[test]
fn saved_card_commands_refuse_bad_requests_as_code_and_message_and_charge_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let main = window(&app, "main");
    let (_ana, order) = ana_with_an_order(&main);
    let no_customer = invoke(&main, "order_create", json!({ "input": coffee_order() })).unwrap()["id"].clone();

    let cases = [
        ("payment_start", json!({ "orderId": order, "saveCard": { "recordedBy": "  " } }), "invalid_consent"),
        ("payment_start", json!({ "orderId": order, "saveCard": "yes" }), "invalid_consent"),
        ("payment_start", json!({ "orderId": no_customer, "saveCard": { "recordedBy": "the till" } }), "order_has_no_customer"),
        ("payment_charge_saved", json!({ "orderId": order, "paymentMethodId": "card_4242", "cardUse": "moto" }), "invalid_payment_method"),
        ("payment_charge_saved", json!({ "orderId": order, "paymentMethodId": "pm_card_visa", "cardUse": "moto" }), "not_a_saved_card"),
        ("payment_charge_saved", json!({ "orderId": order, "paymentMethodId": "pm_card_visa", "cardUse": "on_session" }), "invalid_saved_card_use"),
        ("payment_charge_saved", json!({ "orderId": no_customer, "paymentMethodId": "pm_card_visa", "cardUse": "moto" }), "order_has_no_customer"),
        ("customer_cards", json!({ "id": "C9" }), "customer_not_found"),
        ("customer_remove_card", json!({ "id": "C1", "paymentMethodId": 42 }), "invalid_payment_method"),
    ];
    for (command, args, code) in cases {
        let error = invoke(&main, command, args.clone()).unwrap_err();
        assert_eq!(error["code"], code, "{command} {args}: {error}");
        assert_eq!(error.as_object().unwrap().len(), 2, "{error}");
    }
    for id in [order, no_customer] {
        let view = invoke(&main, "order_get", json!({ "id": id })).unwrap();
        assert_eq!(view["status"], "draft", "nothing was charged: {view}");
    }
}
