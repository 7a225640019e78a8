import type { Stripe, StripeElements, StripePaymentElement, StripePaymentElementChangeEvent } from "@stripe/stripe-js";
import { useCallback, useEffect, useReducer, useRef } from "react";
import { api, ApiError, type Mode, type OrderView, type Settlement } from "../api";
import { canPay, canVoid, checkoutReducer, initialCheckout } from "../checkout";
import { stripeFor } from "../stripe";

type Props = {
  order: OrderView;
  /** From `app_info`: the only place Stripe.js may come from. */
  stripeJsUrl: string;
  mode?: Mode | null;
  /** Paid or authorized (or otherwise final): show the result. */
  onDone: (settlement: Settlement) => void;
  /** The sale was voided: back to a new sale. */
  onVoided: (settlement: Settlement) => void;
};

/** Stripe's test cards that the demo simulator honours, for the trainee. */
const TEST_CARDS: { number: string; what: string }[] = [
  { number: "4242 4242 4242 4242", what: "pays" },
  { number: "4000 0000 0000 9995", what: "declined: insufficient funds" },
  { number: "4000 0025 0000 3155", what: "asks for 3-D Secure" },
];

function message(err: unknown): string {
  return ApiError.from(err).message;
}

/**
 * Takes payment for one saved order: the core's amount in large type, Stripe's Payment Element
 * mounted with the order's client secret, Pay, and Void. The core decides the outcome.
 */
export function Checkout({ order, stripeJsUrl, mode, onDone, onVoided }: Props) {
  const [state, dispatch] = useReducer(checkoutReducer, initialCheckout);
  const [attempt, bumpAttempt] = useReducer((n: number) => n + 1, 0);
  const mountRef = useRef<HTMLDivElement>(null);
  const stripeRef = useRef<{ stripe: Stripe; elements: StripeElements } | null>(null);
  const busy = useRef(false);

  // Start (or reuse) the order's PaymentIntent and mount the Payment Element with its client secret.
  useEffect(() => {
    let cancelled = false;
    let element: StripePaymentElement | null = null;
    (async () => {
      try {
        const checkout = await api.paymentStart(order.id);
        const stripe = await stripeFor(stripeJsUrl, checkout.publishableKey);
        const node = mountRef.current;
        if (cancelled || !node) return;
        const elements = stripe.elements({ clientSecret: checkout.clientSecret });
        element = elements.create("payment");
        element.on("ready", () => {
          if (!cancelled) dispatch({ type: "elementReady" });
        });
        element.on("change", (e: StripePaymentElementChangeEvent) => {
          if (!cancelled) dispatch({ type: "elementChange", complete: e.complete });
        });
        element.mount(node);
        stripeRef.current = { stripe, elements };
        dispatch({ type: "started", checkout });
      } catch (err) {
        if (!cancelled) dispatch({ type: "startFailed", message: message(err) });
      }
    })();
    return () => {
      cancelled = true;
      element?.destroy();
      stripeRef.current = null;
    };
  }, [order.id, stripeJsUrl, attempt]);

  useEffect(() => {
    if (state.phase === "done" && state.settlement) onDone(state.settlement);
    else if (state.phase === "voided" && state.settlement) onVoided(state.settlement);
  }, [state.phase, state.settlement, onDone, onVoided]);

  const settle = useCallback(
    async (confirmError: string | null) => {
      try {
        const settlement = await api.paymentSettle(order.id);
        dispatch({ type: "settled", settlement, confirmError });
      } catch (err) {
        dispatch({ type: "settleFailed", message: message(err) });
      }
    },
    [order.id],
  );

  const pay = async () => {
    const s = stripeRef.current;
    if (busy.current || !s || !canPay(state)) return;
    busy.current = true;
    dispatch({ type: "pay" });
    try {
      const submitted = await s.elements.submit();
      if (submitted.error) {
        dispatch({ type: "invalid", message: submitted.error.message ?? "Check the card details." });
        return;
      }
      let confirmError: string | null = null;
      try {
        const result = await s.stripe.confirmPayment({ elements: s.elements, redirect: "if_required" });
        if (result.error) confirmError = result.error.message ?? "The payment was not confirmed.";
      } catch (err) {
        confirmError = message(err);
      }
      // Whatever Stripe.js said, the core decides by asking Stripe.
      await settle(confirmError);
    } catch (err) {
      dispatch({ type: "invalid", message: message(err) });
    } finally {
      busy.current = false;
    }
  };

  const checkAgain = async () => {
    if (busy.current || state.phase !== "pending") return;
    busy.current = true;
    dispatch({ type: "checkAgain" });
    try {
      await settle(null);
    } finally {
      busy.current = false;
    }
  };

  const voidSale = async () => {
    if (busy.current || !state.confirmingVoid) return;
    busy.current = true;
    dispatch({ type: "void" });
    try {
      dispatch({ type: "voided", settlement: await api.paymentVoid(order.id) });
    } catch (err) {
      dispatch({ type: "voidFailed", message: message(err) });
    } finally {
      busy.current = false;
    }
  };

  const paying = state.phase === "paying";
  const amount = state.checkout?.amount.display ?? order.total.display;

  return (
    <div className="checkout" data-testid="checkout" data-phase={state.phase}>
      <section className="card checkout-summary" aria-label="Amount to pay">
        <h2>
          Order <span data-testid="checkout-order-number">#{order.number}</span>
        </h2>
        <p className="muted-text">Amount to pay</p>
        <p className="checkout-amount money" data-testid="checkout-amount">
          {amount}
        </p>
        <ul className="checkout-lines">
          {order.quote.lines.map((l, i) => (
            <li key={i}>
              <span>
                {l.quantity} × {l.description}
              </span>
              <span className="money">{l.total.display}</span>
            </li>
          ))}
        </ul>
        {mode === "demo" && (
          <div className="test-cards" data-testid="test-cards">
            <h3>Test cards (demo)</h3>
            <ul>
              {TEST_CARDS.map((c) => (
                <li key={c.number}>
                  <code>{c.number}</code> {c.what}
                </li>
              ))}
            </ul>
            <p className="muted-text">Any future expiry (12 / 34), any CVC, any postal code.</p>
          </div>
        )}
      </section>

      <section className="card checkout-pay" aria-label="Card payment" aria-busy={paying}>
        <h2>Card</h2>
        {state.phase === "starting" && <p className="muted-text">Preparing the payment…</p>}
        <div ref={mountRef} className="payment-element" data-testid="payment-element" />
        {state.notice && (
          <p
            className={`notice notice-${state.notice.kind}`}
            role={state.notice.kind === "pending" ? "status" : "alert"}
            data-testid="checkout-notice"
            data-kind={state.notice.kind}
          >
            {state.notice.text}
          </p>
        )}
        <div className="checkout-actions">
          {state.phase === "failed" ? (
            <button type="button" className="btn btn-primary btn-pay" data-testid="retry-start" onClick={bumpAttempt}>
              Try again
            </button>
          ) : state.phase === "pending" ? (
            <button type="button" className="btn btn-primary btn-pay" data-testid="check-again" onClick={() => void checkAgain()}>
              Check again
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-primary btn-pay"
              data-testid="pay"
              disabled={!canPay(state)}
              aria-disabled={!canPay(state)}
              onClick={() => void pay()}
            >
              {paying ? "Processing…" : `Pay ${amount}`}
            </button>
          )}
          {state.confirmingVoid ? (
            <div className="void-confirm" role="group" aria-label="Void this sale?">
              <span>Void this sale? The payment is cancelled.</span>
              <button type="button" className="btn btn-danger" data-testid="void-confirm" autoFocus onClick={() => void voidSale()}>
                Yes, void
              </button>
              <button type="button" className="btn" data-testid="void-cancel" onClick={() => dispatch({ type: "cancelVoid" })}>
                Keep the sale
              </button>
            </div>
          ) : (
            <button
              type="button"
              className="btn"
              data-testid="void"
              disabled={!canVoid(state)}
              onClick={() => dispatch({ type: "askVoid" })}
            >
              {state.phase === "voiding" ? "Voiding…" : "Void sale"}
            </button>
          )}
        </div>
      </section>
    </div>
  );
}
