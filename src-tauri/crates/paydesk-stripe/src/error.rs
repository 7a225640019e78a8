//! Stripe's errors as Paydesk handles them, plus the words a cashier sees.

use crate::models::PaymentIntent;

#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    /// The card was declined or failed authentication (HTTP 402, `card_error`).
    #[error("card error ({}): {message}", decline_code.as_deref().or(code.as_deref()).unwrap_or("card_error"))]
    Card {
        code: Option<String>,
        decline_code: Option<String>,
        message: String,
        /// The intent as it stands after the decline; Debug redacts its client secret.
        payment_intent: Option<Box<PaymentIntent>>,
        request_id: Option<String>,
    },
    #[error("Stripe refused the request{}: {message}", param.as_deref().map(|p| format!(" (parameter {p})")).unwrap_or_default())]
    InvalidRequest {
        code: Option<String>,
        param: Option<String>,
        message: String,
        request_id: Option<String>,
    },
    #[error("Stripe did not accept the API key: {message}")]
    Authentication { message: String },
    #[error("the API key is not allowed to do this: {message}")]
    Permission { message: String },
    #[error("not found at Stripe: {message}")]
    NotFound { message: String },
    #[error("Stripe is rate limiting requests: {message}")]
    RateLimited { message: String },
    #[error("idempotency conflict: {message}")]
    Idempotency { message: String },
    #[error("Stripe answered HTTP {status}: {message}")]
    Api { status: u16, message: String },
    #[error("could not reach Stripe: {message}")]
    Connection {
        message: String,
        request_may_have_reached_stripe: bool,
    },
    /// Retries ran out after a try that may have been applied (its answer was lost), and no
    /// later answer settled it: the request may have taken effect at Stripe.
    #[error("no answer from Stripe settled whether the request took effect ({tries} tries; the last: {last})")]
    OutcomeUnknown { tries: u32, last: Box<StripeError> },
    #[error("could not read Stripe's answer: {message}")]
    Decode { message: String },
    #[error("Stripe client configuration: {message}")]
    Configuration { message: String },
}

impl StripeError {
    /// A stable identifier for logs, the UI and tests.
    pub fn code(&self) -> &'static str {
        match self {
            StripeError::Card { .. } => "card_declined",
            StripeError::InvalidRequest { .. } => "stripe_invalid_request",
            StripeError::Authentication { .. } => "stripe_authentication",
            StripeError::Permission { .. } => "stripe_permission",
            StripeError::NotFound { .. } => "stripe_not_found",
            StripeError::RateLimited { .. } => "stripe_rate_limited",
            StripeError::Idempotency { .. } => "stripe_idempotency",
            StripeError::Api { .. } => "stripe_api",
            StripeError::Connection { .. } => "stripe_connection",
            StripeError::OutcomeUnknown { .. } => "stripe_outcome_unknown",
            StripeError::Decode { .. } => "stripe_decode",
            StripeError::Configuration { .. } => "stripe_configuration",
        }
    }

    /// Stripe's `Request-Id` for the failed call, when Stripe answered one worth quoting.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            StripeError::Card { request_id, .. }
            | StripeError::InvalidRequest { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the operation might have taken effect at Stripe even though no answer
    /// arrived, so the caller must look before trying again with a new idempotency key.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            StripeError::Connection {
                request_may_have_reached_stripe,
                ..
            } => *request_may_have_reached_stripe,
            // A 409 means another request with the same key is still running.
            StripeError::Api { .. }
            | StripeError::OutcomeUnknown { .. }
            | StripeError::Decode { .. }
            | StripeError::Idempotency { .. } => true,
            _ => false,
        }
    }

    /// Plain words for the person at the till: what happened and what to do next.
    pub fn cashier_message(&self) -> String {
        match self {
            StripeError::Card { code, decline_code, .. } => {
                let reason = decline_code.as_deref().into_iter().chain(code.as_deref()).find_map(decline_message);
                reason.unwrap_or("The card was declined. Ask for another card.").to_string()
            }
            StripeError::InvalidRequest { code, .. } => match code.as_deref().and_then(decline_message) {
                Some(m) => m.to_string(),
                None => match code.as_deref() {
                    Some("amount_too_small") => "The amount is below the minimum Stripe accepts for this currency.".into(),
                    Some("amount_too_large") => "The amount is above the maximum Stripe accepts.".into(),
                    Some("payment_intent_unexpected_state") => {
                        "This payment has already moved on (paid, canceled or in progress). Refresh it before trying again.".into()
                    }
                    Some("charge_already_refunded") => "This payment has already been fully refunded.".into(),
                    _ => "Stripe refused the request. Check the sale and try again; if it keeps happening, tell a manager.".into(),
                },
            },
            StripeError::Authentication { .. } => {
                "Stripe did not accept the API key. A manager needs to check the Stripe key in Settings.".into()
            }
            StripeError::Permission { .. } => {
                "The Stripe key is not allowed to do this. A manager needs to grant it the permission or use another key.".into()
            }
            StripeError::NotFound { .. } => "Stripe does not know this payment. Refresh and try again.".into(),
            StripeError::RateLimited { .. } => "Stripe is busy right now. Wait a few seconds and try again.".into(),
            StripeError::Idempotency { .. } => {
                "This payment is already being processed. Wait a moment, then refresh it before trying again.".into()
            }
            StripeError::Api { .. } => {
                "Stripe had a problem. Refresh the payment to see whether it went through before charging again.".into()
            }
            StripeError::Connection { request_may_have_reached_stripe: true, .. } => {
                "The connection to Stripe dropped. The payment may have gone through: refresh it before charging again.".into()
            }
            StripeError::Connection { .. } => {
                "Couldn't reach Stripe. Check the internet connection and try again.".into()
            }
            StripeError::OutcomeUnknown { .. } => {
                "Stripe's answer was lost and it could not be reached again. The payment may have gone through: Paydesk checks with Stripe before anything is charged again.".into()
            }
            StripeError::Decode { .. } => {
                "Stripe's answer could not be read. Refresh the payment to see whether it went through.".into()
            }
            StripeError::Configuration { message } => format!("Paydesk's Stripe setup is wrong: {message}."),
        }
    }
}

/// Cashier wording for Stripe's decline codes and card error codes.
fn decline_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "generic_decline" | "card_declined" | "do_not_honor" | "transaction_not_allowed" | "call_issuer" => {
            "The card was declined. Ask for another card."
        }
        "insufficient_funds" => "The card was declined for insufficient funds. Ask for another card.",
        // Stripe asks merchants not to tell the customer a card is reported lost or stolen.
        "lost_card" => "The card was declined: the bank reports it lost. Tell the customer it was declined and ask for another card.",
        "stolen_card" => {
            "The card was declined: the bank reports it stolen. Tell the customer it was declined and ask for another card."
        }
        "pickup_card" => "The card was declined and the bank asks for it to be kept. Ask for another card.",
        "expired_card" => "The card has expired. Ask for another card.",
        "incorrect_cvc" | "invalid_cvc" => "The security code (CVC) is wrong. Check it and try again, or ask for another card.",
        "processing_error" => "The card could not be processed. Try again in a moment, or ask for another card.",
        "fraudulent" => "The payment was blocked as likely fraud. Ask for another payment method.",
        "incorrect_number" | "invalid_number" => "The card number is wrong. Check it and try again.",
        "invalid_expiry_month" | "invalid_expiry_year" => "The expiry date is wrong. Check it and try again.",
        "incorrect_zip" => "The postal code does not match the card. Check it and try again.",
        "payment_intent_authentication_failure" => {
            "The card's security check (3-D Secure) failed. Try again, or ask for another card."
        }
        "authentication_required" => "The bank wants the customer to authenticate this payment. Try again so they can approve it.",
        "card_not_supported" => "This card does not support this kind of purchase. Ask for another card.",
        "currency_not_supported" => "This card cannot be charged in this currency. Ask for another card.",
        "card_velocity_exceeded" | "withdrawal_count_limit_exceeded" => {
            "The card has reached its spending limit. Ask for another card."
        }
        "try_again_later" => "The bank could not approve the payment right now. Try again in a moment.",
        _ => return None,
    })
}

/// Removes anything shaped like a secret or restricted key or a client secret from text
/// that came from outside (Stripe's messages, decoder errors), before it reaches an error.
pub(crate) fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let is_key = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
            .iter()
            .any(|p| word.starts_with(p));
        if is_key || word.contains("_secret_") {
            out.push_str("[redacted]");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn scrub_removes_keys_and_client_secrets() {
        assert_eq!(
            scrub("Invalid API Key provided: sk_test_abc_123; see pi_1_secret_2."),
            "Invalid API Key provided: [redacted]; see [redacted]."
        );
        assert_eq!(
            scrub("No such payment_intent: 'pi_123'"),
            "No such payment_intent: 'pi_123'"
        );
    }
}
