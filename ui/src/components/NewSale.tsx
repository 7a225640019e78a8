import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { api, ApiError, type OrderView, type QuickItem, type Settings } from "../api";
import { parseFieldError } from "../errors";
import { useQuote } from "../hooks/useQuote";
import { mark } from "../marks";
import {
  newKey,
  nextSale,
  quickLine,
  saleFromOrder,
  saleFromSettings,
  startKey,
  toOrderInput,
  type DraftLine,
  type SaleCustomer,
  type SaleForm,
} from "../sale";
import { Adjustments } from "./Adjustments";
import { CustomerPicker } from "./CustomerPicker";
import { LineEntry, type LineEntryHandle, type NewLine } from "./LineEntry";
import { LinesTable } from "./LinesTable";
import { QuickItems } from "./NewSaleQuickItems";
import { TotalsPanel } from "./TotalsPanel";

type Props = {
  /** The screen is showing: put the cursor in the description field. */
  active?: boolean;
  onSaved?: (order: OrderView) => void;
  onShowOrders?: () => void;
  /** Charge: the order is saved (if it was not yet) and handed over to the checkout. */
  onCharge?: (order: OrderView) => void;
  debounceMs?: number;
  /** The shop's settings: a new sale starts with their currency and rates; quick items. */
  settings?: Settings | null;
  /**
   * An order sent back from the checkout to be changed. Each new object loads into the form;
   * until the sale is cleared, saving or charging edits that order instead of creating one.
   */
  editOrder?: OrderView | null;
  /** A sale started from the Customers screen: each new object puts that customer on the sale. */
  startFor?: SaleCustomer | null;
};

/** The "New sale" screen: line entry, adjustments, live totals from the core, save. */
export function NewSale({ active = true, onSaved, onShowOrders, onCharge, debounceMs, settings = null, editOrder = null, startFor = null }: Props) {
  const [form, setForm] = useState<SaleForm>(() => saleFromSettings(settings));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<OrderView | null>(null);
  const [editing, setEditing] = useState<OrderView | null>(null);
  const entryRef = useRef<LineEntryHandle>(null);
  // What the form started with, to tell whether the cashier has touched currency or rates yet.
  const startedAs = useRef(startKey(form));
  const formNow = useRef(form);
  formNow.current = form;
  const editingNow = useRef(editing);
  editingNow.current = editing;
  const settingsSeen = useRef(settings !== null);

  useEffect(() => {
    if (active) entryRef.current?.focus();
  }, [active]);

  // Settings arrive after the first paint (and again after Settings saves). They replace the
  // empty sale's currency and rates, but never an order being typed or edited; on the first load
  // also not rates the cashier typed while the settings were on their way.
  useEffect(() => {
    if (!settings) return;
    const first = !settingsSeen.current;
    settingsSeen.current = true;
    const f = formNow.current;
    if (f.lines.length > 0 || editingNow.current) return;
    if (first && startKey(f) !== startedAs.current) return;
    const next = saleFromSettings(settings);
    startedAs.current = startKey(next);
    // Same currency and rates: keep the rows (and whatever has the focus) as they are.
    if (startKey(next) !== startKey(f)) setForm({ ...next, customer: f.customer });
  }, [settings]);

  useEffect(() => {
    if (!editOrder) return;
    setForm(saleFromOrder(editOrder, formNow.current.taxes));
    setEditing(editOrder);
    setSaved(null);
    setSaveError(null);
  }, [editOrder]);

  useEffect(() => {
    if (!startFor) return;
    setForm((f) => ({ ...f, customer: startFor }));
    setSaveError(null);
  }, [startFor]);

  const built = useMemo(() => toOrderInput(form), [form]);
  const hasLines = form.lines.length > 0;
  const quoteInput = hasLines && built.ok ? built.input : null;
  const { quote, error, pending } = useQuote(quoteInput, debounceMs);
  const localError = hasLines && !built.ok ? built.error : null;

  const patch = useCallback((p: Partial<SaleForm>) => {
    setForm((f) => ({ ...f, ...p }));
    setSaveError(null);
  }, []);

  const addLine = useCallback(
    (l: NewLine) => {
      const line: DraftLine = { key: newKey(), ...l };
      setForm((f) => ({ ...f, lines: [...f.lines, line] }));
      setSaveError(null);
      setSaved(null);
    },
    [],
  );
  const addQuickItem = useCallback((item: QuickItem) => addLine(quickLine(item)), [addLine]);
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
      // An order sent back from the checkout is changed in place: same order, same PaymentIntent.
      const order = editing ? await api.orderEdit(editing.id, built.input) : await api.orderCreate(built.input);
      setSaved(order);
      setEditing(null);
      // A new sale keeps the currency and rates on screen.
      setForm((f) => nextSale(f));
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
    mark("charge");
    const order = hasLines ? await save() : saved;
    if (!order) return;
    setSaved(null);
    onCharge(order);
  };

  // Start over. An order that was being edited stays as it was; the next charge is a new order.
  const clear = () => {
    setEditing(null);
    setSaved(null);
    setSaveError(null);
    const next = saleFromSettings(settings);
    startedAs.current = startKey(next);
    setForm(next);
    entryRef.current?.focus();
  };

  const quickItems = settings?.quickItems ?? [];
  const quickBlocked =
    settings && form.currency !== settings.defaultCurrency ? `Quick items are priced in ${settings.defaultCurrency}` : null;

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
          <div className="card-head">
            <h2>Items</h2>
            {(hasLines || editing) && (
              <button type="button" className="link" data-testid="clear-sale" onClick={clear}>
                Clear sale
              </button>
            )}
          </div>
          {editing && (
            <p className="edit-banner" role="status" data-testid="editing-order">
              Editing order <strong>#{editing.number}</strong>: Charge updates this order. Clear the sale to start a new one.
            </p>
          )}
          <QuickItems items={quickItems} onAdd={addQuickItem} active={active} disabledReason={quickBlocked} />
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
          taxLabel={form.taxes.length === 1 ? form.taxes[0]?.name.trim() || "Tax" : "Tax"}
        />
        <section className="card customer" aria-label="Customer">
          <CustomerPicker
            customer={form.customer}
            invalid={invalidField === "customerId"}
            onChange={(customer) => patch({ customer })}
          />
          <label className="field">
            <span>Customer email (optional)</span>
            <input
              type="email"
              data-testid="customer-email"
              placeholder={form.customer?.email ? `${form.customer.email} (the customer's)` : undefined}
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
          {saving ? "Saving…" : editing ? `Save order #${editing.number}` : "Save order"} <kbd>Ctrl+Enter</kbd>
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
          {quickItems.length > 0 && (
            <>
              <dt>
                <kbd>Alt+1…9</kbd>
              </dt>
              <dd>add a quick item</dd>
            </>
          )}
          <dt>
            <kbd>F2</kbd> <kbd>F3</kbd> <kbd>F4</kbd> <kbd>F5</kbd> <kbd>F9</kbd>
          </dt>
          <dd>sale, orders, report, customers, settings</dd>
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
