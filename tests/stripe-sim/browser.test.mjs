// Browser-level test of the simulator's Stripe.js stand-in in headless Chromium.
// An "app" page on its own origin loads <SIM>/v3/, mounts the Payment Element and pays;
// the card is typed into the simulator's iframe, as a cashier would.
// Usage: SIM_URL=http://127.0.0.1:PORT node browser.test.mjs   (prints PASS/FAIL lines)

import http from 'node:http';
import { chromium } from 'playwright-core';

const SIM = process.env.SIM_URL;
const SECRET = 'sk_test_paydesk_fake_key';
const PK = 'pk_test_paydesk_fake_key';
if (!SIM) throw new Error('SIM_URL is not set');

async function api(method, path, params = {}) {
  const body = new URLSearchParams(params).toString();
  const url = `${SIM}${path}${method === 'GET' && body ? `?${body}` : ''}`;
  const r = await fetch(url, {
    method,
    headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: method === 'GET' ? undefined : body,
  });
  return { status: r.status, body: await r.json() };
}

// syncError tells a synchronous throw (Stripe.js's argument checks) from a returned promise.
const APP_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Paydesk test app</title>
<script>
window.syncError = (fn) => {
  try {
    const p = fn();
    if (p && typeof p.then === 'function') p.then(() => {}, () => {});
    return { sync: false };
  } catch (e) {
    return { sync: true, name: e.name, message: e.message };
  }
};
</script>
<script src="${SIM}/v3/"></script></head>
<body><h1>Checkout</h1><div id="payment-element"></div></body></html>`;

function startApp() {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(APP_PAGE);
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

let passed = 0;
let failed = 0;
async function test(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`PASS browser: ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL browser: ${name}\n  ${(e && e.stack) || e}`);
  }
}
function check(cond, message) {
  if (!cond) throw new Error(message);
}

const appServer = await startApp();
const APP = `http://127.0.0.1:${appServer.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Opens the app page with a Payment Element mounted for `elementsOptions`. */
async function openCheckout(elementsOptions) {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(APP);
  await page.evaluate(
    ([pk, options]) =>
      new Promise((resolve) => {
        window.stripe = Stripe(pk);
        window.elements = window.stripe.elements(options);
        window.changes = [];
        const el = window.elements.create('payment');
        el.on('change', (e) => window.changes.push(e));
        el.on('ready', () => resolve());
        el.mount('#payment-element');
      }),
    [PK, elementsOptions],
  );
  return page;
}

async function typeCard(page, { number, expiry = '12 / 34', cvc = '123', postal = '94103' }) {
  const frame = page.frameLocator('iframe[name^="__privateStripeFrame"]');
  await frame.locator('#number').pressSequentially(number);
  await frame.locator('#expiry').pressSequentially(expiry.replace(/\D/g, ''));
  await frame.locator('#cvc').pressSequentially(cvc);
  await frame.locator('#postal').pressSequentially(postal);
}

/** Starts confirmPayment in the page; resolves with its result later. */
function confirmInPage(page) {
  return page.evaluate(() => window.stripe.confirmPayment({ elements: window.elements, redirect: 'if_required' }));
}

async function answerChallenge(page, button) {
  const challenge = page.frameLocator('iframe[name="__stripeSim3ds"]');
  await challenge.locator(`#${button}`).click();
}

async function newIntent(extra = {}) {
  const r = await api('POST', '/v1/payment_intents', { amount: '2599', currency: 'usd', 'metadata[order_id]': 'browser', ...extra });
  check(r.status === 200, `create intent: ${JSON.stringify(r.body)}`);
  return r.body;
}

await test('type a card and confirm: the intent succeeds, verified server-side', async () => {
  const pi = await newIntent();
  const page = await openCheckout({ clientSecret: pi.client_secret });
  await typeCard(page, { number: '4242424242424242' });
  // The frame posts its change events to the page asynchronously: the last keystroke's
  // event may still be in flight when typing returns, so wait for it (bounded) before asserting.
  await page.waitForFunction(() => window.changes.at(-1)?.complete === true, null, { timeout: 5000 }).catch(() => {});
  const complete = await page.evaluate(() => window.changes.at(-1));
  check(complete && complete.complete === true && complete.value.type === 'card', `change event: ${JSON.stringify(complete)}`);
  const result = await confirmInPage(page);
  check(result.paymentIntent && result.paymentIntent.status === 'succeeded', `result: ${JSON.stringify(result)}`);
  check(!result.error, 'no error');
  const server = await api('GET', `/v1/payment_intents/${pi.id}`, { 'expand[]': 'latest_charge' });
  check(server.body.status === 'succeeded', `server status ${server.body.status}`);
  check(server.body.latest_charge.payment_method_details.card.last4 === '4242', 'last4 4242');
  await page.close();
});

await test('card data never enters the app page', async () => {
  const pi = await newIntent();
  const page = await openCheckout({ clientSecret: pi.client_secret });
  await typeCard(page, { number: '4242424242424242' });
  const view = await page.evaluate(() => {
    const frame = document.querySelector('iframe[name^="__privateStripeFrame"]');
    let readable = true;
    try {
      readable = !!frame.contentDocument;
    } catch {
      readable = false;
    }
    return { inputs: document.querySelectorAll('input').length, html: document.documentElement.outerHTML, readable, changes: JSON.stringify(window.changes) };
  });
  check(view.inputs === 0, 'no input in the app page');
  check(!view.readable, 'the card frame is cross-origin to the app');
  check(!view.html.includes('4242 4242') && !view.changes.includes('4242'), 'the number is not in the page or its events');
  await page.close();
});

await test('Luhn failure is refused in the browser before any request', async () => {
  const pi = await newIntent();
  const before = await api('GET', '/v1/events', { limit: '100' });
  const page = await openCheckout({ clientSecret: pi.client_secret });
  await typeCard(page, { number: '4242424242424241' });
  const result = await confirmInPage(page);
  check(result.error && result.error.type === 'validation_error' && result.error.code === 'invalid_number', `result: ${JSON.stringify(result)}`);
  const shown = await page.frameLocator('iframe[name^="__privateStripeFrame"]').locator('#error').textContent();
  check(/invalid/i.test(shown), `message shown: ${shown}`);
  const after = await api('GET', '/v1/events', { limit: '100' });
  check(after.body.data.length === before.body.data.length, 'no new events: nothing was sent');
  const server = await api('GET', `/v1/payment_intents/${pi.id}`);
  check(server.body.status === 'requires_payment_method' && server.body.latest_charge === null, 'intent untouched');
  await page.close();
});

await test('expired card is refused in the browser', async () => {
  const pi = await newIntent();
  const page = await openCheckout({ clientSecret: pi.client_secret });
  await typeCard(page, { number: '4242424242424242', expiry: '01 / 20' });
  const result = await confirmInPage(page);
  check(result.error && result.error.code === 'invalid_expiry_year_past', `result: ${JSON.stringify(result)}`);
  await page.close();
});

await test('decline returns {error} with the decline code and the intent', async () => {
  const pi = await newIntent();
  const page = await openCheckout({ clientSecret: pi.client_secret });
  await typeCard(page, { number: '4000000000009995' });
  const result = await confirmInPage(page);
  check(result.error && result.error.type === 'card_error' && result.error.decline_code === 'insufficient_funds', `result: ${JSON.stringify(result)}`);
  check(result.error.payment_intent && result.error.payment_intent.status === 'requires_payment_method', 'intent back to requires_payment_method');
  await page.close();
});

await test('3-D Secure challenge completed: the payment succeeds', async () => {
  const pi = await newIntent();
  const page = await openCheckout({ clientSecret: pi.client_secret });
  await typeCard(page, { number: '4000002760003184' });
  const pending = confirmInPage(page);
  await answerChallenge(page, 'complete');
  const result = await pending;
  check(result.paymentIntent && result.paymentIntent.status === 'succeeded', `result: ${JSON.stringify(result)}`);
  const overlays = await page.evaluate(() => document.querySelectorAll('[data-stripe-sim="3ds"]').length);
  check(overlays === 0, 'the challenge is closed');
  const server = await api('GET', `/v1/payment_intents/${pi.id}`);
  check(server.body.status === 'succeeded', 'server agrees');
  await page.close();
});

await test('3-D Secure challenge failed: {error} payment_intent_authentication_failure', async () => {
  const pi = await newIntent();
  const page = await openCheckout({ clientSecret: pi.client_secret });
  await typeCard(page, { number: '4000002500003155' });
  const pending = confirmInPage(page);
  await answerChallenge(page, 'fail');
  const result = await pending;
  check(result.error && result.error.code === 'payment_intent_authentication_failure', `result: ${JSON.stringify(result)}`);
  check(result.error.payment_intent.status === 'requires_payment_method', 'intent back to requires_payment_method');
  await page.close();
});

await test('deferred elements + createConfirmationToken + server confirm + handleNextAction', async () => {
  const page = await openCheckout({ mode: 'payment', amount: 1099, currency: 'usd' });
  await typeCard(page, { number: '4000000000003220' });
  const token = await page.evaluate(async () => {
    const submitted = await window.elements.submit();
    if (submitted.error) return submitted;
    return window.stripe.createConfirmationToken({ elements: window.elements });
  });
  check(token.confirmationToken && token.confirmationToken.id.startsWith('ctoken_'), `token: ${JSON.stringify(token)}`);
  const created = await api('POST', '/v1/payment_intents', {
    amount: '1099',
    currency: 'usd',
    confirm: 'true',
    confirmation_token: token.confirmationToken.id,
  });
  check(created.status === 200 && created.body.status === 'requires_action', `server confirm: ${JSON.stringify(created.body)}`);
  const pending = page.evaluate((cs) => window.stripe.handleNextAction({ clientSecret: cs }), created.body.client_secret);
  await answerChallenge(page, 'complete');
  const result = await pending;
  check(result.paymentIntent && result.paymentIntent.status === 'succeeded', `result: ${JSON.stringify(result)}`);
  await page.close();
});

await test('retrievePaymentIntent and submit() validation', async () => {
  const pi = await newIntent();
  const page = await openCheckout({ clientSecret: pi.client_secret });
  const empty = await page.evaluate(() => window.elements.submit());
  check(empty.error && empty.error.code === 'incomplete_number', `submit on empty form: ${JSON.stringify(empty)}`);
  const got = await page.evaluate((cs) => window.stripe.retrievePaymentIntent(cs), pi.client_secret);
  check(got.paymentIntent && got.paymentIntent.id === pi.id && got.paymentIntent.metadata === undefined, `retrieve: ${JSON.stringify(got)}`);
  await page.evaluate(() => window.elements.getElement('payment').unmount());
  const frames = await page.evaluate(() => document.querySelectorAll('iframe').length);
  check(frames === 0, 'unmount removes the frame');
  await page.close();
});


// ---------------------------------------------------------------- Stripe.js rules

/**
 * Mounts a Payment Element for `options` and resolves once it is ready or failed to load, or
 * after 10 s with the events so far (a stand-in that never says either must not hang the suite).
 */
async function mountElement(page, options) {
  return page.evaluate(
    ([pk, options]) =>
      new Promise((resolve) => {
        setTimeout(() => resolve(window.events.filter((x) => x.name !== 'change')), 10000);
        window.events = [];
        window.stripe = Stripe(pk);
        window.elements = window.stripe.elements(options);
        const el = window.elements.create('payment');
        for (const name of ['ready', 'loaderror', 'loaderstart', 'change', 'focus', 'blur']) {
          el.on(name, (e) => {
            window.events.push({ name, event: e });
            if (name === 'ready' || name === 'loaderror') resolve(window.events.filter((x) => x.name !== 'change'));
          });
        }
        el.mount('#payment-element');
      }),
    [PK, options],
  );
}

async function blankPage() {
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(APP);
  return page;
}

function cardFrame(page) {
  const frame = page.frames().find((f) => f.name().startsWith('__privateStripeFrame'));
  check(frame, 'the card frame is there');
  return frame;
}

await test('Stripe(pk_live_…) on an http page throws Stripe\'s IntegrationError; a test key only warns', async () => {
  const page = await blankPage();
  const warnings = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  const live = await page.evaluate(() => window.syncError(() => Stripe('pk_live_paydesk_fake_key')));
  check(live.sync && live.name === 'IntegrationError', `live key: ${JSON.stringify(live)}`);
  check(
    live.message === 'Live Stripe.js integrations must use HTTPS. For more information: https://stripe.com/docs/security/guide#tls',
    `message: ${live.message}`,
  );
  const test = await page.evaluate((pk) => window.syncError(() => Stripe(pk)), PK);
  check(!test.sync, `a test key works over http: ${JSON.stringify(test)}`);
  await page.waitForFunction(() => true);
  check(
    warnings.includes('You may test your Stripe.js integration over HTTP. However, live Stripe.js integrations must use HTTPS.'),
    `warnings: ${JSON.stringify(warnings)}`,
  );
  await page.close();
});

await test('ready and loaderstart carry {elementType: "payment"}', async () => {
  const pi = await newIntent();
  const page = await blankPage();
  const events = await mountElement(page, { clientSecret: pi.client_secret });
  const names = events.map((e) => e.name);
  check(JSON.stringify(names) === JSON.stringify(['loaderstart', 'ready']), `events: ${JSON.stringify(events)}`);
  check(events.every((e) => JSON.stringify(e.event) === '{"elementType":"payment"}'), `payloads: ${JSON.stringify(events)}`);
  await page.close();
});

await test('loaderror when the client secret names no intent at the simulator', async () => {
  const page = await blankPage();
  const events = await mountElement(page, { clientSecret: 'pi_nosuchintent_secret_madeup' });
  const failed = events.find((e) => e.name === 'loaderror');
  check(failed && !events.some((e) => e.name === 'ready'), `events: ${JSON.stringify(events)}`);
  check(failed.event.elementType === 'payment', 'elementType payment');
  check(failed.event.error.type === 'invalid_request_error' && /No such payment_intent/.test(failed.event.error.message), `error: ${JSON.stringify(failed.event.error)}`);
  // An Element that never loaded cannot take a payment.
  const submitted = await page.evaluate(() => window.elements.submit());
  check(submitted.error && submitted.error.type === 'invalid_request_error', `submit after loaderror: ${JSON.stringify(submitted)}`);
  await page.close();
});

await test('loaderror when the client secret is not the intent\'s', async () => {
  const pi = await newIntent();
  const page = await blankPage();
  const events = await mountElement(page, { clientSecret: `${pi.id}_secret_notTheRightSecret` });
  const failed = events.find((e) => e.name === 'loaderror');
  check(failed && failed.event.error.type === 'invalid_request_error', `events: ${JSON.stringify(events)}`);
  await page.close();
});

await test('loaderror when the card frame does not load', async () => {
  const pi = await newIntent();
  const page = await blankPage();
  await page.route('**/v3/elements-inner-payment.html*', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<p>Bad gateway</p>' }));
  const events = await mountElement(page, { clientSecret: pi.client_secret });
  const failed = events.find((e) => e.name === 'loaderror');
  check(failed && failed.event.elementType === 'payment' && failed.event.error.message, `events: ${JSON.stringify(events)}`);
  check(!events.some((e) => e.name === 'ready'), 'no ready');
  await page.close();
});

await test('focus(), blur() and clear() reach the card fields in the frame', async () => {
  const pi = await newIntent();
  const page = await blankPage();
  await mountElement(page, { clientSecret: pi.client_secret });
  const frame = cardFrame(page);
  check(await page.evaluate(() => typeof window.elements.getElement('payment').focus === 'function'), 'focus() exists');
  await page.evaluate(() => window.elements.getElement('payment').focus());
  await frame.waitForFunction(() => document.activeElement && document.activeElement.id === 'number', null, { timeout: 5000 });
  await page.waitForFunction(() => window.events.some((e) => e.name === 'focus'), null, { timeout: 5000 });
  await page.keyboard.type('4242');
  check((await frame.locator('#number').inputValue()) === '4242', 'typing after focus() goes into the number');
  await page.evaluate(() => window.elements.getElement('payment').blur());
  await frame.waitForFunction(() => !document.activeElement || document.activeElement.id !== 'number', null, { timeout: 5000 });
  await page.evaluate(() => window.elements.getElement('payment').clear());
  await frame.waitForFunction(() => document.getElementById('number').value === '', null, { timeout: 5000 });
  await page.close();
});

await test('elements() refuses bad options with IntegrationErrors', async () => {
  const page = await blankPage();
  const cases = [
    [{ mode: 'pay', amount: 100, currency: 'usd' }, /^Invalid value for elements\(\): mode should be one of the following strings: payment, setup, subscription\. You specified: pay\.$/],
    [{ amount: 100, currency: 'usd' }, /mode should be one of the following strings/],
    [{ mode: 'payment', currency: 'usd' }, /amount/],
    [{ mode: 'payment', amount: 0, currency: 'usd' }, /amount should be a positive integer/],
    [{ mode: 'payment', amount: 10.5, currency: 'usd' }, /amount should be a positive integer/],
    [{ mode: 'payment', amount: '1099', currency: 'usd' }, /amount should be a positive integer/],
    [{ mode: 'payment', amount: 1099 }, /currency/],
    [{ mode: 'payment', amount: 1099, currency: 'USD' }, /^Invalid value for elements\(\): currency should be one of the following strings.* You specified: USD\.$/],
    [{ clientSecret: 'pi_123' }, /^Invalid value for elements\(\): clientSecret should be a client secret of the form \$\{id\}_secret_\$\{secret\}\. You specified: pi_123\.$/],
    [{ clientSecret: 'pi_1_secret_2', mode: 'payment', amount: 1099, currency: 'usd' }, /mode/],
  ];
  for (const [options, pattern] of cases) {
    const got = await page.evaluate(([pk, o]) => window.syncError(() => Stripe(pk).elements(o)), [PK, options]);
    check(got.sync && got.name === 'IntegrationError' && pattern.test(got.message), `${JSON.stringify(options)}: ${JSON.stringify(got)}`);
  }
  const noMode = await page.evaluate((pk) => window.syncError(() => Stripe(pk).elements().create('payment')), PK);
  check(noMode.sync && /^In order to create a payment element, you must pass a clientSecret or mode/.test(noMode.message), `create without mode: ${JSON.stringify(noMode)}`);
  await page.close();
});

await test('confirmPayment, createConfirmationToken and handleNextAction throw on bad arguments', async () => {
  const pi = await newIntent();
  const page = await blankPage();
  await mountElement(page, { clientSecret: pi.client_secret });
  const cases = [
    ['confirmPayment()', () => window.stripe.confirmPayment(), /^stripe\.confirmPayment\(\): expected either `elements` or `clientSecret`, but got neither\.$/],
    ['confirmPayment({})', () => window.stripe.confirmPayment({}), /expected either `elements` or `clientSecret`/],
    [
      'confirmPayment without return_url',
      () => window.stripe.confirmPayment({ elements: window.elements }),
      /^stripe\.confirmPayment\(\): the `confirmParams\.return_url` argument is required unless passing `redirect: 'if_required'`$/,
    ],
    ['confirmPayment redirect: always without return_url', () => window.stripe.confirmPayment({ elements: window.elements, redirect: 'always' }), /return_url/],
    ['confirmPayment redirect: sometimes', () => window.stripe.confirmPayment({ elements: window.elements, redirect: 'sometimes' }), /redirect should be one of the following strings: always, if_required/],
    [
      'confirmPayment with an unmounted Element',
      () => window.stripe.confirmPayment({ elements: window.stripe.elements({ mode: 'payment', amount: 100, currency: 'usd' }), redirect: 'if_required' }),
      /^Invalid value for stripe\.confirmPayment\(\): elements should have a mounted Payment Element or Express Checkout Element\.$/,
    ],
    ['createConfirmationToken()', () => window.stripe.createConfirmationToken(), /elements/],
    ['createConfirmationToken before submit()', () => window.stripe.createConfirmationToken({ elements: window.elements }), /^elements\.submit\(\) must be called before stripe\.createConfirmationToken\(\)/],
    ['handleNextAction()', () => window.stripe.handleNextAction(), /clientSecret/],
    ['handleNextAction bad secret', () => window.stripe.handleNextAction({ clientSecret: 'nope' }), /clientSecret should be a client secret of the form/],
  ];
  for (const [name, fn, pattern] of cases) {
    const got = await page.evaluate((src) => window.syncError(eval(src)), fn.toString());
    check(got.sync && got.name === 'IntegrationError' && pattern.test(got.message), `${name}: ${JSON.stringify(got)}`);
  }
  await page.close();
});

await test('deferred confirmPayment needs submit() first and a clientSecret', async () => {
  const page = await blankPage();
  await mountElement(page, { mode: 'payment', amount: 1099, currency: 'usd' });
  const noSecret = await page.evaluate(() => window.syncError(() => window.stripe.confirmPayment({ elements: window.elements, redirect: 'if_required' })));
  check(noSecret.sync && /^You must pass in a clientSecret when calling stripe\.confirmPayment\(\)/.test(noSecret.message), `no secret: ${JSON.stringify(noSecret)}`);
  const pi = await newIntent({ amount: '1099' });
  const noSubmit = await page.evaluate(
    (cs) => window.syncError(() => window.stripe.confirmPayment({ elements: window.elements, clientSecret: cs, redirect: 'if_required' })),
    pi.client_secret,
  );
  check(
    noSubmit.sync && /^elements\.submit\(\) must be called before stripe\.confirmPayment\(\)\. Call elements\.submit\(\) as soon as your customer presses pay/.test(noSubmit.message),
    `no submit: ${JSON.stringify(noSubmit)}`,
  );
  await page.close();
});

await test('card number: length per brand, grouping, Luhn, and focus moves on when complete', async () => {
  const pi = await newIntent();
  const page = await blankPage();
  await mountElement(page, { clientSecret: pi.client_secret });
  const frame = cardFrame(page);
  const number = frame.locator('#number');
  const active = () => frame.evaluate(() => document.activeElement && document.activeElement.id);
  const cases = [
    // [typed, shown, moves on to the expiry]
    ['4242424242424242', '4242 4242 4242 4242', true],
    ['5555555555554444' + '1', '5555 5555 5555 4444', true],
    ['378282246310005', '3782 822463 10005', true],
    ['36227206271667', '3622 720627 1667', true],
    ['6011111111111117', '6011 1111 1111 1117', true],
    ['4242424242424241', '4242 4242 4242 4241', false],
    ['424242424242', '4242 4242 4242', false],
  ];
  for (const [typed, shown, moves] of cases) {
    await number.fill('');
    await number.focus();
    await page.keyboard.type(typed);
    const value = await number.inputValue();
    check(value === shown, `${typed} reads ${JSON.stringify(value)}, expected ${JSON.stringify(shown)}`);
    const at = await active();
    check((at === 'expiry') === moves, `${typed}: focus is on ${at}`);
  }
  await page.close();
});

await test('a 14-digit Diners and a 15-digit Amex with its 4-digit CVC pay; expiry and CVC move focus on', async () => {
  for (const [card, cvc, brand] of [
    ['36227206271667', '123', 'diners'],
    ['378282246310005', '1234', 'amex'],
  ]) {
    const pi = await newIntent();
    const page = await blankPage();
    await mountElement(page, { clientSecret: pi.client_secret });
    const frame = cardFrame(page);
    const active = () => frame.evaluate(() => document.activeElement && document.activeElement.id);
    await frame.locator('#number').focus();
    await page.keyboard.type(card);
    check((await active()) === 'expiry', `${brand}: on to the expiry`);
    await page.keyboard.type('1234');
    check((await active()) === 'cvc', `${brand}: on to the CVC`);
    await page.keyboard.type(cvc.slice(0, 3));
    check((await active()) === (cvc.length === 3 ? 'postal' : 'cvc'), `${brand}: after 3 CVC digits focus is on ${await active()}`);
    if (cvc.length === 4) {
      await page.keyboard.type(cvc.slice(3));
      check((await active()) === 'postal', `${brand}: on to the postal code after 4 digits`);
    }
    await page.keyboard.type('94103');
    const result = await page.evaluate(() => window.stripe.confirmPayment({ elements: window.elements, redirect: 'if_required' }));
    if (brand === 'amex') {
      check(result.paymentIntent && result.paymentIntent.status === 'succeeded', `${brand}: ${JSON.stringify(result)}`);
    } else {
      // The simulator knows no Diners test card: what matters is that Stripe.js let it through.
      check(!(result.error && result.error.type === 'validation_error'), `${brand} passes Stripe.js's checks: ${JSON.stringify(result)}`);
    }
    await page.close();
  }
});

await test('CVC takes 3 digits for Visa, 4 for Amex', async () => {
  const pi = await newIntent();
  const page = await blankPage();
  await mountElement(page, { clientSecret: pi.client_secret });
  const frame = cardFrame(page);
  await frame.locator('#number').fill('4242424242424242');
  await frame.locator('#cvc').fill('1234');
  check((await frame.locator('#cvc').inputValue()) === '123', 'Visa CVC is cut at 3');
  await frame.locator('#number').fill('378282246310005');
  await frame.locator('#expiry').fill('1234');
  await frame.locator('#cvc').fill('123');
  await frame.locator('#postal').fill('94103');
  const short = await page.evaluate(() => window.elements.submit());
  check(short.error && short.error.code === 'incomplete_cvc', `Amex with 3 CVC digits: ${JSON.stringify(short)}`);
  await page.close();
});

await browser.close();
appServer.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
