// A fresh page after the keys change: the stand-in's script, its origin in the page's policy
// and any mounted card form belong to the old mode and must all be gone. The cashier lands back
// on the screen they were on, with the message they would have seen.
import type { View } from "./components/Header";

const KEY = "paydesk.afterReload";

export type AfterReload = { view: View; notice: string };

export function reloadInto(after: AfterReload, reload: () => void = () => window.location.reload()): void {
  sessionStorage.setItem(KEY, JSON.stringify(after));
  reload();
}

/** What `reloadInto` left for this page, once. */
export function takeAfterReload(): AfterReload | null {
  const saved = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  if (!saved) return null;
  try {
    const parsed = JSON.parse(saved) as Partial<AfterReload>;
    return typeof parsed.view === "string" && typeof parsed.notice === "string" ? (parsed as AfterReload) : null;
  } catch {
    return null;
  }
}
