// End-to-end: the real release build of Paydesk, in a real WebKitGTK window under Xvfb,
// driven through tauri-driver. Run with tests/e2e/run.sh (it sets up the display, the
// session bus, the keyring and the driver, and passes PAYDESK_BIN).
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import http from "node:http";
import { describe, it } from "node:test";
import { byTestId, newDataDir, withApp } from "./lib/app.mjs";
import { addLine, allTexts, findOrderRow, saveOrder, screenshot, textOf, waitForTotal } from "./lib/ui.mjs";
import { Keys } from "./lib/webdriver.mjs";

describe("Paydesk window", () => {
  it("opens titled Paydesk, in DEMO mode, with the no-real-money banner", async () => {
    const dataDir = newDataDir("launch");
    await withApp({ dataDir, shot: "01-launch" }, async (s) => {
      assert.equal(await s.title(), "Paydesk");
      // The app runs on the data dir it was given (runs are isolated), and created its files there.
      assert.equal(await (await s.find(".version")).attribute("title"), `Data: ${dataDir}`);
      assert.ok(readdirSync(dataDir).length > 0, `nothing written to ${dataDir}`);
      assert.equal(await textOf(s, "mode-badge"), "DEMO");
      assert.match(await textOf(s, "demo-banner"), /No real money moves/);
      // The cashier can start typing at once.
      const active = await s.execute("return document.activeElement && document.activeElement.dataset.testid");
      assert.equal(active, "entry-description");
      // Sized for a 1280x800 screen: nothing scrolls the page itself.
      const overflow = await s.execute(
        "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight, window.innerWidth, window.innerHeight]",
      );
      assert.ok(overflow[0] <= overflow[2] && overflow[1] <= overflow[3], `page overflows the window: ${overflow}`);
    });
  });

  it("shows the totals the core computes as the order is typed", async () => {
    await withApp({ dataDir: newDataDir("sale"), shot: "02-quote" }, async (s) => {
      await addLine(s, "Flat white", 2, "3.50");
      await addLine(s, "Croissant", 1, "2.25");
      await (await s.find(byTestId("tax-rate"))).type("8.875");

      // 2 x 3.50 + 1 x 2.25 = 9.25; tax 8.875% per line, rounded half away from zero:
      // 7.00 -> 0.62125 -> 0.62 and 2.25 -> 0.19969 -> 0.20, so tax 0.82 and total 10.07.
      await waitForTotal(s, "$10.07");
      assert.equal(await textOf(s, "total-subtotal"), "$9.25");
      assert.equal(await textOf(s, "total-tax"), "$0.82");
      assert.deepEqual(await allTexts(s, "line-total"), ["$7.00", "$2.25"]);
      const taxLabel = await s.execute(
        `return document.querySelector('[data-testid="total-tax"]').previousElementSibling.textContent`,
      );
      assert.equal(taxLabel, "Sales tax 8.875%");
    });
  });

  it("saves an order, shows its number, lists it, and still lists it after a restart", async () => {
    const dataDir = newDataDir("persist");
    let number;
    await withApp({ dataDir, shot: "04-orders" }, async (s) => {
      await addLine(s, "Flat white", 2, "3.50");
      await addLine(s, "Croissant", 1, "2.25");
      await (await s.find(byTestId("tax-rate"))).type("8.875");
      await waitForTotal(s, "$10.07");

      number = await saveOrder(s);
      assert.ok(Number.isInteger(number) && number > 0, `order number ${number}`);
      assert.match(await textOf(s, "saved-order"), /\$10\.07/);
      await screenshot(s, "03-saved");
      // The form is cleared for the next sale.
      assert.equal((await s.findAll(byTestId("line-row"))).length, 0);

      const row = await findOrderRow(s, number);
      assert.match(await row.text(), /\$10\.07/);
      await (await row.find("td.desc")).click();
      const detail = await s.waitForElement(byTestId("order-detail"));
      assert.equal(await (await detail.find("h2")).text(), `Order #${number}`);
      assert.match(await detail.text(), /Flat white/);
    });

    await withApp({ dataDir, shot: "05-after-restart" }, async (s) => {
      const row = await findOrderRow(s, number);
      assert.match(await row.text(), /\$10\.07/);
    });
  });

  it("shows the core's error inline when a price is not an amount, and recovers when it is fixed", async () => {
    await withApp({ dataDir: newDataDir("invalid"), shot: "06b-invalid-fixed" }, async (s) => {
      await addLine(s, "Flat white", 1, "3.5.0");
      const err = await s.waitForElement(byTestId("quote-error"));
      const msg = await err.text();
      assert.ok(msg.length > 0, "the error message is shown");
      assert.doesNotMatch(msg, /\[object Object\]|undefined/);
      // The core names the field it rejected; the UI words it and marks that input.
      assert.equal(await err.attribute("data-field"), "lines[0].unitPrice");
      assert.match(msg, /^Line 1 price: /);
      const price = await s.find('[aria-label="Line 1 unit price"]');
      assert.equal(await price.attribute("aria-invalid"), "true");
      assert.equal((await s.findAll(byTestId("total-total"))).length, 0, "no total is shown for an invalid order");
      await screenshot(s, "06-invalid");
      assert.equal(await (await s.find(byTestId("save-order"))).enabled(), false, "Save is disabled");
      assert.equal(await (await s.find(byTestId("line-total"))).text(), "—");

      // Fixing the price in place brings the total back.
      await price.type(Keys.BACKSPACE.repeat(5) + "3.50");
      await waitForTotal(s, "$3.50");
      assert.equal(await (await s.find(byTestId("save-order"))).enabled(), true, "Save is enabled again");
      assert.equal(await price.attribute("aria-invalid"), null);
    });
  });

  it("runs under a CSP that refuses eval and injected inline scripts", async () => {
    await withApp({ dataDir: newDataDir("csp"), shot: "07-csp" }, async (s) => {
      const evalResult = await s.execute("try { return String(eval('6 * 7')); } catch (e) { return e.name; }");
      assert.equal(evalResult, "EvalError");
      const inline = await s.execute(`
        const el = document.createElement("script");
        el.textContent = "window.__paydeskInline = 1";
        document.head.appendChild(el);
        return window.__paydeskInline === undefined ? "refused" : "ran";`);
      assert.equal(inline, "refused");
      const fn = await s.execute("try { return String(new Function('return 1')()); } catch (e) { return e.name; }");
      assert.equal(fn, "EvalError");
    });
  });

  it("blocks a script, a frame and a fetch from any origin but Stripe's (and, in demo mode, its own simulator)", async () => {
    // A server on loopback, like the demo simulator but on another port: the CSP must refuse it.
    const hits = [];
    const server = http.createServer((req, res) => {
      hits.push(req.url);
      res.writeHead(200, { "content-type": req.url.endsWith(".js") ? "text/javascript" : "text/html", "access-control-allow-origin": "*" });
      res.end(req.url.endsWith(".js") ? "window.__paydeskForeign = 1;" : "<p>foreign frame</p>");
    });
    await new Promise((done) => server.listen(0, "127.0.0.1", done));
    const origin = `http://127.0.0.1:${server.address().port}`;
    try {
      await withApp({ dataDir: newDataDir("csp-origin"), shot: "07-csp-origin" }, async (s) => {
        const result = await s.executeAsync(
          `const [origin, done] = arguments;
          const violations = [];
          document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective + " " + e.blockedURI));
          const script = document.createElement("script");
          script.src = origin + "/foreign.js";
          document.head.appendChild(script);
          const frame = document.createElement("iframe");
          frame.src = origin + "/frame.html";
          document.body.appendChild(frame);
          const fetched = fetch(origin + "/data.json").then(() => "fetched", () => "refused");
          fetched.then((f) => setTimeout(() => { frame.remove(); done({ ran: window.__paydeskForeign === 1, fetch: f, violations }); }, 1500));`,
          [origin],
        );
        assert.equal(result.ran, false, "the foreign script did not run");
        assert.equal(result.fetch, "refused");
        const directives = result.violations.map((v) => v.split(" ")[0]);
        for (const directive of ["script-src-elem", "frame-src", "connect-src"]) {
          assert.ok(directives.some((d) => d.startsWith(directive.split("-elem")[0])), `a ${directive} violation in ${JSON.stringify(result.violations)}`);
        }
      });
      assert.deepEqual(hits, [], "nothing reached the foreign origin");
    } finally {
      server.close();
    }
  });
});
