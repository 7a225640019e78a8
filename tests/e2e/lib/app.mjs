// Launching the real Paydesk window through tauri-driver, one WebDriver session per launch.
import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Session, waitFor } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the end-to-end tests through tests/e2e/run.sh`);
  return v;
}

export const DRIVER_URL = () => required("TAURI_DRIVER_URL");
export const PAYDESK_BIN = () => required("PAYDESK_BIN");
export const ARTIFACTS = process.env.PAYDESK_E2E_ARTIFACTS ?? join(repo, "tests/artifacts/e2e");
const TMP = process.env.PAYDESK_E2E_TMP ?? tmpdir();

export const byTestId = (id) => `[data-testid="${id}"]`;

/**
 * A fresh, empty data directory for one app (SQLite, logs) inside this run's temp dir. The app
 * makes its own certificate for its https page; `simulatorCertificate` gives it the one run.sh's
 * simulator serves https with instead, so the window also trusts that simulator (it stands in
 * for js.stripe.com when test keys are set).
 */
export function newDataDir(name, { simulatorCertificate = false } = {}) {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(join(TMP, `data-${name}-`));
  if (simulatorCertificate) {
    const from = required("PAYDESK_E2E_SIM_TLS_DIR");
    mkdirSync(join(dir, "tls"), { mode: 0o700 });
    for (const file of ["cert.pem", "key.pem"]) {
      copyFileSync(join(from, file), join(dir, "tls", file));
      chmodSync(join(dir, "tls", file), 0o600);
    }
  }
  return dir;
}

/**
 * The binary WebKitWebDriver starts: a small script that sets the test's environment (a test
 * build's switches), runs Paydesk with the same arguments, and keeps its stdout and stderr in
 * this run's temp dir, where the secrets scan (scan-secrets.mjs) reads them. With `stampDir`
 * (the app benchmark) it also writes there, just before it becomes Paydesk, its process id
 * (`pid`, which Paydesk keeps: exec) and the wall-clock time in nanoseconds (`exec-ns`).
 */
function application(env = {}, stampDir = null) {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(join(TMP, "launcher-"));
  const script = join(dir, "paydesk");
  const quote = (v) => `'${String(v).replaceAll("'", "'\\''")}'`;
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}\n`).join("");
  const stamp = stampDir ? `echo $$ >${quote(join(stampDir, "pid"))}\ndate +%s%N >${quote(join(stampDir, "exec-ns"))}\n` : "";
  writeFileSync(script, `#!/bin/sh\n${exports}${stamp}exec ${quote(PAYDESK_BIN())} "$@" >>${quote(join(dir, "output.log"))} 2>&1\n`, { mode: 0o755 });
  return script;
}

/**
 * Keeps every IPC reply the page receives, for the secrets scan. Tauri's IPC goes through the
 * page's `fetch` to the `ipc:` scheme (its `invoke` itself cannot be wrapped), so the recorder
 * wraps `fetch`. A reload starts a new page: `recordIpc` again after one.
 */
const IPC_RECORDER = `
if (!window.__paydeskIpc) {
  window.__paydeskIpc = [];
  const send = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await send(input, init);
    const url = typeof input === "string" ? input : input.url;
    if (url.startsWith("ipc:") || url.includes("://ipc.localhost/")) {
      const cmd = decodeURIComponent(new URL(url).pathname.replace(/^\\//, ""));
      const ok = response.headers.get("Tauri-Response") === "ok";
      response.clone().text().then((body) => window.__paydeskIpc.push({ cmd, ok, body }), () => {});
    }
    return response;
  };
}
return true;`;

export async function recordIpc(session) {
  await session.execute(IPC_RECORDER);
}

/** Appends the replies recorded on the current page to the run's ipc-replies.jsonl. */
export async function saveIpcReplies(session) {
  await session.switchToTopFrame().catch(() => {});
  const replies = await session.execute("const r = window.__paydeskIpc ?? []; window.__paydeskIpc = []; return r;").catch(() => []);
  mkdirSync(TMP, { recursive: true });
  for (const reply of replies) appendFileSync(join(TMP, "ipc-replies.jsonl"), `${JSON.stringify(reply)}\n`);
}

/**
 * Starts Paydesk on `dataDir` and waits until the UI has heard from the core
 * (the mode badge shows DEMO/TEST/LIVE). Throws with the UI's own error if the core is unreachable.
 * `recordIpcReplies: false` (the app benchmark) keeps the page as it ships: the recorder holds
 * every reply in the page's memory. `stampDir`: see `application`.
 */
export async function launch({ dataDir, env, recordIpcReplies = true, stampDir = null }) {
  const session = await Session.create(DRIVER_URL(), {
    alwaysMatch: {
      "tauri:options": { application: application(env, stampDir), args: ["--data-dir", dataDir] },
    },
  });
  try {
    await waitFor(
      "the mode badge to show the core's mode",
      async () => {
        const errs = await session.findAll(byTestId("core-error"));
        if (errs.length > 0) throw new Error(`the UI says: ${await errs[0].text()}`);
        const badge = await session.find(byTestId("mode-badge"));
        return /^(DEMO|TEST|LIVE)$/.test(await badge.text());
      },
      { timeoutMs: 30_000 },
    );
  } catch (e) {
    await screenshot(session, "launch-failure").catch(() => {});
    await session.delete();
    throw e;
  }
  if (!recordIpcReplies) return session;
  await recordIpc(session);
  const end = session.delete.bind(session);
  session.delete = async () => {
    await saveIpcReplies(session);
    await end();
  };
  return session;
}

/** Saves a PNG of the window to tests/artifacts/e2e/<name>.png and returns its path. */
export async function screenshot(session, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  try {
    // Let WebKit paint what the DOM now holds: two animation frames, then the snapshot.
    await session
      .executeAsync("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));")
      .catch(() => {});
    writeFileSync(file, await session.screenshot());
  } catch {
    // Fall back to the whole X screen (ImageMagick), e.g. if the page is wedged.
    execFileSync("/usr/bin/import", ["-window", "root", file], { timeout: 20_000 });
  }
  return file;
}

/** Runs `fn(session)` on a launched app; always saves a screenshot and ends the session. */
export async function withApp({ dataDir, shot, env }, fn) {
  const session = await launch({ dataDir, env });
  let failed = false;
  try {
    return await fn(session);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    if (shot) await screenshot(session, failed ? `${shot}.FAILED` : shot).catch(() => {});
    await session.delete();
  }
}
