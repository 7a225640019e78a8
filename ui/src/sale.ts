// The cashier's form, exactly as typed, and its translation into the core's OrderInput.
// No arithmetic on money here: prices, rates, tip and discount stay strings.
import type { OrderInput } from "./api";

export type DraftLine = {
  key: number;
  description: string;
  quantity: string;
  unitPrice: string;
};

export type DiscountKind = "none" | "percent" | "amount";

export type SaleForm = {
  currency: string;
  lines: DraftLine[];
  discountKind: DiscountKind;
  discountValue: string;
  taxName: string;
  taxRate: string;
  taxInclusive: boolean;
  tip: string;
  note: string;
  customerEmail: string;
};

export const CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY"] as const;

export function emptySale(currency = "USD"): SaleForm {
  return {
    currency,
    lines: [],
    discountKind: "none",
    discountValue: "",
    taxName: "Sales tax",
    taxRate: "",
    taxInclusive: false,
    tip: "",
    note: "",
    customerEmail: "",
  };
}

export const MAX_QUANTITY = 9999;

/** Quantity is a count of items, not money: a whole number from 1 to MAX_QUANTITY. */
export function parseQuantity(raw: string): number | null {
  const s = raw.trim();
  if (!/^\d{1,4}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= MAX_QUANTITY ? n : null;
}

const orNull = (s: string): string | null => (s.trim() === "" ? null : s.trim());

export type InputResult = { ok: true; input: OrderInput } | { ok: false; error: string };

/** Builds what the core is sent. Only checks what the core cannot (quantity is a number). */
export function toOrderInput(form: SaleForm): InputResult {
  const lines: OrderInput["lines"] = [];
  for (const [i, l] of form.lines.entries()) {
    const quantity = parseQuantity(l.quantity);
    if (quantity === null) {
      return { ok: false, error: `Line ${i + 1}: quantity must be a whole number from 1 to ${MAX_QUANTITY}` };
    }
    lines.push({ description: l.description.trim(), quantity, unitPrice: l.unitPrice.trim() });
  }
  let discount: OrderInput["discount"] = null;
  const dv = form.discountValue.trim();
  if (form.discountKind === "percent" && dv !== "") discount = { kind: "percent", percent: dv };
  if (form.discountKind === "amount" && dv !== "") discount = { kind: "amount", amount: dv };
  const rate = form.taxRate.trim();
  const taxes: OrderInput["taxes"] =
    rate === "" ? [] : [{ name: form.taxName.trim() || "Tax", rate, inclusive: form.taxInclusive }];
  return {
    ok: true,
    input: {
      currency: form.currency,
      lines,
      discount,
      taxes,
      tip: orNull(form.tip),
      note: orNull(form.note),
      customerEmail: orNull(form.customerEmail),
    },
  };
}
