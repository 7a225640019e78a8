//! The charge path and reconciliation against the in-process Stripe simulator, over real
//! loopback HTTP, with a real SQLite file on disk (a benchmark: it prints figures, one JSON
//! object per line, and asserts nothing about them).
//!
//!   bench_payments charge [--orders N]            start + settle, N sales (default 500)
//!   bench_payments reconcile [--orders N] [--limit R]...   N open orders (default 10,000),
//!                                                 the simulator limited to R requests/s
//!                                                 (default: 25, then 100)
//!
//! "Core" time is the round trip less the time spent inside Stripe requests: each request is
//! one `stripe_request` span of paydesk-stripe's client, timed here from its creation to the
//! last time its future was polled.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use paydesk_core::mode::AppMode;
use paydesk_core::order::{Completeness, LineInput, OrderInput};
use paydesk_core::payments::Payments;
use paydesk_core::store::{OrderId, Store};
use paydesk_stripe::{Endpoint, PublishableKey, RetryPolicy, SecretKey, StripeClient};
use stripe_sim::{SimConfig, Simulator};
use tracing::span;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

const SECRET: &str = "sk_test_bench_made_up_key";
const PUBLISHABLE: &str = "pk_test_bench_made_up_key";
const MODE: AppMode = AppMode::Test;

/// Nanoseconds spent inside Stripe requests, and how many were made.
static STRIPE_NANOS: AtomicU64 = AtomicU64::new(0);
static STRIPE_REQUESTS: AtomicU64 = AtomicU64::new(0);

struct RequestTimer;
struct Started(Instant);
struct LastExit(Instant);

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for RequestTimer {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() == "stripe_request" {
            if let Some(span) = ctx.span(id) {
                span.extensions_mut().insert(Started(Instant::now()));
            }
        }
    }

    fn on_exit(&self, id: &span::Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut extensions = span.extensions_mut();
            if extensions.get_mut::<Started>().is_some() {
                extensions.replace(LastExit(Instant::now()));
            }
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            let extensions = span.extensions();
            if let (Some(Started(start)), Some(LastExit(end))) = (extensions.get::<Started>(), extensions.get::<LastExit>()) {
                STRIPE_NANOS.fetch_add(end.duration_since(*start).as_nanos() as u64, Ordering::SeqCst);
                STRIPE_REQUESTS.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

fn fail(message: &str) -> ! {
    eprintln!("bench_payments: {message}");
    std::process::exit(2)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // Only the timer: no log output, and every span still exists for it.
    tracing_subscriber::registry().with(RequestTimer.with_filter(tracing_subscriber::filter::LevelFilter::INFO)).init();
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_else(|| fail("say charge or reconcile"));
    let (mut orders, mut limits) = (None, Vec::new());
    while let Some(flag) = args.next() {
        let value: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| fail(&format!("{flag} takes a whole number")));
        match flag.as_str() {
            "--orders" => orders = Some(value),
            "--limit" => limits.push(value as u32),
            other => fail(&format!("unknown argument {other}")),
        }
    }
    match what.as_str() {
        "charge" => charge(orders.unwrap_or(500)).await,
        "reconcile" => {
            if limits.is_empty() {
                limits = vec![25, 100];
            }
            for limit in limits {
                reconcile(orders.unwrap_or(10_000), limit).await;
            }
        }
        other => fail(&format!("unknown benchmark {other}; say charge or reconcile")),
    }
}

struct Harness {
    sim: Simulator,
    store: Arc<Mutex<Store>>,
    payments: Payments,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn new() -> Harness {
        let sim = Simulator::start(SimConfig::default()).await.unwrap();
        // On disk, as a till's database is: every commit waits for it.
        let cache = dirs::cache_dir().expect("a cache directory (set HOME)").join("paydesk-bench");
        std::fs::create_dir_all(&cache).unwrap();
        let dir = tempfile::Builder::new().prefix("payments-").tempdir_in(&cache).unwrap();
        let store = Arc::new(Mutex::new(Store::open_in(dir.path()).unwrap()));
        let client = StripeClient::new(SecretKey::parse(SECRET).unwrap(), Endpoint::loopback(sim.base_url()).unwrap()).unwrap();
        let payments = Payments::new(store.clone(), client, PublishableKey::parse(PUBLISHABLE).unwrap(), MODE);
        Harness { sim, store, payments, http: reqwest::Client::new(), _dir: dir }
    }

    fn order(&self, n: u64) -> OrderId {
        let spec = OrderInput {
            currency: "USD".into(),
            lines: vec![
                LineInput { description: "Flat white".into(), quantity: 2, unit_price: "4.50".into() },
                LineInput { description: "Croissant".into(), quantity: 1, unit_price: format!("3.{:02}", n % 100) },
                LineInput { description: "Bag of house beans".into(), quantity: 1, unit_price: "16.50".into() },
            ],
            ..OrderInput::default()
        }
        .validate(Completeness::RequireLines)
        .unwrap();
        self.store.lock().unwrap().create_order(MODE, &spec, "rung up at the till").unwrap().id
    }

    /// What Stripe.js's confirmPayment sends from the window.
    async fn browser_confirm(&self, intent_id: &str, client_secret: &str) {
        let answer = self
            .http
            .post(format!("{}/v1/payment_intents/{intent_id}/confirm", self.sim.base_url()))
            .bearer_auth(PUBLISHABLE)
            .form(&[("client_secret", client_secret), ("payment_method", "pm_card_visa")])
            .send()
            .await
            .unwrap();
        if !answer.status().is_success() {
            fail(&format!("confirm failed: {}", answer.text().await.unwrap_or_default()));
        }
    }
}

async fn charge(n: u64) {
    let h = Harness::new().await;
    let (mut core, mut round_trip, mut start_times, mut settle_times) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..n + 20 {
        let order = h.order(i);
        let before = STRIPE_NANOS.load(Ordering::SeqCst);
        let started = Instant::now();
        let payment = h.payments.start(&order).await.unwrap_or_else(|e| fail(&format!("start: {e}")));
        let start_time = started.elapsed();
        let in_stripe_start = STRIPE_NANOS.load(Ordering::SeqCst) - before;
        h.browser_confirm(&payment.payment_intent_id, payment.client_secret.expose()).await;
        let before = STRIPE_NANOS.load(Ordering::SeqCst);
        let settling = Instant::now();
        let settled = h.payments.settle(&order).await.unwrap_or_else(|e| fail(&format!("settle: {e}")));
        let settle_time = settling.elapsed();
        let in_stripe_settle = STRIPE_NANOS.load(Ordering::SeqCst) - before;
        if settled.status != paydesk_core::order::OrderStatus::Paid {
            fail(&format!("order ended {:?}", settled.status));
        }
        // The first few warm the connections and SQLite's caches.
        if i < 20 {
            continue;
        }
        let total = start_time + settle_time;
        round_trip.push(total);
        core.push(total.saturating_sub(Duration::from_nanos(in_stripe_start + in_stripe_settle)));
        start_times.push(start_time);
        settle_times.push(settle_time);
    }
    emit("charge_core", core);
    emit("charge_round_trip", round_trip);
    emit("charge_start", start_times);
    emit("charge_settle", settle_times);
}

async fn reconcile(n: u64, limit: u32) {
    let h = Harness::new().await;
    eprintln!("bench_payments: {n} open orders, each with its intent at the simulator");
    for i in 0..n {
        let order = h.order(i);
        let payment = h.payments.start(&order).await.unwrap_or_else(|e| fail(&format!("start: {e}")));
        // A third were paid in the window but never settled (the till died): reconciling
        // finds them paid. The rest still wait for a card.
        if i % 3 == 0 {
            h.browser_confirm(&payment.payment_intent_id, payment.client_secret.expose()).await;
        }
    }
    // No events cursor yet: the run re-reads every open order, then takes the newest event
    // as its cursor (one request).
    h.sim.faults().set_rate_limit(Some(limit));
    let client = StripeClient::new(SecretKey::parse(SECRET).unwrap(), Endpoint::loopback(h.sim.base_url()).unwrap()).unwrap();
    let payments = Payments::new(h.store.clone(), client, PublishableKey::parse(PUBLISHABLE).unwrap(), MODE).with_policy(RetryPolicy::Background).with_rate_limit(limit);
    eprintln!("bench_payments: reconciling at a simulator limit of {limit} requests/s");
    let requests_before = STRIPE_REQUESTS.load(Ordering::SeqCst);
    let started = Instant::now();
    let report = payments.reconcile().await.unwrap_or_else(|e| fail(&format!("reconcile: {e}")));
    let elapsed = started.elapsed().as_secs_f64();
    let requests = STRIPE_REQUESTS.load(Ordering::SeqCst) - requests_before;
    let rate = requests as f64 / elapsed;
    println!(
        r#"{{"name": "reconcile_{limit}", "orders": {}, "changed": {}, "failed_orders": {}, "requests": {requests}, "seconds": {:.1}, "requests_per_s": {:.2}, "limit": {limit}, "of_limit": {:.3}}}"#,
        report.orders_checked,
        report.orders_changed,
        report.errors.len(),
        elapsed,
        rate,
        rate / f64::from(limit)
    );
    for error in report.errors.iter().take(5) {
        eprintln!("bench_payments: {error}");
    }
}

fn emit(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let n = times.len();
    let rank = |p: f64| times[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    let ms = |d: Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    println!(r#"{{"name": "{name}", "p50_ms": {}, "p99_ms": {}, "n": {n}}}"#, ms(rank(0.50)), ms(rank(0.99)));
}
