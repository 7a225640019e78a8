import { useEffect, useRef, useState } from "react";
import { api, ApiError, type OrderInput, type Quote } from "../api";

export type QuoteState = {
  quote: Quote | null;
  error: ApiError | null;
  pending: boolean;
};

export const QUOTE_DEBOUNCE_MS = 250;

/**
 * Asks the core for a quote of `input`, debounced, as the cashier types. Stale answers
 * (for an input that has since changed) are dropped. `input === null` clears the quote.
 */
export function useQuote(input: OrderInput | null, delayMs = QUOTE_DEBOUNCE_MS): QuoteState {
  const [state, setState] = useState<QuoteState>({ quote: null, error: null, pending: false });
  const seq = useRef(0);
  const key = input === null ? "" : JSON.stringify(input);

  useEffect(() => {
    const my = ++seq.current;
    if (input === null) {
      setState({ quote: null, error: null, pending: false });
      return;
    }
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      api.orderQuote(input).then(
        (quote) => {
          if (my === seq.current) setState({ quote, error: null, pending: false });
        },
        (err: unknown) => {
          if (my === seq.current) setState({ quote: null, error: ApiError.from(err), pending: false });
        },
      );
    }, delayMs);
    return () => clearTimeout(timer);
    // `key` captures everything in `input`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, delayMs]);

  return state;
}
