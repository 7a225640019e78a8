//! The order's life, as an explicit state machine. A transition not in [`OrderStatus::can_become`]
//! is an error, never a silent no-op.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Saved, not yet sent for payment; still editable.
    Draft,
    /// A PaymentIntent exists and waits for a card (also after a decline: the order stays payable).
    AwaitingPayment,
    /// The customer's bank asked for 3-D Secure.
    ActionRequired,
    /// Stripe is processing the payment.
    Processing,
    /// Authorized, not captured (authorize-only sales).
    Authorized,
    Paid,
    PartiallyRefunded,
    Refunded,
    /// Canceled before any money moved: a draft dropped, an intent canceled, an authorization released.
    Voided,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an order that is {from} cannot become {to}")]
pub struct IllegalTransition {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not an order status (one of: draft, awaiting_payment, action_required, processing, authorized, paid, partially_refunded, refunded, voided)", crate::text::quoted(.0))]
pub struct UnknownStatus(pub String);

impl OrderStatus {
    pub const ALL: [OrderStatus; 9] = [
        OrderStatus::Draft,
        OrderStatus::AwaitingPayment,
        OrderStatus::ActionRequired,
        OrderStatus::Processing,
        OrderStatus::Authorized,
        OrderStatus::Paid,
        OrderStatus::PartiallyRefunded,
        OrderStatus::Refunded,
        OrderStatus::Voided,
    ];

    pub fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        match self {
            Draft => matches!(next, AwaitingPayment | Voided),
            // A payment may also succeed straight away (server-side confirmation) or
            // come back from Stripe in any in-flight state when reconciling.
            AwaitingPayment => matches!(next, ActionRequired | Processing | Authorized | Paid | Voided),
            ActionRequired => matches!(next, AwaitingPayment | Processing | Authorized | Paid | Voided),
            Processing => matches!(next, AwaitingPayment | Authorized | Paid | Voided),
            Authorized => matches!(next, Paid | Voided),
            Paid => matches!(next, PartiallyRefunded | Refunded),
            // Each further partial refund is a transition of its own, recorded in the log.
            // A refund Stripe first reports as succeeded can still fail later (the money
            // never left), which takes the order back.
            PartiallyRefunded => matches!(next, PartiallyRefunded | Refunded | Paid),
            Refunded => matches!(next, PartiallyRefunded | Paid),
            Voided => false,
        }
    }

    pub fn transition(self, next: OrderStatus) -> Result<OrderStatus, IllegalTransition> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(IllegalTransition { from: self, to: next })
        }
    }

    /// No further change can happen to the order's money. (A refunded order is not final:
    /// its refund may still fail.)
    pub fn is_final(self) -> bool {
        OrderStatus::ALL.iter().all(|next| !self.can_become(*next))
    }

    /// The order's lines and amounts can still change.
    pub fn is_editable(self) -> bool {
        self == OrderStatus::Draft
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::ActionRequired => "action_required",
            OrderStatus::Processing => "processing",
            OrderStatus::Authorized => "authorized",
            OrderStatus::Paid => "paid",
            OrderStatus::PartiallyRefunded => "partially_refunded",
            OrderStatus::Refunded => "refunded",
            OrderStatus::Voided => "voided",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

impl FromStr for OrderStatus {
    type Err = UnknownStatus;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == wanted)
            .ok_or_else(|| UnknownStatus(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::{self, *};

    /// The whole table, written out independently of `can_become`: every pair is checked.
    const ALLOWED: &[(OrderStatus, OrderStatus)] = &[
        (Draft, AwaitingPayment),
        (Draft, Voided),
        (AwaitingPayment, ActionRequired),
        (AwaitingPayment, Processing),
        (AwaitingPayment, Authorized),
        (AwaitingPayment, Paid),
        (AwaitingPayment, Voided),
        (ActionRequired, AwaitingPayment),
        (ActionRequired, Processing),
        (ActionRequired, Authorized),
        (ActionRequired, Paid),
        (ActionRequired, Voided),
        (Processing, AwaitingPayment),
        (Processing, Authorized),
        (Processing, Paid),
        (Processing, Voided),
        (Authorized, Paid),
        (Authorized, Voided),
        (Paid, PartiallyRefunded),
        (Paid, Refunded),
        (PartiallyRefunded, PartiallyRefunded),
        (PartiallyRefunded, Refunded),
        (PartiallyRefunded, Paid),
        (Refunded, PartiallyRefunded),
        (Refunded, Paid),
    ];

    #[test]
    fn every_transition_is_allowed_or_refused_as_the_table_says() {
        let mut checked = 0;
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let expected = ALLOWED.contains(&(from, to));
                assert_eq!(from.can_become(to), expected, "{from:?} -> {to:?}");
                match from.transition(to) {
                    Ok(next) => {
                        assert!(expected);
                        assert_eq!(next, to);
                    }
                    Err(error) => {
                        assert!(!expected);
                        assert_eq!((error.from, error.to), (from, to));
                    }
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 81);
    }

    #[test]
    fn final_and_editable_states() {
        let finals: Vec<_> = OrderStatus::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, vec![Voided]);
        assert!(Draft.is_editable());
        assert!(!AwaitingPayment.is_editable());
    }

    #[test]
    fn errors_and_names_read_well() {
        assert_eq!(Paid.transition(Draft).unwrap_err().to_string(), "an order that is paid cannot become draft");
        assert_eq!("Partially refunded".parse::<OrderStatus>(), Ok(PartiallyRefunded));
        assert_eq!("awaiting-payment".parse::<OrderStatus>(), Ok(AwaitingPayment));
        assert!("shipped".parse::<OrderStatus>().unwrap_err().to_string().contains("\"shipped\" is not an order status"));
        for status in OrderStatus::ALL {
            assert_eq!(status.as_str().parse::<OrderStatus>(), Ok(status));
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.as_str()));
        }
    }
}
