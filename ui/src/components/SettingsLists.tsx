import { useEffect, useRef } from "react";
import type { QuickItem, TaxInput } from "../api";

/** A row of an editable list; `key` is for React and never saved. */
export type Keyed<T> = T & { key: number };

let lastKey = 0;
export const keyed = <T,>(v: T): Keyed<T> => ({ ...v, key: ++lastKey });

/** The core's limits (five rates per order, twelve quick items). */
export const MAX_SETTINGS_TAXES = 5;
export const MAX_QUICK_ITEMS = 12;

type ListProps<T> = {
  rows: Keyed<T>[];
  onChange: (rows: Keyed<T>[]) => void;
  /** The core's path of a rejected field, e.g. `taxes[1].rate`. */
  invalidField: string | null;
};

/**
 * Keeps the keyboard in the list: the cursor goes into a row just added, and to the list's
 * "Add" button when a row is removed (its × button is gone, focus would fall to the page).
 */
function useListFocus(count: number) {
  const last = useRef<HTMLInputElement>(null);
  const add = useRef<HTMLButtonElement>(null);
  const before = useRef(count);
  useEffect(() => {
    if (count > before.current) last.current?.focus();
    else if (count < before.current) add.current?.focus();
    before.current = count;
  }, [count]);
  return { last, add };
}

function update<T>(rows: Keyed<T>[], key: number, patch: Partial<T>): Keyed<T>[] {
  return rows.map((r) => (r.key === key ? { ...r, ...patch } : r));
}

export function TaxList({ rows, onChange, invalidField }: ListProps<TaxInput>) {
  const focus = useListFocus(rows.length);
  const bad = (i: number, f: string) => invalidField === `taxes[${i}].${f}` || undefined;
  return (
    <fieldset className="settings-list" data-testid="settings-taxes">
      <legend>Tax rates a new sale starts with</legend>
      {rows.length === 0 && <p className="muted-text small">None: the cashier types a rate on the sale when needed.</p>}
      {rows.map((t, i) => (
        <div className="settings-row" key={t.key} data-testid="settings-tax">
          <label className="field grow">
            <span>Name</span>
            <input
              ref={i === rows.length - 1 ? focus.last : undefined}
              data-testid="settings-tax-name"
              aria-invalid={bad(i, "name")}
              value={t.name}
              maxLength={40}
              onChange={(e) => onChange(update(rows, t.key, { name: e.target.value }))}
            />
          </label>
          <label className="field rate">
            <span>Rate %</span>
            <input
              data-testid="settings-tax-rate"
              aria-invalid={bad(i, "rate")}
              value={t.rate}
              inputMode="decimal"
              placeholder="8.875"
              onChange={(e) => onChange(update(rows, t.key, { rate: e.target.value }))}
            />
          </label>
          <label className="check inline">
            <input
              type="checkbox"
              data-testid="settings-tax-inclusive"
              checked={t.inclusive}
              onChange={(e) => onChange(update(rows, t.key, { inclusive: e.target.checked }))}
            />
            Included in prices
          </label>
          <button
            type="button"
            className="btn-icon"
            aria-label={`Remove tax ${t.name || i + 1}`}
            data-testid="settings-tax-remove"
            onClick={() => onChange(rows.filter((r) => r.key !== t.key))}
          >
            ×
          </button>
        </div>
      ))}
      {rows.length < MAX_SETTINGS_TAXES && (
        <button
          ref={focus.add}
          type="button"
          className="link"
          data-testid="settings-tax-add"
          onClick={() => onChange([...rows, keyed({ name: "", rate: "", inclusive: rows.some((r) => r.inclusive) })])}
        >
          + Add a tax rate
        </button>
      )}
    </fieldset>
  );
}

export function QuickItemList({ rows, onChange, invalidField, currency }: ListProps<QuickItem> & { currency: string }) {
  const focus = useListFocus(rows.length);
  const bad = (i: number, f: string) => invalidField === `quickItems[${i}].${f}` || undefined;
  return (
    <fieldset className="settings-list" data-testid="settings-quick-items" aria-invalid={invalidField === "quickItems" || undefined}>
      <legend>Quick items (buttons on New sale; the first nine also Alt+1…9)</legend>
      {rows.length === 0 && <p className="muted-text small">None yet.</p>}
      {rows.map((q, i) => (
        <div className="settings-row" key={q.key} data-testid="settings-quick-item">
          <label className="field grow">
            <span>{i < 9 ? `Description (Alt+${i + 1})` : "Description"}</span>
            <input
              ref={i === rows.length - 1 ? focus.last : undefined}
              data-testid="settings-quick-description"
              aria-invalid={bad(i, "description")}
              value={q.description}
              maxLength={200}
              onChange={(e) => onChange(update(rows, q.key, { description: e.target.value }))}
            />
          </label>
          <label className="field price">
            <span>Unit price ({currency || "—"})</span>
            <input
              data-testid="settings-quick-price"
              aria-invalid={bad(i, "unitPrice")}
              value={q.unitPrice}
              inputMode="decimal"
              placeholder="0.00"
              onChange={(e) => onChange(update(rows, q.key, { unitPrice: e.target.value }))}
            />
          </label>
          <button
            type="button"
            className="btn-icon"
            aria-label={`Remove quick item ${q.description || i + 1}`}
            data-testid="settings-quick-remove"
            onClick={() => onChange(rows.filter((r) => r.key !== q.key))}
          >
            ×
          </button>
        </div>
      ))}
      {rows.length < MAX_QUICK_ITEMS && (
        <button
          ref={focus.add}
          type="button"
          className="link"
          data-testid="settings-quick-add"
          onClick={() => onChange([...rows, keyed({ description: "", unitPrice: "" })])}
        >
          + Add a quick item
        </button>
      )}
    </fieldset>
  );
}
