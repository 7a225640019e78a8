import { afterEach, describe, expect, it, vi } from "vitest";
import { loadStripeJs, resetStripeLoader } from "./stripe";

const URL_ = "http://127.0.0.1:4242/v3/";

afterEach(() => {
  delete (window as { Stripe?: unknown }).Stripe;
  document.querySelectorAll("script").forEach((s) => s.remove());
  resetStripeLoader();
});

describe("Stripe.js loader", () => {
  it("uses window.Stripe when it is already there, without a script", async () => {
    const fake = vi.fn();
    (window as { Stripe?: unknown }).Stripe = fake;
    await expect(loadStripeJs(URL_)).resolves.toBe(fake);
    expect(document.querySelectorAll("script")).toHaveLength(0);
  });

  it("injects exactly one script with the core's URL and resolves when it defines Stripe", async () => {
    const a = loadStripeJs(URL_);
    const b = loadStripeJs(URL_);
    const scripts = document.querySelectorAll("script");
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.src).toBe(URL_);
    const fake = vi.fn();
    (window as { Stripe?: unknown }).Stripe = fake;
    scripts[0]?.dispatchEvent(new Event("load"));
    await expect(a).resolves.toBe(fake);
    await expect(b).resolves.toBe(fake);
  });

  it("rejects when the script fails to load, and a later call tries again", async () => {
    const p = loadStripeJs(URL_);
    document.querySelector("script")?.dispatchEvent(new Event("error"));
    await expect(p).rejects.toThrow(/could not be loaded/);
    expect(document.querySelectorAll("script")).toHaveLength(0);
    void loadStripeJs(URL_).catch(() => {});
    expect(document.querySelectorAll("script")).toHaveLength(1);
  });

  it("refuses a URL that is not http(s)", () => {
    expect(() => loadStripeJs("javascript:alert(1)")).toThrow(/http/);
  });
});
