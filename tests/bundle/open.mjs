// Opens an installed Paydesk (PAYDESK_BIN: /usr/bin/paydesk, or the AppImage) in the real
// window, to the order screen in demo mode, makes one demo sale, and checks that the window running is the
// installed program (PAYDESK_EXPECT_EXE: a pattern its /proc/PID/exe must match), not a build
// left in the tree. Run through tests/e2e/run.sh with PAYDESK_E2E_SCRIPT (tests/bundle/run.sh).
import { readdirSync, readlinkSync } from "node:fs";
import { byTestId, launch, newDataDir, screenshot } from "../e2e/lib/app.mjs";
import { charge, clickPay, typeCard, typeCoffeeSale, waitForReceipt } from "../e2e/lib/ui.mjs";
import { waitFor } from "../e2e/lib/webdriver.mjs";

const [name] = process.argv.slice(2);
const expectExe = new RegExp(process.env.PAYDESK_EXPECT_EXE ?? "^/usr/bin/paydesk-window$");
const log = (line) => process.stderr.write(`bundle: ${line}\n`);

function windows() {
  const found = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const exe = readlinkSync(`/proc/${pid}/exe`);
      if (exe.endsWith("/paydesk-window")) found.push({ pid: Number(pid), exe });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

const env = process.env.APPIMAGE_EXTRACT_AND_RUN ? { APPIMAGE_EXTRACT_AND_RUN: process.env.APPIMAGE_EXTRACT_AND_RUN } : {};
const s = await launch({ dataDir: newDataDir(`bundle-${name}`), env });
try {
  const badge = await (await s.find(byTestId("mode-badge"))).text();
  if (badge !== "DEMO") throw new Error(`the installed app opened in mode ${badge}, not DEMO`);
  await waitFor("the order screen's entry row", async () => (await s.findAll(byTestId("entry-description"))).length > 0, { timeoutMs: 15_000 });
  const running = windows();
  log(`windows running: ${JSON.stringify(running)}`);
  if (!running.some((w) => expectExe.test(w.exe))) throw new Error(`no paydesk-window from ${expectExe} is running: ${JSON.stringify(running)}`);
  // One demo sale: the installed window's page, its Stripe.js stand-in and its database work.
  await typeCoffeeSale(s);
  await charge(s);
  await typeCard(s, "4242 4242 4242 4242");
  await clickPay(s);
  await waitForReceipt(s);
  log(`shot: ${await screenshot(s, `bundle-${name}`)}`);
} finally {
  await s.delete();
}
await waitFor("the installed window to exit after its session ended", () => !windows().some((w) => expectExe.test(w.exe)), { timeoutMs: 20_000, intervalMs: 100 });
log(`${name}: opened to the order screen and closed`);
