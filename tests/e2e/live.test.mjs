// End-to-end: live keys need an https page. Stripe.js refuses `Stripe('pk_live_…')` on any page
// that is not https, so on Linux the window's page is served by Paydesk over TLS on 127.0.0.1
// with this install's certificate, which only Paydesk's webview trusts. A test build can run
// demo mode with a live-looking publishable key (its secret stays a made-up test key), so the
// stand-in applies Stripe.js's live-key rule to the real window.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { byTestId, newDataDir, screenshot, withApp } from "./lib/app.mjs";
import { charge, clickPay, expectReload, typeCard, typeCoffeeSale, waitForReceipt } from "./lib/ui.mjs";
import { waitFor } from "./lib/webdriver.mjs";

const LIVE_LOOKING = "pk_live_paydesk_e2e_made_up_publishable";
const SECRET = "sk_test_paydesk_e2e_made_up_secret_LIVE";
const PUBLISHABLE = "pk_test_paydesk_e2e_made_up_publishable";

const page = (s) => s.execute("return { protocol: location.protocol, host: location.host, secure: window.isSecureContext, origin: location.origin };");
const frameOrigin = (s) => s.execute(`return new URL(document.querySelector('[data-testid="payment-element"] iframe').src).origin;`);

describe("Live mode's https page", () => {
  it("the window's page is https with a secure context, and nothing but Paydesk trusts its certificate", async () => {
    const dataDir = newDataDir("https-page");
    await withApp({ dataDir, shot: "40-https-page" }, async (s) => {
      const where = await page(s);
      assert.equal(where.protocol, "https:");
      assert.equal(where.secure, true);
      assert.match(where.host, /^127\.0\.0\.1:\d+$/);

      // A plain curl to the same port fails verification (curl's exit code 60)…
      const plain = spawnSync("curl", ["-sS", "-o", "/dev/null", `${where.origin}/`], { encoding: "utf8" });
      assert.equal(plain.status, 60, `curl without the certificate: ${plain.status} ${plain.stderr}`);
      // …and with this install's certificate it gets the page, with the window's policy.
      const headers = execFileSync("curl", ["-sS", "-D", "-", "-o", "/dev/null", "--cacert", join(dataDir, "tls", "cert.pem"), `${where.origin}/`], {
        encoding: "utf8",
      });
      assert.match(headers, /^content-security-policy: .*script-src 'self' https:\/\/js\.stripe\.com/im, headers);
      assert.doesNotMatch(headers, /cross-origin-(opener|embedder)-policy/i);
    });
  });

  it("the policy still blocks a foreign script, frame and fetch, and the cashier is told", async () => {
    await withApp({ dataDir: newDataDir("csp"), shot: "41-csp-blocked" }, async (s) => {
      const blocked = await s.executeAsync(`
        const done = arguments[arguments.length - 1];
        const seen = [];
        document.addEventListener("securitypolicyviolation", (e) => seen.push(e.effectiveDirective + " " + new URL(e.blockedURI).host));
        const script = document.createElement("script");
        script.src = "https://evil.example/x.js";
        document.head.appendChild(script);
        const frame = document.createElement("iframe");
        frame.src = "https://evil.example/frame.html";
        document.body.appendChild(frame);
        fetch("https://evil.example/data").catch(() => {});
        setTimeout(() => done(seen), 1500);
      `);
      const directives = blocked.map((b) => b.split(" ")[0].replace("script-src-elem", "script-src"));
      assert.deepEqual([...new Set(directives)].sort(), ["connect-src", "frame-src", "script-src"], JSON.stringify(blocked));
      assert.ok(blocked.every((b) => b.endsWith("evil.example")), JSON.stringify(blocked));
      const banner = await s.waitForText(byTestId("page-problem"), (t) => t.length > 0, { timeoutMs: 10_000 });
      assert.match(banner, /blocked https:\/\/evil\.example/);
    });
  });

  it("with a live publishable key the checkout mounts on the https page and pays", async () => {
    const env = { PAYDESK_DEMO_PUBLISHABLE_KEY: LIVE_LOOKING };
    await withApp({ dataDir: newDataDir("live-https"), env, shot: "42-live-key-paid" }, async (s) => {
      assert.equal((await page(s)).protocol, "https:");
      await typeCoffeeSale(s);
      const number = await charge(s);
      await typeCard(s, "4242 4242 4242 4242");
      await clickPay(s);
      const receipt = await waitForReceipt(s);
      assert.equal(receipt.outcome, "paid");
      assert.equal(receipt.number, number);
      assert.equal(receipt.total, "$10.07");
    });
  });

  it("on the app's own tauri:// page a live key gets no card form: Stripe.js's IntegrationError, and the cashier is told why", async () => {
    const env = { PAYDESK_DEMO_PUBLISHABLE_KEY: LIVE_LOOKING, PAYDESK_WINDOW_PAGE: "tauri" };
    await withApp({ dataDir: newDataDir("live-tauri"), env, shot: "43-live-key-tauri-page" }, async (s) => {
      const where = await page(s);
      assert.equal(where.protocol, "tauri:");
      await typeCoffeeSale(s);
      await (await s.find(byTestId("charge"))).click();
      const notice = await s.waitForText(byTestId("checkout-notice"), (t) => t.length > 0, { timeoutMs: 20_000 });
      assert.match(notice, /Live card payments need Paydesk's secure \(https\) page/);
      assert.equal((await s.findAll(`${byTestId("payment-element")} iframe`)).length, 0, "no card form");

      // What Stripe.js itself does on this page with that key.
      const info = await s.executeAsync(`
        const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke("app_info").then((info) => {
          const script = document.createElement("script");
          script.src = info.stripeJsUrl;
          script.onload = () => {
            try { window.Stripe(info.publishableKey); done({ threw: false }); }
            catch (e) { done({ threw: true, name: e.name, message: e.message }); }
          };
          script.onerror = () => done({ loadFailed: true });
          document.head.appendChild(script);
        }, (e) => done({ ipc: String(e) }));
      `);
      assert.equal(info.threw, true, JSON.stringify(info));
      assert.equal(info.name, "IntegrationError");
      assert.match(info.message, /^Live Stripe\.js integrations must use HTTPS\./);
    });
  });

  it("after test keys are set in Settings the card form's frame comes from the test keys' Stripe.js, without a restart by hand; the demo sale stays out of test mode's report", async () => {
    const dataDir = newDataDir("frame-origin", { simulatorCertificate: true });
    const testKeysOrigin = new URL(process.env.PAYDESK_STRIPE_JS_URL).origin;
    await withApp({ dataDir, shot: "44-frame-after-keys" }, async (s) => {
      await typeCoffeeSale(s);
      await charge(s);
      const demoOrigin = await frameOrigin(s);
      assert.notEqual(demoOrigin, testKeysOrigin, "demo mode's frame is the in-app simulator's");
      await screenshot(s, "44a-demo-frame");
      await typeCard(s, "4242 4242 4242 4242");
      await clickPay(s);
      assert.equal((await waitForReceipt(s)).outcome, "paid");
      await (await s.find(byTestId("nav-report"))).click();
      await s.waitForText(byTestId("report-sales"), "1", { timeoutMs: 10_000 });

      await (await s.find(byTestId("nav-settings"))).click();
      for (const [id, value] of [
        ["keys-secret", SECRET],
        ["keys-publishable", PUBLISHABLE],
      ]) {
        await (await s.waitForElement(byTestId(id))).type(value);
      }
      await expectReload(s, async () => (await s.find(byTestId("keys-save"))).click());
      await waitFor("the TEST badge", async () => (await (await s.find(byTestId("mode-badge"))).text()) === "TEST", { timeoutMs: 20_000 });
      assert.match(await s.waitForText(byTestId("keys-saved"), (t) => t.length > 0), /TEST payments/);
      const leftover = await s.execute("return document.querySelector('script[data-stripe-js]') === null && window.Stripe === undefined");
      assert.equal(leftover, true, "the page was reloaded: no Stripe.js of demo mode is left");

      // Today's demo sale is demo mode's: test mode's report has no sales.
      await (await s.find(byTestId("nav-report"))).click();
      await s.waitForElement(byTestId("report-empty"), { timeoutMs: 10_000 });

      await (await s.find(byTestId("nav-sale"))).click();
      await typeCoffeeSale(s);
      await charge(s);
      assert.equal(await frameOrigin(s), testKeysOrigin);
    });
  });
});
