// End-to-end: Stripe keys entered in the Settings screen of the real window. The secret goes
// to the real OS keyring (gnome-keyring on this run's private session bus) and nowhere else;
// the window only ever shows its mode and last four characters. The keys are verified against
// the simulator run.sh starts (the e2e binary is a test build that may reach it).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { byTestId, newDataDir, screenshot, withApp } from "./lib/app.mjs";
import { charge, clickPay, expectReload, findOrderRow, typeCard, typeCoffeeSale, waitForReceipt } from "./lib/ui.mjs";
import { waitFor } from "./lib/webdriver.mjs";

// Made-up keys: the simulator accepts any well-formed test key.
const SECRET = "sk_test_paydesk_e2e_made_up_secret_WXYZ";
const PUBLISHABLE = "pk_test_paydesk_e2e_made_up_publishable";

/** What the real keyring holds for this till, as secret-tool reads it ("" when nothing). */
function keyringSecret(dataDir) {
  try {
    return execFileSync(
      "secret-tool",
      ["lookup", "service", "com.paydesk.app", "username", `stripe-secret-key:${realpathSync(dataDir)}`],
      { encoding: "utf8" },
    ).trim();
  } catch {
    return "";
  }
}

/** Every file under `dir` (the SQLite database, its WAL, the logs), as one string. */
function everythingWritten(dir) {
  let all = "";
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    all += statSync(path).isDirectory() ? everythingWritten(path) : readFileSync(path).toString("latin1");
  }
  return all;
}

async function openSettings(s) {
  await (await s.find(byTestId("nav-settings"))).click();
  await s.waitForElement(byTestId("keys-secret"));
}

async function typeKeys(s, secret, publishable) {
  const secretInput = await s.find(byTestId("keys-secret"));
  await secretInput.clear();
  await secretInput.type(secret);
  const publishableInput = await s.find(byTestId("keys-publishable"));
  await publishableInput.clear();
  await publishableInput.type(publishable);
}

async function enterKeys(s, secret, publishable) {
  await typeKeys(s, secret, publishable);
  await (await s.find(byTestId("keys-save"))).click();
}

const modeBadge = async (s) => (await s.find(byTestId("mode-badge"))).text();

describe("Settings", () => {
  it("keys entered in Settings go to the keyring; the window shows only the mode and last four", async () => {
    const dataDir = newDataDir("keys");
    await withApp({ dataDir, shot: "31-settings-test-keys" }, async (s) => {
      await openSettings(s);
      assert.equal(await modeBadge(s), "DEMO");
      await screenshot(s, "30-settings-demo");

      // A live publishable key with a test secret: refused, with the reason, and nothing kept.
      await enterKeys(s, SECRET, "pk_live_paydesk_e2e_made_up_publishable");
      const refusal = await s.waitForText(byTestId("keys-error"), (t) => t.length > 0, { timeoutMs: 20_000 });
      assert.match(refusal, /same mode/i);
      assert.equal(keyringSecret(dataDir), "", "nothing in the keyring after a refusal");

      // Accepted keys change the mode: the page is reloaded from scratch.
      await typeKeys(s, SECRET, PUBLISHABLE);
      await expectReload(s, async () => (await s.find(byTestId("keys-save"))).click());
      const status = await s.waitForText(byTestId("keys-status"), (t) => t.includes("WXYZ"), { timeoutMs: 20_000 });
      assert.ok(!status.includes(SECRET.slice(0, -4)), `the status shows only the last four: ${status}`);
      await waitFor("the TEST badge", async () => (await modeBadge(s)) === "TEST", { timeoutMs: 20_000 });
      assert.equal(await (await s.find(byTestId("keys-secret"))).property("value"), "", "the secret field is cleared");
      const page = await s.execute("return document.documentElement.outerHTML");
      assert.ok(!page.includes(SECRET), "the secret is nowhere in the page");

      assert.equal(keyringSecret(dataDir), SECRET, "the secret is in the OS keyring");
      assert.ok(!everythingWritten(dataDir).includes(SECRET), "the secret is not in SQLite, its WAL or the logs");
    });

    // A restart reads the keys from the keyring: still TEST, still only the last four.
    await withApp({ dataDir, shot: "32-settings-after-restart" }, async (s) => {
      await openSettings(s);
      assert.equal(await modeBadge(s), "TEST");
      assert.match(await (await s.find(byTestId("keys-status"))).text(), /WXYZ/);

      await (await s.find(byTestId("keys-remove"))).click();
      const confirm = await s.waitForElement(byTestId("keys-remove-confirm"));
      await expectReload(s, () => confirm.click());
      await waitFor("the DEMO badge", async () => (await modeBadge(s)) === "DEMO", { timeoutMs: 20_000 });
      assert.equal(keyringSecret(dataDir), "", "removed from the keyring");
    });
    assert.ok(!everythingWritten(dataDir).includes(SECRET), "the secret never reached the data directory");
  });

  it("finalize on the server: a phone order (MOTO) is confirmed by the core with a ConfirmationToken", async () => {
    await withApp({ dataDir: newDataDir("server-flow"), shot: "34-server-flow-paid" }, async (s) => {
      await (await s.find(byTestId("nav-settings"))).click();
      await (await s.waitForElement(byTestId("confirmation-server"))).click();
      await (await s.find(byTestId("settings-save"))).click();
      await s.waitForElement(byTestId("settings-saved"), { timeoutMs: 10_000 });
      await (await s.find(byTestId("nav-sale"))).click();

      await typeCoffeeSale(s);
      const number = await charge(s);
      const moto = await s.waitForElement(byTestId("moto"));
      await moto.click();
      assert.equal(await moto.property("checked"), true);
      await typeCard(s, "4242 4242 4242 4242");
      await screenshot(s, "33-server-flow-checkout");
      await clickPay(s);
      const receipt = await waitForReceipt(s);
      assert.equal(receipt.outcome, "paid");
      assert.equal(receipt.number, number);
      assert.equal(receipt.total, "$10.07");
      assert.equal(receipt.last4, "4242");

      // The order's log says the core confirmed it (the server flow), not the window.
      await (await s.find(byTestId("new-sale"))).click();
      const row = await findOrderRow(s, number);
      await (await row.find("td.desc")).click();
      await s.waitForElement(byTestId("order-event"));
      const events = (await Promise.all((await s.findAll(byTestId("order-event"))).map((e) => e.text()))).join("\n");
      assert.match(events, /server payment of \$10\.07 started/, events);
      assert.doesNotMatch(events, /client payment/, events);
    });
  });
});
