import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError, type Customer, type CustomerPage } from "../api";
import { isTyping } from "../format";
import { onListRowKey } from "../rows";
import "../customers.css";
import { CustomerDetail } from "./CustomerDetail";
import { CustomerForm } from "./CustomerForm";

/** Quiet time after the last keystroke before the directory is asked again. */
export const SEARCH_DEBOUNCE_MS = 200;
const PAGE = 100;

type Props = {
  /** The screen is showing: the cursor goes to the search box. */
  active?: boolean;
  /** "New sale for …": the sale screen, with this customer on the sale. */
  onSell: (customer: Customer) => void;
  debounceMs?: number;
};

type Panel = { kind: "none" } | { kind: "new" } | { kind: "edit"; customer: Customer } | { kind: "show"; page: CustomerPage };

/** The customer directory: search, add, change, remove, and each customer's orders. */
export function Customers({ active = true, onSell, debounceMs = SEARCH_DEBOUNCE_MS }: Props) {
  const [search, setSearch] = useState("");
  const [customers, setCustomers] = useState<Customer[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [panel, setPanel] = useState<Panel>({ kind: "none" });
  const searchRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const seq = useRef(0);
  const first = useRef(true);

  const load = useCallback(async (text: string) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await api.customerList(text.trim() || undefined, PAGE);
      if (mine !== seq.current) return;
      setCustomers(page.customers);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(ApiError.from(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      void load(search);
      return;
    }
    const t = window.setTimeout(() => void load(search), debounceMs);
    return () => window.clearTimeout(t);
  }, [search, load, debounceMs]);

  useEffect(() => {
    if (active) searchRef.current?.focus();
  }, [active]);

  const show = useCallback(async (id: string) => {
    try {
      setPanel({ kind: "show", page: await api.customerGet(id) });
    } catch (err) {
      setError(ApiError.from(err));
    }
  }, []);

  // Alt+N: a new customer; "/" (when not typing): the search box.
  useEffect(() => {
    if (!active) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === "n") {
        e.preventDefault();
        setPanel({ kind: "new" });
      } else if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target)) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active]);

  const saved = (customer: Customer) => {
    void load(search);
    void show(customer.id);
  };

  const remove = async (customer: Customer) => {
    await api.customerRemove(customer.id);
    setPanel({ kind: "none" });
    await load(search);
    searchRef.current?.focus();
  };


  const selectedId = panel.kind === "show" ? panel.page.customer.id : panel.kind === "edit" ? panel.customer.id : null;

  return (
    <div className="orders customers">
      <section className="card orders-list" aria-label="Customers">
        <div className="card-head">
          <h2>Customers</h2>
          <button type="button" className="btn btn-primary" data-testid="customer-new" onClick={() => setPanel({ kind: "new" })}>
            New customer <kbd>Alt+N</kbd>
          </button>
        </div>
        <input
          ref={searchRef}
          type="search"
          className="customer-search"
          data-testid="customer-search"
          aria-label="Find a customer by name, email or phone"
          placeholder="Find by name, email or phone  ( / )"
          maxLength={120}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              bodyRef.current?.querySelector<HTMLElement>("tr")?.focus();
            } else if (e.key === "Enter" && customers[0]) {
              e.preventDefault();
              void show(customers[0].id);
            }
          }}
        />
        {error && (
          <p className="inline-error" role="alert" data-testid="customers-error">
            {error.message}
          </p>
        )}
        {!loading && !error && customers.length === 0 && (
          <div className="empty" data-testid="customers-empty">
            {search.trim() ? "No customer matches." : "No customers yet. Add the ones who call in often (Alt+N)."}
          </div>
        )}
        {customers.length > 0 && (
          <div className={`table-scroll${loading ? " stale" : ""}`} aria-busy={loading}>
            <table className="orders-table" data-testid="customers-table">
              <thead>
                <tr>
                  <th className="num">No.</th>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Phone</th>
                </tr>
              </thead>
              <tbody ref={bodyRef}>
                {customers.map((c, i) => (
                  <tr
                    key={c.id}
                    tabIndex={i === 0 ? 0 : -1}
                    data-testid="customer-row"
                    data-number={c.number}
                    className={c.id === selectedId ? "selected" : undefined}
                    aria-selected={c.id === selectedId}
                    onClick={() => void show(c.id)}
                    onKeyDown={(e) => onListRowKey(e, () => void show(c.id), searchRef.current)}
                  >
                    <td className="num">C{c.number}</td>
                    <td className="desc">{c.name}</td>
                    <td className="contact">{c.email ?? ""}</td>
                    <td className="contact">{c.phone ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card orders-detail" aria-label="Customer">
        {panel.kind === "new" && <CustomerForm key="new" customer={null} onSaved={saved} onCancel={() => setPanel({ kind: "none" })} />}
        {panel.kind === "edit" && (
          <CustomerForm key={panel.customer.id} customer={panel.customer} onSaved={saved} onCancel={() => void show(panel.customer.id)} />
        )}
        {panel.kind === "show" && (
          <CustomerDetail
            key={panel.page.customer.id}
            page={panel.page}
            onEdit={() => setPanel({ kind: "edit", customer: panel.page.customer })}
            onRemove={() => remove(panel.page.customer)}
            onSell={() => onSell(panel.page.customer)}
          />
        )}
        {panel.kind === "none" && <div className="empty">Select a customer to see their details and orders.</div>}
      </section>
    </div>
  );
}
