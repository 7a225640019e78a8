// Paydesk-specific steps, in the cashier's terms.
import { byTestId, recordIpc, saveIpcReplies, screenshot } from "./app.mjs";
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

/** Opens History and waits for the row of order `number`; returns that row. */
export async function findOrderRow(s, number) {
  await (await s.find(byTestId("nav-orders"))).click();
  return waitFor(`order #${number} in History`, async () => {
    const rows = await s.findAll(`${byTestId("order-row")}[data-number="${number}"]`);
    return rows[0] ?? null;
  });
}

export { screenshot };

// ---------------------------------------------------------------- checkout

/** The sale the checkout scenarios use: 2 × Flat white @ 3.50, Croissant @ 2.25, 8.875 % tax = $10.07. */
export async function typeCoffeeSale(s) {
  await addLine(s, "Flat white", 2, "3.50");
  await addLine(s, "Croissant", 1, "2.25");
  // The till keeps the last sale's tax rate; type it over whatever is there.
  await replaceText(s, await s.find(byTestId("tax-rate")), "8.875");
  await waitForTotal(s, "$10.07");
}

/**
 * Replaces the text of an input as a cashier would (click, select all, type), so the page sees
 * real key events; WebDriver's "clear" changes the value behind React's back.
 */
export async function replaceText(s, input, text) {
  await input.click();
  await s.keys(Keys.CONTROL, "a");
  await s.typeText(Keys.BACKSPACE + text);
}

/**
 * Charges the order on screen (with Enter on the empty entry row, or the Charge button) and
 * waits until the Payment Element is mounted and Pay is enabled. Returns the order number.
 */
export async function charge(s, { withKeyboard = false } = {}) {
  if (withKeyboard) {
    await (await s.find(byTestId("entry-description"))).type(Keys.ENTER);
  } else {
    await (await s.find(byTestId("charge"))).click();
  }
  await s.waitForElement(byTestId("checkout"));
  await waitForPayable(s);
  const text = await textOf(s, "checkout-order-number");
  return Number(text.slice(1));
}

/** Waits until the checkout offers Pay again (enabled) and its card iframe is in place. */
export async function waitForPayable(s) {
  await s.waitForElement(`${byTestId("payment-element")} iframe`, { timeoutMs: 20_000 });
  await waitFor(
    "Pay to be enabled",
    async () => {
      const pay = await s.findAll(byTestId("pay"));
      return pay.length === 1 && (await pay[0].enabled());
    },
    { timeoutMs: 20_000 },
  );
}

/** Types a card into the Payment Element's iframe, replacing whatever was there. */
export async function typeCard(s, number, { expiry = "12 / 34", cvc = "123", postal = "10001" } = {}) {
  const frame = await s.find(`${byTestId("payment-element")} iframe`);
  await s.inFrame(frame, async () => {
    for (const [id, value] of [
      ["number", number],
      ["expiry", expiry],
      ["cvc", cvc],
      ["postal", postal],
    ]) {
      const input = await s.waitForElement(`#${id}`);
      // WebKitWebDriver refuses "send keys" to an element inside a cross-origin frame ("not
      // focusable"), so click into the field, select what is there, and type as a keyboard would.
      await input.click();
      await s.keys(Keys.CONTROL, "a");
      await s.typeText(Keys.BACKSPACE + value);
      const got = await input.property("value");
      if (got.replace(/\D/g, "") !== value.replace(/\D/g, "") && got !== value) {
        throw new Error(`#${id} reads ${JSON.stringify(got)} after typing ${JSON.stringify(value)}`);
      }
    }
    // The frame formats as it goes: the number reads back in groups of four.
    const typed = await (await s.find("#number")).property("value");
    if (typed.replace(/\s/g, "") !== number.replace(/\s/g, "")) throw new Error(`card number reads ${typed}`);
  });
}

export async function clickPay(s) {
  await (await s.find(byTestId("pay"))).click();
}

/** Waits for the simulator's 3-D Secure page over the window; returns its iframe. */
export async function waitFor3ds(s) {
  return s.waitForElement('[data-stripe-sim="3ds"] iframe', { timeoutMs: 20_000 });
}

/** Answers the 3-D Secure challenge: "complete" or "fail". */
export async function answer3ds(s, answer) {
  const frame = await waitFor3ds(s);
  await s.inFrame(frame, async () => {
    const button = await s.waitForElement(`#${answer}`);
    await waitFor("the 3-D Secure buttons to be enabled", () => button.enabled());
    await button.click();
  });
  await waitFor("the 3-D Secure page to close", async () => (await s.findAll('[data-stripe-sim="3ds"]')).length === 0, {
    timeoutMs: 20_000,
  });
}

/** Waits for the checkout's notice (decline, error, pending) and returns its text and kind. */
export async function waitForNotice(s, pattern) {
  const text = await s.waitForText(byTestId("checkout-notice"), (t) => pattern.test(t), { timeoutMs: 20_000 });
  const kind = await (await s.find(byTestId("checkout-notice"))).attribute("data-kind");
  return { text, kind };
}

/** Waits for the result screen and its receipt; returns what the cashier sees. */
export async function waitForReceipt(s) {
  const headline = await s.waitForText(byTestId("result-headline"), (t) => t.length > 0, { timeoutMs: 20_000 });
  await s.waitForElement(byTestId("receipt"), { timeoutMs: 15_000 });
  return {
    headline,
    outcome: await (await s.find(byTestId("sale-result"))).attribute("data-outcome"),
    number: Number((await textOf(s, "receipt-order-number")).slice(1)),
    card: await textOf(s, "receipt-card"),
    brand: await (await s.find(byTestId("receipt-card"))).attribute("data-brand"),
    last4: await (await s.find(byTestId("receipt-card"))).attribute("data-last4"),
    total: await textOf(s, "receipt-total"),
    tax: await textOf(s, "receipt-tax"),
    lines: await allTexts(s, "receipt-line"),
    receipt: await textOf(s, "receipt"),
  };
}

/**
 * Runs `action` (which makes the window reload its page, such as saving keys) and waits for
 * the new page: the old one's marker gone and the core's mode back on the badge.
 */
export async function expectReload(s, action) {
  await saveIpcReplies(s);
  await s.execute("window.__paydeskOldPage = true;");
  await action();
  await waitFor(
    "the page to reload",
    async () => {
      try {
        return (await s.execute("return window.__paydeskOldPage === undefined && !!document.querySelector('[data-testid=\"mode-badge\"]');")) === true;
      } catch {
        return false; // mid-navigation
      }
    },
    { timeoutMs: 20_000 },
  );
  await recordIpc(s);
}
