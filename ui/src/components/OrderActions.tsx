import { useRef, useState } from "react";
import { flushSync } from "react-dom";
import { api, ApiError, type Mode, type OrderView, type Settings, type Settlement } from "../api";
import { humanize } from "../format";
import { CaptureForm, RefundForm, VoidConfirm, type RefundReason } from "./OrderActionForms";
import { PrintReceipt } from "./OrderDetailPrint";

type Panel = "capture" | "refund" | "void" | null;

type Props = {
  order: OrderView;
  settings: Settings | null;
  mode?: Mode | null;
  /** Reads the order again from the core (detail and list row). Rejects when it cannot. */
  onChanged: () => Promise<void>;
};

// A receipt only makes sense once a card has paid or been authorized; the core's `actions`
// do not cover printing, which changes nothing.
const PRINTABLE = new Set(["authorized", "paid", "partially_refunded", "refunded"]);

const OUTCOME_TEXT: Record<string, string> = {
  paid: "Captured. The order is paid.",
  authorized: "The payment is still authorized.",
  processing: "Stripe is still processing this. Check the order again in a moment.",
  needs_action: "The customer's bank asks for a security check.",
  declined: "Declined.",
  awaiting_payment: "The order is waiting for payment.",
  voided: "Voided. The payment is released.",
  partially_refunded: "Refunded. The order is partially refunded.",
  refunded: "Refunded in full.",
};

const TONE: Record<string, string> = { declined: "bad", processing: "info", needs_action: "info" };

/**
 * Capture, refund, void and reprint for one stored order. Which of them are offered is the
 * core's decision (`order.actions`); amounts go to the core exactly as typed.
 */
export function OrderActions({ order, settings, mode = null, onChanged }: Props) {
  const [panel, setPanel] = useState<Panel>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Settlement | null>(null);
  const [printKey, setPrintKey] = useState(0);
  // State updates are not synchronous; the ref stops a second click landing before `busy` renders.
  const inFlight = useRef(false);
  const sectionRef = useRef<HTMLElement>(null);
  const a = order.actions;

  const run = async (call: () => Promise<Settlement>) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      let settled: Settlement;
      try {
        settled = await call();
      } catch (err) {
        setError(ApiError.from(err).message);
        return;
      }
      setResult(settled);
      setPanel(null);
      try {
        await onChanged();
      } catch (err) {
        setError(`Done, but the order could not be read again: ${ApiError.from(err).message}`);
      }
      // The form that had the focus is gone; keep the keyboard in the order, on its outcome.
      sectionRef.current?.focus();
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const toggle = (p: Exclude<Panel, null>) => {
    setError(null);
    setPanel((cur) => (cur === p ? null : p));
  };

  const reprint = () => {
    // Render the receipt first, synchronously, so the print snapshot has it.
    flushSync(() => setPrintKey((k) => k + 1));
    const done = () => {
      window.removeEventListener("afterprint", done);
      setPrintKey(0);
    };
    window.addEventListener("afterprint", done);
    window.print();
  };

  const printable = PRINTABLE.has(order.status);
  const anything = a.capture || a.refund || a.void || printable;

  return (
    <section ref={sectionRef} tabIndex={-1} className="order-actions" data-testid="order-actions" aria-label="Actions" aria-busy={busy}>
      {anything && (
        <div className="action-bar">
          {a.capture && (
            <button
              type="button"
              className={`btn${panel === "capture" ? " active" : ""}`}
              data-testid="action-capture"
              aria-expanded={panel === "capture"}
              disabled={busy}
              onClick={() => toggle("capture")}
            >
              Capture…
            </button>
          )}
          {a.refund && (
            <button
              type="button"
              className={`btn${panel === "refund" ? " active" : ""}`}
              data-testid="action-refund"
              aria-expanded={panel === "refund"}
              disabled={busy}
              onClick={() => toggle("refund")}
            >
              Refund…
            </button>
          )}
          {a.void && (
            <button
              type="button"
              className={`btn btn-danger-outline${panel === "void" ? " active" : ""}`}
              data-testid="action-void"
              aria-expanded={panel === "void"}
              disabled={busy}
              onClick={() => toggle("void")}
            >
              Void…
            </button>
          )}
          {printable && (
            <button type="button" className="btn" data-testid="action-reprint" disabled={busy} onClick={reprint}>
              Reprint receipt
            </button>
          )}
        </div>
      )}
      {panel === "capture" && a.capture && (
        <CaptureForm
          order={order}
          busy={busy}
          onCancel={() => setPanel(null)}
          onSubmit={(amount) => void run(() => api.paymentCapture(order.id, amount))}
        />
      )}
      {panel === "refund" && a.refund && (
        <RefundForm
          order={order}
          busy={busy}
          onCancel={() => setPanel(null)}
          onSubmit={(amount: string | undefined, reason: RefundReason | undefined) =>
            void run(() => api.paymentRefund(order.id, amount, reason))
          }
        />
      )}
      {panel === "void" && a.void && (
        <VoidConfirm order={order} busy={busy} onCancel={() => setPanel(null)} onConfirm={() => void run(() => api.paymentVoid(order.id))} />
      )}
      {error && (
        <p className="inline-error" role="alert" data-testid="action-error">
          {error}
        </p>
      )}
      {result && (
        <p
          className={`action-result action-result-${TONE[result.outcome] ?? "good"}`}
          role="status"
          data-testid="action-result"
          data-outcome={result.outcome}
        >
          {result.message ?? OUTCOME_TEXT[result.outcome] ?? humanize(result.outcome)}
        </p>
      )}
      {printKey > 0 && <PrintReceipt key={printKey} order={order} settings={settings} mode={mode} />}
    </section>
  );
}
