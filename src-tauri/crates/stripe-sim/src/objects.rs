//! JSON renderings with the field set and types of Stripe's fixtures (fixtures3.json).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map, Value};

use crate::state::{CardDetails, Charge, ConfirmationToken, Customer, CustomerSession, Event, Intent, PaymentMethod, Refund, SetupIntent, Store};

fn null_address() -> Value {
    json!({"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null})
}

pub fn empty_billing_details() -> Value {
    json!({"address": null_address(), "email": null, "name": null, "phone": null, "tax_id": null})
}

fn card_checks(c: &CardDetails) -> Value {
    let [cvc, postal, line1] = c.checks;
    json!({"address_line1_check": line1, "address_postal_code_check": postal, "cvc_check": cvc})
}

pub fn payment_method(pm: &PaymentMethod) -> Value {
    let c = &pm.card;
    json!({
        "id": pm.id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": pm.billing_details,
        "card": {
            "brand": c.brand,
            "checks": card_checks(c),
            "country": c.country,
            "display_brand": c.brand,
            "exp_month": c.exp_month,
            "exp_year": c.exp_year,
            "fingerprint": c.fingerprint,
            "funding": c.funding,
            "generated_from": null,
            "last4": c.last4,
            "networks": {"available": [c.brand], "preferred": null},
            "regulated_status": "unregulated",
            "three_d_secure_usage": {"supported": true},
            "wallet": null,
        },
        "created": pm.created,
        "customer": pm.customer,
        "customer_account": null,
        "livemode": false,
        "metadata": {},
        "type": "card",
    })
}

pub fn intent(pi: &Intent) -> Value {
    json!({
        "id": pi.id,
        "object": "payment_intent",
        "amount": pi.amount,
        "amount_capturable": pi.amount_capturable,
        "amount_details": {"tip": {}},
        "amount_received": pi.amount_received,
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": pi.automatic_payment_methods,
        "canceled_at": pi.canceled_at,
        "cancellation_reason": pi.cancellation_reason,
        "capture_method": pi.capture_method,
        "client_secret": pi.client_secret,
        "confirmation_method": pi.confirmation_method,
        "created": pi.created,
        "currency": pi.currency,
        "customer": pi.customer,
        "customer_account": null,
        "description": pi.description,
        "excluded_payment_method_types": null,
        "last_payment_error": pi.last_payment_error,
        "latest_charge": pi.latest_charge,
        "livemode": false,
        "metadata": pi.metadata,
        "next_action": pi.next_action,
        "on_behalf_of": null,
        "payment_method": pi.payment_method,
        "payment_method_configuration_details": null,
        "payment_method_options": pi.payment_method_options,
        "payment_method_types": pi.payment_method_types,
        "processing": null,
        "receipt_email": pi.receipt_email,
        "return_url": pi.return_url,
        "review": null,
        "setup_future_usage": pi.setup_future_usage,
        "shipping": null,
        "source": null,
        "statement_descriptor": pi.statement_descriptor,
        "statement_descriptor_suffix": pi.statement_descriptor_suffix,
        "status": pi.status.as_str(),
        "transfer_data": null,
        "transfer_group": null,
    })
}

/// The same JSON as [`intent`], written straight from the struct rather than through a
/// `Value` tree (the hot path: every create and confirm renders an intent at least twice,
/// for its event and its answer). Keys are written in the sorted order in which
/// serde_json writes a `Value` object, so both produce identical bytes, compact or
/// pretty; `intent_json_matches_the_value_rendering` below holds them to that.
pub struct IntentJson<'a>(pub &'a Intent);

/// `{"tip": {}}`, the intent's `amount_details`.
struct AmountDetails;

impl Serialize for AmountDetails {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Empty;
        impl Serialize for Empty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_map(Some(0))?.end()
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("tip", &Empty)?;
        m.end()
    }
}

impl Serialize for IntentJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let pi = self.0;
        let null = ();
        let mut m = s.serialize_map(Some(42))?;
        m.serialize_entry("amount", &pi.amount)?;
        m.serialize_entry("amount_capturable", &pi.amount_capturable)?;
        m.serialize_entry("amount_details", &AmountDetails)?;
        m.serialize_entry("amount_received", &pi.amount_received)?;
        m.serialize_entry("application", &null)?;
        m.serialize_entry("application_fee_amount", &null)?;
        m.serialize_entry("automatic_payment_methods", &pi.automatic_payment_methods)?;
        m.serialize_entry("canceled_at", &pi.canceled_at)?;
        m.serialize_entry("cancellation_reason", &pi.cancellation_reason)?;
        m.serialize_entry("capture_method", &pi.capture_method)?;
        m.serialize_entry("client_secret", &pi.client_secret)?;
        m.serialize_entry("confirmation_method", &pi.confirmation_method)?;
        m.serialize_entry("created", &pi.created)?;
        m.serialize_entry("currency", pi.currency)?;
        m.serialize_entry("customer", &pi.customer)?;
        m.serialize_entry("customer_account", &null)?;
        m.serialize_entry("description", &pi.description)?;
        m.serialize_entry("excluded_payment_method_types", &null)?;
        m.serialize_entry("id", &pi.id)?;
        m.serialize_entry("last_payment_error", &pi.last_payment_error)?;
        m.serialize_entry("latest_charge", &pi.latest_charge)?;
        m.serialize_entry("livemode", &false)?;
        m.serialize_entry("metadata", &pi.metadata)?;
        m.serialize_entry("next_action", &pi.next_action)?;
        m.serialize_entry("object", "payment_intent")?;
        m.serialize_entry("on_behalf_of", &null)?;
        m.serialize_entry("payment_method", &pi.payment_method)?;
        m.serialize_entry("payment_method_configuration_details", &null)?;
        m.serialize_entry("payment_method_options", &pi.payment_method_options)?;
        m.serialize_entry("payment_method_types", &pi.payment_method_types)?;
        m.serialize_entry("processing", &null)?;
        m.serialize_entry("receipt_email", &pi.receipt_email)?;
        m.serialize_entry("return_url", &pi.return_url)?;
        m.serialize_entry("review", &null)?;
        m.serialize_entry("setup_future_usage", &pi.setup_future_usage)?;
        m.serialize_entry("shipping", &null)?;
        m.serialize_entry("source", &null)?;
        m.serialize_entry("statement_descriptor", &pi.statement_descriptor)?;
        m.serialize_entry("statement_descriptor_suffix", &pi.statement_descriptor_suffix)?;
        m.serialize_entry("status", pi.status.as_str())?;
        m.serialize_entry("transfer_data", &null)?;
        m.serialize_entry("transfer_group", &null)?;
        m.end()
    }
}

/// What a publishable key may read of an intent, as Stripe.js receives it.
pub fn intent_for_client(full: &Value) -> Value {
    const VISIBLE: &[&str] = &[
        "id", "object", "amount", "amount_details", "automatic_payment_methods", "canceled_at",
        "cancellation_reason", "capture_method", "client_secret", "confirmation_method", "created",
        "currency", "description", "last_payment_error", "livemode", "next_action", "payment_method",
        "payment_method_configuration_details", "payment_method_types", "processing", "receipt_email",
        "setup_future_usage", "shipping", "source", "status",
    ];
    let mut out = Map::new();
    if let Value::Object(m) = full {
        for k in VISIBLE {
            if let Some(v) = m.get(*k) {
                out.insert((*k).to_string(), v.clone());
            }
        }
    }
    Value::Object(out)
}

pub fn charge(ch: &Charge, store: &Store) -> Value {
    let c = &ch.card;
    let refunds: Vec<Value> = ch.refunds.iter().filter_map(|id| store.refunds.get(id)).map(refund).collect();
    let (outcome, failure_code, failure_message) = match ch.failure {
        Some(d) => (
            json!({
                "advice_code": null,
                "network_advice_code": null,
                "network_decline_code": null,
                "network_status": if d.blocked { "not_sent_to_network" } else { "declined_by_network" },
                "reason": if d.blocked { Some("highest_risk_level") } else { d.decline_code.or(Some(d.code)) },
                "risk_level": if d.blocked { "highest" } else { "normal" },
                "seller_message": if d.blocked { "Stripe blocked this payment as too risky." } else { "The bank did not return any further details with this decline." },
                "type": if d.blocked { "blocked" } else { "issuer_declined" },
            }),
            json!(d.code),
            json!(d.message),
        ),
        None => (
            json!({
                "advice_code": null,
                "network_advice_code": null,
                "network_decline_code": null,
                "network_status": "approved_by_network",
                "reason": null,
                "risk_level": "normal",
                "seller_message": "Payment complete.",
                "type": "authorized",
            }),
            Value::Null,
            Value::Null,
        ),
    };
    let three_d_secure = if ch.three_d_secure {
        json!({"authentication_flow": "challenge", "electronic_commerce_indicator": "05", "exemption_indicator": null, "result": "authenticated", "result_reason": null, "transaction_id": null, "version": "2.2.0"})
    } else {
        Value::Null
    };
    json!({
        "id": ch.id,
        "object": "charge",
        "amount": ch.amount,
        "amount_captured": ch.amount_captured,
        "amount_refunded": ch.amount_refunded,
        "application": null,
        "application_fee": null,
        "application_fee_amount": null,
        "balance_transaction": null,
        "billing_details": store.payment_methods.get(&ch.payment_method).map(|pm| pm.billing_details.clone()).unwrap_or_else(empty_billing_details),
        "calculated_statement_descriptor": ch.calculated_statement_descriptor,
        "captured": ch.captured,
        "created": ch.created,
        "currency": ch.currency,
        "customer": ch.customer,
        "description": ch.description,
        "disputed": ch.disputed,
        "failure_balance_transaction": null,
        "failure_code": failure_code,
        "failure_message": failure_message,
        "fraud_details": {},
        "livemode": false,
        "metadata": ch.metadata,
        "on_behalf_of": null,
        "outcome": outcome,
        "paid": ch.status == "succeeded",
        "payment_intent": ch.payment_intent,
        "payment_method": ch.payment_method,
        "payment_method_details": {
            "card": {
                "amount_authorized": if ch.failure.is_none() { json!(ch.amount) } else { Value::Null },
                "authorization_code": null,
                "brand": c.brand,
                "checks": card_checks(c),
                "country": c.country,
                "exp_month": c.exp_month,
                "exp_year": c.exp_year,
                "extended_authorization": {"status": "disabled"},
                "fingerprint": c.fingerprint,
                "funding": c.funding,
                "incremental_authorization": {"status": "unavailable"},
                "installments": null,
                "last4": c.last4,
                "mandate": null,
                "multicapture": {"status": "unavailable"},
                "network": c.brand,
                "network_token": {"used": false},
                "network_transaction_id": null,
                "overcapture": {"maximum_amount_capturable": ch.amount, "status": "unavailable"},
                "regulated_status": "unregulated",
                "three_d_secure": three_d_secure,
                "transaction_link_id": null,
                "wallet": null,
            },
            "type": "card",
        },
        "receipt_email": ch.receipt_email,
        "receipt_number": null,
        "receipt_url": null,
        "refunded": ch.amount_refunded >= ch.amount,
        "refunds": {"object": "list", "data": refunds, "has_more": false, "url": format!("/v1/charges/{}/refunds", ch.id)},
        "review": null,
        "shipping": null,
        "source_transfer": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": ch.status,
        "transfer_data": null,
        "transfer_group": null,
    })
}

pub fn refund(r: &Refund) -> Value {
    json!({
        "id": r.id,
        "object": "refund",
        "amount": r.amount,
        "balance_transaction": null,
        "charge": r.charge,
        "created": r.created,
        "currency": r.currency,
        "customer": null,
        "customer_account": null,
        "destination_details": {"card": {"reference_status": "pending", "reference_type": "acquirer_reference_number", "type": "refund"}, "type": "card"},
        "failure_balance_transaction": null,
        "failure_reason": r.failure_reason,
        "metadata": r.metadata,
        "payment_intent": r.payment_intent,
        "payment_method": null,
        "reason": r.reason,
        "receipt_number": null,
        "source_transfer_reversal": null,
        "status": r.status,
        "transfer_reversal": null,
    })
}

pub fn confirmation_token(t: &ConfirmationToken, store: &Store) -> Value {
    let preview = store.payment_methods.get(&t.payment_method).map(|pm| {
        let mut v = payment_method(pm);
        if let Value::Object(m) = &mut v {
            for k in ["id", "object", "created", "livemode", "metadata"] {
                m.remove(k);
            }
        }
        v
    });
    json!({
        "id": t.id,
        "object": "confirmation_token",
        "created": t.created,
        "expires_at": t.created + 12 * 3600,
        "livemode": false,
        "mandate_data": null,
        "payment_intent": t.payment_intent,
        "payment_method_options": {"card": {"cvc_token": null}},
        "payment_method_preview": preview,
        "return_url": t.return_url,
        "setup_future_usage": t.setup_future_usage,
        "setup_intent": null,
        "shipping": t.shipping,
        "use_stripe_sdk": true,
    })
}

pub fn customer(c: &Customer) -> Value {
    if c.deleted {
        return json!({"id": c.id, "object": "customer", "deleted": true});
    }
    json!({
        "id": c.id,
        "object": "customer",
        "address": c.address,
        "balance": 0,
        "created": c.created,
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": c.description,
        "discount": null,
        "email": c.email,
        "invoice_prefix": c.invoice_prefix,
        "invoice_settings": {"custom_fields": null, "default_payment_method": c.default_payment_method, "footer": null, "rendering_options": null},
        "livemode": false,
        "metadata": c.metadata,
        "name": c.name,
        "next_invoice_sequence": 1,
        "phone": c.phone,
        "preferred_locales": [],
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": null,
    })
}

pub fn setup_intent(si: &SetupIntent) -> Value {
    json!({
        "id": si.id,
        "object": "setup_intent",
        "application": null,
        "automatic_payment_methods": si.automatic_payment_methods,
        "cancellation_reason": si.cancellation_reason,
        "client_secret": si.client_secret,
        "created": si.created,
        "customer": si.customer,
        "customer_account": null,
        "description": si.description,
        "excluded_payment_method_types": null,
        "flow_directions": null,
        "last_setup_error": si.last_setup_error,
        "latest_attempt": null,
        "livemode": false,
        "mandate": null,
        "metadata": si.metadata,
        "next_action": si.next_action,
        "on_behalf_of": null,
        "payment_method": si.payment_method,
        "payment_method_configuration_details": null,
        "payment_method_options": {"card": {"mandate_options": null, "network": null, "request_three_d_secure": "automatic"}},
        "payment_method_types": si.payment_method_types,
        "single_use_mandate": null,
        "status": si.status.as_str(),
        "usage": si.usage,
    })
}

/// What a publishable key may read of a SetupIntent, as Stripe.js receives it.
pub fn setup_intent_for_client(full: &Value) -> Value {
    const VISIBLE: &[&str] = &[
        "id", "object", "automatic_payment_methods", "cancellation_reason", "client_secret", "created",
        "description", "last_setup_error", "livemode", "next_action", "payment_method", "payment_method_types",
        "status", "usage",
    ];
    let mut out = Map::new();
    if let Value::Object(m) = full {
        for k in VISIBLE {
            if let Some(v) = m.get(*k) {
                out.insert((*k).to_string(), v.clone());
            }
        }
    }
    Value::Object(out)
}

pub fn customer_session(s: &CustomerSession) -> Value {
    json!({
        "object": "customer_session",
        "client_secret": s.client_secret,
        "components": s.components,
        "created": s.created,
        "customer": s.customer,
        "customer_account": null,
        "expires_at": s.created + 30 * 60,
        "livemode": false,
    })
}

pub fn event(e: &Event, api_version: &str) -> Value {
    // Written by `Store::emit` from a Value, so it parses back to the same Value (the
    // snapshots hold integers, strings, booleans and nulls only: no float to round).
    let object: Value = serde_json::from_str(&e.object).expect("event snapshots are JSON");
    let mut data = json!({"object": object});
    if let Some(previous) = &e.previous {
        data["previous_attributes"] = serde_json::from_str(previous).expect("event snapshots are JSON");
    }
    json!({
        "id": e.id,
        "object": "event",
        "api_version": api_version,
        "created": e.created,
        "data": data,
        "livemode": false,
        "pending_webhooks": 0,
        "request": {"id": e.request_id, "idempotency_key": e.idempotency_key},
        "type": e.kind,
    })
}

pub fn account(store: &Store) -> Value {
    json!({
        "id": store.account_id,
        "object": "account",
        "business_profile": {
            "annual_revenue": null,
            "estimated_worker_count": null,
            "mcc": "5999",
            "name": "Paydesk Simulator",
            "product_description": null,
            "support_address": null,
            "support_email": null,
            "support_phone": null,
            "support_url": null,
            "url": null,
        },
        "business_type": "company",
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": true,
        "controller": {"type": "account"},
        "country": "US",
        "created": 1_700_000_000,
        "default_currency": "usd",
        "details_submitted": true,
        "email": "simulator@paydesk.invalid",
        "external_accounts": {"object": "list", "data": [], "has_more": false, "url": format!("/v1/accounts/{}/external_accounts", store.account_id)},
        "future_requirements": {"alternatives": [], "current_deadline": null, "currently_due": [], "disabled_reason": null, "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []},
        "metadata": {},
        "payouts_enabled": true,
        "requirements": {"alternatives": [], "current_deadline": null, "currently_due": [], "disabled_reason": null, "errors": [], "eventually_due": [], "past_due": [], "pending_verification": []},
        "settings": {
            // Off, so that the card checks' test cards (4000000000000101) are charged and their
            // failed check is reported on the charge.
            "card_payments": {"decline_on": {"avs_failure": false, "cvc_failure": false}, "statement_descriptor_prefix": "PAYDESK", "statement_descriptor_prefix_kana": null, "statement_descriptor_prefix_kanji": null},
            "dashboard": {"display_name": "Paydesk Simulator", "timezone": "Etc/UTC"},
            "payments": {"statement_descriptor": "PAYDESK SIMULATOR", "statement_descriptor_kana": null, "statement_descriptor_kanji": null, "statement_descriptor_prefix_kana": null, "statement_descriptor_prefix_kanji": null},
            "payouts": {"debit_negative_balances": true, "schedule": {"delay_days": 2, "interval": "daily"}, "statement_descriptor": null},
        },
        "tos_acceptance": {"date": 1_700_000_000, "ip": null, "user_agent": null},
        "type": "standard",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Status;

    fn plain() -> Intent {
        Intent {
            id: "pi_123".into(),
            created: 1_700_000_000,
            client_secret: "pi_123_secret_abc".into(),
            amount: 2000,
            currency: "usd",
            status: Status::RequiresPaymentMethod,
            capture_method: "automatic".into(),
            confirmation_method: "automatic".into(),
            description: None,
            metadata: Default::default(),
            receipt_email: None,
            statement_descriptor: None,
            statement_descriptor_suffix: None,
            payment_method: None,
            payment_method_types: vec!["card".into()],
            automatic_payment_methods: None,
            payment_method_options: json!({}),
            return_url: None,
            setup_future_usage: None,
            last_payment_error: None,
            next_action: None,
            amount_received: 0,
            amount_capturable: 0,
            latest_charge: None,
            canceled_at: None,
            cancellation_reason: None,
            three_ds_source: None,
            three_ds_done: false,
            customer: None,
            off_session: false,
        }
    }

    fn assert_same(pi: &Intent) {
        let tree = intent(pi);
        assert_eq!(
            String::from_utf8(serde_json::to_vec_pretty(&IntentJson(pi)).unwrap()).unwrap(),
            String::from_utf8(serde_json::to_vec_pretty(&tree).unwrap()).unwrap()
        );
        assert_eq!(serde_json::to_string(&IntentJson(pi)).unwrap(), serde_json::to_string(&tree).unwrap());
    }

    #[test]
    fn intent_json_matches_the_value_rendering() {
        assert_same(&plain());
        let mut pi = plain();
        pi.status = Status::Canceled;
        pi.description = Some("Order \"7\" — caf\u{e9}\n\ttab \\ \u{1}".into());
        pi.metadata = [("order_id".to_string(), "7".to_string()), ("a b".into(), "".into())].into_iter().collect();
        pi.receipt_email = Some("a@b.invalid".into());
        pi.statement_descriptor = Some("PAYDESK".into());
        pi.statement_descriptor_suffix = Some("TILL 1".into());
        pi.payment_method = Some("pm_1".into());
        pi.payment_method_types = vec![];
        pi.automatic_payment_methods = Some(json!({"enabled": true, "allow_redirects": "never"}));
        pi.payment_method_options = json!({"card": {"moto": true, "request_three_d_secure": "automatic", "capture_method": null}});
        pi.return_url = Some("https://example.invalid/r?a=1&b=2".into());
        pi.setup_future_usage = Some("off_session".into());
        pi.last_payment_error = Some(json!({"type": "card_error", "code": "card_declined", "payment_method": {"id": "pm_1", "card": {"last4": "0002"}, "metadata": {}}, "decline_code": "generic_decline"}));
        pi.next_action = Some(json!({"type": "use_stripe_sdk", "use_stripe_sdk": {"source": "src_1", "list": [1, "x", null, [], {}]}}));
        pi.amount_received = i64::MAX;
        pi.amount_capturable = -1;
        pi.latest_charge = Some("ch_1".into());
        pi.canceled_at = Some(1_700_000_100);
        pi.cancellation_reason = Some("duplicate".into());
        pi.currency = "jpy";
        pi.customer = Some("cus_1".into());
        assert_same(&pi);
        for status in [
            Status::RequiresConfirmation,
            Status::RequiresAction,
            Status::Processing,
            Status::RequiresCapture,
            Status::Succeeded,
        ] {
            pi.status = status;
            assert_same(&pi);
        }
    }
}
