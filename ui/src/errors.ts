// The core words validation errors as "<field>: <what is wrong>", with field paths such as
// `lines[0].unitPrice` or `taxes[0].rate`. This turns the path into words a cashier reads
// and tells the form which input to mark. Messages that do not follow the pattern pass through.

export type FieldError = { field: string | null; text: string };

const PATH = /^((?:lines|taxes)\[\d+\]\.[A-Za-z]+|discount(?:\.[A-Za-z]+)?|tip|note|customerEmail|customerId|currency|lines|taxes): (.+)$/s;

const LINE_FIELDS: Record<string, string> = { description: "description", quantity: "quantity", unitPrice: "price" };
const TOP_FIELDS: Record<string, string> = {
  discount: "Discount",
  tip: "Tip",
  note: "Note",
  customerEmail: "Customer email",
  customerId: "Customer",
  currency: "Currency",
  lines: "Items",
  taxes: "Tax",
};

export function fieldLabel(field: string): string {
  const line = /^lines\[(\d+)\]\.([A-Za-z]+)$/.exec(field);
  if (line) return `Line ${Number(line[1]) + 1} ${LINE_FIELDS[line[2] ?? ""] ?? line[2]}`;
  const tax = /^taxes\[\d+\]\.([A-Za-z]+)$/.exec(field);
  if (tax) return tax[1] === "rate" ? "Tax rate" : tax[1] === "name" ? "Tax name" : "Tax";
  return TOP_FIELDS[field.split(".")[0] ?? ""] ?? field;
}

export function parseFieldError(message: string): FieldError {
  const m = PATH.exec(message);
  if (!m || !m[1] || !m[2]) return { field: null, text: message };
  return { field: m[1], text: `${fieldLabel(m[1])}: ${m[2]}` };
}

/** The index of the line an error is about, if any. */
export function lineOf(field: string | null): { index: number; name: string } | null {
  const m = field ? /^lines\[(\d+)\]\.([A-Za-z]+)$/.exec(field) : null;
  return m && m[2] ? { index: Number(m[1]), name: m[2] } : null;
}
