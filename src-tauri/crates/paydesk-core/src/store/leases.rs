//! Leases between processes on one database: work that one Paydesk at a time should do (the
//! window's reconciler and a `paydesk reconcile` share Stripe's rate limit). A lease lapses on
//! its own, so a till that died holding one blocks nobody for long.

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{timestamp, Store, StoreError};

impl Store {
    /// Takes the lease `name` for `holder` for `ttl` from now, if it is free, lapsed or already
    /// `holder`'s (renewing it); says whether `holder` holds it now.
    pub fn take_lease(&mut self, name: &str, holder: &str, ttl: chrono::Duration) -> Result<bool, StoreError> {
        let (now, _) = self.clock.now();
        let key = format!("lease:{name}");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<String> = tx.query_row("SELECT value FROM settings WHERE key = ?1", [&key], |row| row.get(0)).optional()?;
        let held_by_another = current.as_deref().and_then(|value| value.split_once(' ')).is_some_and(|(other, until)| {
            other != holder && chrono::DateTime::parse_from_rfc3339(until).is_ok_and(|until| until > now)
        });
        if held_by_another {
            return Ok(false);
        }
        let value = format!("{holder} {}", timestamp(now + ttl));
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key, value, timestamp(now)],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Gives the lease back, if `holder` still holds it.
    pub fn release_lease(&mut self, name: &str, holder: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM settings WHERE key = ?1 AND substr(value, 1, length(?2) + 1) = ?2 || ' '",
            params![format!("lease:{name}"), holder],
        )?;
        Ok(())
    }
}
