//! The end-of-day summary: what the day's orders brought in, per currency, with counts by
//! status and card brand and sales by hour. Amounts are what Stripe last reported as
//! captured and refunded on each order, so the report agrees with the Dashboard.

use std::collections::BTreeMap;

use chrono::{DateTime, Local, NaiveDate, Timelike};
use serde::Serialize;

use crate::mode::AppMode;
use crate::money::{Currency, Money};
use crate::order::OrderStatus;
use crate::store::{parse_currency, parse_status, Store, StoreError};
use crate::view::MoneyView;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyReport {
    pub date: NaiveDate,
    /// Only orders taken in this mode are counted.
    pub mode: AppMode,
    /// Every order of the day, whatever its state.
    pub orders: u64,
    /// Each status that occurs, in the order of the order's life.
    pub by_status: Vec<StatusCount>,
    /// One block per currency taken that day, by currency code.
    pub currencies: Vec<CurrencyReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCount {
    pub key: OrderStatus,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyReport {
    pub currency: Currency,
    /// Captured on the day's orders.
    pub gross: MoneyView,
    /// Refunded of it so far.
    pub refunds: MoneyView,
    pub net: MoneyView,
    /// Authorized and still waiting for a capture.
    pub authorized: MoneyView,
    /// Orders with money captured.
    pub sales: u64,
    pub by_brand: Vec<BrandTotal>,
    /// Always 24 entries, local hours 0-23, by when the order was rung up.
    pub by_hour: Vec<HourTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrandTotal {
    pub brand: String,
    pub count: u64,
    pub gross: MoneyView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HourTotal {
    pub hour: u32,
    pub count: u64,
    pub gross: MoneyView,
}

/// Sums in minor units; `Money` is only built at the end, so a sum that would not fit is an
/// error rather than a wrong number.
#[derive(Default)]
struct Sums {
    gross: i64,
    refunds: i64,
    authorized: i64,
    sales: u64,
    brands: BTreeMap<String, (u64, i64)>,
    hours: [(u64, i64); 24],
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the day's {0} totals are too large to add up")]
    Overflow(Currency),
}

pub(crate) const REPORT_QUERY: &str = "SELECT status, currency, total, amount_captured, amount_refunded, card_brand, created_at
    FROM orders WHERE mode = ?1 AND business_date = ?2";

impl Store {
    /// The day's orders taken in `mode`: a training sale never shows in a live report.
    pub fn daily_report(&self, mode: AppMode, date: NaiveDate) -> Result<DailyReport, ReportError> {
        let mut statement = self.connection().prepare_cached(REPORT_QUERY).map_err(StoreError::from)?;
        let mut rows = statement.query([mode.as_str().to_owned(), date.format("%Y-%m-%d").to_string()]).map_err(StoreError::from)?;
        let mut statuses: BTreeMap<usize, u64> = BTreeMap::new();
        // Keyed by code, so currencies come out in a stable order.
        let mut currencies: BTreeMap<&'static str, (Currency, Sums)> = BTreeMap::new();
        let mut orders = 0;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            let read = |index| row.get::<_, String>(index).map_err(StoreError::from);
            let number = |index| row.get::<_, i64>(index).map_err(StoreError::from);
            let status = parse_status(&read(0)?)?;
            let currency = parse_currency(&read(1)?)?;
            let (total, captured, refunded) = (number(2)?, number(3)?, number(4)?);
            let brand = row.get::<_, Option<String>>(5).map_err(StoreError::from)?;
            let hour = local_hour(&read(6)?);

            orders += 1;
            *statuses.entry(OrderStatus::ALL.iter().position(|s| *s == status).unwrap_or(0)).or_default() += 1;
            let (_, sums) = currencies.entry(currency.code()).or_insert_with(|| (currency, Sums::default()));
            let add = |sum: i64, amount: i64| sum.checked_add(amount).ok_or(ReportError::Overflow(currency));
            if status == OrderStatus::Authorized {
                sums.authorized = add(sums.authorized, total)?;
            }
            if captured > 0 {
                sums.gross = add(sums.gross, captured)?;
                sums.refunds = add(sums.refunds, refunded)?;
                sums.sales += 1;
                let brand = sums.brands.entry(brand.unwrap_or_else(|| "unknown".into())).or_default();
                brand.0 += 1;
                brand.1 = add(brand.1, captured)?;
                let slot = &mut sums.hours[hour as usize];
                slot.0 += 1;
                slot.1 = add(slot.1, captured)?;
            }
        }
        let currencies = currencies
            .into_iter()
            .map(|(_, (currency, sums))| {
                let money = |minor: i64| MoneyView::from(Money::new(minor, currency));
                CurrencyReport {
                    currency,
                    gross: money(sums.gross),
                    refunds: money(sums.refunds),
                    net: money(sums.gross - sums.refunds),
                    authorized: money(sums.authorized),
                    sales: sums.sales,
                    by_brand: sums
                        .brands
                        .into_iter()
                        .map(|(brand, (count, gross))| BrandTotal { brand, count, gross: money(gross) })
                        .collect(),
                    by_hour: (0..24u32)
                        .map(|hour| {
                            let (count, gross) = sums.hours[hour as usize];
                            HourTotal { hour, count, gross: money(gross) }
                        })
                        .collect(),
                }
            })
            .collect();
        let by_status = statuses.into_iter().map(|(index, count)| StatusCount { key: OrderStatus::ALL[index], count }).collect();
        Ok(DailyReport { date, mode, orders, by_status, currencies })
    }
}

/// The shop's local hour of a stored UTC timestamp (the business day is local too).
fn local_hour(timestamp: &str) -> u32 {
    DateTime::parse_from_rfc3339(timestamp).map_or(0, |at| at.with_timezone(&Local).hour())
}
