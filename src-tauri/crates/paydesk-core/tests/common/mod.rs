//! What the payment tests share: a clock moved by hand, a one-line order, the database's text.
#![allow(dead_code)] // each test binary uses a different subset of these helpers

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};

use paydesk_core::order::{Completeness, LineInput, OrderInput, OrderSpec};

/// The store's clock, shifted by hand (for records written "yesterday" or "in two days").
pub struct ShiftedClock(pub AtomicI64);

impl paydesk_core::store::Clock for ShiftedClock {
    fn now(&self) -> (chrono::DateTime<chrono::Utc>, chrono::NaiveDate) {
        let at = chrono::Utc::now() + chrono::Duration::seconds(self.0.load(Ordering::SeqCst));
        (at, at.date_naive())
    }
}

/// A USD order of one line at `price`, with the fields of `extra` (email, customer).
pub fn one_line_order(description: &str, price: &str, extra: OrderInput) -> OrderSpec {
    OrderInput {
        currency: "USD".into(),
        lines: vec![LineInput { description: description.into(), quantity: 1, unit_price: price.into() }],
        ..extra
    }
    .validate(Completeness::RequireLines)
    .unwrap()
}

/// The database file and its WAL as text: recent writes may not be checkpointed yet.
pub fn database_text(dir: &Path) -> String {
    ["paydesk.sqlite3", "paydesk.sqlite3-wal"]
        .iter()
        .filter_map(|name| std::fs::read(dir.join(name)).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect()
}
