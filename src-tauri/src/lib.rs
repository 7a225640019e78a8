//! The Tauri shell: opens the store, registers the commands, opens the window. The domain
//! lives in paydesk-core; this crate only wires it to the webview.

pub mod commands;
pub mod error;
pub mod state;

use std::process::ExitCode;

use paydesk_cli::{logging, WindowOptions};
use paydesk_core::store::Store;

use state::AppState;

/// Registers every command on a builder; shared by `run_app` and the IPC tests.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app::app_info,
        commands::orders::order_quote,
        commands::orders::order_create,
        commands::orders::order_list,
        commands::orders::order_get,
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
    let result = with_commands(tauri::Builder::default())
        .manage(AppState::new(store, paths))
        .run(tauri::generate_context!("../tauri.conf.json"));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the window failed");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
