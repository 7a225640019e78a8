import { blankTax, CURRENCIES, MAX_TAXES, type DiscountKind, type DraftTax, type SaleForm } from "../sale";

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
      <TaxRows taxes={form.taxes} onChange={(taxes) => onChange({ taxes })} invalidField={invalidField} />
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
            {/* The shop's default currency (from Settings) may be one the short list lacks. */}
            {(CURRENCIES.includes(form.currency as (typeof CURRENCIES)[number]) ? [...CURRENCIES] : [form.currency, ...CURRENCIES]).map((c) => (
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

/** The row the core's `taxes[i]` is about: rows without a rate are not sent, so they are not counted. */
function sentIndexes(taxes: DraftTax[]): (number | null)[] {
  let n = 0;
  return taxes.map((t) => (t.rate.trim() === "" ? null : n++));
}

/**
 * The sale's tax rates. The first row keeps the testids the e2e tests type into; one
 * "Prices include tax" box sets every row because the core takes all-inclusive or all-exclusive.
 */
function TaxRows({
  taxes,
  onChange,
  invalidField,
}: {
  taxes: DraftTax[];
  onChange: (taxes: DraftTax[]) => void;
  invalidField: string | null;
}) {
  const sent = sentIndexes(taxes);
  const bad = (i: number, name: string) => (sent[i] !== null && invalidField === `taxes[${sent[i]}].${name}`) || undefined;
  const set = (key: number, p: Partial<DraftTax>) => onChange(taxes.map((t) => (t.key === key ? { ...t, ...p } : t)));
  const inclusive = taxes.length > 0 && taxes.every((t) => t.inclusive);
  const many = taxes.length > 1;
  return (
    <fieldset className="adj">
      <legend>Tax</legend>
      {taxes.map((t, i) => (
        <div className="row tax-row" key={t.key} data-index={i}>
          <input
            aria-label={many ? `Tax ${i + 1} name` : "Tax name"}
            data-testid="tax-name"
            aria-invalid={bad(i, "name")}
            className="tax-name"
            value={t.name}
            maxLength={40}
            onChange={(e) => set(t.key, { name: e.target.value })}
          />
          <span className="suffix-field">
            <input
              aria-label={many ? `Tax ${i + 1} rate percent` : "Tax rate percent"}
              data-testid="tax-rate"
              aria-invalid={bad(i, "rate")}
              value={t.rate}
              inputMode="decimal"
              placeholder="0"
              onChange={(e) => set(t.key, { rate: e.target.value })}
            />
            <span className="suffix">%</span>
          </span>
          {many && (
            <button
              type="button"
              className="btn-icon"
              data-testid="tax-remove"
              aria-label={`Remove tax ${i + 1}`}
              title="Remove this tax"
              onClick={() => onChange(taxes.filter((x) => x.key !== t.key))}
            >
              ×
            </button>
          )}
        </div>
      ))}
      <div className="tax-foot">
        <label className="check">
          <input
            type="checkbox"
            data-testid="tax-inclusive"
            checked={inclusive}
            onChange={(e) => onChange(taxes.map((t) => ({ ...t, inclusive: e.target.checked })))}
          />
          Prices include tax
        </label>
        {taxes.length < MAX_TAXES && (
          <button
            type="button"
            className="link"
            data-testid="tax-add"
            onClick={() => onChange([...taxes, { ...blankTax(), name: "", inclusive }])}
          >
            + Add tax
          </button>
        )}
      </div>
    </fieldset>
  );
}
