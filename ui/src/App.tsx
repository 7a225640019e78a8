import { useCallback, useEffect, useState } from "react";
import { api, ApiError, inTauri, type AppInfo, type OrderView, type Settlement } from "./api";
import { Checkout } from "./components/Checkout";
import { Header, ModeBanner, type View } from "./components/Header";
import { NewSale } from "./components/NewSale";
import { RecentOrders } from "./components/RecentOrders";
import { Report } from "./components/Report";
import { SaleResult } from "./components/SaleResult";

/** Where the current sale is: being typed, being paid, or done. */
type Stage =
  | { kind: "entry" }
  | { kind: "checkout"; order: OrderView }
  | { kind: "result"; order: OrderView; settlement: Settlement };

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [infoError, setInfoError] = useState<ApiError | null>(null);
  const [view, setView] = useState<View>("sale");
  const [lastSaved, setLastSaved] = useState<number | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: "entry" });

  const charge = useCallback((order: OrderView) => {
    setLastSaved(order.number);
    setStage({ kind: "checkout", order });
  }, []);
  const paid = useCallback(
    (settlement: Settlement) => setStage((s) => (s.kind === "checkout" ? { kind: "result", order: s.order, settlement } : s)),
    [],
  );
  const newSale = useCallback(() => setStage({ kind: "entry" }), []);

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
      } else if (e.key === "F4") {
        e.preventDefault();
        setView("report");
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
        <div hidden={view !== "sale" || stage.kind !== "entry"} className="view">
          <NewSale
            active={view === "sale" && stage.kind === "entry"}
            onSaved={(o) => setLastSaved(o.number)}
            onShowOrders={() => setView("orders")}
            onCharge={info ? charge : undefined}
          />
        </div>
        {stage.kind === "checkout" && info && (
          <div hidden={view !== "sale"} className="view">
            <Checkout
              key={stage.order.id}
              order={stage.order}
              stripeJsUrl={info.stripeJsUrl}
              mode={info.mode}
              onDone={paid}
              onVoided={newSale}
            />
          </div>
        )}
        {stage.kind === "result" && (
          <div hidden={view !== "sale"} className="view">
            <SaleResult
              key={stage.order.id}
              orderId={stage.order.id}
              settlement={stage.settlement}
              active={view === "sale"}
              onNewSale={newSale}
            />
          </div>
        )}
        {view === "orders" && (
          <div className="view">
            <RecentOrders highlightNumber={lastSaved} />
          </div>
        )}
        {view === "report" && (
          <div className="view">
            <Report />
          </div>
        )}
      </main>
    </div>
  );
}
