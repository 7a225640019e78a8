import { describe, expect, it } from "vitest";
import type { Checkout } from "./api";
import {
  canPay,
  canVoid,
  checkoutReducer,
  DECLINED_FALLBACK,
  initialCheckout,
  NEEDS_ACTION_TEXT,
  type CheckoutEvent,
  type CheckoutState,
} from "./checkout";
import { settlement, usd } from "./test/fixtures";

const checkout: Checkout = {
  orderId: "ord_1",
  orderNumber: 1,
  paymentIntentId: "pi_1",
  amount: usd(1007, "$10.07"),
  clientSecret: "pi_1_secret_x",
  publishableKey: "pk_test_x",
};


const run = (...events: CheckoutEvent[]): CheckoutState => events.reduce(checkoutReducer, initialCheckout);
const ready = (): CheckoutState => run({ type: "started", checkout }, { type: "elementReady" });

describe("checkout state machine", () => {
  it("cannot pay until the intent is started and the element is ready", () => {
    expect(canPay(initialCheckout)).toBe(false);
    expect(canPay(run({ type: "started", checkout }))).toBe(false);
    expect(canPay(ready())).toBe(true);
    // Pay before ready is ignored.
    expect(run({ type: "pay" }).phase).toBe("starting");
  });

  it("takes one payment at a time: a second Pay while paying changes nothing", () => {
    const paying = checkoutReducer(ready(), { type: "pay" });
    expect(paying.phase).toBe("paying");
    expect(canPay(paying)).toBe(false);
    expect(canVoid(paying)).toBe(false);
    expect(checkoutReducer(paying, { type: "pay" })).toBe(paying);
  });

  it("ends done on paid and on authorized", () => {
    for (const outcome of ["paid", "authorized"] as const) {
      const s = checkoutReducer(checkoutReducer(ready(), { type: "pay" }), { type: "settled", settlement: settlement(outcome) });
      expect(s.phase).toBe("done");
      expect(s.settlement?.outcome).toBe(outcome);
    }
  });

  it("shows the core's decline message and lets the cashier pay again on the same order", () => {
    const s = run(
      { type: "started", checkout },
      { type: "elementReady" },
      { type: "pay" },
      { type: "settled", settlement: settlement("declined", { message: "The card has insufficient funds." }), confirmError: "Your card has insufficient funds." },
    );
    expect(s.phase).toBe("ready");
    expect(s.notice).toEqual({ kind: "declined", text: "The card has insufficient funds." });
    expect(canPay(s)).toBe(true);
    // The next Pay clears the message.
    expect(checkoutReducer(s, { type: "pay" }).notice).toBeNull();
  });

  it("falls back to Stripe.js's words, then to a generic one, when the core gives no message", () => {
    const paying = checkoutReducer(ready(), { type: "pay" });
    expect(checkoutReducer(paying, { type: "settled", settlement: settlement("declined"), confirmError: "Declined." }).notice?.text).toBe("Declined.");
    expect(checkoutReducer(paying, { type: "settled", settlement: settlement("declined") }).notice?.text).toBe(DECLINED_FALLBACK);
  });

  it("a validation error from the element goes back to ready with the reason", () => {
    const s = checkoutReducer(checkoutReducer(ready(), { type: "pay" }), { type: "invalid", message: "Your card number is incomplete." });
    expect(s.phase).toBe("ready");
    expect(s.notice).toEqual({ kind: "invalid", text: "Your card number is incomplete." });
  });

  it("needs_action and processing wait for Check again, which settles, not pays", () => {
    const pending = checkoutReducer(checkoutReducer(ready(), { type: "pay" }), { type: "settled", settlement: settlement("needs_action") });
    expect(pending.phase).toBe("pending");
    expect(pending.notice?.text).toBe(NEEDS_ACTION_TEXT);
    expect(canPay(pending)).toBe(false);
    const again = checkoutReducer(pending, { type: "checkAgain" });
    expect(again.phase).toBe("paying");
    expect(checkoutReducer(again, { type: "settled", settlement: settlement("paid") }).phase).toBe("done");
    const processing = checkoutReducer(checkoutReducer(ready(), { type: "pay" }), { type: "settled", settlement: settlement("processing") });
    expect(processing.phase).toBe("pending");
  });

  it("when the core cannot be asked after confirming, it does not offer Pay again", () => {
    const s = checkoutReducer(checkoutReducer(ready(), { type: "pay" }), { type: "settleFailed", message: "timed out" });
    expect(s.phase).toBe("pending");
    expect(canPay(s)).toBe(false);
    expect(s.notice?.text).toMatch(/timed out/);
  });

  it("voids only after a confirmation", () => {
    const s = ready();
    expect(checkoutReducer(s, { type: "void" })).toBe(s);
    const asking = checkoutReducer(s, { type: "askVoid" });
    expect(asking.confirmingVoid).toBe(true);
    expect(canPay(asking)).toBe(false);
    expect(checkoutReducer(asking, { type: "cancelVoid" }).confirmingVoid).toBe(false);
    const voiding = checkoutReducer(asking, { type: "void" });
    expect(voiding.phase).toBe("voiding");
    expect(checkoutReducer(voiding, { type: "voided", settlement: settlement("voided") }).phase).toBe("voided");
    // A failed void is re-checked with the core before Pay comes back.
    expect(checkoutReducer(voiding, { type: "voidFailed", message: "no" }).phase).toBe("pending");
  });

  it("a start failure can be retried from scratch", () => {
    const failed = run({ type: "startFailed", message: "offline" });
    expect(failed.phase).toBe("failed");
    expect(failed.notice?.text).toBe("offline");
    expect(checkoutReducer(failed, { type: "retry" })).toEqual(initialCheckout);
  });

  it("the server flow starts without an intent (deferred element) and pays the same way", () => {
    const s = run({ type: "started", checkout: null }, { type: "elementReady" });
    expect(s.checkout).toBeNull();
    expect(canPay(s)).toBe(true);
    const asking = checkoutReducer(checkoutReducer(s, { type: "askVoid" }), { type: "void" });
    // Even without an intent, a failed void is re-checked with the core, never offered Pay at once.
    expect(checkoutReducer(asking, { type: "voidFailed", message: "no" }).phase).toBe("pending");
  });
});
