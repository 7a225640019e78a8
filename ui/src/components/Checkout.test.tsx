import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("../stripe", () => ({ stripeFor: vi.fn() }));

import type { PaymentIntentResult, Stripe, StripeElementsOptions, StripeElementsOptionsMode } from "@stripe/stripe-js";
import { invoke } from "@tauri-apps/api/core";
import type { Checkout as CheckoutReply, Settlement } from "../api";
import { stripeFor } from "../stripe";
import { orderView, settingsFixture, settlement, usd } from "../test/fixtures";
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
    focus: vi.fn(),
  };
  const elements = {
    create: vi.fn(() => element),
    submit: vi.fn(async (): Promise<{ error?: { message: string } }> => ({})),
  };
  const confirm: { next: () => Promise<PaymentIntentResult> } = {
    next: async () => ({ paymentIntent: { id: "pi_1", status: "succeeded" } }) as unknown as PaymentIntentResult,
  };
  const stripe = {
    elements: vi.fn((_opts: StripeElementsOptions | StripeElementsOptionsMode) => elements),
    confirmPayment: vi.fn(() => confirm.next()),
    createConfirmationToken: vi.fn(
      async (_opts: unknown): Promise<{ confirmationToken?: { id: string }; error?: { message: string } }> => ({
        confirmationToken: { id: "ctoken_1" },
      }),
    ),
    handleNextAction: vi.fn(async (_opts: { clientSecret: string }): Promise<{ error?: { message: string } }> => ({})),
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
    // The second start counts: Pay is offered once the element is ready.
    fake.emit("ready");
    await waitFor(() => expect(screen.getByTestId("pay")).toHaveProperty("disabled", false));
    expect(screen.queryByTestId("checkout-notice")).toBeNull();
  });

  it("puts the cashier in the card number field as soon as the form is ready", async () => {
    render(<Checkout order={orderView(1042)} stripeJsUrl={STRIPE_JS} onDone={vi.fn()} onVoided={vi.fn()} />);
    await waitFor(() => expect(fake.element.mount).toHaveBeenCalled());
    expect(fake.element.focus).not.toHaveBeenCalled();
    fake.emit("ready");
    expect(fake.element.focus).toHaveBeenCalledTimes(1);
  });

  it("a card form that fails to load says so, logs it without the client secret, and offers a retry", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "payment_start") return start;
      if (cmd === "app_log_problem") return null;
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<Checkout order={orderView(1042)} stripeJsUrl={STRIPE_JS} onDone={vi.fn()} onVoided={vi.fn()} />);
    await waitFor(() => expect(fake.element.mount).toHaveBeenCalled());
    fake.emit("loaderror", { elementType: "payment", error: { type: "invalid_request_error", message: "No such payment_intent: 'pi_1'" } });
    expect((await screen.findByTestId("checkout-notice")).textContent).toBe("The card form could not load: No such payment_intent: 'pi_1'");
    expect(screen.queryByTestId("pay")).toBeNull();
    await waitFor(() => expect(calls("app_log_problem")).toHaveLength(1));
    const logged = JSON.stringify(calls("app_log_problem")[0]);
    expect(logged).toContain("payment_element_loaderror");
    expect(logged).not.toContain("secret");
    expect(screen.getByTestId("retry-start")).toBeTruthy();
  });

  it("lists the test cards in demo mode only", async () => {
    await mounted({ mode: "demo" });
    const cards = screen.getByTestId("test-cards").textContent ?? "";
    for (const n of ["4242 4242 4242 4242", "4000 0000 0000 0002", "4000 0000 0000 3220", "4000 0000 0000 5126"]) expect(cards).toContain(n);
  });

  it("has no test cards outside demo mode", async () => {
    await mounted({ mode: "test" });
    expect(screen.queryByTestId("test-cards")).toBeNull();
  });
});

describe("Checkout: back to edit", () => {
  it("hands the order back when the core allows editing, and not while paying", async () => {
    const onEdit = vi.fn();
    await mounted({ onEdit });
    let release!: (r: PaymentIntentResult) => void;
    fake.confirm.next = () => new Promise((r) => (release = r));
    settleReplies.push(settlement("declined", { message: "Declined." }));
    const user = userEvent.setup();
    await user.click(screen.getByTestId("pay"));
    expect(screen.queryByTestId("checkout-edit")).toBeNull();
    await act(async () => release({ error: { message: "Declined." } } as unknown as PaymentIntentResult));
    await user.click(await screen.findByTestId("checkout-edit"));
    expect(onEdit).toHaveBeenCalledWith(expect.objectContaining({ id: "ord_1042", number: 1042 }));
  });

  it("is not offered when the core says the order cannot be edited", async () => {
    const order = orderView(1042, { id: "ord_1042" });
    await mounted({ onEdit: vi.fn(), order: { ...order, actions: { ...order.actions, edit: false } } });
    expect(screen.queryByTestId("checkout-edit")).toBeNull();
  });
});

describe("Checkout: finalize on the server", () => {
  const server = { ...settingsFixture, confirmation: "server" as const, capture: "manual" as const };

  beforeEach(() => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "payment_finalize") {
        const next = settleReplies.shift();
        if (!next) throw new Error("no finalize reply queued");
        return next;
      }
      if (cmd === "payment_settle") {
        const next = settleReplies.shift();
        if (!next) throw new Error("no settle reply queued");
        return next;
      }
      if (cmd === "payment_void") return settlement("voided", { orderId: "ord_1042", orderNumber: 1042 });
      throw new Error(`unexpected command ${cmd}`);
    });
  });

  const serverProps = { settings: server, publishableKey: "pk_test_from_app_info" };

  it("mounts the element in deferred mode with the core's amount, without starting an intent", async () => {
    await mounted(serverProps);
    expect(calls("payment_start")).toHaveLength(0);
    expect(stripeForMock).toHaveBeenCalledWith(STRIPE_JS, "pk_test_from_app_info");
    expect(fake.stripe.elements).toHaveBeenCalledWith(
      expect.objectContaining({ mode: "payment", amount: 1007, currency: "usd", paymentMethodCreation: "manual", captureMethod: "manual" }),
    );
    expect(screen.getByTestId("checkout-amount").textContent).toBe("$10.07");
  });

  it("Pay: submit, ConfirmationToken, then payment_finalize with the MOTO flag; never confirmPayment", async () => {
    const { onDone } = await mounted(serverProps);
    settleReplies.push(settlement("authorized", { cardBrand: "visa", cardLast4: "4242" }));
    const user = userEvent.setup();
    await user.click(screen.getByTestId("moto"));
    await user.click(screen.getByTestId("pay"));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(fake.elements.submit).toHaveBeenCalledTimes(1);
    expect(fake.stripe.createConfirmationToken).toHaveBeenCalledWith({ elements: fake.elements });
    expect(fake.elements.submit.mock.invocationCallOrder[0]).toBeLessThan(
      fake.stripe.createConfirmationToken.mock.invocationCallOrder[0]!,
    );
    expect(calls("payment_finalize")[0]?.[1]).toEqual({ orderId: "ord_1042", confirmationToken: "ctoken_1", moto: true });
    expect(fake.stripe.confirmPayment).not.toHaveBeenCalled();
    expect(calls("payment_settle")).toHaveLength(0);
    expect(onDone.mock.calls[0]?.[0].outcome).toBe("authorized");
  });

  it("needs_action: handleNextAction with the core's client secret, then settles", async () => {
    const { onDone } = await mounted(serverProps);
    settleReplies.push(
      settlement("needs_action", { nextActionClientSecret: "pi_9_secret_made_up" }),
      settlement("paid", { cardBrand: "visa", cardLast4: "3155" }),
    );
    await userEvent.setup().click(screen.getByTestId("pay"));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(calls("payment_finalize")[0]?.[1]).toMatchObject({ moto: false });
    expect(fake.stripe.handleNextAction).toHaveBeenCalledWith({ clientSecret: "pi_9_secret_made_up" });
    expect(calls("payment_settle")[0]?.[1]).toEqual({ orderId: "ord_1042" });
    expect(fake.stripe.handleNextAction.mock.invocationCallOrder[0]).toBeLessThan(
      invokeMock.mock.invocationCallOrder[invokeMock.mock.calls.findIndex((c) => c[0] === "payment_settle")]!,
    );
  });

  it("a decline shows the core's message and pays on retry with a new token", async () => {
    const { onDone } = await mounted(serverProps);
    settleReplies.push(settlement("declined", { message: "The card was declined." }));
    const user = userEvent.setup();
    await user.click(screen.getByTestId("pay"));
    const notice = await screen.findByTestId("checkout-notice");
    expect(notice.textContent).toBe("The card was declined.");
    expect(notice.getAttribute("data-kind")).toBe("declined");
    expect(fake.stripe.handleNextAction).not.toHaveBeenCalled();
    fake.stripe.createConfirmationToken.mockResolvedValueOnce({ confirmationToken: { id: "ctoken_2" } });
    settleReplies.push(settlement("paid"));
    await user.click(screen.getByTestId("pay"));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(calls("payment_finalize").map((c) => (c[1] as { confirmationToken: string }).confirmationToken)).toEqual([
      "ctoken_1",
      "ctoken_2",
    ]);
  });

  it("a token error stops before the core: nothing is finalized", async () => {
    await mounted(serverProps);
    fake.stripe.createConfirmationToken.mockResolvedValueOnce({ error: { message: "Your card number is invalid." } });
    await userEvent.setup().click(screen.getByTestId("pay"));
    expect((await screen.findByTestId("checkout-notice")).textContent).toBe("Your card number is invalid.");
    expect(calls("payment_finalize")).toHaveLength(0);
    expect(screen.getByTestId("pay")).toHaveProperty("disabled", false);
  });

  it("a failed finalize is checked with the core before Pay is offered again", async () => {
    await mounted(serverProps);
    settleReplies.push(settlement("paid"));
    invokeMock.mockImplementationOnce(async () => {
      throw { code: "stripe_unavailable", message: "Stripe could not be reached." };
    });
    const user = userEvent.setup();
    await user.click(screen.getByTestId("pay"));
    expect((await screen.findByTestId("checkout-notice")).textContent).toMatch(/Stripe could not be reached/);
    expect(screen.queryByTestId("pay")).toBeNull();
    await user.click(screen.getByTestId("check-again"));
    await waitFor(() => expect(calls("payment_settle")).toHaveLength(1));
  });

  it("keeps the flow it opened with when Settings change meanwhile", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "payment_start") return start;
      throw new Error(`unexpected command ${cmd}`);
    });
    const props = { order: orderView(1042), stripeJsUrl: STRIPE_JS, onDone: vi.fn(), onVoided: vi.fn() };
    const { rerender } = render(<Checkout {...props} settings={settingsFixture} />);
    await waitFor(() => expect(fake.element.mount).toHaveBeenCalledTimes(1));
    rerender(<Checkout {...props} settings={server} publishableKey="pk_test_from_app_info" />);
    await act(async () => {});
    expect(fake.stripe.elements).toHaveBeenCalledTimes(1);
    expect(fake.element.destroy).not.toHaveBeenCalled();
    expect(screen.queryByTestId("moto")).toBeNull();
  });

  it("says so when the core gave no publishable key", async () => {
    render(<Checkout order={orderView(1042)} stripeJsUrl={STRIPE_JS} onDone={vi.fn()} onVoided={vi.fn()} settings={server} />);
    expect((await screen.findByTestId("checkout-notice")).textContent).toMatch(/publishable key/);
    expect(stripeForMock).not.toHaveBeenCalled();
  });
});

describe("Checkout: a customer's saved cards", () => {
  const ana = { id: "0190c000-0000-7000-8000-000000000001", number: 1, name: "Ana Díaz" };
  const visa = {
    paymentMethodId: "pm_saved_1",
    brand: "visa",
    last4: "4242",
    expMonth: 12,
    expYear: 2034,
    checks: { cvc: "pass", postalCode: "pass", line1: null },
    warning: null,
  };
  let chargeReply: () => Promise<Settlement>;

  beforeEach(() => {
    chargeReply = async () => settlement("paid", { orderId: "ord_1042", orderNumber: 1042, cardLast4: "4242" });
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "payment_start") return start;
      if (cmd === "customer_cards") return { cards: [visa] };
      if (cmd === "payment_charge_saved") return chargeReply();
      throw new Error(`unexpected command ${cmd}`);
    });
  });

  const args = (cmd: string) => invokeMock.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1]);

  it("charges a saved card by phone without the card form, and the core's settlement ends the checkout", async () => {
    const user = userEvent.setup();
    const onDone = vi.fn();
    render(<Checkout order={orderView(1042, { id: "ord_1042", customer: ana })} stripeJsUrl={STRIPE_JS} onDone={onDone} onVoided={vi.fn()} />);
    await screen.findByTestId("saved-card");
    expect(screen.getByTestId("saved-cards").textContent).toContain("visa •••• 4242 exp 12/34");
    await waitFor(() => expect(screen.getByTestId("charge-saved-card")).toHaveProperty("disabled", false));
    await user.click(screen.getByTestId("charge-saved-card"));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(args("payment_charge_saved")).toEqual([{ orderId: "ord_1042", paymentMethodId: "pm_saved_1", cardUse: "moto" }]);
    expect(args("customer_cards")).toEqual([{ id: ana.id }]);
  });

  it("a declined saved card says why and offers a fresh card form; off-session when chosen", async () => {
    const user = userEvent.setup();
    chargeReply = async () => {
      throw { code: "saved_card_declined", message: "The saved card was declined. Your card has insufficient funds. Or take a card in the card form." };
    };
    const onDone = vi.fn();
    render(<Checkout order={orderView(1042, { id: "ord_1042", customer: ana })} stripeJsUrl={STRIPE_JS} onDone={onDone} onVoided={vi.fn()} />);
    await screen.findByTestId("saved-card");
    await waitFor(() => expect(screen.getByTestId("charge-saved-card")).toHaveProperty("disabled", false));
    await user.click(screen.getByTestId("saved-card-off-session"));
    await user.click(screen.getByTestId("charge-saved-card"));
    expect((await screen.findByTestId("saved-card-problem")).textContent).toContain("insufficient funds");
    expect(args("payment_charge_saved")[0]).toMatchObject({ cardUse: "off_session" });
    // The core replaced the card form's intent: the form is started again.
    await waitFor(() => expect(args("payment_start")).toHaveLength(2));
    expect(onDone).not.toHaveBeenCalled();
    await waitFor(() => expect(screen.getByTestId("checkout").dataset.phase).toBe("ready"));
  });

  it("saving the card asks the core for an intent that saves it, with the consent", async () => {
    const user = userEvent.setup();
    render(<Checkout order={orderView(1042, { id: "ord_1042", customer: ana })} stripeJsUrl={STRIPE_JS} onDone={vi.fn()} onVoided={vi.fn()} />);
    await waitFor(() => expect(screen.getByTestId("checkout").dataset.phase).toBe("ready"));
    expect(args("payment_start")).toEqual([{ orderId: "ord_1042" }]);
    await user.click(screen.getByTestId("save-card"));
    await waitFor(() => expect(args("payment_start")).toHaveLength(2));
    expect(args("payment_start")[1]).toEqual({ orderId: "ord_1042", saveCard: { recordedBy: "the cashier at this till" } });
    expect(fake.element.destroy).toHaveBeenCalled();
    await waitFor(() => expect(screen.getByTestId("checkout").dataset.phase).toBe("ready"));
  });

  it("an order without a customer offers neither saved cards nor saving", async () => {
    render(<Checkout order={orderView(1042, { id: "ord_1042" })} stripeJsUrl={STRIPE_JS} onDone={vi.fn()} onVoided={vi.fn()} />);
    await waitFor(() => expect(screen.getByTestId("checkout").dataset.phase).toBe("ready"));
    expect(screen.queryByTestId("saved-cards")).toBeNull();
    expect(screen.queryByTestId("save-card")).toBeNull();
    expect(args("customer_cards")).toEqual([]);
  });
});
