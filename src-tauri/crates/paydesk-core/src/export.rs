//! CSV export of the order history, streamed row by row so a year of orders needs no memory.

use std::io::Write;

use chrono::NaiveDate;
use rusqlite::params;

use crate::mode::AppMode;
use crate::money::Money;
use crate::store::{parse_currency, Store, StoreError};

const HEADER: &str = "number,id,created_at,business_date,status,currency,subtotal,discount,tax_exclusive,tax_inclusive,tip,rounding,total,items,customer_email,note";

/// Which orders to export: business days, inclusive.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
}

pub(crate) const EXPORT_QUERY: &str = "SELECT number, id, created_at, business_date, status, currency, subtotal, discount,
        tax_exclusive, tax_inclusive, tip, rounding, total, summary, customer_email, note
    FROM orders WHERE mode = ?1 AND business_date BETWEEN ?2 AND ?3 ORDER BY number";

impl Store {
    /// Writes matching orders, oldest first, as RFC 4180 CSV. Amounts are plain decimals in
    /// the order's currency ("1234.50"); returns the number of orders written. Only orders
    /// taken in `mode`, so a test or training sale never reaches the books.
    pub fn export_csv(&self, mode: AppMode, range: ExportRange, out: &mut dyn Write) -> Result<u64, ExportError> {
        writeln!(out, "{HEADER}")?;
        let day = |date: Option<NaiveDate>, default: &str| {
            date.map_or_else(|| default.to_owned(), |d| d.format("%Y-%m-%d").to_string())
        };
        let mut statement = self.connection().prepare(EXPORT_QUERY).map_err(StoreError::from)?;
        let mut rows = statement
            .query(params![mode.as_str(), day(range.from, "0000-01-01"), day(range.to, "9999-12-31")])
            .map_err(StoreError::from)?;
        let mut count = 0;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let get_text = |index: usize| row.get::<_, Option<String>>(index).map(Option::unwrap_or_default);
            let code: String = row.get(5).map_err(StoreError::from)?;
            let currency = parse_currency(&code)?;
            let mut fields = vec![
                row.get::<_, i64>(0).map_err(StoreError::from)?.to_string(),
                get_text(1).map_err(StoreError::from)?,
                get_text(2).map_err(StoreError::from)?,
                get_text(3).map_err(StoreError::from)?,
                get_text(4).map_err(StoreError::from)?,
                code.clone(),
            ];
            for index in 6..=12 {
                let minor: i64 = row.get(index).map_err(StoreError::from)?;
                fields.push(Money::new(minor, currency).to_decimal_string());
            }
            for index in 13..=15 {
                fields.push(text_cell(&get_text(index).map_err(StoreError::from)?));
            }
            let line: Vec<String> = fields.iter().map(|field| quote(field)).collect();
            writeln!(out, "{}", line.join(","))?;
            count += 1;
        }
        out.flush()?;
        Ok(count)
    }
}

/// Free text typed by people is defused for spreadsheets: a cell starting with = + - @ would
/// be run as a formula by Excel or LibreOffice (CSV injection), so it gets a leading quote.
fn text_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_defused() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("-5 off"), "'-5 off");
        assert_eq!(text_cell("Coffee"), "Coffee");
    }
}
