//! Every history, report, export and reconciliation query is per mode; each must still find
//! its orders through an index, never by reading the whole table.

use chrono::NaiveDate;
use rusqlite::types::Value;

use super::{OrderQuery, Store};
use crate::mode::AppMode;
use crate::order::{Completeness, LineInput, OrderInput, OrderStatus};

fn plan(store: &Store, sql: &str, values: Vec<Value>) -> Vec<String> {
    let mut statement = store.connection().prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    statement
        .query_map(rusqlite::params_from_iter(values), |row| row.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The orders table is only ever searched by an index that narrows it to the mode first, or
/// to one order or one PaymentIntent; never scanned.
fn assert_indexed(what: &str, lines: &[String]) {
    let on_orders: Vec<&String> = lines.iter().filter(|line| line.contains(" orders ") || line.ends_with(" orders")).collect();
    assert!(!on_orders.is_empty(), "{what}: no step reads orders: {lines:?}");
    for line in on_orders {
        let searched = line.starts_with("SEARCH orders USING");
        let by_mode = line.contains("orders_by_mode") && line.contains("(mode=?");
        let by_number = line.contains("(number=?)");
        let by_intent = line.contains("orders_by_payment_intent");
        assert!(searched && (by_mode || by_number || by_intent), "{what}: {line} (whole plan: {lines:?})");
    }
}

#[test]
fn every_per_mode_query_uses_a_mode_leading_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let spec = OrderInput {
        currency: "USD".into(),
        lines: vec![LineInput { description: "Tea".into(), quantity: 1, unit_price: "10.07".into() }],
        ..OrderInput::default()
    }
    .validate(Completeness::RequireLines)
    .unwrap();
    for mode in AppMode::ALL {
        store.create_order(mode, &spec, "test").unwrap();
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 22);
    // Each search, and the index that must find its orders.
    let queries = [
        ("everything", OrderQuery::default(), "orders_by_mode "),
        ("next page", OrderQuery { before_number: Some(1002), ..OrderQuery::default() }, "orders_by_mode "),
        ("by status", OrderQuery { status: Some(OrderStatus::Paid), ..OrderQuery::default() }, "orders_by_mode_status"),
        ("by day", OrderQuery { from: day, to: day, ..OrderQuery::default() }, "orders_by_mode_date"),
        ("by status and days", OrderQuery { status: Some(OrderStatus::Paid), from: day, to: day.map(|d| d + chrono::Days::new(30)), ..OrderQuery::default() }, "orders_by_mode_status_date"),
        ("since a day", OrderQuery { status: Some(OrderStatus::Paid), from: day, ..OrderQuery::default() }, "orders_by_mode_status"),
        ("by number", OrderQuery { text: Some("#1001".into()), ..OrderQuery::default() }, "(number=?)"),
        ("by amount or number", OrderQuery { text: Some("12".into()), ..OrderQuery::default() }, "MULTI-INDEX OR"),
        ("by amount", OrderQuery { text: Some("10.07".into()), ..OrderQuery::default() }, "orders_by_mode_total"),
        ("by intent", OrderQuery { text: Some("pi_123".into()), ..OrderQuery::default() }, "orders_by_payment_intent"),
        ("by words", OrderQuery { text: Some("tea".into()), ..OrderQuery::default() }, "orders_by_mode "),
    ];
    for (what, query, index) in queries {
        let (sql, values) = store.list_statement(AppMode::Test, &query, 50).unwrap();
        let lines = plan(&store, &sql, values);
        assert!(lines.iter().any(|line| line.contains(index)), "{what}: not by {index}: {lines:?}");
        assert_indexed(what, &lines);
    }
    let mode = || Value::from("test".to_owned());
    let date = || Value::from("2026-11-22".to_owned());
    let currencies = plan(&store, super::orders::DISTINCT_CURRENCIES, vec![mode()]);
    assert_indexed("currencies", &currencies);
    // Seeks from one currency to the next rather than reading each of the mode's orders.
    assert!(currencies.iter().any(|line| line.contains("(mode=? AND currency>?)")), "currencies: {currencies:?}");
    assert_indexed("daily report", &plan(&store, crate::report::REPORT_QUERY, vec![mode(), date()]));
    assert_indexed("export", &plan(&store, crate::export::EXPORT_QUERY, vec![mode(), date(), date()]));
    assert_indexed("in flight", &plan(&store, super::payments::IN_FLIGHT, vec![mode()]));
}
