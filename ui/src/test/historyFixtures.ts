// History, detail and report data shaped like the core's answers. As in fixtures.ts, the
// amounts are what the core would say; the UI under test must only display them.
import type { CurrencyReport, DailyReport, HourView, MoneyView, OrderView } from "../api";
import { orderView, usd } from "./fixtures";

export const usdd = (minor: number, display: string, decimal: string): MoneyView => ({ ...usd(minor, display), decimal });

/** #1002, paid $10.07 by Visa 4242, nothing refunded yet. */
export const paidOrder = (over: Partial<OrderView> = {}): OrderView =>
  orderView(1002, {
    status: "paid",
    payment: {
      paymentIntentId: "pi_3PaidVisa4242",
      cardBrand: "visa",
      cardLast4: "4242",
      paidAt: "2026-03-01T10:16:00Z",
      captured: usdd(1007, "$10.07", "10.07"),
      refunded: usdd(0, "$0.00", "0.00"),
      refundable: usdd(1007, "$10.07", "10.07"),
      capturable: usdd(0, "$0.00", "0.00"),
    },
    events: [
      { at: "2026-03-01T10:15:00Z", kind: "created", fromStatus: null, toStatus: "draft", cause: "cashier saved the order" },
      { at: "2026-03-01T10:15:30Z", kind: "status", fromStatus: "draft", toStatus: "awaiting_payment", cause: "payment started" },
      { at: "2026-03-01T10:16:00Z", kind: "status", fromStatus: "awaiting_payment", toStatus: "paid", cause: "Stripe: succeeded" },
    ],
    actions: { pay: false, edit: false, capture: false, refund: true, void: false },
    ...over,
  });

/** #1003, $40.00 authorized on a Mastercard, waiting for capture. */
export const authorizedOrder = (over: Partial<OrderView> = {}): OrderView =>
  orderView(1003, {
    status: "authorized",
    total: usd(4000, "$40.00"),
    payment: {
      paymentIntentId: "pi_3AuthMc4444",
      cardBrand: "mastercard",
      cardLast4: "4444",
      paidAt: null,
      captured: usdd(0, "$0.00", "0.00"),
      refunded: usdd(0, "$0.00", "0.00"),
      refundable: usdd(0, "$0.00", "0.00"),
      capturable: usdd(4000, "$40.00", "40.00"),
    },
    actions: { pay: false, edit: false, capture: true, refund: false, void: true },
    ...over,
  });

const hours = (busy: Record<number, HourView>, currency: string, zero: string): HourView[] =>
  Array.from({ length: 24 }, (_, hour) => busy[hour] ?? { hour, count: 0, gross: { minor: 0, currency, display: zero } });

export const usdDay: CurrencyReport = {
  currency: "USD",
  gross: usd(16307, "$163.07"),
  refunds: usd(250, "$2.50"),
  net: usd(16057, "$160.57"),
  authorized: usd(4000, "$40.00"),
  sales: 4,
  byBrand: [
    { brand: "visa", count: 3, gross: usd(12345, "$123.45") },
    { brand: "amex", count: 1, gross: usd(3962, "$39.62") },
  ],
  byHour: hours(
    {
      9: { hour: 9, count: 1, gross: usd(3962, "$39.62") },
      14: { hour: 14, count: 3, gross: usd(12345, "$123.45") },
    },
    "USD",
    "$0.00",
  ),
};

export const jpyDay: CurrencyReport = {
  currency: "JPY",
  gross: { minor: 2310, currency: "JPY", display: "¥2,310" },
  refunds: { minor: 0, currency: "JPY", display: "¥0" },
  net: { minor: 2310, currency: "JPY", display: "¥2,310" },
  authorized: { minor: 0, currency: "JPY", display: "¥0" },
  sales: 1,
  byBrand: [{ brand: "jcb", count: 1, gross: { minor: 2310, currency: "JPY", display: "¥2,310" } }],
  byHour: hours({ 12: { hour: 12, count: 1, gross: { minor: 2310, currency: "JPY", display: "¥2,310" } } }, "JPY", "¥0"),
};

export const dailyReport = (over: Partial<DailyReport> = {}): DailyReport => ({
  date: "2026-03-01",
  orders: 7,
  byStatus: [
    { key: "paid", count: 3 },
    { key: "partially_refunded", count: 1 },
    { key: "authorized", count: 1 },
    { key: "voided", count: 2 },
  ],
  currencies: [usdDay, jpyDay],
  ...over,
});
