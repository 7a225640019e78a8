//! A desktop app gets no webhooks. Instead, at startup and on a timer, every order whose
//! payment is not final is brought up to date from Stripe, every request whose answer was
//! never stored is re-sent under its idempotency key, and Stripe's event list is followed
//! from a saved cursor so refunds and disputes made in the Dashboard reach the order.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use paydesk_stripe::{Event, ListParams, Mode, StripeError};
use serde::Serialize;
use tokio::sync::Mutex as AsyncMutex;

use super::{PaymentError, Payments};
use crate::store::{OrderId, PaymentFacts, RefundRecord, SYNCED};

/// One cursor per mode (`stripe_events_cursor:test`, …): each mode's events come from its
/// own Stripe account or simulator, and one's event id means nothing to another.
const EVENTS_CURSOR: &str = "stripe_events_cursor";
/// Requests in flight at most: enough to keep the pace when each takes a few hundred ms.
const MAX_CONCURRENCY: usize = 16;

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

/// The lease one reconciler at a time holds (the window's, or a `paydesk reconcile`).
const RECONCILE_LEASE: &str = "reconcile";
/// Long enough to outlast a slow page of Stripe's answers; a dead holder blocks no longer.
const LEASE_SECONDS: i64 = 30;
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// Spaces requests evenly so a reconciliation never trips Stripe's rate limiter. The holder
/// of the reconcile lease paces at [`lease_rate`]; a reconciler that finds the lease taken
/// (another process is reconciling) at [`shared_rate`]. The lease is renewed as requests go;
/// if it is lost (this one stalled past it), the pace drops to the shared rate.
struct RateLimit<'a> {
    pace: AsyncMutex<Pace>,
    payments: &'a Payments,
    holder: String,
    limit: u32,
    leased: AtomicBool,
}

/// A token bucket a quarter of a second deep: requests go at `per_second` on average, and a
/// moment lost to a slow answer is made up, but never more than a quarter second's worth at
/// once (Stripe's limiter counts every second).
struct Pace {
    per_second: f64,
    tokens: f64,
    at: Instant,
    renewed: Instant,
}

impl Pace {
    fn new(per_second: u32) -> Pace {
        let now = Instant::now();
        Pace { per_second: f64::from(per_second.max(1)), tokens: 1.0, at: now, renewed: now }
    }

    fn depth(&self) -> f64 {
        (self.per_second / 4.0).max(1.0)
    }

    async fn take(&mut self) {
        loop {
            let now = Instant::now();
            self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * self.per_second).min(self.depth());
            self.at = now;
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                return;
            }
            tokio::time::sleep(Duration::from_secs_f64((1.0 - self.tokens) / self.per_second)).await;
        }
    }
}

impl<'a> RateLimit<'a> {
    fn start(payments: &'a Payments) -> Self {
        let holder = uuid::Uuid::new_v4().to_string();
        let limit = payments.rate_limit.unwrap_or_else(|| stripe_limit(payments.stripe.mode()));
        let leased = payments.take_lease(&holder);
        let rate = if leased { lease_rate(limit) } else { shared_rate(limit) };
        let limit = RateLimit { pace: AsyncMutex::new(Pace::new(rate)), payments, holder, limit, leased: AtomicBool::new(leased) };
        tracing::info!(leased, per_second = rate, "reconciliation paced");
        limit
    }

    fn rate(&self) -> u32 {
        if self.leased.load(Ordering::Relaxed) { lease_rate(self.limit) } else { shared_rate(self.limit) }
    }

    async fn wait(&self) {
        let mut pace = self.pace.lock().await;
        pace.take().await;
        if self.leased.load(Ordering::Relaxed) && pace.renewed.elapsed() >= RENEW_EVERY {
            pace.renewed = Instant::now();
            if !self.payments.take_lease(&self.holder) {
                tracing::warn!("the reconcile lease was lost; pacing at the shared rate");
                self.leased.store(false, Ordering::Relaxed);
                *pace = Pace::new(shared_rate(self.limit));
            }
        }
    }
}

impl Drop for RateLimit<'_> {
    fn drop(&mut self) {
        if self.leased.load(Ordering::Relaxed) {
            if let Err(error) = self.payments.store().release_lease(RECONCILE_LEASE, &self.holder) {
                tracing::warn!(%error, "could not give the reconcile lease back; it lapses on its own");
            }
        }
    }
}

/// Stripe's default request limit per second: 25 in test mode, 100 in live.
pub fn stripe_limit(mode: Mode) -> u32 {
    match mode {
        Mode::Test => 25,
        Mode::Live => 100,
    }
}

/// Requests per second for the one reconciler holding the lease: 92 % of the limit, the rest
/// left for the cashier's own requests (a 429 among those is retried).
pub fn lease_rate(limit: u32) -> u32 {
    (limit * 23 / 25).max(1)
}

/// Requests per second for a reconciler that found another one at work: the two together,
/// and the cashier, stay under the limit.
pub fn shared_rate(limit: u32) -> u32 {
    (limit * 2 / 5).max(1)
}

impl Payments {
    pub async fn reconcile(&self) -> Result<ReconcileReport, PaymentError> {
        let limit = RateLimit::start(self);
        let mut report = ReconcileReport::default();

        let in_flight = self.store().orders_in_flight(self.mode)?;
        let unresolved = self.store().unresolved_payment_attempts(self.mode)?;
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
            .buffer_unordered((limit.rate() as usize / 2).clamp(2, MAX_CONCURRENCY))
            .collect()
            .await;
        for (order_id, result) in results {
            match result {
                Ok(changed) => report.orders_changed += usize::from(changed),
                Err(error) => report.errors.push(format!("order {order_id}: {error}")),
            }
        }

        let refunds = self.store().unsettled_refunds(self.mode)?;
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
        match &refund.refund_id {
            Some(id) => {
                let outcome = self.stripe.retrieve_refund(id, self.policy).await?;
                self.store().record_refund(refund.id, Some(&outcome.id), &outcome.status)?;
            }
            // Sent, answer never stored: found by its marker, or re-sent under its key.
            None => {
                self.resolve_refund(refund).await?;
            }
        }
        self.settle_quietly(&refund.order_id).await?;
        Ok(())
    }

    /// Applies the events after the saved cursor, oldest first, a page at a time
    /// (`ending_before` walks toward the newest), moving the cursor past each one: nothing
    /// is skipped however many there are, and a failure resumes where it stopped. Returns
    /// how many were about this till's orders and how many orders changed status.
    async fn follow_events(&self, limit: &RateLimit<'_>) -> Result<(usize, usize), PaymentError> {
        let cursor_key = self.events_cursor_key();
        let saved = self.store().setting(&cursor_key)?;
        let Some(mut cursor) = saved.filter(|c| !c.is_empty()) else {
            // First run: follow from now on; earlier history was settled by reading intents.
            self.follow_from_newest(limit).await?;
            return Ok((0, 0));
        };
        let (mut applied, mut changed) = (0, 0);
        loop {
            limit.wait().await;
            let params = ListParams { limit: Some(100), ending_before: Some(cursor.clone()), ..ListParams::default() };
            let page = match self.stripe.list_events(&params, self.policy).await {
                Ok(page) => page,
                Err(StripeError::NotFound { .. } | StripeError::InvalidRequest { .. }) => {
                    // The cursor's event is gone (Stripe keeps events 30 days): follow from the
                    // newest; the orders in flight were just re-read from their intents.
                    tracing::warn!(cursor, "the events cursor is no longer at Stripe; following from the newest event");
                    self.follow_from_newest(limit).await?;
                    return Ok((applied, changed));
                }
                Err(error) => return Err(error.into()),
            };
            for event in page.data.iter().rev() {
                limit.wait().await;
                match self.apply_event(event).await {
                    Ok(Some(status_changed)) => {
                        applied += 1;
                        changed += usize::from(status_changed);
                    }
                    Ok(None) => {}
                    // Stripe unreachable: stop here, and resume from this event next time.
                    Err(PaymentError::Stripe(error)) if !matches!(error, StripeError::NotFound { .. }) => return Err(error.into()),
                    // An event that cannot apply is noted and passed, never a wall.
                    Err(error) => tracing::warn!(event = %event.id, kind = %event.kind, %error, "an event could not be applied; skipped"),
                }
                self.store().set_setting(&cursor_key, &event.id)?;
                cursor = event.id.clone();
            }
            if !page.has_more || page.data.is_empty() {
                return Ok((applied, changed));
            }
        }
    }

    async fn follow_from_newest(&self, limit: &RateLimit<'_>) -> Result<(), PaymentError> {
        limit.wait().await;
        let newest = self.stripe.list_events(&ListParams { limit: Some(1), ..ListParams::default() }, self.policy).await?;
        if let Some(event) = newest.data.first() {
            self.store().set_setting(&self.events_cursor_key(), &event.id)?;
        }
        Ok(())
    }

    /// Whether `holder` holds (or now took) the reconcile lease; a database that cannot say is
    /// taken as "no": the shared pace is always safe.
    fn take_lease(&self, holder: &str) -> bool {
        self.store().take_lease(RECONCILE_LEASE, holder, chrono::Duration::seconds(LEASE_SECONDS)).unwrap_or_else(|error| {
            tracing::warn!(%error, "could not take the reconcile lease; pacing at the shared rate");
            false
        })
    }

    fn events_cursor_key(&self) -> String {
        format!("{EVENTS_CURSOR}:{}", self.mode)
    }

    /// None when the event is not about one of this till's orders or customers, or is about
    /// an intent that is no longer the order's (replaced): such news must not change the order.
    /// A card detached or a customer deleted in the Dashboard leaves the customer directory.
    async fn apply_event(&self, event: &Event) -> Result<Option<bool>, PaymentError> {
        let object = &event.data.object;
        let object_id = object.get("id").and_then(|id| id.as_str());
        match (event.kind.as_str(), object_id) {
            ("payment_method.detached", Some(id)) => {
                let forgotten = self.store().forget_saved_card(self.mode, id)?;
                return Ok(forgotten.then_some(false));
            }
            ("customer.deleted", Some(id)) => {
                let deleted = self.store().stripe_customer_deleted(self.mode, id)?;
                return Ok(deleted.then_some(false));
            }
            _ => {}
        }
        let intent_id = match object.get("object").and_then(|kind| kind.as_str()) {
            Some("payment_intent") => object.get("id"),
            Some("charge" | "refund" | "dispute") => object.get("payment_intent"),
            _ => None,
        };
        let Some(intent_id) = intent_id.and_then(|id| id.as_str()) else { return Ok(None) };
        let Some(order_id) = self.store().order_for_payment_intent(self.mode, intent_id)? else { return Ok(None) };
        if self.store().current_payment_intent(&order_id)?.as_deref() != Some(intent_id) {
            tracing::info!(event = %event.id, kind = %event.kind, intent = intent_id, order = %order_id, "event about a replaced intent; not applied");
            return Ok(None);
        }
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
