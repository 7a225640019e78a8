//! Arguments as the window sends them, read here rather than by Tauri: Tauri refuses an
//! argument of the wrong shape with a bare string that quotes it whole ("invalid args
//! `input` for command …: invalid type: string \"…\""), where every other refusal is
//! `{code, message}`. Here a wrong shape is refused with the code its content would be
//! refused with, and a message that names the argument and quotes little of it.

use paydesk_core::cards::{SaveConsent, SavedCardUse};
use paydesk_core::customer::CustomerInput;
use paydesk_core::order::OrderInput;
use paydesk_core::settings::Settings;
use paydesk_core::store::OrderQuery;
use paydesk_core::text;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};
use tauri::Runtime;

use super::app::WindowProblem;
use crate::error::CommandError;

/// Enough of serde's message to say what was wrong and what was expected.
const MAX_MESSAGE_CHARS: usize = 300;

/// An argument the window sends.
pub trait FromWindow: DeserializeOwned {
    /// The code a value of the wrong shape is refused with.
    const REFUSED_AS: &'static str;
}

/// A command argument of type `T`, refused as `T::REFUSED_AS` when it has the wrong shape.
pub struct Arg<T>(pub T);

impl<'de, R: Runtime, T: FromWindow> CommandArg<'de, R> for Arg<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let key = command.key;
        let sent = match command.message.payload() {
            InvokeBody::Json(args) => args.get(key),
            InvokeBody::Raw(_) => None,
        };
        let parsed = match sent {
            // serde would read a struct from a list of its fields in order; no argument is sent so.
            Some(Value::Array(_)) => Err(format!("{key}: a list, where one value was expected")),
            Some(value) => serde_path_to_error::deserialize(value).map_err(|error| {
                // The field as the core's own refusals name it (`lines[0].quantity`).
                let path = error.path().to_string();
                let place = if path == "." { key } else { &path };
                text::clipped(&format!("{place}: {}", error.inner()), MAX_MESSAGE_CHARS)
            }),
            // Absent is what an optional argument's null means; for any other it is missing.
            None => T::deserialize(&Value::Null).map_err(|_| format!("{key}: missing")),
        };
        parsed.map(Arg).map_err(|message| CommandError { code: T::REFUSED_AS, message }.into())
    }
}

impl<T: FromWindow> FromWindow for Option<T> {
    const REFUSED_AS: &'static str = T::REFUSED_AS;
}

impl FromWindow for OrderInput {
    const REFUSED_AS: &'static str = "invalid_order";
}

impl FromWindow for CustomerInput {
    const REFUSED_AS: &'static str = "invalid_customer";
}

impl FromWindow for SaveConsent {
    const REFUSED_AS: &'static str = "invalid_consent";
}

impl FromWindow for SavedCardUse {
    const REFUSED_AS: &'static str = "invalid_saved_card_use";
}

impl FromWindow for OrderQuery {
    const REFUSED_AS: &'static str = "invalid_query";
}

impl FromWindow for Settings {
    const REFUSED_AS: &'static str = "invalid_settings";
}

impl FromWindow for WindowProblem {
    const REFUSED_AS: &'static str = "invalid_problem";
}

/// Plain values named for what they mean, so each is refused with its own code; their
/// content is checked where they are used.
macro_rules! window_values {
    ($($(#[$doc:meta])* $name:ident($inner:ty) => $code:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl FromWindow for $name {
            const REFUSED_AS: &'static str = $code;
        }
    )*};
}

window_values! {
    /// An order's id; one that is not an id names no order.
    OrderRef(String) => "order_not_found";
    /// An amount as typed, in the order's currency.
    AmountText(String) => "invalid_amount";
    ReasonText(String) => "invalid_reason";
    /// A business day, `YYYY-MM-DD`.
    DayText(String) => "invalid_date";
    /// A Stripe API key as pasted.
    KeyText(String) => "key_format";
    ConfirmationToken(String) => "invalid_confirmation_token";
    /// Whether a phone order is marked MOTO.
    Moto(bool) => "invalid_moto";
    /// A customer's id or number (`C12`); one that names nobody is a customer not found.
    CustomerRef(String) => "customer_not_found";
    /// A saved card's PaymentMethod id (`pm_…`), checked against the customer's cards at Stripe.
    PaymentMethodRef(String) => "invalid_payment_method";
    /// What the cashier typed to find a customer.
    SearchText(String) => "invalid_query";
    /// How many of a list to send back.
    ListLimit(u32) => "invalid_query";
}
