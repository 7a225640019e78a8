import { describe, expect, it } from "vitest";
import { assertPageAllowsKey } from "./stripe";
import { describeViolation, originOf } from "./problems";

describe("a live key needs an https page", () => {
  const https = { protocol: "https:", host: "127.0.0.1:41000" };
  it("refuses a live key on the app's own scheme or plain http, in plain words", () => {
    for (const page of [{ protocol: "tauri:", host: "localhost" }, { protocol: "http:", host: "tauri.localhost" }]) {
      expect(() => assertPageAllowsKey("pk_live_abc", page, true)).toThrow(/Live card payments need Paydesk's secure \(https\) page/);
    }
    expect(() => assertPageAllowsKey("pk_live_abc", https, false)).toThrow(/https/);
  });
  it("lets a live key through on a secure https page, and a test key anywhere", () => {
    expect(() => assertPageAllowsKey("pk_live_abc", https, true)).not.toThrow();
    expect(() => assertPageAllowsKey("pk_test_abc", { protocol: "tauri:", host: "localhost" }, true)).not.toThrow();
  });
});

describe("blocked loads", () => {
  it("name the origin only, never a path or query that could hold a client secret", () => {
    expect(originOf("https://evil.example/x.js?client_secret=pi_1_secret_2")).toBe("https://evil.example");
    expect(originOf("inline")).toBe("inline");
    expect(originOf("not a url")).toBe("a resource");
    const text = describeViolation({ blockedURI: "https://evil.example/f?pi_1_secret_2", effectiveDirective: "frame-src" });
    expect(text).toBe("This window blocked https://evil.example (frame-src). Parts of the page, such as the card form, may not work.");
  });
});
