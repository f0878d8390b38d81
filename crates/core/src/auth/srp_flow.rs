//! USER_SRP_AUTH → PASSWORD_VERIFIER. The SRP state (b, B, A, user, client, expiry) travels in
//! the sealed SECRET_BLOCK, because pycognito sends no Session back; the first answer claims the
//! block's nonce in the store (one write), which makes each SECRET_BLOCK usable once, on any node.

use super::session::ChallengeSession;
use super::{attempts_exceeded, hides_existence, incorrect, AuthOutcome, AuthParams};
use crate::auth::Attempt;
use crate::srp::{claim_signature, from_hex, pad_hex};
use crate::views::SignInView;
use crate::{CoreError, CoreResult};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognate_model::{now_millis, AppClient, ChallengeName, CodePurpose, UserPool};
use cognate_store::StoredCode;
use num_bigint::BigUint;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

/// How long a SECRET_BLOCK can be answered (Cognito wants the answer "within a few seconds").
const CHALLENGE_TTL_MS: i64 = 5 * 60_000;
/// Leniency for the client's TIMESTAMP.
const CLOCK_SKEW_SECS: i64 = 15 * 60;
const AAD: &str = "srp-secret-block";

#[derive(Serialize, Deserialize)]
struct SrpState {
    pool: String,
    client: String,
    /// User name key; empty for the fake challenge of an unknown user.
    user: String,
    /// USER_ID_FOR_SRP.
    id: String,
    a: String,
    b: String,
    big_b: String,
    exp: i64,
    nonce: String,
    /// The SRP "pool name": the pool's short name, or the device group key.
    prefix: String,
    /// User sign-in: the DEVICE_KEY the client sent. Device sign-in: the device being proven.
    device: Option<String>,
    /// True for DEVICE_PASSWORD_VERIFIER.
    device_proof: bool,
    /// The fake challenge of an unknown name: its name key (its failures count too).
    #[serde(default)]
    unknown: Option<String>,
    /// A CUSTOM_AUTH sign-in that began with SRP: the proof goes back to DefineAuthChallenge.
    #[serde(default)]
    custom: bool,
}

fn nonce_purpose(nonce: &str) -> String {
    CodePurpose::SrpNonce(nonce.to_string()).key()
}

impl SignInView<'_> {
    fn seal_state(&self, state: &SrpState) -> String {
        let sealed = self.master.seal(&serde_json::to_vec(state).unwrap_or_default(), AAD);
        sealed.trim_start_matches("v1:").to_string()
    }

    /// InitiateAuth with USER_SRP_AUTH: answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK.
    pub(crate) async fn srp_start(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        self.srp_start_as(pool, client, params, false).await
    }

    /// The PASSWORD_VERIFIER step of a CUSTOM_AUTH sign-in that begins with SRP.
    pub(crate) async fn srp_start_custom(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        self.srp_start_as(pool, client, params, true).await
    }

    async fn srp_start_as(
        &self,
        pool: &UserPool,
        client: &AppClient,
        params: &AuthParams,
        custom: bool,
    ) -> CoreResult<AuthOutcome> {
        let username = AuthParams::require(&params.username, "USERNAME")?;
        let a = from_hex(AuthParams::require(&params.srp_a, "SRP_A")?);
        if !self.srp.valid_a(&a) {
            return Err(CoreError::InvalidParameter("SRP_A is not a valid SRP value.".into()));
        }
        let secret_given = params.secret_hash();
        let now = now_millis();
        let mut nonce_raw = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut nonce_raw);
        let nonce: String = nonce_raw.iter().map(|b| format!("{b:02x}")).collect();
        let mut unknown = None;
        let (user_key, id, salt, v) = match self.resolve_user(pool, username).await {
            Ok(user) => {
                self.check_secret_hash(client, secret_given, &[username, &user.username])?;
                self.before_first_factor(pool, client, &user, now).await?;
                self.pre_authenticate(pool, client, &user).await?;
                // A user without a verifier (imported, say) cannot pass SRP: the answer fails later.
                let ver = self.verifier_of(&user);
                let (salt, v) = match ver {
                    Some(ver) => (ver.salt, from_hex(&ver.v)),
                    None => (pad_hex(&BigUint::from_bytes_be(&nonce_raw)), BigUint::from(3u32)),
                };
                (user.username_key.clone(), user.username.clone(), salt, v)
            }
            Err(CoreError::UserNotFound) => {
                self.check_secret_hash(client, secret_given, &[username])?;
                if !hides_existence(client) {
                    return Err(CoreError::UserNotFound);
                }
                // A challenge that can never be answered, and that looks like a real user's: the
                // same salt and user id every time for the same name in the same pool (as
                // Cognito documents), a UUID id where the pool's user names are subs.
                let key = crate::users::username_key(&pool.settings, username);
                if self.locked(&pool.id, Attempt::Unknown(&key), now).await? {
                    return Err(attempts_exceeded());
                }
                let seed = self.master.keyed_hash(&format!("srp-unknown:{}", pool.id), &key);
                let salt = pad_hex(&from_hex(&seed[..32]));
                let id = if pool.settings.username_attributes.is_empty() {
                    username.to_string()
                } else {
                    let h = &seed[32..64];
                    format!("{}-{}-4{}-a{}-{}", &h[..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
                };
                unknown = Some(key);
                (String::new(), id, salt, BigUint::from(3u32))
            }
            Err(e) => return Err(e),
        };
        let srp = self.srp.clone();
        let (b, big_b) = tokio::task::spawn_blocking(move || srp.server_ephemeral(&v))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let exp = now + CHALLENGE_TTL_MS;
        let state = SrpState {
            pool: pool.id.to_string(),
            client: client.client_id.to_string(),
            user: user_key.clone(),
            id: id.clone(),
            a: a.to_str_radix(16),
            b: b.to_str_radix(16),
            big_b: big_b.to_str_radix(16),
            exp,
            nonce,
            prefix: pool.id.short_name().to_string(),
            device: params.device_key().map(String::from),
            device_proof: false,
            unknown,
            custom,
        };
        let parameters = BTreeMap::from([
            ("SALT".to_string(), salt),
            ("SRP_B".to_string(), big_b.to_str_radix(16)),
            ("SECRET_BLOCK".to_string(), self.seal_state(&state)),
            ("USER_ID_FOR_SRP".to_string(), id.clone()),
            ("USERNAME".to_string(), id),
        ]);
        let session = ChallengeSession::new(
            pool.id.as_str(),
            client.client_id.as_str(),
            &user_key,
            ChallengeName::PasswordVerifier,
            exp,
        )
        .seal(&self.master);
        Ok(AuthOutcome::Challenge { name: ChallengeName::PasswordVerifier, session, parameters })
    }

    /// RespondToAuthChallenge PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER: checks the
    /// client's proof. Every failure is `Incorrect username or password.`; a wrong proof counts
    /// toward lockout.
    pub(crate) async fn srp_verify(
        &self,
        pool: &UserPool,
        client: &AppClient,
        challenge: ChallengeName,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let block_b64 = AuthParams::require(&responses.password_claim_secret_block, "PASSWORD_CLAIM_SECRET_BLOCK")?;
        let timestamp = AuthParams::require(&responses.timestamp, "TIMESTAMP")?;
        let signature = AuthParams::require(&responses.password_claim_signature, "PASSWORD_CLAIM_SIGNATURE")?;
        let block = STANDARD.decode(block_b64).map_err(|_| incorrect())?;
        let raw = self.master.open(&format!("v1:{block_b64}"), AAD).map_err(|_| incorrect())?;
        let state: SrpState = serde_json::from_slice(&raw).map_err(|_| incorrect())?;
        let now = now_millis();
        let device_proof = challenge == ChallengeName::DevicePasswordVerifier;
        if state.client != client.client_id.as_str()
            || state.pool != pool.id.as_str()
            || state.exp <= now
            || state.device_proof != device_proof
        {
            return Err(incorrect());
        }
        if let Some(key) = state.unknown.as_deref().filter(|_| state.user.is_empty()) {
            // The answer to an unknown name's challenge: a wrong password, counted as one.
            self.record_failure(&pool.id, Attempt::Unknown(key)).await?;
            return Err(incorrect());
        }
        if state.user.is_empty() {
            return Err(incorrect());
        }
        let user = self.store.get_user(&pool.id, &state.user).await?.ok_or_else(incorrect)?;
        let typed = responses.username.as_deref().unwrap_or(&user.username);
        self.check_secret_hash(client, responses.secret_hash(), &[typed, &user.username])?;
        // Single use: the first answer claims the nonce (kept until the block expires).
        let claim = StoredCode { code_hash: String::new(), expires_at: state.exp, attempts: 0, created_at: now };
        if !self.store.claim_code(&pool.id, &state.user, &nonce_purpose(&state.nonce), &claim).await? {
            return Err(incorrect()); // already answered: a replayed SECRET_BLOCK
        }
        self.before_first_factor(pool, client, &user, now).await?;
        let fresh = crate::srp::parse_timestamp(timestamp).is_some_and(|t| (t - now / 1000).abs() <= CLOCK_SKEW_SECS);
        let device = match (&state.device, device_proof) {
            (Some(key), true) => Some(self.device_of(&pool.id, &user, key).await?),
            _ => None,
        };
        let verifier = match &device {
            Some(d) => self.device_verifier(d),
            None => self.verifier_of(&user),
        };
        let proof_ok = match (fresh, verifier) {
            (true, Some(ver)) => {
                let srp = self.srp.clone();
                let (a, b, big_b, v) =
                    (from_hex(&state.a), from_hex(&state.b), from_hex(&state.big_b), from_hex(&ver.v));
                let key = tokio::task::spawn_blocking(move || srp.server_key(&a, &big_b, &v, &b))
                    .await
                    .map_err(|e| CoreError::Internal(e.to_string()))?;
                key.map(|k| claim_signature(&k, &state.prefix, &state.id, &block, timestamp))
                    .is_some_and(|want| bool::from(want.as_bytes().ct_eq(signature.as_bytes())))
            }
            _ => false,
        };
        if !proof_ok {
            self.record_failure(&pool.id, Attempt::User(&user.username_key)).await?;
            self.failed_sign_in_event(pool, client, &user).await?;
            return Err(incorrect());
        }
        self.after_proof(pool, &user)?;
        if state.custom && !device_proof {
            let device_key = responses.device_key().map(String::from).or(state.device);
            return self.custom_after_password(pool, client, &user, device_key.as_deref()).await;
        }
        if let Some(mut d) = device {
            // The device proved itself after the password: tokens for that device.
            d.last_auth_at = now;
            if let Some(ip) = self.req.source_ip {
                d.last_ip = Some(ip.to_string());
            }
            self.store.put_device(&d).await?;
            // A remembered device stands in for the second factor only when the pool says so
            // (ChallengeRequiredOnNewDevice); otherwise MFA still follows.
            let skip_mfa =
                pool.settings.device_configuration.as_ref().is_some_and(|c| c.challenge_required_on_new_device);
            if !skip_mfa {
                if let Some(challenge) = self.mfa_gate(pool, client, &user, Some(&d.device_key), now).await? {
                    return Ok(challenge);
                }
            }
            return self.complete_sign_in(pool, client, &user, Some(&d.device_key)).await;
        }
        let device_key = responses.device_key().map(String::from).or(state.device);
        self.after_first_factor(pool, client, user, now, device_key.as_deref()).await
    }

    /// RespondToAuthChallenge DEVICE_SRP_AUTH (`USERNAME`, `DEVICE_KEY`, `SRP_A`; no Session
    /// needed): allowed only right after a password proof that asked for it.
    pub(crate) async fn device_srp_start(
        &self,
        pool: &UserPool,
        client: &AppClient,
        responses: &AuthParams,
    ) -> CoreResult<AuthOutcome> {
        let username = AuthParams::require(&responses.username, "USERNAME")?;
        let key = AuthParams::require(&responses.device_key, "DEVICE_KEY")?;
        let a = from_hex(AuthParams::require(&responses.srp_a, "SRP_A")?);
        if !self.srp.valid_a(&a) {
            return Err(CoreError::InvalidParameter("SRP_A is not a valid SRP value.".into()));
        }
        let user = self.resolve_user(pool, username).await.map_err(|_| incorrect())?;
        self.check_secret_hash(client, responses.secret_hash(), &[username, &user.username])?;
        let device = self.device_of(&pool.id, &user, key).await?;
        let purpose = CodePurpose::DeviceSrp(key.to_string()).key();
        if !self.store.take_code(&pool.id, &user.username_key, &purpose).await? {
            return Err(incorrect());
        }
        let ver = self.device_verifier(&device).ok_or_else(incorrect)?;
        let v = from_hex(&ver.v);
        let srp = self.srp.clone();
        let (b, big_b) = tokio::task::spawn_blocking(move || srp.server_ephemeral(&v))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let now = now_millis();
        let mut nonce_raw = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut nonce_raw);
        let nonce: String = nonce_raw.iter().map(|b| format!("{b:02x}")).collect();
        let state = SrpState {
            pool: pool.id.to_string(),
            client: client.client_id.to_string(),
            user: user.username_key.clone(),
            id: device.device_key.clone(),
            a: a.to_str_radix(16),
            b: b.to_str_radix(16),
            big_b: big_b.to_str_radix(16),
            exp: now + CHALLENGE_TTL_MS,
            nonce,
            prefix: device.group_key.clone(),
            device: Some(device.device_key.clone()),
            device_proof: true,
            unknown: None,
            custom: false,
        };
        let parameters = BTreeMap::from([
            ("SALT".to_string(), ver.salt),
            ("SRP_B".to_string(), big_b.to_str_radix(16)),
            ("SECRET_BLOCK".to_string(), self.seal_state(&state)),
            ("USERNAME".to_string(), user.username.clone()),
            ("DEVICE_KEY".to_string(), device.device_key.clone()),
        ]);
        let session = ChallengeSession::new(
            pool.id.as_str(),
            client.client_id.as_str(),
            &user.username_key,
            ChallengeName::DevicePasswordVerifier,
            state.exp,
        )
        .seal(&self.master);
        Ok(AuthOutcome::Challenge { name: ChallengeName::DevicePasswordVerifier, session, parameters })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cognate_model::{ClientId, ClientSettings};

    /// An expired SECRET_BLOCK is refused even with a valid nonce and a fresh timestamp.
    #[tokio::test]
    async fn expired_secret_blocks_are_refused() {
        let (svc, pool, user) = crate::tests::service().await;
        let client = AppClient {
            pool_id: pool.id.clone(),
            client_id: ClientId::new("client1"),
            name: "c".into(),
            secret_sealed: None,
            created_at: 1,
            updated_at: 1,
            settings: ClientSettings::default(),
        };
        let now = now_millis();
        let state = SrpState {
            pool: pool.id.to_string(),
            client: "client1".into(),
            user: user.username_key.clone(),
            id: user.username.clone(),
            a: "2".into(),
            b: "3".into(),
            big_b: "5".into(),
            exp: now - 1,
            nonce: "n1".into(),
            prefix: pool.id.short_name().into(),
            device: None,
            device_proof: false,
            unknown: None,
            custom: false,
        };
        let rc = crate::RequestContext::internal();
        let responses = AuthParams {
            username: Some(user.username.clone()),
            password_claim_secret_block: Some(svc.sign_in(&rc).seal_state(&state)),
            timestamp: Some("Tue Jan 2 03:04:05 UTC 2024".into()),
            password_claim_signature: Some("AAAA".into()),
            ..Default::default()
        };
        let r = svc.sign_in(&rc).srp_verify(&pool, &client, ChallengeName::PasswordVerifier, &responses).await;
        assert!(matches!(r, Err(CoreError::NotAuthorized(m)) if m == "Incorrect username or password."));
        // The refused attempt did not even claim the nonce.
        assert!(svc.store.get_code(&pool.id, &user.username_key, &nonce_purpose("n1")).await.unwrap().is_none());
    }
}
