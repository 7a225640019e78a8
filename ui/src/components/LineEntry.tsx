import { forwardRef, useImperativeHandle, useRef, useState, type KeyboardEvent } from "react";
import { MAX_QUANTITY, parseQuantity } from "../sale";

export type NewLine = { description: string; quantity: string; unitPrice: string };

export type LineEntryHandle = { focus: () => void };

type Props = {
  currency: string;
  onAdd: (line: NewLine) => void;
  /** Enter with nothing typed in the entry row (the order is done: charge it). */
  onEnterEmpty?: () => void;
};

/** The entry row: type description, quantity, price; Enter adds the line; Esc clears. */
export const LineEntry = forwardRef<LineEntryHandle, Props>(function LineEntry({ currency, onAdd, onEnterEmpty }, ref) {
  const [description, setDescription] = useState("");
  const [quantity, setQuantity] = useState("1");
  const [unitPrice, setUnitPrice] = useState("");
  const [hint, setHint] = useState<string | null>(null);
  const descRef = useRef<HTMLInputElement>(null);
  const qtyRef = useRef<HTMLInputElement>(null);
  const priceRef = useRef<HTMLInputElement>(null);

  useImperativeHandle(ref, () => ({ focus: () => descRef.current?.focus() }), []);

  const clear = () => {
    setDescription("");
    setQuantity("1");
    setUnitPrice("");
    setHint(null);
  };

  const add = () => {
    if (description.trim() === "") {
      setHint("Type a description");
      descRef.current?.focus();
      return;
    }
    if (parseQuantity(quantity) === null) {
      setHint(`Quantity: a whole number from 1 to ${MAX_QUANTITY}`);
      qtyRef.current?.select();
      return;
    }
    if (unitPrice.trim() === "") {
      setHint("Type a unit price");
      priceRef.current?.focus();
      return;
    }
    onAdd({ description: description.trim(), quantity: quantity.trim(), unitPrice: unitPrice.trim() });
    clear();
    descRef.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter" && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      if (onEnterEmpty && description.trim() === "" && unitPrice.trim() === "") onEnterEmpty();
      else add();
    } else if (e.key === "Escape") {
      e.preventDefault();
      clear();
      descRef.current?.focus();
    }
  };

  return (
    <div className="line-entry" role="group" aria-label="Add an item">
      <label className="field grow">
        <span>Description</span>
        <input
          ref={descRef}
          data-testid="entry-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Item or service"
          maxLength={200}
          autoComplete="off"
          autoFocus
        />
      </label>
      <label className="field qty">
        <span>Qty</span>
        <input
          ref={qtyRef}
          data-testid="entry-quantity"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          onKeyDown={onKeyDown}
          onFocus={(e) => e.target.select()}
          inputMode="numeric"
          autoComplete="off"
        />
      </label>
      <label className="field price">
        <span>Unit price ({currency})</span>
        <input
          ref={priceRef}
          data-testid="entry-price"
          value={unitPrice}
          onChange={(e) => setUnitPrice(e.target.value)}
          onKeyDown={onKeyDown}
          inputMode="decimal"
          placeholder="0.00"
          autoComplete="off"
        />
      </label>
      <button type="button" className="btn" data-testid="entry-add" onClick={add}>
        Add <kbd>Enter</kbd>
      </button>
      {hint && (
        <p className="entry-hint" role="alert">
          {hint}
        </p>
      )}
    </div>
  );
});
