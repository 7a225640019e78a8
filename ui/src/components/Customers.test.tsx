import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import type { Customer, CustomerInput, SavedCard } from "../api";
import { ana, bo, customer } from "../test/customerFixtures";
import { summary } from "../test/fixtures";
import { Customers } from "./Customers";

const invokeMock = vi.mocked(invoke);
let directory: Customer[];
let cards: SavedCard[];
const visa: SavedCard = {
  paymentMethodId: "pm_saved_1",
  brand: "visa",
  last4: "0101",
  expMonth: 3,
  expYear: 2031,
  checks: { cvc: "fail", postalCode: "pass", line1: null },
  warning: "The card's security code (CVC) did not match what the bank holds.",
};

function calls(cmd: string) {
  return invokeMock.mock.calls.filter((c) => c[0] === cmd).map((c) => c[1] as Record<string, unknown>);
}

beforeEach(() => {
  directory = [ana, bo];
  cards = [visa];
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as { search?: string | null; id?: string; input?: CustomerInput };
    if (cmd === "customer_list") {
      const s = a.search?.toLowerCase();
      return { customers: directory.filter((c) => !s || [c.name, c.email, c.phone].some((v) => v?.toLowerCase().includes(s))) };
    }
    if (cmd === "customer_get") {
      const c = directory.find((x) => x.id === a.id);
      if (!c) throw { code: "customer_not_found", message: `customer ${a.id} not found` };
      return { customer: c, orders: c === ana ? [summary(1042, { status: "paid" })] : [] };
    }
    if (cmd === "customer_create") {
      if (a.input?.email === "nope") throw { code: "invalid_customer", message: "email: \"nope\" is not an email address" };
      const made = customer(3, a.input!.name, { email: a.input!.email, phone: a.input!.phone });
      directory = [...directory, made];
      return made;
    }
    if (cmd === "customer_cards") return { cards };
    if (cmd === "customer_remove_card") {
      cards = cards.filter((c) => c.paymentMethodId !== (args as { paymentMethodId: string }).paymentMethodId);
      return { cards };
    }
    if (cmd === "customer_remove") {
      const c = directory.find((x) => x.id === a.id)!;
      directory = directory.filter((x) => x !== c);
      return { ...c, removed: true };
    }
    throw new Error(`unexpected command ${cmd}`);
  });
});

afterEach(cleanup);

describe("Customers", () => {
  it("lists the directory and narrows it as the cashier types", async () => {
    const user = userEvent.setup();
    render(<Customers onSell={() => {}} debounceMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId("customer-row")).toHaveLength(2));
    expect(document.activeElement).toBe(screen.getByTestId("customer-search"));
    await user.type(screen.getByTestId("customer-search"), "7946");
    await waitFor(() => expect(screen.getAllByTestId("customer-row").map((r) => r.dataset.number)).toEqual(["2"]));
    expect(calls("customer_list").at(-1)).toEqual({ search: "7946", limit: 100 });
    await user.clear(screen.getByTestId("customer-search"));
    await user.type(screen.getByTestId("customer-search"), "zz");
    await waitFor(() => expect(screen.getByTestId("customers-empty").textContent).toContain("No customer matches"));
  });

  it("opens a customer with the keyboard and shows their orders", async () => {
    const user = userEvent.setup();
    render(<Customers onSell={() => {}} debounceMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId("customer-row")).toHaveLength(2));
    await user.keyboard("{ArrowDown}{Enter}");
    const detail = await screen.findByTestId("customer-detail");
    expect(within(detail).getByTestId("customer-detail-email").textContent).toBe("ana@example.com");
    expect(within(detail).getAllByTestId("customer-order").map((r) => r.dataset.number)).toEqual(["1042"]);
  });

  it("adds a customer, marking the field the core refused first", async () => {
    const user = userEvent.setup();
    render(<Customers onSell={() => {}} debounceMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId("customer-row")).toHaveLength(2));
    await user.keyboard("{Alt>}n{/Alt}");
    expect(document.activeElement).toBe(screen.getByTestId("customer-field-name"));
    await user.type(screen.getByTestId("customer-field-name"), "Cy Okafor");
    await user.type(screen.getByTestId("customer-field-email"), "nope{Enter}");
    expect((await screen.findByTestId("customer-form-error")).textContent).toBe('Email: "nope" is not an email address');
    expect(screen.getByTestId("customer-field-email").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getAllByTestId("customer-row")).toHaveLength(2);

    await user.clear(screen.getByTestId("customer-field-email"));
    await user.type(screen.getByTestId("customer-field-email"), "cy@example.com{Enter}");
    await screen.findByTestId("customer-detail");
    expect(calls("customer_create").at(-1)).toEqual({ input: { name: "Cy Okafor", email: "cy@example.com", phone: null, note: null } });
    await waitFor(() => expect(screen.getAllByTestId("customer-row")).toHaveLength(3));
  });

  it("removes a customer only after a confirm, and starts a sale for one", async () => {
    const user = userEvent.setup();
    const onSell = vi.fn();
    render(<Customers onSell={onSell} debounceMs={0} />);
    await user.click((await screen.findAllByTestId("customer-row"))[1]!);
    await screen.findByTestId("customer-detail");
    await user.click(screen.getByTestId("customer-sell"));
    expect(onSell).toHaveBeenCalledWith(bo);

    await user.click(screen.getByTestId("customer-remove"));
    expect(calls("customer_remove")).toEqual([]);
    await user.click(screen.getByTestId("customer-remove-confirm"));
    await waitFor(() => expect(screen.getAllByTestId("customer-row").map((r) => r.dataset.number)).toEqual(["1"]));
    expect(calls("customer_remove")).toEqual([{ id: bo.id }]);
    expect(screen.queryByTestId("customer-detail")).toBeNull();
  });

  it("shows a customer's saved cards with their checks, and removes one at Stripe after a confirm", async () => {
    const user = userEvent.setup();
    render(<Customers onSell={() => {}} debounceMs={0} />);
    await user.click((await screen.findAllByTestId("customer-row"))[0]!);
    const card = await screen.findByTestId("customer-card");
    expect(card.textContent).toContain("•••• 0101");
    expect(within(card).getByTestId("customer-card-checks").textContent).toBe("CVC fail · postal code pass");
    expect(within(card).getByTestId("customer-card-warning").textContent).toContain("security code");
    await user.click(within(card).getByTestId("customer-card-remove"));
    expect(calls("customer_remove_card")).toEqual([]);
    await user.click(screen.getByTestId("customer-card-remove-confirm"));
    await screen.findByTestId("customer-no-cards");
    expect(calls("customer_remove_card")).toEqual([{ id: ana.id, paymentMethodId: "pm_saved_1" }]);
  });
});
