//! The identity pools' OpenID tokens (GetOpenIdToken, GetOpenIdTokenForDeveloperIdentity), as
//! `cognito-identity.amazonaws.com` issues them: RS256 by the service's signing keys (the same
//! ring, rotated with `cognate keys rotate`), `iss = {PUBLIC_URL}`, `sub` the identity, `aud` the
//! identity pool, `amr` `["unauthenticated"]` or `["authenticated", provider, …]`. Their keys are
//! at `{PUBLIC_URL}/.well-known/jwks_uri`.

use crate::tokens::jwt;
use crate::{CoreError, CoreResult};
use cognate_model::now_millis;
use serde_json::{json, Value};

/// A checked OpenID token of an identity.
#[derive(Debug, Clone)]
pub struct OpenIdClaims {
    /// `sub`: the identity.
    pub identity_id: String,
    /// `aud`: the identity pool.
    pub pool_id: String,
    /// `amr`.
    pub amr: Vec<String>,
    /// Every claim.
    pub claims: Value,
}

impl crate::Cognate {
    /// An OpenID token for an identity, valid `ttl_secs`.
    pub(crate) fn open_id_token(
        &self,
        identity_id: &str,
        pool_id: &str,
        amr: &[String],
        ttl_secs: i64,
        extra: Option<&serde_json::Map<String, Value>>,
    ) -> CoreResult<String> {
        let iat = now_millis() / 1000;
        let mut claims = json!({
            "iss": self.config.public_url,
            "sub": identity_id,
            "aud": pool_id,
            "amr": amr,
            "iat": iat,
            "exp": iat + ttl_secs,
            "https://cognito-identity.amazonaws.com/identity-pool-id": pool_id,
        });
        if let Some(extra) = extra {
            for (k, v) in extra {
                claims[k] = v.clone();
            }
        }
        self.keys.current().signing.sign(&claims).map_err(CoreError::Internal)
    }

    /// Checks an identity OpenID token: signature by the service's keys, issuer, expiry.
    pub fn check_open_id_token(&self, token: &str) -> Result<OpenIdClaims, String> {
        let ring = self.keys.current();
        let claims = jwt::verify(token, |kid| ring.public.get(kid)).map_err(|e| format!("{e:?}"))?;
        if claims["iss"].as_str() != Some(self.config.public_url.as_str()) {
            return Err("the token is not an identity pool token of this service".into());
        }
        if claims["exp"].as_i64().is_none_or(|e| e <= now_millis() / 1000) {
            return Err("the token has expired".into());
        }
        let identity_id = claims["sub"].as_str().ok_or("no sub")?.to_string();
        let pool_id = claims["aud"].as_str().ok_or("no aud")?.to_string();
        let amr = claims["amr"].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect());
        Ok(OpenIdClaims { identity_id, pool_id, amr: amr.unwrap_or_default(), claims })
    }

    /// The identity issuer's discovery document (`/.well-known/openid-configuration`).
    pub fn identity_discovery(&self) -> Value {
        let base = &self.config.public_url;
        json!({
            "issuer": base,
            "jwks_uri": format!("{base}/.well-known/jwks_uri"),
            "response_types_supported": ["code", "id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "aud", "amr", "iss", "exp", "iat"],
        })
    }
}
