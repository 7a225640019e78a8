//! A simulator on loopback, a client pointed at it, and a capture of the client's logs.
#![allow(dead_code)] // each test binary uses a different subset of these helpers

use std::cell::RefCell;
use std::fmt::Debug;
use std::sync::{Arc, Mutex, Once};

use paydesk_stripe::{
    ConfirmPaymentIntent, CreatePaymentIntent, Endpoint, IdempotencyKey, PaymentIntent,
    RetryPolicy, SecretKey, StripeClient,
};
use stripe_sim::{SimConfig, Simulator};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

pub const KEY: &str = "sk_test_paydesk_fake_key_1";
pub const I: RetryPolicy = RetryPolicy::Interactive;

pub struct Harness {
    pub sim: Simulator,
    pub client: StripeClient,
}

pub async fn harness() -> Harness {
    let sim = Simulator::start(SimConfig::default())
        .await
        .expect("simulator starts");
    let client = client_for(sim.base_url());
    Harness { sim, client }
}

pub fn client_for(base_url: &str) -> StripeClient {
    let endpoint = Endpoint::loopback(base_url).expect("loopback endpoint");
    // Retries wait microseconds instead of hundreds of milliseconds.
    StripeClient::new(SecretKey::parse(KEY).expect("test key"), endpoint)
        .expect("client")
        .with_backoff_scale(0.001)
}

pub fn ikey() -> IdempotencyKey {
    IdempotencyKey::new()
}

pub fn usd(amount: i64) -> CreatePaymentIntent {
    CreatePaymentIntent {
        amount,
        currency: "usd".into(),
        ..Default::default()
    }
}

impl Harness {
    pub async fn create(&self, params: &CreatePaymentIntent) -> PaymentIntent {
        self.client
            .create_payment_intent(params, &ikey(), I)
            .await
            .expect("create")
    }

    pub async fn confirm_with(
        &self,
        id: &str,
        pm: &str,
    ) -> Result<PaymentIntent, paydesk_stripe::StripeError> {
        let params = ConfirmPaymentIntent {
            payment_method: Some(pm.into()),
            ..Default::default()
        };
        self.client
            .confirm_payment_intent(id, &params, &ikey(), I)
            .await
    }

    pub async fn intent_count(&self) -> usize {
        let list = self
            .client
            .list_payment_intents(
                &paydesk_stripe::ListParams {
                    limit: Some(100),
                    ..Default::default()
                },
                I,
            )
            .await
            .expect("list");
        list.data.len()
    }
}

/// Every span and event this crate emits, as text.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<String>>>);

thread_local! {
    static CAPTURING: RefCell<Option<Logs>> = const { RefCell::new(None) };
}

/// Stops the capture on this thread when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        CAPTURING.with(|current| current.borrow_mut().take());
    }
}

impl Logs {
    /// Captures the crate's tracing output on the current thread (tokio tests run on one
    /// thread) until the guard drops. One global subscriber routes each event to the capture
    /// of the thread it happens on: a thread-local default subscriber instead loses events
    /// when other tests' threads register the same callsites at the same moment (tracing's
    /// interest cache), which made attempt counts flaky under load.
    pub fn capture() -> (Logs, CaptureGuard) {
        static GLOBAL: Once = Once::new();
        GLOBAL.call_once(|| tracing_subscriber::registry().with(Router).init());
        let logs = Logs::default();
        CAPTURING.with(|current| *current.borrow_mut() = Some(logs.clone()));
        (logs, CaptureGuard(()))
    }

    fn push(line: String) {
        CAPTURING.with(|current| {
            if let Some(logs) = current.borrow().as_ref() {
                logs.0.lock().unwrap().push(line);
            }
        });
    }

    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    /// How many attempts reached the wire and got an answer or a transport failure.
    pub fn attempts(&self) -> usize {
        self.lines()
            .iter()
            .filter(|l| l.contains("Stripe answered") || l.contains("Stripe request failed"))
            .count()
    }
}

struct Text(String);

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

struct Router;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Router {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _: &tracing::span::Id,
        _: Context<'_, S>,
    ) {
        if attrs.metadata().target().starts_with("paydesk_stripe") {
            let mut t = Text(format!("span {}", attrs.metadata().name()));
            attrs.record(&mut t);
            Logs::push(t.0);
        }
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target().starts_with("paydesk_stripe") {
            let mut t = Text("event".into());
            event.record(&mut t);
            Logs::push(t.0);
        }
    }
}
