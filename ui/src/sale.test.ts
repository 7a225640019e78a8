import { describe, expect, it } from "vitest";
import { emptySale, parseQuantity, toOrderInput, type SaleForm } from "./sale";

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
    const r = toOrderInput(form({ taxRate: "8.875", tip: " 1.00 " }));
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
