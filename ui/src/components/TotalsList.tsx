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

/** The core's totals, as the core formatted them. Rows that are zero are left out. */
export function TotalsList({ quote, taxLabel = "Tax" }: { quote: Quote; taxLabel?: string }) {
  const nz = (m: MoneyView) => m.minor !== 0;
  return (
    <dl className="totals">
      <Row label="Subtotal" money={quote.subtotal} testId="total-subtotal" />
      {nz(quote.discount) && <Row label="Discount" money={quote.discount} testId="total-discount" />}
      {(nz(quote.taxExclusive) || !nz(quote.taxInclusive)) && (
        <Row label={taxLabel} money={quote.taxExclusive} testId="total-tax" />
      )}
      {nz(quote.taxInclusive) && (
        <Row label={`${taxLabel} (included)`} money={quote.taxInclusive} testId="total-tax-included" muted />
      )}
      {nz(quote.tip) && <Row label="Tip" money={quote.tip} testId="total-tip" />}
      {nz(quote.rounding) && <Row label="Rounding" money={quote.rounding} testId="total-rounding" muted />}
      <div className="totals-row grand">
        <dt>Total</dt>
        <dd className="money" data-testid="total-total">
          {quote.total.display}
        </dd>
      </div>
    </dl>
  );
}
