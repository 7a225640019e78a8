import type { OrderView } from "../api";
import { cardLabel, formatDateTime, humanize } from "../format";
import { checksText } from "./CustomerCards";

/** What Stripe has done for the order, as the core recorded it. Nothing here is computed. */
export function OrderPayment({ order }: { order: OrderView }) {
  const p = order.payment;
  if (!p.paymentIntentId && !p.cardBrand && !p.cardLast4 && p.captured.minor === 0 && p.capturable.minor === 0) return null;
  const card = cardLabel(p.cardBrand, p.cardLast4);
  const checks = p.cardChecks ? checksText(p.cardChecks) : "";
  return (
    <section className="payment-block" data-testid="order-payment" aria-label="Payment">
      <h3>Payment</h3>
      <dl className="kv">
        {p.paymentIntentId && (
          <>
            <dt>PaymentIntent</dt>
            <dd className="mono" data-testid="payment-intent-id">
              {p.paymentIntentId}
            </dd>
          </>
        )}
        {card && (
          <>
            <dt>Card</dt>
            <dd data-testid="payment-card" data-brand={p.cardBrand ?? ""} data-last4={p.cardLast4 ?? ""}>
              {card}
            </dd>
          </>
        )}
        {checks && (
          <>
            <dt>Checks</dt>
            <dd data-testid="payment-card-checks">{checks}</dd>
          </>
        )}
        {p.paidAt && (
          <>
            <dt>Paid</dt>
            <dd>{formatDateTime(p.paidAt)}</dd>
          </>
        )}
        {p.capturable.minor !== 0 && (
          <>
            <dt>Authorized</dt>
            <dd className="money" data-testid="payment-capturable">
              {p.capturable.display}
            </dd>
          </>
        )}
        <dt>Captured</dt>
        <dd className="money" data-testid="payment-captured">
          {p.captured.display}
        </dd>
        <dt>Refunded</dt>
        <dd className="money" data-testid="payment-refunded">
          {p.refunded.display}
        </dd>
        <dt>Refundable</dt>
        <dd className="money" data-testid="payment-refundable">
          {p.refundable.display}
        </dd>
      </dl>
      {p.cardCheckWarning && (
        <p className="notice notice-declined" role="note" data-testid="payment-card-warning">
          {p.cardCheckWarning}
        </p>
      )}
      {order.refunds.length > 0 && (
        <>
          <h4>Refunds</h4>
          <ul className="refunds" data-testid="order-refunds">
            {order.refunds.map((r, i) => (
              <li key={i} data-testid="refund-row" data-status={r.status}>
                <span className="money">{r.amount.display}</span>
                <span className="refund-when">{formatDateTime(r.createdAt)}</span>
                <span className="refund-why">
                  {r.reason ? humanize(r.reason) : "No reason"}
                  {r.status !== "succeeded" && <> · {humanize(r.status)}</>}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
