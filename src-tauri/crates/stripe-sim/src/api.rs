//! The `/v1` endpoints: parameter checks, then the state transitions of [`Store`].

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::cards::{self, Behaviour, CheckRule};
use crate::currency;
use crate::errors::ApiError;
use crate::form::{parse_bool, path_str, Param, Params, Spec};
use crate::objects;
use crate::state::{new_id, now, push_random_chars, CardDetails, ConfirmationToken, Ctx, Event, Intent, Outcome, Status, Store};

/// The kind of API key a request authenticated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Secret(String),
    Publishable(String),
}

pub struct ApiRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub params: Params,
    pub key: &'a Key,
    pub ctx: Ctx,
}

pub(crate) const EXPAND: (&str, Spec) = ("expand", Spec::List(&Spec::Scalar));
pub(crate) const METADATA: (&str, Spec) = ("metadata", Spec::AnyMap);
pub(crate) const ADDRESS: Spec = Spec::Map(&[
    ("city", Spec::Scalar), ("country", Spec::Scalar), ("line1", Spec::Scalar),
    ("line2", Spec::Scalar), ("postal_code", Spec::Scalar), ("state", Spec::Scalar),
]);
const PM_DATA: (&str, Spec) = ("payment_method_data", Spec::Map(&[
    ("type", Spec::Scalar),
    ("card", Spec::Map(&[("number", Spec::Scalar), ("exp_month", Spec::Scalar), ("exp_year", Spec::Scalar), ("cvc", Spec::Scalar)])),
    ("billing_details", Spec::Map(&[("address", ADDRESS), ("email", Spec::Scalar), ("name", Spec::Scalar), ("phone", Spec::Scalar)])),
]));
const PM_OPTIONS: (&str, Spec) = ("payment_method_options", Spec::Map(&[(
    "card",
    Spec::Map(&[("moto", Spec::Scalar), ("capture_method", Spec::Scalar), ("request_three_d_secure", Spec::Scalar), ("setup_future_usage", Spec::Scalar)]),
)]));
const SHIPPING: (&str, Spec) = ("shipping", Spec::Map(&[("name", Spec::Scalar), ("phone", Spec::Scalar), ("address", ADDRESS)]));
pub(crate) const CREATED: (&str, Spec) = ("created", Spec::Range);
pub(crate) const LIMIT: (&str, Spec) = ("limit", Spec::Scalar);
pub(crate) const AFTER: (&str, Spec) = ("starting_after", Spec::Scalar);
pub(crate) const BEFORE: (&str, Spec) = ("ending_before", Spec::Scalar);

static PI_CREATE: &[(&str, Spec)] = &[
    ("amount", Spec::Scalar), ("currency", Spec::Scalar),
    ("automatic_payment_methods", Spec::Map(&[("enabled", Spec::Scalar), ("allow_redirects", Spec::Scalar)])),
    ("payment_method_types", Spec::List(&Spec::Scalar)), ("capture_method", Spec::Scalar),
    ("confirmation_method", Spec::Scalar), ("confirm", Spec::Scalar), ("payment_method", Spec::Scalar),
    ("confirmation_token", Spec::Scalar), METADATA, ("description", Spec::Scalar),
    ("statement_descriptor", Spec::Scalar), ("statement_descriptor_suffix", Spec::Scalar),
    ("receipt_email", Spec::Scalar), PM_OPTIONS, PM_DATA, ("return_url", Spec::Scalar),
    ("setup_future_usage", Spec::Scalar), ("use_stripe_sdk", Spec::Scalar), ("customer", Spec::Scalar),
    ("off_session", Spec::Scalar), EXPAND,
];
static PI_UPDATE: &[(&str, Spec)] = &[
    ("amount", Spec::Scalar), ("currency", Spec::Scalar), METADATA, ("description", Spec::Scalar),
    ("receipt_email", Spec::Scalar), ("payment_method", Spec::Scalar), ("payment_method_types", Spec::List(&Spec::Scalar)),
    ("statement_descriptor", Spec::Scalar), ("statement_descriptor_suffix", Spec::Scalar),
    ("capture_method", Spec::Scalar), PM_OPTIONS, ("setup_future_usage", Spec::Scalar), ("customer", Spec::Scalar), EXPAND,
];
static PI_CONFIRM: &[(&str, Spec)] = &[
    ("payment_method", Spec::Scalar), PM_DATA, ("confirmation_token", Spec::Scalar), ("return_url", Spec::Scalar),
    PM_OPTIONS, ("receipt_email", Spec::Scalar), ("capture_method", Spec::Scalar), ("client_secret", Spec::Scalar),
    ("setup_future_usage", Spec::Scalar), ("use_stripe_sdk", Spec::Scalar), ("off_session", Spec::Scalar), EXPAND,
];
static PI_CAPTURE: &[(&str, Spec)] = &[("amount_to_capture", Spec::Scalar), METADATA, ("statement_descriptor_suffix", Spec::Scalar), EXPAND];
static PI_CANCEL: &[(&str, Spec)] = &[("cancellation_reason", Spec::Scalar), EXPAND];
static RETRIEVE: &[(&str, Spec)] = &[("client_secret", Spec::Scalar), EXPAND];
static PI_LIST: &[(&str, Spec)] = &[LIMIT, AFTER, BEFORE, CREATED, EXPAND];
static CHARGE_LIST: &[(&str, Spec)] = &[LIMIT, AFTER, BEFORE, CREATED, ("payment_intent", Spec::Scalar), EXPAND];
static REFUND_CREATE: &[(&str, Spec)] = &[("payment_intent", Spec::Scalar), ("charge", Spec::Scalar), ("amount", Spec::Scalar), ("reason", Spec::Scalar), METADATA, EXPAND];
static REFUND_UPDATE: &[(&str, Spec)] = &[METADATA, EXPAND];
static REFUND_LIST: &[(&str, Spec)] = &[LIMIT, AFTER, BEFORE, CREATED, ("payment_intent", Spec::Scalar), ("charge", Spec::Scalar), EXPAND];
static EVENT_LIST: &[(&str, Spec)] = &[LIMIT, AFTER, BEFORE, CREATED, ("type", Spec::Scalar), ("types", Spec::List(&Spec::Scalar)), EXPAND];
static CTOKEN_CREATE: &[(&str, Spec)] = &[("payment_method", Spec::Scalar), PM_DATA, ("return_url", Spec::Scalar), ("setup_future_usage", Spec::Scalar), SHIPPING, EXPAND];
static ONLY_EXPAND: &[(&str, Spec)] = &[EXPAND];

/// A successful answer: a JSON tree, or the pretty-printed bytes of one (written straight
/// from the struct on the hot path, PaymentIntent create).
pub enum Reply {
    Tree(Value),
    Pretty(Vec<u8>),
}

pub fn dispatch(store: &mut Store, req: &ApiRequest) -> Outcome<Reply> {
    // The same routing and key check as `dispatch_tree`, which handles everything else.
    if req.method == "POST" && req.path.trim_start_matches('/') == "v1/payment_intents" && matches!(req.key, Key::Secret(_)) {
        return create_intent(store, req);
    }
    dispatch_tree(store, req).map(Reply::Tree)
}

fn dispatch_tree(store: &mut Store, req: &ApiRequest) -> Outcome<Value> {
    let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let secret = matches!(req.key, Key::Secret(_));
    let publishable_ok = matches!(
        (req.method, segs.as_slice()),
        ("GET", ["v1", "payment_intents", _])
            | ("POST", ["v1", "payment_intents", _, "confirm"])
            | ("POST", ["v1", "confirmation_tokens"])
            | ("GET", ["v1", "setup_intents", _])
            | ("POST", ["v1", "setup_intents", _, "confirm"])
    );
    if !secret && !publishable_ok {
        return Err(ApiError::authentication(
            "This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
        ));
    }
    let p = &req.params;
    match (req.method, segs.as_slice()) {
        ("GET", ["v1", "account"]) => {
            p.check(ONLY_EXPAND)?;
            expand(store, objects::account(store), p, false)
        }
        ("POST", ["v1", "payment_intents"]) => match create_intent(store, req)? {
            Reply::Tree(v) => Ok(v),
            Reply::Pretty(_) => unreachable!("dispatch answers secret-key creates itself"),
        },
        ("GET", ["v1", "payment_intents"]) => {
            p.check(PI_LIST)?;
            let items = store.intents.newest_first().map(|pi| (pi.id.as_str(), pi.created, objects::intent(pi)));
            expand(store, list(items, p, "/v1/payment_intents")?, p, true)
        }
        ("GET", ["v1", "payment_intents", id]) => {
            p.check(RETRIEVE)?;
            let pi = client_visible_intent(store, req, id)?;
            render_intent(store, req, &pi.id.clone())
        }
        ("POST", ["v1", "payment_intents", id]) => update_intent(store, req, id),
        ("POST", ["v1", "payment_intents", id, "confirm"]) => confirm_intent(store, req, id),
        ("POST", ["v1", "payment_intents", id, "capture"]) => {
            p.check(PI_CAPTURE)?;
            let amount = p.int("amount_to_capture")?;
            let metadata = metadata(p, store.intent(id)?.metadata.clone())?;
            store.capture(&req.ctx, id, amount)?;
            store.intents.get_mut(id).expect("intent exists").metadata = metadata;
            render_intent(store, req, id)
        }
        ("POST", ["v1", "payment_intents", id, "cancel"]) => {
            p.check(PI_CANCEL)?;
            let reason = enum_param(p, "cancellation_reason", &["duplicate", "fraudulent", "requested_by_customer", "abandoned"])?;
            store.cancel(&req.ctx, id, reason.map(str::to_string))?;
            render_intent(store, req, id)
        }
        ("GET", ["v1", "charges"]) => {
            p.check(CHARGE_LIST)?;
            let pi = p.opt_str("payment_intent");
            let items = store
                .charges
                .newest_first()
                .filter(|c| pi.as_deref().is_none_or(|pi| c.payment_intent == pi))
                .map(|c| (c.id.as_str(), c.created, objects::charge(c, store)));
            expand(store, list(items, p, "/v1/charges")?, p, true)
        }
        ("GET", ["v1", "charges", id]) => {
            p.check(ONLY_EXPAND)?;
            let ch = store.charges.get(id).ok_or_else(|| ApiError::no_such("charge", id, "id", 404))?;
            expand(store, objects::charge(ch, store), p, false)
        }
        ("POST", ["v1", "refunds"]) => create_refund(store, req),
        ("GET", ["v1", "refunds"]) => {
            p.check(REFUND_LIST)?;
            let (pi, ch) = (p.opt_str("payment_intent"), p.opt_str("charge"));
            let items = store
                .refunds
                .newest_first()
                .filter(|r| pi.as_deref().is_none_or(|pi| r.payment_intent == pi))
                .filter(|r| ch.as_deref().is_none_or(|ch| r.charge == ch))
                .map(|r| (r.id.as_str(), r.created, objects::refund(r)));
            expand(store, list(items, p, "/v1/refunds")?, p, true)
        }
        ("GET", ["v1", "refunds", id]) => {
            p.check(ONLY_EXPAND)?;
            let r = store.refunds.get(id).ok_or_else(|| ApiError::no_such("refund", id, "id", 404))?;
            expand(store, objects::refund(r), p, false)
        }
        ("POST", ["v1", "refunds", id]) => {
            p.check(REFUND_UPDATE)?;
            let current = store.refunds.get(id).ok_or_else(|| ApiError::no_such("refund", id, "id", 404))?.metadata.clone();
            let md = metadata(p, current)?;
            let r = store.refunds.get_mut(id).expect("refund exists");
            r.metadata = md;
            let obj = objects::refund(r);
            store.emit(&req.ctx, "refund.updated", obj.clone());
            expand(store, obj, p, false)
        }
        ("GET", ["v1", "events"]) => {
            p.check(EVENT_LIST)?;
            let kind = p.opt_str("type");
            let kinds = p.strings("types");
            if kind.is_some() && !kinds.is_empty() {
                return Err(ApiError::invalid_request("You may only specify one of these parameters: type, types.", Some("types".into())));
            }
            let version = store.api_version.clone();
            let items = store
                .events
                .newest_first()
                .filter(|e| kind.as_deref().is_none_or(|k| event_type_matches(k, &e.kind)))
                .filter(|e| kinds.is_empty() || kinds.iter().any(|k| event_type_matches(k, &e.kind)))
                .map(|e| (e.id.as_str(), e.created, objects::event(e, &version)));
            expand(store, list(items, p, "/v1/events")?, p, true)
        }
        ("GET", ["v1", "events", id]) => {
            p.check(ONLY_EXPAND)?;
            let e = store.events.get(id).ok_or_else(|| ApiError::no_such("event", id, "id", 404))?;
            expand(store, objects::event(e, &store.api_version), p, false)
        }
        ("GET", ["v1", "disputes", id]) => {
            p.check(ONLY_EXPAND)?;
            let d = store.disputes.get(id).ok_or_else(|| ApiError::no_such("dispute", id, "id", 404))?;
            expand(store, d.clone(), p, false)
        }
        ("POST", ["v1", "confirmation_tokens"]) => {
            if secret {
                return Err(ApiError::invalid_request(
                    "ConfirmationTokens are created client-side with a publishable key; use /v1/test_helpers/confirmation_tokens with a secret key.",
                    None,
                ));
            }
            create_confirmation_token(store, req)
        }
        ("POST", ["v1", "test_helpers", "confirmation_tokens"]) => create_confirmation_token(store, req),
        ("GET", ["v1", "confirmation_tokens", id]) => {
            p.check(ONLY_EXPAND)?;
            let t = store.tokens.get(id).ok_or_else(|| ApiError::no_such("confirmation_token", id, "id", 404))?;
            expand(store, objects::confirmation_token(t, store), p, false)
        }
        _ => crate::customers::dispatch(store, req, &segs),
    }
}

fn event_type_matches(pattern: &str, kind: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => kind.starts_with(prefix),
        None => pattern == kind,
    }
}

pub(crate) fn enum_param<'a>(p: &'a Params, key: &str, allowed: &[&str]) -> Outcome<Option<&'a str>> {
    match p.str(key) {
        None | Some("") => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v)),
        Some(v) => Err(ApiError::invalid_request(
            format!("Invalid {key}: must be one of {} (got {v})", allowed.join(", ")),
            Some(key.to_string()),
        )),
    }
}

/// Applies `metadata[...]` to `current`: an empty value removes a key, `metadata=` clears all.
pub(crate) fn metadata(p: &Params, mut current: BTreeMap<String, String>) -> Outcome<BTreeMap<String, String>> {
    match p.get("metadata") {
        None => {}
        Some(Param::Str(_)) => current.clear(),
        Some(Param::Map(m)) => {
            for (k, v) in m {
                let Param::Str(v) = v else { continue };
                if v.is_empty() {
                    current.remove(k);
                } else if v.chars().count() > 500 {
                    return Err(ApiError::invalid_request(
                        format!("Metadata values can have up to 500 characters, but you passed in a value that is {} characters.", v.chars().count()),
                        Some(format!("metadata[{k}]")),
                    ));
                } else {
                    current.insert(k.clone(), v.clone());
                }
            }
        }
        Some(Param::List(_)) => return Err(ApiError::invalid_request("Invalid hash", Some("metadata".into()))),
    }
    if current.len() > 50 {
        return Err(ApiError::invalid_request("You can have at most 50 metadata keys.", Some("metadata".into())));
    }
    Ok(current)
}

fn payment_method_options(p: &Params, current: Value) -> Outcome<Value> {
    let Some(card) = p.map("payment_method_options").and_then(|m| match m.get("card") {
        Some(Param::Map(c)) => Some(c),
        _ => None,
    }) else {
        return Ok(current);
    };
    let mut out = current;
    if !out.is_object() {
        out = json!({});
    }
    let mut card_opts = out.get("card").cloned().unwrap_or_else(|| json!({"installments": null, "mandate_options": null, "network": null, "request_three_d_secure": "automatic"}));
    if let Some(moto) = parse_bool(path_str(card, &["moto"]), "payment_method_options[card][moto]")? {
        card_opts["moto"] = json!(moto);
    }
    if let Some(r) = path_str(card, &["request_three_d_secure"]) {
        if !["automatic", "any", "challenge"].contains(&r) {
            return Err(ApiError::invalid_request(
                format!("Invalid payment_method_options[card][request_three_d_secure]: must be one of automatic, any, or challenge (got {r})"),
                Some("payment_method_options[card][request_three_d_secure]".into()),
            ));
        }
        card_opts["request_three_d_secure"] = json!(r);
    }
    if let Some(c) = path_str(card, &["capture_method"]) {
        card_opts["capture_method"] = json!(c);
    }
    if let Some(s) = path_str(card, &["setup_future_usage"]) {
        card_opts["setup_future_usage"] = json!(s);
    }
    out["card"] = card_opts;
    Ok(out)
}

/// `payment_method_types` and `automatic_payment_methods`, which exclude each other.
pub(crate) fn payment_method_config(p: &Params) -> Outcome<(Vec<String>, Option<Value>)> {
    let types = p.strings("payment_method_types");
    let apm = p.map("automatic_payment_methods");
    if !types.is_empty() && apm.is_some() {
        return Err(ApiError::invalid_request(
            "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.",
            Some("payment_method_types".into()),
        ));
    }
    if let Some(other) = types.iter().find(|t| t.as_str() != "card") {
        return Err(ApiError::invalid_request(
            format!("The payment method type \"{other}\" is invalid. The simulator supports only \"card\"."),
            Some("payment_method_types".into()),
        ));
    }
    if !types.is_empty() {
        return Ok((types, None));
    }
    let (enabled, redirects) = match apm {
        Some(m) => (
            parse_bool(path_str(m, &["enabled"]), "automatic_payment_methods[enabled]")?.unwrap_or(true),
            path_str(m, &["allow_redirects"]).map(str::to_string),
        ),
        None => (true, None),
    };
    let mut v = json!({"enabled": enabled});
    if let Some(r) = redirects {
        if !["always", "never"].contains(&r.as_str()) {
            return Err(ApiError::invalid_request(
                format!("Invalid automatic_payment_methods[allow_redirects]: must be one of always or never (got {r})"),
                Some("automatic_payment_methods[allow_redirects]".into()),
            ));
        }
        v["allow_redirects"] = json!(r);
    }
    Ok((vec!["card".into()], Some(v)))
}

fn statement_descriptor_suffix(p: &Params) -> Outcome<Option<String>> {
    let s = p.opt_str("statement_descriptor_suffix");
    if let Some(s) = &s {
        if s.chars().count() > 22 {
            return Err(ApiError::invalid_request(
                "The statement descriptor suffix must be at most 22 characters.",
                Some("statement_descriptor_suffix".into()),
            ));
        }
    }
    Ok(s)
}

fn card_param_error(code: &str, message: &str, param: &str) -> ApiError {
    let mut e = ApiError::new(402, "card_error", message).with_code(code);
    e.param = Some(param.into());
    e
}

/// A PaymentMethod from raw card fields, which only the Stripe.js stand-in may send.
fn card_from_data(store: &mut Store, data: &BTreeMap<String, Param>, key: &Key) -> Outcome<String> {
    if !matches!(key, Key::Publishable(_)) {
        return Err(ApiError::invalid_request(
            "Sending credit card numbers directly to the Stripe API is generally unsafe. Use Stripe.js (or the simulator's stand-in) to collect card details, or a test PaymentMethod such as pm_card_visa.",
            Some("payment_method_data[card][number]".into()),
        ));
    }
    if path_str(data, &["type"]) != Some("card") {
        return Err(ApiError::invalid_request(
            "payment_method_data[type] must be card.",
            Some("payment_method_data[type]".into()),
        ));
    }
    let field = |f: &str| path_str(data, &["card", f]).unwrap_or("").replace(' ', "");
    let number = field("number");
    if number.is_empty() {
        return Err(ApiError::missing_param("payment_method_data[card][number]"));
    }
    if !cards::luhn_ok(&number) {
        return Err(card_param_error("incorrect_number", "Your card number is incorrect.", "number"));
    }
    let month: u32 = field("exp_month").parse().ok().filter(|m| (1..=12).contains(m))
        .ok_or_else(|| card_param_error("invalid_expiry_month", "Your card's expiration month is invalid.", "exp_month"))?;
    let mut year: u32 = field("exp_year").parse()
        .map_err(|_| card_param_error("invalid_expiry_year", "Your card's expiration year is invalid.", "exp_year"))?;
    if year < 100 {
        year += 2000;
    }
    let (cur_year, cur_month) = current_year_month();
    if year < cur_year || (year == cur_year && month < cur_month) {
        let (code, msg, param) = if year < cur_year {
            ("invalid_expiry_year", "Your card's expiration year is invalid.", "exp_year")
        } else {
            ("invalid_expiry_month", "Your card's expiration month is invalid.", "exp_month")
        };
        return Err(card_param_error(code, msg, param));
    }
    let known = cards::by_number(&number);
    let brand = known.map(|c| c.brand).unwrap_or_else(|| cards::brand_of(&number));
    let cvc = field("cvc");
    let cvc_len = if brand == "amex" { 4 } else { 3 };
    if cvc.len() != cvc_len || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(card_param_error("invalid_cvc", "Your card's security code is invalid.", "cvc"));
    }
    let billing = billing_details(data.get("billing_details"));
    let given = |f: &str| billing["address"][f].as_str().is_some_and(|v| !v.is_empty());
    let card = CardDetails {
        brand: brand.into(),
        last4: number[number.len() - 4..].into(),
        exp_month: month,
        exp_year: year,
        funding: known.map(|c| c.funding).unwrap_or("credit").into(),
        country: known.map(|c| c.country).unwrap_or("US").into(),
        fingerprint: fingerprint(&number),
        behaviour: known.map(|c| c.behaviour).unwrap_or(Behaviour::Decline(cards::LIVE_CARD_IN_TEST_MODE)),
        checks: cards::check_results(known.map(|c| c.checks).unwrap_or(CheckRule::Pass), true, given("postal_code"), given("line1")),
    };
    Ok(store.add_payment_method(card, billing))
}

/// Stable per card number, like Stripe's, without revealing the number.
fn fingerprint(number: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in number.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..16).map(|i| ALPHABET[((h >> (i * 4)) as usize + i) % ALPHABET.len()] as char).collect()
}

fn current_year_month() -> (u32, u32) {
    let days = now() / 86_400;
    // Civil-from-days (Howard Hinnant's algorithm), to avoid a date dependency for one use.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as u32, month as u32)
}

pub(crate) fn billing_details(p: Option<&Param>) -> Value {
    let mut v = objects::empty_billing_details();
    if let Some(Param::Map(m)) = p {
        for f in ["email", "name", "phone"] {
            if let Some(s) = path_str(m, &[f]) {
                v[f] = json!(s);
            }
        }
        for f in ["city", "country", "line1", "line2", "postal_code", "state"] {
            if let Some(s) = path_str(m, &["address", f]) {
                v["address"][f] = json!(s);
            }
        }
    }
    v
}

pub(crate) fn test_card_method(store: &mut Store, alias: &str) -> Option<String> {
    let c = cards::by_alias(alias)?;
    let card = CardDetails {
        brand: c.brand.into(),
        last4: c.number[c.number.len() - 4..].into(),
        exp_month: 12,
        exp_year: current_year_month().0 + 3,
        funding: c.funding.into(),
        country: c.country.into(),
        fingerprint: fingerprint(c.number),
        behaviour: c.behaviour,
        // A test PaymentMethod stands for a card given with its CVC, and with the address
        // fields its check concerns.
        checks: cards::check_results(
            c.checks,
            true,
            matches!(c.checks, CheckRule::PostalFail | CheckRule::AddressFail | CheckRule::AddressUnavailable),
            matches!(c.checks, CheckRule::Line1Fail | CheckRule::AddressFail | CheckRule::AddressUnavailable),
        ),
    };
    Some(store.add_payment_method(card, objects::empty_billing_details()))
}

/// The payment method a create/confirm names, and the ConfirmationToken it came from.
pub(crate) struct Chosen {
    pub pm: String,
    pub token: Option<String>,
}

pub(crate) fn choose_payment_method(store: &mut Store, p: &Params, key: &Key) -> Outcome<Option<Chosen>> {
    let given = ["payment_method", "payment_method_data", "confirmation_token"].iter().filter(|k| p.has(k)).count();
    if given > 1 {
        return Err(ApiError::invalid_request(
            "You may only specify one of these parameters: payment_method, payment_method_data, confirmation_token.",
            None,
        ));
    }
    if let Some(id) = p.opt_str("payment_method") {
        if let Some(pm) = test_card_method(store, &id) {
            return Ok(Some(Chosen { pm, token: None }));
        }
        if store.payment_methods.get(&id).is_none() {
            return Err(ApiError::no_such("PaymentMethod", &id, "payment_method", 400));
        }
        return Ok(Some(Chosen { pm: id, token: None }));
    }
    if let Some(data) = p.map("payment_method_data") {
        return Ok(Some(Chosen { pm: card_from_data(store, data, key)?, token: None }));
    }
    if let Some(id) = p.opt_str("confirmation_token") {
        let t = store.tokens.get(&id).ok_or_else(|| ApiError::no_such("confirmation_token", &id, "confirmation_token", 400))?;
        if t.payment_intent.is_some() {
            return Err(ApiError::invalid_request(
                format!("ConfirmationToken {id} has already been used to confirm a PaymentIntent."),
                Some("confirmation_token".into()),
            ));
        }
        if t.created + 12 * 3600 < now() {
            return Err(ApiError::invalid_request(format!("ConfirmationToken {id} has expired."), Some("confirmation_token".into())));
        }
        return Ok(Some(Chosen { pm: t.payment_method.clone(), token: Some(id) }));
    }
    Ok(None)
}

/// Stripe refuses MOTO with a card saved for on-session use: a phone order may save the
/// card for off-session payments only.
fn check_moto_usage(options: &Value, sfu: Option<&str>) -> Outcome<()> {
    let moto = options.pointer("/card/moto") == Some(&Value::Bool(true));
    let card_sfu = options.pointer("/card/setup_future_usage").and_then(Value::as_str);
    if moto && (sfu == Some("on_session") || card_sfu == Some("on_session")) {
        return Err(ApiError::invalid_request(
            "payment_method_options[card][moto] can be set to true only when setup_future_usage is either off_session or null.",
            Some("payment_method_options[card][moto]".into()),
        ));
    }
    Ok(())
}

/// A customer that exists and was not deleted (a deleted one is "No such customer").
pub(crate) fn live_customer<'a>(store: &'a Store, id: &str, param: &str) -> Outcome<&'a crate::state::Customer> {
    store.customers.get(id).filter(|c| !c.deleted).ok_or_else(|| ApiError::no_such("customer", id, param, 400))
}

/// A payment method saved on a customer is charged only for that customer.
fn check_pm_customer(store: &Store, pm_id: &str, customer: Option<&str>) -> Outcome<()> {
    let owner = store.payment_methods.get(pm_id).and_then(|pm| pm.customer.as_deref());
    match (owner, customer) {
        (Some(owner), Some(c)) if owner != c => Err(ApiError::invalid_request(
            format!("The customer does not have a payment method with the ID {pm_id}. The payment method must be attached to the customer."),
            Some("payment_method".into()),
        )),
        (Some(owner), None) => Err(ApiError::invalid_request(
            format!("The provided PaymentMethod {pm_id} is attached to the customer {owner}; give that customer in the `customer` parameter of the PaymentIntent."),
            Some("customer".into()),
        )),
        _ => Ok(()),
    }
}

fn missing_payment_method(store: &Store, pi_id: &str) -> ApiError {
    ApiError::unexpected_state(
        "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method or ConfirmationToken.",
        store.intent_json(pi_id),
    )
}

/// The parameter checks of PaymentIntent create and the intent they describe, before a
/// payment method is chosen (which needs the store): the intent has its id and client
/// secret, no payment method and status `requires_payment_method`. Also whether to confirm.
fn new_intent(p: &Params) -> Outcome<(Intent, bool)> {
    p.check(PI_CREATE)?;
    let amount = p.int("amount")?.ok_or_else(|| ApiError::missing_param("amount"))?;
    let cur = currency::parse(p.str("currency").filter(|s| !s.is_empty()).ok_or_else(|| ApiError::missing_param("currency"))?)?;
    currency::check_amount(amount, cur, "amount")?;
    let capture_method = enum_param(p, "capture_method", &["automatic", "automatic_async", "manual"])?.unwrap_or("automatic");
    let confirmation_method = enum_param(p, "confirmation_method", &["automatic", "manual"])?.unwrap_or("automatic");
    let setup_future_usage = enum_param(p, "setup_future_usage", &["on_session", "off_session"])?.map(str::to_string);
    let (payment_method_types, automatic_payment_methods) = payment_method_config(p)?;
    let md = metadata(p, BTreeMap::new())?;
    let suffix = statement_descriptor_suffix(p)?;
    let options = payment_method_options(p, json!({}))?;
    let confirm = p.bool("confirm")?.unwrap_or(false);
    let off_session = p.bool("off_session")?.unwrap_or(false);
    if off_session && !confirm {
        return Err(ApiError::invalid_request("off_session can only be used when confirm is true.", Some("off_session".into())));
    }
    check_moto_usage(&options, setup_future_usage.as_deref())?;
    if p.has("confirmation_token") && !confirm {
        return Err(ApiError::invalid_request(
            "confirmation_token can only be used when confirm is true.",
            Some("confirmation_token".into()),
        ));
    }
    let id = new_id("pi");
    let mut client_secret = String::with_capacity(id.len() + 8 + 25);
    client_secret.push_str(&id);
    client_secret.push_str("_secret_");
    push_random_chars(&mut client_secret, 25);
    let intent = Intent {
        id,
        created: now(),
        client_secret,
        amount,
        currency: cur.code,
        status: Status::RequiresPaymentMethod,
        capture_method: capture_method.into(),
        confirmation_method: confirmation_method.into(),
        description: p.opt_str("description"),
        metadata: md,
        receipt_email: p.opt_str("receipt_email"),
        statement_descriptor: p.opt_str("statement_descriptor"),
        statement_descriptor_suffix: suffix,
        payment_method: None,
        payment_method_types,
        automatic_payment_methods,
        payment_method_options: options,
        return_url: p.opt_str("return_url"),
        setup_future_usage,
        last_payment_error: None,
        next_action: None,
        amount_received: 0,
        amount_capturable: 0,
        latest_charge: None,
        canceled_at: None,
        cancellation_reason: None,
        three_ds_source: None,
        three_ds_done: false,
        customer: p.opt_str("customer"),
        off_session,
    };
    Ok((intent, confirm))
}

fn create_intent(store: &mut Store, req: &ApiRequest) -> Outcome<Reply> {
    let p = &req.params;
    let (mut intent, confirm) = new_intent(p)?;
    if let Some(c) = &intent.customer {
        live_customer(store, c, "customer")?;
    }
    let chosen = choose_payment_method(store, p, req.key)?;
    if let Some(c) = &chosen {
        check_pm_customer(store, &c.pm, intent.customer.as_deref())?;
    }
    if confirm && chosen.is_none() {
        return Err(ApiError::invalid_request(
            "You cannot confirm this PaymentIntent because it's missing a payment method. Provide payment_method or confirmation_token.",
            Some("payment_method".into()),
        ));
    }
    if let Some(c) = &chosen {
        intent.status = Status::RequiresConfirmation;
        intent.payment_method = Some(c.pm.clone());
    }
    let id = intent.id.clone();
    store.intents.insert(id.clone(), intent);
    store.emit_intent(&req.ctx, "payment_intent.created", &id);
    if let (true, Some(chosen)) = (confirm, chosen) {
        run_confirm(store, &req.ctx, &id, chosen)?;
    }
    intent_reply(store, req, &id)
}

/// A PaymentIntent create made ready before the store is locked: see [`prepare`].
pub struct Prepared {
    intent: Intent,
    event: Event,
    answer: Vec<u8>,
}

/// The common PaymentIntent create (secret key; no payment method, confirmation or
/// expansion; valid parameters), done as far as it can be without the store: the intent,
/// its `payment_intent.created` event and the answer are built and serialized here, so
/// that [`commit`] only has to insert them while the store is locked. `None` for any
/// other request, including invalid ones: [`dispatch`] then handles it, errors included.
/// `commit(store, req, prepare(req)?)` has the same effect and answer as
/// `dispatch(store, req)` for such a request: the same checks, objects and bytes.
pub fn prepare(req: &ApiRequest) -> Option<Prepared> {
    let p = &req.params;
    if req.method != "POST" || req.path.trim_start_matches('/') != "v1/payment_intents" || !matches!(req.key, Key::Secret(_)) {
        return None;
    }
    if ["payment_method", "payment_method_data", "confirmation_token", "customer"].iter().any(|k| p.has(k)) || !p.strings("expand").is_empty() {
        return None;
    }
    let (intent, confirm) = new_intent(p).ok()?;
    if confirm {
        return None;
    }
    let json = objects::IntentJson(&intent);
    let snapshot = serde_json::to_string(&json).expect("serializable").into_boxed_str();
    let answer = serde_json::to_vec_pretty(&json).expect("serializable");
    let event = Store::new_event(&req.ctx, "payment_intent.created", snapshot);
    Some(Prepared { intent, event, answer })
}

/// Stores what [`prepare`] built and returns its answer.
pub fn commit(store: &mut Store, prepared: Prepared) -> Reply {
    let Prepared { intent, event, answer } = prepared;
    store.intents.insert(intent.id.clone(), intent);
    store.events.insert(event.id.clone(), event);
    Reply::Pretty(answer)
}

/// [`render_intent`], written straight from the struct when there is nothing to expand
/// and nothing to hide from a publishable key (the same bytes: see `objects::IntentJson`).
fn intent_reply(store: &Store, req: &ApiRequest, id: &str) -> Outcome<Reply> {
    if let (Key::Secret(_), Some(pi)) = (req.key, store.intents.get(id)) {
        if req.params.strings("expand").is_empty() {
            return Ok(Reply::Pretty(serde_json::to_vec_pretty(&objects::IntentJson(pi)).expect("serializable")));
        }
    }
    render_intent(store, req, id).map(Reply::Tree)
}

fn run_confirm(store: &mut Store, ctx: &Ctx, pi_id: &str, chosen: Chosen) -> Outcome<()> {
    if let Some(token_id) = &chosen.token {
        let t = store.tokens.get_mut(token_id).expect("token looked up");
        t.payment_intent = Some(pi_id.to_string());
        let (return_url, sfu) = (t.return_url.clone(), t.setup_future_usage.clone());
        let pi = store.intents.get_mut(pi_id).expect("intent exists");
        if return_url.is_some() {
            pi.return_url = return_url;
        }
        if sfu.is_some() {
            pi.setup_future_usage = sfu;
        }
    }
    store.confirm(ctx, pi_id, &chosen.pm)
}

/// The intent a request may see: any with a secret key, only the one whose client
/// secret it presents with a publishable key.
fn client_visible_intent<'a>(store: &'a Store, req: &ApiRequest, id: &str) -> Outcome<&'a Intent> {
    let pi = store.intent(id)?;
    if matches!(req.key, Key::Publishable(_)) {
        let secret = req.params.str("client_secret").ok_or_else(|| ApiError::missing_param("client_secret"))?;
        if secret != pi.client_secret {
            return Err(ApiError::invalid_request(
                "The client_secret provided does not match any associated PaymentIntent on this account. Ensure the publishable key used belongs to the same account that created the PaymentIntent.",
                Some("client_secret".into()),
            ));
        }
    }
    Ok(pi)
}

fn render_intent(store: &Store, req: &ApiRequest, id: &str) -> Outcome<Value> {
    let full = expand(store, store.intent_json(id), &req.params, false)?;
    Ok(match req.key {
        Key::Secret(_) => full,
        Key::Publishable(_) => objects::intent_for_client(&full),
    })
}

const CHANGEABLE: &[Status] = &[Status::RequiresPaymentMethod, Status::RequiresConfirmation, Status::RequiresAction];

fn update_intent(store: &mut Store, req: &ApiRequest, id: &str) -> Outcome<Value> {
    let p = &req.params;
    p.check(PI_UPDATE)?;
    let pi = store.intent(id)?;
    for field in ["amount", "currency", "payment_method", "payment_method_types", "capture_method", "payment_method_options"] {
        if p.has(field) && !CHANGEABLE.contains(&pi.status) {
            return Err(ApiError::unexpected_state(
                format!(
                    "This PaymentIntent's {field} could not be updated because it has a status of {}. You may only update the {field} of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.",
                    pi.status.as_str()
                ),
                objects::intent(pi),
            )
            .with_param(field));
        }
    }
    let cur = match p.str("currency") {
        Some(c) => currency::parse(c)?,
        None => currency::lookup(pi.currency).expect("stored currencies are known"),
    };
    let amount = p.int("amount")?.unwrap_or(pi.amount);
    if p.has("amount") || p.has("currency") {
        currency::check_amount(amount, cur, "amount")?;
    }
    let capture_method = enum_param(p, "capture_method", &["automatic", "automatic_async", "manual"])?.map(str::to_string);
    let md = metadata(p, pi.metadata.clone())?;
    let suffix = statement_descriptor_suffix(p)?;
    let options = payment_method_options(p, pi.payment_method_options.clone())?;
    let types = if p.has("payment_method_types") { Some(payment_method_config(p)?) } else { None };
    let sfu = if p.has("setup_future_usage") {
        enum_param(p, "setup_future_usage", &["on_session", "off_session"])?.map(str::to_string)
    } else {
        pi.setup_future_usage.clone()
    };
    check_moto_usage(&options, sfu.as_deref())?;
    let customer = if p.has("customer") { p.opt_str("customer") } else { pi.customer.clone() };
    if let Some(c) = p.opt_str("customer") {
        live_customer(store, &c, "customer")?;
    }
    let chosen = choose_payment_method(store, p, req.key)?;
    if let Some(c) = &chosen {
        check_pm_customer(store, &c.pm, customer.as_deref())?;
    }
    let pi = store.intents.get_mut(id).expect("intent exists");
    pi.customer = customer;
    pi.setup_future_usage = sfu;
    pi.amount = amount;
    pi.currency = cur.code;
    pi.metadata = md;
    pi.payment_method_options = options;
    if let Some(c) = capture_method {
        pi.capture_method = c;
    }
    if let Some((types, apm)) = types {
        pi.payment_method_types = types;
        pi.automatic_payment_methods = apm;
    }
    if p.has("statement_descriptor_suffix") {
        pi.statement_descriptor_suffix = suffix;
    }
    if p.has("statement_descriptor") {
        pi.statement_descriptor = p.opt_str("statement_descriptor");
    }
    if p.has("description") {
        pi.description = p.opt_str("description");
    }
    if p.has("receipt_email") {
        pi.receipt_email = p.opt_str("receipt_email");
    }
    if let Some(c) = chosen {
        pi.payment_method = Some(c.pm);
        pi.status = Status::RequiresConfirmation;
        pi.next_action = None;
        pi.three_ds_source = None;
    }
    render_intent(store, req, id)
}

fn confirm_intent(store: &mut Store, req: &ApiRequest, id: &str) -> Outcome<Value> {
    let p = &req.params;
    p.check(PI_CONFIRM)?;
    let pi = client_visible_intent(store, req, id)?;
    if !CHANGEABLE.contains(&pi.status) {
        let msg = if pi.status == Status::Succeeded {
            "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.".to_string()
        } else {
            format!(
                "You cannot confirm this PaymentIntent because it has a status of {}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action.",
                pi.status.as_str()
            )
        };
        let mut e = ApiError::unexpected_state(msg, objects::intent(pi));
        if matches!(req.key, Key::Publishable(_)) {
            e.payment_intent = e.payment_intent.map(|v| objects::intent_for_client(&v));
        }
        return Err(e);
    }
    let existing = pi.payment_method.clone();
    let capture_method = enum_param(p, "capture_method", &["automatic", "automatic_async", "manual"])?.map(str::to_string);
    let options = payment_method_options(p, pi.payment_method_options.clone())?;
    let sfu = if p.has("setup_future_usage") {
        enum_param(p, "setup_future_usage", &["on_session", "off_session"])?.map(str::to_string)
    } else {
        pi.setup_future_usage.clone()
    };
    check_moto_usage(&options, sfu.as_deref())?;
    let off_session = p.bool("off_session")?.unwrap_or(false);
    let customer = pi.customer.clone();
    let chosen = match choose_payment_method(store, p, req.key) {
        Ok(c) => c,
        Err(mut e) => {
            if e.status == 402 {
                e.payment_intent = Some(store.intent_json(id));
            }
            return Err(e);
        }
    };
    let chosen = match (chosen, existing) {
        (Some(c), _) => c,
        (None, Some(pm)) => Chosen { pm, token: None },
        (None, None) => return Err(missing_payment_method(store, id)),
    };
    check_pm_customer(store, &chosen.pm, customer.as_deref())?;
    let pi = store.intents.get_mut(id).expect("intent exists");
    pi.payment_method_options = options;
    pi.setup_future_usage = sfu;
    pi.off_session = off_session;
    if let Some(c) = capture_method {
        pi.capture_method = c;
    }
    if let Some(u) = p.opt_str("return_url") {
        pi.return_url = Some(u);
    }
    if let Some(e) = p.opt_str("receipt_email") {
        pi.receipt_email = Some(e);
    }
    if let Err(mut e) = run_confirm(store, &req.ctx, id, chosen) {
        if matches!(req.key, Key::Publishable(_)) {
            e.payment_intent = e.payment_intent.map(|v| objects::intent_for_client(&v));
        }
        return Err(e);
    }
    render_intent(store, req, id)
}

fn create_refund(store: &mut Store, req: &ApiRequest) -> Outcome<Value> {
    let p = &req.params;
    p.check(REFUND_CREATE)?;
    let reason = enum_param(p, "reason", &["duplicate", "fraudulent", "requested_by_customer"])?.map(str::to_string);
    let amount = p.int("amount")?;
    let md = metadata(p, BTreeMap::new())?;
    let charge_id = match (p.opt_str("payment_intent"), p.opt_str("charge")) {
        (None, None) => {
            return Err(ApiError::invalid_request(
                "One of the following params should be provided for this request: payment_intent or charge.",
                None,
            )
            .with_code("parameter_missing"))
        }
        (Some(pi_id), charge) => {
            let pi = store.intents.get(&pi_id).ok_or_else(|| ApiError::no_such("payment_intent", &pi_id, "payment_intent", 400))?;
            let ch = pi.latest_charge.clone().filter(|_| pi.status == Status::Succeeded).ok_or_else(|| {
                ApiError::invalid_request(
                    format!("This PaymentIntent ({pi_id}) does not have a successful charge to refund."),
                    Some("payment_intent".into()),
                )
            })?;
            if charge.is_some_and(|c| c != ch) {
                return Err(ApiError::invalid_request("The charge does not belong to this PaymentIntent.", Some("charge".into())));
            }
            ch
        }
        (None, Some(ch)) => {
            let c = store.charges.get(&ch).ok_or_else(|| ApiError::no_such("charge", &ch, "charge", 400))?;
            if !c.captured || c.status != "succeeded" {
                return Err(ApiError::invalid_request(format!("Charge {ch} has not been captured and cannot be refunded."), Some("charge".into())));
            }
            ch
        }
    };
    let created = store.refund(&req.ctx, &charge_id, amount, reason, md)?;
    expand(store, created, p, false)
}

fn create_confirmation_token(store: &mut Store, req: &ApiRequest) -> Outcome<Value> {
    let p = &req.params;
    p.check(CTOKEN_CREATE)?;
    if p.has("confirmation_token") {
        return Err(ApiError::invalid_request("Received unknown parameter: confirmation_token", Some("confirmation_token".into())));
    }
    let chosen = choose_payment_method(store, p, req.key)?.ok_or_else(|| ApiError::missing_param("payment_method_data"))?;
    let shipping = p.map("shipping").map(|m| {
        json!({
            "name": path_str(m, &["name"]),
            "phone": path_str(m, &["phone"]),
            "address": billing_details(Some(&Param::Map(m.clone())))["address"].clone(),
        })
    });
    let id = new_id("ctoken");
    let t = ConfirmationToken {
        id: id.clone(),
        created: now(),
        payment_method: chosen.pm,
        return_url: p.opt_str("return_url"),
        setup_future_usage: enum_param(p, "setup_future_usage", &["on_session", "off_session"])?.map(str::to_string),
        shipping,
        payment_intent: None,
    };
    store.tokens.insert(id.clone(), t);
    Ok(objects::confirmation_token(&store.tokens.by_id[&id], store))
}

fn created_bounds(p: &Params) -> Outcome<[Option<i64>; 4]> {
    let mut b = [None; 4];
    let parse = |s: &str, name: &str| {
        s.parse::<i64>().map_err(|_| ApiError::invalid_request(format!("Invalid integer: {s}"), Some(name.to_string())).with_code("parameter_invalid_integer"))
    };
    match p.get("created") {
        None => {}
        Some(Param::Str(s)) => {
            let t = parse(s, "created")?;
            b = [None, Some(t), None, Some(t)];
        }
        Some(Param::Map(m)) => {
            for (i, k) in ["gt", "gte", "lt", "lte"].iter().enumerate() {
                if let Some(Param::Str(s)) = m.get(*k) {
                    b[i] = Some(parse(s, &format!("created[{k}]"))?);
                }
            }
        }
        Some(Param::List(_)) => return Err(ApiError::invalid_request("Invalid created filter.", Some("created".into()))),
    }
    Ok(b)
}

/// A Stripe list page over `items` (newest first), honouring limit, cursors and `created`.
pub(crate) fn list<'a>(items: impl Iterator<Item = (&'a str, i64, Value)>, p: &Params, url: &str) -> Outcome<Value> {
    let limit = p.int("limit")?.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid_request(
            format!("Invalid limit: must be between 1 and 100 (got {limit})"),
            Some("limit".into()),
        ));
    }
    let [gt, gte, lt, lte] = created_bounds(p)?;
    let in_range = |c: i64| gt.is_none_or(|t| c > t) && gte.is_none_or(|t| c >= t) && lt.is_none_or(|t| c < t) && lte.is_none_or(|t| c <= t);
    let all: Vec<(&str, Value)> = items.filter(|(_, c, _)| in_range(*c)).map(|(id, _, v)| (id, v)).collect();
    let position = |cursor: &str, param: &str| {
        all.iter().position(|(id, _)| *id == cursor).ok_or_else(|| {
            ApiError::invalid_request(format!("No such object: '{cursor}'"), Some(param.to_string())).with_code("resource_missing")
        })
    };
    let limit = limit as usize;
    let (page, has_more): (Vec<Value>, bool) = if let Some(after) = p.opt_str("starting_after") {
        let start = position(&after, "starting_after")? + 1;
        let rest = &all[start..];
        (rest.iter().take(limit).map(|(_, v)| v.clone()).collect(), rest.len() > limit)
    } else if let Some(before) = p.opt_str("ending_before") {
        let end = position(&before, "ending_before")?;
        let start = end.saturating_sub(limit);
        (all[start..end].iter().map(|(_, v)| v.clone()).collect(), start > 0)
    } else {
        (all.iter().take(limit).map(|(_, v)| v.clone()).collect(), all.len() > limit)
    };
    Ok(json!({"object": "list", "data": page, "has_more": has_more, "url": url}))
}

fn lookup_object(store: &Store, id: &str) -> Option<Value> {
    let prefix = id.split('_').next()?;
    match prefix {
        "ch" => store.charges.get(id).map(|c| objects::charge(c, store)),
        "pi" => store.intents.get(id).map(objects::intent),
        "pm" => store.payment_methods.get(id).map(objects::payment_method),
        "re" => store.refunds.get(id).map(objects::refund),
        "cus" => store.customers.get(id).map(objects::customer),
        "seti" => store.setup_intents.get(id).map(objects::setup_intent),
        _ => None,
    }
}

/// Applies `expand[]`; for lists, paths start with `data.` as in Stripe.
pub(crate) fn expand(store: &Store, mut v: Value, p: &Params, is_list: bool) -> Outcome<Value> {
    for path in p.strings("expand") {
        let parts: Vec<&str> = path.split('.').collect();
        if is_list && (parts.first() != Some(&"data") || parts.len() < 2) {
            return Err(cannot_expand(&path));
        }
        expand_at(store, &mut v, &parts, &path)?;
    }
    Ok(v)
}

fn cannot_expand(path: &str) -> ApiError {
    ApiError::invalid_request(format!("This property cannot be expanded ({path})."), Some("expand".into()))
}

fn expand_at(store: &Store, v: &mut Value, parts: &[&str], full: &str) -> Outcome<()> {
    let Some((first, rest)) = parts.split_first() else { return Ok(()) };
    if *first == "data" {
        if let Some(items) = v.get_mut("data").and_then(Value::as_array_mut) {
            for item in items {
                expand_at(store, item, rest, full)?;
            }
            return Ok(());
        }
    }
    let Some(field) = v.get_mut(*first) else { return Err(cannot_expand(full)) };
    if rest.is_empty() {
        match field {
            Value::Null | Value::Object(_) => Ok(()),
            Value::String(id) => {
                *field = lookup_object(store, id).ok_or_else(|| cannot_expand(full))?;
                Ok(())
            }
            _ => Err(cannot_expand(full)),
        }
    } else {
        if let Value::String(id) = field {
            *field = lookup_object(store, id).ok_or_else(|| cannot_expand(full))?;
        }
        expand_at(store, field, rest, full)
    }
}
