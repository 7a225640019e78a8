//! The store against real SQLite files.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use paydesk_core::export::ExportRange;
use paydesk_core::mode::AppMode;
use paydesk_core::order::{Completeness, DiscountInput, LineInput, OrderInput, OrderSpec, OrderStatus, TaxInput};
use chrono::Timelike;
use paydesk_core::store::{Clock, OrderQuery, PaymentFacts, Refusal, Store, StoreError, DATABASE_FILE, SCHEMA_VERSION};
use paydesk_core::view::OrderView;
use rusqlite::Connection;

/// The mode these tests take their orders in.
const MODE: AppMode = AppMode::Test;

/// A clock the test moves by hand: one day per `advance_days`.
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> (DateTime<Utc>, NaiveDate) {
        let instant = Utc.timestamp_opt(self.0.load(Ordering::SeqCst), 0).unwrap();
        (instant, instant.date_naive())
    }
}

impl TestClock {
    fn starting(date: &str) -> Arc<TestClock> {
        let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
        Arc::new(TestClock(AtomicI64::new(day.and_hms_opt(9, 0, 0).unwrap().and_utc().timestamp())))
    }
    fn advance_days(&self, days: i64) {
        self.0.fetch_add(days * 86_400, Ordering::SeqCst);
    }
}

fn spec(items: &[(&str, i64, &str)]) -> OrderSpec {
    OrderInput {
        currency: "USD".into(),
        lines: items
            .iter()
            .map(|(description, quantity, price)| LineInput {
                description: (*description).into(),
                quantity: *quantity,
                unit_price: (*price).into(),
            })
            .collect(),
        taxes: vec![TaxInput { name: "Sales tax".into(), rate: "8.875".into(), inclusive: false }],
        ..OrderInput::default()
    }
    .validate(Completeness::RequireLines)
    .unwrap()
}

fn raw(store_dir: &tempfile::TempDir) -> Connection {
    Connection::open(store_dir.path().join(DATABASE_FILE)).unwrap()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get(0)).unwrap()
}

#[test]
fn migrates_an_empty_file_with_the_required_pragmas() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(&dir.path().join("nested/data")).unwrap();
    let conn = Connection::open(store.path()).unwrap();
    let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(journal, "wal");
    for table in ["orders", "order_lines", "order_taxes", "order_events", "payment_attempts", "refunds", "settings"] {
        assert_eq!(count(&conn, table), 0, "{table}");
    }
    store.integrity_check().unwrap();
}

#[test]
fn orders_survive_a_reopen_with_their_numbers_totals_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = {
        let mut store = Store::open_in(dir.path()).unwrap();
        let first = store.create_order(MODE, &spec(&[("Flat white", 2, "3.50"), ("Croissant", 1, "2.25")]), "cashier").unwrap();
        let second = store.create_order(MODE, &spec(&[("Tea", 1, "2.00")]), "cashier").unwrap();
        (first, second)
    };
    assert_eq!((first.number, second.number), (1001, 1002));
    assert_eq!(first.quote.total.minor(), 1007);
    assert_eq!(first.summary, "Flat white ×2, Croissant");

    let store = Store::open_in(dir.path()).unwrap();
    let reread = store.order(&first.id).unwrap();
    assert_eq!(reread, first);
    assert_eq!(store.order_by_number(1002).unwrap().id, second.id);
    assert_eq!(store.find_order("#1001").unwrap().id, first.id);
    assert_eq!(store.find_order(first.id.as_str()).unwrap().number, 1001);
    assert!(matches!(store.find_order("9999"), Err(StoreError::OrderNotFound(_))));
    assert!(matches!(store.find_order("nonsense"), Err(StoreError::OrderNotFound(_))));
    let events = store.events(&first.id).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].kind.as_str(), events[0].to_status, events[0].cause.as_str()), ("created", OrderStatus::Draft, "cashier"));
}

#[test]
fn transitions_write_their_event_and_refused_ones_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let order = store.create_order(MODE, &spec(&[("Cake", 1, "4.00")]), "cashier").unwrap();
    store.transition(&order.id, OrderStatus::AwaitingPayment, "payment started").unwrap();
    let paid = store.transition(&order.id, OrderStatus::Paid, "pi_123 succeeded").unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);

    let before = count(&raw(&dir), "order_events");
    let error = store.transition(&order.id, OrderStatus::Draft, "should fail").unwrap_err();
    assert_eq!(error.to_string(), "an order that is paid cannot become draft");
    assert_eq!(store.order(&order.id).unwrap().status, OrderStatus::Paid);
    assert_eq!(count(&raw(&dir), "order_events"), before);

    let events = store.events(&order.id).unwrap();
    let trail: Vec<_> = events.iter().map(|e| (e.from_status, e.to_status, e.cause.as_str())).collect();
    assert_eq!(
        trail,
        vec![
            (None, OrderStatus::Draft, "cashier"),
            (Some(OrderStatus::Draft), OrderStatus::AwaitingPayment, "payment started"),
            (Some(OrderStatus::AwaitingPayment), OrderStatus::Paid, "pi_123 succeeded"),
        ]
    );
}

#[test]
fn the_event_log_is_append_only_and_orders_cannot_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    store.create_order(MODE, &spec(&[("Cake", 1, "4.00")]), "cashier").unwrap();
    let conn = raw(&dir);
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    let update = conn.execute("UPDATE order_events SET cause = 'rewritten'", []).unwrap_err();
    assert!(update.to_string().contains("append-only"), "{update}");
    let delete = conn.execute("DELETE FROM order_events", []).unwrap_err();
    assert!(delete.to_string().contains("append-only"), "{delete}");
    assert!(conn.execute("DELETE FROM orders", []).is_err());
    assert_eq!(count(&conn, "orders"), 1);
}

#[test]
fn an_interrupted_create_leaves_no_partial_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    // Validation would refuse quantity 0; building the spec by hand gets it past to the
    // database, whose CHECK fails on the second line after the order row was inserted.
    let mut bad = spec(&[("Good line", 1, "1.00"), ("Bad line", 1, "1.00")]);
    bad.lines[1].quantity = 0;
    assert!(matches!(store.create_order(MODE, &bad, "cashier"), Err(StoreError::Sqlite(_))));
    let conn = raw(&dir);
    for table in ["orders", "order_lines", "order_taxes", "order_events"] {
        assert_eq!(count(&conn, table), 0, "{table}");
    }
    // The number was not used up either.
    assert_eq!(store.create_order(MODE, &spec(&[("Tea", 1, "2")]), "cashier").unwrap().number, 1001);
}

#[test]
fn an_order_edited_outside_paydesk_is_refused_not_charged() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let order = store.create_order(MODE, &spec(&[("Cake", 2, "4.00")]), "cashier").unwrap();
    raw(&dir)
        .execute("UPDATE order_lines SET unit_price = 1, amount = 2 WHERE order_id = ?1", [order.id.as_str()])
        .unwrap();
    assert!(matches!(store.order(&order.id), Err(StoreError::Inconsistent(_))));
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open_in(dir.path()).unwrap());
    raw(&dir).execute_batch("PRAGMA user_version = 99").unwrap();
    let error = Store::open_in(dir.path()).err().unwrap();
    assert!(matches!(error, StoreError::TooNew { found: 99, .. }), "{error}");
    let version: u32 = raw(&dir).query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 99);
}

#[test]
fn a_file_that_is_not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(DATABASE_FILE), b"this is not sqlite, just some text that is long enough").unwrap();
    let error = Store::open_in(dir.path()).err().unwrap();
    assert!(error.to_string().contains("not a database"), "{error}");
}

/// Overwrites one page in the middle of the file with garbage, leaving the header and the
/// schema (page 1) intact, and says whether SQLite's quick_check now finds it.
fn damage_a_middle_page(path: &std::path::Path) -> bool {
    let mut bytes = std::fs::read(path).unwrap();
    let page = 4096;
    let middle = (bytes.len() / page / 2).max(2) * page;
    for (i, byte) in bytes[middle..middle + page].iter_mut().enumerate() {
        *byte = (i * 7 + 3) as u8;
    }
    std::fs::write(path, bytes).unwrap();
    let conn = Connection::open(path).unwrap();
    let answer: rusqlite::Result<Vec<String>> = conn.prepare("PRAGMA quick_check").unwrap().query_map([], |r| r.get(0)).unwrap().collect();
    answer.map_or(true, |lines| lines != ["ok"])
}

// Fails with the check at open removed (Store::open_with_clock): the open then succeeds.
#[test]
fn a_damaged_page_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open_in(dir.path()).unwrap();
        let note = "n".repeat(900);
        for _ in 0..300 {
            let mut order = spec(&[("Flat white", 2, "3.50"), ("Croissant", 1, "2.25")]);
            order.note = Some(note.clone());
            store.create_order(MODE, &order, "cashier").unwrap();
        }
    }
    let path = dir.path().join(DATABASE_FILE);
    assert!(damage_a_middle_page(&path), "quick_check did not see the damage");
    let error = Store::open_in(dir.path()).err().expect("a damaged database was opened");
    assert_eq!(error.fault(), Some(paydesk_core::store::Fault::Corrupt), "{error}");
    assert!(error.to_string().contains("paydesk restore"), "{error}");
}

// Fails with the schedule removed: checked at every open, the second open is refused too
// (and with no check at all, the third is not).
#[test]
fn a_large_database_is_checked_at_open_once_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let clock = TestClock::starting("2026-11-22");
    drop(Store::open_with_clock(&path, clock.clone()).unwrap());
    // Over the size checked at every open (8 MiB), in a row no open reads.
    raw(&dir).execute("INSERT INTO settings (key, value, updated_at) VALUES ('padding', hex(randomblob(10000000)), 'then')", []).unwrap();
    drop(Store::open_with_clock(&path, clock.clone()).unwrap());
    assert!(std::fs::metadata(&path).unwrap().len() > 8 << 20);
    assert!(damage_a_middle_page(&path), "quick_check did not see the damage");
    clock.0.fetch_add(23 * 3600, Ordering::SeqCst);
    Store::open_with_clock(&path, clock.clone()).expect("checked less than a day ago: not checked again");
    clock.0.fetch_add(3600, Ordering::SeqCst);
    let error = Store::open_with_clock(&path, clock.clone()).err().expect("a day later the damage is found");
    assert_eq!(error.fault(), Some(paydesk_core::store::Fault::Corrupt), "{error}");
}

// Fails with the day-by-day pages not merged in number order, or the range's last day left
// out (orders.rs, day_by_day_statement): checked against every order, by hand.
#[test]
fn a_date_range_pages_in_number_order_even_when_the_clock_went_back() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting("2026-11-01");
    let mut store = Store::open_with_clock(&dir.path().join(DATABASE_FILE), clock.clone()).unwrap();
    // Days go 0, 3, 1, 4, 2, 0, ... so later numbers often carry earlier days.
    let mut all = Vec::new();
    for i in 0..60i64 {
        let day = [0, 3, 1, 4, 2][(i % 5) as usize];
        clock.0.store(TestClock::starting("2026-11-01").0.load(Ordering::SeqCst) + day * 86_400, Ordering::SeqCst);
        let order = store.create_order(MODE, &spec(&[("Tea", 1, "2.00")]), "cashier").unwrap();
        let paid = i % 3 != 0;
        if paid {
            store.transition(&order.id, OrderStatus::AwaitingPayment, "test").unwrap();
            store.transition(&order.id, OrderStatus::Paid, "test").unwrap();
        }
        all.push((order.number, day, paid));
    }
    let from = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 11, 4).unwrap();
    for status in [None, Some(OrderStatus::Paid)] {
        let expected: Vec<i64> = all
            .iter()
            .rev()
            .filter(|(_, day, paid)| (1..=3).contains(day) && (status.is_none() || *paid))
            .map(|(number, _, _)| *number)
            .collect();
        let (mut seen, mut before) = (Vec::new(), None);
        loop {
            let query = OrderQuery { status, from: Some(from), to: Some(to), before_number: before, limit: Some(7), ..OrderQuery::default() };
            let page = store.list_orders(MODE, &query).unwrap();
            seen.extend(page.orders.iter().map(|order| order.number));
            match page.next_before_number {
                Some(next) => before = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, expected, "{status:?}");
    }
}

#[test]
fn history_pages_newest_first_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting("2026-11-20");
    let mut store = Store::open_with_clock(&dir.path().join(DATABASE_FILE), clock.clone()).unwrap();
    for day in 0..3 {
        for index in 0..5 {
            let item = if index == 2 { "Big_100% cake" } else { "Coffee" };
            store.create_order(MODE, &spec(&[(item, 1, "3.00")]), "cashier").unwrap();
        }
        if day < 2 {
            clock.advance_days(1);
        }
    }
    let paid = store.order_by_number(1003).unwrap();
    store.transition(&paid.id, OrderStatus::Voided, "customer left").unwrap();

    let first = store.list_orders(MODE, &OrderQuery { limit: Some(6), ..OrderQuery::default() }).unwrap();
    assert_eq!(first.orders.iter().map(|o| o.number).collect::<Vec<_>>(), (1010..=1015).rev().collect::<Vec<_>>());
    assert_eq!(first.next_before_number, Some(1010));
    let second = store
        .list_orders(MODE, &OrderQuery { limit: Some(6), before_number: first.next_before_number, ..OrderQuery::default() })
        .unwrap();
    assert_eq!(second.orders.first().map(|o| o.number), Some(1009));
    let last = store
        .list_orders(MODE, &OrderQuery { limit: Some(6), before_number: second.next_before_number, ..OrderQuery::default() })
        .unwrap();
    assert_eq!(last.orders.len(), 3);
    assert_eq!(last.next_before_number, None);

    let day = |d: &str| Some(NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
    let on_21st = store.list_orders(MODE, &OrderQuery { from: day("2026-11-21"), to: day("2026-11-21"), ..OrderQuery::default() }).unwrap();
    assert_eq!(on_21st.orders.iter().map(|o| o.number).collect::<Vec<_>>(), vec![1010, 1009, 1008, 1007, 1006]);
    assert!(on_21st.orders.iter().all(|o| o.business_date == "2026-11-21"));

    let voided = store.list_orders(MODE, &OrderQuery { status: Some(OrderStatus::Voided), ..OrderQuery::default() }).unwrap();
    assert_eq!(voided.orders.iter().map(|o| o.number).collect::<Vec<_>>(), vec![1003]);

    let text = |t: &str| store.list_orders(MODE, &OrderQuery { text: Some(t.into()), ..OrderQuery::default() }).unwrap();
    assert_eq!(text("#1004").orders.len(), 1);
    assert_eq!(text("big_100%").orders.iter().map(|o| o.number).collect::<Vec<_>>(), vec![1013, 1008, 1003]);
    // `_` and `%` are literal, not LIKE wildcards.
    assert_eq!(text("g_1").orders.len(), 3);
    assert_eq!(text("g%1").orders.len(), 0);
    assert_eq!(text("pi_unknown").orders.len(), 0);
}

#[test]
fn online_backup_is_a_consistent_copy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(&dir.path().join("data")).unwrap();
    let order = store.create_order(MODE, &spec(&[("Cake", 1, "4.00")]), "cashier").unwrap();
    store.set_setting("business_name", "Corner Café").unwrap();
    let target = dir.path().join("backup.sqlite3");
    store.backup_to(&target).unwrap();

    let copy = Store::open(&target).unwrap();
    assert_eq!(copy.order(&order.id).unwrap(), order);
    assert_eq!(copy.setting("business_name").unwrap().as_deref(), Some("Corner Café"));
    assert_eq!(copy.setting("missing").unwrap(), None);

    let again = store.backup_to(&target).unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
    let onto_itself = store.backup_to(store.path()).unwrap_err();
    assert!(onto_itself.to_string().contains("already exists") || onto_itself.to_string().contains("live database"));
}

#[test]
fn csv_export_covers_the_range_with_plain_decimals() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting("2026-11-21");
    let mut store = Store::open_with_clock(&dir.path().join(DATABASE_FILE), clock.clone()).unwrap();
    store.create_order(MODE, &spec(&[("Yesterday's tea", 1, "2.00")]), "cashier").unwrap();
    clock.advance_days(1);
    let mut input = OrderInput {
        currency: "USD".into(),
        lines: vec![LineInput { description: "=cmd, \"quoted\"".into(), quantity: 2, unit_price: "1,234.50".into() }],
        discount: Some(DiscountInput::Amount { amount: "4.50".into() }),
        ..OrderInput::default()
    };
    input.note = Some("leave at door".into());
    store.create_order(MODE, &input.validate(Completeness::RequireLines).unwrap(), "cashier").unwrap();

    let mut out = Vec::new();
    let day = NaiveDate::from_ymd_opt(2026, 11, 22);
    let written = store.export_csv(MODE, ExportRange { from: day, to: day }, &mut out).unwrap();
    assert_eq!(written, 1);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("number,id,created_at"));
    assert!(lines[1].starts_with("1002,"), "{}", lines[1]);
    assert!(lines[1].contains(",USD,2469.00,4.50,0.00,0.00,0.00,0.00,2464.50,"), "{}", lines[1]);
    assert!(lines[1].contains("\"'=cmd, \"\"quoted\"\" ×2\""), "{}", lines[1]);
    assert!(lines[1].ends_with(",,leave at door"), "{}", lines[1]);

    let mut everything = Vec::new();
    assert_eq!(store.export_csv(MODE, ExportRange::default(), &mut everything).unwrap(), 2);
}

#[test]
fn an_unpaid_order_can_be_edited_with_its_event_and_a_paid_one_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let order = store.create_order(MODE, &spec(&[("Cake", 1, "4.00")]), "cashier").unwrap();
    let edited = store.edit_order(MODE, &order.id, &spec(&[("Cake", 1, "4.00"), ("Cookie", 2, "1.50")]), "customer added cookies").unwrap();
    assert_eq!(edited.number, order.number);
    assert_eq!(edited.quote.subtotal.minor(), 700);
    assert_eq!(edited.summary, "Cake, Cookie ×2");
    assert_eq!(store.order(&order.id).unwrap(), edited);
    let events = store.events(&order.id).unwrap();
    assert_eq!(events.last().unwrap().kind, "edited");
    // Tax per line: 4.00 × 8.875% = 0.355 → 0.36; 3.00 × 8.875% = 0.26625 → 0.27.
    assert!(events.last().unwrap().cause.contains("total now $7.63"), "{:?}", events.last());

    store.transition(&order.id, OrderStatus::AwaitingPayment, "payment started").unwrap();
    let in_yen = OrderInput {
        currency: "JPY".into(),
        lines: vec![LineInput { description: "Cake".into(), quantity: 1, unit_price: "400".into() }],
        ..OrderInput::default()
    }
    .validate(Completeness::RequireLines)
    .unwrap();
    let refused = store.edit_order(MODE, &order.id, &in_yen, "x").unwrap_err();
    assert!(refused.to_string().contains("currency cannot change"), "{refused}");
    store.transition(&order.id, OrderStatus::Paid, "paid").unwrap();
    let refused = store.edit_order(MODE, &order.id, &spec(&[("Free cake", 1, "0")]), "x").unwrap_err();
    assert_eq!(refused.to_string(), format!("order #{} is paid and can no longer be changed", order.number));
    assert_eq!(store.order(&order.id).unwrap().quote.subtotal.minor(), 700);
}

/// Takes an order through payment as the payments core would record Stripe's answers.
fn pay(store: &mut Store, number: i64, target: OrderStatus, brand: &str, captured: i64, refunded: i64) {
    let order = store.order_by_number(number).unwrap();
    store.transition(&order.id, OrderStatus::AwaitingPayment, "test").unwrap();
    let facts = PaymentFacts {
        payment_intent_id: Some(format!("pi_test_{number}")),
        charge_id: Some(format!("ch_test_{number}")),
        card_brand: Some(brand.into()),
        card_last4: Some("4242".into()),
        amount_captured: Some(captured),
        amount_refunded: Some(refunded),
        card_checks: None,
    };
    let settled = if target == OrderStatus::Authorized { OrderStatus::Authorized } else { OrderStatus::Paid };
    store.apply_payment_facts(&order.id, settled, &facts, "paid", "test payment").unwrap();
    if target != settled {
        store.apply_payment_facts(&order.id, target, &facts, "refunded", "test refund").unwrap();
    }
}

#[test]
fn the_daily_report_adds_up_the_days_orders_per_currency() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting("2026-11-21");
    let mut store = Store::open_with_clock(&dir.path().join(DATABASE_FILE), clock.clone()).unwrap();
    store.create_order(MODE, &spec(&[("Yesterday", 1, "9.00")]), "cashier").unwrap(); // 1001, another day
    pay(&mut store, 1001, OrderStatus::Paid, "visa", 980, 0);
    clock.advance_days(1);
    let coffee = spec(&[("Flat white", 2, "3.50"), ("Croissant", 1, "2.25")]); // $10.07
    for _ in 0..5 {
        store.create_order(MODE, &coffee, "cashier").unwrap(); // 1002..=1006
    }
    let mut yen = OrderInput { currency: "JPY".into(), lines: vec![LineInput { description: "Tea".into(), quantity: 1, unit_price: "500".into() }], ..OrderInput::default() };
    yen.taxes.clear();
    store.create_order(MODE, &yen.validate(Completeness::RequireLines).unwrap(), "cashier").unwrap(); // 1007
    pay(&mut store, 1002, OrderStatus::Paid, "visa", 1007, 0);
    pay(&mut store, 1003, OrderStatus::PartiallyRefunded, "mastercard", 1007, 500);
    pay(&mut store, 1004, OrderStatus::Authorized, "visa", 0, 0);
    let voided = store.order_by_number(1005).unwrap();
    store.transition(&voided.id, OrderStatus::Voided, "customer left").unwrap();
    pay(&mut store, 1007, OrderStatus::Paid, "jcb", 500, 0);

    let report = store.daily_report(MODE, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).unwrap();
    assert_eq!(report.orders, 6);
    let statuses: Vec<(String, u64)> = report.by_status.iter().map(|s| (s.key.as_str().to_owned(), s.count)).collect();
    assert_eq!(
        statuses,
        [("draft", 1), ("authorized", 1), ("paid", 2), ("partially_refunded", 1), ("voided", 1)].map(|(k, c)| (k.to_owned(), c))
    );
    let codes: Vec<&str> = report.currencies.iter().map(|c| c.currency.code()).collect();
    assert_eq!(codes, ["JPY", "USD"]);
    let usd = &report.currencies[1];
    assert_eq!((usd.gross.minor, usd.refunds.minor, usd.net.minor, usd.authorized.minor), (2014, 500, 1514, 1007));
    assert_eq!(usd.gross.display, "$20.14");
    assert_eq!(usd.net.display, "$15.14");
    assert_eq!(usd.sales, 2);
    let brands: Vec<(&str, u64, i64)> = usd.by_brand.iter().map(|b| (b.brand.as_str(), b.count, b.gross.minor)).collect();
    assert_eq!(brands, [("mastercard", 1, 1007), ("visa", 1, 1007)]);
    assert_eq!(usd.by_hour.len(), 24);
    // The test clock rings everything up at 09:00 UTC; the bar is the shop's local hour.
    let local_hour = chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z").unwrap().with_timezone(&chrono::Local).hour();
    let busy: Vec<(u32, u64, i64)> = usd.by_hour.iter().filter(|h| h.count > 0).map(|h| (h.hour, h.count, h.gross.minor)).collect();
    assert_eq!(busy, [(local_hour, 2, 2014)]);
    assert_eq!(report.currencies[0].gross.display, "¥500");

    let empty = store.daily_report(MODE, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).unwrap();
    assert_eq!((empty.orders, empty.currencies.len()), (0, 0));
}

#[test]
fn history_finds_orders_by_amount_number_and_payment_intent() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    store.create_order(MODE, &spec(&[("Flat white", 2, "3.50"), ("Croissant", 1, "2.25")]), "cashier").unwrap(); // 1001: $10.07
    store.create_order(MODE, &spec(&[("Cake", 1, "4.00")]), "cashier").unwrap(); // 1002: $4.36
    store.create_order(MODE, &spec(&[("Flat white", 2, "3.50"), ("Croissant", 1, "2.25")]), "cashier").unwrap(); // 1003: $10.07
    pay(&mut store, 1002, OrderStatus::Paid, "visa", 436, 0);
    let numbers = |text: &str| -> Vec<i64> {
        store.list_orders(MODE, &OrderQuery { text: Some(text.into()), ..OrderQuery::default() }).unwrap().orders.iter().map(|o| o.number).collect()
    };
    assert_eq!(numbers("10.07"), [1003, 1001]);
    assert_eq!(numbers("$10.07"), [1003, 1001]);
    assert_eq!(numbers("4.36"), [1002]);
    assert_eq!(numbers("10.070"), Vec::<i64>::new(), "more decimals than USD has is no amount");
    assert_eq!(numbers("1002"), [1002], "a whole number is an order number (or a whole amount)");
    assert_eq!(numbers("#1003"), [1003]);
    assert_eq!(numbers("#abc"), Vec::<i64>::new());
    assert_eq!(numbers("pi_test_1002"), [1002]);
    assert_eq!(numbers("croissant"), [1003, 1001]);
}

#[test]
fn the_order_view_says_what_the_order_allows_and_what_was_paid() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    for _ in 0..3 {
        store.create_order(MODE, &spec(&[("Cake", 1, "4.00")]), "cashier").unwrap(); // $4.36 each
    }
    pay(&mut store, 1002, OrderStatus::PartiallyRefunded, "visa", 436, 100);
    pay(&mut store, 1003, OrderStatus::Authorized, "visa", 0, 0);
    let view = |number| {
        let id = store.order_by_number(number).unwrap().id;
        OrderView::read(&store, &id, MODE).unwrap()
    };
    let draft = view(1001);
    assert_eq!(
        (draft.actions.pay, draft.actions.edit, draft.actions.capture, draft.actions.refund, draft.actions.void),
        (true, true, false, false, true)
    );
    assert_eq!(draft.payment.paid_at, None);
    assert_eq!((draft.input.lines[0].unit_price.as_str(), draft.input.taxes[0].rate.as_str()), ("4.00", "8.875"));

    let refunded = view(1002);
    assert_eq!(
        (refunded.actions.pay, refunded.actions.edit, refunded.actions.capture, refunded.actions.refund, refunded.actions.void),
        (false, false, false, true, false)
    );
    assert_eq!(refunded.payment.refundable.display, "$3.36");
    assert_eq!(refunded.payment.card_brand.as_deref(), Some("visa"));
    assert!(refunded.payment.paid_at.is_some());

    let authorized = view(1003);
    assert!(authorized.actions.capture && authorized.actions.void && !authorized.actions.refund);
    assert_eq!(authorized.payment.capturable.display, "$4.36");
    assert_eq!(authorized.payment.refundable.minor, 0);
    let json = serde_json::to_value(&authorized).unwrap();
    assert_eq!(json["actions"]["capture"], true);
    assert_eq!(json["payment"]["capturable"]["decimal"], "4.36");
}

fn usd_order(price: &str) -> OrderSpec {
    OrderInput {
        currency: "USD".into(),
        lines: vec![LineInput { description: "Beans".into(), quantity: 1, unit_price: price.into() }],
        ..OrderInput::default()
    }
    .validate(Completeness::RequireLines)
    .unwrap()
}

fn attempt<'a>(key: &'a str, amount: i64) -> paydesk_core::store::NewAttempt<'a> {
    paydesk_core::store::NewAttempt { flow: "client", amount, currency: "usd", idempotency_key: key, request: "{}" }
}

/// Two processes, one database: whichever begins first holds the order's one open
/// attempt; the other is refused by the database itself, and nothing is written for it.
#[test]
fn the_database_allows_one_open_payment_attempt_per_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut till = Store::open_in(dir.path()).unwrap();
    let mut other = Store::open_in(dir.path()).unwrap();
    let order = till.create_order(MODE, &usd_order("10.00"), "test").unwrap();
    till.begin_payment_attempt(&order.id, &attempt("key-1", 1000), "started").unwrap();
    let refused = other.begin_payment_attempt(&order.id, &attempt("key-2", 1000), "started").unwrap_err();
    assert!(matches!(refused, StoreError::PaymentUnderWay { .. }), "{refused}");
    assert_eq!(other.unresolved_payment_attempts(MODE).unwrap().len(), 1);

    // An attempt for an amount that is no longer the order's total is refused too.
    let edited = till.create_order(MODE, &usd_order("5.00"), "test").unwrap();
    let stale = other.begin_payment_attempt(&edited.id, &attempt("key-3", 999), "started").unwrap_err();
    assert!(matches!(stale, StoreError::OrderChanged { .. }), "{stale}");

    // The index backs the check: a second open attempt cannot even be inserted by hand.
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
    let raw = conn.execute(
        "INSERT INTO payment_attempts (order_id, attempt, idempotency_key, flow, amount, currency, status, created_at, updated_at)
         VALUES (?1, 9, 'key-4', 'client', 1000, 'usd', 'creating', 'now', 'now')",
        [order.id.as_str()],
    );
    assert!(raw.is_err(), "the partial unique index refuses a second open attempt");
    // Closed attempts do not count: once the first failed, a new one may begin.
    let first = till.unresolved_payment_attempts(MODE).unwrap().remove(0);
    assert!(till.fail_unanswered_attempt(first.id, "refused", Refusal::OfOwnTries).unwrap());
    other.begin_payment_attempt(&order.id, &attempt("key-5", 1000), "started").unwrap();
}

/// A refusal of a till's own tries (a 429) proves nothing once another till re-sent the
/// request under its key: only the answer of Stripe's idempotency layer (a 400) does. And
/// an attempt already answered, or failed, is neither failed nor re-sent again.
#[test]
fn a_request_another_till_resent_is_failed_only_on_proof_that_no_send_ran() {
    let dir = tempfile::tempdir().unwrap();
    let mut till = Store::open_in(dir.path()).unwrap();
    let mut other = Store::open_in(dir.path()).unwrap();
    let order = till.create_order(MODE, &usd_order("10.00"), "test").unwrap();
    let sent = till.begin_payment_attempt(&order.id, &attempt("key-1", 1000), "started").unwrap();
    assert!(other.claim_attempt_resend(sent.id).unwrap());
    assert!(!till.fail_unanswered_attempt(sent.id, "rate limited", Refusal::OfOwnTries).unwrap());
    assert_eq!(till.unresolved_payment_attempts(MODE).unwrap().len(), 1, "still unanswered");
    assert!(till.fail_unanswered_attempt(sent.id, "invalid amount", Refusal::OfEverySend).unwrap());
    assert!(!other.claim_attempt_resend(sent.id).unwrap(), "a failed attempt is not re-sent");

    let answered = till.create_order(MODE, &usd_order("6.00"), "test").unwrap();
    let sent = till.begin_payment_attempt(&answered.id, &attempt("key-2", 600), "started").unwrap();
    other.record_attempt_intent(sent.id, "pi_answered", "succeeded").unwrap();
    assert!(!till.fail_unanswered_attempt(sent.id, "rate limited", Refusal::OfEverySend).unwrap());
    assert!(!till.claim_attempt_resend(sent.id).unwrap());
    assert_eq!(till.current_payment_intent(&answered.id).unwrap().as_deref(), Some("pi_answered"));

    let paid = till.create_order(MODE, &usd_order("7.00"), "test").unwrap();
    pay(&mut till, paid.number, OrderStatus::Paid, "visa", 700, 0);
    let refund = till.begin_refund(&paid.id, 100, None, "key-r", "{}").unwrap();
    assert!(other.claim_refund_resend(refund.id).unwrap());
    assert!(!till.fail_unanswered_refund(refund.id, Refusal::OfOwnTries).unwrap());
    other.record_refund(refund.id, Some("re_1"), "succeeded").unwrap();
    assert!(!till.fail_unanswered_refund(refund.id, Refusal::OfEverySend).unwrap());
    assert_eq!(till.refund_record(refund.id).unwrap().status, "succeeded");
}

/// A re-read from Stripe older than a refund the till made (a reconcile that crossed the
/// refund) must not take the order back from partially refunded to paid.
#[test]
fn a_stale_read_does_not_undo_a_refund() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let order = store.create_order(MODE, &usd_order("20.00"), "test").unwrap();
    let begun = store.begin_payment_attempt(&order.id, &attempt("key-1", 2000), "started").unwrap();
    store.record_attempt_intent(begun.id, "pi_1", "succeeded").unwrap();
    let paid = PaymentFacts { payment_intent_id: Some("pi_1".into()), amount_captured: Some(2000), amount_refunded: Some(0), ..PaymentFacts::default() };
    store.apply_payment_facts(&order.id, OrderStatus::Paid, &paid, "stripe_answer", "paid").unwrap();
    let refund = store.begin_refund(&order.id, 500, None, "refund-key", "{}").unwrap();
    store.record_refund(refund.id, Some("re_1"), "succeeded").unwrap();
    let refunded = PaymentFacts { amount_refunded: Some(500), ..paid.clone() };
    store.apply_payment_facts(&order.id, OrderStatus::PartiallyRefunded, &refunded, "refunded", "refunded 5.00").unwrap();

    let status = store.apply_payment_facts(&order.id, OrderStatus::Paid, &paid, "synced", "stale read").unwrap();
    assert_eq!(status, OrderStatus::PartiallyRefunded);
    assert_eq!(store.order_payment(&order.id).unwrap().amount_refunded, 500);

    // Once Stripe reports that refund failed, the same read is the truth.
    store.record_refund_status("re_1", "failed").unwrap();
    let status = store.apply_payment_facts(&order.id, OrderStatus::Paid, &paid, "synced", "the refund failed").unwrap();
    assert_eq!(status, OrderStatus::Paid);
}

#[test]
fn a_demo_sale_is_absent_from_the_test_modes_history_report_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::starting("2026-11-22");
    let mut store = Store::open_with_clock(&dir.path().join(DATABASE_FILE), clock).unwrap();
    let coffee = spec(&[("Flat white", 2, "3.50"), ("Croissant", 1, "2.25")]); // $10.07
    let training = store.create_order(AppMode::Demo, &coffee, "trainee").unwrap();
    let real = store.create_order(AppMode::Test, &spec(&[("Cake", 1, "4.00")]), "cashier").unwrap();
    // One sequence of numbers across the modes.
    assert_eq!((training.number, real.number), (1001, 1002));
    assert_eq!((training.mode, real.mode), (AppMode::Demo, AppMode::Test));
    pay(&mut store, 1001, OrderStatus::Paid, "visa", 1007, 0);
    pay(&mut store, 1002, OrderStatus::Paid, "visa", 436, 0);

    let numbers = |mode: AppMode, query: OrderQuery| -> Vec<i64> { store.list_orders(mode, &query).unwrap().orders.iter().map(|o| o.number).collect() };
    assert_eq!(numbers(AppMode::Test, OrderQuery::default()), [1002]);
    assert_eq!(numbers(AppMode::Demo, OrderQuery::default()), [1001]);
    assert!(numbers(AppMode::Live, OrderQuery::default()).is_empty());
    // Searching by the demo sale's amount, number or intent finds nothing in test mode either.
    for text in ["10.07", "#1001", "1001", "pi_test_1001", "Croissant"] {
        assert!(numbers(AppMode::Test, OrderQuery { text: Some(text.into()), ..OrderQuery::default() }).is_empty(), "{text}");
        assert_eq!(numbers(AppMode::Demo, OrderQuery { text: Some(text.into()), ..OrderQuery::default() }), [1001], "{text}");
    }

    let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let report = store.daily_report(AppMode::Test, day).unwrap();
    assert_eq!((report.mode, report.orders, report.currencies.len()), (AppMode::Test, 1, 1));
    assert_eq!((report.currencies[0].gross.minor, report.currencies[0].sales), (436, 1));
    assert_eq!(store.daily_report(AppMode::Demo, day).unwrap().currencies[0].gross.minor, 1007);
    assert_eq!(store.daily_report(AppMode::Live, day).unwrap().orders, 0);

    let mut out = Vec::new();
    assert_eq!(store.export_csv(AppMode::Test, ExportRange::default(), &mut out).unwrap(), 1);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).unwrap().starts_with("1002,"), "{text}");
    assert!(!text.contains("Croissant"), "{text}");
}

#[test]
fn an_order_of_another_mode_cannot_be_edited_but_can_be_looked_at() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let training = store.create_order(AppMode::Demo, &spec(&[("Cake", 1, "4.00")]), "trainee").unwrap();
    let events = store.events(&training.id).unwrap().len();

    let refused = store.edit_order(AppMode::Live, &training.id, &spec(&[("Cake", 2, "4.00")]), "x").unwrap_err();
    assert!(matches!(refused, StoreError::OtherMode { order_mode: AppMode::Demo, current: AppMode::Live, .. }), "{refused}");
    assert_eq!(paydesk_core::error::ErrorCode::code(&refused), "order_other_mode");
    assert_eq!(
        refused.to_string(),
        "order #1001 was taken in demo mode and Paydesk is in live mode now; it can only be changed or paid in demo mode"
    );
    assert_eq!(store.order(&training.id).unwrap(), training);
    assert_eq!(store.events(&training.id).unwrap().len(), events);

    let view = OrderView::read(&store, &training.id, AppMode::Live).unwrap();
    assert_eq!(view.mode, AppMode::Demo);
    assert_eq!(serde_json::to_value(&view).unwrap()["mode"], "demo");
    assert_eq!(view.actions, paydesk_core::view::OrderActions::NONE);
    assert!(OrderView::read(&store, &training.id, AppMode::Demo).unwrap().actions.edit);
}

/// Only the order's current intent (its latest attempt's, neither failed nor replaced) may
/// change it: news about any other is refused and changes nothing, to the byte.
#[test]
fn news_about_an_intent_that_is_not_the_orders_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let order = store.create_order(MODE, &usd_order("20.00"), "test").unwrap();
    let first = store.begin_payment_attempt(&order.id, &attempt("key-1", 2000), "started").unwrap();
    store.record_attempt_intent(first.id, "pi_old", "requires_action").unwrap();
    let canceled = PaymentFacts { payment_intent_id: Some("pi_old".into()), ..PaymentFacts::default() };
    let dump = |store: &Store| {
        let conn = Connection::open(store.path()).unwrap();
        let mut rows = conn.prepare("SELECT * FROM orders").unwrap();
        let count = rows.column_count();
        let all: Vec<String> = rows
            .query_map([], |row| Ok((0..count).map(|i| format!("{:?}", row.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let events: i64 = conn.query_row("SELECT COUNT(*) FROM order_events", [], |row| row.get(0)).unwrap();
        (all, events)
    };

    // Being canceled to be replaced: its "canceled" does not void the order.
    store.set_attempt_status(first.id, "canceling").unwrap();
    let before = dump(&store);
    let refused = store.apply_payment_facts(&order.id, OrderStatus::Voided, &canceled, "synced", "stale").unwrap_err();
    assert!(matches!(refused, StoreError::PaymentReplaced { .. }), "{refused}");
    assert_eq!(dump(&store), before);

    // Replaced by a second attempt: nothing about the first applies any more.
    store.set_attempt_status(first.id, "superseded").unwrap();
    let second = store.begin_payment_attempt(&order.id, &attempt("key-2", 2000), "started").unwrap();
    store.record_attempt_intent(second.id, "pi_new", "requires_action").unwrap();
    let before = dump(&store);
    for target in [OrderStatus::Voided, OrderStatus::AwaitingPayment, OrderStatus::Paid] {
        let refused = store.apply_payment_facts(&order.id, target, &canceled, "synced", "stale").unwrap_err();
        assert_eq!(paydesk_core::error::ErrorCode::code(&refused), "payment_replaced");
    }
    assert_eq!(dump(&store), before);
    let current = PaymentFacts { payment_intent_id: Some("pi_new".into()), ..PaymentFacts::default() };
    assert_eq!(store.apply_payment_facts(&order.id, OrderStatus::ActionRequired, &current, "synced", "3ds").unwrap(), OrderStatus::ActionRequired);
}

fn customer(name: &str, email: Option<&str>, phone: Option<&str>) -> paydesk_core::customer::CustomerSpec {
    paydesk_core::customer::CustomerInput { name: name.into(), email: email.map(Into::into), phone: phone.map(Into::into), note: None }
        .validate()
        .unwrap()
}

/// The directory: customers found by any part of their name, email or phone, in name order;
/// edited; removed from the directory but still readable for the orders that name them; one
/// mode's directory never shows another's.
#[test]
fn customers_are_found_by_name_email_or_phone_and_kept_per_mode() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let ana = store.create_customer(MODE, &customer("Ana Díaz", Some("ana@example.com"), Some("+1 555 010 9999"))).unwrap();
    let bo = store.create_customer(MODE, &customer("bo Chen", None, Some("555-0142"))).unwrap();
    let demo = store.create_customer(AppMode::Demo, &customer("Ana Demo", None, None)).unwrap();
    assert_eq!((ana.number, bo.number, demo.number), (1, 2, 3));

    fn names_in(store: &Store, search: Option<&str>) -> Vec<String> {
        store.list_customers(MODE, search, 50).unwrap().into_iter().map(|c| c.name).collect()
    }
    let names = |search: Option<&str>| names_in(&store, search);
    assert_eq!(names(None), ["Ana Díaz", "bo Chen"], "by name, any case; no other mode's");
    assert_eq!(names(Some("ANA")), ["Ana Díaz"]);
    assert_eq!(names(Some("example.com")), ["Ana Díaz"]);
    assert_eq!(names(Some("0142")), ["bo Chen"]);
    assert!(names(Some("%")).is_empty(), "LIKE wildcards are literal");
    assert!(names(Some("' OR 1=1 --")).is_empty());
    assert_eq!(store.list_customers(MODE, Some("a\u{202E}"), 50).unwrap_err().to_string(), "search: contains characters that reorder text (right-to-left overrides)");

    assert_eq!(store.find_customer(MODE, "C2").unwrap().id, bo.id);
    assert_eq!(store.find_customer(MODE, " 1 ").unwrap().id, ana.id);
    assert_eq!(store.find_customer(MODE, ana.id.as_str()).unwrap().id, ana.id);
    assert!(matches!(store.find_customer(MODE, "3"), Err(StoreError::CustomerNotFound(_))), "another mode's customer");
    assert!(matches!(store.find_customer(MODE, "C-x"), Err(StoreError::CustomerNotFound(_))));

    let edited = store.edit_customer(MODE, &bo.id, &customer("Bo Chen", Some("bo@example.com"), None)).unwrap();
    assert_eq!((edited.name.as_str(), edited.email.as_deref(), edited.phone.as_deref()), ("Bo Chen", Some("bo@example.com"), None));
    assert!(store.edit_customer(AppMode::Demo, &bo.id, &customer("X", None, None)).is_err(), "edited only in its own mode");

    let removed = store.remove_customer(MODE, &ana.id).unwrap();
    assert!(removed.removed);
    assert_eq!(names_in(&store, None), ["Bo Chen"]);
    assert!(store.find_customer(MODE, "1").is_err());
    assert_eq!(store.customer(&ana.id).unwrap().name, "Ana Díaz", "still readable for its orders");
    assert!(matches!(store.remove_customer(MODE, &ana.id), Err(StoreError::CustomerNotFound(_))));
    store.integrity_check().unwrap();
}

/// An order for a customer of the directory: their email is the receipt's unless another was
/// typed, the order's view names them; a customer of another mode, a removed one or an id that
/// is none is refused and nothing is written.
#[test]
fn an_order_for_a_customer_takes_their_email_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let ana = store.create_customer(MODE, &customer("Ana Díaz", Some("ana@example.com"), None)).unwrap();
    let other_mode = store.create_customer(AppMode::Demo, &customer("Demo Dan", None, None)).unwrap();
    let with_customer = |id: &str, email: Option<&str>| {
        let mut input = OrderInput {
            currency: "USD".into(),
            lines: vec![LineInput { description: "Beans".into(), quantity: 1, unit_price: "12.00".into() }],
            ..OrderInput::default()
        };
        input.customer_id = Some(id.into());
        input.customer_email = email.map(Into::into);
        input
    };
    let spec = with_customer(ana.id.as_str(), None).validate(Completeness::RequireLines).unwrap();
    let order = store.create_order(MODE, &spec, "test").unwrap();
    assert_eq!(order.spec.customer_email.as_deref(), Some("ana@example.com"));
    let view = OrderView::read(&store, &order.id, MODE).unwrap();
    assert_eq!(view.customer.as_ref().map(|c| (c.number, c.name.as_str())), Some((ana.number, "Ana Díaz")));
    let typed = with_customer(ana.id.as_str(), Some("gift@example.com")).validate(Completeness::RequireLines).unwrap();
    assert_eq!(store.create_order(MODE, &typed, "test").unwrap().spec.customer_email.as_deref(), Some("gift@example.com"));

    let count = |store: &Store| store.list_orders(MODE, &OrderQuery::default()).unwrap().orders.len();
    let before = count(&store);
    let foreign = with_customer(other_mode.id.as_str(), None).validate(Completeness::RequireLines).unwrap();
    assert!(matches!(store.create_order(MODE, &foreign, "test"), Err(StoreError::CustomerNotFound(_))));
    store.remove_customer(MODE, &ana.id).unwrap();
    assert!(matches!(store.create_order(MODE, &spec, "test"), Err(StoreError::CustomerNotFound(_))), "a removed customer");
    assert!(matches!(store.edit_order(MODE, &order.id, &spec, "test"), Err(StoreError::CustomerNotFound(_))));
    assert_eq!(count(&store), before);
    let malformed = with_customer("C1; DROP TABLE customers", None).validate(Completeness::RequireLines).unwrap_err();
    assert_eq!(malformed.field, "customerId");
    // The old order still names its customer, removed or not.
    assert_eq!(OrderView::read(&store, &order.id, MODE).unwrap().customer.unwrap().name, "Ana Díaz");
}

/// One reconciler at a time holds the lease: another process is refused while it is held,
/// takes it once it lapses or is given back, and its holder renews it.
#[test]
fn a_lease_is_held_by_one_process_until_it_lapses_or_is_given_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    let clock = TestClock::starting("2026-12-03");
    let mut window = Store::open_with_clock(&path, clock.clone()).unwrap();
    let mut cli = Store::open_with_clock(&path, clock.clone()).unwrap();
    let ttl = chrono::Duration::seconds(30);
    assert!(window.take_lease("reconcile", "window", ttl).unwrap());
    assert!(!cli.take_lease("reconcile", "cli", ttl).unwrap(), "held by the window");
    clock.0.fetch_add(20, Ordering::SeqCst);
    assert!(window.take_lease("reconcile", "window", ttl).unwrap(), "renewed by its holder");
    clock.0.fetch_add(20, Ordering::SeqCst);
    assert!(!cli.take_lease("reconcile", "cli", ttl).unwrap(), "the renewal counts from when it was made");
    clock.0.fetch_add(11, Ordering::SeqCst);
    assert!(cli.take_lease("reconcile", "cli", ttl).unwrap(), "lapsed: a dead holder blocks nobody for long");
    window.release_lease("reconcile", "window").unwrap();
    assert!(!window.take_lease("reconcile", "window", ttl).unwrap(), "giving back a lease one no longer holds changes nothing");
    cli.release_lease("reconcile", "cli").unwrap();
    assert!(window.take_lease("reconcile", "window", ttl).unwrap());
}
