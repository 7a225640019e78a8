import { useEffect, useState } from "react";
import { api, ApiError, type CardChecks, type SavedCard } from "../api";

const CHECK_NAMES: [keyof CardChecks, string][] = [
  ["cvc", "CVC"],
  ["postalCode", "postal code"],
  ["line1", "street"],
];

/** "CVC pass · postal code fail": what the bank said of the details given with the card. */
export function checksText(checks: CardChecks): string {
  return CHECK_NAMES.filter(([key]) => checks[key])
    .map(([key, name]) => `${name} ${checks[key]}`)
    .join(" · ");
}

/** A customer's cards on file, from Stripe: brand, last four, expiry, checks; remove one. */
export function CustomerCards({ customerId }: { customerId: string }) {
  const [cards, setCards] = useState<SavedCard[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);

  useEffect(() => {
    let cancelled = false;
    api.customerCards(customerId).then(
      (page) => !cancelled && setCards(page.cards),
      (err: unknown) => !cancelled && setError(ApiError.from(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [customerId]);

  const remove = async (paymentMethodId: string) => {
    setRemoving(true);
    setError(null);
    try {
      setCards((await api.customerRemoveCard(customerId, paymentMethodId)).cards);
      setConfirming(null);
    } catch (err) {
      setError(ApiError.from(err));
    } finally {
      setRemoving(false);
    }
  };

  return (
    <section aria-label="Saved cards" data-testid="customer-cards">
      <h3>Saved cards</h3>
      {error && (
        <p className="inline-error" role="alert" data-testid="customer-cards-error">
          {error.message}
        </p>
      )}
      {cards === null && !error && <p className="muted-text">Asking Stripe…</p>}
      {cards?.length === 0 && (
        <p className="muted-text" data-testid="customer-no-cards">
          No saved cards. A card is saved at a checkout when the customer agrees.
        </p>
      )}
      {cards && cards.length > 0 && (
        <ul className="customer-card-list">
          {cards.map((c) => (
            <li key={c.paymentMethodId} data-testid="customer-card" data-last4={c.last4}>
              <div>
                <strong className="card-brand">{c.brand}</strong> •••• {c.last4}{" "}
                <span className="muted-text">
                  exp {String(c.expMonth).padStart(2, "0")}/{c.expYear}
                </span>
                <div className="muted-text" data-testid="customer-card-checks">
                  {checksText(c.checks) || "no checks reported"}
                </div>
                {c.warning && (
                  <p className="notice notice-declined" role="note" data-testid="customer-card-warning">
                    {c.warning}
                  </p>
                )}
              </div>
              {confirming === c.paymentMethodId ? (
                <span className="action-bar">
                  <button
                    type="button"
                    className="btn btn-danger-outline active"
                    data-testid="customer-card-remove-confirm"
                    disabled={removing}
                    onClick={() => void remove(c.paymentMethodId)}
                  >
                    Remove •••• {c.last4} at Stripe
                  </button>
                  <button type="button" className="btn" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                </span>
              ) : (
                <button type="button" className="btn" data-testid="customer-card-remove" onClick={() => setConfirming(c.paymentMethodId)}>
                  Remove…
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
