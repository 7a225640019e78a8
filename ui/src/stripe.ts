// Loading Stripe.js from the one URL the core gives (`app_info().stripeJsUrl`):
// https://js.stripe.com/v3/ with keys, the simulator's stand-in in demo mode.
// The package's own `loadStripe` is not used: it hard-codes js.stripe.com.
import type { Stripe, StripeConstructor } from "@stripe/stripe-js";

let loading: { url: string; promise: Promise<StripeConstructor> } | null = null;

/** Accepts only an absolute http(s) URL; anything else is a bug in what the core sent. */
function checkedUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`Stripe.js URL is not a URL: ${url}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error(`Stripe.js URL must be http(s): ${url}`);
  return u.toString();
}

/** `window.Stripe` if it is there, else injects one `<script src={url}>` and waits for it. */
export function loadStripeJs(url: string, timeoutMs = 20_000): Promise<StripeConstructor> {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  const src = checkedUrl(url);
  if (loading && loading.url === src) return loading.promise;
  const promise = new Promise<StripeConstructor>((resolve, reject) => {
    const existing = Array.from(document.querySelectorAll<HTMLScriptElement>("script[data-stripe-js]")).find(
      (s) => s.src === src,
    );
    const script = existing ?? document.createElement("script");
    const timer = window.setTimeout(() => fail(new Error("Stripe.js did not load in time.")), timeoutMs);
    function done() {
      window.clearTimeout(timer);
      script.removeEventListener("load", onLoad);
      script.removeEventListener("error", onError);
    }
    function fail(err: Error) {
      done();
      script.remove();
      loading = null;
      reject(err);
    }
    function onLoad() {
      if (window.Stripe) {
        done();
        resolve(window.Stripe);
      } else {
        fail(new Error("Stripe.js loaded but did not define Stripe."));
      }
    }
    function onError() {
      fail(new Error("Stripe.js could not be loaded."));
    }
    script.addEventListener("load", onLoad);
    script.addEventListener("error", onError);
    if (!existing) {
      script.src = src;
      script.async = true;
      script.dataset.stripeJs = "";
      document.head.appendChild(script);
    }
  });
  loading = { url: src, promise };
  return promise;
}

/**
 * Stripe.js refuses a live key on a page that is not https (an IntegrationError). Said here
 * first, plainly, so the cashier learns why there is no card form rather than seeing a blank one.
 */
export function assertPageAllowsKey(
  publishableKey: string,
  page: { protocol: string; host: string } = window.location,
  secureContext: boolean = window.isSecureContext,
): void {
  if (!publishableKey.startsWith("pk_live_")) return;
  if (page.protocol === "https:" && secureContext) return;
  throw new Error(
    `Live card payments need Paydesk's secure (https) page, but this window shows ${page.protocol}//${page.host}. ` +
      "The card form was not opened and no card was charged. Restart Paydesk; if this keeps happening, " +
      "this build cannot take live payments on this computer (see \"Live mode\" in the README).",
  );
}

/** Stripe.js's `Stripe(publishableKey)`, loaded from `url` if needed. */
export async function stripeFor(url: string, publishableKey: string): Promise<Stripe> {
  assertPageAllowsKey(publishableKey);
  const StripeJs = await loadStripeJs(url);
  return StripeJs(publishableKey);
}

/** For tests: forget a pending load. */
export function resetStripeLoader(): void {
  loading = null;
}
