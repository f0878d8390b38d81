//! The `Session` of a challenge: sealed by the master key, so any node can read it and no
//! client can forge or alter it. It expires after the client's `AuthSessionValidity`.

use crate::crypto::MasterKey;
use crate::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};

/// What a challenge session remembers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChallengeSession {
    /// Pool.
    pub pool: String,
    /// Client.
    pub client: String,
    /// User name key.
    pub user: String,
    /// The challenge it answers.
    pub challenge: String,
    /// Expiry (ms).
    pub exp: i64,
    /// A device that already proved itself (DEVICE_PASSWORD_VERIFIER) before an MFA step: the
    /// tokens are for it, and no new device is made.
    pub device: Option<String>,
    /// MFA_SETUP: VerifySoftwareToken accepted a code in this session.
    pub verified: bool,
    /// Makes a finishing step single use (claimed in the store).
    pub nonce: String,
}

const AAD: &str = "challenge-session";

impl ChallengeSession {
    /// Seals the session into an opaque string (URL-safe, ≥ 20 characters).
    pub fn seal(&self, master: &MasterKey) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        master.seal_url(&json, AAD)
    }

    /// Opens a session string, checking expiry, challenge and client.
    pub fn open(master: &MasterKey, sealed: &str, challenge: &str, client: &str, now: i64) -> CoreResult<Self> {
        let s = Self::open_any_client(master, sealed, challenge, now)?;
        if s.client != client {
            return Err(CoreError::NotAuthorized("Invalid session for the user, session is expired.".into()));
        }
        Ok(s)
    }

    /// Opens a session given without a client id (AssociateSoftwareToken, VerifySoftwareToken).
    pub fn open_any_client(master: &MasterKey, sealed: &str, challenge: &str, now: i64) -> CoreResult<Self> {
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
