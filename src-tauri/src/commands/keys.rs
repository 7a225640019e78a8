//! The shop's Stripe keys. Replies show the mode and last four characters, never a secret.

use paydesk_core::keys::{self, KeyStatus};
use tauri::State;

use super::args::{Arg, KeyText};
use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub fn keys_status(state: State<'_, AppState>) -> CommandResult<Option<KeyStatus>> {
    let store = state.store()?;
    Ok(keys::key_status(&store)?)
}

/// Whether this system can keep a Stripe secret key (an OS keyring answers), for Settings to
/// say so before the cashier types one.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyStorage {
    pub available: bool,
    pub problem: Option<String>,
}

#[tauri::command]
pub async fn keys_storage(state: State<'_, AppState>) -> CommandResult<KeyStorage> {
    let keyring = state.keyring.clone();
    // The keyring talks D-Bus: off the async threads.
    let checked = tauri::async_runtime::spawn_blocking(move || keyring.check_available()).await;
    let problem = match checked {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(error.to_string()),
        Err(_) => Some("the keyring check stopped unexpectedly".to_owned()),
    };
    Ok(KeyStorage { available: problem.is_none(), problem })
}

#[tauri::command]
pub async fn keys_set(state: State<'_, AppState>, secret_key: Arg<KeyText>, publishable_key: Arg<KeyText>) -> CommandResult<KeyStatus> {
    let (Arg(KeyText(secret)), Arg(KeyText(publishable))) = (secret_key, publishable_key);
    let store = state.shared_store();
    let status = keys::set_keys(&store, &state.keyring, &secret, &publishable, keys::configured_endpoint()?).await?;
    state.reconnect().await;
    Ok(status)
}

/// Only configured keys can be removed: the window offers nothing else, and a removal of no
/// keys would still reach into the keyring and write the settings.
#[tauri::command]
pub async fn keys_remove(state: State<'_, AppState>) -> CommandResult<()> {
    {
        let mut store = state.store()?;
        if keys::key_status(&store)?.is_none() {
            return Err(keys::KeysError::NotConfigured.into());
        }
        keys::remove_keys(&mut store, &state.keyring)?;
    }
    state.reconnect().await;
    Ok(())
}
