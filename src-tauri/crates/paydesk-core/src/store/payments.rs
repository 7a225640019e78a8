//! The payment side of an order in the store: attempts (with the idempotency key committed
//! before the request leaves), what Stripe said about them, and refunds. Every write that
//! changes an order's status appends its event in the same transaction.

use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::orders::{append_event, order_status, set_status, OrderId};
use super::{Store, StoreError};
use crate::cards::CardChecks;
use crate::mode::AppMode;
use crate::order::OrderStatus;

/// The event kind of a re-read from Stripe; logged only when it changes the status.
pub const SYNCED: &str = "synced";

/// One try at getting an order paid: one PaymentIntent, created with one idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentAttempt {
    pub id: i64,
    pub order_id: OrderId,
    pub attempt: i64,
    pub idempotency_key: String,
    pub payment_intent_id: Option<String>,
    pub flow: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    /// The create request's parameters, as JSON, exactly as first sent.
    pub request: Option<String>,
    pub created_at: String,
}

/// An attempt about to be sent: its key and exact request are committed first.
#[derive(Debug, Clone, Copy)]
pub struct NewAttempt<'a> {
    pub flow: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub idempotency_key: &'a str,
    /// The create request's parameters, as JSON.
    pub request: &'a str,
}

/// What Stripe reported about an order's payment, to be written onto the order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentFacts {
    pub payment_intent_id: Option<String>,
    pub charge_id: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub amount_captured: Option<i64>,
    pub amount_refunded: Option<i64>,
    /// The checks Stripe reported on the charge; `Some` replaces the order's, all three.
    pub card_checks: Option<CardChecks>,
}

/// The payment columns of an order, for receipts, capture and refund limits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPayment {
    pub payment_intent_id: Option<String>,
    pub charge_id: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub amount_captured: i64,
    pub amount_refunded: i64,
    pub card_checks: CardChecks,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRecord {
    pub id: i64,
    pub order_id: OrderId,
    pub idempotency_key: String,
    pub refund_id: Option<String>,
    pub amount: i64,
    pub reason: Option<String>,
    pub status: String,
    /// The create request's parameters, as JSON, exactly as first sent (`None` for refunds
    /// recorded before this was kept).
    pub request: Option<String>,
    pub created_at: String,
}

/// What Stripe's refusal of a request proves about the request's other sends under its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The answer passed Stripe's idempotency layer (400, 402, 404): had any send run, its
    /// result would have been replayed.
    OfEverySend,
    /// The answer came before that layer (429, 401, 403): it proves only that these tries did
    /// not run.
    OfOwnTries,
}

/// Attempt statuses that no longer hold the order's payment; any other is the one open attempt.
const CLOSED_ATTEMPTS: &str = "('failed', 'canceled', 'superseded')";

impl Store {
    /// Records a new attempt and its idempotency key, and moves a draft order to
    /// `awaiting_payment`, in one transaction that commits before any request is sent.
    pub fn begin_payment_attempt(&mut self, order_id: &OrderId, new: &NewAttempt<'_>, cause: &str) -> Result<PaymentAttempt, StoreError> {
        self.begin_payment_attempt_saving(order_id, new, cause, None)
    }

    /// As [`Store::begin_payment_attempt`], with the customer's consent to save the card
    /// (`save_consent`, the cause of a `card_save_consent` event) written in the same
    /// transaction as the attempt that asks Stripe to save it.
    pub fn begin_payment_attempt_saving(&mut self, order_id: &OrderId, new: &NewAttempt<'_>, cause: &str, save_consent: Option<&str>) -> Result<PaymentAttempt, StoreError> {
        let NewAttempt { flow, amount, currency, idempotency_key, request } = *new;
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let status = order_status(&tx, order_id)?;
        // Checked inside the same write transaction as the insert, so two processes (the
        // window and the CLI) cannot both start a payment: the second sees the first's.
        let (number, total, order_currency): (i64, i64, String) = tx.query_row(
            "SELECT number, total, currency FROM orders WHERE id = ?1",
            [order_id.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?;
        if !matches!(status, OrderStatus::Draft | OrderStatus::AwaitingPayment | OrderStatus::ActionRequired) {
            return Err(StoreError::NotChargeable { number, status });
        }
        let open: bool = tx.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM payment_attempts WHERE order_id = ?1 AND status NOT IN {CLOSED_ATTEMPTS})"),
            [order_id.as_str()],
            |row| row.get(0),
        )?;
        if open {
            return Err(StoreError::PaymentUnderWay { number });
        }
        if total != amount || !order_currency.eq_ignore_ascii_case(currency) {
            return Err(StoreError::OrderChanged { number });
        }
        let attempt: i64 = tx.query_row(
            "SELECT COALESCE(MAX(attempt), 0) + 1 FROM payment_attempts WHERE order_id = ?1",
            [order_id.as_str()],
            |row| row.get(0),
        )?;
        tx.execute(
            "INSERT INTO payment_attempts (order_id, attempt, idempotency_key, flow, amount, currency, status, request, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'creating', ?7, ?8, ?8)",
            params![order_id.as_str(), attempt, idempotency_key, flow, amount, currency, request, now],
        )
        .map_err(|error| match error {
            // The partial unique index: another process's attempt won the race.
            rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::ConstraintViolation => StoreError::PaymentUnderWay { number },
            other => other.into(),
        })?;
        let id = tx.last_insert_rowid();
        if status == OrderStatus::Draft {
            status.transition(OrderStatus::AwaitingPayment)?;
            set_status(&tx, order_id, OrderStatus::AwaitingPayment, &now)?;
            append_event(&tx, order_id, &now, "payment_started", Some(status), OrderStatus::AwaitingPayment, cause)?;
        } else {
            append_event(&tx, order_id, &now, "payment_attempt", Some(status), status, cause)?;
        }
        if let Some(consent) = save_consent {
            let status = order_status(&tx, order_id)?;
            append_event(&tx, order_id, &now, "card_save_consent", Some(status), status, consent)?;
        }
        tx.commit()?;
        tracing::info!(order = %order_id, attempt, flow, amount, "payment attempt recorded");
        self.payment_attempt(id)
    }

    pub fn payment_attempt(&self, id: i64) -> Result<PaymentAttempt, StoreError> {
        Ok(self.conn.query_row(&format!("SELECT {ATTEMPT_COLUMNS} FROM payment_attempts WHERE id = ?1"), [id], read_attempt)?)
    }

    /// The order's most recent attempt, if it has one.
    pub fn latest_payment_attempt(&self, order_id: &OrderId) -> Result<Option<PaymentAttempt>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {ATTEMPT_COLUMNS} FROM payment_attempts WHERE order_id = ?1 ORDER BY attempt DESC LIMIT 1"),
                [order_id.as_str()],
                read_attempt,
            )
            .optional()?)
    }

    /// Attempts whose request was sent but whose answer was never stored (a crash, a lost
    /// response): the idempotency key finds the one intent they created, if any. Only those
    /// of `mode`'s orders: another mode's were sent to another Stripe.
    pub fn unresolved_payment_attempts(&self, mode: AppMode) -> Result<Vec<PaymentAttempt>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM payment_attempts WHERE status = 'creating'
                AND order_id IN (SELECT id FROM orders WHERE mode = ?1) ORDER BY id"
        ))?;
        let attempts = statement.query_map([mode.as_str()], read_attempt)?.collect::<Result<Vec<_>, _>>()?;
        Ok(attempts)
    }

    /// Stores the intent an attempt created (or found) and its Stripe status.
    pub fn record_attempt_intent(&mut self, attempt_id: i64, payment_intent_id: &str, status: &str) -> Result<(), StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let order_id: String =
            tx.query_row("SELECT order_id FROM payment_attempts WHERE id = ?1", [attempt_id], |row| row.get(0))?;
        tx.execute(
            "UPDATE payment_attempts SET payment_intent_id = ?1, status = ?2, updated_at = ?3 WHERE id = ?4",
            params![payment_intent_id, status, now, attempt_id],
        )?;
        tx.execute(
            "UPDATE orders SET payment_intent_id = ?1, updated_at = ?2 WHERE id = ?3",
            params![payment_intent_id, now, order_id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Moves an attempt along its own life: `canceling` (its intent is being canceled to be
    /// replaced), `superseded` (canceled and replaced: no longer the order's), `canceled`
    /// (the order was voided), or back to its intent's Stripe status.
    pub fn set_attempt_status(&mut self, attempt_id: i64, status: &str) -> Result<(), StoreError> {
        self.close_or_move_attempt(attempt_id, status, None)
    }

    /// Marks an unanswered attempt as failed because Stripe refused the sender's request, and
    /// says whether it did. `proof` is what the refusal proves: an answer that passed Stripe's
    /// idempotency layer proves no send under the key ran; one that came before it (a 429)
    /// proves only that this try did not run, which is enough only if nobody else sent the
    /// key. Nothing changes when the attempt was answered meanwhile, or re-sent by another till.
    pub fn fail_unanswered_attempt(&mut self, attempt_id: i64, error: &str, proof: Refusal) -> Result<bool, StoreError> {
        let unanswered = match proof {
            Refusal::OfEverySend => "status = 'creating' AND payment_intent_id IS NULL",
            Refusal::OfOwnTries => "status = 'creating' AND payment_intent_id IS NULL AND sends = 1",
        };
        self.close_or_move_attempt_if(attempt_id, "failed", Some(error), unanswered)
    }

    /// Counts a re-send of an unanswered attempt before it leaves, and says whether it may: not
    /// once the attempt has its answer or has failed.
    pub fn claim_attempt_resend(&mut self, attempt_id: i64) -> Result<bool, StoreError> {
        let (now, _) = self.now();
        let claimed = self.conn.execute(
            "UPDATE payment_attempts SET sends = sends + 1, updated_at = ?1
              WHERE id = ?2 AND status = 'creating' AND payment_intent_id IS NULL",
            params![now, attempt_id],
        )?;
        Ok(claimed == 1)
    }

    /// One transaction: the attempt's new status and, when that leaves the order with no
    /// intent at all (failed or replaced), the order's way back from "3-D Secure under way":
    /// with no intent waiting for the customer's bank, it waits for a card again.
    fn close_or_move_attempt(&mut self, attempt_id: i64, status: &str, error: Option<&str>) -> Result<(), StoreError> {
        self.close_or_move_attempt_if(attempt_id, status, error, "1").map(drop)
    }

    /// As [`Store::close_or_move_attempt`], only while the attempt's row meets `condition`
    /// (SQL over its columns), checked in the same transaction; says whether it did.
    fn close_or_move_attempt_if(&mut self, attempt_id: i64, status: &str, error: Option<&str>, condition: &str) -> Result<bool, StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let order_id: String = tx.query_row("SELECT order_id FROM payment_attempts WHERE id = ?1", [attempt_id], |row| row.get(0))?;
        let moved = tx.execute(
            &format!("UPDATE payment_attempts SET status = ?1, last_error = COALESCE(?2, last_error), updated_at = ?3 WHERE id = ?4 AND ({condition})"),
            params![status, error, now, attempt_id],
        )?;
        if moved == 0 {
            return Ok(false);
        }
        let order_id = OrderId::from_stored(order_id);
        if matches!(status, "failed" | "superseded") && order_status(&tx, &order_id)? == OrderStatus::ActionRequired {
            let has_open: bool = tx.query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM payment_attempts WHERE order_id = ?1 AND status NOT IN {CLOSED_ATTEMPTS})"),
                [order_id.as_str()],
                |row| row.get(0),
            )?;
            if !has_open {
                OrderStatus::ActionRequired.transition(OrderStatus::AwaitingPayment)?;
                set_status(&tx, &order_id, OrderStatus::AwaitingPayment, &now)?;
                let cause = match status {
                    "failed" => "the payment waiting for 3-D Secure was replaced, and the new one did not start",
                    _ => "the payment waiting for 3-D Secure was canceled to be replaced",
                };
                append_event(&tx, &order_id, &now, "payment_replaced", Some(OrderStatus::ActionRequired), OrderStatus::AwaitingPayment, cause)?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    /// The intent whose news may change the order: that of its latest attempt, unless that
    /// attempt failed or was replaced. Events about any other intent of the order are stale.
    pub fn current_payment_intent(&self, order_id: &OrderId) -> Result<Option<String>, StoreError> {
        Ok(self
            .latest_payment_attempt(order_id)?
            .filter(|attempt| !matches!(attempt.status.as_str(), "failed" | "superseded"))
            .and_then(|attempt| attempt.payment_intent_id))
    }

    pub fn order_payment(&self, order_id: &OrderId) -> Result<OrderPayment, StoreError> {
        self.conn
            .query_row(
                "SELECT payment_intent_id, charge_id, card_brand, card_last4, amount_captured, amount_refunded,
                        cvc_check, address_postal_code_check, address_line1_check
                 FROM orders WHERE id = ?1",
                [order_id.as_str()],
                |row| {
                    Ok(OrderPayment {
                        payment_intent_id: row.get(0)?,
                        charge_id: row.get(1)?,
                        card_brand: row.get(2)?,
                        card_last4: row.get(3)?,
                        amount_captured: row.get(4)?,
                        amount_refunded: row.get(5)?,
                        card_checks: CardChecks { cvc: row.get(6)?, postal_code: row.get(7)?, line1: row.get(8)? },
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::OrderNotFound(order_id.to_string()))
    }

    /// Writes what Stripe said onto the order and, when it means a new status, makes the
    /// transition; the event (a transition, or a note such as a decline) is appended in the
    /// same transaction. Returns the order's status afterwards. With `event_kind` [`SYNCED`]
    /// nothing is logged unless the status changes.
    pub fn apply_payment_facts(
        &mut self,
        order_id: &OrderId,
        target: OrderStatus,
        facts: &PaymentFacts,
        event_kind: &str,
        cause: &str,
    ) -> Result<OrderStatus, StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = order_status(&tx, order_id)?;
        ensure_current_intent(&tx, order_id, facts.payment_intent_id.as_deref(), target)?;
        let mut facts = facts.clone();
        let mut target = target;
        // A read from before a refund this till made (a reconcile that crossed the refund)
        // must not undo it: less refunded than the refunds Stripe accepted is a stale read. A
        // refund that really failed later is marked so first, and then counts no more.
        let known_refunded: i64 = tx.query_row(
            "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = ?1 AND status IN ('succeeded', 'pending')",
            [order_id.as_str()],
            |row| row.get(0),
        )?;
        if facts.amount_refunded.is_some_and(|refunded| refunded < known_refunded) {
            facts.amount_refunded = None;
            if matches!(current, OrderStatus::PartiallyRefunded | OrderStatus::Refunded)
                && matches!(target, OrderStatus::Paid | OrderStatus::PartiallyRefunded)
            {
                target = current;
            }
        }
        // Partial refunds repeat a status; everything else that repeats is not a transition.
        let changes = current != target || target == OrderStatus::PartiallyRefunded && event_kind == "refunded";
        if changes {
            current.transition(target)?;
        }
        // Only facts that differ touch the row: a read that learnt nothing (as when an
        // action is refused after a refresh) leaves the order as it was, to the timestamp.
        // The checks are one charge's, so they are replaced together (a check the new charge
        // did not run is not the old one's).
        let checks = facts.card_checks.as_ref();
        tx.execute(
            "UPDATE orders SET
                payment_intent_id = COALESCE(?1, payment_intent_id),
                charge_id = COALESCE(?2, charge_id),
                card_brand = COALESCE(?3, card_brand),
                card_last4 = COALESCE(?4, card_last4),
                amount_captured = COALESCE(?5, amount_captured),
                amount_refunded = COALESCE(?6, amount_refunded),
                cvc_check = IIF(?9, ?10, cvc_check),
                address_postal_code_check = IIF(?9, ?11, address_postal_code_check),
                address_line1_check = IIF(?9, ?12, address_line1_check),
                updated_at = ?7
             WHERE id = ?8 AND (payment_intent_id IS NOT COALESCE(?1, payment_intent_id)
                OR charge_id IS NOT COALESCE(?2, charge_id) OR card_brand IS NOT COALESCE(?3, card_brand)
                OR card_last4 IS NOT COALESCE(?4, card_last4) OR amount_captured IS NOT COALESCE(?5, amount_captured)
                OR amount_refunded IS NOT COALESCE(?6, amount_refunded)
                OR ?9 AND (cvc_check IS NOT ?10 OR address_postal_code_check IS NOT ?11 OR address_line1_check IS NOT ?12))",
            params![
                facts.payment_intent_id,
                facts.charge_id,
                facts.card_brand,
                facts.card_last4,
                facts.amount_captured,
                facts.amount_refunded,
                now,
                order_id.as_str(),
                checks.is_some(),
                checks.and_then(|c| c.cvc.as_deref()),
                checks.and_then(|c| c.postal_code.as_deref()),
                checks.and_then(|c| c.line1.as_deref()),
            ],
        )?;
        if changes {
            set_status(&tx, order_id, target, &now)?;
        }
        // A plain re-read from Stripe that changed nothing is not worth a line in the log.
        if changes || event_kind != SYNCED {
            append_event(&tx, order_id, &now, event_kind, Some(current), if changes { target } else { current }, cause)?;
        }
        tx.commit()?;
        if changes {
            tracing::info!(order = %order_id, from = current.as_str(), to = target.as_str(), cause, "order payment status changed");
        }
        Ok(if changes { target } else { current })
    }

    /// Records a refund request (its exact parameters and idempotency key) before it is
    /// sent, in one write transaction that refuses while another refund of the order is
    /// still unanswered: pressing Refund again then resolves that one, never adds a second.
    pub fn begin_refund(
        &mut self,
        order_id: &OrderId,
        amount: i64,
        reason: Option<&str>,
        idempotency_key: &str,
        request: &str,
    ) -> Result<RefundRecord, StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let number: i64 = tx.query_row("SELECT number FROM orders WHERE id = ?1", [order_id.as_str()], |row| row.get(0))?;
        let unanswered: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM refunds WHERE order_id = ?1 AND status = 'creating')",
            [order_id.as_str()],
            |row| row.get(0),
        )?;
        if unanswered {
            return Err(StoreError::RefundUnderWay { number });
        }
        tx.execute(
            "INSERT INTO refunds (order_id, idempotency_key, amount, reason, status, request, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'creating', ?5, ?6, ?6)",
            params![order_id.as_str(), idempotency_key, amount, reason, request, now],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(self.conn.query_row(&format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE id = ?1"), [id], read_refund)?)
    }

    /// The order's latest refund whose press did not tell the cashier how it ended (its
    /// answer was lost, or the till died), whether or not the outcome is known by now.
    pub fn untold_refund(&self, order_id: &OrderId) -> Result<Option<RefundRecord>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE order_id = ?1 AND told = 0 ORDER BY id DESC LIMIT 1"),
                [order_id.as_str()],
                read_refund,
            )
            .optional()?)
    }

    /// The cashier now knows how this refund ended.
    pub fn refund_told(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn.execute("UPDATE refunds SET told = 1 WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Marks an unanswered refund as failed because Stripe refused the request, and says
    /// whether it did; `proof` as for [`Store::fail_unanswered_attempt`]. A refund whose press is
    /// settled this way has told the cashier.
    pub fn fail_unanswered_refund(&mut self, id: i64, proof: Refusal) -> Result<bool, StoreError> {
        let (now, _) = self.now();
        let only_sender = match proof {
            Refusal::OfEverySend => "",
            Refusal::OfOwnTries => "AND sends = 1",
        };
        let failed = self.conn.execute(
            &format!(
                "UPDATE refunds SET status = 'failed', told = 1, updated_at = ?1
                  WHERE id = ?2 AND status = 'creating' AND refund_id IS NULL {only_sender}"
            ),
            params![now, id],
        )?;
        Ok(failed == 1)
    }

    /// Counts a re-send of an unanswered refund before it leaves, and says whether it may.
    pub fn claim_refund_resend(&mut self, id: i64) -> Result<bool, StoreError> {
        let (now, _) = self.now();
        let claimed = self.conn.execute(
            "UPDATE refunds SET sends = sends + 1, updated_at = ?1 WHERE id = ?2 AND status = 'creating' AND refund_id IS NULL",
            params![now, id],
        )?;
        Ok(claimed == 1)
    }

    pub fn refund_record(&self, id: i64) -> Result<RefundRecord, StoreError> {
        Ok(self.conn.query_row(&format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE id = ?1"), [id], read_refund)?)
    }

    pub fn record_refund(&mut self, id: i64, refund_id: Option<&str>, status: &str) -> Result<(), StoreError> {
        let (now, _) = self.now();
        self.conn.execute(
            "UPDATE refunds SET refund_id = COALESCE(?1, refund_id), status = ?2, updated_at = ?3 WHERE id = ?4",
            params![refund_id, status, now, id],
        )?;
        Ok(())
    }

    /// A refund's new status as Stripe reported it later (a refund can fail after it was
    /// first reported as succeeded). Refunds not made by Paydesk are not recorded here.
    pub fn record_refund_status(&mut self, refund_id: &str, status: &str) -> Result<(), StoreError> {
        let (now, _) = self.now();
        self.conn.execute(
            "UPDATE refunds SET status = ?1, updated_at = ?2 WHERE refund_id = ?3",
            params![status, now, refund_id],
        )?;
        Ok(())
    }

    /// Refund requests not yet settled ('creating' or 'pending'), and every refund of the order.
    pub fn refunds(&self, order_id: &OrderId) -> Result<Vec<RefundRecord>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(&format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE order_id = ?1 ORDER BY id"))?;
        let refunds = statement.query_map([order_id.as_str()], read_refund)?.collect::<Result<Vec<_>, _>>()?;
        Ok(refunds)
    }

    /// Refund requests whose outcome is not yet final, across `mode`'s orders.
    pub fn unsettled_refunds(&self, mode: AppMode) -> Result<Vec<RefundRecord>, StoreError> {
        let mut statement = self.conn.prepare(&format!(
            "SELECT {REFUND_COLUMNS} FROM refunds WHERE status IN ('creating', 'pending', 'requires_action')
                AND order_id IN (SELECT id FROM orders WHERE mode = ?1) ORDER BY id"
        ))?;
        let refunds = statement.query_map([mode.as_str()], read_refund)?.collect::<Result<Vec<_>, _>>()?;
        Ok(refunds)
    }

    /// The idempotency key for a capture or cancellation of an order. An unfinished one of the
    /// same kind and amount is reused, so pressing Capture again after a crash or a timeout
    /// repeats the same request rather than making a second one.
    /// A key belongs to one request on one object: an unfinished one is reused only for the
    /// same kind and amount on the same intent.
    pub fn begin_operation(
        &mut self,
        order_id: &OrderId,
        kind: &str,
        payment_intent_id: &str,
        amount: Option<i64>,
        new_key: &str,
    ) -> Result<(i64, String), StoreError> {
        let (now, _) = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let pending: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, idempotency_key FROM order_operations
                 WHERE order_id = ?1 AND kind = ?2 AND amount IS ?3 AND payment_intent_id = ?4 AND status = 'pending'
                 ORDER BY id DESC LIMIT 1",
                params![order_id.as_str(), kind, amount, payment_intent_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let operation = match pending {
            Some(found) => found,
            None => {
                tx.execute(
                    "INSERT INTO order_operations (order_id, kind, idempotency_key, amount, payment_intent_id, status, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6)",
                    params![order_id.as_str(), kind, new_key, amount, payment_intent_id, now],
                )?;
                (tx.last_insert_rowid(), new_key.to_owned())
            }
        };
        tx.commit()?;
        Ok(operation)
    }

    pub fn finish_operation(&mut self, id: i64, succeeded: bool) -> Result<(), StoreError> {
        let (now, _) = self.now();
        self.conn.execute(
            "UPDATE order_operations SET status = ?1, updated_at = ?2 WHERE id = ?3",
            params![if succeeded { "done" } else { "failed" }, now, id],
        )?;
        Ok(())
    }

    /// `mode`'s orders whose payment is not final, oldest first: what reconciliation looks at.
    pub fn orders_in_flight(&self, mode: AppMode) -> Result<Vec<OrderId>, StoreError> {
        let mut statement = self.conn.prepare(IN_FLIGHT)?;
        let ids = statement.query_map([mode.as_str()], |row| row.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        Ok(ids.into_iter().map(OrderId::from_stored).collect())
    }

    /// The order of `mode` a PaymentIntent belongs to.
    pub fn order_for_payment_intent(&self, mode: AppMode, payment_intent_id: &str) -> Result<Option<OrderId>, StoreError> {
        let found: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM orders WHERE mode = ?2 AND id IN
                    (SELECT order_id FROM payment_attempts WHERE payment_intent_id = ?1
                     UNION SELECT id FROM orders WHERE payment_intent_id = ?1)
                 LIMIT 1",
                [payment_intent_id, mode.as_str()],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.map(OrderId::from_stored))
    }
}

pub(super) const IN_FLIGHT: &str = "SELECT id FROM orders
    WHERE mode = ?1 AND status IN ('awaiting_payment', 'action_required', 'processing', 'authorized')
      AND payment_intent_id IS NOT NULL ORDER BY number";

const ATTEMPT_COLUMNS: &str =
    "id, order_id, attempt, idempotency_key, payment_intent_id, flow, amount, currency, status, request, created_at";

fn read_attempt(row: &rusqlite::Row<'_>) -> rusqlite::Result<PaymentAttempt> {
    Ok(PaymentAttempt {
        id: row.get(0)?,
        order_id: OrderId::from_stored(row.get(1)?),
        attempt: row.get(2)?,
        idempotency_key: row.get(3)?,
        payment_intent_id: row.get(4)?,
        flow: row.get(5)?,
        amount: row.get(6)?,
        currency: row.get(7)?,
        status: row.get(8)?,
        request: row.get(9)?,
        created_at: row.get(10)?,
    })
}

const REFUND_COLUMNS: &str = "id, order_id, idempotency_key, refund_id, amount, reason, status, request, created_at";

fn read_refund(row: &rusqlite::Row<'_>) -> rusqlite::Result<RefundRecord> {
    Ok(RefundRecord {
        id: row.get(0)?,
        order_id: OrderId::from_stored(row.get(1)?),
        idempotency_key: row.get(2)?,
        refund_id: row.get(3)?,
        amount: row.get(4)?,
        reason: row.get(5)?,
        status: row.get(6)?,
        request: row.get(7)?,
        created_at: row.get(8)?,
    })
}

/// News about an intent may change the order only while that intent is the order's: that of
/// its latest attempt, not failed or replaced. A read that crossed a replacement (another
/// process canceled the intent and made a new one meanwhile) would otherwise void the order,
/// or point it back at a dead intent, while the new payment goes on. And an intent being
/// canceled to be replaced does not void the order: the replacement follows.
fn ensure_current_intent(tx: &rusqlite::Transaction<'_>, order_id: &OrderId, intent: Option<&str>, target: OrderStatus) -> Result<(), StoreError> {
    let Some(intent) = intent else { return Ok(()) };
    let latest: Option<(Option<String>, String, i64)> = tx
        .query_row(
            "SELECT a.payment_intent_id, a.status, o.number FROM payment_attempts a JOIN orders o ON o.id = a.order_id
              WHERE a.order_id = ?1 ORDER BY a.attempt DESC LIMIT 1",
            [order_id.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((latest_intent, status, number)) = latest else { return Ok(()) };
    let replaced = latest_intent.as_deref() != Some(intent)
        || matches!(status.as_str(), "failed" | "superseded")
        || status == "canceling" && target == OrderStatus::Voided;
    if replaced {
        tracing::info!(order = %order_id, intent, attempt_status = status, "news about an intent that is no longer the order's; not applied");
        return Err(StoreError::PaymentReplaced { number });
    }
    Ok(())
}
