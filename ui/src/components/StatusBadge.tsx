import { humanize } from "../format";

// The core's order statuses (paydesk-core OrderStatus, snake_case on the wire), in the order
// an order moves through them; the history filter lists them in this order.
export const STATUSES = [
  "draft",
  "awaiting_payment",
  "action_required",
  "processing",
  "authorized",
  "paid",
  "partially_refunded",
  "refunded",
  "voided",
] as const;

const TONE: Record<string, string> = {
  draft: "neutral",
  awaiting_payment: "warn",
  action_required: "warn",
  processing: "info",
  authorized: "info",
  paid: "good",
  partially_refunded: "warn",
  refunded: "muted",
  voided: "muted",
};

export function StatusBadge({ status }: { status: string }) {
  const tone = TONE[status] ?? "neutral";
  return (
    <span className={`status status-${tone}`} data-testid="status-badge" data-status={status}>
      {humanize(status)}
    </span>
  );
}
