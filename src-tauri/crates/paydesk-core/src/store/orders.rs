//! Orders in the store: create, read, list, and change status with the event in the same
//! transaction.

use std::fmt;

use rusqlite::{params, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::customer::CustomerId;
use crate::mode::AppMode;
use crate::money::{Currency, Money, Rate, Sign};
use crate::order::{Discount, Line, OrderSpec, OrderStatus, Quote, TaxRate};

pub const MAX_PAGE: u32 = 200;
/// Longer than any order number, intent id, amount or item words; and well under SQLite's
/// limit on a LIKE pattern, which would otherwise fail the query as a database error.
pub const MAX_SEARCH_CHARS: usize = 200;
const FIRST_ORDER_NUMBER: i64 = 1001;

/// A stable, time-ordered id (UUID v7), distinct from the human order number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderId(String);

impl OrderId {
    fn new() -> Self {
        OrderId(uuid::Uuid::now_v7().to_string())
    }

    /// Parses an id as written by [`OrderId`]'s `Display`; anything else is refused.
    pub fn parse(text: &str) -> Option<OrderId> {
        uuid::Uuid::parse_str(text.trim()).ok().map(|uuid| OrderId(uuid.hyphenated().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An id read back from the database, which only ever holds ids this type wrote.
    pub(super) fn from_stored(id: String) -> OrderId {
        OrderId(id)
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: OrderId,
    pub number: i64,
    pub status: OrderStatus,
    /// The mode it was taken in; it never changes.
    pub mode: AppMode,
    pub spec: OrderSpec,
    pub quote: Quote,
    pub summary: String,
    pub business_date: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummary {
    pub id: OrderId,
    pub number: i64,
    pub status: OrderStatus,
    pub total: Money,
    pub summary: String,
    pub business_date: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderEvent {
    pub at: String,
    pub kind: String,
    pub from_status: Option<OrderStatus>,
    pub to_status: OrderStatus,
    pub cause: String,
}

/// History filters. Dates are the shop's local business days, inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderQuery {
    #[serde(default)]
    pub status: Option<OrderStatus>,
    #[serde(default)]
    pub from: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub to: Option<chrono::NaiveDate>,
    /// An order number, a PaymentIntent id, or words from the items.
    #[serde(default)]
    pub text: Option<String>,
    /// Keyset paging: only orders numbered below this.
    #[serde(default)]
    pub before_number: Option<i64>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPage {
    pub orders: Vec<OrderSummary>,
    /// Pass as `before_number` for the next page; `None` on the last page.
    pub next_before_number: Option<i64>,
}

impl Order {
    /// Refuses an order taken in another mode than `current`: its payment lives in another
    /// Stripe (or the demo's simulator), and nothing done here may touch it.
    pub fn ensure_mode(&self, current: AppMode) -> Result<(), StoreError> {
        if self.mode == current {
            Ok(())
        } else {
            Err(StoreError::OtherMode { number: self.number, order_mode: self.mode, current })
        }
    }
}

impl Store {
    /// Prices and saves a new draft order taken in `mode`, with its `created` event, in one
    /// transaction. Order numbers are one sequence across all modes.
    pub fn create_order(&mut self, mode: AppMode, spec: &OrderSpec, cause: &str) -> Result<Order, StoreError> {
        if spec.lines.is_empty() {
            return Err(crate::order::InvalidOrder::new("lines", "add at least one line").into());
        }
        let quote = spec.quote()?;
        let (now, business_date) = self.now();
        let id = OrderId::new();
        let summary = summarize(spec);
        let (discount_kind, discount_value) = discount_columns(spec);

        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let customer_email = customer_email(&tx, mode, spec)?;
        let number: i64 = tx.query_row(
            "SELECT COALESCE(MAX(number) + 1, ?1) FROM orders",
            [FIRST_ORDER_NUMBER],
            |row| row.get(0),
        )?;
        tx.execute(
            "INSERT INTO orders (id, number, status, currency, discount_kind, discount_value, tip, note,
                 customer_email, summary, subtotal, discount, tax_exclusive, tax_inclusive, rounding, total,
                 business_date, created_at, updated_at, mode, customer_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?19, ?20)",
            params![
                id.as_str(),
                number,
                OrderStatus::Draft.as_str(),
                spec.currency.code(),
                discount_kind,
                discount_value,
                quote.tip.minor(),
                spec.note,
                customer_email,
                summary,
                quote.subtotal.minor(),
                quote.discount.minor(),
                quote.tax_exclusive.minor(),
                quote.tax_inclusive.minor(),
                quote.rounding.minor(),
                quote.total.minor(),
                business_date,
                now,
                mode.as_str(),
                spec.customer_id.as_ref().map(CustomerId::as_str),
            ],
        )?;
        write_lines_and_taxes(&tx, &id, spec, &quote)?;
        append_event(&tx, &id, &now, "created", None, OrderStatus::Draft, cause)?;
        tx.commit()?;
        tracing::info!(order = %id, number, %mode, total = %quote.total.to_decimal_string(), currency = %spec.currency, "order created");
        self.order(&id)
    }

    /// Replaces an order's contents before it is paid ("add a cookie" at the checkout): in
    /// draft, or awaiting payment with no payment under way. The order is repriced and the
    /// change logged in one transaction; the next charge asks Stripe for the new total. Only an
    /// order of the `current` mode can be edited.
    pub fn edit_order(&mut self, current: AppMode, id: &OrderId, spec: &OrderSpec, cause: &str) -> Result<Order, StoreError> {
        if spec.lines.is_empty() {
            return Err(crate::order::InvalidOrder::new("lines", "add at least one line").into());
        }
        let (now, _) = self.now();
        let (discount_kind, discount_value) = discount_columns(spec);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let status = order_status(&tx, id)?;
        let (number, currency, mode): (i64, String, String) = tx.query_row(
            "SELECT number, currency, mode FROM orders WHERE id = ?1",
            [id.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        let order_mode = parse_mode(&mode)?;
        if order_mode != current {
            return Err(StoreError::OtherMode { number, order_mode, current });
        }
        if !matches!(status, OrderStatus::Draft | OrderStatus::AwaitingPayment) {
            return Err(StoreError::NotEditable { number, status });
        }
        // A create or confirm still waiting for Stripe's answer would be re-sent with the
        // old amount: the order must not change under it.
        let unanswered: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM payment_attempts WHERE order_id = ?1 AND status IN ('creating', 'canceling'))
                 OR EXISTS (SELECT 1 FROM order_operations WHERE order_id = ?1 AND kind = 'confirm' AND status = 'pending')",
            [id.as_str()],
            |row| row.get(0),
        )?;
        if unanswered {
            return Err(StoreError::PaymentUnderWay { number });
        }
        if status == OrderStatus::AwaitingPayment && currency != spec.currency.code() {
            return Err(crate::order::InvalidOrder::new("currency", "the currency cannot change once payment has started; void the sale and start again").into());
        }
        let quote = spec.quote()?;
        let customer_email = customer_email(&tx, current, spec)?;
        tx.execute("DELETE FROM order_lines WHERE order_id = ?1", [id.as_str()])?;
        tx.execute("DELETE FROM order_taxes WHERE order_id = ?1", [id.as_str()])?;
        tx.execute(
            "UPDATE orders SET currency = ?1, discount_kind = ?2, discount_value = ?3, tip = ?4, note = ?5, customer_email = ?6,
                 summary = ?7, subtotal = ?8, discount = ?9, tax_exclusive = ?10, tax_inclusive = ?11, rounding = ?12,
                 total = ?13, updated_at = ?14, customer_id = ?16
             WHERE id = ?15",
            params![
                spec.currency.code(),
                discount_kind,
                discount_value,
                quote.tip.minor(),
                spec.note,
                customer_email,
                summarize(spec),
                quote.subtotal.minor(),
                quote.discount.minor(),
                quote.tax_exclusive.minor(),
                quote.tax_inclusive.minor(),
                quote.rounding.minor(),
                quote.total.minor(),
                now,
                id.as_str(),
                spec.customer_id.as_ref().map(CustomerId::as_str),
            ],
        )?;
        write_lines_and_taxes(&tx, id, spec, &quote)?;
        append_event(&tx, id, &now, "edited", Some(status), status, &format!("{cause}; total now {}", quote.total))?;
        tx.commit()?;
        tracing::info!(order = %id, number, total = %quote.total.to_decimal_string(), "order edited");
        self.order(id)
    }

    /// Moves an order to `next`, refusing transitions the state machine does not allow, and
    /// appends the event with its cause in the same transaction.
    pub fn transition(&mut self, id: &OrderId, next: OrderStatus, cause: &str) -> Result<Order, StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = order_status(&tx, id)?;
        current.transition(next)?;
        set_status(&tx, id, next, &now)?;
        append_event(&tx, id, &now, "status_changed", Some(current), next, cause)?;
        tx.commit()?;
        tracing::info!(order = %id, from = current.as_str(), to = next.as_str(), cause, "order status changed");
        self.order(id)
    }

    pub fn order(&self, id: &OrderId) -> Result<Order, StoreError> {
        self.conn
            .query_row(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"), [id.as_str()], read_order_row)
            .optional()?
            .ok_or_else(|| StoreError::OrderNotFound(id.to_string()))
            .and_then(|row| self.complete_order(row))
    }

    pub fn order_by_number(&self, number: i64) -> Result<Order, StoreError> {
        self.conn
            .query_row(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE number = ?1"), [number], read_order_row)
            .optional()?
            .ok_or_else(|| StoreError::OrderNotFound(format!("#{number}")))
            .and_then(|row| self.complete_order(row))
    }

    /// Finds an order by what a person would type: its number ("1042" or "#1042") or its id.
    pub fn find_order(&self, reference: &str) -> Result<Order, StoreError> {
        let text = reference.trim();
        if let Ok(number) = text.trim_start_matches('#').parse::<i64>() {
            return self.order_by_number(number);
        }
        match OrderId::parse(text) {
            Some(id) => self.order(&id),
            None => Err(StoreError::OrderNotFound(crate::text::quoted(text))),
        }
    }

    pub fn events(&self, id: &OrderId) -> Result<Vec<OrderEvent>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT at, kind, from_status, to_status, cause FROM order_events WHERE order_id = ?1 ORDER BY id",
        )?;
        let rows = statement.query_map([id.as_str()], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, Option<String>>(2)?, row.get::<_, String>(3)?, row.get::<_, String>(4)?))
        })?;
        rows.map(|row| {
            let (at, kind, from, to, cause) = row?;
            Ok(OrderEvent {
                at,
                kind,
                from_status: from.as_deref().map(parse_status).transpose()?,
                to_status: parse_status(&to)?,
                cause,
            })
        })
        .collect()
    }

    /// The orders taken in `mode`, newest first, filtered, one page at a time.
    pub fn list_orders(&self, mode: AppMode, query: &OrderQuery) -> Result<OrderPage, StoreError> {
        if query.text.as_deref().is_some_and(|text| text.chars().count() > MAX_SEARCH_CHARS) {
            return Err(StoreError::InvalidQuery(format!("text: search for at most {MAX_SEARCH_CHARS} characters")));
        }
        let limit = query.limit.unwrap_or(50).clamp(1, MAX_PAGE);
        let (sql, values) = self.list_statement(mode, query, limit)?;
        let mut statement = self.conn.prepare_cached(&sql)?;
        let mut orders = read_summaries(&mut statement, rusqlite::params_from_iter(values))?;
        let next_before_number = if orders.len() > limit as usize {
            orders.truncate(limit as usize);
            orders.last().map(|order| order.number)
        } else {
            None
        };
        Ok(OrderPage { orders, next_before_number })
    }

    /// The history query for `mode` and `query`, with its parameters. Every shape leads with
    /// the mode, which each index of the orders table leads with too.
    pub(super) fn list_statement(&self, mode: AppMode, query: &OrderQuery, limit: u32) -> Result<(String, Vec<rusqlite::types::Value>), StoreError> {
        if let Some(by_day) = day_by_day_statement(mode, query, limit) {
            return Ok(by_day);
        }
        let mut conditions: Vec<String> = vec!["mode = ?".into()];
        let mut values: Vec<rusqlite::types::Value> = vec![mode.as_str().to_owned().into()];
        if let Some(status) = query.status {
            conditions.push("status = ?".into());
            values.push(status.as_str().to_owned().into());
        }
        if let Some(from) = query.from {
            conditions.push("business_date >= ?".into());
            values.push(from.format("%Y-%m-%d").to_string().into());
        }
        if let Some(to) = query.to {
            conditions.push("business_date <= ?".into());
            values.push(to.format("%Y-%m-%d").to_string().into());
        }
        if let Some(before) = query.before_number {
            conditions.push("number < ?".into());
            values.push(before.into());
        }
        if let Some(text) = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            // A mode has many orders, an intent or an amount few: for these searches the mode
            // is only checked (`+mode` keeps SQLite from walking the mode's index instead, which
            // it would otherwise prefer for its order by number), and an amount's own
            // alternative names the mode, so it finds its index (mode, currency, total).
            if let Some(number) = text.strip_prefix('#') {
                conditions.push("number = ?".into());
                values.push(number.trim().parse::<i64>().unwrap_or(0).into());
            } else if text.starts_with("pi_") {
                conditions[0] = "+mode = ?".into();
                conditions.push("payment_intent_id = ?".into());
                values.push(text.to_owned().into());
            } else if let Some(amounts) = self.amounts_matching(mode, text)? {
                conditions[0] = "+mode = ?".into();
                // "12" may be order #12 or an amount of 12.00: both are shown.
                let mut alternatives = Vec::new();
                if let Ok(number) = text.parse::<i64>() {
                    alternatives.push("number = ?");
                    values.push(number.into());
                }
                for (currency, minor) in amounts {
                    alternatives.push("(mode = ? AND currency = ? AND total = ?)");
                    values.push(mode.as_str().to_owned().into());
                    values.push(currency.code().to_owned().into());
                    values.push(minor.into());
                }
                conditions.push(if alternatives.is_empty() { "0".into() } else { format!("({})", alternatives.join(" OR ")) });
            } else {
                conditions.push("summary LIKE ? ESCAPE '\\'".into());
                values.push(format!("%{}%", escape_like(text)).into());
            }
        }
        let sql = format!(
            "SELECT id, number, status, currency, total, summary, business_date, created_at FROM orders
             WHERE {} ORDER BY number DESC LIMIT {}",
            conditions.join(" AND "),
            limit + 1
        );
        Ok((sql, values))
    }

    /// When `text` reads as an amount ("10.07", "$10.07", "1,234"), that amount in each
    /// currency the till has taken where it is exact; `None` when it is not an amount at all.
    fn amounts_matching(&self, mode: AppMode, text: &str) -> Result<Option<Vec<(Currency, i64)>>, StoreError> {
        // A leading currency symbol is allowed; letters are not ("g_1" is words, not an amount).
        let digits = text.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '.').trim_start();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
            return Ok(None);
        }
        let mut statement = self.conn.prepare_cached(DISTINCT_CURRENCIES)?;
        let currencies = statement
            .query_map([mode.as_str()], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(
            currencies
                .iter()
                .filter_map(|code| code.parse::<Currency>().ok())
                .filter_map(|currency| Money::parse(digits, currency, Sign::NonNegative).ok().map(|m| (currency, m.minor())))
                .collect(),
        ))
    }

    /// Rebuilds the order's spec from its rows, prices it again and checks the result
    /// against the stored totals: the amount that will be charged is always the one the
    /// core computes from what is stored.
    fn complete_order(&self, row: OrderRow) -> Result<Order, StoreError> {
        let currency = parse_currency(&row.currency)?;
        let mut statement = self.conn.prepare_cached(
            "SELECT description, quantity, unit_price FROM order_lines WHERE order_id = ?1 ORDER BY position",
        )?;
        let lines = statement
            .query_map([&row.id], |r| {
                Ok(Line { description: r.get(0)?, quantity: r.get(1)?, unit_price: Money::new(r.get(2)?, currency) })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut statement = self
            .conn
            .prepare_cached("SELECT name, rate, inclusive FROM order_taxes WHERE order_id = ?1 ORDER BY position")?;
        let taxes = statement
            .query_map([&row.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, bool>(2)?)))?
            .map(|tax| {
                let (name, rate, inclusive) = tax?;
                let rate = Rate::from_millionths(rate).map_err(|_| StoreError::Inconsistent(row.id.clone()))?;
                Ok(TaxRate { name, rate, inclusive })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let discount = match (row.discount_kind.as_deref(), row.discount_value) {
            (None, None) => None,
            (Some("percent"), Some(value)) => Some(Discount::Percent {
                rate: Rate::from_millionths(value).map_err(|_| StoreError::Inconsistent(row.id.clone()))?,
            }),
            (Some("amount"), Some(value)) => Some(Discount::Amount { amount: Money::new(value, currency) }),
            _ => return Err(StoreError::Inconsistent(row.id.clone())),
        };
        let spec = OrderSpec {
            currency,
            lines,
            discount,
            taxes,
            tip: (row.tip > 0).then(|| Money::new(row.tip, currency)),
            note: row.note,
            customer_email: row.customer_email,
            customer_id: row.customer_id.map(CustomerId::from_stored),
        };
        let quote = spec.quote()?;
        if quote.total.minor() != row.total || quote.subtotal.minor() != row.subtotal {
            tracing::error!(order = %row.id, stored = row.total, computed = quote.total.minor(), "stored totals disagree");
            return Err(StoreError::Inconsistent(row.id));
        }
        Ok(Order {
            id: OrderId(row.id),
            number: row.number,
            status: parse_status(&row.status)?,
            mode: parse_mode(&row.mode)?,
            spec,
            quote,
            summary: row.summary,
            business_date: row.business_date,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Up to this many days, a date range is read a day at a time.
const MAX_DAYS_BY_DAY: i64 = 62;

/// A page of a date range (and status) without text, newest first. Over a range, neither
/// index serves both the filter and the order: the date index finds the range but leaves
/// every order in it to sort (a month of a busy shop: tens of thousands), and the status
/// index walks back from the newest order to the range, fetching each to check its date. Each
/// day's orders, though, are in number order in (mode, [status,] business_date, number DESC):
/// the newest of each day are read from the index alone, and the page is the newest of those.
/// Exact whatever the clock did (a number later than another may carry an earlier day).
fn day_by_day_statement(mode: AppMode, query: &OrderQuery, limit: u32) -> Option<(String, Vec<rusqlite::types::Value>)> {
    let (Some(from), Some(to)) = (query.from, query.to) else { return None };
    let days = (to - from).num_days() + 1;
    if query.text.as_deref().is_some_and(|text| !text.trim().is_empty()) || !(1..=MAX_DAYS_BY_DAY).contains(&days) {
        return None;
    }
    let mut day_condition = String::from("mode = ?");
    if query.status.is_some() {
        day_condition.push_str(" AND status = ?");
    }
    day_condition.push_str(" AND business_date = ?");
    if query.before_number.is_some() {
        day_condition.push_str(" AND number < ?");
    }
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    let mut arms = Vec::new();
    for day in from.iter_days().take(days as usize) {
        arms.push(format!("SELECT number FROM (SELECT number FROM orders WHERE {day_condition} ORDER BY number DESC LIMIT {})", limit + 1));
        values.push(mode.as_str().to_owned().into());
        if let Some(status) = query.status {
            values.push(status.as_str().to_owned().into());
        }
        values.push(day.format("%Y-%m-%d").to_string().into());
        if let Some(before) = query.before_number {
            values.push(before.into());
        }
    }
    let sql = format!(
        "SELECT id, number, status, currency, total, summary, business_date, created_at FROM orders
         WHERE number IN (SELECT number FROM ({}) ORDER BY number DESC LIMIT {limit1}) ORDER BY number DESC LIMIT {limit1}",
        arms.join(" UNION ALL "),
        limit1 = limit + 1
    );
    Some((sql, values))
}

const ORDER_COLUMNS: &str = "id, number, status, currency, discount_kind, discount_value, tip, note, customer_email,
    summary, subtotal, total, business_date, created_at, updated_at, mode, customer_id";

/// The currencies a mode has taken. A plain DISTINCT reads every entry of the mode's index
/// (a million orders: tens of milliseconds for each amount search); this seeks from one
/// currency to the next in (mode, currency, ...), a handful of lookups.
pub(super) const DISTINCT_CURRENCIES: &str = "WITH RECURSIVE taken (code) AS (
        SELECT MIN(currency) FROM orders WHERE mode = ?1
        UNION ALL
        SELECT (SELECT MIN(currency) FROM orders WHERE mode = ?1 AND currency > taken.code) FROM taken WHERE taken.code IS NOT NULL
    )
    SELECT code FROM taken WHERE code IS NOT NULL";

struct OrderRow {
    id: String,
    number: i64,
    status: String,
    currency: String,
    discount_kind: Option<String>,
    discount_value: Option<i64>,
    tip: i64,
    note: Option<String>,
    customer_email: Option<String>,
    summary: String,
    subtotal: i64,
    total: i64,
    business_date: String,
    created_at: String,
    updated_at: String,
    mode: String,
    customer_id: Option<String>,
}

fn read_order_row(row: &Row<'_>) -> rusqlite::Result<OrderRow> {
    Ok(OrderRow {
        id: row.get(0)?,
        number: row.get(1)?,
        status: row.get(2)?,
        currency: row.get(3)?,
        discount_kind: row.get(4)?,
        discount_value: row.get(5)?,
        tip: row.get(6)?,
        note: row.get(7)?,
        customer_email: row.get(8)?,
        summary: row.get(9)?,
        subtotal: row.get(10)?,
        total: row.get(11)?,
        business_date: row.get(12)?,
        created_at: row.get(13)?,
        updated_at: row.get(14)?,
        mode: row.get(15)?,
        customer_id: row.get(16)?,
    })
}

pub(super) fn append_event(
    tx: &Transaction<'_>,
    id: &OrderId,
    at: &str,
    kind: &str,
    from: Option<OrderStatus>,
    to: OrderStatus,
    cause: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO order_events (order_id, at, kind, from_status, to_status, cause) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id.as_str(), at, kind, from.map(OrderStatus::as_str), to.as_str(), cause],
    )?;
    Ok(())
}

pub(crate) fn parse_status(text: &str) -> Result<OrderStatus, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("unknown order status \"{text}\" in the database")))
}

pub(crate) fn parse_mode(text: &str) -> Result<AppMode, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("unknown mode \"{text}\" in the database")))
}

pub(crate) fn parse_currency(code: &str) -> Result<Currency, StoreError> {
    code.parse().map_err(|_| StoreError::Corrupt(format!("unknown currency \"{code}\" in the database")))
}

/// "Flat white ×2, Croissant" — what the history list shows and text search looks in.
fn summarize(spec: &OrderSpec) -> String {
    spec.lines
        .iter()
        .map(|line| match line.quantity {
            1 => line.description.clone(),
            quantity => format!("{} ×{quantity}", line.description),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The email the order keeps: the one typed for it, else its customer's. The customer must be
/// in `mode`'s directory (checked in the order's own transaction, so a removal cannot slip in
/// between).
fn customer_email(tx: &Transaction<'_>, mode: AppMode, spec: &OrderSpec) -> Result<Option<String>, StoreError> {
    let Some(customer) = &spec.customer_id else { return Ok(spec.customer_email.clone()) };
    let email: Option<Option<String>> = tx
        .query_row(
            "SELECT email FROM customers WHERE id = ?1 AND mode = ?2 AND removed_at IS NULL",
            params![customer.as_str(), mode.as_str()],
            |row| row.get(0),
        )
        .optional()?;
    let email = email.ok_or_else(|| StoreError::CustomerNotFound(customer.to_string()))?;
    Ok(spec.customer_email.clone().or(email))
}

pub(super) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// How a discount is kept: its kind, and millionths of a percent or minor units.
fn discount_columns(spec: &OrderSpec) -> (Option<&'static str>, Option<i64>) {
    match spec.discount {
        None => (None, None),
        Some(Discount::Percent { rate }) => (Some("percent"), Some(rate.millionths())),
        Some(Discount::Amount { amount }) => (Some("amount"), Some(amount.minor())),
    }
}

/// The order's lines and tax rates with what each came to, as priced by `quote`.
fn write_lines_and_taxes(tx: &Transaction<'_>, id: &OrderId, spec: &OrderSpec, quote: &Quote) -> Result<(), StoreError> {
    for (position, (line, priced)) in spec.lines.iter().zip(&quote.lines).enumerate() {
        tx.execute(
            "INSERT INTO order_lines (order_id, position, description, quantity, unit_price, amount, discount, tax)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id.as_str(),
                position as i64,
                line.description,
                line.quantity,
                line.unit_price.minor(),
                priced.amount.minor(),
                priced.discount.minor(),
                priced.tax.minor(),
            ],
        )?;
    }
    for (position, (tax, priced)) in spec.taxes.iter().zip(&quote.taxes).enumerate() {
        tx.execute(
            "INSERT INTO order_taxes (order_id, position, name, rate, inclusive, amount)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id.as_str(), position as i64, tax.name, tax.rate.millionths(), tax.inclusive, priced.amount.minor()],
        )?;
    }
    Ok(())
}

pub(super) fn order_status(tx: &Transaction<'_>, order_id: &OrderId) -> Result<OrderStatus, StoreError> {
    let status: String = tx
        .query_row("SELECT status FROM orders WHERE id = ?1", [order_id.as_str()], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::OrderNotFound(order_id.to_string()))?;
    parse_status(&status)
}

pub(super) fn set_status(tx: &Transaction<'_>, order_id: &OrderId, status: OrderStatus, now: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE orders SET status = ?1, updated_at = ?2 WHERE id = ?3",
        params![status.as_str(), now, order_id.as_str()],
    )?;
    Ok(())
}

/// Rows of `SELECT id, number, status, currency, total, summary, business_date, created_at`.
pub(super) fn read_summaries(statement: &mut rusqlite::Statement<'_>, values: impl rusqlite::Params) -> Result<Vec<OrderSummary>, StoreError> {
    statement
        .query_map(values, |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, String>(7)?,
            ))
        })?
        .map(|row| {
            let (id, number, status, currency, total, summary, business_date, created_at) = row?;
            Ok(OrderSummary {
                id: OrderId(id),
                number,
                status: parse_status(&status)?,
                total: Money::new(total, parse_currency(&currency)?),
                summary,
                business_date,
                created_at,
            })
        })
        .collect()
}
