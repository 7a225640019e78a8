//! Versioned schema migrations. `PRAGMA user_version` records how many have been applied;
//! each runs in its own transaction together with the version bump, so a crash mid-way
//! leaves the previous version intact. Migrations are append-only: never edit a shipped one.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: orders, their lines and taxes, the append-only event log, payment attempts, refunds, settings.
    r#"
    CREATE TABLE settings (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE orders (
        id               TEXT PRIMARY KEY,
        number           INTEGER NOT NULL UNIQUE CHECK (number > 0),
        status           TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_payment', 'action_required',
                             'processing', 'authorized', 'paid', 'partially_refunded', 'refunded', 'voided')),
        currency         TEXT NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
        discount_kind    TEXT CHECK (discount_kind IN ('percent', 'amount')),
        discount_value   INTEGER CHECK ((discount_kind IS NULL) = (discount_value IS NULL) AND discount_value >= 0),
        tip              INTEGER NOT NULL CHECK (tip >= 0),
        note             TEXT,
        customer_email   TEXT,
        summary          TEXT NOT NULL,
        subtotal         INTEGER NOT NULL CHECK (subtotal >= 0),
        discount         INTEGER NOT NULL CHECK (discount >= 0 AND discount <= subtotal),
        tax_exclusive    INTEGER NOT NULL CHECK (tax_exclusive >= 0),
        tax_inclusive    INTEGER NOT NULL CHECK (tax_inclusive >= 0),
        rounding         INTEGER NOT NULL,
        total            INTEGER NOT NULL CHECK (total >= 0
                             AND total = subtotal - discount + tax_exclusive + tip + rounding),
        amount_captured  INTEGER NOT NULL DEFAULT 0 CHECK (amount_captured >= 0),
        amount_refunded  INTEGER NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0 AND amount_refunded <= amount_captured),
        payment_intent_id TEXT,
        charge_id        TEXT,
        card_brand       TEXT,
        card_last4       TEXT,
        business_date    TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX orders_by_status ON orders (status, number DESC);
    CREATE INDEX orders_by_date ON orders (business_date, number DESC);
    CREATE INDEX orders_by_payment_intent ON orders (payment_intent_id) WHERE payment_intent_id IS NOT NULL;

    CREATE TABLE order_lines (
        order_id     TEXT NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        position     INTEGER NOT NULL CHECK (position >= 0),
        description  TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
        quantity     INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 9999),
        unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
        amount       INTEGER NOT NULL CHECK (amount = quantity * unit_price),
        discount     INTEGER NOT NULL CHECK (discount BETWEEN 0 AND amount),
        tax          INTEGER NOT NULL CHECK (tax >= 0),
        PRIMARY KEY (order_id, position)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE order_taxes (
        order_id   TEXT NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        position   INTEGER NOT NULL CHECK (position >= 0),
        name       TEXT NOT NULL,
        rate       INTEGER NOT NULL CHECK (rate BETWEEN 0 AND 1000000),
        inclusive  INTEGER NOT NULL CHECK (inclusive IN (0, 1)),
        amount     INTEGER NOT NULL CHECK (amount >= 0),
        PRIMARY KEY (order_id, position)
    ) STRICT, WITHOUT ROWID;

    -- Every state change with its cause, written in the same transaction as the change.
    CREATE TABLE order_events (
        id           INTEGER PRIMARY KEY,
        order_id     TEXT NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        at           TEXT NOT NULL,
        kind         TEXT NOT NULL,
        from_status  TEXT,
        to_status    TEXT NOT NULL,
        cause        TEXT NOT NULL CHECK (length(cause) > 0),
        detail       TEXT CHECK (detail IS NULL OR json_valid(detail))
    ) STRICT;
    CREATE INDEX order_events_by_order ON order_events (order_id, id);
    CREATE TRIGGER order_events_are_append_only_update BEFORE UPDATE ON order_events
        BEGIN SELECT RAISE(ABORT, 'order_events is append-only'); END;
    CREATE TRIGGER order_events_are_append_only_delete BEFORE DELETE ON order_events
        BEGIN SELECT RAISE(ABORT, 'order_events is append-only'); END;

    -- The idempotency key is committed before the request that uses it leaves.
    CREATE TABLE payment_attempts (
        id                 INTEGER PRIMARY KEY,
        order_id           TEXT NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        attempt            INTEGER NOT NULL CHECK (attempt >= 1),
        idempotency_key    TEXT NOT NULL UNIQUE,
        payment_intent_id  TEXT,
        flow               TEXT NOT NULL,
        amount             INTEGER NOT NULL CHECK (amount > 0),
        currency           TEXT NOT NULL,
        status             TEXT NOT NULL,
        last_error         TEXT,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL,
        UNIQUE (order_id, attempt)
    ) STRICT;
    CREATE INDEX payment_attempts_by_intent ON payment_attempts (payment_intent_id) WHERE payment_intent_id IS NOT NULL;

    CREATE TABLE refunds (
        id               INTEGER PRIMARY KEY,
        order_id         TEXT NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        idempotency_key  TEXT NOT NULL UNIQUE,
        refund_id        TEXT UNIQUE,
        amount           INTEGER NOT NULL CHECK (amount > 0),
        reason           TEXT,
        status           TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX refunds_by_order ON refunds (order_id);
    "#,
    // 2: the exact parameters of each create request, so an attempt interrupted by a crash or
    // a lost response is re-sent identically under its idempotency key (Stripe replays it, or
    // runs it once if it never arrived); and the keys of captures and cancellations.
    r#"
    ALTER TABLE payment_attempts ADD COLUMN request TEXT CHECK (request IS NULL OR json_valid(request));

    CREATE TABLE order_operations (
        id               INTEGER PRIMARY KEY,
        order_id         TEXT NOT NULL REFERENCES orders (id) ON DELETE RESTRICT,
        kind             TEXT NOT NULL CHECK (kind IN ('capture', 'cancel', 'confirm')),
        idempotency_key  TEXT NOT NULL UNIQUE,
        amount           INTEGER,
        status           TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
    ) STRICT;
    CREATE INDEX order_operations_pending ON order_operations (order_id, kind) WHERE status = 'pending';
    "#,
    // 3: history search by amount ("10.07" finds every order of that total, per currency).
    r#"
    CREATE INDEX orders_by_total ON orders (currency, total, number DESC);
    "#,
    // 4: exactly once, whatever fails. At most one open attempt per order, enforced by the
    // database for every process (attempts replaced earlier were always canceled first, so
    // all but each order's latest are marked superseded); an operation's key belongs to one
    // intent; a refund keeps its exact request and its intent, to be re-sent identically or
    // found by the key written on it.
    r#"
    UPDATE payment_attempts SET status = 'superseded'
     WHERE status NOT IN ('failed', 'canceled', 'superseded')
       AND attempt < (SELECT MAX(later.attempt) FROM payment_attempts later WHERE later.order_id = payment_attempts.order_id);
    CREATE UNIQUE INDEX payment_attempts_one_open ON payment_attempts (order_id)
     WHERE status NOT IN ('failed', 'canceled', 'superseded');
    ALTER TABLE order_operations ADD COLUMN payment_intent_id TEXT;
    ALTER TABLE refunds ADD COLUMN request TEXT CHECK (request IS NULL OR json_valid(request));
    "#,
    // 5: each order records the mode it was taken in (demo, test, live), and history, reports,
    // exports and reconciliation are per mode. Orders from before were taken in the mode of
    // the keys configured now (`stripe_keys`, see keys.rs; none or "null" is demo): the best
    // knowledge there is. ADD COLUMN ... NOT NULL needs a default; Paydesk always writes the
    // mode itself. Every history and report query leads with the mode, so the indexes do too.
    // The events cursor belongs to one Stripe account's event list: it moves to the mode whose
    // keys set it.
    r#"
    ALTER TABLE orders ADD COLUMN mode TEXT NOT NULL DEFAULT 'demo' CHECK (mode IN ('demo', 'test', 'live'));
    CREATE TEMP TABLE migration_5_mode AS
        SELECT COALESCE(
            (SELECT CASE json_extract(value, '$.mode') WHEN 'test' THEN 'test' WHEN 'live' THEN 'live' END
               FROM settings WHERE key = 'stripe_keys' AND json_valid(value)),
            'demo') AS mode;
    UPDATE orders SET mode = (SELECT mode FROM migration_5_mode);
    INSERT OR REPLACE INTO settings (key, value, updated_at)
        SELECT 'stripe_events_cursor:' || (SELECT mode FROM migration_5_mode), value, updated_at
          FROM settings WHERE key = 'stripe_events_cursor';
    DELETE FROM settings WHERE key = 'stripe_events_cursor';
    DROP TABLE migration_5_mode;

    DROP INDEX orders_by_status;
    DROP INDEX orders_by_date;
    DROP INDEX orders_by_total;
    CREATE INDEX orders_by_mode ON orders (mode, number DESC);
    CREATE INDEX orders_by_mode_status ON orders (mode, status, number DESC);
    CREATE INDEX orders_by_mode_date ON orders (mode, business_date, number DESC);
    CREATE INDEX orders_by_mode_total ON orders (mode, currency, total, number DESC);
    "#,
    // 6: whether the cashier was told how a refund ended. A press whose answer was lost (or
    // whose till died) told nothing, so pressing Refund again for that amount means that
    // refund, even when a reconcile has learnt meanwhile that it went through. Refunds still
    // unanswered at this upgrade were never told; every other one was.
    r#"
    ALTER TABLE refunds ADD COLUMN told INTEGER NOT NULL DEFAULT 0 CHECK (told IN (0, 1));
    UPDATE refunds SET told = 1 WHERE status <> 'creating';
    "#,
    // 7: how many times an unanswered payment or refund request was sent under its key. Another
    // till may re-send a request that is still on its way from the first; then the first's own
    // refusal (a 429 before anything ran) no longer proves the request never ran, so only the
    // request's one and only sender may conclude that. Requests already recorded were sent once.
    r#"
    ALTER TABLE payment_attempts ADD COLUMN sends INTEGER NOT NULL DEFAULT 1 CHECK (sends >= 1);
    ALTER TABLE refunds ADD COLUMN sends INTEGER NOT NULL DEFAULT 1 CHECK (sends >= 1);
    "#,
    // 8: the shop's customers, per mode (a Stripe Customer belongs to one account's mode), with
    // the Stripe Customer made for them once a card is saved. A removed customer leaves the
    // directory but stays readable: their orders still name them. Orders may name a customer.
    r#"
    CREATE TABLE customers (
        id                  TEXT PRIMARY KEY,
        number              INTEGER NOT NULL UNIQUE CHECK (number > 0),
        mode                TEXT NOT NULL CHECK (mode IN ('demo', 'test', 'live')),
        name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        email               TEXT CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
        phone               TEXT CHECK (phone IS NULL OR length(phone) BETWEEN 3 AND 30),
        note                TEXT CHECK (note IS NULL OR length(note) <= 1000),
        stripe_customer_id  TEXT UNIQUE,
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL,
        removed_at          TEXT
    ) STRICT;
    CREATE INDEX customers_by_mode_name ON customers (mode, name COLLATE NOCASE) WHERE removed_at IS NULL;
    ALTER TABLE orders ADD COLUMN customer_id TEXT REFERENCES customers (id);
    CREATE INDEX orders_by_customer ON orders (customer_id, number DESC) WHERE customer_id IS NOT NULL;
    "#,
    // 9: history filtered by status and dates, read a day at a time (orders.rs,
    // day_by_day_statement): each day's orders of a status, newest first, from the index alone.
    r#"
    CREATE INDEX orders_by_mode_status_date ON orders (mode, status, business_date, number DESC);
    "#,
    // 10: each customer's Stripe Customer, per mode (demo, test and live are separate Stripe
    // objects; a demo one lives only as long as the app's simulator), made the first time a
    // card is saved or listed. Its create request and idempotency key are committed before
    // the request leaves, so a lost answer is re-sent under the same key and never makes a
    // second Customer. At most one open row per customer and mode; one deleted at Stripe
    // stays as a record and a new one can follow. `customers.stripe_customer_id` (migration 8)
    // was never written and is superseded by this table. The saved cards are a display copy
    // of what Stripe holds (never a card number): the PaymentMethod id, brand, last four,
    // expiry and the checks Stripe reported, refreshed from Stripe whenever they are listed.
    r#"
    CREATE TABLE stripe_customers (
        id                  INTEGER PRIMARY KEY,
        customer_id         TEXT NOT NULL REFERENCES customers (id),
        mode                TEXT NOT NULL CHECK (mode IN ('demo', 'test', 'live')),
        idempotency_key     TEXT NOT NULL UNIQUE,
        request             TEXT NOT NULL CHECK (json_valid(request)),
        stripe_customer_id  TEXT UNIQUE,
        status              TEXT NOT NULL CHECK (status IN ('creating', 'created', 'deleted', 'failed')
                                AND (status = 'created') <= (stripe_customer_id IS NOT NULL)),
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX stripe_customers_one_open ON stripe_customers (customer_id, mode) WHERE status IN ('creating', 'created');

    CREATE TABLE saved_cards (
        payment_method_id          TEXT PRIMARY KEY,
        stripe_customer_id         TEXT NOT NULL REFERENCES stripe_customers (stripe_customer_id),
        brand                      TEXT NOT NULL,
        last4                      TEXT NOT NULL CHECK (length(last4) = 4),
        exp_month                  INTEGER NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
        exp_year                   INTEGER NOT NULL,
        cvc_check                  TEXT,
        address_postal_code_check  TEXT,
        address_line1_check        TEXT,
        position                   INTEGER NOT NULL,
        updated_at                 TEXT NOT NULL
    ) STRICT;
    CREATE INDEX saved_cards_by_customer ON saved_cards (stripe_customer_id, position);
    "#,
    // 11: the card checks Stripe reported on the order's charge (cvc_check,
    // address_postal_code_check, address_line1_check: pass, fail, unavailable, unchecked), so
    // the order's view can warn on a failed one. Orders paid before have none recorded.
    r#"
    ALTER TABLE orders ADD COLUMN cvc_check TEXT;
    ALTER TABLE orders ADD COLUMN address_postal_code_check TEXT;
    ALTER TABLE orders ADD COLUMN address_line1_check TEXT;
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(super) fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Applies the migrations up to `target`; tests use it to make a database of an earlier version.
fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32, StoreError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        // The file is named by `Store::open`, which knows it.
        return Err(StoreError::TooNew { found: current, known: SCHEMA_VERSION, path: std::path::PathBuf::new() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().take(target as usize).skip(current as usize) {
        let version = index as u32 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        // PRAGMA takes no bound parameters; `version` is an integer we computed.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))?;
        tx.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(target.max(current))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mode::AppMode;
    use crate::store::{Store, DATABASE_FILE};

    /// A database as version 4 left it: two orders (one in flight), the keys setting as
    /// `keys_json` left it (None: never set), and the events cursor.
    fn version_4(dir: &std::path::Path, keys_json: Option<&str>) {
        let mut conn = Connection::open(dir.join(DATABASE_FILE)).unwrap();
        assert_eq!(migrate_to(&mut conn, 4).unwrap(), 4);
        for (number, id, status) in [(1001, "018f0000-0000-7000-8000-000000000001", "paid"), (1002, "018f0000-0000-7000-8000-000000000002", "awaiting_payment")] {
            conn.execute(
                "INSERT INTO orders (id, number, status, currency, tip, summary, subtotal, discount, tax_exclusive, tax_inclusive,
                     rounding, total, payment_intent_id, business_date, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'USD', 0, 'Cake', 400, 0, 0, 0, 0, 400, 'pi_' || ?2, '2026-11-22', '2026-11-22T09:00:00.000Z', '2026-11-22T09:00:00.000Z')",
                rusqlite::params![id, number, status],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO order_lines (order_id, position, description, quantity, unit_price, amount, discount, tax)
                 VALUES (?1, 0, 'Cake', 1, 400, 400, 0, 0)",
                [id],
            )
            .unwrap();
        }
        if let Some(json) = keys_json {
            conn.execute("INSERT INTO settings (key, value, updated_at) VALUES ('stripe_keys', ?1, 'then')", [json]).unwrap();
        }
        conn.execute("INSERT INTO settings (key, value, updated_at) VALUES ('stripe_events_cursor', 'evt_123', 'then')", []).unwrap();
    }

    fn keys(mode: &str) -> String {
        format!(r#"{{"mode":"{mode}","secretLast4":"4242","restricted":false,"publishableKey":"pk_{mode}_x","accountId":null,"accountName":null}}"#)
    }

    #[test]
    fn migration_5_gives_existing_orders_and_the_events_cursor_the_mode_of_the_configured_keys() {
        let cases = [(Some(keys("test")), AppMode::Test), (Some(keys("live")), AppMode::Live), (Some("null".to_owned()), AppMode::Demo), (None, AppMode::Demo)];
        for (keys_json, expected) in cases {
            let dir = tempfile::tempdir().unwrap();
            version_4(dir.path(), keys_json.as_deref());
            let mut store = Store::open_in(dir.path()).unwrap();
            let mut statement = store.connection().prepare("SELECT DISTINCT mode FROM orders").unwrap();
            let modes: Vec<String> = statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
            drop(statement);
            assert_eq!(modes, [expected.as_str()], "{keys_json:?}");
            assert_eq!(store.order_by_number(1002).unwrap().mode, expected);
            assert_eq!(store.orders_in_flight(expected).unwrap().len(), 1, "{keys_json:?}");
            for other in AppMode::ALL.into_iter().filter(|mode| *mode != expected) {
                assert!(store.orders_in_flight(other).unwrap().is_empty(), "{keys_json:?} {other}");
            }
            assert_eq!(store.setting(&format!("stripe_events_cursor:{expected}")).unwrap().as_deref(), Some("evt_123"));
            assert_eq!(store.setting("stripe_events_cursor").unwrap(), None);
            // The column refuses anything but the three modes, and the numbers go on from the old ones.
            let bad = store.connection().execute("UPDATE orders SET mode = 'staging' WHERE number = 1001", []);
            assert!(bad.is_err());
            let spec = crate::order::OrderInput {
                currency: "USD".into(),
                lines: vec![crate::order::LineInput { description: "Tea".into(), quantity: 1, unit_price: "2".into() }],
                ..Default::default()
            }
            .validate(crate::order::Completeness::RequireLines)
            .unwrap();
            assert_eq!(store.create_order(AppMode::Live, &spec, "test").unwrap().number, 1003);
        }
    }

    #[test]
    fn migration_6_counts_only_refunds_still_unanswered_as_untold() {
        let dir = tempfile::tempdir().unwrap();
        version_4(dir.path(), Some(&keys("test")));
        {
            let mut conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
            assert_eq!(migrate_to(&mut conn, 5).unwrap(), 5);
            for (key, status) in [("key-answered", "succeeded"), ("key-failed", "failed"), ("key-lost", "creating")] {
                conn.execute(
                    "INSERT INTO refunds (order_id, idempotency_key, amount, status, created_at, updated_at)
                     VALUES ('018f0000-0000-7000-8000-000000000001', ?1, 100, ?2, 'then', 'then')",
                    [key, status],
                )
                .unwrap();
            }
        }
        let mut store = Store::open_in(dir.path()).unwrap();
        let order = store.order_by_number(1001).unwrap().id;
        let untold = store.untold_refund(&order).unwrap().unwrap();
        assert_eq!(untold.idempotency_key, "key-lost");
        store.refund_told(untold.id).unwrap();
        assert_eq!(store.untold_refund(&order).unwrap(), None);
    }

    #[test]
    fn migrations_10_and_11_keep_one_stripe_customer_per_customer_and_mode_and_orders_without_checks() {
        let dir = tempfile::tempdir().unwrap();
        version_4(dir.path(), Some(&keys("test")));
        {
            let mut conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
            assert_eq!(migrate_to(&mut conn, 9).unwrap(), 9);
            conn.execute(
                "INSERT INTO customers (id, number, mode, name, created_at, updated_at)
                 VALUES ('018f0000-0000-7000-8000-0000000000c1', 1, 'test', 'Ana', 'then', 'then')",
                [],
            )
            .unwrap();
        }
        let mut store = Store::open_in(dir.path()).unwrap();
        let paid = store.order_by_number(1001).unwrap().id;
        assert_eq!(store.order_payment(&paid).unwrap().card_checks, crate::cards::CardChecks::default());
        let ana = store.find_customer(AppMode::Test, "C1").unwrap();
        assert_eq!(ana.stripe_customer_id, None);

        let first = store.begin_stripe_customer(AppMode::Test, &ana.id, "key-1", "{}").unwrap();
        let again = store.begin_stripe_customer(AppMode::Test, &ana.id, "key-2", "{}").unwrap();
        assert_eq!((first.id, again.idempotency_key.as_str(), again.status.as_str()), (again.id, "key-1", "creating"));
        // Another mode's directory does not hold her: refused, nothing written.
        assert!(matches!(store.begin_stripe_customer(AppMode::Live, &ana.id, "key-3", "{}"), Err(StoreError::CustomerNotFound(_))));
        let second_open = store.connection().execute(
            "INSERT INTO stripe_customers (customer_id, mode, idempotency_key, request, status, created_at, updated_at)
             VALUES (?1, 'test', 'key-4', '{}', 'creating', 'now', 'now')",
            [ana.id.as_str()],
        );
        assert!(second_open.is_err(), "one open Stripe Customer per customer and mode");
        let created_without_id = store.connection().execute("UPDATE stripe_customers SET status = 'created' WHERE id = ?1", [first.id]);
        assert!(created_without_id.is_err());

        store.record_stripe_customer(first.id, "cus_1").unwrap();
        assert_eq!(store.customer(&ana.id).unwrap().stripe_customer_id.as_deref(), Some("cus_1"));
        assert!(!store.stripe_customer_deleted(AppMode::Live, "cus_1").unwrap(), "another mode's news changes nothing");
        assert!(store.stripe_customer_deleted(AppMode::Test, "cus_1").unwrap());
        assert_eq!(store.customer(&ana.id).unwrap().stripe_customer_id, None);
        let renewed = store.begin_stripe_customer(AppMode::Test, &ana.id, "key-5", "{}").unwrap();
        assert_eq!((renewed.idempotency_key.as_str(), renewed.status.as_str()), ("key-5", "creating"));
    }
}
