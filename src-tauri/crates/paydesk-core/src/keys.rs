//! The shop's Stripe keys. The secret key is verified against Stripe, then kept only in the
//! OS keyring; the settings table keeps what may be shown: the publishable key, the mode,
//! the account, and the secret's last four characters.

use paydesk_stripe::{Endpoint, Mode, PublishableKey, RetryPolicy, SecretKey, StripeClient, StripeError};
use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::mode::AppMode;
use crate::secrets::{Keyring, VaultError};
use crate::store::{Store, StoreError};

/// Migration 5 reads this setting by name: keep the two in step.
const KEYS_SETTING: &str = "stripe_keys";
/// Only builds made for testing may point a configured key at a local Stripe stand-in; a
/// release build always talks to api.stripe.com.
pub const API_BASE_ENV: &str = "PAYDESK_STRIPE_API_BASE";

/// What is shown about the configured keys: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyStatus {
    pub mode: Mode,
    pub secret_last4: String,
    pub restricted: bool,
    pub publishable_key: String,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("{0}")]
    Format(#[from] paydesk_stripe::KeyFormatError),
    #[error("the secret key is a {secret:?} key but the publishable key is a {publishable:?} key; use a pair from the same mode")]
    ModeMismatch { secret: Mode, publishable: Mode },
    #[error("{}", rejected_message(.0))]
    Rejected(StripeError),
    #[error(transparent)]
    Keyring(#[from] VaultError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no Stripe keys are set")]
    NotConfigured,
    #[error("the keyring no longer holds the Stripe secret key; set the keys again")]
    MissingSecret,
    #[error("{0}")]
    Endpoint(String),
}

impl ErrorCode for KeysError {
    fn code(&self) -> &'static str {
        match self {
            KeysError::Format(_) => "key_format",
            KeysError::ModeMismatch { .. } => "key_mode_mismatch",
            KeysError::Rejected(_) => "key_rejected",
            KeysError::Keyring(VaultError::Unavailable(_)) => "keyring_unavailable",
            KeysError::Keyring(_) => "keyring",
            KeysError::Store(error) => error.code(),
            KeysError::NotConfigured => "keys_not_configured",
            KeysError::MissingSecret => "keys_missing_secret",
            KeysError::Endpoint(_) => "stripe_endpoint",
        }
    }

    fn unnamed_fault(&self) -> Option<(crate::store::Fault, String)> {
        match self {
            KeysError::Store(error) => error.unnamed_fault(),
            _ => None,
        }
    }
}

/// Where configured keys are sent: Stripe itself, unless this is a test build and
/// `PAYDESK_STRIPE_API_BASE` names a loopback address (a simulator).
pub fn configured_endpoint() -> Result<Endpoint, KeysError> {
    if cfg!(any(debug_assertions, feature = "test-endpoints")) {
        if let Some(base) = std::env::var(API_BASE_ENV).ok().filter(|base| !base.is_empty()) {
            return Endpoint::loopback(&base).map_err(|e| KeysError::Endpoint(e.to_string()));
        }
    }
    Ok(Endpoint::Stripe)
}

/// Checks the pair, verifies the secret with Stripe, stores it in the keyring, then records
/// what may be shown. Nothing is stored unless every step succeeds.
pub async fn set_keys(store: &std::sync::Mutex<Store>, keyring: &Keyring, secret: &str, publishable: &str, endpoint: Endpoint) -> Result<KeyStatus, KeysError> {
    let secret = SecretKey::parse(secret)?;
    let publishable = PublishableKey::parse(publishable)?;
    if secret.mode() != publishable.mode() {
        return Err(KeysError::ModeMismatch { secret: secret.mode(), publishable: publishable.mode() });
    }
    // Before Stripe is asked: with no keyring the key could not be kept anyway.
    keyring.check_available()?;
    let client = StripeClient::new(secret.clone(), endpoint).map_err(|e| KeysError::Endpoint(e.to_string()))?;
    let (account_id, account_name) = match client.retrieve_account(RetryPolicy::Interactive).await {
        Ok(account) => (Some(account.id), account.display_name),
        // A restricted key may lack account access; a cheap list proves it works.
        Err(StripeError::Permission { .. }) if secret.is_restricted() => {
            client.probe_key(RetryPolicy::Interactive).await.map_err(KeysError::Rejected)?;
            (None, None)
        }
        Err(error) => return Err(KeysError::Rejected(error)),
    };
    let status = KeyStatus {
        mode: secret.mode(),
        secret_last4: secret.last4(),
        restricted: secret.is_restricted(),
        publishable_key: publishable.as_str().to_owned(),
        account_id,
        account_name,
    };
    keyring.store(&secret)?;
    let json = serde_json::to_string(&status).expect("key status serializes");
    let saved = lock(store).set_setting(KEYS_SETTING, &json);
    if let Err(error) = saved {
        // Keep the keyring and the settings in step: no half-configured keys.
        let _ = keyring.remove();
        return Err(error.into());
    }
    tracing::info!(mode = ?status.mode, last4 = %status.secret_last4, "Stripe keys set");
    Ok(status)
}

pub fn key_status(store: &Store) -> Result<Option<KeyStatus>, KeysError> {
    Ok(store.setting(KEYS_SETTING)?.and_then(|json| serde_json::from_str(&json).ok()))
}

/// The mode the till is in: that of the configured keys, demo when there are none. The
/// window's connection and the CLI both go by this, so they agree on which orders are theirs.
pub fn current_mode(store: &Store) -> Result<AppMode, KeysError> {
    Ok(key_status(store)?.map_or(AppMode::Demo, |status| status.mode.into()))
}

pub fn remove_keys(store: &mut Store, keyring: &Keyring) -> Result<(), KeysError> {
    keyring.remove()?;
    store.set_setting(KEYS_SETTING, "null")?;
    tracing::info!("Stripe keys removed");
    Ok(())
}

/// A client for the configured keys, and the publishable key for the window. The keyring
/// call blocks (D-Bus on Linux): async callers run this on a blocking thread.
pub fn configured_client(status: &KeyStatus, keyring: &Keyring, endpoint: Endpoint) -> Result<(StripeClient, PublishableKey), KeysError> {
    let secret = keyring.load()?.ok_or(KeysError::MissingSecret)?;
    let publishable = PublishableKey::parse(&status.publishable_key)?;
    let client = StripeClient::new(secret, endpoint).map_err(|e| KeysError::Endpoint(e.to_string()))?;
    Ok((client, publishable))
}

fn lock(store: &std::sync::Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Why the key check failed, in words for setting keys: a connection that failed says nothing
/// about the key (and nothing about any payment, which the general message would).
fn rejected_message(error: &StripeError) -> String {
    match error {
        StripeError::Connection { .. } | StripeError::OutcomeUnknown { .. } | StripeError::Decode { .. } => {
            "Stripe could not be reached to check the secret key; nothing was saved. Check the connection and try again.".into()
        }
        other => format!("Stripe did not accept the secret key: {}", other.cashier_message()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_check_that_cannot_reach_stripe_says_so_and_nothing_of_payments() {
        let unreachable = KeysError::Rejected(StripeError::Connection { message: "connection refused".into(), request_may_have_reached_stripe: false });
        let text = unreachable.to_string();
        assert!(text.contains("could not be reached") && text.contains("nothing was saved"), "{text}");
        assert!(!text.contains("payment"), "{text}");
    }
}
