import { useEffect, useRef, useState } from "react";
import { api, ApiError, type Mode, type OrderView, type Settings, type Settlement } from "../api";
import { mark } from "../marks";
import { Receipt } from "./Receipt";

type Props = {
  orderId: string;
  settlement: Settlement;
  onNewSale: () => void;
  /** Focus "New sale" when shown (the screen is visible). */
  active?: boolean;
  /** The receipt's header (business name and address). */
  settings?: Settings | null;
  mode?: Mode | null;
};

const HEADLINES: Record<string, { text: string; tone: "good" | "info" | "bad" }> = {
  paid: { text: "Paid", tone: "good" },
  authorized: { text: "Authorized — capture it later", tone: "info" },
  declined: { text: "Declined", tone: "bad" },
  refunded: { text: "Refunded", tone: "info" },
  partially_refunded: { text: "Partially refunded", tone: "info" },
};

/** After the sale: what happened, the receipt (printable), and the way to the next sale. */
export function SaleResult({ orderId, settlement, onNewSale, active = true, settings = null, mode = null }: Props) {
  const [order, setOrder] = useState<OrderView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const newSaleRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let cancelled = false;
    api.orderGet(orderId).then(
      (o) => !cancelled && setOrder(o),
      (e: unknown) => !cancelled && setError(ApiError.from(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [orderId]);

  useEffect(() => {
    if (active) newSaleRef.current?.focus();
  }, [active, order]);

  useEffect(() => {
    if (order) mark("receipt");
  }, [order]);

  // Enter anywhere on this screen starts the next sale (buttons handle their own Enter).
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Enter" || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && t.closest("button, a, input, textarea, select")) return;
      e.preventDefault();
      onNewSale();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, onNewSale]);

  const head = HEADLINES[settlement.outcome] ?? { text: settlement.outcome, tone: "info" as const };

  return (
    <div className="result" data-testid="sale-result" data-outcome={settlement.outcome}>
      <section className={`card result-head result-${head.tone}`} aria-live="polite">
        <h2 className="result-headline" data-testid="result-headline">
          {head.text}
        </h2>
        <p>
          Order #{settlement.orderNumber}
          {order && (
            <>
              {" "}
              · <span className="money">{order.quote.total.display}</span>
            </>
          )}
        </p>
        {settlement.message && <p className="notice notice-declined">{settlement.message}</p>}
        <div className="result-actions no-print">
          <button ref={newSaleRef} type="button" className="btn btn-primary btn-pay" data-testid="new-sale" onClick={onNewSale}>
            New sale <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" data-testid="print-receipt" disabled={!order} onClick={() => window.print()}>
            Print receipt
          </button>
        </div>
      </section>
      <section className="receipt-wrap" aria-label="Receipt">
        {error && (
          <p className="inline-error" role="alert">
            The receipt could not be loaded: {error.message}
          </p>
        )}
        {!order && !error && <p className="muted-text">Loading the receipt…</p>}
        {order && <Receipt order={order} settings={settings} mode={mode} settlement={settlement} />}
      </section>
    </div>
  );
}
