import { describe, expect, it } from "vitest";
import { brandName, cardLabel, localDate, shiftDate, typedAmountLabel } from "./format";

describe("dates", () => {
  it("takes the local calendar day, not UTC's", () => {
    expect(localDate(new Date(2026, 2, 1, 23, 59))).toBe("2026-03-01");
    expect(localDate(new Date(2026, 11, 31, 0, 0))).toBe("2026-12-31");
  });

  it("steps over month, year and leap-day boundaries", () => {
    expect(shiftDate("2026-03-01", -1)).toBe("2026-02-28");
    expect(shiftDate("2028-03-01", -1)).toBe("2028-02-29");
    expect(shiftDate("2026-12-31", 1)).toBe("2027-01-01");
    expect(shiftDate("2026-03-29", 1)).toBe("2026-03-30");
    expect(shiftDate("not a date", 1)).toBe("not a date");
  });
});

describe("cards", () => {
  it("names Stripe's brand codes", () => {
    expect(brandName("visa")).toBe("Visa");
    expect(brandName("amex")).toBe("American Express");
    expect(brandName("some_new_brand")).toBe("Some new brand");
    expect(cardLabel("mastercard", "4444")).toBe("Mastercard •••• 4444");
    expect(cardLabel(null, "4444")).toBe("Card •••• 4444");
    expect(cardLabel(null, null)).toBeNull();
  });
});

describe("typedAmountLabel", () => {
  it("puts the typed text, unchanged, where the core's display has its number", () => {
    expect(typedAmountLabel("5", { display: "$12.50", currency: "USD" })).toBe("$5");
    expect(typedAmountLabel("1,000", { display: "¥2,310", currency: "JPY" })).toBe("¥1,000");
    expect(typedAmountLabel("1.5", { display: "KWD 1.590", currency: "KWD" })).toBe("KWD 1.5");
    expect(typedAmountLabel("3,50", { display: "1.234,50 €", currency: "EUR" })).toBe("3,50 €");
    expect(typedAmountLabel("7", { display: "n/a", currency: "USD" })).toBe("7 USD");
  });
});
