//! CUSTOM_AUTH: the pool's DefineAuthChallenge function decides each step from the `session`
//! history, CreateAuthChallenge makes each CUSTOM_CHALLENGE, VerifyAuthChallengeResponse
//! judges each answer. With `SRP_A` in the parameters the flow starts with the password's SRP
//! proof (history `SRP_A`, then `PASSWORD_VERIFIER`). The state travels sealed in the
//! `Session` (three minutes, as Cognito's), and each session is answered once (a marker
//! claimed in the store), so a challenge's answer cannot be guessed again and again.

use super::{attempts_exceeded, hides_existence, incorrect, Attempt, AuthOutcome, AuthParams};
use crate::triggers::flows::text;
use crate::triggers::{string_map, unrecognizable, user_attributes, Trigger};
use crate::views::SignInView;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, AppClient, ChallengeName, User, UserPool};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Cognito's custom-challenge session lifetime.
const SESSION_TTL_MS: i64 = 3 * 60_000;
/// Rounds of one sign-in before it is refused (a function that never decides).
const MAX_ROUNDS: usize = 16;
const AAD: &str = "custom-auth-session";

/// One entry of the `session` history the functions see.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ChallengeResult {
    #[serde(rename = "challengeName")]
    pub name: String,
    #[serde(rename = "challengeResult")]
    pub result: bool,
    #[serde(rename = "challengeMetadata", skip_serializing_if = "Option::is_none")]
    pub metadata: Option<String>,
}

impl ChallengeResult {
    fn passed(name: &str) -> Self {
        Self { name: name.into(), result: true, metadata: None }
    }
}

/// What the `Session` of a CUSTOM_CHALLENGE carries.
#[derive(Serialize, Deserialize)]
struct CustomSession {
    pool: String,
    client: String,
    /// The user's name key; empty for a name that is no user (existence errors prevented).
    user: String,
    /// The name as typed.
    name: String,
    history: Vec<ChallengeResult>,
    /// `privateChallengeParameters` of the open challenge.
    private: Value,
    /// `challengeMetadata` of the open challenge.
    metadata: Option<String>,
    device: Option<String>,
    exp: i64,
    nonce: String,
}

/// What DefineAuthChallenge decided.
enum Decision {
    Tokens,
    Fail,
    Challenge(String),
}

fn missing_trigger() -> CoreError {
    CoreError::InvalidParameter("Custom auth lambda trigger is not configured for the user pool.".into())
}

impl SignInView<'_> {
    /// InitiateAuth / AdminInitiateAuth with CUSTOM_AUTH.
    pub(crate) async fn custom_start(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        if !Cognate::has_trigger(pool, Trigger::DefineAuthChallenge) {
            return Err(missing_trigger());
        }
        let username = AuthParams::require(&params.username, "USERNAME")?;
        if params.srp_a.is_some() {
            // CUSTOM_AUTH with SRP first: the function is asked about `SRP_A` and should answer
            // PASSWORD_VERIFIER; the proof then continues the flow (`after_password`).
            let user = self.resolve_user(pool, username).await?;
            self.check_secret_hash(client, params.secret_hash(), &[username, &user.username])?;
            let history = vec![ChallengeResult::passed("SRP_A")];
            return match self.define(pool, client, Some(&user), username, &history).await? {
                Decision::Challenge(c) if c == "PASSWORD_VERIFIER" => self.srp_start_custom(pool, client, params).await,
                Decision::Fail => Err(incorrect()),
                _ => Err(unrecognizable(Trigger::DefineAuthChallenge, "SRP_A must be followed by PASSWORD_VERIFIER")),
            };
        }
        let now = now_millis();
        let user = match self.resolve_user(pool, username).await {
            Ok(u) => Some(u),
            Err(CoreError::UserNotFound) if hides_existence(client) => None,
            Err(e) => return Err(e),
        };
        let names: Vec<&str> = [username].into_iter().chain(user.as_ref().map(|u| u.username.as_str())).collect();
        self.check_secret_hash(client, params.secret_hash(), &names)?;
        match &user {
            Some(u) => self.before_first_factor(pool, client, u, now).await?,
            None => {
                let key = crate::users::username_key(&pool.settings, username);
                if self.locked(&pool.id, Attempt::Unknown(&key), now).await? {
                    return Err(attempts_exceeded());
                }
            }
        }
        self.next_step(pool, client, user.as_ref(), username, vec![], params.device_key()).await
    }

    /// The password's SRP proof of a CUSTOM_AUTH sign-in passed: ask the function what next.
    pub(crate) async fn custom_after_password(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device_key: Option<&str>,
    ) -> CoreResult<AuthOutcome> {
        let history = vec![ChallengeResult::passed("SRP_A"), ChallengeResult::passed("PASSWORD_VERIFIER")];
        self.next_step(pool, client, Some(user), &user.username.clone(), history, device_key).await
    }

    /// RespondToAuthChallenge CUSTOM_CHALLENGE (`ANSWER`, `USERNAME`).
    pub(crate) async fn custom_respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let expired = || CoreError::NotAuthorized("Invalid session for the user, session is expired.".into());
        let session =
            session.ok_or_else(|| CoreError::InvalidParameter("Missing required parameter Session".into()))?;
        let answer = AuthParams::require(&responses.answer, "ANSWER")?;
        let raw = self.master.open_url(session, AAD).map_err(|_| expired())?;
        let s: CustomSession = serde_json::from_slice(&raw).map_err(|_| expired())?;
        let now = now_millis();
        if s.exp <= now || s.pool != pool.id.as_str() || s.client != client.client_id.as_str() {
            return Err(expired());
        }
        let user = match s.user.as_str() {
            "" => None,
            key => Some(self.store.get_user(&pool.id, key).await?.ok_or_else(expired)?),
        };
        let typed = responses.username.as_deref().unwrap_or(&s.name);
        let names: Vec<&str> =
            [typed, s.name.as_str()].into_iter().chain(user.as_ref().map(|u| u.username.as_str())).collect();
        self.check_secret_hash(client, responses.secret_hash(), &names)?;
        // One answer per challenge, on any node.
        if !self.store.claim_once(&format!("custom-auth:{}", s.nonce), s.exp, now).await? {
            return Err(expired());
        }
        let name = user.as_ref().map(|u| u.username.clone()).unwrap_or_else(|| s.name.clone());
        let request = self.challenge_request(
            user.as_ref(),
            json!({ "privateChallengeParameters": s.private, "challengeAnswer": answer }),
        );
        let source = "VerifyAuthChallengeResponse_Authentication";
        let call =
            self.call(Trigger::VerifyAuthChallengeResponse, source, pool, &name, Some(client.client_id.as_str()));
        let r = self
            .call_trigger(&call, || (request, json!({ "answerCorrect": null })))
            .await?
            .ok_or_else(missing_trigger)?;
        let correct = match r.get("answerCorrect") {
            Some(Value::Bool(b)) => *b,
            None | Some(Value::Null) => false,
            Some(_) => return Err(unrecognizable(Trigger::VerifyAuthChallengeResponse, "answerCorrect")),
        };
        let mut history = s.history;
        history.push(ChallengeResult { name: "CUSTOM_CHALLENGE".into(), result: correct, metadata: s.metadata });
        let device = responses.device_key().map(String::from).or(s.device);
        self.next_step(pool, client, user.as_ref(), &s.name, history, device.as_deref()).await
    }

    /// Asks DefineAuthChallenge what follows `history`: tokens (the rest of the sign-in: MFA,
    /// devices), a refusal, or a new CUSTOM_CHALLENGE from CreateAuthChallenge.
    async fn next_step(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: Option<&User>,
        typed: &str,
        history: Vec<ChallengeResult>,
        device_key: Option<&str>,
    ) -> CoreResult<AuthOutcome> {
        if history.len() > MAX_ROUNDS {
            return Err(incorrect());
        }
        let now = now_millis();
        match self.define(pool, client, user, typed, &history).await? {
            Decision::Tokens => match user {
                Some(u) => {
                    self.after_proof(pool, u)?;
                    // Threat protection judges it by the pool's CustomAuthMode.
                    let view = SignInView { custom_auth: true, ..*self };
                    view.after_first_factor(pool, client, u.clone(), now, device_key).await
                }
                None => Err(incorrect()),
            },
            Decision::Fail => {
                match user {
                    Some(u) => self.record_failure(&pool.id, Attempt::User(&u.username_key)).await?,
                    None => {
                        let key = crate::users::username_key(&pool.settings, typed);
                        self.record_failure(&pool.id, Attempt::Unknown(&key)).await?
                    }
                }
                Err(incorrect())
            }
            Decision::Challenge(c) if c == "CUSTOM_CHALLENGE" => {
                self.create_challenge(pool, client, user, typed, history, device_key, now).await
            }
            Decision::Challenge(_) => {
                Err(unrecognizable(Trigger::DefineAuthChallenge, "challengeName must be CUSTOM_CHALLENGE here"))
            }
        }
    }

    /// The `request` of a challenge trigger: `members`, the user's attributes, the request's
    /// `clientMetadata`, and `userNotFound` for a name that is no user.
    fn challenge_request(&self, user: Option<&User>, members: Value) -> Value {
        let mut request = members;
        request["userAttributes"] = user.map(user_attributes).unwrap_or_else(|| json!({}));
        request["clientMetadata"] = string_map(&self.req.trigger_input.client_metadata);
        if user.is_none() {
            request["userNotFound"] = Value::Bool(true);
        }
        request
    }

    async fn define(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: Option<&User>,
        typed: &str,
        history: &[ChallengeResult],
    ) -> CoreResult<Decision> {
        let t = Trigger::DefineAuthChallenge;
        let request = self.challenge_request(user, json!({ "session": history }));
        let name = user.map(|u| u.username.as_str()).unwrap_or(typed);
        let call = self.call(t, "DefineAuthChallenge_Authentication", pool, name, Some(client.client_id.as_str()));
        let response = json!({ "challengeName": null, "issueTokens": null, "failAuthentication": null });
        let r = self.call_trigger(&call, || (request, response)).await?.ok_or_else(missing_trigger)?;
        let flag = |name: &str| match r.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(unrecognizable(t, name)),
        };
        let (fail, tokens) = (flag("failAuthentication")?, flag("issueTokens")?);
        if fail {
            return Ok(Decision::Fail);
        }
        if tokens {
            return Ok(Decision::Tokens);
        }
        match text(t, &r, "challengeName")? {
            Some(c) => Ok(Decision::Challenge(c)),
            None => Err(unrecognizable(t, "neither a challenge, tokens nor a failure")),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn create_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: Option<&User>,
        typed: &str,
        history: Vec<ChallengeResult>,
        device_key: Option<&str>,
        now: i64,
    ) -> CoreResult<AuthOutcome> {
        let t = Trigger::CreateAuthChallenge;
        let request = self.challenge_request(user, json!({ "challengeName": "CUSTOM_CHALLENGE", "session": history }));
        let name = user.map(|u| u.username.as_str()).unwrap_or(typed);
        let call = self.call(t, "CreateAuthChallenge_Authentication", pool, name, Some(client.client_id.as_str()));
        let response =
            json!({ "publicChallengeParameters": null, "privateChallengeParameters": null, "challengeMetadata": null });
        let r = self.call_trigger(&call, || (request, response)).await?.ok_or_else(missing_trigger)?;
        let mut parameters: BTreeMap<String, String> = match r.get("publicChallengeParameters") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().map(String::from).unwrap_or_else(|| v.to_string())))
                .collect(),
            Some(_) => return Err(unrecognizable(t, "publicChallengeParameters")),
        };
        let private = match r.get("privateChallengeParameters") {
            None | Some(Value::Null) => json!({}),
            Some(v @ Value::Object(_)) => v.clone(),
            Some(_) => return Err(unrecognizable(t, "privateChallengeParameters")),
        };
        let metadata = text(t, &r, "challengeMetadata")?;
        parameters.insert("USERNAME".into(), name.to_string());
        let s = CustomSession {
            pool: pool.id.to_string(),
            client: client.client_id.to_string(),
            user: user.map(|u| u.username_key.clone()).unwrap_or_default(),
            name: name.to_string(),
            history,
            private,
            metadata,
            device: device_key.map(String::from),
            exp: now + SESSION_TTL_MS,
            nonce: crate::crypto::random_hex(16),
        };
        let session = self.master.seal_url(&serde_json::to_vec(&s).unwrap_or_default(), AAD);
        Ok(AuthOutcome::Challenge { name: ChallengeName::CustomChallenge, session, parameters })
    }
}
