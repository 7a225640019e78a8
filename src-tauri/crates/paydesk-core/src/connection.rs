//! How a till reaches Stripe: with the shop's configured keys (from the OS keyring) to
//! api.stripe.com, or, when none are set, the offline demo / training mode: the Stripe
//! simulator running inside the app, so a trainee can ring up sales and no money moves.

use std::sync::{Arc, Mutex};

use paydesk_stripe::{Endpoint, PublishableKey, RetryPolicy, SecretKey, StripeClient};
use crate::keys::{self, KeyStatus, KeysError};
pub use crate::mode::AppMode;
use crate::payments::Payments;
use crate::secrets::Keyring;
use crate::store::Store;
use stripe_sim::TlsIdentity;

/// The demo mode's keys: made up, test-mode, and only ever sent to the in-app simulator.
const DEMO_SECRET: &str = "sk_test_paydesk_demo_mode_not_a_real_key";
const DEMO_PUBLISHABLE: &str = "pk_test_paydesk_demo_mode_not_a_real_key";
pub const STRIPE_JS_URL: &str = "https://js.stripe.com/v3/";

/// Test builds only: the window's Stripe.js for configured keys comes from here (a loopback
/// simulator's stand-in over https) instead of js.stripe.com.
pub const STRIPE_JS_URL_ENV: &str = "PAYDESK_STRIPE_JS_URL";
/// Test builds only: demo mode's publishable key, to run the window with a live-looking key
/// against the stand-in (its secret key stays a made-up test key).
pub const DEMO_PUBLISHABLE_ENV: &str = "PAYDESK_DEMO_PUBLISHABLE_KEY";

/// A test build's override from the environment; always `None` in a shipped build.
fn test_override(name: &str) -> Option<String> {
    if cfg!(any(debug_assertions, feature = "test-endpoints")) {
        std::env::var(name).ok().filter(|value| !value.is_empty())
    } else {
        None
    }
}

/// The demo mode's simulator, started the first time demo mode is needed and then kept for
/// the life of the app: going back to demo mode after keys are removed finds the trainee's
/// sales still there. With a certificate it also listens over https, which the window's
/// https page needs to load the stand-in and its frames.
#[derive(Default)]
pub struct DemoSimulator {
    simulator: tokio::sync::OnceCell<Arc<stripe_sim::Simulator>>,
    tls: Option<TlsIdentity>,
}

impl DemoSimulator {
    pub fn new(tls: Option<TlsIdentity>) -> DemoSimulator {
        DemoSimulator { simulator: Default::default(), tls }
    }

    async fn get(&self) -> Result<Arc<stripe_sim::Simulator>, KeysError> {
        self.simulator
            .get_or_try_init(|| async {
                let config = stripe_sim::SimConfig {
                    tls: self.tls.clone(),
                    accept_live_publishable: test_override(DEMO_PUBLISHABLE_ENV).is_some(),
                    ..stripe_sim::SimConfig::default()
                };
                stripe_sim::Simulator::start(config)
                    .await
                    .map(Arc::new)
                    .map_err(|e| KeysError::Endpoint(format!("cannot start the demo mode's simulator: {e}")))
            })
            .await
            .cloned()
    }
}


pub struct Connection {
    pub mode: AppMode,
    /// Interactive: a cashier is waiting.
    pub payments: Arc<Payments>,
    /// Background work (reconciliation): longer, gentler retries.
    pub background: Arc<Payments>,
    /// Where the window loads Stripe.js from: js.stripe.com, or the simulator's stand-in.
    pub stripe_js_url: String,
    /// For the window's Stripe.js (also for the deferred Payment Element, which has no intent yet).
    pub publishable_key: PublishableKey,
    pub keys: Option<KeyStatus>,
    _simulator: Option<Arc<stripe_sim::Simulator>>,
}

impl Connection {
    /// Configured keys if there are any, else the demo mode.
    pub async fn open(store: Arc<Mutex<Store>>, keyring: Keyring, demo: &DemoSimulator) -> Result<Connection, KeysError> {
        let status = keys::key_status(&store.lock().unwrap_or_else(|p| p.into_inner()))?;
        match status {
            Some(status) => Connection::configured(store, keyring, status).await,
            None => Connection::demo(store, demo.get().await?).await,
        }
    }

    async fn configured(store: Arc<Mutex<Store>>, keyring: Keyring, status: KeyStatus) -> Result<Connection, KeysError> {
        let endpoint = keys::configured_endpoint()?;
        let for_keyring = status.clone();
        let (client, publishable) =
            tokio::task::spawn_blocking(move || keys::configured_client(&for_keyring, &keyring, endpoint))
                .await
                .map_err(|e| KeysError::Endpoint(e.to_string()))??;
        let mode = AppMode::from(status.mode);
        tracing::info!(?mode, "connected to Stripe with the configured keys");
        let stripe_js_url = test_override(STRIPE_JS_URL_ENV).unwrap_or_else(|| STRIPE_JS_URL.to_owned());
        Ok(Connection::with(store, client, publishable, mode, stripe_js_url, Some(status), None))
    }

    async fn demo(store: Arc<Mutex<Store>>, simulator: Arc<stripe_sim::Simulator>) -> Result<Connection, KeysError> {
        let endpoint = Endpoint::loopback(simulator.base_url()).map_err(|e| KeysError::Endpoint(e.to_string()))?;
        let secret = SecretKey::parse(DEMO_SECRET)?;
        let client = StripeClient::new(secret, endpoint).map_err(|e| KeysError::Endpoint(e.to_string()))?;
        let publishable = PublishableKey::parse(&test_override(DEMO_PUBLISHABLE_ENV).unwrap_or_else(|| DEMO_PUBLISHABLE.to_owned()))?;
        let stripe_js_url = format!("{}/v3/", simulator.tls_base_url().unwrap_or(simulator.base_url()));
        tracing::info!(simulator = simulator.base_url(), "demo mode: no Stripe keys, payments go to the in-app simulator");
        Ok(Connection::with(store, client, publishable, AppMode::Demo, stripe_js_url, None, Some(simulator)))
    }

    fn with(
        store: Arc<Mutex<Store>>,
        client: StripeClient,
        publishable: PublishableKey,
        mode: AppMode,
        stripe_js_url: String,
        keys: Option<KeyStatus>,
        simulator: Option<Arc<stripe_sim::Simulator>>,
    ) -> Connection {
        let payments = Arc::new(Payments::new(store.clone(), client.clone(), publishable.clone(), mode));
        let background = Arc::new(Payments::new(store, client, publishable.clone(), mode).with_policy(RetryPolicy::Background));
        Connection { mode, payments, background, stripe_js_url, publishable_key: publishable, keys, _simulator: simulator }
    }
}
