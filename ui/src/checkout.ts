// The checkout's state machine, kept pure so it can be tested without Stripe or the core.
//
//   starting ──started──▶ ready ──pay──▶ paying ──settled──▶ done (paid / authorized …)
//      │                   ▲  ▲            │   └──settled(declined / awaiting)──▶ ready (+ why)
//   startFailed            │  └─invalid────┘   └──settled(needs_action / processing) or
//      ▼                   │                      settleFailed──▶ pending ──checkAgain──▶ paying
//    failed ──retry──▶ starting
//   ready / pending / failed ──askVoid──▶ (confirming) ──void──▶ voiding ──voided──▶ voided
//   ready ──chargeSaved──▶ paying ──savedCardFailed──▶ starting (a new card form)
//
// Nothing here computes money: amounts are the core's `display` strings.
import type { Checkout, Settlement } from "./api";

export type Phase = "starting" | "failed" | "ready" | "paying" | "pending" | "voiding" | "done" | "voided";

export type NoticeKind = "declined" | "invalid" | "pending" | "error";
export type Notice = { kind: NoticeKind; text: string };

export type CheckoutState = {
  phase: Phase;
  /** The window flow's PaymentIntent; null in the server flow, where none exists before Pay. */
  checkout: Checkout | null;
  /** The Payment Element is mounted (with a client secret, or in deferred mode). */
  started: boolean;
  /** The Payment Element said it is ready for input. */
  elementReady: boolean;
  /** The Payment Element says the card details are complete. */
  complete: boolean;
  /** The cashier asked to void and has not confirmed or cancelled yet. */
  confirmingVoid: boolean;
  notice: Notice | null;
  settlement: Settlement | null;
};

export type CheckoutEvent =
  | { type: "started"; checkout: Checkout | null }
  | { type: "startFailed"; message: string }
  /** The Payment Element's `loaderror`: mounted, but it will never become ready. */
  | { type: "elementFailed"; message: string }
  | { type: "retry" }
  | { type: "elementReady" }
  | { type: "elementChange"; complete: boolean }
  | { type: "pay" }
  /** Charge a card saved on the customer: no card form needed, only nothing else in flight. */
  | { type: "chargeSaved" }
  /** The saved card was not charged (declined, or the bank wants the customer): start again. */
  | { type: "savedCardFailed" }
  /** Something the intent is made with changed (saving the card): a new card form. */
  | { type: "restart" }
  | { type: "invalid"; message: string }
  | { type: "settled"; settlement: Settlement; confirmError?: string | null }
  | { type: "settleFailed"; message: string }
  | { type: "checkAgain" }
  | { type: "askVoid" }
  | { type: "cancelVoid" }
  | { type: "void" }
  | { type: "voidFailed"; message: string }
  | { type: "voided"; settlement: Settlement };

export const initialCheckout: CheckoutState = {
  phase: "starting",
  checkout: null,
  started: false,
  elementReady: false,
  complete: false,
  confirmingVoid: false,
  notice: null,
  settlement: null,
};

export const DECLINED_FALLBACK = "The card was declined. Try another card.";
export const NEEDS_ACTION_TEXT =
  "The bank is still waiting for the customer to authenticate this payment. Check again once they have.";
export const PROCESSING_TEXT = "The payment is processing. Check again in a moment.";

/** The outcomes after which this order takes no more payment on this screen. */
export function isFinal(outcome: Settlement["outcome"]): boolean {
  return outcome === "paid" || outcome === "authorized" || outcome === "refunded" || outcome === "partially_refunded";
}

function afterSettle(state: CheckoutState, s: Settlement, confirmError: string | null): CheckoutState {
  const base = { ...state, settlement: s, confirmingVoid: false };
  if (isFinal(s.outcome)) return { ...base, phase: "done", notice: null };
  switch (s.outcome) {
    case "voided":
      return { ...base, phase: "voided", notice: null };
    case "declined":
      return { ...base, phase: "ready", notice: { kind: "declined", text: s.message || confirmError || DECLINED_FALLBACK } };
    case "needs_action":
      return { ...base, phase: "pending", notice: { kind: "pending", text: NEEDS_ACTION_TEXT } };
    case "processing":
      return { ...base, phase: "pending", notice: { kind: "pending", text: PROCESSING_TEXT } };
    case "awaiting_payment":
    default:
      // Nothing was charged: say what Stripe.js said (if anything) and let the cashier try again.
      return { ...base, phase: "ready", notice: confirmError ? { kind: "error", text: confirmError } : null };
  }
}

export function checkoutReducer(state: CheckoutState, ev: CheckoutEvent): CheckoutState {
  switch (ev.type) {
    case "started":
      if (state.phase !== "starting") return state;
      return { ...state, phase: "ready", checkout: ev.checkout, started: true, notice: null };
    case "startFailed":
      if (state.phase !== "starting") return state;
      return { ...state, phase: "failed", notice: { kind: "error", text: ev.message } };
    case "elementFailed":
      if (state.phase !== "ready" && state.phase !== "starting") return state;
      return { ...state, phase: "failed", notice: { kind: "error", text: ev.message } };
    case "retry":
      if (state.phase !== "failed") return state;
      return { ...initialCheckout };
    case "elementReady":
      return { ...state, elementReady: true };
    case "elementChange":
      return { ...state, complete: ev.complete };
    case "pay":
      // One payment at a time: Pay only works from "ready" with the element in place.
      if (!canPay(state)) return state;
      return { ...state, phase: "paying", notice: null, confirmingVoid: false };
    case "chargeSaved":
      if (state.phase !== "ready" || state.confirmingVoid) return state;
      return { ...state, phase: "paying", notice: null };
    case "savedCardFailed":
      // The core replaced the card form's PaymentIntent with the saved card's: a fresh start.
      if (state.phase !== "paying") return state;
      return { ...initialCheckout };
    case "restart":
      if (state.phase !== "ready" && state.phase !== "failed") return state;
      return { ...initialCheckout };
    case "invalid":
      if (state.phase !== "paying") return state;
      return { ...state, phase: "ready", notice: { kind: "invalid", text: ev.message } };
    case "settled":
      if (state.phase !== "paying") return state;
      return afterSettle(state, ev.settlement, ev.confirmError ?? null);
    case "settleFailed":
      // After a confirmation the outcome is unknown: never offer Pay again before the core has checked.
      if (state.phase !== "paying") return state;
      return {
        ...state,
        phase: "pending",
        notice: { kind: "error", text: `Could not check the payment with the core: ${ev.message}` },
      };
    case "checkAgain":
      if (state.phase !== "pending") return state;
      return { ...state, phase: "paying", notice: null, confirmingVoid: false };
    case "askVoid":
      if (!canVoid(state)) return state;
      return { ...state, confirmingVoid: true };
    case "cancelVoid":
      return { ...state, confirmingVoid: false };
    case "void":
      if (!state.confirmingVoid || !canVoid(state)) return state;
      return { ...state, phase: "voiding", confirmingVoid: false, notice: null };
    case "voidFailed":
      if (state.phase !== "voiding") return state;
      // Whatever stopped the void, the core settles before Pay is offered again ("Check again").
      return {
        ...state,
        phase: state.started ? "pending" : "failed",
        notice: { kind: "error", text: `The sale was not voided: ${ev.message}` },
      };
    case "voided":
      if (state.phase !== "voiding") return state;
      if (ev.settlement.outcome === "voided") return { ...state, phase: "voided", settlement: ev.settlement };
      return afterSettle({ ...state, phase: "paying" }, ev.settlement, null);
  }
}

export function canPay(state: CheckoutState): boolean {
  return state.phase === "ready" && state.started && state.elementReady && !state.confirmingVoid;
}

export function canVoid(state: CheckoutState): boolean {
  return state.phase === "ready" || state.phase === "pending" || state.phase === "failed";
}
