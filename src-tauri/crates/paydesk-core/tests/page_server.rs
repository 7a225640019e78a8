//! The window's https page server, over real TLS on 127.0.0.1: it serves the UI's files with
//! the current policy, only to a client that trusts this install's certificate, only for its
//! own Host, and nothing but GET and HEAD.

use std::sync::{Arc, Mutex};

use paydesk_core::local_tls::LocalTls;
use paydesk_core::page_server::{PageAsset, PageAssets, PageServer};

struct Files {
    policy: Mutex<String>,
}

impl PageAssets for Files {
    fn get(&self, path: &str) -> Option<PageAsset> {
        let (bytes, mime) = match path {
            "index.html" => ("<!doctype html><title>Paydesk</title>", "text/html"),
            "assets/app.js" => ("console.log('ui')", "text/javascript"),
            _ => return None,
        };
        Some(PageAsset { bytes: bytes.as_bytes().to_vec(), mime_type: mime.to_owned() })
    }

    fn policy(&self) -> String {
        self.policy.lock().unwrap().clone()
    }
}

fn trusting(tls: &LocalTls) -> reqwest::Client {
    let certificate = reqwest::Certificate::from_pem(tls.cert_pem().as_bytes()).unwrap();
    reqwest::Client::builder().tls_built_in_root_certs(false).add_root_certificate(certificate).build().unwrap()
}

async fn started() -> (tempfile::TempDir, LocalTls, Arc<Files>, PageServer) {
    let dir = tempfile::tempdir().unwrap();
    let tls = LocalTls::load_or_create(dir.path()).unwrap();
    let files = Arc::new(Files { policy: Mutex::new("default-src 'self'; script-src 'self' https://js.stripe.com".into()) });
    let server = PageServer::start(&tls, files.clone()).await.unwrap();
    (dir, tls, files, server)
}

#[tokio::test]
async fn serves_the_ui_with_the_policy_of_the_moment() {
    let (_dir, tls, files, server) = started().await;
    assert!(server.origin().starts_with("https://127.0.0.1:"), "{}", server.origin());
    let client = trusting(&tls);
    let page = client.get(format!("{}/", server.origin())).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-security-policy"], "default-src 'self'; script-src 'self' https://js.stripe.com");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(page.headers().get("cross-origin-opener-policy").is_none() && page.headers().get("cross-origin-embedder-policy").is_none());
    assert_eq!(page.text().await.unwrap(), "<!doctype html><title>Paydesk</title>");

    // Keys changed: the next load carries the new policy.
    *files.policy.lock().unwrap() = "default-src 'self'; script-src 'self' https://127.0.0.1:4000".into();
    let script = client.get(format!("{}/assets/app.js", server.origin())).send().await.unwrap();
    assert_eq!(script.headers()["content-type"], "text/javascript");
    assert_eq!(script.headers()["content-security-policy"], "default-src 'self'; script-src 'self' https://127.0.0.1:4000");

    assert_eq!(client.get(format!("{}/assets/missing.js", server.origin())).send().await.unwrap().status(), 404);
    assert_eq!(client.get(format!("{}/assets/../../etc/passwd", server.origin())).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn nothing_but_paydesk_trusts_it() {
    let (_dir, _tls, _files, server) = started().await;
    let stock = reqwest::Client::new();
    let refused = stock.get(format!("{}/", server.origin())).send().await.expect_err("an ordinary client must not trust the certificate");
    assert!(format!("{refused:?}").to_lowercase().contains("certificate"), "{refused:?}");
    // Another install's certificate is no better.
    let other = tempfile::tempdir().unwrap();
    let stranger = trusting(&LocalTls::load_or_create(other.path()).unwrap());
    assert!(stranger.get(format!("{}/", server.origin())).send().await.is_err());
}

#[tokio::test]
async fn only_get_and_head_for_its_own_host() {
    let (_dir, tls, _files, server) = started().await;
    let client = trusting(&tls);
    let posted = client.post(format!("{}/", server.origin())).body("x").send().await.unwrap();
    assert_eq!(posted.status(), 405);
    assert_eq!(posted.headers()["allow"], "GET, HEAD");
    let head = client.head(format!("{}/", server.origin())).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.text().await.unwrap(), "");
    // A page of another site made to resolve to 127.0.0.1 sends its own Host.
    let rebound = client.get(format!("{}/", server.origin())).header("host", "evil.example").send().await.unwrap();
    assert_eq!(rebound.status(), 421);
}
