//! A desktop app gets no webhooks. Instead, at startup and on a timer, every order whose
//! payment is not final is brought up to date from Stripe, every request whose answer was
//! never stored is re-sent under its idempotency key, and Stripe's event list is followed
//! from a saved cursor so refunds and disputes made in the Dashboard reach the order.

use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use paydesk_stripe::{CreateRefund, Event, IdempotencyKey, ListParams, Mode, RefundReason};
use serde::Serialize;
use tokio::sync::Mutex as AsyncMutex;

use super::{PaymentError, Payments};
use crate::store::{OrderId, PaymentFacts, RefundRecord, SYNCED};

const EVENTS_CURSOR: &str = "stripe_events_cursor";
const MAX_EVENT_PAGES: usize = 20;
const CONCURRENCY: usize = 4;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileReport {
    pub attempts_resent: usize,
    pub orders_checked: usize,
    pub refunds_checked: usize,
    pub events_applied: usize,
    /// Orders whose status changed.
    pub orders_changed: usize,
    /// What could not be brought up to date this time (it is tried again next time).
    pub errors: Vec<String>,
}

/// Spaces requests evenly so a reconciliation never trips Stripe's rate limiter (25
/// requests a second in test mode, 100 in live; this stays under both).
struct RateLimit {
    interval: AsyncMutex<tokio::time::Interval>,
}

impl RateLimit {
    fn per_second(rate: u32) -> Self {
        let mut interval = tokio::time::interval(Duration::from_secs(1) / rate.max(1));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        RateLimit { interval: AsyncMutex::new(interval) }
    }

    async fn wait(&self) {
        self.interval.lock().await.tick().await;
    }
}

/// Requests per second for background work: below Stripe's limit for the key's mode.
pub fn background_rate(mode: Mode) -> u32 {
    match mode {
        Mode::Test => 20,
        Mode::Live => 80,
    }
}

impl Payments {
    pub async fn reconcile(&self) -> Result<ReconcileReport, PaymentError> {
        let limit = RateLimit::per_second(background_rate(self.stripe.mode()));
        let mut report = ReconcileReport::default();

        let in_flight = self.store().orders_in_flight()?;
        let unresolved = self.store().unresolved_payment_attempts()?;
        let mut orders: Vec<OrderId> = unresolved.iter().map(|attempt| attempt.order_id.clone()).collect();
        report.attempts_resent = unresolved.len();
        for id in in_flight {
            if !orders.contains(&id) {
                orders.push(id);
            }
        }
        report.orders_checked = orders.len();

        let results: Vec<(OrderId, Result<bool, PaymentError>)> = stream::iter(orders)
            .map(|order_id| {
                let limit = &limit;
                async move {
                    limit.wait().await;
                    let result = self.refresh(&order_id).await;
                    (order_id, result)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for (order_id, result) in results {
            match result {
                Ok(changed) => report.orders_changed += usize::from(changed),
                Err(error) => report.errors.push(format!("order {order_id}: {error}")),
            }
        }

        let refunds = self.store().unsettled_refunds()?;
        report.refunds_checked = refunds.len();
        for refund in refunds {
            limit.wait().await;
            if let Err(error) = self.refresh_refund(&refund).await {
                report.errors.push(format!("refund of order {}: {error}", refund.order_id));
            }
        }

        match self.follow_events(&limit).await {
            Ok((applied, changed)) => {
                report.events_applied = applied;
                report.orders_changed += changed;
            }
            Err(error) => report.errors.push(format!("events: {error}")),
        }
        tracing::info!(?report, "reconciled with Stripe");
        Ok(report)
    }

    /// Re-reads one order's intent (re-sending an unanswered create first); true if its
    /// status changed.
    async fn refresh(&self, order_id: &OrderId) -> Result<bool, PaymentError> {
        let before = self.store().order(order_id)?.status;
        let after = self.settle_quietly(order_id).await?.status;
        Ok(before != after)
    }

    async fn refresh_refund(&self, refund: &RefundRecord) -> Result<(), PaymentError> {
        let outcome = match &refund.refund_id {
            Some(id) => self.stripe.retrieve_refund(id, self.policy).await?,
            None => {
                // Sent, answer never stored: the same request under the same key.
                let intent_id = self
                    .store()
                    .order_payment(&refund.order_id)?
                    .payment_intent_id
                    .ok_or(PaymentError::NoPayment { number: self.store().order(&refund.order_id)?.number })?;
                let params = CreateRefund {
                    payment_intent: intent_id,
                    amount: Some(refund.amount),
                    reason: refund.reason.as_deref().and_then(refund_reason),
                    metadata: super::refund_metadata(&self.store().order(&refund.order_id)?),
                };
                let key = IdempotencyKey::from_persisted(refund.idempotency_key.clone());
                self.stripe.create_refund(&params, &key, self.policy).await?
            }
        };
        self.store().record_refund(refund.id, Some(&outcome.id), &outcome.status)?;
        self.settle_quietly(&refund.order_id).await?;
        Ok(())
    }

    /// Applies the events newer than the saved cursor, oldest first; returns how many were
    /// about Paydesk's orders and how many orders changed status.
    async fn follow_events(&self, limit: &RateLimit) -> Result<(usize, usize), PaymentError> {
        let cursor = self.store().setting(EVENTS_CURSOR)?;
        let mut fresh: Vec<Event> = Vec::new();
        let mut starting_after: Option<String> = None;
        for _ in 0..MAX_EVENT_PAGES {
            limit.wait().await;
            let page_size = if cursor.is_some() { 100 } else { 1 };
            let params = ListParams { limit: Some(page_size), starting_after: starting_after.clone(), ..ListParams::default() };
            let page = self.stripe.list_events(&params, self.policy).await?;
            let mut reached = false;
            for event in page.data {
                if Some(&event.id) == cursor.as_ref() {
                    reached = true;
                    break;
                }
                fresh.push(event);
            }
            if reached || !page.has_more || cursor.is_none() {
                break;
            }
            starting_after = fresh.last().map(|event| event.id.clone());
        }
        let Some(newest) = fresh.first().map(|event| event.id.clone()) else { return Ok((0, 0)) };
        if cursor.is_none() {
            // First run: follow from now on; earlier history was settled by reading intents.
            self.store().set_setting(EVENTS_CURSOR, &newest)?;
            return Ok((0, 0));
        }
        let (mut applied, mut changed) = (0, 0);
        for event in fresh.iter().rev() {
            if let Some(status_changed) = self.apply_event(event).await? {
                applied += 1;
                changed += usize::from(status_changed);
            }
            // Advance past each event once it is applied, so a failure resumes from there.
            self.store().set_setting(EVENTS_CURSOR, &event.id)?;
        }
        Ok((applied, changed))
    }

    /// None when the event is not about one of this till's orders.
    async fn apply_event(&self, event: &Event) -> Result<Option<bool>, PaymentError> {
        let object = &event.data.object;
        let intent_id = match object.get("object").and_then(|kind| kind.as_str()) {
            Some("payment_intent") => object.get("id"),
            Some("charge" | "refund" | "dispute") => object.get("payment_intent"),
            _ => None,
        };
        let Some(intent_id) = intent_id.and_then(|id| id.as_str()) else { return Ok(None) };
        let Some(order_id) = self.store().order_for_payment_intent(intent_id)? else { return Ok(None) };
        if object.get("object").and_then(|kind| kind.as_str()) == Some("refund") {
            if let (Some(refund_id), Some(status)) = (object.get("id").and_then(|v| v.as_str()), object.get("status").and_then(|v| v.as_str())) {
                self.store().record_refund_status(refund_id, status)?;
            }
        }
        let before = self.store().order(&order_id)?.status;
        if event.kind == "charge.dispute.created" {
            let reason = object.get("reason").and_then(|r| r.as_str()).unwrap_or("unknown reason");
            self.store().apply_payment_facts(
                &order_id,
                before,
                &PaymentFacts::default(),
                "dispute_opened",
                &format!("the customer's bank opened a dispute ({reason}); see the Stripe Dashboard ({})", event.id),
            )?;
            return Ok(Some(false));
        }
        let intent = self.stripe.retrieve_payment_intent(intent_id, self.policy).await?;
        let cause = format!("{} ({}): {} is {}", event.kind, event.id, intent.id, intent.status.as_str());
        let after = self.apply_intent_as(&order_id, &intent, SYNCED, &cause)?.status;
        Ok(Some(before != after))
    }
}

fn refund_reason(text: &str) -> Option<RefundReason> {
    [RefundReason::Duplicate, RefundReason::Fraudulent, RefundReason::RequestedByCustomer]
        .into_iter()
        .find(|reason| reason.as_str() == text)
}
