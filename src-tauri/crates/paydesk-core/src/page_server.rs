//! The window's page over https on 127.0.0.1, with this install's certificate
//! ([`crate::local_tls`]). Stripe.js refuses live keys on any other kind of page.
//!
//! It serves the UI's files (handed in by the shell, which has them embedded) and nothing
//! else: GET and HEAD only, the exact Host it listens on (so a page of some other site,
//! made to resolve to 127.0.0.1, is refused), and the window's Content-Security-Policy on
//! every answer, read fresh for each request because demo mode adds its simulator's origin
//! and keys can change while the app runs. No COOP/COEP: Stripe.js does not support
//! cross-origin isolation.

use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, X_CONTENT_TYPE_OPTIONS};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::local_tls::LocalTls;

/// One file of the UI.
pub struct PageAsset {
    pub bytes: Vec<u8>,
    pub mime_type: String,
}

/// Where the UI's files come from (in the app: the files Tauri embedded from `ui/dist`).
pub trait PageAssets: Send + Sync + 'static {
    /// `path` has no leading slash: `index.html`, `assets/index-abc.js`.
    fn get(&self, path: &str) -> Option<PageAsset>;
    /// The Content-Security-Policy to send now.
    fn policy(&self) -> String;
}

/// A running page server. Dropping it stops it.
pub struct PageServer {
    origin: String,
    stop: watch::Sender<bool>,
}

impl PageServer {
    /// Listens on a free port of 127.0.0.1 and serves on the current Tokio runtime.
    pub async fn start(tls: &LocalTls, assets: Arc<dyn PageAssets>) -> io::Result<PageServer> {
        let acceptor = stripe_sim::tls_acceptor(tls.identity())?;
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let address = listener.local_addr()?;
        let origin = format!("https://{address}");
        let host: Arc<str> = address.to_string().into();
        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    _ = stopped.wait_for(|stop| *stop) => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let (acceptor, assets, host) = (acceptor.clone(), assets.clone(), host.clone());
                        connections.spawn(async move {
                            // A client that does not trust the certificate hangs up here.
                            let Ok(stream) = acceptor.accept(stream).await else { return };
                            let service = service_fn(move |request| {
                                let answer = answer(&*assets, &host, &request);
                                async move { Ok::<_, Infallible>(answer) }
                            });
                            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                        });
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
            connections.abort_all();
        });
        tracing::info!(%origin, sha256 = %tls.sha256_fingerprint(), "serving the window's page over https");
        Ok(PageServer { origin, stop })
    }

    /// `https://127.0.0.1:PORT`: the window's origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn answer(assets: &dyn PageAssets, host: &str, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let policy = assets.policy();
    let mut response = respond(assets, host, request);
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The files change with the binary, and the page must be fetched again after a reload
    // (keys changed: a new policy).
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn respond(assets: &dyn PageAssets, host: &str, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let requested_host = request.headers().get(HOST).and_then(|h| h.to_str().ok()).or_else(|| request.uri().authority().map(|a| a.as_str()));
    if requested_host != Some(host) {
        return plain(StatusCode::MISDIRECTED_REQUEST, "this server answers only for the Paydesk window");
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut refused = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        refused.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return refused;
    }
    let Some(path) = asset_path(request.uri().path()) else {
        return plain(StatusCode::BAD_REQUEST, "bad path");
    };
    let Some(asset) = assets.get(&path) else {
        return plain(StatusCode::NOT_FOUND, "no such file");
    };
    let body = if request.method() == Method::HEAD { Bytes::new() } else { Bytes::from(asset.bytes) };
    let mut response = Response::new(Full::new(body));
    if let Ok(mime) = HeaderValue::from_str(&asset.mime_type) {
        response.headers_mut().insert(CONTENT_TYPE, mime);
    }
    response
}

/// `index.html` for `/`, else the path without its leading slash; `None` for anything that
/// could climb out of the UI's files.
fn asset_path(path: &str) -> Option<String> {
    let path = path.strip_prefix('/')?;
    if path.is_empty() {
        return Some("index.html".to_owned());
    }
    let bad = path.split('/').any(|part| part.is_empty() || part == "." || part == "..") || path.contains(['\\', '\0', '%']);
    (!bad).then(|| path.to_owned())
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

#[cfg(test)]
mod tests {
    use super::asset_path;

    #[test]
    fn paths_stay_inside_the_ui() {
        assert_eq!(asset_path("/").as_deref(), Some("index.html"));
        assert_eq!(asset_path("/assets/index-1.js").as_deref(), Some("assets/index-1.js"));
        for bad in ["/../etc/passwd", "/assets/../../x", "/a//b", "/%2e%2e/x", "/a\\b", "relative", "/./x"] {
            assert_eq!(asset_path(bad), None, "{bad}");
        }
    }
}
