import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import { localDate } from "../format";
import { dailyReport } from "../test/historyFixtures";
import { Report } from "./Report";

const invokeMock = vi.mocked(invoke);

beforeEach(() => {
  invokeMock.mockReset();
});

const reportDates = () => invokeMock.mock.calls.filter(([c]) => c === "report_daily").map(([, a]) => (a as { date: string }).date);

function serve(exportAnswer: () => Promise<unknown> = async () => null) {
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const date = (args as { date: string }).date;
    if (cmd === "report_daily") return dailyReport({ date });
    if (cmd === "report_export_csv") return exportAnswer();
    throw new Error(`unexpected command ${cmd}`);
  });
}

const block = (currency: string) => screen.getAllByTestId("report-currency").find((b) => b.dataset.currency === currency)!;

describe("Daily report", () => {
  it("shows each currency's totals as the core computed them", async () => {
    serve();
    render(<Report initialDate="2026-03-01" />);
    await screen.findAllByTestId("report-currency");
    expect(reportDates()).toEqual(["2026-03-01"]);

    const usd = within(block("USD"));
    expect(usd.getByTestId("report-gross").textContent).toBe("$163.07");
    expect(usd.getByTestId("report-refunds").textContent).toBe("$2.50");
    expect(usd.getByTestId("report-net").textContent).toBe("$160.57");
    expect(usd.getByTestId("report-authorized").textContent).toBe("$40.00");
    expect(usd.getByTestId("report-sales").textContent).toBe("4");
    expect(usd.getAllByTestId("report-brand").map((r) => [r.dataset.brand, r.textContent])).toEqual([
      ["visa", "Visa3$123.45"],
      ["amex", "American Express1$39.62"],
    ]);
    // Currencies are never added up: JPY has its own block with its own figures.
    const jpy = within(block("JPY"));
    expect(jpy.getByTestId("report-gross").textContent).toBe("¥2,310");
    expect(jpy.getByTestId("report-net").textContent).toBe("¥2,310");

    expect(screen.getAllByTestId("report-status-count").map((r) => [r.dataset.status, r.textContent])).toEqual([
      ["paid", "Paid3"],
      ["partially_refunded", "Partially refunded1"],
      ["authorized", "Authorized1"],
      ["voided", "Voided2"],
    ]);
    expect(screen.getByTestId("report-orders").textContent).toBe("7");
  });

  it("draws 24 hourly bars with the core's amounts as tooltips and heights in proportion", async () => {
    serve();
    render(<Report initialDate="2026-03-01" />);
    await screen.findAllByTestId("report-currency");
    const bars = within(block("USD")).getAllByTestId("report-hour-bar");
    expect(bars.map((b) => Number(b.dataset.hour))).toEqual(Array.from({ length: 24 }, (_, i) => i));
    const title = (h: number) => bars[h]!.querySelector("title")?.textContent;
    expect(title(14)).toBe("14:00 — $123.45 (3 sales)");
    expect(title(9)).toBe("09:00 — $39.62 (1 sale)");
    expect(title(3)).toBe("03:00 — no sales");
    const height = (h: number) => Number(bars[h]!.querySelector("rect.bar")?.getAttribute("height"));
    expect(height(3)).toBe(0);
    expect(height(14)).toBeGreaterThan(100);
    expect(height(9) / height(14)).toBeCloseTo(3962 / 12345, 5);
  });

  it("says when the day had no sales", async () => {
    invokeMock.mockResolvedValue(dailyReport({ orders: 1, byStatus: [{ key: "draft", count: 1 }], currencies: [] }));
    render(<Report initialDate="2026-03-02" />);
    expect((await screen.findByTestId("report-empty")).textContent).toContain("No sales on this day");
    expect(screen.queryByTestId("report-hour-bar")).toBeNull();
    expect(screen.getAllByTestId("report-status-count").map((r) => r.dataset.status)).toEqual(["draft"]);
  });

  it("starts on today and pages through days with the buttons and the arrow keys", async () => {
    serve();
    const user = userEvent.setup();
    render(<Report />);
    const today = localDate();
    await screen.findAllByTestId("report-currency");
    expect((screen.getByTestId("report-date") as HTMLInputElement).value).toBe(today);
    // Tomorrow has not happened yet.
    expect((screen.getByTestId("report-next") as HTMLButtonElement).disabled).toBe(true);

    await user.click(screen.getByTestId("report-prev"));
    await user.keyboard("{ArrowLeft}");
    await waitFor(() => expect(reportDates()).toHaveLength(3));
    await user.keyboard("{ArrowRight}");
    await waitFor(() => expect(reportDates()).toHaveLength(4));
    const [d0, d1, d2, d3] = reportDates();
    expect(d0).toBe(today);
    expect(new Date(`${d0}T00:00:00Z`).getTime() - new Date(`${d1}T00:00:00Z`).getTime()).toBe(86_400_000);
    expect(new Date(`${d1}T00:00:00Z`).getTime() - new Date(`${d2}T00:00:00Z`).getTime()).toBe(86_400_000);
    expect(d3).toBe(d1);
  });

  it("exports the day's CSV and says where it went", async () => {
    serve(async () => ({ path: "/home/shop/paydesk-2026-03-01.csv", rows: 12 }));
    const user = userEvent.setup();
    render(<Report initialDate="2026-03-01" />);
    await screen.findAllByTestId("report-currency");
    await user.click(screen.getByTestId("report-export"));
    expect((await screen.findByTestId("report-export-result")).textContent).toBe("Saved 12 orders to /home/shop/paydesk-2026-03-01.csv");
    expect(invokeMock).toHaveBeenCalledWith("report_export_csv", { date: "2026-03-01" });
  });

  it("says nothing when the save dialog is closed, and shows the core's error when the export fails", async () => {
    let answer: () => Promise<unknown> = async () => null;
    serve(() => answer());
    const user = userEvent.setup();
    render(<Report initialDate="2026-03-01" />);
    await screen.findAllByTestId("report-currency");
    await user.click(screen.getByTestId("report-export"));
    await waitFor(() => expect((screen.getByTestId("report-export") as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByTestId("report-export-result")).toBeNull();
    expect(screen.queryByTestId("report-export-error")).toBeNull();

    answer = async () => {
      throw { code: "io", message: "Cannot write /media/usb/day.csv: read-only file system" };
    };
    await user.click(screen.getByTestId("report-export"));
    expect((await screen.findByTestId("report-export-error")).textContent).toBe("Cannot write /media/usb/day.csv: read-only file system");
  });

  it("shows the core's error when the report cannot be made", async () => {
    invokeMock.mockRejectedValue({ code: "invalid_date", message: "date: not a calendar day" });
    render(<Report initialDate="2026-02-30" />);
    expect((await screen.findByTestId("report-error")).textContent).toBe("date: not a calendar day");
  });

  it("keeps only the answer for the day on screen when answers cross", async () => {
    const pending: Record<string, (v: unknown) => void> = {};
    invokeMock.mockImplementation((_cmd: string, args?: unknown) => {
      const date = (args as { date: string }).date;
      return new Promise((r) => (pending[date] = r));
    });
    const user = userEvent.setup();
    render(<Report initialDate="2026-03-02" />);
    await user.click(screen.getByTestId("report-prev"));
    await act(async () => pending["2026-03-01"]!(dailyReport({ date: "2026-03-01", orders: 1 })));
    await act(async () => pending["2026-03-02"]!(dailyReport({ date: "2026-03-02", orders: 99 })));
    expect(screen.getByTestId("report-orders").textContent).toBe("1");
  });
});
