//! Passkeys (WebAuthn): StartWebAuthnRegistration, CompleteWebAuthnRegistration,
//! ListWebAuthnCredentials, DeleteWebAuthnCredential, and WEB_AUTHN as a USER_AUTH first
//! factor. webauthn-rs (kanidm's) runs both ceremonies: challenge, origin against the relying
//! party, RP id hash, user verification, signature; Cognate adds what a multi-node identity
//! service needs around it:
//! - the relying party is the pool's `WebAuthnConfiguration.RelyingPartyId` (SetUserPoolMfaConfig),
//!   else the host of `COGNATE_PUBLIC_URL` when it is a name; an origin is accepted when its
//!   host is the RP id or a subdomain of it, on any port, over HTTPS (HTTP for `localhost`);
//! - a ceremony's state is kept in the store under a single-use key, so the answer may reach any
//!   node and a replayed answer finds nothing;
//! - the signature counter must advance on every sign-in (a cloned authenticator replaying an old
//!   counter is refused), checked and moved in one conditional update;
//! - user verification is always required (webauthn-rs's passkeys); `UserVerification:
//!   preferred` is stored and answered back, and verification is still asked for;
//! - `FactorConfiguration`: `SINGLE_FACTOR` (the default) lets the pool's MFA follow a passkey
//!   sign-in, and a pool that requires MFA does not offer passkeys as a first factor;
//!   `MULTI_FACTOR_WITH_USER_VERIFICATION` counts a (verified) passkey as both factors.

use crate::auth::session::ChallengeSession;
use crate::auth::{Attempt, AuthOutcome, AuthParams};
use crate::views::{SignInView, UserView};
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, AppClient, ChallengeName, User, UserPool, UserPoolId, WebAuthnSettings};
use cognate_store::{StoreError, StoredCode, WebAuthnCredential};
use std::collections::BTreeMap;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid,
    Webauthn, WebauthnBuilder, WebauthnError,
};

/// Passkeys one user may register (Cognito's limit).
const MAX_PER_USER: usize = 20;
/// How long a ceremony may take.
const CEREMONY_MS: i64 = 5 * 60_000;
const REGISTRATION: &str = "webauthn-registration";
const STALE_COUNTER: &str = "The passkey's signature counter did not advance: it may be a copy of the authenticator.";

fn wa_error(code: &'static str, message: impl Into<String>) -> CoreError {
    CoreError::WebAuthn(code, message.into())
}

/// A verification failure as Cognito names it.
fn verify_error(e: WebauthnError) -> CoreError {
    tracing::info!(error = ?e, "passkey refused");
    match e {
        WebauthnError::InvalidRPOrigin => {
            wa_error("WebAuthnOriginNotAllowedException", "The passkey's origin does not match the relying party.")
        }
        WebauthnError::InvalidRPIDHash => {
            wa_error("WebAuthnRelyingPartyMismatchException", "The passkey is not for this relying party.")
        }
        WebauthnError::MismatchedChallenge => {
            wa_error("WebAuthnChallengeNotFoundException", "The passkey answered another challenge.")
        }
        WebauthnError::CredentialPossibleCompromise => CoreError::NotAuthorized(STALE_COUNTER.into()),
        WebauthnError::UserNotVerified => {
            wa_error("WebAuthnCredentialNotSupportedException", "The authenticator did not verify the user.")
        }
        other => CoreError::InvalidParameter(format!("The passkey could not be verified: {other}.")),
    }
}

/// The relying party id of the pool.
pub(crate) fn relying_party(svc: &Cognate, pool: &UserPool) -> CoreResult<String> {
    if let Some(id) = pool.settings.webauthn.as_ref().and_then(|w| w.relying_party_id.clone()) {
        return Ok(id);
    }
    let host = svc.public_host().split(':').next().unwrap_or_default().to_string();
    if host.is_empty() || host.parse::<std::net::IpAddr>().is_ok() {
        return Err(wa_error(
            "WebAuthnConfigurationMissingException",
            "The user pool has no relying party id: set WebAuthnConfiguration.RelyingPartyId with SetUserPoolMfaConfig.",
        ));
    }
    Ok(host)
}

/// A verifier for the relying party `rp_id`.
fn verifier(rp_id: &str) -> CoreResult<Webauthn> {
    let bad =
        |e: WebauthnError| CoreError::InvalidParameter(format!("The relying party id {rp_id} is not usable: {e}."));
    let origin = Url::parse(&format!("https://{rp_id}"))
        .map_err(|_| CoreError::InvalidParameter(format!("The relying party id {rp_id} is not a host name.")))?;
    let mut b =
        WebauthnBuilder::new(rp_id, &origin).map_err(bad)?.rp_name(rp_id).allow_subdomains(true).allow_any_port(true);
    let local;
    if rp_id == "localhost" {
        local = Url::parse("http://localhost").expect("a valid URL");
        b = b.append_allowed_origin(&local);
    }
    b.build().map_err(bad)
}

/// Passkeys must be a first factor of the pool (`SignInPolicy`).
fn check_enabled(pool: &UserPool) -> CoreResult<()> {
    if crate::auth::allowed_first_factors(pool).iter().any(|f| f == "WEB_AUTHN") {
        Ok(())
    } else {
        Err(wa_error("WebAuthnNotEnabledException", "Passkeys are not a sign-in factor of this user pool."))
    }
}

fn passkey_of(c: &WebAuthnCredential) -> CoreResult<Passkey> {
    serde_json::from_str(&c.passkey).map_err(|e| CoreError::Internal(format!("stored passkey unreadable: {e}")))
}

/// A credential id as the API shows it (base64url, as the browser's `id`).
fn id_text(id: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

fn user_handle(user: &User) -> Uuid {
    Uuid::parse_str(&user.sub).unwrap_or_else(|_| {
        use sha2::Digest;
        let h = sha2::Sha256::digest(user.sub.as_bytes());
        Uuid::from_bytes(h[..16].try_into().unwrap_or_default())
    })
}

impl Cognate {
    /// Keeps a ceremony's state until `exp`, sealed, under `purpose` of the user.
    async fn keep_state<T: serde::Serialize>(
        &self,
        pool: &UserPoolId,
        user: &User,
        purpose: &str,
        state: &T,
        exp: i64,
    ) -> CoreResult<()> {
        let json = serde_json::to_vec(state).map_err(|e| CoreError::Internal(e.to_string()))?;
        let sealed = self.master.seal_url(&json, &format!("webauthn:{purpose}"));
        // The code slot holds the sealed state: one live ceremony per purpose, taken once.
        let row = StoredCode { code_hash: sealed, expires_at: exp, attempts: 0, created_at: now_millis() };
        self.store.put_code(pool, &user.username_key, purpose, &row).await?;
        Ok(())
    }

    /// Takes a ceremony's state back (once).
    async fn take_state<T: serde::de::DeserializeOwned>(
        &self,
        pool: &UserPoolId,
        user: &User,
        purpose: &str,
    ) -> CoreResult<T> {
        let missing =
            || wa_error("WebAuthnChallengeNotFoundException", "No passkey challenge is waiting for this answer.");
        let row = self.store.get_code(pool, &user.username_key, purpose).await?.ok_or_else(missing)?;
        if !self.store.take_code(pool, &user.username_key, purpose).await? || row.expires_at <= now_millis() {
            return Err(missing());
        }
        let json = self.master.open_url(&row.code_hash, &format!("webauthn:{purpose}")).map_err(|_| missing())?;
        serde_json::from_slice(&json).map_err(|_| missing())
    }
}

/// `WebAuthnConfiguration` as GetUserPoolMfaConfig shows it.
pub fn configuration(svc: &Cognate, pool: &UserPool) -> WebAuthnSettings {
    let mut s = pool.settings.webauthn.clone().unwrap_or_default();
    if s.relying_party_id.is_none() {
        s.relying_party_id = relying_party(svc, pool).ok();
    }
    s
}

/// A passkey as ListWebAuthnCredentials shows it.
pub type CredentialInfo = WebAuthnCredential;

impl Cognate {
    /// The registration options for `user` (their passkeys excluded), the challenge kept.
    pub(crate) async fn registration_options(&self, pool: &UserPool, user: &User) -> CoreResult<serde_json::Value> {
        check_enabled(pool)?;
        let rp = relying_party(self, pool)?;
        let existing = self.store.list_webauthn_credentials(&pool.id, &user.username_key).await?;
        if existing.len() >= MAX_PER_USER {
            return Err(CoreError::LimitExceeded(format!("A user can register at most {MAX_PER_USER} passkeys.")));
        }
        let exclude =
            existing.iter().map(passkey_of).map(|p| p.map(|p| p.cred_id().clone())).collect::<CoreResult<Vec<_>>>()?;
        let display = user.attribute("email").unwrap_or(&user.username).to_string();
        let (options, state) = verifier(&rp)?
            .start_passkey_registration(user_handle(user), &user.username, &display, Some(exclude))
            .map_err(|e| CoreError::Internal(format!("passkey registration: {e}")))?;
        let exp = now_millis() + CEREMONY_MS;
        self.keep_state(&pool.id, user, REGISTRATION, &(rp, state), exp).await?;
        let v = serde_json::to_value(&options).map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(v.get("publicKey").cloned().unwrap_or(v))
    }

    /// Verifies a registration answer against the user's waiting challenge and stores the passkey.
    pub(crate) async fn register_passkey(
        &self,
        pool: &UserPool,
        user: &User,
        credential: &serde_json::Value,
    ) -> CoreResult<()> {
        check_enabled(pool)?;
        let reg: RegisterPublicKeyCredential = serde_json::from_value(credential.clone())
            .map_err(|e| CoreError::InvalidParameter(format!("Credential is not a RegistrationResponseJSON: {e}")))?;
        let (rp, state): (String, PasskeyRegistration) = self.take_state(&pool.id, user, REGISTRATION).await?;
        let passkey = verifier(&rp)?.finish_passkey_registration(&reg, &state).map_err(verify_error)?;
        let json = serde_json::to_value(&passkey).map_err(|e| CoreError::Internal(e.to_string()))?;
        let counter = json.pointer("/cred/counter").and_then(|c| c.as_i64()).unwrap_or(0);
        let strings = |v: Option<&serde_json::Value>| -> Vec<String> {
            v.and_then(|t| t.as_array())
                .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                .unwrap_or_default()
        };
        let c = WebAuthnCredential {
            pool_id: pool.id.clone(),
            credential_id: id_text(passkey.cred_id()),
            username_key: user.username_key.clone(),
            friendly_name: None,
            relying_party_id: rp,
            attachment: credential.get("authenticatorAttachment").and_then(|a| a.as_str()).map(String::from),
            transports: strings(credential.pointer("/response/transports")),
            passkey: json.to_string(),
            sign_count: counter,
            created_at: now_millis(),
            last_used_at: None,
        };
        self.store.add_webauthn_credential(&c).await.map_err(|e| match e {
            StoreError::Conflict(_) => {
                wa_error("WebAuthnCredentialNotSupportedException", "This passkey is registered already.")
            }
            StoreError::NotFound => CoreError::UserNotFound,
            e => e.into(),
        })
    }
}

impl UserView<'_> {
    async fn me(&self) -> CoreResult<(UserPool, User)> {
        let user = self.get_user().await?;
        let pool = self.pool(self.ctx.pool_id()).await?;
        Ok((pool, user))
    }

    /// StartWebAuthnRegistration: the `CredentialCreationOptions` for the browser
    /// (`PublicKeyCredentialCreationOptionsJSON`: base64url binary members).
    pub async fn start_webauthn_registration(&self) -> CoreResult<serde_json::Value> {
        let (pool, user) = self.me().await?;
        self.svc.registration_options(&pool, &user).await
    }

    /// CompleteWebAuthnRegistration: verifies the browser's `RegistrationResponseJSON` against
    /// the waiting challenge and stores the passkey.
    pub async fn complete_webauthn_registration(&self, credential: &serde_json::Value) -> CoreResult<()> {
        let (pool, user) = self.me().await?;
        self.svc.register_passkey(&pool, &user, credential).await
    }

    /// ListWebAuthnCredentials: one page (`max` 1–20, default 20) after `token`.
    pub async fn list_webauthn_credentials(
        &self,
        max: Option<i64>,
        token: Option<&str>,
    ) -> CoreResult<(Vec<CredentialInfo>, Option<String>)> {
        let (pool, user) = self.me().await?;
        let limit = match max {
            Some(n) if (1..=20).contains(&n) => n as usize,
            _ => 20,
        };
        let after = crate::paging::after(token)?;
        let all = self.store.list_webauthn_credentials(&pool.id, &user.username_key).await?;
        let start = match after {
            Some(a) => all.iter().position(|c| c.credential_id == a).map(|i| i + 1).unwrap_or(all.len()),
            None => 0,
        };
        let page: Vec<CredentialInfo> = all.into_iter().skip(start).take(limit + 1).collect();
        Ok(crate::paging::split(page, limit, |c| c.credential_id.as_str()))
    }

    /// DeleteWebAuthnCredential.
    pub async fn delete_webauthn_credential(&self, credential_id: &str) -> CoreResult<()> {
        let (pool, user) = self.me().await?;
        self.store.delete_webauthn_credential(&pool.id, &user.username_key, credential_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::ResourceNotFound("Credential does not exist.".into()),
            e => e.into(),
        })
    }
}

impl SignInView<'_> {
    /// The WEB_AUTHN challenge: `CREDENTIAL_REQUEST_OPTIONS` for the browser's
    /// `navigator.credentials.get()`.
    pub(crate) async fn webauthn_challenge(
        &self,
        pool: &UserPool,
        client: &AppClient,
        user: &User,
    ) -> CoreResult<AuthOutcome> {
        let rp = relying_party(self.svc, pool)?;
        let creds = self.store.list_webauthn_credentials(&pool.id, &user.username_key).await?;
        let passkeys =
            creds.iter().filter(|c| c.relying_party_id == rp).map(passkey_of).collect::<CoreResult<Vec<_>>>()?;
        if passkeys.is_empty() {
            return Err(CoreError::InvalidParameter("WEB_AUTHN is not available for this user.".into()));
        }
        let (options, state) = verifier(&rp)?
            .start_passkey_authentication(&passkeys)
            .map_err(|e| CoreError::Internal(format!("passkey authentication: {e}")))?;
        let now = now_millis();
        let exp = now + client.settings.auth_session_validity * 60_000;
        let mut s = ChallengeSession::new(
            pool.id.as_str(),
            client.client_id.as_str(),
            &user.username_key,
            ChallengeName::WebAuthn,
            exp,
        );
        s.nonce = crate::crypto::random_hex(16);
        self.keep_state(&pool.id, user, &format!("webauthn-auth:{}", s.nonce), &(rp, state), exp).await?;
        let v = serde_json::to_value(&options).map_err(|e| CoreError::Internal(e.to_string()))?;
        let options = v.get("publicKey").cloned().unwrap_or(v);
        let parameters = BTreeMap::from([
            ("USERNAME".to_string(), user.username.clone()),
            ("CREDENTIAL_REQUEST_OPTIONS".to_string(), options.to_string()),
        ]);
        Ok(AuthOutcome::Challenge { name: ChallengeName::WebAuthn, session: s.seal(&self.master), parameters })
    }

    /// RespondToAuthChallenge for WEB_AUTHN: the browser's `AuthenticationResponseJSON` as
    /// `CREDENTIAL`. A passkey (user verified) signs in without a further factor.
    pub(crate) async fn webauthn_respond(
        &self,
        pool: &UserPool,
        client: &AppClient,
        session: Option<&str>,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let now = now_millis();
        let s =
            ChallengeSession::answered(&self.master, session, ChallengeName::WebAuthn, client.client_id.as_str(), now)?;
        let expired = || CoreError::NotAuthorized("Invalid session for the user, session is expired.".into());
        let user = self.store.get_user(&pool.id, &s.user).await?.ok_or_else(expired)?;
        let typed = responses.username.as_deref().unwrap_or(&user.username);
        self.check_secret_hash(client, responses.secret_hash(), &[typed, &user.username])?;
        self.before_first_factor(pool, client, &user, now).await?;
        let raw = AuthParams::require(&responses.credential, "CREDENTIAL")?;
        let answer: PublicKeyCredential = serde_json::from_str(raw).map_err(|e| {
            CoreError::InvalidParameter(format!("CREDENTIAL is not an AuthenticationResponseJSON: {e}"))
        })?;
        let (rp, state): (String, PasskeyAuthentication) =
            self.take_state(&pool.id, &user, &format!("webauthn-auth:{}", s.nonce)).await?;
        let result = match verifier(&rp)?.finish_passkey_authentication(&answer, &state) {
            Ok(r) => r,
            Err(e) => {
                self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
                return Err(verify_error(e));
            }
        };
        let id = id_text(result.cred_id());
        let stored = self
            .store
            .get_webauthn_credential(&pool.id, &id)
            .await?
            .filter(|c| c.username_key == user.username_key)
            .ok_or_else(|| CoreError::NotAuthorized("Unknown passkey.".into()))?;
        let mut passkey = passkey_of(&stored)?;
        passkey.update_credential(&result);
        let json = serde_json::to_string(&passkey).map_err(|e| CoreError::Internal(e.to_string()))?;
        let counter = i64::from(result.counter());
        if !self.store.use_webauthn_credential(&pool.id, &id, &json, counter, now).await? {
            tracing::warn!(pool = %pool.id, credential = %id, counter, "passkey signature counter did not advance");
            self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
            return Err(CoreError::NotAuthorized(STALE_COUNTER.into()));
        }
        self.after_proof(pool, &user)?;
        let rest = async {
            // A passkey is one factor unless the pool or the user counts a verified one as two.
            if !crate::mfa::passkey_is_mfa(pool, &user) {
                if let Some(challenge) = self.mfa_gate(pool, client, &user, None, now).await? {
                    return Ok(challenge);
                }
            }
            self.complete_sign_in(pool, client, &user, None).await
        };
        self.passwordless_sign_in(pool, client, &user, rest).await
    }
}

impl crate::views::OAuthView<'_> {
    /// After a sign-in on the hosted pages: the options to register a passkey, when the pool
    /// allows passkeys and has a relying party and the user has none yet (`None` otherwise).
    pub async fn passkey_offer(&self, s: &crate::hosted::HostedSession) -> CoreResult<Option<serde_json::Value>> {
        let pool = self.pool(&UserPoolId::new(&s.pool_id)).await?;
        if check_enabled(&pool).is_err() || relying_party(self.svc, &pool).is_err() {
            return Ok(None);
        }
        let Some(user) = self.store.get_user(&pool.id, &s.username_key).await? else { return Ok(None) };
        if !self.store.list_webauthn_credentials(&pool.id, &user.username_key).await?.is_empty() {
            return Ok(None);
        }
        self.svc.registration_options(&pool, &user).await.map(Some)
    }

    /// Registers the passkey a hosted page created for the signed-in user of `s`.
    pub async fn passkey_add(
        &self,
        s: &crate::hosted::HostedSession,
        credential: &serde_json::Value,
    ) -> CoreResult<()> {
        let pool = self.pool(&UserPoolId::new(&s.pool_id)).await?;
        let user = self.store.get_user(&pool.id, &s.username_key).await?.ok_or(CoreError::UserNotFound)?;
        self.svc.register_passkey(&pool, &user, credential).await
    }
}
