import type { MoneyView, Quote } from "../api";

function Row({ label, money, testId, muted }: { label: string; money: MoneyView; testId: string; muted?: boolean }) {
  return (
    <div className={`totals-row${muted ? " muted" : ""}`}>
      <dt>{label}</dt>
      <dd className="money" data-testid={testId}>
        {money.display}
      </dd>
    </div>
  );
}

/** "Sales tax 8.875%" when the core says which taxes make up the amount, else `fallback`. */
function taxName(quote: Quote, inclusive: boolean, fallback: string): string {
  const taxes = (quote.taxes ?? []).filter((t) => t.inclusive === inclusive);
  const t = taxes.length === 1 ? taxes[0] : undefined;
  // The core may send the rate as "8.875" or already as "8.875%".
  if (t) return `${t.name} ${t.rate.endsWith("%") ? t.rate : `${t.rate}%`}`;
  return fallback;
}

/** The core's totals, as the core formatted them. Rows that are zero are left out. */
export function TotalsList({ quote, taxLabel = "Tax", idPrefix = "total" }: { quote: Quote; taxLabel?: string; idPrefix?: string }) {
  const nz = (m: MoneyView) => m.minor !== 0;
  const exclusiveLabel = taxName(quote, false, taxLabel);
  const inclusiveLabel = `${taxName(quote, true, taxLabel)} (included)`;
  return (
    <dl className="totals">
      <Row label="Subtotal" money={quote.subtotal} testId={`${idPrefix}-subtotal`} />
      {nz(quote.discount) && <Row label="Discount" money={quote.discount} testId={`${idPrefix}-discount`} />}
      {(nz(quote.taxExclusive) || !nz(quote.taxInclusive)) && (
        <Row label={exclusiveLabel} money={quote.taxExclusive} testId={`${idPrefix}-tax`} />
      )}
      {nz(quote.taxInclusive) && (
        <Row label={inclusiveLabel} money={quote.taxInclusive} testId={`${idPrefix}-tax-included`} muted />
      )}
      {nz(quote.tip) && <Row label="Tip" money={quote.tip} testId={`${idPrefix}-tip`} />}
      {nz(quote.rounding) && <Row label="Rounding" money={quote.rounding} testId={`${idPrefix}-rounding`} muted />}
      <div className="totals-row grand">
        <dt>Total</dt>
        <dd className="money" data-testid={`${idPrefix}-total`}>
          {quote.total.display}
        </dd>
      </div>
    </dl>
  );
}
