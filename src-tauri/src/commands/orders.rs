use paydesk_core::order::{Completeness, OrderInput};
use paydesk_core::store::OrderQuery;
use paydesk_core::view::{OrderPageView, OrderView, QuoteView};
use tauri::State;

use super::args::{Arg, OrderRef};
use super::parse_order_id;
use crate::error::CommandResult;
use crate::state::AppState;

/// Prices what the cashier has typed so far. Nothing is stored.
#[tauri::command]
pub fn order_quote(input: Arg<OrderInput>) -> CommandResult<QuoteView> {
    let spec = input.0.validate(Completeness::AllowEmpty)?;
    let quote = spec.quote()?;
    Ok(QuoteView::new(&spec, &quote))
}

/// The order is taken in the till's current mode.
#[tauri::command]
pub async fn order_create(state: State<'_, AppState>, input: Arg<OrderInput>) -> CommandResult<OrderView> {
    let spec = input.0.validate(Completeness::RequireLines)?;
    let mode = state.mode().await?;
    let mut store = state.store()?;
    let order = store.create_order(mode, &spec, "entered at the till")?;
    Ok(OrderView::read(&store, &order.id, mode)?)
}

/// Changes an order before it is paid; the next charge asks for the new total.
#[tauri::command]
pub async fn order_edit(state: State<'_, AppState>, id: Arg<OrderRef>, input: Arg<OrderInput>) -> CommandResult<OrderView> {
    let id = parse_order_id(&id.0)?;
    let spec = input.0.validate(Completeness::RequireLines)?;
    let mode = state.mode().await?;
    let mut store = state.store()?;
    let order = store.edit_order(mode, &id, &spec, "changed at the till")?;
    Ok(OrderView::read(&store, &order.id, mode)?)
}

/// The history of the current mode only.
#[tauri::command]
pub async fn order_list(state: State<'_, AppState>, query: Arg<OrderQuery>) -> CommandResult<OrderPageView> {
    let mode = state.mode().await?;
    Ok(OrderPageView::from(&state.store()?.list_orders(mode, &query.0)?))
}

/// An order of another mode can be looked at (its view says its mode) but allows nothing.
#[tauri::command]
pub async fn order_get(state: State<'_, AppState>, id: Arg<OrderRef>) -> CommandResult<OrderView> {
    let id = parse_order_id(&id.0)?;
    let mode = state.mode().await?;
    Ok(OrderView::read(&*state.store()?, &id, mode)?)
}
