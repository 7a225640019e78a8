//! Cards on file against the Stripe simulator over real loopback HTTP, with the real SQLite
//! store: saving a card with the customer's consent, charging it later (MOTO and
//! off-session), the declines and authentication a saved card can meet, a card detached or a
//! customer deleted in the Dashboard, the card checks, and a lost answer on the Stripe
//! Customer's create. The window's side (Stripe.js with the publishable key and the client
//! secret) is played with the requests Stripe.js makes.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use paydesk_core::cards::{SaveConsent, SavedCardUse};
use paydesk_core::customer::{CustomerId, CustomerInput};
use paydesk_core::mode::AppMode;
use paydesk_core::order::{OrderInput, OrderStatus};
use paydesk_core::payments::{Outcome, PaymentError, Payments};
use paydesk_core::store::{OrderId, Store, StoreError};
use paydesk_core::view::OrderView;
use paydesk_stripe::{Endpoint, PublishableKey, SecretKey, StripeClient, StripeError};
use serde_json::Value;
use stripe_sim::{Failure, SimConfig, Simulator};

const MODE: AppMode = AppMode::Test;
const SECRET: &str = "sk_test_paydesk_cards_made_up_key";
const PUBLISHABLE: &str = "pk_test_paydesk_cards_made_up_key";

use common::ShiftedClock;

struct Harness {
    sim: Simulator,
    store: Arc<Mutex<Store>>,
    payments: Payments,
    http: reqwest::Client,
    dir: tempfile::TempDir,
    clock: Arc<ShiftedClock>,
}

impl Harness {
    async fn new() -> Harness {
        let sim = Simulator::start(SimConfig::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ShiftedClock(AtomicI64::new(0)));
        let store = Arc::new(Mutex::new(Store::open_with_clock(&dir.path().join("paydesk.sqlite3"), clock.clone()).unwrap()));
        let payments = payments_in(MODE, &sim, &store);
        Harness { sim, store, payments, http: reqwest::Client::new(), dir, clock }
    }

    fn customer(&self, name: &str) -> CustomerId {
        self.customer_in(MODE, name)
    }

    fn customer_in(&self, mode: AppMode, name: &str) -> CustomerId {
        let spec = CustomerInput { name: name.into(), email: Some("ana@example.com".into()), phone: Some("+1 555 0100".into()), note: None }.validate().unwrap();
        self.store.lock().unwrap().create_customer(mode, &spec).unwrap().id
    }

    fn order_for(&self, customer: Option<&CustomerId>, price: &str) -> OrderId {
        let spec = common::one_line_order("Coffee beans", price, OrderInput { customer_id: customer.map(|c| c.to_string()), ..OrderInput::default() });
        self.store.lock().unwrap().create_order(MODE, &spec, "test").unwrap().id
    }

    fn status(&self, id: &OrderId) -> OrderStatus {
        self.store.lock().unwrap().order(id).unwrap().status
    }

    fn events(&self, id: &OrderId) -> Vec<paydesk_core::store::OrderEvent> {
        self.store.lock().unwrap().events(id).unwrap()
    }

    fn stripe_customer_of(&self, id: &CustomerId) -> Option<String> {
        self.store.lock().unwrap().customer(id).unwrap().stripe_customer_id
    }

    fn cached_cards(&self, id: &CustomerId) -> Vec<String> {
        self.store.lock().unwrap().saved_cards(MODE, id).unwrap().into_iter().map(|c| c.payment_method_id).collect()
    }

    async fn secret(&self, method: reqwest::Method, path: &str, form: &[(&str, &str)]) -> Value {
        let request = self.http.request(method, format!("{}{path}", self.sim.base_url())).bearer_auth(SECRET);
        let request = if form.is_empty() { request } else { request.form(form) };
        request.send().await.unwrap().json().await.unwrap()
    }

    async fn secret_get(&self, path: &str) -> Value {
        self.secret(reqwest::Method::GET, path, &[]).await
    }

    /// Every Stripe Customer the simulator holds for the till's customer.
    async fn stripe_customers_for(&self, id: &CustomerId) -> Vec<Value> {
        let list = self.secret_get("/v1/customers?limit=100").await;
        list["data"].as_array().unwrap().iter().filter(|c| c["metadata"]["paydesk_customer_id"] == id.as_str()).cloned().collect()
    }

    async fn intents_for(&self, id: &OrderId) -> Vec<Value> {
        let list = self.secret_get("/v1/payment_intents?limit=100").await;
        list["data"].as_array().unwrap().iter().filter(|pi| pi["metadata"]["order_id"] == id.as_str()).cloned().collect()
    }

    async fn intent(&self, id: &str) -> Value {
        self.secret_get(&format!("/v1/payment_intents/{id}")).await
    }

    /// What Stripe.js's confirmPayment / confirmSetup send: publishable key, client secret, card.
    async fn browser_confirm(&self, kind: &str, id: &str, client_secret: &str, payment_method: &str) -> Value {
        self.http
            .post(format!("{}/v1/{kind}/{id}/confirm", self.sim.base_url()))
            .bearer_auth(PUBLISHABLE)
            .form(&[("client_secret", client_secret), ("payment_method", payment_method)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn token(&self, payment_method: &str) -> String {
        let answer = self.secret(reqwest::Method::POST, "/v1/test_helpers/confirmation_tokens", &[("payment_method", payment_method)]).await;
        answer["id"].as_str().unwrap().to_owned()
    }

    /// A card saved on the customer by a phone order they agreed to save it on; its id.
    async fn saved_by_phone(&self, customer: &CustomerId, test_card: &str) -> String {
        let order = self.order_for(Some(customer), "5.00");
        let token = self.token(test_card).await;
        let settled = self.payments.finalize_on_server_saving(&order, &token, true, Some(&consent())).await.unwrap();
        assert_eq!(settled.outcome, Outcome::Paid);
        let intent = self.intent(settled.payment_intent_id.as_deref().unwrap()).await;
        intent["payment_method"].as_str().unwrap().to_owned()
    }

    /// Following Stripe's events from now on (the first reconcile only sets the cursor).
    async fn start_following_events(&self) {
        self.payments.reconcile().await.unwrap();
    }

    fn database_text(&self) -> String {
        common::database_text(self.dir.path())
    }
}

fn payments_in(mode: AppMode, sim: &Simulator, store: &Arc<Mutex<Store>>) -> Payments {
    let client = StripeClient::new(SecretKey::parse(SECRET).unwrap(), Endpoint::loopback(sim.base_url()).unwrap()).unwrap().with_backoff_scale(0.001);
    Payments::new(store.clone(), client, PublishableKey::parse(PUBLISHABLE).unwrap(), mode)
}

fn consent() -> SaveConsent {
    SaveConsent { recorded_by: "Sam at the front desk".into() }
}

#[tokio::test]
async fn a_card_saved_with_consent_is_saved_on_the_customer_with_who_and_when_in_the_events() {
    let h = Harness::new().await;
    let ana = h.customer("Ana Díaz");
    let order = h.order_for(Some(&ana), "12.00");
    let started = h.payments.start_saving(&order, Some(&consent())).await.unwrap();
    let stripe_customer = h.stripe_customer_of(&ana).expect("made when the first card is to be saved");
    let intent = h.intent(&started.payment_intent_id).await;
    assert_eq!((intent["customer"].as_str(), intent["setup_future_usage"].as_str()), (Some(stripe_customer.as_str()), Some("off_session")));
    let events = h.events(&order);
    let consent_event = events.iter().find(|e| e.kind == "card_save_consent").expect("the consent is in the order's events");
    assert!(consent_event.cause.contains("Ana Díaz") && consent_event.cause.contains("recorded by Sam at the front desk"), "{}", consent_event.cause);
    assert!(!consent_event.at.is_empty());

    let confirmed = h.browser_confirm("payment_intents", &started.payment_intent_id, started.client_secret.expose(), "pm_card_visa").await;
    assert_eq!(confirmed["status"], "succeeded", "{confirmed}");
    assert_eq!(h.payments.settle(&order).await.unwrap().outcome, Outcome::Paid);
    let cards = h.payments.saved_cards(&ana).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!((cards[0].brand.as_str(), cards[0].last4.as_str()), ("visa", "4242"));
    assert!(cards[0].exp_year >= 2025 && (1..=12).contains(&cards[0].exp_month));
    assert_eq!(h.cached_cards(&ana), [cards[0].payment_method_id.clone()]);
    // Listed again, or saved again: still the one Stripe Customer.
    h.payments.saved_cards(&ana).await.unwrap();
    let again = h.order_for(Some(&ana), "3.00");
    h.payments.start_saving(&again, Some(&consent())).await.unwrap();
    assert_eq!(h.stripe_customers_for(&ana).await.len(), 1);
    assert_eq!(h.stripe_customer_of(&ana), Some(stripe_customer));
}

#[tokio::test]
async fn a_card_is_never_saved_without_consent_and_bad_asks_change_nothing() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    let order = h.order_for(Some(&ana), "9.00");
    let plain = h.payments.start(&order).await.unwrap();
    assert_eq!(h.intent(&plain.payment_intent_id).await["setup_future_usage"], Value::Null);
    assert_eq!(h.stripe_customer_of(&ana), None, "no Stripe Customer until a card is saved or listed");

    // Consent given at the checkout: the intent that would not save is replaced by one that does...
    let saving = h.payments.start_saving(&order, Some(&consent())).await.unwrap();
    assert_ne!(saving.payment_intent_id, plain.payment_intent_id);
    assert_eq!(h.intent(&plain.payment_intent_id).await["status"], "canceled");
    assert_eq!(h.intent(&saving.payment_intent_id).await["setup_future_usage"], "off_session");
    // ...and withdrawn: replaced again by one that does not save.
    let withdrawn = h.payments.start(&order).await.unwrap();
    assert_ne!(withdrawn.payment_intent_id, saving.payment_intent_id);
    assert_eq!(h.intent(&withdrawn.payment_intent_id).await["setup_future_usage"], Value::Null);
    assert_eq!(h.intent(&saving.payment_intent_id).await["status"], "canceled");

    // No customer on the order, or nobody named as having heard the consent: refused, nothing made.
    let anonymous = h.order_for(None, "4.00");
    let err = h.payments.start_saving(&anonymous, Some(&consent())).await.unwrap_err();
    assert!(matches!(err, PaymentError::NoCustomer { .. }), "{err:?}");
    let other = h.order_for(Some(&ana), "4.50");
    let err = h.payments.start_saving(&other, Some(&SaveConsent { recorded_by: "  ".into() })).await.unwrap_err();
    assert!(matches!(err, PaymentError::InvalidConsent(_)), "{err:?}");
    for id in [&anonymous, &other] {
        assert!(h.intents_for(id).await.is_empty());
        assert_eq!(h.status(id), OrderStatus::Draft);
        assert!(h.events(id).iter().all(|e| e.kind == "created"), "{:?}", h.events(id));
    }
}

#[tokio::test]
async fn an_order_given_to_another_customer_saves_the_card_on_the_new_one() {
    let h = Harness::new().await;
    let (ana, bea) = (h.customer("Ana"), h.customer("Bea"));
    let order = h.order_for(Some(&ana), "8.00");
    let for_ana = h.payments.start_saving(&order, Some(&consent())).await.unwrap();
    let spec = common::one_line_order("Coffee beans", "8.00", OrderInput { customer_id: Some(bea.to_string()), ..OrderInput::default() });
    h.store.lock().unwrap().edit_order(MODE, &order, &spec, "test").unwrap();
    let for_bea = h.payments.start_saving(&order, Some(&consent())).await.unwrap();
    assert_ne!(for_bea.payment_intent_id, for_ana.payment_intent_id);
    assert_eq!(h.intent(&for_ana.payment_intent_id).await["status"], "canceled");
    let intent = h.intent(&for_bea.payment_intent_id).await;
    assert_eq!(intent["customer"].as_str(), h.stripe_customer_of(&bea).as_deref());
    assert_ne!(h.stripe_customer_of(&ana), h.stripe_customer_of(&bea));
}

#[tokio::test]
async fn a_phone_order_saves_the_card_only_for_off_session_use() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    let order = h.order_for(Some(&ana), "20.00");
    let token = h.token("pm_card_visa").await;
    let settled = h.payments.finalize_on_server_saving(&order, &token, true, Some(&consent())).await.unwrap();
    assert_eq!(settled.outcome, Outcome::Paid);
    let intent = h.intent(settled.payment_intent_id.as_deref().unwrap()).await;
    assert_eq!(intent["payment_method_options"]["card"]["moto"], true);
    assert_eq!(intent["setup_future_usage"], "off_session");
    let cards = h.payments.saved_cards(&ana).await.unwrap();
    assert_eq!(cards.iter().map(|c| c.payment_method_id.as_str()).collect::<Vec<_>>(), [intent["payment_method"].as_str().unwrap()]);
    assert!(h.events(&order).iter().any(|e| e.kind == "card_save_consent"));
}

#[tokio::test]
async fn a_saved_card_is_charged_by_phone_and_off_session_without_typing_it() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    let card = h.saved_by_phone(&ana, "pm_card_mastercard").await;
    let stripe_customer = h.stripe_customer_of(&ana).unwrap();

    let phone = h.order_for(Some(&ana), "31.00");
    let settled = h.payments.charge_saved_card(&phone, &card, SavedCardUse::Moto).await.unwrap();
    assert_eq!((settled.outcome, settled.card_last4.as_deref()), (Outcome::Paid, Some("4444")));
    let intent = h.intent(settled.payment_intent_id.as_deref().unwrap()).await;
    assert_eq!((intent["customer"].as_str(), intent["payment_method"].as_str()), (Some(stripe_customer.as_str()), Some(card.as_str())));
    assert_eq!((intent["amount"].as_i64(), intent["payment_method_options"]["card"]["moto"].as_bool()), (Some(3100), Some(true)));
    assert_eq!(intent["setup_future_usage"], Value::Null);

    let later = h.order_for(Some(&ana), "32.00");
    let settled = h.payments.charge_saved_card(&later, &card, SavedCardUse::OffSession).await.unwrap();
    assert_eq!(settled.outcome, Outcome::Paid);
    let intent = h.intent(settled.payment_intent_id.as_deref().unwrap()).await;
    assert_eq!((intent["amount"].as_i64(), intent["payment_method_options"]["card"]["moto"].as_bool()), (Some(3200), None));
    assert_eq!(h.status(&later), OrderStatus::Paid);

    // Only a card Stripe lists for the order's customer is charged; nothing else is even tried.
    let bea = h.customer("Bea");
    let beas_card = h.saved_by_phone(&bea, "pm_card_visa").await;
    let order = h.order_for(Some(&ana), "7.00");
    for (payment_method, code) in [(beas_card.as_str(), "not_a_saved_card"), ("pm_card_visa", "not_a_saved_card"), ("card_4242", "invalid_payment_method"), ("pm_", "invalid_payment_method")] {
        let err = h.payments.charge_saved_card(&order, payment_method, SavedCardUse::Moto).await.unwrap_err();
        assert_eq!(paydesk_core::error::ErrorCode::code(&err), code, "{payment_method}: {err:?}");
    }
    let anonymous = h.order_for(None, "7.00");
    let err = h.payments.charge_saved_card(&anonymous, &card, SavedCardUse::Moto).await.unwrap_err();
    assert!(matches!(err, PaymentError::NoCustomer { .. }), "{err:?}");
    let never_saved = h.customer("Cy");
    let cys = h.order_for(Some(&never_saved), "7.00");
    let err = h.payments.charge_saved_card(&cys, &card, SavedCardUse::Moto).await.unwrap_err();
    assert!(matches!(err, PaymentError::NotASavedCard), "{err:?}");
    for id in [&order, &anonymous, &cys] {
        assert!(h.intents_for(id).await.is_empty());
        assert_eq!(h.status(id), OrderStatus::Draft);
    }
}

#[tokio::test]
async fn a_declined_saved_card_says_so_and_the_order_stays_payable_with_the_card_form() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    // "Add card" on the customer: a SetupIntent the Payment Element confirms. This card can
    // be saved, but every charge of it is declined.
    let setup = h.payments.start_card_setup(&ana).await.unwrap();
    let confirmed = h.browser_confirm("setup_intents", &setup.setup_intent_id, setup.client_secret.expose(), "pm_card_chargeCustomerFail").await;
    assert_eq!(confirmed["status"], "succeeded", "{confirmed}");
    let seti = h.secret_get(&format!("/v1/setup_intents/{}", setup.setup_intent_id)).await;
    assert_eq!((seti["usage"].as_str(), seti["customer"].as_str()), (Some("off_session"), h.stripe_customer_of(&ana).as_deref()));
    let cards = h.payments.saved_cards(&ana).await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].last4, "0341");

    let order = h.order_for(Some(&ana), "15.00");
    let err = h.payments.charge_saved_card(&order, &cards[0].payment_method_id, SavedCardUse::Moto).await.unwrap_err();
    let PaymentError::SavedCardDeclined(settlement) = &err else { panic!("{err:?}") };
    assert_eq!(settlement.outcome, Outcome::Declined);
    assert_eq!(settlement.status, OrderStatus::AwaitingPayment);
    assert!(err.to_string().contains("saved card was declined") && err.to_string().contains("card form"), "{err}");
    assert_eq!(h.status(&order), OrderStatus::AwaitingPayment);
    assert!(h.events(&order).iter().any(|e| e.kind == "payment_declined"));

    // The card form then takes the customer's other card, for exactly the order's total.
    let started = h.payments.start(&order).await.unwrap();
    let confirmed = h.browser_confirm("payment_intents", &started.payment_intent_id, started.client_secret.expose(), "pm_card_visa").await;
    assert_eq!(confirmed["status"], "succeeded", "{confirmed}");
    assert_eq!(h.payments.settle(&order).await.unwrap().outcome, Outcome::Paid);
    let paid: Vec<Value> = h.intents_for(&order).await.into_iter().filter(|pi| pi["status"] == "succeeded").collect();
    assert_eq!(paid.len(), 1);
    assert_eq!(paid[0]["amount"], 1500);
}

#[tokio::test]
async fn authentication_required_off_session_says_so_and_a_phone_payment_still_works() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    // Saved on a phone order: MOTO is exempt from 3-D Secure, so this card could be saved.
    let card = h.saved_by_phone(&ana, "pm_card_authenticationRequired").await;
    let order = h.order_for(Some(&ana), "40.00");
    let err = h.payments.charge_saved_card(&order, &card, SavedCardUse::OffSession).await.unwrap_err();
    let PaymentError::SavedCardNeedsAuthentication(settlement) = &err else { panic!("{err:?}") };
    assert_eq!(settlement.decline_code.as_deref(), Some("authentication_required"));
    assert_eq!(paydesk_core::error::ErrorCode::code(&err), "saved_card_authentication_required");
    assert!(err.to_string().contains("approve") && err.to_string().contains("card form"), "{err}");
    assert_eq!(h.status(&order), OrderStatus::AwaitingPayment);

    // By phone (the customer is on the line) the same card goes through, on a new intent.
    let settled = h.payments.charge_saved_card(&order, &card, SavedCardUse::Moto).await.unwrap();
    assert_eq!(settled.outcome, Outcome::Paid);
    let intents = h.intents_for(&order).await;
    let statuses: Vec<&str> = intents.iter().map(|pi| pi["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == "succeeded").count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == "canceled").count(), 1, "{statuses:?}");
}

#[tokio::test]
async fn a_card_detached_in_the_dashboard_or_at_the_till_leaves_the_directory() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    let first = h.saved_by_phone(&ana, "pm_card_visa").await;
    let second = h.saved_by_phone(&ana, "pm_card_amex").await;
    assert_eq!(h.payments.saved_cards(&ana).await.unwrap().len(), 2);
    h.start_following_events().await;

    let detached = h.secret(reqwest::Method::POST, &format!("/v1/payment_methods/{first}/detach"), &[]).await;
    assert_eq!(detached["customer"], Value::Null, "{detached}");
    assert_eq!(h.cached_cards(&ana).len(), 2, "the till has not heard yet");
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.cached_cards(&ana), [second.clone()]);
    assert!(report.events_applied >= 1);

    // At the till: another customer's card is refused untouched; the customer's own goes.
    let bea = h.customer("Bea");
    let beas = h.saved_by_phone(&bea, "pm_card_discover").await;
    let err = h.payments.detach_saved_card(&ana, &beas).await.unwrap_err();
    assert!(matches!(err, PaymentError::NotASavedCard), "{err:?}");
    assert_eq!(h.payments.saved_cards(&bea).await.unwrap().len(), 1);
    // Stripe detaches it, but the answer is lost: pressed again, it is already gone.
    let list_then_lose = || {
        h.sim.faults().fail_next(1, Failure::Pass, None);
        h.sim.faults().fail_next(1, Failure::LostAnswer, None);
        h.sim.faults().fail_next(2, Failure::RateLimited, None);
    };
    list_then_lose();
    let err = h.payments.detach_saved_card(&ana, &second).await.unwrap_err();
    assert!(matches!(err, PaymentError::Stripe(ref e) if e.outcome_unknown()), "{err:?}");
    assert_eq!(h.cached_cards(&ana), [second.clone()]);
    assert!(h.payments.detach_saved_card(&ana, &second).await.unwrap().is_empty());
    assert!(h.cached_cards(&ana).is_empty());
    assert!(h.payments.saved_cards(&ana).await.unwrap().is_empty());
    // Once the till knows it is gone, it is no longer one of the customer's cards.
    let err = h.payments.detach_saved_card(&ana, &second).await.unwrap_err();
    assert!(matches!(err, PaymentError::NotASavedCard), "{err:?}");
}

#[tokio::test]
async fn a_customer_deleted_at_stripe_loses_its_stripe_id_and_saved_cards() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    h.saved_by_phone(&ana, "pm_card_visa").await;
    assert_eq!(h.payments.saved_cards(&ana).await.unwrap().len(), 1);
    let deleted_id = h.stripe_customer_of(&ana).unwrap();
    h.start_following_events().await;

    let deleted = h.secret(reqwest::Method::DELETE, &format!("/v1/customers/{deleted_id}"), &[]).await;
    assert_eq!(deleted["deleted"], true, "{deleted}");
    let report = h.payments.reconcile().await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(h.stripe_customer_of(&ana), None);
    assert!(h.cached_cards(&ana).is_empty());

    // The next card saved for them goes on a new Stripe Customer.
    let card = h.saved_by_phone(&ana, "pm_card_amex").await;
    let renewed = h.stripe_customer_of(&ana).unwrap();
    assert_ne!(renewed, deleted_id);
    assert_eq!(h.payments.saved_cards(&ana).await.unwrap().iter().map(|c| c.payment_method_id.clone()).collect::<Vec<_>>(), [card]);

    // Deleted while the till was not following (a demo simulator restarted is the same):
    // the next listing finds it gone.
    let bea = h.customer("Bea");
    h.saved_by_phone(&bea, "pm_card_visa").await;
    h.payments.saved_cards(&bea).await.unwrap();
    let beas_id = h.stripe_customer_of(&bea).unwrap();
    let direct = h.http.delete(format!("{}/v1/customers/{beas_id}", h.sim.base_url())).bearer_auth(SECRET).send().await.unwrap();
    assert!(direct.status().is_success());
    let payments = payments_in(MODE, &h.sim, &h.store);
    assert!(payments.saved_cards(&bea).await.unwrap().is_empty());
    let fresh = h.stripe_customer_of(&bea).expect("listing makes a new Stripe Customer");
    assert_ne!(fresh, beas_id);
    assert!(h.cached_cards(&bea).is_empty());
}

#[tokio::test]
async fn a_lost_answer_on_the_stripe_customers_create_never_makes_two() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    // Stripe makes the Customer; its answer is lost and the retries are rate limited.
    h.sim.faults().fail_next(1, Failure::LostAnswer, None);
    h.sim.faults().fail_next(2, Failure::RateLimited, None);
    let err = h.payments.saved_cards(&ana).await.unwrap_err();
    assert!(matches!(err, PaymentError::Stripe(ref e) if e.outcome_unknown()), "{err:?}");
    assert_eq!(h.stripe_customers_for(&ana).await.len(), 1);
    assert_eq!(h.stripe_customer_of(&ana), None);

    // Asked again: the same request under the same key; Stripe replays its answer.
    assert!(h.payments.saved_cards(&ana).await.unwrap().is_empty());
    let made = h.stripe_customers_for(&ana).await;
    assert_eq!(made.len(), 1);
    assert_eq!(h.stripe_customer_of(&ana).as_deref(), made[0]["id"].as_str());

    // Two days later, when Stripe has forgotten the key, a lost create is found by the key
    // written on it, not sent again.
    let bea = h.customer("Bea");
    h.sim.faults().fail_next(1, Failure::LostAnswer, None);
    h.sim.faults().fail_next(2, Failure::RateLimited, None);
    h.payments.saved_cards(&bea).await.unwrap_err();
    h.sim.forget_idempotency_keys();
    h.clock.0.store(2 * 24 * 3600, Ordering::SeqCst);
    assert!(h.payments.saved_cards(&bea).await.unwrap().is_empty());
    let made = h.stripe_customers_for(&bea).await;
    assert_eq!(made.len(), 1);
    assert_eq!(h.stripe_customer_of(&bea).as_deref(), made[0]["id"].as_str());
}

#[tokio::test]
async fn a_create_that_met_a_server_error_is_sent_again_under_its_key() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    h.sim.faults().fail_next(1, Failure::ServerError, Some(false));
    let err = h.payments.saved_cards(&ana).await.unwrap_err();
    assert!(matches!(err, PaymentError::Stripe(StripeError::OutcomeUnknown { .. } | StripeError::Api { .. })), "{err:?}");
    assert_eq!(h.stripe_customer_of(&ana), None);
    assert!(h.payments.saved_cards(&ana).await.unwrap().is_empty());
    assert_eq!(h.stripe_customers_for(&ana).await.len(), 1);
    assert!(h.stripe_customer_of(&ana).is_some());
}

#[tokio::test]
async fn the_card_checks_are_kept_with_the_payment_and_shown_in_the_orders_view() {
    let h = Harness::new().await;
    let view = |id: &OrderId| OrderView::read(&h.store.lock().unwrap(), id, MODE).unwrap();
    let order = h.order_for(None, "10.00");
    h.payments.charge_with_test_payment_method(&order, "pm_card_cvcCheckFail").await.unwrap();
    let payment = view(&order).payment;
    assert_eq!(payment.card_checks.cvc.as_deref(), Some("fail"));
    assert!(payment.card_check_warning.as_deref().is_some_and(|w| w.contains("security code (CVC)")), "{payment:?}");
    let json = serde_json::to_value(view(&order)).unwrap();
    assert_eq!(json["payment"]["cardChecks"]["cvc"], "fail");

    let order = h.order_for(None, "10.01");
    h.payments.charge_with_test_payment_method(&order, "pm_card_avsZipFail").await.unwrap();
    let payment = view(&order).payment;
    assert_eq!((payment.card_checks.cvc.as_deref(), payment.card_checks.postal_code.as_deref()), (Some("pass"), Some("fail")));
    assert!(payment.card_check_warning.unwrap().contains("postal code"));

    let order = h.order_for(None, "10.02");
    h.payments.charge_with_test_payment_method(&order, "pm_card_visa").await.unwrap();
    let payment = view(&order).payment;
    assert_eq!(payment.card_checks.cvc.as_deref(), Some("pass"));
    assert_eq!(payment.card_check_warning, None);

    // A saved card's own checks are shown on the customer's card.
    let ana = h.customer("Ana");
    h.saved_by_phone(&ana, "pm_card_avsLine1Fail").await;
    let cards = h.payments.saved_cards(&ana).await.unwrap();
    assert_eq!(cards[0].checks.line1.as_deref(), Some("fail"));
    assert!(cards[0].warning.as_deref().is_some_and(|w| w.contains("street address")));
    assert_eq!(h.cached_cards(&ana).len(), 1);
    assert!(h.store.lock().unwrap().saved_cards(MODE, &ana).unwrap()[0].warning.is_some());
}

#[tokio::test]
async fn another_modes_customer_is_never_sent_to_this_modes_stripe() {
    let h = Harness::new().await;
    let trainee = h.customer_in(AppMode::Demo, "Trainee");
    let err = h.payments.saved_cards(&trainee).await.unwrap_err();
    assert!(matches!(err, PaymentError::Store(StoreError::CustomerNotFound(_))), "{err:?}");
    let err = h.payments.customer_session(&trainee).await.unwrap_err();
    assert!(matches!(err, PaymentError::Store(StoreError::CustomerNotFound(_))), "{err:?}");
    assert!(h.stripe_customers_for(&trainee).await.is_empty());
    assert_eq!(h.store.lock().unwrap().stripe_customer_of(AppMode::Demo, &trainee).unwrap(), None);
}

#[tokio::test]
async fn client_secrets_of_sessions_and_setups_never_reach_the_database() {
    let h = Harness::new().await;
    let ana = h.customer("Ana");
    let session = h.payments.customer_session(&ana).await.unwrap();
    assert!(session.client_secret.expose().starts_with("cuss_secret_"));
    let setup = h.payments.start_card_setup(&ana).await.unwrap();
    let order = h.order_for(Some(&ana), "6.00");
    let started = h.payments.start_saving(&order, Some(&consent())).await.unwrap();
    let text = h.database_text();
    for secret in [session.client_secret.expose(), setup.client_secret.expose(), started.client_secret.expose()] {
        assert!(!text.contains(secret));
        assert!(!format!("{session:?}{setup:?}").contains(secret));
    }
    assert!(!text.contains("_secret_"));
}
