import type {
  Stripe,
  StripeElements,
  StripeElementsOptionsMode,
  StripePaymentElement,
  StripePaymentElementChangeEvent,
} from "@stripe/stripe-js";
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import {
  api,
  ApiError,
  type Checkout as CheckoutReply,
  type Mode,
  type OrderView,
  type SavedCard,
  type SavedCardUse,
  type SaveConsent,
  type Settings,
  type Settlement,
} from "../api";
import { canPay, canVoid, checkoutReducer, initialCheckout } from "../checkout";
import { mark } from "../marks";
import { logProblem } from "../problems";
import { stripeFor } from "../stripe";
import { CheckoutSavedCards } from "./CheckoutSavedCards";
import { TestCards } from "./CheckoutTestCards";

/** Who heard the customer agree to save the card: there are no cashier accounts yet. */
export const CONSENT_BY = "the cashier at this till";
const CONSENT: SaveConsent = { recordedBy: CONSENT_BY };

/** A saved card the core did not charge (nothing moved): the card form is offered again. */
const NOT_CHARGED = new Set(["saved_card_declined", "saved_card_authentication_required", "not_a_saved_card", "invalid_payment_method"]);

type Props = {
  order: OrderView;
  /** From `app_info`: the only place Stripe.js may come from. */
  stripeJsUrl: string;
  mode?: Mode | null;
  /** Paid or authorized (or otherwise final): show the result. */
  onDone: (settlement: Settlement) => void;
  /** The sale was voided: back to a new sale. */
  onVoided: (settlement: Settlement) => void;
  /** "Back to edit": the order goes back to the New sale screen (only before any payment). */
  onEdit?: (order: OrderView) => void;
  /** Which flow (`confirmation`) and, for the server flow, capture and payment methods. */
  settings?: Settings | null;
  /** From `app_info`: the server flow mounts the element before any PaymentIntent exists. */
  publishableKey?: string | null;
};

/**
 * Deferred-mode Elements for the server flow. The amount is the core's, for Stripe.js's display
 * only: the core charges its own total whatever is said here. Capture and payment methods match
 * what the core will create the intent with, since Stripe checks that they agree.
 */
function deferredOptions(
  order: OrderView,
  capture: Settings["capture"] | undefined,
  methods: Settings["paymentMethods"] | undefined,
  saveCard: boolean,
): StripeElementsOptionsMode {
  return {
    mode: "payment",
    // Stripe wants the element to agree with the intent about saving the card.
    ...(saveCard ? { setupFutureUsage: "off_session" as const } : {}),
    amount: order.total.minor,
    currency: order.total.currency.toLowerCase(),
    paymentMethodCreation: "manual",
    captureMethod: capture === "manual" ? "manual" : "automatic",
    ...(methods === "card" ? { paymentMethodTypes: ["card"] } : {}),
  };
}

function message(err: unknown): string {
  return ApiError.from(err).message;
}

/**
 * Takes payment for one saved order: the core's amount in large type, Stripe's Payment Element
 * mounted with the order's client secret, Pay, and Void. The core decides the outcome.
 */
export function Checkout({ order, stripeJsUrl, mode, onDone, onVoided, onEdit, settings, publishableKey }: Props) {
  const [state, dispatch] = useReducer(checkoutReducer, initialCheckout);
  const [moto, setMoto] = useState(false);
  // The customer agreed to keep the card for later: the intent is made to save it on them.
  const [saveCard, setSaveCard] = useState(false);
  const [savedCardProblem, setSavedCardProblem] = useState<string | null>(null);
  // The flow is fixed when the checkout opens: saving Settings meanwhile must not switch a
  // payment in progress from one flow to the other.
  const [{ server, capture, methods, pk }] = useState(() => ({
    server: settings?.confirmation === "server",
    capture: settings?.capture,
    methods: settings?.paymentMethods,
    pk: publishableKey,
  }));
  const [attempt, bumpAttempt] = useReducer((n: number) => n + 1, 0);
  const mountRef = useRef<HTMLDivElement>(null);
  const stripeRef = useRef<{ stripe: Stripe; elements: StripeElements } | null>(null);
  const busy = useRef(false);

  // Window flow: start (or reuse) the order's PaymentIntent and mount the Payment Element with its
  // client secret. Server flow: no intent yet; the element is mounted in deferred mode and the
  // core creates and confirms the intent in one request at Pay.
  useEffect(() => {
    let cancelled = false;
    let element: StripePaymentElement | null = null;
    (async () => {
      try {
        let checkout: CheckoutReply | null = null;
        let stripe: Stripe;
        if (server) {
          if (!pk) throw new Error("The Paydesk core gave no publishable key for the card form.");
          stripe = await stripeFor(stripeJsUrl, pk);
        } else {
          checkout = await api.paymentStart(order.id, saveCard ? CONSENT : undefined);
          stripe = await stripeFor(stripeJsUrl, checkout.publishableKey);
        }
        const node = mountRef.current;
        if (cancelled || !node) return;
        const elements = checkout
          ? stripe.elements({ clientSecret: checkout.clientSecret })
          : stripe.elements(deferredOptions(order, capture, methods, saveCard));
        element = elements.create("payment");
        const mounted = element;
        element.on("ready", () => {
          if (cancelled) return;
          mark("element-ready");
          dispatch({ type: "elementReady" });
          // The cashier types the card number next: no click needed.
          mounted.focus();
        });
        element.on("loaderror", (e) => {
          if (cancelled) return;
          const why = e.error.message ?? "Stripe gave no reason";
          logProblem("payment_element_loaderror", `${e.error.type ?? "error"}: ${why}`);
          dispatch({ type: "elementFailed", message: `The card form could not load: ${why}` });
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
    // `order.total` belongs to `order.id` (an edited order comes back as a new checkout).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [order.id, stripeJsUrl, attempt, server, pk, capture, methods, saveCard]);

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
    mark("pay");
    dispatch({ type: "pay" });
    try {
      const submitted = await s.elements.submit();
      if (submitted.error) {
        dispatch({ type: "invalid", message: submitted.error.message ?? "Check the card details." });
        return;
      }
      if (server) {
        await finalizeOnServer(s);
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

  // Server flow: the card becomes a ConfirmationToken; the core creates and confirms the intent
  // with it (and the MOTO flag). 3-D Secure comes back as needs_action with a client secret.
  const finalizeOnServer = async (s: { stripe: Stripe; elements: StripeElements }) => {
    const made = await s.stripe.createConfirmationToken({ elements: s.elements });
    if (made.error || !made.confirmationToken) {
      // Nothing was sent to the core: nothing can have been charged.
      dispatch({ type: "invalid", message: made.error?.message ?? "Check the card details." });
      return;
    }
    let settlement: Settlement;
    try {
      settlement = await api.paymentFinalize(order.id, made.confirmationToken.id, moto, saveCard ? CONSENT : undefined);
    } catch (err) {
      // The charge may have reached Stripe: the core checks before Pay is offered again.
      dispatch({ type: "settleFailed", message: message(err) });
      return;
    }
    const clientSecret = settlement.nextActionClientSecret;
    if (settlement.outcome !== "needs_action" || !clientSecret) {
      dispatch({ type: "settled", settlement, confirmError: null });
      return;
    }
    let actionError: string | null = null;
    try {
      const result = await s.stripe.handleNextAction({ clientSecret });
      if (result.error) actionError = result.error.message ?? "The customer did not complete the check.";
    } catch (err) {
      actionError = message(err);
    }
    await settle(actionError);
  };

  // A card saved on the customer, charged by the core without the card form.
  const chargeSaved = async (card: SavedCard, use: SavedCardUse) => {
    if (busy.current || state.phase !== "ready") return;
    busy.current = true;
    setSavedCardProblem(null);
    dispatch({ type: "chargeSaved" });
    try {
      dispatch({ type: "settled", settlement: await api.paymentChargeSaved(order.id, card.paymentMethodId, use), confirmError: null });
    } catch (err) {
      const e = ApiError.from(err);
      if (NOT_CHARGED.has(e.code)) {
        setSavedCardProblem(e.message);
        dispatch({ type: "savedCardFailed" });
        bumpAttempt();
      } else {
        // The charge may have reached Stripe: the core checks before anything is offered again.
        dispatch({ type: "settleFailed", message: e.message });
      }
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
  // Only while nothing is in flight or waiting on the bank: the core re-prices and updates the intent.
  const canEdit = onEdit !== undefined && order.actions.edit && (state.phase === "ready" || state.phase === "failed") && !state.confirmingVoid;
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
        {mode === "demo" && <TestCards />}
      </section>

      <section className="card checkout-pay" aria-label="Card payment" aria-busy={paying}>
        <h2>Card</h2>
        {order.customer && (
          <CheckoutSavedCards
            customer={order.customer}
            disabled={state.phase !== "ready" || state.confirmingVoid}
            problem={savedCardProblem}
            onCharge={(card, use) => void chargeSaved(card, use)}
          />
        )}
        {state.phase === "starting" && <p className="muted-text">Preparing the payment…</p>}
        <div ref={mountRef} className="payment-element" data-testid="payment-element" />
        {order.customer && (
          <label className="check save-card">
            <input
              type="checkbox"
              data-testid="save-card"
              checked={saveCard}
              disabled={state.phase !== "ready" && state.phase !== "failed"}
              onChange={(e) => {
                dispatch({ type: "restart" });
                setSaveCard(e.target.checked);
              }}
            />
            Save this card for {order.customer.name}: the customer agreed to have it kept for later payments
          </label>
        )}
        {server && (
          <label className="check moto">
            <input
              type="checkbox"
              data-testid="moto"
              checked={moto}
              disabled={paying || state.phase === "pending"}
              onChange={(e) => setMoto(e.target.checked)}
            />
            Phone order (MOTO): the customer gave the card details over the phone
          </label>
        )}
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
            <button
              type="button"
              className="btn btn-primary btn-pay"
              data-testid="retry-start"
              onClick={() => {
                // Back to "starting" first, or the reducer ignores the new start.
                dispatch({ type: "retry" });
                bumpAttempt();
              }}
            >
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
          {canEdit && (
            <button type="button" className="btn" data-testid="checkout-edit" onClick={() => onEdit?.(order)}>
              Back to edit
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
