//! Idempotent requests as Stripe documents them: the first result is saved per
//! (API key, Idempotency-Key) for 24 hours and replayed; different parameters are an
//! `idempotency_error`; a second request while the first still runs is a 409.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::errors::ApiError;

const RETENTION: Duration = Duration::from_secs(24 * 3600);
const MAX_KEY_LEN: usize = 255;

#[derive(Debug, Clone)]
pub struct Saved {
    pub status: u16,
    pub body: String,
    pub request_id: String,
}

enum Slot {
    InFlight,
    Done { fingerprint: String, saved: Saved, at: Instant },
}

type Key = (String, String);

#[derive(Default, Clone)]
pub struct Idempotency {
    slots: Arc<Mutex<HashMap<Key, Slot>>>,
}

pub enum Begin {
    Fresh(InFlight),
    Replay(Saved),
}

/// Marks a request as running; dropping it without `finish` (the client went away,
/// or the result is not one Stripe saves) frees the key for a retry.
pub struct InFlight {
    store: Idempotency,
    key: Option<Key>,
    fingerprint: String,
}

impl Idempotency {
    pub fn begin(&self, api_key: &str, idem_key: &str, fingerprint: String) -> Result<Begin, ApiError> {
        if idem_key.len() > MAX_KEY_LEN {
            return Err(ApiError::invalid_request(
                format!("Invalid Idempotency-Key: it must be at most {MAX_KEY_LEN} characters long."),
                None,
            ));
        }
        let key = (api_key.to_string(), idem_key.to_string());
        let mut slots = self.slots.lock().expect("idempotency lock");
        match slots.get(&key) {
            Some(Slot::InFlight) => {
                let mut e = ApiError::new(
                    409,
                    "idempotency_error",
                    format!("There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): {idem_key}. Please try again later."),
                )
                .with_code("idempotency_key_in_use");
                e.should_retry = Some(true);
                return Err(e);
            }
            Some(Slot::Done { fingerprint: f, saved, at }) if at.elapsed() < RETENTION => {
                if *f != fingerprint {
                    return Err(ApiError::new(
                        400,
                        "idempotency_error",
                        format!("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idem_key}' if you meant to execute a different request."),
                    ));
                }
                return Ok(Begin::Replay(saved.clone()));
            }
            _ => {}
        }
        slots.insert(key.clone(), Slot::InFlight);
        Ok(Begin::Fresh(InFlight { store: self.clone(), key: Some(key), fingerprint }))
    }
}

impl Idempotency {
    /// Forgets every saved result, as Stripe does 24 hours after a key's first use.
    pub fn forget_saved(&self) {
        self.slots.lock().expect("idempotency lock").retain(|_, slot| matches!(slot, Slot::InFlight));
    }
}

impl InFlight {
    pub fn finish(mut self, saved: Saved) {
        if let Some(key) = self.key.take() {
            let fingerprint = std::mem::take(&mut self.fingerprint);
            let mut slots = self.store.slots.lock().expect("idempotency lock");
            slots.insert(key, Slot::Done { fingerprint, saved, at: Instant::now() });
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            if let Ok(mut slots) = self.store.slots.lock() {
                slots.remove(&key);
            }
        }
    }
}
