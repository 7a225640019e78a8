// Display helpers for things that are not money. Money is always the core's `display` string.

/** "requires_payment" -> "Requires payment". */
export function humanize(code: string): string {
  const s = code.replace(/[_-]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Local date and time of an RFC 3339 timestamp; the raw string if it does not parse. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** Time only for today's timestamps, date and time otherwise. */
export function formatWhen(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toDateString() === now.toDateString() ? timeOnly.format(d) : dateTime.format(d);
}

/** "YYYY-MM-DD" of `now` in the machine's time zone: the shop's business day, not UTC's. */
export function localDate(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The calendar day `days` away from a "YYYY-MM-DD" (done in UTC so DST never skips a day). */
export function shiftDate(date: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return d.toISOString().slice(0, 10);
}

/** A day for headings: "Sunday, March 1, 2026". Parsed as local midnight, not UTC's. */
export function formatDay(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.toLocaleDateString(undefined, { weekday: "long", year: "numeric", month: "long", day: "numeric" });
}

// Stripe's `card.brand` codes; anything new falls back to humanize().
const BRANDS: Record<string, string> = {
  amex: "American Express",
  american_express: "American Express",
  cartes_bancaires: "Cartes Bancaires",
  diners: "Diners Club",
  discover: "Discover",
  eftpos_au: "eftpos",
  jcb: "JCB",
  mastercard: "Mastercard",
  unionpay: "UnionPay",
  visa: "Visa",
  unknown: "Unknown card",
};

export function brandName(brand: string): string {
  return BRANDS[brand.toLowerCase()] ?? humanize(brand);
}

/** "Visa •••• 4242", or whichever half is known; null when the order has no card yet. */
export function cardLabel(brand: string | null, last4: string | null): string | null {
  if (!brand && !last4) return null;
  return `${brand ? brandName(brand) : "Card"}${last4 ? ` •••• ${last4}` : ""}`;
}

/**
 * The amount as the cashier typed it, dressed like the core's display of the same currency
 * ("5" next to "$12.50" reads "$5"). Text only: the typed digits are never parsed or changed.
 */
export function typedAmountLabel(typed: string, like: { display: string; currency: string }): string {
  const m = /^([^\d]*?)[\d][\d.,\u00a0\u202f' ]*?([^\d]*)$/.exec(like.display);
  if (!m) return `${typed} ${like.currency}`;
  return `${m[1] ?? ""}${typed}${m[2] ?? ""}`;
}

/** True when a key press is going into a field, where shortcut keys must not act. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || !!el.closest?.("input, textarea, select"));
}
