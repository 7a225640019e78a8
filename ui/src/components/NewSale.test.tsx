import { cleanup, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import type { OrderInput, Settings } from "../api";
import { ana, bo } from "../test/customerFixtures";
import { orderView, quoteCoffee, settingsFixture } from "../test/fixtures";
import { NewSale } from "./NewSale";

const invokeMock = vi.mocked(invoke);

function lastQuoteInput(): OrderInput {
  const calls = invokeMock.mock.calls.filter((c) => c[0] === "order_quote");
  const last = calls[calls.length - 1];
  if (!last) throw new Error("order_quote was never called");
  return (last[1] as { input: OrderInput }).input;
}

async function addLine(user: ReturnType<typeof userEvent.setup>, desc: string, qty: string, price: string) {
  await user.type(screen.getByTestId("entry-description"), desc);
  const q = screen.getByTestId("entry-quantity");
  await user.clear(q);
  await user.type(q, qty);
  await user.type(screen.getByTestId("entry-price"), `${price}{Enter}`);
}

beforeEach(() => {
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string) => {
    if (cmd === "order_quote") return quoteCoffee;
    if (cmd === "order_create") return orderView(1042);
    throw new Error(`unexpected command ${cmd}`);
  });
});

describe("NewSale", () => {
  it("adds lines with Enter and shows the core's totals", async () => {
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} />);
    expect(screen.getByTestId("save-order")).toHaveProperty("disabled", true);

    await addLine(user, "Flat white", "2", "3.50");
    await addLine(user, "Croissant", "1", "2.25");
    // Focus is back on the description, ready for the next item.
    expect(document.activeElement).toBe(screen.getByTestId("entry-description"));
    await user.type(screen.getByTestId("tax-rate"), "8.875");

    expect(screen.getAllByTestId("line-row")).toHaveLength(2);
    await waitFor(() => expect(screen.getByTestId("total-total").textContent).toBe("$10.07"));
    expect(screen.getByTestId("total-subtotal").textContent).toBe("$9.25");
    expect(screen.getByTestId("total-tax").textContent).toBe("$0.82");
    expect(screen.getAllByTestId("line-total").map((e) => e.textContent)).toEqual(["$7.00", "$2.25"]);

    await waitFor(() =>
      expect(lastQuoteInput()).toEqual({
        currency: "USD",
        lines: [
          { description: "Flat white", quantity: 2, unitPrice: "3.50" },
          { description: "Croissant", quantity: 1, unitPrice: "2.25" },
        ],
        discount: null,
        taxes: [{ name: "Sales tax", rate: "8.875", inclusive: false }],
        tip: null,
        note: null,
        customerEmail: null,
      }),
    );
  });

  it("does not add a line without a price, and says why", async () => {
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} />);
    await user.type(screen.getByTestId("entry-description"), "Muffin{Enter}");
    expect(screen.queryAllByTestId("line-row")).toHaveLength(0);
    expect(screen.getByRole("alert").textContent).toMatch(/unit price/i);
    expect(document.activeElement).toBe(screen.getByTestId("entry-price"));
  });

  it("shows the core's error message inline when the input is invalid", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "order_quote") throw { code: "invalid_amount", message: "Line 1: “3.5.0” is not an amount" };
      throw new Error(`unexpected command ${cmd}`);
    });
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} />);
    await addLine(user, "Flat white", "1", "3.5.0");
    const err = await screen.findByTestId("quote-error");
    expect(err.textContent).toBe("Line 1: “3.5.0” is not an amount");
    expect(err.getAttribute("data-code")).toBe("invalid_amount");
    // Not worded as "<field>: ...": shown as is, and no input is marked.
    expect(document.querySelectorAll('[aria-invalid="true"]')).toHaveLength(0);
    expect(screen.queryByTestId("total-total")).toBeNull();
    // The core said no: there is nothing to save until the price is fixed.
    expect(screen.getByTestId("save-order")).toHaveProperty("disabled", true);
  });

  it("removes a line", async () => {
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} />);
    await addLine(user, "Flat white", "2", "3.50");
    await addLine(user, "Croissant", "1", "2.25");
    await user.click(screen.getAllByTestId("line-remove")[0]!);
    const rows = screen.getAllByTestId("line-row");
    expect(rows).toHaveLength(1);
    expect(within(rows[0]!).getByLabelText("Line 1 description")).toHaveProperty("value", "Croissant");
  });

  it("saves with Ctrl+Enter, shows the order number and starts a new sale", async () => {
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} onSaved={onSaved} />);
    await addLine(user, "Flat white", "2", "3.50");
    await user.type(screen.getByTestId("tax-rate"), "8.875");
    await user.keyboard("{Control>}{Enter}{/Control}");

    expect((await screen.findByTestId("saved-order-number")).textContent).toBe("#1042");
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ number: 1042 }));
    const create = invokeMock.mock.calls.find((c) => c[0] === "order_create");
    expect((create?.[1] as { input: OrderInput }).input.lines).toEqual([
      { description: "Flat white", quantity: 2, unitPrice: "3.50" },
    ]);
    expect(screen.queryAllByTestId("line-row")).toHaveLength(0);
    // The shop's tax rate stays for the next sale.
    expect(screen.getByTestId("tax-rate")).toHaveProperty("value", "8.875");
  });

  it("shows a save error and keeps the order", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "order_quote") return quoteCoffee;
      throw { code: "db", message: "Could not save the order: disk full" };
    });
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} />);
    await addLine(user, "Flat white", "2", "3.50");
    await user.click(screen.getByTestId("save-order"));
    expect((await screen.findByTestId("save-error")).textContent).toBe("Could not save the order: disk full");
    expect(screen.getAllByTestId("line-row")).toHaveLength(1);
  });
});

describe("tax label", () => {
  it.each(["8.875", "8.875%"])("names the tax and its rate when the core lists the taxes (rate %s)", async (rate) => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "order_quote")
        return {
          ...quoteCoffee,
          taxes: [{ name: "Sales tax", rate, inclusive: false, amount: quoteCoffee.taxExclusive }],
        };
      throw new Error(`unexpected command ${cmd}`);
    });
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} />);
    await addLine(user, "Flat white", "2", "3.50");
    await user.type(screen.getByTestId("tax-rate"), "8.875");
    const tax = await screen.findByTestId("total-tax");
    await waitFor(() => expect(tax.previousElementSibling?.textContent).toBe("Sales tax 8.875%"));
  });
});

describe("field errors", () => {
  it("words the core's field path and marks the input it names", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "order_quote") throw { code: "invalid_order", message: 'lines[1].unitPrice: "2.2.5" is not an amount' };
      throw new Error(`unexpected command ${cmd}`);
    });
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} />);
    await addLine(user, "Flat white", "2", "3.50");
    await addLine(user, "Croissant", "1", "2.2.5");
    const err = await screen.findByTestId("quote-error");
    expect(err.textContent).toBe('Line 2 price: "2.2.5" is not an amount');
    expect(err.getAttribute("data-field")).toBe("lines[1].unitPrice");
    const marked = [...document.querySelectorAll('[aria-invalid="true"]')];
    expect(marked.map((e) => e.getAttribute("aria-label"))).toEqual(["Line 2 unit price"]);
  });
});

describe("NewSale charge", () => {
  it("Enter on the empty entry row saves the order and hands it to the checkout", async () => {
    const user = userEvent.setup();
    const onCharge = vi.fn();
    render(<NewSale debounceMs={0} onCharge={onCharge} />);
    expect(screen.getByTestId("charge")).toHaveProperty("disabled", true);
    await addLine(user, "Flat white", "2", "3.50");
    await waitFor(() => expect(screen.getByTestId("total-total").textContent).toBe("$10.07"));
    expect(onCharge).not.toHaveBeenCalled();
    await user.type(screen.getByTestId("entry-description"), "{Enter}");
    await waitFor(() => expect(onCharge).toHaveBeenCalledTimes(1));
    expect(onCharge.mock.calls[0]?.[0].number).toBe(1042);
    expect(invokeMock.mock.calls.filter((c) => c[0] === "order_create")).toHaveLength(1);
  });

  it("charges the order just saved without saving it twice", async () => {
    const user = userEvent.setup();
    const onCharge = vi.fn();
    render(<NewSale debounceMs={0} onCharge={onCharge} />);
    await addLine(user, "Flat white", "2", "3.50");
    await user.click(screen.getByTestId("save-order"));
    await screen.findByTestId("saved-order");
    await user.click(screen.getByTestId("charge"));
    expect(onCharge).toHaveBeenCalledTimes(1);
    expect(invokeMock.mock.calls.filter((c) => c[0] === "order_create")).toHaveLength(1);
  });
});

describe("NewSale with settings", () => {
  const shop: Settings = {
    ...settingsFixture,
    defaultCurrency: "EUR",
    taxes: [
      { name: "VAT", rate: "20", inclusive: true },
      { name: "City levy", rate: "1.5", inclusive: true },
    ],
    quickItems: [
      { description: "Espresso", unitPrice: "2.20" },
      { description: "Croissant", unitPrice: "1.80" },
    ],
  };

  it("starts with the settings' currency and tax rates", async () => {
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} settings={shop} />);
    expect(screen.getByTestId("currency")).toHaveProperty("value", "EUR");
    expect(screen.getAllByTestId("tax-rate").map((e) => (e as HTMLInputElement).value)).toEqual(["20", "1.5"]);
    expect(screen.getByTestId("tax-inclusive")).toHaveProperty("checked", true);
    await addLine(user, "Flat white", "1", "3.50");
    await waitFor(() => expect(lastQuoteInput().currency).toBe("EUR"));
    expect(lastQuoteInput().taxes).toEqual([
      { name: "VAT", rate: "20", inclusive: true },
      { name: "City levy", rate: "1.5", inclusive: true },
    ]);
  });

  it("takes settings that arrive after the first paint, unless the cashier already typed a rate", async () => {
    const { rerender } = render(<NewSale debounceMs={0} settings={null} />);
    expect(screen.getByTestId("currency")).toHaveProperty("value", "USD");
    rerender(<NewSale debounceMs={0} settings={shop} />);
    expect(screen.getByTestId("currency")).toHaveProperty("value", "EUR");

    cleanup();
    const user = userEvent.setup();
    const second = render(<NewSale debounceMs={0} settings={null} />);
    await user.type(screen.getByTestId("tax-rate"), "8.875");
    second.rerender(<NewSale debounceMs={0} settings={shop} />);
    expect(screen.getAllByTestId("tax-rate").map((e) => (e as HTMLInputElement).value)).toEqual(["8.875"]);
  });

  it("quick items add a line of one with a click or Alt+digit", async () => {
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} settings={shop} />);
    const buttons = screen.getAllByTestId("quick-item");
    expect(buttons.map((b) => b.textContent)).toEqual(["Espresso2.20Alt+1", "Croissant1.80Alt+2"]);
    await user.click(buttons[1]!);
    await user.keyboard("{Alt>}1{/Alt}");
    const rows = screen.getAllByTestId("line-row");
    expect(rows.map((r) => (within(r).getByLabelText(/description/) as HTMLInputElement).value)).toEqual(["Croissant", "Espresso"]);
    await waitFor(() =>
      expect(lastQuoteInput().lines).toEqual([
        { description: "Croissant", quantity: 1, unitPrice: "1.80" },
        { description: "Espresso", quantity: 1, unitPrice: "2.20" },
      ]),
    );
  });

  it("without settings' rates, typing 8.875 still gives one exclusive sales tax", async () => {
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} settings={settingsFixture} />);
    expect(screen.queryAllByTestId("quick-item")).toHaveLength(0);
    await addLine(user, "Flat white", "2", "3.50");
    await user.type(screen.getByTestId("tax-rate"), "8.875");
    await waitFor(() => expect(lastQuoteInput().taxes).toEqual([{ name: "Sales tax", rate: "8.875", inclusive: false }]));
  });
});

describe("NewSale editing an order sent back from the checkout", () => {
  const sentBack = orderView(1042, { id: "ord_1042", status: "awaiting_payment", note: "Table 4", customerEmail: "a@b.co" });

  it("loads the order and charges it with order_edit, not order_create", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "order_quote") return quoteCoffee;
      if (cmd === "order_edit") return orderView(1042, { id: "ord_1042" });
      throw new Error(`unexpected command ${cmd}`);
    });
    const user = userEvent.setup();
    const onCharge = vi.fn();
    render(<NewSale debounceMs={0} onCharge={onCharge} editOrder={sentBack} />);
    expect(screen.getByTestId("editing-order").textContent).toMatch(/#1042/);
    const rows = screen.getAllByTestId("line-row");
    expect(rows.map((r) => (within(r).getByLabelText(/description/) as HTMLInputElement).value)).toEqual(["Flat white", "Croissant"]);
    expect(screen.getByTestId("note")).toHaveProperty("value", "Table 4");

    await addLine(user, "Muffin", "1", "3.00");
    await waitFor(() => expect(screen.getByTestId("charge")).toHaveProperty("disabled", false));
    await user.click(screen.getByTestId("charge"));
    await waitFor(() => expect(onCharge).toHaveBeenCalledTimes(1));
    const edit = invokeMock.mock.calls.find((c) => c[0] === "order_edit");
    expect(edit?.[1]).toMatchObject({ id: "ord_1042" });
    expect((edit?.[1] as { input: OrderInput }).input.lines.map((l) => l.description)).toEqual(["Flat white", "Croissant", "Muffin"]);
    expect(invokeMock.mock.calls.filter((c) => c[0] === "order_create")).toHaveLength(0);
    expect(screen.queryByTestId("editing-order")).toBeNull();
  });

  it("prefers the order as typed (a percent discount stays a percent)", async () => {
    const typed = {
      ...sentBack,
      input: {
        currency: "USD",
        lines: [{ description: "Beans 250g", quantity: 3, unitPrice: "14.99" }],
        discount: { kind: "percent" as const, percent: "10" },
        taxes: [{ name: "Sales tax", rate: "8.875", inclusive: false }],
        tip: "2.00",
        note: null,
        customerEmail: null,
      },
    };
    render(<NewSale debounceMs={0} onCharge={vi.fn()} editOrder={typed} />);
    expect(screen.getByTestId("discount-kind")).toHaveProperty("value", "percent");
    expect(screen.getByTestId("discount-value")).toHaveProperty("value", "10");
    expect(screen.getByTestId("tax-rate")).toHaveProperty("value", "8.875");
    expect(screen.getByTestId("tip")).toHaveProperty("value", "2.00");
    expect(screen.getByLabelText("Line 1 quantity")).toHaveProperty("value", "3");
  });

  it("Clear sale drops the edit: the next charge creates a new order", async () => {
    const user = userEvent.setup();
    const onCharge = vi.fn();
    render(<NewSale debounceMs={0} onCharge={onCharge} editOrder={sentBack} />);
    await user.click(screen.getByTestId("clear-sale"));
    expect(screen.queryByTestId("editing-order")).toBeNull();
    expect(screen.queryAllByTestId("line-row")).toHaveLength(0);
    await addLine(user, "Flat white", "2", "3.50");
    await waitFor(() => expect(screen.getByTestId("charge")).toHaveProperty("disabled", false));
    await user.click(screen.getByTestId("charge"));
    await waitFor(() => expect(onCharge).toHaveBeenCalledTimes(1));
    expect(invokeMock.mock.calls.filter((c) => c[0] === "order_create")).toHaveLength(1);
    expect(invokeMock.mock.calls.filter((c) => c[0] === "order_edit")).toHaveLength(0);
  });
});

describe("NewSale currency from settings", () => {
  it("offers the shop's currency even when the short list lacks it", () => {
    render(<NewSale debounceMs={0} settings={{ ...settingsFixture, defaultCurrency: "CHF" }} />);
    expect(screen.getByTestId("currency")).toHaveProperty("value", "CHF");
  });
});

describe("NewSale customer", () => {
  const createdInput = () => (invokeMock.mock.calls.find((c) => c[0] === "order_create")?.[1] as { input: OrderInput }).input;

  beforeEach(() => {
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "order_quote") return quoteCoffee;
      if (cmd === "order_create") return orderView(1042);
      if (cmd === "customer_list") {
        const search = (args as { search: string }).search.toLowerCase();
        return { customers: [ana, bo].filter((c) => c.name.toLowerCase().includes(search) || c.phone?.includes(search)) };
      }
      throw new Error(`unexpected command ${cmd}`);
    });
  });

  it("picks a customer by type-ahead and the keyboard; Enter picks, it does not charge", async () => {
    const user = userEvent.setup();
    const onCharge = vi.fn();
    render(<NewSale debounceMs={0} onCharge={onCharge} />);
    await addLine(user, "Flat white", "2", "3.50");
    await user.type(screen.getByTestId("sale-customer-search"), "+");
    await waitFor(() => expect(screen.getAllByTestId("customer-suggestion")).toHaveLength(2));
    await user.keyboard("{ArrowDown}{Enter}");
    expect(screen.getByTestId("sale-customer").textContent).toContain("C2 Bo Li");
    expect(onCharge).not.toHaveBeenCalled();
    expect(invokeMock.mock.calls.find((c) => c[0] === "customer_list")?.[1]).toEqual({ search: "+", limit: 6 });

    await user.click(screen.getByTestId("save-order"));
    await waitFor(() => expect(createdInput().customerId).toBe(bo.id));
  });

  it("shows the customer's email as what the order will get, and can drop the customer", async () => {
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} startFor={{ id: ana.id, number: 1, name: ana.name, email: ana.email }} />);
    expect(screen.getByTestId("sale-customer").textContent).toContain("C1 Ana Díaz");
    expect(screen.getByTestId("customer-email").getAttribute("placeholder")).toBe("ana@example.com (the customer's)");
    await user.click(screen.getByTestId("sale-customer-clear"));
    expect(screen.queryByTestId("sale-customer")).toBeNull();
    await addLine(user, "Flat white", "2", "3.50");
    await user.click(screen.getByTestId("save-order"));
    await waitFor(() => expect(createdInput()).not.toHaveProperty("customerId"));
  });

  it("says when nobody matches", async () => {
    const user = userEvent.setup();
    render(<NewSale debounceMs={0} />);
    await user.type(screen.getByTestId("sale-customer-search"), "zz");
    expect((await screen.findByTestId("customer-no-match")).textContent).toContain("No customer matches");
  });
});
