//! A Stripe test-mode simulator: the part of Stripe's API that Paydesk uses, served on
//! loopback with Stripe's request and answer formats, plus a stand-in for Stripe.js.
//!
//! Nothing here talks to Stripe. The simulator is the backend of Paydesk's tests and of
//! its offline demo mode.
//!
//! # In-process (tests)
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = stripe_sim::Simulator::start(stripe_sim::SimConfig::default()).await?;
//! let api_base = sim.base_url(); // e.g. "http://127.0.0.1:41234"
//! sim.faults().fail_next(1, stripe_sim::Failure::ServerError, Some(true));
//! sim.stop().await;
//! # Ok(()) }
//! ```
//!
//! # As a long-running server (`paydesk simulator --port N`)
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let config = stripe_sim::SimConfig { port: 12111, ..Default::default() };
//! stripe_sim::serve(config, |sim| println!("Stripe simulator on {}", sim.base_url()), async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await
//! # }
//! ```
//!
//! The server binds `127.0.0.1` only. API calls take `Authorization: Bearer sk_test_…`
//! (or `rk_test_…`); the Stripe.js stand-in uses `pk_test_…` with a client secret; live
//! keys are refused. The stand-in is `GET {base_url}/v3/`, a drop-in for
//! `https://js.stripe.com/v3/`.
//!
//! # Endpoints
//!
//! `GET /v1/account`; `POST|GET /v1/payment_intents`, `GET|POST /v1/payment_intents/:id`,
//! `POST /v1/payment_intents/:id/{confirm,capture,cancel}`; `GET /v1/charges[/:id]`;
//! `POST|GET /v1/refunds`, `GET|POST /v1/refunds/:id`; `GET /v1/events[/:id]`;
//! `GET /v1/disputes/:id`; `GET /v1/payment_methods/:id`; `POST /v1/confirmation_tokens` (publishable key),
//! `POST /v1/test_helpers/confirmation_tokens`, `GET /v1/confirmation_tokens/:id`;
//! `POST|GET /v1/customers`, `GET /v1/customers/search`, `GET|POST|DELETE /v1/customers/:id`,
//! `GET /v1/customers/:id/payment_methods[/:pm]`; `GET /v1/payment_methods?customer=`,
//! `POST /v1/payment_methods/:id/{attach,detach}`; `POST|GET /v1/setup_intents`,
//! `GET|POST /v1/setup_intents/:id`, `POST /v1/setup_intents/:id/{confirm,cancel}`;
//! `POST /v1/customer_sessions`.
//! The app's Content-Security-Policy must allow the simulator's origin in `script-src`
//! (the script), `frame-src` (card frame and 3-D Secure page) and `connect-src` (the
//! stand-in's calls from the page), exactly as it allows `js.stripe.com` / `api.stripe.com`.
//!
//! Simulator-only: `POST /_sim/3ds/authenticate` (the 3-D Secure test page's buttons)
//! and, with [`SimConfig::test_control`], `POST /_sim/faults` and `POST /_sim/processing`.

#![recursion_limit = "256"]
// ApiError is the answer of a good share of requests and is built once per request;
// boxing it would only add noise to every early return.
#![allow(clippy::result_large_err)]

mod api;
mod cards;
mod currency;
mod customers;
mod errors;
mod faults;
mod form;
mod idempotency;
mod js;
mod objects;
mod server;
mod state;
mod tls;

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use faults::{Chaos, Failure, Faults, PausedRequest};
pub use tls::{tls_acceptor, TlsIdentity};

/// The Stripe API version reported when a request does not pin one.
pub const DEFAULT_API_VERSION: &str = "2024-06-20";

#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Reported in `Stripe-Version` and events when a request does not send one.
    pub api_version: String,
    /// Exposes `POST /_sim/faults` and `POST /_sim/processing` over HTTP. Off by default so
    /// the demo mode has no such switch; tests written in other languages turn it on.
    pub test_control: bool,
    /// Origins allowed by CORS besides the app's (`tauri://localhost`,
    /// `http(s)://tauri.localhost`) and `http://127.0.0.1:*` / `http://localhost:*`.
    pub allowed_origins: Vec<String>,
    /// Also serve everything over https on a second port, with this certificate. The
    /// browser-facing URLs (the stand-in, its card frame, the 3-D Secure page) are then the
    /// https ones: an https page may not load http scripts or frames.
    pub tls: Option<TlsIdentity>,
    /// For tests of the live-mode page only: `pk_live_…` is accepted as if it were this
    /// simulator's test key, so a window can run with a live-looking publishable key.
    pub accept_live_publishable: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            api_version: DEFAULT_API_VERSION.into(),
            test_control: false,
            allowed_origins: Vec::new(),
            tls: None,
            accept_live_publishable: false,
        }
    }
}

/// A running simulator. Dropping it stops the server.
pub struct Simulator {
    shared: Arc<server::Shared>,
    shutdown: Option<watch::Sender<bool>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Simulator {
    /// Binds 127.0.0.1 on `config.port` (and a free port for https when `config.tls` is
    /// set) and starts serving on the current Tokio runtime.
    pub async fn start(config: SimConfig) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port))).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let secure = match &config.tls {
            Some(identity) => {
                let acceptor = tls_acceptor(identity)?;
                let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
                let url = format!("https://{}", listener.local_addr()?);
                Some((listener, acceptor, url))
            }
            None => None,
        };
        let tls_base_url = secure.as_ref().map(|(_, _, url)| url.clone());
        let browser_url = tls_base_url.clone().unwrap_or_else(|| base_url.clone());
        let shared = Arc::new(server::Shared {
            store: Mutex::new(state::Store::new(browser_url, config.api_version.clone())),
            faults: Faults::default(),
            idempotency: idempotency::Idempotency::default(),
            config,
            base_url,
            tls_base_url,
        });
        let (tx, rx) = watch::channel(false);
        let stopped = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let mut tasks = vec![tokio::spawn(server::run(listener, None, shared.clone(), stopped(rx.clone())))];
        if let Some((listener, acceptor, _)) = secure {
            tasks.push(tokio::spawn(server::run(listener, Some(acceptor), shared.clone(), stopped(rx))));
        }
        Ok(Simulator { shared, shutdown: Some(tx), tasks })
    }

    /// `http://127.0.0.1:PORT`, to use as the Stripe API base and Stripe.js origin.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// `https://127.0.0.1:PORT` when started with [`SimConfig::tls`]: the same simulator
    /// over https, for pages that are themselves https.
    pub fn tls_base_url(&self) -> Option<&str> {
        self.shared.tls_base_url.as_deref()
    }

    pub fn port(&self) -> u16 {
        self.shared.base_url.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0)
    }

    /// The fault injection switches for this instance.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Forgets every idempotency key's saved result, as Stripe does after 24 hours: a
    /// re-sent request then runs again.
    pub fn forget_idempotency_keys(&self) {
        self.shared.idempotency.forget_saved();
    }

    /// While on, successful card authorizations stay `processing` until
    /// [`Simulator::settle_processing`], to exercise that status.
    pub fn set_hold_processing(&self, hold: bool) {
        self.shared.store.lock().expect("store lock").hold_processing = hold;
    }

    /// Completes every payment held in `processing`; returns how many there were.
    pub fn settle_processing(&self) -> usize {
        self.shared.store.lock().expect("store lock").settle_processing()
    }

    /// Stops accepting connections, closes open ones and waits for the server task.
    pub async fn stop(mut self) {
        self.signal_stop();
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }

    fn signal_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

/// Runs a simulator until `shutdown` resolves: the entry point for
/// `paydesk simulator --port N`. `on_ready` receives the base URL once it is listening.
pub async fn serve(
    config: SimConfig,
    on_ready: impl FnOnce(&Simulator),
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let sim = Simulator::start(config).await?;
    on_ready(&sim);
    shutdown.await;
    sim.stop().await;
    Ok(())
}
