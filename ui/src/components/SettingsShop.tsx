import { useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { api, ApiError, type QuickItem, type Settings, type TaxInput } from "../api";
import { keyed, QuickItemList, TaxList, type Keyed } from "./SettingsLists";

/** Stripe's limit on a statement descriptor suffix. */
export const SUFFIX_MAX = 22;

type ShopForm = Omit<Settings, "taxes" | "quickItems" | "statementDescriptorSuffix"> & {
  taxes: Keyed<TaxInput>[];
  quickItems: Keyed<QuickItem>[];
  suffix: string;
};

function toForm(s: Settings): ShopForm {
  const { taxes, quickItems, statementDescriptorSuffix, ...rest } = s;
  return { ...rest, taxes: taxes.map(keyed), quickItems: quickItems.map(keyed), suffix: statementDescriptorSuffix ?? "" };
}

function toSettings(f: ShopForm): Settings {
  const { taxes, quickItems, suffix, ...rest } = f;
  return {
    ...rest,
    taxes: taxes.map(({ name, rate, inclusive }) => ({ name, rate, inclusive })),
    quickItems: quickItems.map(({ description, unitPrice }) => ({ description, unitPrice })),
    statementDescriptorSuffix: suffix.trim() === "" ? null : suffix,
  };
}

const FIELD_NAMES: Record<string, string> = {
  businessName: "Business name",
  businessAddress: "Business address",
  defaultCurrency: "Default currency",
  statementDescriptorSuffix: "Statement descriptor suffix",
  quickItems: "Quick items",
  taxes: "Tax rates",
};

/** The core says "<field>: <what>" (`taxes[0].rate: …`); this finds the field and words it. */
export function settingsFieldError(message: string): { field: string | null; text: string } {
  const m = /^([A-Za-z]+)(?:\[(\d+)\]\.([A-Za-z]+))?: (.+)$/s.exec(message);
  if (!m || !m[1] || !m[4]) return { field: null, text: message };
  const [, top, index, sub, what] = m;
  const field = index !== undefined ? `${top}[${index}].${sub}` : top;
  const base = FIELD_NAMES[top] ?? top;
  const label = index !== undefined ? `${base}, row ${Number(index) + 1}${sub === "unitPrice" ? " price" : sub ? ` ${sub}` : ""}` : base;
  return { field, text: `${label}: ${what}` };
}

function Choice<T extends string>({
  legend,
  name,
  value,
  options,
  onChange,
}: {
  legend: string;
  name: string;
  value: T;
  options: { value: T; label: ReactNode }[];
  onChange: (v: T) => void;
}) {
  return (
    <fieldset className="settings-choice">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="radio"
            name={name}
            value={o.value}
            data-testid={`${name}-${o.value}`}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

type Props = {
  initial: Settings;
  onSaved: (settings: Settings) => void;
};

/**
 * The shop's settings: receipt header, what a new sale starts with, how payments are taken.
 * Saved as a whole; when the core refuses, the form stays exactly as typed.
 */
export function SettingsShop({ initial, onSaved }: Props) {
  const [form, setForm] = useState<ShopForm>(() => toForm(initial));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [savedAt, setSavedAt] = useState(false);

  const patch = (p: Partial<ShopForm>) => {
    setForm((f) => ({ ...f, ...p }));
    setSavedAt(false);
  };

  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSaving(true);
    setError(null);
    setSavedAt(false);
    try {
      const saved = await api.settingsSave(toSettings(form));
      // The core normalizes (trims, upper-cases): show what it kept.
      setForm(toForm(saved));
      setSavedAt(true);
      onSaved(saved);
    } catch (err) {
      setError(ApiError.from(err));
    } finally {
      setSaving(false);
    }
  };

  // Enter in a text field should not save half a form; Ctrl+Enter does, as on New sale.
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key !== "Enter") return;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      void save();
    } else if ((e.target as HTMLElement).tagName === "INPUT") {
      e.preventDefault();
    }
  };

  const problem = error ? settingsFieldError(error.message) : null;
  const bad = (f: string) => problem?.field === f || undefined;

  return (
    <form className="card settings-card settings-shop" aria-labelledby="shop-title" onSubmit={(e) => void save(e)} onKeyDown={onKeyDown}>
      <h2 id="shop-title">Shop</h2>
      <div className="settings-grid">
        <div className="settings-col">
          <label className="field">
            <span>Business name (receipt header)</span>
            <input
              data-testid="settings-business-name"
              aria-invalid={bad("businessName")}
              value={form.businessName}
              maxLength={100}
              onChange={(e) => patch({ businessName: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Business address</span>
            <textarea
              data-testid="settings-business-address"
              aria-invalid={bad("businessAddress")}
              rows={3}
              maxLength={500}
              value={form.businessAddress}
              onChange={(e) => patch({ businessAddress: e.target.value })}
            />
          </label>
          <div className="settings-pair">
            <label className="field">
              <span>Default currency</span>
              <input
                data-testid="settings-currency"
                aria-invalid={bad("defaultCurrency")}
                className="currency-input"
                value={form.defaultCurrency}
                maxLength={3}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => patch({ defaultCurrency: e.target.value.toUpperCase() })}
              />
            </label>
            <label className="field grow">
              <span>Statement descriptor suffix ({form.suffix.length}/{SUFFIX_MAX})</span>
              <input
                data-testid="settings-suffix"
                aria-invalid={bad("statementDescriptorSuffix")}
                value={form.suffix}
                maxLength={SUFFIX_MAX}
                placeholder="on the card statement"
                onChange={(e) => patch({ suffix: e.target.value })}
              />
            </label>
          </div>
          <TaxList rows={form.taxes} onChange={(taxes) => patch({ taxes })} invalidField={problem?.field ?? null} />
        </div>
        <div className="settings-col">
          <QuickItemList
            rows={form.quickItems}
            onChange={(quickItems) => patch({ quickItems })}
            invalidField={problem?.field ?? null}
            currency={form.defaultCurrency}
          />
          <Choice
            legend="When to take the money"
            name="capture"
            value={form.capture}
            onChange={(capture) => patch({ capture })}
            options={[
              { value: "automatic", label: "Charge now" },
              { value: "manual", label: "Authorize only, capture later" },
            ]}
          />
          <Choice
            legend="Payment methods"
            name="payment-methods"
            value={form.paymentMethods}
            onChange={(paymentMethods) => patch({ paymentMethods })}
            options={[
              { value: "card", label: "Cards only" },
              { value: "automatic", label: "What the Stripe Dashboard enables" },
            ]}
          />
          <Choice
            legend="Where the card is confirmed"
            name="confirmation"
            value={form.confirmation}
            onChange={(confirmation) => patch({ confirmation })}
            options={[
              { value: "window", label: "In this window" },
              { value: "server", label: "Finalize on the server (allows phone orders, MOTO)" },
            ]}
          />
        </div>
      </div>
      <div className="settings-actions settings-save-bar">
        <button type="submit" className="btn btn-primary" data-testid="settings-save" disabled={saving}>
          {saving ? "Saving…" : "Save settings"} <kbd>Ctrl+Enter</kbd>
        </button>
        {savedAt && (
          <span className="saved-note" role="status" data-testid="settings-saved">
            Saved
          </span>
        )}
        {problem && error && (
          <p className="inline-error" role="alert" data-testid="settings-error" data-code={error.code} data-field={problem.field ?? undefined}>
            {problem.text}
          </p>
        )}
      </div>
    </form>
  );
}
