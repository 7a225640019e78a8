import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import type { OrderView } from "../api";
import { orderView, settingsFixture, settlement, summary, usd } from "../test/fixtures";
import { authorizedOrder, paidOrder, usdd } from "../test/historyFixtures";
import { OrderDetail } from "./OrderDetail";
import { RecentOrders } from "./RecentOrders";

const invokeMock = vi.mocked(invoke);
const noop = async () => {};

beforeEach(() => {
  invokeMock.mockReset();
});

const calls = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd).map(([, a]) => a);

/**
 * The history with one order in it. `order_get` answers `before` until an action has gone
 * through, then `after` (the core's view of the changed order).
 */
function coreWith(before: OrderView, after: OrderView, action: (cmd: string, args: unknown) => Promise<unknown>) {
  let changed = false;
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    if (cmd === "order_list") {
      const rows = [summary(before.number, { id: before.id, status: before.status }), summary(999), summary(998)];
      return { orders: rows, nextBeforeNumber: null };
    }
    if (cmd === "order_get") return changed ? after : before;
    if (cmd === "settings_get") throw { code: "not_found", message: "no settings yet" };
    if (cmd === "app_info") return { version: "0", mode: "test", dataDir: "/tmp", stripeJsUrl: "" };
    if (!cmd.startsWith("payment_")) throw new Error(`unexpected command ${cmd}`);
    const answer = await action(cmd, args);
    changed = true;
    return answer;
  });
}

async function openOrder(number: number) {
  const user = userEvent.setup();
  render(<RecentOrders />);
  const row = (await screen.findAllByTestId("order-row")).find((r) => r.dataset.number === String(number))!;
  await user.click(row);
  await screen.findByTestId("order-detail");
  return user;
}

const rowStatus = (number: number) =>
  screen.getAllByTestId("order-row").find((r) => r.dataset.number === String(number))?.getAttribute("data-status");

describe("order detail", () => {
  it("shows the payment, refunds and timeline the core sent", () => {
    const order = paidOrder({
      status: "partially_refunded",
      payment: { ...paidOrder().payment, refunded: usdd(250, "$2.50", "2.50"), refundable: usdd(757, "$7.57", "7.57") },
      refunds: [{ amount: usd(250, "$2.50"), reason: "requested_by_customer", status: "succeeded", createdAt: "2026-03-01T11:00:00Z" }],
    });
    render(<OrderDetail order={order} onChanged={noop} />);
    expect(screen.getByTestId("payment-intent-id").textContent).toBe("pi_3PaidVisa4242");
    expect(screen.getByTestId("payment-card").textContent).toBe("Visa •••• 4242");
    expect(screen.getByTestId("payment-captured").textContent).toBe("$10.07");
    expect(screen.getByTestId("payment-refunded").textContent).toBe("$2.50");
    expect(screen.getByTestId("payment-refundable").textContent).toBe("$7.57");
    const refund = screen.getByTestId("refund-row");
    expect(refund.textContent).toContain("$2.50");
    expect(refund.textContent).toContain("Requested by customer");
    const events = screen.getAllByTestId("order-event");
    expect(events).toHaveLength(3);
    expect(events[2]!.textContent).toContain("Awaiting payment → Paid");
    expect(events[2]!.textContent).toContain("Stripe: succeeded");
  });

  it("offers only the actions the core allows", () => {
    const { rerender } = render(<OrderDetail order={paidOrder()} onChanged={noop} />);
    const offered = () => within(screen.getByTestId("order-actions")).queryAllByRole("button").map((b) => b.dataset.testid);
    expect(offered()).toEqual(["action-refund", "action-reprint"]);

    rerender(<OrderDetail order={authorizedOrder()} onChanged={noop} />);
    expect(offered()).toEqual(["action-capture", "action-void", "action-reprint"]);

    // A draft: the core allows void (pay and edit belong to the sale screen); nothing to print.
    rerender(<OrderDetail order={orderView(1001)} onChanged={noop} />);
    expect(offered()).toEqual(["action-void"]);

    rerender(<OrderDetail order={paidOrder({ status: "refunded", actions: { pay: false, edit: false, capture: false, refund: false, void: false } })} onChanged={noop} />);
    expect(offered()).toEqual(["action-reprint"]);
  });
});

describe("order actions", () => {
  it("captures the amount as typed, then reloads the order and its row", async () => {
    const after = authorizedOrder({
      status: "paid",
      actions: { pay: false, edit: false, capture: false, refund: true, void: false },
      payment: { ...authorizedOrder().payment, captured: usdd(2500, "$25.00", "25.00"), capturable: usdd(0, "$0.00", "0.00") },
    });
    coreWith(authorizedOrder(), after, async () => settlement("paid", { orderId: "ord_1003", orderNumber: 1003, status: "paid" }));
    const user = await openOrder(1003);

    await user.click(screen.getByTestId("action-capture"));
    const amount = screen.getByTestId("capture-amount") as HTMLInputElement;
    expect(amount.placeholder).toBe("40.00");
    expect(document.activeElement).toBe(amount);
    expect(screen.getByTestId("capture-confirm").textContent).toBe("Capture $40.00");
    await user.type(amount, "25.00");
    expect(screen.getByTestId("capture-confirm").textContent).toBe("Capture $25.00");
    await user.keyboard("{Enter}");

    await waitFor(() => expect(screen.getByTestId("action-result").dataset.outcome).toBe("paid"));
    expect(calls("payment_capture")).toEqual([{ orderId: "ord_1003", amount: "25.00" }]);
    expect(calls("order_get")).toHaveLength(2);
    expect(screen.getByTestId("order-detail").querySelector('[data-testid="status-badge"]')?.getAttribute("data-status")).toBe("paid");
    expect(screen.getByTestId("payment-captured").textContent).toBe("$25.00");
    expect(rowStatus(1003)).toBe("paid");
    // The core no longer allows a capture: its button is gone, a refund is offered.
    expect(screen.queryByTestId("action-capture")).toBeNull();
    expect(screen.getByTestId("action-refund")).toBeTruthy();
    // The keyboard stays in the order: Tab goes on to its next action.
    expect(document.activeElement).toBe(screen.getByTestId("order-actions"));
  });

  it("captures everything when the amount is left empty", async () => {
    coreWith(authorizedOrder(), authorizedOrder({ status: "paid" }), async () => settlement("paid"));
    const user = await openOrder(1003);
    await user.click(screen.getByTestId("action-capture"));
    await user.click(screen.getByTestId("capture-confirm"));
    await screen.findByTestId("action-result");
    expect(calls("payment_capture")).toEqual([{ orderId: "ord_1003", amount: null }]);
  });

  it("refunds the typed amount with the chosen reason, naming the card", async () => {
    const after = paidOrder({ status: "partially_refunded" });
    coreWith(paidOrder(), after, async () => settlement("partially_refunded"));
    const user = await openOrder(1002);

    await user.click(screen.getByTestId("action-refund"));
    expect((screen.getByTestId("refund-amount") as HTMLInputElement).placeholder).toBe("10.07");
    expect(screen.getByTestId("refund-confirm").textContent).toBe("Refund $10.07 to Visa •••• 4242?");
    await user.type(screen.getByTestId("refund-amount"), "2.50");
    await user.selectOptions(screen.getByTestId("refund-reason"), "duplicate");
    expect(screen.getByTestId("refund-confirm").textContent).toBe("Refund $2.50 to Visa •••• 4242?");
    await user.click(screen.getByTestId("refund-confirm"));

    await waitFor(() => expect(screen.getByTestId("action-result").dataset.outcome).toBe("partially_refunded"));
    expect(calls("payment_refund")).toEqual([{ orderId: "ord_1002", amount: "2.50", reason: "duplicate" }]);
    expect(rowStatus(1002)).toBe("partially_refunded");
    expect(screen.queryByTestId("refund-form")).toBeNull();
  });

  it("refunds everything, with no reason, when both are left empty", async () => {
    coreWith(paidOrder(), paidOrder({ status: "refunded" }), async () => settlement("refunded"));
    const user = await openOrder(1002);
    await user.click(screen.getByTestId("action-refund"));
    await user.selectOptions(screen.getByTestId("refund-reason"), "");
    await user.click(screen.getByTestId("refund-confirm"));
    await screen.findByTestId("action-result");
    expect(calls("payment_refund")).toEqual([{ orderId: "ord_1002", amount: null, reason: null }]);
  });

  it("voids only after the confirm, and sends one request however often it is clicked", async () => {
    let release: (v: unknown) => void = () => {};
    coreWith(authorizedOrder(), authorizedOrder({ status: "voided" }), () => new Promise((r) => (release = r)));
    const user = await openOrder(1003);

    await user.click(screen.getByTestId("action-void"));
    expect(calls("payment_void")).toHaveLength(0);
    // Focus starts on "Keep it": a stray Enter does not void.
    expect(document.activeElement?.textContent).toContain("Keep it");
    const confirm = screen.getByTestId("void-order-confirm");
    await user.click(confirm);
    await user.click(confirm);
    expect(calls("payment_void")).toEqual([{ orderId: "ord_1003" }]);
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("action-capture") as HTMLButtonElement).disabled).toBe(true);

    await act(async () => release(settlement("voided", { orderId: "ord_1003" })));
    await waitFor(() => expect(rowStatus(1003)).toBe("voided"));
    expect(screen.getByTestId("action-result").textContent).toContain("Voided");
  });

  it("shows the core's message when an action fails, and keeps the form", async () => {
    coreWith(paidOrder(), paidOrder(), async () => {
      throw { code: "amount_too_large", message: "A refund cannot be more than the $10.07 still refundable" };
    });
    const user = await openOrder(1002);
    await user.click(screen.getByTestId("action-refund"));
    await user.type(screen.getByTestId("refund-amount"), "50");
    await user.click(screen.getByTestId("refund-confirm"));
    expect((await screen.findByTestId("action-error")).textContent).toBe("A refund cannot be more than the $10.07 still refundable");
    expect(screen.queryByTestId("action-result")).toBeNull();
    // Nothing changed, so nothing was read again; the typed amount is still there to fix.
    expect(calls("order_get")).toHaveLength(1);
    expect((screen.getByTestId("refund-amount") as HTMLInputElement).value).toBe("50");
    expect((screen.getByTestId("refund-confirm") as HTMLButtonElement).disabled).toBe(false);
  });

  it("works from the keyboard: Enter opens the order, Tab reaches its actions", async () => {
    coreWith(paidOrder(), paidOrder({ status: "refunded" }), async () => settlement("refunded"));
    const user = userEvent.setup();
    render(<RecentOrders />);
    await waitFor(() => expect(document.activeElement?.getAttribute("data-number")).toBe("1002"));
    await user.keyboard("{Enter}");
    await screen.findByTestId("action-refund");
    // The rows are one stop in the Tab order, so the next stop is the order's first action.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId("action-refund"));
    await user.keyboard("{Enter}");
    expect(document.activeElement).toBe(screen.getByTestId("refund-amount"));
    await user.keyboard("1.00{Enter}");
    await screen.findByTestId("action-result");
    expect(calls("payment_refund")).toEqual([{ orderId: "ord_1002", amount: "1.00", reason: "requested_by_customer" }]);
  });

  it("Escape closes a form without calling the core", async () => {
    coreWith(paidOrder(), paidOrder(), async () => settlement("refunded"));
    const user = await openOrder(1002);
    await user.click(screen.getByTestId("action-refund"));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("refund-form")).toBeNull();
    expect(calls("payment_refund")).toHaveLength(0);
  });

  it("reprints the receipt in a print-only container", async () => {
    // What the printer gets: the receipt of this order, outside the app's own tree.
    let printed: { shop?: string | null; number?: string | null; total?: string | null } | null = null;
    const print = vi.spyOn(window, "print").mockImplementation(() => {
      const area = document.body.querySelector(':scope > [data-testid="print-area"]');
      printed = {
        shop: area?.querySelector('[data-testid="receipt-business"]')?.textContent,
        number: area?.querySelector('[data-testid="receipt-order-number"]')?.textContent,
        total: area?.querySelector('[data-testid="receipt-total"]')?.textContent,
      };
    });
    const shop = { ...settingsFixture, businessName: "Corner Café" };
    render(<OrderDetail order={paidOrder()} settings={shop} onChanged={noop} />);
    await userEvent.setup().click(screen.getByTestId("action-reprint"));
    expect(print).toHaveBeenCalledTimes(1);
    expect(printed).toEqual({ shop: "Corner Café", number: "#1002", total: "$10.07" });
    act(() => {
      window.dispatchEvent(new Event("afterprint"));
    });
    expect(screen.queryByTestId("print-area")).toBeNull();
  });
});
