import type { OrderView, Settlement } from "../api";
import { formatDateTime, humanize } from "../format";
import { TotalsList } from "./TotalsList";

/** Placeholder until Settings has the business name and address. */
export const BUSINESS_NAME = "Paydesk demo shop";

/** When the order was paid (its latest event), else when it was created. */
function paidAt(order: OrderView): string {
  const last = order.events[order.events.length - 1];
  return last?.at ?? order.createdAt;
}

/** The customer's receipt: everything on it is what the core stored and computed. */
export function Receipt({ order, settlement }: { order: OrderView; settlement: Settlement }) {
  const brand = settlement.cardBrand;
  const last4 = settlement.cardLast4;
  return (
    <article className="receipt" data-testid="receipt" aria-label="Receipt">
      <header className="receipt-head">
        <strong className="receipt-business">{BUSINESS_NAME}</strong>
        <span>
          Order <span data-testid="receipt-order-number">#{order.number}</span>
        </span>
        <span data-testid="receipt-date">{formatDateTime(paidAt(order))}</span>
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
        <span className="receipt-status"> — {humanize(settlement.outcome)}</span>
      </p>
      <footer className="receipt-foot">Thank you!</footer>
    </article>
  );
}
