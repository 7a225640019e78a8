import type { AppInfo } from "../api";
import { ModeBadge } from "./ModeBadge";

export type View = "sale" | "orders" | "report" | "customers" | "settings";

type Props = {
  info: AppInfo | null;
  view: View;
  onNavigate: (view: View) => void;
};

const TABS: { view: View; label: string; key: string }[] = [
  { view: "sale", label: "New sale", key: "F2" },
  { view: "orders", label: "History", key: "F3" },
  { view: "report", label: "Daily report", key: "F4" },
  { view: "customers", label: "Customers", key: "F5" },
  { view: "settings", label: "Settings", key: "F9" },
];

export function Header({ info, view, onNavigate }: Props) {
  return (
    <header className="app-header">
      <div className="brand">
        <img src="/favicon.png" alt="" width={24} height={24} />
        <span className="brand-name">Paydesk</span>
      </div>
      <nav className="tabs" aria-label="Main">
        {TABS.map((t) => (
          <button
            key={t.view}
            type="button"
            className={`tab${view === t.view ? " active" : ""}`}
            aria-current={view === t.view ? "page" : undefined}
            data-testid={`nav-${t.view}`}
            onClick={() => onNavigate(t.view)}
          >
            {t.label}
            <kbd>{t.key}</kbd>
          </button>
        ))}
      </nav>
      <div className="header-right">
        {info && (
          <span className="version" title={`Data: ${info.dataDir}`}>
            v{info.version}
          </span>
        )}
        <ModeBadge mode={info?.mode ?? null} />
      </div>
    </header>
  );
}

export function ModeBanner({ info }: { info: AppInfo | null }) {
  if (info?.mode !== "demo") return null;
  return (
    <div className="banner banner-demo" role="status" data-testid="demo-banner">
      <strong>Demo mode</strong> — payments are simulated on this computer. No real money moves.
    </div>
  );
}
