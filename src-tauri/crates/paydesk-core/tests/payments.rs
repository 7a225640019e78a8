//! Every payment flow against the Stripe simulator over real loopback HTTP, with the real
//! SQLite store. The window's side (Stripe.js confirming with the client secret and the
//! publishable key, 3-D Secure) is played here with the same requests Stripe.js makes.

mod common;

use std::sync::{Arc, Mutex};

use paydesk_core::mode::AppMode;
use paydesk_core::money::Money;
use paydesk_core::order::{Completeness, LineInput, OrderInput, OrderStatus};
use paydesk_core::payments::{CaptureMode, Outcome, PaymentError, PaymentSettings, Payments, Settlement};
use paydesk_core::store::{OrderId, Store};
use paydesk_stripe::{CancellationReason, Endpoint, PublishableKey, RefundReason, SecretKey, StripeClient};
use serde_json::Value;
use stripe_sim::{Failure, SimConfig, Simulator};

/// The simulator stands in for Stripe's test mode here.
const MODE: AppMode = AppMode::Test;

const SECRET: &str = "sk_test_paydesk_core_made_up_key";
const PUBLISHABLE: &str = "pk_test_paydesk_core_made_up_key";

struct Harness {
    sim: Simulator,
    store: Arc<Mutex<Store>>,
    payments: Payments,
    http: reqwest::Client,
    dir: tempfile::TempDir,
}

impl Harness {
    async fn new() -> Harness {
        let sim = Simulator::start(SimConfig::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
        let payments = payments_for(&sim, &store);
        Harness { sim, store, payments, http: reqwest::Client::new(), dir }
    }

    fn order(&self, price: &str) -> OrderId {
        self.order_in(MODE, price)
    }

    fn order_in(&self, mode: AppMode, price: &str) -> OrderId {
        let spec = common::one_line_order("Espresso beans", price, OrderInput { customer_email: Some("ana@example.com".into()), ..OrderInput::default() });
        self.store.lock().unwrap().create_order(mode, &spec, "test").unwrap().id
    }

    fn status(&self, id: &OrderId) -> OrderStatus {
        self.store.lock().unwrap().order(id).unwrap().status
    }

    fn events(&self, id: &OrderId) -> Vec<paydesk_core::store::OrderEvent> {
        self.store.lock().unwrap().events(id).unwrap()
    }

    fn set_capture(&self, capture: CaptureMode) {
        let settings = PaymentSettings { capture, ..PaymentSettings::default() };
        settings.save(&mut self.store.lock().unwrap()).unwrap();
    }

    /// What Stripe.js's confirmPayment sends: publishable key, client secret, the card.
    async fn browser_confirm(&self, intent_id: &str, client_secret: &str, payment_method: &str) -> Value {
        self.http
            .post(format!("{}/v1/payment_intents/{intent_id}/confirm", self.sim.base_url()))
            .bearer_auth(PUBLISHABLE)
            .form(&[("client_secret", client_secret), ("payment_method", payment_method)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The bank's side of the 3-D Secure test page.
    async fn authenticate(&self, intent_id: &str, complete: bool) {
        let intent = self.secret_get(&format!("/v1/payment_intents/{intent_id}")).await;
        let source = intent["next_action"]["use_stripe_sdk"]["source"].as_str().expect("a 3-D Secure challenge").to_owned();
        let answer = self
            .http
            .post(format!("{}/_sim/3ds/authenticate", self.sim.base_url()))
            .form(&[("source", source.as_str()), ("result", if complete { "complete" } else { "fail" })])
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
    }

    async fn secret_get(&self, path: &str) -> Value {
        self.http.get(format!("{}{path}", self.sim.base_url())).bearer_auth(SECRET).send().await.unwrap().json().await.unwrap()
    }

    /// Every PaymentIntent Stripe holds for the order.
    async fn intents_for(&self, id: &OrderId) -> Vec<Value> {
        let list = self.secret_get("/v1/payment_intents?limit=100").await;
        list["data"].as_array().unwrap().iter().filter(|pi| pi["metadata"]["order_id"] == id.as_str()).cloned().collect()
    }

    fn database_text(&self) -> String {
        common::database_text(self.dir.path())
    }
}

fn payments_for(sim: &Simulator, store: &Arc<Mutex<Store>>) -> Payments {
    payments_in(MODE, sim, store)
}

/// Demo and test both use test keys, so one simulator can stand in for both: the worst case,
/// where only the mode keeps one till's orders from the other's requests.
fn payments_in(mode: AppMode, sim: &Simulator, store: &Arc<Mutex<Store>>) -> Payments {
    let client = StripeClient::new(SecretKey::parse(SECRET).unwrap(), Endpoint::loopback(sim.base_url()).unwrap()).unwrap();
    Payments::new(store.clone(), client, PublishableKey::parse(PUBLISHABLE).unwrap(), mode)
}

fn usd(minor: i64) -> Money {
    Money::new(minor, "USD".parse().unwrap())
}

#[tokio::test]
async fn a_sale_in_the_window_ends_paid_for_exactly_the_order_total() {
    let h = Harness::new().await;
    let order = h.order("12.34");
    let started = h.payments.start(&order).await.unwrap();
    assert_eq!(started.amount.minor(), 1234);
    assert_eq!(h.status(&order), OrderStatus::AwaitingPayment);
    let intent = h.secret_get(&format!("/v1/payment_intents/{}", started.payment_intent_id)).await;
    assert_eq!(intent["amount"], 1234);
    assert_eq!(intent["currency"], "usd");
    assert_eq!(intent["metadata"]["order_id"], order.as_str());
    assert_eq!(intent["receipt_email"], "ana@example.com");

    // Starting again reuses the same intent.
    let again = h.payments.start(&order).await.unwrap();
    assert_eq!(again.payment_intent_id, started.payment_intent_id);

    let confirmed = h.browser_confirm(&started.payment_intent_id, started.client_secret.expose(), "pm_card_visa").await;
    assert_eq!(confirmed["status"], "succeeded");
    let settled = h.payments.settle(&order).await.unwrap();
    assert_eq!(settled.outcome, Outcome::Paid);
    assert_eq!(settled.status, OrderStatus::Paid);
    assert_eq!((settled.card_brand.as_deref(), settled.card_last4.as_deref()), (Some("visa"), Some("4242")));
    assert_eq!(h.intents_for(&order).await.len(), 1);

    let error = h.payments.start(&order).await.unwrap_err();
    assert!(matches!(error, PaymentError::NotPayable { status: OrderStatus::Paid, .. }), "{error}");
    // The client secret was handed to the window and is nowhere in the database.
    assert!(!h.database_text().contains(started.client_secret.expose()));
    assert!(!h.database_text().contains("_secret_"));
}

#[tokio::test]
async fn settle_believes_stripe_not_the_window() {
    let h = Harness::new().await;
    let order = h.order("5.00");
    h.payments.start(&order).await.unwrap();
    // The window claims success but never confirmed: the order stays payable.
    let settled = h.payments.settle(&order).await.unwrap();
    assert_eq!(settled.outcome, Outcome::AwaitingPayment);
    assert_eq!(h.status(&order), OrderStatus::AwaitingPayment);
}

#[tokio::test]
async fn every_test_card_leaves_the_order_in_the_documented_state() {
    let h = Harness::new().await;
    let paid = [
        ("pm_card_visa", "visa", "4242"),
        ("pm_card_visa_debit", "visa", "5556"),
        ("pm_card_mastercard", "mastercard", "4444"),
        ("pm_card_amex", "amex", "0005"),
        ("pm_card_discover", "discover", "1117"),
        ("pm_card_jcb", "jcb", "0505"),
        ("pm_card_threeDSecureOptional", "visa", "3055"),
        ("pm_card_refundFail", "visa", "5126"),
        ("pm_card_createDispute", "visa", "0259"),
    ];
    for (method, brand, last4) in paid {
        let order = h.order("20.00");
        let settled = h.payments.charge_with_test_payment_method(&order, method).await.unwrap();
        assert_eq!(settled.outcome, Outcome::Paid, "{method}");
        assert_eq!((settled.card_brand.as_deref(), settled.card_last4.as_deref()), (Some(brand), Some(last4)), "{method}");
    }
    let declined = [
        ("pm_card_chargeDeclined", "generic_decline", "declined"),
        ("pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds", "insufficient funds"),
        ("pm_card_chargeDeclinedLostCard", "lost_card", "lost"),
        ("pm_card_chargeDeclinedStolenCard", "stolen_card", "stolen"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired"),
        ("pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "security code"),
        ("pm_card_chargeDeclinedProcessingError", "processing_error", "could not be processed"),
        ("pm_card_radarBlock", "fraudulent", "fraud"),
    ];
    for (method, code, words) in declined {
        let order = h.order("20.00");
        let settled = h.payments.charge_with_test_payment_method(&order, method).await.unwrap();
        assert_eq!(settled.outcome, Outcome::Declined, "{method}");
        assert_eq!(settled.status, OrderStatus::AwaitingPayment, "{method}");
        assert_eq!(settled.decline_code.as_deref(), Some(code), "{method}");
        assert!(settled.message.as_deref().unwrap().contains(words), "{method}: {:?}", settled.message);
        // Another card pays the same order, on the same intent.
        let retried = h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
        assert_eq!(retried.outcome, Outcome::Paid, "{method} then visa");
        assert_eq!(retried.payment_intent_id, settled.payment_intent_id, "{method}");
        assert_eq!(h.intents_for(&order).await.len(), 1, "{method}");
    }
    for method in ["pm_card_authenticationRequired", "pm_card_authenticationRequiredOnSetup", "pm_card_threeDSecure2Required"] {
        let order = h.order("20.00");
        let settled = h.payments.charge_with_test_payment_method(&order, method).await.unwrap();
        assert_eq!(settled.outcome, Outcome::NeedsAction, "{method}");
        assert!(settled.next_action_secret.is_some(), "{method}");
        assert_eq!(h.status(&order), OrderStatus::ActionRequired);
    }
}

#[tokio::test]
async fn three_d_secure_completed_failed_and_declined_after() {
    let h = Harness::new().await;

    let order = h.order("31.55");
    let started = h.payments.start(&order).await.unwrap();
    let answer = h.browser_confirm(&started.payment_intent_id, started.client_secret.expose(), "pm_card_authenticationRequiredOnSetup").await;
    assert_eq!(answer["status"], "requires_action");
    assert_eq!(h.payments.settle(&order).await.unwrap().outcome, Outcome::NeedsAction);
    h.authenticate(&started.payment_intent_id, true).await;
    assert_eq!(h.payments.settle(&order).await.unwrap().outcome, Outcome::Paid);

    let order = h.order("31.84");
    let started = h.payments.start(&order).await.unwrap();
    h.browser_confirm(&started.payment_intent_id, started.client_secret.expose(), "pm_card_authenticationRequired").await;
    h.authenticate(&started.payment_intent_id, false).await;
    let failed = h.payments.settle(&order).await.unwrap();
    assert_eq!(failed.outcome, Outcome::Declined);
    assert_eq!(failed.decline_code.as_deref(), Some("payment_intent_authentication_failure"));
    assert_eq!(failed.status, OrderStatus::AwaitingPayment);
    // Then 4242 on the same order and intent.
    let again = h.payments.start(&order).await.unwrap();
    assert_eq!(again.payment_intent_id, started.payment_intent_id);
    h.browser_confirm(&again.payment_intent_id, again.client_secret.expose(), "pm_card_visa").await;
    assert_eq!(h.payments.settle(&order).await.unwrap().outcome, Outcome::Paid);

    let order = h.order("31.78");
    let started = h.payments.start(&order).await.unwrap();
    h.browser_confirm(&started.payment_intent_id, started.client_secret.expose(), "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds").await;
    h.authenticate(&started.payment_intent_id, true).await;
    let declined = h.payments.settle(&order).await.unwrap();
    assert_eq!(declined.outcome, Outcome::Declined);
    assert_eq!(declined.decline_code.as_deref(), Some("insufficient_funds"));

    let events = h.store.lock().unwrap().events(&order).unwrap();
    assert!(events.iter().any(|e| e.kind == "payment_declined" && e.cause.contains("insufficient funds")), "{events:?}");
}

#[tokio::test]
async fn server_side_finalization_with_a_confirmation_token_and_moto() {
    let h = Harness::new().await;
    let token = |method: &str| {
        let http = h.http.clone();
        let url = format!("{}/v1/test_helpers/confirmation_tokens", h.sim.base_url());
        let method = method.to_owned();
        async move {
            let answer: Value =
                http.post(url).bearer_auth(SECRET).form(&[("payment_method", method.as_str())]).send().await.unwrap().json().await.unwrap();
            answer["id"].as_str().unwrap().to_owned()
        }
    };
    let order = h.order("18.00");
    let settled = h.payments.finalize_on_server(&order, &token("pm_card_visa").await, false).await.unwrap();
    assert_eq!(settled.outcome, Outcome::Paid);
    let intent = h.secret_get(&format!("/v1/payment_intents/{}", settled.payment_intent_id.unwrap())).await;
    assert_eq!(intent["amount"], 1800);

    // 3-D Secure is handed back to the window...
    let order = h.order("18.01");
    let settled = h.payments.finalize_on_server(&order, &token("pm_card_authenticationRequired").await, false).await.unwrap();
    assert_eq!(settled.outcome, Outcome::NeedsAction);
    assert!(settled.next_action_secret.is_some());
    h.authenticate(settled.payment_intent_id.as_deref().unwrap(), true).await;
    assert_eq!(h.payments.settle(&order).await.unwrap().outcome, Outcome::Paid);

    // ...but a phone order (MOTO) is exempt from it.
    let order = h.order("18.02");
    let settled = h.payments.finalize_on_server(&order, &token("pm_card_authenticationRequired").await, true).await.unwrap();
    assert_eq!(settled.outcome, Outcome::Paid);
    let intent = h.secret_get(&format!("/v1/payment_intents/{}", settled.payment_intent_id.unwrap())).await;
    assert_eq!(intent["payment_method_options"]["card"]["moto"], true);

    // A decline on the server flow leaves the order payable.
    let order = h.order("18.03");
    let settled = h.payments.finalize_on_server(&order, &token("pm_card_chargeDeclinedInsufficientFunds").await, false).await.unwrap();
    assert_eq!(settled.outcome, Outcome::Declined);
    let retried = h.payments.finalize_on_server(&order, &token("pm_card_visa").await, false).await.unwrap();
    assert_eq!(retried.outcome, Outcome::Paid);
    assert_eq!(h.intents_for(&order).await.len(), 1);
}

#[tokio::test]
async fn authorize_then_partial_capture_then_partial_and_full_refunds() {
    let h = Harness::new().await;
    h.set_capture(CaptureMode::Manual);
    let order = h.order("50.00");
    let settled = h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
    assert_eq!(settled.outcome, Outcome::Authorized);

    let too_much = h.payments.capture(&order, Some(usd(5001))).await.unwrap_err();
    assert_eq!(too_much.to_string(), "capture between $0.01 and the authorized $50.00");
    assert_eq!(h.status(&order), OrderStatus::Authorized);

    let captured = h.payments.capture(&order, Some(usd(4000))).await.unwrap();
    assert_eq!(captured.outcome, Outcome::Paid);
    let payment = h.store.lock().unwrap().order_payment(&order).unwrap();
    assert_eq!((payment.amount_captured, payment.amount_refunded), (4000, 0));

    let over = h.payments.refund(&order, Some(usd(4001)), None).await.unwrap_err();
    assert_eq!(over.to_string(), "refund between $0.01 and the $40.00 still refundable");
    let partial = h.payments.refund(&order, Some(usd(1500)), Some(RefundReason::RequestedByCustomer)).await.unwrap();
    assert_eq!(partial.outcome, Outcome::PartiallyRefunded);
    let rest = h.payments.refund(&order, None, None).await.unwrap();
    assert_eq!(rest.outcome, Outcome::Refunded);
    let payment = h.store.lock().unwrap().order_payment(&order).unwrap();
    assert_eq!((payment.amount_captured, payment.amount_refunded), (4000, 4000));
    assert!(h.payments.refund(&order, Some(usd(1)), None).await.is_err());

    let kinds: Vec<String> = h.store.lock().unwrap().events(&order).unwrap().into_iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&"captured".to_owned()) && kinds.iter().filter(|k| *k == "refunded").count() == 2, "{kinds:?}");
}

#[tokio::test]
async fn voiding_a_draft_an_open_payment_and_an_authorization() {
    let h = Harness::new().await;
    let draft = h.order("9.00");
    assert_eq!(h.payments.void(&draft, CancellationReason::RequestedByCustomer).await.unwrap().status, OrderStatus::Voided);

    let open = h.order("9.01");
    let started = h.payments.start(&open).await.unwrap();
    assert_eq!(h.payments.void(&open, CancellationReason::Abandoned).await.unwrap().status, OrderStatus::Voided);
    let intent = h.secret_get(&format!("/v1/payment_intents/{}", started.payment_intent_id)).await;
    assert_eq!(intent["status"], "canceled");
    assert_eq!(intent["cancellation_reason"], "abandoned");

    h.set_capture(CaptureMode::Manual);
    let authorized = h.order("9.02");
    h.payments.charge_with_test_payment_method(&authorized, "pm_card_visa").await.unwrap();
    assert_eq!(h.payments.void(&authorized, CancellationReason::RequestedByCustomer).await.unwrap().outcome, Outcome::Voided);

    h.set_capture(CaptureMode::Automatic);
    let paid = h.order("9.03");
    h.payments.charge_with_test_payment_method(&paid, "pm_card_visa").await.unwrap();
    let refused = h.payments.void(&paid, CancellationReason::RequestedByCustomer).await.unwrap_err();
    assert!(matches!(refused, PaymentError::NotVoidable { status: OrderStatus::Paid, .. }), "{refused}");
    assert!(h.payments.start(&draft).await.is_err());
}

#[tokio::test]
async fn a_refund_that_fails_later_takes_the_order_back_to_paid() {
    let h = Harness::new().await;
    let order = h.order("12.00");
    h.payments.charge_with_test_payment_method(&order, "pm_card_refundFail").await.unwrap();
    h.payments.reconcile().await.unwrap(); // sets the events cursor
    // Stripe reports the refund as succeeded; whether the order reads refunded for a while
    // depends on how soon the failure follows.
    match h.payments.refund(&order, None, None).await {
        Ok(settled) => assert!(matches!(settled.outcome, Outcome::Refunded | Outcome::Paid), "{settled:?}"),
        Err(PaymentError::RefundFailed { .. }) => {}
        Err(other) => panic!("{other}"),
    }
    // ...and the failure arrives later, through reconciliation.
    h.payments.reconcile().await.unwrap();
    assert_eq!(h.status(&order), OrderStatus::Paid);
    let refunds = h.store.lock().unwrap().refunds(&order).unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].status, "failed");
}

#[tokio::test]
async fn minimum_and_currency_rules_are_checked_before_stripe_is_asked() {
    let h = Harness::new().await;
    let order = h.order("0.49");
    let error = h.payments.start(&order).await.unwrap_err();
    assert_eq!(error.to_string(), "the total ($0.49) is below Stripe's minimum charge of $0.50");
    assert_eq!(h.status(&order), OrderStatus::Draft);
    assert!(h.intents_for(&order).await.is_empty());
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_retried_to_one_intent() {
    let h = Harness::new().await;
    let order = h.order("7.00");
    h.sim.faults().fail_next(2, Failure::ServerError, None);
    h.payments.start(&order).await.unwrap();
    h.sim.faults().fail_next(2, Failure::RateLimited, None);
    let settled = h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
    assert_eq!(settled.outcome, Outcome::Paid);
    assert_eq!(h.intents_for(&order).await.len(), 1);
}

#[tokio::test]
async fn should_retry_false_is_not_retried_and_the_next_try_makes_one_intent() {
    let h = Harness::new().await;
    let order = h.order("7.00");
    h.sim.faults().fail_next(1, Failure::ServerError, Some(false));
    assert!(h.payments.start(&order).await.is_err());
    // The failure used the only injected fault: had the client retried, it would have succeeded.
    assert!(h.intents_for(&order).await.is_empty());
    h.payments.start(&order).await.unwrap();
    assert_eq!(h.intents_for(&order).await.len(), 1);
}

#[tokio::test]
async fn a_lost_create_response_leaves_exactly_one_intent() {
    let h = Harness::new().await;
    let order = h.order("8.00");
    // The create is applied at Stripe, then the connection drops before the answer; the
    // client's retries under the same key get Stripe's replay.
    h.sim.faults().lose_next_responses(1);
    let started = h.payments.start(&order).await.unwrap();
    let intents = h.intents_for(&order).await;
    assert_eq!(intents.len(), 1);
    assert_eq!(intents[0]["id"], started.payment_intent_id.as_str());
}

#[tokio::test]
async fn a_crash_between_the_saved_key_and_the_stored_answer_is_repaired_at_restart() {
    let h = Harness::new().await;
    let order = h.order("9.99");
    // The simulator holds the request once it has arrived; the "process" dies then (its
    // task is aborted), and only afterwards does Stripe carry the request out.
    let mut held = h.sim.faults().pause_next_request();
    let doomed = Arc::new(payments_for(&h.sim, &h.store));
    let charge = {
        let (doomed, order) = (doomed.clone(), order.clone());
        tokio::spawn(async move { doomed.charge_with_test_payment_method(&order, "pm_card_visa").await })
    };
    held.arrived().await;
    charge.abort();
    assert!(charge.await.unwrap_err().is_cancelled());
    held.release();
    // Stripe charged the card; the till never heard.
    let charged = async {
        loop {
            let intents = h.intents_for(&order).await;
            if intents.first().is_some_and(|pi| pi["status"] == "succeeded") {
                return intents;
            }
            tokio::task::yield_now().await;
        }
    };
    let charged = tokio::time::timeout(std::time::Duration::from_secs(60), charged).await;
    assert_eq!(charged.expect("Stripe carries out a request whose caller died").len(), 1);
    assert_eq!(h.status(&order), OrderStatus::AwaitingPayment);
    assert_eq!(h.store.lock().unwrap().unresolved_payment_attempts(MODE).unwrap().len(), 1);

    // "Restart": a new store handle and a new Payments over the same database file.
    let store = Arc::new(Mutex::new(Store::open_in(h.dir.path()).unwrap()));
    let restarted = payments_for(&h.sim, &store);
    let report = restarted.reconcile().await.unwrap();
    assert_eq!(report.attempts_resent, 1);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(store.lock().unwrap().order(&order).unwrap().status, OrderStatus::Paid);
    assert_eq!(h.intents_for(&order).await.len(), 1);
    assert!(store.lock().unwrap().unresolved_payment_attempts(MODE).unwrap().is_empty());
}

#[tokio::test]
async fn refunds_and_disputes_made_in_the_dashboard_reach_the_order() {
    let h = Harness::new().await;
    let order = h.order("25.00");
    let settled = h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
    let disputed = h.order("26.00");
    assert_eq!(h.payments.reconcile().await.unwrap().events_applied, 0, "the first run only sets the cursor");
    h.payments.charge_with_test_payment_method(&disputed, "pm_card_createDispute").await.unwrap();

    // A refund made in the Stripe Dashboard: not through Paydesk.
    let refund = h
        .http
        .post(format!("{}/v1/refunds", h.sim.base_url()))
        .bearer_auth(SECRET)
        .header("Idempotency-Key", "dashboard-refund-1")
        .form(&[("payment_intent", settled.payment_intent_id.as_deref().unwrap()), ("amount", "500")])
        .send()
        .await
        .unwrap();
    assert!(refund.status().is_success());

    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.status(&order), OrderStatus::PartiallyRefunded);
    assert_eq!(h.store.lock().unwrap().order_payment(&order).unwrap().amount_refunded, 500);
    let events = h.store.lock().unwrap().events(&disputed).unwrap();
    assert!(events.iter().any(|e| e.kind == "dispute_opened"), "{events:?}");

    // Following again applies nothing new.
    let again = h.payments.reconcile().await.unwrap();
    assert_eq!(again.orders_changed, 0);
}

#[tokio::test]
async fn reconciliation_settles_many_orders_in_flight() {
    let h = Harness::new().await;
    let mut orders = Vec::new();
    for index in 0..12 {
        let order = h.order(&format!("{}.00", 10 + index));
        let started = h.payments.start(&order).await.unwrap();
        // Paid in the window, but the window never asked the core to settle (it crashed).
        h.browser_confirm(&started.payment_intent_id, started.client_secret.expose(), "pm_card_visa").await;
        orders.push(order);
    }
    assert!(orders.iter().all(|o| h.status(o) == OrderStatus::AwaitingPayment));
    let report = h.payments.reconcile().await.unwrap();
    assert_eq!(report.orders_checked, 12);
    assert_eq!(report.orders_changed, 12);
    assert!(orders.iter().all(|o| h.status(o) == OrderStatus::Paid));
}

#[tokio::test]
async fn nothing_secret_reaches_errors_or_debug_output() {
    let h = Harness::new().await;
    let order = h.order("10.00");
    let started = h.payments.start(&order).await.unwrap();
    let debug = format!("{started:?}");
    assert!(!debug.contains(started.client_secret.expose()), "{debug}");
    let settled: Settlement = h.payments.settle(&order).await.unwrap();
    let json = serde_json::to_string(&settled).unwrap();
    assert!(!json.contains("_secret_"), "{json}");
    h.sim.faults().fail_next(10, Failure::ServerError, Some(false));
    let error = h.payments.capture(&order, None).await.unwrap_err().to_string();
    assert!(!error.contains(SECRET) && !error.contains("_secret_"), "{error}");
}

#[tokio::test]
async fn an_order_changed_at_the_checkout_updates_or_replaces_its_intent() {
    let h = Harness::new().await;
    let edit = |id: &OrderId, price: &str| {
        let spec = OrderInput {
            currency: "USD".into(),
            lines: vec![LineInput { description: "Espresso beans".into(), quantity: 1, unit_price: price.into() }],
            ..OrderInput::default()
        }
        .validate(Completeness::RequireLines)
        .unwrap();
        h.store.lock().unwrap().edit_order(MODE, id, &spec, "customer changed the order").unwrap();
    };

    // Waiting for a card: the same intent, its amount updated to the new total.
    let order = h.order("10.00");
    let first = h.payments.start(&order).await.unwrap();
    edit(&order, "12.50");
    let second = h.payments.start(&order).await.unwrap();
    assert_eq!(second.payment_intent_id, first.payment_intent_id);
    assert_eq!(second.amount.minor(), 1250);
    let intent = h.secret_get(&format!("/v1/payment_intents/{}", first.payment_intent_id)).await;
    assert_eq!(intent["amount"], 1250);

    // Mid-3-D Secure the amount cannot change: that intent is canceled and replaced.
    let order = h.order("20.00");
    let first = h.payments.start(&order).await.unwrap();
    h.browser_confirm(&first.payment_intent_id, first.client_secret.expose(), "pm_card_authenticationRequired").await;
    edit(&order, "22.00");
    let second = h.payments.start(&order).await.unwrap();
    assert_ne!(second.payment_intent_id, first.payment_intent_id);
    assert_eq!(second.amount.minor(), 2200);
    let old = h.secret_get(&format!("/v1/payment_intents/{}", first.payment_intent_id)).await;
    assert_eq!(old["status"], "canceled");
    h.browser_confirm(&second.payment_intent_id, second.client_secret.expose(), "pm_card_visa").await;
    let settled = h.payments.settle(&order).await.unwrap();
    assert_eq!(settled.outcome, Outcome::Paid);
    let charged: Vec<Value> = h.intents_for(&order).await.into_iter().filter(|pi| pi["status"] == "succeeded").collect();
    assert_eq!(charged.len(), 1);
    assert_eq!(charged[0]["amount"], 2200);
}

use common::ShiftedClock;

/// Stripe forgets idempotency keys after 24 hours: an attempt unanswered for longer is
/// looked for by the key written on its intent, never re-sent (a re-send could then create
/// and charge a second intent); one that never reached Stripe is retired.
#[tokio::test]
async fn an_attempt_unanswered_for_a_day_is_found_not_resent() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ShiftedClock(std::sync::atomic::AtomicI64::new(-25 * 3600)));
    let store = Arc::new(Mutex::new(Store::open_with_clock(&dir.path().join("paydesk.sqlite3"), clock.clone()).unwrap()));
    let order = |price: &str| {
        let spec = OrderInput {
            currency: "USD".into(),
            lines: vec![LineInput { description: "Tea".into(), quantity: 1, unit_price: price.into() }],
            ..OrderInput::default()
        }
        .validate(Completeness::RequireLines)
        .unwrap();
        store.lock().unwrap().create_order(MODE, &spec, "test").unwrap().id
    };

    // Yesterday: a charge whose till died after Stripe had it.
    let charged = order("15.00");
    let mut held = sim.faults().pause_next_request();
    let doomed = Arc::new(payments_for(&sim, &store));
    let charge = {
        let (doomed, charged) = (doomed.clone(), charged.clone());
        tokio::spawn(async move { doomed.charge_with_test_payment_method(&charged, "pm_card_visa").await })
    };
    held.arrived().await;
    charge.abort();
    let _ = charge.await;
    held.release();
    // Yesterday too: a charge whose request never left (no intent anywhere).
    let lost = order("16.00");
    sim.faults().fail_next(20, Failure::ServerError, None);
    assert!(doomed.charge_with_test_payment_method(&lost, "pm_card_visa").await.is_err());
    sim.faults().clear();

    clock.0.store(0, std::sync::atomic::Ordering::SeqCst);
    let http = reqwest::Client::new();
    let all_intents = || async {
        let list: Value = http.get(format!("{}/v1/payment_intents?limit=100", sim.base_url())).bearer_auth(SECRET).send().await.unwrap().json().await.unwrap();
        list["data"].as_array().unwrap().clone()
    };
    // Wait (bounded) until Stripe has carried out the held request.
    for _ in 0..1000 {
        if all_intents().await.iter().any(|pi| pi["status"] == "succeeded") {
            break;
        }
        tokio::task::yield_now().await;
    }
    let before = all_intents().await.len();

    let today = payments_for(&sim, &store);
    let report = today.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(store.lock().unwrap().order(&charged).unwrap().status, OrderStatus::Paid);
    // Nothing was re-sent: no new intent appeared.
    assert_eq!(all_intents().await.len(), before);
    let marker = all_intents().await.iter().filter(|pi| pi["metadata"]["order_id"] == charged.as_str()).map(|pi| pi["metadata"]["paydesk_attempt"].clone()).collect::<Vec<_>>();
    assert_eq!(marker.len(), 1);
    assert!(marker[0].as_str().is_some_and(|key| !key.is_empty()));

    // The attempt that never reached Stripe is retired; the order can be paid today.
    assert!(store.lock().unwrap().unresolved_payment_attempts(MODE).unwrap().is_empty());
    assert_eq!(today.charge_with_test_payment_method(&lost, "pm_card_visa").await.unwrap().outcome, Outcome::Paid);
}

// ---- Exactly once, whatever fails (issue 9). Each of these failed before its fix. ----

impl Harness {
    fn edit(&self, id: &OrderId, price: &str) -> Result<(), paydesk_core::store::StoreError> {
        let spec = OrderInput {
            currency: "USD".into(),
            lines: vec![LineInput { description: "Espresso beans".into(), quantity: 1, unit_price: price.into() }],
            ..OrderInput::default()
        }
        .validate(Completeness::RequireLines)
        .unwrap();
        self.store.lock().unwrap().edit_order(MODE, id, &spec, "customer changed the order").map(drop)
    }

    /// After `pass` requests answered normally, the next one takes effect but its answer is
    /// lost, and its two retries are rate limited.
    fn lose_then_rate_limit_after(&self, pass: u32) {
        self.sim.faults().fail_next(pass, Failure::Pass, None);
        self.lose_then_rate_limit();
    }

    fn lose_then_rate_limit(&self) {
        self.sim.faults().fail_next(1, Failure::LostAnswer, None);
        self.sim.faults().fail_next(2, Failure::RateLimited, None);
    }

    /// Something happened at Stripe before the scenario, so that the first reconcile has an
    /// event to start its cursor from.
    async fn start_following_events(&self) {
        let earlier = self.order("3.00");
        self.payments.charge_with_test_payment_method(&earlier, "pm_card_visa").await.unwrap();
        self.payments.reconcile().await.unwrap();
    }

    /// A paid order, then a refund of `cents` that Stripe made but whose answer was lost (and
    /// the retries rate limited); returns the order and its intent.
    async fn paid_then_refund_answer_lost(&self, price: &str, cents: i64) -> (OrderId, String) {
        let order = self.order(price);
        self.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
        let intent = self.store.lock().unwrap().order_payment(&order).unwrap().payment_intent_id.unwrap();
        // The refund first re-reads the intent (one GET), then sends the refund.
        self.lose_then_rate_limit_after(1);
        let error = self.payments.refund(&order, Some(usd(cents)), None).await.unwrap_err();
        assert_eq!(paydesk_core::error::ErrorCode::code(&error), "stripe_outcome_unknown", "{error}");
        assert_eq!(self.refunds_of(&intent).await.len(), 1, "the refund took effect");
        (order, intent)
    }

    async fn live_intents(&self, id: &OrderId) -> usize {
        self.intents_for(id).await.iter().filter(|pi| matches!(pi["status"].as_str(), Some("succeeded" | "requires_capture"))).count()
    }

    async fn refunds_of(&self, intent: &str) -> Vec<Value> {
        self.secret_get(&format!("/v1/refunds?payment_intent={intent}&limit=100")).await["data"].as_array().unwrap().clone()
    }

    /// A refund made in the Stripe Dashboard.
    async fn dashboard_refund(&self, intent: &str, amount: i64) {
        let answer = self
            .http
            .post(format!("{}/v1/refunds", self.sim.base_url()))
            .bearer_auth(SECRET)
            .form(&[("payment_intent", intent), ("amount", &amount.to_string())])
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.text().await.unwrap());
    }
}

#[tokio::test]
async fn a_charge_whose_answer_was_lost_and_retries_rate_limited_is_never_made_twice() {
    let h = Harness::new().await;
    let order = h.order("18.00");
    h.lose_then_rate_limit();
    let error = h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap_err();
    assert_eq!(paydesk_core::error::ErrorCode::code(&error), "stripe_outcome_unknown", "{error}");
    assert_eq!(h.live_intents(&order).await, 1, "Stripe charged the card once");
    // The cashier presses Charge again: the core finds the first payment instead.
    let again = h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await;
    assert!(matches!(again, Err(PaymentError::NotPayable { status: OrderStatus::Paid, .. })), "{again:?}");
    assert_eq!(h.status(&order), OrderStatus::Paid);
    assert_eq!(h.live_intents(&order).await, 1);
}

#[tokio::test]
async fn a_refund_whose_answer_was_lost_is_not_made_twice_when_pressed_again() {
    let h = Harness::new().await;
    let (order, intent) = h.paid_then_refund_answer_lost("30.00", 250).await;
    let settled = h.payments.refund(&order, Some(usd(250)), None).await.unwrap();
    assert_eq!(settled.status, OrderStatus::PartiallyRefunded);
    let refunds = h.refunds_of(&intent).await;
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert!(refunds[0]["metadata"]["paydesk_refund"].as_str().is_some_and(|k| !k.is_empty()));
    // A different refund afterwards is a new one.
    h.payments.refund(&order, Some(usd(100)), None).await.unwrap();
    assert_eq!(h.refunds_of(&intent).await.len(), 2);
}

/// Stripe made the refund, then the read of the intent that follows was refused: the press
/// has succeeded (the soak found a failed press here making the cashier's next press a second
/// refund).
#[tokio::test]
async fn a_refund_stripe_made_succeeds_even_when_reading_the_payment_back_fails() {
    let h = Harness::new().await;
    let order = h.order("30.00");
    h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
    let intent = h.store.lock().unwrap().order_payment(&order).unwrap().payment_intent_id.unwrap();
    // The refund re-reads the intent, sends the refund, then reads the intent back.
    h.sim.faults().fail_next(2, Failure::Pass, None);
    h.sim.faults().fail_next(1, Failure::RateLimited, Some(false));
    let settled = h.payments.refund(&order, Some(usd(250)), None).await.unwrap();
    assert_eq!((settled.status, settled.outcome), (OrderStatus::PartiallyRefunded, Outcome::PartiallyRefunded));
    assert_eq!(h.store.lock().unwrap().order_payment(&order).unwrap().amount_refunded, 250);
    assert_eq!(h.refunds_of(&intent).await.len(), 1);
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.status(&order), OrderStatus::PartiallyRefunded);
    assert_eq!(h.store.lock().unwrap().order_payment(&order).unwrap().amount_refunded, 250);
}

/// The answer was lost, and a reconcile learnt the refund went through before the cashier
/// pressed Refund again: the press means that refund, not a second one.
#[tokio::test]
async fn a_refund_found_by_a_reconcile_before_it_is_pressed_again_is_not_made_twice() {
    let h = Harness::new().await;
    let (order, intent) = h.paid_then_refund_answer_lost("30.00", 250).await;
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.status(&order), OrderStatus::PartiallyRefunded);
    let again = h.payments.refund(&order, Some(usd(250)), None).await.unwrap();
    assert_eq!(again.status, OrderStatus::PartiallyRefunded);
    assert_eq!(again.message.as_deref(), Some("The refund of $2.50 asked for earlier went through; nothing more was refunded."));
    assert_eq!(h.refunds_of(&intent).await.len(), 1);
    // Told once: the same amount asked for now is a new refund.
    assert_eq!(h.payments.refund(&order, Some(usd(250)), None).await.unwrap().message, None);
    assert_eq!(h.refunds_of(&intent).await.len(), 2);
}

/// "Refund the rest" pressed again after its answer was lost, whether or not a reconcile came
/// in between, is that refund; another amount is a new refund, and the cashier is told the
/// earlier one went through too.
#[tokio::test]
async fn refund_the_rest_pressed_again_and_another_amount_after_a_lost_answer() {
    for reconcile_between in [false, true] {
        let h = Harness::new().await;
        let order = h.order("30.00");
        h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
        let intent = h.store.lock().unwrap().order_payment(&order).unwrap().payment_intent_id.unwrap();
        h.lose_then_rate_limit_after(1);
        assert!(h.payments.refund(&order, None, None).await.is_err());
        if reconcile_between {
            h.payments.reconcile().await.unwrap();
        }
        let again = h.payments.refund(&order, None, None).await.unwrap();
        assert_eq!(again.status, OrderStatus::Refunded, "reconcile between: {reconcile_between}");
        assert_eq!(again.message.as_deref(), Some("The refund of $30.00 asked for earlier went through; nothing more was refunded."));
        assert_eq!(h.refunds_of(&intent).await.len(), 1);

        let order = h.order("30.00");
        h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
        let intent = h.store.lock().unwrap().order_payment(&order).unwrap().payment_intent_id.unwrap();
        h.lose_then_rate_limit_after(1);
        assert!(h.payments.refund(&order, Some(usd(500)), None).await.is_err());
        if reconcile_between {
            h.payments.reconcile().await.unwrap();
        }
        let other = h.payments.refund(&order, Some(usd(700)), None).await.unwrap();
        assert_eq!(other.message.as_deref(), Some("The refund of $5.00 asked for earlier went through as well."));
        assert_eq!(h.store.lock().unwrap().order_payment(&order).unwrap().amount_refunded, 1200);
        assert_eq!(h.refunds_of(&intent).await.len(), 2);
    }
}

#[tokio::test]
async fn an_unanswered_refund_past_stripes_key_memory_is_found_not_resent() {
    let h = Harness::new().await;
    let (order, intent) = h.paid_then_refund_answer_lost("40.00", 500).await;
    h.sim.forget_idempotency_keys();
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.refunds_of(&intent).await.len(), 1);
    assert_eq!(h.status(&order), OrderStatus::PartiallyRefunded);
    assert!(h.store.lock().unwrap().unsettled_refunds(MODE).unwrap().is_empty());
}

/// A paid order whose first intent was replaced mid-3-D Secure: the old intent's
/// `canceled` event must neither void the order nor stop the event follower, so a later
/// Dashboard refund still reaches the order.
#[tokio::test]
async fn events_about_a_replaced_intent_change_nothing_and_block_nothing() {
    let h = Harness::new().await;
    h.start_following_events().await;
    let order = h.order("20.00");
    let first = h.payments.start(&order).await.unwrap();
    h.browser_confirm(&first.payment_intent_id, first.client_secret.expose(), "pm_card_authenticationRequired").await;
    h.edit(&order, "22.00").unwrap();
    let second = h.payments.start(&order).await.unwrap();
    assert_ne!(second.payment_intent_id, first.payment_intent_id);
    h.browser_confirm(&second.payment_intent_id, second.client_secret.expose(), "pm_card_visa").await;
    assert_eq!(h.payments.settle(&order).await.unwrap().status, OrderStatus::Paid);

    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.status(&order), OrderStatus::Paid);
    h.dashboard_refund(&second.payment_intent_id, 500).await;
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.status(&order), OrderStatus::PartiallyRefunded);
    let payment = h.store.lock().unwrap().order_payment(&order).unwrap();
    assert_eq!(payment.payment_intent_id.as_deref(), Some(second.payment_intent_id.as_str()));
}

#[tokio::test]
async fn an_authorization_survives_the_events_of_the_intent_it_replaced() {
    let h = Harness::new().await;
    h.start_following_events().await;
    h.set_capture(CaptureMode::Manual);
    let order = h.order("50.00");
    let first = h.payments.start(&order).await.unwrap();
    h.browser_confirm(&first.payment_intent_id, first.client_secret.expose(), "pm_card_authenticationRequired").await;
    h.edit(&order, "55.00").unwrap();
    let second = h.payments.start(&order).await.unwrap();
    h.browser_confirm(&second.payment_intent_id, second.client_secret.expose(), "pm_card_visa").await;
    assert_eq!(h.payments.settle(&order).await.unwrap().status, OrderStatus::Authorized);
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.status(&order), OrderStatus::Authorized);
    assert_eq!(h.payments.capture(&order, None).await.unwrap().status, OrderStatus::Paid);
}

/// Two processes (two SQLite connections) start the same order at once: the database lets
/// exactly one payment begin; the other is told a payment is under way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_process_cannot_start_a_second_payment() {
    let h = Harness::new().await;
    let order = h.order("12.00");
    let other_store = Arc::new(Mutex::new(Store::open_in(h.dir.path()).unwrap()));
    let other = payments_for(&h.sim, &other_store);
    let mut held = h.sim.faults().pause_next_request();
    let first = {
        let payments = Arc::new(payments_for(&h.sim, &h.store));
        let order = order.clone();
        tokio::spawn(async move { payments.charge_with_test_payment_method(&order, "pm_card_visa").await })
    };
    held.arrived().await;
    let second = other.charge_with_test_payment_method(&order, "pm_card_visa").await;
    held.release();
    assert!(first.await.unwrap().is_ok());
    // It meets the first's attempt (the database refuses a second one) and, re-sending that
    // attempt under its key, Stripe's "already in progress".
    let error = second.expect_err("the second process must not start another payment");
    assert!(matches!(paydesk_core::error::ErrorCode::code(&error), "payment_in_progress" | "stripe_idempotency"), "{error}");
    assert_eq!(h.intents_for(&order).await.len(), 1);
    assert_eq!(h.status(&order), OrderStatus::Paid);
}

#[tokio::test]
async fn an_order_cannot_change_while_its_charge_is_unanswered() {
    let h = Harness::new().await;
    let order = h.order("15.00");
    h.lose_then_rate_limit();
    assert!(h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.is_err());
    let refused = h.edit(&order, "9.00").unwrap_err();
    assert_eq!(paydesk_core::error::ErrorCode::code(&refused), "payment_in_progress");
    h.payments.reconcile().await.unwrap();
    let order_now = h.store.lock().unwrap().order(&order).unwrap();
    assert_eq!((order_now.status, order_now.quote.total.minor()), (OrderStatus::Paid, 1500));
}

/// The cancel of a replaced intent lost its answer; the void of the new intent must use a
/// key of its own (a key belongs to one request on one object), and succeed.
#[tokio::test]
async fn a_void_after_an_interrupted_replacement_uses_its_own_key() {
    let h = Harness::new().await;
    let order = h.order("10.00");
    h.payments.start(&order).await.unwrap();
    h.edit(&order, "11.00").unwrap();
    // The server flow re-reads the intent (one GET), then cancels it to replace it: the
    // cancel takes effect, its answer is lost, and Stripe errors on the retries.
    h.sim.faults().fail_next(1, Failure::Pass, None);
    h.sim.faults().fail_next(1, Failure::LostAnswer, None);
    h.sim.faults().fail_next(2, Failure::ServerError, None);
    assert!(h.payments.charge_with_test_payment_method(&order, "pm_card_chargeDeclined").await.is_err());
    let replacement = h.payments.start(&order).await.unwrap();
    assert_eq!(replacement.amount.minor(), 1100);
    let voided = h.payments.void(&order, CancellationReason::RequestedByCustomer).await.unwrap();
    assert_eq!(voided.status, OrderStatus::Voided);
    let intents = h.intents_for(&order).await;
    assert!(intents.iter().all(|pi| pi["status"] == "canceled"), "{intents:?}");
}

/// The till's clock ran three days fast when it sent a charge whose answer never came, and
/// Stripe has since forgotten the key: the intent is found by its marker, not made again.
#[tokio::test]
async fn a_fast_clock_does_not_make_a_lost_charge_twice() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ShiftedClock(std::sync::atomic::AtomicI64::new(3 * 24 * 3600)));
    let store = Arc::new(Mutex::new(Store::open_with_clock(&dir.path().join("paydesk.sqlite3"), clock).unwrap()));
    let spec = OrderInput {
        currency: "USD".into(),
        lines: vec![LineInput { description: "Tea".into(), quantity: 1, unit_price: "14.00".into() }],
        ..OrderInput::default()
    }
    .validate(Completeness::RequireLines)
    .unwrap();
    let order = store.lock().unwrap().create_order(MODE, &spec, "test").unwrap().id;
    let payments = payments_for(&sim, &store);
    sim.faults().fail_next(1, Failure::LostAnswer, None);
    sim.faults().fail_next(2, Failure::RateLimited, None);
    assert!(payments.charge_with_test_payment_method(&order, "pm_card_visa").await.is_err());
    sim.forget_idempotency_keys();
    let report = payments_for(&sim, &store).reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(store.lock().unwrap().order(&order).unwrap().status, OrderStatus::Paid);
    let http = reqwest::Client::new();
    let list: Value = http.get(format!("{}/v1/payment_intents?limit=100", sim.base_url())).bearer_auth(SECRET).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
}

#[tokio::test]
async fn three_decimal_currencies_capture_and_refund_in_steps_of_ten() {
    let h = Harness::new().await;
    let spec = OrderInput {
        currency: "KWD".into(),
        lines: vec![LineInput { description: "Dates".into(), quantity: 1, unit_price: "5.000".into() }],
        ..OrderInput::default()
    }
    .validate(Completeness::RequireLines)
    .unwrap();
    let order = h.store.lock().unwrap().create_order(MODE, &spec, "test").unwrap().id;
    h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
    let kwd = |minor| Money::new(minor, "KWD".parse().unwrap());
    let refused = h.payments.refund(&order, Some(kwd(1_005)), None).await.unwrap_err();
    assert_eq!(paydesk_core::error::ErrorCode::code(&refused), "amount_step", "{refused}");
    assert_eq!(h.payments.refund(&order, Some(kwd(1_010)), None).await.unwrap().status, OrderStatus::PartiallyRefunded);
}

#[tokio::test]
async fn every_action_on_an_order_of_another_mode_is_refused_and_changes_nothing() {
    let h = Harness::new().await;
    let demo = payments_in(AppMode::Demo, &h.sim, &h.store);
    let training = h.order_in(AppMode::Demo, "12.00");
    let started = demo.start(&training).await.unwrap();
    let before = (h.status(&training), h.events(&training), h.intents_for(&training).await);
    let latest = h.store.lock().unwrap().latest_payment_attempt(&training).unwrap();

    let refusals = [
        ("start", h.payments.start(&training).await.map(drop)),
        ("settle", h.payments.settle(&training).await.map(drop)),
        ("finalize", h.payments.finalize_on_server(&training, "ctoken_made_up", true).await.map(drop)),
        ("charge", h.payments.charge_with_test_payment_method(&training, "pm_card_visa").await.map(drop)),
        ("capture", h.payments.capture(&training, None).await.map(drop)),
        ("refund", h.payments.refund(&training, None, None).await.map(drop)),
        ("void", h.payments.void(&training, CancellationReason::RequestedByCustomer).await.map(drop)),
    ];
    for (action, result) in refusals {
        let error = result.expect_err(action);
        assert_eq!(paydesk_core::error::ErrorCode::code(&error), "order_other_mode", "{action}: {error}");
        assert_eq!(
            error.to_string(),
            "order #1001 was taken in demo mode and Paydesk is in test mode now; it can only be changed or paid in demo mode",
            "{action}"
        );
    }
    let after = (h.status(&training), h.events(&training), h.intents_for(&training).await);
    assert_eq!(after, before);
    assert_eq!(after.2.len(), 1);
    assert_eq!(after.2[0]["status"], "requires_payment_method");
    assert_eq!(h.store.lock().unwrap().latest_payment_attempt(&training).unwrap(), latest);

    // In its own mode the order is as it was: it pays on its one intent.
    let paid = demo.charge_with_test_payment_method(&training, "pm_card_visa").await.unwrap();
    assert_eq!((paid.status, paid.payment_intent_id.as_deref()), (OrderStatus::Paid, Some(started.payment_intent_id.as_str())));
}

#[tokio::test]
async fn reconciling_test_mode_leaves_demo_orders_and_their_events_alone() {
    let h = Harness::new().await;
    let demo = payments_in(AppMode::Demo, &h.sim, &h.store);
    h.payments.reconcile().await.unwrap(); // sets the test mode's events cursor
    let training = h.order_in(AppMode::Demo, "12.00");
    let real = h.order("13.00");
    for (payments, order) in [(&demo, &training), (&h.payments, &real)] {
        let started = payments.start(order).await.unwrap();
        // Paid in the window, never settled (the window crashed).
        h.browser_confirm(&started.payment_intent_id, started.client_secret.expose(), "pm_card_visa").await;
    }
    let training_events = h.events(&training);

    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!((report.orders_checked, report.orders_changed), (1, 1));
    assert_eq!(h.status(&real), OrderStatus::Paid);
    assert_eq!(h.status(&training), OrderStatus::AwaitingPayment);
    assert_eq!(h.events(&training), training_events, "no event about the demo intent was applied");
    {
        let store = h.store.lock().unwrap();
        assert!(store.setting("stripe_events_cursor:test").unwrap().is_some());
        assert_eq!(store.setting("stripe_events_cursor:demo").unwrap(), None);
        assert_eq!(store.setting("stripe_events_cursor").unwrap(), None);
    }

    // The demo mode's own reconciliation settles it.
    let report = demo.reconcile().await.unwrap();
    assert_eq!((report.orders_checked, report.orders_changed), (1, 1));
    assert_eq!(h.status(&training), OrderStatus::Paid);
}

/// A payment waiting for 3-D Secure is replaced by a charge with a saved card: the old intent
/// is canceled, then Stripe refuses the new one. No intent is waiting for the bank any more,
/// so the order waits for a card (the soak once found it left "action required"), and can
/// then be paid once.
#[tokio::test]
async fn a_3ds_payment_replaced_by_a_charge_that_stripe_refuses_waits_for_a_card_again() {
    let h = Harness::new().await;
    let order = h.order("20.00");
    let started = h.payments.start(&order).await.unwrap();
    h.browser_confirm(&started.payment_intent_id, started.client_secret.expose(), "pm_card_authenticationRequired").await;
    assert_eq!(h.payments.settle(&order).await.unwrap().status, OrderStatus::ActionRequired);
    // The charge re-reads the intent and cancels it (both answered), then its create is
    // refused by the rate limiter with advice not to retry.
    h.sim.faults().fail_next(2, Failure::Pass, None);
    h.sim.faults().fail_next(1, Failure::RateLimited, Some(false));
    let refused = h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap_err();
    assert_eq!(paydesk_core::error::ErrorCode::code(&refused), "stripe_rate_limited", "{refused}");
    assert_eq!(h.status(&order), OrderStatus::AwaitingPayment);
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.status(&order), OrderStatus::AwaitingPayment);
    assert!(h.events(&order).iter().any(|e| e.kind == "payment_replaced"));

    assert_eq!(h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap().status, OrderStatus::Paid);
    assert_eq!(h.live_intents(&order).await, 1);
}

/// A reconcile in one process reads an event's intent just as another process cancels that
/// intent to replace it: the old intent's "canceled" must not void the order whose new
/// payment is under way (it did: the customer could then pay an order shown as voided).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_that_crosses_a_replacement_in_another_process_does_not_void_the_order() {
    let h = Harness::new().await;
    h.start_following_events().await;
    let order = h.order("20.00");
    let first = h.payments.start(&order).await.unwrap();
    // The reconcile reads the intent once for the order in flight, then once for its event:
    // that second read is held.
    let path = format!("/v1/payment_intents/{}", first.payment_intent_id);
    let mut held = h.sim.faults().pause_request_to("GET", &path, 1);
    let reconcile = {
        let store = Arc::new(Mutex::new(Store::open_in(h.dir.path()).unwrap()));
        let background = payments_for(&h.sim, &store);
        tokio::spawn(async move { background.reconcile().await })
    };
    held.arrived().await;
    h.edit(&order, "24.00").unwrap();
    let replaced = h.payments.charge_with_test_payment_method(&order, "pm_card_authenticationRequired").await.unwrap();
    assert_eq!(replaced.status, OrderStatus::ActionRequired);
    held.release();
    reconcile.await.unwrap().unwrap();
    assert_eq!(h.status(&order), OrderStatus::ActionRequired);

    let second = replaced.payment_intent_id.unwrap();
    assert_ne!(second, first.payment_intent_id);
    h.authenticate(&second, true).await;
    assert_eq!(h.payments.settle(&order).await.unwrap().status, OrderStatus::Paid);
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.status(&order), OrderStatus::Paid);
}

/// Another till (the other process's reconcile, or a press there) re-sends an unanswered
/// charge under its key while the first till's own send is still on its way; Stripe makes
/// the charge from the re-send, and the first till's own try is then refused by the rate
/// limiter. That refusal says nothing about the re-send: the first till must not mark the
/// attempt failed, or the next press makes a second charge (the soak's one double charge
/// in 10,000 orders). Once with the other till's answer kept, once with it lost.
#[tokio::test]
async fn a_charge_another_till_resent_is_not_failed_by_the_first_tills_rate_limit() {
    for others_answer_lost in [false, true] {
        let h = Harness::new().await;
        let order = h.order("21.00");
        let other = payments_for(&h.sim, &Arc::new(Mutex::new(Store::open_in(h.dir.path()).unwrap())));
        let mut held = h.sim.faults().pause_arrival_to("POST", "/v1/payment_intents");
        let first = {
            let payments = Arc::new(payments_for(&h.sim, &h.store));
            let order = order.clone();
            tokio::spawn(async move { payments.charge_with_test_payment_method(&order, "pm_card_visa").await })
        };
        held.arrived().await;
        // The other till looks for the intent (two lists: one learns Stripe's clock), finds
        // none, and re-sends the create: Stripe charges the card. Then its read of the
        // payment is refused, or the re-send's answer is lost and its retries rate limited.
        if others_answer_lost {
            h.lose_then_rate_limit_after(2);
        } else {
            h.sim.faults().fail_next(3, Failure::Pass, None);
            h.sim.faults().fail_next(1, Failure::RateLimited, Some(false));
        }
        assert!(other.settle(&order).await.is_err());
        assert_eq!(h.live_intents(&order).await, 1, "the re-send charged the card");
        // The first till's own try reaches Stripe now and is rate limited, with no retry.
        h.sim.faults().fail_next(1, Failure::RateLimited, Some(false));
        held.release();
        let _ = first.await.unwrap();
        // The cashier presses Charge again.
        let again = h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await;
        assert_eq!(h.live_intents(&order).await, 1, "charged once (other's answer lost: {others_answer_lost}); {again:?}");
        assert!(matches!(again, Err(PaymentError::NotPayable { status: OrderStatus::Paid, .. })), "{again:?}");
        assert_eq!(h.status(&order), OrderStatus::Paid);
    }
}

/// The same race for a refund: the other till, pressing Refund for the same amount,
/// resolves the first till's refund (still on its way) by re-sending it under its key;
/// the first till's own try is then rate limited. The refund must not be recorded as
/// failed, and the first cashier's next press must not refund again.
#[tokio::test]
async fn a_refund_another_till_resent_is_not_failed_by_the_first_tills_rate_limit() {
    for others_answer_lost in [false, true] {
        let h = Harness::new().await;
        let order = h.order("30.00");
        h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
        let intent = h.store.lock().unwrap().order_payment(&order).unwrap().payment_intent_id.unwrap();
        let other = payments_for(&h.sim, &Arc::new(Mutex::new(Store::open_in(h.dir.path()).unwrap())));
        let mut held = h.sim.faults().pause_arrival_to("POST", "/v1/refunds");
        let first = {
            let payments = Arc::new(payments_for(&h.sim, &h.store));
            let order = order.clone();
            tokio::spawn(async move { payments.refund(&order, Some(usd(250)), None).await })
        };
        held.arrived().await;
        // The other till lists the intent's refunds (none carries the key) and re-sends it.
        if others_answer_lost {
            h.lose_then_rate_limit_after(1);
        }
        let pressed = other.refund(&order, Some(usd(250)), None).await;
        assert!(pressed.is_ok() != others_answer_lost, "{pressed:?}");
        assert_eq!(h.refunds_of(&intent).await.len(), 1, "the re-send made the refund");
        h.sim.faults().fail_next(1, Failure::RateLimited, Some(false));
        held.release();
        // Told it went through, the cashier is done; told anything else, they press again.
        if let Err(error) = first.await.unwrap() {
            let again = h.payments.refund(&order, Some(usd(250)), None).await;
            assert!(again.is_ok(), "{again:?}");
            assert_eq!(h.refunds_of(&intent).await.len(), 1, "refunded once (other's answer lost: {others_answer_lost}); first press: {error}");
        }
        assert_eq!(h.refunds_of(&intent).await.len(), 1);
        assert_eq!(h.status(&order), OrderStatus::PartiallyRefunded);
    }
}
