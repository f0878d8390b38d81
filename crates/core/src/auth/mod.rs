//! Sign-in: InitiateAuth/AdminInitiateAuth with password and refresh flows, the
//! NEW_PASSWORD_REQUIRED challenge, GetTokensFromRefreshToken, secret hashes and lockout.

mod choice;
mod custom;
mod migration;
mod params;
pub mod session;
mod srp_flow;

pub(crate) use choice::{allowed_first_factors, sign_up_session};
pub use params::AuthParams;

use crate::attributes::check_write;
use crate::threat::Gate;
use crate::tokens::{refresh_hash, IssuedTokens, SessionInfo, TokenGrant};
use crate::triggers::claims::TokenSource;
use crate::triggers::Trigger;
use crate::views::{AdminView, SignInView};
use crate::{Cognate, CoreError, CoreResult};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_model::risk::{AuthEvent, CredentialEvent, EventResponse};
use cognate_model::{
    now_millis, AppClient, AuthFlow, ChallengeName, ClientId, CodePurpose, ExistenceErrors, User, UserPool, UserPoolId,
    UserStatus,
};
use cognate_store::Failures;
use hmac::{Hmac, Mac};
use session::ChallengeSession;
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

/// What a sign-in step answers: tokens, or the next challenge.
#[derive(Debug, Clone)]
pub enum AuthOutcome {
    /// Signed in.
    Tokens(IssuedTokens),
    /// Signed in through the hosted pages ([`SignInView`] in hosted mode): the user, for a
    /// session and an authorization code; no tokens yet.
    SignedIn {
        /// The user's name key.
        username_key: String,
        /// When the user authenticated (seconds).
        auth_time: i64,
    },
    /// USER_AUTH without a usable preferred factor: `SELECT_CHALLENGE`, with the factors the
    /// user may choose (`AvailableChallenges`).
    Select {
        /// `Session` to send back.
        session: String,
        /// `AvailableChallenges`.
        available: Vec<ChallengeName>,
    },
    /// Another step is needed.
    Challenge {
        /// `ChallengeName`.
        name: ChallengeName,
        /// `Session` to send back.
        session: String,
        /// `ChallengeParameters` (all strings).
        parameters: BTreeMap<String, String>,
    },
}

/// `base64(HMAC-SHA256(clientSecret, username + clientId))`.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(client_secret.as_bytes()).expect("any key length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

const LOCK_AFTER: i64 = 5;
const MAX_LOCK_MS: i64 = 15 * 60 * 1000;

pub(crate) fn incorrect() -> CoreError {
    CoreError::NotAuthorized("Incorrect username or password.".into())
}

impl Cognate {
    /// The app client and its pool; `ResourceNotFoundException` when either is missing.
    pub(crate) async fn client_and_pool(&self, client_id: &str) -> CoreResult<(AppClient, UserPool)> {
        let missing = || CoreError::ResourceNotFound(format!("User pool client {client_id} does not exist."));
        let client = self.store.get_client(&ClientId::new(client_id)).await?.ok_or_else(missing)?;
        let pool = self.store.get_pool(&client.pool_id).await?.ok_or_else(missing)?;
        Ok((client, pool))
    }

    /// Whether `given` is one of the client's live secrets (compared in constant time);
    /// `None` for a client without a secret.
    pub(crate) fn secret_matches(&self, client: &AppClient, given: &str) -> CoreResult<Option<bool>> {
        let secrets = self.client_secrets(client)?;
        if secrets.is_empty() {
            return Ok(None);
        }
        Ok(Some(secrets.iter().fold(false, |ok, s| ok | bool::from(s.as_bytes().ct_eq(given.as_bytes())))))
    }

    /// Checks `SECRET_HASH` when the client has a secret. Clients hash the name the user typed
    /// or the internal user name (pycognito vs warrant-lite), so any of `names` is accepted.
    pub(crate) fn check_secret_hash(&self, client: &AppClient, given: Option<&str>, names: &[&str]) -> CoreResult<()> {
        let secrets = self.client_secrets(client)?;
        if secrets.is_empty() {
            return Ok(());
        }
        let id = client.client_id.as_str();
        let given = given.filter(|g| !g.is_empty()).ok_or_else(|| {
            CoreError::NotAuthorized(format!("Client {id} is configured for secret but secret was not received"))
        })?;
        // Any live secret (rotation), any accepted name; every comparison is made.
        let ok = secrets
            .iter()
            .flat_map(|s| names.iter().map(move |n| secret_hash(s, n, id)))
            .fold(false, |ok, h| ok | bool::from(h.as_bytes().ct_eq(given.as_bytes())));
        if ok {
            Ok(())
        } else {
            Err(CoreError::NotAuthorized(format!("Unable to verify secret hash for client {id}")))
        }
    }

    /// True while the subject is locked out.
    pub(crate) async fn locked(&self, pool: &UserPoolId, who: Attempt<'_>, now: i64) -> CoreResult<bool> {
        let f = match who {
            Attempt::User(key) => self.store.get_failures(pool, key).await?,
            Attempt::Unknown(key) => self.store.get_unknown_failures(pool, key).await?,
        };
        Ok(f.locked_until > now)
    }

    /// Counts a failed sign-in: after five in a row the subject is locked for 1 s, doubling with
    /// each further failure up to 15 minutes. A quiet quarter of an hour resets the count.
    /// Attempts during a lockout are refused without being counted (Cognito: they "don't affect
    /// the duration of subsequent lockout periods"), so callers check [`Cognate::locked`] first.
    pub(crate) async fn record_failure(&self, pool: &UserPoolId, who: Attempt<'_>) -> CoreResult<()> {
        let now = now_millis();
        let mut f = match who {
            Attempt::User(key) => self.store.get_failures(pool, key).await?,
            Attempt::Unknown(key) => self.store.get_unknown_failures(pool, key).await?,
        };
        if now - f.last_failure > MAX_LOCK_MS && f.locked_until <= now {
            f = Failures::default();
        }
        f.failures += 1;
        f.last_failure = now;
        if f.failures >= LOCK_AFTER {
            let secs = 1i64 << (f.failures - LOCK_AFTER).min(10);
            f.locked_until = now + (secs * 1000).min(MAX_LOCK_MS);
        }
        match who {
            Attempt::User(key) => self.store.put_failures(pool, key, &f).await?,
            Attempt::Unknown(key) => self.store.put_unknown_failures(pool, key, &f).await?,
        }
        Ok(())
    }
}

/// Whose sign-in failures count.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Attempt<'a> {
    /// A user (name key).
    User(&'a str),
    /// A name that is no user of the pool (normalized as user names are), counted when the
    /// client prevents user-existence errors so that unknown names lock out like known ones.
    Unknown(&'a str),
}

/// True when the client prevents user-existence errors (`PreventUserExistenceErrors=ENABLED`).
pub(crate) fn hides_existence(client: &AppClient) -> bool {
    client.settings.prevent_user_existence_errors == ExistenceErrors::Enabled
}

pub(crate) fn attempts_exceeded() -> CoreError {
    CoreError::NotAuthorized("Password attempts exceeded".into())
}

impl SignInView<'_> {
    /// InitiateAuth (public). Errors: NotAuthorized, UserNotFound (LEGACY), UserNotConfirmed,
    /// PasswordResetRequired, InvalidParameter, ResourceNotFound.
    pub async fn initiate_auth(&self, client_id: &str, flow: AuthFlow, params: &AuthParams) -> CoreResult<AuthOutcome> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if matches!(flow, AuthFlow::AdminNoSrp | AuthFlow::AdminUserPassword) {
            return Err(CoreError::InvalidParameter("Initiate Auth method not supported.".into()));
        }
        self.run_flow(&pool, &client, flow, params).await
    }

    /// The hosted sign-in page's password step: the pool's rules (lockout, existence errors,
    /// status, MFA) as for USER_PASSWORD_AUTH, whatever the client's `ExplicitAuthFlows`.
    pub async fn hosted_password(&self, client_id: &str, username: &str, password: &str) -> CoreResult<AuthOutcome> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        let params =
            AuthParams { username: Some(username.into()), password: Some(password.into()), ..Default::default() };
        let r = self.password_sign_in(&pool, &client, username, password, &params).await;
        self.telemetry.sign_in("HOSTED_PASSWORD", crate::telemetry::outcome_of(&r));
        r
    }

    /// The hosted sign-in page's "another way" step: USER_AUTH for `username`, answered with
    /// the factors they may choose (SELECT_CHALLENGE), whatever the client's `ExplicitAuthFlows`.
    pub async fn hosted_choice(&self, client_id: &str, username: &str) -> CoreResult<AuthOutcome> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        let params = AuthParams { username: Some(username.into()), ..Default::default() };
        let r = self.user_auth_start(&pool, &client, &params).await;
        self.telemetry.sign_in("HOSTED_USER_AUTH", crate::telemetry::outcome_of(&r));
        r
    }

    pub(crate) async fn run_flow(
        &self,
        pool: &UserPool,
        client: &AppClient,
        flow: AuthFlow,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let r = self.run_flow_counted(pool, client, flow, params).await;
        self.telemetry.sign_in(flow.as_str(), crate::telemetry::outcome_of(&r));
        r
    }

    async fn run_flow_counted(
        &self,
        pool: &UserPool,
        client: &AppClient,
        flow: AuthFlow,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        if !flow.allowed_by(&client.settings.explicit_auth_flows) {
            return Err(CoreError::InvalidParameter(format!("{flow} flow not enabled for this client")));
        }
        match flow {
            AuthFlow::UserPassword | AuthFlow::AdminUserPassword | AuthFlow::AdminNoSrp => {
                let username = AuthParams::require(&params.username, "USERNAME")?;
                let password = AuthParams::require(&params.password, "PASSWORD")?;
                self.password_sign_in(pool, client, username, password, params).await
            }
            AuthFlow::RefreshToken => {
                let token = AuthParams::require(&params.refresh_token, "REFRESH_TOKEN")?;
                let t = self
                    .refresh(pool, client, token, |user| {
                        let names = [user.username.as_str(), user.sub.as_str(), user.attribute("email").unwrap_or("")];
                        self.check_secret_hash(client, params.secret_hash(), &names)
                    })
                    .await?;
                Ok(AuthOutcome::Tokens(t))
            }
            AuthFlow::UserSrp => self.srp_start(pool, client, params).await,
            AuthFlow::Custom => self.custom_start(pool, client, params).await,
            AuthFlow::UserAuth => self.user_auth_start(pool, client, params).await,
        }
    }

    async fn password_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        username: &str,
        password: &str,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let secret_given = params.secret_hash();
        let hide = hides_existence(client);
        let now = now_millis();
        let user = match self.resolve_user(pool, username).await {
            Ok(u) => u,
            Err(CoreError::UserNotFound) => {
                self.check_secret_hash(client, secret_given, &[username])?;
                // The old system vouched for the password: the new user goes on from there.
                if let Some(user) = self.migrate_user(pool, client, username, Some(password), self.req).await? {
                    self.after_proof(pool, &user)?;
                    return self.after_first_factor(pool, client, user, now, params.device_key()).await;
                }
                if !hide {
                    return Err(CoreError::UserNotFound);
                }
                let source = "PreAuthentication_Authentication";
                let call =
                    self.call(Trigger::PreAuthentication, source, pool, username, Some(client.client_id.as_str()));
                self.pre_authentication(&call, None).await?;
                // An unknown name gets what a known one with a wrong password gets: the same
                // argon2 work, the same failure count, the same lockout.
                let key = crate::users::username_key(&pool.settings, username);
                if self.locked(&pool.id, Attempt::Unknown(&key), now).await? {
                    return Err(attempts_exceeded());
                }
                let _ = self.hasher.verify(password, &self.dummy_hash).await;
                self.record_failure(&pool.id, Attempt::Unknown(&key)).await?;
                return Err(incorrect());
            }
            Err(e) => return Err(e),
        };
        self.check_secret_hash(client, secret_given, &[username, &user.username])?;
        self.before_first_factor(pool, client, &user, now).await?;
        self.pre_authenticate(pool, client, &user).await?;
        let good = match &user.password_hash {
            Some(h) => self.hasher.verify(password, h).await?,
            None => false,
        };
        if !good {
            self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
            self.failed_sign_in_event(pool, client, &user).await?;
            return Err(incorrect());
        }
        self.after_proof(pool, &user)?;
        let compromised = self.sign_in_password_check(pool, client, &user, password).await?;
        let view = SignInView { compromised_password: compromised, ..*self };
        view.after_first_factor(pool, client, user, now, params.device_key()).await
    }

    /// Checks made before a password (or SRP proof) is looked at: the lockout (an attempt
    /// during it is refused and not counted), then — unless the client prevents user-existence
    /// errors, when they wait for a correct proof — disabled and reset-required users.
    pub(crate) async fn before_first_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        now: i64,
    ) -> CoreResult<()> {
        if self.locked(&pool.id, Attempt::User(&user.username_key), now).await? {
            return Err(attempts_exceeded());
        }
        if !hides_existence(client) {
            self.after_proof(pool, user)?;
        }
        Ok(())
    }

    /// PreAuthentication for a known user, before the password or SRP proof is looked at.
    pub(crate) async fn pre_authenticate(&self, pool: &UserPool, client: &AppClient, user: &User) -> CoreResult<()> {
        let source = "PreAuthentication_Authentication";
        let call = self.call(Trigger::PreAuthentication, source, pool, &user.username, Some(client.client_id.as_str()));
        self.pre_authentication(&call, Some(user)).await
    }

    /// What a user's state refuses once the password is known to be right (and, for clients
    /// that do not prevent user-existence errors, before it is checked).
    pub(crate) fn after_proof(&self, _pool: &UserPool, user: &User) -> CoreResult<()> {
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        if user.status == UserStatus::ResetRequired {
            return Err(CoreError::PasswordResetRequired("Password reset required for the user".into()));
        }
        Ok(())
    }

    /// What follows a correct password or SRP proof: the user's status decides between an
    /// error, NEW_PASSWORD_REQUIRED and the rest of the sign-in. The failure count resets only
    /// when tokens are issued (`complete_sign_in`): re-entering the password must not wipe the
    /// wrong MFA codes counted so far.
    pub(crate) async fn after_first_factor(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: User,
        now: i64,
        device_key: Option<&str>,
    ) -> CoreResult<AuthOutcome> {
        match user.status {
            UserStatus::Unconfirmed => Err(CoreError::UserNotConfirmed("User is not confirmed.".into())),
            UserStatus::ForceChangePassword => {
                let days = pool.settings.password_policy.temporary_password_validity_days as i64;
                if user.password_set_at.is_some_and(|t| now - t > days * 86_400_000) {
                    return Err(CoreError::NotAuthorized(
                        "Temporary password has expired and must be reset by an administrator.".into(),
                    ));
                }
                Ok(self.new_password_challenge(pool, client, &user, now))
            }
            _ => self.finish_sign_in(pool, client, &user, device_key, now).await,
        }
    }

    /// The last step of a sign-in: a confirmed device of the user must prove itself
    /// (DEVICE_SRP_AUTH); otherwise tokens, with a new device when the pool tracks devices.
    pub(crate) async fn finish_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device_key: Option<&str>,
        now: i64,
    ) -> CoreResult<AuthOutcome> {
        let started = std::time::Instant::now();
        let event = match self.risk_gate(pool, client, user, device_key, now).await? {
            Gate::Challenge(c) => return Ok(c),
            Gate::Go(event) => event,
        };
        let gate = started.elapsed();
        let outcome = self.device_or_mfa(pool, client, user, device_key, now).await;
        let recorded = std::time::Instant::now();
        if self.record_outcome(pool, event, &outcome).await {
            // Threat protection's share of the sign-in (BENCHMARKS.md reads it at debug level).
            let us = (gate + recorded.elapsed()).as_micros() as u64;
            tracing::debug!(target: "cognate_core::threat", us, "threat protection time");
        }
        outcome
    }

    /// A passwordless first factor passed (a one-time code, a passkey, the sign-up session):
    /// the risk gate, whose MFA actions let it through (the factor is already the user's
    /// possession; no second factor follows it), then `rest`, and the sign-in's event.
    pub(crate) async fn passwordless_sign_in<F>(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        rest: F,
    ) -> CoreResult<AuthOutcome>
    where
        F: std::future::Future<Output = CoreResult<AuthOutcome>>,
    {
        let view = SignInView { passwordless: true, ..*self };
        let event = match view.risk_gate(pool, client, user, None, now_millis()).await? {
            Gate::Go(event) => event,
            Gate::Challenge(c) => return Ok(c),
        };
        let outcome = rest.await;
        self.record_outcome(pool, event, &outcome).await;
        outcome
    }

    /// Records the event of a sign-in (threat protection on) as its outcome says: passed,
    /// failed, or in progress (a challenge follows; `complete_sign_in` closes it). Returns
    /// whether there was one.
    async fn record_outcome(
        &self,
        pool: &UserPool,
        event: Option<AuthEvent>,
        outcome: &CoreResult<AuthOutcome>,
    ) -> bool {
        let Some(mut event) = event else { return false };
        event.response = match outcome {
            Ok(AuthOutcome::Challenge { .. }) => EventResponse::InProgress,
            Ok(_) => EventResponse::Pass,
            Err(_) => EventResponse::Fail,
        };
        self.record_event_after(pool, event).await;
        true
    }

    /// A confirmed device proves itself (DEVICE_SRP_AUTH), else MFA, else tokens.
    async fn device_or_mfa(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        device_key: Option<&str>,
        now: i64,
    ) -> CoreResult<AuthOutcome> {
        if let Some(key) = device_key.filter(|k| !k.is_empty()) {
            if let Ok(d) = self.device_of(&pool.id, user, key).await {
                if d.confirmed {
                    return self.device_challenge(pool, client, user, key, now).await;
                }
            }
        }
        if let Some(challenge) = self.mfa_gate(pool, client, user, None, now).await? {
            return Ok(challenge);
        }
        self.issue_sign_in(pool, client, user, None).await
    }

    /// DEVICE_SRP_AUTH for a confirmed device of the user.
    async fn device_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        key: &str,
        now: i64,
    ) -> CoreResult<AuthOutcome> {
        let marker = cognate_store::StoredCode {
            code_hash: String::new(),
            expires_at: now + client.settings.auth_session_validity * 60_000,
            attempts: 0,
            created_at: now,
        };
        let purpose = CodePurpose::DeviceSrp(key.to_string()).key();
        self.store.put_code(&pool.id, &user.username_key, &purpose, &marker).await?;
        let session = ChallengeSession::new(
            pool.id.as_str(),
            client.client_id.as_str(),
            &user.username_key,
            ChallengeName::DeviceSrpAuth,
            marker.expires_at,
        );
        let parameters = BTreeMap::from([
            ("USERNAME".to_string(), user.username.clone()),
            ("DEVICE_KEY".to_string(), key.to_string()),
        ]);
        Ok(AuthOutcome::Challenge {
            name: ChallengeName::DeviceSrpAuth,
            session: session.seal(&self.master),
            parameters,
        })
    }

    /// Tokens at the end of a sign-in that went through a challenge: its auth event (threat
    /// protection) is closed as passed, then [`Self::issue_sign_in`].
    pub(crate) async fn complete_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        proven_device: Option<&str>,
    ) -> CoreResult<AuthOutcome> {
        self.close_pending_event(pool, user, EventResponse::Pass).await?;
        self.issue_sign_in(pool, client, user, proven_device).await
    }

    /// Tokens at the end of a sign-in (every factor passed, so the failure count resets): for a
    /// device that proved itself, or with a new device when the pool tracks devices.
    pub(crate) async fn issue_sign_in(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        proven_device: Option<&str>,
    ) -> CoreResult<AuthOutcome> {
        self.store.clear_failures(&pool.id, &user.username_key).await?;
        let new_device = proven_device.is_none() && pool.settings.device_configuration.is_some();
        let source = "PostAuthentication_Authentication";
        let call =
            self.call(Trigger::PostAuthentication, source, pool, &user.username, Some(client.client_id.as_str()));
        self.post_authentication(&call, user, new_device).await?;
        if self.hosted {
            return Ok(AuthOutcome::SignedIn {
                username_key: user.username_key.clone(),
                auth_time: now_millis() / 1000,
            });
        }
        if let Some(key) = proven_device {
            let grant = TokenGrant::device(key).issued_from(TokenSource::AuthenticateDevice, self.req);
            let t = self.issue_tokens(pool, client, user, &SessionInfo::new(), true, &grant).await?;
            return Ok(AuthOutcome::Tokens(t));
        }
        let new_device = match &pool.settings.device_configuration {
            Some(_) => Some(self.new_device(pool, user).await?),
            None => None,
        };
        let key = new_device.as_ref().map(|d| d.device_key.as_str());
        let grant = TokenGrant::device_opt(key).issued_from(self.source, self.req);
        let mut tokens = self.issue_tokens(pool, client, user, &SessionInfo::new(), true, &grant).await?;
        tokens.new_device = new_device.map(|d| (d.device_key, d.group_key));
        Ok(AuthOutcome::Tokens(tokens))
    }

    pub(crate) fn new_password_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
        now: i64,
    ) -> AuthOutcome {
        let session = ChallengeSession::new(
            pool.id.as_str(),
            client.client_id.as_str(),
            &user.username_key,
            ChallengeName::NewPasswordRequired,
            now + client.settings.auth_session_validity * 60_000,
        );
        let missing: Vec<String> = pool
            .settings
            .schema
            .iter()
            .filter(|a| a.required && a.name != "sub" && user.attribute(&a.name).is_none())
            .map(|a| format!("userAttributes.{}", a.name))
            .collect();
        let attrs: serde_json::Map<String, serde_json::Value> =
            user.attributes.iter().map(|(n, v)| (n.clone(), serde_json::Value::String(v.clone()))).collect();
        let parameters = BTreeMap::from([
            ("USER_ID_FOR_SRP".to_string(), user.username.clone()),
            ("requiredAttributes".to_string(), serde_json::to_string(&missing).unwrap_or_default()),
            ("userAttributes".to_string(), serde_json::Value::Object(attrs).to_string()),
        ]);
        AuthOutcome::Challenge {
            name: ChallengeName::NewPasswordRequired,
            session: session.seal(&self.master),
            parameters,
        }
    }

    /// RespondToAuthChallenge (public).
    pub async fn respond_to_auth_challenge(
        &self,
        client_id: &str,
        challenge: ChallengeName,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        self.respond(&pool, &client, challenge, session, responses).await
    }

    pub(crate) async fn respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: ChallengeName,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let r = self.respond_counted(pool, client, challenge, session, responses).await;
        self.telemetry.sign_in(challenge.as_str(), crate::telemetry::outcome_of(&r));
        r
    }

    async fn respond_counted(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: ChallengeName,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        use ChallengeName as C;
        match challenge {
            C::NewPasswordRequired => {}
            C::PasswordVerifier | C::DevicePasswordVerifier => {
                return self.srp_verify(pool, client, challenge, responses).await
            }
            C::DeviceSrpAuth => return self.device_srp_start(pool, client, responses).await,
            C::CustomChallenge => return self.custom_respond(pool, client, session, responses).await,
            C::SmsMfa | C::SoftwareTokenMfa | C::SelectMfaType | C::MfaSetup => {
                return self.mfa_respond(pool, client, challenge, session, responses).await
            }
            C::EmailOtp | C::SmsOtp => return self.otp_respond(pool, client, challenge, session, responses).await,
            C::WebAuthn => return self.webauthn_respond(pool, client, session, responses).await,
            C::SelectChallenge | C::Password | C::PasswordSrp => {
                return self.choice_respond(pool, client, challenge, session, responses).await
            }
            _ => {
                return Err(CoreError::InvalidParameter(format!(
                    "The {challenge} challenge is not available in this version of Cognate."
                )))
            }
        }
        let now = now_millis();
        let s = ChallengeSession::answered(&self.master, session, challenge, client.client_id.as_str(), now)?;
        let new_password = AuthParams::require(&responses.new_password, "NEW_PASSWORD")?;
        let user = self.store.get_user(&pool.id, &s.user).await?.ok_or(CoreError::UserNotFound)?;
        let typed = responses.username.as_deref().unwrap_or(&user.username);
        self.check_secret_hash(client, responses.secret_hash(), &[typed, &user.username])?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(CoreError::NotAuthorized("Invalid session for the user, session is expired.".into()));
        }
        let compromised = self.check_new_password(pool, Some(client), CredentialEvent::PasswordChange, new_password)?;
        let attrs = &responses.user_attributes;
        for (name, v) in attrs {
            check_write(&pool.settings, name, v, false)?;
        }
        let material = self.password_material(&pool.id, &user.username, new_password).await?;
        let updated = self
            .modify_user_by_key(pool, &s.user, |u| {
                for (n, v) in attrs {
                    u.set_attribute(n, v);
                }
                crate::attributes::check_required(&pool.settings, &u.attributes)?;
                material.apply(u);
                u.status = UserStatus::Confirmed;
                Ok(())
            })
            .await?;
        let view = SignInView { source: TokenSource::NewPasswordChallenge, compromised_password: compromised, ..*self };
        view.finish_sign_in(pool, client, &updated, responses.device_key(), now).await
    }

    /// Refreshes a session. Returns new ID and access tokens; a new refresh token only when the
    /// client rotates them (then the presented one stops working).
    pub(crate) async fn refresh(
        &self,
        pool: &UserPool,
        client: &AppClient,
        token: &str,
        check_secret: impl FnOnce(&User) -> CoreResult<()>,
    ) -> CoreResult<IssuedTokens> {
        let invalid = || CoreError::NotAuthorized("Invalid Refresh Token".into());
        let now = now_millis();
        let hash = refresh_hash(token);
        let row = self.store.get_refresh_token(&hash).await?.ok_or_else(invalid)?;
        if row.client_id != client.client_id || row.pool_id != pool.id {
            return Err(invalid());
        }
        if row.revoked_at.is_some() || self.revocations.contains(&row.origin_jti) {
            return Err(CoreError::NotAuthorized("Refresh Token has been revoked".into()));
        }
        if row.expires_at <= now {
            return Err(CoreError::NotAuthorized("Refresh Token has expired".into()));
        }
        let (user, groups) = self.store.user_with_groups(&pool.id, &row.username_key).await?.ok_or_else(invalid)?;
        check_secret(&user)?;
        if !user.enabled {
            return Err(CoreError::NotAuthorized("User is disabled.".into()));
        }
        let session = SessionInfo { origin_jti: row.origin_jti.clone(), auth_time: row.auth_time };
        let rotate = client.settings.refresh_token_rotation;
        if rotate && !self.store.revoke_refresh_token(&hash, now).await? {
            return Err(CoreError::RefreshTokenReuse("Refresh token has already been used.".into()));
        }
        let grant = TokenGrant { scopes: row.scopes.clone(), device_key: row.device_key.clone(), ..Default::default() }
            .issued_from(TokenSource::RefreshTokens, self.req);
        let refresh = rotate.then(crate::tokens::new_refresh_token);
        self.issue_tokens_with(pool, client, (&user, &groups), &session, refresh, &grant).await
    }

    /// GetTokensFromRefreshToken (public): takes the raw client secret, not a secret hash.
    pub async fn get_tokens_from_refresh_token(
        &self,
        client_id: &str,
        refresh_token: &str,
        client_secret: Option<&str>,
    ) -> CoreResult<IssuedTokens> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if !AuthFlow::RefreshToken.allowed_by(&client.settings.explicit_auth_flows) {
            return Err(CoreError::InvalidParameter("REFRESH_TOKEN_AUTH flow not enabled for this client".into()));
        }
        if self.secret_matches(&client, client_secret.unwrap_or(""))? == Some(false) {
            return Err(CoreError::NotAuthorized(format!("Unable to verify secret hash for client {client_id}")));
        }
        self.refresh(&pool, &client, refresh_token, |_| Ok(())).await
    }
}

impl AdminView<'_> {
    /// AdminInitiateAuth. Requires admin; the client must belong to the pool.
    pub async fn initiate_auth(
        &self,
        pool_id: &UserPoolId,
        client_id: &str,
        flow: AuthFlow,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if &pool.id != pool_id {
            return Err(CoreError::ResourceNotFound(format!("User pool client {client_id} does not exist.")));
        }
        if flow == AuthFlow::UserPassword {
            return Err(CoreError::InvalidParameter("Initiate Auth method not supported.".into()));
        }
        self.flows().run_flow(&pool, &client, flow, params).await
    }

    /// AdminRespondToAuthChallenge.
    pub async fn respond_to_auth_challenge(
        &self,
        pool_id: &UserPoolId,
        client_id: &str,
        challenge: ChallengeName,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let (client, pool) = self.client_and_pool(client_id).await?;
        if &pool.id != pool_id {
            return Err(CoreError::ResourceNotFound(format!("User pool client {client_id} does not exist.")));
        }
        self.flows().respond(&pool, &client, challenge, session, responses).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secret_hash_vector() {
        // testdata/srp-test-vectors.json, `secret_hash` (the value Cognito's documented
        // SECRET_HASH formula gives).
        assert_eq!(
            super::secret_hash(
                "examplesecret0123456789abcdefghijklmnopqrstuvwxy",
                "alice",
                "1example23456789abcdefghij"
            ),
            "pYrjmYNEBmrQ0SwG5OOf9TOTW1GdISLBQQodWiVh6x0="
        );
    }
}
