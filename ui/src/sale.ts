// The cashier's form, exactly as typed, and its translation into the core's OrderInput.
// No arithmetic on money here: prices, rates, tip and discount stay strings.
import type { MoneyView, OrderCustomer, OrderInput, OrderView, QuickItem, Settings, TaxInput } from "./api";

export type DraftLine = {
  key: number;
  description: string;
  quantity: string;
  unitPrice: string;
};

/** One tax row. `inclusive` is per row (as the core takes it) but the screen toggles all rows at once. */
export type DraftTax = {
  key: number;
  name: string;
  rate: string;
  inclusive: boolean;
};

export type DiscountKind = "none" | "percent" | "amount";

export type SaleForm = {
  currency: string;
  lines: DraftLine[];
  discountKind: DiscountKind;
  discountValue: string;
  taxes: DraftTax[];
  tip: string;
  note: string;
  customerEmail: string;
  /** From the directory; `email` (when known) is what the core fills in if customerEmail is left empty. */
  customer: SaleCustomer | null;
};

export type SaleCustomer = OrderCustomer & { email?: string | null };

export const CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY"] as const;

/** The core accepts up to five rates per order. */
export const MAX_TAXES = 5;

export const DEFAULT_TAX_NAME = "Sales tax";

let lastKey = 0;
/** React keys for rows; never sent to the core. */
export function newKey(): number {
  return ++lastKey;
}

/** The empty row a sale shows when the shop has no rates: typing a rate into it is the whole setup. */
export function blankTax(): DraftTax {
  return { key: newKey(), name: DEFAULT_TAX_NAME, rate: "", inclusive: false };
}

function draftTaxes(taxes: readonly TaxInput[]): DraftTax[] {
  return taxes.length === 0 ? [blankTax()] : taxes.map((t) => ({ key: newKey(), ...t }));
}

export function emptySale(currency = "USD", taxes: readonly TaxInput[] = []): SaleForm {
  return {
    currency,
    lines: [],
    discountKind: "none",
    discountValue: "",
    taxes: draftTaxes(taxes),
    tip: "",
    note: "",
    customerEmail: "",
    customer: null,
  };
}

/** What a new sale starts with: the shop's currency and rates, or today's defaults without settings. */
export function saleFromSettings(settings: Settings | null): SaleForm {
  return settings ? emptySale(settings.defaultCurrency || "USD", settings.taxes) : emptySale();
}

/** The next sale keeps the currency and rates on screen (the shop rarely changes them between sales). */
export function nextSale(form: SaleForm): SaleForm {
  return { ...emptySale(form.currency), taxes: form.taxes.map((t) => ({ ...t, key: newKey() })) };
}

/** Currency and rates, the part of a form that settings decide; for "has the cashier changed them?". */
export function startKey(form: SaleForm): string {
  return JSON.stringify([form.currency, form.taxes.map(({ name, rate, inclusive }) => [name, rate, inclusive])]);
}

export function quickLine(item: QuickItem): Omit<DraftLine, "key"> {
  return { description: item.description, quantity: "1", unitPrice: item.unitPrice };
}

/**
 * The machine-readable amount of a core MoneyView. `decimal` is what the core sends for this;
 * the fallback only strips the currency symbol and grouping from `display` (no arithmetic).
 */
function typedAmount(m: MoneyView): string {
  if (m.decimal !== undefined) return m.decimal;
  return m.display.replace(/[^\d.-]/g, "");
}

/**
 * The form for editing a saved order. The order as typed (`order.input`) is exact; without it
 * the form is rebuilt from the quote, where a percent discount can only come back as its amount.
 */
export function saleFromOrder(order: OrderView, fallbackTaxes: readonly DraftTax[] = []): SaleForm {
  const input = order.input;
  if (input) {
    const d = input.discount;
    return {
      currency: input.currency,
      lines: input.lines.map((l) => ({ key: newKey(), description: l.description, quantity: String(l.quantity), unitPrice: l.unitPrice })),
      discountKind: d ? d.kind : "none",
      discountValue: d ? (d.kind === "percent" ? d.percent : d.amount) : "",
      taxes: draftTaxes(input.taxes),
      tip: input.tip ?? "",
      note: input.note ?? "",
      customerEmail: input.customerEmail ?? "",
      customer: order.customer ?? null,
    };
  }
  const q = order.quote;
  const taxes: TaxInput[] = q.taxes
    ? q.taxes.map((t) => ({ name: t.name, rate: t.rate.replace(/%$/, ""), inclusive: t.inclusive }))
    : fallbackTaxes.map(({ name, rate, inclusive }) => ({ name, rate, inclusive }));
  return {
    currency: q.currency,
    lines: q.lines.map((l) => ({
      key: newKey(),
      description: l.description,
      quantity: String(l.quantity),
      unitPrice: typedAmount(l.unitPrice),
    })),
    discountKind: q.discount.minor !== 0 ? "amount" : "none",
    discountValue: q.discount.minor !== 0 ? typedAmount(q.discount) : "",
    taxes: draftTaxes(taxes),
    tip: q.tip.minor !== 0 ? typedAmount(q.tip) : "",
    note: order.note ?? "",
    customerEmail: order.customerEmail ?? "",
    customer: order.customer ?? null,
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
  // A row without a rate is no tax (the empty row a sale starts with).
  const taxes: OrderInput["taxes"] = form.taxes
    .filter((t) => t.rate.trim() !== "")
    .map((t) => ({ name: t.name.trim() || "Tax", rate: t.rate.trim(), inclusive: t.inclusive }));
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
      ...(form.customer ? { customerId: form.customer.id } : {}),
    },
  };
}
