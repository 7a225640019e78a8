import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { api, ApiError, type OrderView } from "../api";
import { parseFieldError } from "../errors";
import { useQuote } from "../hooks/useQuote";
import { emptySale, toOrderInput, type DraftLine, type SaleForm } from "../sale";
import { Adjustments } from "./Adjustments";
import { LineEntry, type LineEntryHandle, type NewLine } from "./LineEntry";
import { LinesTable } from "./LinesTable";
import { TotalsPanel } from "./TotalsPanel";

type Props = {
  /** The screen is showing: put the cursor in the description field. */
  active?: boolean;
  onSaved?: (order: OrderView) => void;
  onShowOrders?: () => void;
  /** Charge: the order is saved (if it was not yet) and handed over to the checkout. */
  onCharge?: (order: OrderView) => void;
  debounceMs?: number;
};

let nextKey = 1;

/** The "New sale" screen: line entry, adjustments, live totals from the core, save. */
export function NewSale({ active = true, onSaved, onShowOrders, onCharge, debounceMs }: Props) {
  const [form, setForm] = useState<SaleForm>(() => emptySale());
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<OrderView | null>(null);
  const entryRef = useRef<LineEntryHandle>(null);

  useEffect(() => {
    if (active) entryRef.current?.focus();
  }, [active]);

  const built = useMemo(() => toOrderInput(form), [form]);
  const hasLines = form.lines.length > 0;
  const quoteInput = hasLines && built.ok ? built.input : null;
  const { quote, error, pending } = useQuote(quoteInput, debounceMs);
  const localError = hasLines && !built.ok ? built.error : null;

  const patch = useCallback((p: Partial<SaleForm>) => {
    setForm((f) => ({ ...f, ...p }));
    setSaveError(null);
  }, []);

  const addLine = (l: NewLine) => {
    const line: DraftLine = { key: nextKey++, ...l };
    patch({ lines: [...form.lines, line] });
    setSaved(null);
  };
  const changeLine = (key: number, p: Partial<Omit<DraftLine, "key">>) =>
    patch({ lines: form.lines.map((l) => (l.key === key ? { ...l, ...p } : l)) });
  const removeLine = (key: number) => {
    patch({ lines: form.lines.filter((l) => l.key !== key) });
    entryRef.current?.focus();
  };

  // The core has already said this order is invalid (and the message is on screen).
  const knownInvalid = error !== null && !pending;
  const canSave = hasLines && built.ok && !saving && !knownInvalid;
  const invalidField = error ? parseFieldError(error.message).field : null;

  const save = async (): Promise<OrderView | null> => {
    if (!canSave || !built.ok) return null;
    setSaving(true);
    setSaveError(null);
    try {
      const order = await api.orderCreate(built.input);
      setSaved(order);
      // A new sale keeps the shop's currency and tax settings.
      setForm((f) => ({ ...emptySale(f.currency), taxName: f.taxName, taxRate: f.taxRate, taxInclusive: f.taxInclusive }));
      onSaved?.(order);
      entryRef.current?.focus();
      return order;
    } catch (err) {
      setSaveError(ApiError.from(err));
      return null;
    } finally {
      setSaving(false);
    }
  };

  // Charge what is on screen (saving it first), or the order just saved if the form is empty.
  const canCharge = onCharge !== undefined && !saving && (hasLines ? canSave : saved !== null);
  const charge = async () => {
    if (!onCharge || !canCharge) return;
    const order = hasLines ? await save() : saved;
    if (!order) return;
    setSaved(null);
    onCharge(order);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void save();
    }
  };

  return (
    <div className="sale" onKeyDown={onKeyDown}>
      <div className="sale-main">
        <section className="card items-card" aria-label="Items">
          <h2>Items</h2>
          <LineEntry
            ref={entryRef}
            currency={form.currency}
            onAdd={addLine}
            onEnterEmpty={onCharge ? () => void charge() : undefined}
          />
          <div className="lines-scroll">
            <LinesTable
              lines={form.lines}
              quoteLines={quote && !error ? quote.lines : null}
              stale={pending}
              invalidField={invalidField}
              onChange={changeLine}
              onRemove={removeLine}
            />
          </div>
        </section>
        <section className="card" aria-label="Adjustments">
          <Adjustments form={form} onChange={patch} currencyLocked={hasLines} invalidField={invalidField} />
        </section>
      </div>
      <aside className="sale-side">
        <TotalsPanel
          quote={quote}
          error={error}
          localError={localError}
          pending={pending}
          hasLines={hasLines}
          taxLabel={form.taxName.trim() || "Tax"}
        />
        <section className="card customer" aria-label="Customer">
          <label className="field">
            <span>Customer email (optional)</span>
            <input
              type="email"
              data-testid="customer-email"
              aria-invalid={invalidField === "customerEmail" || undefined}
              value={form.customerEmail}
              maxLength={254}
              autoComplete="off"
              onChange={(e) => patch({ customerEmail: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Note (optional)</span>
            <textarea
              data-testid="note"
              aria-invalid={invalidField === "note" || undefined}
              rows={2}
              maxLength={500}
              value={form.note}
              onChange={(e) => patch({ note: e.target.value })}
            />
          </label>
        </section>
        {saveError && (
          <p className="inline-error" role="alert" data-testid="save-error">
            {saveError.message}
          </p>
        )}
        {onCharge && (
          <button
            type="button"
            className="btn btn-primary btn-save"
            data-testid="charge"
            disabled={!canCharge}
            onClick={() => void charge()}
          >
            {saving ? "Saving…" : hasLines ? "Charge" : saved ? `Charge order #${saved.number}` : "Charge"} <kbd>Enter</kbd>
          </button>
        )}
        <button
          type="button"
          className={onCharge ? "btn btn-save-secondary" : "btn btn-primary btn-save"}
          data-testid="save-order"
          disabled={!canSave}
          onClick={() => void save()}
        >
          {saving ? "Saving…" : "Save order"} <kbd>Ctrl+Enter</kbd>
        </button>
        <dl className="shortcuts" aria-label="Keyboard shortcuts">
          <dt>
            <kbd>Enter</kbd>
          </dt>
          <dd>add the item</dd>
          {onCharge && (
            <>
              <dt>
                <kbd>Enter</kbd> on an empty item
              </dt>
              <dd>charge the order</dd>
            </>
          )}
          <dt>
            <kbd>Esc</kbd>
          </dt>
          <dd>clear the item being typed</dd>
          <dt>
            <kbd>Ctrl+Enter</kbd>
          </dt>
          <dd>save the order</dd>
          <dt>
            <kbd>F2</kbd> <kbd>F3</kbd>
          </dt>
          <dd>new sale, recent orders</dd>
        </dl>
        {saved && (
          <div className="saved" role="status" data-testid="saved-order">
            <div>
              Order <strong data-testid="saved-order-number">#{saved.number}</strong> saved
              <span className="saved-total money">{saved.total.display}</span>
            </div>
            {onShowOrders && (
              <button type="button" className="link" onClick={onShowOrders}>
                View recent orders
              </button>
            )}
          </div>
        )}
      </aside>
    </div>
  );
}
