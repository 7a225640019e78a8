import type { KeyboardEvent } from "react";

/**
 * A list's rows from the keyboard, as History and Customers take them: Enter or Space opens
 * the row, the arrows move between rows, and up from the first row goes back to the search box.
 */
export function onListRowKey(e: KeyboardEvent<HTMLTableRowElement>, open: () => void, search: HTMLElement | null) {
  const row = e.currentTarget;
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    open();
  } else if (e.key === "ArrowDown") {
    e.preventDefault();
    (row.nextElementSibling as HTMLElement | null)?.focus();
  } else if (e.key === "ArrowUp") {
    e.preventDefault();
    const prev = row.previousElementSibling as HTMLElement | null;
    if (prev) prev.focus();
    else search?.focus();
  }
}
