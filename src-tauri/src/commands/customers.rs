use paydesk_core::cards::SavedCard;
use paydesk_core::customer::{CustomerId, CustomerInput};
use paydesk_core::store::{Customer, MAX_CUSTOMER_PAGE};
use paydesk_core::view::OrderSummaryView;
use serde::Serialize;
use tauri::State;

use super::args::{Arg, CustomerRef, ListLimit, PaymentMethodRef, SearchText};
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// A type-ahead asks for a handful; the directory screen for a page.
const DEFAULT_LIMIT: usize = 50;
/// What the customer's page shows of their orders, newest first.
const ORDERS_SHOWN: usize = 50;

#[derive(Serialize)]
pub struct CustomerList {
    customers: Vec<Customer>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPage {
    customer: Customer,
    orders: Vec<OrderSummaryView>,
}

/// The current mode's directory; `search` matches name, email or phone.
#[tauri::command]
pub async fn customer_list(state: State<'_, AppState>, search: Arg<Option<SearchText>>, limit: Arg<Option<ListLimit>>) -> CommandResult<CustomerList> {
    let mode = state.mode().await?;
    let limit = limit.0.map_or(DEFAULT_LIMIT, |limit| (limit.0 as usize).min(MAX_CUSTOMER_PAGE));
    let customers = state.store()?.list_customers(mode, search.0.as_ref().map(|s| s.0.as_str()), limit)?;
    Ok(CustomerList { customers })
}

#[tauri::command]
pub async fn customer_create(state: State<'_, AppState>, input: Arg<CustomerInput>) -> CommandResult<Customer> {
    let spec = input.0.validate()?;
    let mode = state.mode().await?;
    Ok(state.store()?.create_customer(mode, &spec)?)
}

/// The customer with their latest orders.
#[tauri::command]
pub async fn customer_get(state: State<'_, AppState>, id: Arg<CustomerRef>) -> CommandResult<CustomerPage> {
    let mode = state.mode().await?;
    let store = state.store()?;
    let customer = store.find_customer(mode, &id.0 .0)?;
    let orders = store.customer_orders(&customer.id, ORDERS_SHOWN)?.iter().map(Into::into).collect();
    Ok(CustomerPage { customer, orders })
}

#[tauri::command]
pub async fn customer_edit(state: State<'_, AppState>, id: Arg<CustomerRef>, input: Arg<CustomerInput>) -> CommandResult<Customer> {
    let spec = input.0.validate()?;
    let mode = state.mode().await?;
    let mut store = state.store()?;
    let id = store.find_customer(mode, &id.0 .0)?.id;
    Ok(store.edit_customer(mode, &id, &spec)?)
}

/// Leaves the directory; their orders keep naming them.
#[tauri::command]
pub async fn customer_remove(state: State<'_, AppState>, id: Arg<CustomerRef>) -> CommandResult<Customer> {
    let mode = state.mode().await?;
    let mut store = state.store()?;
    let id = store.find_customer(mode, &id.0 .0)?.id;
    Ok(store.remove_customer(mode, &id)?)
}

#[derive(Serialize)]
pub struct SavedCards {
    cards: Vec<SavedCard>,
}

/// The current mode's customer named by `id` (the store's lock is not held past this).
async fn customer_id(state: &AppState, id: &CustomerRef) -> Result<CustomerId, CommandError> {
    let mode = state.mode().await?;
    let store = state.store()?;
    Ok(store.find_customer(mode, &id.0)?.id)
}

/// The customer's saved cards as Stripe lists them now.
#[tauri::command]
pub async fn customer_cards(state: State<'_, AppState>, id: Arg<CustomerRef>) -> CommandResult<SavedCards> {
    let customer = customer_id(&state, &id.0).await?;
    let cards = state.connection().await?.payments.saved_cards(&customer).await?;
    Ok(SavedCards { cards })
}

/// Detaches the card from the customer at Stripe; the cards that are left.
#[tauri::command]
pub async fn customer_remove_card(state: State<'_, AppState>, id: Arg<CustomerRef>, payment_method_id: Arg<PaymentMethodRef>) -> CommandResult<SavedCards> {
    let customer = customer_id(&state, &id.0).await?;
    let cards = state.connection().await?.payments.detach_saved_card(&customer, &payment_method_id.0 .0).await?;
    Ok(SavedCards { cards })
}
