import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Settings } from "../api";
import { orderView, settingsFixture, usd } from "../test/fixtures";
import { Receipt } from "./Receipt";

const shop: Settings = {
  ...settingsFixture,
  businessName: "Corner Coffee",
  businessAddress: "1 Main St\nSpringfield",
};

const paidOrder = orderView(1042, {
  status: "paid",
  payment: {
    paymentIntentId: "pi_1",
    cardBrand: "mastercard",
    cardLast4: "4444",
    paidAt: "2026-03-02T18:45:00Z",
    captured: usd(1007, "$10.07"),
    refunded: usd(0, "$0.00"),
    refundable: usd(1007, "$10.07"),
    capturable: usd(0, "$0.00"),
  },
});

describe("Receipt", () => {
  it("prints the business name and address from the settings, not the demo name", () => {
    render(<Receipt order={paidOrder} settings={shop} mode="demo" />);
    expect(screen.getByTestId("receipt-business").textContent).toBe("Corner Coffee");
    expect(screen.getByTestId("receipt-address").textContent).toBe("1 Main St\nSpringfield");
    expect(screen.getByTestId("receipt").textContent).not.toMatch(/Paydesk demo shop/);
  });

  it("falls back to the demo shop's name in demo mode only", () => {
    const { unmount } = render(<Receipt order={paidOrder} settings={{ ...shop, businessName: " ", businessAddress: "" }} mode="demo" />);
    expect(screen.getByTestId("receipt-business").textContent).toBe("Paydesk demo shop");
    expect(screen.queryByTestId("receipt-address")).toBeNull();
    unmount();
    render(<Receipt order={paidOrder} settings={null} mode="live" />);
    expect(screen.queryByTestId("receipt-business")).toBeNull();
    expect(screen.getByTestId("receipt").textContent).not.toMatch(/Paydesk demo shop/);
  });

  it("shows the card and paid date from the order's payment", () => {
    render(<Receipt order={paidOrder} settings={shop} />);
    const card = screen.getByTestId("receipt-card");
    expect(card.getAttribute("data-brand")).toBe("mastercard");
    expect(card.getAttribute("data-last4")).toBe("4444");
    expect(card.textContent).toMatch(/mastercard •••• 4444 — Paid/);
    // paidAt (2 March), not the order's creation (1 March).
    expect(screen.getByTestId("receipt-date").textContent).toBe(
      new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }).format(
        new Date("2026-03-02T18:45:00Z"),
      ),
    );
  });

  it("falls back to the settlement's card when the order does not show one yet", () => {
    render(
      <Receipt
        order={orderView(7, { status: "paid" })}
        settings={null}
        settlement={{ ...paidSettlement, cardBrand: "visa", cardLast4: "4242" }}
      />,
    );
    expect(screen.getByTestId("receipt-card").textContent).toMatch(/visa •••• 4242/);
  });
});

const paidSettlement = {
  orderId: "ord_7",
  orderNumber: 7,
  status: "paid",
  outcome: "paid" as const,
  message: null,
  declineCode: null,
  paymentIntentId: "pi_7",
  cardBrand: null,
  cardLast4: null,
  nextActionClientSecret: null,
};
