import { cleanup, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import type { Mode } from "../api";
import { App } from "../App";
import { keyStatus, settingsFixture, summary } from "../test/fixtures";

const invokeMock = vi.mocked(invoke);

function withMode(mode: Mode) {
  (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
  invokeMock.mockImplementation(async (cmd: string) => {
    if (cmd === "app_info") return { version: "0.1.0", mode, dataDir: "/tmp/paydesk" };
    if (cmd === "order_list") return { orders: [summary(2), summary(1)], nextBeforeNumber: null };
    throw new Error(`unexpected command ${cmd}`);
  });
}

beforeEach(() => {
  invokeMock.mockReset();
});

describe("App shell", () => {
  it("shows DEMO and the no-real-money banner in demo mode", async () => {
    withMode("demo");
    render(<App />);
    expect((await screen.findByText("DEMO")).getAttribute("data-testid")).toBe("mode-badge");
    expect(screen.getByTestId("demo-banner").textContent).toMatch(/No real money moves/);
  });

  it.each([
    ["test", "TEST"],
    ["live", "LIVE"],
  ] as const)("shows %s mode without the demo banner", async (mode, label) => {
    withMode(mode);
    render(<App />);
    expect(await screen.findByText(label)).toBeTruthy();
    expect(screen.queryByTestId("demo-banner")).toBeNull();
  });

  it("says so when it is not inside the Paydesk window", async () => {
    render(<App />);
    expect((await screen.findByTestId("core-error")).textContent).toMatch(/inside the Paydesk window/);
    expect(invokeMock).not.toHaveBeenCalled();
  });

  it("switches to History with F3 and back with F2", async () => {
    withMode("demo");
    const user = userEvent.setup();
    render(<App />);
    await screen.findByText("DEMO");
    await user.keyboard("{F3}");
    expect((await screen.findAllByTestId("order-row")).map((r) => r.getAttribute("data-number"))).toEqual(["2", "1"]);
    await user.keyboard("{F2}");
    expect(screen.queryByTestId("orders-table")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("entry-description"));
  });
});

describe("App: Settings", () => {
  it("F9 opens Settings; saving keys reloads the page, which comes back on Settings in the new mode", async () => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    let mode: Mode = "demo";
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "app_info") return { version: "0.1.0", mode, dataDir: "/tmp/paydesk", stripeJsUrl: "http://127.0.0.1:1/v3/" };
      if (cmd === "settings_get") return settingsFixture;
      if (cmd === "keys_status") return null;
      if (cmd === "keys_set") {
        mode = "test";
        return keyStatus();
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByText("DEMO");
    await user.keyboard("{F9}");
    expect(screen.getByTestId("nav-settings").getAttribute("aria-current")).toBe("page");
    await user.type(await screen.findByTestId("keys-secret"), "sk_test_x");
    await user.type(screen.getByTestId("keys-publishable"), "pk_test_y");
    const reload = vi.fn();
    const realLocation = window.location;
    Object.defineProperty(window, "location", { configurable: true, value: { ...realLocation, reload } });
    try {
      await user.click(screen.getByTestId("keys-save"));
      await waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    } finally {
      Object.defineProperty(window, "location", { configurable: true, value: realLocation });
    }
    // What the reloaded page starts as: Settings, the saved message, the core's new mode.
    cleanup();
    render(<App />);
    await waitFor(() => expect(screen.getByTestId("mode-badge").textContent).toBe("TEST"));
    expect(screen.getByTestId("nav-settings").getAttribute("aria-current")).toBe("page");
    expect((await screen.findByTestId("keys-saved")).textContent).toMatch(/TEST payments/);
    expect(screen.queryByTestId("demo-banner")).toBeNull();
    // Leaving Settings unmounts it: nothing typed there stays in the page.
    await user.keyboard("{F2}");
    expect(screen.queryByTestId("keys-secret")).toBeNull();
    // The message is shown once: a later reload starts on a new sale.
    cleanup();
    render(<App />);
    await screen.findByText("TEST");
    expect(screen.getByTestId("nav-sale").getAttribute("aria-current")).toBe("page");
  });

  it("a new sale starts with the currency the core's settings give", async () => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "app_info") return { version: "0.1.0", mode: "demo", dataDir: "/tmp/paydesk", stripeJsUrl: "http://127.0.0.1:1/v3/" };
      if (cmd === "settings_get") return { ...settingsFixture, defaultCurrency: "GBP", quickItems: [{ description: "Tea", unitPrice: "1.20" }] };
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    await waitFor(() => expect(screen.getByTestId("currency")).toHaveProperty("value", "GBP"));
    expect(screen.getByTestId("quick-item").textContent).toMatch(/Tea/);
  });
});
