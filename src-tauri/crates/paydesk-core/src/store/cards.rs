//! Each customer's Stripe Customer (per mode), with the idempotency key of its create request
//! committed before the request leaves, and the display copy of their saved cards.

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{Store, StoreError};
use crate::cards::{CardChecks, SavedCard};
use crate::customer::CustomerId;
use crate::mode::AppMode;

/// The till's record of one Stripe Customer made (or being made) for a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeCustomerRecord {
    pub id: i64,
    pub customer_id: CustomerId,
    pub mode: AppMode,
    pub idempotency_key: String,
    /// The create request's parameters, as JSON, exactly as first sent.
    pub request: String,
    pub stripe_customer_id: Option<String>,
    /// `creating` (sent, answer not stored), `created`, `deleted` (at Stripe), `failed`.
    pub status: String,
    pub created_at: String,
}

const COLUMNS: &str = "id, customer_id, mode, idempotency_key, request, stripe_customer_id, status, created_at";
const OPEN: &str = "status IN ('creating', 'created')";

fn read_record(row: &rusqlite::Row<'_>) -> rusqlite::Result<StripeCustomerRecord> {
    let mode: String = row.get(2)?;
    Ok(StripeCustomerRecord {
        id: row.get(0)?,
        customer_id: CustomerId::from_stored(row.get(1)?),
        mode: mode.parse().map_err(|_| rusqlite::Error::InvalidColumnType(2, "mode".into(), rusqlite::types::Type::Text))?,
        idempotency_key: row.get(3)?,
        request: row.get(4)?,
        stripe_customer_id: row.get(5)?,
        status: row.get(6)?,
        created_at: row.get(7)?,
    })
}

fn read_card(row: &rusqlite::Row<'_>) -> rusqlite::Result<SavedCard> {
    let checks = CardChecks { cvc: row.get(5)?, postal_code: row.get(6)?, line1: row.get(7)? };
    Ok(SavedCard {
        payment_method_id: row.get(0)?,
        brand: row.get(1)?,
        last4: row.get(2)?,
        exp_month: row.get(3)?,
        exp_year: row.get(4)?,
        warning: checks.warning(),
        checks,
    })
}

impl Store {
    /// The customer's open Stripe Customer record in `mode`, or a new one in `creating` with
    /// `new_key` and `request`, committed before the create request is sent. Two tills that
    /// ask at once get the same record, so the same key: Stripe makes one Customer.
    pub fn begin_stripe_customer(&mut self, mode: AppMode, customer_id: &CustomerId, new_key: &str, request: &str) -> Result<StripeCustomerRecord, StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let in_directory: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1 AND mode = ?2 AND removed_at IS NULL)",
            params![customer_id.as_str(), mode.as_str()],
            |row| row.get(0),
        )?;
        if !in_directory {
            return Err(StoreError::CustomerNotFound(customer_id.to_string()));
        }
        let open = tx
            .query_row(
                &format!("SELECT {COLUMNS} FROM stripe_customers WHERE customer_id = ?1 AND mode = ?2 AND {OPEN}"),
                params![customer_id.as_str(), mode.as_str()],
                read_record,
            )
            .optional()?;
        if let Some(record) = open {
            return Ok(record);
        }
        tx.execute(
            "INSERT INTO stripe_customers (customer_id, mode, idempotency_key, request, status, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'creating', ?5, ?5)",
            params![customer_id.as_str(), mode.as_str(), new_key, request, now],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        tracing::info!(customer = %customer_id, %mode, "Stripe Customer request recorded");
        self.stripe_customer_record(id)
    }

    pub fn stripe_customer_record(&self, id: i64) -> Result<StripeCustomerRecord, StoreError> {
        Ok(self.conn.query_row(&format!("SELECT {COLUMNS} FROM stripe_customers WHERE id = ?1"), [id], read_record)?)
    }

    /// The customer's open Stripe Customer record in `mode`, if any.
    pub fn stripe_customer_of(&self, mode: AppMode, customer_id: &CustomerId) -> Result<Option<StripeCustomerRecord>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM stripe_customers WHERE customer_id = ?1 AND mode = ?2 AND {OPEN}"),
                params![customer_id.as_str(), mode.as_str()],
                read_record,
            )
            .optional()?)
    }

    /// Stores the Customer Stripe made (or replayed) for a record still `creating`.
    pub fn record_stripe_customer(&mut self, id: i64, stripe_customer_id: &str) -> Result<(), StoreError> {
        let (now, _) = self.now();
        self.conn.execute(
            "UPDATE stripe_customers SET stripe_customer_id = ?1, status = 'created', updated_at = ?2 WHERE id = ?3 AND status = 'creating'",
            params![stripe_customer_id, now, id],
        )?;
        Ok(())
    }

    /// Retires a record whose request proved never to have made a Customer; says whether it did.
    pub fn fail_stripe_customer(&mut self, id: i64) -> Result<bool, StoreError> {
        let (now, _) = self.now();
        let failed = self.conn.execute(
            "UPDATE stripe_customers SET status = 'failed', updated_at = ?1 WHERE id = ?2 AND status = 'creating'",
            params![now, id],
        )?;
        Ok(failed == 1)
    }

    /// The Stripe Customer no longer exists (deleted in the Dashboard, or a demo simulator that
    /// was restarted): its customer loses it and its saved cards, in one transaction. Says
    /// whether it was one of `mode`'s.
    pub fn stripe_customer_deleted(&mut self, mode: AppMode, stripe_customer_id: &str) -> Result<bool, StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let deleted = tx.execute(
            "UPDATE stripe_customers SET status = 'deleted', updated_at = ?1 WHERE stripe_customer_id = ?2 AND mode = ?3 AND status = 'created'",
            params![now, stripe_customer_id, mode.as_str()],
        )?;
        if deleted == 1 {
            tx.execute("DELETE FROM saved_cards WHERE stripe_customer_id = ?1", [stripe_customer_id])?;
            tracing::info!(stripe_customer = stripe_customer_id, %mode, "Stripe Customer gone; its saved cards forgotten");
        }
        tx.commit()?;
        Ok(deleted == 1)
    }

    /// Replaces the display copy of a Stripe Customer's cards with what Stripe listed.
    pub fn replace_saved_cards(&mut self, stripe_customer_id: &str, cards: &[SavedCard]) -> Result<(), StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM saved_cards WHERE stripe_customer_id = ?1", [stripe_customer_id])?;
        for (position, card) in cards.iter().enumerate() {
            tx.execute(
                "INSERT INTO saved_cards (payment_method_id, stripe_customer_id, brand, last4, exp_month, exp_year,
                     cvc_check, address_postal_code_check, address_line1_check, position, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (payment_method_id) DO UPDATE SET stripe_customer_id = excluded.stripe_customer_id,
                     brand = excluded.brand, last4 = excluded.last4, exp_month = excluded.exp_month, exp_year = excluded.exp_year,
                     cvc_check = excluded.cvc_check, address_postal_code_check = excluded.address_postal_code_check,
                     address_line1_check = excluded.address_line1_check, position = excluded.position, updated_at = excluded.updated_at",
                params![
                    card.payment_method_id,
                    stripe_customer_id,
                    card.brand,
                    card.last4,
                    card.exp_month,
                    card.exp_year,
                    card.checks.cvc,
                    card.checks.postal_code,
                    card.checks.line1,
                    position as i64,
                    now
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The customer's saved cards as last listed from Stripe, newest first.
    pub fn saved_cards(&self, mode: AppMode, customer_id: &CustomerId) -> Result<Vec<SavedCard>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT c.payment_method_id, c.brand, c.last4, c.exp_month, c.exp_year, c.cvc_check, c.address_postal_code_check, c.address_line1_check
               FROM saved_cards c JOIN stripe_customers s ON s.stripe_customer_id = c.stripe_customer_id
              WHERE s.customer_id = ?1 AND s.mode = ?2 AND s.status = 'created' ORDER BY c.position",
        )?;
        let cards = statement.query_map(params![customer_id.as_str(), mode.as_str()], read_card)?.collect::<Result<Vec<_>, _>>()?;
        Ok(cards)
    }

    /// A card detached at Stripe: it leaves the display copy. Says whether it was one of `mode`'s.
    pub fn forget_saved_card(&mut self, mode: AppMode, payment_method_id: &str) -> Result<bool, StoreError> {
        let forgotten = self.conn.execute(
            "DELETE FROM saved_cards WHERE payment_method_id = ?1
                AND stripe_customer_id IN (SELECT stripe_customer_id FROM stripe_customers WHERE mode = ?2)",
            params![payment_method_id, mode.as_str()],
        )?;
        Ok(forgotten == 1)
    }
}
