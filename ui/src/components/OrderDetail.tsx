import type { Mode, OrderView, Settings } from "../api";
import { formatDateTime, humanize } from "../format";
import { OrderActions } from "./OrderActions";
import { OrderPayment } from "./OrderDetailPayment";
import { StatusBadge } from "./StatusBadge";
import { TotalsList } from "./TotalsList";

type Props = {
  order: OrderView;
  /** For a reprinted receipt's business name and address; null prints without them. */
  settings?: Settings | null;
  /** A demo till without a business name prints the demo shop's on a receipt. */
  mode?: Mode | null;
  /** Reads the order again after an action. Without it, no actions are offered. */
  onChanged?: () => Promise<void>;
};

/** One order as stored by the core: actions, lines, totals, payment, refunds, and its event log. */
export function OrderDetail({ order, settings = null, mode = null, onChanged }: Props) {
  return (
    <article className="order-detail" data-testid="order-detail" aria-label={`Order ${order.number}`}>
      <header className="detail-head">
        <h2>Order #{order.number}</h2>
        <StatusBadge status={order.status} />
      </header>
      <p className="muted-text">{formatDateTime(order.createdAt)}</p>
      {onChanged && <OrderActions order={order} settings={settings} mode={mode} onChanged={onChanged} />}
      <table className="lines compact">
        <thead>
          <tr>
            <th>Item</th>
            <th className="qty">Qty</th>
            <th className="amount">Unit</th>
            <th className="amount">Total</th>
          </tr>
        </thead>
        <tbody>
          {order.quote.lines.map((l, i) => (
            <tr key={i}>
              <td>{l.description}</td>
              <td className="qty">{l.quantity}</td>
              <td className="amount money">{l.unitPrice.display}</td>
              <td className="amount money">{l.total.display}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <TotalsList quote={order.quote} />
      <OrderPayment order={order} />
      {(order.customer || order.customerEmail || order.note) && (
        <dl className="meta">
          {order.customer && (
            <>
              <dt>Customer</dt>
              <dd data-testid="order-customer">
                C{order.customer.number} {order.customer.name}
              </dd>
            </>
          )}
          {order.customerEmail && (
            <>
              <dt>Email</dt>
              <dd>{order.customerEmail}</dd>
            </>
          )}
          {order.note && (
            <>
              <dt>Note</dt>
              <dd className="note">{order.note}</dd>
            </>
          )}
        </dl>
      )}
      <h3>Timeline</h3>
      <ol className="events" data-testid="order-events">
        {order.events.map((e, i) => (
          <li key={i} data-testid="order-event" data-kind={e.kind} data-to={e.toStatus}>
            <span className="event-time">{formatDateTime(e.at)}</span>
            <span className="event-what">
              {e.fromStatus ? `${humanize(e.fromStatus)} → ` : ""}
              {humanize(e.toStatus)}
            </span>
            <span className="event-cause">{e.cause}</span>
          </li>
        ))}
      </ol>
    </article>
  );
}
