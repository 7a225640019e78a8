import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, ApiError, type OrderSummary, type OrderView } from "../api";
import { formatWhen } from "../format";
import { OrderDetail } from "./OrderDetail";
import { StatusBadge } from "./StatusBadge";

export const PAGE_SIZE = 25;

type Props = { highlightNumber?: number | null };

/** Recent orders, newest first, paged with the core's `nextBeforeNumber` cursor. */
export function RecentOrders({ highlightNumber = null }: Props) {
  const [orders, setOrders] = useState<OrderSummary[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detail, setDetail] = useState<OrderView | null>(null);
  const [detailError, setDetailError] = useState<ApiError | null>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const focused = useRef(false);

  const load = useCallback(async (beforeNumber?: number) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.orderList(beforeNumber === undefined ? { limit: PAGE_SIZE } : { limit: PAGE_SIZE, beforeNumber });
      setOrders((prev) => (beforeNumber === undefined ? page.orders : [...prev, ...page.orders]));
      setNext(page.nextBeforeNumber);
    } catch (err) {
      setError(ApiError.from(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  // Keyboard-first: once the list is in, the cursor is on the order just saved (or the newest).
  useEffect(() => {
    if (focused.current || orders.length === 0 || !bodyRef.current) return;
    focused.current = true;
    const rows = [...bodyRef.current.querySelectorAll<HTMLElement>("tr")];
    (rows.find((r) => r.dataset.number === String(highlightNumber)) ?? rows[0])?.focus();
  }, [orders, highlightNumber]);

  const select = useCallback(async (id: string) => {
    setSelectedId(id);
    setDetailError(null);
    try {
      setDetail(await api.orderGet(id));
    } catch (err) {
      setDetail(null);
      setDetailError(ApiError.from(err));
    }
  }, []);

  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, id: string) => {
    const row = e.currentTarget;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      void select(id);
    } else if (e.key === "ArrowDown") {
      e.preventDefault();
      (row.nextElementSibling as HTMLElement | null)?.focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      (row.previousElementSibling as HTMLElement | null)?.focus();
    }
  };

  return (
    <div className="orders">
      <section className="card orders-list" aria-label="Recent orders">
        <div className="card-head">
          <h2>Recent orders</h2>
          <button type="button" className="btn" data-testid="orders-refresh" onClick={() => void load()} disabled={loading}>
            Refresh
          </button>
        </div>
        {error && (
          <p className="inline-error" role="alert" data-testid="orders-error">
            {error.message}
          </p>
        )}
        {!error && !loading && orders.length === 0 && (
          <div className="empty" data-testid="orders-empty">
            No orders yet.
          </div>
        )}
        {orders.length > 0 && (
          <div className="table-scroll">
            <table className="orders-table" data-testid="orders-table">
              <thead>
                <tr>
                  <th className="num">No.</th>
                  <th>Time</th>
                  <th>Description</th>
                  <th>Status</th>
                  <th className="amount">Total</th>
                </tr>
              </thead>
              <tbody ref={bodyRef}>
                {orders.map((o) => (
                  <tr
                    key={o.id}
                    tabIndex={0}
                    data-testid="order-row"
                    data-number={o.number}
                    className={[
                      o.id === selectedId ? "selected" : "",
                      o.number === highlightNumber ? "highlight" : "",
                    ].join(" ")}
                    aria-selected={o.id === selectedId}
                    onClick={() => void select(o.id)}
                    onKeyDown={(e) => onRowKey(e, o.id)}
                  >
                    <td className="num" data-testid="order-number">
                      #{o.number}
                    </td>
                    <td className="when">{formatWhen(o.createdAt)}</td>
                    <td className="desc">{o.description}</td>
                    <td>
                      <StatusBadge status={o.status} />
                    </td>
                    <td className="amount money" data-testid="order-total">
                      {o.total.display}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {next !== null && (
              <button type="button" className="btn more" data-testid="orders-more" disabled={loading} onClick={() => void load(next)}>
                Load older orders
              </button>
            )}
          </div>
        )}
        {loading && <p className="muted-text">Loading…</p>}
      </section>
      <section className="card orders-detail" aria-label="Order detail">
        {detailError && (
          <p className="inline-error" role="alert">
            {detailError.message}
          </p>
        )}
        {detail ? (
          <OrderDetail order={detail} />
        ) : (
          !detailError && <div className="empty">Select an order to see its lines, totals and history.</div>
        )}
      </section>
    </div>
  );
}
