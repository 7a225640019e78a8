// The only place the UI talks to the Rust core. Every command is typed here.
//
// Money rule: the UI never computes an amount. It sends what the cashier typed (strings)
// and shows the `display` strings the core returns.
import { invoke } from "@tauri-apps/api/core";

export type Mode = "demo" | "test" | "live";

/** `stripeJsUrl`: where Stripe.js comes from (js.stripe.com with keys, the simulator's stand-in in demo mode). */
export type AppInfo = { version: string; mode: Mode; dataDir: string; stripeJsUrl: string };

/** `display` is for people ("$1,234.50"); `decimal` ("1234.50") is machine-readable. */
export type MoneyView = { minor: number; currency: string; display: string; decimal?: string };

export type LineInput = { description: string; quantity: number; unitPrice: string };

export type DiscountInput =
  | { kind: "percent"; percent: string }
  | { kind: "amount"; amount: string };

export type TaxInput = { name: string; rate: string; inclusive: boolean };

export type OrderInput = {
  currency: string;
  lines: LineInput[];
  discount?: DiscountInput | null;
  taxes: TaxInput[];
  tip?: string | null;
  note?: string | null;
  customerEmail?: string | null;
};

export type QuoteLine = {
  description: string;
  quantity: number;
  unitPrice: MoneyView;
  total: MoneyView;
  discount: MoneyView;
  tax: MoneyView;
};

export type TaxView = { name: string; rate: string; inclusive: boolean; amount: MoneyView };

export type Quote = {
  currency: string;
  lines: QuoteLine[];
  /** Per tax, when the core sends them. */
  taxes?: TaxView[];
  subtotal: MoneyView;
  discount: MoneyView;
  taxExclusive: MoneyView;
  taxInclusive: MoneyView;
  tip: MoneyView;
  rounding: MoneyView;
  total: MoneyView;
};

export type OrderSummary = {
  id: string;
  number: number;
  status: string;
  total: MoneyView;
  createdAt: string;
  description: string;
  businessDate?: string;
};

export type OrderEvent = {
  at: string;
  kind: string;
  fromStatus: string | null;
  toStatus: string;
  cause: string;
};

export type OrderView = OrderSummary & {
  quote: Quote;
  note: string | null;
  customerEmail: string | null;
  updatedAt?: string;
  events: OrderEvent[];
};

export type OrderListQuery = { status?: string; limit?: number; beforeNumber?: number };

export type OrderPage = { orders: OrderSummary[]; nextBeforeNumber: number | null };

/** What the Payment Element needs for one order. The amount is the core's, for display only. */
export type Checkout = {
  orderId: string;
  orderNumber: number;
  paymentIntentId: string;
  amount: MoneyView;
  clientSecret: string;
  publishableKey: string;
};

export type Outcome =
  | "paid"
  | "authorized"
  | "processing"
  | "needs_action"
  | "declined"
  | "awaiting_payment"
  | "voided"
  | "partially_refunded"
  | "refunded";

/** The order's state as the core decided it from Stripe's answer. */
export type Settlement = {
  orderId: string;
  orderNumber: number;
  status: string;
  outcome: Outcome;
  /** For a decline: the reason in plain words. */
  message: string | null;
  declineCode: string | null;
  paymentIntentId: string | null;
  cardBrand: string | null;
  cardLast4: string | null;
  nextActionClientSecret: string | null;
};

/** A rejected command. The core rejects with `{code, message}`; anything else is wrapped. */
export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }

  static from(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    if (typeof err === "object" && err !== null) {
      const o = err as Record<string, unknown>;
      if (typeof o.code === "string" && typeof o.message === "string") {
        return new ApiError(o.code, o.message);
      }
      if (err instanceof Error) return new ApiError("ipc", err.message || String(err));
      if (typeof o.message === "string") return new ApiError("unknown", o.message);
    }
    if (typeof err === "string") {
      // Tauri itself rejects with plain strings (unknown command, denied by capability, bad args).
      return new ApiError("ipc", err);
    }
    return new ApiError("unknown", "Unexpected error from the Paydesk core");
  }
}

/** True inside the Paydesk window; false in a plain browser or a unit test without a mock. */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw ApiError.from(err);
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  orderQuote: (input: OrderInput) => call<Quote>("order_quote", { input }),
  orderCreate: (input: OrderInput) => call<OrderView>("order_create", { input }),
  orderList: (query: OrderListQuery = {}) => call<OrderPage>("order_list", { query }),
  orderGet: (id: string) => call<OrderView>("order_get", { id }),
  paymentStart: (orderId: string) => call<Checkout>("payment_start", { orderId }),
  paymentSettle: (orderId: string) => call<Settlement>("payment_settle", { orderId }),
  paymentVoid: (orderId: string) => call<Settlement>("payment_void", { orderId }),
};

export type Api = typeof api;
