// The secrets scan itself (lib/scan-secrets.mjs), on files planted in a temp dir: it must
// find what it is for, and pass only what belongs.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { scan, typedCardNumbers } from "./lib/scan-secrets.mjs";

const SECRET = "sk_test_paydesk_scan_made_up_secret_0000";
const CLIENT_SECRET = "pi_madeup_secret_madeup";

function planted(files) {
  const root = mkdtempSync(join(tmpdir(), "paydesk-scan-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test("the cards the tests type are the ones searched for", () => {
  assert.ok(typedCardNumbers().includes("4242424242424242"));
});

test("finds a secret key, a client secret and a typed card anywhere but where they belong", () => {
  const root = planted({
    "apps/data-a/paydesk.sqlite3": `binary\u0000${SECRET}\u0000`,
    "apps/data-a/logs/paydesk.2026-12-02.log": `INFO confirm client_secret=${CLIENT_SECRET}`,
    "apps/launcher-x/output.log": "typed 4242 4242 4242 4242",
    "xdg/data/keyrings/login.keyring": SECRET,
    "apps/ipc-replies.jsonl": [
      JSON.stringify({ cmd: "payment_start", ok: true, body: JSON.stringify({ clientSecret: CLIENT_SECRET }) }),
      JSON.stringify({ cmd: "payment_settle", ok: true, body: JSON.stringify({ nextActionClientSecret: CLIENT_SECRET }) }),
      JSON.stringify({ cmd: "order_get", ok: true, body: JSON.stringify({ note: CLIENT_SECRET }) }),
    ].join("\n"),
  });
  const { findings } = scan(root, ["4242424242424242"]);
  const where = findings.map((f) => `${f.what} @ ${f.where}`).sort();
  assert.deepEqual(where, [
    "a Stripe secret key @ apps/data-a/paydesk.sqlite3",
    "a client secret @ apps/data-a/logs/paydesk.2026-12-02.log",
    "a client secret @ the IPC reply to order_get",
    "the card number 4242…4242 @ apps/launcher-x/output.log",
  ]);
});

test("redacted forms pass", () => {
  const root = planted({ "apps/data-b/logs/paydesk.log": "key sk_test_…0000 client_secret=[redacted] card •••• 4242" });
  assert.deepEqual(scan(root, ["4242424242424242"]).findings, []);
});
