use paydesk_core::connection::AppMode;
use serde::Serialize;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub mode: AppMode,
    pub data_dir: String,
    /// Where the window loads Stripe.js from (the simulator's stand-in in demo mode).
    pub stripe_js_url: String,
    /// Publishable keys are public by design (they ship in every Stripe.js page).
    pub publishable_key: String,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    let connection = state.connection().await?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        mode: connection.mode,
        data_dir: state.paths.data_dir.display().to_string(),
        stripe_js_url: connection.stripe_js_url.clone(),
        publishable_key: connection.publishable_key.as_str().to_owned(),
    })
}
