//! The JSON shapes the outside world sees, shared by the CLI's `--json` output and the
//! window's IPC replies so the two can never drift apart. camelCase; every amount carries
//! its minor units, its currency, and the text to show, so no caller formats money itself.

use serde::Serialize;

use crate::cards::CardChecks;
use crate::mode::AppMode;
use crate::money::{Currency, Money, Rate};
use crate::order::{OrderInput, OrderSpec, OrderStatus, Quote};
use crate::store::{Order, OrderEvent, OrderId, OrderPage, OrderPayment, OrderSummary, RefundRecord, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MoneyView {
    pub minor: i64,
    pub currency: Currency,
    /// "1234.50": machine-readable.
    pub decimal: String,
    /// "$1,234.50": for people.
    pub display: String,
}

impl From<Money> for MoneyView {
    fn from(money: Money) -> Self {
        MoneyView {
            minor: money.minor(),
            currency: money.currency(),
            decimal: money.to_decimal_string(),
            display: money.display(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteView {
    pub currency: Currency,
    pub lines: Vec<QuoteLineView>,
    pub subtotal: MoneyView,
    pub discount: MoneyView,
    pub tax_exclusive: MoneyView,
    pub tax_inclusive: MoneyView,
    pub taxes: Vec<TaxView>,
    pub tip: MoneyView,
    pub rounding: MoneyView,
    pub total: MoneyView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteLineView {
    pub description: String,
    pub quantity: i64,
    pub unit_price: MoneyView,
    pub total: MoneyView,
    pub discount: MoneyView,
    pub tax: MoneyView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxView {
    pub name: String,
    pub rate: String,
    pub inclusive: bool,
    pub amount: MoneyView,
}

impl QuoteView {
    pub fn new(spec: &OrderSpec, quote: &Quote) -> Self {
        QuoteView {
            currency: spec.currency,
            lines: spec
                .lines
                .iter()
                .zip(&quote.lines)
                .map(|(line, priced)| QuoteLineView {
                    description: line.description.clone(),
                    quantity: line.quantity,
                    unit_price: line.unit_price.into(),
                    total: priced.amount.into(),
                    discount: priced.discount.into(),
                    tax: priced.tax.into(),
                })
                .collect(),
            subtotal: quote.subtotal.into(),
            discount: quote.discount.into(),
            tax_exclusive: quote.tax_exclusive.into(),
            tax_inclusive: quote.tax_inclusive.into(),
            taxes: quote
                .taxes
                .iter()
                .map(|tax| TaxView {
                    name: tax.name.clone(),
                    rate: rate_text(tax.rate),
                    inclusive: tax.inclusive,
                    amount: tax.amount.into(),
                })
                .collect(),
            tip: quote.tip.into(),
            rounding: quote.rounding.into(),
            total: quote.total.into(),
        }
    }
}

fn rate_text(rate: Rate) -> String {
    rate.percent_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummaryView {
    pub id: String,
    pub number: i64,
    pub status: crate::order::OrderStatus,
    pub total: MoneyView,
    /// The items, as one line ("Flat white ×2, Croissant").
    pub description: String,
    pub business_date: String,
    pub created_at: String,
}

impl From<&OrderSummary> for OrderSummaryView {
    fn from(order: &OrderSummary) -> Self {
        OrderSummaryView {
            id: order.id.to_string(),
            number: order.number,
            status: order.status,
            total: order.total.into(),
            description: order.summary.clone(),
            business_date: order.business_date.clone(),
            created_at: order.created_at.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderPageView {
    pub orders: Vec<OrderSummaryView>,
    pub next_before_number: Option<i64>,
}

impl From<&OrderPage> for OrderPageView {
    fn from(page: &OrderPage) -> Self {
        OrderPageView { orders: page.orders.iter().map(Into::into).collect(), next_before_number: page.next_before_number }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderCustomerView {
    pub id: String,
    pub number: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    #[serde(flatten)]
    pub summary: OrderSummaryView,
    /// The mode the order was taken in.
    pub mode: AppMode,
    pub quote: QuoteView,
    pub note: Option<String>,
    pub customer_email: Option<String>,
    /// Who the order is for, from the directory (as they are now: a renamed customer shows
    /// the new name).
    pub customer: Option<OrderCustomerView>,
    pub updated_at: String,
    pub events: Vec<OrderEvent>,
    pub payment: PaymentView,
    pub refunds: Vec<RefundView>,
    pub actions: OrderActions,
    /// The order as it would be typed again, for "Back to edit".
    pub input: OrderInput,
}

/// What Stripe has done for the order, as last read from Stripe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    pub payment_intent_id: Option<String>,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    /// The checks Stripe reported on the charge (CVC, postal code, street address).
    pub card_checks: CardChecks,
    /// Set when one of them failed: the window shows it as a warning.
    pub card_check_warning: Option<String>,
    /// When the money was taken: the first move to paid.
    pub paid_at: Option<String>,
    pub captured: MoneyView,
    pub refunded: MoneyView,
    /// Captured minus refunded, while the order can be refunded.
    pub refundable: MoneyView,
    /// The authorized amount, while the order waits for its capture.
    pub capturable: MoneyView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundView {
    pub amount: MoneyView,
    pub reason: Option<String>,
    pub status: String,
    pub created_at: String,
}

/// What the order's state allows next. The window shows a button per `true`; the core
/// still checks each action when it is asked (these only spare the cashier a refusal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderActions {
    pub pay: bool,
    pub edit: bool,
    pub capture: bool,
    pub refund: bool,
    pub void: bool,
}

impl OrderActions {
    pub const NONE: OrderActions = OrderActions { pay: false, edit: false, capture: false, refund: false, void: false };

    pub fn for_order(status: OrderStatus, refundable: i64) -> Self {
        use OrderStatus::*;
        OrderActions {
            pay: matches!(status, Draft | AwaitingPayment | ActionRequired),
            edit: matches!(status, Draft | AwaitingPayment),
            capture: status == Authorized,
            refund: matches!(status, Paid | PartiallyRefunded) && refundable > 0,
            void: matches!(status, Draft | AwaitingPayment | ActionRequired | Authorized),
        }
    }
}

impl OrderView {
    /// The order with everything the window shows of it, read in one go. An order taken in
    /// another mode than `current` can be looked at, but allows nothing here.
    pub fn read(store: &Store, id: &OrderId, current: AppMode) -> Result<OrderView, StoreError> {
        let order = store.order(id)?;
        let mut view = OrderView::new(&order, store.events(id)?, &store.order_payment(id)?, &store.refunds(id)?);
        if let Some(customer) = &order.spec.customer_id {
            let customer = store.customer(customer)?;
            view.customer = Some(OrderCustomerView { id: customer.id.to_string(), number: customer.number, name: customer.name });
        }
        if order.mode != current {
            view.actions = OrderActions::NONE;
        }
        Ok(view)
    }

    pub fn new(order: &Order, events: Vec<OrderEvent>, payment: &OrderPayment, refunds: &[RefundRecord]) -> Self {
        let currency = order.quote.total.currency();
        let money = |minor: i64| MoneyView::from(Money::new(minor, currency));
        let refundable = match order.status {
            OrderStatus::Paid | OrderStatus::PartiallyRefunded => payment.amount_captured - payment.amount_refunded,
            _ => 0,
        };
        let capturable = if order.status == OrderStatus::Authorized { order.quote.total.minor() } else { 0 };
        let paid_at = events.iter().find(|event| event.to_status == OrderStatus::Paid).map(|event| event.at.clone());
        OrderView {
            summary: OrderSummaryView {
                id: order.id.to_string(),
                number: order.number,
                status: order.status,
                total: order.quote.total.into(),
                description: order.summary.clone(),
                business_date: order.business_date.clone(),
                created_at: order.created_at.clone(),
            },
            mode: order.mode,
            quote: QuoteView::new(&order.spec, &order.quote),
            note: order.spec.note.clone(),
            customer_email: order.spec.customer_email.clone(),
            customer: None,
            updated_at: order.updated_at.clone(),
            events,
            payment: PaymentView {
                payment_intent_id: payment.payment_intent_id.clone(),
                card_brand: payment.card_brand.clone(),
                card_last4: payment.card_last4.clone(),
                card_checks: payment.card_checks.clone(),
                card_check_warning: payment.card_checks.warning(),
                paid_at,
                captured: money(payment.amount_captured),
                refunded: money(payment.amount_refunded),
                refundable: money(refundable),
                capturable: money(capturable),
            },
            refunds: refunds
                .iter()
                .map(|refund| RefundView {
                    amount: money(refund.amount),
                    reason: refund.reason.clone(),
                    status: refund.status.clone(),
                    created_at: refund.created_at.clone(),
                })
                .collect(),
            actions: OrderActions::for_order(order.status, refundable),
            input: OrderInput::from(&order.spec),
        }
    }
}
