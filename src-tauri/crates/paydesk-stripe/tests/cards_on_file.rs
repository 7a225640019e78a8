//! The client's customer, saved-card, CustomerSession and SetupIntent calls against the
//! simulator over real HTTP.

mod common;

use common::{harness, ikey, usd, Harness, I};
use paydesk_stripe::{
    CreateCustomer, CreateCustomerSession, CreatePaymentIntent, CreateSetupIntent, ListParams,
    PaymentIntentStatus, PaymentMethods, SetupIntentStatus, SetupUsage, StripeError,
    UpdateCustomer,
};

async fn new_customer(h: &Harness, name: &str) -> paydesk_stripe::Customer {
    let params = CreateCustomer {
        name: Some(name.into()),
        email: Some("ana@example.com".into()),
        phone: Some("+1 555 0100".into()),
        metadata: vec![("paydesk_customer_id".into(), format!("local-{name}"))],
        ..Default::default()
    };
    h.client.create_customer(&params, &ikey(), I).await.unwrap()
}

/// A card saved on `customer` through a SetupIntent confirmed at once.
async fn save_card(h: &Harness, customer: &str, pm: &str) -> String {
    let params = CreateSetupIntent {
        customer: customer.into(),
        payment_methods: PaymentMethods::CardOnly,
        payment_method: Some(pm.into()),
        confirm: true,
        ..Default::default()
    };
    let seti = h.client.create_setup_intent(&params, &ikey(), I).await.unwrap();
    assert_eq!(seti.status, SetupIntentStatus::Succeeded);
    seti.payment_method.expect("a confirmed SetupIntent has its card")
}

#[tokio::test]
async fn customer_create_retrieve_update_search_delete() {
    let h = harness().await;
    let cus = new_customer(&h, "Ana").await;
    assert!(cus.id.starts_with("cus_"), "{}", cus.id);
    assert_eq!((cus.name.as_deref(), cus.email.as_deref(), cus.phone.as_deref()), (Some("Ana"), Some("ana@example.com"), Some("+1 555 0100")));
    assert_eq!(cus.metadata.get("paydesk_customer_id").map(String::as_str), Some("local-Ana"));
    assert!(!cus.deleted && !cus.livemode);

    let update = UpdateCustomer { name: Some("Ana Díaz".into()), email: Some(String::new()), ..Default::default() };
    let updated = h.client.update_customer(&cus.id, &update, &ikey(), I).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Ana Díaz"));
    assert_eq!(updated.email, None, "an empty value clears the field");
    assert_eq!(h.client.retrieve_customer(&cus.id, I).await.unwrap().name.as_deref(), Some("Ana Díaz"));

    new_customer(&h, "Bea").await;
    let found = h.client.search_customers("metadata['paydesk_customer_id']:'local-Ana'", None, I).await.unwrap();
    assert_eq!(found.data.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [cus.id.as_str()]);
    assert!(!found.has_more && found.next_page.is_none());

    let deleted = h.client.delete_customer(&cus.id, I).await.unwrap();
    assert!(deleted.deleted);
    assert!(h.client.retrieve_customer(&cus.id, I).await.unwrap().deleted, "a deleted customer reads back as deleted");
    let again = h.client.delete_customer(&cus.id, I).await.unwrap_err();
    assert!(matches!(again, StripeError::NotFound { .. }), "{again:?}");
    assert!(h.client.search_customers("metadata['paydesk_customer_id']:'local-Ana'", None, I).await.unwrap().data.is_empty());
}

#[tokio::test]
async fn saved_cards_are_listed_with_their_checks_and_detached() {
    let h = harness().await;
    let cus = new_customer(&h, "Ana").await;
    let visa = save_card(&h, &cus.id, "pm_card_visa").await;
    let amex = save_card(&h, &cus.id, "pm_card_amex").await;
    let cards = h.client.list_customer_cards(&cus.id, &ListParams::default(), I).await.unwrap();
    let ids: Vec<&str> = cards.data.iter().map(|pm| pm.id.as_str()).collect();
    assert_eq!(ids, [amex.as_str(), visa.as_str()], "newest first");
    let card = cards.data[1].card.as_ref().expect("a card");
    assert_eq!((card.brand.as_str(), card.last4.as_str()), ("visa", "4242"));
    assert!((1..=12).contains(&card.exp_month) && card.exp_year >= 2025, "{card:?}");
    assert_eq!(cards.data[1].customer.as_deref(), Some(cus.id.as_str()));
    assert_eq!(cards.data[1].kind, "card");
    assert!(card.checks.is_some());

    let paged = h.client.list_customer_cards(&cus.id, &ListParams { limit: Some(1), ..Default::default() }, I).await.unwrap();
    assert!(paged.has_more && paged.data.len() == 1);

    let detached = h.client.detach_payment_method(&visa, &ikey(), I).await.unwrap();
    assert_eq!(detached.customer, None);
    let left = h.client.list_customer_cards(&cus.id, &ListParams::default(), I).await.unwrap();
    assert_eq!(left.data.iter().map(|pm| pm.id.as_str()).collect::<Vec<_>>(), [amex.as_str()]);
    let twice = h.client.detach_payment_method(&visa, &ikey(), I).await.unwrap_err();
    assert!(matches!(twice, StripeError::InvalidRequest { .. }), "{twice:?}");
    let gone = h.client.list_customer_cards("cus_missing", &ListParams::default(), I).await.unwrap_err();
    assert!(matches!(gone, StripeError::NotFound { .. }), "{gone:?}");
}

#[tokio::test]
async fn a_customer_session_turns_on_the_payment_elements_saved_cards() {
    let h = harness().await;
    let cus = new_customer(&h, "Ana").await;
    let session = h.client.create_customer_session(&CreateCustomerSession::payment_element(&cus.id), &ikey(), I).await.unwrap();
    assert_eq!(session.customer, cus.id);
    assert!(session.client_secret.expose().starts_with("cuss_secret_"));
    assert!(session.expires_at > session.created);
    assert!(!format!("{session:?}").contains(session.client_secret.expose()), "Debug redacts the client secret");
    let refused = h.client.create_customer_session(&CreateCustomerSession::payment_element("cus_missing"), &ikey(), I).await.unwrap_err();
    assert!(matches!(refused, StripeError::InvalidRequest { .. }), "{refused:?}");
}

#[tokio::test]
async fn a_setup_intent_for_the_payment_element_is_off_session_card_only() {
    let h = harness().await;
    let cus = new_customer(&h, "Ana").await;
    let params = CreateSetupIntent {
        customer: cus.id.clone(),
        usage: SetupUsage::OffSession,
        payment_methods: PaymentMethods::CardOnly,
        metadata: vec![("paydesk_customer_id".into(), "local-Ana".into())],
        ..Default::default()
    };
    let seti = h.client.create_setup_intent(&params, &ikey(), I).await.unwrap();
    assert_eq!(seti.status, SetupIntentStatus::RequiresPaymentMethod);
    assert_eq!((seti.usage.as_str(), seti.customer.as_deref()), ("off_session", Some(cus.id.as_str())));
    assert!(seti.client_secret.as_ref().unwrap().expose().starts_with(&format!("{}_secret_", seti.id)));
    let again = h.client.retrieve_setup_intent(&seti.id, I).await.unwrap();
    assert_eq!((again.id, again.status), (seti.id, SetupIntentStatus::RequiresPaymentMethod));
    assert_eq!(again.metadata.get("paydesk_customer_id").map(String::as_str), Some("local-Ana"));

    // A card that needs authentication on setup waits for the window's 3-D Secure.
    let params = CreateSetupIntent { payment_method: Some("pm_card_authenticationRequiredOnSetup".into()), confirm: true, ..params };
    let seti = h.client.create_setup_intent(&params, &ikey(), I).await.unwrap();
    assert_eq!(seti.status, SetupIntentStatus::RequiresAction);
    assert!(seti.next_action.is_some());
}

#[tokio::test]
async fn a_saved_card_is_charged_off_session_or_by_phone_and_its_checks_come_back() {
    let h = harness().await;
    let cus = new_customer(&h, "Ana").await;
    // Saved by a first payment, as the Payment Element's checkbox (or the cashier) asks.
    let first = CreatePaymentIntent {
        payment_methods: PaymentMethods::CardOnly,
        confirm: true,
        payment_method: Some("pm_card_cvcCheckFail".into()),
        customer: Some(cus.id.clone()),
        setup_future_usage: Some(SetupUsage::OffSession),
        ..usd(1200)
    };
    let paid = h.create(&first).await;
    assert_eq!(paid.status, PaymentIntentStatus::Succeeded);
    assert_eq!((paid.customer.as_deref(), paid.setup_future_usage.as_deref()), (Some(cus.id.as_str()), Some("off_session")));
    let saved = paid.payment_method.clone().expect("the intent names its card");
    let fetched = h.client.retrieve_payment_intent(&paid.id, I).await.unwrap();
    let checks = fetched.latest_charge_object().unwrap().payment_method_details.as_ref().unwrap().card.as_ref().unwrap().checks.clone().unwrap();
    assert_eq!(checks.cvc_check.as_deref(), Some("fail"));
    let cards = h.client.list_customer_cards(&cus.id, &ListParams::default(), I).await.unwrap();
    assert_eq!(cards.data.iter().map(|pm| pm.id.as_str()).collect::<Vec<_>>(), [saved.as_str()]);

    let later = CreatePaymentIntent {
        payment_methods: PaymentMethods::CardOnly,
        confirm: true,
        payment_method: Some(saved.clone()),
        customer: Some(cus.id.clone()),
        off_session: true,
        ..usd(800)
    };
    assert_eq!(h.create(&later).await.status, PaymentIntentStatus::Succeeded);
    let phone = CreatePaymentIntent { off_session: false, moto: true, ..later.clone() };
    assert_eq!(h.create(&phone).await.status, PaymentIntentStatus::Succeeded);

    // Stripe's documented refusal: MOTO saves a card for off-session use only.
    let refused = CreatePaymentIntent { payment_method: Some("pm_card_visa".into()), setup_future_usage: Some(SetupUsage::OnSession), ..phone };
    let err = h.client.create_payment_intent(&refused, &ikey(), I).await.unwrap_err();
    assert!(matches!(&err, StripeError::InvalidRequest { param: Some(p), .. } if p == "payment_method_options[card][moto]"), "{err:?}");

    // A card that always asks for authentication, saved on a phone order (MOTO is exempt
    // from 3-D Secure), is declined off-session.
    let by_phone = CreatePaymentIntent { payment_method: Some("pm_card_authenticationRequired".into()), setup_future_usage: Some(SetupUsage::OffSession), ..refused };
    let always = h.create(&by_phone).await.payment_method.unwrap();
    let err = h.client.create_payment_intent(&CreatePaymentIntent { payment_method: Some(always), ..later }, &ikey(), I).await.unwrap_err();
    match err {
        StripeError::Card { code, payment_intent, .. } => {
            assert_eq!(code.as_deref(), Some("authentication_required"));
            assert_eq!(payment_intent.unwrap().status, PaymentIntentStatus::RequiresPaymentMethod);
        }
        other => panic!("{other:?}"),
    }
}
