//! Cognito's Lambda triggers. A pool's `LambdaConfig` names a function per trigger; Cognate
//! calls it through an [`Invoker`] (the server's: the Lambda Invoke API at
//! `COGNATE_LAMBDA_ENDPOINT`) with the event Cognito sends — `version`, `triggerSource`,
//! `region`, `userPoolId`, `userName`, `callerContext`, `request`, `response` — and reads the
//! `response` of the event the function gives back.
//!
//! Failures are Cognito's: a function error is `UserLambdaValidationException` ("`<Trigger>`
//! failed with error `<message>`."), an answer that is not the event or breaks the trigger's
//! contract is `InvalidLambdaResponseException`, and an endpoint that cannot be reached or does
//! not answer within the time limit (5 s, three attempts) is `UnexpectedLambdaException`.
//!
//! `flows` builds and reads the events of the sign-up, sign-in, message and migration
//! triggers; `claims` those of PreTokenGeneration; the custom challenges live in
//! `auth::custom`.

pub(crate) mod claims;
pub mod envelope;
pub(crate) mod flows;
pub(crate) mod senders;
#[cfg(test)]
mod tests;

use crate::{Cognate, CoreError, CoreResult, RequestContext};
use async_trait::async_trait;
use cognate_model::{LambdaConfig, User, UserPool};
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

/// Why an invocation gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeError {
    /// The function ran and failed (`X-Amz-Function-Error`): its `errorMessage`.
    Function(String),
    /// No answer within the time limit.
    Timeout,
    /// The endpoint could not be reached, or could not serve the call now (throttled, a
    /// server error): tried again.
    Unreachable(String),
    /// The endpoint refused the call (no such function, not allowed): not tried again.
    Refused(String),
}

/// Calls a Lambda function with an event and returns its answer (the event with its
/// `response` filled in).
#[async_trait]
pub trait Invoker: Send + Sync {
    /// Invokes `function` (a name or an ARN) with `payload`.
    async fn invoke(&self, function: &str, payload: Vec<u8>) -> Result<Vec<u8>, InvokeError>;
}

/// No Lambda endpoint: every call fails as unreachable.
pub struct NoInvoker;

#[async_trait]
impl Invoker for NoInvoker {
    async fn invoke(&self, _: &str, _: Vec<u8>) -> Result<Vec<u8>, InvokeError> {
        Err(InvokeError::Unreachable("no Lambda endpoint is configured (COGNATE_LAMBDA_ENDPOINT)".into()))
    }
}

/// Attempts of one trigger call when the function does not answer in time or cannot be
/// reached (Cognito: "After three unsuccessful attempts, the function times out").
const ATTEMPTS: u32 = 3;

/// A user-pool trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    /// `PreSignUp`.
    PreSignUp,
    /// `PostConfirmation`.
    PostConfirmation,
    /// `PreAuthentication`.
    PreAuthentication,
    /// `PostAuthentication`.
    PostAuthentication,
    /// `DefineAuthChallenge`.
    DefineAuthChallenge,
    /// `CreateAuthChallenge`.
    CreateAuthChallenge,
    /// `VerifyAuthChallengeResponse`.
    VerifyAuthChallengeResponse,
    /// `PreTokenGeneration` (or `PreTokenGenerationConfig`).
    PreTokenGeneration,
    /// `CustomMessage`.
    CustomMessage,
    /// `UserMigration`.
    UserMigration,
    /// `CustomEmailSender`.
    CustomEmailSender,
    /// `CustomSMSSender`.
    CustomSmsSender,
    /// Cognito Sync's `SyncTrigger` (an identity pool's Cognito Events, not `LambdaConfig`).
    SyncTrigger,
}

impl Trigger {
    /// The name Cognito's messages and Cognate's metrics use.
    pub fn name(self) -> &'static str {
        match self {
            Trigger::PreSignUp => "PreSignUp",
            Trigger::PostConfirmation => "PostConfirmation",
            Trigger::PreAuthentication => "PreAuthentication",
            Trigger::PostAuthentication => "PostAuthentication",
            Trigger::DefineAuthChallenge => "DefineAuthChallenge",
            Trigger::CreateAuthChallenge => "CreateAuthChallenge",
            Trigger::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Trigger::PreTokenGeneration => "PreTokenGeneration",
            Trigger::CustomMessage => "CustomMessage",
            Trigger::UserMigration => "UserMigration",
            Trigger::CustomEmailSender => "CustomEmailSender",
            Trigger::CustomSmsSender => "CustomSMSSender",
            Trigger::SyncTrigger => "SyncTrigger",
        }
    }

    /// The function the pool names for this trigger, and the event version it asks for
    /// (`"1"` unless a versioned trigger says `V2_0` or `V3_0`).
    pub fn function(self, c: &LambdaConfig) -> Option<(&str, &'static str)> {
        fn plain(f: &Option<String>) -> Option<(&str, &'static str)> {
            f.as_deref().filter(|f| !f.is_empty()).map(|f| (f, "1"))
        }
        fn versioned(v: &Option<cognate_model::VersionedLambda>) -> Option<(&str, &'static str)> {
            v.as_ref().filter(|v| !v.lambda_arn.is_empty()).map(|v| {
                let version = match v.lambda_version.as_str() {
                    "V2_0" => "2",
                    "V3_0" => "3",
                    _ => "1",
                };
                (v.lambda_arn.as_str(), version)
            })
        }
        match self {
            Trigger::PreSignUp => plain(&c.pre_sign_up),
            Trigger::PostConfirmation => plain(&c.post_confirmation),
            Trigger::PreAuthentication => plain(&c.pre_authentication),
            Trigger::PostAuthentication => plain(&c.post_authentication),
            Trigger::DefineAuthChallenge => plain(&c.define_auth_challenge),
            Trigger::CreateAuthChallenge => plain(&c.create_auth_challenge),
            Trigger::VerifyAuthChallengeResponse => plain(&c.verify_auth_challenge_response),
            // PreTokenGenerationConfig wins over the older member when both are set.
            Trigger::PreTokenGeneration => {
                versioned(&c.pre_token_generation_config).or_else(|| plain(&c.pre_token_generation))
            }
            Trigger::CustomMessage => plain(&c.custom_message),
            Trigger::UserMigration => plain(&c.user_migration),
            Trigger::CustomEmailSender => versioned(&c.custom_email_sender),
            Trigger::CustomSmsSender => versioned(&c.custom_sms_sender),
            Trigger::SyncTrigger => None,
        }
    }
}

/// One trigger call: which trigger, the `triggerSource`, and the common members of the event.
#[derive(Clone, Copy)]
pub(crate) struct Call<'a> {
    pub trigger: Trigger,
    /// `triggerSource`, e.g. `PreSignUp_SignUp`.
    pub source: &'a str,
    pub pool: &'a UserPool,
    /// `userName` (the user's name; for a sign-up, the name asked for).
    pub user_name: &'a str,
    /// `callerContext.clientId`.
    pub client_id: Option<&'a str>,
    /// The request, for `callerContext.awsSdkVersion` and the request's `ClientMetadata`.
    pub req: &'a RequestContext,
}

/// `callerContext.awsSdkVersion` from the user agent: `aws-sdk-js-3.1.0` from
/// `aws-sdk-js/3.1.0 …`, else `aws-sdk-unknown-unknown` (what Cognito sends for the console).
fn sdk_version(user_agent: Option<&str>) -> String {
    user_agent
        .and_then(|ua| ua.split_whitespace().find(|t| t.starts_with("aws-sdk-")))
        .map(|t| t.replace('/', "-"))
        .unwrap_or_else(|| "aws-sdk-unknown-unknown".into())
}

/// A user's `userAttributes` as triggers see them: every attribute (developer-only ones
/// excepted), `sub`, and `cognito:user_status`.
pub(crate) fn user_attributes(user: &User) -> Value {
    let mut m = Map::new();
    m.insert("sub".into(), user.sub.clone().into());
    for (n, v) in &user.attributes {
        if !n.starts_with("dev:") {
            m.insert(n.clone(), v.clone().into());
        }
    }
    m.insert("cognito:user_status".into(), user.status.as_str().into());
    Value::Object(m)
}

/// A string map as a JSON object.
pub(crate) fn string_map(m: &std::collections::BTreeMap<String, String>) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
}

/// `InvalidLambdaResponseException` with Cognito's message, the reason logged.
pub(crate) fn unrecognizable(trigger: Trigger, why: &str) -> CoreError {
    tracing::warn!(target: "cognate::trigger", trigger = trigger.name(), why, "the function's answer was refused");
    CoreError::InvalidLambdaResponse("Unrecognizable lambda output".into())
}

impl Cognate {
    /// True when the pool names a function for `trigger`.
    pub(crate) fn has_trigger(pool: &UserPool, trigger: Trigger) -> bool {
        trigger.function(&pool.settings.lambda_config).is_some()
    }

    /// Calls the pool's function for `call.trigger` with the `request` and default `response`
    /// that `event` builds, and returns the `response` of its answer (`Value::Null` when it sent
    /// none); `None` when the pool has no function for the trigger — then `event` is not run,
    /// so the sign-in and sign-up paths build nothing for pools without triggers.
    pub(crate) async fn call_trigger(
        &self,
        call: &Call<'_>,
        event: impl FnOnce() -> (Value, Value),
    ) -> CoreResult<Option<Value>> {
        let Some((function, version)) = call.trigger.function(&call.pool.settings.lambda_config) else {
            return Ok(None);
        };
        let (request, response) = event();
        let event = json!({
            "version": version,
            "triggerSource": call.source,
            "region": self.config.region,
            "userPoolId": call.pool.id.as_str(),
            "userName": call.user_name,
            "callerContext": {
                "awsSdkVersion": sdk_version(call.req.user_agent.as_deref()),
                "clientId": call.client_id.unwrap_or("CLIENT_ID_NOT_APPLICABLE"),
            },
            "request": request,
            "response": response,
        });
        let answer = self.invoke_event(call.trigger, call.source, function, &event).await?;
        let answer: Value =
            serde_json::from_slice(&answer).map_err(|_| unrecognizable(call.trigger, "the answer is not JSON"))?;
        match answer {
            Value::Object(mut m) => Ok(Some(m.remove("response").unwrap_or(Value::Null))),
            // A function that answers `null` (it returned nothing) leaves the defaults.
            Value::Null => Ok(Some(Value::Null)),
            _ => Err(unrecognizable(call.trigger, "the answer is not the event")),
        }
    }

    /// Sends one event (with Cognito's retries), logs and counts it, and maps failures to
    /// Cognito's errors.
    pub(crate) async fn invoke_event(
        &self,
        trigger: Trigger,
        source: &str,
        function: &str,
        event: &Value,
    ) -> CoreResult<Vec<u8>> {
        let payload = serde_json::to_vec(event).map_err(|e| CoreError::Internal(e.to_string()))?;
        let limit = Duration::from_millis(self.config.lambda_timeout_ms.max(1));
        let started = Instant::now();
        let mut last = InvokeError::Timeout;
        let mut attempts = 0;
        while attempts < ATTEMPTS {
            attempts += 1;
            let r = match tokio::time::timeout(limit, self.invoker.invoke(function, payload.clone())).await {
                Ok(r) => r,
                Err(_) => Err(InvokeError::Timeout),
            };
            match r {
                Ok(answer) => {
                    self.note_trigger(trigger, source, function, "ok", started, attempts);
                    return Ok(answer);
                }
                Err(InvokeError::Function(message)) => {
                    self.note_trigger(trigger, source, function, "function_error", started, attempts);
                    return Err(CoreError::UserLambdaValidation(format!(
                        "{} failed with error {message}.",
                        trigger.name()
                    )));
                }
                Err(InvokeError::Refused(why)) => {
                    last = InvokeError::Refused(why);
                    break;
                }
                Err(e) => last = e,
            }
        }
        self.note_trigger(trigger, source, function, "unreachable", started, attempts);
        let why = match last {
            InvokeError::Timeout => "TimeoutError".to_string(),
            InvokeError::Unreachable(why) | InvokeError::Refused(why) => why,
            InvokeError::Function(m) => m,
        };
        Err(CoreError::UnexpectedLambda(format!("{} invocation failed due to error {why}.", trigger.name())))
    }

    fn note_trigger(&self, trigger: Trigger, source: &str, function: &str, outcome: &'static str, t: Instant, n: u32) {
        let micros = t.elapsed().as_micros() as u64;
        self.telemetry.trigger(trigger.name(), outcome, micros);
        tracing::info!(
            target: "cognate::trigger",
            trigger = trigger.name(),
            source,
            function,
            outcome,
            attempts = n,
            duration_ms = micros as f64 / 1000.0,
            "trigger called"
        );
    }
}
