//! The till's settings, as the Settings screen edits them.

use paydesk_core::settings::Settings;
use tauri::State;

use super::args::Arg;
use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub fn settings_get(state: State<'_, AppState>) -> CommandResult<Settings> {
    Ok(Settings::load(&*state.store()?)?)
}

/// Saves all of it or, with `invalid_settings` naming the field, none of it.
#[tauri::command]
pub fn settings_save(state: State<'_, AppState>, settings: Arg<Settings>) -> CommandResult<Settings> {
    Ok(settings.0.save(&mut *state.store()?)?)
}
