//! The Tauri shell: opens the store, registers the commands, opens the window. The domain
//! lives in paydesk-core; this crate only wires it to the webview.

pub mod commands;
pub mod csp;
pub mod error;
pub mod state;
pub mod window;

use std::process::ExitCode;

use std::time::Duration;

use paydesk_cli::{logging, WindowOptions};
use paydesk_core::connection::DemoSimulator;
use paydesk_core::local_tls::LocalTls;
use paydesk_core::secrets::Keyring;
use paydesk_core::store::Store;
use tauri::Manager;

use state::AppState;

/// How often unfinished payments are brought up to date from Stripe (a desktop app gets no
/// webhooks); also once at startup.
const RECONCILE_EVERY: Duration = Duration::from_secs(5 * 60);

/// Registers every command on a builder; shared by `run_app` and the IPC tests.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app::app_info,
        commands::app::app_log_problem,
        commands::customers::customer_list,
        commands::customers::customer_create,
        commands::customers::customer_get,
        commands::customers::customer_edit,
        commands::customers::customer_remove,
        commands::customers::customer_cards,
        commands::customers::customer_remove_card,
        commands::orders::order_quote,
        commands::orders::order_create,
        commands::orders::order_list,
        commands::orders::order_get,
        commands::orders::order_edit,
        commands::payments::payment_start,
        commands::payments::payment_settle,
        commands::payments::payment_finalize,
        commands::payments::payment_charge_saved,
        commands::payments::payment_capture,
        commands::payments::payment_refund,
        commands::payments::payment_void,
        commands::keys::keys_status,
        commands::keys::keys_storage,
        commands::keys::keys_set,
        commands::keys::keys_remove,
        commands::settings::settings_get,
        commands::settings::settings_save,
        commands::report::report_daily,
        commands::report::report_export_csv,
    ])
}

pub fn run_app(options: WindowOptions) -> ExitCode {
    let paths = match options.paths() {
        Ok(paths) => paths,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let _log_guard = logging::init(&paths.log_dir, logging::Audience::Window);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), data_dir = %paths.data_dir.display(), "Paydesk starting");
    let store = match Store::open_in(&paths.data_dir) {
        Ok(store) => store,
        Err(error) => {
            tracing::error!(%error, "cannot open the database");
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    error::name_database(store.path());
    let tls = match LocalTls::load_or_create(&paths.data_dir) {
        Ok(tls) => tls,
        Err(error) => {
            tracing::error!(%error, "no certificate for the window's https page");
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let keyring = Keyring::for_data_dir(&paths.data_dir);
    let demo_tls = window::trusts_local_certificate().then(|| tls.identity().clone());
    let state = AppState::new(store, paths, keyring, DemoSimulator::new(demo_tls));
    // Connected before the window exists: the window's policy depends on the mode, and the
    // simulator or the keyring take milliseconds.
    tauri::async_runtime::block_on(state.reconnect());
    let mut context = tauri::generate_context!("../tauri.conf.json");
    // For a page on the app's own scheme, whose policy Tauri sends from this config.
    if let Some(origin) = csp::stand_in_origin(&state.stripe_js_url()) {
        csp::allow_simulator(context.config_mut(), &origin);
    }
    let result = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(move |app| {
            window::open(app, &tls)?;
            tauri::async_runtime::spawn(reconcile_forever(app.handle().clone()));
            Ok(())
        })
        .run(context);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the window failed");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn reconcile_forever(handle: tauri::AppHandle) {
    loop {
        let state = handle.state::<AppState>();
        match state.connection().await {
            Ok(connection) => match connection.background.reconcile().await {
                Ok(report) if !report.errors.is_empty() => tracing::warn!(errors = ?report.errors, "some payments could not be brought up to date"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "reconciliation failed"),
            },
            Err(error) => tracing::warn!(%error.message, "reconciliation skipped"),
        }
        tokio::time::sleep(RECONCILE_EVERY).await;
    }
}
