import { describe, expect, it } from "vitest";
import { lineOf, parseFieldError } from "./errors";

describe("parseFieldError", () => {
  it("words line fields for a cashier", () => {
    expect(parseFieldError('lines[0].unitPrice: "3.5.0" is not an amount')).toEqual({
      field: "lines[0].unitPrice",
      text: 'Line 1 price: "3.5.0" is not an amount',
    });
    expect(parseFieldError("lines[2].quantity: quantity must be a whole number").text).toBe(
      "Line 3 quantity: quantity must be a whole number",
    );
  });
  it("words order-level fields", () => {
    expect(parseFieldError("taxes[0].rate: not a percentage").text).toBe("Tax rate: not a percentage");
    expect(parseFieldError("tip: not an amount").text).toBe("Tip: not an amount");
    expect(parseFieldError("discount.percent: at most 100").text).toBe("Discount: at most 100");
    expect(parseFieldError("customerEmail: not an email address").field).toBe("customerEmail");
  });
  it("passes other messages through", () => {
    expect(parseFieldError("The order database is busy")).toEqual({ field: null, text: "The order database is busy" });
    expect(parseFieldError("Something: else")).toEqual({ field: null, text: "Something: else" });
  });
  it("finds the line", () => {
    expect(lineOf("lines[4].unitPrice")).toEqual({ index: 4, name: "unitPrice" });
    expect(lineOf("tip")).toBeNull();
    expect(lineOf(null)).toBeNull();
  });
});
