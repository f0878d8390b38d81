//! ID tokens of other issuers, checked against their JWKS: what federated sign-in (OIDC
//! providers, Google, Sign in with Apple) and identity-pool logins share. `jsonwebtoken` does the
//! signature (RS256, PS256, ES256, EdDSA) and the registered claims.

use super::Outbound;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// The algorithms accepted from other issuers (never `none`, never HMAC).
pub(crate) const ALGORITHMS: [Algorithm; 4] = [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA];

/// Why a token was not accepted.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The issuer's JWKS could not be read (an upstream failure).
    Unreachable(String),
    /// The token is not good.
    Invalid(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Unreachable(m) | Refusal::Invalid(m) => f.write_str(m),
        }
    }
}

/// Checks `token` against the JWKS at `jwks_uri`: an accepted algorithm, the key of its `kid`,
/// its issuer among `issuers`, its audience when one is given, expiry, `iss`/`sub`/`exp`.
pub(crate) async fn verify(
    outbound: &dyn Outbound,
    token: &str,
    jwks_uri: &str,
    issuers: &[&str],
    audience: Option<&str>,
) -> Result<Map<String, Value>, Refusal> {
    let invalid = |e: String| Refusal::Invalid(e);
    let header = jsonwebtoken::decode_header(token).map_err(|e| invalid(e.to_string()))?;
    if !ALGORITHMS.contains(&header.alg) {
        return Err(invalid(format!("algorithm {:?} is not accepted", header.alg)));
    }
    let (status, body) = outbound.get(jwks_uri, None).await.map_err(Refusal::Unreachable)?;
    if status != 200 {
        return Err(Refusal::Unreachable(format!("the JWKS answered {status}")));
    }
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_value(body).map_err(|e| invalid(format!("JWKS: {e}")))?;
    let jwk = match &header.kid {
        Some(kid) => set.find(kid),
        None if set.keys.len() == 1 => set.keys.first(),
        None => None,
    }
    .ok_or_else(|| invalid("no JWKS key for the token's kid".into()))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(e.to_string()))?;
    let mut v = Validation::new(header.alg);
    v.set_issuer(issuers);
    match audience {
        Some(a) => {
            v.set_audience(&[a]);
            v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        }
        None => {
            v.validate_aud = false;
            v.set_required_spec_claims(&["exp", "iss", "sub"]);
        }
    }
    jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v).map(|d| d.claims).map_err(|e| invalid(e.to_string()))
}
