import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError, type Mode, type OrderListQuery, type OrderSummary, type OrderView, type Settings } from "../api";
import { formatWhen, isTyping } from "../format";
import { onListRowKey } from "../rows";
import "../history.css";
import { hasFilters, HistoryFilters, NO_FILTERS, type Filters } from "./HistoryFilters";
import { OrderDetail } from "./OrderDetail";
import { StatusBadge } from "./StatusBadge";

export const PAGE_SIZE = 25;
/** Quiet time after the last keystroke or filter change before the list is asked for again. */
export const DEBOUNCE_MS = 250;

type Props = { highlightNumber?: number | null };

/** Only the filters that are set go to the core, so "no filter" is an absent field, never "". */
export function toQuery(f: Filters, beforeNumber?: number): OrderListQuery {
  const q: OrderListQuery = { limit: PAGE_SIZE };
  const text = f.text.trim();
  if (text) q.text = text;
  if (f.status) q.status = f.status;
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  if (beforeNumber !== undefined) q.beforeNumber = beforeNumber;
  return q;
}

const keyOf = (f: Filters) => JSON.stringify(toQuery(f));

/** Order history, newest first, searchable, paged with the core's `nextBeforeNumber` cursor. */
export function RecentOrders({ highlightNumber = null }: Props) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [orders, setOrders] = useState<OrderSummary[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // One row in the Tab order (roving tabindex): Tab leaves the list for the detail's actions
  // instead of walking through every row.
  const [cursorId, setCursorId] = useState<string | null>(null);
  const [detail, setDetail] = useState<OrderView | null>(null);
  const [detailError, setDetailError] = useState<ApiError | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [mode, setMode] = useState<Mode | null>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const detailRef = useRef<HTMLElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const focused = useRef(false);
  // The filters the rows on screen answer; "Load more" must page through those, not through
  // what is half-typed in the search box and not yet sent.
  const applied = useRef<Filters | null>(null);
  // Answers can overtake each other while the cashier types; only the latest may land.
  const seq = useRef(0);
  const selecting = useRef<string | null>(null);

  const load = useCallback(async (f: Filters, beforeNumber?: number) => {
    const mine = ++seq.current;
    applied.current = f;
    setLoading(true);
    setError(null);
    try {
      const page = await api.orderList(toQuery(f, beforeNumber));
      if (mine !== seq.current) return;
      setOrders((prev) => (beforeNumber === undefined ? page.orders : [...prev, ...page.orders]));
      setNext(page.nextBeforeNumber);
    } catch (err) {
      if (mine === seq.current) setError(ApiError.from(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  // First load at once; after that, wait for the cashier to stop typing.
  useEffect(() => {
    if (applied.current === null) {
      void load(filters);
      return;
    }
    if (keyOf(filters) === keyOf(applied.current)) return;
    const t = window.setTimeout(() => void load(filters), DEBOUNCE_MS);
    return () => window.clearTimeout(t);
  }, [filters, load]);

  // The receipt's business name and address (and the demo shop's name in demo mode); a
  // reprint without them still prints.
  useEffect(() => {
    let cancelled = false;
    api.settingsGet().then(
      (s) => !cancelled && setSettings(s),
      () => !cancelled && setSettings(null),
    );
    api.appInfo().then(
      (i) => !cancelled && setMode(i.mode),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, []);

  // "/" (when not typing) and Ctrl+F jump to the search box, as in a browser.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const find = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "f";
      const slash = e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target);
      if (!find && !slash) return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // Keyboard-first: once the list is in, the cursor is on the order just saved (or the newest),
  // unless the cashier is already typing somewhere.
  useEffect(() => {
    if (focused.current || orders.length === 0 || !bodyRef.current) return;
    focused.current = true;
    if (isTyping(document.activeElement)) return;
    const rows = [...bodyRef.current.querySelectorAll<HTMLElement>("tr")];
    (rows.find((r) => r.dataset.number === String(highlightNumber)) ?? rows[0])?.focus();
  }, [orders, highlightNumber]);

  const select = useCallback(async (id: string) => {
    selecting.current = id;
    setSelectedId(id);
    setDetailError(null);
    try {
      const o = await api.orderGet(id);
      if (selecting.current === id) setDetail(o);
    } catch (err) {
      if (selecting.current !== id) return;
      setDetail(null);
      setDetailError(ApiError.from(err));
    }
  }, []);

  /** After an action: the order again from the core, in the detail and in its row. Throws. */
  const reloadOrder = useCallback(async (id: string) => {
    const o = await api.orderGet(id);
    setDetail((cur) => (cur?.id === id ? o : cur));
    setOrders((rows) => rows.map((r) => (r.id === id ? { ...r, status: o.status, total: o.total, description: o.description } : r)));
  }, []);

  // Another order starts at its top, not where the last one was scrolled to.
  const detailId = detail?.id;
  useEffect(() => {
    detailRef.current?.scrollTo?.({ top: 0 });
  }, [detailId]);


  const firstRow = () => bodyRef.current?.querySelector<HTMLElement>("tr")?.focus();
  const filtered = hasFilters(applied.current ?? filters);
  const tabRow = orders.some((o) => o.id === cursorId) ? cursorId : orders[0]?.id;

  return (
    <div className="orders">
      <section className="card orders-list" aria-label="Order history">
        <div className="card-head">
          <h2>History</h2>
          <button
            type="button"
            className="btn"
            data-testid="orders-refresh"
            onClick={() => void load(filters)}
            disabled={loading}
          >
            Refresh
          </button>
        </div>
        <HistoryFilters filters={filters} onChange={setFilters} onLeaveDown={firstRow} searchRef={searchRef} />
        {error && (
          <p className="inline-error" role="alert" data-testid="orders-error">
            {error.message}
          </p>
        )}
        {!error && !loading && orders.length === 0 && (
          <div className="empty" data-testid="orders-empty">
            {filtered ? (
              <>
                No orders match.{" "}
                <button type="button" className="link" data-testid="history-clear" onClick={() => setFilters(NO_FILTERS)}>
                  Clear the search and filters
                </button>
              </>
            ) : (
              "No orders yet."
            )}
          </div>
        )}
        {orders.length > 0 && (
          <div className={`table-scroll${loading ? " stale" : ""}`} aria-busy={loading}>
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
                    tabIndex={o.id === tabRow ? 0 : -1}
                    onFocus={() => setCursorId(o.id)}
                    data-testid="order-row"
                    data-number={o.number}
                    data-status={o.status}
                    className={[o.id === selectedId ? "selected" : "", o.number === highlightNumber ? "highlight" : ""].join(" ")}
                    aria-selected={o.id === selectedId}
                    onClick={() => void select(o.id)}
                    onKeyDown={(e) => onListRowKey(e, () => void select(o.id), searchRef.current)}
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
              <button
                type="button"
                className="btn more"
                data-testid="orders-more"
                disabled={loading}
                onClick={() => void load(applied.current ?? filters, next)}
              >
                Load more
              </button>
            )}
          </div>
        )}
        {loading && orders.length === 0 && <p className="muted-text">Loading…</p>}
      </section>
      <section className="card orders-detail" aria-label="Order detail" ref={detailRef}>
        {detailError && (
          <p className="inline-error" role="alert" data-testid="detail-error">
            {detailError.message}
          </p>
        )}
        {detail ? (
          <OrderDetail key={detail.id} order={detail} settings={settings} mode={mode} onChanged={() => reloadOrder(detail.id)} />
        ) : (
          !detailError && <div className="empty">Select an order to see its lines, payment and history.</div>
        )}
      </section>
    </div>
  );
}
