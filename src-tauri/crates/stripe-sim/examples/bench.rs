//! Throughput, p50 and p99 latency of PaymentIntent create and create+confirm (a
//! benchmark, not a test). Starts an in-process simulator, or measures any
//! Stripe-compatible server given with `--url` (for example a served simulator or
//! localstripe, for comparison in the same run; `tests/stripe-sim/bench.sh` does that):
//!
//! `cargo run -p stripe-sim --example bench --release -- [--url URL] [--mix create|confirm|both]
//!  [--requests N] [--concurrency C] [--warmup W] [--max-seconds S] [--label NAME]`
//!
//! The client is deliberately thin so that it does not measure itself: `C` keep-alive
//! HTTP/1.1 connections, one per worker, each driven by a bare hyper connection (no pool,
//! no redirect or cookie layers), with the request head and body built once. Each worker
//! sends its next request as soon as the previous answer's body has been read, so there
//! are always `C` requests in flight. Latency is measured per request from just before
//! sending to the last byte of the body.
//!
//! Each phase first sends `W` warm-up requests (not measured), then `N` measured ones,
//! stopping early if `S` seconds pass (the output then says `capped`). Any answer other
//! than 200, or a connection error, counts as an error; the exit status is 1 if there
//! were errors. Besides a human-readable line, every phase prints a tab-separated line
//! `RESULT label mix requests errors seconds rps p50_ms p99_ms client_cpu_s capped`
//! for scripts; `client_cpu_s` is the CPU time this process used during the phase
//! (client and, in-process, also the simulator).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

const KEY: &str = "sk_test_paydesk_fake_key";

struct Opts {
    url: Option<String>,
    mix: String,
    requests: usize,
    concurrency: usize,
    warmup: usize,
    max_seconds: f64,
    label: Option<String>,
}

fn usage() -> ! {
    eprintln!(
        "usage: bench [--url URL] [--mix create|confirm|both] [--requests N] [--concurrency C] [--warmup W] [--max-seconds S] [--label NAME]"
    );
    std::process::exit(2)
}

fn parse_args() -> Opts {
    let mut o = Opts {
        url: None,
        mix: "both".into(),
        requests: 5000,
        concurrency: 32,
        warmup: 200,
        max_seconds: 60.0,
        label: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_else(|| usage());
        let num = |v: &str| v.parse::<usize>().unwrap_or_else(|_| usage());
        match a.as_str() {
            "--url" => o.url = Some(v.trim_end_matches('/').to_string()),
            "--mix" if ["create", "confirm", "both"].contains(&v.as_str()) => o.mix = v,
            "--requests" => o.requests = num(&v).max(1),
            "--concurrency" => o.concurrency = num(&v).max(1),
            "--warmup" => o.warmup = num(&v),
            "--max-seconds" => o.max_seconds = v.parse().unwrap_or_else(|_| usage()),
            "--label" => o.label = Some(v),
            _ => usage(),
        }
    }
    o
}

/// CPU time (user + system) of this process so far.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after ')'.
    let ticks: u64 = f.get(11).and_then(|u| u.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    Duration::from_secs_f64(ticks as f64 / 100.0) // USER_HZ is 100 on Linux
}

/// `host:port` of the server, for connecting and for the Host header.
struct Target {
    host: String,
}

fn target(base: &str) -> Target {
    let rest = base.strip_prefix("http://").unwrap_or_else(|| {
        eprintln!("bench: only http:// URLs are supported, got {base}");
        std::process::exit(2)
    });
    let host = rest.split('/').next().unwrap_or(rest).to_string();
    Target { host }
}

#[derive(Default)]
struct WorkerResult {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
}

/// Sends `count` requests one after the other on one keep-alive connection, stopping at
/// `deadline`. Latencies are kept only when `measure` is set.
async fn worker(target: Arc<Target>, body: Bytes, count: usize, deadline: Instant, measure: bool) -> WorkerResult {
    let mut out = WorkerResult { latencies: Vec::with_capacity(if measure { count } else { 0 }), ..Default::default() };
    let mut conn: Option<http1::SendRequest<Full<Bytes>>> = None;
    let mut sent = 0;
    while sent < count && Instant::now() < deadline {
        sent += 1;
        let t = Instant::now();
        let outcome: Result<(), String> = async {
            if conn.as_ref().is_none_or(|c| c.is_closed()) {
                let stream = TcpStream::connect(target.host.as_str()).await.map_err(|e| format!("connect: {e}"))?;
                let _ = stream.set_nodelay(true);
                let (send, driver) = http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("handshake: {e}"))?;
                tokio::spawn(async move {
                    let _ = driver.await;
                });
                conn = Some(send);
            }
            let send = conn.as_mut().expect("connected above");
            send.ready().await.map_err(|e| format!("connection: {e}"))?;
            let req = Request::post("/v1/payment_intents")
                .header("host", target.host.as_str())
                .header("authorization", bearer())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Full::new(body.clone()))
                .expect("valid request");
            let resp = send.send_request(req).await.map_err(|e| format!("request: {e}"))?;
            let status = resp.status();
            let bytes = resp.into_body().collect().await.map_err(|e| format!("body: {e}"))?.to_bytes();
            if status != 200 {
                return Err(format!("status {status}: {}", String::from_utf8_lossy(&bytes[..bytes.len().min(300)])));
            }
            Ok(())
        }
        .await;
        match outcome {
            Ok(()) if measure => out.latencies.push(t.elapsed()),
            Ok(()) => {}
            Err(e) => {
                out.errors += 1;
                out.first_error.get_or_insert(e);
                conn = None;
            }
        }
    }
    out
}

/// The Authorization header, built once.
fn bearer() -> &'static str {
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| format!("Bearer {KEY}"))
}

/// Runs `total` requests split over `concurrency` workers; returns the merged results
/// and the wall time.
async fn run_phase(target: &Arc<Target>, body: &Bytes, total: usize, concurrency: usize, deadline: Instant, measure: bool) -> (WorkerResult, Duration) {
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for w in 0..concurrency {
        let share = total / concurrency + usize::from(w < total % concurrency);
        tasks.push(tokio::spawn(worker(target.clone(), body.clone(), share, deadline, measure)));
    }
    let mut all = WorkerResult::default();
    for t in tasks {
        let r = t.await.expect("worker task");
        all.latencies.extend(r.latencies);
        all.errors += r.errors;
        if all.first_error.is_none() {
            all.first_error = r.first_error;
        }
    }
    (all, started.elapsed())
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    // Nearest rank: the smallest value with at least p% of the samples at or below it.
    let rank = (sorted.len() * p).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[tokio::main]
async fn main() {
    let o = parse_args();
    let sim = match o.url {
        Some(_) => None,
        None => Some(stripe_sim::Simulator::start(stripe_sim::SimConfig::default()).await.expect("simulator starts")),
    };
    let base = o.url.clone().unwrap_or_else(|| sim.as_ref().map(|s| s.base_url().to_string()).unwrap_or_default());
    let label = o.label.clone().unwrap_or_else(|| if sim.is_some() { "sim-in-process".into() } else { base.clone() });
    let target = Arc::new(target(&base));
    let mut failed = false;
    let phases: &[(&str, &str)] = &[
        ("create", "amount=2000&currency=usd"),
        ("confirm", "amount=2000&currency=usd&payment_method=pm_card_visa&confirm=true"),
    ];
    for (mix, form) in phases.iter().filter(|(m, _)| o.mix == "both" || o.mix == *m) {
        let body = Bytes::from_static(form.as_bytes());
        let name = if *mix == "create" { "create" } else { "create+confirm" };
        let far = Instant::now() + Duration::from_secs_f64(o.max_seconds.max(1.0));
        if o.warmup > 0 {
            let (w, _) = run_phase(&target, &body, o.warmup, o.concurrency.min(o.warmup), far, false).await;
            if w.errors > 0 {
                eprintln!("bench: {label} {name} warm-up: {} errors, first: {}", w.errors, w.first_error.unwrap_or_default());
                failed = true;
                continue;
            }
        }
        let cpu_before = process_cpu();
        let deadline = Instant::now() + Duration::from_secs_f64(o.max_seconds);
        let (mut r, elapsed) = run_phase(&target, &body, o.requests, o.concurrency, deadline, true).await;
        let cpu = process_cpu().saturating_sub(cpu_before);
        r.latencies.sort_unstable();
        let done = r.latencies.len();
        let capped = done + r.errors < o.requests;
        let rps = done as f64 / elapsed.as_secs_f64();
        let (p50, p99) = (percentile(&r.latencies, 50), percentile(&r.latencies, 99));
        println!(
            "{label} {name}: {done} requests in {:.2}s = {rps:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors, client CPU {:.2}s{}",
            elapsed.as_secs_f64(),
            p50.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0,
            r.errors,
            cpu.as_secs_f64(),
            if capped { " (capped by --max-seconds)" } else { "" },
        );
        println!(
            "RESULT\t{label}\t{name}\t{done}\t{}\t{:.3}\t{rps:.1}\t{:.3}\t{:.3}\t{:.2}\t{}",
            r.errors,
            elapsed.as_secs_f64(),
            p50.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0,
            cpu.as_secs_f64(),
            if capped { "capped" } else { "complete" },
        );
        if r.errors > 0 {
            eprintln!("bench: {label} {name}: {} errors, first: {}", r.errors, r.first_error.unwrap_or_default());
            failed = true;
        }
    }
    if let Some(sim) = sim {
        sim.stop().await;
    }
    if failed {
        std::process::exit(1);
    }
}
