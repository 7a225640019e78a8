//! A small client for the simulator over real HTTP on loopback.
#![allow(dead_code)] // each test binary uses a different subset of these helpers

use reqwest::header::HeaderMap;
use serde_json::Value;
use stripe_sim::{SimConfig, Simulator};

pub const SECRET: &str = "sk_test_paydesk_fake_key";
pub const PUBLISHABLE: &str = "pk_test_paydesk_fake_key";

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn error(&self) -> &Value {
        &self.body["error"]
    }
}

pub struct Api {
    pub sim: Simulator,
    pub http: reqwest::Client,
    pub key: String,
}

impl Api {
    pub async fn new() -> Api {
        Api::with_config(SimConfig::default()).await
    }

    pub async fn with_config(config: SimConfig) -> Api {
        let sim = Simulator::start(config).await.expect("simulator starts");
        Api { sim, http: reqwest::Client::new(), key: SECRET.into() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sim.base_url(), path)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("request answered");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply { status, headers, body }
    }

    pub async fn post_as(&self, key: &str, path: &str, form: &[(&str, &str)]) -> Reply {
        self.send(self.http.post(self.url(path)).bearer_auth(key).form(form)).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.post_as(&self.key, path, form).await
    }

    pub async fn post_idem(&self, path: &str, form: &[(&str, &str)], idem: &str) -> Reply {
        self.send(self.http.post(self.url(path)).bearer_auth(&self.key).header("Idempotency-Key", idem).form(form)).await
    }

    pub async fn get_as(&self, key: &str, path: &str, query: &[(&str, &str)]) -> Reply {
        self.send(self.http.get(self.url(path)).bearer_auth(key).query(query)).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Reply {
        self.get_as(&self.key, path, query).await
    }

    /// Creates an intent and asserts it was accepted.
    pub async fn create(&self, form: &[(&str, &str)]) -> Value {
        let r = self.post("/v1/payment_intents", form).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    }

    pub async fn pay(&self, pm: &str, extra: &[(&str, &str)]) -> Reply {
        let mut form = vec![("amount", "2000"), ("currency", "usd"), ("payment_method", pm), ("confirm", "true")];
        form.extend_from_slice(extra);
        self.post("/v1/payment_intents", &form).await
    }

    pub async fn events(&self, kind: &str) -> Vec<Value> {
        let r = self.get("/v1/events", &[("type", kind), ("limit", "100")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["data"].as_array().expect("list").clone()
    }

    /// Completes or fails the pending 3-D Secure challenge of `intent`, as the test page's buttons do.
    pub async fn authenticate(&self, intent: &Value, complete: bool) -> Reply {
        let source = intent["next_action"]["use_stripe_sdk"]["source"].as_str().expect("challenge source");
        let form = [("source", source), ("result", if complete { "complete" } else { "fail" })];
        self.send(self.http.post(self.url("/_sim/3ds/authenticate")).form(&form)).await
    }
}
