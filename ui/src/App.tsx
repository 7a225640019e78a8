import { useCallback, useEffect, useState } from "react";
import { api, ApiError, inTauri, type AppInfo, type Customer, type OrderView, type Settings as ShopSettings, type Settlement } from "./api";
import { Checkout } from "./components/Checkout";
import { toSaleCustomer } from "./components/CustomerPicker";
import { Customers } from "./components/Customers";
import { Header, ModeBanner, type View } from "./components/Header";
import { NewSale } from "./components/NewSale";
import { RecentOrders } from "./components/RecentOrders";
import { Report } from "./components/Report";
import { SaleResult } from "./components/SaleResult";
import { Settings } from "./components/Settings";
import { mark } from "./marks";
import { watchPolicyViolations } from "./problems";
import { reloadInto, takeAfterReload } from "./reload";
import type { SaleCustomer } from "./sale";

/**
 * Where the current sale is: being typed (possibly an order sent back from the checkout to be
 * changed), being paid, or done.
 */
type Stage =
  | { kind: "entry"; editing: OrderView | null }
  | { kind: "checkout"; order: OrderView }
  | { kind: "result"; order: OrderView; settlement: Settlement };

const VIEW_KEYS: Record<string, View> = { F2: "sale", F3: "orders", F4: "report", F5: "customers", F9: "settings" };

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [infoError, setInfoError] = useState<ApiError | null>(null);
  const [settings, setSettings] = useState<ShopSettings | null>(null);
  const [afterReload] = useState(takeAfterReload);
  const [view, setView] = useState<View>(afterReload?.view ?? "sale");
  const [pageProblem, setPageProblem] = useState<string | null>(null);
  const [lastSaved, setLastSaved] = useState<number | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: "entry", editing: null });
  const [saleFor, setSaleFor] = useState<SaleCustomer | null>(null);

  const charge = useCallback((order: OrderView) => {
    setLastSaved(order.number);
    setStage({ kind: "checkout", order });
  }, []);
  const paid = useCallback(
    (settlement: Settlement) => setStage((s) => (s.kind === "checkout" ? { kind: "result", order: s.order, settlement } : s)),
    [],
  );
  const newSale = useCallback(() => setStage({ kind: "entry", editing: null }), []);
  // From the Customers screen: the sale being typed (or a new one) is for this customer.
  const sellTo = useCallback((customer: Customer) => {
    setSaleFor(toSaleCustomer(customer));
    setStage((s) => (s.kind === "entry" ? s : { kind: "entry", editing: null }));
    setView("sale");
  }, []);
  const backToEdit = useCallback((order: OrderView) => {
    setStage({ kind: "entry", editing: order });
    setView("sale");
  }, []);

  const loadInfo = useCallback(() => {
    api.appInfo().then(
      (i) => {
        setInfo(i);
        setInfoError(null);
      },
      (err: unknown) => setInfoError(ApiError.from(err)),
    );
  }, []);

  useEffect(() => {
    if (!inTauri()) {
      setInfoError(new ApiError("no_core", "This page must run inside the Paydesk window."));
      return;
    }
    loadInfo();
    // Without settings (an older core, a read error) a sale starts as it always did: USD, no rates.
    api.settingsGet().then(setSettings, () => {});
  }, [loadInfo]);

  useEffect(() => watchPolicyViolations(setPageProblem), []);

  // The order screen takes a sale once the core has answered: the mode is shown, Charge works.
  useEffect(() => {
    if (info) mark("order-ready");
  }, [info]);

  // New keys, new mode: a fresh page, so nothing of the old mode's Stripe.js stays loaded.
  const keysChanged = useCallback((notice: string) => reloadInto({ view: "settings", notice }), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const to = VIEW_KEYS[e.key];
      if (!to || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      setView(to);
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
      {pageProblem && (
        <div className="banner banner-error" role="alert" data-testid="page-problem">
          {pageProblem}
          <button type="button" className="banner-dismiss" onClick={() => setPageProblem(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      <main className="content">
        {/* The sale stays mounted so a half-typed order survives a look at the other screens. */}
        <div hidden={view !== "sale" || stage.kind !== "entry"} className="view">
          <NewSale
            active={view === "sale" && stage.kind === "entry"}
            settings={settings}
            editOrder={stage.kind === "entry" ? stage.editing : null}
            startFor={saleFor}
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
              settings={settings}
              publishableKey={info.publishableKey ?? null}
              onDone={paid}
              onVoided={newSale}
              onEdit={backToEdit}
            />
          </div>
        )}
        {stage.kind === "result" && (
          <div hidden={view !== "sale"} className="view">
            <SaleResult
              key={stage.order.id}
              orderId={stage.order.id}
              settlement={stage.settlement}
              settings={settings}
              mode={info?.mode ?? null}
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
        {view === "customers" && (
          <div className="view">
            <Customers onSell={sellTo} />
          </div>
        )}
        {/* Mounted only while shown: a typed secret key does not outlive the screen. */}
        {view === "settings" && (
          <div className="view">
            <Settings
              info={info}
              onSettingsSaved={setSettings}
              onKeysChanged={keysChanged}
              keysNotice={afterReload?.view === "settings" ? afterReload.notice : null}
            />
          </div>
        )}
      </main>
    </div>
  );
}
