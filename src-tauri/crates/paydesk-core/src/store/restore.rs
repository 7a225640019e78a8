//! `paydesk restore FILE`: puts a backup in place of the live database, only while no
//! Paydesk has it open, only once the file has proven itself a Paydesk database, and keeping
//! the database it replaces.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;

use super::{lock_path, same_file, Store, StoreError, DATABASE_FILE, SCHEMA_VERSION};

/// The tables every Paydesk database has had since its first version.
const TABLES: &[&str] = &["orders", "order_lines", "order_taxes", "order_events", "payment_attempts", "refunds", "settings"];

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Restored {
    pub database: PathBuf,
    pub backup: PathBuf,
    /// Where the database that was replaced is kept (none when there was none).
    pub set_aside: Option<PathBuf>,
    pub orders: i64,
}

/// Replaces the database in `data_dir` with `backup`. Refused, changing nothing, while any
/// Paydesk holds the database (each holds its lock file shared), or when `backup` is not a
/// whole Paydesk database this version can open.
pub fn restore(data_dir: &Path, backup: &Path) -> Result<Restored, StoreError> {
    let database = data_dir.join(DATABASE_FILE);
    let failed = |message: String| StoreError::Restore { path: backup.to_owned(), message };
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir { path: data_dir.to_owned(), source })?;
    if !backup.is_file() {
        return Err(StoreError::NotABackup { path: backup.to_owned(), reason: "there is no such file".into() });
    }
    if same_file(backup, &database) {
        return Err(StoreError::NotABackup { path: backup.to_owned(), reason: "that is the live database".into() });
    }
    let lock = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(lock_path(&database))
        .map_err(|e| failed(format!("cannot create {}: {e}", lock_path(&database).display())))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::InUse { path: database }),
        Err(std::fs::TryLockError::Error(e)) => return Err(failed(format!("cannot lock {}: {e}", lock_path(&database).display()))),
    }

    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let incoming = data_dir.join(format!(".{DATABASE_FILE}.restoring-{stamp}"));
    let checked = copy_and_check(backup, &incoming);
    if let Err(error) = checked {
        remove_with_sidecars(&incoming);
        return Err(error);
    }
    let set_aside = set_aside(&database, &stamp).map_err(|e| {
        remove_with_sidecars(&incoming);
        failed(e)
    })?;
    // A WAL left beside the old database would be replayed into the new one.
    for sidecar in sidecars(&database) {
        match std::fs::remove_file(&sidecar) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                remove_with_sidecars(&incoming);
                return Err(failed(format!("cannot remove {}: {e}", sidecar.display())));
            }
        }
    }
    std::fs::rename(&incoming, &database).map_err(|e| failed(format!("cannot move the checked copy into place: {e}")))?;
    sync_dir(data_dir);
    drop(lock);

    let store = Store::open(&database)?;
    let orders = store.connection().query_row("SELECT count(*) FROM orders", [], |row| row.get(0))?;
    tracing::info!(backup = %backup.display(), database = %database.display(), set_aside = ?set_aside, orders, "database restored");
    Ok(Restored { database, backup: backup.to_owned(), set_aside, orders })
}

/// Copies the backup beside the database (so the last step is a rename on one disk) and
/// checks the copy, never the file the user gave, which stays untouched.
fn copy_and_check(backup: &Path, incoming: &Path) -> Result<(), StoreError> {
    let not_a_backup = |reason: String| StoreError::NotABackup { path: backup.to_owned(), reason };
    {
        let mut from = File::open(backup).map_err(|e| not_a_backup(format!("cannot read it: {e}")))?;
        let mut to = File::options().write(true).create_new(true).open(incoming).map_err(|e| StoreError::Restore {
            path: backup.to_owned(),
            message: format!("cannot create {}: {e}", incoming.display()),
        })?;
        std::io::copy(&mut from, &mut to)
            .and_then(|_| to.sync_all())
            .map_err(|e| StoreError::Restore { path: backup.to_owned(), message: format!("cannot copy it into the data directory: {e}") })?;
    }
    let conn = Connection::open(incoming).map_err(|e| not_a_backup(e.to_string()))?;
    // The full check, whatever the open of a live database does: this file is new to us.
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut statement| statement.query_map([], |row| row.get(0))?.collect())
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_a_backup(format!("it is not a SQLite database ({e})")),
            _ => not_a_backup(format!("it fails SQLite's integrity check ({e})")),
        })?;
    if problems != ["ok"] {
        return Err(not_a_backup(format!("it fails SQLite's integrity check ({})", problems.join("; "))));
    }
    let version: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(|e| not_a_backup(e.to_string()))?;
    if version > SCHEMA_VERSION {
        return Err(not_a_backup(format!("it was written by a newer Paydesk (schema {version}; this version knows {SCHEMA_VERSION})")));
    }
    for table in TABLES {
        let present: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)", [table], |row| row.get(0))
            .map_err(|e| not_a_backup(e.to_string()))?;
        if !present {
            return Err(not_a_backup(format!("it is not a Paydesk database (no {table} table)")));
        }
    }
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(|e| not_a_backup(e.to_string()))?;
    conn.close().map_err(|(_, e)| not_a_backup(e.to_string()))?;
    File::open(incoming).and_then(|file| file.sync_all()).map_err(|e| StoreError::Restore { path: backup.to_owned(), message: e.to_string() })
}

/// Keeps the database being replaced as `paydesk.sqlite3.before-restore-<UTC time>`, its
/// WAL folded in first so the kept file is whole on its own. When the WAL cannot be folded
/// in (a damaged database), it is kept beside the copy under the matching name instead.
fn set_aside(database: &Path, stamp: &str) -> Result<Option<PathBuf>, String> {
    if !database.exists() {
        return Ok(None);
    }
    let wal = sidecar(database, "-wal");
    if wal.metadata().map(|m| m.len() > 0).unwrap_or(false) {
        let folded = Connection::open(database).and_then(|conn| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get::<_, i64>(0)));
        if let Err(error) = folded {
            tracing::warn!(%error, "the replaced database's WAL could not be folded in; it is kept beside it");
        }
    }
    let aside = database.with_file_name(format!("{DATABASE_FILE}.before-restore-{stamp}"));
    std::fs::copy(database, &aside)
        .and_then(|_| File::open(&aside)?.sync_all())
        .map_err(|e| format!("cannot keep the current database as {}: {e}", aside.display()))?;
    if wal.metadata().map(|m| m.len() > 0).unwrap_or(false) {
        std::fs::copy(&wal, sidecar(&aside, "-wal")).map_err(|e| format!("cannot keep the current database's WAL: {e}"))?;
    }
    Ok(Some(aside))
}

fn sidecar(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    database.with_file_name(name)
}

fn sidecars(database: &Path) -> [PathBuf; 2] {
    [sidecar(database, "-wal"), sidecar(database, "-shm")]
}

fn remove_with_sidecars(database: &Path) {
    for path in [database.to_owned()].into_iter().chain(sidecars(database)) {
        let _ = std::fs::remove_file(path);
    }
}

/// Makes the rename itself survive a power cut.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Err(error) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::warn!(%error, dir = %dir.display(), "cannot sync the data directory");
    }
    #[cfg(not(unix))]
    let _ = dir;
}
