//! What a password becomes at rest: an argon2id hash for password sign-in and a sealed SRP
//! verifier for USER_SRP_AUTH, always computed together.

use crate::srp::Verifier;
use crate::{Cognate, CoreError, CoreResult};
use cognate_model::{now_millis, User, UserPoolId};

/// The stored forms of one password.
#[derive(Debug, Clone)]
pub(crate) struct PasswordMaterial {
    hash: String,
    verifier: String,
}

impl PasswordMaterial {
    /// Puts the password on a user (and restarts the temporary-password clock).
    pub fn apply(&self, u: &mut User) {
        u.password_hash = Some(self.hash.clone());
        u.srp_verifier = Some(self.verifier.clone());
        u.password_set_at = Some(now_millis());
    }
}

fn aad(pool: &UserPoolId, username: &str) -> String {
    format!("srp-verifier:{pool}:{username}")
}

impl Cognate {
    /// Hashes `password` and computes its SRP verifier for `username` (the USER_ID_FOR_SRP).
    pub(crate) async fn password_material(
        &self,
        pool: &UserPoolId,
        username: &str,
        password: &str,
    ) -> CoreResult<PasswordMaterial> {
        let hash = self.hasher.hash(password).await?;
        let (srp, prefix, id, pw) =
            (self.srp.clone(), pool.short_name().to_string(), username.to_string(), password.to_string());
        let v = tokio::task::spawn_blocking(move || srp.verifier(&prefix, &id, &pw))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let json = serde_json::to_vec(&v).map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(PasswordMaterial { hash, verifier: self.master.seal(&json, &aad(pool, username)) })
    }

    /// The user's SRP verifier, if one was stored.
    pub(crate) fn verifier_of(&self, user: &User) -> Option<Verifier> {
        let raw = self.master.open(user.srp_verifier.as_deref()?, &aad(&user.pool_id, &user.username)).ok()?;
        serde_json::from_slice(&raw).ok()
    }
}
