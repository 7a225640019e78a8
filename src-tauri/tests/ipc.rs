//! The window's commands through Tauri's real IPC layer and the app's real capability
//! file (no display needed): replies, and errors pinned to `{code, message}`.

use paydesk::state::AppState;
use paydesk::with_commands;
use paydesk_core::paths::Paths;
use paydesk_core::store::Store;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

fn app(dir: &std::path::Path) -> App<MockRuntime> {
    let paths = Paths::resolve(Some(dir)).unwrap();
    let store = Store::open_in(&paths.data_dir).unwrap();
    with_commands(mock_builder())
        .manage(AppState::new(store, paths))
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the app builds")
}

fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, Default::default()).build().unwrap()
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

fn coffee_order() -> Value {
    json!({
        "currency": "USD",
        "lines": [
            {"description": "Flat white", "quantity": 2, "unitPrice": "3.50"},
            {"description": "Croissant", "quantity": 1, "unitPrice": "2.25"}
        ],
        "taxes": [{"name": "Sales tax", "rate": "8.875", "inclusive": false}]
    })
}

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
