import { CURRENCIES, type DiscountKind, type SaleForm } from "../sale";

type Props = {
  form: SaleForm;
  onChange: (patch: Partial<SaleForm>) => void;
  currencyLocked: boolean;
  /** The core's path of the field it rejected, e.g. `taxes[0].rate` or `tip`. */
  invalidField?: string | null;
};

/** Discount, tax, tip and currency, as the cashier types them (strings, never numbers). */
export function Adjustments({ form, onChange, currencyLocked, invalidField = null }: Props) {
  const is = (re: RegExp) => (invalidField !== null && re.test(invalidField)) || undefined;
  return (
    <div className="adjustments">
      <fieldset className="adj">
        <legend>Discount</legend>
        <div className="row">
          <select
            aria-label="Discount kind"
            data-testid="discount-kind"
            value={form.discountKind}
            onChange={(e) => onChange({ discountKind: e.target.value as DiscountKind })}
          >
            <option value="none">None</option>
            <option value="percent">Percent</option>
            <option value="amount">Amount</option>
          </select>
          <input
            aria-label={form.discountKind === "percent" ? "Discount percent" : "Discount amount"}
            data-testid="discount-value"
            aria-invalid={is(/^discount/)}
            value={form.discountValue}
            disabled={form.discountKind === "none"}
            inputMode="decimal"
            placeholder={form.discountKind === "percent" ? "%" : form.discountKind === "amount" ? "0.00" : ""}
            onChange={(e) => onChange({ discountValue: e.target.value })}
          />
        </div>
      </fieldset>
      <fieldset className="adj">
        <legend>Tax</legend>
        <div className="row">
          <input
            aria-label="Tax name"
            data-testid="tax-name"
            aria-invalid={is(/^taxes\[\d+\]\.name$/)}
            className="tax-name"
            value={form.taxName}
            maxLength={40}
            onChange={(e) => onChange({ taxName: e.target.value })}
          />
          <span className="suffix-field">
            <input
              aria-label="Tax rate percent"
              data-testid="tax-rate"
              aria-invalid={is(/^taxes\[\d+\]\.rate$/)}
              value={form.taxRate}
              inputMode="decimal"
              placeholder="0"
              onChange={(e) => onChange({ taxRate: e.target.value })}
            />
            <span className="suffix">%</span>
          </span>
        </div>
        <label className="check">
          <input
            type="checkbox"
            data-testid="tax-inclusive"
            checked={form.taxInclusive}
            onChange={(e) => onChange({ taxInclusive: e.target.checked })}
          />
          Prices include tax
        </label>
      </fieldset>
      <fieldset className="adj">
        <legend>Tip</legend>
        <div className="row">
          <input
            aria-label="Tip amount"
            data-testid="tip"
            aria-invalid={is(/^tip$/)}
            value={form.tip}
            inputMode="decimal"
            placeholder="0.00"
            onChange={(e) => onChange({ tip: e.target.value })}
          />
        </div>
      </fieldset>
      <fieldset className="adj">
        <legend>Currency</legend>
        <div className="row">
          <select
            aria-label="Currency"
            data-testid="currency"
            value={form.currency}
            disabled={currencyLocked}
            title={currencyLocked ? "Remove all items to change the currency" : undefined}
            onChange={(e) => onChange({ currency: e.target.value })}
          >
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
    </div>
  );
}
