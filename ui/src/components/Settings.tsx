import { useCallback, useEffect, useState } from "react";
import { api, ApiError, type AppInfo, type KeyStatus, type KeyStorage, type Settings as ShopSettings } from "../api";
import "../settings.css";
import { TestCards } from "./CheckoutTestCards";
import { SettingsKeys } from "./SettingsKeys";
import { SettingsShop } from "./SettingsShop";

type Props = {
  info: AppInfo | null;
  /** Saved: the new sale starts with the new currency, rates and quick items. */
  onSettingsSaved: (settings: ShopSettings) => void;
  /** Keys set or removed: the app's mode changed (App reloads the page), with what to say. */
  onKeysChanged: (notice: string) => void;
  /** The message of a key change, shown again after the reload it caused. */
  keysNotice?: string | null;
};

/**
 * The Settings screen: Stripe keys on the left (with the first-run intro and the demo's test
 * cards), the shop on the right. It reads both fresh from the core each time it opens.
 */
export function Settings({ info, onSettingsSaved, onKeysChanged, keysNotice }: Props) {
  const [keys, setKeys] = useState<KeyStatus | null | undefined>(undefined);
  const [keysError, setKeysError] = useState<ApiError | null>(null);
  const [settings, setSettings] = useState<ShopSettings | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [loads, reload] = useState(0);
  const [storage, setStorage] = useState<KeyStorage | null>(null);

  useEffect(() => {
    let cancelled = false;
    setLoadError(null);
    api.settingsGet().then(
      (s) => !cancelled && setSettings(s),
      (e: unknown) => !cancelled && setLoadError(ApiError.from(e)),
    );
    api.keysStatus().then(
      (k) => !cancelled && setKeys(k),
      (e: unknown) => !cancelled && setKeysError(ApiError.from(e)),
    );
    // Only a notice: if the check itself fails, setting the keys says what is wrong.
    api.keysStorage().then(
      (s) => !cancelled && setStorage(s),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [loads]);

  const keysChanged = useCallback(
    (status: KeyStatus | null, notice: string) => {
      setKeys(status);
      onKeysChanged(notice);
    },
    [onKeysChanged],
  );

  const demo = info?.mode === "demo";
  return (
    <div className="settings" data-testid="settings">
      <div className="settings-side">
        {keys === null && demo && (
          <section className="card first-run" data-testid="first-run" aria-label="Getting started">
            <h2>Welcome to Paydesk</h2>
            <p>Paste your Stripe keys to take real payments, or keep practising in demo mode.</p>
            <p className="muted-text small">
              Test keys (sk_test_…) take no real money; live keys (sk_live_…) charge real cards.
            </p>
          </section>
        )}
        {storage && !storage.available && (
          <section className="card" role="status" data-testid="keyring-unavailable" aria-label="Keys cannot be saved">
            <h2>Stripe keys cannot be saved on this computer</h2>
            <p>
              Paydesk keeps the secret key only in the system keyring, and none is available here, so the keys
              cannot be saved. Paydesk keeps working in demo mode.
            </p>
            {storage.problem && <p className="muted-text small">{storage.problem}</p>}
          </section>
        )}
        {keysError ? (
          <p className="inline-error card" role="alert" data-testid="keys-load-error">
            The keys could not be read: {keysError.message}
          </p>
        ) : (
          <SettingsKeys status={keys} onChanged={keysChanged} notice={keysNotice} />
        )}
        {demo && (
          <section className="card" aria-label="Test cards">
            <TestCards title="Test cards for demo mode" />
          </section>
        )}
      </div>
      <div className="settings-main">
        {loadError ? (
          <div className="card" role="alert" data-testid="settings-load-error">
            <p className="inline-error">The settings could not be read: {loadError.message}</p>
            <button type="button" className="btn" onClick={() => reload((n) => n + 1)}>
              Try again
            </button>
          </div>
        ) : settings ? (
          <SettingsShop initial={settings} onSaved={onSettingsSaved} />
        ) : (
          <p className="muted-text">Reading the settings…</p>
        )}
      </div>
    </div>
  );
}
