import type { Mode } from "../api";

const TITLES: Record<Mode, string> = {
  demo: "Demo mode: payments are simulated on this computer",
  test: "Test mode: Stripe test keys, no real money moves",
  live: "Live mode: real card payments",
};

export function ModeBadge({ mode }: { mode: Mode | null }) {
  if (mode === null) {
    return (
      <span className="mode-badge mode-unknown" data-testid="mode-badge" title="Connecting to the Paydesk core">
        …
      </span>
    );
  }
  return (
    <span className={`mode-badge mode-${mode}`} data-testid="mode-badge" title={TITLES[mode]}>
      {mode.toUpperCase()}
    </span>
  );
}
