// The only place the UI talks to the Rust core. Every command is typed here.
//
// Money rule: the UI never computes an amount. It sends what the cashier typed (strings)
// and shows the `display` strings the core returns.
import { invoke } from "@tauri-apps/api/core";

export type Mode = "demo" | "test" | "live";

/**
 * `stripeJsUrl`: where Stripe.js comes from (js.stripe.com with keys, the simulator's stand-in in demo mode).
 * `publishableKey`: the key Stripe.js is started with in every mode (the demo's own in demo mode);
 * the server-side flow needs it before any PaymentIntent exists.
 */
export type AppInfo = { version: string; mode: Mode; dataDir: string; stripeJsUrl: string; publishableKey?: string };

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
  /** A customer from the directory (their id); the email defaults from them when left empty. */
  customerId?: string | null;
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

/** What Stripe has done for the order so far; amounts from the core. */
export type PaymentView = {
  paymentIntentId: string | null;
  cardBrand: string | null;
  cardLast4: string | null;
  /** What the bank said of the CVC, postal code and street address given (optional for older cores). */
  cardChecks?: CardChecks;
  /** Set when a check failed. */
  cardCheckWarning?: string | null;
  /** When the money was taken (captured or charged), RFC 3339; null before that. */
  paidAt: string | null;
  captured: MoneyView;
  refunded: MoneyView;
  /** What a refund may still return (captured minus refunded). */
  refundable: MoneyView;
  /** What a capture may still take (the authorized amount) for an authorized order. */
  capturable: MoneyView;
};

export type RefundView = { amount: MoneyView; reason: string | null; status: string; createdAt: string };

/** What the order's state allows; the core decides, the UI shows the matching buttons. */
export type OrderActions = { pay: boolean; edit: boolean; capture: boolean; refund: boolean; void: boolean };

export type OrderView = OrderSummary & {
  /**
   * The mode the order was taken in (always sent by the core; optional for older fixtures).
   * An order of another mode than the app's allows no action.
   */
  mode?: Mode;
  quote: Quote;
  note: string | null;
  customerEmail: string | null;
  /** The customer from the directory the order is for. */
  customer?: OrderCustomer | null;
  updatedAt?: string;
  events: OrderEvent[];
  payment: PaymentView;
  refunds: RefundView[];
  actions: OrderActions;
  /**
   * The order as the cashier typed it (discount as a percent or an amount, tax rates as typed),
   * so "Back to edit" restores it exactly; without it the UI rebuilds what it can from `quote`.
   */
  input?: OrderInput;
};

/**
 * History filters. `from`/`to` are business days "YYYY-MM-DD", inclusive. `text` finds an
 * order number ("12" or "#12"), an amount ("10.07"), a PaymentIntent id ("pi_…") or words
 * from the items.
 */
export type OrderListQuery = {
  status?: string;
  from?: string;
  to?: string;
  text?: string;
  limit?: number;
  beforeNumber?: number;
};

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
      // Tauri itself rejects with plain strings (unknown command, denied by capability).
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

/** What the Settings screen shows of the Stripe keys: never a secret, only mode and last four. */
/** Whether this system can keep a Stripe secret key (an OS keyring answers). */
export type KeyStorage = { available: boolean; problem: string | null };

export type KeyStatus = {
  mode: "test" | "live";
  secretLast4: string;
  restricted: boolean;
  publishableKey: string;
  accountId: string | null;
  accountName: string | null;
};

export type QuickItem = { description: string; unitPrice: string };

/** How the card is confirmed: in the window (confirmPayment) or by the core (ConfirmationToken). */
export type ConfirmationFlow = "window" | "server";

export type Settings = {
  businessName: string;
  businessAddress: string;
  /** ISO 4217, upper case ("USD"). */
  defaultCurrency: string;
  /** The tax rates a new sale starts with. `rate` is a percent as typed ("8.875"). */
  taxes: TaxInput[];
  quickItems: QuickItem[];
  capture: "automatic" | "manual";
  paymentMethods: "card" | "automatic";
  statementDescriptorSuffix: string | null;
  confirmation: ConfirmationFlow;
};

export type CountView = { key: string; count: number };

export type HourView = { hour: number; count: number; gross: MoneyView };

export type BrandView = { brand: string; count: number; gross: MoneyView };

/** One currency's day: money captured on the day's orders, what was refunded of it, the rest. */
export type CurrencyReport = {
  currency: string;
  gross: MoneyView;
  refunds: MoneyView;
  net: MoneyView;
  /** Authorized, not yet captured. */
  authorized: MoneyView;
  sales: number;
  byBrand: BrandView[];
  /** 24 entries, hour 0-23 local time, gross captured per hour. */
  byHour: HourView[];
};

export type DailyReport = {
  /** The business day, "YYYY-MM-DD". */
  date: string;
  orders: number;
  byStatus: CountView[];
  currencies: CurrencyReport[];
};

/** A customer as the cashier types them; empty optional fields are sent as null. */
export type CustomerInput = { name: string; email: string | null; phone: string | null; note: string | null };

/** One of the current mode's customers. */
export type Customer = {
  id: string;
  /** What the cashier reads out and types: C12 is number 12. */
  number: number;
  mode: Mode;
  name: string;
  email: string | null;
  phone: string | null;
  note: string | null;
  stripeCustomerId: string | null;
  createdAt: string;
  updatedAt: string;
  removed: boolean;
};

/** Who an order is for, as the order names them. */
export type OrderCustomer = { id: string; number: number; name: string };

export type CustomerPage = { customer: Customer; orders: OrderSummary[] };

/** What the card's bank said of the details given with it: "pass", "fail", "unavailable", "unchecked". */
export type CardChecks = { cvc: string | null; postalCode: string | null; line1: string | null };

/** A card saved at Stripe on a customer: the till only ever knows this much of it. */
export type SavedCard = {
  paymentMethodId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  checks: CardChecks;
  /** Set when a check failed: say it before handing over goods. */
  warning: string | null;
};

/** The customer agreed to have this payment's card saved for later; who heard it. */
export type SaveConsent = { recordedBy: string };

/** How a saved card is charged without the customer typing it. */
export type SavedCardUse = "moto" | "off_session";

/** Where the CSV went, or `null` when the cashier closed the save dialog. */
export type ExportResult = { path: string; rows: number } | null;

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  /** For the log: something the window blocked or could not load (no secrets, no full URLs). */
  logProblem: (kind: string, detail: string) => call<null>("app_log_problem", { problem: { kind, detail } }),
  /** The directory, or those whose name, email or phone contains `search`. */
  customerList: (search?: string, limit?: number) =>
    call<{ customers: Customer[] }>("customer_list", { search: search ?? null, limit: limit ?? null }),
  /** Rejects with `invalid_customer` and a message "<field>: …"; nothing is saved then. */
  customerCreate: (input: CustomerInput) => call<Customer>("customer_create", { input }),
  /** `id`: the customer's id or "C12". With their latest orders. */
  customerGet: (id: string) => call<CustomerPage>("customer_get", { id }),
  customerEdit: (id: string, input: CustomerInput) => call<Customer>("customer_edit", { id, input }),
  /** Leaves the directory; their orders keep naming them. */
  customerRemove: (id: string) => call<Customer>("customer_remove", { id }),
  /** The customer's saved cards, as Stripe lists them now. */
  customerCards: (id: string) => call<{ cards: SavedCard[] }>("customer_cards", { id }),
  /** Detaches the card at Stripe; the cards left. */
  customerRemoveCard: (id: string, paymentMethodId: string) => call<{ cards: SavedCard[] }>("customer_remove_card", { id, paymentMethodId }),
  orderQuote: (input: OrderInput) => call<Quote>("order_quote", { input }),
  orderCreate: (input: OrderInput) => call<OrderView>("order_create", { input }),
  orderList: (query: OrderListQuery = {}) => call<OrderPage>("order_list", { query }),
  orderGet: (id: string) => call<OrderView>("order_get", { id }),
  /** With `saveCard`, the intent saves the card on the order's customer (off-session use). */
  paymentStart: (orderId: string, saveCard?: SaveConsent) => call<Checkout>("payment_start", { orderId, ...(saveCard ? { saveCard } : {}) }),
  paymentSettle: (orderId: string) => call<Settlement>("payment_settle", { orderId }),
  paymentVoid: (orderId: string) => call<Settlement>("payment_void", { orderId }),
  orderEdit: (id: string, input: OrderInput) => call<OrderView>("order_edit", { id, input }),
  /** Server-side confirmation (seed 003): `moto` for an order taken over the phone. */
  paymentFinalize: (orderId: string, confirmationToken: string, moto: boolean, saveCard?: SaveConsent) =>
    call<Settlement>("payment_finalize", { orderId, confirmationToken, moto, ...(saveCard ? { saveCard } : {}) }),
  /** Charges a card saved on the order's customer. Rejects with `saved_card_declined` or
   * `saved_card_authentication_required` (nothing charged, the order stays payable). */
  paymentChargeSaved: (orderId: string, paymentMethodId: string, cardUse: SavedCardUse) =>
    call<Settlement>("payment_charge_saved", { orderId, paymentMethodId, cardUse }),
  /** `amount` as the cashier typed it ("5.00"); omitted = everything authorized. */
  paymentCapture: (orderId: string, amount?: string) => call<Settlement>("payment_capture", { orderId, amount: amount ?? null }),
  /** `amount` as typed; omitted = everything still refundable. */
  paymentRefund: (orderId: string, amount?: string, reason?: "requested_by_customer" | "duplicate" | "fraudulent") =>
    call<Settlement>("payment_refund", { orderId, amount: amount ?? null, reason: reason ?? null }),
  keysStatus: () => call<KeyStatus | null>("keys_status"),
  keysStorage: () => call<KeyStorage>("keys_storage"),
  /** Verifies the secret with Stripe, then keeps it in the OS keyring. Rejects with {code, message}. */
  keysSet: (secretKey: string, publishableKey: string) => call<KeyStatus>("keys_set", { secretKey, publishableKey }),
  keysRemove: () => call<null>("keys_remove"),
  settingsGet: () => call<Settings>("settings_get"),
  /** Rejects with code `invalid_settings` and a message naming the field; nothing is saved then. */
  settingsSave: (settings: Settings) => call<Settings>("settings_save", { settings }),
  /** `date` "YYYY-MM-DD"; omitted = today. */
  reportDaily: (date?: string) => call<DailyReport>("report_daily", { date: date ?? null }),
  /** Opens a save dialog, writes the day's orders as CSV there. */
  reportExportCsv: (date?: string) => call<ExportResult>("report_export_csv", { date: date ?? null }),
};

export type Api = typeof api;
