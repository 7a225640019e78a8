// End-to-end: after the sale, in the real window on one till's data directory. Authorize-only
// then a partial capture, a partial then a full refund, a void at the checkout, history search,
// the daily report against the sales made, its CSV export through the system's save dialog
// (answered with xdotool, as a cashier would type a path), and a restart that still shows
// every order.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { byTestId, newDataDir, screenshot, withApp } from "./lib/app.mjs";
import { charge, clickPay, findOrderRow, replaceText, textOf, typeCard, typeCoffeeSale, waitForReceipt } from "./lib/ui.mjs";
import { waitFor } from "./lib/webdriver.mjs";

const VISA = "4242 4242 4242 4242";
const MASTERCARD = "5555 5555 5555 4444";
const dataDir = newDataDir("orders");
/** Every order these scenarios make, with the status it must end in. */
const made = new Map();

async function setCaptureMode(s, mode) {
  await (await s.find(byTestId("nav-settings"))).click();
  const radio = await s.waitForElement(byTestId(`capture-${mode}`));
  await radio.click();
  await (await s.find(byTestId("settings-save"))).click();
  await s.waitForElement(byTestId("settings-saved"), { timeoutMs: 10_000 });
  await (await s.find(byTestId("nav-sale"))).click();
  await s.waitForElement(byTestId("entry-description"));
}

/** A $10.07 coffee sale paid (or authorized) with `card`; returns its number and outcome. */
async function sell(s, card) {
  await typeCoffeeSale(s);
  const number = await charge(s);
  await typeCard(s, card);
  await clickPay(s);
  const receipt = await waitForReceipt(s);
  await (await s.find(byTestId("new-sale"))).click();
  return { number, outcome: receipt.outcome };
}

/** Opens the order's detail in History; returns when its status reads `status`. */
async function openOrder(s, number, status) {
  const row = await findOrderRow(s, number);
  await (await row.find("td.desc")).click();
  await s.waitForText(`${byTestId("order-detail")} h2`, `Order #${number}`);
  if (status) await waitForStatus(s, status);
}

async function waitForStatus(s, status) {
  await waitFor(
    `the order to be ${status}`,
    async () => (await (await s.find(`${byTestId("order-detail")} ${byTestId("status-badge")}`)).attribute("data-status")) === status,
    { timeoutMs: 20_000 },
  );
}

async function typeInto(s, testId, text) {
  await replaceText(s, await s.find(byTestId(testId)), text);
}

describe("After the sale", () => {
  it("authorize-only, then a partial capture: the order is paid for the captured amount", async () => {
    await withApp({ dataDir, shot: "21-captured" }, async (s) => {
      await setCaptureMode(s, "manual");
      const { number, outcome } = await sell(s, VISA);
      assert.equal(outcome, "authorized");
      await openOrder(s, number, "authorized");
      assert.equal(await textOf(s, "payment-capturable"), "$10.07");
      await (await s.find(byTestId("action-capture"))).click();
      await typeInto(s, "capture-amount", "8.00");
      await screenshot(s, "20-capture-form");
      await (await s.find(byTestId("capture-confirm"))).click();
      await waitForStatus(s, "paid");
      assert.equal(await textOf(s, "payment-captured"), "$8.00");
      made.set(number, "paid");
    });
  });

  it("a partial then a full refund, and a void at the checkout", async () => {
    await withApp({ dataDir, shot: "23-refunded" }, async (s) => {
      await setCaptureMode(s, "automatic");
      const { number, outcome } = await sell(s, MASTERCARD);
      assert.equal(outcome, "paid");
      await openOrder(s, number, "paid");

      await (await s.find(byTestId("action-refund"))).click();
      await typeInto(s, "refund-amount", "2.50");
      await screenshot(s, "22-refund-form");
      await (await s.find(byTestId("refund-confirm"))).click();
      await waitForStatus(s, "partially_refunded");
      assert.equal(await textOf(s, "payment-refunded"), "$2.50");
      assert.equal(await textOf(s, "payment-refundable"), "$7.57");

      // Empty amount: everything still refundable.
      await (await s.find(byTestId("action-refund"))).click();
      await typeInto(s, "refund-amount", "");
      await (await s.find(byTestId("refund-confirm"))).click();
      await waitForStatus(s, "refunded");
      assert.equal(await textOf(s, "payment-refunded"), "$10.07");
      assert.equal((await s.findAll(byTestId("action-refund"))).length, 0, "nothing left to refund");
      assert.equal((await s.findAll(byTestId("refund-row"))).length, 2);
      made.set(number, "refunded");

      // Void at the checkout: the PaymentIntent is canceled and the order is voided.
      await (await s.find(byTestId("nav-sale"))).click();
      await typeCoffeeSale(s);
      const voided = await charge(s);
      await (await s.find(byTestId("void"))).click();
      await (await s.waitForElement(byTestId("void-confirm"))).click();
      await s.waitForElement(byTestId("entry-description"), { timeoutMs: 20_000 });
      await openOrder(s, voided, "voided");
      assert.equal((await s.findAll(byTestId("action-void"))).length, 0, "a voided order offers no void");
      made.set(voided, "voided");
    });
  });

  it("history finds an order by number, amount and words; the daily report matches the sales; CSV export", async () => {
    await withApp({ dataDir, shot: "26-report" }, async (s) => {
      const { number } = await sell(s, VISA);
      made.set(number, "paid");
      await findOrderRow(s, number);
      const search = await s.find(byTestId("history-search"));
      const shownNumbers = async () =>
        Promise.all((await s.findAll(byTestId("order-row"))).map(async (row) => Number(await row.attribute("data-number"))));
      const searchFor = async (text, expected) => {
        await replaceText(s, search, text);
        await waitFor(`"${text}" to list ${expected}`, async () => JSON.stringify(await shownNumbers()) === JSON.stringify(expected), {
          timeoutMs: 10_000,
        });
      };
      const all = [...made.keys()].sort((a, b) => b - a);
      await searchFor(`#${number}`, [number]);
      await searchFor("10.07", all);
      await searchFor("croissant", all);
      await searchFor("no such thing", []);
      await screenshot(s, "24-history-search");
      await searchFor("", all);

      // Today's report: three paid or captured sales ($8.00 + $10.07 + $10.07), $10.07 refunded.
      await (await s.find(byTestId("nav-report"))).click();
      await s.waitForText(byTestId("report-gross"), "$28.14", { timeoutMs: 10_000 });
      assert.equal(await textOf(s, "report-refunds"), "$10.07");
      assert.equal(await textOf(s, "report-net"), "$18.07");
      assert.equal(await textOf(s, "report-sales"), "3");
      const brands = await Promise.all((await s.findAll(byTestId("report-brand"))).map((b) => b.text()));
      assert.equal(brands.length, 2, `brands: ${brands}`);
      assert.ok(brands.some((b) => /mastercard/i.test(b)) && brands.some((b) => /visa/i.test(b)), `brands: ${brands}`);
      const statuses = Object.fromEntries(
        await Promise.all(
          (await s.findAll(byTestId("report-status-count"))).map(async (row) => [await row.attribute("data-status"), await row.text()]),
        ),
      );
      assert.deepEqual(Object.keys(statuses).sort(), ["paid", "refunded", "voided"]);
      assert.match(statuses.paid, /2$/);
      assert.match(statuses.voided, /1$/);
      assert.equal((await s.findAll(byTestId("report-hour-bar"))).length, 24);
      await screenshot(s, "25-report");

      // Export: the system save dialog opens; a path is typed into it as a cashier would.
      const target = join(mkdtempSync(join(tmpdir(), "paydesk-export-")), "today.csv");
      await (await s.find(byTestId("report-export"))).click();
      answerSaveDialog(target);
      const saved = await s.waitForText(byTestId("report-export-result"), (t) => t.includes("today.csv"), { timeoutMs: 20_000 });
      assert.match(saved, /\b4 orders\b/);
      assert.ok(existsSync(target), `${target} was written`);
      const rows = readFileSync(target, "utf8").trim().split("\n");
      assert.equal(rows.length, 1 + made.size, rows.join("\n"));
      assert.ok(rows[0].startsWith("number,id,created_at"));
      assert.ok(rows.some((row) => row.startsWith(`${number},`) && row.includes(",paid,USD,")));
    });
  });

  it("after a restart every order is still there, in its state", async () => {
    await withApp({ dataDir, shot: "27-history-after-restart" }, async (s) => {
      for (const [number, status] of made) {
        const row = await findOrderRow(s, number);
        assert.equal(await row.attribute("data-status"), status, `order #${number}`);
      }
      assert.equal((await s.findAll(byTestId("order-row"))).length, made.size);
    });
  });
});

/** Types `path` into the GTK save dialog that the export opened, and presses Enter. */
function answerSaveDialog(path) {
  const window = execFileSync("xdotool", ["search", "--sync", "--onlyvisible", "--name", "Export the day's orders"], {
    encoding: "utf8",
    timeout: 20_000,
  })
    .trim()
    .split("\n")[0];
  execFileSync("xdotool", ["windowfocus", "--sync", window]);
  // The name field has the focus and the suggested name selected: replace it with a full path.
  execFileSync("xdotool", ["key", "--window", window, "ctrl+a"]);
  execFileSync("xdotool", ["type", "--window", window, "--delay", "20", path]);
  execFileSync("xdotool", ["key", "--window", window, "Return"]);
}

