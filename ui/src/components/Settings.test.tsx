import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import type { AppInfo, KeyStatus, Settings as ShopSettings } from "../api";
import { keyStatus, settingsFixture } from "../test/fixtures";
import { Settings } from "./Settings";

const invokeMock = vi.mocked(invoke);

const demoInfo: AppInfo = { version: "0.1.0", mode: "demo", dataDir: "/tmp/paydesk", stripeJsUrl: "http://127.0.0.1:1/v3/" };
const testInfo: AppInfo = { ...demoInfo, mode: "test" };

const stored: ShopSettings = {
  ...settingsFixture,
  businessName: "Corner Coffee",
  businessAddress: "1 Main St",
  taxes: [{ name: "Sales tax", rate: "8.875", inclusive: false }],
  quickItems: [{ description: "Espresso", unitPrice: "2.20" }],
};

let keys: KeyStatus | null;
let storage: { available: boolean; problem: string | null };
let saveReply: (s: ShopSettings) => Promise<ShopSettings>;
let keysSetReply: () => Promise<KeyStatus>;

beforeEach(() => {
  keys = null;
  storage = { available: true, problem: null };
  saveReply = async (s) => s;
  keysSetReply = async () => keyStatus();
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    if (cmd === "settings_get") return stored;
    if (cmd === "keys_status") return keys;
    if (cmd === "keys_storage") return storage;
    if (cmd === "settings_save") return saveReply((args as { settings: ShopSettings }).settings);
    if (cmd === "keys_set") return keysSetReply();
    if (cmd === "keys_remove") return null;
    throw new Error(`unexpected command ${cmd}`);
  });
});

const calls = (cmd: string) => invokeMock.mock.calls.filter((c) => c[0] === cmd);

function renderSettings(info: AppInfo = demoInfo) {
  const onSettingsSaved = vi.fn();
  const onKeysChanged = vi.fn();
  render(<Settings info={info} onSettingsSaved={onSettingsSaved} onKeysChanged={onKeysChanged} />);
  return { onSettingsSaved, onKeysChanged };
}

describe("Settings: shop", () => {
  it("loads the saved settings into the form", async () => {
    renderSettings();
    expect(await screen.findByTestId("settings-business-name")).toHaveProperty("value", "Corner Coffee");
    expect(screen.getByTestId("settings-business-address")).toHaveProperty("value", "1 Main St");
    expect(screen.getByTestId("settings-currency")).toHaveProperty("value", "USD");
    expect(screen.getByTestId("settings-tax-rate")).toHaveProperty("value", "8.875");
    expect(screen.getByTestId("settings-quick-description")).toHaveProperty("value", "Espresso");
    expect(screen.getByTestId("capture-automatic")).toHaveProperty("checked", true);
    expect(screen.getByTestId("confirmation-window")).toHaveProperty("checked", true);
  });

  it("saves the whole form as typed, upper-cases the currency and says Saved", async () => {
    const { onSettingsSaved } = renderSettings();
    const user = userEvent.setup();
    const name = await screen.findByTestId("settings-business-name");
    await user.clear(name);
    await user.type(name, "Corner Café");
    const currency = screen.getByTestId("settings-currency");
    await user.clear(currency);
    await user.type(currency, "eur");
    expect(currency).toHaveProperty("value", "EUR");
    await user.click(screen.getByTestId("settings-tax-add"));
    // The new row has the cursor: type its name, then its rate.
    await user.keyboard("City levy");
    await user.type(screen.getAllByTestId("settings-tax-rate")[1]!, "1.5");
    await user.click(screen.getByTestId("settings-quick-add"));
    await user.keyboard("Croissant");
    await user.type(screen.getAllByTestId("settings-quick-price")[1]!, "1.80");
    await user.click(screen.getByTestId("capture-manual"));
    await user.click(screen.getByTestId("confirmation-server"));
    await user.type(screen.getByTestId("settings-suffix"), "CORNER");
    await user.click(screen.getByTestId("settings-save"));

    expect(await screen.findByTestId("settings-saved")).toBeTruthy();
    expect(calls("settings_save")[0]?.[1]).toEqual({
      settings: {
        businessName: "Corner Café",
        businessAddress: "1 Main St",
        defaultCurrency: "EUR",
        taxes: [
          { name: "Sales tax", rate: "8.875", inclusive: false },
          { name: "City levy", rate: "1.5", inclusive: false },
        ],
        quickItems: [
          { description: "Espresso", unitPrice: "2.20" },
          { description: "Croissant", unitPrice: "1.80" },
        ],
        capture: "manual",
        paymentMethods: "card",
        statementDescriptorSuffix: "CORNER",
        confirmation: "server",
      },
    });
    expect(onSettingsSaved).toHaveBeenCalledWith(expect.objectContaining({ businessName: "Corner Café", confirmation: "server" }));
  });

  it("removes a rate and a quick item; an empty suffix is sent as null", async () => {
    renderSettings();
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("settings-tax-remove"));
    await user.click(screen.getByTestId("settings-quick-remove"));
    // Focus stays in the form (on the list's Add button), so Ctrl+Enter saves from the keyboard.
    expect(document.activeElement).toBe(screen.getByTestId("settings-quick-add"));
    await user.keyboard("{Control>}{Enter}{/Control}");
    await screen.findByTestId("settings-saved");
    expect(calls("settings_save")[0]?.[1]).toMatchObject({ settings: { taxes: [], quickItems: [], statementDescriptorSuffix: null } });
  });

  it("shows the core's validation error, marks the field and keeps the form as typed", async () => {
    saveReply = async () => {
      throw { code: "invalid_settings", message: "taxes[0].rate: “8,875” is not a rate" };
    };
    const { onSettingsSaved } = renderSettings();
    const user = userEvent.setup();
    const rate = await screen.findByTestId("settings-tax-rate");
    await user.clear(rate);
    await user.type(rate, "8,875");
    await user.click(screen.getByTestId("settings-save"));
    const err = await screen.findByTestId("settings-error");
    expect(err.textContent).toBe("Tax rates, row 1 rate: “8,875” is not a rate");
    expect(err.getAttribute("data-code")).toBe("invalid_settings");
    expect(screen.getByTestId("settings-tax-rate")).toHaveProperty("value", "8,875");
    expect(screen.getByTestId("settings-tax-rate").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("settings-business-name")).toHaveProperty("value", "Corner Coffee");
    expect(screen.queryByTestId("settings-saved")).toBeNull();
    expect(onSettingsSaved).not.toHaveBeenCalled();
  });
});

describe("Settings: Stripe keys", () => {
  it("without keys in demo mode: the first-run intro, No keys, and the test cards", async () => {
    renderSettings(demoInfo);
    expect((await screen.findByTestId("keys-none")).textContent).toBe("No keys — demo mode");
    expect(screen.getByTestId("first-run").textContent).toMatch(/Paste your Stripe keys to take real payments, or keep practising in demo mode/);
    expect(screen.getByTestId("test-cards").textContent).toContain("4000 0000 0000 5126");
    expect(screen.queryByTestId("keys-remove")).toBeNull();
  });

  it("with keys: mode, last four, account, restricted; no intro and no test cards", async () => {
    keys = keyStatus({ restricted: true, secretLast4: "Ab12" });
    renderSettings(testInfo);
    const status = await screen.findByTestId("keys-status");
    expect(within(status).getByTestId("keys-mode").textContent).toBe("TEST");
    expect(within(status).getByTestId("keys-last4").textContent).toBe("Ab12");
    expect(status.textContent).toMatch(/Corner Coffee LLC/);
    expect(status.textContent).toMatch(/acct_1Made/);
    expect(within(status).getByTestId("keys-restricted")).toBeTruthy();
    expect(screen.queryByTestId("first-run")).toBeNull();
    expect(screen.queryByTestId("test-cards")).toBeNull();
  });

  it("saves keys: Checking with Stripe…, then the last four, the inputs cleared and the app told", async () => {
    let answer!: (k: KeyStatus) => void;
    keysSetReply = () => new Promise((r) => (answer = r));
    const { onKeysChanged } = renderSettings();
    const user = userEvent.setup();
    await screen.findByTestId("keys-none");
    const secret = screen.getByTestId("keys-secret");
    expect(secret.getAttribute("type")).toBe("password");
    await user.type(secret, "sk_test_made_up_secret_9xQz");
    await user.type(screen.getByTestId("keys-publishable"), "pk_test_made_up");
    await user.click(screen.getByTestId("keys-save"));
    expect(screen.getByTestId("keys-pending").textContent).toBe("Checking with Stripe…");
    expect(calls("keys_set")[0]?.[1]).toEqual({ secretKey: "sk_test_made_up_secret_9xQz", publishableKey: "pk_test_made_up" });
    await act(async () => answer(keyStatus({ secretLast4: "9xQz" })));

    expect(within(await screen.findByTestId("keys-status")).getByTestId("keys-last4").textContent).toBe("9xQz");
    expect(screen.getByTestId("keys-secret")).toHaveProperty("value", "");
    expect(screen.getByTestId("keys-publishable")).toHaveProperty("value", "");
    expect(document.body.innerHTML).not.toContain("sk_test_made_up_secret");
    expect(screen.queryByTestId("keys-pending")).toBeNull();
    expect(screen.getByTestId("keys-saved").textContent).toMatch(/TEST/);
    expect(onKeysChanged).toHaveBeenCalledTimes(1);
  });

  it("shows the core's error and keeps what was typed", async () => {
    keysSetReply = async () => {
      throw { code: "key_mode_mismatch", message: "The secret key is a test key but the publishable key is live." };
    };
    const { onKeysChanged } = renderSettings();
    const user = userEvent.setup();
    await screen.findByTestId("keys-none");
    await user.type(screen.getByTestId("keys-secret"), "sk_test_x");
    await user.type(screen.getByTestId("keys-publishable"), "pk_live_y");
    await user.click(screen.getByTestId("keys-save"));
    const err = await screen.findByTestId("keys-error");
    expect(err.textContent).toBe("The secret key is a test key but the publishable key is live.");
    expect(err.getAttribute("data-code")).toBe("key_mode_mismatch");
    expect(screen.getByTestId("keys-publishable")).toHaveProperty("value", "pk_live_y");
    expect(screen.getByTestId("keys-none")).toBeTruthy();
    expect(onKeysChanged).not.toHaveBeenCalled();
  });

  it("removes the keys only after Are you sure", async () => {
    keys = keyStatus();
    const { onKeysChanged } = renderSettings(testInfo);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId("keys-remove"));
    expect(calls("keys_remove")).toHaveLength(0);
    await user.click(screen.getByTestId("keys-remove-cancel"));
    expect(calls("keys_remove")).toHaveLength(0);
    await user.click(screen.getByTestId("keys-remove"));
    expect(screen.getByRole("group", { name: "Remove the keys?" }).textContent).toMatch(/Are you sure/);
    await user.click(screen.getByTestId("keys-remove-confirm"));
    expect((await screen.findByTestId("keys-none")).textContent).toBe("No keys — demo mode");
    expect(calls("keys_remove")).toHaveLength(1);
    expect(onKeysChanged).toHaveBeenCalledTimes(1);
  });

  it("the Save keys button needs both keys", async () => {
    renderSettings();
    const user = userEvent.setup();
    await screen.findByTestId("keys-none");
    expect(screen.getByTestId("keys-save")).toHaveProperty("disabled", true);
    await user.type(screen.getByTestId("keys-secret"), "sk_test_x");
    expect(screen.getByTestId("keys-save")).toHaveProperty("disabled", true);
    await user.type(screen.getByTestId("keys-publishable"), "pk_test_y{Enter}");
    await waitFor(() => expect(calls("keys_set")).toHaveLength(1));
  });
});

describe("Settings: no keyring", () => {
  it("says up front that keys cannot be saved here, and the till stays in demo mode", async () => {
    storage = { available: false, problem: "no OS keyring is available (no credential store on this system or session)" };
    renderSettings();
    const notice = await screen.findByTestId("keyring-unavailable");
    expect(notice.textContent).toContain("cannot be saved");
    expect(notice.textContent).toContain("demo mode");
    expect(notice.textContent).toContain("no credential store");
  });

  it("says nothing when the keyring answers", async () => {
    renderSettings();
    await screen.findByTestId("settings-business-name");
    await waitFor(() => expect(calls("keys_storage")).toHaveLength(1));
    expect(screen.queryByTestId("keyring-unavailable")).toBeNull();
  });
});
