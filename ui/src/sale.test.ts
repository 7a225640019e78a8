import { describe, expect, it } from "vitest";
import { emptySale, parseQuantity, saleFromOrder, saleFromSettings, toOrderInput, type SaleForm } from "./sale";
import { orderView, quoteCoffee } from "./test/fixtures";

const form = (over: Partial<SaleForm> = {}): SaleForm => ({
  ...emptySale(),
  lines: [
    { key: 1, description: " Flat white ", quantity: "2", unitPrice: " 3.50 " },
    { key: 2, description: "Croissant", quantity: "1", unitPrice: "2.25" },
  ],
  ...over,
});

describe("parseQuantity", () => {
  it("accepts whole numbers 1..9999", () => {
    expect(parseQuantity("1")).toBe(1);
    expect(parseQuantity(" 12 ")).toBe(12);
    expect(parseQuantity("9999")).toBe(9999);
  });
  it("rejects anything else", () => {
    for (const s of ["", "0", "-1", "1.5", "1e3", "10000", "abc", "0x10"]) expect(parseQuantity(s)).toBeNull();
  });
});

describe("toOrderInput", () => {
  it("sends money as the typed strings (trimmed), never as numbers", () => {
    const r = toOrderInput(form({ taxes: [{ key: 1, name: "Sales tax", rate: "8.875", inclusive: false }], tip: " 1.00 " }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input).toEqual({
      currency: "USD",
      lines: [
        { description: "Flat white", quantity: 2, unitPrice: "3.50" },
        { description: "Croissant", quantity: 1, unitPrice: "2.25" },
      ],
      discount: null,
      taxes: [{ name: "Sales tax", rate: "8.875", inclusive: false }],
      tip: "1.00",
      note: null,
      customerEmail: null,
    });
  });

  it("leaves taxes empty when no rate is typed", () => {
    const r = toOrderInput(form());
    expect(r.ok && r.input.taxes).toEqual([]);
  });

  it("maps the discount kind", () => {
    const p = toOrderInput(form({ discountKind: "percent", discountValue: "10" }));
    expect(p.ok && p.input.discount).toEqual({ kind: "percent", percent: "10" });
    const a = toOrderInput(form({ discountKind: "amount", discountValue: "1.50" }));
    expect(a.ok && a.input.discount).toEqual({ kind: "amount", amount: "1.50" });
    const none = toOrderInput(form({ discountKind: "percent", discountValue: "  " }));
    expect(none.ok && none.input.discount).toBeNull();
  });

  it("reports a bad quantity with its line number", () => {
    const f = form();
    f.lines[1] = { key: 2, description: "Croissant", quantity: "1.5", unitPrice: "2.25" };
    const r = toOrderInput(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^Line 2: quantity/);
  });

  it("keeps note and email when given", () => {
    const r = toOrderInput(form({ note: "Table 4", customerEmail: "a@b.co" }));
    expect(r.ok && [r.input.note, r.input.customerEmail]).toEqual(["Table 4", "a@b.co"]);
  });
});

describe("saleFromOrder", () => {
  it("rebuilds an order without `input` from its quote: decimals as typed, discount as its amount", () => {
    const m = (minor: number, decimal: string) => ({ minor, currency: "USD", display: `$${decimal}`, decimal });
    const order = orderView(5, {
      quote: {
        ...quoteCoffee,
        lines: quoteCoffee.lines.map((l) => ({ ...l, unitPrice: { ...l.unitPrice, decimal: l.unitPrice.display.slice(1) } })),
        taxes: [{ name: "Sales tax", rate: "8.875%", inclusive: false, amount: m(82, "0.82") }],
        discount: m(93, "0.93"),
        tip: m(200, "2.00"),
      },
      note: "Table 4",
    });
    const f = saleFromOrder(order);
    expect(f.lines.map(({ description, quantity, unitPrice }) => [description, quantity, unitPrice])).toEqual([
      ["Flat white", "2", "3.50"],
      ["Croissant", "1", "2.25"],
    ]);
    expect([f.discountKind, f.discountValue, f.tip, f.note]).toEqual(["amount", "0.93", "2.00", "Table 4"]);
    expect(f.taxes.map(({ name, rate, inclusive }) => ({ name, rate, inclusive }))).toEqual([
      { name: "Sales tax", rate: "8.875", inclusive: false },
    ]);
  });
});

describe("saleFromSettings", () => {
  it("starts with the shop's currency and rates, or USD and one empty rate without settings", () => {
    const s = saleFromSettings({
      businessName: "",
      businessAddress: "",
      defaultCurrency: "JPY",
      taxes: [{ name: "消費税", rate: "10", inclusive: true }],
      quickItems: [],
      capture: "automatic",
      paymentMethods: "card",
      statementDescriptorSuffix: null,
      confirmation: "window",
    });
    expect(s.currency).toBe("JPY");
    expect(s.taxes.map((t) => [t.name, t.rate, t.inclusive])).toEqual([["消費税", "10", true]]);
    const none = saleFromSettings(null);
    expect(none.currency).toBe("USD");
    expect(none.taxes.map((t) => [t.name, t.rate])).toEqual([["Sales tax", ""]]);
    expect(toOrderInput(none).ok && (toOrderInput(none) as { input: { taxes: unknown[] } }).input.taxes).toEqual([]);
  });
});
