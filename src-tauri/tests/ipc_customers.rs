//! The customer directory's window commands through Tauri's real IPC layer: a customer made,
//! found, sold to, changed and removed, and every refusal as `{code, message}`.

mod common;

use common::ipc::{app, coffee_order, invoke, window};
use serde_json::json;

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
