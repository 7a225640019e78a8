//! HTTP plumbing: the accept loop, the per-request pipeline (request id, CORS, faults,
//! authentication, idempotency) and the stand-in's static files.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::task::Poll;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, ORIGIN};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::api::{self, ApiRequest, Key};
use crate::errors::ApiError;
use crate::faults::{Failure, Faults, Stage};
use crate::form::Params;
use crate::idempotency::{Begin, Idempotency, Saved};
use crate::state::{push_random_chars, Ctx, Store};
use crate::SimConfig;

const MAX_BODY: usize = 1 << 20;
const STRIPE_VERSION: HeaderName = HeaderName::from_static("stripe-version");
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

pub(crate) struct Shared {
    pub store: Mutex<Store>,
    pub faults: Faults,
    pub idempotency: Idempotency,
    pub config: SimConfig,
    pub base_url: String,
    pub tls_base_url: Option<String>,
}

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
pub(crate) struct LostResponse;

impl std::fmt::Display for LostResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("response deliberately lost by fault injection")
    }
}

impl std::error::Error for LostResponse {}

type Resp = Response<Full<Bytes>>;

pub(crate) async fn run(listener: TcpListener, tls: Option<TlsAcceptor>, shared: Arc<Shared>, shutdown: impl Future<Output = ()>) {
    let mut conns = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                let tls = tls.clone();
                conns.spawn(async move {
                    let svc = service_fn(move |req| handle(shared.clone(), req));
                    let served = match tls {
                        None => http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await,
                        Some(acceptor) => match acceptor.accept(stream).await {
                            Ok(stream) => http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await,
                            Err(e) => {
                                tracing::debug!("TLS handshake failed: {e}");
                                return;
                            }
                        },
                    };
                    if let Err(e) = served {
                        tracing::debug!("connection closed: {e}");
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Resp, LostResponse> {
    let mut request_id = String::with_capacity(18);
    request_id.push_str("req_");
    push_random_chars(&mut request_id, 14);
    // The request head is taken apart rather than copied: nothing below needs the Request.
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            let e = ApiError::invalid_request("The request body could not be read or is too large.", None);
            let origin = header(&parts.headers, ORIGIN);
            return Ok(finish(error_response(&e, &request_id), &shared, origin, &request_id));
        }
    };
    // Stripe carries out a request it has received even if the caller hangs up (a crashed
    // till, a dropped connection); so does the simulator: the work runs in its own task,
    // which outlives this connection's future. Most requests never wait (only a paused or
    // delayed one does), so the work is first polled here, once: if that finishes it there
    // was nothing the caller could interrupt and no task is needed; otherwise it moves to
    // its own task. A panic loses the response either way, as in a task of its own.
    let mut work = Box::pin(respond(shared, parts, body, request_id));
    let first = std::future::poll_fn(|cx| {
        let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work.as_mut().poll(cx)));
        Poll::Ready(polled)
    })
    .await;
    match first {
        Ok(Poll::Ready(answer)) => answer,
        Ok(Poll::Pending) => tokio::spawn(work).await.unwrap_or(Err(LostResponse)),
        Err(_) => Err(LostResponse),
    }
}

async fn respond(shared: Arc<Shared>, parts: hyper::http::request::Parts, body: Bytes, request_id: String) -> Result<Resp, LostResponse> {
    let method = parts.method.as_str();
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or("");
    let headers = &parts.headers;
    let origin = header(headers, ORIGIN);
    let resp = match (method, path) {
        ("OPTIONS", _) => Response::builder().status(204).body(Full::new(Bytes::new())).expect("static response"),
        ("GET", "/v3" | "/v3/") => asset("application/javascript; charset=utf-8", crate::js::STRIPE_JS),
        ("GET", "/v3/elements-inner-payment.html") => frame_asset(crate::js::PAYMENT_FRAME),
        ("GET", "/v3/3ds-challenge.html") => frame_asset(crate::js::CHALLENGE_PAGE),
        ("POST", "/_sim/3ds/authenticate") => authenticate(&shared, &body, &request_id),
        (_, p) if p.starts_with("/_sim/") && shared.config.test_control => test_control(&shared, method, p, &body, &request_id),
        (_, p) if p.starts_with("/v1/") => api(&shared, method, path, query, headers, &body, &request_id).await?,
        _ => error_response(&ApiError::unrecognized_url(method, path), &request_id),
    };
    Ok(finish(resp, &shared, origin, &request_id))
}

/// Callers pass `HeaderName` constants rather than strings, which would be parsed into a
/// name on every lookup.
fn header(headers: &HeaderMap, name: HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn origin_allowed(shared: &Shared, origin: &str) -> bool {
    origin == "tauri://localhost"
        || origin == "http://tauri.localhost"
        || origin == "https://tauri.localhost"
        || origin == shared.base_url
        || ["http://127.0.0.1", "http://localhost", "https://127.0.0.1", "https://localhost"].iter().any(|h| {
            origin == *h || origin.strip_prefix(h).and_then(|r| r.strip_prefix(':')).is_some_and(|port| port.parse::<u16>().is_ok())
        })
        || shared.config.allowed_origins.iter().any(|o| o == origin)
}

fn finish(mut resp: Resp, shared: &Shared, origin: Option<&str>, request_id: &str) -> Resp {
    let h = resp.headers_mut();
    h.insert(REQUEST_ID, HeaderValue::from_str(request_id).expect("ascii id"));
    if let Some(origin) = origin.filter(|o| origin_allowed(shared, o)) {
        if let Ok(v) = HeaderValue::from_str(origin) {
            h.insert("access-control-allow-origin", v);
            h.insert("vary", HeaderValue::from_static("Origin"));
            h.insert("access-control-allow-methods", HeaderValue::from_static("GET, POST, DELETE, OPTIONS"));
            h.insert(
                "access-control-allow-headers",
                HeaderValue::from_static("Authorization, Content-Type, Idempotency-Key, Stripe-Version, Stripe-Account"),
            );
            h.insert(
                "access-control-expose-headers",
                HeaderValue::from_static("Request-Id, Idempotency-Key, Idempotent-Replayed, Original-Request, Stripe-Should-Retry, Stripe-Version"),
            );
            h.insert("access-control-max-age", HeaderValue::from_static("300"));
        }
    }
    resp
}

fn asset(content_type: &'static str, body: &'static str) -> Resp {
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .header("cache-control", "no-cache")
        .header("x-content-type-options", "nosniff")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("static response")
}

/// The card frame and the challenge page may be framed by the app's origins only.
fn frame_asset(body: &'static str) -> Resp {
    let mut r = asset("text/html; charset=utf-8", body);
    r.headers_mut().insert(
        "content-security-policy",
        HeaderValue::from_static(
            "frame-ancestors 'self' tauri://localhost http://tauri.localhost https://tauri.localhost http://127.0.0.1:* http://localhost:* https://127.0.0.1:* https://localhost:*",
        ),
    );
    r
}

fn json_response(status: u16, body: &Value) -> Resp {
    json_bytes_response(status, serde_json::to_vec_pretty(body).expect("serializable"))
}

/// A JSON answer whose body is already serialized.
fn json_bytes_response(status: u16, body: Vec<u8>) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).expect("valid status");
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache, no-store"));
    r
}

fn error_response(e: &ApiError, request_id: &str) -> Resp {
    error_bytes_response(e, serde_json::to_vec_pretty(&e.body(request_id)).expect("serializable"))
}

/// `error_response` with `e.body(..)` already serialized.
fn error_bytes_response(e: &ApiError, body: Vec<u8>) -> Resp {
    let mut r = json_bytes_response(e.status, body);
    if let Some(retry) = e.should_retry {
        r.headers_mut().insert("stripe-should-retry", HeaderValue::from_static(if retry { "true" } else { "false" }));
    }
    r
}

fn parse_form(body: &[u8]) -> Result<Params, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::invalid_request("The request body is not valid UTF-8.", None))?;
    Params::parse(text)
}

/// The "bank" side of the 3-D Secure test page: no API key, only the challenge's source id.
fn authenticate(shared: &Shared, body: &[u8], request_id: &str) -> Resp {
    let outcome = parse_form(body).and_then(|p| {
        let source = p.opt_str("source").ok_or_else(|| ApiError::missing_param("source"))?;
        let success = match p.str("result") {
            Some("complete") => true,
            Some("fail") => false,
            _ => return Err(ApiError::invalid_request("result must be complete or fail.", Some("result".into()))),
        };
        let mut store = shared.store.lock().expect("store lock");
        let (kind, id, status) = store.authenticate(&source, success)?;
        Ok(json!({kind: id, "status": status}))
    });
    match outcome {
        Ok(v) => json_response(200, &v),
        Err(e) => error_response(&e, request_id),
    }
}

/// The HTTP switch for faults, only when the simulator was started with `test_control`.
fn test_control(shared: &Shared, method: &str, path: &str, body: &[u8], request_id: &str) -> Resp {
    let outcome = parse_form(body).and_then(|p| {
        match (method, path) {
            ("POST", "/_sim/faults") => {
                if p.bool("clear")? == Some(true) {
                    shared.faults.clear();
                }
                if let Some(n) = p.int("fail_next")? {
                    let failure = match p.str("failure") {
                        Some("rate_limited") => Failure::RateLimited,
                        Some("lost_answer") => Failure::LostAnswer,
                        Some("server_error") | None => Failure::ServerError,
                        Some(_) => return Err(ApiError::invalid_request("failure must be server_error or rate_limited.", Some("failure".into()))),
                    };
                    shared.faults.fail_next(n.max(0) as u32, failure, p.bool("should_retry")?);
                }
                if let Some(n) = p.int("lose_next")? {
                    shared.faults.lose_next_responses(n.max(0) as u32);
                }
                if let Some(ms) = p.int("delay_ms")? {
                    shared.faults.set_delay((ms > 0).then(|| std::time::Duration::from_millis(ms as u64)));
                }
                if let Some(rps) = p.int("rate_limit")? {
                    shared.faults.set_rate_limit((rps > 0).then_some(rps as u32));
                }
                Ok(json!({"ok": true}))
            }
            ("POST", "/_sim/processing") => {
                let mut store = shared.store.lock().expect("store lock");
                if let Some(hold) = p.bool("hold")? {
                    store.hold_processing = hold;
                }
                let settled = if p.bool("settle")? == Some(true) { store.settle_processing() } else { 0 };
                Ok(json!({"ok": true, "settled": settled}))
            }
            _ => Err(ApiError::unrecognized_url(method, path)),
        }
    });
    match outcome {
        Ok(v) => json_response(200, &v),
        Err(e) => error_response(&e, request_id),
    }
}

fn redact(key: &str) -> String {
    let prefix_len = key.find('_').and_then(|i| key[i + 1..].find('_').map(|j| i + j + 2)).unwrap_or(0).min(key.len());
    let tail: String = key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    format!("{}{}{}", &key[..prefix_len], "*".repeat(key.len().saturating_sub(prefix_len + 4)), tail)
}

fn decode_base64(s: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.trim_end_matches('=').bytes() {
        let v = ALPHABET.iter().position(|&a| a == b)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

pub(crate) fn authenticate_key(headers: &HeaderMap, accept_live_publishable: bool) -> Result<Key, ApiError> {
    let missing = || {
        ApiError::authentication(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
        )
    };
    let raw = header(headers, AUTHORIZATION).ok_or_else(missing)?.trim();
    let key = if let Some(k) = raw.strip_prefix("Bearer ") {
        k.trim().to_string()
    } else if let Some(b) = raw.strip_prefix("Basic ") {
        let decoded = decode_base64(b.trim()).and_then(|d| String::from_utf8(d).ok()).ok_or_else(missing)?;
        decoded.split(':').next().unwrap_or("").to_string()
    } else {
        return Err(ApiError::authentication(
            "Invalid authorization header. Use 'Authorization: Bearer YOUR_SECRET_KEY'.",
        ));
    };
    if key.is_empty() {
        return Err(missing());
    }
    let body_ok = |prefix: &str| key.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    if accept_live_publishable && body_ok("pk_live_") {
        return Ok(Key::Publishable(key));
    }
    if ["sk_live_", "rk_live_", "pk_live_"].iter().any(|p| key.starts_with(p)) {
        return Err(ApiError::authentication(format!(
            "This is the Paydesk Stripe simulator, which only accepts test mode keys; the live mode key {} was refused and nothing was sent to Stripe.",
            redact(&key)
        )));
    }
    if body_ok("sk_test_") || body_ok("rk_test_") {
        return Ok(Key::Secret(key));
    }
    if body_ok("pk_test_") {
        return Ok(Key::Publishable(key));
    }
    Err(ApiError::authentication(format!("Invalid API Key provided: {}", redact(&key))))
}

fn api_key_name(key: &Key) -> &str {
    match key {
        Key::Secret(k) | Key::Publishable(k) => k,
    }
}

async fn api(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
    request_id: &str,
) -> Result<Resp, LostResponse> {
    // The store's api_version is the configured one and never changes, so it is read
    // from the config instead of taking the store lock once more per request.
    let version = header(headers, STRIPE_VERSION).unwrap_or(&shared.config.api_version);
    let mut resp = api_inner(shared, method, path, query, headers, body, request_id).await?;
    if let Ok(v) = HeaderValue::from_str(version) {
        resp.headers_mut().insert(STRIPE_VERSION, v);
    }
    Ok(resp)
}

async fn api_inner(
    shared: &Shared,
    method: &str,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
    request_id: &str,
) -> Result<Resp, LostResponse> {
    let fail = |e: ApiError| Ok(error_response(&e, request_id));
    if let Some(hold) = shared.faults.hold(Stage::Arrival, method, path) {
        hold.wait().await;
    }
    if let Err(e) = shared.faults.admit() {
        return fail(e);
    }
    let key = match authenticate_key(headers, shared.config.accept_live_publishable) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    if method == "POST" && header(headers, CONTENT_TYPE).is_some_and(|c| c.starts_with("application/json")) {
        return fail(ApiError::invalid_request(
            "Invalid request: unsupported Content-Type application/json. Stripe's API takes application/x-www-form-urlencoded bodies.",
            None,
        ));
    }
    let params = match parse_form(if method == "GET" || (method == "DELETE" && body.is_empty()) { query.as_bytes() } else { body }) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let idem_key = header(headers, IDEMPOTENCY_KEY).filter(|k| !k.is_empty() && method == "POST").map(str::to_string);
    let in_flight = match &idem_key {
        Some(k) => {
            let fingerprint = format!("{method} {path} {}", params.fingerprint());
            match shared.idempotency.begin(api_key_name(&key), k, fingerprint) {
                Ok(Begin::Replay(saved)) => return Ok(replay(saved, k)),
                Ok(Begin::Fresh(f)) => Some(f),
                Err(e) => return fail(e),
            }
        }
        None => None,
    };
    if let Some(hold) = shared.faults.hold(Stage::Running, method, path) {
        hold.wait().await;
    }
    if let Some(d) = shared.faults.delay() {
        tokio::time::sleep(d).await;
    }
    let request = ApiRequest {
        method,
        path,
        params,
        key: &key,
        ctx: Ctx { request_id: Some(request_id.to_string()), idempotency_key: idem_key.clone() },
    };
    // The common create is built and serialized before the lock, so that the lock is
    // held only to insert it; everything else is handled under the lock.
    let prepared = api::prepare(&request);
    let outcome = {
        let mut store = shared.store.lock().expect("store lock");
        match prepared {
            Some(p) => Ok(api::commit(&mut store, p)),
            None => api::dispatch(&mut store, &request),
        }
    };
    // Serialized once (outside the store lock) for both the answer and the idempotency
    // record, instead of cloning the JSON tree for the latter.
    let (outcome, body) = match outcome {
        Ok(api::Reply::Tree(v)) => (Ok(()), serde_json::to_vec_pretty(&v).expect("serializable")),
        Ok(api::Reply::Pretty(bytes)) => (Ok(()), bytes),
        Err(e) => {
            let body = serde_json::to_vec_pretty(&e.body(request_id)).expect("serializable");
            (Err(e), body)
        }
    };
    let status = match &outcome {
        Ok(()) => 200,
        Err(e) => e.status,
    };
    if let (Some(f), true) = (in_flight, status == 200 || status == 402) {
        // Stripe saves results of requests that ran; validation failures are not saved.
        let saved = String::from_utf8(body.clone()).expect("serde_json writes UTF-8");
        f.finish(Saved { status, body: saved, request_id: request_id.to_string() });
    }
    if shared.faults.take_lost() {
        return Err(LostResponse);
    }
    let mut resp = match outcome {
        Ok(_) => json_bytes_response(200, body),
        Err(e) => error_bytes_response(&e, body),
    };
    if let Some(k) = idem_key.and_then(|k| HeaderValue::from_str(&k).ok()) {
        resp.headers_mut().insert("idempotency-key", k);
    }
    Ok(resp)
}

fn replay(saved: Saved, key: &str) -> Resp {
    let mut r = Response::builder()
        .status(saved.status)
        .header("content-type", "application/json")
        .header("cache-control", "no-cache, no-store")
        .body(Full::new(Bytes::from(saved.body)))
        .expect("valid response");
    let h = r.headers_mut();
    h.insert(HeaderName::from_static("idempotent-replayed"), HeaderValue::from_static("true"));
    if let Ok(v) = HeaderValue::from_str(&saved.request_id) {
        h.insert(HeaderName::from_static("original-request"), v);
    }
    if let Ok(v) = HeaderValue::from_str(key) {
        h.insert(HeaderName::from_static("idempotency-key"), v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_redacted_like_stripe() {
        assert_eq!(redact("sk_test_paydesk_fake_key"), "sk_test_************_key");
        assert_eq!(decode_base64("c2tfdGVzdF94Og==").unwrap(), b"sk_test_x:");
    }
}
