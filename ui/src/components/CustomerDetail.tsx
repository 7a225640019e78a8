import { useState } from "react";
import { ApiError, type CustomerPage } from "../api";
import { formatWhen } from "../format";
import { CustomerCards } from "./CustomerCards";
import { StatusBadge } from "./StatusBadge";

type Props = {
  page: CustomerPage;
  onEdit: () => void;
  /** Throws the core's refusal. */
  onRemove: () => Promise<void>;
  onSell: () => void;
};

/** One customer: who they are, what they bought; change, remove, or start a sale for them. */
export function CustomerDetail({ page, onEdit, onRemove, onSell }: Props) {
  const { customer, orders } = page;
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const remove = async () => {
    setError(null);
    try {
      await onRemove();
    } catch (err) {
      setError(ApiError.from(err));
      setConfirming(false);
    }
  };

  return (
    <div className="customer-detail" data-testid="customer-detail">
      <div className="card-head">
        <h2>
          <span className="muted-text">C{customer.number}</span> {customer.name}
        </h2>
      </div>
      <dl className="customer-facts">
        {customer.email && (
          <>
            <dt>Email</dt>
            <dd data-testid="customer-detail-email">{customer.email}</dd>
          </>
        )}
        {customer.phone && (
          <>
            <dt>Phone</dt>
            <dd data-testid="customer-detail-phone">{customer.phone}</dd>
          </>
        )}
        {customer.note && (
          <>
            <dt>Note</dt>
            <dd className="note">{customer.note}</dd>
          </>
        )}
        <dt>Since</dt>
        <dd>{formatWhen(customer.createdAt)}</dd>
      </dl>
      <div className="action-bar">
        <button type="button" className="btn btn-primary" data-testid="customer-sell" onClick={onSell}>
          New sale for {customer.name.split(" ")[0]}
        </button>
        <button type="button" className="btn" data-testid="customer-edit" onClick={onEdit}>
          Change
        </button>
        {confirming ? (
          <>
            <button type="button" className="btn btn-danger-outline active" data-testid="customer-remove-confirm" onClick={() => void remove()}>
              Remove C{customer.number} from the directory
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-danger-outline" data-testid="customer-remove" onClick={() => setConfirming(true)}>
            Remove…
          </button>
        )}
      </div>
      {confirming && <p className="muted-text">Their orders keep their name; they are no longer offered at a sale.</p>}
      {error && (
        <p className="inline-error" role="alert" data-testid="customer-detail-error">
          {error.message}
        </p>
      )}
      <CustomerCards customerId={customer.id} />
      <h3>Orders</h3>
      {orders.length === 0 ? (
        <p className="muted-text" data-testid="customer-no-orders">
          No orders yet.
        </p>
      ) : (
        <table className="orders-table" data-testid="customer-orders">
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} data-testid="customer-order" data-number={o.number}>
                <td className="num">#{o.number}</td>
                <td className="when">{formatWhen(o.createdAt)}</td>
                <td>
                  <StatusBadge status={o.status} />
                </td>
                <td className="amount money">{o.total.display}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
