//! The end-of-day report and its CSV export.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use paydesk_core::connection::AppMode;
use paydesk_core::export::ExportRange;
use paydesk_core::report::DailyReport;
use serde::Serialize;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

use super::args::{Arg, DayText};
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    pub path: String,
    pub rows: u64,
}

/// `date` is the business day ("2026-11-22"); none means today.
/// The current mode's orders only.
#[tauri::command]
pub async fn report_daily(state: State<'_, AppState>, date: Arg<Option<DayText>>) -> CommandResult<DailyReport> {
    let date = business_day(date.0, &state)?;
    let mode = state.mode().await?;
    Ok(state.store()?.daily_report(mode, date)?)
}

/// Asks where to save the day's orders as CSV (the system's save dialog), then writes them
/// there. `None` when the cashier closes the dialog.
#[tauri::command]
pub async fn report_export_csv<R: tauri::Runtime>(app: tauri::AppHandle<R>, state: State<'_, AppState>, date: Arg<Option<DayText>>) -> CommandResult<Option<ExportResult>> {
    let date = business_day(date.0, &state)?;
    let mode = state.mode().await?;
    // A test or training export says so in its name, so it is not filed with the books.
    let suggested = match mode {
        AppMode::Live => format!("paydesk-orders-{date}.csv"),
        other => format!("paydesk-orders-{date}-{other}.csv"),
    };
    let Some(path) = pick_file(&app, &suggested).await? else {
        return Ok(None);
    };
    let rows = write_csv(&state, mode, date, &path)?;
    tracing::info!(path = %path.display(), rows, "report exported");
    Ok(Some(ExportResult { path: path.display().to_string(), rows }))
}

/// The day asked for, or the shop's local today.
fn business_day(date: Option<DayText>, state: &AppState) -> CommandResult<NaiveDate> {
    match date.as_ref().map(|day| day.0.trim()).filter(|d| !d.is_empty()) {
        None => Ok(state.store()?.clock_now().with_timezone(&chrono::Local).date_naive()),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| CommandError { code: "invalid_date", message: format!("{} is not a date (YYYY-MM-DD)", paydesk_core::text::quoted(text)) }),
    }
}

async fn pick_file<R: tauri::Runtime>(app: &tauri::AppHandle<R>, suggested: &str) -> CommandResult<Option<PathBuf>> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file().set_title("Export the day's orders").set_file_name(suggested).add_filter("CSV", &["csv"]);
    if let Some(documents) = dirs::document_dir().filter(|dir| dir.is_dir()) {
        dialog = dialog.set_directory(documents);
    }
    dialog.save_file(move |picked| {
        let _ = sender.send(picked);
    });
    let picked = receiver.await.unwrap_or(None);
    picked
        .map(|file| {
            file.into_path().map_err(|error| CommandError { code: "export_path", message: format!("cannot save there: {error}") })
        })
        .transpose()
}

/// Written next to the target and renamed into place, so a failed export never leaves a
/// truncated file under the name the cashier chose.
fn write_csv(state: &AppState, mode: AppMode, date: NaiveDate, path: &Path) -> CommandResult<u64> {
    let export_error = |error: std::io::Error| CommandError { code: "export_write", message: format!("cannot write {}: {error}", path.display()) };
    let directory = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(directory).map_err(export_error)?;
    let rows = state.store()?.export_csv(mode, ExportRange { from: Some(date), to: Some(date) }, &mut file)?;
    file.as_file().sync_all().map_err(export_error)?;
    file.persist(path).map_err(|error| export_error(error.error))?;
    Ok(rows)
}
