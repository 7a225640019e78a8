import { useEffect } from "react";
import type { QuickItem } from "../api";
import "../settings.css";

type Props = {
  items: QuickItem[];
  onAdd: (item: QuickItem) => void;
  /** Alt+1..9 only while the sale is on screen. */
  active: boolean;
  /** Quick items are priced in the shop's default currency; another currency would misread them. */
  disabledReason?: string | null;
};

/** Digit from Alt+digit. `code` first: on some layouts Alt changes `key` into a symbol. */
function altDigit(e: KeyboardEvent): number | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const m = /^Digit([1-9])$/.exec(e.code) ?? /^([1-9])$/.exec(e.key);
  return m ? Number(m[1]) : null;
}

/** One-press buttons for the shop's common items; the first nine also answer Alt+1..9. */
export function QuickItems({ items, onAdd, active, disabledReason = null }: Props) {
  useEffect(() => {
    if (!active || disabledReason) return;
    const onKey = (e: KeyboardEvent) => {
      const n = altDigit(e);
      const item = n === null ? undefined : items[n - 1];
      if (!item) return;
      e.preventDefault();
      onAdd(item);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, items, onAdd, disabledReason]);

  if (items.length === 0) return null;
  return (
    <div className="quick-items" role="group" aria-label="Quick items">
      {items.map((item, i) => (
        <button
          key={`${i}-${item.description}`}
          type="button"
          className="btn quick-item"
          data-testid="quick-item"
          disabled={disabledReason !== null}
          title={disabledReason ?? (i < 9 ? `Add 1 × ${item.description} (Alt+${i + 1})` : `Add 1 × ${item.description}`)}
          onClick={() => onAdd(item)}
        >
          <span className="quick-item-name">{item.description}</span>
          {/* The price as the shop typed it in Settings: no formatting of money in the UI. */}
          <span className="quick-item-price">{item.unitPrice}</span>
          {i < 9 && <kbd>Alt+{i + 1}</kbd>}
        </button>
      ))}
    </div>
  );
}
