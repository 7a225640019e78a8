import { createPortal } from "react-dom";
import type { Outcome, OrderView, Settings, Settlement } from "../api";
import { Receipt } from "./Receipt";

/**
 * The receipt in a container that only exists on paper: history.css hides everything else
 * on the page while it is there, and hides it on screen. It sits directly under <body> so
 * the app's own print rules (made for the sale screen) do not apply to it.
 */
export function PrintReceipt({ order, settings }: { order: OrderView; settings: Settings | null }) {
  void settings; // TODO(helper A's Receipt): pass settings once Receipt takes { order, settings }.
  return createPortal(
    <div className="print-area" data-testid="print-area">
      <Receipt order={order} settlement={asSettlement(order)} />
    </div>,
    document.body,
  );
}

// The Receipt of the sale screen reads the card and status from the settlement it was given;
// for an old order the same facts come from the stored order.
function asSettlement(order: OrderView): Settlement {
  return {
    orderId: order.id,
    orderNumber: order.number,
    status: order.status,
    outcome: order.status as Outcome,
    message: null,
    declineCode: null,
    paymentIntentId: order.payment.paymentIntentId,
    cardBrand: order.payment.cardBrand,
    cardLast4: order.payment.cardLast4,
    nextActionClientSecret: null,
  };
}
