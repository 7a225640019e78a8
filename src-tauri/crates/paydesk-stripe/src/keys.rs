//! API keys and client secrets: parsed once, redacted everywhere they could be printed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Whether a key reaches Stripe's test or live environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Test,
    Live,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a pasted key was refused; the messages are shown to the person pasting it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFormatError {
    #[error(
        "the key is empty; paste the secret key from the Stripe Dashboard (Developers → API keys)"
    )]
    Empty,
    #[error("that is a publishable key (pk_…); paste the secret key here")]
    PublishableNotSecret,
    #[error("that is a secret key; paste the publishable key (pk_test_… or pk_live_…) here")]
    SecretNotPublishable,
    #[error("a secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_")]
    BadSecretPrefix,
    #[error("a publishable key starts with pk_test_ or pk_live_")]
    BadPublishablePrefix,
    #[error("the key looks cut off: it is too short after its prefix")]
    TooShort,
    #[error("the key is longer than any Stripe key; check that only the key was pasted")]
    TooLong,
    #[error("the key contains characters Stripe keys never have (only letters, digits and underscores after the prefix); check for spaces or quotes")]
    BadCharacters,
}

const SECRET_PREFIXES: [(&str, Mode, bool); 4] = [
    ("sk_test_", Mode::Test, false),
    ("sk_live_", Mode::Live, false),
    ("rk_test_", Mode::Test, true),
    ("rk_live_", Mode::Live, true),
];
const PUBLISHABLE_PREFIXES: [(&str, Mode); 2] =
    [("pk_test_", Mode::Test), ("pk_live_", Mode::Live)];
const MIN_BODY_LEN: usize = 8;
/// Stripe's keys are about a hundred characters; the OS keyrings cap what they hold too.
const MAX_BODY_LEN: usize = 255;

fn check_body(body: &str) -> Result<(), KeyFormatError> {
    if body.len() > MAX_BODY_LEN {
        return Err(KeyFormatError::TooLong);
    }
    // Stripe's own key bodies are alphanumeric; underscores are accepted so that
    // obviously fake test keys ("sk_test_paydesk_fake_key_1") parse too.
    if !body.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(KeyFormatError::BadCharacters);
    }
    if body.chars().filter(char::is_ascii_alphanumeric).count() < MIN_BODY_LEN {
        return Err(KeyFormatError::TooShort);
    }
    Ok(())
}

/// A secret (`sk_`) or restricted (`rk_`) API key. Never serialized; printed only as its
/// prefix and last four characters.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey {
    raw: String,
    mode: Mode,
    restricted: bool,
}

impl SecretKey {
    /// Surrounding whitespace is trimmed, since keys are usually pasted.
    pub fn parse(input: &str) -> Result<SecretKey, KeyFormatError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(KeyFormatError::Empty);
        }
        if PUBLISHABLE_PREFIXES.iter().any(|(p, _)| raw.starts_with(p)) || raw.starts_with("pk_") {
            return Err(KeyFormatError::PublishableNotSecret);
        }
        let (prefix, mode, restricted) = SECRET_PREFIXES
            .iter()
            .find(|(p, _, _)| raw.starts_with(p))
            .copied()
            .ok_or(KeyFormatError::BadSecretPrefix)?;
        check_body(&raw[prefix.len()..])?;
        Ok(SecretKey {
            raw: raw.to_string(),
            mode,
            restricted,
        })
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn is_restricted(&self) -> bool {
        self.restricted
    }

    pub fn last4(&self) -> String {
        let start = self.raw.len().saturating_sub(4);
        self.raw[start..].to_string()
    }

    /// The key itself: for the `Authorization` header and the OS keyring, nothing else.
    pub fn expose(&self) -> &str {
        &self.raw
    }

    fn prefix(&self) -> &'static str {
        SECRET_PREFIXES
            .iter()
            .find(|(p, _, _)| self.raw.starts_with(p))
            .map_or("sk_", |(p, _, _)| p)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}…{}", self.prefix(), self.last4())
    }
}

/// A publishable key (`pk_`): public by design, handed to the payment page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishableKey {
    raw: String,
    mode: Mode,
}

impl PublishableKey {
    pub fn parse(input: &str) -> Result<PublishableKey, KeyFormatError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(KeyFormatError::Empty);
        }
        if SECRET_PREFIXES.iter().any(|(p, _, _)| raw.starts_with(p)) {
            return Err(KeyFormatError::SecretNotPublishable);
        }
        let (prefix, mode) = PUBLISHABLE_PREFIXES
            .iter()
            .find(|(p, _)| raw.starts_with(p))
            .copied()
            .ok_or(KeyFormatError::BadPublishablePrefix)?;
        check_body(&raw[prefix.len()..])?;
        Ok(PublishableKey {
            raw: raw.to_string(),
            mode,
        })
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl fmt::Display for PublishableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for PublishableKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for PublishableKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublishableKey::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A PaymentIntent's client secret: it lets whoever holds it confirm the payment, so it
/// only leaves this process through [`ClientSecret::expose`], towards the payment page.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ClientSecret(String);

impl ClientSecret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
