//! Taking the money: one PaymentIntent per attempt, exactly the amount the core computed
//! from the stored order, and the order's state decided only by what Stripe answers.
//!
//! Every request that changes something at Stripe carries an idempotency key that was
//! committed to SQLite before the request left, so a crash, a kill or a lost response at
//! any point is repaired by re-sending the same request under the same key (Stripe replays
//! the first answer, or performs it once if it never arrived).

mod cards;
mod error;
mod reconcile;
mod request;
pub(crate) mod settings;

use std::sync::{Arc, Mutex, MutexGuard};

use paydesk_stripe::{
    CancellationReason, ClientSecret, ConfirmPaymentIntent, Expandable, IdempotencyKey, ListParams, PaymentIntent, PaymentIntentStatus,
    PublishableKey, Refund, RefundReason, RetryPolicy, StripeClient, StripeError,
};
use serde::Serialize;

use crate::cards::{CardChecks, SaveConsent, SavedCardUse};
use crate::mode::AppMode;
use crate::money::Money;
use crate::order::OrderStatus;
use crate::store::{NewAttempt, Order, OrderId, PaymentAttempt, PaymentFacts, RefundRecord, Refusal, Store, SYNCED};

pub use cards::{CardSetup, CustomerSessionStarted};
pub use error::PaymentError;
pub use reconcile::ReconcileReport;
pub use request::{AttemptRequest, RefundRequest};
pub use settings::{CaptureMode, ConfirmationFlow, PaymentMethodChoice, PaymentSettings, SettingsError};

/// The metadata key that carries an attempt's idempotency key onto its intent.
pub const ATTEMPT_MARKER: &str = "paydesk_attempt";
/// The metadata key that carries a refund's idempotency key onto the refund.
pub const REFUND_MARKER: &str = "paydesk_refund";
/// Stripe keeps idempotency keys for 24 hours; an hour of margin.
const KEY_REPLAY_HOURS: i64 = 23;
/// How much earlier than the till's reckoning a lost request may have reached Stripe (a
/// clock that jumped between the send and the search).
const SEARCH_MARGIN_SECS: i64 = 24 * 3600;
/// Stripe's object ids are far shorter; anything longer is not one.
const MAX_STRIPE_ID: usize = 255;

/// How the card is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The window's Payment Element confirms with the client secret (seeds 000-002, 004).
    Client,
    /// The window makes a ConfirmationToken; the core creates and confirms (seed 003).
    Server,
}

impl Flow {
    fn as_str(self) -> &'static str {
        match self {
            Flow::Client => "client",
            Flow::Server => "server",
        }
    }
}

/// What the window needs to mount the Payment Element. The client secret is handed over
/// here and nowhere else: it is never stored, logged, or put in an error.
#[derive(Debug)]
pub struct StartedPayment {
    pub order_id: OrderId,
    pub order_number: i64,
    pub payment_intent_id: String,
    pub amount: Money,
    pub client_secret: ClientSecret,
    pub publishable_key: PublishableKey,
}

/// Where an order's payment stands after Stripe was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Paid,
    Authorized,
    Processing,
    /// 3-D Secure is needed: the window runs it with `handleNextAction`.
    NeedsAction,
    /// The last try was declined; the order can be paid with another card.
    Declined,
    /// Waiting for a card.
    AwaitingPayment,
    Voided,
    PartiallyRefunded,
    Refunded,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settlement {
    pub order_id: OrderId,
    pub order_number: i64,
    pub status: OrderStatus,
    pub outcome: Outcome,
    /// For the cashier, in plain words: a decline's reason, an amount Stripe took that is not
    /// the total, a refund found to have gone through earlier.
    pub message: Option<String>,
    pub decline_code: Option<String>,
    pub payment_intent_id: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    /// For `NeedsAction` in the server flow: what `handleNextAction` needs. Never serialized;
    /// the window shell passes it on explicitly.
    #[serde(skip)]
    pub next_action_secret: Option<ClientSecret>,
}

/// Whether the caller just confirmed (so a decline is news worth logging) or is re-reading.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    AfterConfirm,
    Sync,
}

pub struct Payments {
    store: Arc<Mutex<Store>>,
    stripe: StripeClient,
    publishable_key: PublishableKey,
    /// The mode `stripe` belongs to: only orders taken in it are acted on or reconciled.
    mode: AppMode,
    policy: RetryPolicy,
    /// The account's request limit per second, when Stripe raised it above the mode's default.
    rate_limit: Option<u32>,
}

impl Payments {
    /// `mode` says which orders are this client's: demo and test both use test keys, so it
    /// cannot be told from the key.
    pub fn new(store: Arc<Mutex<Store>>, stripe: StripeClient, publishable_key: PublishableKey, mode: AppMode) -> Self {
        Payments { store, stripe, publishable_key, mode, policy: RetryPolicy::Interactive, rate_limit: None }
    }

    pub fn mode(&self) -> AppMode {
        self.mode
    }

    /// The account's request limit, for an account Stripe has raised it for (the default is
    /// 25 a second in test mode, 100 in live); reconciliation paces itself from it.
    pub fn with_rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second.max(1));
        self
    }

    /// Background work (reconciliation) waits longer between retries than a cashier can.
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The order as stored and its latest payment attempt, read together.
    fn order_and_attempt(&self, order_id: &OrderId) -> Result<(Order, Option<PaymentAttempt>), PaymentError> {
        let order = self.own_order(order_id)?;
        Ok((order, self.store().latest_payment_attempt(order_id)?))
    }

    /// The order, if it was taken in this mode: another mode's intents live at another
    /// Stripe (or the demo's simulator), so nothing here may ask about them or change them.
    fn own_order(&self, order_id: &OrderId) -> Result<Order, PaymentError> {
        let order = self.store().order(order_id)?;
        order.ensure_mode(self.mode)?;
        Ok(order)
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // Transactions roll back on panic, so a poisoned lock still guards a sound database.
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Creates the order's PaymentIntent, or reuses the one it has while it is still payable,
    /// and returns what the Payment Element needs.
    pub async fn start(&self, order_id: &OrderId) -> Result<StartedPayment, PaymentError> {
        self.start_saving(order_id, None).await
    }

    /// As [`Payments::start`]; with `consent`, the card the customer gives is saved on their
    /// Stripe Customer for payments without them (`setup_future_usage=off_session`), and the
    /// consent (who heard it, when) goes into the order's events with the attempt. The order
    /// must have a customer. An open intent that saves when it should not, or does not when it
    /// should, is replaced: a card is never saved without the customer's word.
    pub async fn start_saving(&self, order_id: &OrderId, consent: Option<&SaveConsent>) -> Result<StartedPayment, PaymentError> {
        let consent = consent.map(SaveConsent::validate).transpose()?;
        let (order, latest) = self.order_and_attempt(order_id)?;
        ensure_payable(&order)?;
        let amount = chargeable_amount(&order)?;
        let saving = match &consent {
            Some(consent) => Some((self.order_customer(&order)?, consent)),
            None => None,
        };

        if let Some(intent) = self.current_intent(&order, latest.as_ref()).await? {
            let fits = match &saving {
                Some((customer, _)) => self.saves_for(&intent, customer)?,
                None => intent.setup_future_usage.is_none(),
            };
            match intent.status {
                PaymentIntentStatus::RequiresPaymentMethod
                | PaymentIntentStatus::RequiresConfirmation
                | PaymentIntentStatus::RequiresAction
                    if fits && intent.amount == amount.minor() =>
                {
                    return self.started(&order, intent, amount);
                }
                PaymentIntentStatus::RequiresPaymentMethod | PaymentIntentStatus::RequiresConfirmation if fits => {
                    let intent = self.update_amount(&order, &intent, amount).await?;
                    return self.started(&order, intent, amount);
                }
                PaymentIntentStatus::RequiresPaymentMethod
                | PaymentIntentStatus::RequiresConfirmation
                | PaymentIntentStatus::RequiresAction
                | PaymentIntentStatus::Canceled => {
                    // Mid-authentication the amount cannot change, nor can what the card is
                    // saved for once the window holds the intent: cancel and start afresh.
                    let cause = if fits { "order changed during 3-D Secure" } else { "saving the card was asked or withdrawn" };
                    if let Some(moved_on) = self.supersede(&order, &intent, cause).await? {
                        let settlement = self.apply_intent(&order.id, &moved_on, Reading::Sync)?;
                        return Err(PaymentError::NotPayable { number: order.number, status: settlement.status });
                    }
                }
                _ => {
                    let settlement = self.apply_intent(&order.id, &intent, Reading::Sync)?;
                    return Err(PaymentError::NotPayable { number: order.number, status: settlement.status });
                }
            }
        }

        let settings = PaymentSettings::load(&self.store())?;
        let mut request = AttemptRequest::for_order(&order, &settings, Flow::Client, None);
        let mut consent_cause = None;
        if let Some((customer, consent)) = saving {
            let stripe_customer = self.stripe_customer(&customer).await?;
            request = request.for_customer(&stripe_customer, true, false);
            consent_cause = Some(consent_text(&customer, consent));
        }
        let intent = self.create_attempt(&order, Flow::Client, &request, consent_cause.as_deref()).await?;
        self.started(&order, intent, amount)
    }

    /// Reads the intent from Stripe and brings the order in line with it. The window calls
    /// this after `confirmPayment`; what the window claims happened is never used.
    pub async fn settle(&self, order_id: &OrderId) -> Result<Settlement, PaymentError> {
        let (order, latest) = self.order_and_attempt(order_id)?;
        let intent = self
            .current_intent(&order, latest.as_ref())
            .await?
            .ok_or(PaymentError::NoPayment { number: order.number })?;
        self.apply_intent(&order.id, &intent, Reading::AfterConfirm)
    }

    /// Seed 003's flow: the window made a ConfirmationToken; create and confirm in one
    /// request (or confirm the order's payable intent). `moto` marks a phone order.
    pub async fn finalize_on_server(&self, order_id: &OrderId, confirmation_token: &str, moto: bool) -> Result<Settlement, PaymentError> {
        self.finalize_on_server_saving(order_id, confirmation_token, moto, None).await
    }

    /// As [`Payments::finalize_on_server`]; with `consent`, the card is saved on the order's
    /// customer for payments without them. A phone order's MOTO payment can save a card for
    /// that use only (Stripe refuses MOTO with `on_session`), which is the only one asked for.
    pub async fn finalize_on_server_saving(&self, order_id: &OrderId, confirmation_token: &str, moto: bool, consent: Option<&SaveConsent>) -> Result<Settlement, PaymentError> {
        check_confirmation_token(confirmation_token)?;
        let consent = consent.map(SaveConsent::validate).transpose()?;
        let on_file = match consent {
            Some(consent) => OnFile::Save(consent),
            None => OnFile::Nothing,
        };
        self.confirm_on_server(order_id, Confirmation::Token(confirmation_token.to_owned()), moto, on_file).await
    }

    /// Charges a card saved on the order's customer, created and confirmed on the server:
    /// MOTO for a phone order, or `off_session` for a payment the customer authorized earlier.
    /// The card must be one Stripe lists for that customer now. A decline, or a bank that
    /// wants the customer to authenticate, is [`PaymentError::SavedCardDeclined`] or
    /// [`PaymentError::SavedCardNeedsAuthentication`], in plain words, and the order stays
    /// payable with the card form.
    pub async fn charge_saved_card(&self, order_id: &OrderId, payment_method: &str, use_: SavedCardUse) -> Result<Settlement, PaymentError> {
        check_payment_method_id(payment_method)?;
        let order = self.own_order(order_id)?;
        ensure_payable(&order)?;
        chargeable_amount(&order)?;
        let customer = self.order_customer(&order)?;
        let cards = self.saved_cards_at_stripe(&customer).await?;
        if !cards.iter().any(|card| card.payment_method_id == payment_method) {
            return Err(PaymentError::NotASavedCard);
        }
        let settlement = self.confirm_on_server(order_id, Confirmation::PaymentMethod(payment_method.to_owned()), use_ == SavedCardUse::Moto, OnFile::Charge(use_)).await?;
        if settlement.outcome != Outcome::Declined {
            return Ok(settlement);
        }
        if settlement.decline_code.as_deref() == Some("authentication_required") {
            let message = "The bank wants the customer to approve this payment, and they are not here to do it. Take the card in the card form instead, where they can.";
            return Err(PaymentError::SavedCardNeedsAuthentication(Box::new(Settlement { message: Some(message.to_owned()), ..settlement })));
        }
        let reason = settlement.message.clone().unwrap_or_else(|| "The saved card was declined.".to_owned());
        let message = format!("The saved card was declined. {reason} Or take a card in the card form.");
        Err(PaymentError::SavedCardDeclined(Box::new(Settlement { message: Some(message), ..settlement })))
    }

    /// Confirms with a saved test PaymentMethod (`pm_card_visa`, …): for scripts and tests,
    /// refused with live keys.
    pub async fn charge_with_test_payment_method(&self, order_id: &OrderId, payment_method: &str) -> Result<Settlement, PaymentError> {
        if self.stripe.mode() != paydesk_stripe::Mode::Test {
            return Err(PaymentError::TestModeOnly);
        }
        self.confirm_on_server(order_id, Confirmation::PaymentMethod(payment_method.to_owned()), false, OnFile::Nothing).await
    }

    async fn confirm_on_server(&self, order_id: &OrderId, confirmation: Confirmation, moto: bool, on_file: OnFile) -> Result<Settlement, PaymentError> {
        let (order, latest) = self.order_and_attempt(order_id)?;
        ensure_payable(&order)?;
        let amount = chargeable_amount(&order)?;
        let customer = match on_file {
            OnFile::Nothing => None,
            _ => Some(self.order_customer(&order)?),
        };
        if let Some(intent) = self.current_intent(&order, latest.as_ref()).await? {
            // A saved card is charged by a new intent made for it (with its customer, MOTO or
            // off-session); an intent that saves the card only when the customer said so.
            let fits = match (&on_file, &customer) {
                (OnFile::Save(_), Some(customer)) => self.saves_for(&intent, customer)?,
                (OnFile::Charge(_), _) => false,
                _ => intent.setup_future_usage.is_none(),
            };
            match intent.status {
                PaymentIntentStatus::RequiresPaymentMethod | PaymentIntentStatus::RequiresConfirmation
                    if fits && intent.amount == amount.minor() =>
                {
                    return self.confirm_existing(&order, &intent, &confirmation).await;
                }
                PaymentIntentStatus::RequiresPaymentMethod
                | PaymentIntentStatus::RequiresConfirmation
                | PaymentIntentStatus::RequiresAction
                | PaymentIntentStatus::Canceled => {
                    if let Some(moved_on) = self.supersede(&order, &intent, "replaced by a new confirmation").await? {
                        let settlement = self.apply_intent(&order.id, &moved_on, Reading::Sync)?;
                        return Err(PaymentError::NotPayable { number: order.number, status: settlement.status });
                    }
                }
                _ => {
                    let settlement = self.apply_intent(&order.id, &intent, Reading::Sync)?;
                    return Err(PaymentError::NotPayable { number: order.number, status: settlement.status });
                }
            }
        }
        let settings = PaymentSettings::load(&self.store())?;
        let mut request = AttemptRequest::for_order(&order, &settings, Flow::Server, Some((confirmation, moto)));
        let mut consent_cause = None;
        if let Some(customer) = &customer {
            let stripe_customer = match on_file {
                OnFile::Charge(_) => self.existing_stripe_customer(customer)?.ok_or(PaymentError::NotASavedCard)?,
                _ => self.stripe_customer(customer).await?,
            };
            request = match &on_file {
                OnFile::Save(consent) => {
                    consent_cause = Some(consent_text(customer, consent));
                    request.for_customer(&stripe_customer, true, false)
                }
                OnFile::Charge(use_) => request.for_customer(&stripe_customer, false, *use_ == SavedCardUse::OffSession),
                OnFile::Nothing => request,
            };
        }
        match self.create_attempt(&order, Flow::Server, &request, consent_cause.as_deref()).await {
            Ok(intent) => self.apply_intent(&order.id, &intent, Reading::AfterConfirm),
            Err(PaymentError::Declined(settlement)) => Ok(*settlement),
            Err(error) => Err(error),
        }
    }

    async fn confirm_existing(&self, order: &Order, intent: &PaymentIntent, confirmation: &Confirmation) -> Result<Settlement, PaymentError> {
        let params = match confirmation {
            Confirmation::Token(token) => ConfirmPaymentIntent { confirmation_token: Some(token.clone()), ..Default::default() },
            Confirmation::PaymentMethod(method) => ConfirmPaymentIntent { payment_method: Some(method.clone()), ..Default::default() },
        };
        let (operation, key) = self.store().begin_operation(&order.id, "confirm", &intent.id, Some(intent.amount), IdempotencyKey::new().as_str())?;
        let key = IdempotencyKey::from_persisted(key);
        let result = self.stripe.confirm_payment_intent(&intent.id, &params, &key, self.policy).await;
        self.store().finish_operation(operation, result.is_ok())?;
        match result {
            Ok(intent) => {
                let intent = self.expanded(intent).await?;
                self.apply_intent(&order.id, &intent, Reading::AfterConfirm)
            }
            Err(StripeError::Card { payment_intent: Some(declined), .. }) => self.apply_intent(&order.id, &declined, Reading::AfterConfirm),
            Err(StripeError::Card { .. }) => self.settle(&order.id).await,
            Err(error) => Err(error.into()),
        }
    }

    /// Whether an open intent already saves its card on this customer's Stripe Customer (an
    /// order whose customer was changed must not save the card on the one before).
    fn saves_for(&self, intent: &PaymentIntent, customer: &crate::store::Customer) -> Result<bool, PaymentError> {
        let theirs = self.existing_stripe_customer(customer)?;
        Ok(intent.setup_future_usage.is_some() && theirs.is_some() && intent.customer == theirs)
    }

    /// Captures an authorized payment, in full or less (the rest is released).
    pub async fn capture(&self, order_id: &OrderId, amount: Option<Money>) -> Result<Settlement, PaymentError> {
        let order = self.own_order(order_id)?;
        if order.status != OrderStatus::Authorized {
            return Err(PaymentError::NotCapturable { number: order.number, status: order.status });
        }
        let authorized = order.quote.total;
        if let Some(amount) = amount {
            if amount.currency() != authorized.currency() || amount.minor() <= 0 || amount.minor() > authorized.minor() {
                return Err(PaymentError::CaptureAmount { authorized });
            }
            ensure_step(amount)?;
        }
        let intent_id = self.intent_id(&order)?;
        let amount_minor = amount.map(Money::minor);
        let (operation, key) = self.store().begin_operation(&order.id, "capture", &intent_id, amount_minor, IdempotencyKey::new().as_str())?;
        let key = IdempotencyKey::from_persisted(key);
        let result = self.stripe.capture_payment_intent(&intent_id, amount_minor, &key, self.policy).await;
        self.finish(operation, &result)?;
        let intent = self.expanded(result?).await?;
        let captured = Money::new(intent.amount_received, authorized.currency());
        let settlement = self.apply_intent_as(&order.id, &intent, "captured", &format!("captured {captured}"))?;
        Ok(settlement)
    }

    /// Voids an order: a draft is dropped; a payment not yet taken is canceled at Stripe (an
    /// authorization is released). A paid order is refunded instead.
    pub async fn void(&self, order_id: &OrderId, reason: CancellationReason) -> Result<Settlement, PaymentError> {
        let (order, latest) = self.order_and_attempt(order_id)?;
        let cause = format!("voided ({})", reason.as_str());
        match self.current_intent(&order, latest.as_ref()).await? {
            None => {
                // Read again: finishing an interrupted replacement may have changed it.
                let status = self.store().order(&order.id)?.status;
                if !matches!(status, OrderStatus::Draft | OrderStatus::AwaitingPayment) {
                    return Err(PaymentError::NotVoidable { number: order.number, status });
                }
                let voided = self.store().transition(&order.id, OrderStatus::Voided, &cause)?;
                Ok(plain_settlement(&voided))
            }
            Some(intent) => match intent.status {
                PaymentIntentStatus::Canceled => {
                    self.close_attempt_of(&order.id, &intent.id, "canceled")?;
                    self.apply_intent(&order.id, &intent, Reading::Sync)
                }
                PaymentIntentStatus::Succeeded | PaymentIntentStatus::Processing => {
                    self.apply_intent(&order.id, &intent, Reading::Sync)?;
                    Err(PaymentError::NotVoidable { number: order.number, status: self.store().order(&order.id)?.status })
                }
                _ => {
                    let canceled = self.cancel_intent(&order, &intent.id, reason, &cause).await?;
                    self.close_attempt_of(&order.id, &intent.id, "canceled")?;
                    self.apply_intent_as(&order.id, &canceled, "voided", &cause)
                }
            },
        }
    }

    /// Refunds a paid order, in full (no amount) or in part; never more than was captured
    /// minus what was already refunded, as Stripe reports it right now.
    pub async fn refund(&self, order_id: &OrderId, amount: Option<Money>, reason: Option<RefundReason>) -> Result<Settlement, PaymentError> {
        let currency = self.own_order(order_id)?.quote.total.currency();
        // A press that told the cashier nothing (its answer was lost, or the till died) is
        // what pressing Refund again means: that refund is settled first, even if a reconcile
        // has learnt meanwhile that it went through, and a new one is made only if it never
        // happened or the cashier now asks for something else.
        let earlier = self.untold_refund_that_went_through(order_id).await?;
        let already_done = |earlier: &RefundRecord| {
            format!("The refund of {} asked for earlier went through; nothing more was refunded.", Money::new(earlier.amount, currency))
        };
        if let Some((record, resolved_now)) = &earlier {
            if amount.is_some_and(|asked| asked.minor() == record.amount) {
                let added = if *resolved_now { record.amount } else { 0 };
                let mut settlement = self.settle_refunded(order_id, added, &format!("refunded {} (asked for earlier)", Money::new(record.amount, currency))).await?;
                self.store().refund_told(record.id)?;
                settlement.message = Some(already_done(record));
                return Ok(settlement);
            }
        }
        // Refresh first: a refund made in the Dashboard changes what is left to refund.
        let settled = self.settle_quietly(order_id).await?;
        if let Some((record, _)) = &earlier {
            // "Refund the rest" again, and the earlier refund left nothing: it was that one.
            if amount.is_none() && settled.status == OrderStatus::Refunded {
                self.store().refund_told(record.id)?;
                return Ok(Settlement { message: Some(already_done(record)), ..settled });
            }
        }
        if !matches!(settled.status, OrderStatus::Paid | OrderStatus::PartiallyRefunded) {
            return Err(PaymentError::NotRefundable { number: settled.order_number, status: settled.status });
        }
        let order = self.store().order(order_id)?;
        let payment = self.store().order_payment(order_id)?;
        let refundable = Money::new(payment.amount_captured - payment.amount_refunded, currency);
        let amount = amount.unwrap_or(refundable);
        if amount.currency() != currency || amount.minor() <= 0 || amount.minor() > refundable.minor() {
            return Err(PaymentError::RefundAmount { refundable });
        }
        ensure_step(amount)?;
        let intent_id = self.intent_id(&order)?;
        let key = IdempotencyKey::new();
        let mut metadata = refund_metadata(&order);
        metadata.push((REFUND_MARKER.into(), key.as_str().into()));
        let request = RefundRequest {
            payment_intent: intent_id,
            amount: amount.minor(),
            reason: reason.map(|r| r.as_str().to_owned()),
            metadata,
        };
        let record = self.store().begin_refund(&order.id, amount.minor(), reason.map(|r| r.as_str()), key.as_str(), &request.to_json())?;
        let refund = match self.stripe.create_refund(&request.to_params(), &key, self.policy).await {
            Ok(refund) => refund,
            Err(error) if error.outcome_unknown() => return Err(error.into()),
            Err(error) => {
                if self.store().fail_unanswered_refund(record.id, refusal_of(&error))? {
                    return Err(error.into());
                }
                // Another till re-sent this refund under its key while this send was on its way:
                // that send decides, and this press tells only what is known.
                tracing::warn!(order = %order.id, code = error.code(), "refund request refused, but another till sent it too; its outcome decides");
                let now = self.store().refund_record(record.id)?;
                match (now.refund_id, now.status.as_str()) {
                    (Some(id), _) => self.stripe.retrieve_refund(&id, self.policy).await?,
                    (None, "creating") => return Err(StripeError::OutcomeUnknown { tries: 1, last: Box::new(error) }.into()),
                    // The other till learnt that it never happened.
                    (None, _) => return Err(error.into()),
                }
            }
        };
        self.store().record_refund(record.id, Some(&refund.id), &refund.status)?;
        if refund.status == "failed" || refund.status == "canceled" {
            self.store().refund_told(record.id)?;
            return Err(PaymentError::RefundFailed { reason: refund.failure_reason.unwrap_or_default() });
        }
        let cause = match reason {
            Some(reason) => format!("refunded {amount} ({})", reason.as_str()),
            None => format!("refunded {amount}"),
        };
        let mut settlement = self.settle_refunded(&order.id, amount.minor(), &cause).await?;
        let mut store = self.store();
        store.refund_told(record.id)?;
        if let Some((earlier, _)) = &earlier {
            store.refund_told(earlier.id)?;
            settlement.message = Some(format!("The refund of {} asked for earlier went through as well.", Money::new(earlier.amount, currency)));
        }
        Ok(settlement)
    }

    /// The order's refund whose press told the cashier nothing, if Stripe made it, and whether
    /// its outcome was learnt only now (so the order does not count it yet). One whose answer
    /// was never stored is resolved first (found by its key, or re-sent under it); one that
    /// never happened has nothing left to tell.
    async fn untold_refund_that_went_through(&self, order_id: &OrderId) -> Result<Option<(RefundRecord, bool)>, PaymentError> {
        let Some(record) = self.store().untold_refund(order_id)? else { return Ok(None) };
        let resolved_now = record.status == "creating";
        let status = match record.status.as_str() {
            "creating" => self.resolve_refund(&record).await?.map(|refund| refund.status),
            status => Some(status.to_owned()),
        };
        if status.is_some_and(|status| !matches!(status.as_str(), "failed" | "canceled")) {
            return Ok(Some((record, resolved_now)));
        }
        self.store().refund_told(record.id)?;
        Ok(None)
    }

    /// The order after a refund Stripe made. Once Stripe has made it the press has
    /// succeeded, whatever happens to the read that follows: if the intent cannot be read now,
    /// the order takes the `added` amount as Stripe accepted it, and the next reconcile
    /// brings Stripe's exact figures.
    async fn settle_refunded(&self, order_id: &OrderId, added: i64, cause: &str) -> Result<Settlement, PaymentError> {
        let order = self.store().order(order_id)?;
        let intent_id = self.intent_id(&order)?;
        match self.stripe.retrieve_payment_intent(&intent_id, self.policy).await {
            Ok(intent) => self.apply_intent_as(order_id, &intent, "refunded", cause),
            Err(error) => {
                tracing::warn!(order = %order_id, code = error.code(), "the refund was made, but the payment could not be read back; taking the refund as Stripe accepted it");
                let mut store = self.store();
                let payment = store.order_payment(order_id)?;
                let refunded = (payment.amount_refunded + added).min(payment.amount_captured);
                let target = if refunded >= payment.amount_captured { OrderStatus::Refunded } else { OrderStatus::PartiallyRefunded };
                let facts = PaymentFacts { amount_refunded: Some(refunded), ..PaymentFacts::default() };
                store.apply_payment_facts(order_id, target, &facts, "refunded", cause)?;
                let order = store.order(order_id)?;
                Ok(Settlement {
                    status: order.status,
                    outcome: outcome_of(order.status, false),
                    payment_intent_id: Some(intent_id),
                    card_brand: payment.card_brand,
                    card_last4: payment.card_last4,
                    ..plain_settlement(&order)
                })
            }
        }
    }

    async fn settle_quietly(&self, order_id: &OrderId) -> Result<Settlement, PaymentError> {
        let (order, latest) = self.order_and_attempt(order_id)?;
        match self.current_intent(&order, latest.as_ref()).await? {
            Some(intent) => self.apply_intent(&order.id, &intent, Reading::Sync),
            None => Ok(plain_settlement(&order)),
        }
    }

    /// The intent the order's latest attempt made, read fresh from Stripe. An attempt whose
    /// answer was never stored is resolved first; one replaced by a newer attempt, or whose
    /// replacement was interrupted, is no longer the order's.
    async fn current_intent(&self, order: &Order, latest: Option<&PaymentAttempt>) -> Result<Option<PaymentIntent>, PaymentError> {
        let Some(attempt) = latest else { return Ok(None) };
        match (&attempt.payment_intent_id, attempt.status.as_str()) {
            (_, "failed" | "superseded") => Ok(None),
            (Some(id), "canceling") => {
                let intent = self.stripe.retrieve_payment_intent(id, self.policy).await?;
                match self.supersede(order, &intent, "finishing an interrupted replacement").await? {
                    None => Ok(None),
                    Some(moved_on) => Ok(Some(moved_on)),
                }
            }
            (Some(id), _) => Ok(Some(self.stripe.retrieve_payment_intent(id, self.policy).await?)),
            (None, "creating") => match self.resend_attempt(order, attempt).await {
                Ok(intent) => Ok(intent),
                Err(PaymentError::Declined(settlement)) => {
                    let id = settlement.payment_intent_id.clone().ok_or(PaymentError::NoPayment { number: order.number })?;
                    Ok(Some(self.stripe.retrieve_payment_intent(&id, self.policy).await?))
                }
                Err(error) => Err(error),
            },
            _ => Ok(None),
        }
    }

    /// Cancels the order's current intent so that a new attempt can replace it. The attempt
    /// is marked `canceling` first, so that a reconcile meanwhile never reads the cancel as a
    /// void, and `superseded` once Stripe confirms. If the intent moved on in the meantime
    /// (the window confirmed it), it stays the order's and is returned.
    async fn supersede(&self, order: &Order, intent: &PaymentIntent, cause: &str) -> Result<Option<PaymentIntent>, PaymentError> {
        let attempt = self.store().latest_payment_attempt(&order.id)?.filter(|a| a.payment_intent_id.as_deref() == Some(intent.id.as_str()));
        let Some(attempt) = attempt else { return Ok(None) };
        if intent.status != PaymentIntentStatus::Canceled {
            self.store().set_attempt_status(attempt.id, "canceling")?;
            match self.cancel_intent(order, &intent.id, CancellationReason::Abandoned, cause).await {
                Ok(_) => {}
                Err(PaymentError::Stripe(error)) if !error.outcome_unknown() => {
                    let fresh = self.stripe.retrieve_payment_intent(&intent.id, self.policy).await?;
                    if fresh.status != PaymentIntentStatus::Canceled {
                        self.store().set_attempt_status(attempt.id, fresh.status.as_str())?;
                        tracing::info!(order = %order.id, intent = %fresh.id, status = fresh.status.as_str(), "the intent to replace moved on; it stays the order's");
                        return Ok(Some(fresh));
                    }
                }
                // Unknown: it stays `canceling`, and the next read sends the cancel again.
                Err(error) => return Err(error),
            }
        }
        self.store().set_attempt_status(attempt.id, "superseded")?;
        Ok(None)
    }

    fn close_attempt_of(&self, order_id: &OrderId, intent_id: &str, status: &str) -> Result<(), PaymentError> {
        let mut store = self.store();
        if let Some(attempt) = store.latest_payment_attempt(order_id)?.filter(|a| a.payment_intent_id.as_deref() == Some(intent_id)) {
            store.set_attempt_status(attempt.id, status)?;
        }
        Ok(())
    }

    /// Records a new attempt (committed first, with the customer's consent to save the card
    /// when it asks for that), then creates the intent under its key.
    async fn create_attempt(&self, order: &Order, flow: Flow, request: &AttemptRequest, save_consent: Option<&str>) -> Result<PaymentIntent, PaymentError> {
        let key = IdempotencyKey::new();
        // The key is also written on the intent, so that after Stripe has forgotten the key
        // (24 hours) the intent an unanswered attempt made can still be found, not re-made.
        let mut request = request.clone();
        request.metadata.push((ATTEMPT_MARKER.into(), key.as_str().into()));
        let request = &request;
        let new = NewAttempt {
            flow: flow.as_str(),
            amount: request.amount,
            currency: &request.currency,
            idempotency_key: key.as_str(),
            request: &request.to_json(),
        };
        let cause = format!("{} payment of {} started", flow.as_str(), Money::new(request.amount, order.quote.total.currency()));
        let attempt = self.store().begin_payment_attempt_saving(&order.id, &new, &cause, save_consent)?;
        self.send_attempt(order, &attempt, request, &key, Sending::First).await
    }

    /// An attempt whose answer was never stored. It is looked for first, by the marker its
    /// request wrote on the intent, which works whatever Stripe still remembers of the key.
    /// Only when no intent carries it, and Stripe still remembers the key, is the request
    /// re-sent under it: it never ran (or is running right now, and Stripe answers 409), so
    /// Stripe runs it at most once. Older, it is retired: the complete search proved it never
    /// reached Stripe. A search that cannot finish leaves it as it is: never re-sent blind.
    async fn resend_attempt(&self, order: &Order, attempt: &PaymentAttempt) -> Result<Option<PaymentIntent>, PaymentError> {
        let request = attempt
            .request
            .as_deref()
            .and_then(AttemptRequest::from_json)
            .ok_or(PaymentError::NoPayment { number: order.number })?;
        if let Some(intent) = self.find_attempt_intent(attempt).await? {
            tracing::info!(order = %order.id, attempt = attempt.attempt, intent = %intent.id, "found the intent of an unanswered payment request");
            self.store().record_attempt_intent(attempt.id, &intent.id, intent.status.as_str())?;
            return Ok(Some(self.expanded(intent).await?));
        }
        let recent = sent_elapsed(&attempt.created_at, self.store().clock_now()).is_some_and(|seconds| seconds < KEY_REPLAY_HOURS * 3600);
        if !recent {
            // The search was complete: it never reached Stripe. A day-old charge is not made now.
            self.store().fail_unanswered_attempt(attempt.id, "never reached Stripe: no intent carries this attempt's key", Refusal::OfEverySend)?;
            return self.attempt_intent_now(attempt.id).await;
        }
        if !self.store().claim_attempt_resend(attempt.id)? {
            // Answered (or failed) by another till since it was read.
            return self.attempt_intent_now(attempt.id).await;
        }
        tracing::info!(order = %order.id, attempt = attempt.attempt, "no intent carries this attempt's key: re-sending it under the same key");
        let key = IdempotencyKey::from_persisted(attempt.idempotency_key.clone());
        self.send_attempt(order, attempt, &request, &key, Sending::Again).await.map(Some)
    }

    /// The intent an attempt holds as the database has it now, read from Stripe; `None` if it
    /// failed without one.
    async fn attempt_intent_now(&self, attempt_id: i64) -> Result<Option<PaymentIntent>, PaymentError> {
        let intent_id = self.store().payment_attempt(attempt_id)?.payment_intent_id;
        match intent_id {
            Some(id) => Ok(Some(self.stripe.retrieve_payment_intent(&id, self.policy).await?)),
            None => Ok(None),
        }
    }

    /// Every intent created since the attempt could have reached Stripe, newest first, with
    /// no cap on pages. The lower bound is reckoned on Stripe's clock: the time since the
    /// attempt by the till's clock (right even when the till's clock is off, as long as it
    /// ran steadily), taken back from Stripe's "now", less a day for a clock that jumped. An
    /// unreadable or future timestamp searches everything.
    async fn find_attempt_intent(&self, attempt: &PaymentAttempt) -> Result<Option<PaymentIntent>, PaymentError> {
        let elapsed = sent_elapsed(&attempt.created_at, self.store().clock_now());
        if self.stripe.stripe_now().is_none() {
            // One cheap read to learn Stripe's clock from its answer's Date header.
            self.stripe.list_payment_intents(&ListParams { limit: Some(1), ..ListParams::default() }, self.policy).await?;
        }
        let created_gte = match (elapsed, self.stripe.stripe_now()) {
            (Some(elapsed), Some(now)) => Some(now - elapsed - SEARCH_MARGIN_SECS),
            _ => None,
        };
        let mut params = ListParams { limit: Some(100), created_gte, ..ListParams::default() };
        loop {
            let page = self.stripe.list_payment_intents(&params, self.policy).await?;
            if let Some(found) = page.data.iter().find(|intent| intent.metadata.get(ATTEMPT_MARKER) == Some(&attempt.idempotency_key)) {
                return Ok(Some(found.clone()));
            }
            match page.data.last() {
                Some(last) if page.has_more => params.starting_after = Some(last.id.clone()),
                _ => return Ok(None),
            }
        }
    }

    /// An unanswered refund: found by the key written on it, else re-sent under its key
    /// (it never ran). `None`: it did not happen. A refund kept before its request was
    /// stored carries no marker, so it is re-sent only while Stripe still remembers its key.
    async fn resolve_refund(&self, record: &RefundRecord) -> Result<Option<Refund>, PaymentError> {
        let request = match record.request.as_deref().and_then(RefundRequest::from_json) {
            Some(request) => request,
            None => self.legacy_refund_request(record)?,
        };
        let mut params = ListParams { limit: Some(100), ..ListParams::default() };
        loop {
            let page = self.stripe.list_refunds(&request.payment_intent, &params, self.policy).await?;
            if let Some(found) = page.data.iter().find(|refund| refund.metadata.get(REFUND_MARKER) == Some(&record.idempotency_key)) {
                self.store().record_refund(record.id, Some(&found.id), &found.status)?;
                return Ok(Some(found.clone()));
            }
            match page.data.last() {
                Some(last) if page.has_more => params.starting_after = Some(last.id.clone()),
                _ => break,
            }
        }
        if !self.store().claim_refund_resend(record.id)? {
            // Answered (or failed) by another till since it was read.
            return self.refund_now(record.id).await;
        }
        let key = IdempotencyKey::from_persisted(record.idempotency_key.clone());
        match self.stripe.create_refund(&request.to_params(), &key, self.policy).await {
            Ok(refund) => {
                self.store().record_refund(record.id, Some(&refund.id), &refund.status)?;
                Ok(Some(refund))
            }
            Err(error) if error.outcome_unknown() || !settles_earlier_sends(&error) => Err(error.into()),
            Err(error) => {
                tracing::info!(order = %record.order_id, code = error.code(), "an unanswered refund never happened; Stripe refused it on re-sending");
                if self.store().fail_unanswered_refund(record.id, Refusal::OfEverySend)? {
                    return Ok(None);
                }
                self.refund_now(record.id).await
            }
        }
    }

    /// A refund as the database has it now, read from Stripe; `None` if it failed unmade.
    async fn refund_now(&self, id: i64) -> Result<Option<Refund>, PaymentError> {
        let refund_id = self.store().refund_record(id)?.refund_id;
        match refund_id {
            Some(refund_id) => Ok(Some(self.stripe.retrieve_refund(&refund_id, self.policy).await?)),
            None => Ok(None),
        }
    }

    fn legacy_refund_request(&self, record: &RefundRecord) -> Result<RefundRequest, PaymentError> {
        let store = self.store();
        let order = store.order(&record.order_id)?;
        let sent = chrono::DateTime::parse_from_rfc3339(&record.created_at).map_err(|_| PaymentError::RefundNeedsReview { number: order.number })?;
        if store.clock_now() - sent.with_timezone(&chrono::Utc) >= chrono::Duration::hours(KEY_REPLAY_HOURS) {
            return Err(PaymentError::RefundNeedsReview { number: order.number });
        }
        Ok(RefundRequest {
            payment_intent: store.order_payment(&record.order_id)?.payment_intent_id.ok_or(PaymentError::NoPayment { number: order.number })?,
            amount: record.amount,
            reason: record.reason.clone(),
            metadata: refund_metadata(&order),
        })
    }

    async fn send_attempt(&self, order: &Order, attempt: &PaymentAttempt, request: &AttemptRequest, key: &IdempotencyKey, sending: Sending) -> Result<PaymentIntent, PaymentError> {
        match self.stripe.create_payment_intent(&request.to_params(), key, self.policy).await {
            Ok(intent) => {
                self.store().record_attempt_intent(attempt.id, &intent.id, intent.status.as_str())?;
                self.expanded(intent).await
            }
            Err(StripeError::Card { payment_intent: Some(declined), .. }) => {
                self.store().record_attempt_intent(attempt.id, &declined.id, declined.status.as_str())?;
                Err(PaymentError::Declined(Box::new(self.apply_intent(&order.id, &declined, Reading::AfterConfirm)?)))
            }
            Err(error) if error.outcome_unknown() || sending == Sending::Again && !settles_earlier_sends(&error) => {
                // Left as 'creating': the next start, settle or reconcile re-sends it.
                tracing::warn!(order = %order.id, attempt = attempt.attempt, code = error.code(), "payment request unanswered; will re-send under the same key");
                Err(error.into())
            }
            Err(error) => {
                if self.store().fail_unanswered_attempt(attempt.id, &error.to_string(), refusal_of(&error))? {
                    return Err(error.into());
                }
                // Another till re-sent this request under its key while this send was on its
                // way (or answered it): this refusal says nothing about that send.
                tracing::warn!(order = %order.id, attempt = attempt.attempt, code = error.code(), "payment request refused, but another till sent it too; its outcome decides");
                self.attempt_intent_now(attempt.id).await?.ok_or_else(|| StripeError::OutcomeUnknown { tries: 1, last: Box::new(error) }.into())
            }
        }
    }

    async fn update_amount(&self, order: &Order, intent: &PaymentIntent, amount: Money) -> Result<PaymentIntent, PaymentError> {
        let params = paydesk_stripe::UpdatePaymentIntent { amount: Some(amount.minor()), ..Default::default() };
        let key = IdempotencyKey::new();
        tracing::info!(order = %order.id, from = intent.amount, to = amount.minor(), "updating the intent's amount to the order's total");
        Ok(self.stripe.update_payment_intent(&intent.id, &params, &key, self.policy).await?)
    }

    async fn cancel_intent(&self, order: &Order, intent_id: &str, reason: CancellationReason, cause: &str) -> Result<PaymentIntent, PaymentError> {
        let (operation, key) = self.store().begin_operation(&order.id, "cancel", intent_id, None, IdempotencyKey::new().as_str())?;
        let key = IdempotencyKey::from_persisted(key);
        let result = self.stripe.cancel_payment_intent(intent_id, Some(reason), &key, self.policy).await;
        self.finish(operation, &result)?;
        let intent = result?;
        tracing::info!(order = %order.id, intent = intent_id, cause, "payment intent canceled");
        Ok(intent)
    }

    /// Answers to POSTs carry the latest charge as a bare id; the card and the captured
    /// amount are on the charge, so such an answer is read again, expanded.
    async fn expanded(&self, intent: PaymentIntent) -> Result<PaymentIntent, PaymentError> {
        match intent.latest_charge {
            Some(Expandable::Id(_)) => Ok(self.stripe.retrieve_payment_intent(&intent.id, self.policy).await?),
            _ => Ok(intent),
        }
    }

    fn finish<T>(&self, operation: i64, result: &Result<T, StripeError>) -> Result<(), PaymentError> {
        match result {
            Ok(_) => self.store().finish_operation(operation, true)?,
            // An answer that may never have arrived keeps its key for the retry.
            Err(error) if error.outcome_unknown() => {}
            Err(_) => self.store().finish_operation(operation, false)?,
        }
        Ok(())
    }

    fn intent_id(&self, order: &Order) -> Result<String, PaymentError> {
        self.store()
            .order_payment(&order.id)?
            .payment_intent_id
            .ok_or(PaymentError::NoPayment { number: order.number })
    }

    fn started(&self, order: &Order, intent: PaymentIntent, amount: Money) -> Result<StartedPayment, PaymentError> {
        let client_secret = intent.client_secret.clone().ok_or(PaymentError::MissingClientSecret)?;
        self.apply_intent(&order.id, &intent, Reading::Sync)?;
        Ok(StartedPayment {
            order_id: order.id.clone(),
            order_number: order.number,
            payment_intent_id: intent.id,
            amount,
            client_secret,
            publishable_key: self.publishable_key.clone(),
        })
    }

    fn apply_intent(&self, order_id: &OrderId, intent: &PaymentIntent, reading: Reading) -> Result<Settlement, PaymentError> {
        let declined = intent.status == PaymentIntentStatus::RequiresPaymentMethod && intent.last_payment_error.is_some();
        let (kind, cause) = match (reading, declined) {
            (Reading::AfterConfirm, true) => ("payment_declined", decline_message(intent)),
            (Reading::AfterConfirm, false) => ("stripe_answer", format!("{} is {}", intent.id, intent.status.as_str())),
            (Reading::Sync, _) => (SYNCED, format!("{} is {}", intent.id, intent.status.as_str())),
        };
        self.apply_intent_as(order_id, intent, kind, &cause)
    }

    fn apply_intent_as(&self, order_id: &OrderId, intent: &PaymentIntent, kind: &str, cause: &str) -> Result<Settlement, PaymentError> {
        let facts = facts_of(intent);
        let mut store = self.store();
        let order = store.order(order_id)?;
        let target = target_status(intent, &facts, order.status);
        let status = store.apply_payment_facts(order_id, target, &facts, kind, cause)?;
        // The money moved, so the status follows Stripe; but an amount that is not the
        // order's total is never taken quietly.
        let total = order.quote.total;
        let took_money = matches!(status, OrderStatus::Paid | OrderStatus::Authorized | OrderStatus::Processing | OrderStatus::PartiallyRefunded | OrderStatus::Refunded);
        let mismatch = (took_money && (intent.amount != total.minor() || !intent.currency.eq_ignore_ascii_case(&total.currency().stripe_code())))
            .then(|| format!("Stripe took {} {} for order #{} but its total is {total}: check the sale, then refund or charge the difference", intent.amount, intent.currency.to_uppercase(), order.number));
        if let Some(warning) = &mismatch {
            let already = store.events(order_id)?.iter().any(|event| event.kind == "amount_mismatch");
            if !already {
                tracing::warn!(order = %order_id, intent = %intent.id, "payment amount differs from the order total");
                store.apply_payment_facts(order_id, status, &PaymentFacts::default(), "amount_mismatch", warning)?;
            }
        }
        let order = store.order(order_id)?;
        let payment = store.order_payment(order_id)?;
        drop(store);
        let declined = intent.status == PaymentIntentStatus::RequiresPaymentMethod && intent.last_payment_error.is_some();
        let outcome = outcome_of(status, declined);
        let error = intent.last_payment_error.as_ref();
        Ok(Settlement {
            order_id: order.id.clone(),
            order_number: order.number,
            status,
            message: declined.then(|| decline_message(intent)).or(mismatch),
            decline_code: error.filter(|_| declined).and_then(|e| e.decline_code.clone().or_else(|| e.code.clone())),
            payment_intent_id: Some(intent.id.clone()),
            card_brand: payment.card_brand,
            card_last4: payment.card_last4,
            next_action_secret: (outcome == Outcome::NeedsAction).then(|| intent.client_secret.clone()).flatten(),
            outcome,
        })
    }
}

pub(crate) enum Confirmation {
    Token(String),
    PaymentMethod(String),
}

/// What a server-side confirmation does with the customer's cards on file.
enum OnFile {
    Nothing,
    /// Saves the card given, with the customer's consent.
    Save(SaveConsent),
    /// Charges a card saved on the customer.
    Charge(SavedCardUse),
}

/// The cause of the order's `card_save_consent` event; the event's time is when it was given.
fn consent_text(customer: &crate::store::Customer, consent: &SaveConsent) -> String {
    format!(
        "{} (customer C{}) agreed to have this card saved for later payments without them (off_session); recorded by {}",
        customer.name, customer.number, consent.recorded_by
    )
}

/// A PaymentMethod id as Stripe makes them (`pm_` and letters, digits, underscores): checked
/// before anything is asked of Stripe or recorded.
fn check_payment_method_id(id: &str) -> Result<(), PaymentError> {
    stripe_id_shaped(id, "pm_").then_some(()).ok_or(PaymentError::BadPaymentMethod)
}

/// A ConfirmationToken id as Stripe.js hands it over (`ctoken_` and letters and digits):
/// checked before anything is recorded, so a malformed one never becomes a payment attempt
/// that Stripe then refuses.
fn check_confirmation_token(token: &str) -> Result<(), PaymentError> {
    stripe_id_shaped(token, "ctoken_").then_some(()).ok_or(PaymentError::BadConfirmationToken)
}

/// Whether `id` is `prefix` followed by what Stripe's ids are made of, and no longer.
fn stripe_id_shaped(id: &str, prefix: &str) -> bool {
    let body = id.strip_prefix(prefix).unwrap_or_default();
    !body.is_empty() && body.len() <= MAX_STRIPE_ID && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn ensure_payable(order: &Order) -> Result<(), PaymentError> {
    match order.status {
        OrderStatus::Draft | OrderStatus::AwaitingPayment | OrderStatus::ActionRequired => Ok(()),
        status => Err(PaymentError::NotPayable { number: order.number, status }),
    }
}

/// Whether a request is sent for the first time, or again under the key of one whose
/// answer never came.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sending {
    First,
    Again,
}

/// A re-send's refusal says nothing about the first send (still running somewhere, perhaps
/// from another process) unless Stripe's idempotency layer answered: had the first run,
/// Stripe would have replayed its result instead of a 400, 402 or 404.
fn settles_earlier_sends(error: &StripeError) -> bool {
    matches!(error, StripeError::InvalidRequest { .. } | StripeError::Card { .. } | StripeError::NotFound { .. })
}

/// What a refusal of this till's request proves about other sends under its key.
fn refusal_of(error: &StripeError) -> Refusal {
    if settles_earlier_sends(error) {
        Refusal::OfEverySend
    } else {
        Refusal::OfOwnTries
    }
}

/// Seconds since a record was written, by the till's clock; `None` when its timestamp is
/// unreadable or in the future (the clock went back), which callers treat as "unsure".
fn sent_elapsed(written_at: &str, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(written_at)
        .ok()
        .map(|sent| (now - sent.with_timezone(&chrono::Utc)).num_seconds())
        .filter(|seconds| *seconds >= 0)
}

/// Stripe charges three-decimal currencies in steps of ten minor units; captures and
/// refunds follow the same rule.
fn ensure_step(amount: Money) -> Result<(), PaymentError> {
    let step = amount.currency().charge_step();
    if amount.minor() % step != 0 {
        return Err(PaymentError::AmountStep { step: Money::new(step, amount.currency()) });
    }
    Ok(())
}

/// The total as Stripe will accept it: above its minimum for the currency, a whole number
/// of its charge step. (The maximum is already enforced when the order is priced.)
fn chargeable_amount(order: &Order) -> Result<Money, PaymentError> {
    let total = order.quote.total;
    let currency = total.currency();
    if total.minor() <= 0 {
        return Err(PaymentError::NothingToCharge { number: order.number });
    }
    if let Some(minimum) = currency.stripe_minimum() {
        if total.minor() < minimum {
            return Err(PaymentError::BelowMinimum { total, minimum: Money::new(minimum, currency) });
        }
    }
    if total.minor() % currency.charge_step() != 0 {
        return Err(PaymentError::NothingToCharge { number: order.number });
    }
    Ok(total)
}

/// The order status Stripe's answer means.
fn target_status(intent: &PaymentIntent, facts: &PaymentFacts, current: OrderStatus) -> OrderStatus {
    match intent.status {
        PaymentIntentStatus::RequiresPaymentMethod | PaymentIntentStatus::RequiresConfirmation => OrderStatus::AwaitingPayment,
        PaymentIntentStatus::RequiresAction => OrderStatus::ActionRequired,
        PaymentIntentStatus::Processing => OrderStatus::Processing,
        PaymentIntentStatus::RequiresCapture => OrderStatus::Authorized,
        PaymentIntentStatus::Canceled => OrderStatus::Voided,
        PaymentIntentStatus::Succeeded => match (facts.amount_captured, facts.amount_refunded) {
            (Some(captured), Some(refunded)) if captured > 0 && refunded >= captured => OrderStatus::Refunded,
            (_, Some(refunded)) if refunded > 0 => OrderStatus::PartiallyRefunded,
            _ => OrderStatus::Paid,
        },
        // A status this version does not know: keep the order as it is until it is known.
        PaymentIntentStatus::Unknown(_) => current,
    }
}

/// The facts worth keeping from an intent and its latest charge. Stripe counts the part of
/// an authorization that was not captured as "refunded" on the charge; only what was
/// refunded of the captured money counts here.
fn facts_of(intent: &PaymentIntent) -> PaymentFacts {
    let charge = match &intent.latest_charge {
        Some(Expandable::Object(charge)) => Some(charge.as_ref()),
        _ => None,
    };
    let charge_id = match &intent.latest_charge {
        Some(Expandable::Object(charge)) => Some(charge.id.clone()),
        Some(Expandable::Id(id)) => Some(id.clone()),
        None => None,
    };
    let card = charge.and_then(|c| c.payment_method_details.as_ref()).and_then(|d| d.card.as_ref());
    let card_checks = card.and_then(|c| c.checks.as_ref()).map(CardChecks::from_stripe);
    let captured = charge.filter(|_| intent.status == PaymentIntentStatus::Succeeded).map(|c| c.amount_captured);
    let refunded = charge.map(|c| {
        let released = if c.amount_captured > 0 { c.amount - c.amount_captured } else { 0 };
        (c.amount_refunded - released).max(0)
    });
    // Never more refunded than captured, whatever a charge reports: the store holds that as
    // an invariant, and a malformed answer must not stop the order from being settled.
    let refunded = refunded.map(|refunded| refunded.min(captured.unwrap_or(refunded)));
    PaymentFacts {
        payment_intent_id: Some(intent.id.clone()),
        charge_id,
        card_brand: card.map(|c| c.brand.clone()),
        card_last4: card.map(|c| c.last4.clone()),
        amount_captured: captured,
        amount_refunded: refunded.filter(|_| intent.status == PaymentIntentStatus::Succeeded),
        card_checks,
    }
}

fn decline_message(intent: &PaymentIntent) -> String {
    match &intent.last_payment_error {
        Some(error) => StripeError::Card {
            code: error.code.clone(),
            decline_code: error.decline_code.clone(),
            message: String::new(),
            payment_intent: None,
            request_id: None,
        }
        .cashier_message(),
        None => "The payment did not go through.".to_owned(),
    }
}

/// Written on every refund, so the Dashboard shows which order it belongs to.
fn refund_metadata(order: &Order) -> Vec<(String, String)> {
    vec![("order_id".into(), order.id.to_string()), ("order_number".into(), order.number.to_string())]
}

fn outcome_of(status: OrderStatus, declined: bool) -> Outcome {
    match status {
        OrderStatus::Paid => Outcome::Paid,
        OrderStatus::Authorized => Outcome::Authorized,
        OrderStatus::Processing => Outcome::Processing,
        OrderStatus::ActionRequired => Outcome::NeedsAction,
        OrderStatus::Voided => Outcome::Voided,
        OrderStatus::Refunded => Outcome::Refunded,
        OrderStatus::PartiallyRefunded => Outcome::PartiallyRefunded,
        OrderStatus::AwaitingPayment | OrderStatus::Draft if declined => Outcome::Declined,
        OrderStatus::AwaitingPayment | OrderStatus::Draft => Outcome::AwaitingPayment,
    }
}

fn plain_settlement(order: &Order) -> Settlement {
    Settlement {
        order_id: order.id.clone(),
        order_number: order.number,
        status: order.status,
        outcome: match order.status {
            OrderStatus::Voided => Outcome::Voided,
            _ => Outcome::AwaitingPayment,
        },
        message: None,
        decline_code: None,
        payment_intent_id: None,
        card_brand: None,
        card_last4: None,
        next_action_secret: None,
    }
}
