import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api, type Customer } from "../api";
import type { SaleCustomer } from "../sale";

/** How many suggestions the type-ahead shows, and how long it waits for the typing to pause. */
export const SUGGESTIONS = 6;
export const PICKER_DEBOUNCE_MS = 150;

type Props = {
  customer: SaleCustomer | null;
  onChange: (customer: SaleCustomer | null) => void;
  invalid?: boolean;
  debounceMs?: number;
};

export const toSaleCustomer = (c: Customer): SaleCustomer => ({ id: c.id, number: c.number, name: c.name, email: c.email });

/** Who the sale is for: type a name, email or phone, pick with the arrows and Enter. */
export function CustomerPicker({ customer, onChange, invalid = false, debounceMs = PICKER_DEBOUNCE_MS }: Props) {
  const [text, setText] = useState("");
  const [found, setFound] = useState<Customer[]>([]);
  const [cursor, setCursor] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  // The search the suggestions on screen answer: "no match" only once the core has said so.
  const [answered, setAnswered] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const seq = useRef(0);

  useEffect(() => {
    const search = text.trim();
    if (!search) {
      setFound([]);
      return;
    }
    const mine = ++seq.current;
    const t = window.setTimeout(() => {
      api.customerList(search, SUGGESTIONS).then(
        (page) => {
          if (mine !== seq.current) return;
          setFound(page.customers);
          setAnswered(search);
          setCursor(0);
          setProblem(null);
        },
        (err: unknown) => mine === seq.current && setProblem(err instanceof Error ? err.message : String(err)),
      );
    }, debounceMs);
    return () => window.clearTimeout(t);
  }, [text, debounceMs]);

  const pick = (c: Customer) => {
    onChange(toSaleCustomer(c));
    setText("");
    setFound([]);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" && found.length > 0) {
      e.preventDefault();
      setCursor((i) => Math.min(i + 1, found.length - 1));
    } else if (e.key === "ArrowUp" && found.length > 0) {
      e.preventDefault();
      setCursor((i) => Math.max(i - 1, 0));
    } else if (e.key === "Enter" && found[cursor]) {
      // Enter picks; it must not also charge the order.
      e.preventDefault();
      e.stopPropagation();
      pick(found[cursor]);
    } else if (e.key === "Escape" && (text || found.length > 0)) {
      e.stopPropagation();
      setText("");
      setFound([]);
    }
  };

  if (customer) {
    return (
      <div className="field">
        <span>Customer</span>
        <div className={`customer-chip${invalid ? " invalid" : ""}`} data-testid="sale-customer">
          <span>
            <strong>C{customer.number}</strong> {customer.name}
          </span>
          <button
            type="button"
            className="link"
            data-testid="sale-customer-clear"
            aria-label={`Remove ${customer.name} from this sale`}
            onClick={() => {
              onChange(null);
              window.setTimeout(() => inputRef.current?.focus(), 0);
            }}
          >
            Change
          </button>
        </div>
      </div>
    );
  }

  const listId = "customer-suggestions";
  return (
    <div className="field customer-picker">
      <label htmlFor="sale-customer-search">Customer (optional)</label>
      <input
        id="sale-customer-search"
        ref={inputRef}
        type="search"
        data-testid="sale-customer-search"
        placeholder="Name, email or phone"
        role="combobox"
        aria-expanded={found.length > 0}
        aria-controls={listId}
        aria-activedescendant={found[cursor] ? `customer-option-${found[cursor].id}` : undefined}
        aria-invalid={invalid || undefined}
        autoComplete="off"
        maxLength={120}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
      />
      {found.length > 0 && (
        <ul className="suggestions" id={listId} role="listbox" data-testid="customer-suggestions">
          {found.map((c, i) => (
            <li
              key={c.id}
              id={`customer-option-${c.id}`}
              role="option"
              aria-selected={i === cursor}
              className={i === cursor ? "active" : undefined}
              data-testid="customer-suggestion"
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
            >
              <strong>C{c.number}</strong> {c.name}
              <span className="muted-text">{c.email ?? c.phone ?? ""}</span>
            </li>
          ))}
        </ul>
      )}
      {text.trim() !== "" && answered === text.trim() && found.length === 0 && !problem && (
        <span className="muted-text" data-testid="customer-no-match">
          No customer matches. Add them on the Customers screen (F5).
        </span>
      )}
      {problem && (
        <span className="inline-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}
