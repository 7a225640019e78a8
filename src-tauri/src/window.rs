//! The cashier's window and the page it shows.
//!
//! Stripe.js refuses a live publishable key on a page that is not `https:`. Where the
//! webview's own scheme is not https, the UI is served by the core's page server over TLS on
//! 127.0.0.1 with this install's certificate, and this webview, and nothing else, trusts
//! exactly that certificate for 127.0.0.1:
//! - Linux (WebKitGTK): `webkit_web_context_allow_tls_certificate_for_host`, before the page
//!   is loaded; WebKit's policy for every other TLS error stays "fail".
//! - Windows (WebView2): the app's own scheme is made `https://tauri.localhost` by
//!   `useHttpsScheme` in tauri.conf.json, which Stripe.js accepts; no server is needed.
//! - macOS (WKWebView): `tauri://localhost` as before; trusting a certificate there needs a
//!   server-trust hook Tauri does not expose yet, so live keys show the UI's explanation
//!   instead of a card form (README, "Live mode").
//!
//! The window's commands are granted to the page server's exact origin through a runtime
//! capability carrying the same permissions as `capabilities/default.json`, and no wider.

use std::sync::Arc;

use paydesk_core::local_tls::LocalTls;
use paydesk_core::page_server::{PageAsset, PageAssets, PageServer};
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};

use crate::csp;
use crate::state::AppState;

const MAIN: &str = "main";
/// Test builds only: `tauri` shows the window's page on the app's own scheme, as before the
/// https page existed, so a test can show what Stripe.js does there.
pub const WINDOW_PAGE_ENV: &str = "PAYDESK_WINDOW_PAGE";

type SetupResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Opens the main window on the page this platform needs; the page server, if any, lives as
/// long as the app.
pub fn open(app: &tauri::App, tls: &LocalTls) -> SetupResult<()> {
    let mut config = app.config().app.windows.iter().find(|w| w.label == MAIN).cloned().ok_or("tauri.conf.json has no main window")?;
    if !serves_https_page() {
        let window = WebviewWindowBuilder::from_config(app.handle(), &config)?.build()?;
        // Demo mode's stand-in is served over https with the same certificate.
        return trust_then_load(&window, tls, None);
    }
    let server = tauri::async_runtime::block_on(PageServer::start(tls, Arc::new(UiFiles(app.handle().clone()))))?;
    grant_commands(app, server.origin())?;
    // Nothing is loaded until the certificate is trusted.
    config.url = WebviewUrl::External("about:blank".parse()?);
    let window = WebviewWindowBuilder::from_config(app.handle(), &config)?.build()?;
    trust_then_load(&window, tls, Some(format!("{}/", server.origin())))?;
    app.manage(server);
    Ok(())
}

/// Whether demo mode's simulator should also listen over https: where the webview can be
/// told to trust this install's certificate. Elsewhere the stand-in stays on
/// `http://127.0.0.1`, which Chromium (WebView2) treats as a secure origin that an https page
/// may load from.
pub fn trusts_local_certificate() -> bool {
    cfg!(target_os = "linux")
}

fn serves_https_page() -> bool {
    let app_scheme_wanted = cfg!(any(debug_assertions, feature = "test-endpoints")) && std::env::var(WINDOW_PAGE_ENV).is_ok_and(|page| page == "tauri");
    trusts_local_certificate() && !app_scheme_wanted
}

/// The permissions of `capabilities/default.json`, for the page server's origin only.
pub fn grant_commands<R: tauri::Runtime>(app: &impl Manager<R>, origin: &str) -> SetupResult<()> {
    let mut capability: serde_json::Value = serde_json::from_str(include_str!("../capabilities/default.json"))?;
    let object = capability.as_object_mut().ok_or("capabilities/default.json is not an object")?;
    object.remove("$schema");
    object.insert("identifier".into(), "main-window-https".into());
    object.insert("description".into(), "The main window's commands, for its https page on 127.0.0.1 only.".into());
    object.insert("local".into(), false.into());
    object.insert("remote".into(), serde_json::json!({ "urls": [origin] }));
    app.add_capability(capability.to_string())?;
    Ok(())
}

#[cfg(target_os = "linux")]
fn trust_then_load(window: &tauri::WebviewWindow, tls: &LocalTls, url: Option<String>) -> SetupResult<()> {
    let pem = tls.cert_pem().to_owned();
    window.with_webview(move |platform| {
        use webkit2gtk::{WebContextExt, WebViewExt};
        let webview = platform.inner();
        let Some(context) = webview.context() else {
            tracing::error!("the webview has no context; the window's certificate cannot be trusted");
            return;
        };
        lean_webview(&webview, &context);
        match webkit2gtk::gio::TlsCertificate::from_pem(&pem) {
            Ok(certificate) => {
                // WebKit's policy for any other TLS error is "fail" (its default since 2.32).
                context.allow_tls_certificate_for_host(&certificate, "127.0.0.1");
                if let Some(url) = url {
                    webview.load_uri(&url);
                }
            }
            Err(error) => tracing::error!(%error, "WebKit cannot read the window's certificate"),
        }
    })?;
    Ok(())
}

/// WebKit's caches as this window needs them (BENCHMARKS.md, "App"): one page that is never
/// navigated back to needs neither a browser's memory cache nor the back/forward page cache wry
/// turns on. (Compositing off would save more, but then the app does not exit when its window
/// closes after History has been shown: BENCHMARKS.md.)
#[cfg(target_os = "linux")]
fn lean_webview(webview: &webkit2gtk::WebView, context: &webkit2gtk::WebContext) {
    use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
    context.set_cache_model(CacheModel::DocumentViewer);
    match WebViewExt::settings(webview) {
        Some(settings) => settings.set_enable_page_cache(false),
        None => tracing::warn!("the webview has no settings; WebKit keeps its page cache"),
    }
}

#[cfg(not(target_os = "linux"))]
fn trust_then_load(_: &tauri::WebviewWindow, _: &LocalTls, url: Option<String>) -> SetupResult<()> {
    match url {
        None => Ok(()),
        Some(_) => Err("the https page server is only used where the webview can trust its certificate".into()),
    }
}

/// The UI's files as Tauri embedded them, with the policy of the current mode.
struct UiFiles(AppHandle);

impl PageAssets for UiFiles {
    fn get(&self, path: &str) -> Option<PageAsset> {
        let asset = self.0.asset_resolver().get(path.to_owned())?;
        Some(PageAsset { bytes: asset.bytes, mime_type: asset.mime_type })
    }

    fn policy(&self) -> String {
        csp::page_policy(self.0.config(), &self.0.state::<AppState>().stripe_js_url())
    }
}
