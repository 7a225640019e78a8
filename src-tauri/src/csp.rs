//! The window's Content-Security-Policy. `tauri.conf.json` allows only Paydesk itself, IPC
//! and Stripe's documented hosts (js.stripe.com for Stripe.js and its frames,
//! hooks.stripe.com for 3-D Secure, api.stripe.com). Demo mode adds exactly one origin, its
//! own simulator on a loopback port, and only in the running process's copy of the policy:
//! an app with keys configured never allows it. The https page server sends this same
//! policy, computed again for every page load, since keys can change while the app runs.

use tauri::utils::config::{Csp, CspDirectiveSources};

const DIRECTIVES: [&str; 3] = ["script-src", "frame-src", "connect-src"];

/// Adds `origin` (scheme://host:port) to the directives Stripe.js needs.
pub fn allow_simulator(config: &mut tauri::Config, origin: &str) {
    let Some(Csp::DirectiveMap(directives)) = config.app.security.csp.as_mut() else {
        // A policy given as one string is not ours to edit; demo checkout will be blocked,
        // which fails safe.
        tracing::warn!("the CSP is not a directive map; the demo simulator is not allowed");
        return;
    };
    for name in DIRECTIVES {
        let sources = directives.entry(name.to_owned()).or_insert_with(CspDirectiveSources::default);
        if !sources.contains(origin) {
            sources.push(origin);
        }
    }
}

/// The policy for a page whose Stripe.js comes from `stripe_js_url`: the shipped one, plus
/// that URL's origin when it is not Stripe's own (demo mode's simulator).
pub fn page_policy(config: &tauri::Config, stripe_js_url: &str) -> String {
    let mut config = config.clone();
    if let Some(origin) = stand_in_origin(stripe_js_url) {
        allow_simulator(&mut config, &origin);
    }
    config.app.security.csp.map(|csp| csp.to_string()).unwrap_or_default()
}

/// The origin to allow for Stripe.js from `stripe_js_url`; `None` for js.stripe.com, which
/// the shipped policy already names.
pub fn stand_in_origin(stripe_js_url: &str) -> Option<String> {
    origin_of(stripe_js_url).filter(|origin| Some(origin.as_str()) != origin_of(paydesk_core::connection::STRIPE_JS_URL).as_deref())
}

/// `http://127.0.0.1:4242` from `http://127.0.0.1:4242/v3/`.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next().filter(|host| !host.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> tauri::Config {
        serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap()
    }

    fn directive(config: &tauri::Config, name: &str) -> String {
        match config.app.security.csp.as_ref().unwrap() {
            Csp::DirectiveMap(map) => Vec::<String>::from(map[name].clone()).join(" "),
            Csp::Policy(_) => panic!("expected a directive map"),
        }
    }

    #[test]
    fn the_shipped_policy_allows_stripe_and_nothing_local() {
        let shipped = config();
        assert!(directive(&shipped, "script-src").contains("https://js.stripe.com"));
        assert!(directive(&shipped, "frame-src").contains("https://hooks.stripe.com"));
        assert!(directive(&shipped, "connect-src").contains("https://api.stripe.com"));
        for name in DIRECTIVES {
            for source in directive(&shipped, name).split_whitespace() {
                let allowed = matches!(source, "'self'" | "ipc:" | "http://ipc.localhost") || source.starts_with("https://") && source.ends_with("stripe.com");
                assert!(allowed, "{name} allows {source}");
            }
        }
    }

    #[test]
    fn demo_mode_adds_exactly_its_simulator() {
        let mut demo = config();
        allow_simulator(&mut demo, "http://127.0.0.1:43117");
        allow_simulator(&mut demo, "http://127.0.0.1:43117");
        for name in DIRECTIVES {
            let sources = directive(&demo, name);
            assert_eq!(sources.matches("http://127.0.0.1:43117").count(), 1, "{name}: {sources}");
        }
        assert!(!directive(&demo, "default-src").contains("127.0.0.1"));
    }

    #[test]
    fn the_page_policy_names_the_stand_in_only_when_it_is_used() {
        let shipped = config();
        let demo = page_policy(&shipped, "https://127.0.0.1:43117/v3/");
        assert!(demo.contains("script-src 'self' https://js.stripe.com https://*.js.stripe.com https://127.0.0.1:43117"), "{demo}");
        let live = page_policy(&shipped, paydesk_core::connection::STRIPE_JS_URL);
        assert!(!live.contains("127.0.0.1"), "{live}");
        assert!(live.contains("connect-src ipc: http://ipc.localhost https://api.stripe.com"), "{live}");
        assert!(live.contains("object-src 'none'"), "{live}");
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("http://127.0.0.1:4242/v3/").as_deref(), Some("http://127.0.0.1:4242"));
        assert_eq!(origin_of("https://js.stripe.com/v3/").as_deref(), Some("https://js.stripe.com"));
        assert_eq!(origin_of("nonsense"), None);
    }
}
