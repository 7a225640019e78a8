//! Runs the simulator until interrupted, for tests written in other languages:
//! `cargo run -p stripe-sim --example serve -- --port 12111 [--test-control]`.
//! Prints `listening on http://127.0.0.1:PORT` once it accepts connections.

use std::io::Write;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::io::Result<()> {
    let mut config = stripe_sim::SimConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                config.port = args.next().and_then(|p| p.parse().ok()).ok_or_else(|| usage("--port needs a number"))?;
            }
            "--test-control" => config.test_control = true,
            other => return Err(usage(&format!("unknown argument {other}"))),
        }
    }
    stripe_sim::serve(
        config,
        |sim| {
            println!("listening on {}", sim.base_url());
            let _ = std::io::stdout().flush();
        },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await
}

fn usage(msg: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{msg}; usage: serve [--port N] [--test-control]"))
}
