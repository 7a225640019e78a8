//! The local SQLite database: orders, their event log, payment attempts, refunds, settings.
//!
//! One connection, WAL, foreign keys on, `synchronous=FULL` (a payment state change that was
//! reported must survive a power cut), `PRAGMA quick_check` at open (see [`check_due`]), and
//! one transaction per state change, with its event written inside it.

mod cards;
mod customers;
mod leases;
mod migrations;
mod orders;
mod payments;
mod restore;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Local, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};

pub use cards::StripeCustomerRecord;
pub use customers::{Customer, MAX_CUSTOMER_PAGE};
pub use migrations::SCHEMA_VERSION;
pub(crate) use orders::{parse_currency, parse_status};
pub use orders::{Order, OrderEvent, OrderId, OrderPage, OrderQuery, OrderSummary, MAX_PAGE, MAX_SEARCH_CHARS};
pub use payments::{NewAttempt, OrderPayment, PaymentAttempt, PaymentFacts, RefundRecord, Refusal, SYNCED};
pub use restore::{restore, Restored};

use crate::mode::AppMode;
use crate::order::{IllegalTransition, InvalidOrder, PricingError};

pub const DATABASE_FILE: &str = "paydesk.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("the database failed its integrity check ({0}); restore a backup")]
    Corrupt(String),
    #[error("the database {} was written by a newer Paydesk (schema {found}; this version knows {known}) and was left as it is: install that newer Paydesk, or restore an older backup with `paydesk restore FILE`", path.display())]
    TooNew { found: u32, known: u32, path: PathBuf },
    /// The disk or another process, not the order: each names the file and what to do.
    #[error("{}", fault.explain(path, detail))]
    Storage { path: PathBuf, fault: Fault, detail: String },
    #[error("the database {} is open in Paydesk (the window or another paydesk command); close it, then try again. Nothing was changed", path.display())]
    InUse { path: PathBuf },
    #[error("a backup is being restored into {}; try again when it has finished", path.display())]
    Restoring { path: PathBuf },
    #[error("{} cannot be restored: {reason}. Nothing was changed", path.display())]
    NotABackup { path: PathBuf, reason: String },
    #[error("cannot restore {}: {message}. The database was left as it was", path.display())]
    Restore { path: PathBuf, message: String },
    #[error("order {0} not found")]
    OrderNotFound(String),
    #[error("customer {0} not found")]
    CustomerNotFound(String),
    #[error(transparent)]
    InvalidCustomer(#[from] crate::customer::InvalidCustomer),
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

/// What went wrong with the database file rather than with what was asked of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    ReadOnly,
    Full,
    Busy,
    Corrupt,
    Io,
}

impl Fault {
    /// The fault behind a SQLite error, if it is one of the disk's or another process's.
    pub fn of(error: &rusqlite::Error) -> Option<Fault> {
        use rusqlite::ErrorCode as Code;
        let rusqlite::Error::SqliteFailure(failure, _) = error else { return None };
        // Growing the shared-memory index fails only when the disk has no room for it.
        if failure.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE {
            return Some(Fault::Full);
        }
        match failure.code {
            Code::ReadOnly => Some(Fault::ReadOnly),
            Code::DiskFull => Some(Fault::Full),
            Code::DatabaseBusy | Code::DatabaseLocked => Some(Fault::Busy),
            Code::DatabaseCorrupt | Code::NotADatabase => Some(Fault::Corrupt),
            Code::SystemIoFailure | Code::CannotOpen => Some(Fault::Io),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Fault::ReadOnly => "database_read_only",
            Fault::Full => "disk_full",
            Fault::Busy => "database_busy",
            Fault::Corrupt => "database_corrupt",
            Fault::Io => "database_io",
        }
    }

    pub fn explain(self, path: &Path, detail: &str) -> String {
        let path = path.display();
        match self {
            Fault::ReadOnly => format!(
                "cannot write to {path}: the file or its folder is read-only ({detail}). Make both writable (or use another --data-dir), then try again. Nothing was changed"
            ),
            Fault::Full => format!("cannot write to {path}: the disk is full ({detail}). Free some space on that disk, then try again. Nothing was saved"),
            Fault::Busy => format!("the database {path} is busy: another Paydesk may be writing ({detail}). Try again in a moment. Nothing was changed"),
            Fault::Corrupt => format!(
                "the database {path} is damaged ({detail}) and Paydesk will not use it; it was left as it is. Restore a backup with `paydesk restore FILE`, which keeps the damaged file aside"
            ),
            Fault::Io => format!("cannot read or write {path} ({detail}). Check the disk and that the folder is writable, then try again"),
        }
    }
}

impl StoreError {
    /// Names the database file in a fault of the disk's or another process's; any other
    /// error is returned as it was.
    pub fn at(self, path: &Path) -> StoreError {
        match self {
            StoreError::Sqlite(error) => match Fault::of(&error) {
                Some(fault) => StoreError::Storage { path: path.to_owned(), fault, detail: error.to_string() },
                None => StoreError::Sqlite(error),
            },
            StoreError::Corrupt(problems) => StoreError::Storage { path: path.to_owned(), fault: Fault::Corrupt, detail: problems },
            StoreError::TooNew { found, known, .. } => StoreError::TooNew { found, known, path: path.to_owned() },
            other => other,
        }
    }

    /// The fault behind this error, for callers that know the database file and can name it.
    pub fn fault(&self) -> Option<Fault> {
        match self {
            StoreError::Storage { fault, .. } => Some(*fault),
            StoreError::Sqlite(error) => Fault::of(error),
            StoreError::Corrupt(_) => Some(Fault::Corrupt),
            _ => None,
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Arc<dyn Clock>,
    /// Held shared for as long as the store is open, so `paydesk restore` (which takes it
    /// exclusive) cannot replace the file under a running Paydesk.
    _lock: std::fs::File,
}

/// The lock file beside a database: `paydesk.sqlite3.lock`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_owned();
    name.push(".lock");
    database.with_file_name(name)
}

/// Opens (creating if needed) the lock file. SQLite must create its WAL beside the
/// database at every open anyway, so a folder where the lock file cannot be written is
/// refused here, by name, before SQLite fails with "unable to open database file".
fn open_lock(database: &Path) -> Result<std::fs::File, StoreError> {
    let path = lock_path(database);
    std::fs::File::options().read(true).write(true).create(true).truncate(false).open(&path).map_err(|source| {
        let fault = match source.kind() {
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => Fault::ReadOnly,
            std::io::ErrorKind::StorageFull => Fault::Full,
            _ => Fault::Io,
        };
        StoreError::Storage { path: database.to_owned(), fault, detail: format!("cannot write {}: {source}", path.display()) }
    })
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
        let lock = open_lock(path)?;
        match lock.try_lock_shared() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::Restoring { path: path.to_owned() }),
            Err(std::fs::TryLockError::Error(error)) => {
                return Err(StoreError::Storage { path: path.to_owned(), fault: Fault::Io, detail: format!("cannot lock {}: {error}", lock_path(path).display()) })
            }
        }
        Store::open_locked(path, clock, lock).map_err(|error| error.at(path))
    }

    fn open_locked(path: &Path, clock: Arc<dyn Clock>, lock: std::fs::File) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // SQLite quietly opens a file it cannot write read-only; say so now rather than at
        // the first sale.
        if conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(StoreError::Storage { path: path.to_owned(), fault: Fault::ReadOnly, detail: "the file cannot be opened for writing".into() });
        }
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
        Ok(Store { conn, path: path.to_owned(), clock, _lock: lock })
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
