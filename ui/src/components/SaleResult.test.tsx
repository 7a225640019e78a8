import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import { orderView, settlement } from "../test/fixtures";
import { SaleResult } from "./SaleResult";

const invokeMock = vi.mocked(invoke);

beforeEach(() => {
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    if (cmd === "order_get") return orderView(1042, { id: (args as { id: string }).id, status: "paid" });
    throw new Error(`unexpected command ${cmd}`);
  });
});

const paid = settlement("paid", { orderId: "ord_1042", orderNumber: 1042, cardBrand: "visa", cardLast4: "4242" });

describe("SaleResult", () => {
  it("shows Paid and a receipt with the core's lines, tax, total and the card", async () => {
    render(<SaleResult orderId="ord_1042" settlement={paid} onNewSale={vi.fn()} mode="demo" />);
    expect(screen.getByTestId("result-headline").textContent).toBe("Paid");
    const receipt = await screen.findByTestId("receipt");
    expect(invokeMock).toHaveBeenCalledWith("order_get", { id: "ord_1042" });
    expect(receipt.textContent).toMatch(/Paydesk demo shop/);
    expect(screen.getByTestId("receipt-order-number").textContent).toBe("#1042");
    expect(screen.getAllByTestId("receipt-line").map((l) => l.textContent)).toEqual([
      "2 ×Flat white @ $3.50$7.00",
      "1 ×Croissant$2.25",
    ]);
    expect(screen.getByTestId("receipt-tax").textContent).toBe("$0.82");
    expect(screen.getByTestId("receipt-total").textContent).toBe("$10.07");
    expect(screen.getByTestId("receipt-card").textContent).toMatch(/visa •••• 4242/);
  });

  it("says Authorized for an authorize-only sale", async () => {
    render(<SaleResult orderId="ord_1042" settlement={{ ...paid, outcome: "authorized" }} onNewSale={vi.fn()} />);
    expect(screen.getByTestId("result-headline").textContent).toMatch(/^Authorized/);
    await screen.findByTestId("receipt");
  });

  it("prints with window.print and starts a new sale with Enter", async () => {
    const onNewSale = vi.fn();
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    render(<SaleResult orderId="ord_1042" settlement={paid} onNewSale={onNewSale} />);
    await screen.findByTestId("receipt");
    const user = userEvent.setup();
    // "New sale" has the focus: Enter is the next sale.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("new-sale")));
    await user.keyboard("{Enter}");
    expect(onNewSale).toHaveBeenCalledTimes(1);
    expect(print).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("print-receipt"));
    expect(print).toHaveBeenCalledTimes(1);
    // Enter from outside any button also starts the next sale.
    (document.activeElement as HTMLElement | null)?.blur();
    await user.keyboard("{Enter}");
    expect(onNewSale).toHaveBeenCalledTimes(2);
  });
});
