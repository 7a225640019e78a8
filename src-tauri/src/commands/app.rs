use paydesk_core::connection::AppMode;
use paydesk_core::text;
use serde::Serialize;
use tauri::State;

use super::args::Arg;
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

/// What the window could not do that the cashier was told about (a blocked load, a card form
/// that failed to load), for the log. The window sends only the kind and a short description.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WindowProblem {
    pub kind: String,
    pub detail: String,
}

#[tauri::command]
pub fn app_log_problem(problem: Arg<WindowProblem>) -> CommandResult<()> {
    let Arg(problem) = problem;
    let kind = text::clipped(&problem.kind, 40);
    let detail = text::clipped(&problem.detail, 500);
    tracing::warn!(kind, detail, "the window reported a problem");
    Ok(())
}
