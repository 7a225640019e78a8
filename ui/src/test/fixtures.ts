// Test data shaped like the core's answers. The numbers are what the core would say;
// the UI under test must only display them.
import type { KeyStatus, MoneyView, OrderSummary, OrderView, Quote, Settings, Settlement } from "../api";

export const usd = (minor: number, display: string): MoneyView => ({ minor, currency: "USD", display });

export const quoteCoffee: Quote = {
  currency: "USD",
  lines: [
    {
      description: "Flat white",
      quantity: 2,
      unitPrice: usd(350, "$3.50"),
      total: usd(700, "$7.00"),
      discount: usd(0, "$0.00"),
      tax: usd(62, "$0.62"),
    },
    {
      description: "Croissant",
      quantity: 1,
      unitPrice: usd(225, "$2.25"),
      total: usd(225, "$2.25"),
      discount: usd(0, "$0.00"),
      tax: usd(20, "$0.20"),
    },
  ],
  subtotal: usd(925, "$9.25"),
  discount: usd(0, "$0.00"),
  taxExclusive: usd(82, "$0.82"),
  taxInclusive: usd(0, "$0.00"),
  tip: usd(0, "$0.00"),
  rounding: usd(0, "$0.00"),
  total: usd(1007, "$10.07"),
};

export const summary = (number: number, over: Partial<OrderSummary> = {}): OrderSummary => ({
  id: `ord_${number}`,
  number,
  status: "draft",
  total: usd(1007, "$10.07"),
  createdAt: "2026-03-01T10:15:00Z",
  description: "2 × Flat white, Croissant",
  ...over,
});

export const orderView = (number: number, over: Partial<OrderView> = {}): OrderView => ({
  ...summary(number),
  quote: quoteCoffee,
  note: null,
  customerEmail: null,
  events: [{ at: "2026-03-01T10:15:00Z", kind: "created", fromStatus: null, toStatus: "draft", cause: "cashier saved the order" }],
  payment: {
    paymentIntentId: null,
    cardBrand: null,
    cardLast4: null,
    paidAt: null,
    captured: usd(0, "$0.00"),
    refunded: usd(0, "$0.00"),
    refundable: usd(0, "$0.00"),
    capturable: usd(0, "$0.00"),
  },
  refunds: [],
  actions: { pay: true, edit: true, capture: false, refund: false, void: true },
  ...over,
});

export const settlement = (outcome: Settlement["outcome"], over: Partial<Settlement> = {}): Settlement => ({
  orderId: "ord_1",
  orderNumber: 1,
  status: outcome,
  outcome,
  message: null,
  declineCode: null,
  paymentIntentId: "pi_1",
  cardBrand: null,
  cardLast4: null,
  nextActionClientSecret: null,
  ...over,
});

/** The core's settings for a fresh till (what `settings_get` answers before anything is saved). */
export const settingsFixture: Settings = {
  businessName: "",
  businessAddress: "",
  defaultCurrency: "USD",
  taxes: [],
  quickItems: [],
  capture: "automatic",
  paymentMethods: "card",
  statementDescriptorSuffix: null,
  confirmation: "window",
};

export const keyStatus = (over: Partial<KeyStatus> = {}): KeyStatus => ({
  mode: "test",
  secretLast4: "4xYz",
  restricted: false,
  publishableKey: "pk_test_made_up",
  accountId: "acct_1Made",
  accountName: "Corner Coffee LLC",
  ...over,
});
