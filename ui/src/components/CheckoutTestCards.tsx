/**
 * Stripe's test cards, for the trainee in demo mode (only cards whose outcome the demo's simulator
 * reproduces: shared/stripe/TEST-CARDS.md). Shown at the checkout and on the Settings screen.
 */
export const TEST_CARDS: { number: string; what: string }[] = [
  { number: "4242 4242 4242 4242", what: "pays" },
  { number: "4000 0000 0000 0002", what: "declined (generic decline)" },
  { number: "4000 0000 0000 9995", what: "declined: insufficient funds" },
  { number: "4000 0025 0000 3155", what: "asks for 3-D Secure" },
  { number: "4000 0000 0000 3220", what: "asks for 3-D Secure 2" },
  { number: "5555 5555 5555 4444", what: "pays (Mastercard)" },
  { number: "4000 0000 0000 5126", what: "pays; a refund of it later fails" },
];

export function TestCards({ title = "Test cards (demo)" }: { title?: string }) {
  return (
    <div className="test-cards" data-testid="test-cards">
      <h3>{title}</h3>
      <ul>
        {TEST_CARDS.map((c) => (
          <li key={c.number}>
            <code>{c.number}</code> {c.what}
          </li>
        ))}
      </ul>
      <p className="muted-text">Any future expiry (12 / 34), any CVC, any postal code.</p>
    </div>
  );
}
