//! Throughput and p99 latency of PaymentIntent create and create+confirm (a benchmark,
//! not a test). Starts an in-process simulator, or measures any Stripe-compatible server
//! given with `--url` (for example localstripe, for comparison in the same run):
//! `cargo run -p stripe-sim --example bench --release -- [--url URL] [--requests N] [--concurrency C]`

use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let mut url = None;
    let mut requests = 5000usize;
    let mut concurrency = 32usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next();
        match (a.as_str(), v) {
            ("--url", Some(v)) => url = Some(v),
            ("--requests", Some(v)) => requests = v.parse().expect("--requests N"),
            ("--concurrency", Some(v)) => concurrency = v.parse().expect("--concurrency C"),
            _ => panic!("usage: bench [--url URL] [--requests N] [--concurrency C]"),
        }
    }
    let sim = match url {
        Some(_) => None,
        None => Some(stripe_sim::Simulator::start(stripe_sim::SimConfig::default()).await.expect("simulator starts")),
    };
    let base = url.unwrap_or_else(|| sim.as_ref().map(|s| s.base_url().to_string()).unwrap_or_default());
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");
    for (name, form) in [
        ("create", vec![("amount", "2000"), ("currency", "usd")]),
        ("create+confirm", vec![("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true")]),
    ] {
        let form = Arc::new(form);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for worker in 0..concurrency {
            let (client, form, url) = (client.clone(), form.clone(), format!("{base}/v1/payment_intents"));
            let share = requests / concurrency + usize::from(worker < requests % concurrency);
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(share);
                for _ in 0..share {
                    let t = Instant::now();
                    let r = client.post(&url).bearer_auth("sk_test_paydesk_fake_key").form(&*form).send().await.expect("answer");
                    assert!(r.status().is_success(), "status {}", r.status());
                    r.bytes().await.expect("body");
                    latencies.push(t.elapsed());
                }
                latencies
            }));
        }
        let mut all: Vec<Duration> = Vec::with_capacity(requests);
        for t in tasks {
            all.extend(t.await.expect("worker"));
        }
        let elapsed = started.elapsed();
        all.sort();
        let p99 = all[(all.len() * 99 / 100).min(all.len() - 1)];
        println!(
            "{base} {name}: {} requests in {:.2}s = {:.0} req/s, p99 {:.2} ms",
            all.len(),
            elapsed.as_secs_f64(),
            all.len() as f64 / elapsed.as_secs_f64(),
            p99.as_secs_f64() * 1000.0
        );
    }
}
