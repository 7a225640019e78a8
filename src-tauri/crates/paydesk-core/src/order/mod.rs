//! Orders: what the cashier enters, what it costs, and where it is in its life.

mod spec;
mod status;
mod totals;

pub use spec::{
    Completeness, Discount, DiscountInput, InvalidOrder, Line, LineInput, OrderInput, OrderSpec, TaxInput, TaxRate,
    MAX_DESCRIPTION_CHARS, MAX_LINES, MAX_QUANTITY,
};
pub(crate) use spec::validate_email;
pub use status::{IllegalTransition, OrderStatus, UnknownStatus};
pub use totals::{LineQuote, PricingError, Quote, TaxQuote};
