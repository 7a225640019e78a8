//! The HTTP client: every request Paydesk makes to Stripe is built and sent here.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::error::{scrub, StripeError};
use crate::keys::{Mode, SecretKey};
use crate::models::{
    Account, ApiErrorBody, Charge, ConfirmationToken, Customer, CustomerSession, Event, List,
    PaymentIntent, PaymentMethod, Refund, SetupIntent,
};
use crate::params::{
    encode_component, CancellationReason, ConfirmPaymentIntent, CreateCustomer,
    CreateCustomerSession, CreatePaymentIntent, CreateRefund, CreateSetupIntent, Form, ListParams,
    UpdateCustomer, UpdatePaymentIntent,
};
use crate::retry::{decide, IdempotencyKey, RetryPolicy, TryOutcome, Verdict};
use crate::{STRIPE_API_BASE, STRIPE_VERSION};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const PAYDESK_USER_AGENT: &str = concat!("Paydesk/", env!("CARGO_PKG_VERSION"));

/// Where requests go: Stripe itself, or a simulator on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Stripe,
    /// A normalized `scheme://host:port` on 127.0.0.1, localhost or [::1].
    Loopback(String),
}

impl Endpoint {
    /// Accepts only loopback origins, so a misconfigured setting cannot send the key to
    /// another host.
    pub fn loopback(url: &str) -> Result<Endpoint, StripeError> {
        let refuse = |why: &str| StripeError::Configuration {
            message: format!("{why}: {}", scrub(url)),
        };
        let parsed = reqwest::Url::parse(url.trim()).map_err(|_| refuse("not a URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(refuse("a loopback endpoint must be http:// or https://"));
        }
        let host = parsed.host_str().unwrap_or_default();
        if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
            return Err(refuse(
                "a loopback endpoint must be on 127.0.0.1, localhost or [::1]",
            ));
        }
        if !parsed.username().is_empty()
            || parsed.password().is_some()
            || parsed.query().is_some()
            || parsed.fragment().is_some()
            || !matches!(parsed.path(), "" | "/")
        {
            return Err(refuse("a loopback endpoint is only scheme://host:port"));
        }
        let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
        Ok(Endpoint::Loopback(format!(
            "{}://{host}{port}",
            parsed.scheme()
        )))
    }

    fn base(&self) -> &str {
        match self {
            Endpoint::Stripe => STRIPE_API_BASE,
            Endpoint::Loopback(base) => base,
        }
    }
}

/// A Stripe API client bound to one key; cheap to clone.
#[derive(Clone)]
pub struct StripeClient {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    http: reqwest::Client,
    key: SecretKey,
    base: String,
    /// Multiplies every backoff wait; 1.0 except in tests.
    backoff_scale: f64,
    /// Replaces the policy's per-attempt timeout; only tests set it.
    attempt_timeout: Option<Duration>,
    /// Stripe's clock as its last answer's `Date` header gave it, and when that arrived.
    stripe_clock: Arc<std::sync::Mutex<Option<(std::time::SystemTime, Instant)>>>,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("key", &self.inner.key)
            .field("base", &self.inner.base)
            .finish_non_exhaustive()
    }
}

/// What one attempt came back with, before deciding whether to retry.
enum Attempt {
    Answered {
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    },
    Failed {
        message: String,
        may_have_reached: bool,
    },
    /// The request could not even be built (e.g. a persisted idempotency key that is not
    /// a valid header value); retrying cannot help.
    Unsendable(String),
}

impl StripeClient {
    pub fn new(key: SecretKey, endpoint: Endpoint) -> Result<StripeClient, StripeError> {
        if key.mode() == Mode::Live && matches!(endpoint, Endpoint::Loopback(_)) {
            return Err(StripeError::Configuration {
                message:
                    "a live key is only ever sent to api.stripe.com, never to a loopback endpoint"
                        .into(),
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(PAYDESK_USER_AGENT)
            .build()
            .map_err(|e| StripeError::Configuration {
                message: format!("cannot build the HTTP client: {e}"),
            })?;
        let base = endpoint.base().to_string();
        Ok(StripeClient {
            inner: Arc::new(Inner {
                http,
                key,
                base,
                backoff_scale: 1.0,
                attempt_timeout: None,
                stripe_clock: Arc::default(),
            }),
        })
    }

    /// Shrinks (or stretches) every retry wait, so tests exercise retries without
    /// waiting for real backoff.
    #[doc(hidden)]
    pub fn with_backoff_scale(self, scale: f64) -> StripeClient {
        let mut inner = (*self.inner).clone();
        inner.backoff_scale = scale.max(0.0);
        StripeClient {
            inner: Arc::new(inner),
        }
    }

    /// Gives up on each attempt after `timeout`, so tests can exercise timeouts quickly.
    #[doc(hidden)]
    pub fn with_attempt_timeout(self, timeout: Duration) -> StripeClient {
        let mut inner = (*self.inner).clone();
        inner.attempt_timeout = Some(timeout);
        StripeClient {
            inner: Arc::new(inner),
        }
    }

    /// Stripe's "now" in Unix seconds, from the `Date` of its latest answer plus the time
    /// since; `None` before any answer. Independent of the till's own clock.
    pub fn stripe_now(&self) -> Option<i64> {
        let (at, received) = (*self.inner.stripe_clock.lock().unwrap_or_else(|p| p.into_inner()))?;
        let now = at + received.elapsed();
        now.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs() as i64)
    }

    pub fn mode(&self) -> Mode {
        self.inner.key.mode()
    }

    pub fn key_last4(&self) -> String {
        self.inner.key.last4()
    }

    pub async fn retrieve_account(&self, policy: RetryPolicy) -> Result<Account, StripeError> {
        self.get("/v1/account", &Form::default(), policy).await
    }

    /// Checks that the key works with the cheapest call a restricted key is likely to be
    /// allowed (listing one PaymentIntent), for keys that cannot read the account.
    pub async fn probe_key(&self, policy: RetryPolicy) -> Result<(), StripeError> {
        let mut q = Form::default();
        q.push("limit", "1");
        self.get::<serde_json::Value>("/v1/payment_intents", &q, policy)
            .await
            .map(drop)
    }

    pub async fn create_payment_intent(
        &self,
        params: &CreatePaymentIntent,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<PaymentIntent, StripeError> {
        self.post("/v1/payment_intents", params.form(), key, policy)
            .await
    }

    /// Always expands `latest_charge`, so the card brand and last four come with it.
    pub async fn retrieve_payment_intent(
        &self,
        id: &str,
        policy: RetryPolicy,
    ) -> Result<PaymentIntent, StripeError> {
        let mut q = Form::default();
        q.push("expand[]", "latest_charge");
        self.get(
            &format!("/v1/payment_intents/{}", encode_component(id)),
            &q,
            policy,
        )
        .await
    }

    pub async fn update_payment_intent(
        &self,
        id: &str,
        params: &UpdatePaymentIntent,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<PaymentIntent, StripeError> {
        self.post(
            &format!("/v1/payment_intents/{}", encode_component(id)),
            params.form(),
            key,
            policy,
        )
        .await
    }

    pub async fn confirm_payment_intent(
        &self,
        id: &str,
        params: &ConfirmPaymentIntent,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<PaymentIntent, StripeError> {
        self.post(
            &format!("/v1/payment_intents/{}/confirm", encode_component(id)),
            params.form(),
            key,
            policy,
        )
        .await
    }

    pub async fn capture_payment_intent(
        &self,
        id: &str,
        amount_to_capture: Option<i64>,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<PaymentIntent, StripeError> {
        let mut f = Form::default();
        if let Some(a) = amount_to_capture {
            f.push("amount_to_capture", a.to_string());
        }
        self.post(
            &format!("/v1/payment_intents/{}/capture", encode_component(id)),
            f,
            key,
            policy,
        )
        .await
    }

    pub async fn cancel_payment_intent(
        &self,
        id: &str,
        reason: Option<CancellationReason>,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<PaymentIntent, StripeError> {
        let mut f = Form::default();
        if let Some(r) = reason {
            f.push("cancellation_reason", r.as_str());
        }
        self.post(
            &format!("/v1/payment_intents/{}/cancel", encode_component(id)),
            f,
            key,
            policy,
        )
        .await
    }

    pub async fn list_payment_intents(
        &self,
        params: &ListParams,
        policy: RetryPolicy,
    ) -> Result<List<PaymentIntent>, StripeError> {
        self.get("/v1/payment_intents", &params.form(), policy)
            .await
    }

    pub async fn create_refund(
        &self,
        params: &CreateRefund,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<Refund, StripeError> {
        self.post("/v1/refunds", params.form(), key, policy).await
    }

    /// The refunds of one PaymentIntent, newest first.
    pub async fn list_refunds(
        &self,
        payment_intent: &str,
        params: &ListParams,
        policy: RetryPolicy,
    ) -> Result<List<Refund>, StripeError> {
        let mut q = params.form();
        q.push("payment_intent", payment_intent);
        self.get("/v1/refunds", &q, policy).await
    }

    pub async fn retrieve_refund(
        &self,
        id: &str,
        policy: RetryPolicy,
    ) -> Result<Refund, StripeError> {
        self.get(
            &format!("/v1/refunds/{}", encode_component(id)),
            &Form::default(),
            policy,
        )
        .await
    }

    pub async fn retrieve_charge(
        &self,
        id: &str,
        policy: RetryPolicy,
    ) -> Result<Charge, StripeError> {
        self.get(
            &format!("/v1/charges/{}", encode_component(id)),
            &Form::default(),
            policy,
        )
        .await
    }

    pub async fn list_events(
        &self,
        params: &ListParams,
        policy: RetryPolicy,
    ) -> Result<List<Event>, StripeError> {
        self.get("/v1/events", &params.form(), policy).await
    }

    /// Test mode only: Stripe creates ConfirmationTokens for server-side tests through a
    /// test helper; refused before sending with a live key.
    pub async fn create_test_confirmation_token(
        &self,
        payment_method: &str,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<ConfirmationToken, StripeError> {
        if self.mode() == Mode::Live {
            return Err(StripeError::Configuration {
                message: "test confirmation tokens exist only in test mode; this is a live key"
                    .into(),
            });
        }
        let mut f = Form::default();
        f.push("payment_method", payment_method);
        self.post("/v1/test_helpers/confirmation_tokens", f, key, policy)
            .await
    }

    pub async fn create_customer(
        &self,
        params: &CreateCustomer,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<Customer, StripeError> {
        self.post("/v1/customers", params.form(), key, policy).await
    }

    /// A deleted customer comes back with `deleted: true`, not as an error.
    pub async fn retrieve_customer(
        &self,
        id: &str,
        policy: RetryPolicy,
    ) -> Result<Customer, StripeError> {
        self.get(
            &format!("/v1/customers/{}", encode_component(id)),
            &Form::default(),
            policy,
        )
        .await
    }

    pub async fn update_customer(
        &self,
        id: &str,
        params: &UpdateCustomer,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<Customer, StripeError> {
        self.post(
            &format!("/v1/customers/{}", encode_component(id)),
            params.form(),
            key,
            policy,
        )
        .await
    }

    /// Stripe takes no idempotency key on DELETE: deleting twice is "No such customer".
    pub async fn delete_customer(
        &self,
        id: &str,
        policy: RetryPolicy,
    ) -> Result<Customer, StripeError> {
        self.send(
            Method::DELETE,
            &format!("/v1/customers/{}", encode_component(id)),
            &Form::default(),
            None,
            policy,
        )
        .await
    }

    /// Customers found by Stripe's search language, e.g. `metadata['k']:'v'`. Search is
    /// eventually consistent at Stripe: a customer made a moment ago may not be found yet.
    pub async fn search_customers(
        &self,
        query: &str,
        page: Option<&str>,
        policy: RetryPolicy,
    ) -> Result<List<Customer>, StripeError> {
        let mut q = Form::default();
        q.push("query", query);
        q.push("limit", "100");
        if let Some(page) = page {
            q.push("page", page);
        }
        self.get("/v1/customers/search", &q, policy).await
    }

    /// The customer's saved cards, newest first.
    pub async fn list_customer_cards(
        &self,
        customer: &str,
        params: &ListParams,
        policy: RetryPolicy,
    ) -> Result<List<PaymentMethod>, StripeError> {
        let mut q = params.form();
        q.push("type", "card");
        self.get(
            &format!("/v1/customers/{}/payment_methods", encode_component(customer)),
            &q,
            policy,
        )
        .await
    }

    pub async fn detach_payment_method(
        &self,
        id: &str,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<PaymentMethod, StripeError> {
        self.post(
            &format!("/v1/payment_methods/{}/detach", encode_component(id)),
            Form::default(),
            key,
            policy,
        )
        .await
    }

    pub async fn create_customer_session(
        &self,
        params: &CreateCustomerSession,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<CustomerSession, StripeError> {
        self.post("/v1/customer_sessions", params.form(), key, policy)
            .await
    }

    pub async fn create_setup_intent(
        &self,
        params: &CreateSetupIntent,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<SetupIntent, StripeError> {
        self.post("/v1/setup_intents", params.form(), key, policy)
            .await
    }

    pub async fn retrieve_setup_intent(
        &self,
        id: &str,
        policy: RetryPolicy,
    ) -> Result<SetupIntent, StripeError> {
        self.get(
            &format!("/v1/setup_intents/{}", encode_component(id)),
            &Form::default(),
            policy,
        )
        .await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &Form,
        policy: RetryPolicy,
    ) -> Result<T, StripeError> {
        self.send(Method::GET, path, query, None, policy).await
    }

    async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        form: Form,
        key: &IdempotencyKey,
        policy: RetryPolicy,
    ) -> Result<T, StripeError> {
        self.send(Method::POST, path, &form, Some(key), policy)
            .await
    }

    /// Sends one logical request, retrying what Stripe says (or the transport shows) is
    /// safe to retry. POST retries reuse `idem`, so Stripe applies the request at most once.
    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        params: &Form,
        idem: Option<&IdempotencyKey>,
        policy: RetryPolicy,
    ) -> Result<T, StripeError> {
        let encoded = params.encode();
        let mut url = format!("{}{path}", self.inner.base);
        // GET and DELETE carry their parameters in the query string.
        let body = if method != Method::POST {
            if !params.is_empty() {
                url = format!("{url}?{encoded}");
            }
            None
        } else {
            Some(encoded)
        };
        let attempts = policy.max_retries() + 1;
        let mut applied_before = false;
        for attempt in 1..=attempts {
            let span = tracing::info_span!("stripe_request", method = %method, path, attempt);
            let outcome = self
                .attempt(&method, &url, body.as_deref(), idem, policy)
                .instrument(span.clone())
                .await;
            let (tried, wait_hint, error) = match outcome {
                Attempt::Answered {
                    status,
                    headers,
                    body,
                } => {
                    if status.is_success() {
                        return decode(&body, &method, path);
                    }
                    let should_retry = match header(&headers, "stripe-should-retry").as_deref() {
                        Some("true") => Some(true),
                        Some("false") => Some(false),
                        _ => None,
                    };
                    let retry_after = header(&headers, RETRY_AFTER.as_str())
                        .and_then(|v| v.trim().parse::<f64>().ok())
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .map(Duration::from_secs_f64);
                    let request_id = header(&headers, "request-id");
                    (
                        TryOutcome::Answered {
                            status: status.as_u16(),
                            should_retry,
                        },
                        retry_after,
                        map_error(status, &body, request_id),
                    )
                }
                Attempt::Unsendable(message) => return Err(StripeError::Configuration { message }),
                Attempt::Failed {
                    message,
                    may_have_reached,
                } => (
                    if may_have_reached {
                        TryOutcome::Unanswered
                    } else {
                        TryOutcome::NotSent
                    },
                    None,
                    StripeError::Connection {
                        message,
                        request_may_have_reached_stripe: may_have_reached,
                    },
                ),
            };
            match decide(tried, attempt, attempts, applied_before) {
                Verdict::Retry => {}
                Verdict::GiveUp { outcome_unknown } => {
                    // Only a POST changes anything; a GET's outcome is never "unknown".
                    let unknown = outcome_unknown && method == Method::POST;
                    if unknown && !error.outcome_unknown() {
                        span.in_scope(|| tracing::warn!(error = error.code(), tries = attempt, "giving up; an earlier try may have been applied"));
                        return Err(StripeError::OutcomeUnknown {
                            tries: attempt,
                            last: Box::new(error),
                        });
                    }
                    return Err(error);
                }
            }
            applied_before |= tried.may_have_applied();
            let wait = self.backoff(policy, attempt, wait_hint);
            span.in_scope(|| {
                tracing::info!(
                    error = error.code(),
                    wait_ms = wait.as_millis() as u64,
                    "retrying Stripe request"
                )
            });
            tokio::time::sleep(wait).await;
        }
        unreachable!("the last attempt always returns")
    }

    async fn attempt(
        &self,
        method: &Method,
        url: &str,
        body: Option<&str>,
        idem: Option<&IdempotencyKey>,
        policy: RetryPolicy,
    ) -> Attempt {
        let started = Instant::now();
        let mut req = self
            .inner
            .http
            .request(method.clone(), url)
            .timeout(
                self.inner
                    .attempt_timeout
                    .unwrap_or(policy.attempt_timeout()),
            )
            .header(AUTHORIZATION, format!("Bearer {}", self.inner.key.expose()))
            .header("Stripe-Version", STRIPE_VERSION)
            .header(USER_AGENT, PAYDESK_USER_AGENT);
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k.as_str());
        }
        if let Some(b) = body {
            req = req
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(b.to_string());
        }
        let elapsed_ms = || started.elapsed().as_millis() as u64;
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return transport_failure(&e, elapsed_ms()),
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        if let Some(date) = header(&headers, "date").and_then(|d| httpdate::parse_http_date(&d).ok()) {
            *self.inner.stripe_clock.lock().unwrap_or_else(|p| p.into_inner()) = Some((date, Instant::now()));
        }
        match resp.bytes().await {
            Ok(body) => {
                tracing::info!(
                    status = status.as_u16(),
                    request_id = header(&headers, "request-id").as_deref().unwrap_or(""),
                    elapsed_ms = elapsed_ms(),
                    "Stripe answered"
                );
                Attempt::Answered {
                    status,
                    headers,
                    body: body.to_vec(),
                }
            }
            Err(e) => transport_failure(&e, elapsed_ms()),
        }
    }

    /// Exponential backoff with full jitter, or Stripe's `Retry-After`; never above the
    /// policy's cap.
    fn backoff(
        &self,
        policy: RetryPolicy,
        attempt: u32,
        retry_after: Option<Duration>,
    ) -> Duration {
        let cap = policy.cap();
        let wait = match retry_after {
            Some(hint) => hint.min(cap),
            None => {
                let ceiling = policy
                    .base()
                    .saturating_mul(1u32 << (attempt - 1).min(16))
                    .min(cap);
                ceiling.mul_f64(rand::random::<f64>())
            }
        };
        wait.mul_f64(self.inner.backoff_scale)
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn transport_failure(e: &reqwest::Error, elapsed_ms: u64) -> Attempt {
    if e.is_builder() {
        return Attempt::Unsendable(
            "the request could not be built (an invalid header value?)".into(),
        );
    }
    // Even "could not connect" does not prove the request never left: when a pooled
    // connection dies after the request was written, the HTTP stack retries it on a new
    // connection, and that connection's refusal is what surfaces (the soak saw exactly this
    // make a second charge). So no transport failure is taken as "never reached Stripe".
    let may_have_reached = true;
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "connection lost before the answer arrived"
    };
    tracing::warn!(
        elapsed_ms,
        may_have_reached,
        "Stripe request failed: {what}"
    );
    Attempt::Failed {
        message: what.to_string(),
        may_have_reached,
    }
}

fn decode<T: DeserializeOwned>(body: &[u8], method: &Method, path: &str) -> Result<T, StripeError> {
    serde_json::from_slice(body).map_err(|e| StripeError::Decode {
        message: format!("{method} {path}: {}", scrub(&e.to_string())),
    })
}

fn map_error(status: StatusCode, body: &[u8], request_id: Option<String>) -> StripeError {
    let parsed = parse_error_body(body);
    let message = parsed
        .as_ref()
        .and_then(|e| e.message.as_deref())
        .map(scrub)
        .unwrap_or_else(|| format!("HTTP {} without a Stripe error body", status.as_u16()));
    let kind = parsed
        .as_ref()
        .map(|e| e.r#type.as_str())
        .unwrap_or_default();
    if kind == "card_error" {
        let e = parsed.expect("card_error came from a parsed body");
        return StripeError::Card {
            code: e.code,
            decline_code: e.decline_code,
            message,
            payment_intent: e.payment_intent,
            request_id,
        };
    }
    if kind == "idempotency_error" {
        return StripeError::Idempotency { message };
    }
    match status.as_u16() {
        401 => StripeError::Authentication { message },
        403 => StripeError::Permission { message },
        404 => StripeError::NotFound { message },
        409 => StripeError::Idempotency { message },
        429 => StripeError::RateLimited { message },
        400..=499 => {
            let (code, param) = parsed.map(|e| (e.code, e.param)).unwrap_or_default();
            StripeError::InvalidRequest {
                code,
                param,
                message,
                request_id,
            }
        }
        status => StripeError::Api { status, message },
    }
}

/// Reads `{"error": {...}}`; an embedded PaymentIntent that does not parse is dropped
/// rather than losing the error's code and message with it.
fn parse_error_body(body: &[u8]) -> Option<ApiErrorBody> {
    let mut error = serde_json::from_slice::<serde_json::Value>(body)
        .ok()?
        .get_mut("error")?
        .take();
    if let Ok(parsed) = serde_json::from_value::<ApiErrorBody>(error.clone()) {
        return Some(parsed);
    }
    error.as_object_mut()?.remove("payment_intent");
    serde_json::from_value(error).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str) -> StripeError {
        map_error(
            StatusCode::from_u16(status).unwrap(),
            body.as_bytes(),
            Some("req_1".into()),
        )
    }

    #[test]
    fn stripe_errors_map_by_type_then_status() {
        let e = |t: &str, extra: &str| {
            format!(r#"{{"error":{{"type":"{t}","message":"msg"{extra}}}}}"#)
        };
        assert!(matches!(
            err(402, &e("card_error", r#","code":"card_declined""#)),
            StripeError::Card { .. }
        ));
        assert!(matches!(
            err(400, &e("idempotency_error", "")),
            StripeError::Idempotency { .. }
        ));
        assert!(matches!(
            err(409, &e("invalid_request_error", "")),
            StripeError::Idempotency { .. }
        ));
        assert!(matches!(
            err(401, &e("invalid_request_error", "")),
            StripeError::Authentication { .. }
        ));
        assert!(matches!(
            err(403, &e("invalid_request_error", "")),
            StripeError::Permission { .. }
        ));
        assert!(matches!(
            err(
                404,
                &e("invalid_request_error", r#","code":"resource_missing""#)
            ),
            StripeError::NotFound { .. }
        ));
        assert!(matches!(
            err(429, &e("invalid_request_error", r#","code":"rate_limit""#)),
            StripeError::RateLimited { .. }
        ));
        assert!(matches!(
            err(503, &e("api_error", "")),
            StripeError::Api { status: 503, .. }
        ));
        match err(
            400,
            &e(
                "invalid_request_error",
                r#","code":"parameter_missing","param":"amount""#,
            ),
        ) {
            StripeError::InvalidRequest {
                code,
                param,
                message,
                request_id,
            } => {
                assert_eq!(
                    (code.as_deref(), param.as_deref()),
                    (Some("parameter_missing"), Some("amount"))
                );
                assert_eq!(
                    (message.as_str(), request_id.as_deref()),
                    ("msg", Some("req_1"))
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_bodies_that_are_not_stripe_json_still_map() {
        assert!(matches!(
            err(502, "<html>Bad gateway</html>"),
            StripeError::Api { status: 502, .. }
        ));
        // A malformed embedded intent costs only the intent, not the decline code.
        let body = r#"{"error":{"type":"card_error","code":"card_declined","decline_code":"lost_card","payment_intent":{"id":1}}}"#;
        assert!(
            matches!(err(402, body), StripeError::Card { decline_code: Some(d), payment_intent: None, .. } if d == "lost_card")
        );
    }

    #[test]
    fn stripe_messages_are_scrubbed_of_keys() {
        let body = r#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_abcdefgh1234"}}"#;
        assert!(!err(401, body).to_string().contains("sk_test_abcdefgh1234"));
    }

    #[test]
    fn backoff_is_jittered_below_the_exponential_ceiling_and_the_cap() {
        let client = StripeClient::new(
            SecretKey::parse("sk_test_paydesk_fake_key_1").unwrap(),
            Endpoint::Stripe,
        )
        .unwrap();
        for attempt in 1..=8 {
            let ceiling =
                (Duration::from_millis(300) * (1 << (attempt - 1))).min(Duration::from_secs(2));
            assert!(client.backoff(RetryPolicy::Interactive, attempt, None) <= ceiling);
            assert!(
                client.backoff(RetryPolicy::Background, attempt, None) <= Duration::from_secs(30)
            );
        }
        let hint = Some(Duration::from_secs(120));
        assert_eq!(
            client.backoff(RetryPolicy::Interactive, 1, hint),
            Duration::from_secs(2)
        );
        assert_eq!(
            client.backoff(RetryPolicy::Background, 1, hint),
            Duration::from_secs(30)
        );
        assert_eq!(
            client.backoff(RetryPolicy::Background, 1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        let fast = client.with_backoff_scale(0.001);
        assert_eq!(
            fast.backoff(RetryPolicy::Interactive, 1, hint),
            Duration::from_millis(2)
        );
    }
}
