fn main() {
    // tauri.conf.json lives at the repository root (the product's layout), not in src-tauri.
    // Every app command is listed so that it gets an `allow-<command>` permission; the
    // window's capability (capabilities/default.json) then grants exactly those it uses.
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(manifest),
    )
    .expect("tauri-build failed");
}

const COMMANDS: &[&str] = &[
    "app_info",
    "app_log_problem",
    "customer_list",
    "customer_create",
    "customer_get",
    "customer_edit",
    "customer_remove",
    "customer_cards",
    "customer_remove_card",
    "order_quote",
    "order_create",
    "order_list",
    "order_get",
    "order_edit",
    "payment_start",
    "payment_settle",
    "payment_finalize",
    "payment_charge_saved",
    "payment_capture",
    "payment_refund",
    "payment_void",
    "keys_status",
    "keys_storage",
    "keys_set",
    "keys_remove",
    "settings_get",
    "settings_save",
    "report_daily",
    "report_export_csv",
];
