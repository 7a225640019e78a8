import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import { orderView, summary, usd } from "../test/fixtures";
import { PAGE_SIZE, RecentOrders } from "./RecentOrders";

const invokeMock = vi.mocked(invoke);

beforeEach(() => {
  invokeMock.mockReset();
});

describe("RecentOrders", () => {
  it("lists orders, pages with nextBeforeNumber, and opens one", async () => {
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      const a = args as { query?: { beforeNumber?: number }; id?: string };
      if (cmd === "order_list") {
        return a.query?.beforeNumber === undefined
          ? { orders: [summary(3, { total: usd(1107, "$11.07"), status: "paid" }), summary(2)], nextBeforeNumber: 2 }
          : { orders: [summary(1)], nextBeforeNumber: null };
      }
      if (cmd === "order_get") return orderView(Number(a.id?.slice(4)), { note: "Table 4" });
      throw new Error(`unexpected command ${cmd}`);
    });
    const user = userEvent.setup();
    render(<RecentOrders />);

    const rows = await screen.findAllByTestId("order-row");
    expect(rows.map((r) => r.getAttribute("data-number"))).toEqual(["3", "2"]);
    expect(screen.getAllByTestId("order-total")[0]?.textContent).toBe("$11.07");
    expect(invokeMock).toHaveBeenCalledWith("order_list", { query: { limit: PAGE_SIZE } });

    await user.click(screen.getByTestId("orders-more"));
    await waitFor(() => expect(screen.getAllByTestId("order-row")).toHaveLength(3));
    expect(invokeMock).toHaveBeenCalledWith("order_list", { query: { limit: PAGE_SIZE, beforeNumber: 2 } });
    expect(screen.queryByTestId("orders-more")).toBeNull();

    await user.click(screen.getAllByTestId("order-row")[1]!);
    const detail = await screen.findByTestId("order-detail");
    expect(detail.textContent).toContain("Order #2");
    expect(detail.textContent).toContain("Table 4");
    expect(detail.textContent).toContain("cashier saved the order");
    expect(invokeMock).toHaveBeenCalledWith("order_get", { id: "ord_2" });
  });

  it("puts the cursor on the order just saved, and moves with the arrow keys", async () => {
    invokeMock.mockResolvedValue({ orders: [summary(3), summary(2), summary(1)], nextBeforeNumber: null });
    const user = userEvent.setup();
    render(<RecentOrders highlightNumber={2} />);
    await waitFor(() => expect(document.activeElement?.getAttribute("data-number")).toBe("2"));
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement?.getAttribute("data-number")).toBe("1");
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(document.activeElement?.getAttribute("data-number")).toBe("3");
  });

  it("shows the core's error when the list fails", async () => {
    invokeMock.mockRejectedValue({ code: "db_locked", message: "The order database is busy" });
    render(<RecentOrders />);
    expect((await screen.findByTestId("orders-error")).textContent).toBe("The order database is busy");
  });

  it("says when there are no orders", async () => {
    invokeMock.mockResolvedValue({ orders: [], nextBeforeNumber: null });
    render(<RecentOrders />);
    expect(await screen.findByTestId("orders-empty")).toBeTruthy();
  });
});
