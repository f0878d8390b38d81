//! Temporary credentials (GetCredentialsForIdentity, STS): an `ASIA…` access key id, a secret
//! and a session token, with an expiry. Nothing is stored: the session token is the session
//! itself (access key id, identity, pool, role, session name, expiry) sealed with the master
//! key, and the secret is derived from the access key id with a key only the servers hold — so
//! every node verifies any node's credentials without a database read, and a SigV4 check with
//! them costs one AES-GCM open and one HMAC more than with an admin key. Deleting an identity
//! (or its pool) records a revocation that every node picks up within a second.

use crate::principal::{Credential, IdentityPrincipal, PrincipalKind, RolePrincipal};
use crate::CoreResult;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognate_model::{now_millis, UserPoolId};
use serde::{Deserialize, Serialize};

const AAD: &str = "cognate:temporary-credentials:v1";
const SECRET_PURPOSE: &str = "temporary-credential-secret";
/// How long credentials from GetCredentialsForIdentity live (AWS: one hour).
pub const CREDENTIALS_TTL_MS: i64 = 3_600_000;
/// How long a revocation of an identity is kept: longer than any credential lives.
const REVOCATION_MS: i64 = 13 * 3_600_000;

/// Credentials as the APIs return them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TempCredentials {
    /// `ASIA…`.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_key: String,
    /// The session token (`X-Amz-Security-Token`).
    pub session_token: String,
    /// Expiry (Unix ms).
    pub expiration: i64,
}

#[derive(Serialize, Deserialize)]
struct Session {
    /// Access key id.
    k: String,
    /// Identity id.
    i: String,
    /// Identity pool id.
    p: String,
    /// Role ARN.
    r: String,
    /// Role session name.
    s: String,
    /// Expiry (ms).
    e: i64,
}

fn access_key_id() -> String {
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    format!("ASIA{}", cognate_model::ids::random_string(B32, 16))
}

/// The revocation key of an identity (or of a whole pool, under its own id).
fn revocation_key(id: &str) -> String {
    format!("identity:{id}")
}

impl crate::Cognate {
    fn derived_secret(&self, access_key_id: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.master.keyed_mac(SECRET_PURPOSE, access_key_id))
    }

    /// Mints credentials for an identity acting in `role_arn`, valid for `ttl_ms`.
    pub(crate) fn mint_credentials(
        &self,
        identity_id: &str,
        pool_id: &str,
        role_arn: &str,
        session_name: &str,
        ttl_ms: i64,
    ) -> TempCredentials {
        let k = access_key_id();
        let expiration = now_millis() + ttl_ms;
        let session = Session {
            k: k.clone(),
            i: identity_id.into(),
            p: pool_id.into(),
            r: role_arn.into(),
            s: session_name.into(),
            e: expiration,
        };
        let session_token = self.master.seal_url(&serde_json::to_vec(&session).unwrap_or_default(), AAD);
        TempCredentials { secret_key: self.derived_secret(&k), access_key_id: k, session_token, expiration }
    }

    /// The credential of temporary credentials, when the session token is one this service
    /// sealed for that access key, has not expired, and its identity (and pool) still exist.
    pub(crate) fn temporary_credential(&self, access_key_id: &str, session_token: &str) -> Option<Credential> {
        let raw = self.master.open_url(session_token, AAD).ok()?;
        let s: Session = serde_json::from_slice(&raw).ok()?;
        let revoked =
            self.revocations.contains(&revocation_key(&s.i)) || self.revocations.contains(&revocation_key(&s.p));
        if s.k != access_key_id || s.e <= now_millis() || revoked {
            return None;
        }
        // Sessions of no identity are roles an administrator assumed.
        let kind = if s.i.is_empty() {
            PrincipalKind::Role(RolePrincipal { role_arn: s.r, session_name: s.s })
        } else {
            PrincipalKind::Identity(IdentityPrincipal {
                identity_id: s.i,
                identity_pool_id: s.p,
                role_arn: s.r,
                session_name: s.s,
            })
        };
        Some(Credential::new(access_key_id, &self.derived_secret(access_key_id), Some(session_token), kind))
    }

    /// Ends the credentials of an identity (or, with the pool's id, of a whole pool) on every
    /// node.
    pub(crate) async fn revoke_credentials_of(&self, pool_id: &str, id: &str) -> CoreResult<()> {
        let now = now_millis();
        let key = revocation_key(id);
        self.store.revoke_session(&UserPoolId::new(pool_id), &key, now, now + REVOCATION_MS).await?;
        self.revocations.add([(key, now + REVOCATION_MS)]);
        Ok(())
    }
}
