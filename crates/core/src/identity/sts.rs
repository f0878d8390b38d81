//! STS, as far as identity pools need it: AssumeRoleWithWebIdentity for the pools' OpenID
//! tokens (the basic flow), GetCallerIdentity, and AssumeRole for administrators. Roles are
//! names: Cognate is not IAM and evaluates no policy. What stands in for a role's trust policy
//! is the identity pool itself: a web identity may assume only a role its pool gives identities
//! of its kind (the `unauthenticated` role for guests; the `authenticated` role or a role of the
//! pool's role mappings for signed-in identities).

use super::credentials::TempCredentials;
use crate::principal::{Principal, PrincipalKind};
use crate::{AdminCtx, CoreError, CoreResult};

/// STS's session-duration bounds (seconds) and default.
pub const MIN_DURATION: i64 = 900;
/// The longest session (a role's maximum session duration can be at most 12 hours).
pub const MAX_DURATION: i64 = 43_200;
/// The default session duration.
pub const DEFAULT_DURATION: i64 = 3_600;

/// What AssumeRoleWithWebIdentity answers.
#[derive(Debug, Clone)]
pub struct WebIdentitySession {
    /// The credentials.
    pub credentials: TempCredentials,
    /// `SubjectFromWebIdentityToken`: the identity.
    pub subject: String,
    /// `AssumedRoleUser.Arn`.
    pub assumed_role_arn: String,
    /// `AssumedRoleUser.AssumedRoleId`.
    pub assumed_role_id: String,
    /// `Provider`: the issuer without its scheme.
    pub provider: String,
    /// `Audience`: the identity pool.
    pub audience: String,
}

/// Who a caller is (GetCallerIdentity).
#[derive(Debug, Clone)]
pub struct CallerIdentity {
    /// `UserId`.
    pub user_id: String,
    /// `Account`.
    pub account: String,
    /// `Arn`.
    pub arn: String,
}

/// The STS errors identity flows meet, with their wire codes.
pub fn duration(d: Option<i64>) -> CoreResult<i64> {
    let d = d.unwrap_or(DEFAULT_DURATION);
    if !(MIN_DURATION..=MAX_DURATION).contains(&d) {
        return Err(CoreError::InvalidParameter(format!(
            "1 validation error detected: Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value between {MIN_DURATION} and {MAX_DURATION}"
        )));
    }
    Ok(d)
}

fn role_id(role_arn: &str, session: &str) -> String {
    // AWS: "AROA" + the role's unique id, then the session name. Ours is derived from the ARN.
    let digest = cognate_sigv4::sha256_hex(role_arn.as_bytes()).to_ascii_uppercase();
    format!("AROA{}:{session}", &digest[..17])
}

impl crate::Cognate {
    /// AssumeRoleWithWebIdentity with an identity pool's OpenID token. Errors: NotAuthorized
    /// (`InvalidIdentityToken`, `ExpiredTokenException` on the wire: see api-sts), Unauthorized
    /// (the pool gives no such role: `AccessDenied`).
    pub async fn assume_role_with_web_identity(
        &self,
        role_arn: &str,
        session_name: &str,
        token: &str,
        duration_secs: i64,
    ) -> CoreResult<WebIdentitySession> {
        let claims = match self.check_open_id_token(token) {
            Ok(c) => c,
            Err(ours) => {
                return self.assume_role_with_oidc_token(role_arn, session_name, token, duration_secs, ours).await
            }
        };
        let (identity, pool) = self.identity_and_pool(&claims.identity_id).await.map_err(|e| match e {
            CoreError::ResourceNotFound(_) => {
                CoreError::NotAuthorized("The identity of the token no longer exists.".into())
            }
            e => e,
        })?;
        let guest = claims.amr.iter().any(|a| a == "unauthenticated");
        let allowed = if guest {
            pool.roles.get("unauthenticated").is_some_and(|r| r == role_arn)
        } else {
            pool.roles.get("authenticated").is_some_and(|r| r == role_arn)
                || pool.role_mappings.values().flat_map(|m| &m.rules).any(|r| r.role_arn == role_arn)
        };
        if !allowed {
            return Err(CoreError::Unauthorized(format!(
                "Not authorized to perform sts:AssumeRoleWithWebIdentity: the identity pool {} gives its {} identities no role {role_arn}.",
                pool.id,
                if guest { "unauthenticated" } else { "authenticated" }
            )));
        }
        let credentials = self.mint_credentials(&identity.id, &pool.id, role_arn, session_name, duration_secs * 1000);
        let role = role_arn.rsplit('/').next().unwrap_or(role_arn);
        let provider = self.public_host().to_string();
        Ok(WebIdentitySession {
            credentials,
            subject: identity.id,
            assumed_role_arn: format!("arn:aws:sts::{}:assumed-role/{role}/{session_name}", self.config.account_id),
            assumed_role_id: role_id(role_arn, session_name),
            provider,
            audience: pool.id,
        })
    }

    /// AssumeRoleWithWebIdentity with another issuer's ID token: the account trusts the OIDC
    /// providers its identity pools name (`OpenIdConnectProviderARNs`, IAM's OIDC providers),
    /// and a token of one may assume a role of such a pool (its authenticated role or a role of
    /// its mappings). The credentials name the role, not an identity.
    async fn assume_role_with_oidc_token(
        &self,
        role_arn: &str,
        session_name: &str,
        token: &str,
        duration_secs: i64,
        ours: String,
    ) -> CoreResult<WebIdentitySession> {
        let untrusted = || CoreError::NotAuthorized(format!("The token is not one this account trusts ({ours})."));
        let unverified: serde_json::Value = token
            .split('.')
            .nth(1)
            .and_then(|p| base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(untrusted)?;
        let iss = unverified["iss"].as_str().ok_or_else(untrusted)?;
        let host = iss.split_once("://").map(|(_, h)| h.trim_end_matches('/')).ok_or_else(untrusted)?.to_string();
        // The pools that name this provider (all of them: a short scan, on this path only).
        let mut trusting = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = self.store.list_identity_pools(after.as_deref(), 500).await?;
            let done = page.len() < 500;
            after = page.last().map(|p| p.id.clone());
            trusting.extend(page.into_iter().filter(|p| {
                p.open_id_connect_provider_arns.iter().any(|a| super::pools::oidc_arn_host(a) == Some(host.as_str()))
            }));
            if done {
                break;
            }
        }
        if trusting.is_empty() {
            return Err(untrusted());
        }
        let (subject, claims) = self.verify_oidc(&host, token).await?;
        let allowed = trusting.iter().any(|p| {
            p.roles.get("authenticated").is_some_and(|r| r == role_arn)
                || p.role_mappings.values().flat_map(|m| &m.rules).any(|r| r.role_arn == role_arn)
        });
        if !allowed {
            return Err(CoreError::Unauthorized(format!(
                "Not authorized to perform sts:AssumeRoleWithWebIdentity: no identity pool that trusts {host} gives the role {role_arn}."
            )));
        }
        let credentials = self.mint_credentials("", "", role_arn, session_name, duration_secs * 1000);
        let role = role_arn.rsplit('/').next().unwrap_or(role_arn);
        let audience = match &claims["aud"] {
            serde_json::Value::Array(a) => a.first().and_then(|v| v.as_str()).unwrap_or("").to_string(),
            v => v.as_str().unwrap_or("").to_string(),
        };
        Ok(WebIdentitySession {
            credentials,
            subject,
            assumed_role_arn: format!("arn:aws:sts::{}:assumed-role/{role}/{session_name}", self.config.account_id),
            assumed_role_id: role_id(role_arn, session_name),
            provider: host,
            audience,
        })
    }

    /// AssumeRole, for administrators: credentials that name the role and nothing more.
    pub fn assume_role(
        &self,
        _admin: &AdminCtx,
        role_arn: &str,
        session_name: &str,
        duration_secs: i64,
    ) -> (TempCredentials, String, String) {
        let credentials = self.mint_credentials("", "", role_arn, session_name, duration_secs * 1000);
        let role = role_arn.rsplit('/').next().unwrap_or(role_arn);
        let arn = format!("arn:aws:sts::{}:assumed-role/{role}/{session_name}", self.config.account_id);
        (credentials, arn, role_id(role_arn, session_name))
    }

    /// GetCallerIdentity of a verified principal.
    pub fn caller_identity(&self, p: &Principal) -> CallerIdentity {
        let account = self.config.account_id.clone();
        let user_id = match p.kind() {
            PrincipalKind::Admin => p.access_key_id().to_string(),
            PrincipalKind::Identity(i) => role_id(&i.role_arn, &i.session_name),
            PrincipalKind::Role(r) => role_id(&r.role_arn, &r.session_name),
        };
        CallerIdentity { user_id, arn: p.arn(&account), account }
    }
}
