import { useState, type FormEvent } from "react";
import { api, ApiError, type Customer, type CustomerInput } from "../api";

type Props = {
  /** The customer being changed; none for a new one. */
  customer: Customer | null;
  onSaved: (customer: Customer) => void;
  onCancel: () => void;
};

type Field = keyof CustomerInput;
const FIELDS: Field[] = ["name", "email", "phone", "note"];
const LABELS: Record<Field, string> = { name: "Name", email: "Email", phone: "Phone", note: "Note" };

/** The core refuses as "<field>: <what is wrong>"; the form marks that field. */
function fieldOf(message: string): Field | null {
  const field = /^(name|email|phone|note): /.exec(message)?.[1];
  return (field as Field | undefined) ?? null;
}

const orNull = (v: string) => (v.trim() === "" ? null : v);

/** New or changed customer: what the cashier types goes to the core as is, which checks it. */
export function CustomerForm({ customer, onSaved, onCancel }: Props) {
  const [values, setValues] = useState<Record<Field, string>>(() => ({
    name: customer?.name ?? "",
    email: customer?.email ?? "",
    phone: customer?.phone ?? "",
    note: customer?.note ?? "",
  }));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const invalid = error ? fieldOf(error.message) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    setSaving(true);
    setError(null);
    const input: CustomerInput = { name: values.name, email: orNull(values.email), phone: orNull(values.phone), note: orNull(values.note) };
    try {
      onSaved(customer ? await api.customerEdit(customer.id, input) : await api.customerCreate(input));
    } catch (err) {
      setError(ApiError.from(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="customer-form"
      noValidate
      data-testid="customer-form"
      aria-label={customer ? `Change C${customer.number}` : "New customer"}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <h2>{customer ? `Change C${customer.number}` : "New customer"}</h2>
      {FIELDS.map((field, i) => (
        <label className="field" key={field}>
          <span>
            {LABELS[field]}
            {field === "name" ? "" : " (optional)"}
          </span>
          {field === "note" ? (
            <textarea
              data-testid={`customer-field-${field}`}
              rows={3}
              maxLength={1000}
              aria-invalid={invalid === field || undefined}
              value={values[field]}
              onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
            />
          ) : (
            <input
              data-testid={`customer-field-${field}`}
              type={field === "email" ? "email" : field === "phone" ? "tel" : "text"}
              autoFocus={i === 0}
              autoComplete="off"
              maxLength={field === "email" ? 254 : 120}
              aria-invalid={invalid === field || undefined}
              value={values[field]}
              onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
            />
          )}
        </label>
      ))}
      {error && (
        <p className="inline-error" role="alert" data-testid="customer-form-error">
          {invalid ? `${LABELS[invalid]}: ${error.message.slice(invalid.length + 2)}` : error.message}
        </p>
      )}
      <div className="action-bar">
        <button type="submit" className="btn btn-primary" data-testid="customer-save" disabled={saving}>
          {saving ? "Saving…" : "Save customer"} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" data-testid="customer-cancel" onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
