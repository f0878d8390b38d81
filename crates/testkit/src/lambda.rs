//! A Lambda Invoke API server for trigger tests: `POST /2015-03-31/functions/{name}/invocations`
//! runs the handler registered for the function and records every event (and the request's
//! `Authorization` header), so a test asserts what Cognate sent and decides what it gets back.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What a function does with an event.
pub enum Answer {
    /// Returns this event (usually the one received with `response` filled in).
    Event(Value),
    /// Fails: `X-Amz-Function-Error: Unhandled` with `{"errorMessage": …}`.
    Error(String),
    /// Returns this body as it is (not necessarily JSON).
    Raw(String),
    /// The Lambda service answers this status (throttled, broken, no such function).
    Status(u16),
    /// Waits, then answers.
    Slow(Duration, Box<Answer>),
}

type Handler = Arc<dyn Fn(&Value) -> Answer + Send + Sync>;

/// One recorded invocation.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The function name or ARN, decoded.
    pub function: String,
    /// The event.
    pub event: Value,
    /// The `Authorization` header, when the call was signed.
    pub authorization: Option<String>,
}

#[derive(Default)]
struct Inner {
    handlers: Mutex<HashMap<String, Handler>>,
    calls: Mutex<Vec<Invocation>>,
}

/// The server.
#[derive(Clone)]
pub struct LambdaServer {
    /// `http://127.0.0.1:<port>`: the value of `COGNATE_LAMBDA_ENDPOINT`.
    pub endpoint: String,
    inner: Arc<Inner>,
}

/// The ARN of a test function.
pub fn arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:000000000000:function:{name}")
}

/// `event` with `response` replaced: what most handlers return.
pub fn respond(event: &Value, response: Value) -> Answer {
    let mut e = event.clone();
    e["response"] = response;
    Answer::Event(e)
}

async fn invoke(
    State(inner): State<Arc<Inner>>,
    Path(function): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let authorization = headers.get("authorization").and_then(|v| v.to_str().ok()).map(String::from);
    inner.calls.lock().unwrap().push(Invocation { function: function.clone(), event: event.clone(), authorization });
    let handler = inner.handlers.lock().unwrap().get(&function).cloned();
    let Some(handler) = handler else {
        let body = serde_json::json!({ "__type": "ResourceNotFoundException", "message": "Function not found" });
        return (StatusCode::NOT_FOUND, body.to_string()).into_response();
    };
    let mut answer = handler(&event);
    loop {
        match answer {
            Answer::Slow(d, next) => {
                tokio::time::sleep(d).await;
                answer = *next;
            }
            Answer::Event(v) => return (StatusCode::OK, v.to_string()).into_response(),
            Answer::Raw(s) => return (StatusCode::OK, s).into_response(),
            Answer::Status(s) => {
                return StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
            }
            Answer::Error(m) => {
                let body = serde_json::json!({ "errorMessage": m, "errorType": "Error" });
                return (StatusCode::OK, [("x-amz-function-error", "Unhandled")], body.to_string()).into_response();
            }
        }
    }
}

impl LambdaServer {
    /// Starts listening on a free port.
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    /// Starts listening on `addr` (`127.0.0.1:0`: a free port).
    pub async fn start_on(addr: &str) -> Self {
        let inner = Arc::new(Inner::default());
        let app =
            Router::new().route("/2015-03-31/functions/{function}/invocations", post(invoke)).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { endpoint, inner }
    }

    /// Registers (or replaces) the handler of `function` (a name or ARN, as the pool names it).
    pub fn on(&self, function: &str, handler: impl Fn(&Value) -> Answer + Send + Sync + 'static) {
        self.inner.handlers.lock().unwrap().insert(function.to_string(), Arc::new(handler));
    }

    /// Every invocation of `function` so far.
    pub fn calls(&self, function: &str) -> Vec<Invocation> {
        self.inner.calls.lock().unwrap().iter().filter(|c| c.function == function).cloned().collect()
    }

    /// The events of `function` so far.
    pub fn events(&self, function: &str) -> Vec<Value> {
        self.calls(function).into_iter().map(|c| c.event).collect()
    }

    /// Forgets the recorded invocations.
    pub fn clear(&self) {
        self.inner.calls.lock().unwrap().clear();
    }
}
