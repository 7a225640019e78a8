//! Taking payment for an order. The amount is never an argument: the core charges the
//! total it computes from the stored order.

use paydesk_core::cards::{SaveConsent, SavedCardUse};
use paydesk_core::money::{Money, Sign};
use paydesk_core::payments::Settlement;
use paydesk_core::store::OrderId;
use paydesk_core::text;
use paydesk_core::view::MoneyView;
use paydesk_stripe::{CancellationReason, RefundReason};
use serde::Serialize;
use tauri::State;

use super::args::{AmountText, Arg, ConfirmationToken, Moto, OrderRef, PaymentMethodRef, ReasonText};
use super::parse_order_id;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// What the Payment Element needs. This is the one reply that carries a client secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Checkout {
    pub order_id: String,
    pub order_number: i64,
    pub payment_intent_id: String,
    pub amount: MoneyView,
    pub client_secret: String,
    pub publishable_key: String,
}

/// A settlement, plus the client secret `handleNextAction` needs when 3-D Secure is due.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettlementReply {
    #[serde(flatten)]
    pub settlement: Settlement,
    pub next_action_client_secret: Option<String>,
}

impl From<Settlement> for SettlementReply {
    fn from(settlement: Settlement) -> Self {
        let next_action_client_secret = settlement.next_action_secret.as_ref().map(|secret| secret.expose().to_owned());
        SettlementReply { settlement, next_action_client_secret }
    }
}

fn amount(state: &AppState, id: &OrderId, text: Option<AmountText>) -> CommandResult<Option<Money>> {
    let Some(AmountText(text)) = text else { return Ok(None) };
    let currency = state.store()?.order(id)?.quote.total.currency();
    Money::parse(&text, currency, Sign::NonNegative)
        .map(Some)
        .map_err(|e| CommandError { code: "invalid_amount", message: e.to_string() })
}

/// With `saveCard`, the customer agreed to have the card saved on them for later payments.
#[tauri::command]
pub async fn payment_start(state: State<'_, AppState>, order_id: Arg<OrderRef>, save_card: Arg<Option<SaveConsent>>) -> CommandResult<Checkout> {
    let started = state.connection().await?.payments.start_saving(&parse_order_id(&order_id.0)?, save_card.0.as_ref()).await?;
    Ok(Checkout {
        order_id: started.order_id.to_string(),
        order_number: started.order_number,
        payment_intent_id: started.payment_intent_id,
        amount: started.amount.into(),
        client_secret: started.client_secret.expose().to_owned(),
        publishable_key: started.publishable_key.as_str().to_owned(),
    })
}

#[tauri::command]
pub async fn payment_settle(state: State<'_, AppState>, order_id: Arg<OrderRef>) -> CommandResult<SettlementReply> {
    Ok(state.connection().await?.payments.settle(&parse_order_id(&order_id.0)?).await?.into())
}

#[tauri::command]
pub async fn payment_finalize(
    state: State<'_, AppState>,
    order_id: Arg<OrderRef>,
    confirmation_token: Arg<ConfirmationToken>,
    moto: Arg<Moto>,
    save_card: Arg<Option<SaveConsent>>,
) -> CommandResult<SettlementReply> {
    let (Arg(ConfirmationToken(token)), Arg(Moto(moto))) = (confirmation_token, moto);
    let payments = state.connection().await?.payments.clone();
    Ok(payments.finalize_on_server_saving(&parse_order_id(&order_id.0)?, &token, moto, save_card.0.as_ref()).await?.into())
}

/// Charges a card saved on the order's customer, without the card form: `moto` for a phone
/// order, `off_session` for a payment the customer authorized earlier.
#[tauri::command]
pub async fn payment_charge_saved(
    state: State<'_, AppState>,
    order_id: Arg<OrderRef>,
    payment_method_id: Arg<PaymentMethodRef>,
    card_use: Arg<SavedCardUse>,
) -> CommandResult<SettlementReply> {
    let id = parse_order_id(&order_id.0)?;
    let payments = state.connection().await?.payments.clone();
    Ok(payments.charge_saved_card(&id, &payment_method_id.0 .0, card_use.0).await?.into())
}

#[tauri::command]
pub async fn payment_capture(state: State<'_, AppState>, order_id: Arg<OrderRef>, amount: Arg<Option<AmountText>>) -> CommandResult<SettlementReply> {
    let id = parse_order_id(&order_id.0)?;
    let amount = self::amount(&state, &id, amount.0)?;
    Ok(state.connection().await?.payments.capture(&id, amount).await?.into())
}

#[tauri::command]
pub async fn payment_refund(
    state: State<'_, AppState>,
    order_id: Arg<OrderRef>,
    amount: Arg<Option<AmountText>>,
    reason: Arg<Option<ReasonText>>,
) -> CommandResult<SettlementReply> {
    let id = parse_order_id(&order_id.0)?;
    let amount = self::amount(&state, &id, amount.0)?;
    let reason = match reason.0.as_ref().map(|reason| reason.0.as_str()) {
        None => None,
        Some("requested_by_customer") => Some(RefundReason::RequestedByCustomer),
        Some("duplicate") => Some(RefundReason::Duplicate),
        Some("fraudulent") => Some(RefundReason::Fraudulent),
        Some(other) => return Err(CommandError { code: "invalid_reason", message: format!("{} is not a refund reason", text::quoted(other)) }),
    };
    Ok(state.connection().await?.payments.refund(&id, amount, reason).await?.into())
}

#[tauri::command]
pub async fn payment_void(state: State<'_, AppState>, order_id: Arg<OrderRef>) -> CommandResult<SettlementReply> {
    let id = parse_order_id(&order_id.0)?;
    Ok(state.connection().await?.payments.void(&id, CancellationReason::RequestedByCustomer).await?.into())
}
