import type { KeyboardEvent, Ref } from "react";
import { humanize } from "../format";
import { STATUSES } from "./StatusBadge";

export type Filters = { text: string; status: string; from: string; to: string };

export const NO_FILTERS: Filters = { text: "", status: "", from: "", to: "" };

export function hasFilters(f: Filters): boolean {
  return f.text.trim() !== "" || f.status !== "" || f.from !== "" || f.to !== "";
}

type Props = {
  filters: Filters;
  onChange: (filters: Filters) => void;
  /** ArrowDown in the search box: go to the first row. */
  onLeaveDown: () => void;
  searchRef?: Ref<HTMLInputElement>;
};

/**
 * Search and filters for the history. The text goes to the core as typed: it decides whether
 * "12" is an order number, "10.07" an amount, "pi_…" a PaymentIntent or words from the items.
 */
export function HistoryFilters({ filters, onChange, onLeaveDown, searchRef }: Props) {
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch });
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "Enter") {
      e.preventDefault();
      onLeaveDown();
    } else if (e.key === "Escape" && filters.text !== "") {
      e.preventDefault();
      set({ text: "" });
    }
  };
  return (
    <div className="history-filters" role="search">
      <label className="field history-search">
        <span>
          Search <kbd>/</kbd>
        </span>
        <input
          ref={searchRef}
          type="search"
          data-testid="history-search"
          placeholder="Order no., amount, pi_… or item"
          value={filters.text}
          onChange={(e) => set({ text: e.target.value })}
          onKeyDown={onSearchKey}
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <label className="field">
        <span>Status</span>
        <select data-testid="history-status" value={filters.status} onChange={(e) => set({ status: e.target.value })}>
          <option value="">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>From</span>
        <input type="date" data-testid="history-from" value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: e.target.value })} />
      </label>
      <label className="field">
        <span>To</span>
        <input type="date" data-testid="history-to" value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: e.target.value })} />
      </label>
    </div>
  );
}
