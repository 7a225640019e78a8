import { useEffect, useState } from "react";
import { api, type OrderCustomer, type SavedCard, type SavedCardUse } from "../api";
import "../customers.css";

type Props = {
  customer: OrderCustomer;
  /** Nothing may start while another payment step is in flight. */
  disabled: boolean;
  onCharge: (card: SavedCard, use: SavedCardUse) => void;
  /** Why the last saved card was not charged, in the core's words. */
  problem: string | null;
};

const expiry = (c: SavedCard) => `${String(c.expMonth).padStart(2, "0")}/${String(c.expYear).slice(-2)}`;

/** The customer's saved cards above the card form: charge one without typing it. */
export function CheckoutSavedCards({ customer, disabled, onCharge, problem }: Props) {
  const [cards, setCards] = useState<SavedCard[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [use, setUse] = useState<SavedCardUse>("moto");

  useEffect(() => {
    let cancelled = false;
    api.customerCards(customer.id).then(
      (page) => !cancelled && setCards(page.cards),
      (err: unknown) => !cancelled && setLoadError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [customer.id]);

  if (loadError) {
    return (
      <p className="muted-text" data-testid="saved-cards-error">
        {customer.name}'s saved cards could not be listed: {loadError}
      </p>
    );
  }
  if (!cards || cards.length === 0) return null;
  return (
    <div className="saved-cards" data-testid="saved-cards">
      <h3>Saved cards of {customer.name}</h3>
      <ul>
        {cards.map((c) => (
          <li key={c.paymentMethodId} data-testid="saved-card" data-last4={c.last4}>
            <span>
              <strong className="card-brand">{c.brand}</strong> •••• {c.last4} <span className="muted-text">exp {expiry(c)}</span>
              {c.warning && (
                <span className="card-warning" role="note" title={c.warning}>
                  {" "}
                  ⚠ a check failed
                </span>
              )}
            </span>
            <button type="button" className="btn" data-testid="charge-saved-card" disabled={disabled} onClick={() => onCharge(c, use)}>
              Charge this card
            </button>
          </li>
        ))}
      </ul>
      <fieldset className="saved-card-use" disabled={disabled}>
        <legend className="sr-only">How the customer approves this payment</legend>
        <label className="check">
          <input type="radio" name="saved-card-use" data-testid="saved-card-moto" checked={use === "moto"} onChange={() => setUse("moto")} />
          On the phone now (MOTO)
        </label>
        <label className="check">
          <input
            type="radio"
            name="saved-card-use"
            data-testid="saved-card-off-session"
            checked={use === "off_session"}
            onChange={() => setUse("off_session")}
          />
          Authorized earlier, not here now (off-session)
        </label>
      </fieldset>
      {problem && (
        <p className="notice notice-declined" role="alert" data-testid="saved-card-problem">
          {problem}
        </p>
      )}
      <p className="muted-text">Or type a card below.</p>
    </div>
  );
}
