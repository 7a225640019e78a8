import { humanize } from "../format";

const TONE: Record<string, string> = {
  paid: "good",
  succeeded: "good",
  captured: "good",
  authorized: "info",
  open: "neutral",
  draft: "neutral",
  pending: "neutral",
  processing: "info",
  requires_action: "warn",
  requires_payment: "warn",
  partially_refunded: "warn",
  refunded: "muted",
  voided: "muted",
  canceled: "muted",
  failed: "bad",
  disputed: "bad",
};

export function StatusBadge({ status }: { status: string }) {
  const tone = TONE[status] ?? "neutral";
  return (
    <span className={`status status-${tone}`} data-testid="status-badge" data-status={status}>
      {humanize(status)}
    </span>
  );
}
