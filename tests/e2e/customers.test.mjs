// End-to-end: the customer directory and cards on file in the real window. A phone customer is
// added with the keyboard (a bad email refused first) and found again by phone number; a sale
// from their page saves the typed card with their consent; a second phone order picks them by
// type-ahead and is paid with the saved card (MOTO) without typing it; their page lists both
// orders and the card with its checks; the card is removed at Stripe, then the customer, after
// a confirm each, and their orders still name them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { byTestId, newDataDir, screenshot, withApp } from "./lib/app.mjs";
import { addLine, charge, clickPay, replaceText, textOf, typeCard, waitForPayable, waitForReceipt, waitForTotal } from "./lib/ui.mjs";
import { Keys, waitFor } from "./lib/webdriver.mjs";

const VISA = "4242 4242 4242 4242";

async function typeInto(s, testId, text) {
  await replaceText(s, await s.find(byTestId(testId)), text);
}

async function customerRows(s) {
  return Promise.all((await s.findAll(byTestId("customer-row"))).map((r) => r.attribute("data-number")));
}

async function chargeTea(s) {
  await addLine(s, "Tea", 1, "3.00");
  await waitForTotal(s, (t) => t.startsWith("$"));
  return charge(s);
}

describe("customers", () => {
  it("adds a customer, sells to them twice, lists their orders, and removes them after a confirm", async () => {
    await withApp({ dataDir: newDataDir("customers"), shot: "customers" }, async (s) => {
      await s.keys(Keys.F5);
      await s.waitForElement(byTestId("customer-search"));
      await s.keys(Keys.ALT, "n");
      await s.waitForElement(byTestId("customer-form"));
      await typeInto(s, "customer-field-name", "Ana Díaz");
      await typeInto(s, "customer-field-email", "ana-at-example");
      await typeInto(s, "customer-field-phone", "+1 555 010 9999" + Keys.ENTER);
      const refused = await s.waitForText(byTestId("customer-form-error"), (t) => t.startsWith("Email:"));
      assert.match(refused, /not an email/i);
      assert.deepEqual(await customerRows(s), [], "a refused customer is not saved");
      await typeInto(s, "customer-field-email", "ana@example.com" + Keys.ENTER);
      await s.waitForText(`${byTestId("customer-detail")} h2`, (t) => t.includes("Ana Díaz"));
      assert.deepEqual(await customerRows(s), ["1"]);

      // Found again by the number they call from.
      await typeInto(s, "customer-search", "010 99");
      await waitFor("the search to find Ana", async () => (await customerRows(s)).join() === "1");
      await screenshot(s, "customers-directory");

      await (await s.find(byTestId("customer-sell"))).click();
      await s.waitForText(byTestId("sale-customer"), (t) => t.includes("C1 Ana Díaz"));
      const first = await chargeTea(s);
      // The customer agreed to keep the card: the card form comes back for an intent that saves it.
      const before = (await s.find(`${byTestId("payment-element")} iframe`)).id;
      await (await s.find(byTestId("save-card"))).click();
      await waitFor("a new card form for the intent that saves the card", async () => {
        const frames = await s.findAll(`${byTestId("payment-element")} iframe`);
        return frames.length === 1 && frames[0].id !== before;
      });
      await waitForPayable(s);
      await typeCard(s, VISA);
      await clickPay(s);
      const firstReceipt = await waitForReceipt(s);
      assert.equal(firstReceipt.outcome, "paid");
      assert.match(await textOf(s, "receipt-customer"), /For Ana Díaz/);
      await (await s.find(byTestId("new-sale"))).click();

      // The second phone order: picked by type-ahead, paid with the saved card, nothing typed.
      await s.waitForElement(byTestId("entry-description"));
      await typeInto(s, "sale-customer-search", "ana");
      await s.waitForElement(byTestId("customer-suggestion"));
      await s.keys(Keys.ENTER);
      await s.waitForText(byTestId("sale-customer"), (t) => t.includes("C1 Ana Díaz"));
      const second = await chargeTea(s);
      const saved = await s.waitForElement(`${byTestId("saved-card")}[data-last4="4242"]`, { timeoutMs: 15_000 });
      await screenshot(s, "customers-saved-card-checkout");
      await (await saved.find(byTestId("charge-saved-card"))).click();
      const secondReceipt = await waitForReceipt(s);
      assert.equal(secondReceipt.outcome, "paid");
      assert.equal(secondReceipt.last4, "4242");
      assert.match(await textOf(s, "receipt-customer"), /For Ana Díaz/);
      await (await s.find(byTestId("new-sale"))).click();

      await s.keys(Keys.F5);
      await typeInto(s, "customer-search", "Ana" + Keys.ENTER);
      await s.waitForElement(byTestId("customer-order"));
      const listed = await Promise.all((await s.findAll(byTestId("customer-order"))).map((r) => r.attribute("data-number")));
      assert.deepEqual(listed, [String(second), String(first)]);
      const card = await s.waitForElement(`${byTestId("customer-card")}[data-last4="4242"]`, { timeoutMs: 15_000 });
      assert.match(await (await card.find(byTestId("customer-card-checks"))).text(), /CVC pass/);
      await screenshot(s, "customers-detail");
      await (await card.find(byTestId("customer-card-remove"))).click();
      await (await s.find(byTestId("customer-card-remove-confirm"))).click();
      await s.waitForElement(byTestId("customer-no-cards"), { timeoutMs: 15_000 });

      await (await s.find(byTestId("customer-remove"))).click();
      assert.deepEqual(await customerRows(s), ["1"], "nothing is removed before the confirm");
      await (await s.find(byTestId("customer-remove-confirm"))).click();
      await s.waitForElement(byTestId("customers-empty"));

      await s.keys(Keys.F3);
      const row = await s.waitForElement(`${byTestId("order-row")}[data-number="${first}"]`);
      await (await row.find("td.desc")).click();
      await s.waitForText(byTestId("order-customer"), (t) => t.includes("Ana Díaz"));
    });
  });
});
