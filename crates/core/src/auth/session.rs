//! The `Session` of a challenge: sealed by the master key, so any node can read it and no
//! client can forge or alter it. It expires after the client's `AuthSessionValidity`.

use crate::crypto::MasterKey;
use crate::{CoreError, CoreResult};
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
    pub challenge: String,
    /// Expiry (ms).
    pub exp: i64,
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
        let expired = || CoreError::NotAuthorized("Invalid session for the user, session is expired.".into());
        let raw = master.open_url(sealed, AAD).map_err(|_| expired())?;
        let s: Self = serde_json::from_slice(&raw).map_err(|_| expired())?;
        if s.exp <= now || s.client != client {
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
