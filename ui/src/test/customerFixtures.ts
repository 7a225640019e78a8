import type { Customer } from "../api";

export function customer(number: number, name: string, extra: Partial<Customer> = {}): Customer {
  return {
    id: `0190c000-0000-7000-8000-${String(number).padStart(12, "0")}`,
    number,
    mode: "demo",
    name,
    email: null,
    phone: null,
    note: null,
    stripeCustomerId: null,
    createdAt: "2026-12-01T10:00:00Z",
    updatedAt: "2026-12-01T10:00:00Z",
    removed: false,
    ...extra,
  };
}

export const ana = customer(1, "Ana Díaz", { email: "ana@example.com", phone: "+1 555 010 9999" });
export const bo = customer(2, "Bo Li", { phone: "+44 20 7946 0000" });
