//! The `Session` of a challenge: sealed by the master key, so any node can read it and no
//! client can forge or alter it. It expires after the client's `AuthSessionValidity`.

use crate::crypto::MasterKey;
use crate::{CoreError, CoreResult};
use cognate_model::ChallengeName;
use serde::{Deserialize, Serialize};

/// What a challenge session remembers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChallengeSession {
    /// Pool.
    pub pool: String,
    /// Client.
    pub client: String,
    /// User name key.
    pub user: String,
    /// The challenge it answers.
    pub challenge: ChallengeName,
    /// Expiry (ms).
    pub exp: i64,
    /// A device that already proved itself (DEVICE_PASSWORD_VERIFIER) before an MFA step: the
    /// tokens are for it, and no new device is made.
    #[serde(default)]
    pub device: Option<String>,
    /// MFA_SETUP: VerifySoftwareToken accepted a code in this session.
    #[serde(default)]
    pub verified: bool,
    /// Makes a finishing step single use (claimed in the store).
    #[serde(default)]
    pub nonce: String,
    /// A USER_AUTH first-factor step (an EMAIL_OTP code that signs in, not a second factor).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first: bool,
    /// ConfirmSignUp's session: the confirmation code was the proof, and InitiateAuth
    /// (USER_AUTH) with it signs the user in once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub signed_up: bool,
}

const AAD: &str = "challenge-session";

impl ChallengeSession {
    /// A session for `challenge` of `user` (name key) in `pool` through `client`, until `exp` (ms).
    pub fn new(pool: &str, client: &str, user: &str, challenge: ChallengeName, exp: i64) -> Self {
        Self {
            pool: pool.to_string(),
            client: client.to_string(),
            user: user.to_string(),
            challenge,
            exp,
            device: None,
            verified: false,
            nonce: String::new(),
            first: false,
            signed_up: false,
        }
    }

    /// Seals the session into an opaque string (URL-safe, ≥ 20 characters).
    pub fn seal(&self, master: &MasterKey) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        master.seal_url(&json, AAD)
    }

    /// Opens the `Session` of a RespondToAuthChallenge: `InvalidParameterException` when none
    /// was sent, else as [`ChallengeSession::open`].
    pub fn answered(
        master: &MasterKey,
        sealed: Option<&str>,
        challenge: ChallengeName,
        client: &str,
        now: i64,
    ) -> CoreResult<Self> {
        let sealed = sealed.ok_or_else(|| CoreError::InvalidParameter("Missing required parameter Session".into()))?;
        Self::open(master, sealed, challenge, client, now)
    }

    /// Opens a session string, checking expiry, challenge and client.
    pub fn open(
        master: &MasterKey,
        sealed: &str,
        challenge: ChallengeName,
        client: &str,
        now: i64,
    ) -> CoreResult<Self> {
        let s = Self::open_any_client(master, sealed, challenge, now)?;
        if s.client != client {
            return Err(CoreError::NotAuthorized("Invalid session for the user, session is expired.".into()));
        }
        Ok(s)
    }

    /// Opens a session given without a client id (AssociateSoftwareToken, VerifySoftwareToken).
    pub fn open_any_client(master: &MasterKey, sealed: &str, challenge: ChallengeName, now: i64) -> CoreResult<Self> {
        let expired = || CoreError::NotAuthorized("Invalid session for the user, session is expired.".into());
        let raw = master.open_url(sealed, AAD).map_err(|_| expired())?;
        let s: Self = serde_json::from_slice(&raw).map_err(|_| expired())?;
        if s.exp <= now {
            return Err(expired());
        }
        if s.challenge != challenge {
            return Err(CoreError::InvalidParameter(format!(
                "The session is for the {} challenge, not {challenge}.",
                s.challenge
            )));
        }
        Ok(s)
    }
}
