// After the end-to-end run: every file the run left (each app's SQLite files and logs, the
// app's captured stdout and stderr, the simulator's and the driver's logs, WebKit's own
// storage) and every IPC reply the pages received, searched for Stripe secret keys, client
// secrets and the card numbers the tests typed. The OS keyring's files are the one place a
// secret key belongs, and payment_start's `clientSecret` (with a settlement's
// `nextActionClientSecret`) the one reply that must carry a client secret to the Payment
// Element; nothing else may hold either.
//
//   node tests/e2e/lib/scan-secrets.mjs RUN_TMP_DIR
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** The card numbers the end-to-end tests type, read from the tests themselves. */
export function typedCardNumbers(testsDir = resolve(here, "..")) {
  const numbers = new Set();
  for (const file of readdirSync(testsDir).filter((f) => f.endsWith(".test.mjs"))) {
    for (const match of readFileSync(join(testsDir, file), "utf8").matchAll(/\b\d{4}(?: ?\d{4}){3}\b/g)) {
      numbers.add(match[0].replaceAll(" ", ""));
    }
  }
  return [...numbers];
}

export function patterns(cards) {
  return [
    { what: "a Stripe secret key", re: /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9_]{8,}/g },
    { what: "a client secret", re: /\b(?:pi|seti|cs)_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/g },
    ...cards.map((card) => ({ what: `the card number ${card.slice(0, 4)}…${card.slice(-4)}`, re: new RegExp(card.match(/\d{4}/g).join("[ -]?"), "g") })),
  ];
}

/** Findings in one text: [{ what, sample }]. */
export function findSecrets(text, cards) {
  const found = [];
  for (const { what, re } of patterns(cards)) {
    for (const match of text.matchAll(re)) found.push({ what, sample: `${match[0].slice(0, 12)}…` });
  }
  return found;
}

/** An IPC reply with the fields made to carry a client secret taken out. */
export function withoutDeliveredSecrets(reply) {
  let body;
  try {
    body = JSON.parse(reply.body);
  } catch {
    return reply.body;
  }
  if (body && typeof body === "object") {
    if (reply.cmd === "payment_start" && reply.ok) delete body.clientSecret;
    delete body.nextActionClientSecret;
  }
  return JSON.stringify(body);
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "keyrings") continue;
      yield* files(path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

export function scan(root, cards = typedCardNumbers()) {
  const findings = [];
  const seen = { files: 0, bytes: 0, sqlite: 0, logs: 0, outputs: 0, replies: 0, checkouts: 0 };
  for (const path of files(root)) {
    const name = basename(path);
    if (name === "ipc-replies.jsonl") continue;
    const text = readFileSync(path, "latin1");
    seen.files += 1;
    seen.bytes += statSync(path).size;
    if (/\.sqlite3?(-wal)?$/.test(name)) seen.sqlite += 1;
    if (/\.log$/.test(name)) seen.logs += 1;
    if (name === "output.log") seen.outputs += 1;
    for (const f of findSecrets(text, cards)) findings.push({ ...f, where: relative(root, path) });
  }
  for (const path of [...files(root)].filter((p) => basename(p) === "ipc-replies.jsonl")) {
    for (const line of readFileSync(path, "utf8").split("\n").filter(Boolean)) {
      const reply = JSON.parse(line);
      seen.replies += 1;
      if (reply.cmd === "payment_start" && reply.ok) seen.checkouts += 1;
      for (const f of findSecrets(withoutDeliveredSecrets(reply), cards)) findings.push({ ...f, where: `the IPC reply to ${reply.cmd}` });
    }
  }
  return { findings, seen };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2];
  if (!root) {
    console.error("usage: scan-secrets.mjs RUN_TMP_DIR");
    process.exit(2);
  }
  const cards = typedCardNumbers();
  const { findings, seen } = scan(root, cards);
  console.error(
    `secrets scan: ${seen.files} files (${seen.bytes} bytes; ${seen.sqlite} SQLite, ${seen.logs} logs, ${seen.outputs} app stdout/stderr), ` +
      `${seen.replies} IPC replies (${seen.checkouts} checkouts), ${cards.length} typed card numbers: ${findings.length} findings`,
  );
  for (const f of findings.slice(0, 50)) console.error(`  ${f.what} in ${f.where}: ${f.sample}`);
  // A scan that saw nothing proves nothing: the run must have left what it is meant to search.
  const missing = Object.entries({ sqlite: seen.sqlite, logs: seen.logs, outputs: seen.outputs, replies: seen.replies, checkouts: seen.checkouts, cards: cards.length })
    .filter(([, n]) => n === 0)
    .map(([k]) => k);
  if (missing.length) console.error(`secrets scan: nothing to search of: ${missing.join(", ")}`);
  process.exit(findings.length || missing.length ? 1 : 0);
}
