//! The window's commands, one file per area. Each is a short call into paydesk-core.

pub mod app;
pub mod args;
pub mod customers;
pub mod keys;
pub mod orders;
pub mod payments;
pub mod report;
pub mod settings;

use paydesk_core::store::OrderId;

use crate::error::{CommandError, CommandResult};

/// An order id from the window; one that cannot be an id is simply an order not found.
fn parse_order_id(id: &args::OrderRef) -> CommandResult<OrderId> {
    OrderId::parse(&id.0).ok_or_else(|| CommandError { code: "order_not_found", message: format!("order {} not found", paydesk_core::text::quoted(&id.0)) })
}
