// End-to-end: taking payment in the real window, in demo mode (the in-app Stripe simulator and
// its Stripe.js stand-in). Card details are typed inside the Payment Element's iframe and the
// 3-D Secure page is answered inside its own iframe, through WebDriver frame switching.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { byTestId, newDataDir, withApp } from "./lib/app.mjs";
import {
  answer3ds,
  charge,
  clickPay,
  screenshot,
  textOf,
  typeCard,
  typeCoffeeSale,
  waitFor3ds,
  waitForNotice,
  waitForPayable,
  waitForReceipt,
} from "./lib/ui.mjs";
import { Keys, waitFor } from "./lib/webdriver.mjs";

const VISA = "4242 4242 4242 4242";
const INSUFFICIENT_FUNDS = "4000 0000 0000 9995";
const THREE_DS = "4000 0025 0000 3155";

/** The receipt of a paid $10.07 coffee sale on order `number`, with the card the core recorded. */
function assertPaidReceipt(r, number) {
  assert.equal(r.outcome, "paid");
  assert.equal(r.headline, "Paid");
  assert.equal(r.number, number, "the receipt is for the order that was charged");
  assert.equal(r.brand, "visa");
  assert.equal(r.last4, "4242");
  assert.match(r.card, /visa/i);
  assert.match(r.card, /4242/);
  assert.equal(r.total, "$10.07", "the receipt shows the core's total");
  assert.equal(r.tax, "$0.82");
  assert.equal(r.lines.length, 2);
  assert.match(r.lines[0], /Flat white/);
  assert.match(r.receipt, /Paydesk demo shop/);
}

describe("Checkout", () => {
  it("a sale paid with 4242 ends paid, with a receipt showing visa, 4242 and the core's total", async () => {
    await withApp({ dataDir: newDataDir("pay-4242"), shot: "11b-new-sale-after-paid" }, async (s) => {
      await typeCoffeeSale(s);
      // Keyboard-first: Enter on the empty entry row saves the order and opens the checkout.
      const number = await charge(s, { withKeyboard: true });
      assert.ok(Number.isInteger(number) && number > 0, `order number ${number}`);
      assert.equal(await textOf(s, "checkout-amount"), "$10.07", "the amount to pay is the core's");
      await typeCard(s, VISA);
      await screenshot(s, "10-checkout");
      await clickPay(s);
      const r = await waitForReceipt(s);
      assertPaidReceipt(r, number);
      await screenshot(s, "11-paid-receipt");

      // Enter starts the next sale, with the cursor ready for the first item.
      await s.keys(Keys.ENTER);
      await waitFor("the New sale screen", async () => (await s.find(byTestId("entry-description"))).displayed());
      assert.equal((await s.findAll(byTestId("sale-result"))).length, 0);
      assert.equal(await s.execute("return document.activeElement && document.activeElement.dataset.testid"), "entry-description");
    });
  });

  it("9995 shows insufficient funds and the order stays payable; 4242 then pays it", async () => {
    await withApp({ dataDir: newDataDir("pay-9995"), shot: "13-declined-then-paid" }, async (s) => {
      await typeCoffeeSale(s);
      const number = await charge(s);
      await typeCard(s, INSUFFICIENT_FUNDS);
      await clickPay(s);
      const notice = await waitForNotice(s, /insufficient funds/i);
      assert.equal(notice.kind, "declined");
      await screenshot(s, "12-declined");
      // Still on the checkout of the same order, with Pay offered again.
      assert.equal((await s.findAll(byTestId("sale-result"))).length, 0, "no result after a decline");
      assert.equal(await textOf(s, "checkout-order-number"), `#${number}`);
      await waitForPayable(s);

      await typeCard(s, VISA);
      await clickPay(s);
      assertPaidReceipt(await waitForReceipt(s), number);
    });
  });

  it("3-D Secure (3155) completed ends paid", async () => {
    await withApp({ dataDir: newDataDir("pay-3ds"), shot: "15-3ds-paid" }, async (s) => {
      await typeCoffeeSale(s);
      const number = await charge(s);
      await typeCard(s, THREE_DS);
      await clickPay(s);
      await waitFor3ds(s);
      await screenshot(s, "14-3ds-challenge");
      await answer3ds(s, "complete");
      const r = await waitForReceipt(s);
      assert.equal(r.outcome, "paid");
      assert.equal(r.number, number);
      assert.equal(r.brand, "visa");
      assert.equal(r.last4, "3155");
      assert.equal(r.total, "$10.07");
    });
  });

  it("3-D Secure failed is a decline on the same order; 4242 then pays it", async () => {
    await withApp({ dataDir: newDataDir("pay-3ds-fail"), shot: "17-3ds-failed-then-paid" }, async (s) => {
      await typeCoffeeSale(s);
      const number = await charge(s);
      await typeCard(s, THREE_DS);
      await clickPay(s);
      await answer3ds(s, "fail");
      const notice = await waitForNotice(s, /\S/);
      assert.equal(notice.kind, "declined", `notice: ${notice.text}`);
      assert.match(notice.text, /3-D Secure|authenticat/i, "the cashier is told the security check failed");
      assert.doesNotMatch(notice.text, /undefined|\[object/);
      await screenshot(s, "16-3ds-failed");
      assert.equal((await s.findAll(byTestId("sale-result"))).length, 0);
      await waitForPayable(s);

      await typeCard(s, VISA);
      await clickPay(s);
      assertPaidReceipt(await waitForReceipt(s), number);
    });
  });
});
