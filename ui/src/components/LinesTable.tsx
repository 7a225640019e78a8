import type { QuoteLine } from "../api";
import { lineOf } from "../errors";
import type { DraftLine } from "../sale";

type Props = {
  lines: DraftLine[];
  /** Per-line totals from the core, when they belong to the lines shown. */
  quoteLines: QuoteLine[] | null;
  onChange: (key: number, patch: Partial<Omit<DraftLine, "key">>) => void;
  onRemove: (key: number) => void;
  /** The totals shown are from before the last edit; a new quote is on its way. */
  stale?: boolean;
  /** The core's path of the field it rejected, e.g. `lines[0].unitPrice`. */
  invalidField?: string | null;
};

/** The order's lines, editable in place. Totals per line come from the core's quote. */
export function LinesTable({ lines, quoteLines, onChange, onRemove, stale = false, invalidField = null }: Props) {
  if (lines.length === 0) {
    return (
      <div className="empty" data-testid="lines-empty">
        No items yet. Type a description, quantity and price above and press <kbd>Enter</kbd>.
      </div>
    );
  }
  const totals = quoteLines && quoteLines.length === lines.length ? quoteLines : null;
  const bad = lineOf(invalidField);
  const invalid = (i: number, name: string) => (bad !== null && bad.index === i && bad.name === name) || undefined;
  return (
    <table className={`lines${stale ? " stale" : ""}`} data-testid="lines-table">
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Description</th>
          <th className="qty">Qty</th>
          <th className="price">Unit price</th>
          <th className="amount">Line total</th>
          <th className="actions">
            <span className="sr-only">Remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l, i) => (
          <tr key={l.key} data-testid="line-row">
            <td className="num">{i + 1}</td>
            <td>
              <input
                aria-label={`Line ${i + 1} description`}
                aria-invalid={invalid(i, "description")}
                value={l.description}
                maxLength={200}
                onChange={(e) => onChange(l.key, { description: e.target.value })}
              />
            </td>
            <td className="qty">
              <input
                aria-label={`Line ${i + 1} quantity`}
                aria-invalid={invalid(i, "quantity")}
                value={l.quantity}
                inputMode="numeric"
                onChange={(e) => onChange(l.key, { quantity: e.target.value })}
              />
            </td>
            <td className="price">
              <input
                aria-label={`Line ${i + 1} unit price`}
                aria-invalid={invalid(i, "unitPrice")}
                value={l.unitPrice}
                inputMode="decimal"
                onChange={(e) => onChange(l.key, { unitPrice: e.target.value })}
              />
            </td>
            <td className="amount money" data-testid="line-total">
              {totals?.[i]?.total.display ?? (stale ? "…" : "—")}
            </td>
            <td className="actions">
              <button
                type="button"
                className="btn-icon"
                aria-label={`Remove line ${i + 1}`}
                title="Remove line"
                data-testid="line-remove"
                onClick={() => onRemove(l.key)}
              >
                ×
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
