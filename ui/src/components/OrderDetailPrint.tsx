import { createPortal } from "react-dom";
import type { Mode, OrderView, Settings } from "../api";
import { Receipt } from "./Receipt";

/**
 * The receipt in a container that only exists on paper: history.css hides everything else
 * on the page while it is there, and hides it on screen. It sits directly under <body> so
 * the app's own print rules (made for the sale screen) do not apply to it.
 */
export function PrintReceipt({ order, settings, mode }: { order: OrderView; settings: Settings | null; mode: Mode | null }) {
  return createPortal(
    <div className="print-area" data-testid="print-area">
      <Receipt order={order} settings={settings} mode={mode} />
    </div>,
    document.body,
  );
}
