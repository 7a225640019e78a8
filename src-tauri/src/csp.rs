//! The window's Content-Security-Policy. `tauri.conf.json` allows only Paydesk itself, IPC
//! and Stripe's documented hosts (js.stripe.com for Stripe.js and its frames,
//! hooks.stripe.com for 3-D Secure, api.stripe.com). Demo mode adds exactly one origin, its
//! own simulator on a loopback port, and only in the running process's copy of the config:
//! an app with keys configured never allows it.

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
    fn origins() {
        assert_eq!(origin_of("http://127.0.0.1:4242/v3/").as_deref(), Some("http://127.0.0.1:4242"));
        assert_eq!(origin_of("https://js.stripe.com/v3/").as_deref(), Some("https://js.stripe.com"));
        assert_eq!(origin_of("nonsense"), None);
    }
}
