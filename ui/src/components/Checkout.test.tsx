import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("../stripe", () => ({ stripeFor: vi.fn() }));

import type { PaymentIntentResult, Stripe, StripeElementsOptions } from "@stripe/stripe-js";
import { invoke } from "@tauri-apps/api/core";
import type { Checkout as CheckoutReply, Settlement } from "../api";
import { stripeFor } from "../stripe";
import { orderView, settlement, usd } from "../test/fixtures";
import { Checkout } from "./Checkout";

const invokeMock = vi.mocked(invoke);
const stripeForMock = vi.mocked(stripeFor);

const STRIPE_JS = "http://127.0.0.1:9999/v3/";
const start: CheckoutReply = {
  orderId: "ord_1042",
  orderNumber: 1042,
  paymentIntentId: "pi_1",
  amount: usd(1007, "$10.07"),
  clientSecret: "pi_1_secret_abc",
  publishableKey: "pk_test_demo",
};

/** A stand-in for the Stripe object: records calls; confirmPayment answers what the test says. */
function fakeStripe() {
  const handlers: Record<string, ((e: unknown) => void)[]> = {};
  const element = {
    on: vi.fn((ev: string, h: (e: unknown) => void) => {
      (handlers[ev] ??= []).push(h);
      return element;
    }),
    mount: vi.fn(),
    destroy: vi.fn(),
  };
  const elements = {
    create: vi.fn(() => element),
    submit: vi.fn(async (): Promise<{ error?: { message: string } }> => ({})),
  };
  const confirm: { next: () => Promise<PaymentIntentResult> } = {
    next: async () => ({ paymentIntent: { id: "pi_1", status: "succeeded" } }) as unknown as PaymentIntentResult,
  };
  const stripe = {
    elements: vi.fn((_opts: StripeElementsOptions) => elements),
    confirmPayment: vi.fn(() => confirm.next()),
  };
  const emit = (ev: string, payload: unknown = {}) => act(() => handlers[ev]?.forEach((h) => h(payload)));
  return { stripe, elements, element, confirm, emit };
}

let fake: ReturnType<typeof fakeStripe>;
let settleReplies: Settlement[];

beforeEach(() => {
  fake = fakeStripe();
  settleReplies = [];
  stripeForMock.mockReset();
  stripeForMock.mockResolvedValue(fake.stripe as unknown as Stripe);
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string) => {
    if (cmd === "payment_start") return start;
    if (cmd === "payment_settle") {
      const next = settleReplies.shift();
      if (!next) throw new Error("no settle reply queued");
      return next;
    }
    if (cmd === "payment_void") return settlement("voided", { orderId: "ord_1042", orderNumber: 1042 });
    throw new Error(`unexpected command ${cmd}`);
  });
});

async function mounted(props: Partial<Parameters<typeof Checkout>[0]> = {}) {
  const onDone = vi.fn();
  const onVoided = vi.fn();
  render(<Checkout order={orderView(1042)} stripeJsUrl={STRIPE_JS} onDone={onDone} onVoided={onVoided} {...props} />);
  await waitFor(() => expect(fake.element.mount).toHaveBeenCalled());
  fake.emit("ready");
  await waitFor(() => expect(screen.getByTestId("pay")).toHaveProperty("disabled", false));
  return { onDone, onVoided };
}

const calls = (cmd: string) => invokeMock.mock.calls.filter((c) => c[0] === cmd);

describe("Checkout", () => {
  it("starts the order's intent and mounts the Payment Element with its client secret, from the core's Stripe.js URL", async () => {
    await mounted();
    expect(calls("payment_start")[0]?.[1]).toEqual({ orderId: "ord_1042" });
    expect(stripeForMock).toHaveBeenCalledWith(STRIPE_JS, "pk_test_demo");
    expect(fake.stripe.elements).toHaveBeenCalledWith({ clientSecret: "pi_1_secret_abc" });
    expect(fake.elements.create).toHaveBeenCalledWith("payment");
    expect(fake.element.mount).toHaveBeenCalledWith(screen.getByTestId("payment-element"));
    expect(screen.getByTestId("checkout-amount").textContent).toBe("$10.07");
  });

  it("Pay: submit, confirm with redirect if_required, then settle; paid ends done; no amount is ever sent", async () => {
    const { onDone } = await mounted();
    settleReplies.push(settlement("paid", { cardBrand: "visa", cardLast4: "4242" }));
    await userEvent.setup().click(screen.getByTestId("pay"));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(fake.elements.submit).toHaveBeenCalledTimes(1);
    expect(fake.stripe.confirmPayment).toHaveBeenCalledWith({ elements: fake.elements, redirect: "if_required" });
    expect(calls("payment_settle")[0]?.[1]).toEqual({ orderId: "ord_1042" });
    expect(onDone.mock.calls[0]?.[0].outcome).toBe("paid");
    for (const [, args] of invokeMock.mock.calls) expect(JSON.stringify(args ?? {})).not.toMatch(/amount|1007/i);
  });

  it("cannot be double-submitted while a payment is in flight", async () => {
    const { onDone } = await mounted();
    let release!: (r: PaymentIntentResult) => void;
    fake.confirm.next = () => new Promise((r) => (release = r));
    settleReplies.push(settlement("paid"));
    const pay = screen.getByTestId("pay");
    await act(async () => {
      pay.click();
      pay.click();
      pay.click();
    });
    expect(screen.getByTestId("pay")).toHaveProperty("disabled", true);
    expect(screen.getByTestId("pay").textContent).toMatch(/Processing/);
    expect(screen.getByTestId("void")).toHaveProperty("disabled", true);
    await act(async () => release({ paymentIntent: { id: "pi_1", status: "succeeded" } } as unknown as PaymentIntentResult));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(fake.stripe.confirmPayment).toHaveBeenCalledTimes(1);
    expect(calls("payment_settle")).toHaveLength(1);
  });

  it("settles even when confirmPayment returns an error, shows the core's decline message, and pays on retry", async () => {
    const { onDone } = await mounted();
    fake.confirm.next = async () =>
      ({ error: { type: "card_error", message: "Your card has insufficient funds." } }) as unknown as PaymentIntentResult;
    settleReplies.push(settlement("declined", { message: "The card has insufficient funds.", declineCode: "insufficient_funds" }));
    const user = userEvent.setup();
    await user.click(screen.getByTestId("pay"));
    const notice = await screen.findByTestId("checkout-notice");
    expect(notice.textContent).toBe("The card has insufficient funds.");
    expect(notice.getAttribute("data-kind")).toBe("declined");
    expect(calls("payment_settle")).toHaveLength(1);
    expect(onDone).not.toHaveBeenCalled();
    // The element stays; the same order is paid with another card.
    expect(fake.element.destroy).not.toHaveBeenCalled();
    fake.confirm.next = async () => ({ paymentIntent: { id: "pi_1", status: "succeeded" } }) as unknown as PaymentIntentResult;
    settleReplies.push(settlement("paid"));
    await user.click(screen.getByTestId("pay"));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(calls("payment_settle")).toHaveLength(2);
  });

  it("an incomplete card stops at submit: nothing is confirmed or settled", async () => {
    await mounted();
    fake.elements.submit.mockResolvedValueOnce({ error: { message: "Your card number is incomplete." } });
    await userEvent.setup().click(screen.getByTestId("pay"));
    expect((await screen.findByTestId("checkout-notice")).textContent).toBe("Your card number is incomplete.");
    expect(fake.stripe.confirmPayment).not.toHaveBeenCalled();
    expect(calls("payment_settle")).toHaveLength(0);
    expect(screen.getByTestId("pay")).toHaveProperty("disabled", false);
  });

  it("needs_action offers Check again, which settles again", async () => {
    const { onDone } = await mounted();
    settleReplies.push(settlement("needs_action"), settlement("paid"));
    const user = userEvent.setup();
    await user.click(screen.getByTestId("pay"));
    expect((await screen.findByTestId("checkout-notice")).textContent).toMatch(/authenticate/);
    expect(screen.queryByTestId("pay")).toBeNull();
    await user.click(screen.getByTestId("check-again"));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(fake.stripe.confirmPayment).toHaveBeenCalledTimes(1);
    expect(calls("payment_settle")).toHaveLength(2);
  });

  it("Void asks first, then voids through the core", async () => {
    const { onVoided } = await mounted();
    const user = userEvent.setup();
    await user.click(screen.getByTestId("void"));
    expect(calls("payment_void")).toHaveLength(0);
    await user.click(screen.getByTestId("void-cancel"));
    await user.click(screen.getByTestId("void"));
    await user.click(screen.getByTestId("void-confirm"));
    await waitFor(() => expect(onVoided).toHaveBeenCalled());
    expect(calls("payment_void")[0]?.[1]).toEqual({ orderId: "ord_1042" });
  });

  it("says why when the payment cannot be started, and tries again", async () => {
    invokeMock.mockImplementationOnce(async () => {
      throw { code: "stripe_unavailable", message: "Stripe could not be reached." };
    });
    render(<Checkout order={orderView(1042)} stripeJsUrl={STRIPE_JS} onDone={vi.fn()} onVoided={vi.fn()} />);
    expect((await screen.findByTestId("checkout-notice")).textContent).toBe("Stripe could not be reached.");
    await userEvent.setup().click(screen.getByTestId("retry-start"));
    await waitFor(() => expect(fake.element.mount).toHaveBeenCalled());
  });

  it("lists the test cards in demo mode only", async () => {
    await mounted({ mode: "demo" });
    expect(screen.getByTestId("test-cards").textContent).toMatch(/4242 4242 4242 4242/);
  });
});
