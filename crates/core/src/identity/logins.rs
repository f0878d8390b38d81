//! The `Logins` of a cognito-identity request, verified: each provider's token proves a subject
//! there. Cognate user pools (their ID tokens checked here: signature, issuer, `token_use`,
//! audience among the pool's configured clients, expiry, and with `ServerSideTokenCheck` the
//! user still enabled and the session not signed out); OIDC providers of
//! `OpenIdConnectProviderARNs` (discovery, then the ID token against their JWKS); Google and
//! Sign in with Apple (ID tokens against their JWKS, audience the app id); Facebook and Login with
//! Amazon (the access token read back from their profile endpoint); and the identity pools' own
//! OpenID tokens (`cognito-identity.amazonaws.com`, developer-authenticated identities). Social
//! endpoints follow `COGNATE_SOCIAL_ENDPOINTS_FILE`, as in federation.

use super::pools::oidc_arn_host;
use super::{COGNITO_IDENTITY_LOGIN, MAX_LOGINS};
use crate::federation::jwks::Refusal;
use crate::tokens::jwt;
use crate::users::username_key;
use crate::{CoreError, CoreResult};
use cognate_model::{now_millis, IdentityPool, UserPoolId};
use serde_json::Value;
use std::collections::BTreeMap;

/// A login whose token checked out.
#[derive(Debug, Clone)]
pub(crate) struct VerifiedLogin {
    /// The provider, as the identity pool names it (and as identities keep it).
    pub provider: String,
    /// The subject at the provider.
    pub subject: String,
    /// The token's claims (for role mappings and principal tags).
    pub claims: Value,
    /// The user pool app client, for a Cognate user pool's login (role-mapping key suffix).
    pub client_id: Option<String>,
    /// For the pools' own OpenID tokens: the identity they were issued to.
    pub identity_token_of: Option<String>,
}

fn refused(provider: &str, why: impl std::fmt::Display) -> CoreError {
    tracing::info!(provider, reason = %why, "login refused");
    CoreError::NotAuthorized(format!("Invalid login token. The token for {provider} could not be verified."))
}

impl crate::Cognate {
    /// The user pool a `Logins` key names: `{PUBLIC_URL without scheme}/{poolId}`, or Cognito's
    /// `cognito-idp.{region}.amazonaws.com/{poolId}` alias.
    fn user_pool_of_key<'k>(&self, key: &'k str) -> Option<&'k str> {
        let (host, pool) = key.rsplit_once('/')?;
        let aws = format!("cognito-idp.{}.amazonaws.com", self.config.region);
        (host == self.public_host() || host == aws).then_some(pool)
    }

    /// Verifies every login of a request against the identity pool's configuration.
    pub(crate) async fn verify_logins(
        &self,
        pool: &IdentityPool,
        logins: &BTreeMap<String, String>,
    ) -> CoreResult<Vec<VerifiedLogin>> {
        if logins.len() > MAX_LOGINS {
            return Err(CoreError::InvalidParameter(format!("At most {MAX_LOGINS} logins.")));
        }
        let mut out = Vec::with_capacity(logins.len());
        for (key, token) in logins {
            out.push(self.verify_login(pool, key, token).await?);
        }
        Ok(out)
    }

    async fn verify_login(&self, pool: &IdentityPool, key: &str, token: &str) -> CoreResult<VerifiedLogin> {
        let plain = |provider: &str, subject: String, claims: Value| VerifiedLogin {
            provider: provider.to_string(),
            subject,
            claims,
            client_id: None,
            identity_token_of: None,
        };
        // The pools' own OpenID tokens (developer-authenticated identities).
        if key == COGNITO_IDENTITY_LOGIN || key == self.public_host() {
            let c = self.check_open_id_token(token).map_err(|e| refused(key, e))?;
            if c.pool_id != pool.id {
                return Err(refused(key, "the token is for another identity pool"));
            }
            let mut v = plain(COGNITO_IDENTITY_LOGIN, c.identity_id.clone(), c.claims);
            v.identity_token_of = Some(c.identity_id);
            return Ok(v);
        }
        if let Some(user_pool) = self.user_pool_of_key(key) {
            return self.verify_user_pool_login(pool, key, user_pool, token).await;
        }
        if let Some(app_id) = pool.supported_login_providers.get(key) {
            let (subject, claims) = self.verify_social(key, app_id, token).await?;
            return Ok(plain(key, subject, claims));
        }
        if let Some(host) =
            pool.open_id_connect_provider_arns.iter().filter_map(|a| oidc_arn_host(a)).find(|h| *h == key)
        {
            let (subject, claims) = self.verify_oidc(host, token).await?;
            return Ok(plain(key, subject, claims));
        }
        Err(CoreError::NotAuthorized(format!("Invalid login token. {key} is not a provider of this identity pool.")))
    }

    async fn verify_user_pool_login(
        &self,
        pool: &IdentityPool,
        key: &str,
        user_pool: &str,
        token: &str,
    ) -> CoreResult<VerifiedLogin> {
        let configured: Vec<_> = pool
            .cognito_identity_providers
            .iter()
            .filter(|c| self.user_pool_of_key(&c.provider_name) == Some(user_pool))
            .collect();
        let Some(first) = configured.first() else {
            return Err(CoreError::NotAuthorized(format!(
                "Invalid login token. {key} is not a provider of this identity pool."
            )));
        };
        let ring = self.keys.current();
        let claims = jwt::verify(token, |kid| ring.public.get(kid)).map_err(|e| refused(key, format!("{e:?}")))?;
        let now = now_millis() / 1000;
        if claims["token_use"] != "id" {
            return Err(refused(key, "not an ID token"));
        }
        if claims["iss"].as_str() != Some(self.issuer(user_pool).as_str()) {
            return Err(refused(key, "another issuer"));
        }
        if claims["exp"].as_i64().is_none_or(|e| e <= now) {
            return Err(CoreError::NotAuthorized("Invalid login token. Token expired.".into()));
        }
        let aud = claims["aud"].as_str().unwrap_or("").to_string();
        let Some(entry) = configured.iter().find(|c| c.client_id == aud) else {
            return Err(refused(key, "its audience is not a client of the identity pool"));
        };
        if entry.server_side_token_check {
            let revoked = claims["origin_jti"].as_str().is_some_and(|j| self.revocations.contains(j));
            let up = self.store.get_pool(&UserPoolId::new(user_pool)).await?;
            let name = claims["cognito:username"].as_str().unwrap_or("");
            let user = match &up {
                Some(p) => self.store.get_user(&p.id, &username_key(&p.settings, name)).await?,
                None => None,
            };
            if revoked || !user.is_some_and(|u| u.enabled && u.sub == claims["sub"].as_str().unwrap_or("")) {
                return Err(CoreError::NotAuthorized("Invalid login token. Token is not from a valid user.".into()));
            }
        }
        let subject = claims["sub"].as_str().ok_or_else(|| refused(key, "no sub"))?.to_string();
        Ok(VerifiedLogin {
            provider: first.provider_name.clone(),
            subject,
            claims,
            client_id: Some(aud),
            identity_token_of: None,
        })
    }

    /// A social preset's endpoint, or the operator's replacement.
    fn social_endpoint(&self, preset: &str, key: &str, default: &str) -> String {
        self.config
            .social_endpoints
            .get(preset)
            .and_then(|m| m.get(key))
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }

    async fn verify_social(&self, key: &str, app_id: &str, token: &str) -> CoreResult<(String, Value)> {
        match key {
            "accounts.google.com" => {
                let jwks = self.social_endpoint("Google", "jwks_uri", "https://www.googleapis.com/oauth2/v3/certs");
                let claims = self
                    .verify_external_jwt(
                        key,
                        token,
                        &["https://accounts.google.com", "accounts.google.com"],
                        &jwks,
                        Some(app_id),
                    )
                    .await?;
                Ok((claims["sub"].as_str().unwrap_or_default().to_string(), claims))
            }
            "appleid.apple.com" => {
                let jwks = self.social_endpoint("SignInWithApple", "jwks_uri", "https://appleid.apple.com/auth/keys");
                let claims =
                    self.verify_external_jwt(key, token, &["https://appleid.apple.com"], &jwks, Some(app_id)).await?;
                Ok((claims["sub"].as_str().unwrap_or_default().to_string(), claims))
            }
            "graph.facebook.com" | "www.amazon.com" => {
                let (preset, default, field) = if key == "graph.facebook.com" {
                    ("Facebook", "https://graph.facebook.com/v17.0/me?fields=", "id")
                } else {
                    ("LoginWithAmazon", "https://api.amazon.com/user/profile", "user_id")
                };
                let mut url = self.social_endpoint(preset, "attributes_url", default);
                if url.ends_with("fields=") {
                    url.push_str("id");
                }
                let (status, profile) =
                    self.outbound.get(&url, Some(token)).await.map_err(CoreError::ExternalService)?;
                let subject = profile[field].as_str().filter(|_| status == 200).map(String::from);
                let subject = subject.ok_or_else(|| refused(key, format!("the profile endpoint answered {status}")))?;
                Ok((subject, profile))
            }
            other => Err(CoreError::NotAuthorized(format!("Invalid login token. {other} logins are not supported."))),
        }
    }

    /// An OIDC provider of the pool (`https://{host}`, `http` for a loopback host): its
    /// discovery document names the JWKS that signs its ID tokens. The audience is not
    /// checked: IAM's client-id list of the provider has no place in Cognate (README).
    pub(crate) async fn verify_oidc(&self, host: &str, token: &str) -> CoreResult<(String, Value)> {
        let loopback = host.starts_with("127.0.0.1") || host.starts_with("localhost") || host.starts_with("[::1]");
        let issuer = format!("{}://{host}", if loopback { "http" } else { "https" });
        let url = format!("{issuer}/.well-known/openid-configuration");
        let (status, doc) = self.outbound.get(&url, None).await.map_err(CoreError::ExternalService)?;
        let jwks = doc["jwks_uri"].as_str().filter(|_| status == 200).map(String::from);
        let jwks = jwks.ok_or_else(|| CoreError::ExternalService(format!("{url} answered {status}")))?;
        let claims = self.verify_external_jwt(host, token, &[issuer.as_str()], &jwks, None).await?;
        Ok((claims["sub"].as_str().unwrap_or_default().to_string(), claims))
    }

    /// An ID token from another issuer, checked against its JWKS (`federation::jwks`); the
    /// JWKS out of reach is `ExternalService`, a bad token a refused login.
    async fn verify_external_jwt(
        &self,
        provider: &str,
        token: &str,
        issuers: &[&str],
        jwks_uri: &str,
        audience: Option<&str>,
    ) -> CoreResult<Value> {
        match crate::federation::jwks::verify(self.outbound.as_ref(), token, jwks_uri, issuers, audience).await {
            Ok(claims) => Ok(Value::Object(claims)),
            Err(Refusal::Unreachable(e)) => Err(CoreError::ExternalService(format!("{jwks_uri}: {e}"))),
            Err(Refusal::Invalid(e)) => Err(refused(provider, e)),
        }
    }
}
