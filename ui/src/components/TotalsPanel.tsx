import type { ApiError, Quote } from "../api";
import { parseFieldError } from "../errors";
import { TotalsList } from "./TotalsList";

type Props = {
  quote: Quote | null;
  error: ApiError | null;
  localError: string | null;
  pending: boolean;
  hasLines: boolean;
  taxLabel: string;
};

/** Totals exactly as the core computed them, or why it could not. */
export function TotalsPanel({ quote, error, localError, pending, hasLines, taxLabel }: Props) {
  let body;
  if (!hasLines) {
    body = <p className="muted-text">Totals appear here as you add items.</p>;
  } else if (localError) {
    body = (
      <p className="inline-error" role="alert" data-testid="quote-error">
        {localError}
      </p>
    );
  } else if (error) {
    const { field, text } = parseFieldError(error.message);
    body = (
      <p className="inline-error" role="alert" data-testid="quote-error" data-code={error.code} data-field={field ?? undefined}>
        {text}
      </p>
    );
  } else if (quote) {
    body = (
      <div className={pending ? "stale" : undefined}>
        <TotalsList quote={quote} taxLabel={taxLabel} />
      </div>
    );
  } else {
    body = <p className="muted-text">Calculating…</p>;
  }
  return (
    <section className="card totals-card" aria-label="Order total" aria-busy={pending} data-testid="totals">
      <h2>
        Order total
        {pending && hasLines && <span className="spinner" aria-hidden="true" />}
      </h2>
      {body}
    </section>
  );
}
