//! The local SQLite database: orders, their event log, payment attempts, refunds, settings.
//!
//! One connection, WAL, foreign keys on, `synchronous=FULL` (a payment state change that was
//! reported must survive a power cut), `PRAGMA quick_check` at open (see [`check_due`]), and
//! one transaction per state change, with its event written inside it.

mod migrations;
mod orders;
mod payments;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Local, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};

pub use migrations::SCHEMA_VERSION;
pub(crate) use orders::{parse_currency, parse_status};
pub use orders::{Order, OrderEvent, OrderId, OrderPage, OrderQuery, OrderSummary, MAX_PAGE, MAX_SEARCH_CHARS};
pub use payments::{NewAttempt, OrderPayment, PaymentAttempt, PaymentFacts, RefundRecord, SYNCED};

use crate::mode::AppMode;
use crate::order::{IllegalTransition, InvalidOrder, PricingError};

pub const DATABASE_FILE: &str = "paydesk.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("the database failed its integrity check ({0}); restore a backup")]
    Corrupt(String),
    #[error("the database was written by a newer Paydesk (schema {found}; this version knows {known})")]
    TooNew { found: u32, known: u32 },
    #[error("order {0} not found")]
    OrderNotFound(String),
    #[error("{0}")]
    InvalidQuery(String),
    #[error(transparent)]
    InvalidOrder(#[from] InvalidOrder),
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error(transparent)]
    IllegalTransition(#[from] IllegalTransition),
    #[error("order #{number} is {status} and can no longer be changed")]
    NotEditable { number: i64, status: crate::order::OrderStatus },
    #[error("the stored order {0} does not match its own totals; it may have been edited outside Paydesk")]
    Inconsistent(String),
    #[error("cannot write the backup to {path}: {message}")]
    Backup { path: PathBuf, message: String },
    #[error("a payment for order #{number} is already under way; wait for it to finish or refresh the order")]
    PaymentUnderWay { number: i64 },
    #[error("a refund of order #{number} is still waiting for Stripe's answer; refresh the order before refunding again")]
    RefundUnderWay { number: i64 },
    #[error("order #{number} is {status} and cannot be charged")]
    NotChargeable { number: i64, status: crate::order::OrderStatus },
    #[error("order #{number} changed while its payment was being prepared; start the payment again")]
    OrderChanged { number: i64 },
    #[error("order #{number}'s payment was replaced while Stripe was being asked about the old one; refresh the order")]
    PaymentReplaced { number: i64 },
    #[error("order #{number} was taken in {order_mode} mode and Paydesk is in {current} mode now; it can only be changed or paid in {order_mode} mode")]
    OtherMode { number: i64, order_mode: AppMode, current: AppMode },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// When things happen: the UTC instant, and the shop's local calendar day for the daily report.
pub trait Clock: Send + Sync {
    fn now(&self) -> (DateTime<Utc>, NaiveDate);
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> (DateTime<Utc>, NaiveDate) {
        let local = Local::now();
        (local.with_timezone(&Utc), local.date_naive())
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Arc<dyn Clock>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`.
    pub fn open_in(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| StoreError::DataDir { path: data_dir.to_owned(), source })?;
        Store::open(&data_dir.join(DATABASE_FILE))
    }

    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with_clock(path, Arc::new(SystemClock))
    }

    pub fn open_with_clock(path: &Path, clock: Arc<dyn Clock>) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let journal: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")?;
        let (now, _) = clock.now();
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let every_open = size <= CHECK_EVERY_OPEN_BYTES;
        let due = every_open || check_due(last_checked(&conn), now);
        if due {
            quick_check(&conn)?;
        }
        let version = migrations::migrate(&mut conn)?;
        if due && !every_open {
            // Only a record: a database that cannot take it (read-only, busy) is checked again next time.
            if let Err(error) = record_checked(&conn, now) {
                tracing::warn!(%error, "cannot record the integrity check");
            }
        }
        tracing::info!(path = %path.display(), journal, version, checked = due, "database open");
        Ok(Store { conn, path: path.to_owned(), clock })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs SQLite's full integrity check; `Ok` means it answered "ok".
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        check_integrity(&self.conn)
    }

    /// Copies the live database to `destination` with SQLite's online backup API: the app
    /// may keep writing meanwhile, and the copy is a consistent snapshot.
    pub fn backup_to(&self, destination: &Path) -> Result<(), StoreError> {
        let backup_error = |message: String| StoreError::Backup { path: destination.to_owned(), message };
        if destination.exists() {
            return Err(backup_error("the file already exists; choose a new name".into()));
        }
        if same_file(destination, &self.path) {
            return Err(backup_error("that is the live database".into()));
        }
        self.conn
            .backup(rusqlite::MAIN_DB, destination, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|e| {
                // A failed backup must not leave a half-written file that looks like a backup.
                let _ = std::fs::remove_file(destination);
                backup_error(e.to_string())
            })?;
        let copy = Connection::open(destination).map_err(|e| backup_error(e.to_string()))?;
        check_integrity(&copy).map_err(|e| backup_error(e.to_string()))?;
        tracing::info!(destination = %destination.display(), "database backed up");
        Ok(())
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0))
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.set_settings(&[(key, value)])
    }

    /// Writes several settings in one transaction: all of them or none.
    pub fn set_settings(&mut self, pairs: &[(&str, &str)]) -> Result<(), StoreError> {
        let (now, _) = self.clock.now();
        let now = timestamp(now);
        let transaction = self.conn.transaction()?;
        for (key, value) in pairs {
            transaction.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, &now),
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// The store's clock: what "now" is for the records it writes.
    pub fn clock_now(&self) -> DateTime<Utc> {
        self.clock.now().0
    }

    fn now(&self) -> (String, String) {
        let (instant, date) = self.clock.now();
        (timestamp(instant), date.format("%Y-%m-%d").to_string())
    }
}

/// RFC 3339 in UTC with milliseconds: sorts as text in time order.
fn timestamp(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A file up to this size (a few thousand orders) is checked at every open: `quick_check`
/// reads every page, at about 400 MB/s on the 2-core build machine, so this costs at most
/// about 20 ms (BENCHMARKS.md).
const CHECK_EVERY_OPEN_BYTES: u64 = 8 << 20;
/// A larger one at most once this often: at a million orders (about 1 GB) a check takes
/// about a second, which every command and every start of the app would otherwise pay.
const CHECK_EVERY_HOURS: i64 = 24;
const CHECKED_AT: &str = "integrity_checked_at";

/// Whether opening a large file last checked at `last` checks it now. A time that cannot be
/// read, or lies in the future (the clock was moved back), is no excuse.
fn check_due(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|last| last > now || now - last >= chrono::Duration::hours(CHECK_EVERY_HOURS))
}

/// When the file was last found sound. Any failure to read it (no settings table yet, or
/// a file too damaged to read) means never: the check then says what is wrong.
fn last_checked(conn: &Connection) -> Option<DateTime<Utc>> {
    let text: String = conn.query_row("SELECT value FROM settings WHERE key = ?1", [CHECKED_AT], |row| row.get(0)).ok()?;
    DateTime::parse_from_rfc3339(&text).ok().map(|at| at.with_timezone(&Utc))
}

fn record_checked(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<usize> {
    let now = timestamp(now);
    conn.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (CHECKED_AT, &now),
    )
}

/// Every page read and each b-tree's structure checked, without matching indexes to their
/// tables (which is most of `integrity_check`'s time).
fn quick_check(conn: &Connection) -> Result<(), StoreError> {
    run_check(conn, "PRAGMA quick_check")
}

fn check_integrity(conn: &Connection) -> Result<(), StoreError> {
    run_check(conn, "PRAGMA integrity_check")
}

fn run_check(conn: &Connection, pragma: &str) -> Result<(), StoreError> {
    // Some damage stops the check itself rather than being listed by it.
    let damaged = |error: rusqlite::Error| match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => StoreError::Corrupt(error.to_string()),
        _ => StoreError::Sqlite(error),
    };
    let mut statement = conn.prepare(pragma).map_err(damaged)?;
    let problems: Vec<String> = statement.query_map([], |row| row.get(0)).map_err(damaged)?.collect::<Result<_, _>>().map_err(damaged)?;
    if problems == ["ok"] {
        Ok(())
    } else {
        Err(StoreError::Corrupt(problems.join("; ")))
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod query_plans;

#[cfg(test)]
mod tests {
    use super::*;

    // Fails with the schedule removed (always due, or never).
    #[test]
    fn a_large_file_is_checked_when_a_day_has_passed_or_the_clock_went_back() {
        let now = DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z").unwrap().with_timezone(&Utc);
        let hours = |h: i64| Some(now - chrono::Duration::hours(h));
        assert!(check_due(None, now));
        assert!(!check_due(hours(0), now));
        assert!(!check_due(hours(23), now));
        assert!(check_due(hours(24), now));
        assert!(check_due(hours(-1), now), "a check recorded in the future");
    }
}
