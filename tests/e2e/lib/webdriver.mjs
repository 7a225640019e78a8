// A small W3C WebDriver client over fetch: just what Paydesk's end-to-end tests use.
// No dependencies, no browser downloads: it talks to tauri-driver, which drives
// WebKitWebDriver, which drives the real Paydesk window.
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export const Keys = Object.freeze({
  ENTER: "\uE007",
  TAB: "\uE004",
  ESCAPE: "\uE00C",
  BACKSPACE: "\uE003",
  CONTROL: "\uE009",
  ALT: "\uE00A",
  NULL: "\uE000",
  F2: "\uE032",
  F3: "\uE033",
  F5: "\uE035",
});

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    const detail = value && typeof value === "object" ? `${value.error}: ${value.message}` : String(value);
    super(`WebDriver ${method} ${path} -> HTTP ${status}: ${detail}`);
    this.name = "WebDriverError";
    this.status = status;
    this.error = value?.error;
  }
}

async function request(baseUrl, method, path, body) {
  const res = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new WebDriverError(method, path, res.status, text.slice(0, 500));
  }
  if (!res.ok) throw new WebDriverError(method, path, res.status, json.value);
  return json.value;
}

/** Polls `fn` until it returns a truthy value (returned) or `timeoutMs` passes (throws `what`). */
export async function waitFor(what, fn, { timeoutMs = 15_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${lastError.message})` : "";
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

export class Element {
  constructor(session, id, selector) {
    this.session = session;
    this.id = id;
    this.selector = selector;
  }
  #path(suffix) {
    return `/element/${this.id}${suffix}`;
  }
  click() {
    return this.session.cmd("POST", this.#path("/click"), {});
  }
  clear() {
    return this.session.cmd("POST", this.#path("/clear"), {});
  }
  type(text) {
    return this.session.cmd("POST", this.#path("/value"), { text });
  }
  text() {
    return this.session.cmd("GET", this.#path("/text"));
  }
  attribute(name) {
    return this.session.cmd("GET", this.#path(`/attribute/${encodeURIComponent(name)}`));
  }
  property(name) {
    return this.session.cmd("GET", this.#path(`/property/${encodeURIComponent(name)}`));
  }
  enabled() {
    return this.session.cmd("GET", this.#path("/enabled"));
  }
  displayed() {
    return this.session.cmd("GET", this.#path("/displayed"));
  }
  async find(css) {
    const v = await this.session.cmd("POST", this.#path("/element"), { using: "css selector", value: css });
    return new Element(this.session, v[ELEMENT], `${this.selector} ${css}`);
  }
  async findAll(css) {
    const vs = await this.session.cmd("POST", this.#path("/elements"), { using: "css selector", value: css });
    return vs.map((v) => new Element(this.session, v[ELEMENT], `${this.selector} ${css}`));
  }
}

export class Session {
  constructor(baseUrl, id, capabilities) {
    this.baseUrl = baseUrl;
    this.id = id;
    this.capabilities = capabilities;
  }

  static async create(baseUrl, capabilities) {
    const v = await request(baseUrl, "POST", "/session", { capabilities });
    return new Session(baseUrl, v.sessionId, v.capabilities);
  }

  cmd(method, path, body) {
    return request(this.baseUrl, method, `/session/${this.id}${path}`, body);
  }

  title() {
    return this.cmd("GET", "/title");
  }
  async find(css) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return new Element(this, v[ELEMENT], css);
  }
  async findAll(css) {
    const vs = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return vs.map((v) => new Element(this, v[ELEMENT], css));
  }
  /** Waits until `css` matches an element, and returns it. */
  waitForElement(css, opts) {
    return waitFor(`element ${css}`, () => this.find(css), opts);
  }
  /** Waits until the text of `css` satisfies `predicate` (a string means equality); returns the text. */
  async waitForText(css, predicate, opts) {
    const test = typeof predicate === "string" ? (t) => t === predicate : predicate;
    let last = "(no element)";
    try {
      return await waitFor(
        `text of ${css}`,
        async () => {
          last = await (await this.find(css)).text();
          return test(last) ? last : null;
        },
        opts,
      );
    } catch (e) {
      e.message += `; last text seen: ${JSON.stringify(last)}`;
      throw e;
    }
  }
  execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }
  executeAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }
  /** Types into whatever has focus (key actions), e.g. F3 or Ctrl+Enter. */
  async keys(...keys) {
    const actions = [];
    for (const k of keys) actions.push({ type: "keyDown", value: k });
    for (const k of [...keys].reverse()) actions.push({ type: "keyUp", value: k });
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.cmd("DELETE", "/actions");
  }
  /** Sends the following commands into `element` (an iframe). */
  switchToFrame(element) {
    return this.cmd("POST", "/frame", { id: { [ELEMENT]: element.id } });
  }
  /** Back to the frame that holds the current one. */
  switchToParentFrame() {
    return this.cmd("POST", "/frame/parent", {});
  }
  /** Back to the window's top-level document. */
  switchToTopFrame() {
    return this.cmd("POST", "/frame", { id: null });
  }
  /** Runs `fn` with commands going into the iframe `element`; always comes back to the top document. */
  async inFrame(element, fn) {
    await this.switchToFrame(element);
    try {
      return await fn();
    } finally {
      await this.switchToTopFrame();
    }
  }
  /** Types `text` into whatever has focus, one key at a time (key actions). */
  async typeText(text) {
    const actions = [];
    for (const ch of text) actions.push({ type: "keyDown", value: ch }, { type: "keyUp", value: ch });
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.cmd("DELETE", "/actions");
  }
  /** PNG bytes of the window's viewport. */
  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }
  async delete() {
    try {
      await request(this.baseUrl, "DELETE", `/session/${this.id}`);
    } catch {
      // The app may already be gone; nothing to clean up then.
    }
  }
}
