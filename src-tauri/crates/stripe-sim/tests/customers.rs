//! Customers, saved cards, off-session payments, card checks, SetupIntents and
//! CustomerSessions, over real HTTP, with the shapes of Stripe's fixtures.

mod common;

use common::{Api, Reply};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!("fixtures/stripe-objects.json")).expect("fixture json");
    all["resources"][name].clone()
}

/// Every field of Stripe's fixture is present (the values' types are checked in shapes.rs
/// for the older objects; here null-or-same-type).
fn assert_fields(name: &str, ours: &Value, ignore: &[&str]) {
    let reference = fixture(name);
    let missing: Vec<&String> = reference
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, rv)| {
            !ignore.contains(&k.as_str())
                && match ours.get(k.as_str()) {
                    None => true,
                    Some(ov) => !(ov.is_null() || rv.is_null() || std::mem::discriminant(ov) == std::mem::discriminant(rv)),
                }
        })
        .map(|(k, _)| k)
        .collect();
    assert!(missing.is_empty(), "{name}: missing or mistyped {missing:?} in {ours}");
    assert_eq!(ours["object"], reference["object"]);
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

async fn customer(api: &Api, form: &[(&str, &str)]) -> Value {
    let r = api.post("/v1/customers", form).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

async fn attach(api: &Api, pm: &str, cus: &str) -> Reply {
    api.post(&format!("/v1/payment_methods/{pm}/attach"), &[("customer", cus)]).await
}

fn ids(list: &Value) -> Vec<String> {
    list["data"].as_array().expect("a list").iter().map(id).collect()
}

#[tokio::test]
async fn customer_create_retrieve_update_delete() {
    let api = Api::new().await;
    let c = customer(&api, &[
        ("name", "Ada Lovelace"),
        ("email", "ada@example.com"),
        ("phone", "+44 20 7946 0000"),
        ("description", "Calls on Tuesdays"),
        ("metadata[till]", "2"),
    ])
    .await;
    assert!(id(&c).starts_with("cus_"));
    assert_fields("customer", &c, &[]);
    assert_eq!(c["name"], "Ada Lovelace");
    assert_eq!(c["email"], "ada@example.com");
    assert_eq!(c["phone"], "+44 20 7946 0000");
    assert_eq!(c["description"], "Calls on Tuesdays");
    assert_eq!(c["metadata"]["till"], "2");
    assert_eq!(c["invoice_settings"]["default_payment_method"], Value::Null);
    let path = format!("/v1/customers/{}", id(&c));
    assert_eq!(api.get(&path, &[]).await.body, c);

    let up = api.post(&path, &[("phone", "+44 20 7946 0001"), ("metadata[till]", "")]).await;
    assert_eq!(up.status, 200, "{}", up.body);
    assert_eq!(up.body["phone"], "+44 20 7946 0001");
    assert_eq!(up.body["metadata"], serde_json::json!({}));
    assert_eq!(up.body["name"], "Ada Lovelace");
    let updated = &api.events("customer.updated").await[0];
    assert_eq!(updated["data"]["object"]["phone"], "+44 20 7946 0001");
    assert_eq!(updated["data"]["previous_attributes"]["phone"], "+44 20 7946 0000");

    let bad = api.post("/v1/customers", &[("email", "not an email")]).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error()["param"], "email");
    assert_eq!(bad.error()["code"], "email_invalid");
    let unknown = api.post("/v1/customers", &[("nickname", "x")]).await;
    assert_eq!(unknown.error()["param"], "nickname");

    let del = api.send(api.http.delete(api.url(&path)).bearer_auth(&api.key)).await;
    assert_eq!(del.status, 200, "{}", del.body);
    assert_eq!(del.body, serde_json::json!({"id": id(&c), "object": "customer", "deleted": true}));
    assert_fields("deleted_customer", &del.body, &[]);
    // Stripe keeps answering a deleted customer's id with the deleted stub.
    let after = api.get(&path, &[]).await;
    assert_eq!(after.status, 200);
    assert_eq!(after.body["deleted"], true);
    let update_deleted = api.post(&path, &[("name", "x")]).await;
    assert_eq!(update_deleted.status, 404);
    assert_eq!(update_deleted.error()["code"], "resource_missing");
    let again = api.send(api.http.delete(api.url(&path)).bearer_auth(&api.key)).await;
    assert_eq!(again.status, 404);
    assert_eq!(api.events("customer.created").await.len(), 1);
    let deleted = api.events("customer.deleted").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0]["data"]["object"]["email"], "ada@example.com");
    assert!(ids(&api.get("/v1/customers", &[]).await.body).is_empty());
    let missing = api.get("/v1/customers/cus_nope", &[]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error()["message"], "No such customer: 'cus_nope'");
}

#[tokio::test]
async fn customer_list_pages_and_filters_by_email() {
    let api = Api::new().await;
    let mut made = Vec::new();
    for email in ["a@example.com", "b@example.com", "a@example.com", "c@example.com"] {
        made.push(id(&customer(&api, &[("email", email)]).await));
    }
    let page = api.get("/v1/customers", &[("limit", "2")]).await.body;
    assert_eq!(page["object"], "list");
    assert_eq!(page["url"], "/v1/customers");
    assert_eq!(page["has_more"], true);
    assert_eq!(ids(&page), vec![made[3].clone(), made[2].clone()]);
    let next = api.get("/v1/customers", &[("starting_after", &made[2])]).await.body;
    assert_eq!(ids(&next), vec![made[1].clone(), made[0].clone()]);
    let a = api.get("/v1/customers", &[("email", "a@example.com")]).await.body;
    assert_eq!(ids(&a), vec![made[2].clone(), made[0].clone()]);
    let created = api.get(&format!("/v1/customers/{}", made[0]), &[]).await.body["created"].as_i64().unwrap();
    let none = api.get("/v1/customers", &[("created[gt]", &(created + 3600).to_string())]).await.body;
    assert!(ids(&none).is_empty());
}

#[tokio::test]
async fn customer_search_by_email_name_and_phone() {
    let api = Api::new().await;
    let ada = id(&customer(&api, &[("name", "Ada Lovelace"), ("email", "ada@example.com"), ("phone", "5550100"), ("metadata[tier]", "gold")]).await);
    let grace = id(&customer(&api, &[("name", "Grace Hopper"), ("email", "grace@navy.example")]).await);
    let search = |q: &'static str| {
        let api = &api;
        async move { api.get("/v1/customers/search", &[("query", q)]).await }
    };
    let r = search("email:'ada@example.com'").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["object"], "search_result");
    assert_eq!(r.body["url"], "/v1/customers/search");
    assert_eq!(r.body["has_more"], false);
    assert_eq!(r.body["next_page"], Value::Null);
    assert_eq!(ids(&r.body), vec![ada.clone()]);
    assert_eq!(ids(&search("name~\"hopp\"").await.body), vec![grace.clone()]);
    assert_eq!(ids(&search("name:'grace hopper'").await.body), vec![grace.clone()]);
    assert!(ids(&search("name:'Grace'").await.body).is_empty(), "':' is an exact match");
    assert_eq!(ids(&search("phone:'5550100'").await.body), vec![ada.clone()]);
    assert_eq!(ids(&search("email~'example' AND -name:'Ada Lovelace'").await.body), vec![grace.clone()]);
    assert_eq!(ids(&search("email:'ada@example.com' OR email:'grace@navy.example'").await.body), vec![grace.clone(), ada.clone()]);
    assert_eq!(ids(&search("metadata['tier']:'gold'").await.body), vec![ada.clone()]);

    let paged = api.get("/v1/customers/search", &[("query", "email~'example'"), ("limit", "1"), ("expand[]", "total_count")]).await.body;
    assert_eq!(ids(&paged), vec![grace.clone()]);
    assert_eq!(paged["has_more"], true);
    assert_eq!(paged["total_count"], 2);
    let page = paged["next_page"].as_str().unwrap();
    let rest = api.get("/v1/customers/search", &[("query", "email~'example'"), ("limit", "1"), ("page", page)]).await.body;
    assert_eq!(ids(&rest), vec![ada.clone()]);
    assert_eq!(rest["has_more"], false);

    for bad in ["address:'x'", "email~'ad'", "email:ada@example.com", "email:'a' AND name:'b' OR phone:'c'", "email"] {
        let r = search(bad).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert_eq!(r.error()["param"], "query", "{bad}");
    }
    let missing = api.get("/v1/customers/search", &[]).await;
    assert_eq!(missing.error()["code"], "parameter_missing");
}

#[tokio::test]
async fn attach_detach_and_list_saved_cards() {
    let api = Api::new().await;
    let cus = id(&customer(&api, &[("name", "Ada")]).await);
    let other = id(&customer(&api, &[("name", "Grace")]).await);
    // A test PaymentMethod id stands for a fresh card each time it is used, as at Stripe.
    let a = attach(&api, "pm_card_visa", &cus).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let pm = id(&a.body);
    assert!(pm.starts_with("pm_") && pm != "pm_card_visa");
    assert_eq!(a.body["customer"], cus.as_str());
    assert_eq!(a.body["card"]["last4"], "4242");
    let b = attach(&api, "pm_card_mastercard", &cus).await;
    let pm2 = id(&b.body);
    let attached = api.events("payment_method.attached").await;
    assert_eq!(attached.len(), 2);
    assert_eq!(attached[1]["data"]["object"]["id"], pm.as_str());

    let listed = api.get(&format!("/v1/customers/{cus}/payment_methods"), &[("type", "card")]).await.body;
    assert_eq!(listed["url"], format!("/v1/customers/{cus}/payment_methods"));
    assert_eq!(ids(&listed), vec![pm2.clone(), pm.clone()]);
    assert_eq!(ids(&api.get("/v1/payment_methods", &[("customer", &cus), ("type", "card")]).await.body), vec![pm2.clone(), pm.clone()]);
    assert!(ids(&api.get(&format!("/v1/customers/{other}/payment_methods"), &[]).await.body).is_empty());
    let one = api.get(&format!("/v1/customers/{cus}/payment_methods/{pm}"), &[]).await;
    assert_eq!(one.status, 200);
    assert_eq!(api.get(&format!("/v1/customers/{other}/payment_methods/{pm}"), &[]).await.status, 404);

    let twice = attach(&api, &pm, &other).await;
    assert_eq!(twice.status, 400);
    assert_eq!(twice.error()["message"], "The payment method you provided has already been attached to a customer.");
    let nobody = attach(&api, "pm_card_visa", "cus_nope").await;
    assert_eq!(nobody.status, 400);
    assert_eq!(nobody.error()["param"], "customer");

    let d = api.post(&format!("/v1/payment_methods/{pm}/detach"), &[]).await;
    assert_eq!(d.status, 200, "{}", d.body);
    assert_eq!(d.body["customer"], Value::Null);
    let detached = api.events("payment_method.detached").await;
    assert_eq!(detached[0]["data"]["object"]["id"], pm.as_str());
    assert_eq!(detached[0]["data"]["previous_attributes"]["customer"], cus.as_str());
    let again = api.post(&format!("/v1/payment_methods/{pm}/detach"), &[]).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.error()["message"], "The payment method you provided is not attached to a customer so detachment is impossible.");
    assert_eq!(ids(&api.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await.body), vec![pm2.clone()]);

    // Deleting the customer detaches what is left.
    api.send(api.http.delete(api.url(&format!("/v1/customers/{cus}"))).bearer_auth(&api.key)).await;
    assert_eq!(api.get(&format!("/v1/payment_methods/{pm2}"), &[]).await.body["customer"], Value::Null);
    assert_eq!(api.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await.status, 404);
}

#[tokio::test]
async fn attaching_runs_the_card_check() {
    let api = Api::new().await;
    let cus = id(&customer(&api, &[]).await);
    let declined = attach(&api, "pm_card_chargeDeclined", &cus).await;
    assert_eq!(declined.status, 402, "{}", declined.body);
    assert_eq!(declined.error()["type"], "card_error");
    assert_eq!(declined.error()["code"], "card_declined");
    assert!(api.events("payment_method.attached").await.is_empty());
    // 4000000000000341: saved without complaint, declined when charged.
    let saved = attach(&api, "pm_card_chargeCustomerFail", &cus).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let pm = id(&saved.body);
    let charge = api.pay(&pm, &[("customer", &cus), ("off_session", "true")]).await;
    assert_eq!(charge.status, 402, "{}", charge.body);
    assert_eq!(charge.error()["code"], "card_declined");
    assert_eq!(charge.error()["payment_intent"]["status"], "requires_payment_method");
    assert_eq!(charge.error()["payment_intent"]["customer"], cus.as_str());
    // A customer create naming a card that fails the check creates nothing.
    let r = api.post("/v1/customers", &[("payment_method", "pm_card_chargeDeclined")]).await;
    assert_eq!(r.status, 402);
    assert_eq!(api.get("/v1/customers", &[]).await.body["data"].as_array().unwrap().len(), 1);
    let with_card = customer(&api, &[("payment_method", "pm_card_visa"), ("invoice_settings[default_payment_method]", "pm_card_visa")]).await;
    let default = with_card["invoice_settings"]["default_payment_method"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/payment_methods/{default}"), &[]).await.body["customer"], with_card["id"]);
}

#[tokio::test]
async fn setup_future_usage_saves_the_card_and_it_is_charged_off_session() {
    let api = Api::new().await;
    let cus = id(&customer(&api, &[("email", "ada@example.com")]).await);
    let first = api.pay("pm_card_visa", &[("customer", &cus), ("setup_future_usage", "off_session"), ("expand[]", "latest_charge")]).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["status"], "succeeded");
    assert_eq!(first.body["customer"], cus.as_str());
    assert_eq!(first.body["setup_future_usage"], "off_session");
    assert_eq!(first.body["latest_charge"]["customer"], cus.as_str());
    let pm = first.body["payment_method"].as_str().unwrap().to_string();
    assert_eq!(ids(&api.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await.body), vec![pm.clone()]);
    assert_eq!(api.events("payment_method.attached").await.len(), 1);

    let second = api.pay(&pm, &[("customer", &cus), ("off_session", "true")]).await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.body["status"], "succeeded");
    assert_eq!(second.body["payment_method"], pm.as_str());

    let without = api.pay(&pm, &[]).await;
    assert_eq!(without.status, 400, "{}", without.body);
    assert_eq!(without.error()["param"], "customer");
    let other = id(&customer(&api, &[]).await);
    let wrong = api.pay(&pm, &[("customer", &other)]).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.error()["param"], "payment_method");
    let not_confirmed = api.post("/v1/payment_intents", &[("amount", "500"), ("currency", "usd"), ("off_session", "true")]).await;
    assert_eq!(not_confirmed.status, 400);
    assert_eq!(not_confirmed.error()["param"], "off_session");
    let no_customer = api.pay("pm_card_visa", &[("customer", "cus_nope")]).await;
    assert_eq!(no_customer.status, 400);
    assert_eq!(no_customer.error()["code"], "resource_missing");

    // Without a customer the card is not saved anywhere; with on_session it is saved too.
    let on = api.pay("pm_card_mastercard", &[("customer", &cus), ("setup_future_usage", "on_session")]).await;
    assert_eq!(on.status, 200, "{}", on.body);
    assert_eq!(api.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await.body["data"].as_array().unwrap().len(), 2);
    // An intent that only authorizes saves the card when it is authorized.
    let held = api.pay("pm_card_amex", &[("customer", &cus), ("setup_future_usage", "off_session"), ("capture_method", "manual")]).await;
    assert_eq!(held.body["status"], "requires_capture");
    assert_eq!(api.get(&format!("/v1/customers/{cus}/payment_methods"), &[]).await.body["data"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn off_session_payment_that_needs_authentication_is_declined() {
    let api = Api::new().await;
    let cus = id(&customer(&api, &[]).await);
    let always = id(&attach(&api, "pm_card_authenticationRequired", &cus).await.body);
    let r = api.pay(&always, &[("customer", &cus), ("off_session", "true")]).await;
    assert_eq!(r.status, 402, "{}", r.body);
    let e = r.error();
    assert_eq!(e["type"], "card_error");
    assert_eq!(e["code"], "authentication_required");
    assert_eq!(e["decline_code"], "authentication_required");
    assert_eq!(e["payment_intent"]["status"], "requires_payment_method");
    assert_eq!(e["payment_intent"]["last_payment_error"]["code"], "authentication_required");
    assert!(e["charge"].as_str().unwrap().starts_with("ch_"));
    // On session the same card is challenged, as before.
    let on = api.pay(&always, &[("customer", &cus)]).await;
    assert_eq!(on.body["status"], "requires_action");

    // 4000002500003155 asks on every payment until it is set up, then no more.
    let on_setup = id(&attach(&api, "pm_card_authenticationRequiredOnSetup", &cus).await.body);
    let before = api.pay(&on_setup, &[("customer", &cus), ("off_session", "true")]).await;
    assert_eq!(before.status, 402);
    assert_eq!(before.error()["code"], "authentication_required");
    let si = api.post("/v1/setup_intents", &[("customer", &cus), ("payment_method", &on_setup), ("confirm", "true")]).await;
    assert_eq!(si.body["status"], "requires_action", "{}", si.body);
    let done = api.authenticate(&si.body, true).await;
    assert_eq!(done.body["status"], "succeeded", "{}", done.body);
    assert_eq!(done.body["setup_intent"], si.body["id"]);
    let after = api.pay(&on_setup, &[("customer", &cus), ("off_session", "true")]).await;
    assert_eq!(after.status, 200, "{}", after.body);
    assert_eq!(after.body["status"], "succeeded");
    // The card that always asks still does, set up or not.
    let si = api.post("/v1/setup_intents", &[("customer", &cus), ("payment_method", &always), ("confirm", "true")]).await;
    api.authenticate(&si.body, true).await;
    assert_eq!(api.pay(&always, &[("customer", &cus), ("off_session", "true")]).await.status, 402);
}

#[tokio::test]
async fn moto_may_save_a_card_only_for_off_session_use() {
    let api = Api::new().await;
    let cus = id(&customer(&api, &[]).await);
    let moto = ("payment_method_options[card][moto]", "true");
    let refused = api.pay("pm_card_visa", &[("customer", &cus), moto, ("setup_future_usage", "on_session")]).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.error()["type"], "invalid_request_error");
    assert_eq!(refused.error()["param"], "payment_method_options[card][moto]");
    assert_eq!(
        refused.error()["message"],
        "payment_method_options[card][moto] can be set to true only when setup_future_usage is either off_session or null."
    );
    assert!(api.events("payment_intent.created").await.is_empty(), "a refused create makes no intent");
    let created = api.create(&[("amount", "900"), ("currency", "usd"), ("customer", &cus), moto]).await;
    let path = format!("/v1/payment_intents/{}", id(&created));
    let update = api.post(&path, &[("setup_future_usage", "on_session")]).await;
    assert_eq!(update.status, 400);
    let confirm = api.post(&format!("{path}/confirm"), &[("payment_method", "pm_card_visa"), ("setup_future_usage", "on_session")]).await;
    assert_eq!(confirm.status, 400);
    assert_eq!(api.get(&path, &[]).await.body["status"], "requires_payment_method");

    let ok = api.pay("pm_card_authenticationRequired", &[("customer", &cus), moto, ("setup_future_usage", "off_session")]).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["status"], "succeeded");
    let pm = ok.body["payment_method"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/payment_methods/{pm}"), &[]).await.body["customer"], cus.as_str());
}

#[tokio::test]
async fn charges_report_the_card_checks_of_the_test_cards() {
    let api = Api::new().await;
    let checks = |r: &Reply| r.body["latest_charge"]["payment_method_details"]["card"]["checks"].clone();
    let ex = ("expand[]", "latest_charge");
    for (pm, cvc, postal, line1) in [
        ("pm_card_visa", Some("pass"), None, None),
        ("pm_card_cvcCheckFail", Some("fail"), None, None),
        ("pm_card_avsZipFail", Some("pass"), Some("fail"), None),
        ("pm_card_avsLine1Fail", Some("pass"), None, Some("fail")),
        ("pm_card_avsFail", Some("pass"), Some("fail"), Some("fail")),
        ("pm_card_avsUnchecked", Some("pass"), Some("unavailable"), Some("unavailable")),
    ] {
        let r = api.pay(pm, &[ex]).await;
        assert_eq!(r.status, 200, "{pm}: {}", r.body);
        assert_eq!(r.body["status"], "succeeded", "{pm}");
        let c = checks(&r);
        assert_eq!(c["cvc_check"].as_str(), cvc, "{pm}");
        assert_eq!(c["address_postal_code_check"].as_str(), postal, "{pm}");
        assert_eq!(c["address_line1_check"].as_str(), line1, "{pm}");
    }
    // Typed in the card frame: a check is made only on the fields given.
    let typed = |number: &'static str, line1: Option<&'static str>| {
        let api = &api;
        async move {
            let pi = api.create(&[("amount", "2000"), ("currency", "usd")]).await;
            let mut form = vec![
                ("client_secret", pi["client_secret"].as_str().unwrap().to_string()),
                ("payment_method_data[type]", "card".into()),
                ("payment_method_data[card][number]", number.into()),
                ("payment_method_data[card][exp_month]", "12".into()),
                ("payment_method_data[card][exp_year]", "2099".into()),
                ("payment_method_data[card][cvc]", "123".into()),
                ("payment_method_data[billing_details][address][postal_code]", "94103".into()),
            ];
            if let Some(l) = line1 {
                form.push(("payment_method_data[billing_details][address][line1]", l.into()));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = api.post_as(common::PUBLISHABLE, &format!("/v1/payment_intents/{}/confirm", id(&pi)), &form).await;
            assert_eq!(r.status, 200, "{number}: {}", r.body);
            let ch = api.get(&format!("/v1/charges/{}", api.get(&format!("/v1/payment_intents/{}", id(&pi)), &[]).await.body["latest_charge"].as_str().unwrap()), &[]).await;
            ch.body["payment_method_details"]["card"]["checks"].clone()
        }
    };
    let zip = typed("4000000000000036", None).await;
    assert_eq!(zip["address_postal_code_check"], "fail");
    assert_eq!(zip["address_line1_check"], Value::Null);
    let line1 = typed("4000000000000028", Some("1 Main St")).await;
    assert_eq!(line1["address_line1_check"], "fail");
    assert_eq!(line1["address_postal_code_check"], "pass");
    let cvc = typed("4000000000000101", None).await;
    assert_eq!(cvc["cvc_check"], "fail");
    let fine = typed("4242424242424242", Some("1 Main St")).await;
    assert_eq!(fine, serde_json::json!({"address_line1_check": "pass", "address_postal_code_check": "pass", "cvc_check": "pass"}));
}

#[tokio::test]
async fn setup_intents_save_cards() {
    let api = Api::new().await;
    let cus = id(&customer(&api, &[]).await);
    let si = api.post("/v1/setup_intents", &[("customer", &cus), ("payment_method_types[]", "card"), ("metadata[k]", "v")]).await;
    assert_eq!(si.status, 200, "{}", si.body);
    let seti = &si.body;
    assert_fields("setup_intent", seti, &[]);
    assert!(id(seti).starts_with("seti_"));
    assert!(seti["client_secret"].as_str().unwrap().starts_with(&format!("{}_secret_", id(seti))));
    assert_eq!(seti["status"], "requires_payment_method");
    assert_eq!(seti["usage"], "off_session");
    assert_eq!(seti["customer"], cus.as_str());
    let path = format!("/v1/setup_intents/{}", id(seti));
    let missing = api.post(&format!("{path}/confirm"), &[]).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.error()["code"], "setup_intent_unexpected_state");
    let ok = api.post(&format!("{path}/confirm"), &[("payment_method", "pm_card_visa")]).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["status"], "succeeded");
    let pm = ok.body["payment_method"].as_str().unwrap();
    assert_eq!(api.get(&format!("/v1/payment_methods/{pm}"), &[]).await.body["customer"], cus.as_str());
    assert_eq!(api.events("setup_intent.succeeded").await.len(), 1);
    assert_eq!(api.events("setup_intent.created").await.len(), 1);
    let cancel = api.post(&format!("{path}/cancel"), &[]).await;
    assert_eq!(cancel.status, 400);
    assert_eq!(cancel.error()["code"], "setup_intent_unexpected_state");
    assert_eq!(cancel.error()["setup_intent"]["status"], "succeeded");

    // 3-D Secure: the challenge page completes or fails it.
    let three = api.post("/v1/setup_intents", &[("customer", &cus), ("payment_method", "pm_card_threeDSecure2Required"), ("confirm", "true")]).await;
    assert_eq!(three.body["status"], "requires_action", "{}", three.body);
    assert_eq!(three.body["next_action"]["type"], "use_stripe_sdk");
    assert_eq!(api.events("setup_intent.requires_action").await.len(), 1);
    let failed = api.authenticate(&three.body, false).await;
    assert_eq!(failed.body["status"], "requires_payment_method");
    let after = api.get(&format!("/v1/setup_intents/{}", id(&three.body)), &[]).await.body;
    assert_eq!(after["last_setup_error"]["code"], "setup_intent_authentication_failure");
    assert_eq!(after["payment_method"], Value::Null);
    assert_eq!(api.events("setup_intent.setup_failed").await.len(), 1);
    let retry = api.post(&format!("/v1/setup_intents/{}/confirm", id(&three.body)), &[("payment_method", "pm_card_threeDSecure2Required")]).await;
    assert_eq!(api.authenticate(&retry.body, true).await.body["status"], "succeeded");

    // A declined card fails the setup with the card error and the SetupIntent in it.
    let declined = api.post("/v1/setup_intents", &[("customer", &cus), ("payment_method", "pm_card_chargeDeclinedInsufficientFunds"), ("confirm", "true")]).await;
    assert_eq!(declined.status, 402, "{}", declined.body);
    assert_eq!(declined.error()["decline_code"], "insufficient_funds");
    assert_eq!(declined.error()["setup_intent"]["status"], "requires_payment_method");
    assert_eq!(declined.error()["setup_intent"]["last_setup_error"]["decline_code"], "insufficient_funds");

    let open = api.post("/v1/setup_intents", &[("usage", "on_session")]).await.body;
    assert_eq!(open["usage"], "on_session");
    let canceled = api.post(&format!("/v1/setup_intents/{}/cancel", id(&open)), &[("cancellation_reason", "abandoned")]).await;
    assert_eq!(canceled.body["status"], "canceled");
    assert_eq!(canceled.body["cancellation_reason"], "abandoned");
    assert_eq!(api.events("setup_intent.canceled").await.len(), 1);
    let bad_usage = api.post("/v1/setup_intents", &[("usage", "sometimes")]).await;
    assert_eq!(bad_usage.error()["param"], "usage");
    let listed = api.get("/v1/setup_intents", &[("customer", &cus)]).await.body;
    assert_eq!(listed["data"].as_array().unwrap().len(), 3);

    // The Stripe.js stand-in reads it with the publishable key and its client secret only.
    let secret = open["client_secret"].as_str().unwrap();
    let client = api.get_as(common::PUBLISHABLE, &format!("/v1/setup_intents/{}", id(&open)), &[("client_secret", secret)]).await;
    assert_eq!(client.status, 200);
    assert!(client.body.get("customer").is_none(), "customer is not shown to the page");
    let wrong = api.get_as(common::PUBLISHABLE, &format!("/v1/setup_intents/{}", id(&open)), &[("client_secret", "seti_x_secret_y")]).await;
    assert_eq!(wrong.status, 400);
}

#[tokio::test]
async fn customer_sessions_for_the_payment_element() {
    let api = Api::new().await;
    let cus = id(&customer(&api, &[]).await);
    let r = api
        .post("/v1/customer_sessions", &[
            ("customer", &cus),
            ("components[payment_element][enabled]", "true"),
            ("components[payment_element][features][payment_method_save]", "enabled"),
            ("components[payment_element][features][payment_method_redisplay]", "enabled"),
            ("components[payment_element][features][payment_method_remove]", "enabled"),
        ])
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = &r.body;
    assert_fields("customer_session", s, &[]);
    assert!(s["client_secret"].as_str().unwrap().starts_with("cuss_secret_"));
    assert_eq!(s["customer"], cus.as_str());
    assert_eq!(s["expires_at"].as_i64().unwrap(), s["created"].as_i64().unwrap() + 1800);
    let f = &s["components"]["payment_element"]["features"];
    assert_eq!(s["components"]["payment_element"]["enabled"], true);
    assert_eq!(f["payment_method_save"], "enabled");
    assert_eq!(f["payment_method_redisplay"], "enabled");
    assert_eq!(f["payment_method_remove"], "enabled");
    assert_eq!(f["payment_method_allow_redisplay_filters"], serde_json::json!(["always"]));
    assert_eq!(s["components"]["buy_button"]["enabled"], false);

    let none = api.post("/v1/customer_sessions", &[("customer", &cus), ("components[payment_element][enabled]", "false")]).await;
    assert_eq!(none.status, 400);
    assert_eq!(none.error()["param"], "components");
    let no_customer = api.post("/v1/customer_sessions", &[("components[payment_element][enabled]", "true")]).await;
    assert_eq!(no_customer.error()["param"], "customer");
    let bad = api
        .post("/v1/customer_sessions", &[
            ("customer", &cus),
            ("components[payment_element][enabled]", "true"),
            ("components[payment_element][features][payment_method_save]", "yes"),
        ])
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error()["param"], "components[payment_element][features][payment_method_save]");
    let unknown = api.post("/v1/customer_sessions", &[("customer", "cus_nope"), ("components[payment_element][enabled]", "true")]).await;
    assert_eq!(unknown.error()["code"], "resource_missing");
}
