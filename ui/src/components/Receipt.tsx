import type { Mode, OrderView, Settings, Settlement } from "../api";
import { formatDateTime, humanize } from "../format";
import { TotalsList } from "./TotalsList";

/** The header of a demo till that has no business name yet. */
export const DEMO_BUSINESS_NAME = "Paydesk demo shop";

export type ReceiptProps = {
  order: OrderView;
  settings: Settings | null;
  /** Only for the fallback name: a demo till without a business name prints the demo shop's. */
  mode?: Mode | null;
  /** Right after a payment, the card the core just settled with, if the order does not show it yet. */
  settlement?: Settlement | null;
};

/** When the money was taken, else the order's latest change, else when it was created. */
function receiptDate(order: OrderView): string {
  const last = order.events[order.events.length - 1];
  return order.payment.paidAt ?? last?.at ?? order.createdAt;
}

function businessName(settings: Settings | null, mode: Mode | null | undefined): string {
  const name = settings?.businessName.trim() ?? "";
  return name !== "" ? name : mode === "demo" ? DEMO_BUSINESS_NAME : "";
}

/**
 * The customer's receipt: everything on it is what the core stored and computed. Also used to
 * reprint from History, so it needs nothing but the order and the shop's settings.
 */
export function Receipt({ order, settings, mode, settlement }: ReceiptProps) {
  const brand = order.payment.cardBrand ?? settlement?.cardBrand ?? null;
  const last4 = order.payment.cardLast4 ?? settlement?.cardLast4 ?? null;
  const name = businessName(settings, mode);
  const address = settings?.businessAddress.trim() ?? "";
  return (
    <article className="receipt" data-testid="receipt" aria-label="Receipt">
      <header className="receipt-head">
        {name && (
          <strong className="receipt-business" data-testid="receipt-business">
            {name}
          </strong>
        )}
        {address && (
          <span className="receipt-address" data-testid="receipt-address">
            {address}
          </span>
        )}
        <span>
          Order <span data-testid="receipt-order-number">#{order.number}</span>
        </span>
        <span data-testid="receipt-date">{formatDateTime(receiptDate(order))}</span>
        {order.customer && <span data-testid="receipt-customer">For {order.customer.name}</span>}
      </header>
      <table className="receipt-lines">
        <tbody>
          {order.quote.lines.map((l, i) => (
            <tr key={i} data-testid="receipt-line">
              <td className="qty">{l.quantity} ×</td>
              <td>
                {l.description}
                {l.quantity > 1 && <span className="receipt-unit"> @ {l.unitPrice.display}</span>}
              </td>
              <td className="amount money">{l.total.display}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <TotalsList quote={order.quote} idPrefix="receipt" />
      <p className="receipt-card" data-testid="receipt-card" data-brand={brand ?? ""} data-last4={last4 ?? ""}>
        {brand || last4 ? (
          <>
            <span className="receipt-brand">{brand ?? "card"}</span> •••• {last4 ?? "????"}
          </>
        ) : (
          "Card"
        )}
        <span className="receipt-status"> — {humanize(order.status)}</span>
      </p>
      <footer className="receipt-foot">Thank you!</footer>
    </article>
  );
}
