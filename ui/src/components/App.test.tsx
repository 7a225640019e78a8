import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import type { Mode } from "../api";
import { App } from "../App";
import { summary } from "../test/fixtures";

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

  it("switches to Recent orders with F3 and back with F2", async () => {
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
