import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import { orderView, summary, usd } from "../test/fixtures";
import { DEBOUNCE_MS, PAGE_SIZE, RecentOrders } from "./RecentOrders";

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
    // The timeline: when, from → to, and why.
    expect(detail.querySelector('[data-testid="order-event"]')?.textContent).toContain("Draft");
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

/** The `query` of every order_list call so far. */
const listQueries = () => invokeMock.mock.calls.filter(([cmd]) => cmd === "order_list").map(([, a]) => (a as { query: unknown }).query);

describe("History search and filters", () => {
  beforeEach(() => {
    // Only the debounce timer is faked; the rest (testing-library's polling, React) runs for real.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    // testing-library waits with setTimeout; it advances fake timers itself when it sees `jest`.
    (globalThis as Record<string, unknown>).jest = { advanceTimersByTime: (ms: number) => vi.advanceTimersByTime(ms) };
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "order_list") {
        const q = (args as { query: { text?: string; status?: string; beforeNumber?: number } }).query;
        if (q.status === "refunded") return { orders: [], nextBeforeNumber: null };
        if (q.text === "croissant" && q.beforeNumber === undefined) return { orders: [summary(9), summary(7)], nextBeforeNumber: 7 };
        if (q.text === "croissant") return { orders: [summary(4)], nextBeforeNumber: null };
        return { orders: [summary(12), summary(11)], nextBeforeNumber: null };
      }
      if (cmd === "settings_get") throw { code: "not_found", message: "no settings" };
      throw new Error(`unexpected command ${cmd}`);
    });
  });
  afterEach(() => {
    delete (globalThis as Record<string, unknown>).jest;
    vi.useRealTimers();
  });

  const setup = async () => {
    const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    render(<RecentOrders />);
    await screen.findAllByTestId("order-row");
    expect(listQueries()).toEqual([{ limit: PAGE_SIZE }]);
    return user;
  };

  it("sends the search text to the core once the cashier stops typing", async () => {
    const user = await setup();
    await user.type(screen.getByTestId("history-search"), "croissant");
    // Nothing while typing, nor just before the quiet time is over…
    act(() => vi.advanceTimersByTime(DEBOUNCE_MS - 1));
    expect(listQueries()).toHaveLength(1);
    // …then one request with the whole text, not one per keystroke.
    act(() => vi.advanceTimersByTime(1));
    await waitFor(() => expect(screen.getAllByTestId("order-row").map((r) => r.dataset.number)).toEqual(["9", "7"]));
    expect(listQueries()).toEqual([{ limit: PAGE_SIZE }, { limit: PAGE_SIZE, text: "croissant" }]);

    // Paging keeps the search: the cursor and the same text.
    await user.click(screen.getByTestId("orders-more"));
    await waitFor(() => expect(screen.getAllByTestId("order-row")).toHaveLength(3));
    expect(listQueries().at(-1)).toEqual({ limit: PAGE_SIZE, text: "croissant", beforeNumber: 7 });
    expect(screen.queryByTestId("orders-more")).toBeNull();
  });

  it("sends status, from and to, and says when nothing matches", async () => {
    const user = await setup();
    await user.selectOptions(screen.getByTestId("history-status"), "refunded");
    fireEvent.change(screen.getByTestId("history-from"), { target: { value: "2026-03-01" } });
    fireEvent.change(screen.getByTestId("history-to"), { target: { value: "2026-03-31" } });
    act(() => vi.advanceTimersByTime(DEBOUNCE_MS));
    expect((await screen.findByTestId("orders-empty")).textContent).toContain("No orders match");
    // Three changes inside the quiet time: one request carrying all three.
    expect(listQueries()).toEqual([{ limit: PAGE_SIZE }, { limit: PAGE_SIZE, status: "refunded", from: "2026-03-01", to: "2026-03-31" }]);

    await user.click(screen.getByTestId("history-clear"));
    act(() => vi.advanceTimersByTime(DEBOUNCE_MS));
    await screen.findAllByTestId("order-row");
    expect(listQueries().at(-1)).toEqual({ limit: PAGE_SIZE });
    expect((screen.getByTestId("history-status") as HTMLSelectElement).value).toBe("");
  });

  it("offers every order status in the filter", async () => {
    await setup();
    const values = [...(screen.getByTestId("history-status") as HTMLSelectElement).options].map((o) => o.value);
    expect(values).toEqual([
      "",
      "draft",
      "awaiting_payment",
      "action_required",
      "processing",
      "authorized",
      "paid",
      "partially_refunded",
      "refunded",
      "voided",
    ]);
  });

  it("jumps to the search box with / and Ctrl+F, and back to the rows with ArrowDown", async () => {
    const user = await setup();
    const search = screen.getByTestId("history-search");
    screen.getAllByTestId("order-row")[1]!.focus();
    await user.keyboard("/");
    expect(document.activeElement).toBe(search);
    expect((search as HTMLInputElement).value).toBe("");
    await user.keyboard("{ArrowDown}");
    expect(document.activeElement?.getAttribute("data-number")).toBe("12");
    await user.keyboard("{Control>}f{/Control}");
    expect(document.activeElement).toBe(search);
  });

  it("ignores an answer that arrives after a newer one", async () => {
    let releaseOld: (v: unknown) => void = () => {};
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd !== "order_list") throw new Error("no");
      const q = (args as { query: { text?: string } }).query;
      if (q.text === "old") return new Promise((r) => (releaseOld = r));
      if (q.text === "new") return { orders: [summary(5)], nextBeforeNumber: null };
      return { orders: [summary(12)], nextBeforeNumber: null };
    });
    const user = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    render(<RecentOrders />);
    await screen.findAllByTestId("order-row");
    const search = screen.getByTestId("history-search");
    await user.type(search, "old");
    act(() => vi.advanceTimersByTime(DEBOUNCE_MS));
    await user.clear(search);
    await user.type(search, "new");
    act(() => vi.advanceTimersByTime(DEBOUNCE_MS));
    await waitFor(() => expect(screen.getAllByTestId("order-row").map((r) => r.dataset.number)).toEqual(["5"]));
    await act(async () => releaseOld({ orders: [summary(1)], nextBeforeNumber: null }));
    expect(screen.getAllByTestId("order-row").map((r) => r.dataset.number)).toEqual(["5"]);
  });
});
