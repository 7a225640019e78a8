// The app's own figures, in the real window under Xvfb: launch to the order screen, Charge to
// the Payment Element, Pay to the receipt (demo mode: the built-in stand-in), the memory of the
// app and its WebKit processes over 100 sales, and the binary's size.
//
// Run by tests/bench/run.sh app, inside tests/e2e/run.sh's harness (PAYDESK_E2E_SCRIPT): Xvfb,
// a private D-Bus session, gnome-keyring, tauri-driver and WebKitWebDriver.
//   node tests/bench/app.mjs [--launches N] [--sales N]
// Figures: one JSON object per line, appended to the file PAYDESK_BENCH_FIGURES (run.sh prints it
// on stdout: the desktop services Xvfb's session starts write to stdout too); progress: stderr.
//
// Clocks. Launch: from the wall-clock time the launcher writes just before it execs Paydesk
// (`date +%s%N`) to the page's mark `paydesk:order-ready` (performance.timeOrigin + startTime,
// the same wall clock). Charge and Pay: between the page's own marks (ui/src/marks.ts), on
// performance.now(); its resolution on this WebKit is measured and printed to stderr.
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PAYDESK_BIN, byTestId, launch, newDataDir } from "../e2e/lib/app.mjs";
import { charge, clickPay, typeCard, typeCoffeeSale, waitForReceipt } from "../e2e/lib/ui.mjs";
import { Keys, waitFor } from "../e2e/lib/webdriver.mjs";

const VISA = "4242 4242 4242 4242";

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const n = Number(process.argv[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a whole number of at least 1, not ${JSON.stringify(process.argv[at + 1])}`);
  return n;
}
const LAUNCHES = option("launches", 10);
const SALES = option("sales", 100);
const CHECKPOINTS = [20, 50, 100].filter((n) => n < SALES).concat(SALES);

const log = (...a) => console.error("bench app:", ...a);
const FIGURES = process.env.PAYDESK_BENCH_FIGURES;
if (!FIGURES) throw new Error("PAYDESK_BENCH_FIGURES is not set: run the app benchmark through tests/bench/run.sh app");
const emit = (figure) => appendFileSync(FIGURES, `${JSON.stringify(figure)}\n`);
const round = (v, places = 1) => Number(v.toFixed(places));

/** Nearest-rank percentile. */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function timing(name, values) {
  emit({ name, p50_ms: round(percentile(values, 50)), p99_ms: round(percentile(values, 99)), n: values.length });
}

/** The page's `paydesk:` marks (the last of each name), on its performance.now() clock, and timeOrigin. */
async function marks(s) {
  return s.execute(`
    const out = { origin: performance.timeOrigin };
    for (const m of performance.getEntriesByType("mark")) if (m.name.startsWith("paydesk:")) out[m.name.slice(8)] = m.startTime;
    return out;`);
}

async function waitForMark(s, name) {
  return waitFor(`the page's mark paydesk:${name}`, async () => {
    const m = await marks(s);
    return name in m ? m : null;
  }, { timeoutMs: 30_000, intervalMs: 20 });
}

// ------------------------------------------------------------------ processes and memory

function processTable() {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (state === "Z") continue;
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(entry);
  }
  return children;
}

/** Paydesk's process and everything it started (WebKit's web and network processes, bwrap, ...). */
function processTree(pid) {
  const children = processTable();
  const out = [];
  const queue = [String(pid)];
  while (queue.length) {
    const p = queue.shift();
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function programName(pid) {
  const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
  return argv0.split("/").pop() || readFileSync(`/proc/${pid}/comm`, "utf8").trim();
}

/** PSS in MB (from /proc/PID/smaps_rollup) of Paydesk's process tree: the sum, and by program. */
function pssOfTree(pid) {
  const byProgram = {};
  let totalKb = 0;
  for (const p of processTree(pid)) {
    let rollup;
    try {
      rollup = readFileSync(`/proc/${p}/smaps_rollup`, "utf8");
    } catch {
      continue; // exited between the listing and now
    }
    const kb = Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? NaN);
    if (!Number.isFinite(kb)) throw new Error(`no Pss line in /proc/${p}/smaps_rollup`);
    const name = programName(p);
    byProgram[name] = round((byProgram[name] ?? 0) + kb / 1024);
    totalKb += kb;
  }
  return { mb: round(totalKb / 1024), byProgram };
}

// ------------------------------------------------------------------ launches

function stamps(stampDir) {
  const pid = Number(readFileSync(join(stampDir, "pid"), "utf8").trim());
  const execNs = BigInt(readFileSync(join(stampDir, "exec-ns"), "utf8").trim());
  return { pid, execMs: Number(execNs / 1000n) / 1000 };
}

async function end(s, pid) {
  await s.delete();
  await waitFor(`Paydesk (pid ${pid}) to exit after its session ended`, () => !alive(pid), { timeoutMs: 20_000, intervalMs: 50 });
}

/** One launch, from exec to the order screen's mark; returns the session, Paydesk's pid, and the time. */
async function timedLaunch(dataDir) {
  const stampDir = mkdtempSync(join(process.env.PAYDESK_E2E_TMP ?? "/tmp", "stamp-"));
  const s = await launch({ dataDir, recordIpcReplies: false, stampDir });
  const m = await waitForMark(s, "order-ready");
  const { pid, execMs } = stamps(stampDir);
  // Where the time goes: up to the page's navigation (the process, GTK, WebKit, the core), then the page.
  return { s, pid, ms: m.origin + m["order-ready"] - execMs, toPage: m.origin - execMs };
}

async function clockResolution(s) {
  return s.execute(`
    let last = performance.now(), smallest = Infinity;
    for (let changes = 0; changes < 200; ) {
      const t = performance.now();
      if (t !== last) { smallest = Math.min(smallest, t - last); last = t; changes++; }
    }
    return { resolutionMs: smallest, wallOffsetMs: performance.timeOrigin + performance.now() - Date.now() };`);
}

async function measureLaunches() {
  const dataDir = newDataDir("bench-launch");
  // The first launch on a new data directory also makes the database and the certificate:
  // a first run, not a cashier's morning, so it is not counted.
  const first = await timedLaunch(dataDir);
  const clock = await clockResolution(first.s);
  log(`page clock: performance.now() resolution ${round(clock.resolutionMs, 3)} ms; page wall clock - node's ${round(clock.wallOffsetMs, 1)} ms`);
  if (Math.abs(clock.wallOffsetMs) > 5) throw new Error(`the page's wall clock is ${clock.wallOffsetMs} ms off node's: launch times would be wrong`);
  log(`first launch (new data dir, not counted): ${round(first.ms)} ms (${round(first.toPage)} ms to the page's navigation)`);
  await end(first.s, first.pid);
  const times = [];
  for (let i = 0; i < LAUNCHES; i++) {
    const { s, pid, ms, toPage } = await timedLaunch(dataDir);
    times.push(ms);
    log(`launch ${i + 1}/${LAUNCHES}: ${round(ms)} ms (${round(toPage)} ms to the page's navigation, ${round(ms - toPage)} ms in the page)`);
    await end(s, pid);
  }
  timing("launch_ready", times);
}

// ------------------------------------------------------------------ sales and memory

async function measureSales() {
  const stampDir = mkdtempSync(join(process.env.PAYDESK_E2E_TMP ?? "/tmp", "stamp-"));
  const s = await launch({ dataDir: newDataDir("bench-sales"), recordIpcReplies: false, stampDir });
  const { pid } = stamps(stampDir);
  const chargeToElement = [];
  const payToReceipt = [];
  const memory = async (name) => {
    // A moment's quiet first, so the figure is of the app at rest between sales.
    await sleep(2000);
    const { mb, byProgram } = pssOfTree(pid);
    emit({ name, value: mb, processes: byProgram });
  };
  try {
    await waitForMark(s, "order-ready");
    await memory("pss_at_launch_mb");
    for (let sale = 1; sale <= SALES; sale++) {
      await s.execute("performance.clearMarks(); return true;");
      await typeCoffeeSale(s);
      await charge(s);
      const atElement = await waitForMark(s, "element-ready");
      if (!("charge" in atElement)) throw new Error("the page has no paydesk:charge mark");
      chargeToElement.push(atElement["element-ready"] - atElement.charge);
      await typeCard(s, VISA);
      await clickPay(s);
      const receipt = await waitForReceipt(s);
      if (receipt.outcome !== "paid") throw new Error(`sale ${sale} ended ${receipt.outcome}, not paid`);
      const atReceipt = await waitForMark(s, "receipt");
      payToReceipt.push(atReceipt.receipt - atReceipt.pay);
      await s.keys(Keys.ENTER);
      await waitFor("the New sale screen", async () => (await s.find(byTestId("entry-description"))).displayed());
      if (sale % 10 === 0) log(`sale ${sale}/${SALES}: charge→element ${round(chargeToElement.at(-1))} ms, pay→receipt ${round(payToReceipt.at(-1))} ms`);
      if (CHECKPOINTS.includes(sale)) await memory(`pss_after_${sale}_sales_mb`);
    }
  } finally {
    await end(s, pid);
  }
  timing("charge_to_element", chargeToElement);
  timing("pay_to_receipt", payToReceipt);
}

log(`binary ${PAYDESK_BIN()}, display ${process.env.DISPLAY}`);
await measureLaunches();
await measureSales();
// PAYDESK_BIN is the command line, which hands the window over to paydesk-window beside it.
emit({ name: "binary_bytes", value: statSync(join(dirname(PAYDESK_BIN()), "paydesk-window")).size });
emit({ name: "cli_binary_bytes", value: statSync(PAYDESK_BIN()).size });
