//! The shop's customers: who a phone order is for, so the receipt names them and the email
//! defaults from them. The directory keeps who the customer is; cards saved for them live at
//! Stripe (their Customer), never here.

use serde::{Deserialize, Serialize};

use crate::order::validate_email;
use crate::text::{self, Lines};

pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_CUSTOMER_NOTE_CHARS: usize = 1_000;
const MAX_PHONE_CHARS: usize = 30;
const MIN_PHONE_DIGITS: usize = 3;

/// A stable, time-ordered id (UUID v7), distinct from the number the cashier reads out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerId(String);

impl CustomerId {
    pub(crate) fn new() -> Self {
        CustomerId(uuid::Uuid::now_v7().to_string())
    }

    pub fn parse(text: &str) -> Option<CustomerId> {
        uuid::Uuid::parse_str(text.trim()).ok().map(|uuid| CustomerId(uuid.hyphenated().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An id read back from the database, which only ever holds ids this type wrote.
    pub(crate) fn from_stored(id: String) -> CustomerId {
        CustomerId(id)
    }
}

impl std::fmt::Display for CustomerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A customer as the cashier typed them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerInput {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A customer that passed every check: a visible name, an email that looks like one, a
/// phone number of digits and the usual punctuation, blanks dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSpec {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
}

/// The first thing wrong with a customer, with the field it is in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidCustomer {
    pub field: String,
    pub message: String,
}

impl InvalidCustomer {
    fn new(field: &str, message: impl ToString) -> Self {
        InvalidCustomer { field: field.to_owned(), message: message.to_string() }
    }
}

impl CustomerInput {
    pub fn validate(&self) -> Result<CustomerSpec, InvalidCustomer> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(InvalidCustomer::new("name", "give the customer's name"));
        }
        check_text("name", name, MAX_NAME_CHARS, Lines::One)?;
        let email = optional(&self.email)
            .map(|email| validate_email("email", email).map_err(|e| InvalidCustomer::new("email", e.message)))
            .transpose()?;
        let phone = optional(&self.phone).map(validate_phone).transpose()?;
        let note = optional(&self.note).map(str::to_owned);
        if let Some(note) = &note {
            check_text("note", note, MAX_CUSTOMER_NOTE_CHARS, Lines::Several)?;
        }
        Ok(CustomerSpec { name: name.to_owned(), email, phone, note })
    }
}

fn optional(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|text| !text.is_empty())
}

fn check_text(field: &str, value: &str, max_chars: usize, lines: Lines) -> Result<(), InvalidCustomer> {
    text::problem(value, max_chars, lines).map_or(Ok(()), |problem| Err(InvalidCustomer::new(field, problem)))
}

/// Digits with the punctuation people write them with (`+1 (555) 010-9999`, `0171 555 0199
/// x12`): the till dials nothing, so anything a person can read back over the phone will do.
fn validate_phone(phone: &str) -> Result<String, InvalidCustomer> {
    let invalid = |why: &str| InvalidCustomer::new("phone", format!("{} is not a phone number: {why}", text::quoted(phone)));
    if phone.chars().count() > MAX_PHONE_CHARS {
        return Err(invalid(&format!("at most {MAX_PHONE_CHARS} characters")));
    }
    if !phone.chars().all(|c| c.is_ascii_digit() || " +-().x/".contains(c)) {
        return Err(invalid("use digits, spaces and + - ( ) . x /"));
    }
    if phone.chars().filter(char::is_ascii_digit).count() < MIN_PHONE_DIGITS {
        return Err(invalid(&format!("at least {MIN_PHONE_DIGITS} digits")));
    }
    Ok(phone.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> CustomerInput {
        CustomerInput { name: name.into(), ..CustomerInput::default() }
    }

    #[test]
    fn a_customer_needs_a_visible_name_and_drops_blank_fields() {
        let spec = CustomerInput { name: "  Ana Díaz ".into(), email: Some(" ".into()), phone: Some("".into()), note: None }.validate().unwrap();
        assert_eq!(spec, CustomerSpec { name: "Ana Díaz".into(), email: None, phone: None, note: None });
        for (name, why) in [("", "give the customer's name"), ("\u{200B}", "nothing visible"), ("Ana\u{202E}", "reorder"), ("A\nB", "control")] {
            let error = input(name).validate().unwrap_err();
            assert_eq!(error.field, "name");
            assert!(error.message.contains(why), "{name:?}: {error}");
        }
        assert!(input(&"x".repeat(MAX_NAME_CHARS + 1)).validate().is_err());
    }

    #[test]
    fn email_and_phone_are_checked_and_named_in_the_error() {
        let good = CustomerInput { email: Some("ana@example.com".into()), phone: Some("+1 (555) 010-9999 x12".into()), ..input("Ana") };
        assert_eq!(good.validate().unwrap().phone.as_deref(), Some("+1 (555) 010-9999 x12"));
        let bad_email = CustomerInput { email: Some("ana@".into()), ..input("Ana") }.validate().unwrap_err();
        assert_eq!(bad_email.field, "email");
        for phone in ["call me", "12", "555-0199; DROP TABLE customers", &"5".repeat(31)] {
            let error = CustomerInput { phone: Some(phone.into()), ..input("Ana") }.validate().unwrap_err();
            assert_eq!(error.field, "phone", "{phone}");
        }
    }
}
