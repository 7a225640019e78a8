//! The customer directory: written by the cashier, searched at the counter.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::orders::{escape_like, read_summaries, OrderSummary};
use super::{Store, StoreError};
use crate::customer::{CustomerId, CustomerSpec};
use crate::mode::AppMode;

/// The most customers one search returns: a type-ahead shows a handful, a list a page.
pub const MAX_CUSTOMER_PAGE: usize = 200;
/// The most of one customer's orders their page lists.
pub const MAX_CUSTOMER_ORDERS: usize = 200;
const FIRST_CUSTOMER_NUMBER: i64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: CustomerId,
    pub number: i64,
    pub mode: AppMode,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
    /// Made at Stripe the first time a card is saved or listed for them.
    pub stripe_customer_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub removed: bool,
}

// The Stripe Customer is the one made for the customer's own mode (migration 10); the
// column of that name on `customers` was never written.
const COLUMNS: &str = "id, number, mode, name, email, phone, note,
    (SELECT s.stripe_customer_id FROM stripe_customers s WHERE s.customer_id = customers.id AND s.mode = customers.mode AND s.status = 'created'),
    created_at, updated_at, removed_at";

fn read_customer(row: &rusqlite::Row<'_>) -> rusqlite::Result<Customer> {
    let mode: String = row.get(2)?;
    Ok(Customer {
        id: CustomerId::from_stored(row.get(0)?),
        number: row.get(1)?,
        mode: mode.parse().map_err(|_| rusqlite::Error::InvalidColumnType(2, "mode".into(), rusqlite::types::Type::Text))?,
        name: row.get(3)?,
        email: row.get(4)?,
        phone: row.get(5)?,
        note: row.get(6)?,
        stripe_customer_id: row.get(7)?,
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
        removed: row.get::<_, Option<String>>(10)?.is_some(),
    })
}

impl Store {
    /// Adds a customer to `mode`'s directory.
    pub fn create_customer(&mut self, mode: AppMode, spec: &CustomerSpec) -> Result<Customer, StoreError> {
        let (now, _) = self.now();
        let id = CustomerId::new();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let number: i64 = tx.query_row("SELECT COALESCE(MAX(number) + 1, ?1) FROM customers", [FIRST_CUSTOMER_NUMBER], |row| row.get(0))?;
        tx.execute(
            "INSERT INTO customers (id, number, mode, name, email, phone, note, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![id.as_str(), number, mode.as_str(), spec.name, spec.email, spec.phone, spec.note, now],
        )?;
        tx.commit()?;
        tracing::info!(customer = %id, number, %mode, "customer added");
        self.customer(&id)
    }

    /// Replaces a customer's details; only one of `mode`'s directory, and not a removed one.
    pub fn edit_customer(&mut self, mode: AppMode, id: &CustomerId, spec: &CustomerSpec) -> Result<Customer, StoreError> {
        let (now, _) = self.now();
        let changed = self.conn.execute(
            "UPDATE customers SET name = ?1, email = ?2, phone = ?3, note = ?4, updated_at = ?5
              WHERE id = ?6 AND mode = ?7 AND removed_at IS NULL",
            params![spec.name, spec.email, spec.phone, spec.note, now, id.as_str(), mode.as_str()],
        )?;
        if changed == 0 {
            return Err(StoreError::CustomerNotFound(id.to_string()));
        }
        self.customer(id)
    }

    /// Takes a customer out of `mode`'s directory. Their orders keep naming them.
    pub fn remove_customer(&mut self, mode: AppMode, id: &CustomerId) -> Result<Customer, StoreError> {
        let (now, _) = self.now();
        let changed = self.conn.execute(
            "UPDATE customers SET removed_at = ?1, updated_at = ?1 WHERE id = ?2 AND mode = ?3 AND removed_at IS NULL",
            params![now, id.as_str(), mode.as_str()],
        )?;
        if changed == 0 {
            return Err(StoreError::CustomerNotFound(id.to_string()));
        }
        tracing::info!(customer = %id, "customer removed from the directory");
        self.customer(id)
    }

    /// Any customer by id, removed or not (an old order names them).
    pub fn customer(&self, id: &CustomerId) -> Result<Customer, StoreError> {
        self.conn
            .query_row(&format!("SELECT {COLUMNS} FROM customers WHERE id = ?1"), [id.as_str()], read_customer)
            .optional()?
            .ok_or_else(|| StoreError::CustomerNotFound(id.to_string()))
    }

    /// A customer of `mode`'s directory by what a cashier types: their number (`12`, `C12`)
    /// or their id.
    pub fn find_customer(&self, mode: AppMode, reference: &str) -> Result<Customer, StoreError> {
        let not_found = || StoreError::CustomerNotFound(crate::text::quoted(reference));
        let trimmed = reference.trim();
        let found = if let Some(id) = CustomerId::parse(trimmed) {
            self.customer(&id).ok()
        } else {
            let digits = trimmed.strip_prefix(['C', 'c']).unwrap_or(trimmed);
            let number: i64 = digits.parse().map_err(|_| not_found())?;
            self.conn
                .query_row(&format!("SELECT {COLUMNS} FROM customers WHERE number = ?1"), [number], read_customer)
                .optional()?
        };
        found.filter(|customer| customer.mode == mode && !customer.removed).ok_or_else(not_found)
    }

    /// `mode`'s directory by name, newest first among equals; with `search`, the customers
    /// whose name, email or phone contains it (any case).
    pub fn list_customers(&self, mode: AppMode, search: Option<&str>, limit: usize) -> Result<Vec<Customer>, StoreError> {
        let limit = limit.clamp(1, MAX_CUSTOMER_PAGE) as i64;
        let search = search.map(str::trim).filter(|s| !s.is_empty());
        if let Some(problem) = search.and_then(|s| crate::text::problem(s, crate::customer::MAX_NAME_CHARS, crate::text::Lines::One)) {
            return Err(StoreError::InvalidQuery(format!("search: {problem}")));
        }
        let pattern = search.map(|s| format!("%{}%", escape_like(s)));
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM customers
              WHERE mode = ?1 AND removed_at IS NULL
                AND (?2 IS NULL OR name LIKE ?2 ESCAPE '\\' OR email LIKE ?2 ESCAPE '\\' OR phone LIKE ?2 ESCAPE '\\')
              ORDER BY name COLLATE NOCASE, number DESC LIMIT ?3"
        ))?;
        let customers = statement.query_map(params![mode.as_str(), pattern, limit], read_customer)?.collect::<Result<Vec<_>, _>>()?;
        Ok(customers)
    }

    /// The customer's orders, newest first (through `orders_by_customer`).
    pub fn customer_orders(&self, id: &CustomerId, limit: usize) -> Result<Vec<OrderSummary>, StoreError> {
        let limit = limit.clamp(1, MAX_CUSTOMER_ORDERS) as i64;
        let mut statement = self.conn.prepare_cached(
            "SELECT id, number, status, currency, total, summary, business_date, created_at FROM orders
              WHERE customer_id = ?1 ORDER BY number DESC LIMIT ?2",
        )?;
        read_summaries(&mut statement, params![id.as_str(), limit])
    }
}
