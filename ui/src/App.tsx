import { useEffect, useState } from "react";
import { api, ApiError, inTauri, type AppInfo } from "./api";
import { Header, ModeBanner, type View } from "./components/Header";
import { NewSale } from "./components/NewSale";
import { RecentOrders } from "./components/RecentOrders";

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [infoError, setInfoError] = useState<ApiError | null>(null);
  const [view, setView] = useState<View>("sale");
  const [lastSaved, setLastSaved] = useState<number | null>(null);

  useEffect(() => {
    if (!inTauri()) {
      setInfoError(new ApiError("no_core", "This page must run inside the Paydesk window."));
      return;
    }
    api.appInfo().then(setInfo, (err: unknown) => setInfoError(ApiError.from(err)));
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "F2") {
        e.preventDefault();
        setView("sale");
      } else if (e.key === "F3") {
        e.preventDefault();
        setView("orders");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="app">
      <Header info={info} view={view} onNavigate={setView} />
      <ModeBanner info={info} />
      {infoError && (
        <div className="banner banner-error" role="alert" data-testid="core-error">
          Cannot reach the Paydesk core: {infoError.message}
        </div>
      )}
      <main className="content">
        {/* The sale stays mounted so a half-typed order survives a look at the orders list. */}
        <div hidden={view !== "sale"} className="view">
          <NewSale active={view === "sale"} onSaved={(o) => setLastSaved(o.number)} onShowOrders={() => setView("orders")} />
        </div>
        {view === "orders" && (
          <div className="view">
            <RecentOrders highlightNumber={lastSaved} />
          </div>
        )}
      </main>
    </div>
  );
}
