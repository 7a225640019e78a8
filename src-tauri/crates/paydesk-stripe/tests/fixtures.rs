//! The models read Stripe's own example objects (tests/fixtures/stripe-objects.json, a
//! subset of stripe/openapi's fixtures3.json) and shrug off fields and statuses they
//! do not know.

use paydesk_stripe::{
    Account, Charge, ConfirmationToken, Customer, CustomerSession, Event, List, PaymentIntent,
    PaymentIntentStatus, PaymentMethod, Refund, SetupIntent, SetupIntentStatus,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn fixture(name: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!("fixtures/stripe-objects.json"))
        .expect("fixture file is JSON");
    all["resources"][name].clone()
}

fn parse<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
}

/// The object with a field Stripe might add tomorrow.
fn with_new_field(mut v: Value) -> Value {
    v["field_from_the_future"] = json!({"nested": [1, 2, 3]});
    v
}

#[test]
fn payment_intent() {
    let pi: PaymentIntent = parse(with_new_field(fixture("payment_intent")));
    assert_eq!(pi.id, "pi_1PgafyB7WZ01zgkWSjxsAJo3");
    assert_eq!(
        (pi.amount, pi.amount_capturable, pi.amount_received),
        (1099, 0, 0)
    );
    assert_eq!(pi.currency, "usd");
    assert_eq!(pi.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert_eq!(pi.capture_method, "automatic");
    assert!(pi.client_secret.is_some());
    assert!(pi.latest_charge.is_none());
    assert_eq!(
        pi.last_payment_error.as_ref().map(|e| e.r#type.as_str()),
        Some("idempotency_error")
    );
    assert_eq!(pi.next_action_type(), Some("type"));
    assert!(pi.metadata.is_empty());
    assert_eq!(pi.created, 1234567890);
    assert!(!pi.livemode);
    assert!(!format!("{pi:?}").contains("_secret_"));
}

#[test]
fn payment_intent_with_unknown_status_and_expanded_charge() {
    let mut v = fixture("payment_intent");
    v["status"] = json!("requires_a_miracle");
    v["latest_charge"] = fixture("charge");
    let pi: PaymentIntent = parse(v);
    assert_eq!(
        pi.status,
        PaymentIntentStatus::Unknown("requires_a_miracle".into())
    );
    assert_eq!(pi.status.as_str(), "requires_a_miracle");
    let charge = pi.latest_charge_object().expect("expanded");
    assert_eq!(charge.id, "ch_1PgafuB7WZ01zgkWXYmPNZs8");
    assert_eq!(
        pi.latest_charge.as_ref().unwrap().id(),
        "ch_1PgafuB7WZ01zgkWXYmPNZs8"
    );
}

#[test]
fn charge() {
    let ch: Charge = parse(with_new_field(fixture("charge")));
    assert_eq!(ch.id, "ch_1PgafuB7WZ01zgkWXYmPNZs8");
    assert_eq!(
        (ch.amount, ch.amount_captured, ch.amount_refunded),
        (100, 0, 0)
    );
    assert_eq!(ch.status, "succeeded");
    assert!(!ch.refunded && !ch.disputed);
    assert_eq!(ch.payment_intent, None);
    let card = ch
        .payment_method_details
        .and_then(|d| d.card)
        .expect("card details");
    assert_eq!((card.brand.as_str(), card.last4.as_str()), ("visa", "4242"));
}

#[test]
fn refund() {
    let re: Refund = parse(with_new_field(fixture("refund")));
    assert_eq!(re.id, "re_1Pgc72B7WZ01zgkWqPvrRrPE");
    assert_eq!((re.amount, re.status.as_str()), (100, "succeeded"));
    assert_eq!(re.charge.as_deref(), Some("ch_1PgafuB7WZ01zgkWXYmPNZs8"));
    assert_eq!(
        (re.reason, re.payment_intent, re.failure_reason),
        (None, None, None)
    );
}

#[test]
fn refund_with_expanded_charge_keeps_its_id() {
    let mut v = fixture("refund");
    v["charge"] = fixture("charge");
    let re: Refund = parse(v);
    assert_eq!(re.charge.as_deref(), Some("ch_1PgafuB7WZ01zgkWXYmPNZs8"));
}

#[test]
fn event() {
    let ev: Event = parse(with_new_field(fixture("event")));
    assert_eq!(ev.id, "evt_1Pgc76B7WZ01zgkWwyRHS12y");
    assert_eq!(ev.kind, "plan.created");
    assert_eq!(ev.created, 1234567890);
    assert_eq!(ev.data.object["object"], "plan");
}

#[test]
fn account() {
    let acct: Account = parse(with_new_field(fixture("account")));
    assert_eq!(acct.id, "acct_1PgafTB7WZ01zgkW");
    assert_eq!(acct.country.as_deref(), Some("US"));
    assert_eq!(acct.default_currency.as_deref(), Some("usd"));
    // The fixture names the business nowhere; fall back through both places.
    assert_eq!(acct.display_name, None);
    let mut v = fixture("account");
    v["business_profile"]["name"] = json!("Corner Shop Ltd");
    assert_eq!(
        parse::<Account>(v.clone()).display_name.as_deref(),
        Some("Corner Shop Ltd")
    );
    v["settings"] =
        json!({"dashboard": {"display_name": "Corner Shop", "timezone": "Europe/London"}});
    assert_eq!(
        parse::<Account>(v).display_name.as_deref(),
        Some("Corner Shop")
    );
}

#[test]
fn confirmation_token() {
    let token: ConfirmationToken = parse(with_new_field(fixture("confirmation_token")));
    assert_eq!(token.id, "ctoken_1Pgc73B7WZ01zgkWgFXpfTtv");
}

#[test]
fn list() {
    let v = json!({
        "object": "list",
        "url": "/v1/payment_intents",
        "has_more": true,
        "data": [fixture("payment_intent"), fixture("payment_intent")],
    });
    let list: List<PaymentIntent> = parse(v);
    assert_eq!(list.data.len(), 2);
    assert!(list.has_more);
    let events: List<Event> =
        parse(json!({"object": "list", "data": [fixture("event")], "has_more": false}));
    assert_eq!(events.data[0].kind, "plan.created");
}

#[test]
fn cards_on_file_objects() {
    let customer: Customer = parse(with_new_field(fixture("customer")));
    assert_eq!((customer.id.as_str(), customer.deleted, customer.created), ("cus_QXg1o8vcGmoR32", false, 1234567890));
    let deleted: Customer = parse(fixture("deleted_customer"));
    assert!(deleted.deleted);
    let pm: PaymentMethod = parse(with_new_field(fixture("payment_method")));
    let card = pm.card.as_ref().expect("a card");
    assert_eq!((pm.kind.as_str(), card.brand.as_str(), card.last4.as_str(), card.exp_month, card.exp_year), ("card", "visa", "4242", 8, 2030));
    assert_eq!(card.checks.as_ref().and_then(|c| c.cvc_check.as_deref()), Some("pass"));
    assert_eq!(pm.customer, None);
    let session: CustomerSession = parse(with_new_field(fixture("customer_session")));
    assert_eq!((session.customer.as_str(), session.expires_at), ("cus_QXg1o8vcGmoR32", 1234567890));
    assert!(!format!("{session:?}").contains("cuss_secret_"));
    let seti: SetupIntent = parse(with_new_field(fixture("setup_intent")));
    assert_eq!((&seti.status, seti.usage.as_str()), (&SetupIntentStatus::RequiresPaymentMethod, "off_session"));
    assert!(seti.client_secret.is_some() && !format!("{seti:?}").contains("_secret_"));
    let mut odd = fixture("setup_intent");
    odd["status"] = json!("requires_a_miracle");
    assert_eq!(parse::<SetupIntent>(odd).status, SetupIntentStatus::Unknown("requires_a_miracle".into()));
}
