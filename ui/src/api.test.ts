import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import { api, ApiError, inTauri, type OrderInput } from "./api";
import { orderView, quoteCoffee } from "./test/fixtures";

const invokeMock = vi.mocked(invoke);

const input: OrderInput = {
  currency: "USD",
  lines: [{ description: "Flat white", quantity: 2, unitPrice: "3.50" }],
  discount: null,
  taxes: [{ name: "Sales tax", rate: "8.875", inclusive: false }],
  tip: null,
  note: null,
  customerEmail: null,
};

beforeEach(() => {
  invokeMock.mockReset();
});

describe("ApiError.from", () => {
  it("keeps the core's {code, message}", () => {
    const e = ApiError.from({ code: "invalid_price", message: "Line 1: price is not a number" });
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe("invalid_price");
    expect(e.message).toBe("Line 1: price is not a number");
  });

  it("wraps Tauri's plain-string rejections as ipc errors", () => {
    const e = ApiError.from("Command order_quote not allowed by ACL");
    expect(e.code).toBe("ipc");
    expect(e.message).toBe("Command order_quote not allowed by ACL");
  });

  it("wraps thrown Errors", () => {
    const e = ApiError.from(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    expect(e.code).toBe("ipc");
    expect(e.message).toContain("__TAURI_INTERNALS__");
  });

  it("does not trust a code that is not a string", () => {
    const e = ApiError.from({ code: 42, message: "odd" });
    expect(e.code).toBe("unknown");
    expect(e.message).toBe("odd");
  });

  it("has a message for anything else", () => {
    for (const v of [null, undefined, 7, {}]) {
      const e = ApiError.from(v);
      expect(e.code).toBe("unknown");
      expect(e.message.length).toBeGreaterThan(0);
    }
  });

  it("returns an ApiError unchanged", () => {
    const e = new ApiError("x", "y");
    expect(ApiError.from(e)).toBe(e);
  });
});

describe("api commands", () => {
  it("app_info takes no arguments", async () => {
    invokeMock.mockResolvedValueOnce({ version: "0.1.0", mode: "demo", dataDir: "/tmp/p" });
    await expect(api.appInfo()).resolves.toEqual({ version: "0.1.0", mode: "demo", dataDir: "/tmp/p" });
    expect(invokeMock).toHaveBeenCalledWith("app_info", undefined);
  });

  it("order_quote sends the input under `input`, strings untouched", async () => {
    invokeMock.mockResolvedValueOnce(quoteCoffee);
    await expect(api.orderQuote(input)).resolves.toBe(quoteCoffee);
    expect(invokeMock).toHaveBeenCalledWith("order_quote", { input });
    const sent = invokeMock.mock.calls[0]?.[1] as { input: OrderInput };
    expect(sent.input.lines[0]?.unitPrice).toBe("3.50");
    expect(sent.input.taxes[0]?.rate).toBe("8.875");
  });

  it("order_create sends the input under `input`", async () => {
    invokeMock.mockResolvedValueOnce(orderView(7));
    const o = await api.orderCreate(input);
    expect(o.number).toBe(7);
    expect(invokeMock).toHaveBeenCalledWith("order_create", { input });
  });

  it("order_list sends the query under `query`, empty by default", async () => {
    invokeMock.mockResolvedValue({ orders: [], nextBeforeNumber: null });
    await api.orderList();
    expect(invokeMock).toHaveBeenLastCalledWith("order_list", { query: {} });
    await api.orderList({ limit: 25, beforeNumber: 100 });
    expect(invokeMock).toHaveBeenLastCalledWith("order_list", { query: { limit: 25, beforeNumber: 100 } });
  });

  it("order_get sends the id", async () => {
    invokeMock.mockResolvedValueOnce(orderView(3));
    await api.orderGet("ord_3");
    expect(invokeMock).toHaveBeenCalledWith("order_get", { id: "ord_3" });
  });

  it("turns a core rejection into an ApiError", async () => {
    invokeMock.mockRejectedValueOnce({ code: "empty_order", message: "An order needs at least one line" });
    const err = await api.orderQuote(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("empty_order");
    expect((err as ApiError).message).toBe("An order needs at least one line");
  });
});

describe("inTauri", () => {
  it("is false without the Tauri internals and true with them", () => {
    expect(inTauri()).toBe(false);
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    expect(inTauri()).toBe(true);
  });
});
