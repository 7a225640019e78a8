//! The Stripe secret key's one home: the OS keyring (Keychain, Credential Manager, Secret
//! Service). If no keyring can be reached, setting a key fails with a clear error and the
//! key is stored nowhere else — never in SQLite, a file, or a log.
//!
//! The keyring calls block (the Linux store talks D-Bus), so async callers run them on a
//! blocking thread.

use paydesk_stripe::SecretKey;

const SERVICE: &str = "com.paydesk.app";

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("no OS keyring is available ({0}); Paydesk keeps the Stripe secret key only in the keyring, so it cannot be saved")]
    Unavailable(String),
    #[error("the OS keyring refused access ({0}); unlock it and try again")]
    Denied(String),
    #[error("the OS keyring failed: {0}")]
    Failed(String),
    #[error("the keyring holds a Stripe key that is not valid any more; set the keys again")]
    Unreadable,
}

/// One till's secret key in the OS keyring. `profile` separates tills (and test runs) that
/// share one OS user: each data directory has its own entry.
#[derive(Clone)]
pub struct Keyring {
    account: String,
}

impl Keyring {
    pub fn for_profile(profile: &str) -> Keyring {
        Keyring { account: format!("stripe-secret-key:{profile}") }
    }

    /// The entry of the till whose database is in `data_dir`.
    pub fn for_data_dir(data_dir: &std::path::Path) -> Keyring {
        let profile = data_dir.canonicalize().unwrap_or_else(|_| data_dir.to_owned());
        Keyring::for_profile(&profile.display().to_string())
    }

    fn entry(&self) -> Result<keyring::Entry, VaultError> {
        keyring::Entry::new(SERVICE, &self.account).map_err(map_error)
    }

    /// Whether a key could be stored now: the keyring answers (with or without an entry).
    /// Reads only; nothing is written.
    pub fn check_available(&self) -> Result<(), VaultError> {
        match self.entry()?.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(map_error(error)),
        }
    }

    pub fn store(&self, key: &SecretKey) -> Result<(), VaultError> {
        self.entry()?.set_password(key.expose()).map_err(map_error)?;
        tracing::info!(key = %key, "secret key stored in the OS keyring");
        Ok(())
    }

    pub fn load(&self) -> Result<Option<SecretKey>, VaultError> {
        match self.entry()?.get_password() {
            Ok(text) => SecretKey::parse(&text).map(Some).map_err(|_| VaultError::Unreadable),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(map_error(error)),
        }
    }

    pub fn remove(&self) -> Result<(), VaultError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {
                tracing::info!("secret key removed from the OS keyring");
                Ok(())
            }
            Err(error) => Err(map_error(error)),
        }
    }
}

/// The keyring's own error text can quote what it was given; it is reduced here to its
/// kind and the platform's message, which never contains the secret.
fn map_error(error: keyring::Error) -> VaultError {
    match error {
        keyring::Error::NoDefaultStore => VaultError::Unavailable("no credential store on this system or session".into()),
        keyring::Error::PlatformFailure(inner) => VaultError::Unavailable(inner.to_string()),
        keyring::Error::NoStorageAccess(inner) => VaultError::Denied(inner.to_string()),
        other => VaultError::Failed(kind_of(&other).into()),
    }
}

fn kind_of(error: &keyring::Error) -> &'static str {
    match error {
        keyring::Error::NoEntry => "no entry",
        keyring::Error::BadEncoding(_) => "bad encoding",
        keyring::Error::TooLong(..) => "value too long",
        keyring::Error::Invalid(..) => "invalid attribute",
        keyring::Error::Ambiguous(_) => "several matching entries",
        _ => "unexpected error",
    }
}
