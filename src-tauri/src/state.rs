//! What the commands share: the store, behind a mutex (SQLite writes are serialized anyway,
//! and every command holds it for one short transaction).

use std::sync::{Mutex, MutexGuard};

use paydesk_core::paths::Paths;
use paydesk_core::store::Store;

use crate::error::CommandError;

pub struct AppState {
    store: Mutex<Store>,
    pub paths: Paths,
}

impl AppState {
    pub fn new(store: Store, paths: Paths) -> Self {
        AppState { store: Mutex::new(store), paths }
    }

    pub fn store(&self) -> Result<MutexGuard<'_, Store>, CommandError> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so the store is still usable after a poisoned lock.
        Ok(self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}
