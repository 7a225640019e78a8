// Paydesk-specific steps, in the cashier's terms.
import { byTestId, screenshot } from "./app.mjs";
import { Keys, waitFor } from "./webdriver.mjs";

/** Types one line into the entry row and presses Enter, as a cashier would. */
export async function addLine(s, description, quantity, unitPrice) {
  const before = (await s.findAll(byTestId("line-row"))).length;
  await (await s.find(byTestId("entry-description"))).type(description);
  await (await s.find(byTestId("entry-quantity"))).type(Keys.BACKSPACE.repeat(4) + String(quantity));
  await (await s.find(byTestId("entry-price"))).type(unitPrice + Keys.ENTER);
  await waitFor(`line "${description}" to be added`, async () => (await s.findAll(byTestId("line-row"))).length === before + 1);
}

/** Waits until the core's quote is in (no request in flight) and its total reads `total`. */
export async function waitForTotal(s, total) {
  await s.waitForText(byTestId("total-total"), total);
  await waitFor("the quote to settle", async () => (await (await s.find(byTestId("totals"))).attribute("aria-busy")) === "false");
  return s.waitForText(byTestId("total-total"), total);
}

export async function textOf(s, testId) {
  return (await s.find(byTestId(testId))).text();
}

export async function allTexts(s, testId) {
  return Promise.all((await s.findAll(byTestId(testId))).map((e) => e.text()));
}

/** Saves the order on screen and returns the number the core gave it. */
export async function saveOrder(s) {
  await (await s.find(byTestId("save-order"))).click();
  const text = await s.waitForText(byTestId("saved-order-number"), (t) => /^#\d+$/.test(t));
  return Number(text.slice(1));
}

/** Opens Recent orders and waits for the row of order `number`; returns that row. */
export async function findOrderRow(s, number) {
  await (await s.find(byTestId("nav-orders"))).click();
  return waitFor(`order #${number} in Recent orders`, async () => {
    const rows = await s.findAll(`${byTestId("order-row")}[data-number="${number}"]`);
    return rows[0] ?? null;
  });
}

export { screenshot };
