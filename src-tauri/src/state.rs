//! What the commands share: the store (SQLite writes are serialized anyway, and every
//! command holds it for one short transaction) and the till's connection to Stripe.

use std::sync::{Arc, Mutex, MutexGuard, RwLock as StdRwLock};

use paydesk_core::connection::{AppMode, Connection, DemoSimulator};
use paydesk_core::keys;
use paydesk_core::paths::Paths;
use paydesk_core::secrets::Keyring;
use paydesk_core::store::Store;
use tokio::sync::RwLock;

use crate::error::CommandError;

pub struct AppState {
    store: Arc<Mutex<Store>>,
    pub paths: Paths,
    pub keyring: Keyring,
    connection: RwLock<Result<Arc<Connection>, CommandError>>,
    demo: DemoSimulator,
    /// Where the window's Stripe.js comes from now, for the page server's policy (read on
    /// every page load, from a thread that cannot await the connection's lock).
    stripe_js_url: StdRwLock<String>,
}

impl AppState {
    pub fn new(store: Store, paths: Paths, keyring: Keyring, demo: DemoSimulator) -> Self {
        let not_yet = CommandError { code: "payments_starting", message: "Paydesk is still connecting to Stripe".into() };
        AppState {
            store: Arc::new(Mutex::new(store)),
            paths,
            keyring,
            connection: RwLock::new(Err(not_yet)),
            demo,
            stripe_js_url: StdRwLock::new(paydesk_core::connection::STRIPE_JS_URL.to_owned()),
        }
    }

    pub fn store(&self) -> Result<MutexGuard<'_, Store>, CommandError> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so the store is still usable after a poisoned lock.
        Ok(self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub fn shared_store(&self) -> Arc<Mutex<Store>> {
        self.store.clone()
    }

    /// (Re)connects: at startup, and whenever the keys change.
    pub async fn reconnect(&self) {
        let connected = Connection::open(self.store.clone(), self.keyring.clone(), &self.demo).await.map(Arc::new).map_err(|error| {
            tracing::error!(%error, "payments unavailable");
            CommandError::from(error)
        });
        if let Ok(connection) = &connected {
            *self.stripe_js_url.write().unwrap_or_else(|p| p.into_inner()) = connection.stripe_js_url.clone();
        }
        *self.connection.write().await = connected;
    }

    pub fn stripe_js_url(&self) -> String {
        self.stripe_js_url.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub async fn connection(&self) -> Result<Arc<Connection>, CommandError> {
        self.connection.read().await.clone()
    }

    /// The mode whose orders the window shows and acts on: the connection's. While there is
    /// none (the keyring will not open), that of the configured keys, which is the mode the
    /// connection would have: history and reports still open, and payments say what is wrong.
    pub async fn mode(&self) -> Result<AppMode, CommandError> {
        if let Ok(connection) = &*self.connection.read().await {
            return Ok(connection.mode);
        }
        Ok(keys::current_mode(&*self.store()?)?)
    }
}
