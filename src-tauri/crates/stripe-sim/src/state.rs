//! The in-memory account: objects, their state transitions, and the events they emit.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rand::RngCore;
use serde_json::{json, Value};

use crate::cards::{Behaviour, Decline, AUTHENTICATION_REQUIRED};
use crate::errors::ApiError;
use crate::objects;

pub fn new_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + 25);
    id.push_str(prefix);
    id.push('_');
    push_random_chars(&mut id, 24);
    id
}

/// Appends `n` random ASCII letters and digits, each of the 62 equally likely (as with
/// `rand`'s `Alphanumeric`, but from one random byte per character instead of four).
pub fn push_random_chars(out: &mut String, n: usize) {
    const CHARSET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let mut buf = [0u8; 64];
    let mut left = n;
    while left > 0 {
        rng.fill_bytes(&mut buf);
        // 248 = 4 * 62: bytes above it are dropped so that every character is as likely.
        for &b in buf.iter().filter(|&&b| b < 248).take(left) {
            out.push(char::from(CHARSET[usize::from(b % 62)]));
            left -= 1;
        }
    }
}

/// The `next_action` of an intent waiting for the 3-D Secure test page.
pub fn challenge(base_url: &str, source: &str) -> Value {
    json!({
        "type": "use_stripe_sdk",
        "use_stripe_sdk": {
            "type": "three_d_secure_redirect",
            "source": source,
            "stripe_js": format!("{base_url}/v3/3ds-challenge.html?source={source}"),
        }
    })
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    RequiresCapture,
    Succeeded,
    Canceled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::RequiresPaymentMethod => "requires_payment_method",
            Status::RequiresConfirmation => "requires_confirmation",
            Status::RequiresAction => "requires_action",
            Status::Processing => "processing",
            Status::RequiresCapture => "requires_capture",
            Status::Succeeded => "succeeded",
            Status::Canceled => "canceled",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CardDetails {
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
    pub funding: String,
    pub country: String,
    pub fingerprint: String,
    pub behaviour: Behaviour,
    /// `[cvc_check, address_postal_code_check, address_line1_check]`, as reported on charges.
    pub checks: [Option<&'static str>; 3],
}

#[derive(Debug, Clone)]
pub struct PaymentMethod {
    pub id: String,
    pub created: i64,
    pub card: CardDetails,
    pub billing_details: Value,
    pub customer: Option<String>,
    /// Set up for later payments without the customer (a SetupIntent, or a payment with
    /// `setup_future_usage=off_session`): the card 4000002500003155 then asks no more challenges.
    pub set_up: bool,
}

#[derive(Debug, Clone)]
pub struct Intent {
    pub id: String,
    pub created: i64,
    pub client_secret: String,
    pub amount: i64,
    pub currency: &'static str,
    pub status: Status,
    pub capture_method: String,
    pub confirmation_method: String,
    pub description: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub receipt_email: Option<String>,
    pub statement_descriptor: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub payment_method: Option<String>,
    pub payment_method_types: Vec<String>,
    pub automatic_payment_methods: Option<Value>,
    pub payment_method_options: Value,
    pub return_url: Option<String>,
    pub setup_future_usage: Option<String>,
    pub last_payment_error: Option<Value>,
    pub next_action: Option<Value>,
    pub amount_received: i64,
    pub amount_capturable: i64,
    pub latest_charge: Option<String>,
    pub canceled_at: Option<i64>,
    pub cancellation_reason: Option<String>,
    /// The id the 3-D Secure challenge page presents to complete or fail authentication.
    pub three_ds_source: Option<String>,
    pub three_ds_done: bool,
    pub customer: Option<String>,
    /// `off_session=true` on the confirmation under way: a card that asks for
    /// authentication is declined instead of challenged.
    pub off_session: bool,
}

impl Intent {
    pub fn moto(&self) -> bool {
        self.payment_method_options.pointer("/card/moto") == Some(&Value::Bool(true))
    }
}

#[derive(Debug, Clone)]
pub struct Charge {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub amount_captured: i64,
    /// Refunds plus any amount released by a partial capture or a cancellation.
    pub amount_refunded: i64,
    /// Only what Refund objects took back; bounds further refunds.
    pub refunds_total: i64,
    pub captured: bool,
    pub currency: &'static str,
    pub status: &'static str,
    pub disputed: bool,
    pub failure: Option<Decline>,
    pub payment_intent: String,
    pub payment_method: String,
    pub customer: Option<String>,
    pub card: CardDetails,
    pub three_d_secure: bool,
    pub description: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub receipt_email: Option<String>,
    pub refunds: Vec<String>,
    pub calculated_statement_descriptor: String,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub charge: String,
    pub payment_intent: String,
    pub currency: &'static str,
    pub reason: Option<String>,
    pub status: &'static str,
    pub failure_reason: Option<&'static str>,
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: String,
    pub created: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub address: Option<Value>,
    pub metadata: BTreeMap<String, String>,
    pub invoice_prefix: String,
    pub default_payment_method: Option<String>,
    /// Stripe keeps a deleted customer's id: retrieving it answers `{id, object, deleted: true}`.
    pub deleted: bool,
}

#[derive(Debug, Clone)]
pub struct SetupIntent {
    pub id: String,
    pub created: i64,
    pub client_secret: String,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub payment_method: Option<String>,
    pub payment_method_types: Vec<String>,
    pub automatic_payment_methods: Option<Value>,
    pub usage: String,
    pub status: Status,
    pub last_setup_error: Option<Value>,
    pub next_action: Option<Value>,
    pub cancellation_reason: Option<String>,
    pub three_ds_source: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CustomerSession {
    pub client_secret: String,
    pub created: i64,
    pub customer: String,
    pub components: Value,
}

#[derive(Debug, Clone)]
pub struct ConfirmationToken {
    pub id: String,
    pub created: i64,
    pub payment_method: String,
    pub return_url: Option<String>,
    pub setup_future_usage: Option<String>,
    pub shipping: Option<Value>,
    pub payment_intent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub created: i64,
    pub kind: String,
    /// The object as it was when the event happened, kept as compact JSON text: a
    /// snapshot is written once and read rarely, and the text is a fraction of the size of
    /// a `Value` tree (which made every request grow the heap by kilobytes).
    pub object: Box<str>,
    /// `data.previous_attributes`, compact JSON, for `*.updated` and `payment_method.detached`.
    pub previous: Option<Box<str>>,
    pub request_id: Option<String>,
    pub idempotency_key: Option<String>,
}

/// Who is asking, for the `request` field of the events a call causes.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    pub request_id: Option<String>,
    pub idempotency_key: Option<String>,
}

/// Insertion-ordered objects of one kind; lists walk it newest first.
///
/// The objects are boxed so that growing the map moves pointers, not the objects (an
/// intent is over 500 bytes: unboxed, every doubling copied tens of megabytes into fresh
/// pages in the middle of one request).
///
/// The map hashes with [`IdHasher`] rather than SipHash: every key inserted is an id the
/// simulator generated at random, so no caller can choose keys that collide.
#[derive(Debug)]
pub struct Table<T> {
    pub by_id: HashMap<String, Box<T>, BuildHasherDefault<IdHasher>>,
    pub order: Vec<String>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { by_id: HashMap::default(), order: Vec::new() }
    }
}

/// The Fx hash (rustc's), eight bytes at a time: ample for random ids, and several times
/// cheaper than the default SipHash on ~28-byte keys.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits, which pick the bucket, the weakest.
        self.0.rotate_left(26)
    }
}

impl<T> Table<T> {
    pub fn insert(&mut self, id: String, v: T) {
        self.order.push(id.clone());
        self.by_id.insert(id, Box::new(v));
    }
    pub fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id).map(|b| &**b)
    }
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.by_id.get_mut(id).map(|b| &mut **b)
    }
    pub fn newest_first(&self) -> impl Iterator<Item = &T> {
        self.order.iter().rev().filter_map(|id| self.get(id))
    }
}

pub struct Store {
    pub account_id: String,
    pub base_url: String,
    pub api_version: String,
    pub hold_processing: bool,
    pub intents: Table<Intent>,
    pub charges: Table<Charge>,
    pub refunds: Table<Refund>,
    pub payment_methods: Table<PaymentMethod>,
    pub tokens: Table<ConfirmationToken>,
    pub disputes: Table<Value>,
    pub events: Table<Event>,
    pub customers: Table<Customer>,
    pub setup_intents: Table<SetupIntent>,
    pub customer_sessions: Table<CustomerSession>,
}

pub type Outcome<T> = Result<T, ApiError>;

impl Store {
    pub fn new(base_url: String, api_version: String) -> Store {
        Store {
            account_id: new_id("acct").chars().take(21).collect(),
            base_url,
            api_version,
            hold_processing: false,
            intents: Table::default(),
            charges: Table::default(),
            refunds: Table::default(),
            payment_methods: Table::default(),
            tokens: Table::default(),
            disputes: Table::default(),
            events: Table::default(),
            customers: Table::default(),
            setup_intents: Table::default(),
            customer_sessions: Table::default(),
        }
    }

    pub fn emit(&mut self, ctx: &Ctx, kind: &str, object: Value) {
        self.emit_snapshot(ctx, kind, &object);
    }

    /// [`Store::emit`] for a caller that still needs `object` afterwards.
    pub fn emit_snapshot(&mut self, ctx: &Ctx, kind: &str, object: &impl serde::Serialize) {
        let text = serde_json::to_string(object).expect("serializable").into_boxed_str();
        self.emit_text(ctx, kind, text);
    }

    pub fn intent(&self, id: &str) -> Outcome<&Intent> {
        self.intents.get(id).ok_or_else(|| ApiError::no_such("payment_intent", id, "intent", 404))
    }

    pub fn intent_json(&self, id: &str) -> Value {
        self.intents.get(id).map(objects::intent).unwrap_or(Value::Null)
    }

    fn pi(&mut self, id: &str) -> &mut Intent {
        self.intents.get_mut(id).expect("intent looked up by the caller")
    }

    /// The snapshot is written from the struct (`objects::IntentJson`: the same JSON as
    /// `intent_json`, without building the tree).
    pub fn emit_intent(&mut self, ctx: &Ctx, kind: &str, id: &str) {
        let text = match self.intents.get(id) {
            Some(pi) => serde_json::to_string(&objects::IntentJson(pi)),
            None => serde_json::to_string(&Value::Null),
        };
        self.emit_text(ctx, kind, text.expect("serializable").into_boxed_str());
    }

    fn emit_text(&mut self, ctx: &Ctx, kind: &str, object: Box<str>) {
        let ev = Store::new_event(ctx, kind, object);
        self.events.insert(ev.id.clone(), ev);
    }

    /// An event of `kind` about `object` (compact JSON), not yet stored.
    pub fn new_event(ctx: &Ctx, kind: &str, object: Box<str>) -> Event {
        Event {
            id: new_id("evt"),
            created: now(),
            kind: kind.to_string(),
            object,
            previous: None,
            request_id: ctx.request_id.clone(),
            idempotency_key: ctx.idempotency_key.clone(),
        }
    }

    fn emit_charge(&mut self, ctx: &Ctx, kind: &str, id: &str) {
        let obj = objects::charge(&self.charges.by_id[id], self);
        self.emit(ctx, kind, obj);
    }

    pub fn add_payment_method(&mut self, card: CardDetails, billing_details: Value) -> String {
        let id = new_id("pm");
        let pm = PaymentMethod { id: id.clone(), created: now(), card, billing_details, customer: None, set_up: false };
        self.payment_methods.insert(id.clone(), pm);
        id
    }

    /// Runs a confirmation with `pm_id`; a decline is returned as the 402 error.
    pub fn confirm(&mut self, ctx: &Ctx, pi_id: &str, pm_id: &str) -> Outcome<()> {
        let pm = &self.payment_methods.by_id[pm_id];
        let (behaviour, set_up) = (pm.card.behaviour, pm.set_up);
        let base = self.base_url.clone();
        let pi = self.pi(pi_id);
        pi.payment_method = Some(pm_id.to_string());
        pi.last_payment_error = None;
        pi.next_action = None;
        pi.three_ds_done = false;
        let (moto, off_session) = (pi.moto(), pi.off_session);
        match behaviour {
            // MOTO payments are out of scope of SCA; a card set up earlier asks no more.
            Behaviour::Authenticate { once_set_up, .. } if moto || (once_set_up && set_up) => {
                self.authorize(ctx, pi_id, pm_id);
                Ok(())
            }
            // Nobody is there to answer a challenge: Stripe declines instead.
            Behaviour::Authenticate { .. } if off_session => Err(self.decline(ctx, pi_id, pm_id, AUTHENTICATION_REQUIRED)),
            Behaviour::Authenticate { .. } => {
                let source = new_id("src");
                pi.status = Status::RequiresAction;
                pi.next_action = Some(challenge(&base, &source));
                pi.three_ds_source = Some(source);
                self.emit_intent(ctx, "payment_intent.requires_action", pi_id);
                Ok(())
            }
            Behaviour::Decline(d) | Behaviour::DeclineCharges(d) => Err(self.decline(ctx, pi_id, pm_id, d)),
            _ => {
                self.authorize(ctx, pi_id, pm_id);
                Ok(())
            }
        }
    }

    fn new_charge(&mut self, pi_id: &str, pm_id: &str, failure: Option<Decline>) -> String {
        let pi = &self.intents.by_id[pi_id];
        let card = self.payment_methods.by_id[pm_id].card.clone();
        let id = new_id("ch");
        let charge = Charge {
            id: id.clone(),
            created: now(),
            amount: pi.amount,
            amount_captured: 0,
            amount_refunded: 0,
            refunds_total: 0,
            captured: false,
            currency: pi.currency,
            status: if failure.is_some() { "failed" } else { "pending" },
            disputed: false,
            failure,
            payment_intent: pi_id.to_string(),
            payment_method: pm_id.to_string(),
            customer: pi.customer.clone(),
            card,
            three_d_secure: pi.three_ds_done,
            description: pi.description.clone(),
            metadata: pi.metadata.clone(),
            receipt_email: pi.receipt_email.clone(),
            refunds: Vec::new(),
            calculated_statement_descriptor: format!(
                "PAYDESK* {}",
                pi.statement_descriptor_suffix.clone().unwrap_or_else(|| "SIMULATOR".into())
            )
            .chars()
            .take(22)
            .collect(),
        };
        self.charges.insert(id.clone(), charge);
        self.pi(pi_id).latest_charge = Some(id.clone());
        id
    }

    fn decline(&mut self, ctx: &Ctx, pi_id: &str, pm_id: &str, d: Decline) -> ApiError {
        let charge_id = self.new_charge(pi_id, pm_id, Some(d));
        let pm_json = objects::payment_method(&self.payment_methods.by_id[pm_id]);
        let mut lpe = json!({
            "type": "card_error",
            "code": d.code,
            "message": d.message,
            "charge": charge_id,
            "doc_url": format!("https://stripe.com/docs/error-codes/{}", d.code.replace('_', "-")),
            "payment_method": pm_json,
        });
        if let Some(dc) = d.decline_code {
            lpe["decline_code"] = json!(dc);
        }
        let pi = self.pi(pi_id);
        pi.status = Status::RequiresPaymentMethod;
        pi.payment_method = None;
        pi.next_action = None;
        pi.last_payment_error = Some(lpe);
        self.emit_charge(ctx, "charge.failed", &charge_id);
        self.emit_intent(ctx, "payment_intent.payment_failed", pi_id);
        let mut err = ApiError::new(402, "card_error", d.message).with_code(d.code);
        err.decline_code = d.decline_code.map(str::to_string);
        err.param = match d.code {
            "incorrect_cvc" => Some("cvc".into()),
            "expired_card" => Some("exp_month".into()),
            _ => None,
        };
        err.charge = Some(charge_id);
        err.payment_method = Some(pm_json);
        err.payment_intent = Some(self.intent_json(pi_id));
        err
    }

    fn authorize(&mut self, ctx: &Ctx, pi_id: &str, pm_id: &str) {
        self.new_charge(pi_id, pm_id, None);
        if self.hold_processing {
            self.pi(pi_id).status = Status::Processing;
            self.emit_intent(ctx, "payment_intent.processing", pi_id);
        } else {
            self.finish_authorization(ctx, pi_id);
        }
    }

    /// Completes every payment held in `processing`.
    pub fn settle_processing(&mut self) -> usize {
        let held: Vec<String> = self
            .intents
            .newest_first()
            .filter(|pi| pi.status == Status::Processing)
            .map(|pi| pi.id.clone())
            .collect();
        for id in &held {
            self.finish_authorization(&Ctx::default(), id);
        }
        held.len()
    }

    fn finish_authorization(&mut self, ctx: &Ctx, pi_id: &str) {
        let charge_id = self.intents.by_id[pi_id].latest_charge.clone().expect("authorized intents have a charge");
        let manual = self.intents.by_id[pi_id].capture_method == "manual";
        let amount = self.intents.by_id[pi_id].amount;
        {
            let ch = self.charges.get_mut(&charge_id).expect("charge exists");
            ch.status = "succeeded";
            if !manual {
                ch.captured = true;
                ch.amount_captured = amount;
            }
        }
        let pi = self.pi(pi_id);
        pi.next_action = None;
        if manual {
            pi.status = Status::RequiresCapture;
            pi.amount_capturable = amount;
        } else {
            pi.status = Status::Succeeded;
            pi.amount_received = amount;
        }
        self.emit_charge(ctx, "charge.succeeded", &charge_id);
        if manual {
            self.emit_intent(ctx, "payment_intent.amount_capturable_updated", pi_id);
        } else {
            self.emit_intent(ctx, "payment_intent.succeeded", pi_id);
            self.maybe_dispute(&charge_id);
        }
        self.save_for_future(ctx, pi_id);
    }

    /// `setup_future_usage` on a successful payment with a customer: the card is attached
    /// to the customer (as Stripe does once the intent succeeds or is authorized).
    fn save_for_future(&mut self, ctx: &Ctx, pi_id: &str) {
        let pi = &self.intents.by_id[pi_id];
        let usage = pi.setup_future_usage.clone().or_else(|| pi.payment_method_options.pointer("/card/setup_future_usage").and_then(Value::as_str).map(str::to_string));
        let (Some(usage), Some(customer), Some(pm_id)) = (usage, pi.customer.clone(), pi.payment_method.clone()) else { return };
        if usage == "off_session" {
            self.payment_methods.get_mut(&pm_id).expect("payment method exists").set_up = true;
        }
        if self.payment_methods.by_id[&pm_id].customer.is_none() {
            self.attach(ctx, &pm_id, &customer);
        }
    }

    /// Attaches a payment method that has no customer yet, with its event.
    pub fn attach(&mut self, ctx: &Ctx, pm_id: &str, customer: &str) {
        let pm = self.payment_methods.get_mut(pm_id).expect("payment method looked up by the caller");
        pm.customer = Some(customer.to_string());
        let obj = objects::payment_method(pm);
        self.emit(ctx, "payment_method.attached", obj);
    }

    /// Detaches a payment method from its customer, with its event (whose
    /// `previous_attributes` names the customer, as Stripe's does).
    pub fn detach(&mut self, ctx: &Ctx, pm_id: &str) {
        let pm = self.payment_methods.get_mut(pm_id).expect("payment method looked up by the caller");
        let previous = pm.customer.take();
        if let Some(c) = self.customers.get_mut(previous.as_deref().unwrap_or("")) {
            if c.default_payment_method.as_deref() == Some(pm_id) {
                c.default_payment_method = None;
            }
        }
        let obj = objects::payment_method(&self.payment_methods.by_id[pm_id]);
        self.emit_with_previous(ctx, "payment_method.detached", &obj, &json!({"customer": previous}));
    }

    /// An event with `data.previous_attributes`.
    pub fn emit_with_previous(&mut self, ctx: &Ctx, kind: &str, object: &Value, previous: &Value) {
        let mut ev = Store::new_event(ctx, kind, serde_json::to_string(object).expect("serializable").into_boxed_str());
        ev.previous = Some(serde_json::to_string(previous).expect("serializable").into_boxed_str());
        self.events.insert(ev.id.clone(), ev);
    }

    /// The dispute card is charged back as soon as the money moves; the dispute is not
    /// part of the request that captured it, so its event carries no request id.
    fn maybe_dispute(&mut self, charge_id: &str) {
        let ch = &self.charges.by_id[charge_id];
        if ch.card.behaviour != Behaviour::Dispute {
            return;
        }
        let id = new_id("du");
        let dispute = json!({
            "id": id,
            "object": "dispute",
            "amount": ch.amount_captured,
            "balance_transactions": [],
            "charge": ch.id,
            "created": now(),
            "currency": ch.currency,
            "evidence_details": {"due_by": now() + 7 * 86400, "has_evidence": false, "past_due": false, "submission_count": 0},
            "is_charge_refundable": false,
            "livemode": false,
            "metadata": {},
            "payment_intent": ch.payment_intent,
            "reason": "fraudulent",
            "status": "needs_response",
        });
        self.charges.get_mut(charge_id).expect("charge exists").disputed = true;
        self.disputes.insert(id, dispute.clone());
        self.emit(&Ctx::default(), "charge.dispute.created", dispute);
    }

    /// Completes or fails the 3-D Secure challenge identified by `source`: returns the
    /// intent's kind (`payment_intent` or `setup_intent`), id and status.
    pub fn authenticate(&mut self, source: &str, success: bool) -> Outcome<(&'static str, String, &'static str)> {
        let seti = self.setup_intents.by_id.values().find(|si| si.three_ds_source.as_deref() == Some(source)).map(|si| si.id.clone());
        if let Some(id) = seti {
            self.authenticate_setup(&id, success)?;
            return Ok(("setup_intent", id.clone(), self.setup_intents.by_id[&id].status.as_str()));
        }
        let pi_id = self
            .intents
            .by_id
            .values()
            .find(|pi| pi.three_ds_source.as_deref() == Some(source))
            .map(|pi| pi.id.clone())
            .ok_or_else(|| ApiError::no_such("source", source, "source", 404))?;
        if self.intents.by_id[&pi_id].status != Status::RequiresAction {
            return Err(ApiError::unexpected_state(
                "This 3-D Secure challenge is no longer pending.",
                self.intent_json(&pi_id),
            ));
        }
        let ctx = Ctx::default();
        let pm_id = self.intents.by_id[&pi_id].payment_method.clone().expect("requires_action has a payment method");
        let pi = self.pi(&pi_id);
        pi.three_ds_source = None;
        if success {
            pi.three_ds_done = true;
            let after = match self.payment_methods.by_id[&pm_id].card.behaviour {
                Behaviour::Authenticate { after, .. } => after,
                _ => None,
            };
            match after {
                Some(d) => {
                    self.decline(&ctx, &pi_id, &pm_id, d);
                }
                None => self.authorize(&ctx, &pi_id, &pm_id),
            }
        } else {
            let pm_json = objects::payment_method(&self.payment_methods.by_id[&pm_id]);
            let pi = self.pi(&pi_id);
            pi.status = Status::RequiresPaymentMethod;
            pi.payment_method = None;
            pi.next_action = None;
            pi.last_payment_error = Some(json!({
                "type": "invalid_request_error",
                "code": "payment_intent_authentication_failure",
                "message": "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
                "doc_url": "https://stripe.com/docs/error-codes/payment-intent-authentication-failure",
                "payment_method": pm_json,
            }));
            self.emit_intent(&ctx, "payment_intent.payment_failed", &pi_id);
        }
        let status = self.intents.by_id[&pi_id].status.as_str();
        Ok(("payment_intent", pi_id, status))
    }

    pub fn capture(&mut self, ctx: &Ctx, pi_id: &str, amount_to_capture: Option<i64>) -> Outcome<()> {
        let pi = self.intent(pi_id)?;
        if pi.status != Status::RequiresCapture {
            return Err(ApiError::unexpected_state(
                format!(
                    "This PaymentIntent could not be captured because it has a status of {}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
                    pi.status.as_str()
                ),
                objects::intent(pi),
            ));
        }
        let capturable = pi.amount_capturable;
        let amount = amount_to_capture.unwrap_or(capturable);
        if amount <= 0 {
            return Err(ApiError::invalid_request("Invalid positive integer", Some("amount_to_capture".into())));
        }
        if amount > capturable {
            return Err(ApiError::invalid_request(
                format!("The amount to capture ({amount}) cannot be greater than the amount capturable ({capturable})."),
                Some("amount_to_capture".into()),
            )
            .with_code("amount_too_large"));
        }
        let charge_id = pi.latest_charge.clone().expect("requires_capture has a charge");
        {
            let ch = self.charges.get_mut(&charge_id).expect("charge exists");
            ch.captured = true;
            ch.amount_captured = amount;
            ch.amount_refunded = ch.amount - amount;
        }
        let pi = self.pi(pi_id);
        pi.amount_received = amount;
        pi.amount_capturable = 0;
        pi.status = Status::Succeeded;
        self.emit_charge(ctx, "charge.captured", &charge_id);
        self.emit_intent(ctx, "payment_intent.succeeded", pi_id);
        self.maybe_dispute(&charge_id);
        Ok(())
    }

    pub fn cancel(&mut self, ctx: &Ctx, pi_id: &str, reason: Option<String>) -> Outcome<()> {
        let pi = self.intent(pi_id)?;
        if matches!(pi.status, Status::Succeeded | Status::Canceled) {
            return Err(ApiError::unexpected_state(
                format!(
                    "You cannot cancel this PaymentIntent because it has a status of {}. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.",
                    pi.status.as_str()
                ),
                objects::intent(pi),
            ));
        }
        let release = if pi.status == Status::RequiresCapture { pi.latest_charge.clone() } else { None };
        let pi = self.pi(pi_id);
        pi.status = Status::Canceled;
        pi.canceled_at = Some(now());
        pi.cancellation_reason = reason;
        pi.amount_capturable = 0;
        pi.next_action = None;
        pi.three_ds_source = None;
        if let Some(charge_id) = release {
            let ch = self.charges.get_mut(&charge_id).expect("charge exists");
            ch.amount_refunded = ch.amount;
            self.emit_charge(ctx, "charge.refunded", &charge_id);
        }
        self.emit_intent(ctx, "payment_intent.canceled", pi_id);
        Ok(())
    }

    /// Creates a refund of `charge_id`; returns the refund as it was when created.
    pub fn refund(
        &mut self,
        ctx: &Ctx,
        charge_id: &str,
        amount: Option<i64>,
        reason: Option<String>,
        metadata: BTreeMap<String, String>,
    ) -> Outcome<Value> {
        let ch = &self.charges.by_id[charge_id];
        if ch.disputed {
            return Err(ApiError::invalid_request(
                format!("Charge {} has been charged back; cannot issue a refund.", ch.id),
                None,
            )
            .with_code("charge_disputed"));
        }
        let available = ch.amount_captured - ch.refunds_total;
        if available <= 0 {
            return Err(ApiError::invalid_request(format!("Charge {} has already been refunded.", ch.id), None)
                .with_code("charge_already_refunded"));
        }
        let amount = amount.unwrap_or(available);
        if amount <= 0 {
            return Err(ApiError::invalid_request("Invalid positive integer", Some("amount".into())));
        }
        if amount > available {
            return Err(ApiError::invalid_request(
                format!("Refund amount ({amount}) is greater than unrefunded amount on charge ({available})"),
                Some("amount".into()),
            )
            .with_code("amount_too_large"));
        }
        let fails = ch.card.behaviour == Behaviour::RefundFails;
        let id = new_id("re");
        let refund = Refund {
            id: id.clone(),
            created: now(),
            amount,
            charge: charge_id.to_string(),
            payment_intent: ch.payment_intent.clone(),
            currency: ch.currency,
            reason,
            status: "succeeded",
            failure_reason: None,
            metadata,
        };
        self.refunds.insert(id.clone(), refund);
        let ch = self.charges.get_mut(charge_id).expect("charge exists");
        ch.refunds_total += amount;
        ch.amount_refunded += amount;
        ch.refunds.push(id.clone());
        let created = objects::refund(&self.refunds.by_id[&id]);
        self.emit(ctx, "refund.created", created.clone());
        self.emit_charge(ctx, "charge.refunded", charge_id);
        if fails {
            // Stripe documents this card's refund as succeeding first and failing later;
            // the simulator fails it right after the creating call has its answer.
            let r = self.refunds.get_mut(&id).expect("refund exists");
            r.status = "failed";
            r.failure_reason = Some("expired_or_canceled_card");
            let ch = self.charges.get_mut(charge_id).expect("charge exists");
            ch.refunds_total -= amount;
            ch.amount_refunded -= amount;
            let failed = objects::refund(&self.refunds.by_id[&id]);
            self.emit(&Ctx::default(), "refund.failed", failed.clone());
            self.emit(&Ctx::default(), "refund.updated", failed.clone());
            self.emit(&Ctx::default(), "charge.refund.updated", failed);
        }
        Ok(created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_random_letters_and_digits() {
        let id = new_id("pi");
        assert_eq!(id.len(), 27);
        assert!(id.starts_with("pi_"));
        assert!(id[3..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(id, new_id("pi"));
        let mut many = String::new();
        push_random_chars(&mut many, 62 * 200);
        assert_eq!(many.len(), 62 * 200);
        let mut seen = [0usize; 128];
        for b in many.bytes() {
            seen[usize::from(b)] += 1;
        }
        let counts: Vec<usize> = seen.iter().copied().filter(|&c| c > 0).collect();
        assert_eq!(counts.len(), 62, "every letter and digit occurs");
        assert!(counts.iter().all(|&c| (100..=300).contains(&c)), "roughly uniform: {counts:?}");
    }
}
