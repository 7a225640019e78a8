import { useState, type FormEvent } from "react";
import { api, ApiError, type KeyStatus } from "../api";
import { ModeBadge } from "./ModeBadge";

type Props = {
  /** `undefined` while the core is asked; `null` when no keys are configured (demo mode). */
  status: KeyStatus | null | undefined;
  /** The keys changed (set, replaced or removed): the app's mode changed with them. */
  onChanged: (status: KeyStatus | null, notice: string) => void;
  /** What the last change said, shown again after the page was reloaded for it. */
  notice?: string | null;
};

type Busy = "idle" | "saving" | "removing";

function KeyStatusView({ status }: { status: KeyStatus }) {
  return (
    <dl className="key-status" data-testid="keys-status">
      <div>
        <dt>Mode</dt>
        <dd>
          <ModeBadge mode={status.mode} testId="keys-mode" />
        </dd>
      </div>
      <div>
        <dt>Secret key</dt>
        <dd>
          <code>
            •••• <span data-testid="keys-last4">{status.secretLast4}</span>
          </code>
          {status.restricted && (
            <span className="tag" data-testid="keys-restricted" title="A restricted key (rk_…) with only the permissions it was given">
              restricted
            </span>
          )}
        </dd>
      </div>
      <div>
        <dt>Account</dt>
        <dd>
          {status.accountName ?? <span className="muted-text">no name</span>}
          {status.accountId && <code className="account-id"> {status.accountId}</code>}
        </dd>
      </div>
    </dl>
  );
}

/**
 * The Stripe keys: what is configured (mode and last four only, never a secret) and the form to
 * set, replace or remove them. The secret goes to the core once and is cleared from the page.
 */
export function SettingsKeys({ status, onChanged, notice }: Props) {
  const [secret, setSecret] = useState("");
  const [publishable, setPublishable] = useState("");
  const [busy, setBusy] = useState<Busy>("idle");
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(notice ?? null);
  const [confirmRemove, setConfirmRemove] = useState(false);

  const canSave = busy === "idle" && secret.trim() !== "" && publishable.trim() !== "";

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!canSave) return;
    setBusy("saving");
    setError(null);
    setDone(null);
    try {
      const next = await api.keysSet(secret.trim(), publishable.trim());
      // The secret must not stay in the page once the core has it.
      setSecret("");
      setPublishable("");
      const saved = `Keys saved. Paydesk now takes ${next.mode === "live" ? "real (LIVE)" : "TEST"} payments.`;
      setDone(saved);
      onChanged(next, saved);
    } catch (err) {
      setError(ApiError.from(err));
    } finally {
      setBusy("idle");
    }
  };

  const remove = async () => {
    setBusy("removing");
    setError(null);
    setDone(null);
    try {
      await api.keysRemove();
      setConfirmRemove(false);
      const removed = "Keys removed. Paydesk is back in demo mode.";
      setDone(removed);
      onChanged(null, removed);
    } catch (err) {
      setError(ApiError.from(err));
    } finally {
      setBusy("idle");
    }
  };

  return (
    <section className="card settings-card" aria-labelledby="keys-title" data-testid="settings-keys">
      <h2 id="keys-title">Stripe keys</h2>
      {status === undefined ? (
        <p className="muted-text">Reading the keys…</p>
      ) : status === null ? (
        <p className="key-none" data-testid="keys-none">
          No keys — demo mode
        </p>
      ) : (
        <KeyStatusView status={status} />
      )}
      {done && (
        <p className="notice notice-good" role="status" data-testid="keys-saved">
          {done}
        </p>
      )}

      <form className="keys-form" onSubmit={(e) => void save(e)} aria-label={status ? "Replace the keys" : "Add keys"}>
        <h3>{status ? "Replace the keys" : "Add your keys"}</h3>
        <label className="field">
          <span>Secret key (sk_… or restricted rk_…)</span>
          <input
            type="password"
            data-testid="keys-secret"
            value={secret}
            autoComplete="off"
            spellCheck={false}
            disabled={busy !== "idle"}
            onChange={(e) => setSecret(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Publishable key (pk_…)</span>
          <input
            data-testid="keys-publishable"
            value={publishable}
            autoComplete="off"
            spellCheck={false}
            disabled={busy !== "idle"}
            onChange={(e) => setPublishable(e.target.value)}
          />
        </label>
        <p className="muted-text small">
          The secret key is checked with Stripe and kept in this computer's keyring; Paydesk only shows its last four
          characters.
        </p>
        {error && (
          <p className="inline-error" role="alert" data-testid="keys-error" data-code={error.code}>
            {error.message}
          </p>
        )}
        <div className="settings-actions">
          <button type="submit" className="btn btn-primary" data-testid="keys-save" disabled={!canSave}>
            Save keys
          </button>
          {busy === "saving" && (
            <span className="muted-text" role="status" data-testid="keys-pending">
              Checking with Stripe…
            </span>
          )}
        </div>
      </form>

      {status && (
        <div className="keys-remove">
          {confirmRemove ? (
            <div className="void-confirm" role="group" aria-label="Remove the keys?">
              <span>Are you sure? Paydesk goes back to demo mode; saved orders stay.</span>
              <button
                type="button"
                className="btn btn-danger"
                data-testid="keys-remove-confirm"
                autoFocus
                disabled={busy !== "idle"}
                onClick={() => void remove()}
              >
                {busy === "removing" ? "Removing…" : "Yes, remove"}
              </button>
              <button type="button" className="btn" data-testid="keys-remove-cancel" onClick={() => setConfirmRemove(false)}>
                Keep them
              </button>
            </div>
          ) : (
            <button
              type="button"
              className="btn"
              data-testid="keys-remove"
              disabled={busy !== "idle"}
              onClick={() => setConfirmRemove(true)}
            >
              Remove keys
            </button>
          )}
        </div>
      )}
    </section>
  );
}
