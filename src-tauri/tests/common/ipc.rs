//! The app as the window sees it: built on Tauri's mock runtime with the real commands and
//! capability file, and called through Tauri's real IPC layer (no display needed).

use paydesk::state::AppState;
use paydesk::with_commands;
use paydesk_core::connection::DemoSimulator;
use paydesk_core::paths::Paths;
use paydesk_core::secrets::Keyring;
use paydesk_core::store::Store;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

pub fn app(dir: &std::path::Path) -> App<MockRuntime> {
    let paths = Paths::resolve(Some(dir)).unwrap();
    let store = Store::open_in(&paths.data_dir).unwrap();
    let state = AppState::new(store, paths, Keyring::for_profile("ipc-tests-never-touch-the-keyring"), DemoSimulator::default());
    // No keys are set, so this is demo mode: the simulator, no keyring access.
    tauri::async_runtime::block_on(state.reconnect());
    with_commands(mock_builder())
        .manage(state)
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the app builds")
}

pub fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, Default::default()).build().unwrap()
}

pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    invoke_from(window, "tauri://localhost", cmd, args)
}

/// As the page at `url` would call it.
pub fn invoke_from(window: &WebviewWindow<MockRuntime>, url: &str, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: url.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

pub fn coffee_order() -> Value {
    json!({
        "currency": "USD",
        "lines": [
            {"description": "Flat white", "quantity": 2, "unitPrice": "3.50"},
            {"description": "Croissant", "quantity": 1, "unitPrice": "2.25"}
        ],
        "taxes": [{"name": "Sales tax", "rate": "8.875", "inclusive": false}]
    })
}

/// What Stripe.js does in the window after `payment_start`: confirms the intent with the
/// publishable key and client secret, here at the demo's simulator (`stripe_js_url` is its
/// stand-in's address, from `app_info`). Returns the intent as confirmed.
pub fn confirm_in_simulator(stripe_js_url: &str, checkout: &Value, payment_method: &str) -> Value {
    let base = stripe_js_url.trim_end_matches("/v3/").to_owned();
    let intent = checkout["paymentIntentId"].as_str().unwrap().to_owned();
    let publishable = checkout["publishableKey"].as_str().unwrap().to_owned();
    let client_secret = checkout["clientSecret"].as_str().unwrap().to_owned();
    let payment_method = payment_method.to_owned();
    tauri::async_runtime::block_on(async move {
        reqwest::Client::new()
            .post(format!("{base}/v1/payment_intents/{intent}/confirm"))
            .bearer_auth(publishable)
            .form(&[("client_secret", client_secret.as_str()), ("payment_method", payment_method.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}
