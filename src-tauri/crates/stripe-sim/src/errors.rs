//! Stripe's error object: `{"error": {type, code, decline_code, param, message, ...}}`.

use serde_json::{json, Map, Value};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub kind: &'static str,
    pub code: Option<String>,
    pub decline_code: Option<String>,
    pub param: Option<String>,
    pub message: String,
    pub payment_intent: Option<Value>,
    pub setup_intent: Option<Value>,
    pub payment_method: Option<Value>,
    pub charge: Option<String>,
    /// Value of the `Stripe-Should-Retry` header, when Stripe would send one.
    pub should_retry: Option<bool>,
}

impl ApiError {
    pub fn new(status: u16, kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind,
            code: None,
            decline_code: None,
            param: None,
            message: message.into(),
            payment_intent: None,
            setup_intent: None,
            payment_method: None,
            charge: None,
            should_retry: None,
        }
    }

    pub fn invalid_request(message: impl Into<String>, param: Option<String>) -> ApiError {
        let mut e = ApiError::new(400, "invalid_request_error", message);
        e.param = param;
        e
    }

    pub fn missing_param(param: &str) -> ApiError {
        ApiError::invalid_request(format!("Missing required param: {param}."), Some(param.to_string()))
            .with_code("parameter_missing")
    }

    pub fn authentication(message: impl Into<String>) -> ApiError {
        ApiError::new(401, "invalid_request_error", message)
    }

    pub fn no_such(object: &str, id: &str, param: &str, status: u16) -> ApiError {
        let mut e = ApiError::new(status, "invalid_request_error", format!("No such {object}: '{id}'"));
        e.code = Some("resource_missing".into());
        e.param = Some(param.into());
        e
    }

    pub fn unrecognized_url(method: &str, path: &str) -> ApiError {
        ApiError::new(
            404,
            "invalid_request_error",
            format!("Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."),
        )
    }

    pub fn unexpected_state(message: impl Into<String>, intent: Value) -> ApiError {
        let mut e = ApiError::invalid_request(message, None).with_code("payment_intent_unexpected_state");
        e.payment_intent = Some(intent);
        e
    }

    pub fn with_code(mut self, code: &str) -> ApiError {
        self.code = Some(code.to_string());
        self
    }

    pub fn with_param(mut self, param: &str) -> ApiError {
        self.param = Some(param.to_string());
        self
    }

    pub fn body(&self, request_id: &str) -> Value {
        let mut e = Map::new();
        e.insert("type".into(), json!(self.kind));
        e.insert("message".into(), json!(self.message));
        if let Some(code) = &self.code {
            e.insert("code".into(), json!(code));
            e.insert("doc_url".into(), json!(format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-"))));
        }
        if let Some(d) = &self.decline_code {
            e.insert("decline_code".into(), json!(d));
        }
        if let Some(p) = &self.param {
            e.insert("param".into(), json!(p));
        }
        if let Some(pi) = &self.payment_intent {
            e.insert("payment_intent".into(), pi.clone());
        }
        if let Some(si) = &self.setup_intent {
            e.insert("setup_intent".into(), si.clone());
        }
        if let Some(pm) = &self.payment_method {
            e.insert("payment_method".into(), pm.clone());
        }
        if let Some(ch) = &self.charge {
            e.insert("charge".into(), json!(ch));
        }
        e.insert("request_log_url".into(), json!(format!("https://dashboard.stripe.com/test/logs/{request_id}")));
        json!({ "error": Value::Object(e) })
    }
}
