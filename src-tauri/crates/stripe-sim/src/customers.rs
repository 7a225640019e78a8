//! Customers, saved payment methods, SetupIntents and CustomerSessions: the `/v1`
//! endpoints for cards on file, and the SetupIntent's state transitions.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::api::{
    choose_payment_method, enum_param, expand, list, live_customer, metadata, payment_method_config, test_card_method,
    ApiRequest, Key, ADDRESS, AFTER, BEFORE, CREATED, EXPAND, LIMIT, METADATA,
};
use crate::cards::{Behaviour, Decline};
use crate::errors::ApiError;
use crate::form::{parse_bool, path_str, Param, Params, Spec};
use crate::objects;
use crate::state::{challenge, new_id, now, push_random_chars, Ctx, Customer, CustomerSession, Outcome, SetupIntent, Status, Store};

static CUSTOMER_CREATE: &[(&str, Spec)] = &[
    ("name", Spec::Scalar), ("email", Spec::Scalar), ("phone", Spec::Scalar), ("description", Spec::Scalar),
    ("address", ADDRESS), METADATA, ("payment_method", Spec::Scalar),
    ("invoice_settings", Spec::Map(&[("default_payment_method", Spec::Scalar)])), EXPAND,
];
static CUSTOMER_UPDATE: &[(&str, Spec)] = &[
    ("name", Spec::Scalar), ("email", Spec::Scalar), ("phone", Spec::Scalar), ("description", Spec::Scalar),
    ("address", ADDRESS), METADATA, ("invoice_settings", Spec::Map(&[("default_payment_method", Spec::Scalar)])), EXPAND,
];
static CUSTOMER_LIST: &[(&str, Spec)] = &[LIMIT, AFTER, BEFORE, CREATED, ("email", Spec::Scalar), EXPAND];
static CUSTOMER_SEARCH: &[(&str, Spec)] = &[("query", Spec::Scalar), LIMIT, ("page", Spec::Scalar), EXPAND];
static PM_ATTACH: &[(&str, Spec)] = &[("customer", Spec::Scalar), EXPAND];
static PM_LIST: &[(&str, Spec)] = &[LIMIT, AFTER, BEFORE, ("type", Spec::Scalar), ("customer", Spec::Scalar), ("allow_redisplay", Spec::Scalar), EXPAND];
static ONLY_EXPAND: &[(&str, Spec)] = &[EXPAND];
static SETI_CREATE: &[(&str, Spec)] = &[
    ("customer", Spec::Scalar), ("payment_method_types", Spec::List(&Spec::Scalar)),
    ("automatic_payment_methods", Spec::Map(&[("enabled", Spec::Scalar), ("allow_redirects", Spec::Scalar)])),
    ("usage", Spec::Scalar), ("payment_method", Spec::Scalar), ("confirm", Spec::Scalar), ("description", Spec::Scalar),
    METADATA, ("return_url", Spec::Scalar), ("use_stripe_sdk", Spec::Scalar), EXPAND,
];
static SETI_UPDATE: &[(&str, Spec)] = &[
    ("customer", Spec::Scalar), ("payment_method", Spec::Scalar), ("payment_method_types", Spec::List(&Spec::Scalar)),
    ("description", Spec::Scalar), METADATA, EXPAND,
];
static SETI_CONFIRM: &[(&str, Spec)] = &[
    ("payment_method", Spec::Scalar), ("client_secret", Spec::Scalar), ("return_url", Spec::Scalar),
    ("use_stripe_sdk", Spec::Scalar), ("payment_method_data", Spec::Map(&[
        ("type", Spec::Scalar),
        ("card", Spec::Map(&[("number", Spec::Scalar), ("exp_month", Spec::Scalar), ("exp_year", Spec::Scalar), ("cvc", Spec::Scalar)])),
        ("billing_details", Spec::Map(&[("address", ADDRESS), ("email", Spec::Scalar), ("name", Spec::Scalar), ("phone", Spec::Scalar)])),
    ])), EXPAND,
];
static SETI_CANCEL: &[(&str, Spec)] = &[("cancellation_reason", Spec::Scalar), EXPAND];
static SETI_LIST: &[(&str, Spec)] = &[LIMIT, AFTER, BEFORE, CREATED, ("customer", Spec::Scalar), ("payment_method", Spec::Scalar), EXPAND];
const FEATURES: Spec = Spec::Map(&[
    ("payment_method_allow_redisplay_filters", Spec::List(&Spec::Scalar)), ("payment_method_redisplay", Spec::Scalar),
    ("payment_method_redisplay_limit", Spec::Scalar), ("payment_method_remove", Spec::Scalar),
    ("payment_method_save", Spec::Scalar), ("payment_method_save_usage", Spec::Scalar),
]);
static SESSION_CREATE: &[(&str, Spec)] = &[
    ("customer", Spec::Scalar),
    ("components", Spec::Map(&[
        ("payment_element", Spec::Map(&[("enabled", Spec::Scalar), ("features", FEATURES)])),
        ("buy_button", Spec::Map(&[("enabled", Spec::Scalar)])),
        ("pricing_table", Spec::Map(&[("enabled", Spec::Scalar)])),
    ])),
    EXPAND,
];

pub fn dispatch(store: &mut Store, req: &ApiRequest, segs: &[&str]) -> Outcome<Value> {
    let p = &req.params;
    match (req.method, segs) {
        ("POST", ["v1", "customers"]) => create_customer(store, req),
        ("GET", ["v1", "customers"]) => {
            p.check(CUSTOMER_LIST)?;
            let email = p.str("email").map(str::to_string);
            let items = store
                .customers
                .newest_first()
                .filter(|c| !c.deleted && email.as_deref().is_none_or(|e| c.email.as_deref() == Some(e)))
                .map(|c| (c.id.as_str(), c.created, objects::customer(c)));
            expand(store, list(items, p, "/v1/customers")?, p, true)
        }
        ("GET", ["v1", "customers", "search"]) => search_customers(store, p),
        ("GET", ["v1", "customers", id]) => {
            p.check(ONLY_EXPAND)?;
            let c = customer(store, id)?;
            expand(store, objects::customer(c), p, false)
        }
        ("POST", ["v1", "customers", id]) => update_customer(store, req, id),
        ("DELETE", ["v1", "customers", id]) => {
            p.check(&[])?;
            let c = live_customer(store, id, "id").map_err(|_| ApiError::no_such("customer", id, "id", 404))?;
            let before = objects::customer(c);
            let saved: Vec<String> = store.payment_methods.newest_first().filter(|pm| pm.customer.as_deref() == Some(*id)).map(|pm| pm.id.clone()).collect();
            // Stripe's reference does not say what becomes of the saved cards; the simulator
            // detaches them, each with its event, so that no card points at a deleted customer.
            for pm in saved {
                store.detach(&req.ctx, &pm);
            }
            store.customers.get_mut(id).expect("customer exists").deleted = true;
            store.emit(&req.ctx, "customer.deleted", before);
            Ok(objects::customer(&store.customers.by_id[*id]))
        }
        ("GET", ["v1", "customers", id, "payment_methods"]) => {
            p.check(PM_LIST)?;
            live_customer(store, id, "customer").map_err(|_| ApiError::no_such("customer", id, "customer", 404))?;
            list_payment_methods(store, p, id, &format!("/v1/customers/{id}/payment_methods"))
        }
        ("GET", ["v1", "customers", cus, "payment_methods", pm]) => {
            p.check(ONLY_EXPAND)?;
            live_customer(store, cus, "customer").map_err(|_| ApiError::no_such("customer", cus, "customer", 404))?;
            let found = store.payment_methods.get(pm).filter(|m| m.customer.as_deref() == Some(*cus));
            let pm = found.ok_or_else(|| ApiError::no_such("PaymentMethod", pm, "payment_method", 404))?;
            expand(store, objects::payment_method(pm), p, false)
        }
        ("GET", ["v1", "payment_methods"]) => {
            p.check(PM_LIST)?;
            let customer = p.opt_str("customer").ok_or_else(|| ApiError::missing_param("customer"))?;
            live_customer(store, &customer, "customer")?;
            list_payment_methods(store, p, &customer, "/v1/payment_methods")
        }
        ("GET", ["v1", "payment_methods", id]) => {
            p.check(ONLY_EXPAND)?;
            let pm = store.payment_methods.get(id).ok_or_else(|| ApiError::no_such("PaymentMethod", id, "id", 404))?;
            expand(store, objects::payment_method(pm), p, false)
        }
        ("POST", ["v1", "payment_methods", id, "attach"]) => {
            p.check(PM_ATTACH)?;
            let customer = p.opt_str("customer").ok_or_else(|| ApiError::missing_param("customer"))?;
            let pm = attach_payment_method(store, &req.ctx, id, &customer)?;
            expand(store, objects::payment_method(&store.payment_methods.by_id[&pm]), p, false)
        }
        ("POST", ["v1", "payment_methods", id, "detach"]) => {
            p.check(ONLY_EXPAND)?;
            let pm = store.payment_methods.get(id).ok_or_else(|| ApiError::no_such("PaymentMethod", id, "payment_method", 404))?;
            if pm.customer.is_none() {
                return Err(ApiError::invalid_request(
                    "The payment method you provided is not attached to a customer so detachment is impossible.",
                    None,
                ));
            }
            store.detach(&req.ctx, id);
            expand(store, objects::payment_method(&store.payment_methods.by_id[*id]), p, false)
        }
        ("POST", ["v1", "setup_intents"]) => create_setup_intent(store, req),
        ("GET", ["v1", "setup_intents"]) => {
            p.check(SETI_LIST)?;
            let (cus, pm) = (p.opt_str("customer"), p.opt_str("payment_method"));
            let items = store
                .setup_intents
                .newest_first()
                .filter(|si| cus.is_none() || si.customer == cus)
                .filter(|si| pm.is_none() || si.payment_method == pm)
                .map(|si| (si.id.as_str(), si.created, objects::setup_intent(si)));
            expand(store, list(items, p, "/v1/setup_intents")?, p, true)
        }
        ("GET", ["v1", "setup_intents", id]) => {
            p.check(&[("client_secret", Spec::Scalar), EXPAND])?;
            client_visible_setup(store, req, id)?;
            render_setup(store, req, id)
        }
        ("POST", ["v1", "setup_intents", id]) => update_setup_intent(store, req, id),
        ("POST", ["v1", "setup_intents", id, "confirm"]) => confirm_setup_intent(store, req, id),
        ("POST", ["v1", "setup_intents", id, "cancel"]) => {
            p.check(SETI_CANCEL)?;
            let reason = enum_param(p, "cancellation_reason", &["abandoned", "requested_by_customer", "duplicate"])?.map(str::to_string);
            let si = setup(store, id)?;
            if matches!(si.status, Status::Succeeded | Status::Canceled | Status::Processing) {
                return Err(setup_unexpected_state(
                    format!(
                        "You cannot cancel this SetupIntent because it has a status of {}. Only a SetupIntent with one of the following statuses may be canceled: requires_payment_method, requires_confirmation, requires_action.",
                        si.status.as_str()
                    ),
                    objects::setup_intent(si),
                ));
            }
            let si = store.setup_intents.get_mut(id).expect("setup intent exists");
            si.status = Status::Canceled;
            si.cancellation_reason = reason;
            si.next_action = None;
            si.three_ds_source = None;
            emit_setup(store, &req.ctx, "setup_intent.canceled", id);
            render_setup(store, req, id)
        }
        ("POST", ["v1", "customer_sessions"]) => create_customer_session(store, req),
        _ => Err(ApiError::unrecognized_url(req.method, req.path)),
    }
}

/// A customer by id; a deleted one is still found (retrieve answers its deleted stub).
fn customer<'a>(store: &'a Store, id: &str) -> Outcome<&'a Customer> {
    store.customers.get(id).ok_or_else(|| ApiError::no_such("customer", id, "id", 404))
}

fn email_param(p: &Params) -> Outcome<Option<String>> {
    let email = p.opt_str("email");
    if let Some(e) = &email {
        let valid = e.chars().count() <= 512
            && e.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.'))
            && !e.chars().any(char::is_whitespace);
        if !valid {
            return Err(ApiError::invalid_request(format!("Invalid email address: {e}"), Some("email".into())).with_code("email_invalid"));
        }
    }
    Ok(email)
}

fn address_param(p: &Params) -> Option<Value> {
    let m = p.map("address")?;
    let mut a = json!({"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null});
    for f in ["city", "country", "line1", "line2", "postal_code", "state"] {
        if let Some(v) = path_str(m, &[f]).filter(|v| !v.is_empty()) {
            a[f] = json!(v);
        }
    }
    Some(a)
}

fn invoice_prefix() -> String {
    let mut raw = String::new();
    push_random_chars(&mut raw, 8);
    raw.chars().map(|c| c.to_ascii_uppercase()).map(|c| if c.is_ascii_hexdigit() { c } else { 'A' }).collect()
}

fn create_customer(store: &mut Store, req: &ApiRequest) -> Outcome<Value> {
    let p = &req.params;
    p.check(CUSTOMER_CREATE)?;
    let email = email_param(p)?;
    let md = metadata(p, BTreeMap::new())?;
    let default_pm = p.map("invoice_settings").and_then(|m| path_str(m, &["default_payment_method"])).filter(|s| !s.is_empty()).map(str::to_string);
    let attach = p.opt_str("payment_method");
    if let Some(pm) = &attach {
        attachable(store, pm)?;
    }
    let id = new_id("cus").chars().take(18).collect::<String>();
    let c = Customer {
        id: id.clone(),
        created: now(),
        name: p.opt_str("name"),
        email,
        phone: p.opt_str("phone"),
        description: p.opt_str("description"),
        address: address_param(p),
        metadata: md,
        invoice_prefix: invoice_prefix(),
        default_payment_method: None,
        deleted: false,
    };
    store.customers.insert(id.clone(), c);
    let obj = objects::customer(&store.customers.by_id[&id]);
    store.emit(&req.ctx, "customer.created", obj);
    if let Some(pm) = attach {
        let attached = attach_payment_method(store, &req.ctx, &pm, &id)?;
        if default_pm.as_deref() == Some(pm.as_str()) {
            store.customers.get_mut(&id).expect("customer exists").default_payment_method = Some(attached);
        }
    }
    if let Some(d) = default_pm.filter(|_| store.customers.by_id[&id].default_payment_method.is_none()) {
        set_default_payment_method(store, &id, &d)?;
    }
    expand(store, objects::customer(&store.customers.by_id[&id]), p, false)
}

/// The checks of [`attach_payment_method`] that need no customer, so that a customer
/// create naming a payment method that cannot be attached changes nothing.
fn attachable(store: &Store, id: &str) -> Outcome<()> {
    let (behaviour, pm) = match crate::cards::by_alias(id) {
        Some(card) => (card.behaviour, None),
        None => {
            let pm = store.payment_methods.get(id).ok_or_else(|| ApiError::no_such("PaymentMethod", id, "payment_method", 400))?;
            if pm.customer.is_some() {
                return Err(ApiError::invalid_request("The payment method you provided has already been attached to a customer.", Some("payment_method".into())));
            }
            (pm.card.behaviour, Some(objects::payment_method(pm)))
        }
    };
    match behaviour {
        Behaviour::Decline(d) => Err(card_check_failed(d, pm.unwrap_or(Value::Null))),
        _ => Ok(()),
    }
}

fn set_default_payment_method(store: &mut Store, cus: &str, pm: &str) -> Outcome<()> {
    if store.payment_methods.get(pm).and_then(|m| m.customer.as_deref()) != Some(cus) {
        return Err(ApiError::invalid_request(
            format!("No such PaymentMethod: '{pm}'; it must be attached to the customer {cus} to be its default."),
            Some("invoice_settings[default_payment_method]".into()),
        )
        .with_code("resource_missing"));
    }
    store.customers.get_mut(cus).expect("customer exists").default_payment_method = Some(pm.to_string());
    Ok(())
}

fn update_customer(store: &mut Store, req: &ApiRequest, id: &str) -> Outcome<Value> {
    let p = &req.params;
    p.check(CUSTOMER_UPDATE)?;
    let c = live_customer(store, id, "id").map_err(|_| ApiError::no_such("customer", id, "id", 404))?;
    let before = objects::customer(c);
    let email = email_param(p)?;
    let md = metadata(p, c.metadata.clone())?;
    if let Some(d) = p.map("invoice_settings").and_then(|m| path_str(m, &["default_payment_method"])) {
        if d.is_empty() {
            store.customers.get_mut(id).expect("customer exists").default_payment_method = None;
        } else {
            set_default_payment_method(store, id, d)?;
        }
    }
    let c = store.customers.get_mut(id).expect("customer exists");
    c.metadata = md;
    if p.has("email") {
        c.email = email;
    }
    for (field, slot) in [("name", &mut c.name), ("phone", &mut c.phone), ("description", &mut c.description)] {
        if p.has(field) {
            *slot = p.opt_str(field);
        }
    }
    if p.has("address") {
        c.address = address_param(p);
    }
    let after = objects::customer(c);
    let previous: serde_json::Map<String, Value> = before
        .as_object()
        .expect("an object")
        .iter()
        .filter(|(k, v)| after.get(k.as_str()) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !previous.is_empty() {
        store.emit_with_previous(&req.ctx, "customer.updated", &after, &Value::Object(previous));
    }
    expand(store, after, p, false)
}

/// Attaches `id` (a test PaymentMethod alias makes a new PaymentMethod, as Stripe does) after
/// the card check Stripe runs on attach: a card that declines charges fails it, except
/// 4000000000000341, made to pass it. Returns the attached PaymentMethod's id.
fn attach_payment_method(store: &mut Store, ctx: &Ctx, id: &str, customer: &str) -> Outcome<String> {
    live_customer(store, customer, "customer")?;
    let pm_id = match test_card_method(store, id) {
        Some(pm) => pm,
        None => store.payment_methods.get(id).map(|pm| pm.id.clone()).ok_or_else(|| ApiError::no_such("PaymentMethod", id, "payment_method", 404))?,
    };
    let pm = &store.payment_methods.by_id[&pm_id];
    if pm.customer.is_some() {
        return Err(ApiError::invalid_request("The payment method you provided has already been attached to a customer.", None));
    }
    if let Behaviour::Decline(d) = pm.card.behaviour {
        return Err(card_check_failed(d, objects::payment_method(pm)));
    }
    store.attach(ctx, &pm_id, customer);
    Ok(pm_id)
}

fn card_check_failed(d: Decline, pm: Value) -> ApiError {
    let mut e = ApiError::new(402, "card_error", d.message).with_code(d.code);
    e.decline_code = d.decline_code.map(str::to_string);
    e.payment_method = Some(pm);
    e
}

fn list_payment_methods(store: &Store, p: &Params, customer: &str, url: &str) -> Outcome<Value> {
    if let Some(t) = p.opt_str("type").filter(|t| t != "card") {
        return Err(ApiError::invalid_request(
            format!("The payment method type \"{t}\" is invalid. The simulator supports only \"card\"."),
            Some("type".into()),
        ));
    }
    let redisplay = enum_param(p, "allow_redisplay", &["always", "limited", "unspecified"])?;
    let items = store
        .payment_methods
        .newest_first()
        .filter(|pm| pm.customer.as_deref() == Some(customer))
        .filter(|_| redisplay.is_none_or(|r| r == "unspecified"))
        .map(|pm| (pm.id.as_str(), pm.created, objects::payment_method(pm)));
    expand(store, list(items, p, url)?, p, true)
}

// ---- search ----

#[derive(Debug, PartialEq)]
enum Op {
    Exact,
    Substring,
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug)]
struct Clause {
    negated: bool,
    field: String,
    metadata_key: Option<String>,
    op: Op,
    value: String,
    quoted: bool,
}

fn query_error(message: impl Into<String>) -> ApiError {
    ApiError::invalid_request(message, Some("query".into()))
}

/// Stripe's search query language for customers: clauses `field:value` (exact),
/// `field~value` (substring, 3 characters at least), `created>N` (and `<`, `>=`, `<=`),
/// `metadata['key']:'value'`, each negated by a leading `-`, joined by spaces or `AND`, or by
/// `OR` (never both in one query). String values are quoted ('…' or "…", `\` escapes).
/// Matching ignores letter case.
fn parse_query(q: &str) -> Outcome<(Vec<Clause>, bool)> {
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    let mut clauses = Vec::new();
    let (mut saw_and, mut saw_or) = (false, false);
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= chars.len() {
            break;
        }
        let word: String = chars[i..].iter().take_while(|c| c.is_ascii_alphabetic()).collect();
        if !clauses.is_empty() && (word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or")) && chars.get(i + word.len()).is_some_and(|c| c.is_whitespace()) {
            if word.eq_ignore_ascii_case("and") { saw_and = true } else { saw_or = true }
            i += word.len();
            continue;
        }
        let negated = chars[i] == '-';
        if negated {
            i += 1;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
            i += 1;
        }
        let field: String = chars[start..i].iter().collect();
        if field.is_empty() {
            return Err(query_error(format!("We were unable to parse your search query near position {}: {q}", i)));
        }
        let mut metadata_key = None;
        if chars.get(i) == Some(&'[') {
            i += 1;
            let (key, next) = quoted(&chars, i).ok_or_else(|| query_error(format!("We were unable to parse the metadata key in your search query: {q}")))?;
            if chars.get(next) != Some(&']') {
                return Err(query_error(format!("We were unable to parse the metadata key in your search query: {q}")));
            }
            metadata_key = Some(key);
            i = next + 1;
        }
        let op = match (chars.get(i), chars.get(i + 1)) {
            (Some(':'), _) => Op::Exact,
            (Some('~'), _) => Op::Substring,
            (Some('>'), Some('=')) => Op::Gte,
            (Some('<'), Some('=')) => Op::Lte,
            (Some('>'), _) => Op::Gt,
            (Some('<'), _) => Op::Lt,
            _ => return Err(query_error(format!("We were unable to parse your search query: {q}. A clause is a field, an operator (:, ~, >, <, >=, <=) and a value."))),
        };
        i += if matches!(op, Op::Gte | Op::Lte) { 2 } else { 1 };
        let (value, next, was_quoted) = match quoted(&chars, i) {
            Some((v, next)) => (v, next, true),
            None => {
                let s = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                (chars[s..i].iter().collect::<String>(), i, false)
            }
        };
        if value.is_empty() && !was_quoted {
            return Err(query_error(format!("We were unable to parse your search query: {q}. The clause on {field} has no value.")));
        }
        i = next;
        clauses.push(Clause { negated, field, metadata_key, op, value, quoted: was_quoted });
    }
    if clauses.is_empty() {
        return Err(ApiError::missing_param("query"));
    }
    if saw_and && saw_or {
        return Err(query_error("A search query may combine clauses with AND or with OR, not both."));
    }
    for c in &clauses {
        let string_field = matches!(c.field.as_str(), "email" | "name" | "phone") || c.field == "metadata";
        match (c.field.as_str(), &c.op) {
            ("metadata", Op::Exact) if c.metadata_key.is_some() => {}
            ("email" | "name" | "phone", Op::Exact | Op::Substring) => {}
            ("created", Op::Exact | Op::Gt | Op::Gte | Op::Lt | Op::Lte) => {
                if c.value.parse::<i64>().is_err() {
                    return Err(query_error(format!("created takes a number (a Unix timestamp); got {}.", c.value)));
                }
            }
            ("email" | "name" | "phone" | "metadata" | "created", _) => {
                return Err(query_error(format!("The operator you used is not supported on the field `{}`.", c.field)));
            }
            (other, _) => {
                return Err(query_error(format!(
                    "Field `{other}` is an unsupported search field for resource `customers`. See https://stripe.com/docs/search#query-fields-for-customers for a list of supported fields."
                )));
            }
        }
        if string_field && !c.quoted {
            return Err(query_error(format!("String values must be quoted in a search query: {}", c.value)));
        }
        if c.op == Op::Substring && c.value.chars().count() < 3 {
            return Err(query_error("A substring search (~) needs at least 3 characters."));
        }
    }
    Ok((clauses, saw_or))
}

/// A quoted value starting at `i`: its text and the index after the closing quote.
fn quoted(chars: &[char], mut i: usize) -> Option<(String, usize)> {
    let quote = *chars.get(i).filter(|c| **c == '\'' || **c == '"')?;
    i += 1;
    let mut out = String::new();
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                out.push(*chars.get(i + 1)?);
                i += 2;
            }
            c if c == quote => return Some((out, i + 1)),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    None
}

fn matches(c: &Customer, clause: &Clause) -> bool {
    let text = |v: Option<&str>| v.map(str::to_lowercase);
    let want = clause.value.to_lowercase();
    let hit = match clause.field.as_str() {
        "email" | "name" | "phone" => {
            let have = text(match clause.field.as_str() {
                "email" => c.email.as_deref(),
                "name" => c.name.as_deref(),
                _ => c.phone.as_deref(),
            });
            match (&clause.op, have) {
                (Op::Exact, Some(h)) => h == want,
                (Op::Substring, Some(h)) => h.contains(&want),
                _ => false,
            }
        }
        "metadata" => clause.metadata_key.as_ref().and_then(|k| c.metadata.get(k)).is_some_and(|v| v.to_lowercase() == want),
        "created" => {
            let t: i64 = clause.value.parse().expect("checked by parse_query");
            match clause.op {
                Op::Exact => c.created == t,
                Op::Gt => c.created > t,
                Op::Gte => c.created >= t,
                Op::Lt => c.created < t,
                Op::Lte => c.created <= t,
                Op::Substring => false,
            }
        }
        _ => false,
    };
    hit != clause.negated
}

fn search_customers(store: &Store, p: &Params) -> Outcome<Value> {
    p.check(CUSTOMER_SEARCH)?;
    let q = p.str("query").filter(|q| !q.trim().is_empty()).ok_or_else(|| ApiError::missing_param("query"))?;
    let (clauses, any) = parse_query(q)?;
    let limit = p.int("limit")?.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid_request(format!("Invalid limit: must be between 1 and 100 (got {limit})"), Some("limit".into())));
    }
    // The page token is the offset into the results, which the simulator keeps in order
    // (newest first): enough for paging a store that only grows.
    let offset = match p.opt_str("page") {
        None => 0,
        Some(page) => page
            .strip_prefix("page_")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid_request(format!("Invalid page: {page}"), Some("page".into())))?,
    };
    let hits: Vec<&Customer> = store
        .customers
        .newest_first()
        .filter(|c| !c.deleted)
        .filter(|c| if any { clauses.iter().any(|cl| matches(c, cl)) } else { clauses.iter().all(|cl| matches(c, cl)) })
        .collect();
    let page: Vec<Value> = hits.iter().skip(offset).take(limit as usize).map(|c| objects::customer(c)).collect();
    let has_more = hits.len() > offset + limit as usize;
    let mut out = json!({
        "object": "search_result",
        "data": page,
        "has_more": has_more,
        "next_page": if has_more { json!(format!("page_{}", offset + limit as usize)) } else { Value::Null },
        "url": "/v1/customers/search",
    });
    let mut exp = Params::default();
    for path in p.strings("expand") {
        if path == "total_count" {
            out["total_count"] = json!(hits.len());
        } else {
            exp.0.entry("expand".into()).or_insert_with(|| Param::List(Vec::new()));
            if let Some(Param::List(l)) = exp.0.get_mut("expand") {
                l.push(Param::Str(path));
            }
        }
    }
    expand(store, out, &exp, true)
}

// ---- SetupIntents ----

fn setup<'a>(store: &'a Store, id: &str) -> Outcome<&'a SetupIntent> {
    store.setup_intents.get(id).ok_or_else(|| ApiError::no_such("setup_intent", id, "intent", 404))
}

fn setup_unexpected_state(message: impl Into<String>, si: Value) -> ApiError {
    let mut e = ApiError::invalid_request(message, None).with_code("setup_intent_unexpected_state");
    e.setup_intent = Some(si);
    e
}

fn emit_setup(store: &mut Store, ctx: &Ctx, kind: &str, id: &str) {
    let obj = objects::setup_intent(&store.setup_intents.by_id[id]);
    store.emit(ctx, kind, obj);
}

fn client_visible_setup<'a>(store: &'a Store, req: &ApiRequest, id: &str) -> Outcome<&'a SetupIntent> {
    let si = setup(store, id)?;
    if matches!(req.key, Key::Publishable(_)) {
        let secret = req.params.str("client_secret").ok_or_else(|| ApiError::missing_param("client_secret"))?;
        if secret != si.client_secret {
            return Err(ApiError::invalid_request(
                "The client_secret provided does not match any associated SetupIntent on this account. Ensure the publishable key used belongs to the same account that created the SetupIntent.",
                Some("client_secret".into()),
            ));
        }
    }
    Ok(si)
}

fn render_setup(store: &Store, req: &ApiRequest, id: &str) -> Outcome<Value> {
    let full = expand(store, objects::setup_intent(&store.setup_intents.by_id[id]), &req.params, false)?;
    Ok(match req.key {
        Key::Secret(_) => full,
        Key::Publishable(_) => objects::setup_intent_for_client(&full),
    })
}

fn create_setup_intent(store: &mut Store, req: &ApiRequest) -> Outcome<Value> {
    let p = &req.params;
    p.check(SETI_CREATE)?;
    let usage = enum_param(p, "usage", &["on_session", "off_session"])?.unwrap_or("off_session").to_string();
    let (payment_method_types, automatic_payment_methods) = payment_method_config(p)?;
    let md = metadata(p, BTreeMap::new())?;
    let customer = p.opt_str("customer");
    if let Some(c) = &customer {
        live_customer(store, c, "customer")?;
    }
    let confirm = parse_bool(p.str("confirm"), "confirm")?.unwrap_or(false);
    let pm = match p.opt_str("payment_method") {
        Some(id) => Some(setup_payment_method(store, &id, customer.as_deref())?),
        None => None,
    };
    if confirm && pm.is_none() {
        return Err(ApiError::invalid_request(
            "You cannot confirm this SetupIntent because it's missing a payment method. Provide payment_method.",
            Some("payment_method".into()),
        ));
    }
    let id = new_id("seti");
    let mut client_secret = format!("{id}_secret_");
    push_random_chars(&mut client_secret, 25);
    let si = SetupIntent {
        id: id.clone(),
        created: now(),
        client_secret,
        customer,
        description: p.opt_str("description"),
        metadata: md,
        payment_method: pm.clone(),
        payment_method_types,
        automatic_payment_methods,
        usage,
        status: if pm.is_some() { Status::RequiresConfirmation } else { Status::RequiresPaymentMethod },
        last_setup_error: None,
        next_action: None,
        cancellation_reason: None,
        three_ds_source: None,
    };
    store.setup_intents.insert(id.clone(), si);
    emit_setup(store, &req.ctx, "setup_intent.created", &id);
    if let (true, Some(pm)) = (confirm, pm) {
        store.confirm_setup(&req.ctx, &id, &pm)?;
    }
    render_setup(store, req, &id)
}

/// The PaymentMethod a SetupIntent names: a test alias becomes a new PaymentMethod; one
/// saved on another customer is refused.
fn setup_payment_method(store: &mut Store, id: &str, customer: Option<&str>) -> Outcome<String> {
    let pm = match test_card_method(store, id) {
        Some(pm) => pm,
        None => store.payment_methods.get(id).map(|pm| pm.id.clone()).ok_or_else(|| ApiError::no_such("PaymentMethod", id, "payment_method", 400))?,
    };
    if let Some(owner) = store.payment_methods.by_id[&pm].customer.as_deref() {
        if Some(owner) != customer {
            return Err(ApiError::invalid_request(
                format!("The customer does not have a payment method with the ID {pm}. The payment method must be attached to the customer."),
                Some("payment_method".into()),
            ));
        }
    }
    Ok(pm)
}

const SETUP_CHANGEABLE: &[Status] = &[Status::RequiresPaymentMethod, Status::RequiresConfirmation, Status::RequiresAction];

fn update_setup_intent(store: &mut Store, req: &ApiRequest, id: &str) -> Outcome<Value> {
    let p = &req.params;
    p.check(SETI_UPDATE)?;
    let si = setup(store, id)?;
    if (p.has("payment_method") || p.has("customer") || p.has("payment_method_types")) && !SETUP_CHANGEABLE.contains(&si.status) {
        return Err(setup_unexpected_state(
            format!("You cannot update this SetupIntent because it has a status of {}.", si.status.as_str()),
            objects::setup_intent(si),
        ));
    }
    let md = metadata(p, si.metadata.clone())?;
    let customer = if p.has("customer") { p.opt_str("customer") } else { si.customer.clone() };
    if let Some(c) = p.opt_str("customer") {
        live_customer(store, &c, "customer")?;
    }
    let types = if p.has("payment_method_types") { Some(payment_method_config(p)?) } else { None };
    let pm = match p.opt_str("payment_method") {
        Some(pm) => Some(setup_payment_method(store, &pm, customer.as_deref())?),
        None => None,
    };
    let si = store.setup_intents.get_mut(id).expect("setup intent exists");
    si.metadata = md;
    si.customer = customer;
    if p.has("description") {
        si.description = p.opt_str("description");
    }
    if let Some((types, apm)) = types {
        si.payment_method_types = types;
        si.automatic_payment_methods = apm;
    }
    if let Some(pm) = pm {
        si.payment_method = Some(pm);
        si.status = Status::RequiresConfirmation;
        si.next_action = None;
        si.three_ds_source = None;
    }
    render_setup(store, req, id)
}

fn confirm_setup_intent(store: &mut Store, req: &ApiRequest, id: &str) -> Outcome<Value> {
    let p = &req.params;
    p.check(SETI_CONFIRM)?;
    let si = client_visible_setup(store, req, id)?;
    if !SETUP_CHANGEABLE.contains(&si.status) {
        let mut e = setup_unexpected_state(
            format!(
                "You cannot confirm this SetupIntent because it has a status of {}. Only a SetupIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation, requires_action.",
                si.status.as_str()
            ),
            objects::setup_intent(si),
        );
        if matches!(req.key, Key::Publishable(_)) {
            e.setup_intent = e.setup_intent.map(|v| objects::setup_intent_for_client(&v));
        }
        return Err(e);
    }
    let (existing, customer) = (si.payment_method.clone(), si.customer.clone());
    let pm = if p.has("payment_method") || p.has("payment_method_data") {
        let chosen = choose_payment_method(store, p, req.key)?.expect("a payment method was given");
        setup_payment_method(store, &chosen.pm, customer.as_deref())?
    } else {
        existing.ok_or_else(|| {
            setup_unexpected_state(
                "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
                objects::setup_intent(&store.setup_intents.by_id[id]),
            )
        })?
    };
    if let Err(mut e) = store.confirm_setup(&req.ctx, id, &pm) {
        if matches!(req.key, Key::Publishable(_)) {
            e.setup_intent = e.setup_intent.map(|v| objects::setup_intent_for_client(&v));
        }
        return Err(e);
    }
    render_setup(store, req, id)
}

impl Store {
    /// Runs a SetupIntent's confirmation with `pm_id`: the card check of attaching, and
    /// 3-D Secure for the cards that ask for it on setup. A failed check is the 402 error.
    pub fn confirm_setup(&mut self, ctx: &Ctx, seti_id: &str, pm_id: &str) -> Outcome<()> {
        let behaviour = self.payment_methods.by_id[pm_id].card.behaviour;
        let base = self.base_url.clone();
        let si = self.setup_intents.get_mut(seti_id).expect("setup intent looked up by the caller");
        si.payment_method = Some(pm_id.to_string());
        si.last_setup_error = None;
        si.next_action = None;
        match behaviour {
            Behaviour::Authenticate { .. } => {
                let source = new_id("src");
                si.status = Status::RequiresAction;
                si.next_action = Some(challenge(&base, &source));
                si.three_ds_source = Some(source);
                emit_setup(self, ctx, "setup_intent.requires_action", seti_id);
                Ok(())
            }
            Behaviour::Decline(d) => {
                let pm_json = objects::payment_method(&self.payment_methods.by_id[pm_id]);
                let mut lse = json!({
                    "type": "card_error",
                    "code": d.code,
                    "message": d.message,
                    "doc_url": format!("https://stripe.com/docs/error-codes/{}", d.code.replace('_', "-")),
                    "payment_method": pm_json,
                });
                if let Some(dc) = d.decline_code {
                    lse["decline_code"] = json!(dc);
                }
                let si = self.setup_intents.get_mut(seti_id).expect("setup intent exists");
                si.status = Status::RequiresPaymentMethod;
                si.payment_method = None;
                si.last_setup_error = Some(lse);
                emit_setup(self, ctx, "setup_intent.setup_failed", seti_id);
                let mut e = card_check_failed(d, pm_json);
                e.setup_intent = Some(objects::setup_intent(&self.setup_intents.by_id[seti_id]));
                Err(e)
            }
            _ => {
                self.setup_succeeded(ctx, seti_id);
                Ok(())
            }
        }
    }

    fn setup_succeeded(&mut self, ctx: &Ctx, seti_id: &str) {
        let si = self.setup_intents.get_mut(seti_id).expect("setup intent exists");
        si.status = Status::Succeeded;
        si.next_action = None;
        si.three_ds_source = None;
        let (pm_id, customer, off_session) = (si.payment_method.clone().expect("confirmed with a payment method"), si.customer.clone(), si.usage == "off_session");
        if off_session {
            self.payment_methods.get_mut(&pm_id).expect("payment method exists").set_up = true;
        }
        if let Some(c) = customer.filter(|_| self.payment_methods.by_id[&pm_id].customer.is_none()) {
            self.attach(ctx, &pm_id, &c);
        }
        emit_setup(self, ctx, "setup_intent.succeeded", seti_id);
    }

    /// The 3-D Secure test page's answer for a SetupIntent.
    pub fn authenticate_setup(&mut self, seti_id: &str, success: bool) -> Outcome<()> {
        let si = &self.setup_intents.by_id[seti_id];
        if si.status != Status::RequiresAction {
            return Err(setup_unexpected_state("This 3-D Secure challenge is no longer pending.", objects::setup_intent(si)));
        }
        let ctx = Ctx::default();
        if success {
            self.setup_succeeded(&ctx, seti_id);
            return Ok(());
        }
        let pm_id = si.payment_method.clone().expect("requires_action has a payment method");
        let pm_json = objects::payment_method(&self.payment_methods.by_id[&pm_id]);
        let si = self.setup_intents.get_mut(seti_id).expect("setup intent exists");
        si.status = Status::RequiresPaymentMethod;
        si.payment_method = None;
        si.next_action = None;
        si.three_ds_source = None;
        si.last_setup_error = Some(json!({
            "type": "invalid_request_error",
            "code": "setup_intent_authentication_failure",
            "message": "The latest attempt to set up the payment method has failed because authentication failed.",
            "doc_url": "https://stripe.com/docs/error-codes/setup-intent-authentication-failure",
            "payment_method": pm_json,
        }));
        emit_setup(self, &ctx, "setup_intent.setup_failed", seti_id);
        Ok(())
    }
}

// ---- CustomerSessions ----

fn create_customer_session(store: &mut Store, req: &ApiRequest) -> Outcome<Value> {
    let p = &req.params;
    p.check(SESSION_CREATE)?;
    let customer = p.opt_str("customer").ok_or_else(|| ApiError::missing_param("customer"))?;
    live_customer(store, &customer, "customer")?;
    let components = p.map("components").ok_or_else(|| ApiError::missing_param("components"))?;
    let enabled = |name: &str| parse_bool(path_str(components, &[name, "enabled"]), &format!("components[{name}][enabled]"));
    let (pe, buy, pricing) = (enabled("payment_element")?, enabled("buy_button")?, enabled("pricing_table")?);
    if ![pe, buy, pricing].contains(&Some(true)) {
        return Err(ApiError::invalid_request(
            "At least one component must be enabled: components[payment_element][enabled], components[buy_button][enabled] or components[pricing_table][enabled].",
            Some("components".into()),
        ));
    }
    let feature = |name: &str, allowed: &[&str], default: Option<&str>| -> Outcome<Value> {
        let param = format!("components[payment_element][features][{name}]");
        match path_str(components, &["payment_element", "features", name]) {
            None | Some("") => Ok(json!(default)),
            Some(v) if allowed.contains(&v) => Ok(json!(v)),
            Some(v) => Err(ApiError::invalid_request(format!("Invalid {param}: must be one of {} (got {v})", allowed.join(", ")), Some(param))),
        }
    };
    let on_off = &["enabled", "disabled"];
    let filters = match components.get("payment_element").and_then(|pe| match pe {
        Param::Map(m) => m.get("features"),
        _ => None,
    }) {
        Some(Param::Map(f)) => match f.get("payment_method_allow_redisplay_filters") {
            Some(Param::List(items)) => {
                let mut out = Vec::new();
                for it in items {
                    let Param::Str(v) = it else { continue };
                    if !["always", "limited", "unspecified"].contains(&v.as_str()) {
                        return Err(ApiError::invalid_request(
                            format!("Invalid components[payment_element][features][payment_method_allow_redisplay_filters]: must be always, limited or unspecified (got {v})"),
                            Some("components[payment_element][features][payment_method_allow_redisplay_filters]".into()),
                        ));
                    }
                    out.push(v.clone());
                }
                out
            }
            _ => vec!["always".to_string()],
        },
        _ => vec!["always".to_string()],
    };
    let limit = match path_str(components, &["payment_element", "features", "payment_method_redisplay_limit"]) {
        None => json!(3),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=10).contains(&n) => json!(n),
            _ => {
                return Err(ApiError::invalid_request(
                    format!("Invalid components[payment_element][features][payment_method_redisplay_limit]: must be an integer between 1 and 10 (got {s})"),
                    Some("components[payment_element][features][payment_method_redisplay_limit]".into()),
                ))
            }
        },
    };
    let features = json!({
        "payment_method_allow_redisplay_filters": filters,
        "payment_method_redisplay": feature("payment_method_redisplay", on_off, Some("disabled"))?,
        "payment_method_redisplay_limit": limit,
        "payment_method_remove": feature("payment_method_remove", on_off, Some("disabled"))?,
        "payment_method_save": feature("payment_method_save", on_off, Some("disabled"))?,
        "payment_method_save_usage": feature("payment_method_save_usage", &["off_session", "on_session"], None)?,
    });
    let components = json!({
        "buy_button": {"enabled": buy.unwrap_or(false)},
        "payment_element": {"enabled": pe.unwrap_or(false), "features": if pe == Some(true) { features } else { Value::Null }},
        "pricing_table": {"enabled": pricing.unwrap_or(false)},
    });
    let mut client_secret = String::from("cuss_secret_");
    push_random_chars(&mut client_secret, 47);
    let s = CustomerSession { client_secret: client_secret.clone(), created: now(), customer, components };
    let out = objects::customer_session(&s);
    store.customer_sessions.insert(client_secret, s);
    expand(store, out, p, false)
}
