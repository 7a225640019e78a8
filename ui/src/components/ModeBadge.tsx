import type { Mode } from "../api";

const TITLES: Record<Mode, string> = {
  demo: "Demo mode: payments are simulated on this computer",
  test: "Test mode: Stripe test keys, no real money moves",
  live: "Live mode: real card payments",
};

/** `testId`: the header's badge is `mode-badge`; a second one (Settings) needs its own. */
export function ModeBadge({ mode, testId = "mode-badge" }: { mode: Mode | null; testId?: string }) {
  if (mode === null) {
    return (
      <span className="mode-badge mode-unknown" data-testid={testId} title="Connecting to the Paydesk core">
        …
      </span>
    );
  }
  return (
    <span className={`mode-badge mode-${mode}`} data-testid={testId} title={TITLES[mode]}>
      {mode.toUpperCase()}
    </span>
  );
}
