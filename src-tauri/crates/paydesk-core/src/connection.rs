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

/// The demo mode's keys: made up, test-mode, and only ever sent to the in-app simulator.
const DEMO_SECRET: &str = "sk_test_paydesk_demo_mode_not_a_real_key";
const DEMO_PUBLISHABLE: &str = "pk_test_paydesk_demo_mode_not_a_real_key";
pub const STRIPE_JS_URL: &str = "https://js.stripe.com/v3/";

/// The demo mode's simulator, started the first time demo mode is needed and then kept for
/// the life of the app: the window's CSP names its exact origin, so going back to demo mode
/// after keys are removed must find it on the same port (and with the trainee's sales).
#[derive(Default)]
pub struct DemoSimulator(tokio::sync::OnceCell<Arc<stripe_sim::Simulator>>);

impl DemoSimulator {
    async fn get(&self) -> Result<Arc<stripe_sim::Simulator>, KeysError> {
        self.0
            .get_or_try_init(|| async {
                stripe_sim::Simulator::start(stripe_sim::SimConfig::default())
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
        Ok(Connection::with(store, client, publishable, mode, STRIPE_JS_URL.to_owned(), Some(status), None))
    }

    async fn demo(store: Arc<Mutex<Store>>, simulator: Arc<stripe_sim::Simulator>) -> Result<Connection, KeysError> {
        let endpoint = Endpoint::loopback(simulator.base_url()).map_err(|e| KeysError::Endpoint(e.to_string()))?;
        let secret = SecretKey::parse(DEMO_SECRET)?;
        let client = StripeClient::new(secret, endpoint).map_err(|e| KeysError::Endpoint(e.to_string()))?;
        let publishable = PublishableKey::parse(DEMO_PUBLISHABLE)?;
        let stripe_js_url = format!("{}/v3/", simulator.base_url());
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
