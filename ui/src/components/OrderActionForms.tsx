import { useState, type KeyboardEvent } from "react";
import type { MoneyView, OrderView } from "../api";
import { cardLabel, typedAmountLabel } from "../format";

export type RefundReason = "requested_by_customer" | "duplicate" | "fraudulent";

const REASONS: { value: RefundReason | ""; label: string }[] = [
  { value: "requested_by_customer", label: "Requested by customer" },
  { value: "duplicate", label: "Duplicate" },
  { value: "fraudulent", label: "Fraudulent" },
  { value: "", label: "No reason" },
];

/** Escape backs out of a form without touching the order. */
const escapeTo = (onCancel: () => void) => (e: KeyboardEvent) => {
  if (e.key === "Escape") {
    e.preventDefault();
    e.stopPropagation();
    onCancel();
  }
};

type FormProps = { order: OrderView; busy: boolean; onCancel: () => void };

/** Empty = everything authorized; the core checks a typed amount against what it allows. */
export function CaptureForm({ order, busy, onCancel, onSubmit }: FormProps & { onSubmit: (amount: string | undefined) => void }) {
  const [amount, setAmount] = useState("");
  const capturable = order.payment.capturable;
  const typed = amount.trim();
  return (
    <form
      className="action-panel"
      data-testid="capture-form"
      onKeyDown={escapeTo(onCancel)}
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) onSubmit(typed || undefined);
      }}
    >
      <label className="field">
        <span>Amount to capture (empty = all {capturable.display})</span>
        <AmountInput testId="capture-amount" limit={capturable} value={amount} onChange={setAmount} busy={busy} />
      </label>
      <p className="muted-text">Whatever is not captured goes back to the customer's card.</p>
      <div className="action-panel-buttons">
        <button type="submit" className="btn btn-primary" data-testid="capture-confirm" disabled={busy}>
          {busy ? "Capturing…" : `Capture ${typed ? typedAmountLabel(typed, capturable) : capturable.display}`}
        </button>
        <button type="button" className="btn" data-testid="action-cancel" disabled={busy} onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}

/** Empty = everything still refundable. The question names the card the money goes back to. */
export function RefundForm({
  order,
  busy,
  onCancel,
  onSubmit,
}: FormProps & { onSubmit: (amount: string | undefined, reason: RefundReason | undefined) => void }) {
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState<RefundReason | "">("requested_by_customer");
  const { refundable, cardBrand, cardLast4 } = order.payment;
  const typed = amount.trim();
  const card = cardLabel(cardBrand, cardLast4);
  const what = typed ? typedAmountLabel(typed, refundable) : refundable.display;
  const question = card ? `Refund ${what} to ${card}?` : `Refund ${what}?`;
  return (
    <form
      className="action-panel"
      data-testid="refund-form"
      onKeyDown={escapeTo(onCancel)}
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) onSubmit(typed || undefined, reason || undefined);
      }}
    >
      <div className="action-panel-row">
        <label className="field">
          <span>Amount (empty = all)</span>
          <AmountInput testId="refund-amount" limit={refundable} value={amount} onChange={setAmount} busy={busy} />
        </label>
        <label className="field">
          <span>Reason</span>
          <select data-testid="refund-reason" value={reason} disabled={busy} onChange={(e) => setReason(e.target.value as RefundReason | "")}>
            {REASONS.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="action-panel-buttons">
        <button type="submit" className="btn btn-primary" data-testid="refund-confirm" disabled={busy}>
          {busy ? "Refunding…" : question}
        </button>
        <button type="button" className="btn" data-testid="action-cancel" disabled={busy} onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}

/** Voiding cannot be undone, so it takes a second, deliberate step; focus starts on "Keep". */
export function VoidConfirm({ order, busy, onCancel, onConfirm }: FormProps & { onConfirm: () => void }) {
  const authorized = order.status === "authorized";
  return (
    <div className="action-panel action-panel-danger" role="alertdialog" aria-label="Void order" onKeyDown={escapeTo(onCancel)}>
      <p>
        <strong>Void order #{order.number}?</strong>{" "}
        {authorized
          ? `The authorization of ${order.payment.capturable.display} is released to the customer's card.`
          : "Its payment is canceled and the order can no longer be paid."}
      </p>
      <div className="action-panel-buttons">
        <button type="button" className="btn btn-danger" data-testid="void-order-confirm" disabled={busy} onClick={onConfirm}>
          {busy ? "Voiding…" : "Void order"}
        </button>
        <button type="button" className="btn" data-testid="action-cancel" disabled={busy} onClick={onCancel} autoFocus>
          Keep it <kbd>Esc</kbd>
        </button>
      </div>
    </div>
  );
}

/** An amount as the cashier types it; the placeholder is the most the action may take. */
function AmountInput({ testId, limit, value, onChange, busy }: { testId: string; limit: MoneyView; value: string; onChange: (v: string) => void; busy: boolean }) {
  return (
    <input
      data-testid={testId}
      inputMode="decimal"
      autoComplete="off"
      placeholder={limit.decimal ?? limit.display}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      readOnly={busy}
      autoFocus
    />
  );
}
