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

/// What the window could not do that the cashier was told about (a blocked load, a card form
/// that failed to load), for the log. The window sends only the kind and a short description.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowProblem {
    pub kind: String,
    pub detail: String,
}

#[tauri::command]
pub fn app_log_problem(problem: WindowProblem) -> CommandResult<()> {
    let kind = clip(&problem.kind, 40);
    let detail = scrub(&clip(&problem.detail, 500));
    tracing::warn!(kind, detail, "the window reported a problem");
    Ok(())
}

/// At most `max` characters, control characters replaced, so one log line stays one line.
fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Whatever looks like a secret key or a client secret is dropped: a blocked URL may carry a
/// client secret in its query.
fn scrub(text: &str) -> String {
    let secret = |word: &str| word.contains("_secret_") || ["sk_", "rk_"].iter().any(|p| word.contains(p));
    text.split_inclusive(|c: char| c.is_whitespace() || "?&=#\"',;".contains(c))
        .map(|word| if secret(word) { "[redacted] " } else { word })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_reach_the_log_line() {
        let detail = "frame-src blocked https://evil.example/x?client_secret=pi_1_secret_abc&k=sk_live_123 sk_test_9\n";
        let logged = scrub(&clip(detail, 500));
        assert!(!logged.contains("pi_1_secret_abc") && !logged.contains("sk_live_123") && !logged.contains("sk_test_9"), "{logged}");
        assert!(logged.contains("frame-src blocked https://evil.example/x?"), "{logged}");
        assert!(!logged.contains('\n'));
        assert_eq!(clip("ééé", 2), "éé");
    }
}
